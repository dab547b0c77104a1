"""What one ticket event means: the complaint's next state and the one ticket change it needs.

Pure: given the ticket and its comments as Zendesk returns them and the stored record, it
decides. The caller reads and writes. Rules applied here:
- intake: grade subject + description (R-GRADE), deadlines (R-SLA), route (R-ROUTE), remedies;
- a later requester message can raise the level (R-GRADE-3), never lower it; raised deadlines
  are recomputed from that message and never extended past what was already promised;
- an agent's first public reply meets first_response (R-SLA-1) and is checked against
  R-COMP-1/2; "not satisfied" after a reply opens re_handle (R-SLA-7);
- solved meets the open deadlines and opens the satisfaction check (R-SLA-8).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from integrations.zendesk import note_plan as notes
from integrations.zendesk.internal_note import NoteWriter, render_note
from integrations.zendesk.models import ZendeskComment, ZendeskTicket
from integrations.zendesk.note_plan import NoteItem
from integrations.zendesk.sidebar_data import shown, sidebar_json
from integrations.zendesk.ticket_fields import category_value, level_value, subtype_value
from integrations.zendesk.ticket_update import TicketChange
from policies.complaint_state import (
    Acknowledged,
    ComplaintRecord,
    ContactMade,
    Correction,
    IntakeRecord,
    Obligation,
)
from policies.deadlines import Due
from policies.decision import Deadlines, Grading, Reason
from policies.engine import TriageEngine
from policies.intake_reading import IntakeReading, missing_items
from policies.problems import Problem, ProblemPolicy
from policies.routing import PRIORITIES, Route
from policies.taxonomy import DeadlineKind

SOLVED_STATUSES = frozenset({"solved", "closed"})
EMOTION_TAG = "complaint_emotion_{}"
TIER_TAG = "complaint_tier_{}"
_GROUP_TAG_CHARS = 60
_MEMBER_QUOTE_CHARS = 40


@dataclass(frozen=True)
class Plan:
    record: ComplaintRecord
    change: TicketChange
    record_changed: bool
    evidence: dict[str, str]  # rule → the customer's words, from the gradings this event applied
    note: tuple[NoteItem, ...] = ()  # what the internal note says, decided before it is worded
    corrections: tuple[Correction, ...] = ()  # agents' grade changes this event found (issue 14)


@dataclass(frozen=True)
class GroupFinding:
    """This ticket belongs to a group complaint: `customers` distinct customers, same problem `key`
    (`product|failure`), each member's ticket with the customer's words that showed the failure."""

    key: str
    customers: int
    tickets: tuple[int, ...]
    quotes: tuple[tuple[int, str], ...] = ()

    @property
    def tag(self) -> str:
        """Readable (`complaint_group_power_bank__overheating`), within Zendesk's tag alphabet."""
        readable = re.sub(r"[^a-z0-9_]", "_", self.key.lower().replace("|", "__"))
        if len(readable) <= _GROUP_TAG_CHARS:
            return "complaint_group_" + readable
        digest = hashlib.sha256(self.key.encode()).hexdigest()[:10]
        return f"complaint_group_{readable[: _GROUP_TAG_CHARS - 11]}_{digest}"


def group_words(problems: ProblemPolicy, group: GroupFinding, this_ticket: int | None = None) -> str:
    """Why the tickets belong together: the product, the failure, each other member's words."""
    quotes = dict(group.quotes)
    members = "; ".join(
        f"#{t} 「{quotes[t][:_MEMBER_QUOTE_CHARS]}」" if quotes.get(t) else f"#{t}"
        for t in group.tickets
        if t != this_ticket
    )
    return f"{group.customers} × {problems.describe(group.key)} — {members}"


class TicketPlanner:
    def __init__(self, engine: TriageEngine, mask: Callable[[str], str] = lambda text: text) -> None:
        self.engine = engine
        self.policy = engine.policy
        self._mask = mask

    def plan(
        self,
        ticket: ZendeskTicket,
        comments: list[ZendeskComment],
        record: ComplaintRecord | None,
        *,
        event_id: str,
        occurred_at: datetime,
        group: GroupFinding | None = None,
        received_at: datetime | None = None,
        contact: ContactMade | None = None,
        corrections: Sequence[Correction] = (),
        acknowledged: Acknowledged | None = None,
    ) -> Plan:
        """`received_at`: when the complaint was made, if before the ticket (a social post's time);
        `contact`: the first private contact the outreach made (R-SLA-9), to record and show;
        `corrections`: agents' changes of the grade drop-downs the record does not know yet."""
        change = TicketChange()
        note: list[NoteItem] = []
        evidence: dict[str, str] = {}
        before = record
        if record is None:
            received = received_at or ticket.created_at
            record = self._intake(ticket, comments, event_id, received, change, note, evidence)
        if corrections:
            record = self._corrected(ticket, record, corrections, change, note)
        if group is not None:
            record = self._group(ticket, record, group, occurred_at, event_id, change, note, evidence)
        for comment in comments:
            if record.last_comment_id is not None and comment.id <= record.last_comment_id:
                continue
            record = self._comment(ticket, comment, record, change, note, evidence)
            record = record.model_copy(update={"last_comment_id": comment.id})
        if record.is_complaint:
            record = self._lifecycle(ticket, record, occurred_at, event_id, change, note, evidence)
        record = self._status(ticket, record, occurred_at, change, note)
        if record.is_complaint:  # after the status: a rating read with "solved" meets its follow-up
            record = self._satisfaction(ticket, record, occurred_at, note, evidence)
        if contact is not None:
            record = self._contacted(record, contact, note)
        if acknowledged is not None and acknowledged not in record.acknowledgements:
            record = record.model_copy(update={"acknowledgements": [*record.acknowledgements, acknowledged]})
            note.append(notes.AlertAcknowledged(acknowledged))
        if note:
            record = shown(record, note, self._mask)
            change.sidebar = sidebar_json(record)
            note.append(notes.PolicyVersion(self.policy.version))
            change.note = render_note(note, self._writer(record))
        return Plan(
            record=record,
            change=change,
            record_changed=record != before,
            evidence=evidence,
            note=tuple(note),
            corrections=tuple(corrections),
        )

    # ---- intake ------------------------------------------------------------
    def _intake(
        self,
        ticket: ZendeskTicket,
        comments: list[ZendeskComment],
        event_id: str,
        received_at: datetime,
        change: TicketChange,
        note: list[NoteItem],
        evidence: dict[str, str],
    ) -> ComplaintRecord:
        routing = self.policy.routing
        tier = routing.tier_of(ticket.tags)
        assessment = self.engine.assess(
            self.policy.ticket_note.customer_words(ticket.description),
            subject=ticket.subject,
            received_at=received_at,
            channel=ticket.channel,
            customer_tier=tier,
            read_intake=True,
        )
        grading = assessment.grading
        # The description is the first comment: later comments are what is new.
        first_id = comments[0].id if comments else None
        record = ComplaintRecord(
            ticket_id=ticket.id,
            level=grading.level,
            category=grading.category,
            subtype=grading.subtype,
            emotion=grading.emotion,
            language=grading.language,
            tier=tier,
            is_complaint=grading.is_complaint,
            policy_version=grading.policy_version,
            received_at=received_at,
            status=ticket.status,
            last_comment_id=first_id,
            reason_rules=list(dict.fromkeys(r.rule for r in grading.reasons)),
            signals=list(grading.signals),
            order_no=self.policy.intake.order_number.find(ticket.tags, ticket.subject, ticket.description),
            stages={"accepted": received_at},
        )
        evidence.update(_evidence_by_rule(grading))
        change.add_tags += [*grading.keyword_tags, EMOTION_TAG.format(grading.emotion)]
        if tier:
            change.add_tags.append(TIER_TAG.format(tier))
        if not grading.is_complaint:
            note += [_headline(record), notes.Why(grading.reasons)]
            return record
        for obligation in self._intake_obligations(ticket, grading, event_id, received_at):
            record = record.with_obligation(obligation)
        if assessment.intake is not None:
            attached = self._attached(comments[:1], ticket, first=True)
            record = record.model_copy(
                update={"intake": self._intake_record(assessment.intake, attached, record)}
            )
            self._set_intake_fields(record, change)
        route = routing.route_for(grading, tier=tier)
        self._apply_grade(ticket, grading, route, change)
        change.due.update({o.kind: o.due_at for o in record.open_obligations()})
        note += [
            _headline(record),
            notes.Why(grading.reasons),
            *([notes.Intake(record.intake)] if record.intake is not None else []),
            notes.DueList(tuple(record.open_obligations())),
            notes.Steps(tuple(route.steps)),
            notes.Remedies(assessment.remedies),
            notes.ComplianceReminders(),
        ]
        return record

    def _intake_obligations(
        self, ticket: ZendeskTicket, grading: Grading, event_id: str, received_at: datetime
    ) -> list[Obligation]:
        return [
            self._obligation(kind, due.rule, due.at, received_at, event_id)
            for kind, due in self._intake_dues(ticket, grading, received_at)
        ]

    def _due(
        self, kind: DeadlineKind, ticket: ZendeskTicket, shape: Grading | ComplaintRecord, at: datetime
    ) -> Due | None:
        """When `kind` is due for a complaint of this shape (a grading or a record), counted from `at`."""
        return self.engine.clock.due_for(
            kind,
            at,
            level=shape.level,
            category=shape.category,
            subtype=shape.subtype,
            channel=ticket.channel,
        )

    def _intake_dues(
        self, ticket: ZendeskTicket, shape: Grading | ComplaintRecord, at: datetime
    ) -> list[tuple[DeadlineKind, Due]]:
        """Every deadline a complaint of this shape carries from intake (R-SLA), counted from `at`."""
        dues = ((kind, self._due(kind, ticket, shape, at)) for kind in Deadlines.kinds())
        return [(kind, due) for kind, due in dues if due is not None]  # type: ignore[misc]

    def _obligation(
        self, kind: str, rule: str, due_at: datetime, opened_at: datetime, opened_by: str
    ) -> Obligation:
        """A new deadline with its R-SLA-6 progress check."""
        return Obligation(
            kind=kind,  # type: ignore[arg-type]
            rule=rule,
            due_at=due_at,
            warn_at=self.engine.clock.warn_at(opened_at, due_at),
            opened_at=opened_at,
            opened_by=opened_by,
        )

    def _apply_grade(
        self, ticket: ZendeskTicket, grading: Grading, route: Route, change: TicketChange
    ) -> None:
        change.level, change.category, change.subtype = grading.level, grading.category, grading.subtype
        current = PRIORITIES.index(ticket.priority) if ticket.priority in PRIORITIES else -1
        # Raise only: an agent who set a higher priority by hand knows something we do not.
        if PRIORITIES.index(route.priority) > current:
            change.priority = route.priority
        change.group_name = route.group_name

    # ---- agents' corrections (issue 14) ------------------------------------------------
    def _corrected(
        self,
        ticket: ZendeskTicket,
        record: ComplaintRecord,
        corrections: Sequence[Correction],
        change: TicketChange,
        note: list[NoteItem],
    ) -> ComplaintRecord:
        """The agent's grade wins: the record takes it, and the plugin never writes its own back.
        Deadlines the corrected grade carries are opened or brought forward from the moment of the
        correction, as a raise by a new message would; those it does not carry are cancelled; none
        is extended (a correction never moves a promise made to the customer later). Only the grade's
        own deadlines move: those later steps opened (a re-investigation, another department's
        answer, the satisfaction follow-up) stand. An agent who grades a text calls it a complaint."""
        at = corrections[-1].at
        update: dict[str, object] = {
            c.field: int(c.after) if c.field == "level" else c.after for c in corrections
        }
        corrected = record.model_copy(
            update={**update, "is_complaint": True, "corrections": [*record.corrections, *corrections]}
        )
        grade_kinds = set(Deadlines.kinds())
        carried = dict(self._intake_dues(ticket, corrected, at))
        cancelled: list[Obligation] = []
        for kind, obligation in corrected.obligations.items():
            if kind in carried or not obligation.is_open or kind not in grade_kinds:
                continue
            closed = obligation.model_copy(
                update={"state": "cancelled", "closed_at": at, "closed_by": "correction"}
            )
            corrected = corrected.with_obligation(closed)
            cancelled.append(closed)
        opened: list[Obligation] = []
        for kind, due in carried.items():
            existing = corrected.obligations.get(kind)
            if existing is not None and (not existing.is_open or existing.due_at <= due.at):
                continue
            obligation = self._obligation(
                kind, due.rule, due.at, at, f"correction:{corrections[-1].noticed_by}"
            )
            corrected = corrected.with_obligation(obligation)
            change.due[kind] = due.at
            opened.append(obligation)
        note.append(notes.Corrected(tuple(corrections), tuple(cancelled), tuple(opened)))
        return corrected

    # ---- group complaints (R-GRADE-1b) -------------------------------------------
    def problems_of(self, ticket: ZendeskTicket, record: ComplaintRecord) -> list[Problem]:
        """The problems this complaint may be (one product, each failure it shows), for counting
        customers (R-GRADE-1b); the customer's words in each are masked."""
        if not record.is_complaint:
            return []
        text = "\n".join(part for part in (ticket.subject, ticket.description) if part)
        found = self.engine.problems.problems_of(text, ticket.tags, record.subtype, fired=record.signals)
        return [replace(problem, quote=self._mask(problem.quote)) for problem in found]

    def _group(
        self,
        ticket: ZendeskTicket,
        record: ComplaintRecord,
        group: GroupFinding,
        at: datetime,
        event_id: str,
        change: TicketChange,
        note: list[NoteItem],
        evidence: dict[str, str],
    ) -> ComplaintRecord:
        rule = self.policy.alerting.group_complaint.rule
        words = group_words(self.policy.problems, group, ticket.id)
        evidence[rule] = words
        change.add_tags.append(group.tag)
        if record.level == 1 and rule in record.reason_rules:
            return record
        grading = Grading(
            is_complaint=True,
            level=1,
            category=record.category,
            subtype=record.subtype,
            emotion=record.emotion,
            language=record.language,
            reasons=(Reason(rule, words),),
            keyword_tags=(),
            policy_version=self.policy.version,
        )
        if record.level > 1:
            return self._raise(ticket, at, event_id, record, grading, change, note)
        note.append(notes.Why(grading.reasons))
        return record.model_copy(update={"reason_rules": [*record.reason_rules, rule]})

    # ---- later comments --------------------------------------------------------
    def _comment(
        self,
        ticket: ZendeskTicket,
        comment: ZendeskComment,
        record: ComplaintRecord,
        change: TicketChange,
        note: list[NoteItem],
        evidence: dict[str, str],
    ) -> ComplaintRecord:
        if comment.author_id is not None and comment.author_id == ticket.requester_id:
            return self._requester_comment(ticket, comment, record, change, note, evidence)
        if comment.public:
            return self._public_reply(comment, record, note)
        return record  # internal notes, ours included

    def _requester_comment(
        self,
        ticket: ZendeskTicket,
        comment: ZendeskComment,
        record: ComplaintRecord,
        change: TicketChange,
        note: list[NoteItem],
        evidence: dict[str, str],
    ) -> ComplaintRecord:
        if record.order_no is None:  # the customer answers "which order?" (R-SLA-9 asks for it)
            found = self.policy.intake.order_number.find((), comment.text)
            if found:
                record = record.model_copy(update={"order_no": found})
        record = self._more_intake(ticket, comment, record, change, note)
        grading = self.engine.grader.grade(comment.text)
        if grading.is_complaint and (not record.is_complaint or grading.level < record.level):
            # An agent set the level: only a signal the complaint did not show before raises it.
            new_signals = tuple(s for s in grading.signals if s not in record.signals)
            if "level" not in record.corrected or new_signals:
                evidence.update(_evidence_by_rule(grading))
                opened_by = f"comment:{comment.id}"
                if "level" in record.corrected:
                    note.append(notes.RaisedOverCorrection(new_signals))
                return self._raise(ticket, comment.created_at, opened_by, record, grading, change, note)
        rejection = self.policy.lifecycle.plan_rejected.match(comment.text) if record.plans_proposed else None
        if rejection is not None:
            evidence[self.policy.lifecycle.plan_rejected.rule] = comment.text
            return self._plan_rejected(
                ticket, record, comment.created_at, f"comment:{comment.id}", change, note
            )
        verdict = self.policy.conversation.not_satisfied
        if record.first_public_reply_at is not None and verdict.match(comment.text):
            by = f"comment:{comment.id}"
            record = self._open_once("re_handle", ticket, record, comment.created_at, by, change, note)
        return record

    def _raise(
        self,
        ticket: ZendeskTicket,
        at: datetime,
        opened_by: str,
        record: ComplaintRecord,
        grading: Grading,
        change: TicketChange,
        note: list[NoteItem],
    ) -> ComplaintRecord:
        previous_level = record.level if record.is_complaint else None
        if {"category", "subtype"} & record.corrected:  # the agent's type stands
            grading = replace(grading, category=record.category, subtype=record.subtype)  # type: ignore[arg-type]
        route = self.policy.routing.route_for(grading, tier=record.tier)
        raised = record.model_copy(
            update={
                "level": grading.level,
                "category": grading.category,
                "subtype": grading.subtype,
                "signals": list(dict.fromkeys([*record.signals, *grading.signals])),
                "emotion": "high" if "high" in (record.emotion, grading.emotion) else "normal",
                "is_complaint": True,
                "reason_rules": list(
                    dict.fromkeys([*record.reason_rules, *(r.rule for r in grading.reasons)])
                ),
            }
        )
        for kind, due in self._intake_dues(ticket, grading, at):
            existing = raised.obligations.get(kind)  # type: ignore[call-overload]
            if existing is not None and not existing.is_open:
                continue  # met already
            due_at = due.at if existing is None else min(existing.due_at, due.at)  # never extend a promise
            raised = raised.with_obligation(self._obligation(kind, due.rule, due_at, at, opened_by))
            change.due[kind] = due_at
        self._apply_grade(ticket, grading, route, change)
        change.add_tags += [*grading.keyword_tags, EMOTION_TAG.format(raised.emotion)]
        change.remove_tags += [tag for tag in _grade_tags(record) if tag not in _grade_tags(raised)]
        demands = record.intake.demands if record.intake else ()
        offer = self.policy.remedies.offer_for(grading.category, record.tier, demands, grading.subtype)
        if previous_level:
            note.append(notes.Raised(previous_level, grading.level))
        note += [
            _headline(raised),
            notes.Why(grading.reasons),
            notes.DueList(tuple(raised.open_obligations())),
            notes.Steps(tuple(route.steps)),
            notes.Remedies(offer),
        ]
        return raised

    # ---- intake: demands, evidence, what is missing (R-INTAKE-1..3, R-GRADE-6) ---------
    def _attached(
        self, comments: list[ZendeskComment], ticket: ZendeskTicket, *, first: bool = False
    ) -> dict[str, int]:
        """Evidence the requester attached to these comments, counted by kind (inline images
        excluded). The first comment is the complaint itself, whoever typed it in (an agent taking
        a call, an integration); later ones count only when the requester wrote them."""
        counts: dict[str, int] = {}
        for comment in comments:
            if not first and ticket.requester_id is not None and comment.author_id != ticket.requester_id:
                continue
            for attachment in comment.attachments:
                if not attachment.inline:
                    kind = self.policy.intake.evidence.kind_of_attachment(attachment.content_type)
                    counts[kind] = counts.get(kind, 0) + 1
        return counts

    def _intake_record(
        self, reading: IntakeReading, attached: dict[str, int], record: ComplaintRecord
    ) -> IntakeRecord:
        demands = list(reading.demand_kinds)
        return IntakeRecord(
            demands=demands,
            product=reading.product,
            amount_paid=reading.amount_paid,
            amount_claimed=reading.amount_claimed,
            attached=attached,
            mentioned=sorted(reading.evidence_mentioned),
            responsible=reading.responsible.party,
            missing=self._missing(record, demands, attached, reading.evidence_mentioned),
        )

    def _missing(
        self, record: ComplaintRecord, demands: list[str], attached: dict[str, int], mentioned: Iterable[str]
    ) -> list[str]:
        found = missing_items(
            self.policy.intake,
            subtype=record.subtype,
            demands=demands,  # type: ignore[arg-type]
            attached=set(attached),  # type: ignore[arg-type]
            mentioned=set(mentioned),  # type: ignore[arg-type]
            order_number=record.order_no,
        )
        return [m.item for m in found]

    def _more_intake(
        self,
        ticket: ZendeskTicket,
        comment: ZendeskComment,
        record: ComplaintRecord,
        change: TicketChange,
        note: list[NoteItem],
    ) -> ComplaintRecord:
        """A later message may bring evidence, a new demand or the order number: what is missing is
        counted again, and the note says what came in and what is still needed."""
        if record.intake is None:
            return record
        intake = record.intake
        added = self._attached([comment], ticket)
        reading = self.engine.intake.read(comment.text, record.category)
        attached = dict(intake.attached)
        for kind, count in added.items():
            attached[kind] = attached.get(kind, 0) + count
        demands = list(dict.fromkeys([*intake.demands, *reading.demand_kinds]))
        mentioned = sorted({*intake.mentioned, *reading.evidence_mentioned})
        updated = intake.model_copy(
            update={
                "demands": demands,
                "attached": attached,
                "mentioned": mentioned,
                "missing": self._missing(record, demands, attached, mentioned),
            }
        )
        if updated == intake:
            return record
        record = record.model_copy(update={"intake": updated})
        shown = next((n for n, item in enumerate(note) if isinstance(item, notes.Intake)), None)
        if shown is not None:  # the same event's intake block: it shows the ticket as it is now
            note[shown] = notes.Intake(updated)
        elif added:
            note.append(notes.EvidenceAdded(updated))
        if demands != intake.demands:
            self._set_intake_fields(record, change)
        return record

    def _set_intake_fields(self, record: ComplaintRecord, change: TicketChange) -> None:
        intake = record.intake
        if intake is not None:
            change.demand = intake.demands[0] if intake.demands else None
            change.responsible = intake.responsible

    def _public_reply(
        self, comment: ZendeskComment, record: ComplaintRecord, note: list[NoteItem]
    ) -> ComplaintRecord:
        by = f"comment:{comment.id}"
        if record.first_public_reply_at is None:
            record = record.model_copy(update={"first_public_reply_at": comment.created_at})
        record = record.at_stage("first_response", comment.created_at)
        for kind in ("first_response", "re_handle"):
            record = _met(record, kind, comment.created_at, by, note)  # type: ignore[arg-type]
        findings = self.policy.compliance.lint_reply(comment.text)
        if findings:
            note.append(notes.FlaggedReply(tuple(findings)))
        return record

    # ---- status ------------------------------------------------------------------
    def _status(
        self,
        ticket: ZendeskTicket,
        record: ComplaintRecord,
        occurred_at: datetime,
        change: TicketChange,
        note: list[NoteItem],
    ) -> ComplaintRecord:
        if ticket.status == record.status:
            return record
        newly_solved = ticket.status in SOLVED_STATUSES and record.status not in SOLVED_STATUSES
        record = record.model_copy(update={"status": ticket.status})
        if ticket.status in SOLVED_STATUSES:
            record = record.at_stage("solved", occurred_at)
        if ticket.status == "closed":
            record = record.at_stage("confirmed", occurred_at)
        if not newly_solved or not record.is_complaint:
            return record
        for obligation in record.open_obligations():
            record = record.meet(obligation.kind, occurred_at, f"status:{ticket.status}")
            note.append(notes.Met(record.obligations[obligation.kind]))
        by = f"status:{ticket.status}"
        return self._open_once("satisfaction_check", ticket, record, occurred_at, by, change, note)

    # ---- the lifecycle after intake (R-LOOP-1, R-SLA-4/5/8) ----------------------------
    def _lifecycle(
        self,
        ticket: ZendeskTicket,
        record: ComplaintRecord,
        at: datetime,
        event_id: str,
        change: TicketChange,
        note: list[NoteItem],
        evidence: dict[str, str],
    ) -> ComplaintRecord:
        """The steps agents marked with a macro's action tag; each tag is removed once read, so the
        macro can be applied again (a second plan, a second request)."""
        lifecycle = self.policy.lifecycle
        for action in lifecycle.actions_in(ticket.tags):
            change.remove_tags.append(lifecycle.actions[action].tag)
            by = f"tag:{lifecycle.actions[action].tag}"
            if action == "plan_proposed":
                record = record.model_copy(update={"plans_proposed": record.plans_proposed + 1})
                record = record.at_stage("plan_proposed", at)
                for kind in ("re_investigate", "re_handle"):  # a new plan answers both
                    record = _met(record, kind, at, by, note)  # type: ignore[arg-type]
            elif action == "plan_rejected":
                evidence.setdefault(lifecycle.plan_rejected.rule, lifecycle.actions[action].macro.en)
                record = self._plan_rejected(ticket, record, at, by, change, note)
            elif action == "cross_dept_request":
                record = self._open_once("cross_dept", ticket, record, at, event_id, change, note)
            else:  # cross_dept_answered
                record = _met(record, "cross_dept", at, by, note)
        return record

    def _plan_rejected(
        self,
        ticket: ZendeskTicket,
        record: ComplaintRecord,
        at: datetime,
        by: str,
        change: TicketChange,
        note: list[NoteItem],
    ) -> ComplaintRecord:
        """R-SLA-5: re-investigate within the hour; after the policy's iterations, compliance
        assesses the legal risk (alerted once, as a critical cause)."""
        record = record.model_copy(update={"plan_rejections": record.plan_rejections + 1})
        record = self._open_once("re_investigate", ticket, record, at, by, change, note)
        iterations = self.policy.sla.plan_iterations
        note.append(notes.PlanRejected(record.plan_rejections, iterations.max_iterations))
        if record.plan_rejections >= iterations.max_iterations and iterations.rule not in record.escalations:
            record = record.model_copy(update={"escalations": [*record.escalations, iterations.rule]})
        return record

    def _open_once(
        self,
        kind: DeadlineKind,
        ticket: ZendeskTicket,
        record: ComplaintRecord,
        at: datetime,
        opened_by: str,
        change: TicketChange,
        note: list[NoteItem],
    ) -> ComplaintRecord:
        """Open `kind` counted from `at`, unless it is open already (a repeat does not move it)."""
        existing = record.obligations.get(kind)
        due = self._due(kind, ticket, record, at)
        if due is None or (existing is not None and existing.is_open):
            return record
        obligation = self._obligation(kind, due.rule, due.at, at, opened_by)
        change.due[kind] = due.at
        note.append(notes.Opened(obligation))
        return record.with_obligation(obligation)

    def _satisfaction(
        self,
        ticket: ZendeskTicket,
        record: ComplaintRecord,
        at: datetime,
        note: list[NoteItem],
        evidence: dict[str, str],
    ) -> ComplaintRecord:
        """R-SLA-8: a rating meets the satisfaction follow-up; a good one confirms the solution
        (R-LOOP-1), an unhappy one goes to a supervisor."""
        policy = self.policy.lifecycle.satisfaction
        rating = ticket.satisfaction_rating
        if rating is None or rating.score not in policy.rated_scores or rating.score == record.satisfaction:
            return record
        record = record.model_copy(update={"satisfaction": rating.score})
        record = _met(record, "satisfaction_check", at, f"rating:{rating.score}", note)
        note.append(notes.Rated(rating.score, rating.comment or ""))
        if rating.score not in policy.unhappy_scores:
            return record.at_stage("confirmed", at)
        evidence[policy.rule] = rating.comment or rating.score
        if policy.rule not in record.escalations:
            record = record.model_copy(update={"escalations": [*record.escalations, policy.rule]})
        return record

    # ---- social outreach (R-SLA-9) -------------------------------------------------
    def _contacted(
        self, record: ComplaintRecord, contact: ContactMade, note: list[NoteItem]
    ) -> ComplaintRecord:
        """The poster was contacted: meets private_contact (a public invitation counts too: it is the
        best the platform allowed, architecture.md) and tells the agent what was sent."""
        met = record.meet("private_contact", contact.sent_at, f"{contact.platform}:{contact.route}")
        if met is record:
            return record  # shown already, or the complaint carries no such deadline
        note += [notes.ContactSent(contact), notes.Met(met.obligations["private_contact"])]
        return met

    def _writer(self, record: ComplaintRecord) -> NoteWriter:
        return NoteWriter.for_policy(self.policy, record.language, self._mask)


def _met(
    record: ComplaintRecord, kind: DeadlineKind, at: datetime, by: str, note: list[NoteItem]
) -> ComplaintRecord:
    """`kind` met at `at` by `by`, said in the note, if it was open; else the record unchanged."""
    met = record.meet(kind, at, by)
    if met is not record:
        note.append(notes.Met(met.obligations[kind]))
    return met


def _evidence_by_rule(grading: Grading) -> dict[str, str]:
    """The customer's words for each rule that fired; the first reason of a rule is its evidence."""
    return {reason.rule: reason.evidence for reason in reversed(grading.reasons)}


def _grade_tags(record: ComplaintRecord) -> tuple[str, ...]:
    """The tags that say a complaint's grade (the drop-downs' tags and the emotion)."""
    return (
        level_value(record.level),
        category_value(record.category),
        subtype_value(record.subtype),
        EMOTION_TAG.format(record.emotion),
    )


def _headline(record: ComplaintRecord) -> notes.Headline:
    return notes.Headline(
        level=record.level,
        category=record.category,
        subtype=record.subtype,
        emotion=record.emotion,
        is_complaint=record.is_complaint,
    )
