"""Schema of pii.yaml and the masking of personal data (R-COMP-4 and the audit-archive issue).

Outside the archive's sealed section, no ID-card number, bank-card number, phone number or e-mail
address appears in clear: alert texts, internal notes quoting the customer and logs go through
`PiiPolicy.mask` first.

How numbers and addresses are found: `policies/pii_recognition.py`; how they are masked:
`policies/pii_masking.py`; the rules' schema: `policies/pii_rules.py`. Sealing the originals for
compliance is the archive's job (`infra/archive.py`).
"""

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from policies.pii_masking import PiiMasker
from policies.pii_recognition import ADDRESS_CHARACTERS, KEPT, TO_ASCII, PiiMatch, PiiRecogniser
from policies.pii_rules import BankCardRule, EmailRule, IdCardRule, PhoneRule, PiiKind, enabled_digit_rules
from policies.policy_files import policy_dir, read_policy_file
from policies.rule_ids import RuleId

__all__ = ["PII_FILE", "PiiKind", "PiiMatch", "PiiPolicy", "load_pii_policy"]

PII_FILE = "pii.yaml"


class PiiPolicy(BaseModel):
    """pii.yaml: what is masked, how much of each stays visible, and the mask character."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: RuleId
    mask_char: str = Field(min_length=1, max_length=1)
    id_card: IdCardRule
    bank_card: BankCardRule
    phone: PhoneRule
    email: EmailRule

    _masker: PiiMasker = PrivateAttr()

    @field_validator("mask_char")
    @classmethod
    def _cannot_look_like_a_number(cls, char: str) -> str:
        if (
            char.isdigit()
            or char.isspace()
            or char in KEPT
            or char in ADDRESS_CHARACTERS
            or char.translate(TO_ASCII) == "X"
        ):
            raise ValueError(
                f"{char!r} could be read as part of a number or an address; use a symbol such as '*'"
            )
        return char

    @model_validator(mode="after")
    def _something_stays_hidden(self) -> "PiiPolicy":
        rules = enabled_digit_rules(self.id_card, self.bank_card, self.phone)
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
        recogniser = PiiRecogniser(self.id_card, self.bank_card, self.phone, self.email)
        self._masker = PiiMasker(recogniser, self.mask_char, self.email)

    def find(self, text: str) -> list[PiiMatch]:
        """Every ID card, bank card, phone number and e-mail address in `text`, in order, never overlapping.

        These are the spans `mask` changes characters in (and nowhere else).
        """
        return self._masker.redact(text)[1]

    def mask(self, text: str) -> str:
        """`text` with everything `find` finds masked; same length, the rest unchanged."""
        return self._masker.redact(text)[0]


def load_pii_policy(directory: Path | str | None = None) -> PiiPolicy:
    """Load pii.yaml from `directory` (default: $TRIAGE_POLICY_DIR, else the shipped files)."""
    return read_policy_file(policy_dir(directory) / PII_FILE, PiiPolicy)
