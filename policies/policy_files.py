"""Where the policy files are and how one is read: the part every policy module shares.

A broken file fails loudly with the file, the path inside it and what is wrong, so a bad policy
never reaches a running function.
"""

import os
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

POLICY_DIR_ENV = "TRIAGE_POLICY_DIR"
DEFAULT_POLICY_DIR = Path(__file__).resolve().parent

M = TypeVar("M", bound=BaseModel)


class PolicyError(ValueError):
    """A policy file is missing, is not YAML, or does not match its schema."""


def policy_dir(directory: Path | str | None) -> Path:
    """The directory given, else $TRIAGE_POLICY_DIR, else the shipped policies."""
    return Path(directory or os.environ.get(POLICY_DIR_ENV) or DEFAULT_POLICY_DIR)


def _format_location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


# libyaml's safe loader when PyYAML was built with it (its wheels are, Lambda's included): the
# policy files are parsed at every cold start, and the pure-Python loader takes seconds on them.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_policy_file(path: Path, model: type[M], raw: bytes) -> M:
    """Parse one policy file's bytes into its model, or raise PolicyError naming file and path."""
    try:
        data: Any = yaml.load(raw, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: (top level): expected a mapping, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_format_location(err['loc'])}: {err['msg']}" for err in exc.errors())
        raise PolicyError(f"{path}: {problems}") from exc


def read_policy_file(path: Path, model: type[M]) -> M:
    """Read and parse one policy file; an unreadable file is a PolicyError naming it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy file: {exc.strerror}") from exc
    return parse_policy_file(path, model, raw)
