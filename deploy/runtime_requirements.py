"""Write the Lambda artifact's requirements: pyproject.toml's [project].dependencies, nothing else.

The build (`make build-<LogicalId>`, run by `sam build`) installs exactly these, so a dependency
added to pyproject.toml ships without a second list to keep in step, and dev extras never do.

    python deploy/runtime_requirements.py [--pyproject pyproject.toml] > requirements.txt
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def runtime_requirements(pyproject: Path) -> list[str]:
    """The [project].dependencies of `pyproject`, each checked to be pinned with `==`."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    requirements = [str(line).strip() for line in project.get("dependencies", [])]
    if not requirements:
        raise ValueError(f"{pyproject}: [project].dependencies is empty")
    # An unpinned runtime dependency would make two builds of one commit ship different code.
    unpinned = [r for r in requirements if "==" not in r.split(";")[0]]
    if unpinned:
        raise ValueError(f"{pyproject}: runtime dependencies must be pinned with ==: {', '.join(unpinned)}")
    return requirements


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    args = parser.parse_args(argv)
    try:
        requirements = runtime_requirements(args.pyproject)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        print(f"runtime_requirements: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write("".join(f"{line}\n" for line in requirements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
