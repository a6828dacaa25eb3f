"""The rules of one API call, kept once for the sync and the async client (no I/O here).

`attempts` is the retry loop written as a generator: it yields `Send` (a request to send) and
`Sleep` (a pause), and receives the response, or has the transport error thrown in. The sync
and async drivers in `_http.py` only carry out those steps, so retry decisions, idempotency
keys, timeouts, error mapping and answer unwrapping live here and nowhere else.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from ._auth import origin as _origin
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InsufficientCreditsError,
    MaskoError,
    RateLimitError,
    status_error_class,
)
from ._files import ImageFile
from ._raw import record
from ._retry import Failure, backoff, retry_delay, should_retry

logger = logging.getLogger("masko_widgets.client")

USER_AGENT = "masko-widgets/0.1 (python httpx)"
MAX_CONNECT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Options:
    """Per-client settings that `with_options` may change: seconds per request, retries."""

    timeout: float = 30.0
    max_retries: int = 2

    def __post_init__(self) -> None:
        retries = self.max_retries
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
            raise ValueError(
                f"max_retries must be a whole number >= 0 (0 disables retries), got {retries!r}"
            )
        if isinstance(self.timeout, bool) or not isinstance(self.timeout, (int, float)):
            raise ValueError(f"timeout must be a number of seconds, got {self.timeout!r}")
        if not self.timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {self.timeout!r}")

    def timeouts(self, read: float | None = None) -> httpx.Timeout:
        """The httpx timeouts of one attempt: `read` overrides the read timeout (long-polls)."""
        return httpx.Timeout(
            self.timeout, connect=min(self.timeout, MAX_CONNECT_TIMEOUT), read=read or self.timeout
        )


@dataclass(frozen=True)
class Call:
    """One logical API call: a path under the base URL (or an absolute URL for downloads)."""

    method: str
    path: str
    params: Mapping[str, Any] | None = None
    json: Any = None
    file: ImageFile | None = None
    read_timeout: float | None = None
    max_retries: int | None = None
    idempotency_key: str | None = None
    follow_redirects: bool = False


@dataclass(frozen=True)
class Send:
    """Step: send this request and pass back its response (or throw its transport error)."""

    request: httpx.Request
    follow_redirects: bool


@dataclass(frozen=True)
class Sleep:
    """Step: pause this many seconds before the next attempt."""

    seconds: float


@dataclass(frozen=True)
class Answer:
    """A successful answer, unwrapped from its envelope."""

    status_code: int
    data: Any
    pagination: Mapping[str, Any]
    request_id: str | None


Attempts = Generator[Send | Sleep, httpx.Response | None, httpx.Response]


def attempts(
    client: httpx.Client | httpx.AsyncClient, base_url: str, call: Call, options: Options
) -> Attempts:
    """Send `call` until it succeeds or may not be retried; return the successful response.

    A POST carries `call.idempotency_key` or else a fresh one, reused by every retry.
    """
    method = call.method
    retries = options.max_retries if call.max_retries is None else call.max_retries
    headers = {"Accept": "application/json"}  # the key is added at send time: BearerAuth
    if method == "POST":
        headers["Idempotency-Key"] = idempotency_key(call.idempotency_key)
    absolute = call.path.startswith(("http://", "https://"))
    file = call.file
    request = client.build_request(
        method,
        call.path if absolute else base_url + call.path,
        params=dict(call.params) if call.params else None,
        json=call.json,
        files={"file": (file.filename, file.data, file.mime)} if file else None,
        headers=headers,
        timeout=options.timeouts(call.read_timeout),
    )
    attempt = 0
    while True:
        try:
            response = yield Send(request, call.follow_redirects)
        except httpx.TransportError as exc:
            failure = _failure(exc)
            logger.debug("%s %s failed (%s), attempt %d", method, _path(request), failure, attempt)
            if not should_retry(method, attempt=attempt, max_retries=retries, failure=failure):
                raise _connection_error(method, request, exc, failure) from exc
            yield _pause(request, attempt, backoff(attempt), failure)
            attempt += 1
            continue
        assert response is not None
        record(response, attempt)
        logger.debug(
            "%s %s -> %d (attempt %d, request id %s)",
            method,
            _path(request),
            response.status_code,
            attempt,
            request_id(response),
        )
        if response.is_success:
            return response
        if should_retry(method, attempt=attempt, max_retries=retries, status=response.status_code):
            delay = retry_delay(attempt, response.headers.get("retry-after"))
            if delay is not None:
                yield _pause(request, attempt, delay, str(response.status_code))
                attempt += 1
                continue
        raise status_error(response)


def answer_of(response: httpx.Response) -> Answer:
    """The unwrapped answer of a successful response."""
    data, pagination = _unwrap(_json_or_none(response))
    return Answer(response.status_code, data, pagination, request_id(response))


def _pause(request: httpx.Request, attempt: int, delay: float, why: str) -> Sleep:
    logger.info(
        "retrying %s %s in %.2f s after %s (retry %d)",
        request.method,
        _path(request),
        delay,
        why,
        attempt + 1,
    )
    return Sleep(delay)


def status_error(response: httpx.Response) -> APIStatusError:
    """The exception for an error answer, from any of the error shapes the docs show."""
    body = _json_or_none(response)
    if body is None and response.content:
        body = response.text
    return error_from_body(
        response.status_code,
        body,
        request_id=request_id(response),
        retry_after=response.headers.get("retry-after"),
        reason=response.reason_phrase,
    )


def error_from_body(
    status_code: int,
    body: Any,
    *,
    request_id: str | None = None,
    retry_after: str | None = None,
    reason: str = "",
) -> APIStatusError:
    """Map `{"error": {code, message, ...}}` or `{"error": "text", ...}` to an exception."""
    details: Mapping[str, Any] = body if isinstance(body, Mapping) else {}
    error = details.get("error")
    if isinstance(error, Mapping):
        details = {**details, **error}
        message = error.get("message")
    elif isinstance(error, str):
        message = error
    else:
        message = details.get("message") or details.get("detail")
    if not message:
        message = body if isinstance(body, str) and body.strip() else reason or "error"
    code = details.get("code") if isinstance(details.get("code"), str) else None
    kwargs: dict[str, Any] = {
        "status_code": status_code,
        "code": code,
        "body": body,
        "request_id": request_id,
        "field": details.get("field") if isinstance(details.get("field"), str) else None,
    }
    cls = status_error_class(status_code)
    if cls is InsufficientCreditsError:
        kwargs["required"] = details.get("required")
        kwargs["balance"] = details.get("balance", details.get("available"))
    elif cls is RateLimitError:
        kwargs["retry_after"] = _seconds(retry_after if retry_after else details.get("retry_after"))
    return cls(str(message), **kwargs)


def list_of(data: Any, key: str) -> list[Any]:
    """The entries of a list answer: a bare list, or a list under `key` (or the only list)."""
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        if isinstance(data.get(key), list):
            return list(data[key])
        lists = [value for value in data.values() if isinstance(value, list)]
        if len(lists) == 1:
            return list(lists[0])
    raise MaskoError(f"expected a list of {key} in the answer, got {type(data).__name__}")


def _unwrap(payload: Any) -> tuple[Any, Mapping[str, Any]]:
    if not isinstance(payload, Mapping):
        return payload, {}
    if "data" in payload:
        meta = payload.get("meta") or {}
        return payload["data"], meta.get("pagination") or {}
    pagination = payload.get("pagination") or (payload.get("meta") or {}).get("pagination")
    return payload, pagination or {}


def _json_or_none(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        if response.is_success:
            raise APIStatusError(
                "the server answered with something that is not JSON",
                status_code=response.status_code,
                code="invalid_response",
                body=response.text[:500],
                request_id=request_id(response),
            ) from None
        return None


def _failure(exc: httpx.TransportError) -> Failure:
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return "connect"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    return "network"


def _connection_error(
    method: str, request: httpx.Request, exc: httpx.TransportError, failure: Failure
) -> APIConnectionError:
    where = f"{method} {_path(request)}"
    if failure == "timeout":
        return APITimeoutError(f"{where} timed out ({type(exc).__name__}); try again later")
    if failure == "connect":
        return APIConnectionError(
            f"could not reach {_origin(str(request.url))} ({exc}); check the base URL and your "
            "network"
        )
    return APIConnectionError(f"{where}: the connection broke ({type(exc).__name__}: {exc})")


def idempotency_key(key: str | None) -> str:
    """The caller's key, checked, or a fresh one."""
    if key is None:
        return str(uuid.uuid4())
    if not isinstance(key, str) or not key.strip() or len(key) > 255 or not key.isascii():
        raise ValueError(
            f"idempotency_key must be 1 to 255 ASCII characters, got {key!r}; "
            "pass None to let the client make one"
        )
    return key


def request_id(response: httpx.Response) -> str | None:
    """The server's id of the request, from `x-request-id` or `request-id`."""
    found: str | None = response.headers.get("x-request-id") or response.headers.get("request-id")
    return found


def _seconds(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _path(request: httpx.Request) -> str:
    return urlsplit(str(request.url)).path
