// What each widget's model carries between Python and its view: its synced traits and the
// messages the view sends, as the Python classes declare them (tests/widgets/
// test_front_end_protocol.py checks that the names match). Views type their model with these.

import type { Slot } from "../gallery/slots.js";
import type { Candidate, Trial } from "../gallery/trial.js";
import type { PendingPose } from "../grid/pending.js";
import type { PoseRow } from "../grid/store.js";
import type { Hint } from "../preview/hints.js";
import type { Keep, ResultSet } from "../preview/results.js";
import type { Picture } from "./replace.js";
import type { TaskState } from "./status.js";

type Callback = (...args: any[]) => void;

/**
 * A model typed by its widget's synced traits `T` and the messages `M` its view sends, as
 * anywidget's own `AnyModel<T>` is: `get("tasks")` is a `TaskState[]`, `get("taks")` and
 * `send({ event: "remov" })` are type errors.
 */
export interface Model<T extends object = WidgetTraits, M = WidgetMessage> {
  get<K extends keyof T & string>(name: K): T[K];
  set<K extends keyof T & string>(name: K, value: T[K]): void;
  on(event: string, callback: Callback): void;
  off(event?: string | null, callback?: Callback | null): void;
  save_changes(): void;
  send(content: M, callbacks?: unknown, buffers?: ArrayBuffer[]): void;
}

// --- messages: one per Python `on_event` handler, with the fields it reads -------------------

/** MaskoWidget: stop waiting for a task; dismiss the error. */
export type WidgetMessage = { event: "cancel"; task: string } | { event: "dismiss" };

/** An image file: its bytes travel as the message's one buffer. */
export type FileMessage<E extends string> = { event: E; name: string };

/** How a kept preview is made: from the collection's references, or with its hints pinned. */
export type Look = "collection" | "hints pinned";

/** The gallery's trial panel: candidates tried as one-off hints, then pinned. */
export type TrialMessage =
  | FileMessage<"add_candidate_file">
  | { event: "add_candidate_url"; url: string }
  | { event: "add_candidate_asset"; asset_id: string }
  | { event: "remove_candidate"; id: string }
  | { event: "try"; prompt?: string | null; replace?: string[] }
  | { event: "pin"; replace?: string[] };

export type GalleryMessage =
  | WidgetMessage
  | TrialMessage
  | FileMessage<"add_file">
  | { event: "add_url"; url: string }
  | { event: "add_asset"; asset_id: string }
  | { event: "refresh" }
  | { event: "remove"; asset_id: string };

export type PreviewMessage =
  | WidgetMessage
  | FileMessage<"add_hint_file">
  | { event: "add_hint_url"; url: string }
  | { event: "remove_hint"; id: string }
  | { event: "hint_failed"; id: string }
  | { event: "preview"; prompt?: string | null }
  | {
      event: "keep";
      index: number;
      set?: number | null;
      look?: Look;
      replace?: string[];
    };

export type GridMessage =
  | WidgetMessage
  | { event: "thumbnails"; ids: string[] }
  | { event: "sync" }
  | { event: "refresh" }
  | { event: "suggest" }
  | { event: "animate"; prompt: string; duration?: number; loop?: boolean }
  | { event: "edit"; instructions: string }
  | { event: "generate"; actions: string[] };

/** The studio's own events, and its parts' events tagged with the part's name. */
export type StudioMessage =
  WidgetMessage | { event: "refresh" } | { part: string; content: PartMessage };

/** What a view of any of the studio's parts may send. */
export type PartMessage = GalleryMessage | PreviewMessage | GridMessage;

// --- traits ----------------------------------------------------------------------------------

/** MaskoWidget: errors, news and running tasks. */
export interface WidgetTraits {
  error: string;
  notice: string;
  tasks: TaskState[];
}

/** CollectionWidget: one collection's name, references and style card. */
export interface CollectionTraits extends WidgetTraits {
  collection_name: string;
  reference_asset_ids: string[];
  style_card: string | null;
  style_card_status: string;
}

/** AcceptsUploads: what the browser may send as an image file. */
export interface UploadTraits {
  max_upload_bytes: number;
  upload_types: string[];
  /** Why images cannot be added by URL here (the stand-in), or "" when they can. */
  url_note: string;
}

/** How a kept preview is made: from the collection's references, or with its hints pinned. */
export type Look = "collection" | "hints pinned";

/** The gallery's trial panel: candidates tried before they are pinned. */
export interface TrialTraits extends CollectionTraits {
  trial_prompt: string;
  trial_candidates: Candidate[];
  trial: Trial | Record<string, never>;
}

export interface GalleryTraits extends TrialTraits, UploadTraits {
  slots: Slot[];
  max_slots: number;
}

export interface PreviewTraits extends CollectionTraits, UploadTraits {
  prompt: string;
  hints: Hint[];
  max_hints: number;
  result_sets: ResultSet[];
  compare: boolean;
  can_keep: boolean;
  kept: Keep[];
  /** Keeps on their way. */
  keeping: Keep[];
  /** The references' pictures, to choose which to replace when pinning hints. */
  reference_pictures: Picture[];
}

/** The last animation: its video as bytes, or its URL when large. */
export interface Animation {
  item_id: string;
  prompt: string;
  duration: number;
  loop: boolean;
  mime: string;
  data?: DataView<ArrayBuffer>;
  url?: string;
}

export interface GridTraits extends CollectionTraits {
  pose_list: PoseRow[];
  selected_item_id: string | null;
  source_image_asset_id: string | null;
  /** Empty until the first animation. */
  animation: Animation | Record<string, never>;
  suggestions: string[];
  max_batch: number;
  min_duration: number;
  max_duration: number;
  /** Poses on their way (new ones as placeholders, edits as a note on their tile). */
  pending: PendingPose[];
  /** Only in a saved page, which has no kernel to ask for thumbnails (export_html). */
  pose_pictures?: EmbeddedPicture[];
}

/** A thumbnail saved in an exported page with its pose's version and score. */
export interface EmbeddedPicture {
  id: string;
  version: string;
  mime: string;
  width: number;
  height: number;
  score: number | null;
  data: DataView<ArrayBuffer>;
}

/** A part's traits as the studio's keys: the grid's `pose_list` is `grid.pose_list`. */
type PartKeys<P extends string, T> = { [K in keyof T & string as `${P}.${K}`]: T[K] };

/** MascotStudio's own traits: its header, and its tasks (Refresh all) as every widget's. */
export interface StudioOwnTraits extends WidgetTraits {
  collection_name: string;
  style_card_status: string;
  credits: number | null;
  /** The names of the hosted parts (js/studio/facade.js). */
  parts: string[];
}

export type StudioTraits = StudioOwnTraits &
  PartKeys<"gallery", GalleryTraits> &
  PartKeys<"preview", PreviewTraits> &
  PartKeys<"grid", GridTraits>;
