"""Schema of pii.yaml and the masking of ID-card and bank-card numbers (R-COMP-4).

Outside the encrypted archive section, an ID-card or bank-card number never appears in clear: alert
texts, internal notes quoting the customer and logs go through `PiiPolicy.mask` first.

How numbers are found, in one pass over the text (regular expressions compiled once, at import):

- A *digit sequence* is a maximal run of digit groups (ASCII or full-width digits) joined by single
  separators (space, hyphen, ideographic space, full-width hyphen), optionally ending in a check
  character X/x (also full-width), which always ends the sequence. Sequences are maximal, so a number is
  never matched inside a longer run of digits.
- Each group on its own is a number when it is a valid ID card (18 characters with a valid ISO 7064
  MOD 11-2 check character and a real birth date; or, if enabled, the 15-digit first-generation form
  with a real YYMMDD date) or a bank card (min..max digits passing the Luhn check). ID wins when both fit.
- Consecutive groups not already matched are a number when their lengths are one of the kind's
  `group_layouts`, they share one separator, and the digits pass the kind's check. Every such window is
  masked; overlapping windows are masked as one span (hiding too much beats showing a number).

Masking keeps the text's length and everything outside a number byte-for-byte: each hidden digit or X
becomes `mask_char`, separators stay, visible digits keep their original (e.g. full-width) form. A number
shows its leading digits only if it starts its digit sequence and its trailing digits only if it ends it;
with the policy rule "visible digits < the shortest recognised number", no visible digits can form a
number again, so `mask` is idempotent and its output contains no recognisable number.
"""

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, PrivateAttr, field_validator, model_validator

from policies.rule_ids import RuleId

PII_FILE = "pii.yaml"

PiiKind = Literal["id_card", "bank_card"]

_DIGIT_CLASS = "0-9\uff10-\uff19"  # ASCII and full-width digits
_CHECK_X = "Xx\uff38\uff58"  # the ID check character "X", any case, ASCII or full-width
_SEPARATORS = frozenset(" -\u3000\uff0d")  # space, hyphen, ideographic space, full-width hyphen
_DROP_SEPARATORS = str.maketrans(dict.fromkeys(_SEPARATORS))
_SEPARATOR_CLASS = " \\-\u3000\uff0d"

_SEQUENCE = re.compile(rf"[{_DIGIT_CLASS}]+(?:[{_SEPARATOR_CLASS}][{_DIGIT_CLASS}]+)*[{_CHECK_X}]?")
_GROUP = re.compile(rf"[{_DIGIT_CLASS}]+[{_CHECK_X}]?")
_TO_ASCII = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX")

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


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """One number found in a text: its kind and the span [start, end) it covers, separators included."""

    kind: PiiKind
    start: int
    end: int


class BirthYears(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    first: PositiveInt
    last: PositiveInt

    @model_validator(mode="after")
    def _ordered(self) -> "BirthYears":
        if self.first > self.last:
            raise ValueError(f"first ({self.first}) must not be after last ({self.last})")
        return self


class _MaskedKind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool
    visible_leading: int = Field(ge=0, description="digits left visible at the start")
    visible_trailing: int = Field(ge=0, description="digits (or X) left visible at the end")
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

    def lengths(self) -> frozenset[int]:
        """Every number of characters this kind's numbers can have."""
        raise NotImplementedError


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


class PiiPolicy(BaseModel):
    """pii.yaml: which numbers are masked, how much of each stays visible, and the mask character."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    mask_char: str = Field(min_length=1, max_length=1)
    id_card: IdCardRule
    bank_card: BankCardRule

    _shortest: int | None = PrivateAttr(default=None)
    _layouts: dict[tuple[int, ...], tuple[PiiKind, ...]] = PrivateAttr(default_factory=dict)
    _window_sizes: tuple[int, ...] = PrivateAttr(default=())

    @field_validator("mask_char")
    @classmethod
    def _cannot_look_like_a_number(cls, char: str) -> str:
        if char.isdigit() or char.isspace() or char in _SEPARATORS or char.translate(_TO_ASCII) == "X":
            raise ValueError(f"{char!r} could be read as part of a number; use a symbol such as '*'")
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
        return self

    def model_post_init(self, context: object, /) -> None:
        rules = self._enabled()
        if rules:
            self._shortest = min(min(rule.lengths()) for rule in rules.values())
        layouts: dict[tuple[int, ...], tuple[PiiKind, ...]] = {}
        for kind, rule in rules.items():
            for layout in rule.group_layouts:
                layouts[layout] = (*layouts.get(layout, ()), kind)
        self._layouts = layouts
        self._window_sizes = tuple(sorted({len(layout) for layout in layouts}))

    def _enabled(self) -> dict[PiiKind, _MaskedKind]:
        rules: dict[PiiKind, _MaskedKind] = {"id_card": self.id_card, "bank_card": self.bank_card}
        return {kind: rule for kind, rule in rules.items() if rule.enabled}

    # -- finding -------------------------------------------------------------------------------------

    def find(self, text: str) -> list[PiiMatch]:
        """Every ID-card and bank-card number in `text`, in order, never overlapping."""
        return [PiiMatch(kind, start, end) for kind, start, end, _, _ in self._scan(text)]

    def mask(self, text: str) -> str:
        """`text` with every ID-card and bank-card number masked; same length, the rest unchanged."""
        pieces: list[str] = []
        last = 0
        for kind, start, end, starts_sequence, ends_sequence in self._scan(text):
            rule = self.id_card if kind == "id_card" else self.bank_card
            pieces.append(text[last:start])
            pieces.append(
                self._hide(
                    text[start:end],
                    rule.visible_leading if starts_sequence else 0,
                    rule.visible_trailing if ends_sequence else 0,
                )
            )
            last = end
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    def _hide(self, number: str, leading: int, trailing: int) -> str:
        significant = sum(1 for char in number if char not in _SEPARATORS)
        out: list[str] = []
        position = 0
        for char in number:
            if char in _SEPARATORS:
                out.append(char)
                continue
            out.append(char if position < leading or position >= significant - trailing else self.mask_char)
            position += 1
        return "".join(out)

    def _scan(self, text: str) -> Iterator[tuple[PiiKind, int, int, bool, bool]]:
        """(kind, start, end, starts its digit sequence, ends it) for every number, in order."""
        shortest = self._shortest
        if shortest is None:
            return
        for sequence in _SEQUENCE.finditer(text):
            if len(sequence.group().translate(_DROP_SEPARATORS)) < shortest:  # too few digits for any number
                continue
            groups = [
                (group.start(), group.end(), group.group().translate(_TO_ASCII))
                for group in _GROUP.finditer(text, sequence.start(), sequence.end())
            ]
            if len(groups) == 1:
                found = self._number_kind(groups[0][2])
                if found is not None:
                    kind, stray = found
                    yield kind, sequence.start(), sequence.end() - stray, True, True
                continue
            yield from self._scan_groups(text, groups, shortest)

    def _scan_groups(
        self, text: str, groups: list[tuple[int, int, str]], shortest: int
    ) -> Iterator[tuple[PiiKind, int, int, bool, bool]]:
        """Numbers in a digit sequence of several groups: single groups first, then grouped forms."""
        count = len(groups)
        layouts, window_sizes = self._layouts, self._window_sizes  # private attributes are slow to read
        single = [self._number_kind(digits) if len(digits) >= shortest else None for _, _, digits in groups]
        found: list[tuple[int, int, PiiKind, int]] = [
            (index, index + 1, *number) for index, number in enumerate(single) if number is not None
        ]
        windows: list[tuple[int, int, PiiKind, int]] = []
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
        found.extend(windows)
        found.sort()
        for first, stop, kind, stray in found:
            yield kind, groups[first][0], groups[stop - 1][1] - stray, first == 0, stop == count

    def _grouped_kind(
        self,
        text: str,
        window: list[tuple[int, int, str]],
        layouts: dict[tuple[int, ...], tuple[PiiKind, ...]],
    ) -> tuple[PiiKind, int] | None:
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

    def _number_kind(self, digits: str) -> tuple[PiiKind, int] | None:
        """Kind of an ungrouped number, and 1 if a final X is a stray letter rather than its end."""
        for stray in (0, 1) if digits.endswith("X") else (0,):
            number = digits[: len(digits) - stray]
            for kind in ("id_card", "bank_card"):  # an ID wins when both fit
                if self._is_kind(kind, number):
                    return kind, stray
        return None

    def _is_kind(self, kind: PiiKind, digits: str) -> bool:
        """Whether `digits` (ASCII digits, maybe ending in X) is a number of this kind, if it is enabled."""
        if kind == "id_card":
            return self.id_card.enabled and self._is_id_card(digits)
        rule = self.bank_card
        return (
            rule.enabled
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


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - ord("0")
        total += _LUHN_DOUBLED[value] if position % 2 else value
    return total % _LUHN_MODULUS == 0


def load_pii_policy(directory: Path | str | None = None) -> PiiPolicy:
    """Load pii.yaml from `directory` (default: $TRIAGE_POLICY_DIR, else the shipped files)."""
    # Imported here, not at the top: policies.loader will import this module to load pii.yaml with the rest.
    from policies.loader import DEFAULT_POLICY_DIR, POLICY_DIR_ENV, PolicyError, parse_policy_file

    path = Path(directory or os.environ.get(POLICY_DIR_ENV) or DEFAULT_POLICY_DIR) / PII_FILE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy file: {exc.strerror}") from exc
    return parse_policy_file(path, PiiPolicy, raw)
