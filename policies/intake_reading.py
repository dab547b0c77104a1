"""Reads a complaint's intake from the customer's words (R-INTAKE-1..3, R-GRADE-6): what they ask
for, the product they name, the amounts, the evidence they mention, who looks responsible; and
decides what the SOP still needs from them. Pure: attachments are counted by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from policies.intake import ORDER_NUMBER, DemandKind, EvidenceKind, IntakePolicy, Party
from policies.text import Normalised, normalise

if TYPE_CHECKING:
    from policies.cue_reading import SensedPhrases
    from policies.problems import ProblemReader

_QUOTE_CHARS = 60


@dataclass(frozen=True)
class Demand:
    kind: DemandKind
    quote: str


@dataclass(frozen=True)
class Responsible:
    """R-GRADE-6, a suggestion: the party, and the customer's words that point to it ("" when the
    complaint's category alone suggests it)."""

    party: Party
    quote: str = ""


@dataclass(frozen=True)
class IntakeReading:
    demands: tuple[Demand, ...]
    product: str | None
    amount_paid: float | None
    amount_claimed: float | None
    evidence_mentioned: frozenset[EvidenceKind]
    responsible: Responsible

    @property
    def demand_kinds(self) -> tuple[DemandKind, ...]:
        return tuple(d.kind for d in self.demands)


@dataclass(frozen=True)
class Missing:
    """What the SOP needs and the customer has not given: an evidence kind or the order number."""

    item: str
    promised: bool = False  # they said they have it ("I have photos") but did not attach it


@dataclass(frozen=True)
class _DemandWords:
    said: SensedPhrases
    asked: SensedPhrases


@dataclass
class _Compiled:
    demands: list[tuple[DemandKind, _DemandWords]] = field(default_factory=list)
    evidence: list[tuple[EvidenceKind, SensedPhrases]] = field(default_factory=list)
    parties: list[tuple[Party, SensedPhrases]] = field(default_factory=list)


class IntakeReader:
    """Compiles intake.yaml's phrases once; `read` finds them in a text. Pure and thread-safe."""

    def __init__(self, policy: IntakePolicy, products: ProblemReader | None = None) -> None:
        from policies.cue_reading import PhraseSet, SensedPhrases

        self._policy = policy
        self._products = products
        self._compiled = _Compiled(
            demands=[
                (
                    k,
                    _DemandWords(
                        SensedPhrases.of(w.said.all, w.other_senses),
                        SensedPhrases.of(w.asked.all, w.other_senses),
                    ),
                )
                for k, w in policy.demands.kinds.items()
            ],
            evidence=[
                (k, SensedPhrases.of(w.phrases, w.other_senses)) for k, w in policy.evidence.kinds.items()
            ],
            parties=[
                (p, SensedPhrases.of(w.phrases, w.other_senses))
                for p, w in policy.responsibility.parties.items()
                if w.phrases
            ],
        )
        self._requests = PhraseSet(policy.demands.request_cues.all)
        self._refusals = PhraseSet(policy.demands.refusal_cues.all)
        self._paid = [re.compile(p) for p in policy.amounts.paid]
        self._claimed = [re.compile(p) for p in policy.amounts.claimed]

    def read(self, text: str, category: str) -> IntakeReading:
        norm = normalise(text)
        demands = []
        for kind, words in self._compiled.demands:
            span = self._demanded(norm, words)
            if span is not None:
                demands.append((span[0], Demand(kind, norm.evidence(span[0], span[1], _QUOTE_CHARS))))
        mentioned = frozenset(kind for kind, words in self._compiled.evidence if words.first(norm.text))
        named = self._products.product_named(text) if self._products is not None else None
        return IntakeReading(
            demands=tuple(d for _, d in sorted(demands, key=lambda pair: pair[0])),
            product=named[1] if named else None,
            amount_paid=_first_amount(self._paid, norm.text),
            amount_claimed=_first_amount(self._claimed, norm.text),
            evidence_mentioned=mentioned,
            responsible=self._responsible(norm, category),
        )

    def _demanded(self, norm: Normalised, words: _DemandWords) -> tuple[int, int] | None:
        """The first place the customer asks for this: a `said` phrase, or an `asked` phrase after a
        request word or ending a question; never after a refusal word ("懒得退", "don't want")."""
        lookback = self._policy.demands.lookback_chars
        text = norm.text
        candidates = [(s, True) for s in words.said.all(text)] + [(s, False) for s in words.asked.all(text)]
        for (start, end), said in sorted(candidates):
            before = norm.clause_before(start, lookback)
            if self._refusals.spans(before[-self._policy.demands.refusal_chars :]):
                continue
            if said or self._requests.spans(before):
                return start, end
            stop = norm.sentence_end(end)  # just past the sentence's last mark
            if 0 < stop <= len(text) and text[stop - 1] in "?？":
                return start, end
        return None

    def _responsible(self, norm: Normalised, category: str) -> Responsible:
        for party, words in self._compiled.parties:
            span = words.first(norm.text)
            if span is not None:
                return Responsible(party, norm.evidence(span[0], span[1], _QUOTE_CHARS))
        return Responsible(self._policy.responsibility.by_category.get(category, "merchant"))  # type: ignore[call-overload]


def _first_amount(patterns: Iterable[re.Pattern[str]], text: str) -> float | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return float(match.group(1))
    return None


def missing_items(
    policy: IntakePolicy,
    *,
    subtype: str,
    demands: Iterable[DemandKind],
    attached: Collection[EvidenceKind],
    mentioned: Collection[EvidenceKind],
    order_number: str | None,
) -> list[Missing]:
    """What the SOP needs for this complaint type and these demands that the customer has not given
    (R-INTAKE-2/3), each once, in the policy's order: the first kind of each requirement is asked for."""
    required = policy.required
    requirements = [*required.by_subtype.get(subtype, [])]  # type: ignore[call-overload]
    for demand in demands:
        requirements += required.by_demand.get(demand, [])
    out: list[Missing] = []
    for requirement in requirements:
        given = {ORDER_NUMBER} if order_number else set()
        if given.union(attached).intersection(requirement.any_of):
            continue
        first = requirement.any_of[0]
        promised = any(kind in mentioned for kind in requirement.any_of if kind != ORDER_NUMBER)
        if all(m.item != first for m in out):
            out.append(Missing(first, promised))
    return out
