"""Schema of problems.yaml and the reader that names a complaint's problem (R-GRADE-1b).

Two complaints are the same problem when they are about the same product failing the same way:
`power_bank|overheating`, not "a safety complaint". The key is readable, so an alert can say what
the customers have in common.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.routing import Step
from policies.rule_ids import RuleId
from policies.text import Normalised, normalise

if TYPE_CHECKING:
    from policies.concepts import ConceptLexicon
    from policies.cue_reading import PhraseSet
    from policies.grading_policy import GradingPolicy

_KEY_SEPARATOR = "|"
_QUOTE_CHARS = 60


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FailureKind(_Strict):
    """One specific way a product fails, by concepts (concepts.yaml) or a signal's cues (grading.yaml)."""

    kind: str = Field(pattern=r"^[a-z_]+$")
    title: Step
    concepts: list[str] = Field(default_factory=list)
    signals: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_words(self) -> Self:
        if not self.concepts and not self.signals:
            raise ValueError(f"failure {self.kind!r} names no concepts and no signals")
        return self


class ProductNames(_Strict):
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_names(self) -> Self:
        if not self.zh and not self.en:
            raise ValueError("a product needs at least one name")
        return self


class ProblemPolicy(_Strict):
    rule: RuleId
    failures: list[FailureKind] = Field(min_length=1)
    products: dict[str, ProductNames] = Field(min_length=1)

    @model_validator(mode="after")
    def _names_are_keys(self) -> Self:
        kinds = [f.kind for f in self.failures]
        if len(set(kinds)) != len(kinds):
            raise ValueError(f"failure kinds repeat: {sorted(k for k in kinds if kinds.count(k) > 1)}")
        bad = [p for p in self.products if not p.replace("_", "").isalnum() or not p.islower()]
        if bad:
            raise ValueError(f"product ids must be lower-case words joined by _: {bad}")
        return self

    def describe(self, key: str) -> str:
        """A problem key as people read it: `power bank: 过热/鼓包/冒烟/起火 / overheating, …`."""
        product, failure = split_key(key)
        titles = {f.kind: f"{f.title.zh} / {f.title.en}" for f in self.failures}
        shown = product.replace("_", " ") if product in self.products else product
        return f"{shown}: {titles.get(failure, failure)}"

    def concept_names(self) -> set[str]:
        return {name for failure in self.failures for name in failure.concepts}

    def signal_names(self) -> set[str]:
        return {name for failure in self.failures for name in failure.signals}


@dataclass(frozen=True)
class Problem:
    """What a complaint is about, for counting customers (`product|failure`), and the words read."""

    product: str
    failure: str
    quote: str
    from_tag: bool = False

    @property
    def key(self) -> str:
        return f"{self.product}{_KEY_SEPARATOR}{self.failure}"


def _expanded(concepts: ConceptLexicon, cue: str) -> list[str]:
    from policies.concepts import is_reference

    return concepts.phrases(cue[1:]) if is_reference(cue) else [cue]


def split_key(key: str) -> tuple[str, str]:
    product, _, failure = key.rpartition(_KEY_SEPARATOR)
    return product, failure


@dataclass(frozen=True)
class _FailureMatcher:
    kind: str
    phrases: PhraseSet
    other_senses: PhraseSet | None

    def first(self, text: str) -> tuple[int, int] | None:
        found = sorted(self.phrases.spans(text))
        if not found:
            return None
        blocked = self.other_senses.spans(text) if self.other_senses is not None else []
        return next((s for s in found if not any(b0 <= s[0] and s[1] <= b1 for b0, b1 in blocked)), None)


class ProblemReader:
    """Names the product and the failure a complaint is about; pure and thread-safe."""

    def __init__(
        self,
        policy: ProblemPolicy,
        concepts: ConceptLexicon,
        grading: GradingPolicy,
        product_tag_prefixes: Iterable[str],
    ) -> None:
        # The automaton library is loaded only where problems are read.
        from policies.cue_reading import PhraseSet

        signals = {s.name: s for s in grading.signals}
        self._failures: list[_FailureMatcher] = []
        for failure in policy.failures:
            phrases = [p for name in failure.concepts for p in concepts.phrases(name)]
            senses = [p for name in failure.concepts for p in concepts.other_senses(name)]
            for name in failure.signals:
                # Combinations (`a & b`) need the grader's context reading; the plain cues suffice here.
                cues = [c for c in signals[name].cues.zh + signals[name].cues.en if "&" not in c]
                phrases += [p for cue in cues for p in _expanded(concepts, cue)]
                senses += signals[name].not_in.all()
            self._failures.append(
                _FailureMatcher(failure.kind, PhraseSet(phrases), PhraseSet(senses) if senses else None)
            )
        self._products = [
            (product, PhraseSet([*names.zh, *names.en])) for product, names in policy.products.items()
        ]
        self._tag_prefixes = tuple(product_tag_prefixes)

    def problem_of(self, text: str, tags: Iterable[str] = (), subtype: str | None = None) -> Problem | None:
        """The product (a product tag first, else the longest product name in the text) and the first
        failure the text shows. A product tag is precise enough to pair with the sub-type when no
        failure is named; a product name from the text is not. None when nothing specific is known."""
        norm = normalise(text)
        failure = self._failure(norm)
        tagged = sorted(t for t in tags if self._tag_prefixes and t.startswith(self._tag_prefixes))
        if failure is None:
            if tagged and subtype:
                return Problem(
                    product=tagged[0], failure=subtype, quote=norm.evidence(0, 0, _QUOTE_CHARS), from_tag=True
                )
            return None
        kind, (start, end) = failure
        quote = norm.evidence(start, end, _QUOTE_CHARS)
        if tagged:
            return Problem(product=tagged[0], failure=kind, quote=quote, from_tag=True)
        product = self._product(norm.text)
        return Problem(product=product, failure=kind, quote=quote) if product else None

    def _failure(self, norm: Normalised) -> tuple[str, tuple[int, int]] | None:
        for matcher in self._failures:
            span = matcher.first(norm.text)
            if span is not None:
                return matcher.kind, span
        return None

    def _product(self, text: str) -> str | None:
        best: tuple[int, int, str] | None = None  # (-length, start, product)
        for product, names in self._products:
            for start, end in names.spans(text):
                candidate = (-(end - start), start, product)
                if best is None or candidate < best:
                    best = candidate
        return best[2] if best else None
