"""SLA policies in the sandbox, as the SLA Policies API documents them (`/api/v2/slas/policies`).

Kept in API shape: id, url, title, description, position, filter `{all, any}`, policy_metrics
(priority, metric, target in minutes, target_in_seconds, business_hours), created_at, updated_at.
Positions are the order Zendesk matches policies in: always 1..n, a new policy goes last unless it
asks for a position, and others move down to make room. Every check runs before the store changes,
and refusals use Zendesk's `RecordInvalid` shape. An account whose plan lacks SLA policies
answers every SLA request with the status given in `SandboxSettings.sla_policies_refusal`.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Mapping
from typing import Any

from local.zendesk.sandbox_clock import iso_seconds
from local.zendesk.sandbox_errors import ApiError, forbidden, invalid_endpoint, not_found, record_invalid

Json = dict[str, Any]

PRIORITIES = ("low", "normal", "high", "urgent")
METRICS = frozenset(
    {
        "agent_work_time",
        "first_reply_time",
        "next_reply_time",
        "pausable_update_time",
        "periodic_update_time",
        "requester_wait_time",
        "total_resolution_time",
    }
)
_Errors = dict[str, list[dict[str, str]]]


def plan_refusal(status: int) -> ApiError:
    """What an account without SLA policies on its plan answers."""
    if status == 404:
        return invalid_endpoint()
    refusal = forbidden(
        "You do not have access to this page. Please contact the account owner of this help desk for "
        "further help."
    )
    return ApiError(status, refusal.body)


class SlaPolicyBook:
    """The SLA policies of one account, in match order."""

    def __init__(
        self, clock: Callable[[], float], base_url: Callable[[], str], refusal: int | None = None
    ) -> None:
        self._clock = clock
        self._base_url = base_url
        self._refusal = refusal
        self._ids = itertools.count(25)
        self._policies: dict[int, Json] = {}
        self._order: list[int] = []

    def list_policies(self) -> list[Json]:
        self._check_plan()
        return [self._shown(policy_id) for policy_id in self._order]

    def show(self, policy_id: int) -> Json:
        self._check_plan()
        self._require(policy_id)
        return self._shown(policy_id)

    def create(self, data: Mapping[str, Any]) -> Json:
        self._check_plan()
        fields = _validated(data, current=None)
        policy_id, now = next(self._ids), iso_seconds(self._clock())
        self._policies[policy_id] = {"id": policy_id, **fields, "created_at": now, "updated_at": now}
        self._place(policy_id, data.get("position"))
        return self._shown(policy_id)

    def update(self, policy_id: int, data: Mapping[str, Any]) -> Json:
        self._check_plan()
        self._require(policy_id)
        current = self._policies[policy_id]
        current.update(_validated(data, current=current))
        current["updated_at"] = iso_seconds(self._clock())
        if "position" in data:
            self._order.remove(policy_id)
            self._place(policy_id, data["position"])
        return self._shown(policy_id)

    def delete(self, policy_id: int) -> None:
        self._check_plan()
        self._require(policy_id)
        del self._policies[policy_id]
        self._order.remove(policy_id)

    def _check_plan(self) -> None:
        if self._refusal is not None:
            raise plan_refusal(self._refusal)

    def _require(self, policy_id: int) -> None:
        if policy_id not in self._policies:
            raise not_found()

    def _place(self, policy_id: int, position: Any) -> None:
        """Insert at `position` (1-based; validated already), or last; the others move down."""
        index = len(self._order) if position is None else min(int(position), len(self._order) + 1) - 1
        self._order.insert(index, policy_id)

    def _shown(self, policy_id: int) -> Json:
        stored = copy.deepcopy(self._policies[policy_id])
        return {
            "id": policy_id,
            "url": f"{self._base_url()}/api/v2/slas/policies/{policy_id}.json",
            "title": stored["title"],
            "description": stored["description"],
            "position": self._order.index(policy_id) + 1,
            "filter": stored["filter"],
            "policy_metrics": stored["policy_metrics"],
            "created_at": stored["created_at"],
            "updated_at": stored["updated_at"],
        }


def _validated(data: Mapping[str, Any], current: Mapping[str, Any] | None) -> Json:
    """The stored fields after applying `data` (all of them on create), or 422 naming each problem."""
    errors: _Errors = {}
    merged = {**(current or {}), **data}
    title = str(merged.get("title") or "").strip()
    if not title:
        errors["title"] = [{"description": "Title: cannot be blank", "error": "BlankValue"}]
    policy_filter = _filter(merged.get("filter"), errors)
    metrics = _metrics(merged.get("policy_metrics", []), errors)
    position = data.get("position")
    if position is not None and (isinstance(position, bool) or not isinstance(position, int) or position < 1):
        errors["position"] = [
            {"description": "Position: must be a whole number from 1", "error": "InvalidValue"}
        ]
    description = merged.get("description")
    if description is not None and not isinstance(description, str):
        errors["description"] = [{"description": "Description: must be text", "error": "InvalidValue"}]
    if errors:
        raise record_invalid(errors)
    return {"title": title, "description": description, "filter": policy_filter, "policy_metrics": metrics}


def _filter(raw: Any, errors: _Errors) -> Json:
    if raw is None:
        errors["filter"] = [{"description": "Filter: cannot be blank", "error": "BlankValue"}]
        return {}
    groups = {key: raw.get(key) or [] for key in ("all", "any")} if isinstance(raw, Mapping) else None
    if groups is None or not all(
        isinstance(g, list) and all(_is_condition(c) for c in g) for g in groups.values()
    ):
        errors["filter"] = [
            {
                "description": "Filter: all and any must be lists of conditions with a field, an operator "
                "and a value",
                "error": "InvalidValue",
            }
        ]
        return {}
    return {key: [dict(c) for c in conditions] for key, conditions in groups.items()}


def _is_condition(condition: Any) -> bool:
    return (
        isinstance(condition, Mapping)
        and isinstance(condition.get("field"), str)
        and bool(condition["field"])
        and isinstance(condition.get("operator"), str)
        and bool(condition["operator"])
        and isinstance(condition.get("value"), str | int | list)
    )


def _metrics(raw: Any, errors: _Errors) -> list[Json]:
    problems: list[dict[str, str]] = []
    if not isinstance(raw, list):
        raw, problems = [], [{"description": "Policy metrics: must be a list", "error": "InvalidValue"}]
    metrics: list[Json] = []
    seen: set[tuple[str, str]] = set()
    for item in raw:
        problem = _metric_problem(item)
        if problem is None and (item["priority"], item["metric"]) in seen:
            problem = (
                f"Policy metrics: {item['metric']} for priority {item['priority']} is given twice",
                "DuplicateValue",
            )
        if problem is not None:
            problems.append({"description": problem[0], "error": problem[1]})
            continue
        seen.add((item["priority"], item["metric"]))
        metrics.append(
            {
                "priority": item["priority"],
                "metric": item["metric"],
                "target": item["target"],
                "target_in_seconds": item["target"] * 60,
                "business_hours": item.get("business_hours", False),
            }
        )
    if problems:
        errors["policy_metrics"] = problems
    return metrics


def _metric_problem(item: Any) -> tuple[str, str] | None:
    if not isinstance(item, Mapping):
        return "Policy metrics: each must be an object", "InvalidValue"
    if item.get("priority") not in PRIORITIES:
        return f"Policy metrics: priority {item.get('priority')!r} is not valid", "InvalidValue"
    if item.get("metric") not in METRICS:
        return f"Policy metrics: metric {item.get('metric')!r} is not valid", "InvalidValue"
    target = item.get("target")
    if isinstance(target, bool) or not isinstance(target, int) or target < 1:
        return f"Policy metrics: target {target!r} must be a whole number of minutes from 1", "InvalidValue"
    if not isinstance(item.get("business_hours", False), bool):
        return "Policy metrics: business_hours must be true or false", "InvalidValue"
    return None
