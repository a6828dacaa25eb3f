"""Under throttling, crashes, cut connections, failing jobs and slowness, a notebook-style
session ends whole: every completed job's files decode, failed jobs are refunded, and every
job is charged exactly once (the stand-in's ledger against what the caller knows)."""

from __future__ import annotations

from collections import Counter

from masko_widgets import MaskoClient, local
from tests.local.conftest import png_image, video_facts
from tests.reliability._scenario import ANIMATION_SECONDS, FAULTS, POSES, run
from tests.reliability._tally import Tally

CREDITS = 1000
CODECS = {"video": "h264", "webm": "vp9", "hevc": "hevc"}


def test_faulty_session_ends_whole_and_charged_once(tmp_path):
    tally = Tally()
    with (
        local.start(tmp_path, credits=CREDITS, faults=FAULTS) as server,
        MaskoClient(api_key=server.api_key, base_url=server.url, transport=tally) as client,
    ):
        session = run(client, server)
        server.set_faults(local.Faults())  # check the outcome on a quiet server
        ledger = server.ledger()

        # The faults did happen: otherwise this test would prove nothing.
        assert all(tally.faults_seen.values()), tally.faults_seen
        assert len(session.failed) >= len(session.animations)

        # Exactly one charge per job the caller met, and no job it did not meet.
        charges = Counter(row["job_id"] for row in ledger if row["kind"] == "charge")
        assert set(charges) == set(session.jobs)
        assert set(charges.values()) == {1}
        refunds = {row["job_id"]: row["amount"] for row in ledger if row["kind"] == "refund"}
        assert refunds == {job.id: job.cost_credits for job in session.failed}
        listed = client.jobs.list(collection_id=session.collection_id)
        assert {job.id: job.status for job in listed} == {
            job_id: job.status for job_id, job in session.jobs.items()
        }

        # Credits: what the completed work costs, nothing more.
        assert session.expected_charge == len(POSES) + 5 * ANIMATION_SECONDS * 3
        assert client.credits() == CREDITS - session.expected_charge
        assert ledger[-1]["balance_after"] == CREDITS - session.expected_charge

        # Every completed job's files are there and decode.
        completed = [job for job in session.jobs.values() if job.status == "completed"]
        assert len(completed) == len(POSES) + 3
        for job in completed:
            for role, asset_id in job.asset_ids.items():
                asset = client.assets.get(asset_id)
                assert asset.status == "completed", (job.id, role)
                data = client.download(job.urls[role])
                if role in ("image", "transparent_image"):
                    image = png_image(data)
                    assert image.size == (512, 512)
                    assert (image.mode == "RGBA") == (role == "transparent_image")
                else:
                    _container, codec, width, _h, frames, _s = video_facts(data)
                    assert (codec, width) == (CODECS[role], 512) and frames > 0

        # The collection holds the twelve poses once each, three of them animated.
        items = {item.name: item for item in client.items.list(session.collection_id)}
        assert sorted(items) == sorted(POSES)
        for name, job in session.poses.items():
            assert items[name].assets["image"] == job.asset_ids["image"]
        for job in session.animations.values():
            animated = next(item for item in items.values() if item.id == job.item_id)
            assert animated.assets["video"] == job.asset_ids["video"]

        # Six distinct references, each a completed image.
        assert len(set(session.references)) == 6
        assert {client.assets.get(ref).type for ref in session.references} == {"image"}
