"""Alerts to people, through SNS topics: `critical` (PR + compliance) and `sla` (team leads).

One alert is one SNS message: a subject a person can triage from a phone's lock screen (SNS
allows 100 ASCII characters), a plain-text body in Chinese and English for e-mail and SMS, a
JSON variant for machines and chat (`{"text", "cause", "level", "ticket_id", ...}`: Slack and
chat webhooks post `text` as is) for SQS, HTTPS and Lambda subscribers, and message attributes
(cause, level, ticket) so subscriptions can filter. Callers decide *whether* to alert (once per
cause per ticket); this adapter only delivers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

Topic = Literal["critical", "sla"]
SNS_SUBJECT_LIMIT = 100


@dataclass(frozen=True)
class Alert:
    topic: Topic
    cause: str  # sla_warning, sla_breach, level_1, ...
    ticket_id: int
    level: int
    subject: str
    body: str
    attributes: dict[str, str] = field(default_factory=dict)

    def as_record(self) -> dict[str, str]:
        """What the archive keeps of an alert that was sent."""
        return {"topic": self.topic, "cause": self.cause, "subject": self.subject, "body": self.body}


class AlertPublisher:
    def __init__(self, sns_client: Any, topic_arns: dict[str, str]) -> None:
        self._sns = sns_client
        self._topic_arns = topic_arns

    def publish(self, alert: Alert) -> str:
        """Send one alert; return the SNS message id. SNS errors propagate (the caller retries)."""
        subject = _sns_subject(alert.subject)
        attributes = {"cause": alert.cause, "level": str(alert.level), "ticket_id": str(alert.ticket_id)}
        attributes.update(alert.attributes)
        text = f"{alert.subject}\n{alert.body}"
        for_machines = json.dumps(
            {
                "text": text,
                "cause": alert.cause,
                "level": alert.level,
                "ticket_id": alert.ticket_id,
                "topic": alert.topic,
                "attributes": attributes,
            },
            ensure_ascii=False,
        )
        response = self._sns.publish(
            TopicArn=self._topic_arns[alert.topic],
            Subject=subject,
            MessageStructure="json",
            Message=json.dumps(
                {
                    "default": text,
                    "email": alert.body,
                    "sms": alert.subject,
                    "sqs": for_machines,
                    "https": for_machines,
                    "lambda": for_machines,
                },
                ensure_ascii=False,
            ),
            MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
        )
        return str(response["MessageId"])


def _sns_subject(text: str) -> str:
    """SNS subjects must be ASCII without line breaks, at most 100 characters."""
    flat = " ".join(text.split()).encode("ascii", "replace").decode("ascii")
    return flat if len(flat) <= SNS_SUBJECT_LIMIT else flat[: SNS_SUBJECT_LIMIT - 3] + "..."
