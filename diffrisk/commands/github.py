"""The GitHub REST API, as the Action uses it: a request, and every page of a list."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

#: What a call that failed raises (the Action reports it and goes on, or fails closed).
ApiError = (urllib.error.URLError, OSError, ValueError)
#: Pages of a list read at most (100 items each): a pull request with more reviews is unusual.
MAX_PAGES = 20


class NotFound(Exception):
    """The API answered 404."""


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
    """Every item of a list the API pages (``per_page=100``), first page first."""
    separator = "&" if "?" in url else "?"
    for page in range(1, MAX_PAGES + 1):
        items = request("GET", f"{url}{separator}per_page=100&page={page}", token)
        if not isinstance(items, list) or not items:
            return
        yield from items
