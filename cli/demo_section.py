"""A titled block of the demo's output, and how blocks are printed: what every demo part shares."""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Section:
    """A titled block of the demo's output."""

    title: str
    lines: tuple[str, ...]


def render_sections(sections: Sequence[Section]) -> str:
    """Sections as text: title, lines, a blank line between sections."""
    blocks = ["\n".join((section.title, *section.lines)) for section in sections]
    return "\n\n".join(blocks) + "\n"
