"""Cold start of each Lambda handler: the time to import it (module-level set-up included).

Runs `python -X importtime -c "import <handler module>"` in a fresh interpreter per module, best of
N runs, and compares with `import boto3` alone (issue 7's targets: webhook within 2x, others 4x).

    make bench-cold-start       # = python3.13 bench/cold_start.py --artifact .aws-sam/build
    .venv/bin/python bench/cold_start.py [--runs 5]      # the source tree, this interpreter

With --artifact (a `sam build` output directory) each handler is imported from its function's
built artifact, as Lambda's /var/task: Python 3.13 with -S (this interpreter's site-packages off
sys.path), the artifact's unchecked-hash bytecode, and the Globals' Powertools settings. The
artifact's aarch64 extension modules are swapped for this machine's build of the same versions
(deploy/host_overlay.py); everything else imported is the artifact's.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deploy.host_overlay import artifact_environment, host_overlay  # noqa: E402

# name → (template logical id, handler module)
HANDLERS = {
    "webhook": ("WebhookFunction", "functions.webhook.app"),
    "triage": ("TriageFunction", "functions.triage.app"),
    "watcher": ("DeadlineWatcherFunction", "functions.watcher.app"),
    "social_monitor": ("SocialMonitorFunction", "functions.social_monitor.app"),
    "outreach": ("OutreachFunction", "functions.outreach.app"),
    "notifier": ("NotifierFunction", "functions.notifier.app"),
    "reporter": ("ReporterFunction", "functions.reporter.app"),
}
TARGETS = {"webhook": 2.0}
OTHER_TARGET = 4.0
# template.yaml Globals' Function environment (tests/unit/test_template.py keeps them equal).
LAMBDA_SETTINGS = {
    "POWERTOOLS_SERVICE_NAME": "complaint-triage",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "POWERTOOLS_METRICS_NAMESPACE": "ComplaintTriage",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOGGER_LOG_EVENT": "false",
}
_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)")


class Importer:
    """Times `import <module>` in fresh interpreters: from the source tree, or from an artifact."""

    def __init__(self, python: str, artifact: Path | None) -> None:
        self.python = python
        self.artifact = artifact
        # Every function ships the same artifact (tests/deploy): one overlay serves them all.
        self._overlay = host_overlay(artifact / "WebhookFunction", python) if artifact else None
        self._cwd = tempfile.mkdtemp(prefix="cold-start-")

    def module_file(self, function: str, module: str) -> Path:
        base = self.artifact / function if self.artifact else ROOT
        return base / (module.replace(".", "/") + ".py")

    def micros(self, function: str, module: str) -> int:
        """Microseconds to import `module` and everything it imports (-X importtime, cumulative)."""
        if self.artifact is None:
            command, cwd, env = [self.python, "-X", "importtime", "-c", f"import {module}"], ROOT, None
        else:
            # The function's own artifact, not the source tree: run outside it, nothing else on sys.path.
            command = [self.python, "-S", "-X", "importtime", "-c", f"import {module}"]
            cwd, env = (
                Path(self._cwd),
                artifact_environment(self.artifact / function, self._overlay, LAMBDA_SETTINGS),
            )
        done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, check=False)
        if done.returncode:
            raise RuntimeError(f"import {module} failed:\n{done.stderr[-1500:]}")
        # The outermost import's cumulative time covers everything beneath it: the largest on the list.
        cumulative = (int(m.group(1)) for m in map(_LINE.match, done.stderr.splitlines()) if m)
        return max(cumulative, default=0)

    def best(self, function: str, module: str, runs: int) -> int:
        return min(self.micros(function, module) for _ in range(runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--artifact", type=Path, help="a sam build directory (.aws-sam/build)")
    args = parser.parse_args(argv)
    if args.artifact and sys.version_info[:2] != (3, 13):
        print("--artifact needs Python 3.13 (the artifact's bytecode is 3.13's)", file=sys.stderr)
        return 2
    importer = Importer(sys.executable, args.artifact.resolve() if args.artifact else None)
    where = f"artifact {args.artifact}" if args.artifact else "source tree"
    baseline = importer.best("WebhookFunction", "boto3", args.runs)
    print(
        f"cold start (import time, best of {args.runs}, Python {sys.version.split()[0]}, {where}); "
        f"import boto3 alone: {baseline / 1000:.0f} ms"
    )
    over = 0
    for name, (function, module) in HANDLERS.items():
        if not importer.module_file(function, module).is_file():
            print(f"  {name:<15} missing: {module} is not in the {where}")
            over += 1
            continue
        micros = importer.best(function, module, args.runs)
        ratio, target = micros / baseline, TARGETS.get(name, OTHER_TARGET)
        verdict = "within" if ratio <= target else "OVER"
        print(
            f"  {name:<15} {micros / 1000:6.0f} ms  {ratio:4.1f}x boto3  ({verdict} the {target:g}x target)"
        )
        over += ratio > target
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
