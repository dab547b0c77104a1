"""Burst benchmark of the social flow: N public posts across platforms → every complaint contacted once?

Runs the product locally (`local.product.LocalProduct`: moto server in a child process, Zendesk
sandbox, sandbox Weibo / X / Mastodon, the social monitors and the outreach Lambda in-process),
publishes a burst of posts written over the last hour, runs the monitors until they have read every
post, waits until every complaint's poster has a message and every post is handled, and prints:
- posts, complaints, non-complaints archived, replies added to their thread's ticket;
- contacted, by route (private, or the public invitation when the author's DMs are closed),
  not contacted, duplicates (two messages to one post, two tickets for one post);
- seen → contacted p50 / p90 / p99 / max, posted → contacted p50 / p99, contacts after the
  post's private_contact deadline (R-SLA-9: 1 h after the post), wall time and posts/s;
- the outreach concurrency (queue pollers, each its own Lambda execution environment).

"Seen" is per post: the moment the monitor run that read it started (the monitors read page after
page in one run; here the bench runs them back to back until every post is read, where AWS runs
each platform's monitor once a minute). "Contacted" is the sandbox platform's send time of the
first message to the post. Both are this machine's wall clock.

"Complaint" means what the product's grader calls one: the bench draws complaint texts from
`complaint_corpus.py` (Chinese and English) and keeps the draws the grader agrees with, and
non-complaints (praise, questions) the grader does not flag; how well the grader grades is measured
elsewhere. Replies are order numbers posted under earlier complaints by their authors: each must
become a comment on its thread's ticket, with no message and no ticket of its own.

The sandbox's rate limits and the write budget are raised for the run, and the moto process gets
the fixes of `local/moto_fixes.py` (a memory leak, a whole-table copy per transaction, unsafe rollbacks).
`--concurrency N` runs N outreach pollers, each with its own copy of the handler module, as Lambda
runs concurrent invocations in separate execution environments. Exit status 1 when a complaint was
not contacted, a post was not handled, or anything was done twice.

    .venv/bin/python bench/social_burst.py [--posts 5000] [--concurrency 1] [--timeout 3600] [--stock-moto]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.complaint_corpus import CHINESE_SENTENCES, ENGLISH_SENTENCES
from bench.ticket_flow_load import UNLIMITED, _ms, _pct
from integrations.social.models import PRIVATE_ROUTES, Delivery, SocialAuthor, SocialPost

PLATFORM_SHARE: dict[str, float] = {"weibo": 0.4, "x": 0.35, "mastodon": 0.25}
# Weibo is mostly Chinese; X and Mastodon mostly English, with Chinese-speaking customers too.
CHINESE_SHARE: dict[str, float] = {"weibo": 0.9, "x": 0.3, "mastodon": 0.2}
BRAND_MENTION: dict[str, str] = {"weibo": "@优选商城", "x": "@ShopCo", "mastodon": "@shopco@social.example"}
_POST_ID_BASE: dict[str, int] = {
    "weibo": 4_999_100_000_000_000,
    "x": 1_861_100_000_000_000_000,
    "mastodon": 113_500_000_000_000_000,
}
_URL: dict[str, str] = {
    "weibo": "https://weibo.com/{author}/{post}",
    "x": "https://x.com/{handle}/status/{post}",
    "mastodon": "https://social.example/@{handle}/{post}",
}
# Praise and questions: posts that mention the brand and ask for no contact.
CHINESE_OTHERS: tuple[str, ...] = (
    "你们家的连衣裙质量真好，已经回购第三次了",
    "请问双十一有什么活动吗？",
    "收到了，包装很用心，给客服小姐姐点赞",
    "謝謝客服耐心解答，下次還會再來買",
    "今天的快递好快，昨天下单今天就到了",
    "新款的吹风机什么时候上架？",
    "给妈妈买的按摩椅，她很喜欢，谢谢",
    "请问会员积分可以换什么？",
    "直播间的主播讲解得很清楚，买到了想要的",
    "門市的店員很親切，推薦大家去逛逛",
)
ENGLISH_OTHERS: tuple[str, ...] = (
    "Just got my order, love it! Thanks",
    "Does anyone know if you ship to Canada?",
    "what are your opening hours on Sunday?",
    "Great customer service today, thank you",
    "Is the new blender dishwasher safe?",
    "Loving the new jacket, fits perfectly",
    "Any plans for a winter sale this year?",
    "The staff at the downtown store were so helpful, cheers",
    "Can I pick up my order in store instead of delivery?",
    "Five stars for the headphones, the sound is amazing",
)
DECORATIONS: tuple[str, ...] = ("", "", " 👍", " 😊", "!", " 🙏", " #shopping")
# A reply in a complaint's thread: the customer answers the message with the order number.
REPLY_TEXT: dict[str, str] = {
    "zh": "好的，订单号 {order}，谢谢",
    "en": "Order number {order}, thanks for getting back to me",
}
_ORDER_BASE = 202_611_180_000
MAX_DRAWS = 50
DAY_SECONDS = 86_400.0

Kind = Literal["complaint", "other", "reply"]


# ---- the burst -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedPost:
    post: SocialPost
    kind: Kind
    dm_closed: bool = False  # the author refuses the platform's private route: the fallback is used
    order: str | None = None  # a reply's order number, to find it in the ticket's comments


@dataclass(frozen=True)
class BurstPlan:
    posts: tuple[PlannedPost, ...]
    rejected_draws: int  # texts redrawn because the grader disagreed with the generator
    now: datetime  # the posts' ages are counted back from this moment

    def of_kind(self, kind: Kind) -> list[PlannedPost]:
        return [p for p in self.posts if p.kind == kind]

    def retimed(self, now: datetime) -> BurstPlan:
        """The same burst, written as long before `now` as before the plan's moment.

        The product takes seconds to start: a post planned 55 minutes old must still be 55 minutes
        old when it is published, or its deadline figures would include the start-up.
        """
        shift = now - self.now
        posts = tuple(
            PlannedPost(
                p.post.model_copy(update={"posted_at": p.post.posted_at + shift}),
                p.kind,
                p.dm_closed,
                p.order,
            )
            for p in self.posts
        )
        return BurstPlan(posts, self.rejected_draws, now)


def plan_burst(
    count: int,
    *,
    complaint_share: float = 0.6,
    reply_share: float = 0.02,
    closed_share: float = 0.1,
    span_minutes: float = 55.0,
    seed: int = 20261125,
    now: datetime | None = None,
    is_complaint: Callable[[str], bool] | None = None,
) -> BurstPlan:
    """`count` posts written over the last `span_minutes`, seeded: two runs publish the same burst."""
    if is_complaint is None:
        from policies.engine import TriageEngine

        grader = TriageEngine.from_directory().grader
        is_complaint = lambda text: grader.grade(text).is_complaint  # noqa: E731
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    draws = _Draws(rng, is_complaint)
    replies = round(count * reply_share)
    top = count - replies
    complaint_indexes = set(rng.sample(range(top), round(top * complaint_share)))
    platforms, weights = list(PLATFORM_SHARE), list(PLATFORM_SHARE.values())
    posts: list[PlannedPost] = []
    for index in range(top):
        platform = rng.choices(platforms, weights)[0]
        chinese = rng.random() < CHINESE_SHARE[platform]
        complaint = index in complaint_indexes
        text = draws.complaint(chinese) if complaint else draws.other(chinese)
        author = SocialAuthor(id=f"{platform[:2]}{700000 + index}", handle=f"customer_{index}")
        post_id = str(_POST_ID_BASE[platform] + index)
        posted_at = now - timedelta(seconds=rng.uniform(0, span_minutes * 60))
        post = SocialPost(
            platform=platform,
            post_id=post_id,
            author=author,
            text=f"{BRAND_MENTION[platform]} {text}",
            url=_URL[platform].format(author=author.id, handle=author.handle, post=post_id),
            posted_at=posted_at,
            lang="zh" if chinese else "en",
        )
        kind: Kind = "complaint" if complaint else "other"
        posts.append(PlannedPost(post, kind, dm_closed=rng.random() < closed_share))
    roots = [p for p in posts if p.kind == "complaint"]
    for number, root in enumerate(rng.sample(roots, min(replies, len(roots)))):
        index = top + number
        order = str(_ORDER_BASE + index)
        language = "zh" if root.post.lang == "zh" else "en"
        text = REPLY_TEXT[language].format(order=order)
        if is_complaint(text):
            raise ValueError(f"the grader calls the reply text a complaint: {text!r}")
        posted_at = min(now, root.post.posted_at + timedelta(seconds=rng.uniform(30, 300)))
        post = SocialPost(
            platform=root.post.platform,
            post_id=str(_POST_ID_BASE[root.post.platform] + index),
            author=root.post.author,
            text=text,
            posted_at=posted_at,
            lang=root.post.lang,
            in_reply_to_id=root.post.post_id,
            thread_root_id=root.post.post_id,
        )
        posts.append(PlannedPost(post, "reply", order=order))
    return BurstPlan(tuple(posts), draws.rejected, now)


class _Draws:
    """Texts of the wanted kind, redrawn while the grader disagrees (counted, and reported)."""

    def __init__(self, rng: random.Random, is_complaint: Callable[[str], bool]) -> None:
        self._rng = rng
        self._is_complaint = is_complaint
        self.rejected = 0

    def complaint(self, chinese: bool) -> str:
        pool, separator = (CHINESE_SENTENCES, "") if chinese else (ENGLISH_SENTENCES, " ")
        return self._draw(lambda: separator.join(self._rng.sample(pool, self._rng.randint(1, 3))), True)

    def other(self, chinese: bool) -> str:
        pool = CHINESE_OTHERS if chinese else ENGLISH_OTHERS
        return self._draw(lambda: self._rng.choice(pool) + self._rng.choice(DECORATIONS), False)

    def _draw(self, make: Callable[[], str], complaint: bool) -> str:
        for _ in range(MAX_DRAWS):
            text = make()
            if self._is_complaint(text) == complaint:
                return text
            self.rejected += 1
        raise ValueError(f"no text the grader grades as complaint={complaint} in {MAX_DRAWS} draws")


# ---- the run ---------------------------------------------------------------------------------------


class AwsCalls:
    """The product's AWS calls in this process, timed on the client side.

    Hooked on boto3's default session, which the handlers and the monitors build their clients from
    (the bench's own reads use a session of their own and are not counted): moto answers every call
    in one process, so this is where a local run spends its time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()  # answered with a 5xx after botocore's own retries
        self._session: Any = None
        self._previous: Any = None

    def install(self) -> None:
        """A fresh default session with the hooks (one made earlier may hold other credentials)."""
        import boto3

        self._previous = boto3.DEFAULT_SESSION
        boto3.setup_default_session()
        self._session = boto3.DEFAULT_SESSION
        self._session.events.register("before-call", self._before)
        self._session.events.register("after-call", self._after)

    def uninstall(self) -> None:
        """The default session as it was: the run's one holds the local stack's fake credentials."""
        import boto3

        if self._session is not None:
            self._session.events.unregister("before-call", self._before)
            self._session.events.unregister("after-call", self._after)
            boto3.DEFAULT_SESSION = self._previous
            self._session = None

    def _before(self, context: dict[str, Any], **_: Any) -> None:
        context["bench_call_started"] = time.monotonic()

    def _after(self, model: Any, context: dict[str, Any], http_response: Any, **_: Any) -> None:
        started = context.get("bench_call_started")
        if started is None:
            return
        name = model.name
        with self._lock:
            self.count[name] += 1
            self.seconds[name] += time.monotonic() - started
            if http_response.status_code >= 500:
                self.failed[name] += 1


@dataclass
class BurstResult:
    plan: BurstPlan
    concurrency: int
    seen_at: dict[str, datetime] = field(default_factory=dict)  # post key → its monitor run's start
    sent: dict[str, list[Delivery]] = field(default_factory=dict)  # post key → messages sent to it
    status: dict[str, str] = field(default_factory=dict)  # post key → the social ledger's status
    ledger_ticket: dict[str, int] = field(default_factory=dict)  # post key → its ticket (ledger)
    tickets_by_external_id: Counter[str] = field(default_factory=Counter)
    contact_met: set[str] = field(default_factory=set)  # complaints whose private_contact is met
    replies_on_ticket: set[str] = field(default_factory=set)  # replies found as a comment on the ticket
    due_at: dict[str, datetime] = field(default_factory=dict)  # complaint key → private_contact due
    reading_seconds: float = 0.0  # publish → the monitors have read every post
    contacted_seconds: float | None = None  # publish → every complaint contacted
    wall_seconds: float = 0.0  # publish → every post handled (or the timeout)
    queue_left: int = 0
    dead_letters: int = 0
    aws: AwsCalls = field(default_factory=AwsCalls)
    moto_fixed: bool = False  # local/moto_fixes.py was applied in the moto process
    zendesk_requests: Counter[str] = field(default_factory=Counter)  # by method

    # ---- figures -------------------------------------------------------------------------------
    def keys(self, kind: Kind) -> list[str]:
        return [p.post.key for p in self.plan.of_kind(kind)]

    @property
    def contacted(self) -> list[str]:
        return [k for k in self.keys("complaint") if self.sent.get(k)]

    @property
    def not_contacted(self) -> list[str]:
        return [k for k in self.keys("complaint") if not self.sent.get(k)]

    @property
    def first_contact(self) -> dict[str, Delivery]:
        return {k: self.sent[k][0] for k in self.contacted}

    def routes(self) -> Counter[str]:
        return Counter(d.route for d in self.first_contact.values())

    @property
    def private_contacts(self) -> int:
        return sum(1 for d in self.first_contact.values() if d.route in PRIVATE_ROUTES)

    @property
    def duplicate_messages(self) -> list[str]:
        return sorted(k for k, deliveries in self.sent.items() if len(deliveries) > 1)

    @property
    def duplicate_tickets(self) -> list[str]:
        return sorted(k for k, n in self.tickets_by_external_id.items() if n > 1)

    @property
    def unexpected_messages(self) -> list[str]:
        """Messages to posts that are not complaints of their own (non-complaints, replies)."""
        wanted = set(self.keys("complaint"))
        return sorted(k for k in self.sent if k not in wanted)

    @property
    def unexpected_tickets(self) -> list[str]:
        wanted = set(self.keys("complaint"))
        return sorted(k for k in self.tickets_by_external_id if k not in wanted)

    @property
    def unhandled(self) -> list[str]:
        """Posts the social ledger does not show as handled (archived, commented, ticketed)."""
        expected = {"complaint": "ticketed", "other": "archived", "reply": "commented"}
        return [p.post.key for p in self.plan.posts if self.status.get(p.post.key) != expected[p.kind]]

    @property
    def deadline_misses(self) -> list[str]:
        return sorted(
            k for k, d in self.first_contact.items() if k in self.due_at and d.sent_at > self.due_at[k]
        )

    def seen_to_contacted(self) -> list[float]:
        return sorted((d.sent_at - self.seen_at[k]).total_seconds() for k, d in self.first_contact.items())

    def posted_to_contacted(self) -> list[float]:
        posted = {p.post.key: p.post.posted_at for p in self.plan.posts}
        return sorted((d.sent_at - posted[k]).total_seconds() for k, d in self.first_contact.items())

    @property
    def ok(self) -> bool:
        return not (
            self.not_contacted
            or self.unhandled
            or self.duplicate_messages
            or self.duplicate_tickets
            or self.unexpected_messages
            or self.unexpected_tickets
        )


def run_burst(
    plan: BurstPlan, *, concurrency: int = 1, timeout: float = 3600.0, fix_moto: bool = True
) -> BurstResult:
    """Start the product, publish the burst, read it, wait until it is handled; measure."""
    from local.zendesk.sandbox_settings import SandboxSettings

    sandbox_settings = SandboxSettings(requests_per_minute=UNLIMITED, update_ticket_per_minute=UNLIMITED)
    aws = AwsCalls()
    aws.install()  # before the product builds its clients: they copy the session's hooks
    try:
        return _run_product(plan, concurrency, timeout, sandbox_settings, aws, fix_moto)
    finally:
        aws.uninstall()


def _run_product(
    plan: BurstPlan, concurrency: int, timeout: float, sandbox_settings: Any, aws: AwsCalls, fix_moto: bool
) -> BurstResult:
    from local import moto_fixes
    from local.product import LocalProduct

    product = LocalProduct(
        sandbox_settings=sandbox_settings,
        writes_per_minute=UNLIMITED,
        aws_in_child_process=True,
        # template.yaml: 6× the outreach's 30 s timeout; a shorter one would hand a slow batch to a
        # second poller while the first still works on it.
        visibility_timeout=180,
        # The bench runs the monitors itself; the watcher has nothing to do within the burst.
        monitor_every_seconds=DAY_SECONDS,
        watch_every_seconds=DAY_SECONDS,
    )
    with moto_fixes.in_children(fix_moto):
        product.start()  # moto's process starts first, with the fixes; nothing else is spawned
    try:
        for monitor in product.social_monitors.values():
            monitor.stop()  # its first scheduled run is over or never starts: the bench reads
        _init_handlers(product)
        with _more_outreach_pollers(product, concurrency - 1):
            result = BurstResult(plan.retimed(datetime.now(UTC)), concurrency, aws=aws, moto_fixed=fix_moto)
            _run(product, result, timeout)
    finally:
        product.stop()
    return result


def _run(product: Any, result: BurstResult, timeout: float) -> None:
    import boto3

    from infra.complaints import ComplaintStore
    from infra.social_ledger import SocialLedger

    plan = result.plan
    # A session of its own: the bench's reads are not the product's calls (see AwsCalls).
    table = boto3.session.Session().resource("dynamodb").Table(os.environ["COMPLAINTS_TABLE"])
    ledger, store = SocialLedger(table), ComplaintStore(table)
    platforms = product.social_platforms
    by_platform = place_posts(platforms, plan)
    complaints = set(result.keys("complaint"))

    started = time.monotonic()
    for name, posts in by_platform.items():  # each platform lists its mentions oldest first
        platforms[name].publish(*posts)
    _read_everything(product, by_platform, result)
    result.reading_seconds = time.monotonic() - started
    deadline = started + timeout

    def collect_sent() -> None:
        result.sent = {}
        for platform in platforms.values():
            for post, delivery in list(platform.sent):
                result.sent.setdefault(post.key, []).append(delivery)

    collect_sent()
    progress = _Progress(started)
    while not complaints <= set(result.sent) and time.monotonic() < deadline:
        time.sleep(0.5)
        collect_sent()
        progress.say(f"{len(complaints & set(result.sent))} of {len(complaints)} complaints contacted")
    if complaints <= set(result.sent):
        result.contacted_seconds = time.monotonic() - started

    # Every post handled (the ledger's final status), then every complaint's ticket triaged.
    pending = [p.post.key for p in plan.posts]
    while pending and time.monotonic() < deadline:
        for key in pending:
            stored = ledger.progress(key)
            if stored is not None:
                result.status[key] = stored.status
                if stored.ticket_id is not None:
                    result.ledger_ticket[key] = stored.ticket_id
        pending = [k for k in pending if result.status.get(k) not in ("archived", "commented", "ticketed")]
        if pending:
            progress.say(f"{len(plan.posts) - len(pending)} of {len(plan.posts)} posts handled")
            time.sleep(1.0)
    unmet = [k for k in result.keys("complaint") if k in result.ledger_ticket]
    while unmet and time.monotonic() < deadline:
        for key in unmet:
            record = store.get(result.ledger_ticket[key])
            contact = record.obligations.get("private_contact") if record else None
            if contact is not None:
                result.due_at[key] = contact.due_at
                if contact.state == "met":
                    result.contact_met.add(key)
        unmet = [k for k in unmet if k not in result.contact_met]
        if unmet:
            time.sleep(1.0)
    result.wall_seconds = time.monotonic() - started
    collect_sent()  # messages sent while waiting for the rest count too (a late duplicate)

    result.tickets_by_external_id = Counter(
        str(t.get("external_id")) for t in _all_tickets(product) if t.get("external_id")
    )
    _check_replies(product, plan, result)
    result.queue_left, result.dead_letters = _social_queue_depths(product)
    result.zendesk_requests = Counter(r.method for r in product.sandbox.requests())


class _Progress:
    """A line on stderr now and then: a long burst should not look like a hung one."""

    EVERY_SECONDS = 30.0

    def __init__(self, started: float) -> None:
        self._started = started
        self._next = started + self.EVERY_SECONDS

    def say(self, what: str) -> None:
        now = time.monotonic()
        if now >= self._next:
            print(f"  … {now - self._started:.0f} s: {what}", file=sys.stderr, flush=True)
            self._next = now + self.EVERY_SECONDS


def place_posts(platforms: dict[str, Any], plan: BurstPlan) -> dict[str, list[SocialPost]]:
    """Each platform's posts of the plan, oldest first, with the planned authors' DMs closed."""
    from policies.loader import load_social_policy

    social = load_social_policy()
    by_platform: dict[str, list[SocialPost]] = {name: [] for name in platforms}
    for planned in sorted(plan.posts, key=lambda p: p.post.posted_at):
        by_platform[planned.post.platform].append(planned.post)
        if planned.dm_closed:
            routes = social.platform(planned.post.platform).routes
            platforms[planned.post.platform].close_route(planned.post.author.id, routes[0])
    return by_platform


def _read_everything(product: Any, by_platform: dict[str, list[SocialPost]], result: BurstResult) -> None:
    """Run each platform's monitor until it has read all its posts, round-robin like the schedules.

    A post's "seen" time is the start of the run that read it: a run queues the posts it read in
    the platform's order, so the report's `queued` count says which ones.
    """
    read = dict.fromkeys(by_platform, 0)
    while any(read[name] < len(posts) for name, posts in by_platform.items()):
        for name, posts in by_platform.items():
            if read[name] >= len(posts):
                continue
            run_started = datetime.now(UTC)
            report = product.social_monitors[name].run_once()
            queued = int(report["queued"])
            if queued == 0:
                raise RuntimeError(f"the {name} monitor read nothing with {len(posts) - read[name]} to go")
            for post in posts[read[name] : read[name] + queued]:
                result.seen_at[post.key] = run_started
            read[name] += queued


def _init_handlers(product: Any) -> None:
    """Build every handler's clients now, one after the other, as Lambda's init phase would.

    Left to their first invocation, the pollers, the monitors and the webhook endpoint would build
    them on several threads at once, and boto3's default session is not safe to create clients from
    concurrently (Lambda never does: each execution environment is a process of its own).
    """
    from functions.outreach import app as outreach_app
    from functions.social_monitor import app as monitor_app
    from functions.triage import app as triage_app
    from functions.webhook import app as webhook_app

    for name in product.social_monitors:
        monitor_app.reader(name)
    outreach_app.services()
    triage_app.idempotency()  # builds the triage's services too
    webhook_app.queue()


@contextmanager
def _more_outreach_pollers(product: Any, extra: int) -> Iterator[None]:
    """Lambda runs up to one invocation per message group at once, each in its own execution
    environment; `LocalProduct` starts one poller, these are the others (see `execution_environment`).
    """
    import boto3

    from local.runners import SqsLambdaRunner, execution_environment

    stack = product.stack
    runners = []
    for number in range(extra):
        environment = execution_environment("functions.outreach.app")
        environment.services()  # its init phase, before the burst (see _init_handlers)
        sqs = boto3.client("sqs", endpoint_url=stack.endpoint_url, region_name=stack.region)
        runners.append(
            SqsLambdaRunner(
                sqs,
                stack.social_queue_url,
                stack.social_queue_arn,
                environment.lambda_handler,
                function_name=f"outreach-{number + 2}",
            )
        )
    try:
        for runner in runners:
            runner.start()
        yield
    finally:
        for runner in runners:
            runner.stop(timeout=60)


def _all_tickets(product: Any) -> list[dict[str, Any]]:
    """Every ticket in the sandbox, through the API's List Tickets (one page in the sandbox)."""
    import requests

    ready = product.ready
    answer = requests.get(
        f"{ready.zendesk_url}/api/v2/tickets",
        auth=(f"{ready.zendesk_email}/token", ready.zendesk_token),
        timeout=120,
    )
    answer.raise_for_status()
    body = answer.json()
    if body.get("next_page"):
        raise RuntimeError("the sandbox paged its ticket list; count every page")
    return list(body["tickets"])


def _check_replies(product: Any, plan: BurstPlan, result: BurstResult) -> None:
    from integrations.zendesk.client import ZendeskClient

    ready = product.ready
    with ZendeskClient(ready.zendesk_url, ready.zendesk_email, ready.zendesk_token) as client:
        for planned in plan.of_kind("reply"):
            root = planned.post.thread_key
            ticket_id = result.ledger_ticket.get(root) if root else None
            if ticket_id is None or result.ledger_ticket.get(planned.post.key) != ticket_id:
                continue
            comments = client.list_comments(ticket_id)
            if any(planned.order and planned.order in str(c.get("body", "")) for c in comments):
                result.replies_on_ticket.add(planned.post.key)


def _social_queue_depths(product: Any) -> tuple[int, int]:
    import boto3

    stack = product.stack
    sqs = boto3.session.Session().client("sqs", endpoint_url=stack.endpoint_url, region_name=stack.region)

    def depth(url: str) -> int:
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )

    return depth(stack.social_queue_url), depth(stack.social_dead_letter_queue_url)


# ---- the report ------------------------------------------------------------------------------------


def report_lines(result: BurstResult) -> list[str]:
    plan = result.plan
    posts = len(plan.posts)
    by_platform = Counter(p.post.platform for p in plan.posts)
    complaints, others, replies = (plan.of_kind(k) for k in ("complaint", "other", "reply"))
    archived = sum(1 for p in others if result.status.get(p.post.key) == "archived")
    commented = sum(1 for p in replies if result.status.get(p.post.key) == "commented")
    closed = sum(1 for p in complaints if p.dm_closed)
    routes = result.routes()
    private = result.private_contacts
    contacted = len(result.contacted)
    duplicates = f"messages {len(result.duplicate_messages)}, tickets {len(result.duplicate_tickets)}"
    unexpected = f"messages {len(result.unexpected_messages)}, tickets {len(result.unexpected_tickets)}"
    moto = "moto with local/moto_fixes.py" if result.moto_fixed else "stock moto"
    lines = [
        f"social burst: {posts} posts ({', '.join(f'{n} {c}' for n, c in sorted(by_platform.items()))}), "
        f"outreach concurrency {result.concurrency}, {moto}",
        f"  complaints          {len(complaints)} ({closed} by authors with DMs closed)",
        f"  non-complaints      {len(others)}, archived {archived}",
        f"  replies in threads  {len(replies)}, commented on their ticket {commented} "
        f"(order number found in its comments: {len(result.replies_on_ticket)})",
        f"  contacted           {contacted}: private {private}, public {contacted - private} "
        f"({dict(sorted(routes.items()))})",
        f"  not contacted       {len(result.not_contacted)}",
        f"  duplicates          {duplicates}",
        f"  unexpected          {unexpected}",
        f"  not handled         {len(result.unhandled)} (ledger status missing or not final)",
        f"  triaged             {len(result.contact_met)} tickets with private_contact met",
    ]
    seen = result.seen_to_contacted()
    posted = result.posted_to_contacted()
    if seen:
        lines.append(
            f"  seen → contacted    p50 {_s(statistics.median(seen))}  p90 {_s(_pct(seen, 90))}  "
            f"p99 {_s(_pct(seen, 99))}  max {_s(seen[-1])}"
        )
        lines.append(
            f"  posted → contacted  p50 {_minutes(statistics.median(posted))}  "
            f"p99 {_minutes(_pct(posted, 99))}  max {_minutes(posted[-1])}"
        )
    lines.append(
        f"  deadline misses     {len(result.deadline_misses)} contacted after private_contact was due "
        f"(due known for {len(result.due_at)})"
    )
    all_contacted = f"{result.contacted_seconds:.1f} s" if result.contacted_seconds is not None else "never"
    lines.append(
        f"  wall time           read by the monitors after {result.reading_seconds:.1f} s, all contacted "
        f"after {all_contacted}, all handled after {result.wall_seconds:.1f} s "
        f"({posts / result.wall_seconds:.1f} posts/s)"
    )
    lines.append(f"  left on queue / DLQ {result.queue_left} / {result.dead_letters}")
    aws = result.aws
    slowest = ", ".join(
        f"{name} {aws.count[name]} × {_ms(aws.seconds[name] / aws.count[name])}"
        for name, _ in aws.seconds.most_common(4)
    )
    failed = sum(aws.failed.values())
    lines.append(
        f"  AWS calls           {sum(aws.count.values()) / posts:.1f}/post, most time in: {slowest}; "
        f"{failed} answered 5xx{f' ({dict(aws.failed)})' if failed else ''}"
    )
    zendesk = result.zendesk_requests
    lines.append(
        f"  Zendesk requests    {sum(zendesk.values()) / posts:.1f}/post ({dict(sorted(zendesk.items()))})"
    )
    lines.append(f"  texts redrawn       {plan.rejected_draws} (the grader disagreed with the generator)")
    return lines


def _s(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 1 else _ms(seconds)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument(
        "--complaint-share", type=float, default=0.6, help="of the posts that are not replies"
    )
    parser.add_argument("--reply-share", type=float, default=0.02, help="replies under earlier complaints")
    parser.add_argument("--closed-share", type=float, default=0.1, help="authors whose DMs are closed")
    parser.add_argument(
        "--span-minutes", type=float, default=55.0, help="posts written over this many minutes"
    )
    parser.add_argument("--concurrency", type=int, default=1, help="outreach pollers (Lambda concurrency)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait for the burst")
    parser.add_argument(
        "--stock-moto",
        action="store_true",
        help="run moto without local/moto_fixes.py (its memory grows without bound)",
    )
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args(argv)
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")

    plan = plan_burst(
        args.posts,
        complaint_share=args.complaint_share,
        reply_share=args.reply_share,
        closed_share=args.closed_share,
        span_minutes=args.span_minutes,
        seed=args.seed,
    )
    result = run_burst(plan, concurrency=args.concurrency, timeout=args.timeout, fix_moto=not args.stock_moto)
    print("\n".join(report_lines(result)))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
