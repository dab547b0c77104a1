"""What every AWS-backed integration test starts from: fake credentials, one region, moto.

No test may reach real AWS or a local stack left in the shell, whatever the environment holds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from local.zendesk.sandbox_settings import SandboxSettings
from tests.integration.triage_stack import Stack, triage_stack

REGION = "eu-west-1"  # the region the tests pass to their own clients, too


@pytest.fixture
def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def mocked_aws(fake_aws_credentials: None) -> Iterator[None]:
    """In-process moto for the whole test. Powertools keeps its parameter providers (and their
    boto3 clients) across calls: one built by an earlier test may point at a moto server that is
    gone, so each test starts without them."""
    from aws_lambda_powertools.utilities import parameters

    parameters.clear_caches()
    with mock_aws():
        yield
    parameters.clear_caches()


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch, mocked_aws: None) -> Iterator[Stack]:
    """The triage Lambda on moto against a default sandbox (tests/integration/triage_stack.py)."""
    yield from triage_stack(monkeypatch, SandboxSettings())
