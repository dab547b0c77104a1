"""Fault benchmark of the ticket flow: every event through the signed webhook while things fail.

Runs the product locally (`local.product.LocalProduct`) with moto in a process of its own (its
state survives whatever happens to the triage) and the triage handler in worker processes
(`local.queue_worker`, as Lambda execution environments). Then, with the sandbox misbehaving as
`local/zendesk/sandbox_faults.py` describes (20 % of requests answered 500/502/503, bursts of 429
with Retry-After, answers slower than the client's timeout after the write landed, webhook
deliveries sent twice):

- creates N tickets and adds requester messages to them through the sandbox's API (exempt from
  the faults); every ticket event, our own writes' included, reaches the webhook signed by the
  sandbox's event subscriptions;
- kills a triage worker with SIGKILL at random moments, mid-batch, K times, and starts another;
- waits until the queue is empty, moves what the DLQ holds back with `triage replay-dlq` and waits
  again; then reads every ticket's audits and prints:

  enriched, lost (a ticket with no plugin write), written twice (an event id in two plugin audits),
  writes per ticket, what is left on the queue and the DLQ (before and after the replay),
  created → enriched p50 / p99, Zendesk requests per ticket, and the faults served.

Exit status 1 on any loss or double write.

    .venv/bin/python bench/fault_flow.py [--tickets 1200] [--comments 2] [--kills 6] [--workers 2]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.complaint_corpus import complaint_text
from bench.ticket_flow_load import UNLIMITED, _ms, _pct, _queue_depths
from local.worker_pool import WorkerPool

DEFAULT_FAULTS = {
    "error_rate": 0.2,
    "slow_rate": 0.02,
    "throttle_every_seconds": 45.0,
    "throttle_seconds": 3.0,
    "duplicate_rate": 0.05,
}
FOLLOW_UPS = ("还没处理吗？我等了好久了", "Any update on this? Still waiting.", "订单号 {order}，请尽快处理")


@dataclass
class FaultRun:
    """What one run saw, for the report."""

    tickets: int
    created_at: dict[int, float] = field(default_factory=dict)
    first_write_at: dict[int, float] = field(default_factory=dict)
    writes: Counter[int] = field(default_factory=Counter)
    written_twice: list[str] = field(default_factory=list)
    watcher_writes: int = 0  # the deadline watcher's own writes, not counted as the triage's
    deliveries: int = 0
    kills: int = 0
    timed_out: int = 0  # workers that outlived the function's timeout and were ended (as Lambda)
    left_before_replay: tuple[int, int] = (0, 0)
    replayed: int = 0
    left_after: tuple[int, int] = (0, 0)
    requests: Counter[str] = field(default_factory=Counter)
    faults: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def lost(self) -> list[int]:
        return sorted(t for t in self.created_at if self.writes[t] == 0)

    @property
    def ok(self) -> bool:
        return not self.lost and not self.written_twice and self.left_after == (0, 0)


def run(
    tickets: int,
    comments: int,
    kills: int,
    workers: int,
    timeout: float,
    seed: int,
    faults: dict[str, Any],
    kill_every: tuple[float, float] = (5.0, 25.0),
) -> FaultRun:
    import requests

    from integrations.zendesk.client import DEFAULT_TIMEOUT, ZendeskClient
    from local import moto_fixes
    from local.product import LocalProduct
    from local.zendesk.sandbox_faults import EXEMPT_HEADER, FaultPlan
    from local.zendesk.sandbox_settings import SandboxSettings

    rng = random.Random(seed)
    result = FaultRun(tickets)
    settings = SandboxSettings(
        requests_per_minute=UNLIMITED,
        update_ticket_per_minute=UNLIMITED,
        updates_per_ticket_per_user=UNLIMITED,
        webhook_max_attempts=8,
    )
    product = LocalProduct(
        sandbox_settings=settings,
        writes_per_minute=UNLIMITED,
        aws_in_child_process=True,
        triage_in_process=False,
        visibility_timeout=30,
    )
    with moto_fixes.in_children(True):
        product.start()  # moto's process starts first, with the fixes
    pool: WorkerPool | None = None
    logs = tempfile.TemporaryDirectory(prefix="fault-flow-")
    started = time.monotonic()
    try:
        ready, sandbox = product.ready, product.sandbox
        assert ready is not None and sandbox is not None
        pool = WorkerPool(
            product.triage_worker_command(), workers, rng, Path(logs.name), name="triage-worker"
        )
        slow = float(DEFAULT_TIMEOUT[1]) + 1.0  # past the client's read timeout: the write lands unseen
        sandbox.inject_faults(FaultPlan(slow_seconds=slow, seed=seed, **faults))
        session = requests.Session()
        session.trust_env = False
        session.headers[EXEMPT_HEADER] = "1"
        client = ZendeskClient(ready.zendesk_url, ready.zendesk_email, ready.zendesk_token, session=session)

        killing = threading.Thread(
            target=_kill_now_and_then, args=(pool, kills, kill_every, rng, result), daemon=True
        )
        killing.start()
        requesters: dict[int, int] = {}
        for index in range(tickets):
            text = complaint_text(rng)
            ticket = client.create_ticket(
                {
                    "subject": text[:30],
                    "comment": {"body": text},
                    "requester": {"name": f"Customer {index}", "email": f"f{index}@customers.example"},
                }
            )
            ticket_id = int(ticket["id"])
            result.created_at[ticket_id] = time.monotonic()
            requesters[ticket_id] = int(ticket["requester_id"])
        for round_number in range(comments):
            for ticket_id, requester in requesters.items():
                body = FOLLOW_UPS[(ticket_id + round_number) % len(FOLLOW_UPS)].format(order=ticket_id)
                client.update_ticket(
                    ticket_id, {"comment": {"body": body, "author_id": requester, "public": True}}
                )
        _wait_until_drained(product, sandbox, timeout)
        killing.join(timeout=1)
        result.left_before_replay = _queue_depths(ready.aws_endpoint_url, product.stack)
        if result.left_before_replay[1]:
            result.replayed = result.left_before_replay[1]
            _replay_dead_letters(product, product.stack.queue_url, product.stack.dead_letter_queue_url)
            _wait_until_drained(product, sandbox, timeout)
        result.left_after = _queue_depths(ready.aws_endpoint_url, product.stack)
        result.faults = sandbox.fault_counts()
        sandbox.inject_faults(None)
        _read_writes(client, sandbox, result)
        result.requests = Counter(r.method for r in sandbox.requests())
        result.deliveries = len({d.invocation_id for d in sandbox.deliveries()})
    finally:
        result.seconds = time.monotonic() - started
        if pool is not None:
            pool.stop()
            result.timed_out = pool.ended_by_themselves
        product.stop()
        logs.cleanup()
    return result


def _kill_now_and_then(
    pool: WorkerPool, kills: int, every: tuple[float, float], rng: random.Random, result: FaultRun
) -> None:
    for _ in range(kills):
        time.sleep(rng.uniform(*every))
        pool.kill_one()
        result.kills += 1


def _wait_until_drained(product: Any, sandbox: Any, timeout: float) -> None:
    """Until the webhook deliveries are done and the queue stays empty for a few seconds."""
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        sandbox.wait_for_deliveries(timeout=5)
        queued, _ = _queue_depths(product.ready.aws_endpoint_url, product.stack)
        if queued == 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 10:
                return
        else:
            quiet_since = None
        time.sleep(1)


def _replay_dead_letters(product: Any, queue_url: str, dead_letter_queue_url: str) -> None:
    """`triage replay-dlq`, the operator's command, as an operator runs it."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli.main",
            "replay-dlq",
            "--queue-url",
            queue_url,
            "--dlq-url",
            dead_letter_queue_url,
            "--endpoint-url",
            product.ready.aws_endpoint_url,
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"replay-dlq failed: {done.stderr[-500:]}")


def _read_writes(client: Any, sandbox: Any, result: FaultRun) -> None:
    """Every plugin write per ticket from the audits, and any event id written twice."""
    from integrations.zendesk.ticket_update import METADATA_KEY

    for ticket_id in result.created_at:
        seen: Counter[str] = Counter()
        for audit in client.list_audits(ticket_id):
            custom = (audit.get("metadata") or {}).get("custom") or {}
            marker = custom.get(METADATA_KEY)
            if not isinstance(marker, dict):
                continue
            if "event_id" not in marker:  # the deadline watcher's writes (warnings, breaches)
                result.watcher_writes += 1
                continue
            seen[str(marker["event_id"])] += 1
            result.writes[ticket_id] += 1
        result.written_twice += [f"{ticket_id}:{event}" for event, n in seen.items() if n > 1]
    first_put: dict[int, float] = {}
    for record in sandbox.requests():
        if record.exempt or record.method != "PUT" or record.status != 200:
            continue
        if record.path.startswith("/api/v2/tickets/"):
            ticket_id = int(record.path.split("/")[4].removesuffix(".json"))
            first_put.setdefault(ticket_id, record.at)
    result.first_write_at = {t: first_put[t] for t in result.created_at if t in first_put}


def report_lines(result: FaultRun) -> list[str]:
    latencies = sorted(result.first_write_at[t] - result.created_at[t] for t in result.first_write_at)
    writes = Counter(result.writes[t] for t in result.created_at)
    per_ticket = sum(result.requests.values()) / max(1, result.tickets)
    lines = [
        f"fault flow: {result.tickets} tickets, {result.deliveries} webhook events delivered "
        f"(duplicates and redeliveries included), {result.kills} triage workers killed, "
        f"{result.timed_out} ended past the function's timeout",
        f"  faults served       {dict(sorted(result.faults.items()))}",
        f"  enriched            {result.tickets - len(result.lost)}",
        f"  lost (no write)     {len(result.lost)}",
        f"  written twice       {len(result.written_twice)} {result.written_twice[:5] or ''}".rstrip(),
        f"  writes per ticket   {dict(sorted(writes.items()))} by the triage, "
        f"and {result.watcher_writes} by the deadline watcher",
        f"  queue / DLQ         {result.left_before_replay[0]} / {result.left_before_replay[1]} "
        f"before replay-dlq ({result.replayed} replayed), "
        f"{result.left_after[0]} / {result.left_after[1]} after",
        f"  zendesk requests    {dict(result.requests)} ({per_ticket:.1f}/ticket)",
        f"  took                {result.seconds:.0f} s",
    ]
    if latencies:
        lines.insert(
            6,
            f"  created → enriched  p50 {_ms(statistics.median(latencies))}  "
            f"p99 {_ms(_pct(latencies, 99))}  max {_ms(latencies[-1])}",
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1200)
    parser.add_argument("--comments", type=int, default=2, help="requester messages added to each ticket")
    parser.add_argument("--kills", type=int, default=6, help="triage workers killed with SIGKILL")
    parser.add_argument("--workers", type=int, default=2, help="triage worker processes at a time")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args(argv)
    result = run(
        args.tickets, args.comments, args.kills, args.workers, args.timeout, args.seed, DEFAULT_FAULTS
    )
    print("\n".join(report_lines(result)))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
