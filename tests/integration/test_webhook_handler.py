"""The webhook intake Lambda end to end on moto: HTTP API v2 event in, SQS FIFO message out."""

from __future__ import annotations

import base64
import io
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from aws_lambda_powertools.utilities import parameters

from functions.webhook import app
from infra.queue import QueuedEvent, deduplication_id
from integrations.zendesk.client import ZendeskClient
from integrations.zendesk.webhook_signature import sign
from local.runners import lambda_context
from local.zendesk.sandbox import ZendeskSandbox

DATA = Path(__file__).resolve().parents[1] / "data"
REGION = "eu-west-1"
SECRET = "HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA="
CREATED = (DATA / "webhook_ticket_created.json").read_bytes()
CREATED_ID = "5b1f4a2e-0c3d-4e6f-8a9b-1c2d3e4f5a6b"


@dataclass
class Queue:
    sqs: Any
    url: str

    def messages(self) -> list[dict[str, Any]]:
        """Everything on the queue now (FIFO: one group returns its messages in order)."""
        got = self.sqs.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=10,
            MessageSystemAttributeNames=["All"],
            VisibilityTimeout=0,
        )
        return got.get("Messages", [])


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch, mocked_aws: None) -> Iterator[Queue]:
    monkeypatch.setenv("WEBHOOK_SIGNING_SECRET", SECRET)
    for name in ("SIGNING_SECRET_NAME", "MAX_BODY_BYTES", "TIMESTAMP_WINDOW_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="ticket-events.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    monkeypatch.setenv("QUEUE_URL", url)
    _reset_cold_start()
    yield Queue(sqs, url)
    _reset_cold_start()


def _reset_cold_start() -> None:
    """Each test is a fresh execution environment: settings, SQS client and secret cache rebuilt."""
    app.settings.cache_clear()
    app.queue.cache_clear()
    parameters.clear_caches()


def _now_stamp(offset: timedelta = timedelta(0)) -> str:
    return (datetime.now(UTC) + offset).strftime("%Y-%m-%dT%H:%M:%SZ")


def _signed_headers(body: bytes, *, secret: str = SECRET, stamp: str | None = None) -> dict[str, str]:
    """Headers as Zendesk sends them (its capitalisation), signed as Zendesk signs them."""
    stamp = stamp or _now_stamp()
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Zendesk Webhook",
        "X-Zendesk-Webhook-Id": "01HZWEBHOOK00000000000000",
        "X-Zendesk-Webhook-Invocation-Id": "01HZINVOCATION000000000001",
        "X-Zendesk-Webhook-Signature": sign(secret, stamp, body),
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
    }


def _http_event(body: bytes, headers: dict[str, str], *, as_base64: bool = False, lower: bool = True) -> dict:
    """An API Gateway HTTP API (payload 2.0) event; HTTP API lower-cases header names."""
    return {
        "version": "2.0",
        "routeKey": "POST /zendesk/webhook",
        "rawPath": "/zendesk/webhook",
        "rawQueryString": "",
        "headers": {(k.lower() if lower else k): v for k, v in headers.items()},
        "requestContext": {"http": {"method": "POST", "path": "/zendesk/webhook"}, "stage": "$default"},
        "body": base64.b64encode(body).decode() if as_base64 else body.decode("utf-8"),
        "isBase64Encoded": as_base64,
    }


def _invoke(event: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    response = app.lambda_handler(event, lambda_context("webhook", region=REGION))
    return response["statusCode"], json.loads(response["body"]), response["headers"]


# ---- accepted -------------------------------------------------------------------------------------


def test_signed_event_is_queued_once_with_ticket_group_and_event_dedup(queue: Queue) -> None:
    # GIVEN a ticket.created delivery signed with the webhook's secret
    # WHEN the Lambda handles it
    status, body, _ = _invoke(_http_event(CREATED, _signed_headers(CREATED)))
    # THEN it answers 202 with the event id
    assert (status, body) == (202, {"accepted": CREATED_ID})
    # AND exactly one message is queued: group = ticket id, dedup = hash of the event id
    (message,) = queue.messages()
    assert message["Attributes"]["MessageGroupId"] == "35436"
    assert message["Attributes"]["MessageDeduplicationId"] == deduplication_id(CREATED_ID)
    queued = QueuedEvent.from_message_body(message["Body"])
    assert queued.event["event_type"] == "created"
    assert queued.event["ticket_id"] == 35436
    assert queued.raw_bytes() == CREATED


def test_an_internal_note_event_is_acknowledged_but_not_queued(queue: Queue) -> None:
    # GIVEN a signed comment_added event for a private comment (an internal note, e.g. the plugin's own)
    raw = (DATA / "webhook_ticket_comment_added.json").read_text(encoding="utf-8")
    note = raw.replace(
        '"id": "50000000042",\n      "is_public": true', '"id": "50000000042",\n      "is_public": false'
    )
    assert note != raw
    body = note.encode("utf-8")
    # WHEN handled
    status, answer, _ = _invoke(_http_event(body, _signed_headers(body)))
    # THEN it is acknowledged as ignored and nothing is queued
    assert status == 200 and answer["reason"] == "internal note"
    assert queue.messages() == []


def test_duplicate_delivery_is_still_one_message(queue: Queue) -> None:
    # GIVEN the same event delivered twice (Zendesk retries re-sign with a fresh timestamp)
    first = _invoke(_http_event(CREATED, _signed_headers(CREATED)))
    second = _invoke(_http_event(CREATED, _signed_headers(CREATED, stamp=_now_stamp(timedelta(seconds=-30)))))
    # THEN both are acknowledged, and FIFO dedup keeps one message
    assert first[0] == second[0] == 202
    assert len(queue.messages()) == 1


def test_base64_body_with_zendesk_header_case_is_accepted(queue: Queue) -> None:
    # GIVEN a delivery whose body API Gateway passed base64-encoded, headers in Zendesk's own case
    event = _http_event(CREATED, _signed_headers(CREATED), as_base64=True, lower=False)
    # WHEN handled THEN the decoded bytes verify and the event is queued
    status, body, _ = _invoke(event)
    assert (status, body) == (202, {"accepted": CREATED_ID})
    assert QueuedEvent.from_message_body(queue.messages()[0]["Body"]).raw_bytes() == CREATED


def test_trigger_delivery_is_queued_under_its_invocation_id(queue: Queue) -> None:
    # GIVEN our trigger body, rendered by Zendesk, with the delivery's invocation id
    raw = (DATA / "webhook_trigger_ticket_updated.json").read_bytes()
    headers = _signed_headers(raw)
    # WHEN handled
    status, body, _ = _invoke(_http_event(raw, headers))
    # THEN the invocation id is the event id, and the dedup key
    invocation = headers["X-Zendesk-Webhook-Invocation-Id"]
    assert (status, body) == (202, {"accepted": invocation})
    (message,) = queue.messages()
    assert message["Attributes"]["MessageDeduplicationId"] == deduplication_id(invocation)
    assert message["Attributes"]["MessageGroupId"] == "35436"


def test_secret_from_secrets_manager(queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the signing secret in Secrets Manager, named by SIGNING_SECRET_NAME
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name="zendesk/webhook-signing-secret", SecretString=SECRET
    )
    monkeypatch.delenv("WEBHOOK_SIGNING_SECRET")
    monkeypatch.setenv("SIGNING_SECRET_NAME", "zendesk/webhook-signing-secret")
    # WHEN a signed delivery arrives THEN it is accepted
    assert _invoke(_http_event(CREATED, _signed_headers(CREATED)))[0] == 202


# ---- refused --------------------------------------------------------------------------------------


def test_unsigned_delivery_is_401(queue: Queue) -> None:
    # GIVEN a delivery without signature headers WHEN handled THEN 401 and nothing queued
    status, body, _ = _invoke(_http_event(CREATED, {"Content-Type": "application/json"}))
    assert status == 401
    assert body == {"message": "invalid signature: missing X-Zendesk-Webhook-Signature header"}
    assert queue.messages() == []


def test_wrongly_signed_delivery_is_401(queue: Queue) -> None:
    status, body, _ = _invoke(_http_event(CREATED, _signed_headers(CREATED, secret="not-the-secret")))
    assert (status, body) == (
        401,
        {"message": "invalid signature: signature does not match the body and timestamp"},
    )
    assert queue.messages() == []


def test_stale_delivery_is_401_saying_so(queue: Queue) -> None:
    # GIVEN a genuine signature made 10 minutes ago (a replay) WHEN handled THEN 401 naming the staleness
    headers = _signed_headers(CREATED, stamp=_now_stamp(timedelta(minutes=-10)))
    status, body, _ = _invoke(_http_event(CREATED, headers))
    assert status == 401
    assert body["message"].startswith("stale signature timestamp: ")
    assert "the window is 300 s" in body["message"]
    assert queue.messages() == []


def test_malformed_body_is_400_with_the_reason(queue: Queue) -> None:
    # GIVEN a signed envelope without detail.id WHEN handled THEN 400 says exactly that
    envelope = json.loads(CREATED)
    del envelope["detail"]["id"]
    raw = json.dumps(envelope).encode()
    status, body, _ = _invoke(_http_event(raw, _signed_headers(raw)))
    assert (status, body) == (400, {"message": "detail.id: field required"})
    assert queue.messages() == []


def test_signed_non_json_is_400(queue: Queue) -> None:
    raw = b"ticket=35436"
    status, body, _ = _invoke(_http_event(raw, _signed_headers(raw)))
    assert (status, body) == (400, {"message": "body is not JSON: Expecting value at line 1 column 1"})


def test_invalid_base64_is_400(queue: Queue) -> None:
    event = {
        **_http_event(CREATED, _signed_headers(CREATED)),
        "body": "%%% not base64",
        "isBase64Encoded": True,
    }
    assert _invoke(event)[:2] == (400, {"message": "body is marked base64-encoded but is not valid base64"})


def test_oversized_body_is_413_before_anything_else(queue: Queue) -> None:
    # GIVEN a body one byte over the 256 KiB default, not even signed
    raw = b"x" * (262_144 + 1)
    # WHEN handled THEN 413, the size check comes first
    status, body, _ = _invoke(_http_event(raw, {}))
    assert (status, body) == (413, {"message": "body is 262145 bytes; the limit is 262144"})


def test_body_limit_comes_from_the_environment(queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN MAX_BODY_BYTES one byte below the size of a real event WHEN it is delivered THEN 413
    monkeypatch.setenv("MAX_BODY_BYTES", str(len(CREATED) - 1))
    status, body, _ = _invoke(_http_event(CREATED, _signed_headers(CREATED)))
    assert (status, body) == (
        413,
        {"message": f"body is {len(CREATED)} bytes; the limit is {len(CREATED) - 1}"},
    )
    # AND at exactly the limit it is accepted
    app.settings.cache_clear()
    monkeypatch.setenv("MAX_BODY_BYTES", str(len(CREATED)))
    assert _invoke(_http_event(CREATED, _signed_headers(CREATED)))[0] == 202


# ---- unavailable: Zendesk must retry ------------------------------------------------------------------


def test_queue_gone_is_503_with_retry_after(queue: Queue) -> None:
    # GIVEN the queue has been deleted
    queue.sqs.delete_queue(QueueUrl=queue.url)
    # WHEN a genuine delivery arrives THEN 503 with a short Retry-After (Zendesk retries those)
    status, body, headers = _invoke(_http_event(CREATED, _signed_headers(CREATED)))
    assert (status, body) == (503, {"message": "temporarily unavailable, retry later"})
    assert int(headers["Retry-After"]) < 60


def test_sqs_throttling_is_503(queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN SQS throttling every send
    from botocore.exceptions import ClientError

    def throttled(**_: Any) -> dict[str, Any]:
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "SendMessage")

    monkeypatch.setattr(app.queue()._sqs, "send_message", throttled)
    # THEN the delivery is refused with 503, not accepted and lost
    assert _invoke(_http_event(CREATED, _signed_headers(CREATED)))[0] == 503
    assert queue.messages() == []


def test_missing_secret_is_503(queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN SIGNING_SECRET_NAME names a secret that does not exist WHEN a delivery arrives THEN 503
    monkeypatch.delenv("WEBHOOK_SIGNING_SECRET")
    monkeypatch.setenv("SIGNING_SECRET_NAME", "zendesk/missing")
    assert _invoke(_http_event(CREATED, _signed_headers(CREATED)))[0] == 503


def test_missing_configuration_is_503(queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUEUE_URL")
    assert _invoke(_http_event(CREATED, _signed_headers(CREATED)))[0] == 503


# ---- logs ---------------------------------------------------------------------------------------------


def test_logs_carry_ids_not_the_secret_or_personal_data(queue: Queue) -> None:
    # GIVEN the Lambda's log output captured
    stream = io.StringIO()
    handler = app.logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    previous = handler.setStream(stream)
    try:
        # WHEN one delivery is accepted and a tampered copy is refused
        _invoke(_http_event(CREATED, _signed_headers(CREATED)))
        _invoke(_http_event(CREATED.replace(b"35436", b"35437"), _signed_headers(CREATED)))
    finally:
        handler.setStream(previous)
    logs = stream.getvalue()
    # THEN the logs name the event, ticket and type
    accepted = next(json.loads(line) for line in logs.splitlines() if "ticket event accepted" in line)
    assert (accepted["event_id"], accepted["ticket_id"], accepted["event_type"]) == (
        CREATED_ID,
        35436,
        "created",
    )
    assert "webhook rejected" in logs
    # AND never the secret, the requester's words or the subject
    for forbidden in (SECRET, "ORD-20260101-0001", "订单迟迟不发货", "\\u8ba2\\u5355"):
        assert forbidden not in logs


# ---- against the Zendesk sandbox ----------------------------------------------------------------------


class LambdaBehindHttp:
    """A loopback HTTP server that turns each POST into an HTTP API v2 event for the handler."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                event = _http_event(body, dict(self.headers.items()))
                response = app.lambda_handler(event, lambda_context("webhook", region=REGION))
                outer.statuses.append(response["statusCode"])
                payload = response["body"].encode()
                self.send_response(response["statusCode"])
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/zendesk/webhook"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> LambdaBehindHttp:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def test_sandbox_deliveries_are_verified_and_queued(queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    session = requests.Session()
    session.trust_env = False  # loopback calls must not go through a proxy from the environment
    with ZendeskSandbox() as zd, LambdaBehindHttp() as endpoint:
        client = ZendeskClient(zd.url, zd.email, zd.api_token, session=session)
        # GIVEN a sandbox webhook subscribed to ticket events, pointing at the Lambda, and its secret
        webhook = client.create_webhook(
            {
                "name": "complaint triage",
                "endpoint": endpoint.url,
                "http_method": "POST",
                "request_format": "json",
                "status": "active",
                "subscriptions": ["zen:event-type:ticket.created", "zen:event-type:ticket.comment_added"],
            }
        )
        monkeypatch.setenv("WEBHOOK_SIGNING_SECRET", client.get_webhook_signing_secret(webhook["id"]))
        # WHEN a customer opens a ticket, an agent adds a note, then replies publicly
        ticket = client.create_ticket(
            {
                "subject": "订单迟迟不发货",
                "comment": {"body": "订单 ORD-20260101-0001 三天没有发货"},
                "requester": {"name": "王小明", "email": "xiaoming.wang@example.com"},
            }
        )
        client.update_ticket(ticket["id"], {"comment": {"body": "已联系仓库", "public": False}})
        client.update_ticket(ticket["id"], {"comment": {"body": "您好,已为您催促仓库", "public": True}})
        assert zd.wait_for_deliveries(timeout=10)
        # THEN every delivery, as the sandbox signed it, was verified on the first attempt (the note ignored)
        assert endpoint.statuses == [202, 200, 202]
        assert all(d.ok and d.attempt == 1 for d in zd.deliveries())
    # AND both events are queued, in order, in the ticket's group
    messages = queue.messages()
    assert [m["Attributes"]["MessageGroupId"] for m in messages] == [str(ticket["id"])] * 2
    events = [QueuedEvent.from_message_body(m["Body"]).event for m in messages]
    assert [e["event_type"] for e in events] == ["created", "comment_added"]
