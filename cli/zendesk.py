"""`triage zendesk bootstrap`: set up the Zendesk side of the plugin, idempotently.

Creates what the account lacks: the plugin's custom fields (level, category, sub-type drop-downs;
exact due times and the SLA state as text), the route groups of routing.yaml, the webhook
subscribed to the ticket events the triage consumes, pointing at the stack's WebhookUrl output,
and native SLA policies whose targets follow sla.yaml, so agents also see Zendesk's SLA badges
(created or updated in place when the policy files change; SLA policies the plugin did not create
are never changed). `--dry-run` prints the plan and changes nothing. The webhook's signing secret
is never printed: with `--store-signing-secret NAME` it is written to that Secrets Manager secret
(the stack's ZendeskSigningSecretName), which is what the intake Lambda reads.

Credentials: ZENDESK_URL, ZENDESK_EMAIL, ZENDESK_API_TOKEN, or --secret-name (the stack's Zendesk
credentials secret).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.failure import EXIT_OK, CliFailure

_BOOTSTRAP_HELP = """\
Create what the Zendesk account lacks, idempotently: the plugin's ticket fields, the route groups
of routing.yaml, the webhook to --webhook-url, and SLA policies mirroring sla.yaml (on plans
without SLA policies this is reported and the rest still runs). Run it again after changing the
policy files: only what differs is written. Start with --dry-run to see the plan.

example (STACK is the name the stack was deployed under):
  triage zendesk bootstrap --dry-run --webhook-url "$(aws cloudformation describe-stacks \\
      --stack-name STACK --query "Stacks[0].Outputs[?OutputKey=='WebhookUrl'].OutputValue" \\
      --output text)"
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "zendesk",
        help="set up the Zendesk side (fields, groups, webhook, SLA policies)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    bootstrap = actions.add_parser(
        "bootstrap",
        help="create what the account lacks (idempotent)",
        description=_BOOTSTRAP_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bootstrap.add_argument(
        "--webhook-url",
        required=True,
        metavar="URL",
        help="where Zendesk sends ticket events: the stack's WebhookUrl output (or the webhook_url "
        "`triage local` prints)",
    )
    bootstrap.add_argument(
        "--dry-run",
        action="store_true",
        help="print the plan (what would be created, updated, deleted or left alone) and change nothing",
    )
    bootstrap.add_argument("--secret-name", help="Secrets Manager secret with the Zendesk credentials")
    bootstrap.add_argument(
        "--store-signing-secret", metavar="NAME", help="Secrets Manager secret to store it in"
    )
    bootstrap.add_argument("--endpoint-url", help="AWS endpoint (local runs)")
    bootstrap.add_argument(
        "--install-app",
        action="store_true",
        help="also install the ticket sidebar app (zendesk_app/) unless an installation of it exists",
    )
    bootstrap.add_argument("--app-dir", type=Path, default=Path("zendesk_app"), help="the app's folder")
    assets = actions.add_parser(
        "app-assets",
        help="export what the ticket sidebar app needs from the policies (triage.json)",
    )
    assets.add_argument(
        "--out", type=Path, default=Path("zendesk_app/assets"), help="the app's assets folder"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.action == "app-assets":
        from integrations.zendesk.app_assets import write_app_assets
        from policies.loader import load_policy

        if not args.out.is_dir():
            raise CliFailure(f"{args.out}: not a folder (the sidebar app's assets)")
        print(f"wrote {write_app_assets(load_policy(args.policies), args.out)}")
        return EXIT_OK
    from integrations.zendesk.app_assets import write_app_assets
    from integrations.zendesk.app_package import (
        APP_NAME,
        AppInstallFailed,
        app_package,
        install_app,
        installed,
    )
    from integrations.zendesk.bootstrap import NOTHING_TO_DO, bootstrap_zendesk, plan_bootstrap
    from integrations.zendesk.client import ZendeskClient
    from integrations.zendesk.credentials import credentials_from_env, credentials_from_secret
    from integrations.zendesk.errors import ZendeskError
    from policies.loader import load_policy

    policy = load_policy(args.policies)
    groups = list(policy.routing.teams.values())
    try:
        credentials = (
            credentials_from_secret(args.secret_name) if args.secret_name else credentials_from_env()
        )
        with ZendeskClient.from_credentials(credentials) as client:
            app_needed = args.install_app and not installed(client)
            if args.dry_run:
                plan = plan_bootstrap(client, webhook_url=args.webhook_url, group_names=groups, policy=policy)
                for line in plan.describe():
                    print(line)
                if args.install_app:
                    print(f"install app {APP_NAME!r}" if app_needed else f"leave app {APP_NAME!r}: installed")
                return EXIT_OK
            result = bootstrap_zendesk(
                client, webhook_url=args.webhook_url, group_names=groups, policy=policy
            )
            if app_needed:
                write_app_assets(policy, args.app_dir / "assets")
                installation = install_app(client, app_package(args.app_dir))
                print(f"installed app {APP_NAME!r} (installation {installation['id']})")
            elif args.install_app:
                print(f"app {APP_NAME!r} already installed")
    except (ZendeskError, AppInstallFailed, FileNotFoundError) as exc:
        raise CliFailure(f"zendesk: {exc}") from None
    done = [
        *(f"created {line}" for line in result.created),
        *(f"updated {line}" for line in result.updated),
        *(f"deleted {line}" for line in result.deleted),
    ]
    for line in (done or [NOTHING_TO_DO]) + list(result.notes):
        print(line)
    print(f"webhook {result.webhook_id}; fields found: {len(result.catalog.field_ids)}")
    if args.store_signing_secret:
        import boto3

        secrets = boto3.client("secretsmanager", endpoint_url=args.endpoint_url)
        secrets.put_secret_value(SecretId=args.store_signing_secret, SecretString=result.signing_secret)
        print(f"signing secret stored in {args.store_signing_secret}")
    else:
        print("signing secret not stored: give --store-signing-secret NAME (it is never printed)")
    return EXIT_OK
