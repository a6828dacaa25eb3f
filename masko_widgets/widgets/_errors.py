"""Words a user understands for whatever went wrong in a widget: plain sentences (no Markdown
backticks, which a widget shows as they are), each thing said once."""

from __future__ import annotations

import re

from masko_widgets import client as api
from masko_widgets._contract import MAX_REFERENCES
from masko_widgets.widgets._trial import ReplaceNeededError
from masko_widgets.widgets._uploads import URLS_OFFLINE

_FIELD_WORDS = {
    "url": "the image URL",
    "reference_image_urls": "a hint's URL",
    "asset_id": "the asset id",
    "reference_asset_ids": "a reference",
    "source_image_asset_id": "the selected pose",
    "end_image_asset_id": "the end pose",
    "image_prompt": "the prompt",
    "prompt": "the prompt",
    "name": "the name",
    "item_id": "the pose",
}
_FIELD = re.compile(r"^`(?P<field>[a-z_]+)(?:\[\d+\])?`(?P<colon>:?)\s*")
_HTTP_ASIDE = re.compile(r"\s*\((?:GET|POST|PUT|PATCH|DELETE) /[^)]*\)")
_CLAUSE = re.compile(r"(?<=[.;])\s+")


def friendly_error(exc: BaseException) -> str:
    """One or two sentences saying what happened and what to do next."""
    return plain(_explain(exc))


def plain(text: str) -> str:
    """`text` as shown in a widget: no backticks, a capital first letter, a full stop."""
    words = " ".join(text.replace("`", "").split())
    if not words:
        return words
    words = words[0].upper() + words[1:]
    return words if words[-1] in ".!?" else f"{words}."


def _explain(exc: BaseException) -> str:
    if isinstance(exc, api.InsufficientCreditsError):
        return (
            f"Not enough credits: this needs {exc.required} and the workspace has "
            f"{exc.balance}. Add credits, or ask for less (fewer poses, a shorter animation)."
        )
    if isinstance(exc, api.RateLimitError):
        wait = f" in {exc.retry_after:g} s" if exc.retry_after else " in a moment"
        return f"The Masko API is busy (too many requests). Try again{wait}."
    if isinstance(exc, api.AuthenticationError):
        return (
            "The API key was refused. Check MASKO_API_KEY, or unset it to use the offline stand-in."
        )
    if isinstance(exc, api.GoneError):
        return "That preview has expired (previews last 15 minutes). Preview again, then keep it."
    if isinstance(exc, api.PayloadTooLargeError):
        found = exc.message.rstrip(".")
        if "limit" in found.lower():  # the server already says the limit: say it once
            return found
        return f"That image is too large: {found}. Use one under 10 MB and 40 megapixels."
    if isinstance(exc, ReplaceNeededError):
        slots = "a reference" if exc.needed == 1 else f"{exc.needed} references"
        return (
            f"The candidates need {exc.needed} more free slot(s): choose {slots} for them to "
            "replace (Pin these asks; in Python, pin(replace=[...]))."
        )
    if isinstance(exc, api.ReferenceLimitError):
        return (
            f"All {MAX_REFERENCES} reference slots are full. Remove a reference (its Remove "
            "button) before adding another."
        )
    if isinstance(exc, api.InternalServerError):
        return "The Masko API had an internal error. Try again in a moment."
    if isinstance(exc, api.APIStatusError):
        return server_words(exc.message)
    if isinstance(exc, api.JobFailedError):
        reason = exc.job.error.message if exc.job.error else "no reason given"
        kind = f"{exc.job.type} job" if exc.job.type else "job"
        return f"The {kind} failed: {reason.rstrip('.')}. Its credits are refunded."
    if isinstance(exc, api.JobTimeoutError):
        return (
            "The job is taking longer than expected. It keeps running on the server: "
            "press Refresh later to see its result."
        )
    if isinstance(exc, api.APITimeoutError):
        return "The Masko API did not answer in time. Try again."
    if isinstance(exc, api.APIConnectionError):
        return "Could not reach the Masko API. Check the network connection and try again."
    if isinstance(exc, (api.MaskoError, ValueError)):
        return str(exc)
    return f"Something unexpected went wrong ({type(exc).__name__}: {exc})."


def server_words(message: str) -> str:
    """A server's message for developers in a user's words: no endpoints, no field names."""
    if "never fetches" in message:  # the stand-in refuses a URL it would have to download
        return URLS_OFFLINE
    found = _FIELD.match(message)
    if found:
        thing = _FIELD_WORDS.get(found["field"], "the request")
        message = f"{thing}{found['colon']} {message[found.end() :]}"
    clauses = _CLAUSE.split(_HTTP_ASIDE.sub("", message))
    kept = " ".join(clause for clause in clauses if "/v1/" not in clause).rstrip(";")
    return kept or "The Masko API refused the request."
