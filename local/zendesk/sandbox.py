"""A local Zendesk: an HTTP server on loopback that follows the documented API.

Why it exists: the plugin's handlers, bootstrap and tests run against it
exactly as they run against a real account (only the URL and token change),
so everything Zendesk-shaped can be exercised without an account: audits per
write, 409 on a stale `updated_stamp`, 422 on invalid values, 429 with
`Retry-After`, signed event-subscription webhooks with retries, SLA policies
(or the refusal of a plan without them).

Start it with::

    with ZendeskSandbox(settings=SandboxSettings(requests_per_minute=5)) as zd:
        client = ZendeskClient(zd.url, zd.email, zd.api_token)

or from a shell: ``python -m local.zendesk.sandbox --port 8765``.
Only the standard library is used, so it runs wherever the tests run.

Beside the API it serves an agent page per ticket, `/agent/tickets/{id}`, hosting the ticket sidebar
app (`local/zendesk/sandbox_agent.py`).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import hmac
import json
import logging
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from local.zendesk.sandbox_agent import CSRF_HEADER, AgentDesk, PageAnswer, TicketView
from local.zendesk.sandbox_apps import AppRegistry, multipart_file, validate_package
from local.zendesk.sandbox_clock import iso_seconds
from local.zendesk.sandbox_directory import Directory
from local.zendesk.sandbox_errors import (
    ApiError,
    bad_json,
    invalid_endpoint,
    missing_parameter,
    too_many_requests,
    unauthorized,
)
from local.zendesk.sandbox_faults import EXEMPT_HEADER, FaultPlan, Faults
from local.zendesk.sandbox_pages import paginated
from local.zendesk.sandbox_rate_limit import SlidingWindow
from local.zendesk.sandbox_settings import SandboxSettings
from local.zendesk.sandbox_slas import SlaPolicyBook
from local.zendesk.sandbox_tickets import IgnoredValue, TicketBook, TicketEvent
from local.zendesk.sandbox_webhooks import Delivery, WebhookDispatcher, WebhookRegistry, event_payload

logger = logging.getLogger(__name__)

Json = dict[str, Any]
Handler = Callable[["_Call"], tuple[int, Json | None, list[TicketEvent]]]


@dataclass(frozen=True)
class RequestRecord:
    """What the sandbox saw: lets tests assert that a request was (or was not) made."""

    method: str
    path: str
    status: int
    at: float = field(default_factory=time.monotonic)  # when it was answered (for latency figures)
    exempt: bool = False  # sent with the fault-exempt header (a benchmark's own setup and reading)


@dataclass
class _Call:
    """One authenticated API request, as route handlers see it."""

    params: tuple[str, ...]
    query: dict[str, str]
    body: Any
    actor_id: int
    client: str
    raw: bytes = b""
    content_type: str = ""
    list_url: str = ""  # this path as an absolute URL on the host the client named (for page links)

    def object(self, key: str) -> Mapping[str, Any]:
        """The `{key: {...}}` envelope's inner object, or Zendesk's 400 when it is missing."""
        inner = self.body.get(key) if isinstance(self.body, Mapping) else None
        if not isinstance(inner, Mapping):
            raise missing_parameter(key)
        return inner

    def id(self, index: int = 0) -> int:
        return int(self.params[index])


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    ticket_update: bool = False
    binary_body: bool = False  # the body is a file (uploads), not JSON


@dataclass
class _Failure:
    status: int
    remaining: int
    body: Json = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def _path(template: str) -> re.Pattern[str]:
    """/api/v2/tickets/{id} -> a regex accepting the path with or without `.json`."""
    regex = re.escape(template).replace(r"\{id\}", r"(\d+)").replace(r"\{key\}", r"([A-Za-z0-9_-]+)")
    return re.compile(f"^{regex}(?:\\.json)?/?$")


def _whole_list(key: str, items: list[Json]) -> Json:
    """The offset envelope of a list Zendesk does not paginate (SLA policies): every item at once."""
    return {key: items, "next_page": None, "previous_page": None, "count": len(items)}


class ZendeskSandbox:
    """The sandbox server: start(), use `.url` / `.email` / `.api_token`, stop()."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        settings: SandboxSettings | None = None,
        *,
        tls: tuple[str, str] | None = None,
    ) -> None:
        """`tls`: (certificate file, key file) to serve HTTPS, as Zendesk does (zcli will not speak
        plain HTTP; `local.zendesk.sandbox_tls` makes a certificate for 127.0.0.1)."""
        self._tls = tls
        self.settings = settings or SandboxSettings()
        self._host, self._port = host, port
        self._lock = threading.RLock()
        clock = self.settings.clock
        self._directory = Directory(clock, self.settings.admin_name, self.settings.email)
        self._tickets = TicketBook(clock, self._directory)
        self._webhooks = WebhookRegistry(clock, self._directory.admin_id)
        self._apps = AppRegistry(self._directory.next_id, lambda: iso_seconds(clock()), lambda: self._url)
        self._slas = SlaPolicyBook(clock, lambda: self._url, self.settings.sla_policies_refusal)
        self._agent_desk = AgentDesk(
            self._ticket_view, lambda: self._directory.admin_id, self.settings.app_dir
        )
        self._dispatcher = WebhookDispatcher(self.settings)
        window = self.settings.window_seconds
        self._account_window = SlidingWindow(self.settings.requests_per_minute, window, clock)
        self._update_window = SlidingWindow(self.settings.update_ticket_per_minute, window, clock)
        self._per_ticket_window = SlidingWindow(
            self.settings.updates_per_ticket_per_user, self.settings.per_ticket_window_seconds, clock
        )
        self._failures: list[_Failure] = []
        self._faults: Faults | None = None
        self._requests: list[RequestRecord] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._url = ""
        self._routes = self._build_routes()

    # ---- lifecycle -------------------------------------------------------
    def start(self) -> str:
        """Bind, serve in a background thread, and return the base URL."""
        if self._server is not None:
            return self._url
        server = _Server((self._host, self._port), _RequestHandler)
        server.sandbox = self
        scheme = "http"
        if self._tls is not None:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self._tls)
            server.socket = context.wrap_socket(server.socket, server_side=True)
            scheme = "https"
        self._server = server
        host, port = server.server_address[:2]
        self._url = f"{scheme}://{host}:{port}"
        with self._lock:
            self._directory.base_url = self._url
            self._directory.rebase_urls()
        self._dispatcher.start()
        # A short poll interval keeps stop() quick (serve_forever checks for shutdown between polls).
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="zendesk-sandbox", daemon=True
        )
        self._thread.start()
        logger.info("zendesk sandbox listening on %s", self._url)
        return self._url

    def stop(self) -> None:
        """Stop serving and delivering; safe to call twice."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._dispatcher.stop()
        self._server, self._thread = None, None

    def __enter__(self) -> ZendeskSandbox:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ---- what tests and the local runner use ------------------------------
    @property
    def url(self) -> str:
        if not self._url:
            raise RuntimeError("sandbox not started")
        return self._url

    @property
    def email(self) -> str:
        return self.settings.email

    @property
    def api_token(self) -> str:
        return self.settings.api_token

    @property
    def account_id(self) -> int:
        return self.settings.account_id

    @property
    def admin_user_id(self) -> int:
        return self._directory.admin_id

    def fail_next(
        self,
        status: int = 500,
        count: int = 1,
        *,
        body: Json | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer the next `count` authenticated requests with `status` (for client-retry tests)."""
        with self._lock:
            self._failures.append(
                _Failure(
                    status,
                    count,
                    dict(body or {"error": "ServerError", "description": "Injected failure"}),
                    dict(headers or {}),
                )
            )

    def inject_faults(self, plan: FaultPlan | None) -> None:
        """Misbehave at random from now on as `plan` says (None: behave again); see sandbox_faults."""
        with self._lock:
            self._faults = None if plan is None else Faults(plan, self.settings.clock())

    def fault_counts(self) -> dict[str, int]:
        """How many of each fault the current plan has served so far."""
        with self._lock:
            return dict(self._faults.counts) if self._faults is not None else {}

    def clear_failures(self) -> None:
        """Forget failures injected with `fail_next` that have not happened yet (the outage is over)."""
        with self._lock:
            self._failures.clear()

    def requests(self) -> list[RequestRecord]:
        """Every request answered so far, in order."""
        with self._lock:
            return list(self._requests)

    def deliveries(self) -> list[Delivery]:
        """Every webhook delivery attempt so far."""
        return self._dispatcher.deliveries()

    def wait_for_deliveries(self, timeout: float = 5.0) -> bool:
        """Wait until no webhook delivery is queued, in flight or waiting to be retried."""
        return self._dispatcher.wait_idle(timeout)

    @property
    def ignored_field_values(self) -> list[IgnoredValue]:
        """Custom-field values Zendesk would have dropped silently (e.g. an unknown drop-down option)."""
        with self._lock:
            return list(self._tickets.ignored_values)

    # ---- request handling ----------------------------------------------------
    def handle(
        self, method: str, raw_path: str, headers: Mapping[str, str], raw_body: bytes
    ) -> tuple[int, Json | None, dict[str, str]]:
        """Answer one HTTP request: (status, JSON body or None, extra headers)."""
        split = urllib.parse.urlsplit(raw_path)
        path = split.path
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(split.query).items()}
        header = {name.lower(): value for name, value in headers.items()}  # HTTP names are case-blind
        extra: dict[str, str] = {}
        events: list[TicketEvent] = []
        delay = 0.0
        with self._lock:
            try:
                actor_id = self._authenticate(header, method, path)
                self._inject_failure()
                delay = self._random_fault(header)
                route, params = self._match(method, path)
                extra = self._admit(route, params, actor_id)
                body_json = None if route.binary_body else _parse_json(raw_body)
                client_name = header.get("user-agent") or ""
                content_type = header.get("content-type") or "application/binary"
                scheme, _, own_host = self._url.partition("://")
                # Page links name the host the client used, as Zendesk's name the account's subdomain.
                list_url = f"{scheme or 'http'}://{header.get('host') or own_host}{path}"
                call = _Call(
                    params, query, body_json, actor_id, client_name, raw_body, content_type, list_url
                )
                status, body, events = route.handler(call)
            except ApiError as err:
                status, body = err.status, err.body
                extra = {**extra, **err.headers}
            except Exception:  # a sandbox bug must still answer, or the client just sees a dropped connection
                logger.exception("sandbox failed on %s %s", method, path)
                status, body, events = 500, {"error": "InternalError", "description": "Sandbox bug"}, []
            self._requests.append(RequestRecord(method, path, status, exempt=EXEMPT_HEADER in header))
            for event in events:
                for target in self._webhooks.targets_for(event.type):
                    payload = event_payload(event, self.settings.account_id, self.settings.clock())
                    self._dispatcher.submit(target, payload)
                    if self._faults is not None and self._faults.duplicate():
                        self._dispatcher.submit(target, payload)
        if delay:
            time.sleep(delay)  # outside the lock: the sandbox goes on serving others meanwhile
        return status, body, extra

    def agent_page(self, path: str, headers: Mapping[str, str]) -> PageAnswer:
        """Answer a GET of the agent pages (`/agent/...`, see sandbox_agent)."""
        cookie = next((v for k, v in headers.items() if k.lower() == "cookie"), None)
        with self._lock:
            try:
                answer = self._agent_desk.answer(urllib.parse.urlsplit(path).path, cookie, self._url)
            except ApiError as err:  # an unknown ticket: the API's 404, as a page
                reason = f"{err.status} {err.body.get('description') or err.body.get('error')}"
                answer = PageAnswer(err.status, "text/plain; charset=utf-8", reason.encode(), {})
            self._requests.append(RequestRecord("GET", path, answer.status))
        return answer

    def _ticket_view(self, ticket_id: int) -> TicketView:
        """The agent page's ticket (callers hold the lock); the API's 404 for an unknown id."""
        ticket = self._tickets.show(ticket_id)
        comments = self._tickets.list_comments(ticket_id)
        users = self._directory.users
        names = {int(c["author_id"]): users.get(int(c["author_id"]), {}).get("name", "") for c in comments}
        return TicketView(ticket, comments, names)

    def _authenticate(self, header: Mapping[str, str], method: str, path: str) -> int:
        """API-token basic auth: `{email}/token:{token}`. As in Zendesk, the account's token
        acts as whichever agent or admin the e-mail names (the admin's, or an agent's created
        through the users API), and that user is the author of what the request changes. An end
        user (a requester) may only rate their own ticket: the sandbox's stand-in for the rating
        link Zendesk e-mails them. Without it, the session of an open agent page (its cookie, and
        its CSRF token for a write) signs the request in."""
        authorization = header.get("authorization")
        if authorization is None:
            signed_in = self._agent_desk.session_user(header.get("cookie"), method, header.get(CSRF_HEADER))
            if signed_in is not None:
                return signed_in
        if not authorization or not authorization.startswith("Basic "):
            raise unauthorized()
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise unauthorized() from None
        user, _, token = decoded.partition(":")
        email, _, kind = user.rpartition("/")
        if kind.lower() != "token" or not hmac.compare_digest(
            token.encode(), self.settings.api_token.encode()
        ):
            raise unauthorized()
        if hmac.compare_digest(email.lower().encode(), self.settings.email.lower().encode()):
            return self._directory.admin_id
        found = self._directory.find_user_by_email(email)
        if found is None or not found["active"]:
            raise unauthorized()
        # An end user may only do what end users do with the API here: rate their own ticket.
        if found["role"] not in ("agent", "admin") and not path.removesuffix(".json").endswith(
            "/satisfaction_rating"
        ):
            raise unauthorized()
        return int(found["id"])

    def _inject_failure(self) -> None:
        if not self._failures:
            return
        failure = self._failures[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            self._failures.pop(0)
        raise ApiError(failure.status, failure.body, failure.headers)

    def _random_fault(self, header: Mapping[str, str]) -> float:
        """Raise the error a fault plan draws for this request, or return the delay before answering."""
        if self._faults is None or EXEMPT_HEADER in header:
            return 0.0
        drawn = self._faults.draw(self.settings.clock())
        if drawn.status == 429:
            raise too_many_requests(drawn.retry_after or 1, "Injected throttling burst")
        if drawn.status is not None:
            raise ApiError(drawn.status, {"error": "ServerError", "description": "Injected failure"}, {})
        return drawn.delay

    def _match(self, method: str, path: str) -> tuple[_Route, tuple[str, ...]]:
        for route in self._routes:
            if route.method == method:
                found = route.pattern.match(path)
                if found:
                    return route, found.groups()
        raise invalid_endpoint()

    def _admit(self, route: _Route, params: tuple[str, ...], actor_id: int) -> dict[str, str]:
        """Apply the account limit, then Update Ticket's limits; record the request if admitted."""
        account = self._account_window.check()
        if not account.admitted:
            raise too_many_requests(account.retry_after, "Number of allowed API requests per minute exceeded")
        if route.ticket_update:
            per_ticket_key = (params[0], actor_id)
            for window, key, what in (
                (self._update_window, None, "Update Ticket requests per minute"),
                (self._per_ticket_window, per_ticket_key, "updates to this ticket by this user"),
            ):
                verdict = window.check(key)
                if not verdict.admitted:
                    raise too_many_requests(verdict.retry_after, f"Number of allowed {what} exceeded")
            self._update_window.record()
            self._per_ticket_window.record(per_ticket_key)
        self._account_window.record()
        return {"X-Rate-Limit": str(account.limit), "X-Rate-Limit-Remaining": str(account.remaining)}

    # ---- routes -------------------------------------------------------------
    def _build_routes(self) -> list[_Route]:
        d, t, w, s = self._directory, self._tickets, self._webhooks, self._slas

        def ok(body: Json, status: int = 200) -> tuple[int, Json, list[TicketEvent]]:
            return status, body, []

        def listing(c: _Call, key: str, items: list[Json]) -> tuple[int, Json, list[TicketEvent]]:
            return ok(paginated(key, items, c.query, c.list_url))

        def ticket_list(c: _Call) -> tuple[int, Json, list[TicketEvent]]:
            return listing(c, "tickets", t.list_tickets(c.query.get("external_id")))

        def ticket_create(c: _Call) -> tuple[int, Json, list[TicketEvent]]:
            ticket, events = t.create(c.body, c.actor_id, c.client)
            return 201, {"ticket": ticket, "audit": t.last_audit(ticket["id"])}, events

        def ticket_rate(c: _Call) -> tuple[int, Json, list[TicketEvent]]:
            rating, events = t.rate(c.id(), c.body, c.actor_id, c.client)
            return 200, {"satisfaction_rating": rating}, events

        def ticket_update(c: _Call) -> tuple[int, Json, list[TicketEvent]]:
            ticket, events = t.update(c.id(), c.body, c.actor_id, c.client)
            return 200, {"ticket": ticket, "audit": t.last_audit(ticket["id"])}, events

        def user_upsert(c: _Call) -> tuple[int, Json, list[TicketEvent]]:
            status, user = d.create_or_update_user(c.object("user"))
            return ok({"user": user}, status)

        def upload(c: _Call) -> tuple[int, Json, list[TicketEvent]]:
            """POST /api/v2/uploads?filename=…: the file is the body; the token attaches it to a comment."""
            filename = c.query.get("filename")
            if not filename:
                raise missing_parameter("filename")
            return ok({"upload": t.upload(filename, c.content_type, len(c.raw))}, 201)

        a = self._apps

        def app_validate(c: _Call) -> tuple[int, Json, list[TicketEvent]]:
            validate_package(multipart_file(c.raw, c.content_type, "file"))
            return ok({})

        def app_upload(c: _Call) -> tuple[int, Json, list[TicketEvent]]:
            return ok(a.upload(multipart_file(c.raw, c.content_type, "uploaded_data")), 201)

        def webhook_delete(c: _Call) -> tuple[int, Json | None, list[TicketEvent]]:
            w.delete(c.params[0])
            return 204, None, []

        def webhook_patch(c: _Call) -> tuple[int, Json | None, list[TicketEvent]]:
            w.patch(c.params[0], c.body)
            return 204, None, []

        def sla_policy_delete(c: _Call) -> tuple[int, Json | None, list[TicketEvent]]:
            s.delete(c.id())
            return 204, None, []

        table: list[tuple[str, str, Handler]] = [
            ("GET", "/api/v2/tickets", ticket_list),
            ("POST", "/api/v2/tickets", ticket_create),
            ("GET", "/api/v2/tickets/{id}", lambda c: ok({"ticket": t.show(c.id())})),
            (
                "GET",
                "/api/v2/tickets/{id}/comments",
                lambda c: listing(c, "comments", t.list_comments(c.id())),
            ),
            ("GET", "/api/v2/tickets/{id}/audits", lambda c: listing(c, "audits", t.list_audits(c.id()))),
            ("POST", "/api/v2/tickets/{id}/satisfaction_rating", ticket_rate),
            (
                "GET",
                "/api/v2/ticket_fields",
                lambda c: listing(c, "ticket_fields", [d.ticket_field(i) for i in d.ticket_fields]),
            ),
            (
                "POST",
                "/api/v2/ticket_fields",
                lambda c: ok({"ticket_field": d.create_ticket_field(c.object("ticket_field"))}, 201),
            ),
            ("GET", "/api/v2/ticket_fields/{id}", lambda c: ok({"ticket_field": d.ticket_field(c.id())})),
            (
                "PUT",
                "/api/v2/ticket_fields/{id}",
                lambda c: ok({"ticket_field": d.update_ticket_field(c.id(), c.object("ticket_field"))}),
            ),
            ("GET", "/api/v2/users/me", lambda c: ok({"user": d.user(c.actor_id)})),
            ("POST", "/api/v2/users/create_or_update", user_upsert),
            ("POST", "/api/v2/users", lambda c: ok({"user": d.create_user(c.object("user"))}, 201)),
            ("GET", "/api/v2/users/{id}", lambda c: ok({"user": d.user(c.id())})),
            ("GET", "/api/v2/groups", lambda c: listing(c, "groups", [dict(g) for g in d.groups.values()])),
            ("POST", "/api/v2/apps", lambda c: ok(a.create(c.body), 202)),
            ("GET", "/api/v2/apps/job_statuses/{key}", lambda c: ok(a.job(c.params[0]))),
            ("GET", "/api/v2/apps/installations", lambda c: ok({"installations": a.installations()})),
            ("POST", "/api/v2/apps/installations", lambda c: ok(a.install(c.body), 201)),
            ("GET", "/api/v2/macros", lambda c: listing(c, "macros", [dict(m) for m in d.macros.values()])),
            ("POST", "/api/v2/macros", lambda c: ok({"macro": d.create_macro(c.object("macro"))}, 201)),
            ("POST", "/api/v2/groups", lambda c: ok({"group": d.create_group(c.object("group"))}, 201)),
            (
                "GET",
                "/api/v2/business_hours/schedules",
                lambda c: ok({"schedules": [d.schedule(i) for i in d.schedules]}),
            ),
            (
                "POST",
                "/api/v2/business_hours/schedules",
                lambda c: ok({"schedule": d.create_schedule(c.object("schedule"))}, 201),
            ),
            ("GET", "/api/v2/business_hours/schedules/{id}", lambda c: ok({"schedule": d.schedule(c.id())})),
            (
                "PUT",
                "/api/v2/business_hours/schedules/{id}/workweek",
                lambda c: ok({"workweek": d.update_workweek(c.id(), c.object("workweek"))}),
            ),
            (
                "GET",
                "/api/v2/business_hours/schedules/{id}/holidays",
                lambda c: ok({"holidays": d.list_holidays(c.id())}),
            ),
            (
                "POST",
                "/api/v2/business_hours/schedules/{id}/holidays",
                lambda c: ok({"holiday": d.create_holiday(c.id(), c.object("holiday"))}, 201),
            ),
            (
                "GET",
                "/api/v2/webhooks",
                lambda c: ok(paginated("webhooks", w.list_webhooks(), c.query, c.list_url, cursor_only=True)),
            ),
            ("POST", "/api/v2/webhooks", lambda c: ok({"webhook": w.create(c.body)}, 201)),
            ("GET", "/api/v2/webhooks/{key}", lambda c: ok({"webhook": w.show(c.params[0])})),
            ("DELETE", "/api/v2/webhooks/{key}", webhook_delete),
            ("PATCH", "/api/v2/webhooks/{key}", webhook_patch),
            (
                "GET",
                "/api/v2/webhooks/{key}/signing_secret",
                lambda c: ok({"signing_secret": w.signing_secret(c.params[0])}),
            ),
            ("GET", "/api/v2/slas/policies", lambda c: ok(_whole_list("sla_policies", s.list_policies()))),
            (
                "POST",
                "/api/v2/slas/policies",
                lambda c: ok({"sla_policy": s.create(c.object("sla_policy"))}, 201),
            ),
            ("GET", "/api/v2/slas/policies/{id}", lambda c: ok({"sla_policy": s.show(c.id())})),
            (
                "PUT",
                "/api/v2/slas/policies/{id}",
                lambda c: ok({"sla_policy": s.update(c.id(), c.object("sla_policy"))}),
            ),
            ("DELETE", "/api/v2/slas/policies/{id}", sla_policy_delete),
        ]
        routes = [_Route(method, _path(template), handler) for method, template, handler in table]
        routes.append(_Route("PUT", _path("/api/v2/tickets/{id}"), ticket_update, ticket_update=True))
        routes.append(_Route("POST", _path("/api/v2/uploads"), upload, binary_body=True))
        routes.append(_Route("POST", _path("/api/v2/apps/validate"), app_validate, binary_body=True))
        routes.append(_Route("POST", _path("/api/v2/apps/uploads"), app_upload, binary_body=True))
        return routes


def _parse_json(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_json(str(exc)) from None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The standard library listens with a backlog of 5: a burst of deliveries (Zendesk through a
    # tunnel, 60 senders at once) overflowed it and connections were reset. The kernel caps it.
    request_queue_size = 1024
    allow_reuse_address = True
    sandbox: ZendeskSandbox


class _RequestHandler(BaseHTTPRequestHandler):
    """Thin HTTP glue: read the body, ask the sandbox, write JSON back."""

    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; don't stall on delayed ACKs
    server_version = "ZendeskSandbox/1.0"

    def _serve(self) -> None:
        if self.command == "GET" and self.path.startswith("/agent/"):
            self._serve_page()
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        status, body, extra = self.server.sandbox.handle(
            self.command, self.path, dict(self.headers.items()), raw
        )
        payload = b"" if body is None else json.dumps(body).encode("utf-8")
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        # The client may have given up waiting (a timeout): what it asked for has happened all the same.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(payload)

    def _serve_page(self) -> None:
        answer = self.server.sandbox.agent_page(self.path, dict(self.headers.items()))
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("sandbox %s " + format, self.address_string(), *args)


def main(argv: list[str] | None = None) -> None:
    """Run the sandbox in the foreground until interrupted (for manual and local-stack runs)."""
    parser = argparse.ArgumentParser(description="Local Zendesk sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    sandbox = ZendeskSandbox(args.host, args.port)
    url = sandbox.start()
    print(
        f"ZENDESK_URL={url}\nZENDESK_EMAIL={sandbox.email}\nZENDESK_API_TOKEN={sandbox.api_token}", flush=True
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
