"""A notebook-style session through the client while the stand-in misbehaves.

Six references, twelve poses and three animations, with the recovery a careful caller
needs: the client replays only what is safe (reads, and POSTs refused before they ran), so
when a paid POST fails ambiguously (a 500 or a connection cut mid-answer) the caller first
looks for the job the server may already have made, and asks again only when there is none.
A job that fails is refunded and generated again. Shared by the reliability tests and
bench/bench_reliability.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from masko_widgets import (
    APIConnectionError,
    InternalServerError,
    Job,
    JobFailedError,
    MaskoClient,
    RateLimitError,
    local,
)
from tests.conftest import draw_character

T = TypeVar("T")

TRANSIENT = (APIConnectionError, InternalServerError, RateLimitError)
"""Failures worth another try; anything else is a real error and ends the scenario."""

POSES = (
    "waving hello",
    "thumbs up",
    "jumping",
    "thinking",
    "celebrating",
    "sleeping",
    "running",
    "pointing right",
    "holding a sign",
    "surprised",
    "laughing",
    "shrugging",
)
COLOURS = (
    (240, 120, 40),
    (230, 110, 50),
    (245, 130, 35),
    (235, 125, 45),
    (250, 115, 40),
    (225, 120, 55),
)
ANIMATIONS = ("bounce", "wave", "spin")
ANIMATION_SECONDS = 1
ATTEMPTS = 12
ROUNDS = 8

FAULTS = local.Faults(
    rate_limit=0.05,
    retry_after=1,
    server_error=0.08,
    drop=0.08,
    job_failure=0.25,
    slow=0.1,
    slow_seconds=0.2,
    seed=7,
)


@dataclass
class Session:
    """What the scenario made, as the caller knows it."""

    collection_id: str = ""
    references: tuple[str, ...] = ()
    poses: dict[str, Job] = field(default_factory=dict)  # pose name -> its completed job
    animations: dict[str, Job] = field(default_factory=dict)  # animation prompt -> completed job
    jobs: dict[str, Job] = field(default_factory=dict)  # every job the caller met, final state
    ambiguous_posts: int = 0
    adopted: int = 0
    """Paid POSTs that failed ambiguously, and how many of those had in fact made a job."""

    @property
    def failed(self) -> list[Job]:
        return [job for job in self.jobs.values() if job.status == "failed"]

    @property
    def expected_charge(self) -> int:
        """Credits the completed work costs: one per pose, five per animated second."""
        return len(self.poses) + 5 * ANIMATION_SECONDS * len(self.animations)


def again(call: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """`call()`, tried again after transient failures: for reads and idempotent writes."""
    for attempt in range(attempts):
        try:
            return call()
        except TRANSIENT:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def run(client: MaskoClient, server: Any, *, name: str = "fault mascot") -> Session:
    """The whole session; `server` is the stand-in, whose faults it briefly changes once."""
    session = Session()
    session.collection_id = _collection(client, name)
    session.references = _references(client, session.collection_id)
    _poses(client, session)
    faults = server.faults
    server.set_faults(job_failure=1.0)  # the render farm fails every job for a moment
    try:
        first = [_animate(client, session, prompt) for prompt in ANIMATIONS]
        _settle(client, session, first)
    finally:
        server.set_faults(faults)
    _animations(client, session)
    return session


def _collection(client: MaskoClient, name: str) -> str:
    """Create the collection once: after an ambiguous failure, look for it first."""
    for _ in range(ATTEMPTS):
        try:
            return client.collections.create(name).id
        except TRANSIENT:
            made = [c.id for c in again(client.collections.list) if c.name == name]
            if made:
                return made[0]
    raise AssertionError(f"could not create collection {name!r}")


def _references(client: MaskoClient, collection_id: str) -> tuple[str, ...]:
    """Upload six images and pin them; pinning a pinned asset changes nothing, so a
    retry is safe. (An upload retried after a cut answer may leave an unpinned copy.)"""
    for colour in COLOURS:
        asset = again(lambda colour=colour: client.uploads.create(draw_character(colour)))
        again(lambda asset=asset: client.references.add(collection_id, asset))
    return again(lambda: client.references.list(collection_id)).asset_ids


def _poses(client: MaskoClient, session: Session) -> None:
    """Twelve poses in two batches of six; failed ones are generated again."""
    todo = list(POSES)
    for _ in range(ROUNDS):
        if not todo:
            return
        accepted: list[Job] = []
        for start in range(0, len(todo), 6):
            accepted += _batch(client, session, todo[start : start + 6])
        _settle(client, session, accepted)
        todo = [name for name in POSES if name not in session.poses]
    raise AssertionError(f"poses never completed: {todo}")


def _batch(client: MaskoClient, session: Session, names: list[str]) -> list[Job]:
    """Submit a batch; after an ambiguous failure adopt what the server made, resubmit the rest."""
    for _ in range(ATTEMPTS):
        requests = [{"type": "image", "name": n, "image_prompt": n} for n in names]
        try:
            answers = client.generations.batch(session.collection_id, requests)
        except TRANSIENT:
            session.ambiguous_posts += 1
            made = _new_jobs(client, session, "image")
            found = [job for job in made if job.item_name in names]
            session.adopted += bool(found)
            for job in found:
                session.jobs[job.id] = job
            names = [n for n in names if n not in {job.item_name for job in found}]
            if not names:
                return found
            continue
        jobs = [answer for answer in answers if isinstance(answer, Job)]
        assert len(jobs) == len(answers), f"batch entries refused: {answers}"
        for job in jobs:
            session.jobs[job.id] = job
        return jobs
    raise AssertionError(f"batch never accepted: {names}")


def _animate(client: MaskoClient, session: Session, prompt: str) -> Job:
    """Animate the pose at the prompt's index once, adopting a job an ambiguous POST made."""
    pose = session.poses[POSES[ANIMATIONS.index(prompt)]]
    for _ in range(ATTEMPTS):
        try:
            job = client.generations.animate(
                session.collection_id, pose, prompt, duration=ANIMATION_SECONDS, loop=True
            )
        except TRANSIENT:
            session.ambiguous_posts += 1
            made = [
                job
                for job in _new_jobs(client, session, "animation")
                if job.item_id == pose.item_id
            ]
            if not made:
                continue
            session.adopted += 1
            job = made[0]
        session.jobs[job.id] = job
        return job
    raise AssertionError(f"animation {prompt!r} never accepted")


def _animations(client: MaskoClient, session: Session) -> None:
    for _ in range(ROUNDS):
        todo = [prompt for prompt in ANIMATIONS if prompt not in session.animations]
        if not todo:
            return
        _settle(client, session, [_animate(client, session, prompt) for prompt in todo])
    raise AssertionError("animations never completed")


def _new_jobs(client: MaskoClient, session: Session, kind: str) -> list[Job]:
    """Jobs of the collection the caller has not met yet."""
    listed = again(lambda: client.jobs.list(collection_id=session.collection_id, type=kind))
    return [job for job in listed if job.id not in session.jobs]


def _settle(client: MaskoClient, session: Session, jobs: Iterable[Job]) -> None:
    """Wait for every job (in parallel); record each final state."""

    def follow(job: Job) -> Job:
        for _ in range(ATTEMPTS):
            try:
                return client.jobs.wait(job, timeout=120)
            except JobFailedError as failed:
                return failed.job
            except TRANSIENT:
                continue
        raise AssertionError(f"job {job.id} could not be followed")

    with ThreadPoolExecutor(4) as pool:
        for done in pool.map(follow, list(jobs)):
            session.jobs[done.id] = done
            if done.status != "completed":
                continue
            if done.type == "image":
                session.poses[done.item_name or ""] = done
            else:
                prompt = ANIMATIONS[[p.item_id for p in _first_poses(session)].index(done.item_id)]
                session.animations[prompt] = done


def _first_poses(session: Session) -> list[Job]:
    return [session.poses[name] for name in POSES[: len(ANIMATIONS)]]
