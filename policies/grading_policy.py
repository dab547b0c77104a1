"""Schema of grading.yaml: the signals that set a complaint's level, type and emotion (R-GRADE, R-INTAKE-4).

A cue is a phrase in the customer's words. Syntax, kept small so policy owners can edit it:
- `漏电`, `caught fire`: the phrase itself (English phrases match whole words);
- `vomit*`: an English word start (vomit, vomited, vomiting);
- `甲醛 & 头疼|头晕`: the first phrase counts only when one of the alternatives after `&`
  stands near it (`context.near_chars` either side; several `&` groups must all be satisfied).
"""

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.rule_ids import RuleId
from policies.taxonomy import Category, Subtype


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Phrases(Strict):
    """Phrases by language; traditional Chinese is normalised to simplified before matching."""

    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.zh, *self.en]


class ByLanguage(Strict):
    """A length in characters per language: English needs more characters for the same few words."""

    zh: int = Field(gt=0)
    en: int = Field(gt=0)


class Tag(Strict):
    zh: str
    en: str


ContextName = Literal["irrealis", "doubt", "negation", "question"]


class Signal(Strict):
    """One rule of R-GRADE that a text can trigger, with the cues that show it and the senses that do not."""

    name: str = Field(pattern=r"^[a-z_]+$")
    rule: RuleId
    level: Literal[1, 2] | None = Field(description="level this signal sets; null = tag only")
    flag: Literal["safety", "media_or_regulator"] | None = None
    tag: Tag
    cues: Phrases
    not_in: Phrases = Field(
        default_factory=Phrases, description="other senses: a cue inside one of these phrases does not count"
    )
    void_if: list[ContextName] = Field(default_factory=list)
    implies: tuple[Category, Subtype] | None = None

    @model_validator(mode="after")
    def has_cues(self) -> Self:
        if not self.cues.all():
            raise ValueError(f"signal {self.name!r} has no cues")
        return self


class ContextWords(Strict):
    """Words before a cue, in the same clause, that change what the cue means."""

    rule: RuleId
    words: Phrases
    except_phrases: Phrases = Field(default_factory=Phrases, description="look-alikes that do not count")


class Context(Strict):
    window_chars: ByLanguage = Field(description="how far before a cue context words are looked for")
    near_chars: ByLanguage = Field(
        description="how far either side of a cue its `&` companions are looked for"
    )
    irrealis: ContextWords
    doubt: ContextWords
    negation: ContextWords
    question_markers: Phrases


class SubtypeCues(Strict):
    category: Category
    subtype: Subtype
    weight: float = Field(gt=0)
    cues: Phrases


class Classification(Strict):
    """Category and subtype by weighted cues (R-GRADE-4, R-GRADE-5); the default when nothing matches."""

    rule: RuleId
    default: tuple[Category, Subtype]
    category_cues: dict[Category, list[SubtypeCues]]
    tags: dict[Subtype, Tag]


class EmotionPolicy(Strict):
    rule: RuleId
    cues: Phrases
    exclamation_run: int = Field(gt=1, description="this many ! in a row read as high emotion")
    emoji: list[str] = Field(default_factory=list)


class ComplaintCues(Strict):
    rule: RuleId
    cues: Phrases


class GradingPolicy(Strict):
    routine_rule: RuleId
    context: Context
    signals: list[Signal]
    classification: Classification
    emotion: EmotionPolicy
    complaint: ComplaintCues

    @model_validator(mode="after")
    def unique_signal_names(self) -> Self:
        names = [s.name for s in self.signals]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate signal names: {duplicates}")
        return self
