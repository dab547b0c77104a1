"""Schema of problems.yaml and the reader that names a complaint's problem (R-GRADE-1b).

Two complaints are the same problem when they are about the same product failing the same way:
`power_bank|overheating`, not "a safety complaint". The key is readable, so an alert can say what
the customers have in common.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.routing import Step
from policies.rule_ids import RuleId
from policies.text import normalise

if TYPE_CHECKING:
    from policies.concepts import ConceptLexicon
    from policies.cue_reading import SensedPhrases
    from policies.grading_policy import GradingPolicy

_KEY_SEPARATOR = "|"
_QUOTE_CHARS = 60
# Products of one text weighed: 2 let a toy and a toy car meet, but on bench/group_complaints.py it
# found no more groups and let a phone's grey-import earphones form a false one.
_PRODUCTS_WEIGHED = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PairedEvidence(_Strict):
    """Words that show a failure only beside others: a shard of glass is a foreign object in food,
    a swelling is a skin reaction on a body."""

    concepts: list[str] = Field(min_length=1)
    with_: list[str] = Field(alias="with", min_length=1)


class FailureKind(_Strict):
    """One specific way a product fails, by concepts (concepts.yaml), a signal's cues (grading.yaml),
    or concepts that count only beside others (`paired`)."""

    kind: str = Field(pattern=r"^[a-z_]+$")
    title: Step
    concepts: list[str] = Field(default_factory=list)
    signals: list[str] = Field(default_factory=list)
    paired: list[PairedEvidence] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_words(self) -> Self:
        if not self.concepts and not self.signals and not self.paired:
            raise ValueError(f"failure {self.kind!r} names no concepts, signals or paired concepts")
        return self


class ProductNames(_Strict):
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    generic: bool = Field(
        default=False, description="a part or a place (a battery, a hotel): any other product named wins"
    )

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
        names = {name for failure in self.failures for name in failure.concepts}
        for failure in self.failures:
            for pair in failure.paired:
                names.update(pair.concepts, pair.with_)
        return names

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
    alone: SensedPhrases
    paired: tuple[tuple[SensedPhrases, SensedPhrases], ...]
    signals: frozenset[str] = frozenset()

    def first(self, text: str, fired: Collection[str] | None = None) -> tuple[int, int] | None:
        if self.signals and fired is not None and not self.signals.intersection(fired):
            return None  # the grader read the signal's words in another sense (doubt, a question, ...)
        span = self.alone.first(text)
        if span is not None:
            return span
        for words, companions in self.paired:
            span = words.first(text)
            if span is not None and companions.first(text) is not None:
                return span
        return None


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
        from policies.cue_reading import PhraseSet, SensedPhrases

        def words(
            names: list[str], extra: Sequence[str] = (), extra_senses: Sequence[str] = ()
        ) -> SensedPhrases:
            phrases = [p for name in names for p in concepts.phrases(name)] + list(extra)
            senses = [p for name in names for p in concepts.other_senses(name)] + list(extra_senses)
            return SensedPhrases.of(phrases, senses)

        signals = {s.name: s for s in grading.signals}
        self._failures: list[_FailureMatcher] = []
        for failure in policy.failures:
            cues: list[str] = []
            senses: list[str] = []
            for name in failure.signals:
                # Combinations (`a & b`) need the grader's context reading; the plain cues suffice here.
                plain = [c for c in signals[name].cues.zh + signals[name].cues.en if "&" not in c]
                cues += [p for cue in plain for p in _expanded(concepts, cue)]
                senses += signals[name].not_in.all()
            paired = tuple((words(pair.concepts), words(pair.with_)) for pair in failure.paired)
            alone = words(failure.concepts, cues, senses)
            self._failures.append(_FailureMatcher(failure.kind, alone, paired, frozenset(failure.signals)))
        # One automaton for every product name (thousands): a text is scanned once, and each name
        # found is looked up for its product.
        self._product_of: dict[str, tuple[str, bool]] = {}
        for product, names in policy.products.items():
            for name in (*names.zh, *names.en):
                self._product_of.setdefault(normalise(name).text.rstrip("*"), (product, names.generic))
        self._product_names = PhraseSet(list(self._product_of))
        self._tag_prefixes = tuple(product_tag_prefixes)

    def problem_of(
        self,
        text: str,
        tags: Iterable[str] = (),
        subtype: str | None = None,
        fired: Collection[str] | None = None,
    ) -> Problem | None:
        """The first of `problems_of`, or None."""
        found = self.problems_of(text, tags, subtype, fired)
        return found[0] if found else None

    def problems_of(
        self,
        text: str,
        tags: Iterable[str] = (),
        subtype: str | None = None,
        fired: Collection[str] | None = None,
    ) -> list[Problem]:
        """Every problem the text may be: its product (a product tag first, else the products it
        names, the longest first, at most `_PRODUCTS_WEIGHED`) with each failure it shows, in the
        policy's order. Customers name one product at different levels (玩具车, 合金小汽车) and
        describe one failure by different signs (a lid that bursts, a scald), so the caller joins
        the one others already reported. A product tag is precise enough to pair with the sub-type
        when no failure is named; a product name from the text is not. `fired`: the signals the
        grader found standing (context checked); a failure made of signals counts only if one of them
        fired. Empty when nothing specific is known."""
        norm = normalise(text)
        failures = [(m.kind, span) for m in self._failures if (span := m.first(norm.text, fired)) is not None]
        tagged = sorted(t for t in tags if self._tag_prefixes and t.startswith(self._tag_prefixes))
        if not failures:
            if tagged and subtype:
                quote = norm.evidence(0, 0, _QUOTE_CHARS)
                return [Problem(product=tagged[0], failure=subtype, quote=quote, from_tag=True)]
            return []
        products = [tagged[0]] if tagged else self._products_named(norm.text)[:_PRODUCTS_WEIGHED]
        return [
            Problem(
                product=product,
                failure=kind,
                quote=norm.evidence(start, end, _QUOTE_CHARS),
                from_tag=bool(tagged),
            )
            for product in products
            for kind, (start, end) in failures
        ]

    def product_named(self, text: str) -> tuple[str, str] | None:
        """The product a text names (its id, and the words as the customer wrote them), or None."""
        norm = normalise(text)
        found = self._named(norm.text)
        if not found:
            return None
        product, start, end = found[0]
        source = norm.original if len(norm.original) == len(norm.text) else norm.text
        return product, source[start:end]

    def _products_named(self, text: str) -> list[str]:
        return [product for product, _, _ in self._named(text)]

    def _named(self, text: str) -> list[tuple[str, int, int]]:
        """Every product the text names with its best span, the most specific first (not generic,
        longest, earliest)."""
        best: dict[str, tuple[bool, int, int, int]] = {}  # product → (generic, -length, start, end)
        for start, end in self._product_names.spans(text):
            product, generic = self._product_of[text[start:end]]
            rank = (generic, -(end - start), start, end)
            if product not in best or rank < best[product]:
                best[product] = rank
        return [(p, best[p][2], best[p][3]) for p in sorted(best, key=best.__getitem__)]
