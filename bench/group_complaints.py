"""Group-complaint benchmark (R-GRADE-1b, issue 18): true groups found, no false ones, at flat cost.

Replays, as tickets from distinct customers over a simulated 72 hours:
- a background of real complaint texts from ../shared/corpus/ (a seeded draw of the reviews the
  source labels negative, and of the support tweets), and
- the injected true groups of `bench/data/injected_groups.jsonl`: ten products each failing one
  way, 6-8 customers each, written in varied wording (two groups English, one traditional Chinese),
  each group's members arriving within one random day of the 72 hours.

Each text is graded as the triage grades it (`Grader`); a complaint's problem is read
(`ProblemReader`) and joined in the complaints table (`ProblemClusters` on moto's DynamoDB,
in-process), and a cluster that forms tells its earlier members through a counting queue
(`tell_the_others`), as the triage does. It prints:

- each injected group: found (a formed group holding at least `min_customers` of its members),
  how completely (members in that group / members), and the key it was found under;
- false groups: formed groups that hold fewer than `min_customers` injected members of one group
  (they formed from the background), with their keys and a quote;
- writes: DynamoDB writes per complaint for the cluster (conditional puts, retries included) and
  extra Zendesk writes per group member (the raise told to members that joined before it formed);
- time per event: reading the problem, and joining the cluster, p50 / p99, in the first and the
  last quarter of the stream (flat means the cost does not grow with the open complaints).

    .venv/bin/python bench/group_complaints.py [--background 3000] [--seed 18] [--injected F]
        [--figures-only]

`--figures-only` prints the totals alone (no texts, no keys): the way to run a held-out set
(`--injected bench/data/injected_groups_holdout.jsonl`) without reading it.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
INJECTED = ROOT / "bench" / "data" / "injected_groups.jsonl"
HOURS = 72
START = datetime(2026, 11, 2, tzinfo=UTC)
REGION = "eu-west-1"


@dataclass
class Arrival:
    at: datetime
    customer: str
    ticket: int
    text: str
    group: str | None  # the injected group, None for the background


class CountingQueue:
    """Stands in for the events queue: counts the raises each ticket is told."""

    def __init__(self) -> None:
        self.raises: Counter[int] = Counter()

    def enqueue(self, event: Any, raw_body: bytes) -> str:
        self.raises[event.ticket_id] += 1
        return str(sum(self.raises.values()))


def background(count: int, rng: random.Random) -> list[str]:
    """Real complaint texts: reviews the source calls negative, and inbound support tweets."""
    pool: list[str] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                if str(row.get("sentiment", "0")) in {"0", "negative"}:
                    pool.append(row["text"])
    return rng.sample(pool, count)


def arrivals(count: int, rng: random.Random, injected: Path) -> list[Arrival]:
    span = timedelta(hours=HOURS)
    out = [
        Arrival(START + span * rng.random(), f"bg-{n}", n, text, None)
        for n, text in enumerate(background(count, rng))
    ]
    rows = [json.loads(line) for line in injected.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_group[row["group"]].append(row)
    ticket = len(out)
    for group, members in sorted(by_group.items()):
        day_start = START + timedelta(hours=rng.uniform(0, HOURS - 24))
        for n, row in enumerate(members):
            at = day_start + timedelta(hours=24) * rng.random()
            out.append(Arrival(at, f"{group}-{n}", ticket, row["text"], group))
            ticket += 1
    return sorted(out, key=lambda a: a.at)


def _pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def run(count: int, seed: int, injected: Path, figures_only: bool = False) -> int:
    import boto3
    from moto import mock_aws

    from functions.triage.group_complaints import join_problem, tell_the_others
    from infra.complaints import TABLE_SCHEMA
    from infra.problem_clusters import ProblemClusters
    from policies.grading import Grader
    from policies.loader import load_policy
    from policies.problems import ProblemReader

    rng = random.Random(seed)
    stream = arrivals(count, rng, injected)
    policy = load_policy()
    group = policy.alerting.group_complaint
    grader = Grader.from_policy(policy)
    reader = ProblemReader(
        policy.problems, policy.concepts, policy.grading, group.product_tag_prefixes, group.near_identical
    )
    queue = CountingQueue()

    with mock_aws():
        dynamodb = boto3.resource("dynamodb", region_name=REGION)
        table = dynamodb.create_table(TableName="complaints", **TABLE_SCHEMA)
        writes: Counter[int] = Counter()
        real_put = table.put_item

        def counted_put(**kwargs: Any) -> Any:
            writes[current] += 1
            return real_put(**kwargs)

        table.put_item = counted_put  # type: ignore[method-assign]
        clusters = ProblemClusters(table)
        read_ms: list[float] = []
        join_ms: list[tuple[int, float]] = []
        member_of: dict[int, str] = {}
        states: dict[str, Any] = {}
        unread: Counter[bool] = Counter()  # injected members with no problem: failure read or not
        complaints = 0
        for index, arrival in enumerate(stream):
            current = arrival.ticket
            grading = grader.grade(arrival.text)
            if not grading.is_complaint and arrival.group is None:
                continue
            complaints += 1
            began = time.perf_counter()
            candidates = reader.problems_of(arrival.text, (), grading.subtype, fired=grading.signals)
            read_ms.append((time.perf_counter() - began) * 1000)
            if not candidates:
                if arrival.group is not None:
                    unread[bool(reader.failures_in(arrival.text, grading.signals))] += 1
                continue
            began = time.perf_counter()
            state, problem = join_problem(
                clusters,
                candidates,
                group,
                customer=arrival.customer,
                ticket_id=arrival.ticket,
                at=arrival.at,
            )
            if state.needs_fan_out:
                tell_the_others(queue, state, arrival.ticket, arrival.at)
                clusters.mark_fanned_out(state.key)
            join_ms.append((index, (time.perf_counter() - began) * 1000))
            member_of[arrival.ticket] = problem.key
            states[problem.key] = state

    figures = (read_ms, join_ms, complaints, group.min_customers, unread, figures_only)
    return report(stream, states, member_of, writes, queue, *figures)


def report(
    stream: list[Arrival],
    states: dict[str, Any],
    member_of: dict[int, str],
    writes: Counter[int],
    queue: CountingQueue,
    read_ms: list[float],
    join_ms: list[tuple[int, float]],
    complaints: int,
    min_customers: int,
    unread: Counter[bool],
    figures_only: bool = False,
) -> int:
    from policies.problems import SIMILAR_PREFIX

    def detail(line: str) -> None:
        if not figures_only:
            print(line)

    by_ticket = {a.ticket: a for a in stream}
    injected: dict[str, list[int]] = defaultdict(list)
    for arrival in stream:
        if arrival.group:
            injected[arrival.group].append(arrival.ticket)
    formed = {key: s for key, s in states.items() if s.grouped}
    print(
        f"stream: {len(stream)} tickets over {HOURS} h ({len(stream) - sum(map(len, injected.values()))} "
        f"background, {sum(map(len, injected.values()))} in {len(injected)} injected groups); "
        f"{complaints} graded complaints; {len(states)} problems named"
    )
    detail("\ninjected groups")
    found = 0
    joined_members = 0
    # Members under another key than their group's most common one: same failure (the product was
    # read otherwise), same product (the failure was), or neither.
    split: Counter[str] = Counter()
    for name, tickets in sorted(injected.items()):
        keys = Counter(member_of.get(t, "-") for t in tickets)
        key, members = keys.most_common(1)[0]
        ok = key in formed and members >= min_customers
        found += ok
        joined_members += members if ok else 0
        product, _, failure = key.rpartition("|")
        for other, count in keys.items():
            if other in (key, "-"):
                continue
            other_product, _, other_failure = other.rpartition("|")
            if other_product.startswith(SIMILAR_PREFIX):
                split["unnamed"] += count
            elif other_failure == failure:
                split["product"] += count
            elif other_product == product:
                split["failure"] += count
            else:
                split["both"] += count
        missed = [by_ticket[t].text[:50] for t in tickets if member_of.get(t) != key]
        detail(
            f"  {name}  {'found' if ok else 'MISSED'}  {members}/{len(tickets)} under {key}"
            + (f"  (also: {dict(keys)})" if len(keys) > 1 else "")
        )
        for text in missed:
            detail(f"        not joined: {text}")
    false_groups = []
    for key, state in formed.items():
        groups = Counter(by_ticket[t].group for t in state.tickets if by_ticket[t].group)
        if not groups or groups.most_common(1)[0][1] < min_customers:
            false_groups.append((key, state))
    members_total = sum(map(len, injected.values()))
    print(f"\nfound {found} of {len(injected)} injected groups; false groups {len(false_groups)}")
    print(f"injected members inside their found group: {joined_members} of {members_total}")
    print(
        f"injected members under another key than their group's: {split['product']} another product, "
        f"{split['failure']} another failure, {split['both']} both, "
        f"{split['unnamed']} no product (a near-identical bucket)"
    )
    print(
        f"injected members with no problem named: {unread[False]} show no failure, "
        f"{unread[True]} a failure but no product"
    )
    for key, state in false_groups:
        detail(f"  FALSE {key}: {state.customers} customers, e.g. 「{state.quotes[0][1][:50]}」")
    strays = sum(1 for key in formed for t in states[key].tickets if by_ticket[t].group is None)
    print(f"background complaints inside true groups: {strays}")
    joined = [t for t in member_of]
    per = [writes[t] for t in joined]
    in_groups = [t for key in formed for t in states[key].tickets]
    raises = [queue.raises[t] for t in in_groups]
    print("\nwrites")
    print(
        f"  cluster writes per complaint with a problem: mean {statistics.mean(per):.2f}, max {max(per)}"
        if per
        else "  no cluster writes"
    )
    print(
        f"  extra Zendesk writes per group member: mean {statistics.mean(raises):.2f}, max {max(raises)}"
        if raises
        else "  no group formed"
    )
    quarter = max(1, len(stream) // 4)
    first = [ms for i, ms in join_ms if i < quarter]
    last = [ms for i, ms in join_ms if i >= len(stream) - quarter]
    print("\ntime per event")
    print(f"  read the problem      p50 {_pct(read_ms, 0.5):.3f} ms  p99 {_pct(read_ms, 0.99):.3f} ms")
    print(
        f"  join (moto DynamoDB)  first quarter p50 {_pct(first, 0.5):.2f} ms "
        f"p99 {_pct(first, 0.99):.2f} ms; last quarter p50 {_pct(last, 0.5):.2f} ms "
        f"p99 {_pct(last, 0.99):.2f} ms"
    )
    return 0 if found == len(injected) and not false_groups else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--background", type=int, default=3000, help="real complaint texts in the stream")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--injected",
        type=Path,
        default=INJECTED,
        help=f"the true groups (default {INJECTED.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--figures-only",
        action="store_true",
        help="print totals only, no texts or keys (for a held-out set nobody tunes on)",
    )
    args = parser.parse_args()
    raise SystemExit(run(args.background, args.seed, args.injected, args.figures_only))


if __name__ == "__main__":
    main()
