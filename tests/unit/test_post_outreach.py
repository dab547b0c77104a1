"""The outreach use case with in-memory fakes: a public post → contact within the hour → ticket (R-SLA-9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.outreach.post_outreach import ContactRetryLater, PostOutreach
from functions.triage.ticket_triage import TicketTriage
from integrations.social.models import SocialAuthor, SocialPost
from integrations.zendesk.errors import WriteBudgetExhausted
from integrations.zendesk.events import EventSource, EventType, TicketEvent
from integrations.zendesk.models import SOCIAL_OUTREACH_TAG, SOCIAL_PUBLIC_TAG
from integrations.zendesk.ticket_fields import SOCIAL_POST_TIME_FIELD, FieldCatalog, plugin_field_definitions
from local.social.sandbox import SandboxPlatform
from policies.engine import TriageEngine
from tests.fakes import (
    FakeTicketApi,
    InMemoryComplaintRecords,
    InMemoryPostLedger,
    InMemoryProblemClusters,
    RecordedAlerts,
    RecordedArchive,
    RecordedQueue,
)

ENGINE = TriageEngine.from_directory()
SOCIAL = ENGINE.policy.social
POSTED = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
WEDDING_DRESS = "@优选商城 我的婚纱说好上周到,因为下雨又晚了三天,婚礼就在后天!订单都付了全款,你们到底管不管?"
BROKEN_EN = "@ShopCo my order arrived broken and support ignores me. Worst service ever, I want a refund."


def _catalog() -> FieldCatalog:
    fields = [{"id": 100 + i, "title": d["title"]} for i, d in enumerate(plugin_field_definitions())]
    groups = [{"id": 200 + i, "name": n} for i, n in enumerate(ENGINE.policy.routing.teams.values())]
    return FieldCatalog.from_account(fields, groups)


CATALOG = _catalog()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def post(
    text: str, *, platform: str = "weibo", post_id: str = "5001", author: str = "u1", **extra
) -> SocialPost:
    return SocialPost(
        platform=platform,
        post_id=post_id,
        author=SocialAuthor(id=author, handle=f"handle_{author}", name=f"Name {author}"),
        text=text,
        url=f"https://{platform}.example/{post_id}",
        posted_at=extra.pop("posted_at", POSTED),
        **extra,
    )


class World:
    """The use case wired to fakes: Zendesk, the record store, the ledger, platforms, alerts, archive."""

    def __init__(self, seen_after: timedelta = timedelta(minutes=10)) -> None:
        self.clock = Clock(POSTED + seen_after)
        self.api = FakeTicketApi(now=self.clock.now)
        self.records = InMemoryComplaintRecords()
        self.ledger = InMemoryPostLedger()
        self.alerts = RecordedAlerts()
        self.archive = RecordedArchive()
        self.platforms = {
            "weibo": SandboxPlatform("weibo", SOCIAL.platform("weibo").routes, clock=self.clock),
            "x": SandboxPlatform("x", SOCIAL.platform("x").routes, clock=self.clock),
        }
        self.group_queue = RecordedQueue()
        self.triage = triage = TicketTriage(
            ENGINE,
            self.api,
            self.records,
            lambda: CATALOG,
            alerts=self.alerts,
            archive=self.archive,
            clusters=InMemoryProblemClusters(),
            group_queue=self.group_queue,
        )
        self.outreach = PostOutreach(
            ENGINE,
            self.ledger,
            self.platforms.get,
            self.api,
            triage,
            lambda: CATALOG,
            alerts=self.alerts,
            archive=self.archive,
            mask=ENGINE.policy.pii.mask,
            clock=self.clock,
        )

    def only_ticket(self) -> dict:
        assert len(self.api.created) == 1, self.api.created
        return self.api.tickets[self.api.created[0]]

    def obligation(self, kind: str = "private_contact"):
        record = self.records.records[self.api.created[0]]
        return record.obligations[kind]


@pytest.fixture
def world() -> World:
    return World()


def test_the_wedding_dress_post_is_contacted_privately_then_ticketed_with_the_hour_met(world) -> None:
    # GIVEN the SOP's worked case: a Weibo post tagging the shop, seen 10 minutes after it went up
    wedding = post(WEDDING_DRESS)
    # WHEN the outreach handles it
    outcome = world.outreach.handle(wedding)
    # THEN the poster got the SOP's private message by Weibo's fan-service reply
    [(_, delivery)] = world.platforms["weibo"].sent
    assert delivery.route == "fan_service_reply"
    assert delivery.text == SOCIAL.private_message.zh
    assert outcome.action == "contacted" and outcome.route == "fan_service_reply"
    # AND one ticket stands for the post, from the poster, with the post time on it
    ticket = world.only_ticket()
    assert ticket["external_id"] == "weibo:5001"
    assert SOCIAL_PUBLIC_TAG in ticket["tags"]
    assert {"id": CATALOG.field_ids[SOCIAL_POST_TIME_FIELD], "value": POSTED.isoformat()} in ticket[
        "custom_fields"
    ]
    assert ticket["requester_id"] == world.api.users["weibo:u1"]["id"]
    # AND private_contact ran from the post time and was met when the message went out
    contact = world.obligation()
    assert contact.rule == "R-SLA-9"
    assert contact.due_at == POSTED + timedelta(hours=1)
    assert contact.state == "met" and contact.closed_at == delivery.sent_at
    # AND one plugin write told the agent what was sent, with the grade
    [(_, write)] = world.api.updates
    note = write["comment"]["body"]
    assert SOCIAL.private_message.zh in note and "粉丝服务私信回复" in note


def test_a_post_seen_50_minutes_late_has_10_minutes_left(world) -> None:
    # GIVEN a post first seen 50 minutes after it was written, on a platform that is down
    late = World(seen_after=timedelta(minutes=50))
    late.platforms["weibo"].fail_sends(1)
    # WHEN the outreach handles it
    with pytest.raises(ContactRetryLater):
        late.outreach.handle(post(WEDDING_DRESS))
    # THEN the deadline on the ticket is the post time + 1 h: 10 minutes from when it was seen
    assert late.obligation().due_at - late.clock.now == timedelta(minutes=10)
    # AND since the retry is within the urgent margin, the social team and PR know now
    [alert] = late.alerts.sent
    assert alert.cause == "private_contact_failed" and "10 min left" in alert.subject


def test_a_post_stamped_in_the_future_counts_from_when_it_was_received(world) -> None:
    # GIVEN a listening tool whose clock is two days ahead, and a platform that is down
    seen = World(seen_after=timedelta(minutes=10))
    seen.platforms["weibo"].fail_sends(1)
    future = seen.clock.now + timedelta(days=2)
    # WHEN the outreach handles the post
    with pytest.raises(ContactRetryLater):
        seen.outreach.handle(post(WEDDING_DRESS, posted_at=future))
    # THEN the private contact is due one hour after the post was received, not in two days
    assert seen.obligation().due_at == seen.clock.now + timedelta(hours=1)
    # AND the ticket says which time was not believed and where the clock starts
    body = seen.only_ticket()["description"]
    assert future.strftime("%Y-%m-%d %H:%M") in body and "time-zone" in body


def test_a_post_within_the_allowed_clock_skew_keeps_its_time(world) -> None:
    # GIVEN a post stamped a minute after it was received (clocks a little apart)
    skewed = World(seen_after=timedelta(minutes=0))
    stamped = skewed.clock.now + timedelta(minutes=1)
    # WHEN the outreach handles it THEN its own time starts the hour
    skewed.outreach.handle(post(WEDDING_DRESS, posted_at=stamped))
    assert skewed.obligation().due_at == stamped + timedelta(hours=1)


def test_closed_dms_fall_back_to_a_public_invitation_that_repeats_nothing(world) -> None:
    # GIVEN an English complaint on X by an author who does not accept DMs from the brand
    tweet = post(BROKEN_EN, platform="x", post_id="1850", author="a9")
    world.platforms["x"].close_route("a9", "direct_message")
    # WHEN the outreach handles it
    outcome = world.outreach.handle(tweet)
    # THEN a short public reply invites a private message, in English, without the complaint's words
    [(_, delivery)] = world.platforms["x"].sent
    assert delivery.route == "public_reply" and delivery.text == SOCIAL.public_invite.en
    assert "broken" not in delivery.text and "refund" not in delivery.text
    # AND it meets the deadline: the best the platform allowed (architecture.md)
    assert outcome.action == "contacted"
    assert world.obligation().state == "met"


def test_when_nothing_can_be_sent_the_team_is_alerted_once_with_the_time_left(world) -> None:
    # GIVEN a Weibo author who refuses both routes
    for route in ("fan_service_reply", "public_reply"):
        world.platforms["weibo"].close_route("u1", route)
    # WHEN the outreach handles the post, and the message is delivered again
    outcome = world.outreach.handle(post(WEDDING_DRESS))
    world.outreach.handle(post(WEDDING_DRESS), redelivered=True)
    # THEN one alert says to write by hand, with 50 minutes left, the suggested message and the post
    [alert] = world.alerts.sent
    assert alert.topic == "critical" and alert.cause == "private_contact_failed"
    assert "50 min left" in alert.subject
    assert SOCIAL.private_message.zh in alert.body and "https://weibo.example/5001" in alert.body
    # AND the ticket exists with the deadline still open for the watcher
    assert outcome.action == "not_contacted"
    assert world.obligation().state == "open"


def test_a_listening_tool_post_cannot_be_answered_from_here_so_people_are_told(world) -> None:
    # GIVEN a Xiaohongshu post pushed by a listening tool (no API to write to)
    pushed = post(WEDDING_DRESS, platform="xiaohongshu", post_id="n-77", source="sprinklr")
    # WHEN the outreach handles it
    outcome = world.outreach.handle(pushed)
    # THEN it is ticketed, not contacted, and the team is alerted
    assert outcome.action == "not_contacted" and "no API" in outcome.detail
    assert [a.cause for a in world.alerts.sent] == ["private_contact_failed"]
    assert world.only_ticket()["external_id"] == "xiaohongshu:n-77"


def test_a_platform_outage_retries_the_contact_without_a_second_ticket(world) -> None:
    # GIVEN Weibo answering 503 once
    world.platforms["weibo"].fail_sends(1)
    wedding = post(WEDDING_DRESS)
    # WHEN the outreach handles the post, then the message comes back a minute later
    with pytest.raises(ContactRetryLater) as retry:
        world.outreach.handle(wedding)
    assert retry.value.retry_after > 0
    assert world.obligation().state == "open"  # the ticket exists meanwhile
    world.clock.now += timedelta(minutes=1)
    outcome = world.outreach.handle(wedding, redelivered=True)
    # THEN the second try contacts the poster and meets the deadline on the same ticket
    assert outcome.action == "contacted"
    assert len(world.platforms["weibo"].sent) == 1
    assert world.obligation().state == "met"
    world.only_ticket()
    # AND nobody was alerted: 49 minutes were left, outside the urgent margin
    assert world.alerts.sent == []


class RunKilled(BaseException):
    """What SIGKILL leaves: nothing after this point of the run happens (not even `except Exception`)."""


class KilledAfterSending:
    """A platform connection whose run dies once, right after the platform took the message."""

    def __init__(self, platform: SandboxPlatform, *, can_look_up: bool = True) -> None:
        self.platform = platform.platform
        self._inner = platform
        self._killed = False
        if can_look_up:
            self.sent_since = platform.sent_since

    def allowed_routes(self, post, now):
        return self._inner.allowed_routes(post, now)

    def mentions(self, cursor, *, limit):
        return self._inner.mentions(cursor, limit=limit)

    def send(self, post, route, text):
        delivery = self._inner.send(post, route, text)
        if not self._killed:
            self._killed = True
            raise RunKilled
        return delivery


def _outreach_with(world: World, platform: str, connector: object) -> PostOutreach:
    connectors = {**world.platforms, platform: connector}
    return PostOutreach(
        ENGINE, world.ledger, connectors.get, world.api, world.triage, lambda: CATALOG,
        alerts=world.alerts, archive=world.archive, mask=ENGINE.policy.pii.mask, clock=world.clock,
    )  # fmt: skip


def test_a_run_killed_after_the_platform_took_the_message_never_messages_the_poster_twice(world) -> None:
    # GIVEN a run that dies right after Weibo accepted the private reply, before anything was kept
    outreach = _outreach_with(world, "weibo", KilledAfterSending(world.platforms["weibo"]))
    wedding = post(WEDDING_DRESS)
    with pytest.raises(RunKilled):
        outreach.handle(wedding)
    # WHEN the post comes back (SQS redelivers it) a minute later
    world.clock.now += timedelta(minutes=1)
    outcome = outreach.handle(wedding, redelivered=True)
    # THEN the platform is asked what was sent, and that message is the contact: one message only
    [(_, delivery)] = world.platforms["weibo"].sent
    assert outcome.action == "contacted"
    assert world.ledger.items[wedding.key].contact.message_id == delivery.message_id
    assert world.obligation().state == "met" and world.alerts.sent == []


def test_a_lost_answer_after_the_message_went_out_is_found_not_sent_again(world) -> None:
    # GIVEN X taking the DM but the answer lost (a 502 from its edge)
    world.platforms["x"].fail_after_accepting(1)
    poster = post(BROKEN_EN, platform="x", post_id="x-9")
    with pytest.raises(ContactRetryLater):
        world.outreach.handle(poster)
    # WHEN the retry comes
    world.clock.now += timedelta(minutes=1)
    outcome = world.outreach.handle(poster, redelivered=True)
    # THEN it finds the DM that went out and sends nothing more
    assert outcome.action == "contacted" and outcome.route == "direct_message"
    assert len(world.platforms["x"].sent) == 1


def test_a_platform_that_cannot_show_sent_messages_gets_people_not_a_second_message(world) -> None:
    # GIVEN a run that dies after sending, on a platform whose API cannot list the brand's messages
    outreach = _outreach_with(world, "weibo", KilledAfterSending(world.platforms["weibo"], can_look_up=False))
    wedding = post(WEDDING_DRESS)
    with pytest.raises(RunKilled):
        outreach.handle(wedding)
    # WHEN the post comes back
    outcome = outreach.handle(wedding, redelivered=True)
    # THEN nothing is sent again; people are told to check the conversation, and the ticket exists
    assert len(world.platforms["weibo"].sent) == 1
    assert outcome.action == "not_contacted" and "check the conversation" in outcome.detail
    [alert] = world.alerts.sent
    assert alert.cause == "private_contact_failed"
    world.only_ticket()


def test_the_same_post_twice_is_handled_once(world) -> None:
    # GIVEN a post already handled
    wedding = post(WEDDING_DRESS)
    world.outreach.handle(wedding)
    # WHEN it arrives again (an overlapping monitor, a listening tool re-pushing it)
    again = world.outreach.handle(wedding, redelivered=True)
    # THEN nothing more is sent, created or written
    assert again.action == "already_done"
    assert len(world.platforms["weibo"].sent) == 1
    assert len(world.api.created) == 1 and len(world.api.updates) == 1


def test_a_post_that_is_not_a_complaint_is_archived_only(world) -> None:
    # GIVEN a happy customer's mention
    happy = post("@ShopCo love the new jacket, thanks!", platform="x", post_id="77")
    # WHEN the outreach handles it
    outcome = world.outreach.handle(happy)
    # THEN no message, no ticket; the archive keeps the post and its grading
    assert outcome.action == "archived"
    assert world.platforms["x"].sent == [] and world.api.created == []
    [entry] = world.archive.entries.values()
    assert entry.event == "social_post" and entry.body["post"]["post_id"] == "77"
    assert entry.body["grading"]["is_complaint"] is False


def test_a_reply_in_a_ticketed_thread_becomes_a_comment_not_a_ticket(world) -> None:
    # GIVEN the wedding-dress post already has a ticket
    world.outreach.handle(post(WEDDING_DRESS))
    ticket_id = world.api.created[0]
    # WHEN the poster replies in the thread with the order number
    reply = post("订单号 202611250001,麻烦快点", post_id="5002", in_reply_to_id="5001", thread_root_id="5001")
    outcome = world.outreach.handle(reply)
    # THEN it is a public comment by the poster on the same ticket; nothing is sent on Weibo
    assert outcome.action == "commented" and outcome.ticket_id == ticket_id
    assert len(world.api.created) == 1 and len(world.platforms["weibo"].sent) == 1
    last = world.api.comments[ticket_id][-1]
    assert last["author_id"] == world.api.tickets[ticket_id]["requester_id"]
    assert "202611250001" in last["body"] and last["public"] is True


def test_a_level_one_post_alerts_pr_at_once(world) -> None:
    # GIVEN a safety incident posted on Weibo
    smoke = post("@优选商城 电热毯插上就冒烟,差点着火,孩子还在床上!", post_id="6001")
    # WHEN the outreach handles it
    world.outreach.handle(smoke)
    # THEN PR and compliance get the critical alert, and the poster is still contacted
    assert "critical" in {a.topic for a in world.alerts.sent}
    assert world.records.records[world.api.created[0]].level == 1
    assert len(world.platforms["weibo"].sent) == 1


def test_a_bank_card_number_in_a_post_never_reaches_the_ticket(world) -> None:
    # GIVEN a post quoting a bank-card number
    card = "6222021001123456789"
    complaint = post(
        f"@ShopCo charged twice on card {card} for my order, refund now!", platform="x", post_id="9"
    )
    # WHEN the outreach handles it
    world.outreach.handle(complaint)
    # THEN the ticket's subject and description show it masked
    ticket = world.only_ticket()
    assert card not in ticket["subject"] and card not in ticket["description"]


def test_zendesks_own_events_for_an_outreach_ticket_wait_for_the_outreach(world) -> None:
    # GIVEN a ticket the outreach created but has not triaged yet (Zendesk's webhook came first)
    ticket_id = world.api.create_ticket(
        {
            "subject": "weibo @bride",
            "comment": {"body": WEDDING_DRESS, "author_id": 7000},
            "external_id": "weibo:5001",
            "tags": [SOCIAL_PUBLIC_TAG, SOCIAL_OUTREACH_TAG],
            "custom_fields": [{"id": CATALOG.field_ids[SOCIAL_POST_TIME_FIELD], "value": POSTED.isoformat()}],
        }
    )["id"]
    zendesk_event = TicketEvent(
        event_id="zen-1",
        event_type=EventType.CREATED,
        ticket_id=ticket_id,
        occurred_at=world.clock.now,
        source=EventSource.EVENT_SUBSCRIPTION,
        zendesk_type="zen:event-type:ticket.created",
    )
    # WHEN the triage gets Zendesk's created event
    outcome = world.triage.handle(zendesk_event)
    # THEN it leaves the ticket to the outreach: no write, no record (two intakes would race)
    assert outcome.action == "skipped"
    assert world.api.updates == [] and world.records.records == {}
    # AND the outreach's own pass triages it once, from the post time
    world.outreach.handle(post(WEDDING_DRESS))
    assert len(world.api.updates) == 1 and len(world.api.created) == 1
    assert world.obligation().due_at == POSTED + timedelta(hours=1)


def test_posts_by_different_users_about_one_problem_make_a_group_complaint(world) -> None:
    # GIVEN as many different Weibo users as a group complaint needs, each posting the same hazard
    customers = ENGINE.policy.alerting.group_complaint.min_customers
    # WHEN the outreach handles their posts
    for n in range(customers):
        world.outreach.handle(
            post("@优选商城 电热毯插上就冒烟,差点着火!", post_id=f"70{n}", author=f"user{n}")
        )
    # THEN PR and compliance hear of one group complaint, and the other tickets are told to join it
    assert [a.cause for a in world.alerts.sent].count("group_complaint") == 1
    assert len(world.group_queue.events) == customers - 1
    assert len(world.platforms["weibo"].sent) == customers  # and every poster was still contacted


def test_a_throttled_zendesk_never_delays_the_contact(world) -> None:
    # GIVEN Zendesk answering 429 to the ticket creation
    world.api.create_errors.append(WriteBudgetExhausted("budget spent", retry_after_seconds=30))
    wedding = post(WEDDING_DRESS)
    # WHEN the outreach handles the post
    with pytest.raises(WriteBudgetExhausted):
        world.outreach.handle(wedding)
    # THEN the poster was contacted anyway, before any ticket existed
    assert len(world.platforms["weibo"].sent) == 1 and world.api.created == []
    # AND the retry creates the ticket and meets the deadline without contacting twice
    world.clock.now += timedelta(seconds=30)
    assert world.outreach.handle(wedding, redelivered=True).action == "contacted"
    assert len(world.platforms["weibo"].sent) == 1
    assert world.obligation().state == "met"
