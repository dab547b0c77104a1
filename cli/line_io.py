"""JSON Lines in and out for the subcommands: numbered input lines, output written in chunks.

Input is read as bytes, so one line that is not UTF-8 is one rejected record rather than the end
of the run, and line numbers count blank lines too, so they match what an editor shows. Output
is joined and written a chunk of lines at a time: one write per record would dominate the cost
of a cheap record.
"""

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from cli.failure import EXIT_UNUSABLE, CliFailure

STDIN_NAME = "-"
_READ_BUFFER = 1 << 16
_UTF8_BOM = b"\xef\xbb\xbf"  # Windows tools put one at the start of "UTF-8" files


@contextmanager
def open_input(path: str) -> Iterator[Iterable[bytes]]:
    """The lines of `path` as bytes, or of stdin when `path` is "-"; CliFailure if unreadable."""
    if path == STDIN_NAME:
        buffer: BinaryIO | None = getattr(sys.stdin, "buffer", None)
        # A text-only stdin (tests replace it with io.StringIO) is encoded back to bytes.
        yield buffer if buffer is not None else (line.encode() for line in sys.stdin)
        return
    try:
        stream = open(path, "rb", buffering=_READ_BUFFER)  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise CliFailure(f"cannot read {path}: {exc.strerror}", EXIT_UNUSABLE) from exc
    with stream:
        yield stream


def numbered_records(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """(line number, line without its line ending) for every line that is not blank; from 1.

    The ending is cut so a parser's "column N" in an error message refers to this line alone.
    """
    for number, line in enumerate(lines, 1):
        if number == 1 and line.startswith(_UTF8_BOM):
            line = line[len(_UTF8_BOM) :]
        if line.strip():
            yield number, line.rstrip(b"\r\n")


class ChunkedWriter:
    """Collects output lines and writes them to stdout as UTF-8, `chunk_lines` at a time."""

    def __init__(self, chunk_lines: int = 2048) -> None:
        self._chunk_lines = chunk_lines
        self._pending: list[str] = []
        # JSON Lines are UTF-8 whatever the terminal's locale says, so write bytes when stdout has them.
        self._binary: BinaryIO | None = getattr(sys.stdout, "buffer", None)
        if self._binary is not None:
            sys.stdout.flush()  # anything already written as text goes first

    def write_line(self, line: str) -> None:
        pending = self._pending
        pending.append(line)
        if len(pending) >= self._chunk_lines:
            self.flush()

    def flush(self) -> None:
        """Write what is pending and flush the stream (call at the end and before reporting errors)."""
        if self._pending:
            chunk = "\n".join(self._pending) + "\n"
            self._pending.clear()
            if self._binary is not None:
                self._binary.write(chunk.encode())
            else:
                sys.stdout.write(chunk)
        (self._binary or sys.stdout).flush()
