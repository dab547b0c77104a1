"""Schema of pii.yaml's parts (R-COMP-4): each kind of personal number or address, what makes one
and how much of it stays visible. Lengths are the standards' (GB 11643-1999, ISO/IEC 7812-1, ITU-T
E.164), not policy."""

import re
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

PiiKind = Literal["id_card", "bank_card", "phone", "email"]
DigitKind = Literal["id_card", "bank_card", "phone"]

ID_LENGTH = 18  # resident identity card, GB 11643-1999
OLD_ID_LENGTH = 15  # first-generation card
PAN_MIN_DIGITS = 8  # primary account number, ISO/IEC 7812-1
PAN_MAX_DIGITS = 19
E164_MAX_DIGITS = 15  # international telephone numbers, country code included (ITU-T E.164)


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


class DigitRule(BaseModel):
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


class MaskedKind(DigitRule):
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


class IdCardRule(MaskedKind):
    birth_years: BirthYears
    include_15_digit_form: bool

    def lengths(self) -> frozenset[int]:
        return frozenset({ID_LENGTH, OLD_ID_LENGTH} if self.include_15_digit_form else {ID_LENGTH})

    @model_validator(mode="after")
    def _layouts_fit(self) -> "IdCardRule":
        # A 15-character layout is allowed when the old form is off: it is simply never matched then.
        for layout in self.group_layouts:
            if sum(layout) not in (ID_LENGTH, OLD_ID_LENGTH):
                raise ValueError(
                    f"group_layouts: {list(layout)} adds up to {sum(layout)}, "
                    f"not {ID_LENGTH} or {OLD_ID_LENGTH}"
                )
        return self


class BankCardRule(MaskedKind):
    min_digits: int = Field(ge=PAN_MIN_DIGITS, le=PAN_MAX_DIGITS)
    max_digits: int = Field(ge=PAN_MIN_DIGITS, le=PAN_MAX_DIGITS)

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

    min_digits: int = Field(ge=1, le=E164_MAX_DIGITS)
    max_digits: int = Field(ge=1, le=E164_MAX_DIGITS)

    @model_validator(mode="after")
    def _ordered(self) -> "InternationalForm":
        if self.min_digits > self.max_digits:
            raise ValueError(f"min_digits ({self.min_digits}) exceeds max_digits ({self.max_digits})")
        return self


class PhoneRule(DigitRule):
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


def enabled_digit_rules(
    id_card: IdCardRule, bank_card: BankCardRule, phone: PhoneRule
) -> dict[DigitKind, DigitRule]:
    """The kinds of number the policy masks, with their rules."""
    rules: dict[DigitKind, DigitRule] = {"id_card": id_card, "bank_card": bank_card, "phone": phone}
    return {kind: rule for kind, rule in rules.items() if rule.enabled}
