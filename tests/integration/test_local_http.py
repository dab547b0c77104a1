"""API Gateway HTTP API (payload 2.0) on loopback, in front of in-process Lambda handlers."""

from __future__ import annotations

import base64
import http.client
import json
import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventV2Model

from functions.webhook import app
from infra.queue import QueuedEvent
from integrations.zendesk.webhook_signature import sign
from local.aws import MotoServer, local_aws_environment, provision_local_stack, start_moto_server
from local.http_api import HttpApiServer

DATA = Path(__file__).resolve().parents[1] / "data"
REGION = "eu-west-1"
SECRET = "local-http-signing-secret"
WEBHOOK = "/zendesk/webhook"


class Recorder:
    """A handler that remembers its events and answers with `response`."""

    def __init__(self, response: Any = None) -> None:
        self.response = response if response is not None else {"statusCode": 200, "body": "ok"}
        self.events: list[dict[str, Any]] = []
        self.contexts: list[Any] = []

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        self.contexts.append(context)
        return self.response


@pytest.fixture
def loopback() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # loopback calls must not go through a proxy from the environment
    return session


def _connection(server: HttpApiServer) -> http.client.HTTPConnection:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    return http.client.HTTPConnection(host, int(port), timeout=10)


def _raw_request(
    server: HttpApiServer, method: str, path: str, headers: list[tuple[str, str]], body: bytes = b""
) -> tuple[int, bytes]:
    """Send exactly these headers (http.client adds none but Host); return the status and body."""
    connection = _connection(server)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders(body or None)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# ---- the request the handler gets ----------------------------------------------------------------


def test_the_handler_gets_the_http_api_v2_event_with_headers_and_body_as_sent() -> None:
    # GIVEN a route, and a request with mixed-case, repeated and cookie headers and a query string
    handler = Recorder()
    body = '{"subject": "订单迟迟不发货",\r\n "n": 1}'.encode()
    with HttpApiServer({("POST", WEBHOOK): handler}) as server:
        status, _ = _raw_request(
            server,
            "POST",
            f"{WEBHOOK}?a=1&a=2&empty=",
            [
                ("X-Zendesk-Webhook-Id", "01HZWEBHOOK"),
                ("X-Repeated", "first"),
                ("X-Repeated", "second"),
                ("Cookie", "session=abc; theme=dark"),
                ("User-Agent", "Zendesk Webhook"),
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(body))),
            ],
            body,
        )
    # THEN the handler answered, and got API Gateway's payload-format-2.0 event
    assert status == 200
    (event,) = handler.events
    APIGatewayProxyEventV2Model.model_validate(event)
    assert (event["version"], event["routeKey"], event["rawPath"], event["rawQueryString"]) == (
        "2.0",
        f"POST {WEBHOOK}",
        WEBHOOK,
        "a=1&a=2&empty=",
    )
    assert event["queryStringParameters"] == {"a": "1,2", "empty": ""}
    # AND header names are lower-cased, repeats comma-joined, cookies moved to `cookies`
    assert event["headers"] == {
        "host": server.url.removeprefix("http://"),
        "x-zendesk-webhook-id": "01HZWEBHOOK",
        "x-repeated": "first,second",
        "user-agent": "Zendesk Webhook",
        "content-type": "application/json; charset=utf-8",
        "content-length": str(len(body)),
    }
    assert event["cookies"] == ["session=abc", "theme=dark"]
    # AND the body is the UTF-8 text, byte for byte
    assert event["isBase64Encoded"] is False
    assert event["body"].encode("utf-8") == body
    http_context = event["requestContext"]["http"]
    assert http_context == {
        "method": "POST",
        "path": WEBHOOK,
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "Zendesk Webhook",
    }
    assert event["requestContext"]["routeKey"] == f"POST {WEBHOOK}"
    assert abs(event["requestContext"]["timeEpoch"] / 1000 - datetime.now(UTC).timestamp()) < 60


def test_a_body_that_is_not_utf8_arrives_base64_encoded(loopback: requests.Session) -> None:
    # GIVEN bytes that are not UTF-8
    body = b"\xff\xfe\x00binary\x80"
    handler = Recorder()
    with HttpApiServer({("POST", "/upload"): handler}) as server:
        # WHEN posted
        assert loopback.post(f"{server.url}/upload", data=body).status_code == 200
    # THEN the handler gets them base64-encoded, flagged so
    (event,) = handler.events
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body


def test_each_request_gets_its_own_request_id_and_context(loopback: requests.Session) -> None:
    # GIVEN two requests on one keep-alive connection
    handler = Recorder()
    with HttpApiServer({("GET", "/ping"): handler}) as server:
        assert [loopback.get(f"{server.url}/ping").status_code for _ in range(2)] == [200, 200]
    # THEN each event and context has its own id, and a GET without a body has none
    first, second = handler.events
    assert first["requestContext"]["requestId"] != second["requestContext"]["requestId"]
    assert handler.contexts[0].aws_request_id != handler.contexts[1].aws_request_id
    assert "body" not in first
    assert handler.contexts[0].get_remaining_time_in_millis() > 0


# ---- the response the client gets ----------------------------------------------------------------


def test_the_handlers_response_is_written_back(loopback: requests.Session) -> None:
    # GIVEN a handler answering binary content, base64-encoded, with headers and cookies
    payload = b"\x89PNG\r\n\x1a\x00"
    handler = Recorder(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "image/png", "X-Trace": "t-1"},
            "cookies": ["a=1; Path=/", "b=2"],
            "body": base64.b64encode(payload).decode(),
            "isBase64Encoded": True,
        }
    )
    with HttpApiServer({("GET", "/image"): handler}) as server:
        response = loopback.get(f"{server.url}/image")
    # THEN the client gets that status, those headers and the decoded bytes
    assert response.status_code == 201
    assert (response.headers["Content-Type"], response.headers["X-Trace"]) == ("image/png", "t-1")
    assert response.raw.headers.get_all("Set-Cookie") == ["a=1; Path=/", "b=2"]
    assert response.content == payload


def test_an_answer_without_status_code_is_a_200_json_body(loopback: requests.Session) -> None:
    # GIVEN a handler returning a plain object, as HTTP API allows for payload 2.0
    with HttpApiServer({("GET", "/plain"): Recorder({"ok": True})}) as server:
        response = loopback.get(f"{server.url}/plain")
    assert (response.status_code, response.json()) == (200, {"ok": True})
    assert response.headers["Content-Type"] == "application/json"


def test_an_unknown_route_is_404(loopback: requests.Session) -> None:
    handler = Recorder()
    with HttpApiServer({("POST", WEBHOOK): handler}) as server:
        # WHEN another path, or another method on the route's path, is requested
        other_path = loopback.post(f"{server.url}/elsewhere", data=b"{}")
        other_method = loopback.get(f"{server.url}{WEBHOOK}")
    # THEN 404 JSON, and the handler is not called
    assert (other_path.status_code, other_path.json()) == (404, {"message": "Not Found"})
    assert (other_method.status_code, other_method.json()) == (404, {"message": "Not Found"})
    assert handler.events == []


def test_a_crashing_handler_is_500_and_logged(
    loopback: requests.Session, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a handler that raises
    def crashes(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    with (
        caplog.at_level(logging.ERROR, logger="local.http_api"),
        HttpApiServer({("POST", "/x"): crashes}) as server,
    ):
        response = loopback.post(f"{server.url}/x", data=b"{}")
    # THEN the client gets a generic 500, and the log has the exception
    assert (response.status_code, response.json()) == (500, {"message": "internal error"})
    (record,) = [r for r in caplog.records if r.name == "local.http_api"]
    assert record.exc_info is not None and "boom" in str(record.exc_info[1])


# ---- request framing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ([], 411),
        ([("Transfer-Encoding", "chunked")], 411),
        ([("Content-Length", "abc")], 400),
        ([("Content-Length", "-1")], 400),
        ([("Content-Length", "2"), ("Content-Length", "3")], 400),
        ([("Content-Length", "11")], 413),
    ],
    ids=["missing", "chunked", "not-a-number", "negative", "conflicting", "over-the-limit"],
)
def test_a_post_without_a_usable_content_length_is_refused(
    headers: list[tuple[str, str]], status: int
) -> None:
    # GIVEN a server taking at most 10 bytes, and a POST framed this way
    handler = Recorder()
    with HttpApiServer({("POST", "/x"): handler}, max_body_bytes=10) as server:
        # WHEN sent THEN it is refused with `status`, saying why, and the handler is never called
        got_status, body = _raw_request(server, "POST", "/x", headers)
    assert got_status == status
    assert json.loads(body)["message"]
    assert handler.events == []


# ---- the webhook Lambda behind it, on the moto server --------------------------------------------


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    with start_moto_server() as server:
        yield server


@pytest.fixture
def webhook_environment(moto: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The webhook Lambda's environment pointing at a fresh local stack; yields an SQS client."""
    stack = provision_local_stack(moto.endpoint_url, REGION, prefix=f"t{uuid.uuid4().hex[:10]}")
    for name, value in local_aws_environment(stack).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WEBHOOK_SIGNING_SECRET", SECRET)
    for name in ("AWS_PROFILE", "SIGNING_SECRET_NAME", "MAX_BODY_BYTES", "TIMESTAMP_WINDOW_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    app.settings.cache_clear()
    app.queue.cache_clear()
    yield boto3.client("sqs", endpoint_url=moto.endpoint_url, region_name=REGION), stack.queue_url
    app.settings.cache_clear()
    app.queue.cache_clear()


def _signed(body: bytes, *, secret: str = SECRET) -> dict[str, str]:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-Zendesk-Webhook-Id": "01HZWEBHOOK00000000000000",
        "X-Zendesk-Webhook-Invocation-Id": "01HZINVOCATION000000000001",
        "X-Zendesk-Webhook-Signature": sign(secret, stamp, body),
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
    }


def test_a_signed_webhook_verifies_through_the_server_and_is_queued(
    webhook_environment: Any, loopback: requests.Session
) -> None:
    sqs, queue_url = webhook_environment
    # GIVEN the webhook Lambda behind the server, and a Zendesk delivery signed over its raw bytes
    raw = (DATA / "webhook_ticket_created.json").read_bytes()
    with HttpApiServer({("POST", WEBHOOK): app.lambda_handler}) as server:
        # WHEN it is delivered, and a copy signed with another secret too
        accepted = loopback.post(f"{server.url}{WEBHOOK}", data=raw, headers=_signed(raw))
        forged = loopback.post(f"{server.url}{WEBHOOK}", data=raw, headers=_signed(raw, secret="not-it"))
    # THEN the genuine one verifies and is queued byte for byte; the forged one is refused
    assert (accepted.status_code, forged.status_code) == (202, 401)
    (message,) = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert QueuedEvent.from_message_body(message["Body"]).raw_bytes() == raw


def test_a_burst_of_simultaneous_senders_loses_no_delivery() -> None:
    # GIVEN the local HTTP API and many senders that each open a fresh connection at the same moment
    # (a real Zendesk pointed at `triage local` through a tunnel delivers in bursts like this)
    import threading

    senders, rounds = 128, 4
    handler = Recorder()
    barrier = threading.Barrier(senders)
    failures: list[str] = []

    def send(server: HttpApiServer) -> None:
        barrier.wait()
        for _ in range(rounds):
            try:
                status, _ = _raw_request(server, "POST", "/burst", [("Content-Length", "2")], b"{}")
                if status != 200:
                    failures.append(str(status))
            except OSError as exc:
                failures.append(repr(exc))

    with HttpApiServer({("POST", "/burst"): handler}) as server:
        threads = [threading.Thread(target=send, args=(server,)) for _ in range(senders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    # THEN every request was answered 200 and reached the handler: none reset, none refused
    assert failures == []
    assert len(handler.events) == senders * rounds
