"""`triage report monthly|weekly`: the review as a page, from the analytics copy (issue 14).

    triage report monthly --month 2026-11 [--out FILE] (--dir DIR | --bucket BUCKET)
    triage report weekly --week 2026-W48 [--out FILE] (--dir DIR | --bucket BUCKET)

The SQL runs on DuckDB over the analytics partitions of the period's months: from a directory
laid out as the bucket is (`DIR/analytics/...`), or copied from the bucket first (--bucket, with
--endpoint-url / AWS_ENDPOINT_URL for a local stack). Prints the page's path and the one-screen
summary. In AWS the reporter Lambda runs the same SQL on Athena.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cli.failure import EXIT_OK, CliFailure


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="the monthly or weekly complaint review as an HTML page",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = parser.add_subparsers(dest="kind", required=True)
    monthly = kinds.add_parser("monthly", help="R-REVIEW-1: the month's review")
    monthly.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-11")
    weekly = kinds.add_parser("weekly", help="R-REVIEW-3: the week's typical complaints and figures")
    weekly.add_argument("--week", required=True, help="ISO week YYYY-Www, e.g. 2026-W48")
    for sub in (monthly, weekly):
        sub.add_argument("--out", type=Path, help="where to write the page (default: review-<period>.html)")
        source = sub.add_mutually_exclusive_group()
        source.add_argument("--dir", type=Path, help="a directory holding analytics/... as the bucket does")
        source.add_argument("--bucket", default=os.environ.get("REVIEW_BUCKET"), help="the review bucket")
        sub.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL"))
        sub.add_argument(
            "--zendesk-url", default=os.environ.get("ZENDESK_URL", ""), help="ticket links' base URL"
        )
        sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import tempfile

    from cli.duckdb_queries import DuckDbQueries, download_months
    from functions.reporter.page import render_page, summary_lines
    from functions.reporter.periods import PeriodError, monthly_period, weekly_period
    from functions.reporter.review import build_review
    from policies.engine import TriageEngine

    engine = TriageEngine.from_directory(getattr(args, "policies", None))
    zone = engine.calendar.zone
    try:
        period = (
            monthly_period(args.month, zone) if args.kind == "monthly" else weekly_period(args.week, zone)
        )
    except PeriodError as exc:
        raise CliFailure(str(exc)) from None
    base = args.zendesk_url.rstrip("/")
    out = args.out or Path(f"review-{period.label}.html")
    with tempfile.TemporaryDirectory(prefix="review-") as scratch:
        root = args.dir
        if root is None:
            if not args.bucket:
                raise CliFailure("give --dir DIR or --bucket BUCKET (or set REVIEW_BUCKET)")
            import boto3

            root = Path(scratch)
            download_months(
                boto3.client("s3", endpoint_url=args.endpoint_url), args.bucket, period.months, root
            )
        review = build_review(DuckDbQueries(root), period, engine.policy)
    out.write_text(render_page(review, lambda t: f"{base}/agent/tickets/{int(t)}"), encoding="utf-8")
    print(f"report: {out.resolve()}")
    for line in summary_lines(review):
        print(line)
    return EXIT_OK
