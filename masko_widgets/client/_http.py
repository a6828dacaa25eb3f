"""HTTP for the client: the one module that speaks httpx.

It builds requests, retries what is safe to retry, unwraps the answer envelope (and the
older shapes the docs also show) and turns error answers into exceptions.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from .._contract import PAGE_LIMIT_MAX
from ._auth import ApiKey, BearerAuth
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
from ._retry import Failure, backoff, retry_delay, should_retry

logger = logging.getLogger("masko_widgets.client")

PAGE_SIZE = PAGE_LIMIT_MAX  # the largest page the API gives: fewest requests for a long list
_USER_AGENT = "masko-widgets/0.1 (python httpx)"


@dataclass(frozen=True)
class Answer:
    """A successful answer, unwrapped from its envelope."""

    status_code: int
    data: Any
    pagination: Mapping[str, Any]
    request_id: str | None


class HTTP:
    """One pooled, thread-safe connection to the API, with retries and error mapping."""

    def __init__(
        self,
        *,
        api_key: ApiKey,
        base_url: str,
        timeout: float,
        max_retries: int,
        transport: Any = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_retries = max_retries
        self._timeout = timeout
        self._client = httpx.Client(
            transport=transport,
            timeout=self._timeouts(timeout),
            headers={"User-Agent": _USER_AGENT},
            auth=BearerAuth(api_key, _origin(self.base_url)),
        )

    def close(self) -> None:
        self._client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        file: ImageFile | None = None,
        read_timeout: float | None = None,
        max_retries: int | None = None,
        idempotency_key: str | None = None,
    ) -> Answer:
        """Send one logical API call (retrying as allowed) and unwrap its answer.

        A POST carries `idempotency_key`, or else a fresh one; either way every retry of
        the call reuses it.
        """
        response = self._send(
            method,
            self.base_url + path,
            params=params,
            json=json,
            files={"file": (file.filename, file.data, file.mime)} if file else None,
            read_timeout=read_timeout,
            max_retries=max_retries,
            idempotency_key=idempotency_key,
        )
        data, pagination = _unwrap(_json_or_none(response))
        return Answer(response.status_code, data, pagination, _request_id(response))

    def paginate(self, path: str, key: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        """Every entry of a list endpoint, following its pagination."""
        return [entry for page, _total in self.pages(path, key, params) for entry in page]

    def pages(
        self, path: str, key: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[tuple[list[Any], int | None]]:
        """The entries of a list endpoint one page at a time, each with the list's total
        (None when the API does not say); a page is asked for when the previous one is used."""
        query = {name: value for name, value in (params or {}).items() if value is not None}
        offset = 0
        while True:
            window = {**query, "limit": PAGE_SIZE, "offset": offset}
            answer = self.request("GET", path, params=window)
            page = list_of(answer.data, key)
            total = answer.pagination.get("total")
            total = None if total is None else int(total)
            yield page, total
            offset = int(answer.pagination.get("offset", offset)) + len(page)
            more = answer.pagination.get("has_more")
            if more is None and total is not None:
                more = offset < total
            if not more or not page:
                return

    def download(self, url: str) -> bytes:
        """A file's bytes; the key is sent only to the API's own origin."""
        return self._send("GET", url, follow_redirects=True).content

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        files: Any = None,
        read_timeout: float | None = None,
        max_retries: int | None = None,
        idempotency_key: str | None = None,
        follow_redirects: bool = False,
    ) -> httpx.Response:
        retries = self.max_retries if max_retries is None else max_retries
        headers = {"Accept": "application/json"}  # the key is added at send time: BearerAuth
        if method == "POST":
            headers["Idempotency-Key"] = _idempotency_key(idempotency_key)
        timeout = self._timeouts(self._timeout, read_timeout) if read_timeout else None
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                response = self._client.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    files=files,
                    headers=headers,
                    timeout=timeout or httpx.USE_CLIENT_DEFAULT,
                    follow_redirects=follow_redirects,
                )
            except httpx.TransportError as exc:
                failure = _failure(exc)
                logger.debug("%s %s failed (%s), attempt %d", method, _path(url), failure, attempt)
                if should_retry(method, attempt=attempt, max_retries=retries, failure=failure):
                    self._pause(method, url, attempt, backoff(attempt), failure)
                    attempt += 1
                    continue
                raise _connection_error(method, url, exc, failure) from exc
            logger.debug(
                "%s %s -> %d in %.1f ms (attempt %d, request id %s)",
                method,
                _path(url),
                response.status_code,
                (time.perf_counter() - started) * 1000,
                attempt,
                _request_id(response),
            )
            if response.is_success:
                return response
            if should_retry(
                method, attempt=attempt, max_retries=retries, status=response.status_code
            ):
                delay = retry_delay(attempt, response.headers.get("retry-after"))
                if delay is not None:
                    self._pause(method, url, attempt, delay, str(response.status_code))
                    attempt += 1
                    continue
            raise status_error(response)

    @staticmethod
    def _pause(method: str, url: str, attempt: int, delay: float, why: str) -> None:
        logger.info(
            "retrying %s %s in %.2f s after %s (retry %d)",
            method,
            _path(url),
            delay,
            why,
            attempt + 1,
        )
        time.sleep(delay)

    @staticmethod
    def _timeouts(timeout: float, read: float | None = None) -> httpx.Timeout:
        return httpx.Timeout(timeout, connect=min(timeout, 10.0), read=read or timeout)


def status_error(response: httpx.Response) -> APIStatusError:
    """The exception for an error answer, from any of the error shapes the docs show."""
    body = _json_or_none(response)
    if body is None and response.content:
        body = response.text
    return error_from_body(
        response.status_code,
        body,
        request_id=_request_id(response),
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
            return data[key]
        lists = [value for value in data.values() if isinstance(value, list)]
        if len(lists) == 1:
            return lists[0]
    raise MaskoError(f"expected a list of {key} in the answer, got {type(data).__name__}")


def _unwrap(payload: Any) -> tuple[Any, Mapping[str, Any]]:
    if not isinstance(payload, Mapping):
        return payload, {}
    if "data" in payload:
        meta = payload.get("meta") or {}
        return payload["data"], meta.get("pagination") or {}
    return payload, payload.get("pagination") or payload.get("meta", {}).get("pagination") or {}


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
                request_id=_request_id(response),
            ) from None
        return None


def _failure(exc: httpx.TransportError) -> Failure:
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return "connect"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    return "network"


def _connection_error(
    method: str, url: str, exc: httpx.TransportError, failure: Failure
) -> APIConnectionError:
    where = f"{method} {_path(url)}"
    if failure == "timeout":
        return APITimeoutError(f"{where} timed out ({type(exc).__name__}); try again later")
    if failure == "connect":
        return APIConnectionError(
            f"could not reach {_origin(url)} ({exc}); check the base URL and your network"
        )
    return APIConnectionError(f"{where}: the connection broke ({type(exc).__name__}: {exc})")


def _idempotency_key(key: str | None) -> str:
    """The caller's key, checked, or a fresh one."""
    if key is None:
        return str(uuid.uuid4())
    if not isinstance(key, str) or not key.strip() or len(key) > 255 or not key.isascii():
        raise ValueError(
            f"idempotency_key must be 1 to 255 ASCII characters, got {key!r}; "
            "pass None to let the client make one"
        )
    return key


def _request_id(response: httpx.Response) -> str | None:
    return response.headers.get("x-request-id") or response.headers.get("request-id")


def _seconds(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _path(url: str) -> str:
    return urlsplit(url).path
