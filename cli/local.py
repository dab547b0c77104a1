"""`triage local`: run the whole product on this machine until Ctrl-C.

Starts embedded AWS (moto server on loopback), the Zendesk sandbox (or uses a real account given
with --zendesk-url/--zendesk-email/--zendesk-token), the webhook endpoint and the queue runner,
bootstraps the Zendesk side through its API, and prints one JSON line on stdout when ready:
{"webhook_url", "zendesk_url", "zendesk_email", "zendesk_token", "aws_endpoint_url", "signing_secret"}.
Logs go to stderr. SIGINT or SIGTERM stops everything cleanly (exit 0).
"""

from __future__ import annotations

import argparse
import json
import sys

from cli.failure import EXIT_OK, CliFailure
from cli.stop_signals import stop_requested


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "local",
        help="run the product locally (embedded AWS + Zendesk sandbox) until Ctrl-C",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=0, help="webhook endpoint port (default: a free one)")
    parser.add_argument("--zendesk-url", help="a real Zendesk account instead of the sandbox")
    parser.add_argument("--zendesk-email", help="the agent e-mail for --zendesk-url")
    parser.add_argument("--zendesk-token", help="the API token for --zendesk-url")
    parser.add_argument(
        "--writes-per-minute", type=int, default=None, help="the plugin's Update Ticket budget (default 50)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from integrations.zendesk.credentials import credentials_from_mapping
    from integrations.zendesk.errors import ZendeskConfigError
    from local.product import LocalProduct

    real = (args.zendesk_url, args.zendesk_email, args.zendesk_token)
    credentials = None
    if any(real):
        if not all(real):
            raise CliFailure("give --zendesk-url, --zendesk-email and --zendesk-token together")
        try:
            credentials = credentials_from_mapping(
                {"base_url": args.zendesk_url, "email": args.zendesk_email, "api_token": args.zendesk_token}
            )
        except ZendeskConfigError as exc:
            raise CliFailure(str(exc)) from None

    with stop_requested() as stop:
        product = LocalProduct(
            zendesk=credentials, writes_per_minute=args.writes_per_minute, webhook_port=args.port
        )
        try:
            ready = product.start()
            print(json.dumps(ready.as_dict()), flush=True)
            stop.wait()
        finally:
            product.stop()
    print("triage local: stopped", file=sys.stderr)
    return EXIT_OK
