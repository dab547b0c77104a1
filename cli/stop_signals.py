"""Waiting for Ctrl-C or SIGTERM: what `triage local` and `triage demo --serve` run until."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def stop_requested() -> Iterator[threading.Event]:
    """An event that SIGINT or SIGTERM sets while inside (no KeyboardInterrupt, so whatever runs
    is stopped cleanly by the caller); the previous handlers are restored on leaving."""
    stop = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
