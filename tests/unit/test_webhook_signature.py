"""Zendesk webhook signatures: genuine, tampered, missing, and outside the replay window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.zendesk.webhook_signature import InvalidSignature, StaleTimestamp, sign, verify_signature
from local.zendesk import sandbox_webhooks

SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
NOW = datetime(2026, 1, 1, 9, 30, tzinfo=UTC)
WINDOW = timedelta(minutes=5)
STAMP = "2026-01-01T09:30:00Z"
BODY = b'{"type":"zen:event-type:ticket.created","id":"e-1"}'


def _verify(timestamp: str = STAMP, body: bytes = BODY, signature: str | None = None, secret: str = SECRET):
    signature = sign(SECRET, timestamp, body) if signature is None else signature
    verify_signature(secret, timestamp, body, signature, now=NOW, window=WINDOW)


def test_genuine_signature_passes() -> None:
    # GIVEN a body signed with the secret at "now" WHEN it is verified THEN nothing is raised
    _verify()


def test_signature_is_base64_hmac_sha256_of_timestamp_then_body() -> None:
    # GIVEN a vector made with openssl, independently of this code:
    #   printf '2026-01-01T09:30:00Z{}' | openssl dgst -sha256 -hmac secret -binary | base64
    # WHEN it is signed THEN the value is the documented one: timestamp first, then the body
    assert sign("secret", "2026-01-01T09:30:00Z", b"{}") == "Ungqq35ljOAR0oq0CiTKmO073z74WPpUMNhkjdVwfrM="


def test_tampered_body_is_rejected() -> None:
    # GIVEN a signature over the original body WHEN one byte of the body changes THEN it is invalid
    signature = sign(SECRET, STAMP, BODY)
    with pytest.raises(InvalidSignature, match="does not match"):
        _verify(body=BODY.replace(b"e-1", b"e-2"), signature=signature)


def test_tampered_timestamp_is_rejected() -> None:
    # GIVEN a signature made at 09:30:00 WHEN the timestamp header is moved by a second THEN it is invalid
    signature = sign(SECRET, STAMP, BODY)
    with pytest.raises(InvalidSignature):
        _verify(timestamp="2026-01-01T09:30:01Z", signature=signature)


def test_wrong_secret_is_rejected() -> None:
    # GIVEN a body signed with our secret WHEN it is verified with another secret THEN it is invalid
    with pytest.raises(InvalidSignature):
        _verify(secret="another-secret")


@pytest.mark.parametrize(
    ("timestamp", "signature", "missing"),
    [
        (STAMP, "", "X-Zendesk-Webhook-Signature header"),
        (STAMP, "   ", "X-Zendesk-Webhook-Signature header"),
        ("", "c2lnbmF0dXJl", "X-Zendesk-Webhook-Signature-Timestamp header"),
    ],
)
def test_missing_signature_or_timestamp_is_rejected(timestamp: str, signature: str, missing: str) -> None:
    # GIVEN a request without a signature or without its timestamp WHEN verified THEN it says which is missing
    with pytest.raises(InvalidSignature, match=f"missing {missing}"):
        _verify(timestamp=timestamp, signature=signature)


def test_garbage_signature_is_rejected_not_crashing() -> None:
    # GIVEN a signature header with non-ASCII garbage WHEN verified THEN it is simply invalid
    with pytest.raises(InvalidSignature):
        _verify(signature="签名??")


@pytest.mark.parametrize(
    ("offset", "direction"),
    [(timedelta(minutes=-5, seconds=-1), "old"), (timedelta(minutes=5, seconds=1), "in the future")],
)
def test_timestamp_outside_the_window_is_stale(offset: timedelta, direction: str) -> None:
    # GIVEN a genuine signature made 5 min 1 s before (or after) now
    stamp = (NOW + offset).strftime("%Y-%m-%dT%H:%M:%SZ")
    # WHEN verified with a 5-minute window THEN it is stale, and the message says which way
    with pytest.raises(StaleTimestamp, match=f"301 s {direction}; the window is 300 s"):
        _verify(timestamp=stamp)


@pytest.mark.parametrize("offset", [timedelta(minutes=-5), timedelta(minutes=5)])
def test_timestamp_exactly_at_the_window_edge_passes(offset: timedelta) -> None:
    # GIVEN a genuine signature made exactly 5 minutes from now WHEN verified THEN it is still fresh
    _verify(timestamp=(NOW + offset).strftime("%Y-%m-%dT%H:%M:%SZ"))


def test_unparseable_timestamp_is_stale() -> None:
    # GIVEN a genuine signature over a timestamp that is not a date WHEN verified THEN it is stale, not valid
    with pytest.raises(StaleTimestamp, match="not an ISO 8601 instant"):
        _verify(timestamp="yesterday")


def test_sandbox_signing_code_verifies() -> None:
    # GIVEN a body signed by the Zendesk sandbox's own signing function, with its timestamp format
    stamp = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    signature = sandbox_webhooks.sign(SECRET, stamp, BODY)
    # WHEN our verifier checks it THEN it passes, and both sign identically
    verify_signature(SECRET, stamp, BODY, signature, now=NOW, window=WINDOW)
    assert signature == sign(SECRET, stamp, BODY)


@given(
    secret=st.text(min_size=1, max_size=64),
    body=st.binary(max_size=2048),
    skew=st.integers(min_value=-300, max_value=300),
)
def test_sign_then_verify_round_trips(secret: str, body: bytes, skew: int) -> None:
    # GIVEN any secret, any body and a timestamp inside the window
    stamp = (NOW + timedelta(seconds=skew)).isoformat()
    # WHEN signed and verified THEN it passes
    verify_signature(secret, stamp, body, sign(secret, stamp, body), now=NOW, window=WINDOW)


@given(body=st.binary(max_size=512), flip=st.integers(min_value=0))
def test_any_single_bit_flip_is_rejected(body: bytes, flip: int) -> None:
    # GIVEN a signed non-empty body WHEN any one bit of it flips THEN verification fails
    body = body or b"\x00"
    position = flip % (len(body) * 8)
    tampered = bytearray(body)
    tampered[position // 8] ^= 1 << (position % 8)
    with pytest.raises(InvalidSignature):
        _verify(body=bytes(tampered), signature=sign(SECRET, STAMP, body))
