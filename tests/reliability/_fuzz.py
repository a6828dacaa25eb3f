"""Schemathesis against a running stand-in's /v1/openapi.json, bounded in time.

A small workspace (few credits, so fuzzed generations stay cheap) is seeded with a
collection, a reference, a finished pose and a preview; their ids feed the path and body
parameters so generated requests reach past "404 unknown id". The key travels in the
environment, never on the command line. Shared by the reliability tests and bench/bench_fuzz.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from masko_widgets import MaskoClient
from tests.conftest import draw_character

CHECKS = (
    "not_a_server_error,response_schema_conformance,status_code_conformance,"
    "content_type_conformance"
)
FUZZ_CREDITS = 25
"""Enough for a few fuzzed jobs; a long animation asked for later is refused with 402."""


@dataclass
class FuzzRun:
    report: dict[str, Any]
    output: str
    returncode: int

    @property
    def cases(self) -> int:
        return self.report["test_cases"]["generated"]

    @property
    def failures(self) -> list[dict[str, Any]]:
        return self.report["failures"]

    @property
    def server_errors(self) -> int:
        return sum(f["count"] for f in self.failures if f["code"] == "ST101")


def seed(server: Any) -> tuple[str, dict[str, list[str]]]:
    """A fresh workspace's key, and ids of what it holds, by parameter kind."""
    key = server.new_workspace_key(credits=FUZZ_CREDITS)
    with MaskoClient(api_key=key, base_url=server.url) as client:
        reference = client.uploads.create(draw_character())
        collection = client.collections.create("fuzzed", references=[reference])
        job = client.generations.image(collection, "waving", "waving").wait(timeout=60)
        preview = client.previews.create("a quick idea")[0]
    files = [url.rsplit("/", 1)[1] for url in (*job.urls.values(), reference.url)]
    return key, {
        "collections": [collection.id],
        "assets": [reference.id, *job.asset_ids.values()],
        "items": [job.item_id],
        "jobs": [job.id],
        "files": files,
        "previews": [preview.url.rsplit("/", 1)[1]],
    }


def config(ids: dict[str, list[str]]) -> str:
    """schemathesis.toml: the auth header from the environment, known ids for parameters."""
    bindings = {
        "path.collection_id": ("collections", 0.8),
        "path.asset_id": ("assets", 0.8),
        "path.item_id": ("items", 0.8),
        "path.job_id": ("jobs", 0.8),
        "path.name": ("files", 0.8),
        "query.collection_id": ("collections", 0.5),
        "body.collection_id": ("collections", 0.5),
        "body.asset_id": ("assets", 0.5),
        "body.item_id": ("items", 0.5),
        "body.source_image_asset_id": ("assets", 0.5),
        "body.end_image_asset_id": ("assets", 0.5),
    }
    lines = ["[headers]", 'Authorization = "Bearer ${MASKO_FUZZ_KEY}"', "", "[parameters]"]
    lines += [
        f'"{name}" = {{ dictionary = "{kind}", probability = {share} }}'
        for name, (kind, share) in bindings.items()
    ]
    for kind, values in ids.items():
        lines += ["", f"[dictionaries.{kind}]", f"values = {json.dumps(values)}"]
    return "\n".join(lines) + "\n"


def run(
    server: Any,
    folder: Path,
    *,
    max_time: int,
    max_examples: int,
    seed_value: int = 1,
    workers: int = 1,
) -> FuzzRun:
    """Fuzz every operation until `max_time` seconds are spent; the JSON report and output."""
    key, ids = seed(server)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "schemathesis.toml").write_text(config(ids))
    env = {**os.environ, "MASKO_FUZZ_KEY": key, "NO_COLOR": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(folder / "schemathesis.toml"),
            "run",
            f"{server.url}/openapi.json",
            "--checks",
            CHECKS,
            "--max-time",
            str(max_time),
            "--max-examples",
            str(max_examples),
            "--seed",
            str(seed_value),
            "--workers",
            str(workers),
            "--report",
            "json",
            "--report-dir",
            str(folder),
            "--report-json-path",
            str(folder / "report.json"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=max_time + 120,
    )
    output = done.stdout + done.stderr
    if not (folder / "report.json").exists():
        raise RuntimeError(f"schemathesis wrote no report:\n{output[-3000:]}")
    report = json.loads((folder / "report.json").read_text())
    return FuzzRun(report, output, done.returncode)
