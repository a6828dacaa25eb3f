"""The client's exceptions: one root, one branch per way a call can go wrong."""

from __future__ import annotations

from typing import Any


class MaskoError(Exception):
    """Root of every error this package raises on purpose."""


class APIStatusError(MaskoError):
    """The server answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        body: Any = None,
        request_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.message = message
        self.body = body
        self.request_id = request_id
        self.field = field
        text = f"{status_code} {code}: {message}" if code else f"{status_code}: {message}"
        if request_id:
            text += f" (request_id={request_id})"
        super().__init__(text)


class BadRequestError(APIStatusError):
    """400: the request body was invalid; `field` names the culprit when the server says."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or unknown."""


class InsufficientCreditsError(APIStatusError):
    """402: the workspace has fewer credits than the job costs."""

    def __init__(
        self, message: str, *, required: int | None = None, balance: int | None = None, **kw: Any
    ) -> None:
        self.required = required
        self.balance = balance
        super().__init__(message, **kw)


class PermissionDeniedError(APIStatusError):
    """403: the resource belongs to another workspace, or the plan is too low."""


class NotFoundError(APIStatusError):
    """404: no such id."""


class GoneError(APIStatusError):
    """410: the resource expired (preview URLs live for a short while only)."""


class PayloadTooLargeError(APIStatusError):
    """413: the upload is over the server's size limits."""


class RateLimitError(APIStatusError):
    """429: too many requests; `retry_after` is the server's hint in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)


class InternalServerError(APIStatusError):
    """5xx: the server failed; a later retry may work."""


class APIConnectionError(MaskoError):
    """No usable answer: the connection failed or was cut."""


class APITimeoutError(APIConnectionError, TimeoutError):
    """The server did not answer in time."""


class JobFailedError(MaskoError):
    """A job ended in a state other than completed; `job` holds its last state."""

    def __init__(self, job: Any) -> None:
        self.job = job
        error = getattr(job, "error", None)
        detail = f": {error.message}" if error is not None and error.message else ""
        super().__init__(f"job {job.id} ended as {job.status}{detail}")


class JobTimeoutError(MaskoError, TimeoutError):
    """A wait reached its deadline while the job was still running."""

    def __init__(self, job_id: str, waited: float | None = None) -> None:
        self.job_id = job_id
        self.waited = waited
        after = f" after {waited:.0f} s" if waited is not None else ""
        super().__init__(
            f"job {job_id} still running{after}; call client.jobs.wait({job_id!r}) "
            "again to keep waiting (the job goes on server-side)"
        )


class WaitCancelledError(MaskoError):
    """The caller's cancel event was set while waiting; the job goes on server-side."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        super().__init__(f"stopped waiting for job {job_id}; the job goes on server-side")


class SourceImageError(ValueError, MaskoError):
    """The image given to animate or edit cannot be a source (or end) image."""


class ReferenceLimitError(ValueError, MaskoError):
    """A collection (or a preview's hints) would exceed 6 references."""


class MissingAPIKeyError(MaskoError):
    """No API key was given and MASKO_API_KEY is not set."""


class InvalidImageError(ValueError, MaskoError):
    """An image input is not a PNG, JPEG, WebP or GIF, or is too large to upload."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    404: NotFoundError,
    410: GoneError,
    413: PayloadTooLargeError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an error status."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)
