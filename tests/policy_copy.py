"""A writable copy of the shipped policy directory (every YAML file and the grading model), for
tests that edit one file and load the rest as shipped."""

import shutil
from pathlib import Path

from policies.loader import DEFAULT_POLICY_DIR


def copy_policies(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for source in [*DEFAULT_POLICY_DIR.glob("*.yaml"), *DEFAULT_POLICY_DIR.glob("*.json")]:
        shutil.copy(source, target / source.name)
    return target


def copy_policies_editing(target: Path, file: str, old: str, new: str) -> Path:
    """A copy whose `file` has its first `old` replaced by `new`; `old` must be there, so a test never
    passes on a file it failed to edit."""
    root = copy_policies(target)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{file} no longer holds {old!r}: the test edits nothing"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root
