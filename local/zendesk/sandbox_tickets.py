"""Tickets, their comments and audits in the sandbox, with Zendesk's write rules.

What the plugin relies on, and what this module reproduces:
- every successful write stores exactly one audit, authored by the caller,
  with one event per change (Create on creation, Change after, Comment);
- `updated_at` moves forward on every write, even twice in one second, so a
  `safe_update` with a stale `updated_stamp` is refused with 409;
- `additional_tags` / `remove_tags` edit the tag list, plain `tags` replaces it;
- drop-down (tagger) fields add their option's tag, and unknown option values
  are silently ignored, as Zendesk does;
- a closed ticket cannot be updated (422);
- a file uploaded to /api/v2/uploads is attached to the comment whose `uploads` names its token,
  once; a token no upload issued is refused (422).
Each write also returns the ticket events that webhooks subscribe to.
"""

from __future__ import annotations

import copy
import itertools
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from local.zendesk.sandbox_clock import iso_seconds, parse_iso
from local.zendesk.sandbox_directory import CUSTOM_FIELD_TYPES, OPTION_FIELD_TYPES, Directory
from local.zendesk.sandbox_errors import (
    field_error,
    forbidden,
    missing_parameter,
    not_found,
    update_conflict,
)

Json = dict[str, Any]

PRIORITIES = ("low", "normal", "high", "urgent")
STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
EVENT_CREATED = "zen:event-type:ticket.created"
EVENT_COMMENT_ADDED = "zen:event-type:ticket.comment_added"
EVENT_STATUS_CHANGED = "zen:event-type:ticket.status_changed"
EVENT_PRIORITY_CHANGED = "zen:event-type:ticket.priority_changed"
EVENT_CUSTOM_FIELD_CHANGED = "zen:event-type:ticket.custom_field_changed"
EVENT_TAGS_CHANGED = "zen:event-type:ticket.tags_changed"
# An upload token lasts 60 minutes: https://support.zendesk.com/hc/en-us/articles/4408887057946
UPLOAD_TOKEN_LIFETIME_SECONDS = 60 * 60


@dataclass(frozen=True)
class TicketEvent:
    """Something webhooks subscribe to: its type, its `event` object, and the ticket after the write."""

    type: str
    ticket: Json
    event: Json
    actor_id: int
    sequence_id: str
    position: int = 1
    total: int = 1


@dataclass
class IgnoredValue:
    """A custom-field value Zendesk would drop without an error (kept so tests can see it)."""

    ticket_id: int
    field_id: int
    value: Any


@dataclass
class _Write:
    """The events of one write, collected while the change is applied."""

    audit_events: list[Json] = field(default_factory=list)
    kinds: list[tuple[str, Json]] = field(default_factory=list)


class TicketBook:
    """All tickets of the account. Callers hold the sandbox lock."""

    def __init__(self, clock: Callable[[], float], directory: Directory) -> None:
        self._clock = clock
        self._directory = directory
        self._ticket_ids = itertools.count(1)
        self._event_ids = itertools.count(50_000_000_001)
        self.tickets: dict[int, Json] = {}
        self.comments: dict[int, list[Json]] = {}
        self.audits: dict[int, list[Json]] = {}
        self.ignored_values: list[IgnoredValue] = []
        self._uploads: dict[str, Json] = {}  # token → the attachment it will become

    def upload(self, file_name: str, content_type: str, size: int) -> Json:
        """A file uploaded and waiting for a comment; the answer of POST /api/v2/uploads."""
        token = uuid.uuid4().hex[:15]
        attachment_id = next(self._event_ids)
        attachment = {
            "id": attachment_id,
            "file_name": file_name,
            "content_url": f"https://sandbox.zendesk.local/attachments/token/{token}/?name={file_name}",
            "content_type": content_type,
            "size": size,
            "inline": False,
            "deleted": False,
        }
        self._uploads[token] = attachment
        expires_at = iso_seconds(self._clock() + UPLOAD_TOKEN_LIFETIME_SECONDS)
        return {
            "token": token,
            "expires_at": expires_at,
            "attachment": attachment,
            "attachments": [attachment],
        }

    def _attachments(self, comment: Any) -> list[Json]:
        tokens = comment.get("uploads") if isinstance(comment, Mapping) else None
        if not tokens:
            return []
        if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
            raise field_error("uploads", "Uploads: must be a list of upload tokens", "InvalidValue")
        unknown = [t for t in tokens if t not in self._uploads]
        if unknown:
            raise field_error("uploads", f"Uploads: unknown token {unknown[0]}", "InvalidValue")
        return [self._uploads.pop(t) for t in tokens]

    # ---- reads -----------------------------------------------------------
    def show(self, ticket_id: int) -> Json:
        return self._render(self._get(ticket_id))

    def list_tickets(self, external_id: str | None = None) -> list[Json]:
        return [
            self._render(t)
            for t in self.tickets.values()
            if external_id is None or t["external_id"] == external_id
        ]

    def list_comments(self, ticket_id: int) -> list[Json]:
        self._get(ticket_id)
        return copy.deepcopy(self.comments[ticket_id])

    def last_audit(self, ticket_id: int) -> Json:
        """The audit of the ticket's latest write: Zendesk returns it with the created or updated ticket."""
        return copy.deepcopy(self.audits[ticket_id][-1])

    def rate(self, ticket_id: int, data: Any, actor_id: int, client: str) -> tuple[Json, list[TicketEvent]]:
        """POST /api/v2/tickets/{id}/satisfaction_rating: only the requester, only once the ticket is
        solved, scores good or bad. Recorded on the ticket and in an audit, as Zendesk does."""
        ticket = self._get(ticket_id)
        if actor_id != ticket["requester_id"]:
            raise forbidden("Only the requester of the ticket can rate it")
        if ticket["status"] not in ("solved", "closed"):
            raise field_error("status", "Status: the ticket must be solved to be rated", "InvalidValue")
        rating = data.get("satisfaction_rating") if isinstance(data, Mapping) else None
        if not isinstance(rating, Mapping) or rating.get("score") not in ("good", "bad"):
            raise field_error("score", "Score: must be good or bad", "InvalidValue")
        stamp = self._next_stamp(ticket["updated_at"])
        saved = {
            "id": self._directory.next_id(),
            "score": rating["score"],
            "comment": str(rating.get("comment") or ""),
            "ticket_id": ticket_id,
            "requester_id": ticket["requester_id"],
            "created_at": stamp,
            "updated_at": stamp,
        }
        write = _Write()
        write.audit_events.append(
            self._event("SatisfactionRating", score=saved["score"], body=saved["comment"], assignee_id=None)
        )
        ticket["satisfaction_rating"] = {
            "id": saved["id"],
            "score": saved["score"],
            "comment": saved["comment"],
        }
        ticket["updated_at"] = stamp
        self._commit(ticket, write, actor_id, client, metadata=None)
        return saved, []

    def list_audits(self, ticket_id: int) -> list[Json]:
        self._get(ticket_id)
        return copy.deepcopy(self.audits[ticket_id])

    # ---- writes ----------------------------------------------------------
    def create(self, data: Any, actor_id: int, client: str) -> tuple[Json, list[TicketEvent]]:
        data = _ticket_object(data)
        comment = data.get("comment")
        body = _comment_body(comment) if isinstance(comment, Mapping) else ""
        if not body and isinstance(data.get("description"), str):
            body = data["description"].strip()
        if not body:
            raise field_error("description", "Description: cannot be blank", "BlankValue")
        priority = _valid_priority(data.get("priority"))
        status = _valid_status(data.get("status", "new"))
        group_id = self._valid_group(data.get("group_id"))
        author_id = _author(comment, actor_id)
        requester_id = self._requester(data, actor_id)
        public = _public_flag(comment)
        ticket_id = next(self._ticket_ids)
        tags = normalise_tags(data.get("tags") or [])
        fields, tags = self._apply_custom_fields({}, tags, data.get("custom_fields"), ticket_id=ticket_id)
        stamp = iso_seconds(self._clock())
        ticket: Json = {
            "id": ticket_id,
            "external_id": None if data.get("external_id") in (None, "") else str(data["external_id"]),
            "subject": str(data.get("subject") or body.splitlines()[0][:150]),
            "description": body,
            "status": status,
            "priority": priority,
            "type": data.get("type"),
            "requester_id": requester_id,
            "submitter_id": actor_id,
            "assignee_id": data.get("assignee_id"),
            "group_id": group_id,
            "tags": tags,
            "custom_field_values": fields,
            "is_public": public,
            "created_at": stamp,
            "updated_at": stamp,
        }
        first_event, first_comment = self._comment_event(
            stamp, body, public, author_id, self._attachments(comment)
        )
        write = _Write(audit_events=[first_event])
        for name in ("subject", "requester_id", "status", "priority", "type", "group_id", "tags"):
            if ticket[name] not in (None, []):
                write.audit_events.append(self._event("Create", field_name=name, value=ticket[name]))
        for field_id, value in fields.items():
            write.audit_events.append(self._event("Create", field_name=str(field_id), value=value))
        write.kinds.append((EVENT_CREATED, {}))
        self.tickets[ticket_id] = ticket
        self.comments[ticket_id] = [first_comment]
        self.audits[ticket_id] = []
        return self._commit(ticket, write, actor_id, client, metadata=data.get("metadata"))

    def update(self, ticket_id: int, data: Any, actor_id: int, client: str) -> tuple[Json, list[TicketEvent]]:
        ticket = self._get(ticket_id)
        data = _ticket_object(data)
        if data.get("safe_update") and not _same_instant(data.get("updated_stamp"), ticket["updated_at"]):
            raise update_conflict()
        if ticket["status"] == "closed":
            raise field_error("status", "Status: closed prevents ticket update", "ClosedTicket")

        # Validate everything before changing anything.
        after = dict(ticket)
        if "priority" in data:
            after["priority"] = _valid_priority(data["priority"])
        if "status" in data:
            after["status"] = _valid_status(data["status"])
            if after["status"] == "new" and ticket["status"] != "new":
                raise field_error("status", "Status: cannot be set back to New", "InvalidValue")
        if "group_id" in data:
            after["group_id"] = self._valid_group(data["group_id"])
        for key in ("subject", "type", "assignee_id"):
            if key in data:
                after[key] = data[key]
        if "external_id" in data:
            after["external_id"] = None if data["external_id"] in (None, "") else str(data["external_id"])
        if "requester_id" in data or "requester" in data:
            after["requester_id"] = self._requester(data, actor_id)
        comment = data.get("comment")
        body = _comment_body(comment) if isinstance(comment, Mapping) else ""
        author_id = _author(comment, actor_id)
        tags = normalise_tags(data["tags"]) if "tags" in data else list(ticket["tags"])
        tags = sorted(set(tags) | set(normalise_tags(data.get("additional_tags") or [])))
        tags = sorted(set(tags) - set(normalise_tags(data.get("remove_tags") or [])))
        fields, tags = self._apply_custom_fields(
            ticket["custom_field_values"], tags, data.get("custom_fields"), ticket_id=ticket_id
        )
        after["tags"], after["custom_field_values"] = tags, fields

        stamp = self._next_stamp(ticket["updated_at"])
        write = _Write()
        new_comment: Json | None = None
        if body:
            attached = self._attachments(comment)
            event, new_comment = self._comment_event(stamp, body, _public_flag(comment), author_id, attached)
            write.audit_events.append(event)
            write.kinds.append((EVENT_COMMENT_ADDED, {"comment": self._comment_summary(new_comment)}))
        for name in (
            "subject",
            "status",
            "priority",
            "type",
            "group_id",
            "assignee_id",
            "requester_id",
            "external_id",
            "tags",
        ):
            if after[name] != ticket[name]:
                write.audit_events.append(
                    self._event("Change", field_name=name, value=after[name], previous_value=ticket[name])
                )
        for field_id in sorted(set(fields) | set(ticket["custom_field_values"])):
            old, new = ticket["custom_field_values"].get(field_id), fields.get(field_id)
            if old != new:
                write.audit_events.append(
                    self._event("Change", field_name=str(field_id), value=new, previous_value=old)
                )
                definition = self._directory.ticket_fields[field_id]
                field = {"id": field_id, "title": definition["title"], "field_type": definition["type"]}
                write.kinds.append(
                    (EVENT_CUSTOM_FIELD_CHANGED, {"current": new, "previous": old, "custom_field": field})
                )
        if after["tags"] != ticket["tags"]:
            added = sorted(set(after["tags"]) - set(ticket["tags"]))
            removed = sorted(set(ticket["tags"]) - set(after["tags"]))
            write.kinds.append((EVENT_TAGS_CHANGED, {"tags_added": added, "tags_removed": removed}))
        if after["status"] != ticket["status"]:
            write.kinds.append(
                (
                    EVENT_STATUS_CHANGED,
                    {"current": after["status"].upper(), "previous": ticket["status"].upper()},
                )
            )
        if after["priority"] != ticket["priority"]:
            write.kinds.append(
                (
                    EVENT_PRIORITY_CHANGED,
                    {
                        "current": (after["priority"] or "").upper() or None,
                        "previous": (ticket["priority"] or "").upper() or None,
                    },
                )
            )

        ticket.update(after)
        if new_comment is not None:
            self.comments[ticket_id].append(new_comment)
        ticket["updated_at"] = stamp
        return self._commit(ticket, write, actor_id, client, metadata=data.get("metadata"))

    # ---- internals ---------------------------------------------------------
    def _commit(
        self, ticket: Json, write: _Write, actor_id: int, client: str, metadata: Any
    ) -> tuple[Json, list[TicketEvent]]:
        audit_id = self._directory.next_id()
        for event in write.audit_events:
            if event["type"] == "Comment":
                event["audit_id"] = audit_id
                for stored in self.comments[ticket["id"]]:
                    if stored["id"] == event["id"]:
                        stored["audit_id"] = audit_id
        audit = {
            "id": audit_id,
            "ticket_id": ticket["id"],
            "created_at": ticket["updated_at"],
            "author_id": actor_id,
            "metadata": {
                "system": {"client": client, "ip_address": "127.0.0.1"},
                "custom": dict(metadata) if isinstance(metadata, Mapping) else {},
            },
            "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}},
            "events": write.audit_events,
        }
        self.audits[ticket["id"]].append(audit)
        rendered = self._render(ticket)
        sequence = uuid.uuid4().hex.upper()
        events = [
            TicketEvent(kind, copy.deepcopy(rendered), payload, actor_id, sequence, i, len(write.kinds))
            for i, (kind, payload) in enumerate(write.kinds, start=1)
        ]
        return rendered, events

    def _next_stamp(self, previous: str) -> str:
        """Now, or one second after the previous write if that is not later: stamps never repeat."""
        now = int(self._clock())
        before = parse_iso(previous)
        floor = int(before.timestamp()) + 1 if before else now
        return iso_seconds(max(now, floor))

    def _get(self, ticket_id: int) -> Json:
        if ticket_id not in self.tickets:
            raise not_found()
        return self.tickets[ticket_id]

    def _event(self, kind: str, **values: Any) -> Json:
        return {"id": next(self._event_ids), "type": kind, **copy.deepcopy(values)}

    def _comment_event(
        self,
        stamp: str,
        body: str,
        public: bool,
        author_id: int,
        attachments: list[Json] = (),  # type: ignore[assignment]
    ) -> tuple[Json, Json]:
        """The audit's Comment event and the comment record it creates (same id, as in Zendesk)."""
        event = self._event(
            "Comment",
            body=body,
            html_body=f"<p>{body}</p>",
            plain_body=body,
            public=public,
            author_id=author_id,
            attachments=list(attachments),
        )
        comment = {
            "id": event["id"],
            "type": "Comment",
            "author_id": author_id,
            "body": body,
            "html_body": event["html_body"],
            "plain_body": body,
            "public": public,
            "attachments": copy.deepcopy(list(attachments)),
            "audit_id": None,
            "via": {"channel": "api"},
            "created_at": stamp,
        }
        return event, comment

    def _comment_summary(self, comment: Json) -> Json:
        author = self._directory.users.get(comment["author_id"], {})
        return {
            "id": str(comment["id"]),
            "body": comment["body"],
            "is_public": comment["public"],
            "author": {
                "id": str(comment["author_id"]),
                "is_staff": author.get("role") in ("admin", "agent"),
                "name": author.get("name", ""),
            },
        }

    def _requester(self, data: Mapping[str, Any], actor_id: int) -> int:
        requester = data.get("requester")
        if isinstance(requester, Mapping):
            return self._directory.end_user_for(requester)
        if data.get("requester_id") is not None:
            try:
                requester_id = int(data["requester_id"])
            except (TypeError, ValueError):
                requester_id = -1
            if requester_id not in self._directory.users:
                raise field_error("requester", "Requester: is invalid", "InvalidValue")
            return requester_id
        return actor_id

    def _valid_group(self, value: Any) -> int | None:
        if value is None:
            return None
        try:
            group_id = int(value)
        except (TypeError, ValueError):
            group_id = -1
        if group_id not in self._directory.groups:
            raise field_error("group", "Group: is invalid", "InvalidValue")
        return group_id

    def _apply_custom_fields(
        self, current: Mapping[int, Any], tags: list[str], raw: Any, *, ticket_id: int
    ) -> tuple[dict[int, Any], list[str]]:
        values = dict(current)
        tag_set = set(tags)
        if raw is None:
            return values, sorted(tag_set)
        for raw_id, value in _field_items(raw):
            try:
                field_id = int(raw_id)
            except (TypeError, ValueError):
                continue
            definition = self._directory.ticket_fields.get(field_id)
            if definition is None or definition["type"] not in CUSTOM_FIELD_TYPES:
                continue  # Zendesk ignores ids it does not know.
            if definition["type"] in OPTION_FIELD_TYPES:
                allowed = {o["value"] for o in definition.get("custom_field_options", [])}
                chosen = value if isinstance(value, list) else [value]
                if any(v is not None and v not in allowed for v in chosen):
                    self.ignored_values.append(IgnoredValue(ticket_id, field_id, value))
                    continue
                old = values.get(field_id)
                tag_set -= set(old if isinstance(old, list) else [old]) - {None}
                tag_set |= {v for v in chosen if v is not None}
            values[field_id] = value
        return values, sorted(tag_set)

    def _render(self, ticket: Json) -> Json:
        base = self._directory.base_url
        custom = [
            {"id": f["id"], "value": copy.deepcopy(ticket["custom_field_values"].get(f["id"]))}
            for f in self._directory.custom_fields()
        ]
        return {
            "id": ticket["id"],
            "url": f"{base}/api/v2/tickets/{ticket['id']}.json",
            "external_id": ticket["external_id"],
            "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": ticket["created_at"],
            "updated_at": ticket["updated_at"],
            "type": ticket["type"],
            "subject": ticket["subject"],
            "raw_subject": ticket["subject"],
            "description": ticket["description"],
            "priority": ticket["priority"],
            "status": ticket["status"],
            "recipient": None,
            "requester_id": ticket["requester_id"],
            "submitter_id": ticket["submitter_id"],
            "assignee_id": ticket["assignee_id"],
            "organization_id": None,
            "group_id": ticket["group_id"],
            "collaborator_ids": [],
            "follower_ids": [],
            "due_at": None,
            "is_public": ticket["is_public"],
            "satisfaction_rating": copy.deepcopy(ticket.get("satisfaction_rating") or {"score": "unoffered"}),
            "tags": list(ticket["tags"]),
            "custom_fields": custom,
            "fields": copy.deepcopy(custom),
            "brand_id": None,
            "allow_channelback": False,
            "allow_attachments": True,
        }


def normalise_tags(raw: Iterable[Any] | str) -> list[str]:
    """Zendesk tags: lower case; a value with spaces becomes several tags; sorted, unique."""
    values = [raw] if isinstance(raw, str) else list(raw)
    return sorted({part.lower() for v in values if v is not None for part in str(v).split()})


def _field_items(raw: Any) -> list[tuple[Any, Any]]:
    """(id, value) pairs from `custom_fields`: a list of {id, value}, or a {id: value} map."""
    if isinstance(raw, Mapping):
        return list(raw.items())
    if isinstance(raw, list):
        return [(item.get("id"), item.get("value")) for item in raw if isinstance(item, Mapping)]
    return []


def _ticket_object(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get("ticket"), Mapping):
        raise missing_parameter("ticket")
    return data["ticket"]


def _author(comment: Any, actor_id: int) -> int:
    """Comments are by the caller unless `author_id` names someone else."""
    if isinstance(comment, Mapping) and comment.get("author_id") is not None:
        try:
            return int(comment["author_id"])
        except (TypeError, ValueError):
            raise field_error("comment", "Comment: author_id is invalid") from None
    return actor_id


def _comment_body(comment: Mapping[str, Any]) -> str:
    return str(comment.get("body") or comment.get("html_body") or "").strip()


def _public_flag(comment: Any) -> bool:
    if isinstance(comment, Mapping) and "public" in comment:
        return comment["public"] not in (False, "false", 0)
    return True


def _valid_priority(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if value not in PRIORITIES:
        raise field_error("priority", f"Priority: {value} is not valid", "InvalidValue")
    return str(value)


def _valid_status(value: Any) -> str:
    if value not in STATUSES:
        raise field_error("status", f"Status: {value} is not valid", "InvalidValue")
    return str(value)


def _same_instant(stamp: Any, updated_at: str) -> bool:
    if not isinstance(stamp, str):
        return False
    mine, theirs = parse_iso(stamp), parse_iso(updated_at)
    return mine is not None and theirs is not None and mine == theirs


__all__ = ["IgnoredValue", "TicketBook", "TicketEvent", "normalise_tags"]
