"""`triage demo`: the engine on the SOP's worked cases, as tables a person can check by eye.

Built as a list of sections (title + lines) so later work can add one (alerts, the agent's
note, the archive key) without touching the others; `demo_sections` returns them and `run`
prints them. The demo ends with the agent page of a level-1 ticket (the sandbox's, with the
ticket sidebar app); `--serve` keeps the local product running so a person can open it.
"""

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from cli.demo_section import Section, render_sections
from cli.failure import EXIT_OK

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cli.demo_cases import DemoCase
    from policies.decision import Remedy, RemedyOffer
    from policies.engine import Assessment, TriageEngine

_NONE = "—"
_TIME_FORMAT = "%a %m-%d %H:%M"  # short, local to the policy's zone; the weekday shows working days
_REASON_COLUMNS = 40


@dataclass(frozen=True, slots=True)
class AssessedCase:
    """A demo case with the engine's assessment of it."""

    case: "DemoCase"
    received_at: datetime
    assessment: "Assessment"


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add `demo` to the command line."""
    parser = subparsers.add_parser(
        "demo",
        help="grade the SOP's worked cases and show the result",
        description="Grade the worked cases of the SOP (and a few traps) with the current policy and print "
        "levels, the rule that decided each, deadlines and remedies.",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="keep the local product (Zendesk sandbox, webhook, triage) running after the demo, until "
        "Ctrl-C, so the printed agent page can be opened in a browser",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the demo for the policy in args.policies."""
    from cli.demo_cases import DEMO_CASES
    from cli.demo_tickets import demo_product, ticket_sections
    from cli.policy_source import load_engine
    from cli.stop_signals import stop_requested

    engine = load_engine(args.policies)
    sys.stdout.write(render_sections(demo_sections(engine)))
    with demo_product(args.policies) as product:
        sections = ticket_sections(product, DEMO_CASES, serving=args.serve)
        sys.stdout.write("\n" + render_sections(sections))
        sys.stdout.flush()
        if args.serve:
            with stop_requested() as stop:
                stop.wait()
            print("triage demo: stopped")
    return EXIT_OK


def assess_cases(engine: "TriageEngine", cases: "Sequence[DemoCase]") -> list[AssessedCase]:
    """Run every case through the engine, as `triage grade` would."""
    assessed = []
    for case in cases:
        received_at = datetime.fromisoformat(case["received_at"])
        assessment = engine.assess(
            case["text"],
            subject=case.get("subject"),
            received_at=received_at,
            channel=case.get("channel"),
            customer_tier=case.get("customer_tier"),
        )
        assessed.append(AssessedCase(case, received_at, assessment))
    return assessed


def demo_sections(engine: "TriageEngine", cases: "Sequence[DemoCase] | None" = None) -> list[Section]:
    """The demo's sections for `cases` (default: the SOP's worked cases and traps)."""
    from cli.demo_cases import DEMO_CASES

    assessed = assess_cases(engine, DEMO_CASES if cases is None else cases)
    zone = engine.calendar.zone
    return [
        Section(
            f"triage demo — policy {engine.policy_version} ({engine.policy.directory})",
            (f"Times are local to {zone}, the policy's calendar; some deadlines count working days.",),
        ),
        grading_section(assessed, _model_tags(engine)),
        deadlines_section(assessed, zone),
        remedies_section(assessed),
    ]


def grading_section(assessed: "Sequence[AssessedCase]", model_tags: "set[str] | None" = None) -> Section:
    """Level, type, emotion and the most urgent rule that fired, with the customer's words; a level
    the learned reader alone gave (its tag, `model_tags`) is marked."""
    model_tags = model_tags or set()
    from cli.text_table import Column, render_table

    rows = []
    for item in assessed:
        grading = item.assessment.grading
        top = grading.reasons[0] if grading.reasons else None
        reason = _NONE if top is None else f"{top.rule}: {top.evidence}" if top.evidence else top.rule
        if model_tags & set(grading.keyword_tags):
            reason = f"[learned reader] {reason}"
        rows.append(
            [
                item.case["id"],
                str(grading.level),
                f"{grading.category}/{grading.subtype}",
                grading.emotion,
                reason,
            ]
        )
    columns = [
        Column("id"),
        Column("lvl", align="right"),
        Column("category/subtype"),
        Column("emotion"),
        Column("top reason (rule: customer's words)", max_width=_REASON_COLUMNS),
    ]
    return Section("Grading", tuple(render_table(columns, rows, indent="  ")))


def _model_tags(engine: "TriageEngine") -> set[str]:
    model = engine.policy.grading.model
    return {tag for raise_ in (model.level_1, model.level_2) for tag in (raise_.tag.zh, raise_.tag.en)}


def _short(moment: datetime | None, zone: object) -> str:
    if moment is None:
        return _NONE
    return moment.astimezone(zone).strftime(_TIME_FORMAT)  # type: ignore[arg-type]


def deadlines_section(assessed: "Sequence[AssessedCase]", zone: object) -> Section:
    """When each case was received, on which channel, and when the intake deadlines fall due."""
    from cli.text_table import Column, render_table

    rows = []
    for item in assessed:
        deadlines = item.assessment.deadlines
        dues = (
            [_NONE] * 4
            if deadlines is None
            else [
                _short(deadlines.first_response, zone),
                _short(deadlines.resolution, zone),
                _short(deadlines.escalation, zone),
                _short(deadlines.private_contact, zone),
            ]
        )
        rows.append([item.case["id"], item.case.get("channel", _NONE), _short(item.received_at, zone), *dues])
    columns = [
        Column("id"),
        Column("channel"),
        Column("received"),
        Column("first response"),
        Column("resolution"),
        Column("escalation"),
        Column("private contact"),
    ]
    return Section("Deadlines", tuple(render_table(columns, rows, indent="  ")))


def _remedy_text(remedy: "Remedy", language: str) -> str:
    return remedy.zh if language == "zh" else remedy.en


def remedies_section(assessed: "Sequence[AssessedCase]") -> Section:
    """The remedies offered, grouped by identical offer, in the customer's language."""
    groups: dict[tuple[str, str, str, str | None], tuple[RemedyOffer, str, list[str]]] = {}
    not_complaints: list[str] = []
    for item in assessed:
        offer, grading = item.assessment.remedies, item.assessment.grading
        if offer is None:
            not_complaints.append(item.case["id"])
            continue
        language = grading.language
        extras = offer.extras_for_high_value
        key = (
            offer.rule,
            _remedy_text(offer.main, language),
            _remedy_text(offer.alternative, language),
            None if extras is None else _remedy_text(extras, language),
        )
        groups.setdefault(key, (offer, language, []))[2].append(item.case["id"])
    lines: list[str] = []
    for (rule, main, alternative, extras), (_, _, ids) in groups.items():
        lines.append(f"  {rule} for {', '.join(ids)}")
        lines.append(f"      main:        {main}")
        lines.append(f"      alternative: {alternative}")
        if extras is not None:
            lines.append(f"      high-value:  {extras}")
    if not_complaints:
        lines.append(f"  no remedy (not graded as a complaint): {', '.join(not_complaints)}")
    return Section("Remedies (a main option and a cheaper alternative; the customer chooses)", tuple(lines))
