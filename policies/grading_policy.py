"""Schema of grading.yaml: the signals that set a complaint's level, type and emotion (R-GRADE, R-INTAKE-4).

A cue is a phrase in the customer's words. Syntax, kept small so policy owners can edit it:
- `漏电`, `caught fire`: the phrase itself (English phrases match whole words);
- `vomit*`: an English word start (vomit, vomited, vomiting);
- `甲醛 & 头疼|头晕`: the first phrase counts only when one of the alternatives after `&`
  stands near it (`context.near_chars` either side, or the signal's own `near_chars`; several
  `&` groups must all be satisfied);
- `甲醛 &< 测出`: the companion must stand before the phrase;
- `@symptom & @eating`: a concept of concepts.yaml, as the phrase (each of its phrases) or among
  the alternatives; the concept's look-alike senses never count.
"""

import re
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.concepts import references_in
from policies.rule_ids import RuleId
from policies.taxonomy import Category, Subtype


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Phrases(Strict):
    """Phrases by language; traditional Chinese is normalised to simplified before matching.
    `any` holds combinations of concepts, which carry both languages themselves."""

    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.zh, *self.en, *self.any]

    @model_validator(mode="after")
    def stars_end_words(self) -> Self:
        # `*` marks an English word start and is read only at the end of a phrase: one inside a
        # phrase ("unauthori* charge*") would silently never match.
        for phrase in self.all():
            for alternative in re.split(r"[&|]", phrase):
                if "*" in alternative.strip().rstrip("*"):
                    raise ValueError(f"{phrase!r}: '*' may only end a phrase (an English word start)")
        return self

    def concept_names(self) -> set[str]:
        """Every concept a phrase of this list refers to (`@name`)."""
        return {name for phrase in self.all() for name in references_in(phrase)}


class ByLanguage(Strict):
    """A length in characters per language: English needs more characters for the same few words."""

    zh: int = Field(gt=0)
    en: int = Field(gt=0)


class Tag(Strict):
    zh: str
    en: str


Scope = Literal["clause", "sentence", "text"]
ContextName = Literal[
    "irrealis",
    "fear",
    "doubt",
    "negation",
    "question",
    "attribution",
    "adjacent_negation",
    "own_doing",
    "hearsay",
]


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
    near_chars: ByLanguage | None = Field(
        default=None, description="how far its `&` companions may stand; default context.near_chars"
    )
    scope: Scope = Field(default="sentence", description="where its `&` companions may stand")

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
    window_chars: ByLanguage | None = Field(
        default=None, description="how far before a cue to look; default context.window_chars"
    )
    after_chars: ByLanguage | None = Field(
        default=None, description="also look this far after the cue, in its sentence (none: before only)"
    )
    reach: Literal["clause", "sentence"] = Field(
        default="clause", description="look in the cue's clause, or back through its sentence, before it"
    )
    ended_by: Phrases = Field(
        default_factory=Phrases,
        description="words between a context word and the cue that end its hold: the customer's own case",
    )


class Context(Strict):
    window_chars: ByLanguage = Field(description="how far before a cue context words are looked for")
    near_chars: ByLanguage = Field(
        description="how far either side of a cue its `&` companions are looked for"
    )
    irrealis: ContextWords
    fear: ContextWords = Field(description="fear or a hypothetical only; a stated hazard still counts")
    doubt: ContextWords
    negation: ContextWords
    attribution: ContextWords = Field(description="someone else's act or a mere suggestion (R-GRADE-1c)")
    adjacent_negation: ContextWords = Field(description="a negation right before a cue: 无划伤, no scratches")
    own_doing: ContextWords = Field(
        description="the customer's own mishap, told before or after the harm (my own clumsiness, 怪我自己)"
    )
    hearsay: ContextWords | None = Field(
        default=None,
        description="someone else's case told as news or rumour, until the customer turns to their own",
    )
    question_markers: Phrases
    question_except: Phrases = Field(
        default_factory=Phrases, description="questions about what happened (为什么, why) are not rhetorical"
    )


class SubtypeCues(Strict):
    category: Category
    subtype: Subtype
    weight: float = Field(gt=0)
    cues: Phrases


class DecisiveCues(Strict):
    """When the rules' category cues alone decide: their top category scores at least `min_score`
    and holds at least `min_share` of all cue weight (a clear majority of strong cues)."""

    min_score: float = Field(gt=0)
    min_share: float = Field(gt=0.5, le=1)


class Classification(Strict):
    """Category and subtype by weighted cues (R-GRADE-4, R-GRADE-5) and the learned reader; the
    subtype of a category that no cue named."""

    rule: RuleId
    default_subtypes: dict[Category, Subtype]
    decisive: DecisiveCues | None = None
    category_cues: dict[Category, list[SubtypeCues]]
    tags: dict[Subtype, Tag]

    @model_validator(mode="after")
    def every_category_has_a_default(self) -> Self:
        missing = sorted(set(self.category_cues) - set(self.default_subtypes))
        if missing:
            raise ValueError(f"default_subtypes lacks {missing}")
        return self


class ModelRaise(Strict):
    """How a level the learned reader alone gave is cited and tagged."""

    rule: RuleId
    tag: Tag


class ModelPolicy(Strict):
    """The learned second reader (issue 13): its artifact and how its decisions are shown."""

    file: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.json$", description="artifact beside the policy files")
    complaint_floor_with_level_1: float = Field(
        ge=0, le=1, description="complaint probability above which a level-1 signal makes a complaint"
    )
    complaint_floor_with_level_2: float = Field(
        ge=0, le=1, description="complaint probability above which a level-2 signal makes a complaint"
    )
    level_1: ModelRaise
    level_2: ModelRaise


class EmotionPolicy(Strict):
    rule: RuleId
    cues: Phrases
    exclamation_run: int = Field(gt=1, description="this many ! in a row read as high emotion")
    emoji: list[str] = Field(default_factory=list)


class ComplaintCues(Strict):
    """What a complaint says and what praise says (R-INTAKE-3): concepts of concepts.yaml whose
    undenied mentions the learned reader counts, and whose first mention is the evidence."""

    rule: RuleId
    problems: list[str] = Field(min_length=1, description="concepts that say something went wrong")
    praise: list[str] = Field(default_factory=list, description="concepts that say something went right")
    min_content_words: int = Field(
        default=0,
        ge=0,
        description="a text saying fewer words (handles and links left out) is no complaint unless it "
        "names a problem or a level signal",
    )
    praise_alone_max_words: int = Field(
        default=0,
        ge=0,
        description="a text of at most this many words that praises or plainly asks, and names no "
        "problem or level signal, is no complaint when the learned reader is unsure (0: no such rule)",
    )
    praise_alone_below: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="the learned reader's complaint score under which such a text counts as praise alone",
    )


class GradingPolicy(Strict):
    routine_rule: RuleId
    model: ModelPolicy
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

    def concept_names(self) -> set[str]:
        """Every concept of concepts.yaml the signals and cues refer to."""
        ctx = self.context
        names: set[str] = set()
        for words in (
            ctx.irrealis,
            ctx.fear,
            ctx.doubt,
            ctx.negation,
            ctx.attribution,
            ctx.adjacent_negation,
        ):
            names |= words.words.concept_names() | words.except_phrases.concept_names()
        for signal in self.signals:
            names |= signal.cues.concept_names() | signal.not_in.concept_names()
        for entries in self.classification.category_cues.values():
            for entry in entries:
                names |= entry.cues.concept_names()
        return names | set(self.complaint.problems) | set(self.complaint.praise)
