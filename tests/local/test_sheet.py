"""The contact sheet CLI: every pose word for a character, and the committed sample sheet."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from masko_widgets._palette import delta_e, dominant_palette, hex_to_rgb
from masko_widgets.local.render._pose_words import POSES
from masko_widgets.local.sheet import contact_sheet, sample_character
from tests.conftest import draw_character

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "masko_widgets.local.sheet", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_the_sheet_draws_every_pose_word_for_the_references(tmp_path):
    blue = tmp_path / "blue.png"
    blue.write_bytes(draw_character(color=(40, 90, 220)))
    out = tmp_path / "sheet.png"

    done = run(str(out), "--reference", str(blue), "--tile", "96")

    assert done.returncode == 0, done.stderr
    assert f"{len(POSES)} poses" in done.stdout
    with Image.open(out) as sheet:
        assert sheet.width == 7 * 96
        tiles = [
            sheet.crop(
                (index % 7 * 96, index // 7 * 118, index % 7 * 96 + 96, index // 7 * 118 + 96)
            )
            for index in range(1, 1 + len(POSES))
        ]
        assert len({tile.tobytes() for tile in tiles}) == len(POSES)  # every pose differs
        for tile in tiles:
            colours = [hex_to_rgb(colour) for colour, _ in dominant_palette(tile)]
            assert min(delta_e(colour, (40, 90, 220)) for colour in colours) < 5  # its blue


def test_bad_references_are_refused_with_what_to_do(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not an image")

    done = run(str(tmp_path / "out.png"), "--reference", str(text))

    assert done.returncode == 2
    assert "not an image" in done.stderr and "PNG, JPEG, WebP or GIF" in done.stderr
    missing = run(str(tmp_path / "out.png"), "--reference", str(tmp_path / "nope.png"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert not (tmp_path / "out.png").exists()


def test_the_committed_sample_sheet_is_current():
    if not (REPO / "README.md").exists():
        pytest.skip("not a checkout of the repository (the installed package is under test)")
    committed = Image.open(REPO / "docs" / "contact-sheet.png").convert("RGB")
    fresh = contact_sheet([sample_character()], tile=160)

    assert committed.size == fresh.size
    difference = ImageStat.Stat(ImageChops.difference(committed, fresh)).mean
    assert max(difference) < 0.5, (
        "docs/contact-sheet.png is stale: python -m masko_widgets.local.sheet"
        " docs/contact-sheet.png --tile 160"
    )
