"""What the ticket sidebar app (zendesk_app/) needs from the policies, exported, never copied by
hand (issue 15): the plugin's field titles and the options of its grade drop-downs (level,
category, subtype: what the agent may correct them to), the forbidden reply phrases with what to
say instead (compliance.yaml, R-COMP-1/2), the level and deadline names in both languages
(ticket_note.yaml) and the SOP's time zone (calendar.yaml). The app's own words (the `sidebar`
part of zendesk_app/translations/*.json, category and subtype names included) join them by
language: an iframe app cannot read its package's translations at run time.

    triage zendesk app-assets [--out zendesk_app/assets]   # writes triage.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from integrations.zendesk.corrections import grade_of_option
from integrations.zendesk.ticket_fields import (
    CATEGORY_FIELD,
    GRADE_FIELDS,
    LEVEL_FIELD,
    SIDEBAR_FIELD,
    SUBTYPE_FIELD,
    plugin_field_definitions,
)
from policies.complaint_state import GradeField
from policies.loader import Policy

ASSET_NAME = "triage.json"
TRANSLATIONS_KEY = "sidebar"  # the app's words in each translations file ("app" is Zendesk's)


def grade_options(field: GradeField) -> dict[str, str]:
    """The grade drop-down's options as the bootstrap creates them: grade → option value."""
    title = GRADE_FIELDS[field]
    definition = next(d for d in plugin_field_definitions() if d["title"] == title)
    options = {}
    for option in definition["custom_field_options"]:
        grade = grade_of_option(field, option["value"])
        if grade is None:
            raise ValueError(f"{title}: option {option['value']!r} stands for no grade the triage reads")
        options[grade] = option["value"]
    return options


def app_words(translations_dir: Path) -> dict[str, Any]:
    """The app's words by language ("zh-cn.json" → "zh"), from its translations files."""
    words = {}
    for path in sorted(translations_dir.glob("*.json")):
        translation = json.loads(path.read_text(encoding="utf-8"))
        if TRANSLATIONS_KEY not in translation:
            raise ValueError(f"{path}: no {TRANSLATIONS_KEY!r} words for the app")
        words[path.stem.split("-")[0]] = translation[TRANSLATIONS_KEY]
    return words


def app_config(policy: Policy, words: dict[str, Any]) -> dict[str, Any]:
    labels = policy.ticket_note.labels
    return {
        "fields": {
            "level": LEVEL_FIELD,
            "category": CATEGORY_FIELD,
            "subtype": SUBTYPE_FIELD,
            "sidebar": SIDEBAR_FIELD,
        },
        "options": {field: grade_options(field) for field in GRADE_FIELDS},
        "compliance": [
            {"rule": entry.rule, "phrases": list(entry.phrases), "instead": dict(entry.instead)}
            for entry in policy.compliance.forbidden
        ],
        "labels": {
            language: {
                "level_names": {str(k): v for k, v in label.level_names.items()},
                "kinds": dict(label.kinds),
                "emotion_high": label.emotion_high,
            }
            for language, label in labels.items()
        },
        "words": words,
        "timezone": policy.calendar.timezone,
        "policy_version": policy.version,
    }


def write_app_assets(policy: Policy, directory: Path) -> Path:
    """Write triage.json into the app's assets folder `directory` (its translations beside it)."""
    config = app_config(policy, app_words(directory.parent / "translations"))
    path = directory / ASSET_NAME
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
