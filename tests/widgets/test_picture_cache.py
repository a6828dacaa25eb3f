"""The picture cache cannot lie: kept pictures belong to one API and workspace, a damaged one is
made again, files are private, the disk is bounded, and threads or processes never tear one."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import shutil
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from masko_widgets import MaskoClient, PermissionDeniedError, ReferenceGallery, local
from masko_widgets.widgets._cache import PictureCache, disk_bytes_from_environment
from tests.conftest import draw_character

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

RED, BLUE = (220, 40, 40), (40, 60, 220)


def centre_colour(data: bytes) -> tuple[int, ...]:
    """The colour in the middle of a thumbnail (the character's body)."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    return image.getpixel((image.width // 2, image.height // 2))


def near(colour: tuple[int, ...], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 30 for a, b in zip(colour, expected, strict=True))


def entries(directory: Path) -> list[Path]:
    """The picture files the cache keeps (not its salt)."""
    return sorted(path for path in directory.rglob("*.pic"))


@pytest.fixture
def downloads(client, monkeypatch) -> list[str]:
    """The asset ids the cache asked the API for, in order (the calls still go through)."""
    asked: list[str] = []
    original = type(client.assets).get

    def counting(area, asset_id, *args, **kwargs):
        asked.append(str(asset_id))
        return original(area, asset_id, *args, **kwargs)

    monkeypatch.setattr(type(client.assets), "get", counting)
    return asked


@pytest.fixture
def twin_servers(tmp_path) -> Iterator[tuple[local.LocalServer, local.LocalServer, str, str]]:
    """Two stand-ins holding the same collection with the same reference id, whose picture is
    red on the first and blue on the second (the second's folder is a copy of the first's)."""
    first, second = tmp_path / "first", tmp_path / "second"
    with local.start(first) as server, MaskoClient(server.api_key, base_url=server.url) as api:
        collection = api.collections.create("twin").id
        asset_id = api.uploads.create(draw_character(RED)).id
        api.references.add(collection, asset_id)
    shutil.copytree(first, second)
    (original,) = (second / "files").glob(f"{asset_id}.*")
    original.write_bytes(draw_character(BLUE))
    with local.start(first) as red, local.start(second) as blue:
        yield red, blue, collection, asset_id


def test_the_same_asset_id_on_another_server_shows_that_servers_picture(twin_servers):
    red, blue, collection, asset_id = twin_servers
    assert red.api_key == blue.api_key  # same key, same ids: only the origin differs
    shown = []
    for server in (red, blue):
        with MaskoClient(server.api_key, base_url=server.url) as client:
            gallery = ReferenceGallery(client, collection)
            assert gallery.reference_asset_ids == [asset_id]
            shown.append(centre_colour(gallery.slots[0]["thumbnail"]))
            gallery.close()
    assert near(shown[0], RED) and near(shown[1], BLUE), shown


def test_another_workspace_is_never_shown_a_kept_picture(standin, client, reference, picture_cache):
    asset_id = reference(RED)
    assert near(centre_colour(picture_cache.get(client, asset_id).thumbnail.data), RED)
    with MaskoClient(standin.new_workspace_key(), base_url=standin.url) as stranger:
        with pytest.raises(PermissionDeniedError):  # the same process: not from memory
            picture_cache.get(stranger, asset_id)
        with pytest.raises(PermissionDeniedError):  # a later notebook: not from disk
            PictureCache(picture_cache.directory).get(stranger, asset_id)


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda raw: b"",
    "truncated": lambda raw: raw[: len(raw) // 2],
    "garbage": lambda raw: os.urandom(len(raw)),
    "picture bytes changed, facts intact": lambda raw: raw[:-40] + bytes(40),
    "facts changed": lambda raw: raw.replace(b'"width": ', b'"width": 1', 1),
    "one byte flipped": lambda raw: raw[:100] + bytes([raw[100] ^ 1]) + raw[101:],
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_kept_picture_is_made_again_and_never_served(
    client, reference, picture_cache, downloads, damage
):
    asset_id = reference(RED)
    made = picture_cache.get(client, asset_id)
    (entry,) = entries(picture_cache.directory)
    entry.write_bytes(DAMAGES[damage](entry.read_bytes()))

    downloads.clear()
    again = PictureCache(picture_cache.directory).get(client, asset_id)  # a later notebook
    assert again == made and near(centre_colour(again.thumbnail.data), RED)
    assert downloads == [asset_id]  # made again, not served from the damaged file

    downloads.clear()
    assert PictureCache(picture_cache.directory).get(client, asset_id) == made
    assert downloads == []  # the entry on disk was repaired


def test_an_entry_of_another_asset_is_not_served_under_this_id(
    client, reference, picture_cache, downloads
):
    red, blue = reference(RED), reference(BLUE)
    picture_cache.get(client, red)
    picture_cache.get(client, blue)
    by_name = {path.stem: path for path in entries(picture_cache.directory)}
    by_name[blue].write_bytes(by_name[red].read_bytes())

    downloads.clear()
    shown = PictureCache(picture_cache.directory).get(client, blue)
    assert near(centre_colour(shown.thumbnail.data), BLUE) and downloads == [blue]


@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask 022", "umask 000"])
def test_kept_files_are_private_to_the_user_whatever_the_umask(client, reference, tmp_path, umask):
    asset_id = reference(RED)
    directory = tmp_path / "cache" / "pictures"
    previous = os.umask(umask)
    try:
        PictureCache(directory).get(client, asset_id)
    finally:
        os.umask(previous)
    made = [directory.parent, *directory.parent.rglob("*")]
    modes = {path.relative_to(tmp_path): stat.S_IMODE(path.stat().st_mode) for path in made}
    assert len(entries(directory)) == 1
    assert {
        path: mode
        for path, mode in modes.items()
        if mode != (0o700 if (tmp_path / path).is_dir() else 0o600)
    } == {}


def test_the_cache_folder_never_holds_the_key(standin, client, reference, picture_cache):
    picture_cache.get(client, reference(RED))
    secret = standin.api_key.removeprefix("masko_")
    pieces = {secret[start : start + 16].encode() for start in range(len(secret) - 15)}
    for path in picture_cache.directory.rglob("*"):
        held = str(path.relative_to(picture_cache.directory)).encode()
        held += path.read_bytes() if path.is_file() else b""
        assert not [piece for piece in pieces if piece in held], path


def test_disk_use_stays_under_its_limit_and_the_least_recently_read_leave_first(
    client, reference, tmp_path, downloads
):
    first, second, third, fourth = ids = [reference(colour) for colour in (RED, BLUE, RED, BLUE)]
    probe = PictureCache(tmp_path / "probe")
    for asset_id in ids:
        probe.get(client, asset_id)
    size = {path.stem: path.stat().st_size for path in entries(probe.directory)}
    limit = size[first] + size[second] + size[third]

    directory = tmp_path / "bounded"
    PictureCache(directory, disk_bytes=limit).get(client, first)
    PictureCache(directory, disk_bytes=limit).get(client, second)
    PictureCache(directory, disk_bytes=limit).get(client, third)
    later = PictureCache(directory, disk_bytes=limit)
    later.get(client, first)  # read again: now the second is the least recently read
    later.get(client, fourth)

    kept = {path.stem: path.stat().st_size for path in entries(directory)}
    assert sum(kept.values()) <= limit
    assert second not in kept and {first, fourth} <= set(kept)

    downloads.clear()
    check = PictureCache(directory, disk_bytes=limit)
    check.get(client, first)
    check.get(client, fourth)
    assert downloads == []


def test_memory_holds_at_most_its_bound(client, reference, downloads):
    ids = [reference(colour) for colour in (RED, BLUE, RED)]
    cache = PictureCache(None, memory_bytes=1)  # room for the newest picture only
    for asset_id in ids:
        cache.get(client, asset_id)
    downloads.clear()
    cache.get(client, ids[-1])
    cache.get(client, ids[0])
    assert downloads == [ids[0]]


@pytest.mark.parametrize(
    ("setting", "limit"),
    [
        ("", 512 * 2**20),
        ("1000000", 1_000_000),
        ("200MB", 200_000_000),
        (" 2 GiB ", 2 * 2**30),
        ("0", 0),
    ],
)
def test_the_disk_limit_is_read_from_the_environment(monkeypatch, setting, limit):
    monkeypatch.setenv("MASKO_CACHE_MAX_BYTES", setting)
    assert disk_bytes_from_environment() == limit


def test_a_bad_disk_limit_is_refused_in_words(monkeypatch):
    monkeypatch.setenv("MASKO_CACHE_MAX_BYTES", "lots")
    with pytest.raises(ValueError, match=r"MASKO_CACHE_MAX_BYTES must be a size such as"):
        disk_bytes_from_environment()


def test_threads_asking_for_one_picture_share_one_download(
    client, reference, picture_cache, downloads
):
    asset_id = reference(RED)
    downloads.clear()
    start = threading.Barrier(8)
    pictures = []

    def ask() -> None:
        start.wait(timeout=30)
        pictures.append(picture_cache.get(client, asset_id))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(pictures) == 8 and all(picture == pictures[0] for picture in pictures)
    assert downloads == [asset_id]


def churn_in_a_process(
    directory: str, url: str, key: str, ids: list[str], limit: int, start, out
) -> None:
    """A notebook that keeps reopening a folder too small for its pictures: every round reads
    what the other process wrote, and writes and evicts under its feet."""
    with MaskoClient(key, base_url=url) as client:
        start.wait(timeout=60)
        seen: dict[str, set[str]] = {asset_id: set() for asset_id in ids}
        for _ in range(6):
            cache = PictureCache(Path(directory), disk_bytes=limit)
            for asset_id in ids:
                data = cache.get(client, asset_id).thumbnail.data
                seen[asset_id].add(hashlib.sha256(data).hexdigest())
        out.put({asset_id: sorted(hashes) for asset_id, hashes in seen.items()})


def test_two_processes_churning_a_small_folder_serve_only_whole_pictures(
    standin, client, reference, picture_cache, tmp_path
):
    colours = [(40 * n, 200 - 30 * n, 90) for n in range(6)]
    ids = [reference(colour) for colour in colours]
    expected = {
        i: [hashlib.sha256(PictureCache(None).get(client, i).thumbnail.data).hexdigest()]
        for i in ids
    }
    probe = PictureCache(tmp_path / "probe")
    probe.get(client, ids[0])
    (entry,) = entries(probe.directory)
    limit = entry.stat().st_size * 5 // 2  # room for two or three of the six pictures

    # Both start on an empty folder at the same moment: both make its salt, too.
    spawn = multiprocessing.get_context("spawn")
    start, out = spawn.Barrier(2), spawn.Queue()
    args = (str(picture_cache.directory), standin.url, standin.api_key, ids, limit, start, out)
    workers = [spawn.Process(target=churn_in_a_process, args=args) for _ in range(2)]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert results == [expected, expected]
    kept = entries(picture_cache.directory)
    assert sum(path.stat().st_size for path in kept) <= limit
    assert not [path for path in picture_cache.directory.rglob("*.part")]
    scopes = [path for path in picture_cache.directory.iterdir() if path.is_dir()]
    assert len(scopes) == 1  # one salt for both: each reads what the other wrote


def write_on_a_full_disk(directory: str, url: str, key: str, asset_id: str, out) -> None:
    """A notebook whose disk fills up in the middle of writing a picture: no file of this
    process may grow past a kilobyte (the folder's salt fits, the picture does not)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    with MaskoClient(key, base_url=url) as client:
        picture = PictureCache(Path(directory)).get(client, asset_id)
    out.put(hashlib.sha256(picture.thumbnail.data).hexdigest())


@pytest.mark.skipif(resource is None, reason="file size limits are POSIX")
def test_a_write_that_fails_half_way_leaves_no_half_entry(
    standin, client, reference, picture_cache, downloads
):
    asset_id = reference(RED)
    expected = hashlib.sha256(PictureCache(None).get(client, asset_id).thumbnail.data).hexdigest()
    spawn = multiprocessing.get_context("spawn")
    out = spawn.Queue()
    args = (str(picture_cache.directory), standin.url, standin.api_key, asset_id, out)
    worker = spawn.Process(target=write_on_a_full_disk, args=args)
    worker.start()
    assert out.get(timeout=120) == expected  # the picture is still shown
    worker.join(timeout=30)
    assert worker.exitcode == 0
    left = sorted(path.name for path in picture_cache.directory.rglob("*") if path.is_file())
    assert left == ["salt"]  # neither half an entry nor a temporary file

    downloads.clear()
    again = picture_cache.get(client, asset_id)
    assert hashlib.sha256(again.thumbnail.data).hexdigest() == expected
    assert downloads == [asset_id] and len(entries(picture_cache.directory)) == 1


def test_notebooks_opening_an_empty_folder_at_once_agree_on_one_salt(
    client, reference, tmp_path, downloads
):
    asset_id = reference(RED)
    for round_ in range(8):  # the race is short: several rounds, each on an empty folder
        directory = tmp_path / f"round {round_}"
        caches = [PictureCache(directory) for _ in range(8)]  # one per notebook
        start = threading.Barrier(len(caches))

        def open_and_ask(cache: PictureCache, start: threading.Barrier = start) -> None:
            start.wait(timeout=30)
            cache.get(client, asset_id)

        threads = [threading.Thread(target=open_and_ask, args=(cache,)) for cache in caches]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        scopes = [path.name for path in directory.iterdir() if path.is_dir()]
        assert len(scopes) == 1, f"round {round_}: {scopes}"  # each reads what others write
        downloads.clear()
        PictureCache(directory).get(client, asset_id)
        assert downloads == []


def test_leftovers_of_a_crash_or_an_earlier_version_are_removed(client, reference, picture_cache):
    first, second = reference(RED), reference(BLUE)
    picture_cache.get(client, first)
    (entry,) = entries(picture_cache.directory)
    hours_ago = entry.stat().st_mtime - 7200
    crashed = entry.with_name(f".{entry.name}.k1ll3d.part")  # a process killed mid-write
    writing = entry.with_name(f".{entry.name}.b4sy.part")  # another process writing now
    earlier = [picture_cache.directory / f"{first}.webp", picture_cache.directory / f"{first}.json"]
    for path in (crashed, writing, *earlier):
        path.write_bytes(b"left")
    os.utime(crashed, (hours_ago, hours_ago))

    PictureCache(picture_cache.directory).get(client, second)  # its first write measures
    assert not crashed.exists() and not [path for path in earlier if path.exists()]
    assert writing.exists() and entry.exists()


OVERLAPPING = 8
"""Pictures whose downloads overlap: a grid's first screen asks for about 36, each two round
trips to the API (metadata, then the file), so the latency, not the drawing, sets its time."""


class MetadataMeeting(httpx.HTTPTransport):
    """Real HTTP, but each asset's metadata request waits until `OVERLAPPING` of them are in
    flight at once (at most 10 s, then it fails)."""

    def __init__(self) -> None:
        super().__init__()
        self.meeting = threading.Barrier(OVERLAPPING, timeout=10)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v1/assets/"):
            self.meeting.wait()
        return super().handle_request(request)


def test_a_screen_of_pictures_is_fetched_with_its_round_trips_overlapping(standin, client):
    ids = [client.uploads.create(draw_character((30 * n, 90, 200))).id for n in range(OVERLAPPING)]
    cache = PictureCache(None)
    with MaskoClient(
        api_key=standin.api_key, base_url=standin.url, transport=MetadataMeeting()
    ) as far:
        pictures = [cache.submit(far, asset_id) for asset_id in ids]
        made = [picture.result(timeout=30) for picture in pictures]
    assert [len(picture.thumbnail.data) > 0 for picture in made] == [True] * OVERLAPPING
