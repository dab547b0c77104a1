"""Local stand-ins for the chat platforms' incoming bots, on loopback, checking what the notifier
sends as each platform documents it:

- DingTalk custom robot `POST /robot/send?access_token=…&timestamp=…&sign=…`: the token must be a
  robot's; with a secret, `sign` must be its HMAC of the timestamp and the timestamp within an hour
  (else errcode 310000); `msgtype` text, markdown, actionCard, link or feedCard with its fields
  (else 40035); at most 20 messages a minute (else 130101, "send too fast").
- Feishu/Lark custom bot `POST /open-apis/bot/v2/hook/<id>`: the body's `sign` must match its
  `timestamp` within an hour (else code 19021); `msg_type` text, post, image, share_chat or
  interactive with its content (else 9499); at most 20 KB; 100 a minute (else 11232).
- WeCom group robot `POST /cgi-bin/webhook/send?key=…`: an unknown key is errcode 93000;
  `msgtype` text or markdown with `content` (else 40008); 20 a minute (else 45009).
- Slack incoming webhook `POST /services/<T>/<B>/<X>`: unknown path 404 `no_service`; no `text` and
  no `blocks` 400 `invalid_payload`; more than one a second 429 with Retry-After.

Accepted messages are kept per bot (`messages`), so tests and the demo can show what arrived.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from integrations.chat.signing import dingtalk_sign, feishu_sign

Json = dict[str, Any]
_HOUR = 3600


@dataclass
class Bot:
    platform: str
    secret: str | None = None
    per_minute: int = 20
    sent: deque[float] = field(default_factory=deque)


class ChatSandbox:
    """start() → base URL; `add_*` a bot → its webhook URL; `messages[name]` what it accepted."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._bots: dict[str, Bot] = {}  # the credential in the URL → bot
        self._names: dict[str, str] = {}
        self.messages: dict[str, list[Json]] = defaultdict(list)
        self._server: ThreadingHTTPServer | None = None
        self._no_spacing = False
        self.url = ""

    # ---- bots ----------------------------------------------------------------
    def add_dingtalk(self, name: str, secret: str | None = None) -> str:
        return self._add(name, "dingtalk", secret, 20, "/robot/send?access_token={key}")

    def add_feishu(self, name: str, secret: str | None = None) -> str:
        return self._add(name, "feishu", secret, 100, "/open-apis/bot/v2/hook/{key}")

    def add_wecom(self, name: str) -> str:
        return self._add(name, "wecom", None, 20, "/cgi-bin/webhook/send?key={key}")

    def add_slack(self, name: str) -> str:
        return self._add(name, "slack", None, 60, "/services/T000/B000/{key}")

    def _add(self, name: str, platform: str, secret: str | None, per_minute: int, template: str) -> str:
        key = f"{platform}{len(self._bots)}x{abs(hash(name)) % 10**8}"
        self._bots[key] = Bot(platform, secret, per_minute)
        self._names[key] = name
        return self.url + template.format(key=key)

    def bots_for(self, channels: Iterable[Any], secret: str) -> dict[str, Json]:
        """A bot for each channel of channels.yaml (DingTalk and Feishu ones signing with `secret`),
        as the chat secret's `channels` entry: {name: {"webhook_url", "secret"?}}."""
        hooks: dict[str, Json] = {}
        for channel in channels:
            signed = channel.platform in ("dingtalk", "feishu")
            add = getattr(self, f"add_{channel.platform}")
            url = add(channel.name, secret) if signed else add(channel.name)
            hooks[channel.name] = {"webhook_url": url, **({"secret": secret} if signed else {})}
        return hooks

    def lift_rate_limits(self) -> None:
        """For benchmarks: measure the sender, not the platforms' per-minute limits."""
        for bot in self._bots.values():
            bot.per_minute = 10**9
        self._no_spacing = True

    # ---- answering -------------------------------------------------------------
    def answer(self, path: str, raw: bytes) -> tuple[int, str, dict[str, str]]:
        url = urllib.parse.urlsplit(path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        with self._lock:
            if url.path == "/robot/send":
                return self._dingtalk(query, body)
            if url.path.startswith("/open-apis/bot/v2/hook/"):
                return self._feishu(url.path.rsplit("/", 1)[-1], body, len(raw))
            if url.path == "/cgi-bin/webhook/send":
                return self._wecom(query, body)
            if url.path.startswith("/services/"):
                return self._slack(url.path.rsplit("/", 1)[-1], body)
        return 404, "not found", {}

    def _limited(self, bot: Bot, window: float = 60.0) -> bool:
        now = self._clock()
        while bot.sent and now - bot.sent[0] > window:
            bot.sent.popleft()
        return len(bot.sent) >= bot.per_minute

    def _accept(self, key: str, bot: Bot, body: Json) -> None:
        bot.sent.append(self._clock())
        self.messages[self._names[key]].append(body)

    def _dingtalk(self, query: dict[str, str], body: Any) -> tuple[int, str, dict[str, str]]:
        key = query.get("access_token", "")
        bot = self._bots.get(key)
        if bot is None or bot.platform != "dingtalk":
            return _json({"errcode": 300001, "errmsg": "token is not exist"})
        if bot.secret is not None:
            stamp = query.get("timestamp", "")
            fresh = stamp.isdigit() and abs(self._clock() * 1000 - int(stamp)) <= _HOUR * 1000
            if not fresh or not hmac.compare_digest(
                query.get("sign", ""), dingtalk_sign(bot.secret, int(stamp or 0))
            ):
                return _json({"errcode": 310000, "errmsg": "sign not match"})
        if not _dingtalk_valid(body):
            return _json({"errcode": 40035, "errmsg": "缺少参数 json"})
        if self._limited(bot):
            return _json({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
        self._accept(key, bot, body)
        return _json({"errcode": 0, "errmsg": "ok"})

    def _feishu(self, key: str, body: Any, size: int) -> tuple[int, str, dict[str, str]]:
        bot = self._bots.get(key)
        if bot is None or bot.platform != "feishu":
            return _json({"code": 19001, "msg": "param invalid: incoming webhook access token invalid"})
        if not isinstance(body, dict) or size > 20 * 1024:
            return _json({"code": 9499, "msg": "Bad Request"})
        if bot.secret is not None:
            stamp = str(body.get("timestamp", ""))
            fresh = stamp.isdigit() and abs(self._clock() - int(stamp)) <= _HOUR
            if not fresh or not hmac.compare_digest(
                str(body.get("sign", "")), feishu_sign(bot.secret, int(stamp or 0))
            ):
                return _json(
                    {
                        "code": 19021,
                        "msg": "sign match fail or timestamp is not within one hour from current time",
                    }
                )
        if not _feishu_valid(body):
            return _json({"code": 9499, "msg": "Bad Request"})
        if self._limited(bot):
            return _json({"code": 11232, "msg": "frequency limited psm"})
        self._accept(key, bot, body)
        return _json({"code": 0, "msg": "success", "data": {}})

    def _wecom(self, query: dict[str, str], body: Any) -> tuple[int, str, dict[str, str]]:
        key = query.get("key", "")
        bot = self._bots.get(key)
        if bot is None or bot.platform != "wecom":
            return _json({"errcode": 93000, "errmsg": "invalid webhook url"})
        kind = body.get("msgtype") if isinstance(body, dict) else None
        content = (body.get(kind) or {}).get("content") if kind in ("text", "markdown") else None
        if not isinstance(content, str) or not content or len(content.encode()) > 4096:
            return _json({"errcode": 40008, "errmsg": "invalid message type"})
        if self._limited(bot):
            return _json({"errcode": 45009, "errmsg": "api freq out of limit"})
        self._accept(key, bot, body)
        return _json({"errcode": 0, "errmsg": "ok"})

    def _slack(self, key: str, body: Any) -> tuple[int, str, dict[str, str]]:
        bot = self._bots.get(key)
        if bot is None or bot.platform != "slack":
            return 404, "no_service", {}
        if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
            return 400, "invalid_payload", {}
        if not self._no_spacing and bot.sent and self._clock() - bot.sent[-1] < 1.0:
            return 429, "rate_limited", {"Retry-After": "1"}
        self._accept(key, bot, body)
        return 200, "ok", {}

    # ---- serving ---------------------------------------------------------------
    def start(self) -> str:
        sandbox = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                status, text, headers = sandbox.answer(self.path, self.rfile.read(length))
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if text.startswith("{") else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> ChatSandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _json(body: Json) -> tuple[int, str, dict[str, str]]:
    return 200, json.dumps(body, ensure_ascii=False), {}


def _dingtalk_valid(body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    kind = body.get("msgtype")
    inner = body.get(kind) if isinstance(kind, str) else None
    if not isinstance(inner, dict):
        return False
    required = {
        "text": ("content",),
        "markdown": ("title", "text"),
        "actionCard": ("title", "text"),
        "link": ("title", "text", "messageUrl"),
        "feedCard": ("links",),
    }.get(kind)
    if required is None or not all(inner.get(name) for name in required):
        return False
    if kind == "actionCard":
        buttons = inner.get("btns")
        single = inner.get("singleTitle") and inner.get("singleURL")
        return bool(single) or (
            isinstance(buttons, list)
            and all(b.get("title") and b.get("actionURL") for b in buttons)
            and bool(buttons)
        )
    return True


def _feishu_valid(body: Json) -> bool:
    kind = body.get("msg_type")
    if kind == "interactive":
        card = body.get("card")
        return isinstance(card, dict) and bool(card.get("elements") or card.get("body"))
    if kind in ("text", "post", "image", "share_chat"):
        return isinstance(body.get("content"), dict)
    return False
