"""The GitHub REST API, as the Action uses it: a request, and every page of a list."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

from diffrisk.records import record

#: What a call that failed raises (the Action reports it and goes on, or fails closed).
ApiError = (urllib.error.URLError, OSError, ValueError)
#: Pages of a list read at most (100 items each): a pull request with more reviews is unusual.
MAX_PAGES = 20


class NotFound(Exception):
    """The API answered 404."""


@record
class Refusal:
    """A request the API understood and refused (422): a label that exists already, a reviewer
    who is not a collaborator."""

    message: str
    #: The codes of its errors, e.g. "already_exists".
    codes: tuple[str, ...]


def refusal(error: urllib.error.HTTPError) -> Refusal | None:
    """What a 422 answer says (None for any other status); reads the answer's body."""
    if error.code != 422:
        return None
    try:
        body = json.loads(error.read().decode("utf-8", "replace") or "{}")
    except (ValueError, OSError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    errors = [item for item in body.get("errors") or [] if isinstance(item, dict)]
    message = str(body.get("message") or error.reason)
    details = [str(item["message"]) for item in errors if item.get("message")]
    return Refusal("; ".join([message, *details]), tuple(str(item.get("code", "")) for item in errors))


def checked_api_url(url: str) -> str | None:
    """The API's base URL without a trailing slash, or None when it is not http(s)."""
    url = url.rstrip("/")
    return url if url.startswith(("https://", "http://")) else None


def request(method: str, url: str, token: str, payload: dict[str, Any] | None = None) -> Any:
    """One call; the decoded JSON answer (None for an empty one).  Raises NotFound on 404 and
    one of ApiError on anything else that goes wrong."""
    data = None if payload is None else json.dumps(payload).encode()
    call = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "Content-Type": "application/json",
        "User-Agent": "diffrisk",
    })
    try:
        # The caller checked the URL's scheme (checked_api_url): http(s) only, never file:.
        with urllib.request.urlopen(call, timeout=30) as response:  # nosec B310
            text = response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise NotFound(url) from None
        raise
    return json.loads(text) if text else None


def pages(url: str, token: str) -> Iterator[Any]:
    """Every item of a list the API pages (``per_page=100``), first page first; a page with
    fewer items is the last."""
    separator = "&" if "?" in url else "?"
    for page in range(1, MAX_PAGES + 1):
        items = request("GET", f"{url}{separator}per_page=100&page={page}", token)
        if not isinstance(items, list) or not items:
            return
        yield from items
        if len(items) < 100:
            return
