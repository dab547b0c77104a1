"""Terminal width of text: a Chinese character takes two columns, so len() misaligns tables.

Wide and full-width characters (East Asian Width W or F) count 2, combining marks 0, the rest 1.
Ambiguous-width characters (…, →) count 1, as in most Western-locale terminals.
"""

import unicodedata
from typing import Literal

ELLIPSIS = "…"


def char_width(char: str) -> int:
    """Columns one character takes in a terminal."""
    if char.isascii():
        return 1
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal."""
    if text.isascii():
        return len(text)
    return sum(char_width(char) for char in text)


def truncate(text: str, width: int) -> str:
    """`text` cut to at most `width` columns, ending in an ellipsis when something was cut."""
    if display_width(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used = [], 0
    for char in text:
        columns = char_width(char)
        if used + columns > width - 1:  # keep one column for the ellipsis
            break
        kept.append(char)
        used += columns
    return "".join(kept) + ELLIPSIS


def pad(text: str, width: int, align: Literal["left", "right"] = "left") -> str:
    """`text` filled with spaces to `width` columns (unchanged if it is already wider)."""
    fill = " " * max(0, width - display_width(text))
    return text + fill if align == "left" else fill + text
