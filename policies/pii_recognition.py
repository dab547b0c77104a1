"""Finding personal numbers and addresses in text (R-COMP-4), for `PiiPolicy.find` and masking.

How they are found (regular expressions compiled once, at import or when the policy is loaded):

- An *e-mail address* is an ASCII local part (letters, digits, ``._%+-``, not starting or ending with a
  dot, at most 64 characters), ``@``, and a domain of dot-separated labels ending in a top-level domain
  of two or more letters. Anything else (Chinese text, punctuation) bounds an address, so
  ``邮箱zhang.san@example.com谢谢`` holds ``zhang.san@example.com``.
- A *digit sequence* is a maximal run of digit groups (ASCII or full-width digits) joined by single
  separators (space, hyphen, ideographic space, full-width hyphen), optionally ending in a check
  character X/x (also full-width), which always ends the sequence. Sequences are maximal,
  so a number is never matched inside a longer run of digits.
- In a sequence, ID cards and bank cards come first. Each group on its own is a number when it is a
  valid ID card (18 characters with a valid ISO 7064 MOD 11-2 check character and a real birth date;
  or, if enabled, the 15-digit first-generation form with a real YYMMDD date) or a bank card
  (min..max digits passing the Luhn check); an ID wins when both fit. Consecutive groups not already
  matched are a number when their lengths are one of the kind's `group_layouts`, they share one
  separator, and the digits pass the kind's check. Every such window is masked; overlapping windows
  are masked as one span (hiding too much beats showing a number).
- Then phone numbers, in the groups no ID or card took, left to right: a mainland mobile number (one
  group, or the mobile `group_layouts` with one separator; a country prefix such as 86 / 0086 / +86
  before it, as its own group or fused), else a landline (area-code group, local-number group), else,
  when the sequence follows a "+", an international number (the longest run of groups from the start
  with min..max digits in all). A sequence touching a Latin letter or digit, directly or through a
  hyphen, slash or underscore ("ORD-13812345678", "SF13812345678"), or a decimal point ("0.138…"),
  is part of a code or an amount and holds no phone number.

So the precedence is ID card > bank card > phone number. Addresses are found independently of numbers;
where one overlaps a number (``13812345678@139.com``, or a number running into an address) both are
masked and `find` reports them as one match of kind ``email``. `find` returns the matches of every kind
in order, never overlapping.
"""

import datetime as dt
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass

from policies.pii_rules import (
    ID_LENGTH,
    OLD_ID_LENGTH,
    BankCardRule,
    DigitKind,
    DigitRule,
    EmailRule,
    IdCardRule,
    MaskedKind,
    PhoneRule,
    PiiKind,
    enabled_digit_rules,
)

_DIGIT_CLASS = "0-9\uff10-\uff19"  # ASCII and full-width digits
_CHECK_X = "Xx\uff38\uff58"  # the ID check character "X", any case, ASCII or full-width
_SEPARATORS = frozenset(" -\u3000\uff0d")  # space, hyphen, ideographic space, full-width hyphen
_DROP_SEPARATORS = str.maketrans(dict.fromkeys(_SEPARATORS))
_SEPARATOR_CLASS = " \\-\u3000\uff0d"
_PLUS = frozenset("+\uff0b")  # before an international number; never hidden
KEPT = _SEPARATORS | _PLUS  # characters of a number that masking leaves as they are

_SEQUENCE = re.compile(rf"[{_DIGIT_CLASS}]+(?:[{_SEPARATOR_CLASS}][{_DIGIT_CLASS}]+)*[{_CHECK_X}]?")
_GROUP = re.compile(rf"[{_DIGIT_CLASS}]+[{_CHECK_X}]?")
TO_ASCII = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX")

# What glues a digit sequence into a code, so that it holds no phone number: Latin letters and digits
# (ASCII or full-width) and "_" right next to it, or behind a hyphen, slash or underscore.
_WORD = frozenset(
    string.ascii_letters
    + string.digits
    + "_"
    + "".join(chr(code) for code in range(0xFF10, 0xFF1A))  # full-width digits
    + "".join(chr(code) for code in range(0xFF21, 0xFF3B))  # full-width capitals
    + "".join(chr(code) for code in range(0xFF41, 0xFF5B))  # full-width small letters
)
_JOINERS = frozenset("-_/\uff0d")
_DECIMAL_DIGITS = frozenset("0123456789\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19")

# E-mail address (a practical subset of RFC 5322: no quoted local parts, no IP-literal domains).
ADDRESS_CHARACTERS = frozenset(string.ascii_letters + string.digits + "._%+-@")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9_%+\-])"  # not the middle of a longer local part
    r"[A-Za-z0-9_%+\-](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"  # local part, no dot at either end
    r"@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+"  # domain labels
    r"[A-Za-z]{2,63}(?![A-Za-z])"  # top-level domain
)

# Resident identity card number, GB 11643-1999 (format facts, not policy).
_ID_BIRTH_DATE = slice(6, 14)  # YYYYMMDD, positions 7-14
_OLD_ID_BIRTH_DATE = slice(6, 12)  # YYMMDD, positions 7-12
_OLD_ID_CENTURY = 1900  # every first-generation card holder was born in the 1900s
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # ISO 7064 MOD 11-2: 2^(17-i) mod 11
_ID_CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum mod 11
_ID_MODULUS = 11

# Primary account number length bounds, ISO/IEC 7812-1.
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # digit doubled, digits of the product summed
_LUHN_MODULUS = 10


_Group = tuple[int, int, str]  # start, end, digits (ASCII, maybe ending in X)
_Found = tuple[int, int, DigitKind, int, int]  # first group, stop group, kind, stray X, prefix digits


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """One match in a text: its kind and the span [start, end) it covers, separators included."""

    kind: PiiKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Hit:
    """A match and how much of it stays visible: digits at each end, or an address's first characters."""

    kind: PiiKind
    start: int
    end: int
    leading: int
    trailing: int


class PiiRecogniser:
    """Finds what the rules describe; built once per policy (its layouts are worked out here)."""

    def __init__(
        self, id_card: IdCardRule, bank_card: BankCardRule, phone: PhoneRule, email: EmailRule
    ) -> None:
        self.id_card, self.bank_card, self.phone, self.email = id_card, bank_card, phone, email
        self._shortest: int | None = None
        rules = self.enabled()
        if rules:
            self._shortest = min(min(rule.lengths()) for rule in rules.values())
        layouts: dict[tuple[int, ...], tuple[DigitKind, ...]] = {}
        for kind, rule in rules.items():
            if isinstance(rule, MaskedKind):
                for layout in rule.group_layouts:
                    layouts[layout] = (*layouts.get(layout, ()), kind)
        self._layouts = layouts
        self._window_sizes = tuple(sorted({len(layout) for layout in layouts}))

    def enabled(self) -> dict[DigitKind, DigitRule]:
        return enabled_digit_rules(self.id_card, self.bank_card, self.phone)

    def _rule(self, kind: DigitKind) -> DigitRule:
        return self.id_card if kind == "id_card" else self.bank_card if kind == "bank_card" else self.phone

    def scan(self, text: str) -> list[Hit]:
        """Every address and number in `text`, by start; an address may overlap a number."""
        hits: list[Hit] = []
        if self.email.enabled and "@" in text:
            leading = self.email.visible_leading
            hits = [Hit("email", match.start(), match.end(), leading, 0) for match in _EMAIL.finditer(text)]
        shortest = self._shortest
        if shortest is None:
            return hits
        numbers = [
            hit
            for sequence in _SEQUENCE.finditer(text)
            for hit in self._scan_sequence(text, sequence.start(), sequence.end(), shortest)
        ]
        if not hits:
            return numbers
        return sorted(hits + numbers, key=lambda hit: hit.start)

    def _scan_sequence(self, text: str, start: int, end: int, shortest: int) -> Iterator[Hit]:
        """The numbers in the digit sequence text[start:end]."""
        if len(text[start:end].translate(_DROP_SEPARATORS)) < shortest:  # too few digits for any number
            return
        groups = [
            (group.start(), group.end(), group.group().translate(TO_ASCII))
            for group in _GROUP.finditer(text, start, end)
        ]
        count = len(groups)
        found: list[_Found]
        if count == 1:
            number = self._number_kind(groups[0][2])
            found = [] if number is None else [(0, 1, number[0], number[1], 0)]
        else:
            found = self._cards_in_groups(text, groups, shortest)
        if self.phone.enabled:
            found.extend(self._phones(text, start, end, groups, found))
            found.sort()
        plus = start > 0 and text[start - 1] in _PLUS
        for first, stop, kind, stray, prefix in found:
            rule = self._rule(kind)
            hit_start = groups[first][0]
            if kind == "phone" and first == 0 and plus:
                hit_start -= 1  # the "+" belongs to the number
            yield Hit(
                kind,
                hit_start,
                groups[stop - 1][1] - stray,
                prefix + rule.visible_leading if first == 0 else 0,
                rule.visible_trailing if stop == count else 0,
            )

    # -- ID and bank cards ---------------------------------------------------------------------------

    def _cards_in_groups(self, text: str, groups: list[_Group], shortest: int) -> list[_Found]:
        """ID and bank cards in a digit sequence of several groups: single groups, then grouped forms."""
        count = len(groups)
        layouts, window_sizes = self._layouts, self._window_sizes  # private attributes are slow to read
        single = [self._number_kind(digits) if len(digits) >= shortest else None for _, _, digits in groups]
        found: list[_Found] = [
            (index, index + 1, number[0], number[1], 0) for index, number in enumerate(single) if number
        ]
        windows: list[tuple[int, int, DigitKind, int]] = []
        for first in range(count):
            for size in window_sizes:
                stop = first + size
                if stop > count or any(number is not None for number in single[first:stop]):
                    break
                number = self._grouped_kind(text, groups[first:stop], layouts)
                if number is None:
                    continue
                if windows and first < windows[-1][1]:  # overlaps the previous window: one span
                    previous = windows[-1]
                    stray = number[1] if stop > previous[1] else min(number[1], previous[3])
                    windows[-1] = (previous[0], max(stop, previous[1]), previous[2], stray)
                else:
                    windows.append((first, stop, *number))
        found.extend((first, stop, kind, stray, 0) for first, stop, kind, stray in windows)
        found.sort()
        return found

    def _grouped_kind(
        self,
        text: str,
        window: list[_Group],
        layouts: dict[tuple[int, ...], tuple[DigitKind, ...]],
    ) -> tuple[DigitKind, int] | None:
        """Kind of a number written in groups, and 1 if a final X is a stray letter rather than its end."""
        lengths = [len(digits) for _, _, digits in window]
        strays = (0, 1) if window[-1][2].endswith("X") else (0,)
        candidates = [(stray, layouts.get((*lengths[:-1], lengths[-1] - stray), ())) for stray in strays]
        if not any(kinds for _, kinds in candidates):
            return None
        if len({text[end] for _, end, _ in window[:-1]}) != 1:  # one kind of separator throughout
            return None
        digits = "".join(digits for _, _, digits in window)
        for stray, kinds in candidates:
            for kind in kinds:
                if self._is_kind(kind, digits[: len(digits) - stray]):
                    return kind, stray
        return None

    def _number_kind(self, digits: str) -> tuple[DigitKind, int] | None:
        """Kind of an ungrouped ID or card, and 1 if a final X is a stray letter rather than its end."""
        for stray in (0, 1) if digits.endswith("X") else (0,):
            number = digits[: len(digits) - stray]
            for kind in ("id_card", "bank_card"):  # an ID wins when both fit
                if self._is_kind(kind, number):
                    return kind, stray
        return None

    def _is_kind(self, kind: DigitKind, digits: str) -> bool:
        """Whether `digits` (ASCII digits, maybe ending in X) is an ID or card of this kind, if enabled."""
        if kind == "id_card":
            return self.id_card.enabled and self._is_id_card(digits)
        rule = self.bank_card
        return (
            kind == "bank_card"
            and rule.enabled
            and rule.min_digits <= len(digits) <= rule.max_digits
            and digits.isdigit()
            and _luhn_valid(digits)
        )

    def _is_id_card(self, digits: str) -> bool:
        if len(digits) == ID_LENGTH:
            body = digits[:-1]
            if not body.isdigit():
                return False
            weighted = sum(int(char) * weight for char, weight in zip(body, _ID_WEIGHTS, strict=True))
            if _ID_CHECK_CHARACTERS[weighted % _ID_MODULUS] != digits[-1]:
                return False
            return self._is_birth_date(digits[_ID_BIRTH_DATE])
        if len(digits) == OLD_ID_LENGTH and self.id_card.include_15_digit_form and digits.isdigit():
            yymmdd = digits[_OLD_ID_BIRTH_DATE]
            return self._is_birth_date(f"{_OLD_ID_CENTURY + int(yymmdd[:2])}{yymmdd[2:]}")
        return False

    def _is_birth_date(self, yyyymmdd: str) -> bool:
        year = int(yyyymmdd[:4])
        years = self.id_card.birth_years
        if not years.first <= year <= years.last:
            return False
        try:
            dt.date(year, int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
        except ValueError:
            return False
        return True

    # -- phone numbers -------------------------------------------------------------------------------

    def _phones(
        self, text: str, start: int, end: int, groups: list[_Group], taken: list[_Found]
    ) -> list[_Found]:
        """Phone numbers in the groups of text[start:end] that no ID or card took, left to right."""
        if _glued(text, start, end):
            return []
        count = len(groups)
        free = [True] * count
        for first, stop, *_ in taken:
            free[first:stop] = [False] * (stop - first)
        plus = start > 0 and text[start - 1] in _PLUS
        digits = [group for _, _, group in groups]
        found: list[_Found] = []
        index = 0
        while index < count:
            phone = None
            if free[index]:
                phone = self._phone_at(text, groups, digits, free, index, plus and index == 0)
            if phone is None:
                index += 1
                continue
            stop, prefix = phone
            found.append((index, stop, "phone", 0, prefix))
            index = stop
        return found

    def _phone_at(
        self, text: str, groups: list[_Group], digits: list[str], free: list[bool], index: int, plus: bool
    ) -> tuple[int, int] | None:
        """(stop group, prefix digits shown) of a phone number starting at group `index`, if there is one."""
        mobile, landline = self.phone.mobile, self.phone.landline
        count = len(groups)
        # A mainland mobile number, after a country prefix written as its own group ...
        if digits[index] in mobile.country_prefixes and index + 1 < count and free[index + 1]:
            stop = self._mobile_at(text, groups, digits, free, index + 1)
            if stop is not None:
                return stop, len(digits[index])
        # ... or with the prefix fused to it, or without one.
        group = digits[index]
        for prefix in ("", *mobile.country_prefixes):
            if group.startswith(prefix) and mobile.is_number(group[len(prefix) :]):
                return index + 1, len(prefix)
        stop = self._mobile_at(text, groups, digits, free, index)
        if stop is not None:
            return stop, 0
        # A landline: area code and local number.
        if index + 1 < count and free[index + 1] and landline.is_number(group, digits[index + 1]):
            return index + 2, 0
        # An international number: "+", then the longest run of groups with min..max digits in all.
        if plus:
            international = self.phone.international
            total, best = 0, None
            for later in range(index, count):
                if not free[later] or not digits[later].isdigit():
                    break
                total += len(digits[later])
                if total > international.max_digits:
                    break
                if total >= international.min_digits:
                    best = later + 1
            if best is not None:
                return best, 0
        return None

    def _mobile_at(
        self, text: str, groups: list[_Group], digits: list[str], free: list[bool], index: int
    ) -> int | None:
        """Stop group of a mobile number starting at group `index`, alone or in one of its layouts."""
        mobile = self.phone.mobile
        if mobile.is_number(digits[index]):
            return index + 1
        for layout in mobile.group_layouts:
            stop = index + len(layout)
            if (
                stop <= len(groups)
                and all(free[index:stop])
                and tuple(len(group) for group in digits[index:stop]) == layout
                and len({text[end] for _, end, _ in groups[index : stop - 1]}) == 1  # one separator
                and mobile.is_number("".join(digits[index:stop]))
            ):
                return stop
        return None


def _glued(text: str, start: int, end: int) -> bool:
    """Whether the digit sequence text[start:end] is part of a code or an amount ("ORD-138…", "0.138…")."""
    if start > 0 and text[start - 1] in _PLUS:
        start -= 1
    return _touches(text[max(start - 2, 0) : start][::-1]) or _touches(text[end : end + 2])


def _touches(neighbours: str) -> bool:
    """Whether the characters next to a digit sequence, nearest first, join it to something."""
    near, far = neighbours[:1], neighbours[1:2]
    if near in _WORD:
        return True
    if near in _JOINERS:
        return far in _WORD
    return near == "." and far in _DECIMAL_DIGITS


def merge(passes: list[list[Hit]]) -> list[PiiMatch]:
    """The matches of every pass, overlapping spans joined into one.

    A joined match has the kind of the one found in the earliest pass; within a pass only an address
    and a number can overlap, and the address gives the kind.
    """
    tagged = sorted(
        (hit.start, hit.end, (number, hit.kind != "email"), hit.kind)
        for number, hits in enumerate(passes)
        for hit in hits
    )
    merged: list[tuple[int, int, tuple[int, bool], PiiKind]] = []
    for start, end, rank, kind in tagged:
        if merged and start < merged[-1][1]:
            first, last, best, best_kind = merged[-1]
            if rank < best:
                best, best_kind = rank, kind
            merged[-1] = (first, max(last, end), best, best_kind)
        else:
            merged.append((start, end, rank, kind))
    return [PiiMatch(kind, start, end) for start, end, _, kind in merged]


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - ord("0")
        total += _LUHN_DOUBLED[value] if position % 2 else value
    return total % _LUHN_MODULUS == 0
