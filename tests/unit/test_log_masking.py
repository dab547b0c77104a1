"""Logs never carry an unmasked ID-card or bank-card number (R-COMP-4)."""

from __future__ import annotations

import io
import json

from aws_lambda_powertools import Logger

from infra.log_masking import mask_personal_numbers

CARD = "4111111111111111"


def test_messages_extras_and_exceptions_are_masked() -> None:
    # GIVEN a Powertools logger with the filter, writing JSON to a buffer
    stream = io.StringIO()
    logger = mask_personal_numbers(Logger(service="t", logger_handler=None, stream=stream))
    # WHEN a message, an extra and an exception quote a card number
    logger.info("refund to %s please", CARD, extra={"detail": f"card {CARD}"})
    try:
        raise ValueError(f"bad card {CARD}")
    except ValueError:
        logger.exception("failed")
    # THEN nothing written holds the number, and the masked form is there
    written = stream.getvalue()
    assert CARD not in written
    first, failure = (json.loads(line) for line in written.splitlines())
    # (the exception is still logged, with its type, traceback and masked message)
    assert failure["exception_name"] == "ValueError" and "bad card " in failure["exception"]
    assert first["message"].startswith("refund to ") and first["message"].endswith("1111 please")
    assert first["detail"].endswith("1111")
