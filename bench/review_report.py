"""Benchmark: a month of one million complaints through the monthly review (issue 14).

    .venv/bin/python bench/review_report.py [--complaints 1000000] [--keep DIR]

Generates a month of the analytics copy as the triage writes it (analytics/<table>/month=2026-11/,
one complaints row per snapshot, a quarter of the tickets with an earlier snapshot too, and each
snapshot's deadlines), then times `build_review` on DuckDB, the engine `triage report` uses, and
prints what Athena would scan: Athena reads JSON whole, so a query scans the files of the
partitions it names; the month filter keeps that to one month instead of the archive's years.
Python's own allocations during the report are traced: the month stays in DuckDB, never in Python.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.progress import Progress  # noqa: E402
from rich.table import Table  # noqa: E402

from cli.duckdb_queries import DuckDbQueries  # noqa: E402
from functions.reporter.page import summary_lines  # noqa: E402
from functions.reporter.periods import monthly_period  # noqa: E402
from functions.reporter.queries import QUERY_NAMES  # noqa: E402
from functions.reporter.review import build_review  # noqa: E402
from infra.analytics import ANALYTICS_PREFIX, PARTITION_COLUMN  # noqa: E402
from policies.engine import TriageEngine  # noqa: E402

MONTH = "2026-11"
FILES_PER_TABLE = 100
ARCHIVE_YEARS = 3  # R-LOOP-3: what an unpartitioned query would have to read
KINDS = [
    ("product", "quality_defect"),
    ("product", "not_as_described"),
    ("logistics", "late_delivery"),
    ("logistics", "lost_or_damaged"),
    ("service", "attitude"),
    ("transaction", "billing_or_refund"),
    ("other", "other"),
]
# Queries that read the deadlines too (the others reference only the complaints table).
READ_OBLIGATIONS = {"deadlines", "typical"}


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _rows(rng: random.Random, n: int, start: datetime) -> tuple[list[dict], list[dict]]:
    """One ticket's snapshots (a quarter have an earlier one) and each snapshot's deadlines."""
    ticket = 10_000_000 + n
    received = start + timedelta(seconds=rng.randrange(30 * 86_400))
    level = 1 if rng.random() < 0.04 else 2 if rng.random() < 0.2 else 3
    category, subtype = KINDS[min(int(rng.expovariate(0.6)), len(KINDS) - 1)]
    snapshots = 2 if rng.random() < 0.25 else 1
    complaints, obligations = [], []
    for s in range(snapshots):
        final = s == snapshots - 1
        snap = _iso(received + timedelta(hours=1 + s * 20))
        first = received + timedelta(minutes=rng.randrange(10, 120))
        solved = received + timedelta(hours=rng.randrange(4, 96)) if final and rng.random() < 0.8 else None
        plugin_level = level if rng.random() < 0.95 else min(3, level + 1)
        complaints.append(
            {
                "ticket_id": ticket, "version": s + 1, "snapshot_at": snap, "event_id": f"ev-{ticket}-{s}",
                "received_at": _iso(received), "is_complaint": True, "level": level,
                "category": category, "subtype": subtype, "emotion": "normal", "language": "zh",
                "tier": None, "status": "solved" if solved else "open", "accepted_at": _iso(received),
                "first_response_at": _iso(first), "plan_proposed_at": None,
                "solved_at": _iso(solved) if solved else None, "confirmed_at": None,
                "plans_proposed": 0, "plan_rejections": 0,
                "satisfaction": rng.choice(["good", "good", "good", "bad", None]) if solved else None,
                "group_complaint": False, "problem": None, "alerted": "",
                "corrected": plugin_level != level, "plugin_level": plugin_level,
                "plugin_category": category, "plugin_subtype": subtype,
            }
        )  # fmt: skip
        for kind, hours in (("first_response", 1), ("follow_up", 4), ("resolution", 24)):
            met = first if kind == "first_response" else solved
            state = "met" if met else ("breached" if final and rng.random() < 0.1 else "open")
            obligations.append(
                {
                    "ticket_id": ticket, "snapshot_at": snap, "level": level, "kind": kind, "rule": "R-SLA",
                    "state": state, "opened_at": _iso(received),
                    "due_at": _iso(received + timedelta(hours=hours)),
                    "closed_at": _iso(met) if met else None,
                }
            )  # fmt: skip
    return complaints, obligations


def generate(root: Path, complaints: int, seed: int = 20261130) -> dict[str, int]:
    """Write the month's rows as the analytics writer lays them out; bytes written per table."""
    rng = random.Random(seed)
    start = datetime(2026, 10, 31, 16, tzinfo=UTC)  # 1 November 00:00 in China
    tables = ("complaints", "obligations")
    dirs = {t: root / ANALYTICS_PREFIX / t / f"{PARTITION_COLUMN}={MONTH}" for t in tables}
    with ExitStack() as stack, Progress(transient=True) as progress:
        handles: dict[str, list] = {}
        for table, directory in dirs.items():
            directory.mkdir(parents=True, exist_ok=True)
            handles[table] = [
                stack.enter_context(open(directory / f"part-{i:03d}.json", "w", encoding="utf-8"))
                for i in range(FILES_PER_TABLE)
            ]
        task = progress.add_task("writing a month of snapshots", total=complaints)
        for n in range(complaints):
            for table, rows in zip(tables, _rows(rng, n, start), strict=True):
                handles[table][n % FILES_PER_TABLE].write("".join(json.dumps(r) + "\n" for r in rows))
            if n % 10_000 == 0:
                progress.update(task, completed=n)
    return {t: sum(p.stat().st_size for p in d.glob("*.json")) for t, d in dirs.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", type=Path, help="write the month here and keep it (default: a temporary directory)"
    )
    args = parser.parse_args(argv)
    console = Console()
    root = args.keep or Path(tempfile.mkdtemp(prefix="review-bench-"))
    try:
        started = time.perf_counter()
        sizes = generate(root, args.complaints)
        generated = time.perf_counter() - started
        engine = TriageEngine.from_directory()
        policy = engine.policy
        period = monthly_period(MONTH, engine.calendar.zone)
        tracemalloc.start()
        started = time.perf_counter()
        review = build_review(DuckDbQueries(root), period, policy)
        elapsed = time.perf_counter() - started
        _, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        table = Table(
            title=f"Monthly review of {args.complaints:,} complaints ({MONTH}), DuckDB on one machine"
        )
        table.add_column("figure")
        table.add_column("value", justify="right")
        table.add_row("rows generated in", f"{generated:.1f} s")
        table.add_row("complaints in the report", f"{review.complaints:,}")
        table.add_row("month partition, complaints table", f"{sizes['complaints'] / 1e6:,.0f} MB")
        table.add_row("month partition, obligations table", f"{sizes['obligations'] / 1e6:,.0f} MB")
        monthly = [name for name in QUERY_NAMES if name != "typical"]  # typical: the weekly review's
        table.add_row(f"report ({len(monthly)} queries) on DuckDB", f"{elapsed:.1f} s")
        table.add_row("Python allocations at peak during the report", f"{python_peak / 1e6:,.1f} MB")
        scanned = sum(
            sizes["complaints"] + (sizes["obligations"] if name in READ_OBLIGATIONS else 0)
            for name in monthly
        )
        month_bytes = sizes["complaints"] + sizes["obligations"]
        table.add_row("Athena: bytes the report's queries scan (month filter)", f"{scanned / 1e9:,.2f} GB")
        table.add_row(
            f"Athena: the same without partitions ({ARCHIVE_YEARS} years of such months)",
            f"{scanned * 12 * ARCHIVE_YEARS / 1e9:,.0f} GB",
        )
        table.add_row(
            "largest single query scan (against the workgroup limit)", f"{month_bytes / 1e9:,.2f} GB"
        )
        console.print(table)
        console.print("Summary as the team lead reads it:")
        for line in summary_lines(review):
            console.print(f"  {line}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
