"""List pagination in the sandbox, as the Support API documents it.

Zendesk answers a list request in one of two envelopes
(https://developer.zendesk.com/api-reference/introduction/pagination/):
- offset pagination, the default: at most `per_page` items (100 at most, 100 when not given) of
  page `page`, with `next_page` / `previous_page` as absolute URLs (null at the ends) and `count`,
  the number of items in the whole list;
- cursor pagination, when the request names `page[size]` (at most 100): `meta` (`has_more`,
  `after_cursor`, `before_cursor`) and `links` (`next`, `prev`); a client follows `links.next` with
  `page[after]` until `meta.has_more` is false. The webhooks API speaks only this one.
A client that reads only the first page of a long list sees only those items, as against Zendesk.
"""

from __future__ import annotations

import base64
import binascii
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

from local.zendesk.sandbox_errors import ApiError

Json = dict[str, Any]
MAX_PAGE_SIZE = 100
CURSOR_PARAMETERS = ("page[size]", "page[after]", "page[before]")


def invalid_cursor(name: str) -> ApiError:
    return ApiError(400, {"error": "InvalidPaginationParameter", "description": f"{name} is invalid"})


def paginated(
    key: str, items: Sequence[Json], query: Mapping[str, str], list_url: str, *, cursor_only: bool = False
) -> Json:
    """One page of `items` under `key`, in the envelope the request asked for.

    `list_url` is the absolute URL of the list (scheme, host as the client named it, path), which
    the next and previous links repeat with the request's other parameters."""
    if cursor_only or any(name in query for name in CURSOR_PARAMETERS):
        return _cursor_page(key, items, query, list_url)
    return _offset_page(key, items, query, list_url)


def _offset_page(key: str, items: Sequence[Json], query: Mapping[str, str], list_url: str) -> Json:
    per_page = _whole_number(query.get("per_page"), default=MAX_PAGE_SIZE, ceiling=MAX_PAGE_SIZE)
    page = _whole_number(query.get("page"), default=1, ceiling=None)
    start = (page - 1) * per_page
    shown = list(items[start : start + per_page])
    others = {k: v for k, v in query.items() if k != "page"}
    next_page = _link(list_url, {**others, "page": str(page + 1)}) if start + per_page < len(items) else None
    previous_page = _link(list_url, {**others, "page": str(page - 1)}) if page > 1 else None
    return {key: shown, "next_page": next_page, "previous_page": previous_page, "count": len(items)}


def _cursor_page(key: str, items: Sequence[Json], query: Mapping[str, str], list_url: str) -> Json:
    size = _whole_number(query.get("page[size]"), default=MAX_PAGE_SIZE, ceiling=MAX_PAGE_SIZE)
    if "page[after]" in query and "page[before]" in query:
        raise invalid_cursor("page[after] and page[before] together")
    if "page[before]" in query:
        end = _position(query["page[before]"], "page[before]")
        start = max(0, end - size)
    else:
        start = _position(query["page[after]"], "page[after]") + 1 if "page[after]" in query else 0
        end = start + size
    shown = list(items[start:end])
    after = _cursor(start + len(shown) - 1) if shown else None
    before = _cursor(start) if shown else None
    others = {k: v for k, v in query.items() if k not in ("page[after]", "page[before]")}
    others["page[size]"] = str(size)
    return {
        key: shown,
        "meta": {"has_more": end < len(items), "after_cursor": after, "before_cursor": before},
        "links": {
            "next": _link(list_url, {**others, "page[after]": after}) if after else None,
            "prev": _link(list_url, {**others, "page[before]": before}) if before else None,
        },
    }


def _whole_number(raw: str | None, *, default: int, ceiling: int | None) -> int:
    """A page or size parameter; what is missing or not a positive number falls back to the default."""
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        value = default
    value = value if value >= 1 else default
    return min(value, ceiling) if ceiling is not None else value


def _cursor(position: int) -> str:
    """An opaque cursor naming an item's position (Zendesk's cursors are opaque too)."""
    return base64.urlsafe_b64encode(f"position:{position}".encode()).decode().rstrip("=")


def _position(cursor: str, name: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        label, _, number = decoded.partition(":")
        if label != "position":
            raise ValueError(decoded)
        return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid_cursor(name) from None


def _link(list_url: str, query: Mapping[str, str]) -> str:
    return f"{list_url}?{urllib.parse.urlencode(query)}"
