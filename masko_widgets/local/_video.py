"""Animations for the stand-in: the source character moved over time, encoded with PyAV.

Three files per animation: MP4/H.264, WebM/VP9 with alpha, and MOV/HEVC.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from contextlib import ExitStack
from typing import NamedTuple

import av
from PIL import Image

from masko_widgets._palette import RGB
from masko_widgets.local._imaging import background_of, cut_out, flatten, prompt_random

Motion = Callable[[float], tuple[float, float, float, float, float]]
"""Cycles elapsed -> (dx, dy, angle in degrees, x scale, y scale), offsets in canvas sizes."""


class _Encoding(NamedTuple):
    """How one of the three files is written."""

    container: str
    codec: str
    pixel_format: str
    options: dict[str, str]
    alpha: bool = False
    tag: str = ""


# Fast settings: a 4-second 512x512 clip in all three takes 1 to 2 s on two cores.
_ENCODINGS = {
    "video": _Encoding("mp4", "libx264", "yuv420p", {"preset": "ultrafast", "crf": "23"}),
    "webm": _Encoding(
        "webm",
        "libvpx-vp9",
        "yuva420p",
        {"deadline": "realtime", "cpu-used": "8", "crf": "32", "b": "0", "row-mt": "1"},
        alpha=True,
    ),
    "hevc": _Encoding(
        "mov",
        "libx265",
        "yuv420p",
        {"preset": "ultrafast", "crf": "28", "x265-params": "log-level=error"},
        tag="hvc1",  # the tag Apple players need for HEVC in MOV
    ),
}

_MOTION_WORDS = {
    "bounce": ("bounce", "jump", "hop", "bouncing", "jumping", "hopping", "leap"),
    "sway": ("sway", "dance", "wave", "swaying", "dancing", "waving", "wiggle", "rock"),
    "turn": ("turn", "spin", "rotate", "turning", "spinning", "twirl", "look"),
}


def render_animation(
    source: Image.Image,
    prompt: str,
    *,
    duration: int,
    loop: bool,
    end: Image.Image | None = None,
    reverse: bool = False,
    size: int = 512,
    fps: int = 12,
) -> dict[str, bytes]:
    """Animate the character of `source` as the prompt says, for duration seconds at fps.

    Returns {"video": MP4/H.264, "webm": WebM/VP9 with alpha, "hevc": MOV/HEVC}, each with
    duration * fps frames of size x size. The motion (bounce, sway or turn) comes from words
    in the prompt, else from its hash. With `end`, the source moves out while the end image
    moves in. `loop` makes the last frame the same as the first; `reverse` plays backwards.
    """
    if duration < 1 or fps < 1:
        raise ValueError("duration and fps must be at least 1")
    size += size % 2  # 4:2:0 video needs even sides
    count = duration * fps
    start, background = _stage(source, size)
    finish = _stage(end, size)[0] if end is not None else None
    name = _motion_name(prompt)
    motion = _MOTIONS[name]
    cycles = max(1, round(duration / (1 if name == "bounce" else 2)))
    spread = cycles if loop else cycles + (0.25 if name == "sway" else 0.5)
    outputs = {kind: io.BytesIO() for kind in _ENCODINGS}
    with ExitStack() as stack:
        streams = {
            kind: _open_stream(stack, outputs[kind], encoding, size, fps)
            for kind, encoding in _ENCODINGS.items()
        }
        order = range(count - 1, -1, -1) if reverse else range(count)
        for position, index in enumerate(order):
            t = index / (count - 1) if count > 1 else 0.0
            if finish is None:
                layer = _moved(start, motion(t * spread))
            else:
                layer = _crossed(start, finish, t, loop, size)
            flat = av.VideoFrame.from_image(flatten(layer, background))
            clear = av.VideoFrame.from_bytes(layer.tobytes(), size, size, format="rgba")
            for kind, stream in streams.items():
                frame = clear if _ENCODINGS[kind].alpha else flat
                frame.pts = position
                stream.container.mux(stream.encode(frame))
        for stream in streams.values():
            stream.container.mux(stream.encode(None))
    return {kind: out.getvalue() for kind, out in outputs.items()}


def _motion_name(prompt: str) -> str:
    words = set(re.findall(r"[a-z]+", prompt.lower()))
    for name, keywords in _MOTION_WORDS.items():
        if words.intersection(keywords):
            return name
    return prompt_random(prompt + "#motion").choice(sorted(_MOTIONS))


def _bounce(cycles: float) -> tuple[float, float, float, float, float]:
    height = abs(math.sin(math.pi * cycles))
    squash = 0.1 * (1 - height) ** 6  # flattened on landing
    return 0.0, -0.16 * height, 0.0, 1 + squash, 1 - squash


def _sway(cycles: float) -> tuple[float, float, float, float, float]:
    swing = math.sin(2 * math.pi * cycles)
    return 0.03 * swing, 0.0, 9.0 * swing, 1.0, 1.0


def _turn(cycles: float) -> tuple[float, float, float, float, float]:
    facing = math.cos(2 * math.pi * cycles)
    width = math.copysign(max(0.04, abs(facing)), facing)  # negative width: seen from behind
    return 0.0, 0.0, 0.0, width, 1.0


_MOTIONS: dict[str, Motion] = {"bounce": _bounce, "sway": _sway, "turn": _turn}


def _stage(image: Image.Image, size: int) -> tuple[Image.Image, RGB]:
    """The image's character on a transparent size x size canvas (image fitted and centred),
    and the image's background colour."""
    background = background_of(image)
    fitted = image.convert("RGBA")
    fitted.thumbnail((size, size), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    canvas.paste(cut_out(fitted), ((size - fitted.width) // 2, (size - fitted.height) // 2))
    return canvas, background


def _moved(layer: Image.Image, pose: tuple[float, float, float, float, float]) -> Image.Image:
    """The layer moved, turned and scaled about the character's bottom centre."""
    dx, dy, angle, scale_x, scale_y = pose
    if pose == (0.0, 0.0, 0.0, 1.0, 1.0):
        return layer.copy()
    box = layer.getchannel("A").getbbox() or (0, 0, *layer.size)
    pivot_x, pivot_y = (box[0] + box[2]) / 2, box[3]
    shift_x, shift_y = dx * layer.width, dy * layer.height
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    # Output point o = pivot + R S (i - pivot) + shift; PIL wants i as a function of o.
    a, b = cos / scale_x, sin / scale_x
    d, e = -sin / scale_y, cos / scale_y
    ox, oy = pivot_x + shift_x, pivot_y + shift_y
    coefficients = (a, b, pivot_x - a * ox - b * oy, d, e, pivot_y - d * ox - e * oy)
    return layer.transform(
        layer.size, Image.Transform.AFFINE, coefficients, Image.Resampling.BILINEAR
    )


def _crossed(
    start: Image.Image, finish: Image.Image, t: float, loop: bool, size: int
) -> Image.Image:
    """The start character sliding out to the left while the finish one slides in."""
    share = (1 - math.cos(2 * math.pi * t)) / 2 if loop else (1 - math.cos(math.pi * t)) / 2
    frame = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    for layer, weight, offset in ((start, 1 - share, -share), (finish, share, 1 - share)):
        if weight <= 0:
            continue
        moved = _moved(layer, (0.35 * offset, 0.0, 0.0, 1.0, 1.0))
        moved.putalpha(moved.getchannel("A").point(lambda a, w=weight: round(a * w)))
        frame.alpha_composite(moved)
    return frame


def _open_stream(
    stack: ExitStack, out: io.BytesIO, encoding: _Encoding, size: int, fps: int
) -> av.video.stream.VideoStream:
    """A video stream of a new in-memory container, closed (trailer written) by the stack.

    bitexact keeps the muxers from writing random ids, so the same frames give the same bytes.
    """
    container = stack.enter_context(
        av.open(out, "w", format=encoding.container, options={"fflags": "+bitexact"})
    )
    stream = container.add_stream(encoding.codec, rate=fps, options=encoding.options)
    stream.width = stream.height = size
    stream.pix_fmt = encoding.pixel_format
    stream.codec_context.thread_count = 2
    if encoding.tag:
        stream.codec_tag = encoding.tag
    return stream
