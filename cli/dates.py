"""Dates on the command line: a day as YYYY-MM-DD, in UTC (the archive's clock)."""

import argparse
from datetime import UTC, datetime


def day(text: str) -> datetime:
    """Midnight UTC of the day `text` names; an argparse error that says what is wrong otherwise."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a YYYY-MM-DD date") from None
