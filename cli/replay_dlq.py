"""`triage replay-dlq`: send the ticket events in the dead-letter queue back to the ticket-events queue.

Run it once the cause of the failures is fixed. `--dry-run` lists what is there (message id, ticket,
receive count, failure reason) and moves nothing. Message bodies are never printed: they hold
customers' words, and this output ends up in terminals, tickets and chat.
"""

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from cli.failure import EXIT_BAD_RECORDS, EXIT_OK, CliFailure

if TYPE_CHECKING:
    from infra.dead_letters import DeadLetter, DeadLetterQueue, ReplayReport

QUEUE_URL_ENV = "QUEUE_URL"
DEAD_LETTER_QUEUE_URL_ENV = "DEAD_LETTER_QUEUE_URL"
ENDPOINT_URL_ENV = "AWS_ENDPOINT_URL"
EXIT_NOT_ALL_REPLAYED = EXIT_BAD_RECORDS  # some messages are still in the dead-letter queue
NO_REASON = "-"  # SQS's redrive policy moves a message without saying why


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add `replay-dlq` to the command line."""
    parser = subparsers.add_parser(
        "replay-dlq",
        help="move ticket events from the dead-letter queue back to the queue",
        description="Send every message of the ticket-events dead-letter queue back to the ticket-events "
        "queue (same ticket group and body, a new deduplication id), deleting each from the dead-letter "
        "queue only once it was sent. Exit status: 0 all replayed, 1 some are still in the dead-letter "
        "queue, 2 usage error.",
    )
    parser.add_argument(
        "--queue-url", metavar="URL", help=f"the ticket-events FIFO queue (default: ${QUEUE_URL_ENV})"
    )
    parser.add_argument(
        "--dlq-url",
        metavar="URL",
        help=f"its dead-letter FIFO queue (default: ${DEAD_LETTER_QUEUE_URL_ENV})",
    )
    parser.add_argument(
        "--max", type=_positive_int, metavar="N", help="move (or list) at most N messages (default: all)"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help=f"list the messages (id, ticket, receive count, failure reason; {NO_REASON} when SQS's redrive "
        "policy moved it) and move nothing",
    )
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        help=f"SQS endpoint, for a local AWS such as moto (default: ${ENDPOINT_URL_ENV})",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """List or replay the dead-letter queue; 1 if any message could not be replayed."""
    from infra.dead_letters import DeadLetterQueue, DeadLetterQueueError

    queue_url = _setting(args.queue_url, "--queue-url", QUEUE_URL_ENV, "ticket-events queue")
    dlq_url = _setting(args.dlq_url, "--dlq-url", DEAD_LETTER_QUEUE_URL_ENV, "dead-letter queue")
    dead_letters = DeadLetterQueue(_sqs_client(args.endpoint_url), dlq_url, queue_url)
    try:
        if args.dry_run:
            return _list(dead_letters, args.max)
        report = dead_letters.replay(args.max)
    except DeadLetterQueueError as exc:
        raise CliFailure(str(exc), EXIT_NOT_ALL_REPLAYED) from exc
    return _report(report, queue_url)


def _list(dead_letters: "DeadLetterQueue", max_messages: int | None) -> int:
    from cli.text_table import Column, render_table

    letters: list[DeadLetter] = dead_letters.peek(max_messages)
    if letters:
        columns = [
            Column("message id"),
            Column("ticket"),
            Column("receives", align="right"),
            Column("reason"),
        ]
        for line in render_table(columns, [_row(letter) for letter in letters]):
            print(line)
    # A FIFO peek can miss later messages of a ticket, so say how many SQS counts in all.
    total = dead_letters.approximate_size()
    print(
        f"dry run: listed {len(letters)} of about {total} messages in {dead_letters.dead_letter_queue_url}; "
        "nothing moved"
    )
    return EXIT_OK


def _row(letter: "DeadLetter") -> list[str]:
    return [
        letter.message_id,
        letter.group_id or "-",
        str(letter.receive_count),
        letter.failure_reason or NO_REASON,
    ]


def _report(report: "ReplayReport", queue_url: str) -> int:
    summary = f"replayed {report.replayed} of {report.attempted} messages to {queue_url}"
    if report.failed:
        summary += f"; {len(report.failed)} still in the dead-letter queue"
    print(summary)
    sys.stdout.flush()  # the summary first, then the details on stderr, in a terminal too
    for failure in report.failed:
        print(
            f"message {failure.message_id} (ticket {failure.group_id or '-'}): {failure.reason}",
            file=sys.stderr,
        )
    if report.interrupted_by is not None:
        print(f"stopped early: {report.interrupted_by}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_NOT_ALL_REPLAYED


def _setting(flag_value: str | None, flag: str, env_name: str, what: str) -> str:
    """The flag's value, else the environment's; a blank variable counts as unset."""
    value = (flag_value or os.environ.get(env_name, "")).strip()
    if not value:
        raise CliFailure(f"no {what} URL: pass {flag} or set {env_name}")
    return value


def _sqs_client(endpoint_url: str | None) -> "Any":
    import boto3
    from botocore.exceptions import BotoCoreError

    endpoint = (endpoint_url or os.environ.get(ENDPOINT_URL_ENV, "")).strip() or None
    try:
        return boto3.client("sqs", endpoint_url=endpoint)
    except BotoCoreError as exc:  # no region configured, a malformed endpoint...
        raise CliFailure(f"cannot create an SQS client: {exc}") from exc


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
