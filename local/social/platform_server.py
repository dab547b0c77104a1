"""The sandbox social platforms over HTTP, so the outreach can run (and be killed) in a process of
its own while the platforms, and what they delivered to whom, live on in this one.

    POST /{platform}/mentions  {"cursor", "limit"}          → a MentionsPage
    POST /{platform}/routes    {"post", "now"}              → {"routes": [...]}
    POST /{platform}/send      {"post", "route", "text"}    → a Delivery | 403 route closed | 404 post gone
    POST /{platform}/sent      {"post", "route", "since"}   → {"delivery": Delivery | null}

Faults (`SocialFaultPlan`) are what platforms do under load: a share of requests refused with 503
before anything happens, a share of sends whose answer is lost after the message went out (502),
and bursts of 429 with Retry-After. `local/social/http_platform.py` is the connector that talks to it.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from integrations.social.errors import PostGone, RouteClosed, SocialRateLimited, SocialUnavailable
from integrations.social.models import SocialPost
from local.social.sandbox import SandboxPlatform


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024  # many workers at once: the default 5 drops connections
    daemon_threads = True


@dataclass(frozen=True)
class SocialFaultPlan:
    error_rate: float = 0.0  # 503 before anything happens
    lost_answer_rate: float = 0.0  # a send goes out, then the answer is a 502
    throttle_every_seconds: float = 0.0  # a burst of 429s this often (0: never)
    throttle_seconds: float = 0.0
    retry_after_seconds: int = 2
    seed: int = 0


class SocialPlatformServer:
    """Serves `platforms` on 127.0.0.1 until `stop`; counts the faults it served."""

    def __init__(self, platforms: dict[str, SandboxPlatform], faults: SocialFaultPlan | None = None) -> None:
        self.platforms = platforms
        self._faults = faults or SocialFaultPlan()
        self._rng = random.Random(self._faults.seed)
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self.fault_counts: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        handler = type("Handler", (_PlatformHandler,), {"server_state": self})
        self._http = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def start(self) -> SocialPlatformServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def inject_faults(self, faults: SocialFaultPlan | None) -> None:
        with self._lock:
            self._faults = faults or SocialFaultPlan()
            self._rng = random.Random(self._faults.seed)

    @property
    def retry_after_seconds(self) -> int:
        return self._faults.retry_after_seconds

    def fault_for(self, action: str) -> str | None:
        """The fault this request meets, if any: throttled, unavailable or lost_answer (sends only)."""
        with self._lock:
            self.requests[action] += 1
            plan = self._faults
            if plan.throttle_every_seconds > 0:
                into = (time.monotonic() - self._started) % plan.throttle_every_seconds
                if into < plan.throttle_seconds:
                    self.fault_counts["throttled"] += 1
                    return "throttled"
            draw = self._rng.random()
            if draw < plan.error_rate:
                self.fault_counts["unavailable"] += 1
                return "unavailable"
            if action == "send" and draw < plan.error_rate + plan.lost_answer_rate:
                self.fault_counts["lost_answer"] += 1
                return "lost_answer"
            return None


class _PlatformHandler(BaseHTTPRequestHandler):
    server_state: SocialPlatformServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        parts = self.path.strip("/").split("/")
        state = self.server_state
        if len(parts) != 2 or parts[0] not in state.platforms:
            self._answer(404, {"error": f"no such platform or action: {self.path}"})
            return
        platform, action = state.platforms[parts[0]], parts[1]
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        except ValueError as exc:
            self._answer(400, {"error": f"body is not JSON: {exc}"})
            return
        fault = state.fault_for(action)
        if fault == "throttled":
            retry = str(state.retry_after_seconds)
            self._answer(429, {"error": "rate limited"}, {"Retry-After": retry})
            return
        if fault == "unavailable":
            self._answer(503, {"error": "over capacity"})
            return
        try:
            status, answer = _act(platform, action, body)
        except (KeyError, ValueError) as exc:
            self._answer(400, {"error": f"bad request: {exc}"})
            return
        if fault == "lost_answer" and status == 200:
            self._answer(502, {"error": "bad gateway"})  # the message went out; its answer did not
            return
        self._answer(status, answer)

    def _answer(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _act(platform: SandboxPlatform, action: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if action == "mentions":
        page = platform.mentions(body.get("cursor"), limit=int(body["limit"]))
        return 200, page.model_dump(mode="json")
    post = SocialPost.model_validate(body["post"])
    if action == "routes":
        routes = platform.allowed_routes(post, datetime.fromisoformat(body["now"]))
        return 200, {"routes": sorted(routes)}
    if action == "sent":
        found = platform.sent_since(post, body["route"], datetime.fromisoformat(body["since"]))
        return 200, {"delivery": None if found is None else found.model_dump(mode="json")}
    if action == "send":
        try:
            delivery = platform.send(post, body["route"], body["text"])
        except RouteClosed as exc:
            return 403, {"error": str(exc), "route": exc.route}
        except PostGone as exc:
            return 404, {"error": str(exc)}
        except SocialRateLimited as exc:
            return 429, {"error": str(exc), "retry_after": exc.retry_after}
        except SocialUnavailable as exc:
            return exc.status or 503, {"error": str(exc)}
        return 200, delivery.model_dump(mode="json")
    raise ValueError(f"unknown action {action!r}")
