"""The contract's facts in masko_widgets._contract agree with the stand-in, which implements the
contract on its own: its OpenAPI document (built from its pydantic schema) and its answers."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from masko_widgets import _contract as contract
from masko_widgets.check import json_type
from tests.local.conftest import png_bomb
from tests.widgets.wire import recording

# The stand-in's schema component for each of the contract's resources.
COMPONENTS = {
    "credits": "Credits",
    "project": "Project",
    "collection": "Collection",
    "collection_config": "CollectionConfig",
    "item": "Item",
    "asset": "Asset",
    "job": "Job",
    "pagination": "Pagination",
    "error": "ErrorDetail",
}


@pytest.fixture(scope="module")
def document(standin) -> dict[str, Any]:
    return httpx.get(f"{standin.url}/openapi.json", timeout=60).raise_for_status().json()


def json_types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a property's schema allows (a reference to a component is an object)."""
    if "anyOf" in schema:
        return set().union(*(json_types(option) for option in schema["anyOf"]))
    if "$ref" in schema:
        return {"object"}
    if "type" not in schema:  # a Literal of one value, as some pydantic versions write it
        return {json_type(schema["const"])}
    return {schema["type"]}


def component(document: dict[str, Any], name: str) -> dict[str, Any]:
    return document["components"]["schemas"][name]


def test_resources_have_the_contracts_fields_and_types(document):
    for resource, name in COMPONENTS.items():
        schema = component(document, name)
        promised = {
            field: set(types) for field, types in contract.RESOURCE_FIELDS[resource].items()
        }
        # the error body may carry extra keys beside code and message (field, required, ...)
        fields = schema["required"] if resource == "error" else schema["properties"]
        served = {field: json_types(schema["properties"][field]) for field in fields}
        assert served == promised, resource


def test_enums_agree(document):
    def enum(name: str, field: str) -> tuple[str, ...]:
        return tuple(component(document, name)["properties"][field]["enum"])

    assert enum("Asset", "type") == contract.ASSET_TYPES
    assert enum("Asset", "status") == contract.ASSET_STATES
    assert enum("Job", "status") == contract.JOB_STATES
    assert enum("Job", "type") == contract.JOB_TYPES
    assert set(contract.JOB_STATES) > contract.RUNNING_STATES
    assert set(contract.ASSET_TYPES) > contract.IMAGE_ASSET_TYPES


def test_limits_agree(document):
    def prop(name: str, field: str) -> dict[str, Any]:
        schema = component(document, name)["properties"][field]
        return next(option for option in schema.get("anyOf", [schema]) if "type" in option)

    for name, field in (
        ("CollectionCreate", "reference_asset_ids"),
        ("CollectionCreate", "reference_image_urls"),
        ("PreviewCreate", "reference_image_urls"),
        ("CollectionConfig", "reference_asset_ids"),
        ("References", "reference_asset_ids"),
    ):
        assert prop(name, field)["maxItems"] == contract.MAX_REFERENCES, (name, field)
    assert prop("BatchRequest", "requests")["maxItems"] == contract.MAX_BATCH
    duration = prop("GenerateRequest", "duration")
    assert (duration["minimum"], duration["maximum"]) == (
        contract.MIN_DURATION,
        contract.MAX_DURATION,
    )
    for path in ("/v1/projects", "/v1/collections", "/v1/jobs"):
        limit = next(
            parameter["schema"]
            for parameter in document["paths"][path]["get"]["parameters"]
            if parameter["name"] == "limit"
        )
        assert (limit["default"], limit["maximum"]) == (
            contract.PAGE_LIMIT_DEFAULT,
            contract.PAGE_LIMIT_MAX,
        ), path


def test_keys_and_upload_limits_agree(standin):
    assert contract.KEY_PATTERN.fullmatch(standin.api_key)
    headers = {"Authorization": f"Bearer {standin.api_key}"}
    with httpx.Client(base_url=standin.url, headers=headers, timeout=60) as http:

        def upload(data: bytes) -> int:
            return http.post("/upload", files={"file": ("a.png", data, "image/png")}).status_code

        def encoded(image_format: str) -> bytes:
            out = io.BytesIO()
            Image.new("RGB", (32, 32), (240, 120, 40)).save(out, image_format)
            return out.getvalue()

        for mime in contract.UPLOAD_MIME_TYPES:
            answer = http.post("/upload", files={"file": ("a", encoded(mime[6:].upper()), mime)})
            assert (answer.status_code, answer.json()["data"]["mime_type"]) == (201, mime)
        assert upload(encoded("BMP")) == 400
        small = png_bomb(64, 64)
        padded = small + bytes(contract.MAX_UPLOAD_BYTES - len(small))
        assert upload(padded) == 201
        assert upload(padded + b"\0") == 413
        assert upload(png_bomb(contract.MAX_UPLOAD_PIXELS // 1000 + 1, 1000)) == 413


def test_the_front_end_gets_the_limits_through_traits(client, collection):
    """What each widget's front end opens with: the contract's limits, not copies in JS."""
    from masko_widgets import PoseGrid, PreviewPanel, ReferenceGallery

    opened = {}
    with recording() as wire:
        for widget in (
            ReferenceGallery(client, collection),
            PreviewPanel(client, collection),
            PoseGrid(client, collection),
        ):
            opened[type(widget).__name__] = next(
                sent.data["state"]
                for sent in wire.since(0)
                if sent.comm_id == widget.model_id and sent.kind == "comm_open"
            )
    limits = {
        "ReferenceGallery": {
            "max_slots": contract.MAX_REFERENCES,
            "max_upload_bytes": contract.MAX_UPLOAD_BYTES,
            "upload_types": list(contract.UPLOAD_MIME_TYPES),
        },
        "PreviewPanel": {
            "max_hints": contract.MAX_REFERENCES,
            "max_upload_bytes": contract.MAX_UPLOAD_BYTES,
            "upload_types": list(contract.UPLOAD_MIME_TYPES),
        },
        "PoseGrid": {
            "max_batch": contract.MAX_BATCH,
            "min_duration": contract.MIN_DURATION,
            "max_duration": contract.MAX_DURATION,
        },
    }
    for name, expected in limits.items():
        assert {key: opened[name][key] for key in expected} == expected, name
