"""The fleet-wide ticket-write budget on moto's DynamoDB, with a clock the tests move by hand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.write_budget_table import EXPIRY_AFTER_WINDOW_SECONDS, DynamoDBWriteBudget
from integrations.zendesk.write_budget import WriteBudget, WriteBudgetExhausted

REGION = "eu-west-1"
ACCOUNT = "acme"
WINDOW_START = 1_795_000_020  # a multiple of 60: the start of a one-minute window


class Clock:
    """Epoch seconds that move only when a test says so."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def table(mocked_aws: None) -> Iterator[Any]:
    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    created = dynamodb.create_table(
        TableName="complaints",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    yield created


def _budget(table: Any, clock: Clock, *, limit: int = 3, account: str = ACCOUNT) -> DynamoDBWriteBudget:
    return DynamoDBWriteBudget(table, account=account, limit=limit, window_seconds=60, clock=clock)


def _window_item(table: Any, window_start: int, account: str = ACCOUNT) -> dict[str, Any]:
    key = {"pk": f"WRITE_BUDGET#{account}", "sk": f"WINDOW#{window_start}"}
    return table.get_item(Key=key, ConsistentRead=True)["Item"]


def test_is_a_write_budget(table: Any) -> None:
    # GIVEN a DynamoDB budget THEN callers typed against the WriteBudget protocol accept it
    assert isinstance(_budget(table, Clock(WINDOW_START)), WriteBudget)


def test_grants_up_to_the_limit_then_says_when_the_window_ends(table: Any) -> None:
    # GIVEN a budget of 3 per minute, 17.5 s into a window
    clock = Clock(WINDOW_START + 17.5)
    budget = _budget(table, clock)
    # WHEN three writes are taken THEN they are granted and counted in the window's item
    for _ in range(3):
        budget.acquire()
    item = _window_item(table, WINDOW_START)
    assert item["writes"] == 3
    assert item["expires_at"] == WINDOW_START + 60 + EXPIRY_AFTER_WINDOW_SECONDS
    # WHEN a fourth is asked for THEN it is refused until the window ends, 42.5 s away, rounded up
    with pytest.raises(WriteBudgetExhausted) as refused:
        budget.acquire()
    assert refused.value.retry_after_seconds == 43
    assert "3 per 60s" in str(refused.value)
    # AND the refusal spent nothing
    assert _window_item(table, WINDOW_START)["writes"] == 3


def test_retry_after_rounds_up_to_at_least_one_second(table: Any) -> None:
    # GIVEN a spent budget a fraction of a second before its window ends
    clock = Clock(WINDOW_START + 59.8)
    budget = _budget(table, clock, limit=1)
    budget.acquire()
    # WHEN asked again THEN retry after 1 s, not 0
    with pytest.raises(WriteBudgetExhausted) as refused:
        budget.acquire()
    assert refused.value.retry_after_seconds == 1


def test_next_window_grants_again(table: Any) -> None:
    # GIVEN a budget spent in one window
    clock = Clock(WINDOW_START + 5)
    budget = _budget(table, clock, limit=2)
    budget.acquire()
    budget.acquire()
    with pytest.raises(WriteBudgetExhausted):
        budget.acquire()
    # WHEN the clock reaches the next window THEN writes are granted again, counted in a new item
    clock.now = WINDOW_START + 60
    budget.acquire()
    assert _window_item(table, WINDOW_START + 60)["writes"] == 1
    assert _window_item(table, WINDOW_START)["writes"] == 2


def test_two_instances_share_one_budget(table: Any) -> None:
    # GIVEN two Lambda instances, each with its own budget object on the same table and account
    clock = Clock(WINDOW_START + 10)
    first, second = _budget(table, clock), _budget(table, clock)
    # WHEN they take writes in turn
    first.acquire()
    second.acquire()
    first.acquire()
    # THEN the limit of 3 is spent for both
    for instance in (first, second):
        with pytest.raises(WriteBudgetExhausted):
            instance.acquire()


def test_accounts_have_separate_budgets(table: Any) -> None:
    # GIVEN one account's budget spent
    clock = Clock(WINDOW_START)
    spent = _budget(table, clock, limit=1)
    spent.acquire()
    with pytest.raises(WriteBudgetExhausted):
        spent.acquire()
    # WHEN another account writes in the same window THEN it is granted
    _budget(table, clock, limit=1, account="other").acquire()
    assert _window_item(table, WINDOW_START, account="other")["writes"] == 1


def test_other_dynamodb_errors_propagate_unchanged(table: Any) -> None:
    # GIVEN a budget on a table that does not exist
    missing = boto3.resource("dynamodb", region_name=REGION).Table("no-such-table")
    budget = _budget(missing, Clock(WINDOW_START))
    # WHEN a write is asked for THEN DynamoDB's own error comes out, not "budget spent"
    with pytest.raises(ClientError) as failure:
        budget.acquire()
    assert failure.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"account": "", "limit": 1}, "account"),
        ({"account": ACCOUNT, "limit": 0}, "limit"),
        ({"account": ACCOUNT, "limit": 1, "window_seconds": 0}, "window_seconds"),
    ],
)
def test_unusable_settings_are_refused(table: Any, arguments: dict[str, Any], problem: str) -> None:
    # GIVEN a setting that cannot work WHEN the budget is built THEN ValueError names it
    with pytest.raises(ValueError, match=problem):
        DynamoDBWriteBudget(table, **arguments)
