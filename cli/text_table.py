"""Fixed-width text tables for terminal output, with CJK-aware column widths.

Shared by the reports of `demo` and `eval`, so every table of the tool looks the same: two
spaces between columns, a dashed rule under the header, cells cut with an ellipsis at a
column's maximum width.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from cli.display_width import display_width, pad, truncate

_GAP = "  "
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Column:
    """A column's title, its maximum width in terminal columns (None: as wide as needed), alignment."""

    title: str
    max_width: int | None = None
    align: Literal["left", "right"] = "left"


def _cell(value: str, column: Column) -> str:
    # A newline inside a cell would break the table: cells are one line.
    flat = _WHITESPACE.sub(" ", value).strip()
    return flat if column.max_width is None else truncate(flat, column.max_width)


def render_table(columns: Sequence[Column], rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    """Header, rule and one line per row; trailing spaces are stripped."""
    cells = [[_cell(value, column) for value, column in zip(row, columns, strict=True)] for row in rows]
    widths = [
        max([display_width(column.title), *(display_width(row[i]) for row in cells)])
        for i, column in enumerate(columns)
    ]

    def line(values: Sequence[str]) -> str:
        padded = (
            pad(value, width, column.align)
            for value, width, column in zip(values, widths, columns, strict=True)
        )
        return (indent + _GAP.join(padded)).rstrip()

    rule = indent + _GAP.join("-" * width for width in widths)
    return [line([column.title for column in columns]), rule, *(line(row) for row in cells)]
