"""`triage eval-intake [FILE] [--split frozen] [--json]`: how well the intake is read (issue 19).

Reads each labelled text as the triage reads a new ticket's intake (R-INTAKE-3, R-GRADE-6) and
compares with the labels of eval/intake/LABELLING.md: precision and recall per demand kind and per
evidence kind, the share of texts whose demands are exactly right, responsibility accuracy and the
amount paid found. The default file is eval/intake/labelled.jsonl; `--split frozen` is the part
never tuned on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cli.failure import EXIT_OK, EXIT_UNUSABLE, CliFailure

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "eval" / "intake" / "labelled.jsonl"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "eval-intake",
        help="measure how the intake (demands, evidence, responsibility) is read",
        description="Per-demand and per-evidence precision and recall, exact demands, responsibility and "
        "amount paid against eval/intake/LABELLING.md labels.",
    )
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE, help="labelled JSON Lines")
    parser.add_argument("--split", metavar="NAME", help="only lines whose `split` is NAME (`frozen`)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.set_defaults(run=run)


def _pr(tp: int, fp: int, fn: int) -> dict[str, Any]:
    return {
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
        "support": tp + fn,
        "found": tp + fp,
    }


def report(rows: list[dict[str, Any]], engine: Any) -> dict[str, Any]:
    from policies.intake import DemandKind, EvidenceKind

    demand_kinds = list(DemandKind.__args__)  # type: ignore[attr-defined]
    evidence_kinds = list(EvidenceKind.__args__)  # type: ignore[attr-defined]
    counts = {k: [0, 0, 0] for k in [*demand_kinds, *evidence_kinds]}
    exact = responsible_right = responsible_total = paid_right = paid_total = 0
    misses: list[dict[str, Any]] = []
    for row in rows:
        grading = engine.grader.grade(row["text"])
        reading = engine.intake.read(row["text"], grading.category)
        got_demands, want_demands = set(reading.demand_kinds), set(row["demands"])
        got_evidence, want_evidence = set(reading.evidence_mentioned), set(row["evidence"])
        for kinds, got, want in (
            (demand_kinds, got_demands, want_demands),
            (evidence_kinds, got_evidence, want_evidence),
        ):
            for kind in kinds:
                counts[kind][0] += kind in got and kind in want
                counts[kind][1] += kind in got and kind not in want
                counts[kind][2] += kind not in got and kind in want
        exact += got_demands == want_demands
        if got_demands != want_demands:
            misses.append({"id": row["id"], "expected": sorted(want_demands), "got": sorted(got_demands)})
        if row.get("responsibility") not in (None, "unclear"):
            responsible_total += 1
            responsible_right += reading.responsible.party == row["responsibility"]
        if row.get("amount_paid") is not None:
            paid_total += 1
            paid_right += reading.amount_paid == float(row["amount_paid"])
    return {
        "texts": len(rows),
        "demands": {k: _pr(*counts[k]) for k in demand_kinds},
        "evidence": {k: _pr(*counts[k]) for k in evidence_kinds},
        "demands_exactly_right": round(exact / len(rows), 3) if rows else None,
        "responsibility_accuracy": round(responsible_right / responsible_total, 3)
        if responsible_total
        else None,
        "responsibility_labelled": responsible_total,
        "amount_paid_found": f"{paid_right}/{paid_total}",
        "demand_misses": misses,
    }


def _print(result: dict[str, Any]) -> None:
    from cli.text_table import Column, render_table

    def table(title: str, section: dict[str, Any]) -> None:
        print(title)
        columns = [
            Column("kind"),
            Column("precision", align="right"),
            Column("recall", align="right"),
            Column("support", align="right"),
            Column("found", align="right"),
        ]
        rows = [
            [
                k,
                "-" if v["precision"] is None else f"{v['precision']:.3f}",
                "-" if v["recall"] is None else f"{v['recall']:.3f}",
                str(v["support"]),
                str(v["found"]),
            ]
            for k, v in section.items()
        ]
        print("\n".join(render_table(columns, rows)))
        print()

    print(f"{result['texts']} labelled texts")
    table("Demands (what the customer asks for now)", result["demands"])
    table("Evidence mentioned", result["evidence"])
    print(f"demands exactly right: {result['demands_exactly_right']}")
    print(
        f"responsibility accuracy: {result['responsibility_accuracy']} "
        f"(of {result['responsibility_labelled']} labelled)"
    )
    print(f"amount paid found: {result['amount_paid_found']}")


def run(args: argparse.Namespace) -> int:
    from policies.engine import TriageEngine
    from policies.loader import PolicyError

    try:
        lines = args.file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CliFailure(f"{args.file}: {exc.strerror}", EXIT_UNUSABLE) from exc
    rows = [json.loads(line) for line in lines if line.strip()]
    if args.split:
        rows = [r for r in rows if r.get("split") == args.split]
    if not rows:
        raise CliFailure(
            f"{args.file}: no labelled lines" + (f" in split {args.split!r}" if args.split else ""),
            EXIT_UNUSABLE,
        )
    try:
        engine = TriageEngine.from_directory(args.policies)
    except PolicyError as exc:
        raise CliFailure(f"policy not loaded: {exc}", EXIT_UNUSABLE) from exc
    result = report(rows, engine)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        _print(result)
    return EXIT_OK
