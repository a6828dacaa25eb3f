"""Restarting on the same folder: the key, every record and every file survive; jobs finish."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from masko_widgets import local
from tests.local.conftest import png_image, video_facts


def test_everything_survives_a_restart(tmp_path, connect, make_png):
    with local.start(tmp_path, latency={"animation": 60}) as first:
        api = connect(first)
        key = first.api_key
        project = api.ok("POST", "/projects", 201, json={"name": "Kept"})
        reference = api.upload(make_png())
        collection = api.collection(project_id=project["id"], reference_asset_ids=[reference["id"]])
        image = api.wait(api.image_job(collection["id"])["job_id"])
        running = api.generate(
            collection["id"],
            type="animation",
            duration=1,
            source_image_asset_id=image["asset_ids"]["image"],
            animation_prompt="bounce",
        )
        before = api.ok("GET", f"/collections/{collection['id']}")
        balance = api.balance()
    key_file = tmp_path / "api_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key not in (tmp_path / "masko.sqlite3").read_bytes().decode("latin-1")

    with local.start(tmp_path, port=first.port) as second:
        assert second.api_key == key
        api = connect(second)
        assert api.ok("GET", f"/collections/{collection['id']}") == before
        assert [p["id"] for p in api.ok("GET", "/projects")] == [project["id"]]
        assert api.ok("GET", f"/assets/{reference['id']}")["status"] == "completed"
        restored = api.ok("GET", f"/jobs/{image['id']}")
        assert restored["status"] == "completed"
        assert png_image(api.download(restored["urls"]["image"]).content).size == (512, 512)
        resumed = api.wait(running["job_id"])
        assert resumed["status"] == "completed"
        assert resumed["urls"] == running["urls"]  # the same URLs now serve the real files
        assert video_facts(api.download(resumed["urls"]["video"]).content)[1] == "h264"
        assert api.balance() == balance
        charges = [row for row in second.ledger() if row["job_id"] == running["job_id"]]
        assert [row["kind"] for row in charges] == ["charge"]


def test_interrupted_job_that_fails_is_refunded(tmp_path, connect):
    with local.start(tmp_path, latency=60) as first:
        api = connect(first)
        accepted = api.image_job(api.collection()["id"])
        assert api.balance() == 999
    with local.start(tmp_path, faults=local.Faults(job_failure=1.0)) as second:
        api = connect(second)
        job = api.wait(accepted["job_id"])
        assert job["status"] == "failed"
        assert api.balance() == 1000
        assert [row["kind"] for row in second.ledger()] == ["charge", "refund"]


def test_temporary_folder_is_removed_on_stop():
    server = local.start()
    folder = server.data_dir
    assert (folder / "masko.sqlite3").exists()
    server.stop()
    assert not folder.exists()
    assert "stopped" in repr(server) and server.api_key not in repr(server)


def _damage(database: Path) -> None:
    """Overwrite the tables' pages (not the header) with junk, as a bad disk would."""
    data = bytearray(database.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = b"\xa5" * (len(data) - page)
    database.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["junk pages", "not a database"])
def test_a_damaged_folder_stops_the_start_naming_the_folder(tmp_path, damage):
    with local.start(tmp_path) as server:
        key = server.api_key
    database = tmp_path / "masko.sqlite3"
    if damage == "junk pages":
        _damage(database)
    else:
        database.write_bytes(b"these bytes are not an SQLite database" * 100)
    before = database.read_bytes()
    with pytest.raises(local.DamagedDataFolderError) as caught:
        local.start(tmp_path)
    assert str(tmp_path) in str(caught.value) and "damaged" in str(caught.value)
    command = [sys.executable, "-m", "masko_widgets.local", "--data-dir", str(tmp_path)]
    ran = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 1
    assert f"The data folder {tmp_path} is damaged" in ran.stderr
    assert "Traceback" not in ran.stderr and key not in ran.stderr
    assert database.read_bytes() == before  # nothing was changed
    assert (tmp_path / "api_key").read_text().strip() == key
