"""The handlers' own CloudWatch metrics, written as embedded metric format (EMF) log lines.

One metric so far: `ZendeskThrottled`, a count each time Zendesk answered 429 or the plugin's
write budget was spent (`ZendeskRetryLater`); template.yaml's ZendeskThrottledAlarm watches it.
Namespace and the `service` dimension come from POWERTOOLS_METRICS_NAMESPACE and
POWERTOOLS_SERVICE_NAME (the template's Globals), with the same values as defaults.

A handler records, and publishes once per invocation (the outreach handler the same way):

    from infra.observability import publishes_metrics, record_zendesk_throttled

    @publishes_metrics
    @logger.inject_lambda_context(clear_state=True)
    def lambda_handler(event, context): ...

        except ZendeskRetryLater:
            record_zendesk_throttled()
            ...

Outside Lambda (tests, `triage local`) nothing is printed: EMF lines only mean something to
CloudWatch Logs, and the local product's stdout is its own.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

NAMESPACE = "ComplaintTriage"
SERVICE = "complaint-triage"
ZENDESK_THROTTLED = "ZendeskThrottled"

# Powertools is already imported by every handler (Logger), so this adds no import time.
metrics = Metrics(
    namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or NAMESPACE,
    service=os.environ.get("POWERTOOLS_SERVICE_NAME") or SERVICE,
)

P = ParamSpec("P")
R = TypeVar("R")


def record_zendesk_throttled() -> None:
    """Count one time Zendesk asked us to wait (429, or our write budget spent)."""
    metrics.add_metric(name=ZENDESK_THROTTLED, unit=MetricUnit.Count, value=1)


def in_lambda() -> bool:
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


def publishes_metrics(handler: Callable[P, R]) -> Callable[P, R]:
    """Publish what the invocation recorded when it ends, whether it returned or raised.

    Instead of Powertools' `log_metrics`: that one warns on every invocation that records
    nothing (most of them), and prints outside Lambda too.
    """

    @functools.wraps(handler)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return handler(*args, **kwargs)
        finally:
            if metrics.metric_set and in_lambda():
                metrics.flush_metrics()
            else:
                metrics.clear_metrics()

    return wrapper
