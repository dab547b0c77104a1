"""What the ticket sidebar app shows (issue 15), as one compact JSON text field on the ticket.

The app reads the ticket itself (no endpoint of the plugin's). This field carries what the
drop-downs cannot: the grade's reasons with the customer's words (personal numbers masked,
R-COMP-4), the remedies in the ticket's language, and every deadline with its R-SLA-6 warning time
and state, so the app can count down, turn amber and red, and tick what was met. It is rewritten
with every note the plugin writes, from the same decisions the note words.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from integrations.zendesk import note_plan as notes
from integrations.zendesk.note_plan import NoteItem
from policies.complaint_state import ComplaintRecord

SIDEBAR_FORMAT = 1
MAX_EVIDENCE_CHARS = 160  # the app shows the start of each quote; the note has the rest


def shown(record: ComplaintRecord, items: Sequence[NoteItem], mask: Callable[[str], str]) -> ComplaintRecord:
    """The record with the reasons and remedies this event shows the agent, if it shows any."""
    reasons = [reason for item in items if isinstance(item, notes.Why) for reason in item.reasons]
    offers = [item.offer for item in items if isinstance(item, notes.Remedies) and item.offer is not None]
    update: dict[str, object] = {}
    if reasons:
        update["shown_reasons"] = [
            {"rule": r.rule, "evidence": mask(r.evidence)[:MAX_EVIDENCE_CHARS]} for r in reasons
        ]
    if offers:
        offer, lang = offers[-1], record.language
        update["shown_remedies"] = {
            "rule": offer.rule,
            "main": getattr(offer.main, lang),
            "alternative": getattr(offer.alternative, lang),
        }
    return record.model_copy(update=update) if update else record


def sidebar_json(record: ComplaintRecord) -> str:
    """The sidebar's data as the record now stands."""
    data = {
        "format": SIDEBAR_FORMAT,
        "level": record.level,
        "category": record.category,
        "subtype": record.subtype,
        "emotion": record.emotion,
        "tier": record.tier,
        "language": record.language,
        "is_complaint": record.is_complaint,
        "corrected": sorted(record.corrected),
        "reasons": record.shown_reasons,
        "remedies": record.shown_remedies,
        "deadlines": [
            {
                "kind": o.kind,
                "rule": o.rule,
                "due_at": o.due_at.isoformat(),
                "warn_at": o.warn_at.isoformat() if o.warn_at else None,
                "state": o.state,
            }
            for o in sorted(record.obligations.values(), key=lambda o: o.due_at)
        ],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
