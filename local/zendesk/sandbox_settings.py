"""Knobs of the local Zendesk sandbox.

Defaults mirror a real Enterprise account (700 requests/min, Update Ticket
100/min, 30 updates per ticket per user per 10 min); tests shrink them to
provoke 429s in a handful of calls, and swap the clock to make waits exact.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SandboxSettings:
    """Everything a test may want to vary about the sandbox account."""

    subdomain: str = "sandbox"
    account_id: int = 90_000_001
    admin_name: str = "Sandbox Admin"
    email: str = "admin@sandbox.example"
    api_token: str = "sandbox-token-not-a-secret"

    # Rate limits: a sliding window per account (all requests), plus the
    # endpoint limits that apply to Update Ticket.
    requests_per_minute: int = 700
    update_ticket_per_minute: int = 100
    updates_per_ticket_per_user: int = 30
    per_ticket_window_seconds: float = 600.0
    window_seconds: float = 60.0

    # Webhook deliveries (event subscriptions).
    webhook_timeout_seconds: float = 10.0
    webhook_max_attempts: int = 4
    webhook_backoff_seconds: float = 0.05  # doubles per retry; Zendesk's is longer, tests want it short

    # Plans below Support Professional have no SLA policies: give 403 (or 404) to answer every
    # SLA policy request with it, as such an account does.
    sla_policies_refusal: int | None = None

    # The ticket sidebar app the agent pages host (None: the checkout's zendesk_app/).
    app_dir: Path | None = None

    # Wall clock (epoch seconds) for timestamps and rate-limit windows.
    clock: Callable[[], float] = field(default=time.time, compare=False)
