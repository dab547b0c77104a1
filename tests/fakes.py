"""In-memory stand-ins for the triage's ports (Zendesk tickets, complaint records), for unit tests.

They keep only what the use case observes: ticket JSON as Zendesk returns it, comments, audits
with their metadata, and `updated_at` stamps that move on every write (so `safe_update` can 409).
"""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from integrations.zendesk.errors import ZendeskConflict, ZendeskError, ZendeskNotFound
from integrations.zendesk.events import EventSource, EventType, TicketEvent
from policies.complaint_state import ComplaintRecord

AGENT_ID = 900
PLUGIN_ID = 901
REQUESTER_ID = 500


class FakeTicketApi:
    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
        self.tickets: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.audits: dict[int, list[dict[str, Any]]] = {}
        self.updates: list[tuple[int, dict[str, Any]]] = []
        self.update_errors: list[Exception] = []  # raised by the next update_ticket calls, in order
        self.land_before_error = False  # the next injected error comes after the write landed
        self._ids = itertools.count(1000)
        self.created: list[int] = []
        self.create_errors: list[Exception] = []  # raised by the next create_ticket calls, in order
        self.users: dict[str, dict[str, Any]] = {}

    # ---- test set-up ------------------------------------------------------------
    def add_ticket(self, subject: str, description: str, **fields: Any) -> int:
        ticket_id = next(self._ids)
        self.tickets[ticket_id] = {
            "id": ticket_id,
            "subject": subject,
            "description": description,
            "status": "new",
            "priority": None,
            "requester_id": REQUESTER_ID,
            "group_id": None,
            "created_at": _iso(self.now),
            "updated_at": _iso(self.now),
            "tags": [],
            "via": {"channel": "web"},
            "custom_fields": [],
            **fields,
        }
        self.comments[ticket_id] = []
        self.audits[ticket_id] = []
        self.add_comment(ticket_id, description, author_id=REQUESTER_ID)
        return ticket_id

    def add_comment(
        self,
        ticket_id: int,
        body: str,
        *,
        author_id: int,
        public: bool = True,
        attachments: list[tuple[str, str]] = (),  # type: ignore[assignment]
    ) -> None:
        """A comment; `attachments` as (file name, content type), shaped as Zendesk lists them."""
        self.tick()
        self.comments[ticket_id].append(
            {
                "id": next(self._ids),
                "author_id": author_id,
                "public": public,
                "body": body,
                "created_at": _iso(self.now),
                "attachments": [
                    {
                        "id": next(self._ids),
                        "file_name": name,
                        "content_type": kind,
                        "inline": False,
                        "size": 1,
                    }
                    for name, kind in attachments
                ],
            }
        )
        self.tickets[ticket_id]["updated_at"] = _iso(self.now)

    def set_status(self, ticket_id: int, status: str) -> None:
        self.tick()
        self.tickets[ticket_id]["status"] = status
        self.tickets[ticket_id]["updated_at"] = _iso(self.now)

    def agent_sets_field(
        self, ticket_id: int, field_id: int, value: str, *, author_id: int = AGENT_ID
    ) -> None:
        """An agent picks another option of a drop-down in the Zendesk agent workspace."""
        self.tick()
        ticket = self.tickets[ticket_id]
        previous = next((f["value"] for f in ticket["custom_fields"] if f["id"] == field_id), None)
        others = [f for f in ticket["custom_fields"] if f["id"] != field_id]
        ticket["custom_fields"] = [*others, {"id": field_id, "value": value}]
        ticket["updated_at"] = _iso(self.now)
        self.audits[ticket_id].append(
            {
                "id": next(self._ids),
                "author_id": author_id,
                "created_at": _iso(self.now),
                "metadata": {"custom": {}},
                "events": [
                    {
                        "type": "Change",
                        "field_name": str(field_id),
                        "value": value,
                        "previous_value": previous,
                    }
                ],
            }
        )

    def agent_adds_tag(self, ticket_id: int, tag: str) -> None:
        """An agent applies a macro that adds `tag`."""
        self.tick()
        ticket = self.tickets[ticket_id]
        ticket["tags"] = sorted({*ticket["tags"], tag})
        ticket["updated_at"] = _iso(self.now)

    def customer_rates(self, ticket_id: int, score: str, comment: str = "") -> None:
        """The requester answers Zendesk's satisfaction survey."""
        self.tick()
        self.tickets[ticket_id]["satisfaction_rating"] = {
            "id": next(self._ids),
            "score": score,
            "comment": comment,
        }
        self.tickets[ticket_id]["updated_at"] = _iso(self.now)

    def tick(self, minutes: int = 1) -> None:
        self.now += timedelta(minutes=minutes)

    # ---- the port ---------------------------------------------------------------
    def get_ticket(self, ticket_id: int) -> dict[str, Any]:
        if ticket_id not in self.tickets:
            raise ZendeskNotFound("not found", status=404)
        return copy.deepcopy(self.tickets[ticket_id])

    def list_comments(self, ticket_id: int) -> list[dict[str, Any]]:
        return copy.deepcopy(self.comments[ticket_id])

    def list_audits(self, ticket_id: int) -> list[dict[str, Any]]:
        return copy.deepcopy(self.audits[ticket_id])

    def update_ticket(
        self, ticket_id: int, changes: dict[str, Any], *, updated_stamp: str | None = None
    ) -> dict[str, Any]:
        if self.update_errors and not self.land_before_error:
            raise self.update_errors.pop(0)
        ticket = self.tickets[ticket_id]
        if updated_stamp is not None and updated_stamp != ticket["updated_at"]:
            raise ZendeskConflict("stale updated_stamp", status=409)
        self.tick()
        self.updates.append((ticket_id, copy.deepcopy(changes)))
        tags = set(ticket["tags"]) | set(changes.get("additional_tags", []))
        ticket["tags"] = sorted(tags - set(changes.get("remove_tags", [])))
        for key in ("priority", "group_id", "status"):
            if key in changes:
                ticket[key] = changes[key]
        values = {f["id"]: f["value"] for f in ticket["custom_fields"]}
        values.update({f["id"]: f["value"] for f in changes.get("custom_fields", [])})
        ticket["custom_fields"] = [{"id": k, "value": v} for k, v in values.items()]
        if "comment" in changes:
            self.comments[ticket_id].append(
                {
                    "id": next(self._ids),
                    "author_id": changes["comment"].get("author_id", PLUGIN_ID),
                    "public": changes["comment"]["public"],
                    "body": changes["comment"]["body"],
                    "created_at": _iso(self.now),
                }
            )
        self.audits[ticket_id].append(
            {
                "id": next(self._ids),
                "author_id": PLUGIN_ID,
                "metadata": {"custom": changes.get("metadata", {})},
            }
        )
        ticket["updated_at"] = _iso(self.now)
        if self.update_errors and self.land_before_error:
            self.land_before_error = False
            raise self.update_errors.pop(0)
        return copy.deepcopy(ticket)

    def create_ticket(self, payload: dict[str, Any]) -> dict[str, Any]:
        if self.create_errors:
            raise self.create_errors.pop(0)
        comment = payload["comment"]
        ticket_id = self.add_ticket(
            payload.get("subject", ""),
            comment["body"],
            requester_id=payload.get("requester_id", REQUESTER_ID),
            external_id=payload.get("external_id"),
            tags=sorted(payload.get("tags", [])),
            custom_fields=list(payload.get("custom_fields", [])),
            via={"channel": "api"},
        )
        self.comments[ticket_id][0]["author_id"] = comment.get("author_id", REQUESTER_ID)
        self.created.append(ticket_id)
        return copy.deepcopy(self.tickets[ticket_id])

    def find_tickets_by_external_id(self, external_id: str) -> list[dict[str, Any]]:
        return [copy.deepcopy(t) for t in self.tickets.values() if t.get("external_id") == external_id]

    def create_or_update_user(self, user: dict[str, Any]) -> dict[str, Any]:
        key = user["external_id"]
        if key not in self.users:
            self.users[key] = {"id": 7000 + len(self.users), **user}
        return copy.deepcopy(self.users[key])

    def notes(self, ticket_id: int) -> list[str]:
        return [c["body"] for c in self.comments[ticket_id] if c["author_id"] == PLUGIN_ID]


class InMemoryComplaintRecords:
    def __init__(self) -> None:
        self.records: dict[int, ComplaintRecord] = {}
        self.write_intents: set[tuple[int, str]] = set()
        self.saves = 0
        self.fail_next_save: ZendeskError | Exception | None = None

    def get(self, ticket_id: int) -> ComplaintRecord | None:
        return self.records.get(ticket_id)

    def note_write(self, ticket_id: int, event_id: str) -> bool:
        seen = (ticket_id, event_id) in self.write_intents
        self.write_intents.add((ticket_id, event_id))
        return seen

    def tickets_to_check(self, now: datetime) -> list[int]:
        return sorted(
            ticket_id
            for ticket_id, record in self.records.items()
            if any((at := o.next_check_at()) is not None and at <= now for o in record.obligations.values())
        )

    def save(self, record: ComplaintRecord) -> ComplaintRecord:
        if self.fail_next_save is not None:
            error, self.fail_next_save = self.fail_next_save, None
            raise error
        stored = self.records.get(record.ticket_id)
        if (stored.version if stored else 0) != record.version:
            raise AssertionError("stale record saved")
        saved = record.model_copy(update={"version": record.version + 1})
        self.records[record.ticket_id] = saved
        self.saves += 1
        return saved


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RecordedAlerts:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    def publish(self, alert: Any) -> str:
        self.sent.append(alert)
        return f"message-{len(self.sent)}"


class InMemoryProblemClusters:
    """ProblemClusters' behaviour without a window (tests stay inside it)."""

    def __init__(self) -> None:
        self.members: dict[str, dict[int, tuple[str, str]]] = {}
        self.fanned_out: set[str] = set()
        self.grouped: set[str] = set()
        self.joins = 0

    def join(
        self,
        key: str,
        *,
        customer: str,
        ticket_id: int,
        at: Any,
        window: Any,
        min_customers: int,
        quote: str = "",
    ) -> Any:
        self.joins += 1
        self.members.setdefault(key, {}).setdefault(ticket_id, (customer, quote))
        return self._state(key, min_customers, regroup=True)

    def customers(self, key: str, *, at: Any, window: Any) -> int:
        return len({c for c, _ in self.members.get(key, {}).values()})

    def leave(self, key: str, *, ticket_id: int, at: Any, window: Any, min_customers: int) -> Any:
        self.members.setdefault(key, {}).pop(ticket_id, None)
        return self._state(key, min_customers, regroup=False)

    def _state(self, key: str, min_customers: int, *, regroup: bool) -> Any:
        from infra.problem_clusters import ClusterState

        members = self.members[key]
        customers = len({c for c, _ in members.values()})
        if customers >= min_customers:
            self.grouped.add(key)
        elif not regroup:
            self.grouped.discard(key)
        grouped = key in self.grouped
        quotes = tuple((t, q) for t, (_, q) in members.items())
        return ClusterState(
            key, customers, tuple(members), grouped, grouped and key not in self.fanned_out, quotes
        )

    def mark_fanned_out(self, key: str) -> None:
        self.fanned_out.add(key)


class RecordedQueue:
    def __init__(self) -> None:
        self.events: list[Any] = []

    def enqueue(self, event: Any, raw_body: bytes) -> str:
        self.events.append(event)
        return f"message-{len(self.events)}"


class RecordedArchive:
    """Keeps entries by archive key, as the real one does: a second put of the same event is a no-op."""

    def __init__(self) -> None:
        self.entries: dict[str, Any] = {}
        self.puts = 0

    def put(self, entry: Any) -> str:
        from infra.archive import archive_key

        self.puts += 1
        key = archive_key(entry)
        self.entries.setdefault(key, entry)
        return key


class InMemoryPostLedger:
    """SocialLedger's post items, in memory: begin once, resume where a post stopped."""

    def __init__(self) -> None:
        from infra.social_ledger import PostProgress

        self.items: dict[str, PostProgress] = {}

    def begin(self, post: Any, now: datetime) -> Any:
        from infra.social_ledger import PostProgress

        return self.items.setdefault(post.key, PostProgress(key=post.key, seen_at=now))

    def record(self, progress: Any) -> Any:
        self.items[progress.key] = progress
        return progress

    def ticket_for_thread(self, thread_key: str) -> int | None:
        progress = self.items.get(thread_key)
        return None if progress is None else progress.ticket_id


EVENT_TIME = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def ticket_event(
    ticket_id: int,
    kind: EventType = EventType.CREATED,
    event_id: str = "ev-1",
    *,
    at: datetime = EVENT_TIME,
    zendesk_type: str | None = None,
) -> TicketEvent:
    """A ticket event as Zendesk's event subscription delivers it (default: ticket.<kind>)."""
    return TicketEvent(
        event_id=event_id,
        event_type=kind,
        ticket_id=ticket_id,
        occurred_at=at,
        source=EventSource.EVENT_SUBSCRIPTION,
        zendesk_type=zendesk_type or f"zen:event-type:ticket.{kind.value}",
    )


class DirectoryS3:
    """Writes what the analytics writer puts into a directory laid out as the bucket."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put_object(self, Bucket: str, Key: str, Body: bytes, **_: object) -> None:
        path = self.root / Key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Body)
