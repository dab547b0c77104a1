"""Cold start of each Lambda handler: the time to import it (module-level set-up included).

Runs `python -X importtime -c "import <handler module>"` in a fresh interpreter per module, best of
N runs, and compares with `import boto3` alone (issue 7's targets: webhook within 2x, others 4x).
Measured on the source tree, not on a `sam build` artifact (that comes with the build work).

    .venv/bin/python bench/cold_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANDLERS = {
    "webhook": "functions.webhook.app",
    "triage": "functions.triage.app",
    "watcher": "functions.watcher.app",
}
TARGETS = {"webhook": 2.0, "triage": 4.0, "watcher": 4.0}
_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)")


def import_micros(module: str) -> int:
    """Microseconds to import `module` and everything it imports (-X importtime, cumulative)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    # The outermost import's cumulative time covers everything beneath it: the largest on the list.
    cumulative = (int(m.group(1)) for m in map(_LINE.match, done.stderr.splitlines()) if m)
    return max(cumulative, default=0)


def best(module: str, runs: int) -> int:
    return min(import_micros(module) for _ in range(runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    baseline = best("boto3", args.runs)
    print(f"cold start (import time, best of {args.runs}); import boto3 alone: {baseline / 1000:.0f} ms")
    for name, module in HANDLERS.items():
        micros = best(module, args.runs)
        ratio = micros / baseline
        verdict = "within" if ratio <= TARGETS[name] else "OVER"
        target = f"{verdict} the {TARGETS[name]:g}x target"
        print(f"  {name:<8} {micros / 1000:6.0f} ms  {ratio:4.1f}x boto3  ({target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
