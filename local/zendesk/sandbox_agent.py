"""The sandbox's agent page (issue 15): one ticket as an agent sees it in Zendesk, with the ticket
sidebar app beside it, so a person (and the browser tests) can use the app on a sandbox ticket.

    GET /agent/tickets/{id}          the ticket: subject, conversation, its drop-down fields, a reply
                                     editor and Submit, and the app's iframe (404 for an unknown ticket)
    GET /agent/assets/{file}         the page's script and style, and the ZAF SDK the app's iframe loads
    GET /agent/app/assets/{file}     the app's own assets (zendesk_app/assets), as Zendesk hosts them

Opening the page signs the visitor in as the account's admin (the sandbox has no login page): a
session cookie then authenticates the page's own API calls as it does in Zendesk's agent interface,
and writes must carry the session's CSRF token (`X-CSRF-Token`), as Zendesk requires.

The app's iframe loads `zaf_sdk.js` in place of Zendesk's SDK (served from Zendesk's CDN, out of
reach here): it passes each ZAF v2 call to the page over postMessage, and the page answers it from
this sandbox's REST API (agent/agent_page.js). `client.set` changes the ticket's fields on the page;
Submit saves them with one ticket update, as in Zendesk.
"""

from __future__ import annotations

import html
import json
import mimetypes
import re
import secrets
import urllib.parse
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any

from local.zendesk.sandbox_errors import forbidden, unauthorized

Json = dict[str, Any]

PAGE_ASSETS = Path(__file__).with_name("agent")
# The checkout's app folder: what `triage zendesk bootstrap --install-app` packages and uploads.
DEFAULT_APP_DIR = Path(__file__).resolve().parents[2] / "zendesk_app"
SESSION_COOKIE = "_zendesk_session"
CSRF_HEADER = "x-csrf-token"
# Zendesk's SDK as an app's page names it; the sandbox serves its own client in its place.
ZAF_SDK_URL = re.compile(
    rb"https://static\.zdassets\.com/zendesk_app_framework_sdk/2\.[0-9.]+/zaf_sdk(?:\.min)?\.js"
)
LOCAL_SDK_PATH = "/agent/assets/zaf_sdk.js"
_TICKET_PAGE = re.compile(r"^/agent/tickets/(\d+)/?$")
_PAGE_ASSET = re.compile(r"^/agent/assets/([A-Za-z0-9_.-]+)$")
_APP_ASSET = re.compile(r"^/agent/app/assets/([A-Za-z0-9_.-]+)$")
_READ_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class PageAnswer:
    """One answer of the agent pages: status, content type, bytes and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True)
class _Session:
    user_id: int
    csrf_token: str


@dataclass(frozen=True)
class TicketView:
    """What the page shows of a ticket, read under the sandbox's lock."""

    ticket: Json
    comments: list[Json]
    user_names: Mapping[int, str]


class AgentDesk:
    """The agent pages and their sessions. `read_ticket` raises the sandbox's 404 for an unknown id."""

    def __init__(
        self,
        read_ticket: Callable[[int], TicketView],
        signed_in_user: Callable[[], int],
        app_dir: Path | None = None,
    ) -> None:
        self._read_ticket = read_ticket
        self._signed_in_user = signed_in_user
        self._app_dir = app_dir or DEFAULT_APP_DIR
        self._sessions: dict[str, _Session] = {}

    def session_user(self, cookie_header: str | None, method: str, csrf_token: str | None) -> int | None:
        """The user a request's session cookie signs in, or None without a session; a write without
        the session's CSRF token is refused (403), as Zendesk refuses it."""
        token = _cookie(cookie_header, SESSION_COOKIE)
        if token is None:
            return None
        session = self._sessions.get(token)
        if session is None:
            raise unauthorized()
        if method not in _READ_METHODS and not secrets.compare_digest(
            (csrf_token or "").encode(), session.csrf_token.encode()
        ):
            raise forbidden("the request's CSRF token is missing or does not match the session")
        return session.user_id

    def answer(self, path: str, cookie_header: str | None, base_url: str) -> PageAnswer:
        if found := _TICKET_PAGE.match(path):
            return self._ticket_page(int(found.group(1)), cookie_header, base_url)
        if found := _PAGE_ASSET.match(path):
            return _file(PAGE_ASSETS / found.group(1))
        if found := _APP_ASSET.match(path):
            return _file(self._app_dir / "assets" / found.group(1), rewrite_sdk=True)
        return _not_found()

    def _ticket_page(self, ticket_id: int, cookie_header: str | None, base_url: str) -> PageAnswer:
        view = self._read_ticket(ticket_id)
        token = _cookie(cookie_header, SESSION_COOKIE) or ""
        session = self._sessions.get(token)
        headers: dict[str, str] = {"Cache-Control": "no-store"}
        if session is None:
            token = secrets.token_urlsafe(24)
            session = _Session(self._signed_in_user(), secrets.token_urlsafe(24))
            self._sessions[token] = session
            headers["Set-Cookie"] = f"{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
        page = _render_page(view, session.csrf_token, self._sidebar_url(base_url))
        return PageAnswer(200, "text/html; charset=utf-8", page.encode("utf-8"), headers)

    def _sidebar_url(self, base_url: str) -> str:
        """The app's ticket_sidebar page as its manifest names it, with the query Zendesk adds."""
        manifest = json.loads((self._app_dir / "manifest.json").read_text(encoding="utf-8"))
        location = manifest["location"]["support"]["ticket_sidebar"]
        page = location["url"] if isinstance(location, dict) else location
        query = urllib.parse.urlencode({"origin": base_url, "app_guid": str(uuid.uuid4())})
        return f"/agent/app/{page}?{query}"


def _cookie(header: str | None, name: str) -> str | None:
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


def _file(path: Path, *, rewrite_sdk: bool = False) -> PageAnswer:
    if not path.is_file():
        return _not_found()
    body = path.read_bytes()
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if rewrite_sdk and content_type == "text/html":
        body = ZAF_SDK_URL.sub(LOCAL_SDK_PATH.encode(), body)
    if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
        content_type += "; charset=utf-8"
    return PageAnswer(200, content_type, body, {"Cache-Control": "no-store"})


def _not_found() -> PageAnswer:
    return PageAnswer(404, "text/plain; charset=utf-8", b"Not found", {})


def _render_page(view: TicketView, csrf_token: str, sidebar_url: str) -> str:
    ticket, e = view.ticket, html.escape
    comments = "\n".join(
        f'<li class="comment{"" if c["public"] else " internal"}">'
        f'<p class="meta"><strong>{e(view.user_names.get(int(c["author_id"]), str(c["author_id"])))}</strong>'
        f" · {e(str(c['created_at']))}{'' if c['public'] else ' · internal note'}</p>"
        f'<div class="body">{e(str(c["body"]))}</div></li>'
        for c in view.comments
    )
    summary = (
        f"status {ticket['status']} · priority {ticket['priority'] or '—'} · tags {' '.join(ticket['tags'])}"
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="csrf-token" content="{e(csrf_token)}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/agent/assets/agent_page.css">
<title>#{ticket["id"]} {e(str(ticket["subject"]))}</title>
</head>
<body data-ticket-id="{ticket["id"]}">
<header>
<h1><span class="muted">#{ticket["id"]}</span> <span id="subject">{e(str(ticket["subject"]))}</span></h1>
<p class="muted">{e(summary)}</p>
</header>
<div class="desk">
<form id="fields" class="panel" aria-label="Ticket fields"></form>
<main class="panel">
<ol id="comments">
{comments}
</ol>
<textarea id="reply" rows="6" placeholder="Reply"></textarea>
<p><button type="button" id="submit">Submit</button> <span id="submit-status" class="muted"></span></p>
</main>
<aside class="panel apps">
<iframe id="app-frame" title="Complaint triage" src="{e(sidebar_url)}"></iframe>
</aside>
</div>
<script src="/agent/assets/agent_page.js"></script>
</body>
</html>
"""
