"""Alerts to the chat groups that act on them (R-ROUTE-1/4, R-SLA-6/9), acknowledged or escalated.

- `deliver`: an alert from the SNS topics goes to every channel channels.yaml gives it, as each
  platform's card; a critical one carries an acknowledgement link and starts its clock.
- `escalate`: an alert not acknowledged within `ack_minutes` goes to the next channel of the ladder,
  at most `max_steps` times; each step is recorded (and archived by the caller's archive).
- `acknowledge`: a signed link records who acknowledged and when; the first one stands, and is
  queued to the ticket as a plugin event so the triage notes it on the ticket.

A channel that already got the alert is never posted to again (a redelivered message). A rate
limit or an outage propagates: the queue hands the message back later, nothing sleeps.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from infra.alert_log import AlertLog, AlertState
from integrations.chat.ack_link import AckClaim, ack_url
from integrations.chat.cards import ChatCard
from integrations.chat.credentials import ChatCredentials
from integrations.chat.sender import ChannelCredentials, ChatRateLimited
from integrations.zendesk.events import EventSource, EventType, TicketEvent
from policies.channels import ChannelsPolicy, ChatChannel, ChatPlatform


class EventQueue(Protocol):
    def enqueue(self, event: Any, raw_body: bytes) -> str: ...


class SendBudget(Protocol):
    def acquire(self) -> None:
        """Take one send from the bot's budget, or raise `ChatRateLimited` with the wait."""
        ...


class Sender(Protocol):
    def send(
        self, channel: str, platform: ChatPlatform, credentials: ChannelCredentials, card: ChatCard
    ) -> None: ...


@dataclass(frozen=True)
class Acknowledgement:
    alert_id: str
    ticket_id: int
    by: str
    channel: str
    at: datetime
    first: bool


class AlertDelivery:
    def __init__(
        self,
        policy: ChannelsPolicy,
        log: AlertLog,
        sender: Sender,
        credentials: Callable[[], ChatCredentials],
        ack_base_url: str,
        clock: Callable[[], datetime],
        ticket_events: EventQueue | None = None,
        budget: Callable[[ChatChannel], SendBudget] | None = None,
    ) -> None:
        self._ticket_events = ticket_events
        self._budget = budget
        self._policy = policy
        self._log = log
        self._sender = sender
        self._credentials = credentials
        self._ack_base_url = ack_base_url
        self._clock = clock

    def deliver(self, alert_id: str, alert: dict[str, Any]) -> list[str]:
        """Post the alert to its channels; return those posted to now."""
        now = self._clock()
        topic, cause = str(alert.get("topic")), str(alert.get("cause"))
        needs_ack = self._policy.needs_ack(topic)
        ack_due = now + timedelta(minutes=self._policy.escalation.ack_minutes) if needs_ack else None
        state = self._log.start(alert_id, alert, topic=topic, now=now, ack_due=ack_due)
        posted = []
        for channel in self._policy.for_alert(topic, cause):
            if channel.name in state.delivered:
                continue
            self._post(channel, alert_id, alert, needs_ack, escalation=0)
            self._log.delivered(alert_id, channel.name)
            posted.append(channel.name)
        return posted

    def escalate(self) -> list[tuple[str, str]]:
        """Send each alert whose acknowledgement is overdue one step up the ladder."""
        now = self._clock()
        done = []
        for state in self._log.due(now):
            step = len(state.steps)
            channel = self._policy.next_step(step)
            if channel is None:  # the top of the ladder had its time too: stop watching
                self._log.stop_watching(state.alert_id)
                continue
            try:
                self._post(channel, state.alert_id, state.alert, True, escalation=step + 1)
            except ChatRateLimited:  # that bot's minute is spent: the alert stays due, next run climbs
                continue
            wait = timedelta(minutes=self._policy.escalation.ack_minutes)
            self._log.escalated(state.alert_id, channel.name, now, now + wait)
            done.append((state.alert_id, channel.name))
        return done

    def acknowledge(self, claim: AckClaim, by: str) -> Acknowledgement:
        """Record who acknowledged, and (the first time) tell the ticket: the triage writes it in
        the ticket's note, so agents see that PR or compliance has the alert in hand."""
        state, first = self._log.acknowledge(claim.alert_id, channel=claim.channel, by=by, now=self._clock())
        ack = _acknowledgement(state, first)
        # Queued on every use of the link, not only the first: if the first queueing failed, the next
        # click repairs it; the event's id is the alert's and the triage notes it once.
        if self._ticket_events is not None and ack.ticket_id:
            event = acknowledged_event(ack, cause=str(state.alert.get("cause") or ""))
            self._ticket_events.enqueue(event, json.dumps(event.model_dump(mode="json")).encode("utf-8"))
        return ack

    def _post(
        self, channel: ChatChannel, alert_id: str, alert: dict[str, Any], needs_ack: bool, escalation: int
    ) -> None:
        if self._budget is not None:
            self._budget(channel).acquire()  # within the platform's per-bot limit, fleet-wide
        credentials = self._credentials()
        link = None
        if needs_ack:
            valid = timedelta(hours=self._policy.escalation.link_valid_hours)
            secret = credentials.ack_secret.get_secret_value()
            link = ack_url(self._ack_base_url, secret, alert_id, channel.name, self._clock(), valid)
        self._sender.send(
            channel.name,
            channel.platform,
            credentials.for_channel(channel.name),
            card_of(alert, channel, link, escalation),
        )


def card_of(alert: dict[str, Any], channel: ChatChannel, ack: str | None, escalation: int) -> ChatCard:
    """An alert's machine variant (infra/alerts.py) as a card: its first line is the title."""
    text = str(alert.get("text") or "")
    title, _, body = text.partition("\n")
    links = [w for w in body.split() if w.startswith(("http://", "https://"))]
    return ChatCard(
        title=title,
        text=body.strip(),
        language=channel.language,
        ticket_url=links[0] if links else None,
        ack_url=ack,
        escalation=escalation,
    )


def _acknowledgement(state: AlertState, first: bool) -> Acknowledgement:
    assert state.acked_at is not None and state.acked_by is not None and state.acked_in is not None
    return Acknowledgement(
        state.alert_id, state.ticket_id, state.acked_by, state.acked_in, state.acked_at, first
    )


ACKNOWLEDGED = "acknowledged"  # key of an alert_acknowledged event's detail


def acknowledged_event(ack: Acknowledgement, cause: str) -> TicketEvent:
    """The ticket's plugin event for an acknowledged alert (its id is the alert's: queued once)."""
    return TicketEvent(
        event_id=f"ack:{ack.alert_id}",
        event_type=EventType.ALERT_ACKNOWLEDGED,
        ticket_id=ack.ticket_id,
        occurred_at=ack.at,
        source=EventSource.PLUGIN,
        zendesk_type="plugin.alert_acknowledged",
        detail={
            ACKNOWLEDGED: {"cause": cause, "by": ack.by, "channel": ack.channel, "at": ack.at.isoformat()}
        },
    )
