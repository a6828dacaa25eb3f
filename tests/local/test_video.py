"""Animations decoded with PyAV: containers, codecs, frame counts, alpha, loops, transitions."""

from __future__ import annotations

import io
from dataclasses import dataclass

import av
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from masko_widgets._palette import dominant_palette, hex_to_rgb
from masko_widgets.local.render._imaging import cut_out
from masko_widgets.local.render._video import render_animation

SIZE = 96
NOISE = 3  # mean difference of two frames that should be the same, after lossy encoding
SOURCE_NOISE = 6  # mean difference of a frame from the picture it encodes (H.264, HEVC 4:2:0)


@dataclass
class Decoded:
    container: str
    codec: str
    tag: str
    pixel_format: str
    fps: float
    size: tuple[int, int]
    frames: list[Image.Image]


def decode(data: bytes) -> Decoded:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = [frame.to_image() for frame in container.decode(stream)]
        return Decoded(
            container=container.format.name,
            codec=stream.codec_context.name,
            tag=stream.codec_tag,
            pixel_format=stream.codec_context.pix_fmt,
            fps=float(stream.average_rate),
            size=(stream.width, stream.height),
            frames=frames,
        )


def webm_alpha(data: bytes) -> list[Image.Image]:
    """The alpha plane of every frame, decoded with libvpx (FFmpeg's own VP9 decoder drops it)."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        decoder = av.CodecContext.create("libvpx-vp9", "r")
        planes = []
        for packet in container.demux(stream):
            for frame in decoder.decode(packet):
                assert frame.format.name == "yuva420p"
                alpha = frame.planes[3]
                size = (alpha.width, alpha.height)
                raw = bytes(alpha)
                planes.append(Image.frombuffer("L", size, raw, "raw", "L", alpha.line_size, 1))
        return planes


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return max(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean)


@pytest.fixture(scope="module")
def source() -> Image.Image:
    """The shared test character with an arm on its right, so a mirrored frame looks different."""
    from tests.conftest import draw_character

    image = Image.open(io.BytesIO(draw_character(color=(240, 120, 40), size=(128, 128))))
    ImageDraw.Draw(image).rectangle((90, 60, 112, 70), fill=(240, 120, 40), outline=(20, 20, 20))
    return image


@pytest.fixture(scope="module")
def bounce(source) -> dict[str, bytes]:
    return render_animation(source, "bounce happily", duration=1, loop=True, size=SIZE)


def test_three_encodings_with_the_right_containers_and_codecs(bounce):
    assert set(bounce) == {"video", "webm", "hevc"}
    video, webm, hevc = (decode(bounce[kind]) for kind in ("video", "webm", "hevc"))

    assert ("mp4" in video.container, video.codec, video.pixel_format) == (True, "h264", "yuv420p")
    assert bounce["video"][4:8] == b"ftyp"
    assert (webm.container, webm.codec) == ("matroska,webm", "vp9")
    assert bounce["webm"][:4] == b"\x1a\x45\xdf\xa3" and b"webm" in bounce["webm"][:64]
    assert (hevc.codec, hevc.tag, hevc.pixel_format) == ("hevc", "hvc1", "yuv420p")
    assert bounce["hevc"][4:8] == b"ftyp" and b"qt  " in bounce["hevc"][:32]
    for decoded in (video, webm, hevc):
        assert decoded.size == (SIZE, SIZE)
        assert decoded.fps == 12
        assert len(decoded.frames) == 12


@pytest.mark.parametrize(("duration", "fps"), [(2, 12), (1, 24), (3, 15)])
def test_frame_count_is_duration_times_fps(source, duration, fps):
    files = render_animation(source, "sway", duration=duration, loop=True, size=64, fps=fps)
    for data in files.values():
        decoded = decode(data)
        assert len(decoded.frames) == duration * fps
        assert decoded.fps == fps


def test_webm_keeps_alpha(bounce):
    planes = webm_alpha(bounce["webm"])

    assert len(planes) == 12
    for alpha in planes:
        assert alpha.getpixel((1, 1)) < 10  # background corner: transparent
        assert alpha.getpixel((SIZE // 2, SIZE * 2 // 3)) > 245  # character body: opaque


def test_opaque_videos_show_the_source_background(bounce, source):
    corner = decode(bounce["video"]).frames[0].getpixel((1, 1))
    assert max(abs(a - b) for a, b in zip(corner, source.getpixel((1, 1)), strict=True)) < 8


@pytest.mark.parametrize("prompt", ["bounce", "sway side to side", "turn around"])
def test_the_character_moves(source, prompt):
    frames = decode(render_animation(source, prompt, duration=1, loop=True, size=SIZE)["video"])
    middle = frames.frames[len(frames.frames) // 3]
    assert mean_difference(frames.frames[0], middle) > 3 * NOISE


@pytest.mark.parametrize("prompt", ["bounce", "sway", "turn around", "celebrate"])
def test_loop_first_and_last_frames_meet(source, prompt):
    looped = decode(render_animation(source, prompt, duration=2, loop=True, size=SIZE)["video"])
    once = decode(render_animation(source, prompt, duration=2, loop=False, size=SIZE)["video"])

    assert mean_difference(looped.frames[0], looped.frames[-1]) < NOISE
    assert mean_difference(once.frames[0], once.frames[-1]) > 3 * NOISE


def test_transition_moves_from_source_to_end(source):
    from tests.conftest import draw_character

    end = Image.open(io.BytesIO(draw_character(color=(40, 90, 220), size=(128, 128))))
    frames = decode(
        render_animation(source, "morph", duration=1, loop=False, end=end, size=SIZE)["video"]
    ).frames

    first = hex_to_rgb(dominant_palette(frames[0])[0][0])
    last = hex_to_rgb(dominant_palette(frames[-1])[0][0])
    assert first[0] > 200 and first[2] < 100  # orange
    assert last[2] > 180 and last[0] < 100  # blue


def test_looping_transition_returns_to_the_source(source):
    end = Image.new("RGB", (128, 128), (245, 245, 240))
    frames = decode(
        render_animation(source, "swap", duration=1, loop=True, end=end, size=SIZE)["video"]
    ).frames
    assert mean_difference(frames[0], frames[-1]) < NOISE
    assert mean_difference(frames[0], frames[len(frames) // 2]) > 3 * NOISE


def test_reverse_plays_the_frames_backwards(source):
    forward = decode(render_animation(source, "turn", duration=1, loop=False, size=SIZE)["video"])
    backward = decode(
        render_animation(source, "turn", duration=1, loop=False, reverse=True, size=SIZE)["video"]
    )
    assert len(backward.frames) == len(forward.frames)
    for index, frame in enumerate(backward.frames):
        assert mean_difference(frame, forward.frames[-1 - index]) < NOISE
    assert mean_difference(backward.frames[0], forward.frames[0]) > 3 * NOISE


def test_same_inputs_same_bytes(source, bounce):
    again = render_animation(source, "bounce happily", duration=1, loop=True, size=SIZE)
    assert again == bounce


def test_odd_size_is_rounded_to_even(source):
    decoded = decode(render_animation(source, "sway", duration=1, loop=True, size=65)["video"])
    assert decoded.size == (66, 66)


def test_duration_must_be_positive(source):
    with pytest.raises(ValueError, match="duration"):
        render_animation(source, "sway", duration=0, loop=True)


def character_box(frame: Image.Image) -> tuple[int, int, int, int]:
    """The box of the pixels that differ clearly from the frame's corner (its background)."""
    background = Image.new("RGB", frame.size, frame.getpixel((1, 1)))
    differs = ImageChops.difference(frame.convert("RGB"), background).convert("L")
    box = differs.point(lambda v: 255 if v > 40 else 0).getbbox()
    assert box is not None
    return box


@pytest.mark.parametrize(
    "prompt", ["bounce", "waves hello", "spin around", "nod", "shake", "walk", "sway", "ponder"]
)
def test_frame_zero_is_the_source_and_later_frames_move(source, prompt):
    files = render_animation(source, prompt, duration=1, loop=False, size=SIZE)
    fitted = source.convert("RGB")
    fitted.thumbnail((SIZE, SIZE), Image.Resampling.LANCZOS)

    for kind in ("video", "hevc"):
        frames = decode(files[kind]).frames
        assert mean_difference(frames[0], fitted) < SOURCE_NOISE, kind
        assert max(mean_difference(fitted, frame) for frame in frames[1:]) > 2 * SOURCE_NOISE
    alpha = webm_alpha(files["webm"])
    assert mean_difference(alpha[0], cut_out(fitted).getchannel("A")) < 1
    assert max(mean_difference(alpha[0], plane) for plane in alpha[1:]) > SOURCE_NOISE


def box_changes(prompt: str, source: Image.Image, at: float) -> tuple[int, ...]:
    """How the character's box (left, top, right, bottom) moved from frame 0 to the frame at
    share `at` of a 2-second clip."""
    frames = decode(render_animation(source, prompt, duration=2, loop=True, size=SIZE)["video"])
    first = character_box(frames.frames[0])
    later = character_box(frames.frames[round(at * (len(frames.frames) - 1))])
    return tuple(b - a for a, b in zip(first, later, strict=True))


def test_motion_follows_the_prompt_words(source):
    left, top, right, bottom = box_changes("jump up and down", source, 0.25)
    assert top < -8 and bottom < -8  # in the air

    left, top, right, bottom = box_changes("spin around", source, 0.25)
    assert (right - left) < -20  # seen edge-on

    left, top, right, bottom = box_changes("shake no", source, 1 / 23)  # the first swing
    assert abs(left + right) > 4 and bottom == pytest.approx(0, abs=2)  # sideways, grounded

    left, top, right, bottom = box_changes("nod yes", source, 0.25)
    assert top > 2 and bottom == pytest.approx(0, abs=2)  # dips forward, feet stay

    left, top, right, bottom = box_changes("waves hello", source, 0.125)
    assert abs(left) > 4 and bottom == pytest.approx(0, abs=3)  # rocks about the feet


def test_an_unknown_motion_is_gentle_and_deterministic(source):
    first = render_animation(source, "ponder the meaning", duration=1, loop=True, size=SIZE)
    again = render_animation(source, "ponder the meaning", duration=1, loop=True, size=SIZE)

    assert first == again
    frames = decode(first["video"]).frames
    moved = max(mean_difference(frames[0], frame) for frame in frames)
    assert moved > 2 * NOISE
