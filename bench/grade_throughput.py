"""How fast complaints are graded: in one process, and through `triage grade` end to end.

Prints figures, asserts nothing: machines differ, and a failing benchmark in CI teaches less
than a number in a log. Targets (see bench/README.md): at least 20,000 records/s in one process
on one core, and `triage grade` within 3x of merely parsing and re-serialising the same JSON
Lines. Run with `make bench`, or `python bench/grade_throughput.py --help` for the options.
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from complaint_corpus import grade_records

ROOT = Path(__file__).resolve().parents[1]
TARGET_RECORDS_PER_SECOND = 20_000
TARGET_CORPUS_RECORDS_PER_SECOND = 10_000  # issue 13: real corpus texts, grading with the model
TARGET_CLI_RATIO = 3.0
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_FILES = ("os10", "waimai", "htl", "twcs")
CORPUS_SEED = 20261203


def pin_to_one_core() -> str:
    """Run this process (and the subprocesses it starts) on one CPU, where the OS allows it."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this OS)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def best_seconds(action: Callable[[], None], runs: int) -> float:
    """The fastest of `runs` timings: the least disturbed by the rest of the machine."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def engine_throughput(count: int, runs: int) -> tuple[float, float]:
    """Records/s of TriageEngine.assess with received_at (deadlines included), and without."""
    from policies.engine import TriageEngine

    engine = TriageEngine.from_directory(None)
    records = list(grade_records(count))
    inputs = [(r["text"], dt.datetime.fromisoformat(r["received_at"]), r["channel"]) for r in records]
    for text, received_at, channel in inputs[:200]:  # warm up: OpenCC loads on first Chinese text
        engine.assess(text, received_at=received_at, channel=channel)

    def with_deadlines() -> None:
        for text, received_at, channel in inputs:
            engine.assess(text, received_at=received_at, channel=channel)

    def grading_only() -> None:
        for text, _, _ in inputs:
            engine.assess(text)

    return count / best_seconds(with_deadlines, runs), count / best_seconds(grading_only, runs)


def corpus_texts(directory: Path, count: int) -> list[str]:
    """A seeded sample of the real texts of ../shared/corpus/, in the corpus's own mix of sources."""
    import random

    texts: list[str] = []
    for name in CORPUS_FILES:
        with (directory / f"{name}.jsonl").open(encoding="utf-8") as lines:
            texts.extend(json.loads(line)["text"] for line in lines if line.strip())
    return random.Random(CORPUS_SEED).sample(texts, min(count, len(texts)))


def corpus_throughput(directory: Path, count: int, runs: int) -> tuple[float, float, float]:
    """Records/s of Grader.grade on corpus texts; the same with the learned reader's scoring
    replaced by a constant (what the rules alone cost); the mean text length."""
    from policies.engine import TriageEngine
    from policies.grading_model import Matched
    from policies.text import normalise

    grader = TriageEngine.from_directory(None).grader
    texts = corpus_texts(directory, count)
    for text in texts[:200]:
        grader.grade(text)

    def grade_all() -> None:
        for text in texts:
            grader.grade(text)

    with_model = count / best_seconds(grade_all, runs)
    model = grader._model
    fixed = model.score_text(normalise("x"), set())[0]
    real = model.score_text
    model.score_text = lambda norm, others: (fixed, Matched(set(), "z", set()))  # type: ignore[method-assign]
    try:
        rules_only = count / best_seconds(grade_all, runs)
    finally:
        model.score_text = real  # type: ignore[method-assign]
    return with_model, rules_only, sum(map(len, texts)) / len(texts)


def write_jsonl(path: Path, records: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def time_command(command: list[str], runs: int) -> float:
    """Best wall time of `command` with stdout to /dev/null; stops on any failure or stderr output."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }

    def once() -> None:
        done = subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=env, check=False
        )
        if done.returncode != 0 or done.stderr:
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[:2000]}")

    return best_seconds(once, runs)


def cli_timings(count: int, runs: int) -> dict[str, float]:
    """Wall times of `triage grade` and of the json round trip, on `count` records and on none."""
    grade = [sys.executable, "-m", "cli.main", "grade"]
    baseline = [sys.executable, str(ROOT / "bench" / "json_roundtrip.py")]
    with tempfile.TemporaryDirectory(prefix="triage-bench-") as tmp:
        full, empty = Path(tmp) / "records.jsonl", Path(tmp) / "empty.jsonl"
        write_jsonl(full, list(grade_records(count)))
        empty.write_bytes(b"")
        return {
            "grade": time_command([*grade, str(full)], runs),
            "baseline": time_command([*baseline, str(full)], runs),
            "grade_startup": time_command([*grade, str(empty)], runs),
            "baseline_startup": time_command([*baseline, str(empty)], runs),
        }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--records", type=int, default=20_000, help="records graded in-process (default 20000)"
    )
    parser.add_argument(
        "--cli-records", type=int, default=50_000, help="records fed to the CLI (default 50000)"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="timings per figure; the best is kept (default 3)"
    )
    parser.add_argument("--skip-cli", action="store_true", help="only the in-process figures")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=CORPUS,
        help=f"real texts to grade (default {CORPUS}; skipped if absent)",
    )
    parser.add_argument(
        "--corpus-records", type=int, default=20_000, help="corpus texts graded (default 20000)"
    )
    args = parser.parse_args(argv)

    print(f"Python {sys.version.split()[0]} on {sys.platform}, {pin_to_one_core()}")
    assess_rate, grade_rate = engine_throughput(args.records, args.runs)
    verdict = "meets" if assess_rate >= TARGET_RECORDS_PER_SECOND else "BELOW"
    print(f"\nIn one process: {args.records:,} records of 50-300 chars, best of {args.runs}")
    print(
        f"  assess with received_at (grade + deadlines + remedies)  {assess_rate:>9,.0f} records/s  "
        f"({verdict} target {TARGET_RECORDS_PER_SECOND:,})"
    )
    print(f"  assess without received_at (grade + remedies)           {grade_rate:>9,.0f} records/s")
    if (args.corpus / "os10.jsonl").exists():
        with_model, rules_only, mean_chars = corpus_throughput(args.corpus, args.corpus_records, args.runs)
        verdict = "meets" if with_model >= TARGET_CORPUS_RECORDS_PER_SECOND else "BELOW"
        per_record = 1e6 / with_model - 1e6 / rules_only
        print(
            f"\nCorpus texts: {args.corpus_records:,} real texts of {args.corpus} "
            f"(mean {mean_chars:.0f} chars)"
        )
        print(
            f"  Grader.grade (rules + learned reader)  {with_model:>9,.0f} records/s  "
            f"({verdict} target {TARGET_CORPUS_RECORDS_PER_SECOND:,})"
        )
        print(f"  the same, the model's scoring left out {rules_only:>9,.0f} records/s")
        print(f"  what the learned reader costs          {per_record:9.0f} µs a record")
    else:
        print(f"\nCorpus texts: {args.corpus} not found, skipped")
    if args.skip_cli:
        return 0

    t = cli_timings(args.cli_records, args.runs)
    ratio = t["grade"] / t["baseline"]
    graded, parsed = t["grade"] - t["grade_startup"], t["baseline"] - t["baseline_startup"]
    verdict = "meets" if ratio <= TARGET_CLI_RATIO else "ABOVE"
    print(f"\nCLI: {args.cli_records:,} records, stdout to /dev/null, best of {args.runs}")
    print(f"  triage grade FILE                      {t['grade']:7.2f} s")
    print(f"  parse + re-serialise (json, same I/O)  {t['baseline']:7.2f} s")
    print(f"  ratio                                  {ratio:7.1f}x  ({verdict} target {TARGET_CLI_RATIO:g}x)")
    print(
        f"  start-up on an empty file: triage {t['grade_startup']:.2f} s "
        f"(interpreter, imports, policy load), baseline {t['baseline_startup']:.2f} s"
    )
    print(
        f"  ratio excluding start-up               {graded / parsed:7.1f}x  "
        f"(triage {args.cli_records / graded:,.0f} records/s, "
        f"baseline {args.cli_records / parsed:,.0f} records/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
