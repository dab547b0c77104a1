"""The outreach use case: one public post → graded, the poster contacted, a ticket, the deadline met.

Order matters (R-SLA-9: private contact within 1 h of the **post**):
1. a reply in a thread that already has a ticket becomes a comment on that ticket, nothing more;
2. a post that is not a complaint is archived, nothing more;
3. a complaint's poster is contacted first — by the best route the platform allows, falling
   back route by route (social.yaml) — because the hour is running and Zendesk may be throttled;
4. then the ticket is found or created (external_id = platform:post id; requester = the social
   handle; the post time in the "Social post time" field, so every deadline counts from it);
5. then the triage runs on it as on any new ticket, told of the contact: one write gives the
   agent the grade, deadlines, route, remedies and what was sent, and meets private_contact.
Each step is recorded in the social ledger as soon as it is done, so a retry resumes after it.
If nothing can be sent, the social team and PR are alerted with the time left; a platform outage
or rate limit retries the contact later (`ContactRetryLater`) once the ticket exists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from functions.outreach.contact_alert import contact_failed_alert
from functions.triage.ticket_triage import CONTACT_DETAIL, AlertSink, ArchiveSink, TicketTriage
from infra.archive import ArchiveEntry, alert_entry
from infra.social_ledger import ContactSending, PostProgress
from integrations.social.connector import SentMessageLookup, SocialConnector
from integrations.social.errors import (
    PostGone,
    RouteClosed,
    SocialAuthError,
    SocialError,
    SocialRateLimited,
    SocialUnavailable,
)
from integrations.social.models import Delivery, SocialPost
from integrations.zendesk.events import EventSource, EventType, TicketEvent
from integrations.zendesk.internal_note import format_due
from integrations.zendesk.models import SOCIAL_OUTREACH_TAG, SOCIAL_PUBLIC_TAG
from integrations.zendesk.ticket_fields import SOCIAL_POST_TIME_FIELD, FieldCatalog
from integrations.zendesk.ticket_update import event_metadata, written_by_event
from policies.complaint_state import ContactMade
from policies.decision import Grading
from policies.engine import TriageEngine

logger = logging.getLogger(__name__)

SUBJECT_CHARS = 80
NO_TICKET = 0  # alerts and archive entries about a post that has no ticket (yet)
RETRY_UNAVAILABLE_SECONDS = 60
# 503: the platform did not take the request at all (RFC 9110 §15.6.4), so nothing was sent.
UNAVAILABLE_BEFORE_PROCESSING = 503


class ContactRetryLater(Exception):
    """The platform could not take the message now (outage, rate limit); try again in `retry_after` s."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PostLedger(Protocol):
    def begin(self, post: SocialPost, now: datetime) -> PostProgress: ...

    def record(self, progress: PostProgress) -> PostProgress: ...

    def ticket_for_thread(self, thread_key: str) -> int | None: ...


class SocialTicketApi(Protocol):
    def find_tickets_by_external_id(self, external_id: str) -> list[dict[str, Any]]: ...

    def create_or_update_user(self, user: dict[str, Any]) -> dict[str, Any]: ...

    def create_ticket(self, payload: dict[str, Any]) -> dict[str, Any]: ...

    def update_ticket(
        self, ticket_id: int, changes: dict[str, Any], *, updated_stamp: str | None = None
    ) -> dict[str, Any]: ...

    def list_audits(self, ticket_id: int) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class PostOutcome:
    key: str
    action: Literal["already_done", "archived", "commented", "contacted", "not_contacted"]
    ticket_id: int | None = None
    route: str | None = None
    detail: str = ""

    def as_log(self) -> dict[str, object]:
        return {"post": self.key, "action": self.action, "ticket_id": self.ticket_id, "route": self.route}


@dataclass(frozen=True)
class _Attempt:
    """How contacting went: sent, impossible (why), or to retry after some seconds."""

    contact: ContactMade | None = None
    failure: str | None = None
    retry_after: int | None = None


class PostOutreach:
    def __init__(
        self,
        engine: TriageEngine,
        ledger: PostLedger,
        connectors: Callable[[str], SocialConnector | None],
        tickets: SocialTicketApi,
        triage: TicketTriage,
        catalog: Callable[[], FieldCatalog],
        *,
        alerts: AlertSink,
        archive: ArchiveSink | None = None,
        ticket_url: Callable[[int], str] = str,
        mask: Callable[[str], str] = lambda text: text,
        clock: Callable[[], datetime],
    ) -> None:
        self._engine = engine
        self._policy = engine.policy
        self._ledger = ledger
        self._connectors = connectors
        self._tickets = tickets
        self._triage = triage
        self._catalog = catalog
        self._alerts = alerts
        self._archive = archive
        self._ticket_url = ticket_url
        self._mask = mask
        self._clock = clock

    def handle(self, post: SocialPost, *, redelivered: bool = False) -> PostOutcome:
        progress = self._ledger.begin(post, self._clock())
        if progress.finished:
            return PostOutcome(post.key, "already_done", progress.ticket_id)
        claimed = post.posted_at
        post = self._believed(post, progress.seen_at)
        thread_ticket = self._ledger.ticket_for_thread(post.thread_key) if post.thread_key else None
        if thread_ticket is not None:
            return self._add_to_thread(post, progress, thread_ticket, redelivered, claimed)
        grading = self._engine.grader.grade(post.text)
        if not grading.is_complaint:
            self._archive_post(post, grading)
            self._ledger.record(progress.model_copy(update={"status": "archived"}))
            return PostOutcome(post.key, "archived")
        attempt = _Attempt(contact=progress.contact, failure=progress.contact_failure)
        if attempt.contact is None and attempt.failure is None:
            attempt, progress = self._contact(post, grading, progress)
            update: dict[str, Any] = {"contact": attempt.contact, "contact_failure": attempt.failure}
            if attempt.retry_after is None:
                update["contact_sending"] = None  # settled: sent, found, or impossible
            progress = self._ledger.record(progress.model_copy(update=update))
        if self._must_alert(post, grading, attempt, progress):
            reason = attempt.failure or "the platform is not answering; retrying"
            self._alert_contact_failed(post, progress.ticket_id, grading, reason)
            progress = self._ledger.record(progress.model_copy(update={"contact_alerted": True}))
        if progress.ticket_id is None:
            progress = self._ledger.record(
                progress.model_copy(update={"ticket_id": self._ticket_for(post, claimed)})
            )
        ticket_id = progress.ticket_id
        assert ticket_id is not None
        self._triage.handle(self._ticket_event(post, ticket_id, attempt.contact), redelivered=redelivered)
        if attempt.contact is not None:
            self._archive_contact(post, ticket_id, grading, attempt.contact)
        if attempt.retry_after is not None:
            raise ContactRetryLater(
                f"{post.key}: the platform could not take the message", attempt.retry_after
            )
        self._ledger.record(progress.model_copy(update={"status": "ticketed"}))
        if attempt.contact is None:
            return PostOutcome(post.key, "not_contacted", ticket_id, detail=attempt.failure or "")
        return PostOutcome(post.key, "contacted", ticket_id, attempt.contact.route)

    def _believed(self, post: SocialPost, received: datetime) -> SocialPost:
        """A post stamped in the future (a tool's clock or time zone) starts its clock when received."""
        believed = self._engine.policy.sla.clock_skew.believed(post.posted_at, received)
        if believed == post.posted_at:
            return post
        logger.warning(
            "post time lies in the future; counting from receipt",
            extra={"post": post.key, "claimed": post.posted_at.isoformat(), "received": received.isoformat()},
        )
        return post.model_copy(update={"posted_at": believed})

    # ---- 1. replies in a ticket's thread ------------------------------------------
    def _add_to_thread(
        self, post: SocialPost, progress: PostProgress, ticket_id: int, redelivered: bool, claimed: datetime
    ) -> PostOutcome:
        event_id = f"social:{post.key}:comment"
        if not (redelivered and written_by_event(self._tickets.list_audits(ticket_id), event_id)):
            author = self._user_for(post)
            self._tickets.update_ticket(
                ticket_id,
                {
                    "comment": {
                        "body": self._ticket_text(post, claimed),
                        "author_id": author,
                        "public": True,
                    },
                    "metadata": event_metadata(event_id, self._policy.version),
                },
            )
        self._ledger.record(progress.model_copy(update={"status": "commented", "ticket_id": ticket_id}))
        return PostOutcome(post.key, "commented", ticket_id)

    # ---- 3. the first private contact ------------------------------------------------
    def _contact(
        self, post: SocialPost, grading: Grading, progress: PostProgress
    ) -> tuple[_Attempt, PostProgress]:
        """At most one first message per post, even across a run that stops mid-send: each send is
        recorded as about to happen first, and a later run asks the platform before sending again."""
        connector = self._connectors(post.platform)
        if connector is None:
            return _Attempt(
                failure=f"{post.platform}: no API to write to (pushed by a listening tool)"
            ), progress
        if progress.contact_sending is not None:
            found = self._sent_before(connector, post, progress.contact_sending)
            if found is not None:
                return found, progress
            # The platform shows nothing sent: the earlier attempt never reached the poster.
            progress = self._nothing_sent(progress)
        now = self._clock()
        allowed = connector.allowed_routes(post, now)
        routes = [r for r in self._policy.social.platform(post.platform).routes if r in allowed]
        refused: list[str] = []
        for route in routes:
            text = self._policy.social.message_for(route, grading.language)
            sending = ContactSending(route=route, since=now)
            progress = self._ledger.record(progress.model_copy(update={"contact_sending": sending}))
            try:
                delivery = connector.send(post, route, text)
            except RouteClosed as exc:
                refused.append(f"{route} refused ({exc})")
                continue
            except PostGone:
                return _Attempt(failure="the post was deleted; reach the customer another way"), progress
            except SocialAuthError as exc:
                return _Attempt(failure=f"the {post.platform} credentials were refused ({exc})"), progress
            except SocialRateLimited as exc:
                # Refused before it was processed: nothing went out.
                progress = self._nothing_sent(progress)
                return _Attempt(retry_after=exc.retry_after), progress
            except SocialUnavailable as exc:
                if exc.status == UNAVAILABLE_BEFORE_PROCESSING:
                    progress = self._nothing_sent(progress)
                # Otherwise (a timeout, 500, 502, 504) it may have gone out: the record stays, and the
                # retry asks the platform first.
                return _Attempt(retry_after=RETRY_UNAVAILABLE_SECONDS), progress
            except SocialError as exc:
                refused.append(f"{route} failed ({type(exc).__name__})")
                continue
            return _Attempt(contact=_contact_made(post, delivery)), progress
        if not routes:
            return _Attempt(failure=f"{post.platform} allows no first message to this author now"), progress
        return _Attempt(failure="; ".join(refused)), progress

    def _nothing_sent(self, progress: PostProgress) -> PostProgress:
        """Forget a send recorded as about to happen: it is known that nothing went out."""
        return self._ledger.record(progress.model_copy(update={"contact_sending": None}))

    def _sent_before(
        self, connector: SocialConnector, post: SocialPost, sending: ContactSending
    ) -> _Attempt | None:
        """What became of a send that a stopped run left unrecorded: found (the contact), not sent
        (None: send now), or unknowable (people check by hand: a second message is worse)."""
        unconfirmed = (
            f"a {sending.route} may have reached the poster at {sending.since.isoformat(timespec='seconds')} "
            f"(the run stopped before the platform's answer was kept) and {post.platform} cannot confirm "
            "it: check the conversation before writing again"
        )
        if not isinstance(connector, SentMessageLookup):
            return _Attempt(failure=unconfirmed)
        try:
            delivery = connector.sent_since(post, sending.route, sending.since)
        except SocialRateLimited as exc:
            return _Attempt(retry_after=exc.retry_after)
        except SocialUnavailable:
            return _Attempt(retry_after=RETRY_UNAVAILABLE_SECONDS)
        except SocialError:
            return _Attempt(failure=unconfirmed)
        return None if delivery is None else _Attempt(contact=_contact_made(post, delivery))

    def _must_alert(
        self, post: SocialPost, grading: Grading, attempt: _Attempt, progress: PostProgress
    ) -> bool:
        """Once per post: nothing can be sent, or it is still being retried and the hour is nearly gone."""
        if attempt.contact is not None or progress.contact_alerted:
            return False
        if attempt.failure:
            return True
        left = (self._due_at(post, grading) - self._clock()).total_seconds() / 60
        return left <= self._policy.social.contact_alert.urgent_minutes_left

    def _due_at(self, post: SocialPost, grading: Grading) -> datetime:
        due = self._engine.clock.due_for(
            "private_contact",
            post.posted_at,
            level=grading.level,
            category=grading.category,
            subtype=grading.subtype,
            channel="social_public",
        )
        if due is None:
            raise ValueError("sla.yaml has no private_contact deadline for public social posts (R-SLA-9)")
        return due.at

    # ---- 4. the ticket -----------------------------------------------------------------
    def _ticket_for(self, post: SocialPost, claimed: datetime) -> int:
        """The post's ticket: found by external_id (an earlier attempt created it), else created."""
        found = self._tickets.find_tickets_by_external_id(post.key)
        if found:
            return int(found[0]["id"])
        author = self._user_for(post)
        catalog = self._catalog()
        payload: dict[str, Any] = {
            "subject": self._subject(post),
            "comment": {"body": self._ticket_text(post, claimed), "author_id": author, "public": True},
            "requester_id": author,
            "external_id": post.key,
            "tags": [SOCIAL_PUBLIC_TAG, SOCIAL_OUTREACH_TAG, f"social_{post.platform}"],
        }
        field_id = catalog.field_ids.get(SOCIAL_POST_TIME_FIELD)
        if field_id is None:
            logger.warning("ticket field %r missing; run the bootstrap", SOCIAL_POST_TIME_FIELD)
        else:
            payload["custom_fields"] = [{"id": field_id, "value": post.posted_at.isoformat()}]
        return int(self._tickets.create_ticket(payload)["id"])

    def _user_for(self, post: SocialPost) -> int:
        """The Zendesk end user behind a social handle (upsert by external_id: repeating is harmless)."""
        user = self._tickets.create_or_update_user(
            {
                "name": post.author.name or post.author.handle,
                "external_id": f"{post.platform}:{post.author.id}",
                "role": "end-user",
            }
        )
        return int(user["id"])

    def _subject(self, post: SocialPost) -> str:
        first_line = " ".join(self._mask(post.text).split())
        if len(first_line) > SUBJECT_CHARS:
            first_line = first_line[: SUBJECT_CHARS - 1] + "…"
        return f"{post.platform} @{post.author.handle}: {first_line}"

    def _ticket_text(self, post: SocialPost, claimed: datetime) -> str:
        """The post as the agent needs it: the words (personal numbers masked), who, when, where;
        and, when the post's own time could not be believed, that its clock starts at receipt."""
        wording = self._policy.ticket_note
        lines = [
            self._mask(post.text),
            "",
            f"{wording.social_post_marker} {post.platform} @{post.author.handle}",
        ]
        lines.append(format_due(post.posted_at))
        if claimed != post.posted_at:
            times = {"claimed": format_due(claimed), "received": format_due(post.posted_at)}
            lines += [labels.time_not_believed.format(**times) for labels in wording.labels.values()]
        if post.url:
            lines.append(post.url)
        return "\n".join(lines)

    def _ticket_event(self, post: SocialPost, ticket_id: int, contact: ContactMade | None) -> TicketEvent:
        """The triage's event for this post's ticket; a contact gets its own id, so a contact made
        after the ticket was triaged (a retry) is still written."""
        step = "contacted" if contact is not None else "created"
        return TicketEvent(
            event_id=f"social:{post.key}:{step}",
            event_type=EventType.CREATED,
            ticket_id=ticket_id,
            occurred_at=self._clock(),
            source=EventSource.PLUGIN,
            zendesk_type="plugin.social_post",
            detail={CONTACT_DETAIL: contact.model_dump(mode="json")} if contact is not None else {},
        )

    # ---- the record and the people --------------------------------------------------------
    def _alert_contact_failed(
        self, post: SocialPost, ticket_id: int | None, grading: Grading, reason: str
    ) -> None:
        """Sent at once, before the ticket if need be (Zendesk may be throttled): the hour is running."""
        now = self._clock()
        alert = contact_failed_alert(
            self._policy,
            post,
            ticket_id=ticket_id or NO_TICKET,
            level=grading.level,
            category=grading.category,
            language=grading.language,
            due_at=self._due_at(post, grading),
            now=now,
            reason=reason,
            ticket_url=self._ticket_url(ticket_id) if ticket_id else "",
        )
        self._alerts.publish(alert)
        if self._archive is not None:
            self._archive.put(alert_entry(alert, f"social:{post.key}", now, self._policy.version))

    def _archive_post(self, post: SocialPost, grading: Grading) -> None:
        body = {"post": post.model_dump(mode="json"), "grading": _grading_record(grading)}
        self._archive_entry(post, NO_TICKET, grading, "social_post", post.posted_at, body)

    def _archive_contact(
        self, post: SocialPost, ticket_id: int, grading: Grading, contact: ContactMade
    ) -> None:
        body = {"post": post.model_dump(mode="json"), "contact": contact.model_dump(mode="json")}
        self._archive_entry(post, ticket_id, grading, "private_message", contact.sent_at, body)

    def _archive_entry(
        self,
        post: SocialPost,
        ticket_id: int,
        grading: Grading,
        event: str,
        occurred_at: datetime,
        body: dict[str, Any],
    ) -> None:
        """One record of what happened to a post (R-LOOP-3); its id makes a retried put a no-op."""
        if self._archive is None:
            return
        self._archive.put(
            ArchiveEntry(
                ticket_id=ticket_id,
                category=grading.category,
                event=event,
                event_id=f"social:{post.key}:{event}",
                occurred_at=occurred_at,
                policy_version=self._policy.version,
                correlation_id=f"social:{post.key}",
                body=body,
            )
        )


def _grading_record(grading: Grading) -> dict[str, Any]:
    return {
        "is_complaint": grading.is_complaint,
        "level": grading.level,
        "category": grading.category,
        "subtype": grading.subtype,
        "reasons": [{"rule": r.rule, "evidence": r.evidence} for r in grading.reasons],
        "policy_version": grading.policy_version,
    }


def _contact_made(post: SocialPost, delivery: Delivery) -> ContactMade:
    return ContactMade(
        platform=post.platform,
        route=delivery.route,
        message_id=delivery.message_id,
        sent_at=delivery.sent_at,
        text=delivery.text,
    )
