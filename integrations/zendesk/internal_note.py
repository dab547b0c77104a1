"""The text of the plugin's internal notes, in the ticket's language (wording: ticket_note.yaml).

An agent reads the intake note first: level and why (rule + the customer's words), what is due
when, next steps, remedies to offer, and the reply-compliance reminders (R-COMP-1/2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from integrations.zendesk import note_plan as notes
from policies.complaint_state import ContactMade, IntakeRecord, Obligation
from policies.compliance import CompliancePolicy, ReplyFinding
from policies.decision import Reason, RemedyOffer
from policies.intake import IntakePolicy
from policies.loader import Policy
from policies.routing import NextStep
from policies.taxonomy import Language
from policies.ticket_note import NoteLabels, TicketNotePolicy


def format_due(at: datetime) -> str:
    """Local wall time with its offset: what the agent compares with the clock on the wall."""
    return at.strftime("%Y-%m-%d %H:%M (UTC%z)")


class NoteWriter:
    """Builds note sections; the triage joins the sections of one event into one note."""

    def __init__(
        self,
        wording: TicketNotePolicy,
        compliance: CompliancePolicy,
        language: Language,
        mask: Callable[[str], str] = lambda text: text,
        intake: IntakePolicy | None = None,
    ) -> None:
        self.labels: NoteLabels = wording.labels[language]
        self._compliance = compliance
        self._intake = intake
        self._language = language
        self._mask = mask  # R-COMP-4: quoted customer words never show ID-card or bank-card numbers

    @classmethod
    def for_policy(
        cls, policy: Policy, language: Language, mask: Callable[[str], str] = lambda text: text
    ) -> NoteWriter:
        """The writer every note of the plugin is worded by, from the loaded policy."""
        return cls(policy.ticket_note, policy.compliance, language, mask, policy.intake)

    def headline(self, grade: notes.Headline) -> str:
        level = self.labels.level_names[grade.level]  # type: ignore[index]
        parts = [self.labels.title, level, f"{grade.category} / {grade.subtype}"]
        if grade.emotion == "high":
            parts.append(self.labels.emotion_high)
        line = " · ".join(parts)
        return line if grade.is_complaint else f"{line}\n{self.labels.not_a_complaint}"

    def why(self, reasons: Iterable[Reason]) -> list[str]:
        lines = [f"- {r.rule}: “{self._mask(r.evidence)}”" for r in reasons]
        return [f"{self.labels.why}:", *lines] if lines else []

    def due(self, obligations: Iterable[Obligation]) -> list[str]:
        ordered = sorted(obligations, key=lambda o: o.due_at)
        lines = [f"- {self.labels.kinds[o.kind]}: {format_due(o.due_at)} ({o.rule})" for o in ordered]
        return [f"{self.labels.due}:", *lines] if lines else []

    def steps(self, steps: Sequence[NextStep]) -> list[str]:
        lines = [f"- [{s.rule}] {s.text}" for s in steps]
        return [f"{self.labels.steps}:", *lines] if lines else []

    def remedies(self, offer: RemedyOffer | None) -> list[str]:
        if offer is None:
            return []
        lang = self._language
        lines = [
            f"{self.labels.remedies} ({offer.rule}):",
            f"- {self.labels.main}: {getattr(offer.main, lang)}",
            f"- {self.labels.alternative}: {getattr(offer.alternative, lang)}",
        ]
        if offer.answers is not None:
            lines[1] += f" ({self.labels.answers_demand}: {self._demand_title(offer.answers)})"
        if offer.extras_for_high_value is not None:
            lines.append(f"- {self.labels.high_value}: {getattr(offer.extras_for_high_value, lang)}")
        if offer.legal_floor is not None:
            lines.append(f"- {self.labels.legal_floor}: {getattr(offer.legal_floor, lang)}")
        return lines

    def intake(self, intake: IntakeRecord) -> list[str]:
        """What the customer wants and has shown, and the sentences to ask for what is missing."""
        labels = self.labels
        demands = ", ".join(self._demand_title(d) for d in intake.demands) or labels.no_demand
        lines = [f"{labels.intake}:", f"- {labels.demands}: {demands}"]
        if intake.product:
            lines.append(f"- {labels.product}: {self._mask(intake.product)}")
        if intake.amount_paid is not None:
            lines.append(f"- {labels.amount_paid}: {intake.amount_paid:g}")
        if intake.amount_claimed is not None:
            lines.append(f"- {labels.amount_claimed}: {intake.amount_claimed:g}")
        lines += self._evidence_lines(intake)
        if intake.responsible:
            lines.append(f"- {labels.responsible}: {self._party_title(intake.responsible)}")
        return lines + self._missing_lines(intake)

    def evidence_added(self, intake: IntakeRecord) -> list[str]:
        return [f"{self.labels.evidence_now}:", *self._evidence_lines(intake), *self._missing_lines(intake)]

    def _evidence_lines(self, intake: IntakeRecord) -> list[str]:
        lines = []
        if intake.attached:
            kinds = ", ".join(f"{self._evidence_title(k)} × {n}" for k, n in sorted(intake.attached.items()))
            lines.append(f"- {self.labels.evidence_attached}: {kinds}")
        promised = [k for k in intake.mentioned if k not in intake.attached]
        if promised:
            lines.append(
                f"- {self.labels.evidence_promised}: {', '.join(map(self._evidence_title, promised))}"
            )
        return lines

    def _missing_lines(self, intake: IntakeRecord) -> list[str]:
        if not intake.missing:
            return [f"- {self.labels.nothing_missing}"] if intake.attached else []
        asks = self.labels.asks
        return [f"{self.labels.missing}:", *(f"- {asks[item]}" for item in intake.missing)]  # type: ignore[index]

    def _demand_title(self, kind: str) -> str:
        words = self._intake.demands.kinds.get(kind) if self._intake else None  # type: ignore[call-overload]
        return getattr(words.title, self._language) if words else kind

    def _evidence_title(self, kind: str) -> str:
        words = self._intake.evidence.kinds.get(kind) if self._intake else None  # type: ignore[call-overload]
        return getattr(words.title, self._language) if words else kind

    def _party_title(self, party: str) -> str:
        words = self._intake.responsibility.parties.get(party) if self._intake else None  # type: ignore[call-overload]
        return getattr(words.title, self._language) if words else party

    def compliance_reminders(self) -> list[str]:
        lines = [f"{self.labels.compliance}:"]
        for entry in self._compliance.forbidden:
            phrases = " / ".join(dict.fromkeys(p for p in entry.phrases if _same_script(p, self._language)))
            lines.append(f"- [{entry.rule}] ✗ {phrases} → {entry.instead.get(self._language, '')}")
        return lines

    def raised(self, previous_level: int, level: int) -> list[str]:
        names = self.labels.level_names
        return [f"{self.labels.raised}: {names[previous_level]} → {names[level]}"]  # type: ignore[index]

    def corrected(self, item: notes.Corrected) -> list[str]:
        """An agent's grade change, kept: from → to, by whom, and the deadlines it moved."""
        lines = [f"{self.labels.corrected}:"]
        for correction in item.corrections:
            before, after = correction.before, correction.after
            if correction.field == "level":
                names = self.labels.level_names
                before, after = names[int(before)], names[int(after)]  # type: ignore[index]
            by = f" (#{correction.by})" if correction.by is not None else ""
            lines.append(f"- {self.labels.grade_fields[correction.field]}: {before} → {after}{by}")
        lines += [
            f"- {self.labels.deadline_cancelled}: {self.labels.kinds[o.kind]} ({o.rule})"
            for o in item.cancelled
        ]
        lines += [f"- {line}" for o in item.opened for line in self.opened(o)]
        lines.append(self.labels.correction_kept)
        return lines

    def plan_rejected(self, item: notes.PlanRejected) -> list[str]:
        line = self.labels.plan_rejected.format(rejections=item.rejections, limit=item.limit)
        return [line] + ([self.labels.legal_risk] if item.rejections >= item.limit else [])

    def acknowledged(self, item: notes.AlertAcknowledged) -> list[str]:
        ack = item.acknowledged
        return [
            self.labels.acknowledged.format(
                cause=ack.cause, by=self._mask(ack.by), channel=ack.channel, at=format_due(ack.at)
            )
        ]

    def rated(self, item: notes.Rated) -> list[str]:
        comment = f": “{self._mask(item.comment)}”" if item.comment else ""
        return [f"{self.labels.rated} {self.labels.scores.get(item.score, item.score)}{comment}"]

    def raised_over_correction(self, signals: Sequence[str]) -> list[str]:
        return [f"{self.labels.raised_over_correction}: {', '.join(signals)}"]

    def met(self, obligation: Obligation) -> list[str]:
        return [f"{self.labels.deadline_met}: {self.labels.kinds[obligation.kind]} ({obligation.rule})"]

    def contact_sent(self, contact: ContactMade) -> list[str]:
        """What the outreach sent to the poster, when and how: the agent continues from there."""
        route = self.labels.contact_routes[contact.route]
        return [
            f"{self.labels.contact_sent}: {format_due(contact.sent_at)} · {contact.platform} · {route}",
            f"“{contact.text}”",
        ]

    def opened(self, obligation: Obligation) -> list[str]:
        kind = self.labels.kinds[obligation.kind]
        return [f"{self.labels.deadline_opened}: {kind} {format_due(obligation.due_at)} ({obligation.rule})"]

    def deadline_state(self, obligation: Obligation) -> list[str]:
        """A warning (R-SLA-6) or a breach of one deadline."""
        label = self.labels.sla_breach if obligation.state == "breached" else self.labels.sla_warning
        kind = self.labels.kinds[obligation.kind]
        return [f"{label}: {kind} {format_due(obligation.due_at)} ({obligation.rule})"]

    def flagged_reply(self, findings: Sequence[ReplyFinding]) -> list[str]:
        lines = [f"{self.labels.reply_flagged}:"]
        for finding in findings:
            instead = finding.instead.get(self._language, "")
            lines.append(f"- [{finding.rule}] “{finding.phrase}” → {instead}")
        return lines

    def policy(self, version: str) -> list[str]:
        return [f"{self.labels.policy}: {version}"]


def render_note(items: Sequence[notes.NoteItem], writer: NoteWriter) -> str:
    """The note a planner decided (note_plan items), in the writer's language; "" when empty."""
    return join_sections(_render(item, writer) for item in items)


def _render(item: notes.NoteItem, writer: NoteWriter) -> list[str] | str:
    match item:
        case notes.Headline():
            return writer.headline(item)
        case notes.Why():
            return writer.why(item.reasons)
        case notes.DueList():
            return writer.due(item.obligations)
        case notes.Steps():
            return writer.steps(item.steps)
        case notes.Remedies():
            return writer.remedies(item.offer)
        case notes.ComplianceReminders():
            return writer.compliance_reminders()
        case notes.Raised():
            return writer.raised(item.previous_level, item.level)
        case notes.Met():
            return writer.met(item.obligation)
        case notes.Opened():
            return writer.opened(item.obligation)
        case notes.ContactSent():
            return writer.contact_sent(item.contact)
        case notes.FlaggedReply():
            return writer.flagged_reply(item.findings)
        case notes.Intake():
            return writer.intake(item.intake)
        case notes.EvidenceAdded():
            return writer.evidence_added(item.intake)
        case notes.Corrected():
            return writer.corrected(item)
        case notes.RaisedOverCorrection():
            return writer.raised_over_correction(item.signals)
        case notes.PlanRejected():
            return writer.plan_rejected(item)
        case notes.Rated():
            return writer.rated(item)
        case notes.AlertAcknowledged():
            return writer.acknowledged(item)
        case notes.PolicyVersion():
            return writer.policy(item.version)
    raise TypeError(f"no wording for note item {item!r}")


def join_sections(sections: Iterable[list[str] | str]) -> str:
    """Sections separated by a blank line; empty sections are left out."""
    blocks = ["\n".join(s) if isinstance(s, list) else s for s in sections]
    return "\n\n".join(b for b in blocks if b)


def _same_script(phrase: str, language: Language) -> bool:
    is_chinese = any("\u3400" <= ch <= "\u9fff" for ch in phrase)
    return is_chinese == (language == "zh")
