"""The `triage` command line: one parser, one module per subcommand.

A subcommand is a module in `cli/` exposing `register(subparsers)`, which adds its parser and sets
`run=<function(args) -> exit status>` as a default. Adding one (`local`, `replay-dlq`, ...) means
writing that module and listing it in SUBCOMMAND_MODULES. Registering must stay cheap: modules
import the engine, pydantic and YAML inside their `run`, so `triage --help` answers at once.
"""

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from cli.failure import CliFailure

# Order here is the order of `triage --help`.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "cli.grade",
    "cli.evaluate",
    "cli.intake_eval",
    "cli.train",
    "cli.demo",
    "cli.local",
    "cli.replay_dlq",
    "cli.archive",
    "cli.report",
    "cli.zendesk",
)

POLICY_DIR_ENV = "TRIAGE_POLICY_DIR"  # the same variable policies.loader reads, named here to stay lazy
EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl-C (128 + SIGINT)
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what `yes | head` reports for `yes`
_POLICIES_HELP = (
    f"directory of policy files to use, e.g. an edited copy to try before deploying "
    f"(default: ${POLICY_DIR_ENV}, else the policies shipped with this package)"
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="triage",
        description="Grade complaints with the triage policy, check a policy against labelled tickets, "
        "or see it work on the SOP's worked cases.",
    )
    parser.add_argument(
        "--policies", metavar="DIR", default=os.environ.get(POLICY_DIR_ENV) or None, help=_POLICIES_HELP
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    # Also accepted after the subcommand (`triage grade --policies DIR`), where people type it;
    # SUPPRESS keeps the global value when it is not repeated there.
    for subparser in subparsers.choices.values():
        subparser.add_argument("--policies", metavar="DIR", default=argparse.SUPPRESS, help=_POLICIES_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (0 ok, 1 some records rejected, 2 unusable)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except CliFailure as failure:
        sys.stdout.flush()
        print(f"triage {args.command}: error: {failure.message}", file=sys.stderr)
        return failure.exit_status
    except BrokenPipeError:
        # `triage grade big.jsonl | head`: the reader left; stop quietly, as Unix tools do.
        # Point stdout at devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
