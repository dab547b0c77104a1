"""Turns a pydantic ValidationError on one input line into one sentence a user can act on.

Pydantic's own messages name internal details (`id.str`, `id.int`, "model_type"); a user fixing
line 812 of an export needs "'id' must be a string or an integer, got true".
"""

import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_SHOWN_VALUE_CHARS = 60
# pydantic says "at line 1 column 7" of the one line it parsed; the user's line number is given apart.
_JSON_POSITION = re.compile(r"at line 1 column (\d+)")
_TYPE_WORDS = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "true or false",
}


def _shown(value: Any) -> str:
    """The offending value as it appeared in the JSON, cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHOWN_VALUE_CHARS else text[: _SHOWN_VALUE_CHARS - 1] + "…"


def _describe_field(field: str, errors: list[ErrorDetails], hints: Mapping[str, str]) -> str:
    first = errors[0]
    kind = first["type"]
    hint = hints.get(field)
    if kind == "missing":
        return f"missing '{field}'" + (f" ({hint})" if hint else "")
    got = _shown(first.get("input"))
    if kind == "timezone_aware":
        return f"'{field}' {got} has no UTC offset; give one, e.g. 2026-05-06T21:00:00+08:00"
    if kind.startswith("datetime"):
        return f"'{field}' must be ISO 8601 with an offset, e.g. 2026-05-06T21:00:00+08:00; got {got}"
    if kind == "literal_error":
        return f"'{field}' must be one of {first.get('ctx', {}).get('expected')}; got {got}"
    if all(error["type"] in _TYPE_WORDS for error in errors):
        # A union (str | int) gets one error per member from pydantic: say once what was wanted.
        wanted = " or ".join(dict.fromkeys(_TYPE_WORDS[error["type"]] for error in errors))
        return f"'{field}' must be {wanted}; got {got}"
    if kind == "string_too_short":
        return f"'{field}' is empty" + (f" ({hint})" if hint else "")
    if kind in ("greater_than_equal", "less_than_equal") and hint:
        return f"'{field}' out of range ({hint}); got {got}"
    return f"'{field}': {first['msg'][:1].lower()}{first['msg'][1:]}; got {got}"


def describe_validation_error(exc: ValidationError, hints: Mapping[str, str] | None = None) -> str:
    """One line saying everything wrong with the record, field by field."""
    hints = hints or {}
    by_field: dict[str, list[ErrorDetails]] = {}
    problems: list[str] = []
    for error in exc.errors():
        if error["type"] == "json_invalid":
            detail = _JSON_POSITION.sub(r"at column \1", str(error.get("ctx", {}).get("error", error["msg"])))
            return f"not valid JSON ({detail})"
        if not error["loc"]:
            return "not a JSON object" if error["type"] == "model_type" else error["msg"]
        by_field.setdefault(str(error["loc"][0]), []).append(error)
    for field, errors in by_field.items():
        problems.append(_describe_field(field, errors, hints))
    return "; ".join(problems)
