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
