"""The OpenAPI document holds: generated requests never crash the stand-in, and every answer
matches the documented statuses, content types and bodies."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from masko_widgets import local
from tests.local.conftest import Api

KEYS: list[str] = []


@pytest.fixture(scope="module")
def documented(tmp_path_factory) -> Iterator:
    with local.start(tmp_path_factory.mktemp("openapi")) as server:
        KEYS.append(server.api_key)
        schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
        schema.config.update(base_url=server.url.removesuffix("/v1"))
        yield schema


schema = schemathesis.pytest.from_fixture("documented")


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_get_documented_answers(case):
    response = case.call(headers={"Authorization": f"Bearer {KEYS[-1]}"})
    # Schema-valid bodies may still name unknown ids (a 400 is right), and unknown query
    # parameters are ignored on purpose, as the contract's tolerance asks.
    case.validate_response(
        response, excluded_checks=[positive_data_acceptance, negative_data_rejection]
    )


def test_answers_outside_the_document_fail_the_check(api: Api):
    """The check each stand-in test's answers pass through refuses what the document does not
    promise: a wrong type, an undocumented key, an undocumented media type or status."""
    request = api.http.build_request("GET", "/credits")
    meta = {"request_id": "r"}
    api.documented.check(
        httpx.Response(200, json={"data": {"balance": 3}, "meta": meta}, request=request)
    )
    for data in ({"balance": "3"}, {"balance": 3, "currency": "credits"}, [3]):
        with pytest.raises(jsonschema.ValidationError):
            api.documented.check(
                httpx.Response(200, json={"data": data, "meta": meta}, request=request)
            )
    with pytest.raises(AssertionError, match="not documented"):
        api.documented.check(httpx.Response(200, content=b"3", request=request))
    with pytest.raises(AssertionError, match="answered 418"):
        api.documented.check(httpx.Response(418, json={}, request=request))
    download = httpx.Request("GET", f"{api.url}/previews/{'a' * 32}.png")
    api.documented.check(
        httpx.Response(200, content=b"png", headers={"content-type": "image/png"}, request=download)
    )
    with pytest.raises(AssertionError, match="not documented"):
        api.documented.check(httpx.Response(200, json={}, request=download))
