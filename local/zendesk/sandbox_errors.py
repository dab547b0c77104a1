"""The error responses of the sandbox, shaped like Zendesk's own.

Raising `ApiError` anywhere in the sandbox's request handling ends the request
with that status and body; nothing is half-written because every check runs
before the store is changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ApiError(Exception):
    """An HTTP error response: status, JSON body and extra headers."""

    def __init__(
        self, status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = dict(body)
        self.headers = dict(headers or {})


def unauthorized() -> ApiError:
    return ApiError(401, {"error": "Couldn't authenticate you"})


def not_found() -> ApiError:
    return ApiError(404, {"error": "RecordNotFound", "description": "Not found"})


def forbidden(message: str) -> ApiError:
    """Zendesk's 403 nests its title and message under `error` (not the `error`/`description` pair)."""
    return ApiError(403, {"error": {"title": "Forbidden", "message": message}})


def invalid_endpoint() -> ApiError:
    return ApiError(404, {"error": "InvalidEndpoint", "description": "Not found"})


def bad_json(detail: str) -> ApiError:
    return ApiError(400, {"error": "Unprocessable Entity", "description": f"Invalid JSON: {detail}"})


def missing_parameter(name: str) -> ApiError:
    return ApiError(400, {"error": "InvalidParameter", "description": f"Parameter {name} is required"})


def record_invalid(details: Mapping[str, list[dict[str, str]]]) -> ApiError:
    return ApiError(
        422, {"error": "RecordInvalid", "description": "Record validation errors", "details": dict(details)}
    )


def field_error(field: str, description: str, error: str = "InvalidValue") -> ApiError:
    """A 422 about one field, e.g. field_error("priority", "Priority: bogus is not valid")."""
    return record_invalid({field: [{"description": description, "error": error}]})


def update_conflict() -> ApiError:
    return ApiError(
        409,
        {
            "error": "UpdateConflict",
            "description": "Safe Update prevented the update due to outdated ticket data. "
            "Please fetch the latest ticket data and try again.",
        },
    )


def too_many_requests(retry_after: int, description: str) -> ApiError:
    return ApiError(
        429,
        {"error": "TooManyRequests", "description": description},
        {"Retry-After": str(retry_after)},
    )


def webhook_invalid(title: str, pointer: str) -> ApiError:
    """The webhooks API reports errors as a JSON:API-style list, with 400."""
    return ApiError(
        400, {"errors": [{"code": "InvalidValue", "title": title, "source": {"pointer": pointer}}]}
    )
