"""The one exception a subcommand raises to stop the whole command with a message and an exit status.

Subcommands never print-and-exit themselves: they raise CliFailure, and `cli.main` turns it into
a line on stderr and the exit status, so tests can call `main()` in-process and every command
fails the same way (no traceback for a user's mistake).
"""

# Exit statuses shared by every subcommand, so scripts around `triage` can tell them apart.
EXIT_OK = 0
EXIT_BAD_RECORDS = 1  # some input records were rejected; the others were processed
EXIT_UNUSABLE = 2  # nothing could be processed: broken policy, unreadable file, bad arguments


class CliFailure(Exception):
    """A problem that stops the command: the message is for the user, the status for scripts."""

    def __init__(self, message: str, exit_status: int = EXIT_UNUSABLE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_status = exit_status
