"""Complaints per category per week, for the red/yellow light (R-REVIEW-2), in the complaints table.

    pk = CATEGORY#<category>   sk = WEEK#<monday, YYYY-MM-DD>   tickets (number set)
    pk = CATEGORY#<category>   sk = LIGHT#<monday>#<red|yellow>  one item: that light was raised

Counting adds the ticket id to a set, so a retried event never counts twice; the count is the
set's size. A light is raised with a conditional put, so once per category, week and colour.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from botocore.exceptions import ClientError

# Kept a while after the week for the monthly review (R-REVIEW-1), then TTL removes them.
RETENTION_DAYS = 400


class WeeklyCategoryCounts:
    def __init__(self, table: Any) -> None:
        self._table = table

    def add(self, category: str, week: date, ticket_id: int) -> tuple[int, int]:
        """Count the ticket in its week; return (this week's count, last week's count)."""
        expires = _epoch(week + timedelta(days=RETENTION_DAYS))
        updated = self._table.update_item(
            Key={"pk": f"CATEGORY#{category}", "sk": f"WEEK#{week.isoformat()}"},
            UpdateExpression="ADD tickets :ticket SET expires_at = :expires",
            ExpressionAttributeValues={":ticket": {int(ticket_id)}, ":expires": expires},
            ReturnValues="UPDATED_NEW",
        )
        this_week = len(updated["Attributes"].get("tickets", ()))
        previous = self._table.get_item(
            Key={"pk": f"CATEGORY#{category}", "sk": f"WEEK#{(week - timedelta(days=7)).isoformat()}"},
            ProjectionExpression="tickets",
        ).get("Item", {})
        return this_week, len(previous.get("tickets", ()))

    def raise_light(self, category: str, week: date, light: str) -> bool:
        """True the first time this light is raised for this category and week, False after."""
        try:
            self._table.put_item(
                Item={
                    "pk": f"CATEGORY#{category}",
                    "sk": f"LIGHT#{week.isoformat()}#{light}",
                    "expires_at": _epoch(week + timedelta(days=RETENTION_DAYS)),
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


def _epoch(day: date) -> int:
    return int((day - date(1970, 1, 1)).total_seconds())
