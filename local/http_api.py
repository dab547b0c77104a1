"""A loopback HTTP server standing in for API Gateway HTTP API (payload format 2.0) in front of Lambdas.

Each request becomes the event API Gateway would send (header names lower-cased, duplicates joined
with commas, cookies in `cookies`, the body as text or base64), the route's handler is called
in-process, and its response (statusCode, headers, cookies, body, isBase64Encoded) is written back.
The body bytes reach the handler unchanged, so a signature over the raw body still verifies.

    unknown route                        404 {"message": "Not Found"}
    handler raised or answered nonsense  500 {"message": "internal error"} (the exception is logged)
    no Content-Length on a body method   411; chunked bodies too (API Gateway would take them)
    unreadable Content-Length            400
    body over max_body_bytes             413 (HTTP API's payload limit is 10 MB)
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import socket
import threading
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from local.runners import ACCOUNT_ID, DEFAULT_TIMEOUT_SECONDS, LambdaHandler, lambda_context

logger = logging.getLogger(__name__)

HTTP_API_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
API_ID = "local"
# Framing headers are ours to write: a handler's own would contradict the body we send.
_FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})
_DIGITS = re.compile(r"[0-9]+")


class _BadRequest(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class HttpApiServer:
    """Serves `routes` ({(method, path): handler}) on host:port (0 = a free port) from a thread."""

    def __init__(
        self,
        routes: Mapping[tuple[str, str], LambdaHandler],
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        region: str = "eu-west-1",
        max_body_bytes: int = HTTP_API_MAX_PAYLOAD_BYTES,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.routes = {(method.upper(), path): handler for (method, path), handler in routes.items()}
        self.region = region
        self.max_body_bytes = max_body_bytes
        self.timeout_seconds = timeout_seconds
        self._server = _Server(self, host, port)
        bound_host, bound_port = self._server.server_address[:2]
        self.url = f"http://{f'[{bound_host}]' if ':' in str(bound_host) else bound_host}:{bound_port}"
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Serve from a daemon thread; return the base URL."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"http-api:{self.url}",
                daemon=True,
            )
            self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()  # only returns once serve_forever has, so only when it runs
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> HttpApiServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The standard library listens with a backlog of 5: a burst of deliveries (Zendesk through a
    # tunnel, 60 senders at once) overflowed it and connections were reset. The kernel caps it.
    request_queue_size = 1024

    def __init__(self, api: HttpApiServer, host: str, port: int) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.api = api
        super().__init__((host, port), _RequestHandler)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Zendesk and requests expect; every answer has a length
    timeout = 30  # a client that stops sending mid-body does not hold a thread for ever
    server: _Server

    def _handle(self) -> None:
        api = self.server.api
        url = urlsplit(self.path)
        try:
            body = self._read_body(api.max_body_bytes)
        except _BadRequest as exc:
            self.close_connection = True  # the unread body would be taken for the next request
            self._send_json(exc.status, {"message": exc.message})
            return
        found = match_route(api.routes, self.command, url.path)
        if found is None:
            self._send_json(HTTPStatus.NOT_FOUND, {"message": "Not Found"})
            return
        handler, route_key, path_parameters = found
        event = http_api_event(
            method=self.command,
            raw_path=url.path,
            raw_query_string=url.query,
            headers=self.headers.items(),
            body=body,
            route_key=route_key,
            source_ip=str(self.client_address[0]),
            protocol=self.request_version,
            path_parameters=path_parameters,
        )
        context = lambda_context(
            _function_name(handler), region=api.region, timeout_seconds=api.timeout_seconds
        )
        try:
            status, headers, payload = http_response(handler(event, context))
        except Exception:
            logger.exception("the handler for %s failed", route_key)
            self._send_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"message": "internal error"})
            return
        self._send(status, headers, payload)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _handle

    def _read_body(self, max_body_bytes: int) -> bytes:
        if self.headers.get("Transfer-Encoding") is not None:
            raise _BadRequest(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length, not chunked")
        lengths = {value.strip() for value in self.headers.get_all("Content-Length") or []}
        if not lengths:
            if self.command in BODY_METHODS:
                raise _BadRequest(HTTPStatus.LENGTH_REQUIRED, "Content-Length is required")
            return b""
        length_text = lengths.pop() if len(lengths) == 1 else ""  # disagreeing copies are bad too
        if not _DIGITS.fullmatch(length_text):
            raise _BadRequest(HTTPStatus.BAD_REQUEST, "Content-Length is not a byte count")
        length = int(length_text)
        if length > max_body_bytes:
            raise _BadRequest(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body is {length} bytes; the limit is {max_body_bytes}"
            )
        body = self.rfile.read(length)
        if len(body) < length:
            raise _BadRequest(HTTPStatus.BAD_REQUEST, "the body ended before Content-Length bytes")
        return body

    def _send_json(self, status: int, body: Mapping[str, Any]) -> None:
        self._send(status, [("Content-Type", "application/json")], json.dumps(body).encode("utf-8"))

    def _send(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)


def match_route(
    routes: dict[tuple[str, str], Any], method: str, path: str
) -> tuple[Any, str, dict[str, str]] | None:
    """The handler for a request, its route key and path parameters; routes may hold `{name}`
    segments, as HTTP API routes do (`POST /social/{source}`). An exact route wins."""
    exact = routes.get((method, path))
    if exact is not None:
        return exact, f"{method} {path}", {}
    parts = path.split("/")
    for (route_method, template), handler in routes.items():
        pattern = template.split("/")
        if route_method != method or len(pattern) != len(parts):
            continue
        params = {}
        for want, got in zip(pattern, parts, strict=True):
            if want.startswith("{") and want.endswith("}") and got:
                params[want[1:-1]] = got
            elif want != got:
                break
        else:
            return handler, f"{method} {template}", params
    return None


def http_api_event(
    *,
    method: str,
    raw_path: str,
    raw_query_string: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    route_key: str,
    source_ip: str,
    protocol: str = "HTTP/1.1",
    path_parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The API Gateway HTTP API payload-format-2.0 event for one request."""
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        lower = name.lower()
        if lower == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        joined[lower] = f"{joined[lower]},{value}" if lower in joined else value
    now = datetime.now(UTC)
    domain_name = urlsplit(f"//{joined.get('host', '')}").hostname or "localhost"
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query_string,
        "headers": joined,
        **({"pathParameters": path_parameters} if path_parameters else {}),
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": domain_name,
            "domainPrefix": domain_name.split(".")[0],
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": protocol,
                "sourceIp": source_ip,
                "userAgent": joined.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    query: dict[str, str] = {}
    for name, value in parse_qsl(raw_query_string, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    if query:
        event["queryStringParameters"] = query
    if body:
        try:
            event["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def http_response(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body bytes from a handler's payload-format-2.0 response."""
    if not (isinstance(result, Mapping) and "statusCode" in result):
        # HTTP API reads any other answer as a 200 whose JSON body is that answer.
        return HTTPStatus.OK, [("Content-Type", "application/json")], json.dumps(result).encode("utf-8")
    status = int(result["statusCode"])
    headers = [
        (str(name), str(value))
        for name, value in (result.get("headers") or {}).items()
        if str(name).lower() not in _FRAMING_HEADERS
    ]
    headers += [("Set-Cookie", str(cookie)) for cookie in result.get("cookies") or []]
    body = result.get("body") or ""
    if not isinstance(body, str):
        raise TypeError(f"response body must be a string, not {type(body).__name__}")
    if not result.get("isBase64Encoded"):
        return status, headers, body.encode("utf-8")
    try:
        return status, headers, base64.b64decode(body, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"response isBase64Encoded but its body is not base64: {exc}") from None


def _function_name(handler: LambdaHandler) -> str:
    """A Lambda-style name for the context, from the handler's module (functions.webhook.app → webhook)."""
    module = str(getattr(handler, "__module__", "") or "handler")
    parts = [part for part in module.split(".") if part not in {"functions", "app"}]
    return "-".join(parts) or "handler"
