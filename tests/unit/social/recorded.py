"""Recorded platform responses (tests/data/social/<platform>/), and small test doubles."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "data" / "social"


def load(platform: str, name: str) -> Any:
    """A recorded JSON response, parsed."""
    return json.loads(raw(platform, name))


def raw(platform: str, name: str) -> bytes:
    """A recorded response's exact bytes."""
    return (DATA / platform / name).read_bytes()


class Sleeps(list[float]):
    """Records requested sleeps instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


class FixedClock:
    """A clock that says `now` until moved."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
