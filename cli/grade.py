"""`triage grade [FILE]`: grade JSON Lines of complaints, one JSON line out per good record.

A bad line is reported on stderr with its line number and skipped, and the others are still
graded: one broken record in a 50,000-ticket export should cost that record, not the run. The
exit status then says that something was skipped (1), so a script cannot miss it.
"""

import argparse
import sys
from typing import TYPE_CHECKING, Any

from cli.failure import EXIT_BAD_RECORDS, EXIT_OK
from cli.line_io import STDIN_NAME

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from policies.engine import TriageEngine


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add `grade` to the command line."""
    parser = subparsers.add_parser(
        "grade",
        help="grade complaints from JSON Lines",
        description="Grade complaints read as JSON Lines and write one JSON line per complaint: level, "
        "category, subtype, emotion, the rules that fired with the customer's words, deadlines (when "
        "received_at is given) and the remedies to offer. Input fields: id, text, and optionally subject, "
        "received_at (ISO 8601 with an offset), channel (web, email, chat, phone, social_public, "
        "social_private), customer_tier; other fields are ignored. Bad lines are reported on stderr and "
        "skipped; the exit status is then 1.",
    )
    parser.add_argument(
        "file", nargs="?", default=STDIN_NAME, metavar="FILE", help="JSON Lines file (default: stdin)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Grade args.file with the engine of args.policies; 1 if any line was rejected."""
    from cli.line_io import ChunkedWriter, open_input
    from cli.policy_source import load_engine

    engine = load_engine(args.policies)
    writer = ChunkedWriter()

    def report(line_number: int, problem: str) -> None:
        # Flush the results before first, so a terminal shows output and errors in input order.
        writer.flush()
        print(f"line {line_number}: {problem}", file=sys.stderr)

    try:
        with open_input(args.file) as lines:
            rejected = grade_lines(engine, lines, writer.write_line, report)
    finally:
        writer.flush()
    return EXIT_BAD_RECORDS if rejected else EXIT_OK


def grade_lines(
    engine: "TriageEngine",
    lines: "Iterable[bytes]",
    write: "Callable[[str], None]",
    report: "Callable[[int, str], None]",
) -> int:
    """Grade every non-blank line, writing each result; returns how many lines were rejected.

    Kept free of I/O choices (it takes `write` and `report`) so a later subcommand can grade
    from another source with the same rules for what a bad record is.
    """
    import json

    from pydantic import ValidationError

    from cli.grade_output import assessment_record
    from cli.line_io import numbered_records
    from cli.record_errors import describe_validation_error
    from cli.records import FIELD_HINTS, GradeRequest
    from policies.calendar import CalendarYearUnknown

    # One encoder for the run: json.dumps with options builds a new encoder on every call.
    encode: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    validate = GradeRequest.model_validate_json
    assess = engine.assess
    rejected = 0
    for number, line in numbered_records(lines):
        try:
            request = validate(line)
        except ValidationError as exc:
            rejected += 1
            report(number, describe_validation_error(exc, FIELD_HINTS))
            continue
        received_at = request.received_at
        try:
            assessment = assess(
                request.text,
                subject=request.subject,
                received_at=received_at,
                channel=request.channel,
                customer_tier=request.customer_tier,
            )
        except CalendarYearUnknown as exc:
            rejected += 1
            stamp = received_at.isoformat() if received_at is not None else "?"
            report(number, f"'received_at' {stamp}: {exc}")
            continue
        write(encode(assessment_record(request.id, assessment)))
    return rejected
