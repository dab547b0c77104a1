"""Handler worker processes for the fault benchmarks (`local.queue_worker`), killed at random.

`kill_one` ends one with SIGKILL, as a Lambda execution environment can end mid-batch, and starts its
replacement; a worker that ends by itself (an invocation past its timeout, `local.queue_worker`) is
replaced too, as Lambda starts a new environment. Each worker writes its logs to a file of its own:
a pipe nobody reads would fill and block its logging.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

from local.queue_worker import READY

WORKER_START_SECONDS = 60.0
REPLACE_CHECK_SECONDS = 0.5


class WorkerPool:
    def __init__(
        self,
        command: list[str],
        count: int,
        rng: random.Random,
        log_dir: Path,
        *,
        name: str = "worker",
        env: dict[str, str] | None = None,
    ) -> None:
        self._command, self._rng, self._log_dir, self._name = command, rng, log_dir, name
        self._env = {**os.environ, **(env or {})}
        self._lock = threading.Lock()
        self._spawned = 0
        self.ended_by_themselves = 0  # workers that exited on their own (timed out) and were replaced
        self._processes = [self._spawn() for _ in range(count)]
        self._stopping = threading.Event()
        self._replacer = threading.Thread(target=self._replace_ended, name=f"{name}-replacer", daemon=True)
        self._replacer.start()

    def _replace_ended(self) -> None:
        while not self._stopping.wait(REPLACE_CHECK_SECONDS):
            with self._lock:
                if self._stopping.is_set():
                    return
                for index, process in enumerate(self._processes):
                    if process.poll() is not None:
                        self.ended_by_themselves += 1
                        self._processes[index] = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        self._spawned += 1
        log = self._log_dir / f"{self._name}-{self._spawned}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(self._command, stdout=output, stderr=subprocess.STDOUT, env=self._env)
        deadline = time.monotonic() + WORKER_START_SECONDS
        while READY.encode() not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"a {self._name} did not start: {log.read_text()[-1000:]}")
            time.sleep(0.05)
        return process

    def kill_one(self) -> None:
        with self._lock:
            index = self._rng.randrange(len(self._processes))
            victim = self._processes[index]
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            self._processes[index] = self._spawn()

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            for process in self._processes:
                process.terminate()
            for process in self._processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
