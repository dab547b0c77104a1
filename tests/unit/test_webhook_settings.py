"""The webhook Lambda's settings: read from the environment, failures name the variable."""

from __future__ import annotations

import pytest

from infra.settings import SettingsError, WebhookSettings

QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/ticket-events.fifo"


def test_defaults_with_a_secrets_manager_name() -> None:
    # GIVEN only the required variables WHEN read THEN the limits take their defaults
    settings = WebhookSettings.from_env({"QUEUE_URL": QUEUE, "SIGNING_SECRET_NAME": "zendesk/webhook"})
    assert settings.queue_url == QUEUE
    assert settings.signing_secret_name == "zendesk/webhook"
    assert settings.signing_secret is None
    assert settings.max_body_bytes == 262_144
    assert settings.timestamp_window_seconds == 300


def test_local_secret_and_overrides() -> None:
    # GIVEN a local secret and explicit limits WHEN read THEN they are used, and the secret stays hidden
    settings = WebhookSettings.from_env(
        {
            "QUEUE_URL": QUEUE,
            "WEBHOOK_SIGNING_SECRET": "local-secret",
            "MAX_BODY_BYTES": "1024",
            "TIMESTAMP_WINDOW_SECONDS": " 60 ",
        }
    )
    assert settings.signing_secret is not None
    assert settings.signing_secret.get_secret_value() == "local-secret"
    assert (settings.max_body_bytes, settings.timestamp_window_seconds) == (1024, 60)
    assert "local-secret" not in repr(settings)


def test_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUEUE_URL", QUEUE)
    monkeypatch.setenv("WEBHOOK_SIGNING_SECRET", "s")
    monkeypatch.delenv("SIGNING_SECRET_NAME", raising=False)
    assert WebhookSettings.from_env().queue_url == QUEUE


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SIGNING_SECRET_NAME": "n"}, "environment variable QUEUE_URL is not set"),
        ({"QUEUE_URL": "  ", "SIGNING_SECRET_NAME": "n"}, "environment variable QUEUE_URL is not set"),
        (
            {"QUEUE_URL": QUEUE},
            "set SIGNING_SECRET_NAME (a Secrets Manager secret name) "
            "or WEBHOOK_SIGNING_SECRET (the secret itself, for local runs)",
        ),
        (
            {"QUEUE_URL": QUEUE, "SIGNING_SECRET_NAME": "n", "WEBHOOK_SIGNING_SECRET": "s"},
            "set SIGNING_SECRET_NAME or WEBHOOK_SIGNING_SECRET, not both",
        ),
        (
            {"QUEUE_URL": QUEUE, "SIGNING_SECRET_NAME": "n", "MAX_BODY_BYTES": "256k"},
            "environment variable MAX_BODY_BYTES: input should be a valid integer",
        ),
        (
            {"QUEUE_URL": QUEUE, "SIGNING_SECRET_NAME": "n", "TIMESTAMP_WINDOW_SECONDS": "0"},
            "environment variable TIMESTAMP_WINDOW_SECONDS: input should be greater than 0",
        ),
    ],
)
def test_errors_name_the_variable(environ: dict[str, str], message: str) -> None:
    # GIVEN an environment with one thing wrong WHEN read THEN the error names the variable to fix
    with pytest.raises(SettingsError) as caught:
        WebhookSettings.from_env(environ)
    assert str(caught.value).startswith(message)


def test_every_problem_is_reported_at_once() -> None:
    # GIVEN an empty environment THEN both the queue and the secret are named
    with pytest.raises(SettingsError) as caught:
        WebhookSettings.from_env({})
    assert str(caught.value) == (
        "environment variable QUEUE_URL is not set; set SIGNING_SECRET_NAME (a Secrets Manager secret name) "
        "or WEBHOOK_SIGNING_SECRET (the secret itself, for local runs)"
    )
