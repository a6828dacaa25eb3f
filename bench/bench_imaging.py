"""Timing figures for the stand-in's imaging: style card, one pose, one edit, one animation.

Run from the repository root: python -m bench.bench_imaging
Goals: style card for 6 references of 1024x1024 <= 250 ms; one 512x512 pose <= 150 ms (each
pose word, and the slowest); a 4-second 512x512 animation in all three encodings <= 4 s.

Ratios to the bare Pillow work, measured side by side in each run (the machine may be shared,
so the ratio is the figure that counts; goal <= 2x each):
- drawing one 512x512 pose (both images) / its two PNG encodes as the stand-in saves them;
- a style card from 6 PNG files of 1024x1024 (decode + measure) / decoding those files and
  resizing each to the analysis size.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from collections.abc import Callable

from PIL import Image, ImageDraw

from masko_widgets.local.render._imaging import png_bytes
from masko_widgets.local.render._pictures import render_edit, render_pose
from masko_widgets.local.render._pose_words import POSES
from masko_widgets.local.render._style_card import ANALYSIS_SIDE, StyleCard, extract_style_card
from masko_widgets.local.render._video import render_animation


def reference(index: int, side: int = 1024) -> Image.Image:
    """A 1024x1024 character: coloured body, dark outline, eyes, on a light background."""
    colours = [(240, 120, 40), (40, 90, 220), (70, 170, 80), (220, 50, 47), (140, 80, 200)]
    image = Image.new("RGB", (side, side), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    inset = side // 8 + index * side // 64
    draw.ellipse(
        (inset, side // 10, side - inset, side - side // 12),
        fill=colours[index % len(colours)],
        outline=(20, 20, 20),
        width=side // 64,
    )
    eye = side // 50
    for x in (side * 0.42, side * 0.58):
        draw.ellipse((x - eye, side * 0.4 - eye, x + eye, side * 0.4 + eye), fill=(0, 0, 0))
    return image


def timed(label: str, goal: float, work: Callable[[], object], runs: int) -> float:
    work()  # warm up: imports, codec initialisation
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    verdict = "ok" if median <= goal else "over goal"
    print(
        f"{label:<52} median {median * 1000:8.1f} ms  best {best * 1000:8.1f} ms"
        f"  goal {goal * 1000:6.0f} ms  {verdict}"
    )
    return median


def side_by_side(
    label: str, work: Callable[[], object], anchor: Callable[[], object], runs: int
) -> None:
    """Work and anchor timed alternately in each run; the ratio's median and spread."""
    work(), anchor()  # warm up
    pairs = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        middle = time.perf_counter()
        anchor()
        pairs.append((middle - start, time.perf_counter() - middle))
    ratios = sorted(w / a for w, a in pairs)
    works = [w * 1000 for w, _ in pairs]
    anchors = [a * 1000 for _, a in pairs]
    print(
        f"{label:<52} {statistics.median(works):7.1f} ms ({min(works):.1f}-{max(works):.1f})"
        f"  anchor {statistics.median(anchors):7.1f} ms ({min(anchors):.1f}-{max(anchors):.1f})"
        f"  ratio median {statistics.median(ratios):.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f})"
        f"  goal 2x  {'ok' if statistics.median(ratios) <= 2 else 'over goal'}"
    )


def encoded(image: Image.Image) -> bytes:
    """The bare Pillow PNG encode, with the stand-in's compression level."""
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=3)
    return out.getvalue()


def ratios(references: list[Image.Image], card: StyleCard, runs: int = 9) -> None:
    """Drawing a pose beside its encodes, a style card beside decoding and resizing."""
    flat, cut = render_pose("waving hello", card)
    side_by_side(
        "pose 'waving hello': drawing / its 2 PNG encodes",
        lambda: render_pose("waving hello", card),
        lambda: [encoded(image) for image in (flat, cut)],
        runs,
    )
    side_by_side(
        "pose 'waving hello': drawing + encodes / encodes",
        lambda: [png_bytes(image) for image in render_pose("waving hello", card)],
        lambda: [encoded(image) for image in (flat, cut)],
        runs,
    )
    files = [encoded(image) for image in references]

    def decoded() -> list[Image.Image]:
        return [Image.open(io.BytesIO(data)).convert("RGBA") for data in files]

    side_by_side(
        "style card, 6 PNGs: decode + card / decode + resize",
        lambda: extract_style_card(decoded()),
        lambda: [image.resize((ANALYSIS_SIDE, ANALYSIS_SIDE)) for image in decoded()],
        runs,
    )
    side_by_side(
        "style card, decoded: card alone / resize alone",
        lambda: extract_style_card(references),
        lambda: [image.resize((ANALYSIS_SIDE, ANALYSIS_SIDE)) for image in references],
        runs,
    )


def main() -> None:
    print(f"load average (1, 5, 15 min): {os.getloadavg()}")
    references = [reference(index) for index in range(6)]
    card = extract_style_card(references)
    print(f"style card: {card.to_text()}")
    ratios(references, card)
    timed("style card, 6 references of 1024x1024", 0.250, lambda: extract_style_card(references), 7)
    medians = {
        word: timed(
            f"pose 512x512 {word!r} (image + transparent, PNG)",
            0.150,
            lambda word=word: [png_bytes(image) for image in render_pose(word, card)],
            5,
        )
        for word in POSES
    }
    slowest = max(medians, key=medians.get)
    print(f"slowest pose: {slowest!r}, median {medians[slowest] * 1000:.1f} ms")
    pose, _ = render_pose("waving hello", card)
    timed(
        "edit 512x512 'add a red scarf and a hat' (PNG)",
        0.150,
        lambda: [
            png_bytes(image) for image in render_edit(pose, "add a red scarf and a hat", card)
        ],
        5,
    )
    sizes: dict[str, int] = {}

    def animate() -> None:
        files = render_animation(pose, "waves hello", duration=4, loop=True, size=512)
        sizes.update({kind: len(data) for kind, data in files.items()})

    timed("animation 4 s, 512x512, mp4 + webm + hevc", 4.0, animate, 3)
    listing = ", ".join(f"{kind} {size / 1024:.0f} KiB" for kind, size in sizes.items())
    print(f"animation files: {listing}")


if __name__ == "__main__":
    main()
