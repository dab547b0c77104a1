"""`triage zendesk bootstrap`: set up the Zendesk side of the plugin, idempotently.

Creates what the account lacks: the plugin's custom fields (level, category, sub-type drop-downs;
exact due times and the SLA state as text), the route groups of routing.yaml, and the webhook
subscribed to the ticket events the triage consumes, pointing at the stack's WebhookUrl output.
`--dry-run` prints the plan and changes nothing. The webhook's signing secret is never printed:
with `--store-signing-secret NAME` it is written to that Secrets Manager secret (the stack's
ZendeskSigningSecretName), which is what the intake Lambda reads.

Credentials: ZENDESK_URL, ZENDESK_EMAIL, ZENDESK_API_TOKEN, or --secret-name (the stack's Zendesk
credentials secret).
"""

from __future__ import annotations

import argparse

from cli.failure import EXIT_OK, CliFailure


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "zendesk",
        help="set up the Zendesk side (fields, groups, webhook)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    bootstrap = actions.add_parser("bootstrap", help="create what the account lacks (idempotent)")
    bootstrap.add_argument("--webhook-url", required=True, help="the stack's WebhookUrl output")
    bootstrap.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    bootstrap.add_argument("--secret-name", help="Secrets Manager secret with the Zendesk credentials")
    bootstrap.add_argument(
        "--store-signing-secret", metavar="NAME", help="Secrets Manager secret to store it in"
    )
    bootstrap.add_argument("--endpoint-url", help="AWS endpoint (local runs)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from integrations.zendesk.bootstrap import bootstrap_zendesk, plan_bootstrap
    from integrations.zendesk.client import ZendeskClient
    from integrations.zendesk.credentials import credentials_from_env, credentials_from_secret
    from integrations.zendesk.errors import ZendeskError
    from policies.loader import load_policy

    groups = list(load_policy(args.policies).routing.teams.values())
    try:
        credentials = (
            credentials_from_secret(args.secret_name) if args.secret_name else credentials_from_env()
        )
        with ZendeskClient.from_credentials(credentials) as client:
            if args.dry_run:
                for line in plan_bootstrap(
                    client, webhook_url=args.webhook_url, group_names=groups
                ).describe():
                    print(line)
                return EXIT_OK
            result = bootstrap_zendesk(client, webhook_url=args.webhook_url, group_names=groups)
    except ZendeskError as exc:
        raise CliFailure(f"zendesk: {exc}") from None
    for line in result.created or ("nothing to do: the account is set up",):
        print(line if line.startswith("nothing") else f"created {line}")
    print(f"webhook {result.webhook_id}; fields found: {len(result.catalog.field_ids)}")
    if args.store_signing_secret:
        import boto3

        secrets = boto3.client("secretsmanager", endpoint_url=args.endpoint_url)
        secrets.put_secret_value(SecretId=args.store_signing_secret, SecretString=result.signing_secret)
        print(f"signing secret stored in {args.store_signing_secret}")
    else:
        print("signing secret not stored: give --store-signing-secret NAME (it is never printed)")
    return EXIT_OK
