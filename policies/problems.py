"""Schema of problems.yaml and the reader that names a complaint's problem (R-GRADE-1b).

Two complaints are the same problem when they are about the same product failing the same way:
`power_bank|overheating`, not "a safety complaint". The key is readable, so an alert can say what
the customers have in common. The product in the key is the product's family (玩具车 and 合金小汽车
are both `toy`), so customers who name one product at different levels of generality meet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.concepts import Senses
from policies.near_identical import NearIdenticalBuckets
from policies.routing import Step
from policies.rule_ids import RuleId
from policies.text import normalise

if TYPE_CHECKING:
    from policies.alerting import NearIdenticalPolicy
    from policies.concepts import ConceptLexicon
    from policies.cue_reading import SensedPhrases
    from policies.grading_policy import GradingPolicy

_KEY_SEPARATOR = "|"
SIMILAR_PREFIX = "similar_"  # the product part of a key joined by near-identical words (near_identical.py)
_QUOTE_CHARS = 60


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sign(_Strict):
    """Words a failure is described by that concepts.yaml does not hold (麻手 for a shock, 刺鼻 for
    fumes), read only for problems; the grader never sees them."""

    about: str = Field(min_length=3, description="what the words mean, for the people who edit them")
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    not_in: Senses = Field(default_factory=Senses, description="look-alike senses that do not count")

    @model_validator(mode="after")
    def _has_words(self) -> Self:
        if not self.zh and not self.en:
            raise ValueError("a sign needs at least one phrase")
        return self


class PairedEvidence(_Strict):
    """Words that show a failure only beside others: a shard of glass is a foreign object in food,
    a swelling is a skin reaction on a body. Names are problems.yaml's signs or concepts.yaml's."""

    concepts: list[str] = Field(min_length=1)
    with_: list[str] = Field(alias="with", min_length=1)


class FailureKind(_Strict):
    """One specific way a product fails, by concepts (concepts.yaml) or signs (problems.yaml), a
    signal's cues (grading.yaml), or words that count only beside others (`paired`)."""

    kind: str = Field(pattern=r"^[a-z_]+$")
    title: Step
    concepts: list[str] = Field(default_factory=list)
    signals: list[str] = Field(default_factory=list)
    paired: list[PairedEvidence] = Field(default_factory=list)
    of_specific_products: bool = Field(
        default=False,
        description="only a product named specifically, never a part or a place (a fake box says nothing)",
    )
    happens_to: list[str] = Field(
        default_factory=list,
        description="the kinds of product (product_kinds) this failure happens to: a named product of "
        "another kind is the failure's product only when none of these kinds is named (a pillow in a "
        "simile does not swell like a battery); empty: any product",
    )
    fired_by: list[str] = Field(
        default_factory=list,
        description="grading.yaml signals whose firing shows this failure when the text shows no "
        "failure in this file's words: the grader read the harm (its context checked) in words the "
        "failure lacks",
    )
    made_by: list[str] = Field(
        default_factory=list,
        description="the kinds of product (product_kinds) that make what the failure is found in: one "
        "of these named is the failing product before the food it was found in (shards from a "
        "blender in the soup are the blender's)",
    )
    same_fault_as: list[str] = Field(
        default_factory=list,
        description="failures that one fault of a product also shows (a shock and a melted plug): this "
        "failure may join their group when more customers already reported it",
    )

    @model_validator(mode="after")
    def _has_words(self) -> Self:
        if not self.concepts and not self.signals and not self.paired and not self.fired_by:
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


class NameSense(_Strict):
    """A product name with a second sense that the words beside it tell: 小车 is a car, but a child's
    小车 is a toy car. Read as `product` when the text has one of `beside` and none of `unless`."""

    names: list[str] = Field(min_length=1, description="names as `products` lists them")
    product: str = Field(description="the product the names mean beside those words")
    beside: Senses
    unless: Senses = Field(default_factory=Senses, description="words of the usual sense (开车, driving)")

    @model_validator(mode="after")
    def _has_words(self) -> Self:
        if not self.beside.all():
            raise ValueError(f"the sense {self.product!r} of {self.names} needs words beside it")
        return self


class OwnerLinks(_Strict):
    """How a part is named with its owner (手机的充电头, "my phone's plug", "the charger for my
    laptop"): the part is the product, the owner is not. `before` stands between the owner and the
    part (or nothing at all: 手机充电头, "macbook charger"), `after` between the part and the owner."""

    before: Senses = Field(default_factory=Senses)
    after: Senses = Field(default_factory=Senses)


def _is_id(name: str) -> bool:
    return name.replace("_", "").isalnum() and name.islower()


class ProblemPolicy(_Strict):
    rule: RuleId
    signs: dict[str, Sign] = Field(default_factory=dict)
    failures: list[FailureKind] = Field(min_length=1)
    products: dict[str, ProductNames] = Field(min_length=1)
    families: dict[str, list[str]] = Field(
        default_factory=dict,
        description="family id → its products: one item named at different levels (玩具, 玩具车, 合金小汽车)",
    )
    name_senses: list[NameSense] = Field(default_factory=list)
    owner_links: OwnerLinks = Field(default_factory=OwnerLinks)
    product_kinds: dict[str, list[str]] = Field(
        default_factory=dict, description="kind → families (or products) of that kind: powered, eaten, …"
    )

    @model_validator(mode="after")
    def _names_are_keys(self) -> Self:
        kinds = [f.kind for f in self.failures]
        if len(set(kinds)) != len(kinds):
            raise ValueError(f"failure kinds repeat: {sorted(k for k in kinds if kinds.count(k) > 1)}")
        unknown = sorted({k for f in self.failures for k in f.same_fault_as} - set(kinds))
        if unknown:
            raise ValueError(f"same_fault_as names failures not in `failures`: {unknown}")
        bad = [p for p in (*self.products, *self.families) if not _is_id(p)]
        if bad:
            raise ValueError(f"product and family ids must be lower-case words joined by _: {bad}")
        return self

    @model_validator(mode="after")
    def _kinds_name_families(self) -> Self:
        known = {self.family_of(p) for p in self.products}
        for kind, members in self.product_kinds.items():
            unknown = sorted(set(members) - known)
            if unknown:
                raise ValueError(f"product kind {kind!r} names no family or product: {unknown}")
        for field in ("happens_to", "made_by"):
            named = {k for f in self.failures for k in getattr(f, field)}
            undefined = sorted(named - set(self.product_kinds))
            if undefined:
                raise ValueError(f"{field} names product kinds not in `product_kinds`: {undefined}")
        return self

    @model_validator(mode="after")
    def _families_partition_products(self) -> Self:
        seen: dict[str, str] = {}
        for family, members in self.families.items():
            unknown = [p for p in members if p not in self.products]
            if unknown:
                raise ValueError(f"family {family!r} names products not in `products`: {unknown}")
            for product in members:
                if product in seen:
                    raise ValueError(f"product {product!r} is in two families: {seen[product]!r}, {family!r}")
                seen[product] = family
            # A family named like a product must hold it, or two different things would share a key.
            if family in self.products and family not in members:
                raise ValueError(f"family {family!r} is named like a product it does not hold")
        return self

    @model_validator(mode="after")
    def _senses_name_products(self) -> Self:
        names = {n for names in self.products.values() for n in (*names.zh, *names.en)}
        for sense in self.name_senses:
            if sense.product not in self.products:
                raise ValueError(f"name sense reads {sense.names} as {sense.product!r}, not in `products`")
            unknown = [n for n in sense.names if n not in names]
            if unknown:
                raise ValueError(f"name sense {sense.product!r} names what no product is called: {unknown}")
        return self

    def family_of(self, product: str) -> str:
        """The family a product is counted under; a product in no family is a family of its own."""
        for family, members in self.families.items():
            if product in members:
                return family
        return product

    def describe(self, key: str) -> str:
        """A problem key as people read it: `power bank: 过热/鼓包/冒烟/起火 / overheating, …`."""
        product, failure = split_key(key)
        titles = {f.kind: f"{f.title.zh} / {f.title.en}" for f in self.failures}
        known = product in self.products or product in self.families
        shown = product.replace("_", " ") if known else product
        if product.startswith(SIMILAR_PREFIX):
            shown = f"近乎相同的描述 / near-identical reports ({product})"
        return f"{shown}: {titles.get(failure, failure)}"

    def word_names(self) -> set[str]:
        """Every name a failure reads words by: problems.yaml's signs and concepts.yaml's concepts."""
        names = {name for failure in self.failures for name in failure.concepts}
        for failure in self.failures:
            for pair in failure.paired:
                names.update(pair.concepts, pair.with_)
        return names

    def concept_names(self) -> set[str]:
        """The names of concepts.yaml a failure reads (the rest are problems.yaml's own signs)."""
        return self.word_names() - set(self.signs)

    def signal_names(self) -> set[str]:
        return {name for failure in self.failures for name in (*failure.signals, *failure.fired_by)}


@dataclass(frozen=True)
class Problem:
    """What a complaint is about, for counting customers (`product|failure`), and the words read."""

    product: str  # the product's family, or the product tag
    failure: str
    quote: str
    from_tag: bool = False

    @property
    def key(self) -> str:
        return f"{self.product}{_KEY_SEPARATOR}{self.failure}"


class _NamedProduct(NamedTuple):
    product: str
    generic: bool
    start: int
    end: int


_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.(?:\s|$)")


def _sentence_start(text: str, position: int) -> int:
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, position)]
    return ends[-1] if ends else 0


def _sentence_end(text: str, position: int) -> int:
    found = _SENTENCE_END.search(text, position)
    return found.start() if found else len(text)


def _link(words: str) -> str:
    """The words between two product names, as owner links are compared: spaces and ’ folded."""
    return " ".join(words.replace("\u2019", "'").split())


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
    of_specific_products: bool = False
    happens_to: frozenset[str] | None = None  # the families it happens to; None: any
    made_by: frozenset[str] = frozenset()  # the families that make what it is found in
    fired_by: frozenset[str] = frozenset()  # grader signals that show it when no words here do

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

    def words_in(self, text: str) -> list[tuple[int, int]]:
        """Where the failure's own words stand (any of them, paired ones without their companions)."""
        spans = self.alone.all(text)
        for words, _ in self.paired:
            spans += words.all(text)
        return spans


class ProblemReader:
    """Names the product and the failure a complaint is about; pure and thread-safe."""

    def __init__(
        self,
        policy: ProblemPolicy,
        concepts: ConceptLexicon,
        grading: GradingPolicy,
        product_tag_prefixes: Iterable[str],
        near_identical: NearIdenticalPolicy | None = None,
    ) -> None:
        # The automaton library is loaded only where problems are read.
        from policies.cue_reading import PhraseSet, SensedPhrases

        def phrases_of(name: str) -> list[str]:
            sign = policy.signs.get(name)
            return [*sign.zh, *sign.en] if sign is not None else concepts.phrases(name)

        def senses_of(name: str) -> list[str]:
            sign = policy.signs.get(name)
            return sign.not_in.all() if sign is not None else concepts.other_senses(name)

        def words(
            names: list[str], extra: Sequence[str] = (), extra_senses: Sequence[str] = ()
        ) -> SensedPhrases:
            phrases = [p for name in names for p in phrases_of(name)] + list(extra)
            senses = [p for name in names for p in senses_of(name)] + list(extra_senses)
            return SensedPhrases.of(phrases, senses)

        signals = {s.name: s for s in grading.signals}
        self._same_fault = {f.kind: tuple(f.same_fault_as) for f in policy.failures}
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
            kinds = [policy.product_kinds[k] for k in failure.happens_to]
            makers = [policy.product_kinds[k] for k in failure.made_by]
            self._failures.append(
                _FailureMatcher(
                    failure.kind,
                    alone,
                    paired,
                    frozenset(failure.signals),
                    failure.of_specific_products,
                    frozenset(f for families in kinds for f in families) if kinds else None,
                    frozenset(f for families in makers for f in families),
                    frozenset(failure.fired_by),
                )
            )
        # One automaton for every product name (thousands): a text is scanned once, and each name
        # found is looked up for its product.
        self._product_of: dict[str, tuple[str, bool]] = {}
        for product, names in policy.products.items():
            for name in (*names.zh, *names.en):
                self._product_of.setdefault(normalise(name).text.rstrip("*"), (product, names.generic))
        self._family_of = {product: policy.family_of(product) for product in policy.products}
        generic = {product: names.generic for product, names in policy.products.items()}
        # A name with a second sense: read as another product beside that sense's words.
        self._senses: dict[str, list[tuple[SensedPhrases, SensedPhrases | None, str, bool]]] = {}
        for sense in policy.name_senses:
            unless = SensedPhrases.of(sense.unless.all()) if sense.unless.all() else None
            reading = (SensedPhrases.of(sense.beside.all()), unless, sense.product, generic[sense.product])
            for name in sense.names:
                self._senses.setdefault(normalise(name).text.rstrip("*"), []).append(reading)
        self._owner_before = {_link(w) for w in policy.owner_links.before.all()} | {""}
        self._owner_after = {_link(w) for w in policy.owner_links.after.all()}
        self._product_names = PhraseSet(list(self._product_of))
        self._tag_prefixes = tuple(product_tag_prefixes)
        self._similar = NearIdenticalBuckets(near_identical) if near_identical is not None else None

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
        """Every problem the text may be: each failure it shows, in the policy's order, with its
        product (a product tag first, else the product the failure is told about, counted under its
        family). A family makes one product named at different levels (玩具车,
        合金小汽车) one key; one failure described by different signs (a lid that bursts, a scald)
        gives several keys, and the caller joins the one others already reported. A product tag is
        precise enough to pair with the sub-type when no failure is named; a product name from the
        text is not. `fired`: the signals the grader found standing (context checked); a failure
        made of signals counts only if one of them fired; when the text shows no failure in words, a
        failure the fired signals show (`fired_by`) stands, told from the opening words and only of
        a specific product. With no product named and no tag, the first failure pairs with the
        text's near-identical buckets (alerting.yaml `near_identical`): only reports in (nearly) the
        same words meet there. Empty when nothing specific is known."""
        norm = normalise(text)
        failures = [(m, span) for m in self._failures if (span := m.first(norm.text, fired)) is not None]
        told_in_words = bool(failures)
        if not failures and fired:
            # The grader read a harm in words this file lacks: its signal names the failure, told
            # only of a specific product (a signal alone says nothing of a hotel or a restaurant).
            failures = [(m, (0, 0)) for m in self._failures if m.fired_by.intersection(fired)]
        tagged = sorted(t for t in tags if self._tag_prefixes and t.startswith(self._tag_prefixes))
        if not failures:
            if tagged and subtype:
                quote = norm.evidence(0, 0, _QUOTE_CHARS)
                return [Problem(product=tagged[0], failure=subtype, quote=quote, from_tag=True)]
            return []
        named = [] if tagged else self._named(norm.text)
        if named:
            # A product name inside a failure's words is the failure told, not the product ("on the
            # toilet all night").
            told = [span for m in self._failures for span in m.words_in(norm.text)]
            named = [n for n in named if not any(s <= n.start and n.end <= e for s, e in told)]
        problems: list[Problem] = []
        for failure, (start, end) in failures:
            specific_only = failure.of_specific_products or not told_in_words
            candidates = [n for n in named if not (specific_only and n.generic)]
            product = (
                tagged[0]
                if tagged
                else self._nearest(
                    candidates, norm.text, start, end, self._fits(failure), self._maker(failure)
                )
            )
            if product is None:
                continue
            problems.append(
                Problem(
                    product=product if tagged else self._family_of[product],
                    failure=failure.kind,
                    quote=norm.evidence(start, end, _QUOTE_CHARS),
                    from_tag=bool(tagged),
                )
            )
        if not problems and not tagged and self._similar is not None:
            failure, (start, end) = failures[0]
            quote = norm.evidence(start, end, _QUOTE_CHARS)
            return [Problem(bucket, failure.kind, quote) for bucket in self._similar.buckets(text)]
        return self._with_same_fault(problems)

    def _with_same_fault(self, problems: list[Problem]) -> list[Problem]:
        """The problems read, then the same product's failures one fault also shows (a shock beside
        a melted plug), and theirs in turn (a heated vest's burnt skin is a burn, a burn from a device
        is it overheating): last, so a text joins them only where more customers already reported
        them. Not filtered by the kinds of product a failure happens to: a new product's kind is
        often unknown, and the filter cost the second held-out set 6 of its 23 members."""
        keys = {p.key for p in problems}
        more: list[Problem] = []
        frontier = list(problems)
        while frontier:
            problem = frontier.pop(0)
            for kind in self._same_fault.get(problem.failure, ()):
                also = Problem(problem.product, kind, problem.quote, problem.from_tag)
                if also.key not in keys:
                    keys.add(also.key)
                    more.append(also)
                    frontier.append(also)
        return problems + more

    def failures_in(self, text: str, fired: Collection[str] | None = None) -> list[str]:
        """The failure kinds a text shows, whatever product it names (or none)."""
        norm = normalise(text).text
        return [m.kind for m in self._failures if m.first(norm, fired) is not None]

    def product_named(self, text: str) -> tuple[str, str] | None:
        """The product a text names (its id, and the words as the customer wrote them), or None:
        the most specific (not generic, the longest, the earliest)."""
        norm = normalise(text)
        found = self._named(norm.text)
        if not found:
            return None
        best = min(found, key=lambda n: (n.generic, n.start - n.end, n.start))
        source = norm.original if len(norm.original) == len(norm.text) else norm.text
        return best.product, source[best.start : best.end]

    def _fits(self, failure: _FailureMatcher) -> Callable[[str], bool]:
        """Whether a named product is of a kind the failure happens to (any, when it names none), or
        of a kind that makes what the failure is found in."""
        if failure.happens_to is None:
            return lambda _product: True
        families = failure.happens_to | failure.made_by  # once per failure, not per product named
        return lambda product: self._family_of[product] in families

    def _maker(self, failure: _FailureMatcher) -> Callable[[str], bool]:
        """Whether a named product made what the failure was found in (the blender, not the soup)."""
        return lambda product: self._family_of[product] in failure.made_by

    @staticmethod
    def _nearest(
        named: list[_NamedProduct],
        text: str,
        start: int,
        end: int,
        fits: Callable[[str], bool],
        made: Callable[[str], bool],
    ) -> str | None:
        """The product a failure is told about: one that made what the failure was found in (the
        blender whose guard shattered into the soup), then one of a kind the failure happens to (the
        drill, not the pillow its battery puffed up like), a specific one before a part or a place, then one
        named in the failure's own sentence ("The kettle is fine. The toaster sparked."), then the
        longer name (给手机充电的充电宝鼓包 is the power bank), then the earlier."""
        if not named:
            return None
        sentence_start, sentence_end = _sentence_start(text, start), _sentence_end(text, end)

        def rank(name: _NamedProduct) -> tuple[bool, bool, bool, bool, int, int]:
            elsewhere = name.end <= sentence_start or name.start >= sentence_end
            return (
                not made(name.product),
                not fits(name.product),
                name.generic,
                elsewhere,
                name.start - name.end,
                name.start,
            )

        return min(named, key=rank).product

    def _named(self, text: str) -> list[_NamedProduct]:
        """Every product name in the text, in text order, without the names inside a longer one
        (手机 in 手机充电器), each in the sense the words beside it tell (a child's 小车 is a toy
        car), and without a part's owner (手机的充电头, "my phone's plug": the part is the product)."""
        spans = self._product_names.spans(text)

        def inside_another(start: int, end: int) -> bool:
            return any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans)

        outermost = sorted({(s, e) for s, e in spans if not inside_another(s, e)})
        named = [self._in_sense(text, s, e) for s, e in outermost]
        owners: set[int] = set()
        for i, (first, second) in enumerate(pairwise(named)):
            if second.start < first.end:
                continue  # overlapping names (压力锅盖): neither owns the other
            gap = _link(text[first.end : second.start])
            if gap in self._owner_before and not second.generic:
                owners.add(i)  # 手机的充电头: the phone owns the charger
            elif gap in self._owner_after and not first.generic:
                owners.add(i + 1)  # the charger for my laptop
        return [name for i, name in enumerate(named) if i not in owners]

    def _in_sense(self, text: str, start: int, end: int) -> _NamedProduct:
        name = text[start:end]
        for beside, unless, product, generic in self._senses.get(name, ()):
            if beside.found_in(text) and (unless is None or not unless.found_in(text)):
                return _NamedProduct(product, generic, start, end)
        return _NamedProduct(*self._product_of[name], start, end)
