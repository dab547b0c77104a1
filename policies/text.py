"""Text normalisation for matching: one canonical form for simplified, traditional and full-width text."""

import html
import re
from dataclasses import dataclass

_CJK_CHAR = r"[\u3400-\u9fff]"
_CJK = re.compile(_CJK_CHAR)
# A handle followed by a space (@优选商城 …): the brand's name, not the language the customer writes in.
_MENTION = re.compile(r"@[^\s@]{1,30}(?=\s)")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# What a text says, counted: each Chinese or Japanese character and each Latin word is one, handles and
# links are none ("@AskAmex ok", "好！" say nothing a complaint could be).
_CONTENT_UNIT = re.compile(rf"{_CJK_CHAR}|[\u3040-\u30ff]|[A-Za-z]+")
_HANDLE_OR_LINK = re.compile(r"@\w+|https?://\S+")
# English with a Chinese product name in it stays English; Chinese with a few model names stays Chinese.
_LATIN_WORDS_PER_CJK_CHAR = 3
# Full-width letters and digits (ＦＴＣ, １２３１５) fold to ASCII. Full-width punctuation is left as it
# is (sentence splitting knows both forms), so the matching text keeps the customer's text's length.
_FULL_WIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_FULL_WIDTH_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B)}
# Sentences end at these; clauses (the scope of a negation) also end at commas, and at a space
# between two Chinese characters: unpunctuated Chinese separates its clauses with spaces
# (连个防滑垫都没有 我老妈早上洗澡滑倒了: the 没有 is not about the fall).
_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.(?:\s|$)")
_CLAUSE_END = re.compile(rf"[。！？!?；;\n,，、:：]|\.(?:\s|$)|(?<={_CJK_CHAR})[ \t\u3000]+(?={_CJK_CHAR})")
# Where a quote cut out of a long sentence may stop: a clause end or a space, never inside a word
# or a number ("延误了3" for "延误了3天", "nobody ans" for "nobody answers").
_SOFT_BREAK = re.compile(r"[,，、:：\s]")


class _TraditionalToSimplified:
    """OpenCC is loaded on first use: only texts with Chinese characters pay for it."""

    _converter = None

    @classmethod
    def convert(cls, text: str) -> str:
        if cls._converter is None:
            import opencc

            cls._converter = opencc.OpenCC("t2s")
        return cls._converter.convert(text)


def _start_after_boundary(pattern: re.Pattern[str], text: str, start: int, lookback: int) -> int:
    """Where the piece of text (sentence, clause) holding `start` begins, looking back at most `lookback`.
    The search runs one character past `start`, so a boundary that needs to see the next character
    (a space between two Chinese characters, right before a cue) is found."""
    begin = max(0, start - lookback)
    for boundary in pattern.finditer(text, begin, min(len(text), start + 1)):
        if boundary.end() <= start:
            begin = boundary.end()
    return begin


def _end_at_boundary(pattern: re.Pattern[str], text: str, end: int) -> int:
    after = pattern.search(text, end)
    return after.end() if after is not None else len(text)


def _cut_begin(text: str, floor: int, begin: int, start: int, slack: int) -> int:
    """Where a quote cut at `begin` (before the match at `start`, not before `floor`) should start:
    the soft break nearest `begin` within `slack` either side, else any before the match, else `begin`."""
    breaks = [m.end() for m in _SOFT_BREAK.finditer(text, max(floor, begin - slack), start)]
    near = [b for b in breaks if b <= begin + slack]
    if near:
        return min(near, key=lambda b: abs(b - begin))
    return breaks[0] if breaks else begin


def _cut_end(text: str, ceiling: int, end: int, stop: int, slack: int) -> int:
    """Where a quote cut at `stop` (after the match ending at `end`, not after `ceiling`) should end:
    the soft break nearest `stop` within `slack` either side, else any after the match, else `stop`."""
    breaks = [m.start() for m in _SOFT_BREAK.finditer(text, end, min(ceiling, stop + slack))]
    near = [b for b in breaks if b >= stop - slack]
    if near:
        return min(near, key=lambda b: abs(b - stop))
    return breaks[-1] if breaks else stop


@dataclass(frozen=True, slots=True)
class Normalised:
    """The customer's text (`original`, HTML entities decoded) and its matching form (`text`)."""

    original: str
    text: str
    is_chinese: bool

    def sentence_end(self, end: int) -> int:
        return _end_at_boundary(_SENTENCE_END, self.text, end)

    def sentence_start(self, start: int, lookback: int) -> int:
        return _start_after_boundary(_SENTENCE_END, self.text, start, lookback)

    def clause_end(self, end: int) -> int:
        after = _CLAUSE_END.search(self.text, end)
        return after.start() if after is not None else len(self.text)

    def clause_before(self, start: int, lookback: int) -> str:
        """The text of the cue's clause before `start`, at most `lookback` characters (the scope of
        a negation or a fear word)."""
        return self.text[self.clause_start(start, lookback) : start]

    def clause_start(self, start: int, lookback: int) -> int:
        return _start_after_boundary(_CLAUSE_END, self.text, start, lookback)

    def evidence(self, start: int, end: int, limit: int) -> str:
        """The customer's own words around a match: its sentence, or about `limit` characters of it
        around the match, cut where a clause or word ends."""
        s_begin = _start_after_boundary(_SENTENCE_END, self.text, start, limit)
        s_end = _end_at_boundary(_SENTENCE_END, self.text, end)
        if s_end - s_begin > limit:
            half = max((limit - (end - start)) // 2, 0)
            slack = limit // 4
            s_begin = _cut_begin(self.text, s_begin, max(s_begin, start - half), start, slack)
            s_end = _cut_end(self.text, s_end, end, min(s_end, end + half), slack)
        # Lengths match unless conversion changed them; then the normalised words are the evidence.
        source = self.original if len(self.original) == len(self.text) else self.text
        return source[s_begin:s_end].strip(" \t\r\n,，。.!！?？;；")


def normalise(text: str) -> Normalised:
    """Full-width letters and digits → ASCII, traditional → simplified Chinese, lower case."""
    original = html.unescape(text) if "&" in text else text
    folded = original
    if not original.isascii() and _FULL_WIDTH_ALNUM.search(original):
        folded = original.translate(_FULL_WIDTH_TO_ASCII)
    is_chinese = _written_in_chinese(folded)
    if is_chinese:
        folded = _TraditionalToSimplified.convert(folded)
    return Normalised(original=original, text=folded.lower(), is_chinese=is_chinese)


def _written_in_chinese(text: str) -> bool:
    if _CJK.search(text) is None:
        return False
    body = _MENTION.sub(" ", text) if "@" in text else text
    if _LATIN_WORD.search(body) is None:  # most Chinese texts: nothing to weigh
        return _CJK.search(body) is not None
    return len(_LATIN_WORD.findall(body)) <= _LATIN_WORDS_PER_CJK_CHAR * len(_CJK.findall(body))


def content_words(text: str) -> int:
    """How many words a text says: Chinese and Japanese characters and Latin words, leaving out
    @handles and links."""
    return len(_CONTENT_UNIT.findall(_HANDLE_OR_LINK.sub(" ", text)))
