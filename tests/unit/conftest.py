"""Fixtures the triage's unit tests share: the in-memory Zendesk and complaint records (tests/fakes.py)."""

from __future__ import annotations

import pytest

from tests.fakes import FakeTicketApi, InMemoryComplaintRecords


@pytest.fixture
def api() -> FakeTicketApi:
    return FakeTicketApi()


@pytest.fixture
def records() -> InMemoryComplaintRecords:
    return InMemoryComplaintRecords()
