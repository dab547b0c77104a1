"""Agents' corrections through the triage Lambda, moto and the Zendesk sandbox (issue 14): an agent
changes the level in Zendesk (as themselves, with the account's API token); the plugin keeps it,
archives it, never writes its own grade back, and `triage eval --corrections` counts it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest

from cli.main import main
from integrations.zendesk.events import EventType
from integrations.zendesk.ticket_fields import LEVEL_FIELD, FieldCatalog, level_value
from tests.integration.triage_stack import (
    REGION,
    Stack,
    agent_client,
    new_ticket,
    triage_event,
)


def _level_on_ticket(stack: Stack, ticket_id: int) -> str | None:
    catalog = FieldCatalog.from_account(stack.zendesk.list_ticket_fields(), [])
    return catalog.value_of(stack.zendesk.get_ticket(ticket_id), LEVEL_FIELD)


def test_an_agents_correction_is_kept_archived_and_counted(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a complaint the plugin graded level 1 (a burn from a kettle: R-GRADE-1a)
    ticket_id = new_ticket(
        stack, "Kettle burned me", "The kettle lid flew off and boiling water burned my hand."
    )
    triage_event(ticket_id, "ev-1")
    assert _level_on_ticket(stack, ticket_id) == level_value(1)
    # WHEN an agent sets the level to 2 in Zendesk, and the field-changed event is triaged
    agent, agent_id = agent_client(stack)
    catalog = FieldCatalog.from_account(stack.zendesk.list_ticket_fields(), [])
    agent.update_ticket(
        ticket_id, {"custom_fields": [{"id": catalog.field_ids[LEVEL_FIELD], "value": level_value(2)}]}
    )
    triage_event(ticket_id, "ev-2", EventType.FIELD_CHANGED)
    # AND the customer writes again and that is triaged too
    requester = int(stack.zendesk.get_ticket(ticket_id)["requester_id"])
    stack.zendesk.update_ticket(
        ticket_id, {"comment": {"body": "Any news? My hand still hurts.", "author_id": requester}}
    )
    triage_event(ticket_id, "ev-3", EventType.COMMENT_ADDED)
    # THEN the ticket keeps the agent's level: no plugin write set the level field again
    assert _level_on_ticket(stack, ticket_id) == level_value(2)
    level_id = str(catalog.field_ids[LEVEL_FIELD])
    rewrites = [
        e for a in stack.plugin_writes(ticket_id)[1:] for e in a["events"] if e.get("field_name") == level_id
    ]
    assert rewrites == []
    # AND the archive keeps the correction, by that agent, with the customer's words
    s3 = boto3.client("s3", region_name=REGION)
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket="archive-bucket")["Contents"]
        if "-correction-" in o["Key"]
    ]
    (key,) = keys
    stored = json.loads(s3.get_object(Bucket="archive-bucket", Key=key)["Body"].read())
    assert stored["body"]["correction"]["by"] == agent_id
    assert (stored["body"]["correction"]["before"], stored["body"]["correction"]["after"]) == ("1", "2")
    assert "boiling water" in stored["body"]["text"]["description"]
    # AND `triage eval --corrections` for today counts one level-1 grade an agent made level 2
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    capsys.readouterr()
    code = main(
        ["eval", "--corrections", "--from", today, "--to", today, "--bucket", "archive-bucket", "--json"]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    levels = {row["level"]: row for row in report["levels"]}
    assert levels[1]["precision"] == 0.0 and levels[2]["support"] == 1 and levels[2]["recall"] == 0.0
