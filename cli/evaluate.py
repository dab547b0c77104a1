"""`triage eval FILE [--json]`: how well the policy grades tickets a person has labelled.

Meant to be run on a team's own labelled tickets before and after editing a policy
(`triage --policies ./my-policies eval labelled.jsonl`), so a change is judged by numbers
rather than by the three examples that motivated it.
"""

import argparse
import os
import sys
from typing import TYPE_CHECKING

from cli.dates import day
from cli.failure import EXIT_BAD_RECORDS, EXIT_OK, CliFailure

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from cli.metrics import Outcome
    from policies.engine import TriageEngine


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add `eval` to the command line."""
    parser = subparsers.add_parser(
        "eval",
        help="measure the policy against labelled tickets",
        description="Grade labelled tickets and compare with the labels: per-level precision, recall and F1, "
        "level/category/subtype accuracy, confusion matrices and the misclassified ids. FILE is JSON Lines "
        "with id, text, optional subject, and the expected level (1-3), category and subtype; other fields "
        "are ignored. Lines without expectations are reported on stderr and left out (exit status 1).",
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        help="labelled JSON Lines file ('-' for stdin); not with --corrections",
    )
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument(
        "--split",
        metavar="NAME",
        help="only the lines whose `split` field is NAME (eval/labelled.jsonl: `frozen`, never tuned on)",
    )
    production = parser.add_argument_group(
        "grading in production (--corrections)",
        "Score the plugin's grades against the grades agents left on the tickets, from the audit "
        "archive: an agent's change of level, category or subtype is a correction, an unchanged "
        "grade counts as confirmed.",
    )
    production.add_argument("--corrections", action="store_true", help="score against agents' corrections")
    production.add_argument("--from", dest="since", type=day, help="first day, YYYY-MM-DD (UTC)")
    production.add_argument("--to", dest="until", type=day, help="last day, YYYY-MM-DD (UTC, inclusive)")
    production.add_argument("--bucket", default=os.environ.get("ARCHIVE_BUCKET"), help="the archive bucket")
    production.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Evaluate args.file (or the archive's corrections) and print the report; 1 if any line was rejected."""
    if args.corrections:
        return run_corrections(args)
    if args.file is None:
        raise CliFailure("give a labelled FILE, or --corrections --from DAY --to DAY")
    from cli.eval_report import render_json, render_text
    from cli.line_io import open_input
    from cli.metrics import evaluate
    from cli.policy_source import load_engine
    from policies.taxonomy import CATEGORIES

    engine = load_engine(args.policies)
    with open_input(args.file) as lines:
        outcomes, rejected = grade_labelled(engine, lines, _report_to_stderr, split=args.split)
    evaluation = evaluate(outcomes, categories=CATEGORIES)
    render = render_json if args.json else render_text
    sys.stdout.write(render(evaluation, engine.policy_version, rejected))
    return EXIT_BAD_RECORDS if rejected else EXIT_OK


def run_corrections(args: argparse.Namespace) -> int:
    """Per-level precision and recall of the plugin's grades as agents corrected them."""
    if args.file is not None:
        raise CliFailure("--corrections reads the archive: give no FILE")
    if args.since is None or args.until is None:
        raise CliFailure("--corrections needs --from and --to")
    if not args.bucket:
        raise CliFailure("give --bucket or set ARCHIVE_BUCKET")
    import boto3

    from cli.corrections_eval import corrected_grades, read_window
    from cli.eval_report import render_json, render_text
    from cli.metrics import evaluate
    from infra.archive import ArchiveReader
    from policies.taxonomy import CATEGORIES

    until = args.until.replace(hour=23, minute=59, second=59, microsecond=999999)
    reader = ArchiveReader(boto3.client("s3", endpoint_url=args.endpoint_url), args.bucket)
    graded = corrected_grades(read_window(reader, args.since, until))
    evaluation = evaluate(graded.outcomes, categories=CATEGORIES)
    window = f"{args.since:%Y-%m-%d} to {args.until:%Y-%m-%d}"
    if not args.json:
        print(
            f"Grading as agents corrected it, {window}: {len(graded.outcomes)} complaint(s), "
            f"{graded.corrected} corrected by an agent (an unchanged grade counts as confirmed)\n"
        )
        sys.stdout.write(render_text(evaluation, "as triaged", 0))
        return EXIT_OK
    sys.stdout.write(render_json(evaluation, "as triaged", 0))
    return EXIT_OK


def _report_to_stderr(line_number: int, problem: str) -> None:
    print(f"line {line_number}: {problem}", file=sys.stderr)


def grade_labelled(
    engine: "TriageEngine",
    lines: "Iterable[bytes]",
    report: "Callable[[int, str], None]",
    split: str | None = None,
) -> "tuple[list[Outcome], int]":
    """Grade each labelled line (of `split`, if given); returns the outcomes and how many lines
    were rejected."""
    from pydantic import ValidationError

    from cli.line_io import numbered_records
    from cli.metrics import Outcome
    from cli.record_errors import describe_validation_error
    from cli.records import FIELD_HINTS, LabelledTicket

    outcomes: list[Outcome] = []
    rejected = 0
    for number, line in numbered_records(lines):
        try:
            ticket = LabelledTicket.model_validate_json(line)
        except ValidationError as exc:
            rejected += 1
            report(number, describe_validation_error(exc, FIELD_HINTS))
            continue
        if split is not None and ticket.split != split:
            continue
        grading = engine.assess(ticket.text, subject=ticket.subject).grading
        model_tag = getattr(engine.policy.grading.model.level_1.tag, grading.language)
        outcomes.append(
            Outcome(
                id=ticket.id,
                expected_level=ticket.level or 3,
                predicted_level=grading.level,
                expected_category=ticket.category or grading.category,
                predicted_category=grading.category,
                expected_subtype=ticket.subtype or grading.subtype,
                predicted_subtype=grading.subtype,
                expected_complaint=ticket.is_complaint,
                predicted_complaint=grading.is_complaint,
                level_1_by_model=model_tag in grading.keyword_tags,
            )
        )
    return outcomes, rejected
