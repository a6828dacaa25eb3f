"""Helpers for contract tests: plain httpx against a stand-in on a loopback port."""

from __future__ import annotations

import base64
import functools
import io
import re
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import av
import httpx
import jsonschema
import pytest
from PIL import Image


class Documented:
    """The stand-in's /v1/openapi.json, to hold an answer to what it promises."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.operations = [
            (re.compile(re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(path))), operations)
            for path, operations in document["paths"].items()
        ]

    def check(self, response: httpx.Response) -> None:
        """Fail unless a documented operation's answer has a documented status, media type
        and (for JSON) body; answers of undocumented routes or methods are left alone."""
        request = response.request
        operation = self.operation(request.method, request.url.path)
        if operation is None:
            return
        answers = operation["responses"]
        assert str(response.status_code) in answers, (
            f"{request.method} {request.url.path} answered {response.status_code},"
            f" documented: {sorted(answers)}"
        )
        content = answers[str(response.status_code)].get("content") or {}
        media_type = response.headers.get("content-type", "").split(";")[0]
        assert media_type in content, f"{media_type!r} is not documented: {sorted(content)}"
        if media_type == "application/json":
            schema = {**content[media_type]["schema"], "components": self.document["components"]}
            jsonschema.Draft202012Validator(schema).validate(response.json())

    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        for pattern, operations in self.operations:
            if pattern.fullmatch(path) and method.lower() in operations:
                return operations[method.lower()]
        return None


@functools.cache
def documented(url: str) -> Documented:
    """The document of the stand-in at `url` (one document per server address)."""
    response = httpx.get(f"{url}/openapi.json", timeout=60)
    assert response.status_code == 200, response.text
    return Documented(response.json())


class Api:
    """An httpx client of one workspace, with small helpers for the contract's shapes; every
    answer is checked against the API's OpenAPI document."""

    def __init__(self, url: str, api_key: str) -> None:
        self.url = url
        self.documented = documented(url)
        self.http = httpx.Client(
            base_url=url,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=60,
            event_hooks={"response": [self._check]},
        )

    def _check(self, response: httpx.Response) -> None:
        response.read()
        self.documented.check(response)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, **kwargs)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """The `data` of an answer that must have `status`."""
        response = self.http.request(method, path, **kwargs)
        assert response.status_code == status, response.text
        return response.json()["data"]

    def error(self, method: str, path: str, status: int, field: str | None = None, **kwargs: Any):
        """The `error` of an answer that must fail with `status` (and name `field`)."""
        response = self.http.request(method, path, **kwargs)
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert error["message"]
        if field is not None:
            assert error.get("field") == field, error
        return error

    def total(self, path: str, **params: Any) -> int:
        """How many rows a list endpoint holds (`meta.pagination.total`)."""
        response = self.http.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()["meta"]["pagination"]["total"]

    def upload(self, png: bytes) -> dict[str, Any]:
        return self.ok("POST", "/upload", 201, files={"file": ("pose.png", png, "image/png")})

    def collection(self, **body: Any) -> dict[str, Any]:
        return self.ok("POST", "/collections", 201, json={"name": "Blob", **body})

    def generate(self, collection_id: str, **body: Any) -> dict[str, Any]:
        return self.ok("POST", f"/collections/{collection_id}/generate", 202, json=body)

    def image_job(self, collection_id: str, name: str = "wave", prompt: str = "waving") -> dict:
        return self.generate(collection_id, type="image", name=name, image_prompt=prompt)

    def wait(self, job_id: str, timeout: float = 120.0) -> dict[str, Any]:
        """The job once it ended (completed or failed), within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.ok("GET", f"/jobs/{job_id}", params={"wait": "true"})
            if job["status"] in ("completed", "failed"):
                return job
        raise AssertionError(f"job {job_id} still running after {timeout:g} s")

    def balance(self) -> int:
        return self.ok("GET", "/credits")["balance"]

    def download(self, url: str) -> httpx.Response:
        response = httpx.get(url, timeout=60)
        self.documented.check(response)
        return response

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="session")
def workspace_key(standin) -> str:
    """A workspace of the session stand-in for these tests, with credits to spare."""
    return standin.new_workspace_key(credits=1_000_000)


@pytest.fixture
def api(standin, workspace_key) -> Iterator[Api]:
    """The stand-in, as the workspace of `workspace_key`."""
    client = Api(standin.url, workspace_key)
    yield client
    client.close()


@pytest.fixture
def other_api(standin) -> Iterator[Api]:
    """A second, isolated workspace of the session stand-in."""
    client = Api(standin.url, standin.new_workspace_key())
    yield client
    client.close()


@pytest.fixture
def connect() -> Iterator[Callable[[Any], Api]]:
    """Makes an Api for any started server, closed after the test."""
    made: list[Api] = []

    def make(server: Any, api_key: str | None = None) -> Api:
        made.append(Api(server.url, api_key or server.api_key))
        return made[-1]

    yield make
    for client in made:
        client.close()


def png_image(data: bytes) -> Image.Image:
    """Decode PNG bytes with Pillow, checking the format."""
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


def video_facts(data: bytes) -> tuple[str, str, int, int, int, float]:
    """(container, codec, width, height, frames, seconds) of a video, decoded with PyAV."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        seconds = float(stream.duration * stream.time_base) if stream.duration else 0.0
        if not seconds and container.duration:
            seconds = container.duration / av.time_base
        return (
            container.format.name,
            stream.codec_context.name,
            stream.codec_context.width,
            stream.codec_context.height,
            frames,
            seconds,
        )


def data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width x height whose all-zero pixels compress to almost nothing:
    a decompression bomb that Pillow could decode in full, so only a header check stops it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    rows = zlib.compress(bytes((width // 8 + 1) * height), 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )
