"""Settings of the Lambdas, read once from the environment and validated.

Every failure names the environment variable to fix, so a misconfigured
deploy says what is wrong in its first log line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from infra.queue import SQS_MAX_MESSAGE_BYTES


class SettingsError(ValueError):
    """The environment is missing a variable or holds an invalid value; the message names it."""


class WebhookSettings(BaseModel):
    """The webhook intake Lambda's settings.

    QUEUE_URL                 the SQS FIFO queue that receives ticket events (required)
    SIGNING_SECRET_NAME       Secrets Manager secret holding the webhook signing secret (deployed runs)
    WEBHOOK_SIGNING_SECRET    the signing secret itself (local runs); set exactly one of these two
    MAX_BODY_BYTES            largest body accepted (default 262144, SQS's 256 KiB message limit)
    TIMESTAMP_WINDOW_SECONDS  how far a signature timestamp may be from now, either side (default 300)
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    queue_url: str = Field(alias="QUEUE_URL", min_length=1)
    signing_secret_name: str | None = Field(default=None, alias="SIGNING_SECRET_NAME")
    signing_secret: SecretStr | None = Field(default=None, alias="WEBHOOK_SIGNING_SECRET")
    max_body_bytes: int = Field(default=SQS_MAX_MESSAGE_BYTES, alias="MAX_BODY_BYTES", gt=0)
    timestamp_window_seconds: int = Field(default=300, alias="TIMESTAMP_WINDOW_SECONDS", gt=0)

    @model_validator(mode="after")
    def _one_secret_source(self) -> WebhookSettings:
        problem = _secret_source_problem(bool(self.signing_secret_name), bool(self.signing_secret))
        if problem:
            raise ValueError(problem)
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebhookSettings:
        """Read the settings; blank variables count as unset. Raises `SettingsError`."""

        def secret_problem(values: Mapping[str, str]) -> str | None:
            # Field errors stop pydantic before the secret rule runs: report that one too.
            return _secret_source_problem("SIGNING_SECRET_NAME" in values, "WEBHOOK_SIGNING_SECRET" in values)

        return _from_env(cls, environ, secret_problem)


def _secret_source_problem(
    has_name: bool,
    has_secret: bool,
    name_variable: str = "SIGNING_SECRET_NAME",
    secret_variable: str = "WEBHOOK_SIGNING_SECRET",
) -> str | None:
    if has_name and has_secret:
        return f"set {name_variable} or {secret_variable}, not both"
    if not has_name and not has_secret:
        return (
            f"set {name_variable} (a Secrets Manager secret name) "
            f"or {secret_variable} (the secret itself, for local runs)"
        )
    return None


class SocialWebhookSettings(BaseModel):
    """The listening-tool intake's settings (the same Lambda as the Zendesk webhook, POST /social/{source}).

    SOCIAL_QUEUE_URL            the FIFO queue of posts for the outreach (required)
    SOCIAL_SIGNING_SECRET_NAME  Secrets Manager secret holding the HMAC key shared with the tools
    SOCIAL_SIGNING_SECRET       the key itself (local runs); set exactly one of these two
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    social_queue_url: str = Field(alias="SOCIAL_QUEUE_URL", min_length=1)
    signing_secret_name: str | None = Field(default=None, alias="SOCIAL_SIGNING_SECRET_NAME")
    signing_secret: SecretStr | None = Field(default=None, alias="SOCIAL_SIGNING_SECRET")

    @model_validator(mode="after")
    def _one_secret_source(self) -> SocialWebhookSettings:
        problem = _secret_source_problem(
            bool(self.signing_secret_name),
            bool(self.signing_secret),
            "SOCIAL_SIGNING_SECRET_NAME",
            "SOCIAL_SIGNING_SECRET",
        )
        if problem:
            raise ValueError(problem)
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SocialWebhookSettings:
        return _from_env(cls, environ)


S = TypeVar("S", bound=BaseModel)


def _from_env(
    model: type[S],
    environ: Mapping[str, str] | None,
    cross_check: Callable[[Mapping[str, str]], str | None] | None = None,
) -> S:
    environ = os.environ if environ is None else environ
    names = [field.alias for field in model.model_fields.values() if field.alias]
    values = {name: environ[name].strip() for name in names if environ.get(name, "").strip()}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = _describe(exc)
    extra = cross_check(values) if cross_check else None
    if extra and extra not in problems:
        problems.append(extra)
    raise SettingsError("; ".join(problems))


class ComplaintWorkerSettings(BaseModel):
    """What every Lambda that works on complaints reads (the triage and the watcher).

    COMPLAINTS_TABLE           DynamoDB table of complaint records, obligations and the write budget
    SLA_TOPIC_ARN              SNS topic for team leads (yellow light; deadline warnings and breaches)
    ARCHIVE_BUCKET             the audit archive bucket (Object Lock)
    ARCHIVE_KMS_KEY_ID         KMS key the archive objects are encrypted with (SSE-KMS)
    PII_KMS_KEY_ID             KMS key that seals personal numbers (only compliance decrypts)
    REVIEW_BUCKET              the review's bucket: each complaint's analytics rows go to analytics/
    ZENDESK_SECRET_NAME        Secrets Manager secret with the Zendesk credentials (deployed runs);
                               without it ZENDESK_URL, ZENDESK_EMAIL, ZENDESK_API_TOKEN are read
    ZENDESK_WRITES_PER_MINUTE  the plugin's share of the account's Update Ticket limit (default 50,
                               half of Zendesk's 100/min, so agents keep theirs), shared by all Lambdas
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    complaints_table: str = Field(alias="COMPLAINTS_TABLE", min_length=1)
    sla_topic_arn: str = Field(alias="SLA_TOPIC_ARN", min_length=1)
    archive_bucket: str = Field(alias="ARCHIVE_BUCKET", min_length=1)
    archive_kms_key_id: str = Field(alias="ARCHIVE_KMS_KEY_ID", min_length=1)
    review_bucket: str = Field(alias="REVIEW_BUCKET", min_length=1)
    pii_kms_key_id: str = Field(alias="PII_KMS_KEY_ID", min_length=1)
    zendesk_secret_name: str | None = Field(default=None, alias="ZENDESK_SECRET_NAME")
    zendesk_writes_per_minute: int = Field(default=50, alias="ZENDESK_WRITES_PER_MINUTE", gt=0)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Read the settings; blank variables count as unset. Raises `SettingsError`."""
        return _from_env(cls, environ)


class WatcherSettings(ComplaintWorkerSettings):
    """The deadline watcher's settings: the shared ones (see ComplaintWorkerSettings) and

    CRITICAL_TOPIC_ARN  SNS topic for PR and compliance (breaches alerting.yaml gives them: breach_to_pr)
    """

    critical_topic_arn: str = Field(alias="CRITICAL_TOPIC_ARN", min_length=1)


class TicketWorkerSettings(ComplaintWorkerSettings):
    """What every Lambda that triages tickets reads: the shared ones (see ComplaintWorkerSettings) and

    QUEUE_URL                  the ticket-events FIFO queue (delays after a 429; group-complaint fan-out)
    CRITICAL_TOPIC_ARN         SNS topic for PR and compliance (level 1, media/regulator, red light)
    """

    queue_url: str = Field(alias="QUEUE_URL", min_length=1)
    critical_topic_arn: str = Field(alias="CRITICAL_TOPIC_ARN", min_length=1)


class TriageSettings(TicketWorkerSettings):
    """The triage Lambda's settings: the ticket worker ones (see TicketWorkerSettings) and

    DEAD_LETTER_QUEUE_URL      the ticket-events dead-letter queue (poison messages are parked at once)
    IDEMPOTENCY_TABLE          DynamoDB table of Powertools idempotency records
    IDEMPOTENCY_TTL_SECONDS    how long a handled event id is remembered (default 86400)
    RECORD_TIME_BUDGET_MS      a record is started only with this much of the invocation left
                               (default 15000: one Zendesk answer past its 10 s read timeout, then
                               the write); the rest come back after the visibility timeout instead
                               of being cut off by the Lambda timeout mid-write
    """

    dead_letter_queue_url: str = Field(alias="DEAD_LETTER_QUEUE_URL", min_length=1)
    idempotency_table: str = Field(alias="IDEMPOTENCY_TABLE", min_length=1)
    idempotency_ttl_seconds: int = Field(default=86_400, alias="IDEMPOTENCY_TTL_SECONDS", gt=0)
    record_time_budget_ms: int = Field(default=15_000, alias="RECORD_TIME_BUDGET_MS", ge=0)


class SocialAccessSettings(BaseModel):
    """How a Lambda reaches the social platforms.

    SOCIAL_SECRET_NAME        Secrets Manager secret with the platforms' credentials (JSON, see README)
    SOCIAL_CONNECTOR_SOURCE   `module:function` returning the connector of a platform name, instead of
                              the platforms' APIs; unset in AWS. Local runs name their stand-ins here,
                              so this code never needs to know them.
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    social_secret_name: str | None = Field(default=None, alias="SOCIAL_SECRET_NAME")
    social_connector_source: str | None = Field(
        default=None, alias="SOCIAL_CONNECTOR_SOURCE", pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$"
    )

    @model_validator(mode="after")
    def _credentials_when_live(self) -> Self:
        if self.social_connector_source is None and not self.social_secret_name:
            raise ValueError("set SOCIAL_SECRET_NAME (the platforms' credentials) or SOCIAL_CONNECTOR_SOURCE")
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Read the settings; blank variables count as unset. Raises `SettingsError`."""
        return _from_env(cls, environ)


class SocialMonitorSettings(SocialAccessSettings):
    """A social monitor's settings (one Lambda, invoked per platform by EventBridge Scheduler):
    the social access ones (see SocialAccessSettings) and

    SOCIAL_QUEUE_URL      the FIFO queue of posts for the outreach
    COMPLAINTS_TABLE      DynamoDB table that also keeps each platform's read cursor
    """

    social_queue_url: str = Field(alias="SOCIAL_QUEUE_URL", min_length=1)
    complaints_table: str = Field(alias="COMPLAINTS_TABLE", min_length=1)


class OutreachSettings(TicketWorkerSettings, SocialAccessSettings):
    """The outreach Lambda's settings: the ticket worker ones (see TicketWorkerSettings), the social
    access ones (see SocialAccessSettings) and

    SOCIAL_QUEUE_URL              the posts FIFO queue it consumes (to delay a message)
    SOCIAL_DEAD_LETTER_QUEUE_URL  its dead-letter queue (unreadable messages are parked at once)
    """

    social_queue_url: str = Field(alias="SOCIAL_QUEUE_URL", min_length=1)
    social_dead_letter_queue_url: str = Field(alias="SOCIAL_DEAD_LETTER_QUEUE_URL", min_length=1)


def _describe(exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        name = ".".join(str(part) for part in error["loc"])
        if error["type"] == "missing":
            problems.append(f"environment variable {name} is not set")
        elif not name:  # a model-level rule: its message already names the variables
            problems.append(error["msg"].removeprefix("Value error, "))
        else:
            problems.append(f"environment variable {name}: {error['msg'][:1].lower()}{error['msg'][1:]}")
    return problems


class NotifierSettings(BaseModel):
    """The chat notifier's settings (channels.yaml says which group chats get what):

    COMPLAINTS_TABLE   DynamoDB table (the alerts' chat history and escalation watch live there)
    CHAT_SECRET_NAME   Secrets Manager secret with the bots' webhooks, signing secrets and the ack secret
    ACK_BASE_URL       the public base URL of the HTTP API that serves /alerts/ack
    NOTIFIER_QUEUE_URL the queue the alert topics feed (a rate-limited message is handed back to it)
    QUEUE_URL          the ticket-events queue: an acknowledgement goes to its ticket's note that way
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    complaints_table: str = Field(alias="COMPLAINTS_TABLE", min_length=1)
    chat_secret_name: str = Field(alias="CHAT_SECRET_NAME", min_length=1)
    ack_base_url: str = Field(alias="ACK_BASE_URL", min_length=1)
    notifier_queue_url: str = Field(alias="NOTIFIER_QUEUE_URL", min_length=1)
    queue_url: str = Field(alias="QUEUE_URL", min_length=1)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Read the settings; blank variables count as unset. Raises `SettingsError`."""
        return _from_env(cls, environ)


class ReporterSettings(BaseModel):
    """The review reporter's settings (issue 14):

    REVIEW_BUCKET        the review bucket: the analytics copy (analytics/) and the reports (reports/)
    ANALYTICS_DATABASE   the Glue database of the analytics tables
    ATHENA_WORKGROUP     the workgroup that runs the review's queries (its bytes-scanned limit applies)
    REPORT_TOPIC_ARN     the team leads' topic that gets each report's summary and link
    ZENDESK_AGENT_URL    e.g. https://example.zendesk.com: the reports link to tickets there
    REPORT_LINK_SECONDS  how long the presigned link in the message works (default 12 h: a link
                         signed by the function's role works no longer than the role's session)
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    review_bucket: str = Field(alias="REVIEW_BUCKET", min_length=1)
    analytics_database: str = Field(alias="ANALYTICS_DATABASE", min_length=1)
    athena_workgroup: str = Field(alias="ATHENA_WORKGROUP", min_length=1)
    report_topic_arn: str = Field(alias="REPORT_TOPIC_ARN", min_length=1)
    zendesk_agent_url: str = Field(alias="ZENDESK_AGENT_URL", min_length=1)
    report_link_seconds: int = Field(default=12 * 3600, alias="REPORT_LINK_SECONDS", gt=0, le=7 * 86_400)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Read the settings; blank variables count as unset. Raises `SettingsError`."""
        return _from_env(cls, environ)
