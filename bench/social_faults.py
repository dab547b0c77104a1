"""Fault benchmark of the social flow: posts answered while platforms fail and the outreach is killed.

Runs the product locally (`local.product.LocalProduct`) with moto in a process of its own and the
outreach handler in worker processes (`local.queue_worker`, as Lambda execution environments),
which reach the sandbox Weibo / X / Mastodon over HTTP (`local/social/platform_server.py`), so the
platforms, and every message they delivered, outlive a killed worker. Then, with the platforms
misbehaving (a share of requests refused 503, a share of sends whose answer is lost after the
message went out, bursts of 429 with Retry-After):

- publishes a burst of public posts (complaints, praise and questions; some authors with their
  DMs closed) and runs the monitors until every post is queued;
- kills an outreach worker with SIGKILL at random moments, K times, and starts another;
- waits until the posts queue is empty (moving the DLQ back with `triage replay-dlq` if it holds
  anything), then prints:

  complaints contacted, handed to people (the platform could not confirm an interrupted send, or
  nothing could be sent), lost (no ticket), messaged twice (two messages to one post's author),
  ticketed twice, non-complaints messaged, queue / DLQ after, posted → contacted p50 / p99,
  platform requests per post, and the faults served.

Exit status 1 on any loss, second message or second ticket.

    .venv/bin/python bench/social_faults.py [--posts 120] [--kills 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fault_flow import _replay_dead_letters
from bench.social_burst import (
    DAY_SECONDS,
    BurstPlan,
    BurstResult,
    _all_tickets,
    _read_everything,
    _social_queue_depths,
    place_posts,
    plan_burst,
)
from bench.ticket_flow_load import UNLIMITED, _ms, _pct
from local.worker_pool import WorkerPool

DEFAULT_FAULTS = {
    "error_rate": 0.15,
    "lost_answer_rate": 0.1,
    "throttle_every_seconds": 30.0,
    "throttle_seconds": 2.0,
    "retry_after_seconds": 2,
}
QUIET_SECONDS = 10.0


@dataclass
class SocialFaultRun:
    plan: BurstPlan
    messages: dict[str, int] = field(default_factory=dict)  # post key → messages its author got
    first_message_at: dict[str, datetime] = field(default_factory=dict)
    published_at: datetime | None = None
    tickets: Counter[str] = field(default_factory=Counter)  # external id → tickets
    status: dict[str, str] = field(default_factory=dict)
    handed_to_people: list[str] = field(default_factory=list)
    kills: int = 0
    timed_out: int = 0  # workers that outlived the function's timeout and were ended (as Lambda)
    left_before_replay: tuple[int, int] = (0, 0)
    replayed: int = 0
    left_after: tuple[int, int] = (0, 0)
    platform_requests: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def keys(self, kind: str) -> list[str]:
        return [p.post.key for p in self.plan.of_kind(kind)]  # type: ignore[arg-type]

    @property
    def contacted(self) -> list[str]:
        return [k for k in self.keys("complaint") if self.messages.get(k)]

    @property
    def lost(self) -> list[str]:
        """Complaints with no ticket, or never finished."""
        return [k for k in self.keys("complaint") if not self.tickets[k] or self.status.get(k) != "ticketed"]

    @property
    def messaged_twice(self) -> list[str]:
        return [k for k, n in self.messages.items() if n > 1]

    @property
    def ticketed_twice(self) -> list[str]:
        return [k for k, n in self.tickets.items() if n > 1]

    @property
    def others_messaged(self) -> list[str]:
        return [k for k in self.keys("other") if self.messages.get(k)]

    @property
    def ok(self) -> bool:
        problems = (self.lost, self.messaged_twice, self.ticketed_twice, self.others_messaged)
        return not any(problems) and self.left_after == (0, 0)


def run(
    posts: int,
    kills: int,
    workers: int,
    timeout: float,
    seed: int,
    faults: dict[str, Any],
    kill_every: tuple[float, float] = (3.0, 12.0),
) -> SocialFaultRun:
    from local import moto_fixes
    from local.product import LocalProduct
    from local.social.http_platform import CONNECTOR_SOURCE, URL_VARIABLE
    from local.social.platform_server import SocialFaultPlan, SocialPlatformServer
    from local.zendesk.sandbox_settings import SandboxSettings

    rng = random.Random(seed)
    plan = plan_burst(posts, reply_share=0.0, seed=seed)
    product = LocalProduct(
        sandbox_settings=SandboxSettings(requests_per_minute=UNLIMITED, update_ticket_per_minute=UNLIMITED),
        writes_per_minute=UNLIMITED,
        aws_in_child_process=True,
        outreach_in_process=False,
        chat_notifier=False,  # the alerts are read from the ledger; chat delivery has its own bench
        visibility_timeout=30,  # a killed worker's posts come back within half a minute
        monitor_every_seconds=DAY_SECONDS,  # the bench runs the monitors itself
        watch_every_seconds=DAY_SECONDS,
    )
    with moto_fixes.in_children(True):
        product.start()
    server = SocialPlatformServer(product.social_platforms).start()
    logs = tempfile.TemporaryDirectory(prefix="social-faults-")
    pool: WorkerPool | None = None
    started = time.monotonic()
    result = SocialFaultRun(plan.retimed(datetime.now(UTC)))
    try:
        for monitor in product.social_monitors.values():
            monitor.stop()
        env = {"SOCIAL_CONNECTOR_SOURCE": CONNECTOR_SOURCE, URL_VARIABLE: server.url}
        command = product.outreach_worker_command()
        pool = WorkerPool(command, workers, rng, Path(logs.name), name="outreach-worker", env=env)
        server.inject_faults(SocialFaultPlan(seed=seed, **faults))
        result.published_at = datetime.now(UTC)
        _publish(product, result.plan)
        killing = threading.Thread(target=_kill_now_and_then, args=(pool, kills, kill_every, rng, result))
        killing.daemon = True
        killing.start()
        _wait_until_handled(product, result, timeout)
        killing.join(timeout=1)
        result.left_before_replay = _social_queue_depths(product)
        if result.left_before_replay[1]:
            result.replayed = result.left_before_replay[1]
            stack = product.stack
            _replay_dead_letters(product, stack.social_queue_url, stack.social_dead_letter_queue_url)
            _wait_until_handled(product, result, timeout)
        result.left_after = _social_queue_depths(product)
        result.faults = dict(server.fault_counts)
        result.platform_requests = sum(server.requests.values())
        _read_outcomes(product, result)
    finally:
        result.seconds = time.monotonic() - started
        if pool is not None:
            pool.stop()
            result.timed_out = pool.ended_by_themselves
        server.stop()
        product.stop()
        logs.cleanup()
    return result


def _publish(product: Any, plan: BurstPlan) -> None:
    """Every post on its platform, DMs closed where planned, then read by the monitors."""
    platforms = product.social_platforms
    by_platform = place_posts(platforms, plan)
    for name, posts in by_platform.items():
        platforms[name].publish(*posts)
    _read_everything(product, by_platform, BurstResult(plan, 1))


def _kill_now_and_then(
    pool: WorkerPool, kills: int, every: tuple[float, float], rng: random.Random, result: SocialFaultRun
) -> None:
    for _ in range(kills):
        time.sleep(rng.uniform(*every))
        pool.kill_one()
        result.kills += 1


def _wait_until_handled(product: Any, result: SocialFaultRun, timeout: float) -> None:
    """Until the posts queue has stayed empty for a few seconds (or the timeout)."""
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        queued, _ = _social_queue_depths(product)
        if queued == 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= QUIET_SECONDS:
                return
        else:
            quiet_since = None
        time.sleep(1)


def _read_outcomes(product: Any, result: SocialFaultRun) -> None:
    """Messages per post from the platforms, tickets per post from Zendesk, progress from the ledger."""
    import os

    import boto3

    from infra.social_ledger import SocialLedger

    for platform in product.social_platforms.values():
        for post, delivery in list(platform.sent):
            result.messages[post.key] = result.messages.get(post.key, 0) + 1
            result.first_message_at.setdefault(post.key, delivery.sent_at)
    for ticket in _all_tickets(product):
        if ticket.get("external_id"):
            result.tickets[str(ticket["external_id"])] += 1
    table = boto3.session.Session().resource("dynamodb").Table(os.environ["COMPLAINTS_TABLE"])
    ledger = SocialLedger(table)
    for planned in result.plan.posts:
        progress = ledger.progress(planned.post.key)
        if progress is None:
            continue
        result.status[planned.post.key] = progress.status
        if planned.kind == "complaint" and progress.contact is None and progress.contact_failure:
            result.handed_to_people.append(planned.post.key)


def report_lines(result: SocialFaultRun) -> list[str]:
    plan = result.plan
    published = result.published_at
    latencies = sorted(
        (at - published).total_seconds() for at in result.first_message_at.values() if published is not None
    )
    complaints = result.keys("complaint")
    lines = [
        f"social faults: {len(plan.posts)} posts ({len(complaints)} complaints, "
        f"{len(result.keys('other'))} praise or questions), {result.kills} outreach workers killed, "
        f"{result.timed_out} ended past the function's timeout",
        f"  faults served        {dict(sorted(result.faults.items()))}",
        f"  contacted            {len(result.contacted)} of {len(complaints)} complaints",
        f"  handed to people     {len(result.handed_to_people)}, of which the interrupted send had "
        f"reached the poster: {sum(1 for k in result.handed_to_people if result.messages.get(k))} "
        "(the platform cannot confirm a send, or nothing could be sent)",
        f"  lost (no ticket)     {len(result.lost)} {result.lost[:5] or ''}".rstrip(),
        f"  messaged twice       {len(result.messaged_twice)} {result.messaged_twice[:5] or ''}".rstrip(),
        f"  ticketed twice       {len(result.ticketed_twice)} {result.ticketed_twice[:5] or ''}".rstrip(),
        f"  others messaged      {len(result.others_messaged)}",
        f"  queue / DLQ          {result.left_before_replay[0]} / {result.left_before_replay[1]} before "
        f"replay-dlq ({result.replayed} replayed), {result.left_after[0]} / {result.left_after[1]} after",
        f"  platform requests    {result.platform_requests / max(1, len(plan.posts)):.1f} per post",
        f"  took                 {result.seconds:.0f} s",
    ]
    if latencies:
        lines.insert(
            9,
            f"  published → contacted p50 {_ms(statistics.median(latencies))}  "
            f"p99 {_ms(_pct(latencies, 99))}  max {_ms(latencies[-1])}",
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=120)
    parser.add_argument("--kills", type=int, default=4, help="outreach workers killed with SIGKILL")
    parser.add_argument("--workers", type=int, default=2, help="outreach worker processes at a time")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args(argv)
    result = run(args.posts, args.kills, args.workers, args.timeout, args.seed, DEFAULT_FAULTS)
    print("\n".join(report_lines(result)))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
