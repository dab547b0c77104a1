"""Schema of pii.yaml and the masking of personal data (R-COMP-4 and the audit-archive issue).

Outside the archive's sealed section, no ID-card number, bank-card number, phone number or e-mail
address appears in clear: alert texts, internal notes quoting the customer and logs go through
`PiiPolicy.mask` first.

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

Masking keeps the text's length and everything outside a match byte-for-byte. In a number each hidden
digit or X becomes `mask_char`, separators and a leading "+" stay, visible digits keep their original
(e.g. full-width) form; a number shows its leading digits (and a phone number its country prefix) only
if it starts its digit sequence and its trailing digits only if it ends it. With the policy rule
"visible digits < the shortest recognised number", visible digits cannot form a number again. An
address keeps the first `visible_leading` characters of its local part, never the last one (so what is
left is no address), and its domain if `keep_domain`.

Hiding part of an address or a number can, in contrived text, expose another next to it (a full-width
digit run ending in an ASCII-digit address), so `mask` searches its own output again until nothing is
found; almost always that is one extra search which finds nothing. Its output therefore contains no
recognisable number or address, and `mask` is idempotent. `find` reports what all the searches found,
overlapping spans joined into one match with the kind of the one found first.
"""

import datetime as dt
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

from policies.policy_files import policy_dir, read_policy_file
from policies.rule_ids import RuleId

PII_FILE = "pii.yaml"

PiiKind = Literal["id_card", "bank_card", "phone", "email"]
_DigitKind = Literal["id_card", "bank_card", "phone"]

_DIGIT_CLASS = "0-9\uff10-\uff19"  # ASCII and full-width digits
_CHECK_X = "Xx\uff38\uff58"  # the ID check character "X", any case, ASCII or full-width
_SEPARATORS = frozenset(" -\u3000\uff0d")  # space, hyphen, ideographic space, full-width hyphen
_DROP_SEPARATORS = str.maketrans(dict.fromkeys(_SEPARATORS))
_SEPARATOR_CLASS = " \\-\u3000\uff0d"
_PLUS = frozenset("+\uff0b")  # before an international number; never hidden
_KEPT = _SEPARATORS | _PLUS  # characters of a number that masking leaves as they are

_SEQUENCE = re.compile(rf"[{_DIGIT_CLASS}]+(?:[{_SEPARATOR_CLASS}][{_DIGIT_CLASS}]+)*[{_CHECK_X}]?")
_GROUP = re.compile(rf"[{_DIGIT_CLASS}]+[{_CHECK_X}]?")
_TO_ASCII = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX")

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
_ADDRESS_CHARACTERS = frozenset(string.ascii_letters + string.digits + "._%+-@")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9_%+\-])"  # not the middle of a longer local part
    r"[A-Za-z0-9_%+\-](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"  # local part, no dot at either end
    r"@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+"  # domain labels
    r"[A-Za-z]{2,63}(?![A-Za-z])"  # top-level domain
)

# Resident identity card number, GB 11643-1999 (format facts, not policy).
_ID_LENGTH = 18
_OLD_ID_LENGTH = 15
_ID_BIRTH_DATE = slice(6, 14)  # YYYYMMDD, positions 7-14
_OLD_ID_BIRTH_DATE = slice(6, 12)  # YYMMDD, positions 7-12
_OLD_ID_CENTURY = 1900  # every first-generation card holder was born in the 1900s
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # ISO 7064 MOD 11-2: 2^(17-i) mod 11
_ID_CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum mod 11
_ID_MODULUS = 11

# Primary account number length bounds, ISO/IEC 7812-1.
_PAN_MIN_DIGITS = 8
_PAN_MAX_DIGITS = 19
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # digit doubled, digits of the product summed
_LUHN_MODULUS = 10

# International telephone numbers: at most 15 digits, country code included (ITU-T E.164).
_E164_MAX_DIGITS = 15

_Group = tuple[int, int, str]  # start, end, digits (ASCII, maybe ending in X)
_Found = tuple[int, int, _DigitKind, int, int]  # first group, stop group, kind, stray X, prefix digits


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """One match in a text: its kind and the span [start, end) it covers, separators included."""

    kind: PiiKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Hit:
    """A match and how much of it stays visible: digits at each end, or an address's first characters."""

    kind: PiiKind
    start: int
    end: int
    leading: int
    trailing: int


def _regular_expression(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from exc
    return pattern


_RegularExpression = Annotated[str, Field(min_length=1), AfterValidator(_regular_expression)]
_DigitString = Annotated[str, StringConstraints(pattern=r"^[0-9]+$")]


class BirthYears(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    first: PositiveInt
    last: PositiveInt

    @model_validator(mode="after")
    def _ordered(self) -> "BirthYears":
        if self.first > self.last:
            raise ValueError(f"first ({self.first}) must not be after last ({self.last})")
        return self


class _DigitRule(BaseModel):
    """A kind of number: whether it is masked and how many of its digits stay visible."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool
    visible_leading: int = Field(ge=0, description="digits left visible at the start")
    visible_trailing: int = Field(ge=0, description="digits (or X) left visible at the end")

    def lengths(self) -> frozenset[int]:
        """Every number of digits this kind's numbers can have."""
        raise NotImplementedError

    def longest_prefix(self) -> int:
        """Digits a number can show before its `visible_leading` ones (a country prefix)."""
        return 0


class _MaskedKind(_DigitRule):
    group_layouts: list[tuple[PositiveInt, ...]] = Field(
        description="group lengths of the written forms with separators, e.g. [4, 4, 4, 4]"
    )

    @field_validator("group_layouts")
    @classmethod
    def _at_least_two_groups(cls, layouts: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
        for layout in layouts:
            if len(layout) < 2:
                raise ValueError(f"{list(layout)}: a layout has at least two groups")
        return layouts


class IdCardRule(_MaskedKind):
    birth_years: BirthYears
    include_15_digit_form: bool

    def lengths(self) -> frozenset[int]:
        return frozenset({_ID_LENGTH, _OLD_ID_LENGTH} if self.include_15_digit_form else {_ID_LENGTH})

    @model_validator(mode="after")
    def _layouts_fit(self) -> "IdCardRule":
        # A 15-character layout is allowed when the old form is off: it is simply never matched then.
        for layout in self.group_layouts:
            if sum(layout) not in (_ID_LENGTH, _OLD_ID_LENGTH):
                raise ValueError(
                    f"group_layouts: {list(layout)} adds up to {sum(layout)}, "
                    f"not {_ID_LENGTH} or {_OLD_ID_LENGTH}"
                )
        return self


class BankCardRule(_MaskedKind):
    min_digits: int = Field(ge=_PAN_MIN_DIGITS, le=_PAN_MAX_DIGITS)
    max_digits: int = Field(ge=_PAN_MIN_DIGITS, le=_PAN_MAX_DIGITS)

    def lengths(self) -> frozenset[int]:
        return frozenset(range(self.min_digits, self.max_digits + 1))

    @model_validator(mode="after")
    def _layouts_fit(self) -> "BankCardRule":
        if self.min_digits > self.max_digits:
            raise ValueError(f"min_digits ({self.min_digits}) exceeds max_digits ({self.max_digits})")
        for layout in self.group_layouts:
            if sum(layout) not in self.lengths():
                raise ValueError(
                    f"group_layouts: {list(layout)} has {sum(layout)} digits, "
                    f"outside {self.min_digits}..{self.max_digits}"
                )
        return self


class MobileForm(BaseModel):
    """Mainland mobile numbers: `digits` digits matching `pattern`, maybe after a country prefix."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: _RegularExpression = Field(description="regular expression the national digits match in full")
    digits: PositiveInt
    group_layouts: list[tuple[PositiveInt, ...]]
    country_prefixes: list[_DigitString] = Field(description="written before the number, e.g. 86, 0086")

    _regex: re.Pattern[str] = PrivateAttr()

    @model_validator(mode="after")
    def _layouts_fit(self) -> "MobileForm":
        for layout in self.group_layouts:
            if len(layout) < 2 or sum(layout) != self.digits:
                raise ValueError(
                    f"group_layouts: {list(layout)} must have at least two groups adding up to {self.digits}"
                )
        return self

    def model_post_init(self, context: object, /) -> None:
        self._regex = re.compile(self.pattern)

    def is_number(self, digits: str) -> bool:
        return len(digits) == self.digits and self._regex.fullmatch(digits) is not None


class LandlineForm(BaseModel):
    """Mainland landlines written as an area-code group and a local-number group (010-62345678)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    area_code: _RegularExpression = Field(description="regular expression the area code matches in full")
    local_number: _RegularExpression = Field(description="regular expression the local number matches")
    group_layouts: list[tuple[PositiveInt, PositiveInt]] = Field(description="[area code, local] lengths")

    _area: re.Pattern[str] = PrivateAttr()
    _local: re.Pattern[str] = PrivateAttr()

    def model_post_init(self, context: object, /) -> None:
        self._area, self._local = re.compile(self.area_code), re.compile(self.local_number)

    def is_number(self, area: str, local: str) -> bool:
        return (
            (len(area), len(local)) in self.group_layouts
            and self._area.fullmatch(area) is not None
            and self._local.fullmatch(local) is not None
        )


class InternationalForm(BaseModel):
    """Numbers written after a "+": country code and national number, min..max digits in all."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_digits: int = Field(ge=1, le=_E164_MAX_DIGITS)
    max_digits: int = Field(ge=1, le=_E164_MAX_DIGITS)

    @model_validator(mode="after")
    def _ordered(self) -> "InternationalForm":
        if self.min_digits > self.max_digits:
            raise ValueError(f"min_digits ({self.min_digits}) exceeds max_digits ({self.max_digits})")
        return self


class PhoneRule(_DigitRule):
    mobile: MobileForm
    landline: LandlineForm
    international: InternationalForm

    def lengths(self) -> frozenset[int]:
        mobile = self.mobile.digits
        return frozenset(
            {mobile}
            | {mobile + len(prefix) for prefix in self.mobile.country_prefixes}
            | {sum(layout) for layout in self.landline.group_layouts}
            | set(range(self.international.min_digits, self.international.max_digits + 1))
        )

    def longest_prefix(self) -> int:
        return max((len(prefix) for prefix in self.mobile.country_prefixes), default=0)


class EmailRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool
    visible_leading: int = Field(ge=0, description="characters of the local part left visible")
    keep_domain: bool = Field(description="leave the part after @ visible")


class PiiPolicy(BaseModel):
    """pii.yaml: what is masked, how much of each stays visible, and the mask character."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    mask_char: str = Field(min_length=1, max_length=1)
    id_card: IdCardRule
    bank_card: BankCardRule
    phone: PhoneRule
    email: EmailRule

    _shortest: int | None = PrivateAttr(default=None)
    _layouts: dict[tuple[int, ...], tuple[_DigitKind, ...]] = PrivateAttr(default_factory=dict)
    _window_sizes: tuple[int, ...] = PrivateAttr(default=())

    @field_validator("mask_char")
    @classmethod
    def _cannot_look_like_a_number(cls, char: str) -> str:
        if (
            char.isdigit()
            or char.isspace()
            or char in _KEPT
            or char in _ADDRESS_CHARACTERS
            or char.translate(_TO_ASCII) == "X"
        ):
            raise ValueError(
                f"{char!r} could be read as part of a number or an address; use a symbol such as '*'"
            )
        return char

    @model_validator(mode="after")
    def _something_stays_hidden(self) -> "PiiPolicy":
        rules = self._enabled()
        if not rules:
            return self
        shortest = min(min(rule.lengths()) for rule in rules.values())
        for kind, rule in rules.items():
            visible = rule.visible_leading + rule.visible_trailing
            if visible >= shortest:
                raise ValueError(
                    f"{kind}: visible_leading + visible_trailing ({visible}) must be less than {shortest}, "
                    "the shortest number recognised, or the visible digits could read as a number"
                )
            shown = rule.longest_prefix() + rule.visible_leading
            if shown >= shortest:
                raise ValueError(
                    f"{kind}: the longest country prefix plus visible_leading ({shown}) must be less than "
                    f"{shortest}, the shortest number recognised, or the visible digits could read as one"
                )
        return self

    def model_post_init(self, context: object, /) -> None:
        rules = self._enabled()
        if rules:
            self._shortest = min(min(rule.lengths()) for rule in rules.values())
        layouts: dict[tuple[int, ...], tuple[_DigitKind, ...]] = {}
        for kind, rule in rules.items():
            if isinstance(rule, _MaskedKind):
                for layout in rule.group_layouts:
                    layouts[layout] = (*layouts.get(layout, ()), kind)
        self._layouts = layouts
        self._window_sizes = tuple(sorted({len(layout) for layout in layouts}))

    def _rule(self, kind: _DigitKind) -> _DigitRule:
        return self.id_card if kind == "id_card" else self.bank_card if kind == "bank_card" else self.phone

    def _enabled(self) -> dict[_DigitKind, _DigitRule]:
        rules: dict[_DigitKind, _DigitRule] = {
            "id_card": self.id_card,
            "bank_card": self.bank_card,
            "phone": self.phone,
        }
        return {kind: rule for kind, rule in rules.items() if rule.enabled}

    # -- finding and masking -------------------------------------------------------------------------

    def find(self, text: str) -> list[PiiMatch]:
        """Every ID card, bank card, phone number and e-mail address in `text`, in order, never overlapping.

        These are the spans `mask` changes characters in (and nowhere else).
        """
        return self._redact(text)[1]

    def mask(self, text: str) -> str:
        """`text` with everything `find` finds masked; same length, the rest unchanged."""
        return self._redact(text)[0]

    def _redact(self, text: str) -> tuple[str, list[PiiMatch]]:
        """The masked text and the merged matches of every pass (see the module docstring)."""
        passes: list[list[_Hit]] = []
        current = text
        while hits := self._scan(current):
            passes.append(hits)
            masked = self._apply(current, hits)
            if masked == current:  # cannot happen with a valid policy: every match hides something
                break
            current = masked
        return current, _merge(passes)

    def _apply(self, text: str, hits: list[_Hit]) -> str:
        """`text` with every hit masked; where an address and a number overlap, what either hides."""
        out = list(text)
        for hit in hits:
            found = "".join(out[hit.start : hit.end])
            if hit.kind == "email":
                out[hit.start : hit.end] = self._hide_address(found, hit.leading)
            else:
                out[hit.start : hit.end] = self._hide(found, hit.leading, hit.trailing)
        return "".join(out)

    def _hide(self, number: str, leading: int, trailing: int) -> str:
        significant = sum(1 for char in number if char not in _KEPT)
        out: list[str] = []
        position = 0
        for char in number:
            if char in _KEPT:
                out.append(char)
                continue
            out.append(char if position < leading or position >= significant - trailing else self.mask_char)
            position += 1
        return "".join(out)

    def _hide_address(self, address: str, leading: int) -> str:
        local, domain = address.split("@")
        shown = min(leading, len(local) - 1)  # the character before "@" is always hidden
        if not self.email.keep_domain:
            domain = "".join(char if char == "." else self.mask_char for char in domain)
        return f"{local[:shown]}{self.mask_char * (len(local) - shown)}@{domain}"

    def _scan(self, text: str) -> list[_Hit]:
        """Every address and number in `text`, by start; an address may overlap a number."""
        hits: list[_Hit] = []
        if self.email.enabled and "@" in text:
            leading = self.email.visible_leading
            hits = [_Hit("email", match.start(), match.end(), leading, 0) for match in _EMAIL.finditer(text)]
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

    def _scan_sequence(self, text: str, start: int, end: int, shortest: int) -> Iterator[_Hit]:
        """The numbers in the digit sequence text[start:end]."""
        if len(text[start:end].translate(_DROP_SEPARATORS)) < shortest:  # too few digits for any number
            return
        groups = [
            (group.start(), group.end(), group.group().translate(_TO_ASCII))
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
            yield _Hit(
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
        windows: list[tuple[int, int, _DigitKind, int]] = []
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
        layouts: dict[tuple[int, ...], tuple[_DigitKind, ...]],
    ) -> tuple[_DigitKind, int] | None:
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

    def _number_kind(self, digits: str) -> tuple[_DigitKind, int] | None:
        """Kind of an ungrouped ID or card, and 1 if a final X is a stray letter rather than its end."""
        for stray in (0, 1) if digits.endswith("X") else (0,):
            number = digits[: len(digits) - stray]
            for kind in ("id_card", "bank_card"):  # an ID wins when both fit
                if self._is_kind(kind, number):
                    return kind, stray
        return None

    def _is_kind(self, kind: _DigitKind, digits: str) -> bool:
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
        if len(digits) == _ID_LENGTH:
            body = digits[:-1]
            if not body.isdigit():
                return False
            weighted = sum(int(char) * weight for char, weight in zip(body, _ID_WEIGHTS, strict=True))
            if _ID_CHECK_CHARACTERS[weighted % _ID_MODULUS] != digits[-1]:
                return False
            return self._is_birth_date(digits[_ID_BIRTH_DATE])
        if len(digits) == _OLD_ID_LENGTH and self.id_card.include_15_digit_form and digits.isdigit():
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


def _merge(passes: list[list[_Hit]]) -> list[PiiMatch]:
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


def load_pii_policy(directory: Path | str | None = None) -> PiiPolicy:
    """Load pii.yaml from `directory` (default: $TRIAGE_POLICY_DIR, else the shipped files)."""
    return read_policy_file(policy_dir(directory) / PII_FILE, PiiPolicy)
