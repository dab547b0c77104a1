"""Text as the platforms send it, made safe to store and show (shared by every connector).

Posts arrive with emoji, HTML (Mastodon), and now and then broken encoding: a lone UTF-16
surrogate from a JSON escape, or bytes that were never UTF-8. None of that may crash the
monitor or later fail to encode when the ticket is written, so it is repaired here, once.
"""

from __future__ import annotations

from html.parser import HTMLParser

REPLACEMENT = "\ufffd"

# Block elements whose end (or a <br>) is a line break in the text a person reads.
_BREAK_TAGS = frozenset({"br"})
_BLOCK_TAGS = frozenset({"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})


def clean_text(value: str) -> str:
    """`value` with lone surrogates replaced by U+FFFD and NUL removed; emoji and CJK untouched.

    Going through UTF-16 with `surrogatepass` joins a valid surrogate pair into its character
    and turns a lone half into U+FFFD, which `str.encode("utf-8")` would otherwise reject.
    """
    repaired = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return repaired.replace("\x00", "")


def decode_utf8(raw: bytes) -> str:
    """Bytes as UTF-8, each invalid byte sequence shown as U+FFFD instead of raising."""
    return raw.decode("utf-8", "replace")


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of a post's HTML: tags dropped, entities decoded, paragraphs and <br> kept as breaks.

    Mastodon sends `content` as sanitised HTML (`<p>`, `<br>`, `<a>`, `<span>`); a mention
    `<a ...>@<span>brand</span></a>` becomes "@brand", as the reader sees it.
    """
    parser = _PlainText()
    parser.feed(markup)
    parser.close()
    # convert_charrefs already decoded entities once; decoding again would turn "&amp;lt;" into "<".
    lines = [line.rstrip() for line in "".join(parser.parts).split("\n")]
    collapsed: list[str] = []
    for line in lines:
        if line or (collapsed and collapsed[-1]):
            collapsed.append(line)
    return clean_text("\n".join(collapsed).strip())
