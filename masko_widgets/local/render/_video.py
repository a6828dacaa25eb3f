"""Animations for the stand-in: the source character moved over time, encoded with PyAV.

Three files per animation: MP4/H.264, WebM/VP9 with alpha, and MOV/HEVC.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from contextlib import ExitStack
from typing import Literal, NamedTuple, cast

import av
from PIL import Image

from masko_widgets._palette import RGB
from masko_widgets.local.render._imaging import background_of, cut_out, flatten, prompt_random

Pose = tuple[float, float, float, float, float]
"""(dx, dy, angle in degrees, x scale, y scale), offsets in canvas sizes."""
Motion = Callable[[float], Pose]
"""Cycles elapsed -> the pose then; the pose at 0 is the rest pose (0, 0, 0, 1, 1)."""


class _Encoding(NamedTuple):
    """How one of the three files is written."""

    container: str
    codec: Literal["libx264", "libvpx-vp9", "libx265"]
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
    "bounce": "bounce bounces bouncing jump jumps jumping hop hops hopping leap leaps",
    "wave": "wave waves waving hello hi greet greets greeting bye goodbye",
    "spin": "spin spins spinning turn turns turning rotate rotates twirl twirls around",
    "nod": "nod nods nodding yes agree agrees",
    "shake": "shake shakes shaking no shiver shivers tremble trembles",
    "walk": "walk walks walking march marches marching stroll strolls",
    "sway": "sway sways swaying dance dances dancing rock rocks wiggle wiggles",
}
_GENTLE = 0.5  # a motion chosen by a prompt's hash moves this much of the full amount


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
    duration * fps frames of size x size. The first frame is the source's own pixels; the
    motion (bounce, wave, spin, nod, shake, walk or sway) comes from the first motion word in
    the prompt, else a gentle one from its hash. With `end`, the source moves out while the end
    image moves in. `loop` makes the last frame the same as the first; `reverse` plays
    backwards.
    """
    if duration < 1 or fps < 1:
        raise ValueError("duration and fps must be at least 1")
    size += size % 2  # 4:2:0 video needs even sides
    count = duration * fps
    start, background, still = _stage(source, size)
    finish = _stage(end, size)[0] if end is not None else None
    motion, amount = _motion(prompt)
    cycles = max(1, round(duration / motion.period))
    spread = cycles if loop else cycles + motion.ending
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
                layer = _moved(start, _scaled(motion.move(t * spread), amount))
            else:
                layer = _crossed(start, finish, t, loop, size)
            picture = still if index == 0 else flatten(layer, background)
            flat = av.VideoFrame.from_image(picture)
            clear = av.VideoFrame.from_bytes(layer.tobytes(), size, size, format="rgba")
            for kind, stream in streams.items():
                frame = clear if _ENCODINGS[kind].alpha else flat
                frame.pts = position
                _mux(stream, frame)
        for stream in streams.values():
            _mux(stream, None)
    return {kind: out.getvalue() for kind, out in outputs.items()}


class _Motion(NamedTuple):
    """A motion: its pose over cycles, seconds per cycle, and how far past the last whole
    cycle a clip that does not loop ends (where the motion is furthest from the start)."""

    move: Motion
    period: float
    ending: float


def _motion(prompt: str) -> tuple[_Motion, float]:
    """The motion the prompt's first motion word names (full amount), else one chosen by the
    prompt's hash (gentle)."""
    for word in re.findall(r"[a-z]+", prompt.lower()):
        for name, words in _MOTION_WORDS.items():
            if word in words.split():
                return _MOTIONS[name], 1.0
    return _MOTIONS[prompt_random(prompt + "#motion").choice(sorted(_MOTIONS))], _GENTLE


def _scaled(pose: Pose, amount: float) -> Pose:
    """The pose moved only `amount` of the way from rest."""
    dx, dy, angle, scale_x, scale_y = pose
    return (
        dx * amount,
        dy * amount,
        angle * amount,
        1 + (scale_x - 1) * amount,
        1 + (scale_y - 1) * amount,
    )


def _bounce(cycles: float) -> Pose:
    height = abs(math.sin(math.pi * cycles))
    return 0.0, -0.16 * height, 0.0, 1 - 0.05 * height, 1 + 0.08 * height


def _wave(cycles: float) -> Pose:
    swing = math.sin(2 * math.pi * cycles)
    return 0.0, 0.0, 10.0 * swing, 1.0, 1.0


def _spin(cycles: float) -> Pose:
    facing = math.cos(2 * math.pi * cycles)
    width = math.copysign(max(0.04, abs(facing)), facing)  # negative width: seen from behind
    return 0.0, 0.0, 0.0, width, 1.0


def _nod(cycles: float) -> Pose:
    dip = (1 - math.cos(2 * math.pi * cycles)) / 2
    return 0.0, 0.0, -6.0 * dip, 1.0, 1 - 0.07 * dip


def _shake(cycles: float) -> Pose:
    swing = math.sin(6 * math.pi * cycles)
    return 0.04 * swing, 0.0, 3.0 * swing, 1.0, 1.0


def _walk(cycles: float) -> Pose:
    step = math.sin(2 * math.pi * cycles)
    return 0.0, -0.035 * abs(step), 5.0 * step, 1.0, 1.0


def _sway(cycles: float) -> Pose:
    swing = math.sin(2 * math.pi * cycles)
    return 0.03 * swing, 0.0, 9.0 * swing, 1.0, 1.0


_MOTIONS = {
    "bounce": _Motion(_bounce, 1, 0.5),
    "wave": _Motion(_wave, 1, 0.25),
    "spin": _Motion(_spin, 2, 0.5),
    "nod": _Motion(_nod, 1, 0.5),
    "shake": _Motion(_shake, 1, 0.25),
    "walk": _Motion(_walk, 1, 0.25),
    "sway": _Motion(_sway, 2, 0.25),
}


def _stage(image: Image.Image, size: int) -> tuple[Image.Image, RGB, Image.Image]:
    """The image's character on a transparent size x size canvas (image fitted and centred),
    the image's background colour, and the fitted image itself on that background (the
    first frame: the source's own pixels)."""
    background = background_of(image)
    fitted = image.convert("RGBA")
    fitted.thumbnail((size, size), Image.Resampling.LANCZOS)
    corner = ((size - fitted.width) // 2, (size - fitted.height) // 2)
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    canvas.paste(cut_out(fitted), corner)
    still = Image.new("RGB", (size, size), background)
    still.paste(fitted, corner, mask=fitted)
    return canvas, background, still


def _moved(layer: Image.Image, pose: Pose) -> Image.Image:
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
    if not isinstance(stream, av.video.stream.VideoStream):  # av < 18 types it as any stream
        raise TypeError(f"{encoding.codec} did not make a video stream")
    stream.width = stream.height = size
    stream.pix_fmt = encoding.pixel_format
    stream.codec_context.thread_count = 2
    if encoding.tag:
        stream.codec_tag = encoding.tag
    return stream


def _mux(stream: av.video.stream.VideoStream, frame: av.VideoFrame | None) -> None:
    """Encode `frame` into the stream's file (None flushes the encoder)."""
    output = cast("av.container.OutputContainer", stream.container)  # opened for writing
    output.mux(stream.encode(frame))
