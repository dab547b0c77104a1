"""Baseline for the CLI benchmark: parse and re-serialise JSON Lines, nothing else.

Uses the same buffered reading and chunked writing as `triage grade` (cli.line_io), so the ratio
between the two measures what grading adds, not a difference in I/O.
Usage: python bench/json_roundtrip.py FILE > /dev/null
"""

import json
import sys

from cli.line_io import ChunkedWriter, numbered_records, open_input


def main(path: str) -> int:
    """One json.loads and one json.dumps per non-blank line of `path`."""
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    writer = ChunkedWriter()
    with open_input(path) as lines:
        for _, line in numbered_records(lines):
            writer.write_line(encode(json.loads(line)))
    writer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
