"""What the ticket sidebar app (zendesk_app/) needs from the policies, exported, never copied by
hand (issue 15): the plugin's field titles and drop-down values, the forbidden reply phrases with
what to say instead (compliance.yaml, R-COMP-1/2), the level and deadline names in both languages
(ticket_note.yaml) and the SOP's time zone (calendar.yaml).

    triage zendesk app-assets [--out zendesk_app/assets]   # writes triage.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from integrations.zendesk.ticket_fields import (
    CATEGORY_FIELD,
    LEVEL_FIELD,
    LEVELS,
    SIDEBAR_FIELD,
    SUBTYPE_FIELD,
    level_value,
)
from policies.loader import Policy

ASSET_NAME = "triage.json"


def app_config(policy: Policy) -> dict[str, Any]:
    labels = policy.ticket_note.labels
    return {
        "fields": {
            "level": LEVEL_FIELD,
            "category": CATEGORY_FIELD,
            "subtype": SUBTYPE_FIELD,
            "sidebar": SIDEBAR_FIELD,
        },
        "options": {"level": {str(level): level_value(level) for level in LEVELS}},
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
        "timezone": policy.calendar.timezone,
        "policy_version": policy.version,
    }


def write_app_assets(policy: Policy, directory: Path) -> Path:
    path = directory / ASSET_NAME
    path.write_text(json.dumps(app_config(policy), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
