"""Schema of concepts.yaml: lexicons of what matters (objects that injure, symptoms, regulators …).

A concept is a set of phrases in the customer's words that share one meaning, with the look-alike
senses that do not carry it. Grading rules (grading.yaml) combine concepts by name, `@name`, so a
rule says *what* makes a case ("an injuring object found in food") and the lexicon says how people
write it; a new way of saying "a staple" is one line in one lexicon, and every rule that uses the
concept learns it. A concept may include another (`@food` inside `food_or_drink`).
"""

import re
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.rule_ids import RuleId

_REFERENCE = re.compile(r"@[a-z_]+")


def is_reference(phrase: str) -> bool:
    """`@name` names a concept; any other phrase (an @-mention such as "@央视新闻" too) is literal."""
    return _REFERENCE.fullmatch(phrase) is not None


def references_in(phrase: str) -> set[str]:
    """The concepts a cue refers to (`@symptom & @eating|吃了` → {symptom, eating})."""
    parts = (part.strip() for group in phrase.split("&") for part in group.split("|"))
    return {part[1:] for part in parts if is_reference(part)}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Senses(_Strict):
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.zh, *self.en]


ConceptRole = Literal["harm", "authority", "problem", "praise", "context"]
# What the learned reader may weigh: a concept that says something is wrong (or right). Context
# concepts (a body part, a food, a vehicle) only combine in rules: as features they would teach
# the model the corpus's domains (hotels, fruit) instead of what makes a complaint.
FEATURE_ROLES: frozenset[str] = frozenset({"harm", "authority", "problem", "praise"})


class Concept(_Strict):
    """One meaning: its phrases by language (simplified Chinese; `word*` = an English word start)."""

    rule: RuleId
    role: ConceptRole = Field(description="harm, authority, problem, praise, or context (rules only)")
    about: str = Field(min_length=3, description="what the concept means, for the people who edit it")
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    not_in: Senses = Field(
        default_factory=Senses, description="look-alike senses that do not carry the meaning"
    )

    @model_validator(mode="after")
    def has_phrases(self) -> Self:
        if not self.zh and not self.en:
            raise ValueError("a concept needs at least one phrase")
        # `&` and `|` are the cue syntax of grading.yaml: inside a concept they would split a phrase.
        bad = [p for p in (*self.zh, *self.en, *self.not_in.all()) if "&" in p or "|" in p]
        if bad:
            raise ValueError(f"phrases may not contain '&' or '|' (write 'and' / 'or'): {bad}")
        # `*` marks an English word start only at a phrase's end; inside ("f*** me up") it would
        # stop the grader from being built, so the file is refused when it is read.
        starred = [p for p in (*self.zh, *self.en, *self.not_in.all()) if "*" in p.rstrip("*")]
        if starred:
            raise ValueError(f"'*' may only end a phrase (an English word start): {starred}")
        return self


class ConceptLexicon(_Strict):
    concepts: dict[str, Concept]

    @model_validator(mode="after")
    def references_resolve(self) -> Self:
        for name, concept in self.concepts.items():
            self._expand(name, concept, (name,))
        return self

    def _expand(self, name: str, concept: Concept, path: tuple[str, ...]) -> None:
        for phrase in (*concept.zh, *concept.en):
            if not is_reference(phrase):
                continue
            ref = phrase[1:]
            if ref not in self.concepts:
                raise ValueError(f"concept {name!r} includes unknown concept {phrase!r}")
            if ref in path:
                raise ValueError(f"concept {name!r} includes itself through {' → '.join((*path, ref))}")
            self._expand(ref, self.concepts[ref], (*path, ref))

    def phrases(self, name: str) -> list[str]:
        """Every phrase of a concept, included concepts expanded, in both languages."""
        out: list[str] = []
        for phrase in (*self.concepts[name].zh, *self.concepts[name].en):
            out.extend(self.phrases(phrase[1:]) if is_reference(phrase) else [phrase])
        return list(dict.fromkeys(out))

    def other_senses(self, name: str) -> list[str]:
        """The look-alikes of a concept and of the concepts it includes."""
        concept = self.concepts[name]
        out = concept.not_in.all()
        for phrase in (*concept.zh, *concept.en):
            if is_reference(phrase):
                out.extend(self.other_senses(phrase[1:]))
        return list(dict.fromkeys(out))

    def missing(self, names: set[str]) -> list[str]:
        return sorted(n for n in names if n not in self.concepts)
