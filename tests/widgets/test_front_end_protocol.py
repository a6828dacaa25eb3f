"""The front end's declared protocol (js/lib/protocol.d.ts, which tsc holds every view to)
names exactly the traits each widget syncs and the messages, with their fields, that its
Python handlers read: a trait or message added on one side only fails here."""

from __future__ import annotations

import re
from pathlib import Path

import anywidget
import pytest

from masko_widgets import MascotStudio, PoseGrid, PreviewPanel, ReferenceGallery
from masko_widgets.widgets._messages import handlers

PROTOCOL = Path(__file__).resolve().parents[2] / "js" / "lib" / "protocol.d.ts"
WIDGETS = [
    (ReferenceGallery, "GalleryTraits", "GalleryMessage"),
    (PreviewPanel, "PreviewTraits", "PreviewMessage"),
    (PoseGrid, "GridTraits", "GridMessage"),
    (MascotStudio, "StudioOwnTraits", "StudioMessage"),
]
EVERY_ANYWIDGET = set(anywidget.AnyWidget.class_trait_names(sync=True)) | {"_esm", "_css"}


def _declarations(text: str, keyword: str) -> dict[str, str]:
    """name -> body of each `export interface` (with its `extends`) or `export type`."""
    found = {}
    for match in re.finditer(rf"^export {keyword} (\w+)(?:<[^>]*>)?", text, re.M):
        start, depth = match.end(), 0
        for end in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if (keyword == "interface" and text[end] == "}" and depth == 0) or (
                keyword == "type" and text[end] == ";" and depth == 0
            ):
                found[match[1]] = text[start : end + 1]
                break
    return found


TEXT = PROTOCOL.read_text()
INTERFACES = _declarations(TEXT, "interface")
TYPES = _declarations(TEXT, "type")


def traits_of(interface: str) -> set[str]:
    """The required members of an interface and of those it extends (optional members are
    not synced traits: they exist only in a saved page)."""
    body = INTERFACES[interface]
    head, _, members = body.partition("{")
    names = set(re.findall(r"^\s{2}(\w+):", members, re.M))
    for base in re.findall(r"\w+", head.replace("extends", "")):
        if base in INTERFACES:
            names |= traits_of(base)
    return names


def messages_of(alias: str) -> dict[str, set[str]]:
    """event -> field names, for the message union `alias` and the unions it names."""
    body = TYPES[alias]
    found: dict[str, set[str]] = {}
    for event, rest in re.findall(r'\{\s*event: "(\w+)";?([^}]*)\}', body):
        found[event] = set(re.findall(r"(\w+)\??:", rest))
    for event in re.findall(r'FileMessage<"(\w+)">', body):
        found[event] = {"name"}
    for named in re.findall(r"(?:=|\|)\s*(\w+Message)\b(?!<)", body):  # members, not fields
        if named in TYPES and named != alias:
            found |= messages_of(named)
    return found


@pytest.mark.parametrize(("widget", "traits", "messages"), WIDGETS)
def test_the_declared_traits_are_the_synced_ones(widget: type, traits: str, messages: str) -> None:
    synced = set(widget.class_trait_names(sync=True)) - EVERY_ANYWIDGET
    assert traits_of(traits) == synced


@pytest.mark.parametrize(("widget", "traits", "messages"), WIDGETS)
def test_the_declared_messages_are_the_handled_ones(
    widget: type, traits: str, messages: str
) -> None:
    handled = {event: set(message.fields) for event, (_, message) in handlers(widget).items()}
    assert messages_of(messages) == handled


def test_the_parser_sees_a_missing_trait_and_a_missing_message() -> None:
    """The checks above would pass on an empty reading: make sure the reading is full."""
    assert {"tasks", "slots", "max_slots", "trial"} <= traits_of("GalleryTraits")
    assert messages_of("GridMessage")["animate"] == {"prompt", "duration", "loop"}
    assert messages_of("GalleryMessage")["add_candidate_file"] == {"name"}
