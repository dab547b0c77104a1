"""The ZendeskThrottled metric reaches CloudWatch as one EMF line per invocation, in Lambda only."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from infra import observability
from infra.observability import publishes_metrics, record_zendesk_throttled


@pytest.fixture(autouse=True)
def _no_leftover_metrics() -> Iterator[None]:
    observability.metrics.clear_metrics()
    yield
    observability.metrics.clear_metrics()


@pytest.fixture
def in_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "complaint-triage-TriageFunction")


@publishes_metrics
def throttled_twice(event: dict[str, Any], context: object) -> str:
    record_zendesk_throttled()
    record_zendesk_throttled()
    return "done"


@publishes_metrics
def throttled_then_failing(event: dict[str, Any], context: object) -> str:
    record_zendesk_throttled()
    raise RuntimeError("boom")


@publishes_metrics
def quiet(event: dict[str, Any], context: object) -> str:
    return "done"


def _emf_lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{") and '"_aws"' in line]


@pytest.mark.usefixtures("in_lambda")
def test_recorded_throttles_are_published_once_at_the_end_of_the_invocation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a handler in Lambda that met two Zendesk 429s  WHEN it returns
    assert throttled_twice({}, None) == "done"
    # THEN one EMF line carries both, in the namespace and service dimension the alarm names
    (emf,) = _emf_lines(capsys.readouterr().out)
    (directive,) = emf["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "ComplaintTriage"
    assert directive["Dimensions"] == [["service"]]
    assert emf["service"] == "complaint-triage"
    assert directive["Metrics"] == [{"Name": "ZendeskThrottled", "Unit": "Count"}]
    assert emf["ZendeskThrottled"] == [1.0, 1.0]


@pytest.mark.usefixtures("in_lambda")
def test_metrics_are_published_when_the_handler_raises(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN a handler that recorded a throttle and then failed  WHEN it raises
    with pytest.raises(RuntimeError):
        throttled_then_failing({}, None)
    # THEN the throttle is published all the same, and not again on the next invocation
    assert len(_emf_lines(capsys.readouterr().out)) == 1
    quiet({}, None)
    assert _emf_lines(capsys.readouterr().out) == []


@pytest.mark.usefixtures("in_lambda")
def test_an_invocation_without_metrics_prints_and_warns_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN a handler that recorded nothing  WHEN it returns  THEN no line and no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert quiet({}, None) == "done"
    assert capsys.readouterr().out == ""


def test_outside_lambda_nothing_is_printed_and_nothing_carries_over(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a local run (no AWS_LAMBDA_FUNCTION_NAME), whose stdout belongs to the CLI
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    # WHEN a handler records a throttle
    throttled_twice({}, None)
    # THEN nothing is printed and the metric is dropped, not kept for a later invocation
    assert capsys.readouterr().out == ""
    assert not observability.metrics.metric_set
