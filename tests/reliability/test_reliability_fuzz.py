"""Schemathesis against the stand-in's OpenAPI document, on a time budget: no answer >= 500,
none outside what the document promises (status, content type, body schema)."""

from __future__ import annotations

import httpx
import pytest

from masko_widgets import local
from tests.reliability import _fuzz

BUDGET = 40
"""Seconds of fuzzing in CI; bench/bench_fuzz.py runs longer."""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with local.start(tmp_path_factory.mktemp("fuzzed")) as running:
        yield running


def test_fuzzing_finds_no_server_error_and_no_broken_promise(server, tmp_path):
    run = _fuzz.run(server, tmp_path, max_time=BUDGET, max_examples=8)
    tested = run.report["operations"]
    assert tested["tested"] == tested["total"] > 0
    assert run.cases > 100
    assert run.failures == [] and run.report["errors"] == [], run.output[-6000:]


def test_every_answer_is_documented_with_a_body(server):
    """What makes the schema check bite: every success documents its body (the `{data,
    meta}` envelope of a JSON answer; the media types of a file download)."""
    document = httpx.get(f"{server.url}/openapi.json").json()
    vague = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                content = answer.get("content") or {}
                if path.startswith(("/v1/files/", "/v1/previews/")):
                    if "image/png" not in content:
                        vague.append(f"{method.upper()} {path} {status}: no image media type")
                    continue
                schema = (content.get("application/json") or {}).get("schema") or {}
                if "data" not in _properties(schema, document):
                    vague.append(f"{method.upper()} {path} {status}: body schema {schema}")
    assert vague == [], "\n".join(vague)


def _properties(schema: dict, document: dict) -> dict:
    """The properties of an object schema, following one $ref."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    return schema.get("properties") or {}
