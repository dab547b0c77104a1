"""Account configuration in the sandbox: users, groups, ticket fields, schedules.

These are the records the plugin's bootstrap creates and the ticket flow
refers to by id. Records are kept in their API shape and copied on the way
out, so callers can never mutate the store through a response.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable, Mapping
from typing import Any

from local.zendesk.sandbox_clock import iso_seconds
from local.zendesk.sandbox_errors import field_error, not_found, record_invalid

Json = dict[str, Any]

CUSTOM_FIELD_TYPES = frozenset(
    {"text", "textarea", "checkbox", "date", "integer", "decimal", "regexp", "tagger", "multiselect"}
)
OPTION_FIELD_TYPES = frozenset({"tagger", "multiselect"})
_SYSTEM_FIELDS = (
    ("subject", "Subject"),
    ("description", "Description"),
    ("status", "Status"),
    ("tickettype", "Type"),
    ("priority", "Priority"),
    ("group", "Group"),
    ("assignee", "Assignee"),
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MINUTES_PER_DAY = 24 * 60
# Zendesk's default schedule: Monday to Friday, 09:00-17:00, as minutes from Sunday 00:00.
DEFAULT_INTERVALS = tuple(
    {"start_time": day * _MINUTES_PER_DAY + 9 * 60, "end_time": day * _MINUTES_PER_DAY + 17 * 60}
    for day in range(1, 6)
)


class Directory:
    """Users, groups, ticket fields and business-hours schedules of one account."""

    def __init__(self, clock: Callable[[], float], admin_name: str, admin_email: str) -> None:
        self._clock = clock
        self._ids = itertools.count(360_000_000_001)
        self.base_url = ""
        self.users: dict[int, Json] = {}
        self.groups: dict[int, Json] = {}
        self.macros: dict[int, Json] = {}
        self.ticket_fields: dict[int, Json] = {}
        self.schedules: dict[int, Json] = {}
        self.holidays: dict[int, dict[int, Json]] = {}
        self.admin_id = self._new_user({"name": admin_name, "email": admin_email, "role": "admin"})["id"]
        for kind, title in _SYSTEM_FIELDS:
            self._store_field({"type": kind, "title": title, "removable": False})

    def _now(self) -> str:
        return iso_seconds(self._clock())

    def next_id(self) -> int:
        return next(self._ids)

    # ---- users -----------------------------------------------------------
    def user(self, user_id: int) -> Json:
        if user_id not in self.users:
            raise not_found()
        return copy.deepcopy(self.users[user_id])

    def create_user(self, data: Mapping[str, Any]) -> Json:
        if not str(data.get("name") or "").strip():
            raise field_error("name", "Name: is too short (minimum one character)", "BlankValue")
        email = _normalise_email(data.get("email"))
        if email and self.find_user_by_email(email) is not None:
            raise field_error(
                "email", f"Email: {email} is already being used by another user", "DuplicateValue"
            )
        return copy.deepcopy(self._new_user({**data, "email": email}))

    def create_or_update_user(self, data: Mapping[str, Any]) -> tuple[int, Json]:
        """Zendesk's upsert: match by e-mail, then external_id; 201 when created, 200 when updated."""
        email = _normalise_email(data.get("email"))
        existing = self.find_user_by_email(email) if email else None
        if existing is None and data.get("external_id") not in (None, ""):
            existing = next(
                (u for u in self.users.values() if u["external_id"] == str(data["external_id"])), None
            )
        if existing is None:
            return 201, self.create_user(data)
        for key in ("name", "role", "external_id", "phone", "time_zone", "locale"):
            if key in data:
                existing[key] = data[key] if key != "external_id" or data[key] is None else str(data[key])
        if email:
            existing["email"] = email
        existing["updated_at"] = self._now()
        return 200, copy.deepcopy(existing)

    def find_user_by_email(self, email: str | None) -> Json | None:
        wanted = _normalise_email(email)
        return next((u for u in self.users.values() if wanted and u["email"] == wanted), None)

    def end_user_for(self, requester: Mapping[str, Any]) -> int:
        """The id of the requester named by {name, email}; created as an end-user if new."""
        email = _normalise_email(requester.get("email"))
        if email:
            found = self.find_user_by_email(email)
            if found is not None:
                return int(found["id"])
        name = str(requester.get("name") or email or "").strip()
        if not name:
            raise field_error("requester", "Requester: Name: is too short (minimum one character)")
        return int(self._new_user({"name": name, "email": email, "role": "end-user"})["id"])

    def _new_user(self, data: Mapping[str, Any]) -> Json:
        user_id, now = self.next_id(), self._now()
        ext = data.get("external_id")
        user = {
            "id": user_id,
            "url": f"{self.base_url}/api/v2/users/{user_id}.json",
            "name": str(data.get("name") or "").strip(),
            "email": _normalise_email(data.get("email")),
            "role": data.get("role") or "end-user",
            "external_id": None if ext in (None, "") else str(ext),
            "phone": data.get("phone"),
            "time_zone": data.get("time_zone", "UTC"),
            "locale": data.get("locale", "en-US"),
            "active": True,
            "verified": bool(data.get("verified", False)),
            "created_at": now,
            "updated_at": now,
        }
        self.users[user_id] = user
        return user

    def rebase_urls(self) -> None:
        """Fill `url` fields once the server knows its port."""
        for user in self.users.values():
            user["url"] = f"{self.base_url}/api/v2/users/{user['id']}.json"
        for field in self.ticket_fields.values():
            field["url"] = f"{self.base_url}/api/v2/ticket_fields/{field['id']}.json"

    # ---- groups ----------------------------------------------------------
    def create_macro(self, data: Mapping[str, Any]) -> Json:
        """POST /api/v2/macros: a title and at least one action, each a field and a value."""
        title = str(data.get("title") or "").strip()
        if not title:
            raise field_error("title", "Title: cannot be blank", "BlankValue")
        actions = data.get("actions")
        if not isinstance(actions, list) or not actions:
            raise field_error("actions", "Actions: cannot be blank", "BlankValue")
        for action in actions:
            if not isinstance(action, Mapping) or not str(action.get("field") or "") or "value" not in action:
                raise field_error("actions", "Actions: each needs a field and a value", "InvalidValue")
        macro_id, now = self.next_id(), self._now()
        macro = {
            "id": macro_id,
            "url": f"{self.base_url}/api/v2/macros/{macro_id}.json",
            "title": title,
            "active": bool(data.get("active", True)),
            "actions": [dict(a) for a in actions],
            "description": data.get("description"),
            "restriction": data.get("restriction"),
            "created_at": now,
            "updated_at": now,
        }
        self.macros[macro_id] = macro
        return copy.deepcopy(macro)

    def create_group(self, data: Mapping[str, Any]) -> Json:
        name = str(data.get("name") or "").strip()
        if not name:
            raise field_error("name", "Name: cannot be blank", "BlankValue")
        group_id, now = self.next_id(), self._now()
        group = {
            "id": group_id,
            "url": f"{self.base_url}/api/v2/groups/{group_id}.json",
            "name": name,
            "description": str(data.get("description") or ""),
            "default": False,
            "deleted": False,
            "is_public": bool(data.get("is_public", True)),
            "created_at": now,
            "updated_at": now,
        }
        self.groups[group_id] = group
        return copy.deepcopy(group)

    # ---- ticket fields -----------------------------------------------------
    def custom_fields(self) -> list[Json]:
        return [f for f in self.ticket_fields.values() if f["type"] in CUSTOM_FIELD_TYPES]

    def ticket_field(self, field_id: int) -> Json:
        if field_id not in self.ticket_fields:
            raise not_found()
        return copy.deepcopy(self.ticket_fields[field_id])

    def create_ticket_field(self, data: Mapping[str, Any]) -> Json:
        kind = str(data.get("type") or "")
        title = str(data.get("title") or "").strip()
        errors: dict[str, list[dict[str, str]]] = {}
        if kind not in CUSTOM_FIELD_TYPES:
            errors["type"] = [
                {"description": f"Type: {kind or 'blank'} is not a valid field type", "error": "InvalidValue"}
            ]
        if not title:
            errors["title"] = [{"description": "Title: cannot be blank", "error": "BlankValue"}]
        if errors:
            raise record_invalid(errors)
        options = self._options(kind, data.get("custom_field_options"), previous=[])
        return copy.deepcopy(self._store_field({**data, "type": kind, "title": title, "options": options}))

    def update_ticket_field(self, field_id: int, data: Mapping[str, Any]) -> Json:
        if field_id not in self.ticket_fields:
            raise not_found()
        field = self.ticket_fields[field_id]
        if "type" in data and data["type"] != field["type"]:
            raise field_error("type", "Type: cannot be changed", "InvalidValue")
        if "title" in data and not str(data["title"] or "").strip():
            raise field_error("title", "Title: cannot be blank", "BlankValue")
        if "custom_field_options" in data:
            # Zendesk replaces the whole option list; options keep their id when the value is unchanged.
            field["custom_field_options"] = self._options(
                field["type"], data["custom_field_options"], previous=field.get("custom_field_options", [])
            )
        for key in ("title", "description", "active", "required", "key", "tag", "position"):
            if key in data:
                field[key] = data[key]
        if "title" in data:
            field["raw_title"] = field["title"]
        field["updated_at"] = self._now()
        return copy.deepcopy(field)

    def _store_field(self, data: Mapping[str, Any]) -> Json:
        field_id, now = self.next_id(), self._now()
        field: Json = {
            "id": field_id,
            "url": f"{self.base_url}/api/v2/ticket_fields/{field_id}.json",
            "type": data["type"],
            "title": data["title"],
            "raw_title": data["title"],
            "description": str(data.get("description") or ""),
            "active": bool(data.get("active", True)),
            "required": bool(data.get("required", False)),
            "removable": bool(data.get("removable", True)),
            "key": data.get("key"),
            "tag": data.get("tag"),
            "position": data.get("position", len(self.ticket_fields)),
            "created_at": now,
            "updated_at": now,
        }
        if data["type"] in OPTION_FIELD_TYPES:
            field["custom_field_options"] = data.get("options", [])
        self.ticket_fields[field_id] = field
        return field

    def _options(self, kind: str, raw: Any, previous: list[Json]) -> list[Json]:
        if kind not in OPTION_FIELD_TYPES:
            return []
        if not isinstance(raw, list) or not raw:
            raise field_error(
                "custom_field_options",
                "Custom field options: a drop-down needs at least one option",
                "BlankValue",
            )
        known = {o["value"]: o["id"] for o in previous}
        options: list[Json] = []
        for item in raw:
            if not isinstance(item, Mapping) or not str(item.get("name") or "").strip():
                raise field_error(
                    "custom_field_options", "Custom field options: Name: cannot be blank", "BlankValue"
                )
            value = _tag(str(item.get("value") or ""))
            if not value:
                raise field_error(
                    "custom_field_options", "Custom field options: Tag: cannot be blank", "BlankValue"
                )
            if any(o["value"] == value for o in options):
                raise field_error(
                    "custom_field_options",
                    f"Custom field options: Tag: {value} is a duplicate",
                    "DuplicateValue",
                )
            option_id = known.get(value) or self.next_id()
            options.append(
                {
                    "id": option_id,
                    "name": str(item["name"]).strip(),
                    "raw_name": str(item["name"]),
                    "value": value,
                    "default": bool(item.get("default", False)),
                }
            )
        return options

    # ---- business hours ----------------------------------------------------
    def schedule(self, schedule_id: int) -> Json:
        if schedule_id not in self.schedules:
            raise not_found()
        return copy.deepcopy(self.schedules[schedule_id])

    def create_schedule(self, data: Mapping[str, Any]) -> Json:
        errors: dict[str, list[dict[str, str]]] = {}
        if not str(data.get("name") or "").strip():
            errors["name"] = [{"description": "Name: cannot be blank", "error": "BlankValue"}]
        if not str(data.get("time_zone") or "").strip():
            errors["time_zone"] = [{"description": "Time zone: cannot be blank", "error": "BlankValue"}]
        if errors:
            raise record_invalid(errors)
        intervals = _intervals(data.get("intervals", list(DEFAULT_INTERVALS)))
        schedule_id, now = self.next_id(), self._now()
        schedule = {
            "id": schedule_id,
            "name": str(data["name"]).strip(),
            "time_zone": str(data["time_zone"]).strip(),
            "intervals": intervals,
            "created_at": now,
            "updated_at": now,
        }
        self.schedules[schedule_id] = schedule
        self.holidays[schedule_id] = {}
        return copy.deepcopy(schedule)

    def update_workweek(self, schedule_id: int, data: Mapping[str, Any]) -> Json:
        if schedule_id not in self.schedules:
            raise not_found()
        self.schedules[schedule_id]["intervals"] = _intervals(data.get("intervals"))
        self.schedules[schedule_id]["updated_at"] = self._now()
        return {"intervals": copy.deepcopy(self.schedules[schedule_id]["intervals"])}

    def list_holidays(self, schedule_id: int) -> list[Json]:
        if schedule_id not in self.schedules:
            raise not_found()
        return [copy.deepcopy(h) for h in self.holidays[schedule_id].values()]

    def create_holiday(self, schedule_id: int, data: Mapping[str, Any]) -> Json:
        if schedule_id not in self.schedules:
            raise not_found()
        name = str(data.get("name") or "").strip()
        start, end = str(data.get("start_date") or ""), str(data.get("end_date") or "")
        if not name:
            raise field_error("name", "Name: cannot be blank", "BlankValue")
        if not _DATE.match(start) or not _DATE.match(end):
            raise field_error("start_date", "Dates must be given as YYYY-MM-DD")
        if end < start:
            raise field_error("end_date", "End date: must not be before the start date")
        holiday = {"id": self.next_id(), "name": name, "start_date": start, "end_date": end}
        self.holidays[schedule_id][holiday["id"]] = holiday
        return copy.deepcopy(holiday)


def _intervals(raw: Any) -> list[Json]:
    if not isinstance(raw, list):
        raise field_error("intervals", "Intervals: must be a list", "InvalidValue")
    out: list[Json] = []
    for item in raw:
        try:
            start, end = int(item["start_time"]), int(item["end_time"])
        except (KeyError, TypeError, ValueError):
            raise field_error("intervals", "Intervals: need start_time and end_time in minutes") from None
        if not 0 <= start < end <= 7 * _MINUTES_PER_DAY:
            raise field_error("intervals", "Intervals: start_time must be before end_time within one week")
        out.append({"start_time": start, "end_time": end})
    return sorted(out, key=lambda i: i["start_time"])


def _normalise_email(value: Any) -> str | None:
    text = str(value or "").strip().lower()
    return text or None


def _tag(value: str) -> str:
    """Zendesk tags are lower case, without spaces."""
    return re.sub(r"\s+", "_", value.strip().lower())
