"""Text normalisation for matching: one canonical form for simplified, traditional and full-width text."""

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

_CJK = re.compile(r"[\u3400-\u9fff]")
# Sentences end at these; clauses (the scope of a negation) also end at commas.
_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.(?:\s|$)")
_CLAUSE_END = re.compile(r"[。！？!?；;\n,，、:：]|\.(?:\s|$)")


class _TraditionalToSimplified:
    """OpenCC is loaded on first use: only texts with Chinese characters pay for it."""

    _converter = None

    @classmethod
    def convert(cls, text: str) -> str:
        if cls._converter is None:
            import opencc

            cls._converter = opencc.OpenCC("t2s")
        return cls._converter.convert(text)


def _boundaries(pattern: re.Pattern[str], text: str) -> list[int]:
    return [m.end() for m in pattern.finditer(text)]


@dataclass(frozen=True)
class Normalised:
    """The customer's text (`original`, HTML entities decoded) and its matching form (`text`)."""

    original: str
    text: str
    is_chinese: bool

    @cached_property
    def sentence_ends(self) -> list[int]:
        return _boundaries(_SENTENCE_END, self.text)

    @cached_property
    def clause_ends(self) -> list[int]:
        return _boundaries(_CLAUSE_END, self.text)

    @staticmethod
    def _span(ends: list[int], start: int, end: int, length: int) -> tuple[int, int]:
        begin = 0
        for boundary in ends:
            if boundary <= start:
                begin = boundary
            elif boundary >= end:
                return begin, boundary
        return begin, length

    def sentence_of(self, start: int, end: int) -> tuple[int, int]:
        return self._span(self.sentence_ends, start, end, len(self.text))

    def clause_of(self, start: int, end: int) -> tuple[int, int]:
        return self._span(self.clause_ends, start, end, len(self.text))

    def evidence(self, start: int, end: int, limit: int) -> str:
        """The customer's own words around a match: its sentence, cut to `limit` characters around it."""
        s_begin, s_end = self.sentence_of(start, end)
        if s_end - s_begin > limit:
            half = max((limit - (end - start)) // 2, 0)
            s_begin = max(s_begin, start - half)
            s_end = min(s_end, end + half)
        # Lengths match unless normalisation changed them; then the normalised words are the evidence.
        source = self.original if len(self.original) == len(self.text) else self.text
        return source[s_begin:s_end].strip(" \t\r\n,，。.!！?？;；")


def normalise(text: str) -> Normalised:
    """NFKC (full-width → ASCII), traditional → simplified Chinese, lower case."""
    original = html.unescape(text) if "&" in text else text
    folded = unicodedata.normalize("NFKC", original) if not original.isascii() else original
    is_chinese = _CJK.search(folded) is not None
    if is_chinese:
        folded = _TraditionalToSimplified.convert(folded)
    return Normalised(original=original, text=folded.lower(), is_chinese=is_chinese)
