"""On-model score: how close a pose's colours stay to the references' colours."""

from __future__ import annotations

from collections.abc import Sequence

from masko_widgets._palette import Palette, palette_distance


def reference_palette(palettes: Sequence[Palette]) -> Palette:
    """The references' colours together, each reference weighing the same."""
    kept = [palette for palette in palettes if palette]
    if not kept:
        return ()
    merged = [(colour, share / len(kept)) for palette in kept for colour, share in palette]
    return tuple(sorted(merged, key=lambda entry: -entry[1]))


def on_model_score(references: Palette, pose: Palette) -> int | None:
    """0-100: 100 when the pose's palette matches the references'; None with no references."""
    if not references:
        return None
    return round(100 - palette_distance(references, pose))
