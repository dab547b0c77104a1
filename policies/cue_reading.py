"""Reads one text against grading.yaml and concepts.yaml: which cues stand, in which sense.

All cues of the policy and every concept's phrases are compiled into one Aho-Corasick automaton
(ahocorasick-rs, overlapping matches), so a text is scanned once whatever the number of cues; the
context checks (negation, fear, attribution, other senses, companions) run only around the few
places that matched.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

import ahocorasick_rs

from policies.concepts import FEATURE_ROLES, ConceptLexicon, is_reference
from policies.grading_policy import (
    ByLanguage,
    ContextName,
    ContextWords,
    GradingPolicy,
    Phrases,
    Scope,
    Signal,
)
from policies.text import Normalised

_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# A context word's look-alike may begin this many characters before the window it is looked for in.
_EXCEPT_LEAD_CHARS = 6
# How many undenied mentions of problems (and of praise) are counted: the model reads 0, 1, 2, 3+.
COUNTED_MENTIONS = 3

CueKind = Literal["signal", "blocker", "class", "emotion", "concept", "concept_blocker"]


def _is_english(phrase: str) -> bool:
    return phrase.isascii()


def alternation(words: list[str]) -> re.Pattern[str]:
    """One regex for a list of phrases; English ones must stand as whole words."""
    from policies.text import normalise

    parts = []
    for word in sorted({normalise(w).text for w in words if w.strip()}, key=len, reverse=True):
        escaped = re.escape(word.rstrip("*"))
        if _is_english(word):
            escaped = rf"(?<![a-z0-9]){escaped}" + ("" if word.endswith("*") else r"(?![a-z0-9])")
        parts.append(escaped)
    return re.compile("|".join(parts)) if parts else re.compile(r"(?!x)x")


class PhraseSet:
    """Phrases found by one Aho-Corasick pass (English ones as whole words, `word*` as word starts):
    far cheaper than one regular expression of hundreds of alternatives."""

    def __init__(self, phrases: list[str]) -> None:
        from policies.text import normalise

        entries: dict[str, tuple[bool, bool]] = {}
        for raw in phrases:
            if not raw.strip():
                continue
            folded = normalise(raw).text
            phrase = folded.rstrip("*")
            if phrase:
                english = _is_english(phrase)
                entries[phrase] = (english, english and folded.endswith("*"))
        self._phrases = list(entries)
        self._kinds = [entries[p] for p in self._phrases]
        self._automaton = ahocorasick_rs.AhoCorasick(self._phrases) if self._phrases else None

    def spans(self, text: str) -> list[tuple[int, int]]:
        if self._automaton is None:
            return []
        out = []
        length = len(text)
        for index, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            english, word_start_only = self._kinds[index]
            if english and (
                (start > 0 and text[start - 1] in _WORD_CHARS)
                or (not word_start_only and end < length and text[end] in _WORD_CHARS)
            ):
                continue
            out.append((start, end))
        return out


@dataclass(frozen=True)
class SensedPhrases:
    """Phrases and their look-alike senses: a phrase found inside a look-alike does not count."""

    phrases: PhraseSet
    other_senses: PhraseSet | None = None

    @classmethod
    def of(cls, phrases: Sequence[str], other_senses: Sequence[str] = ()) -> "SensedPhrases":
        return cls(PhraseSet(list(phrases)), PhraseSet(list(other_senses)) if other_senses else None)

    def all(self, text: str) -> list[tuple[int, int]]:
        """Every place a phrase stands in its own sense, in text order."""
        found = sorted(self.phrases.spans(text))
        if not found or self.other_senses is None:
            return found
        blocked = self.other_senses.spans(text)
        return [s for s in found if not any(b0 <= s[0] and s[1] <= b1 for b0, b1 in blocked)]

    def first(self, text: str) -> tuple[int, int] | None:
        found = self.all(text)
        return found[0] if found else None

    def found_in(self, text: str) -> bool:
        """Whether any phrase stands in its own sense (no sorting: the grader's hot path)."""
        found = self.phrases.spans(text)
        if not found or self.other_senses is None:
            return bool(found)
        blocked = self.other_senses.spans(text)
        return any(not any(b0 <= s and e <= b1 for b0, b1 in blocked) for s, e in found)


@dataclass(frozen=True)
class _Companions:
    """One `&` group: any of its phrases near the cue (`&<`: before it), none of their look-alikes."""

    words: SensedPhrases
    before_only: bool = False

    def found_in(self, text: str) -> bool:
        return self.words.found_in(text)


@dataclass(frozen=True)
class Cue:
    kind: CueKind
    owner: int
    phrase: str
    length: int
    english: bool
    word_start_only: bool
    requirements: tuple[_Companions, ...] = ()


@dataclass(slots=True)
class Hit:
    cue: Cue
    start: int
    end: int


@dataclass(slots=True)
class Scan:
    """Everything the automaton found in one text, by kind."""

    hits: dict[str, list[Hit]] = field(default_factory=lambda: defaultdict(list))


class _ContextMatcher:
    """Context words (negation, fear, attribution) in the clause before a cue, minus their look-alikes."""

    def __init__(
        self, words: ContextWords, default_window: ByLanguage, expand: Callable[[str], list[str]]
    ) -> None:
        self._words = alternation([p for w in words.words.all() for p in expand(w)])
        exceptions = [p for w in words.except_phrases.all() for p in expand(w)]
        self._except = alternation(exceptions) if exceptions else None
        self.window = words.window_chars or default_window
        self.after = words.after_chars
        self.whole_sentence = words.reach == "sentence"
        enders = [p for w in words.ended_by.all() for p in expand(w)]
        self._ended_by = alternation(enders) if enders else None

    def may_be_in(self, text: str, begin: int, end: int) -> bool:
        return self._words.search(text, begin, end) is not None

    def found_in(self, prefix: str, cue: str = "", lead: str = "") -> bool:
        """A context word in `prefix`, outside the look-alikes; a look-alike may run on into the cue
        itself (感觉 + 过敏了: a sensation felt, not a doubt) or start in `lead`, the text just before
        the window (1分钟 + 不到很刺痛: a duration, not a negation)."""
        if self._except is not None:
            blanked = self._except.sub(lambda m: "\x00" * len(m.group()), lead + prefix + cue)
            prefix = blanked[len(lead) : len(lead) + len(prefix)]
        if self._ended_by is None:
            return self._words.search(prefix) is not None
        found = list(self._words.finditer(prefix))
        # The last context word holds unless the customer turned to their own case after it.
        return bool(found) and self._ended_by.search(prefix, found[-1].end()) is None


@dataclass(frozen=True, slots=True)
class Reading:
    """What stands in one text: signals that fired, cues of each kind, concepts (and whether denied)."""

    norm: Normalised
    fired: list[tuple[Signal, Hit]]
    classes: list[Hit]
    complaint: list[Hit]
    praise: list[Hit]
    emotion: Hit | None
    concepts: dict[str, tuple[Hit, bool]]  # each concept that matters to the model: first hit, denied


class CueReader:
    """Compiles the cues once; `read` finds what stands in a text. Pure and thread-safe."""

    def __init__(self, policy: GradingPolicy, concepts: ConceptLexicon) -> None:
        self._policy = policy
        self._lexicon = concepts
        self.signals = policy.signals
        self.class_entries = [e for entries in policy.classification.category_cues.values() for e in entries]
        # Only the concepts the model weighs are scanned for on their own; context concepts
        # (foods, body parts) are found as companions of the cues that need them.
        self.concept_names = [n for n, c in concepts.concepts.items() if c.role in FEATURE_ROLES]
        self.feature_concepts = frozenset(self.concept_names)
        self._problems = frozenset(policy.complaint.problems)
        self._praise = frozenset(policy.complaint.praise)
        ctx = policy.context
        self._window = ctx.window_chars
        self._near = ctx.near_chars
        self._contexts: dict[str, _ContextMatcher] = {
            name: _ContextMatcher(getattr(ctx, name), self._window, self.expand)
            for name in get_args(ContextName)
            # a question is read from the sentence, not from words near the cue
            if name != "question" and getattr(ctx, name) is not None
        }
        self._question = alternation(ctx.question_markers.all())
        self._question_except = alternation(ctx.question_except.all()) if ctx.question_except.all() else None
        self._automaton = self._build_automaton()

    # -- compilation -------------------------------------------------------------------------------

    def expand(self, phrase: str) -> list[str]:
        """A phrase, or every phrase of the concept it names."""
        return self._lexicon.phrases(phrase[1:]) if is_reference(phrase) else [phrase]

    def _companions(self, group: str) -> _Companions:
        before_only = group.startswith("<")
        alternatives = [a.strip() for a in group.removeprefix("<").split("|") if a.strip()]
        phrases = [p for a in alternatives for p in self.expand(a)]
        senses = [s for a in alternatives if is_reference(a) for s in self._lexicon.other_senses(a[1:])]
        return _Companions(SensedPhrases.of(phrases, senses), before_only)

    def _build_automaton(self) -> "ahocorasick_rs.AhoCorasick":
        from policies.text import normalise

        table: dict[str, list[Cue]] = defaultdict(list)

        def add(kind: CueKind, owner: int, phrases: Phrases) -> None:
            for raw in phrases.all():
                head, *groups = (part.strip() for part in raw.split("&"))
                requirements = tuple(self._companions(group) for group in groups)
                for head_phrase in self.expand(head):
                    phrase = normalise(head_phrase).text
                    english = _is_english(phrase)
                    word_start_only = english and phrase.endswith("*")
                    phrase = phrase.rstrip("*")
                    if phrase:
                        table[phrase].append(
                            Cue(kind, owner, phrase, len(phrase), english, word_start_only, requirements)
                        )
                if kind == "signal" and is_reference(head):
                    # The concept's look-alikes block it wherever a cue uses it as the phrase.
                    add("blocker", owner, Phrases(any=self._lexicon.other_senses(head[1:])))

        for index, signal in enumerate(self.signals):
            add("signal", index, signal.cues)
            add("blocker", index, signal.not_in)
        for index, entry in enumerate(self.class_entries):
            add("class", index, entry.cues)
        emotion = self._policy.emotion
        add("emotion", 0, emotion.cues)
        add("emotion", 0, Phrases(zh=emotion.emoji))
        for index, name in enumerate(self.concept_names):
            add("concept", index, Phrases(any=self._lexicon.phrases(name)))
            add("concept_blocker", index, Phrases(any=self._lexicon.other_senses(name)))

        self._phrases = list(table)
        self._cues_of = [tuple(table[phrase]) for phrase in self._phrases]
        return ahocorasick_rs.AhoCorasick(self._phrases)

    # -- reading -----------------------------------------------------------------------------------

    def _scan(self, norm: Normalised) -> dict[str, list[Hit]]:
        text = norm.text
        length = len(text)
        hits: dict[str, list[Hit]] = defaultdict(list)
        cues_of = self._cues_of
        for index, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            for cue in cues_of[index]:
                # English cues stand as whole words (or word starts for `word*`).
                if cue.english and (
                    (start > 0 and text[start - 1] in _WORD_CHARS)
                    or (not cue.word_start_only and end < length and text[end] in _WORD_CHARS)
                ):
                    continue
                hits[cue.kind].append(Hit(cue, start, end))
        return hits

    def requirements_met(
        self, norm: Normalised, hit: Hit, near: ByLanguage | None = None, scope: Scope = "sentence"
    ) -> bool:
        if not hit.cue.requirements:
            return True
        reach = near or self._near
        near_chars = reach.zh if norm.is_chinese else reach.en
        # Companions stand in the cue's clause, sentence or text, at most near_chars away.
        if scope == "clause":
            begin = max(norm.clause_start(hit.start, near_chars), hit.start - near_chars)
            end = min(norm.clause_end(hit.end), hit.end + near_chars)
        elif scope == "sentence":
            begin = max(norm.sentence_start(hit.start, near_chars), hit.start - near_chars)
            end = min(norm.sentence_end(hit.end), hit.end + near_chars)
        else:
            begin, end = max(0, hit.start - near_chars), hit.end + near_chars
        text = norm.text
        # A reach that ends inside a word takes the whole word: "the car" is not in "the carpet".
        while 0 < end < len(text) and text[end] in _WORD_CHARS and text[end - 1] in _WORD_CHARS:
            end += 1
        while 0 < begin < len(text) and text[begin - 1] in _WORD_CHARS and text[begin] in _WORD_CHARS:
            begin -= 1
        return all(
            companions.found_in(text[begin : hit.start] if companions.before_only else text[begin:end])
            for companions in hit.cue.requirements
        )

    def in_context(self, norm: Normalised, hit: Hit, context: ContextName) -> bool:
        if context == "question":
            return self._rhetorical_question(norm, hit)
        matcher = self._contexts.get(context)
        if matcher is None:
            return False  # a context the policy does not define voids nothing
        if matcher.after is not None and self._told_after(norm, hit, matcher):
            return True
        window = matcher.window.zh if norm.is_chinese else matcher.window.en
        # Most cues have no context word near them at all: look for one before cutting the clause.
        if not matcher.may_be_in(norm.text, max(0, hit.start - window), hit.start):
            return False
        if matcher.whole_sentence:
            before = norm.text[norm.sentence_start(hit.start, window) : hit.start]
        else:
            before = norm.clause_before(hit.start, window)
        begin = hit.start - len(before)
        lead = norm.text[max(0, begin - _EXCEPT_LEAD_CHARS) : begin]
        return matcher.found_in(before, norm.text[hit.start : hit.end], lead)

    @staticmethod
    def _told_after(norm: Normalised, hit: Hit, matcher: _ContextMatcher) -> bool:
        """Context words after the cue, in its sentence and within the matcher's `after_chars`."""
        assert matcher.after is not None
        reach = matcher.after.zh if norm.is_chinese else matcher.after.en
        end = min(norm.sentence_end(hit.end), hit.end + reach)
        return matcher.may_be_in(norm.text, hit.end, end) and matcher.found_in(norm.text[hit.end : end])

    def _rhetorical_question(self, norm: Normalised, hit: Hit) -> bool:
        """The cue's sentence asks a question that is not about what happened (是假货吗? / 为什么会冒烟?).
        The question mark stands in the cue's clause or the next: a question three clauses on asks
        about something else (电池膨起来，背盖撑开了，门市说要等两周，这段时间我用什么?)."""
        end = min(norm.sentence_end(hit.end), norm.clause_end(norm.clause_end(hit.end) + 1)) + 1
        if not self._question.search(norm.text, hit.end, end):
            return False
        # "Why did it catch fire?" asks about what happened, and "还好意思叫旗舰店?" is an insult: the
        # why-word or the taunt stands in the cue's clause or the question's.
        begin = norm.clause_start(hit.start, len(norm.text))
        return self._question_except is None or not self._question_except.search(norm.text, begin, end)

    @staticmethod
    def _blocked(hit: Hit, blockers: list[Hit]) -> bool:
        return any(b.start <= hit.start and b.end >= hit.end for b in blockers)

    def _fired_signals(self, norm: Normalised, hits: dict[str, list[Hit]]) -> list[tuple[Signal, Hit]]:
        blockers: dict[int, list[Hit]] = defaultdict(list)
        for hit in hits["blocker"]:
            blockers[hit.cue.owner].append(hit)
        fired: dict[int, Hit] = {}
        for hit in hits["signal"]:
            owner = hit.cue.owner
            if owner in fired or self._blocked(hit, blockers[owner]):
                continue
            signal = self.signals[owner]
            if self.requirements_met(norm, hit, signal.near_chars, signal.scope) and not any(
                self.in_context(norm, hit, c) for c in signal.void_if
            ):
                fired[owner] = hit
        return [(self.signals[i], fired[i]) for i in sorted(fired)]

    def _concepts(
        self, norm: Normalised, hits: dict[str, list[Hit]]
    ) -> tuple[dict[str, tuple[Hit, bool]], list[Hit], list[Hit]]:
        """Each concept found, with its first standing hit and whether every hit of it was denied;
        and the undenied mentions of problems and of praise."""
        blockers: dict[int, list[Hit]] = defaultdict(list)
        for hit in hits["concept_blocker"]:
            blockers[hit.cue.owner].append(hit)
        found: dict[str, tuple[Hit, bool]] = {}
        problems: list[Hit] = []
        praise: list[Hit] = []
        for hit in hits["concept"]:
            name = self.concept_names[hit.cue.owner]
            previous = found.get(name)
            counted = problems if name in self._problems else praise if name in self._praise else None
            # Settled: the concept stands undenied and its mentions are counted as far as they count.
            if (
                previous is not None
                and not previous[1]
                and (counted is None or len(counted) >= COUNTED_MENTIONS)
            ):
                continue
            if self._blocked(hit, blockers[hit.cue.owner]):
                continue
            denied = self.in_context(norm, hit, "adjacent_negation")
            if not denied and counted is not None and len(counted) < COUNTED_MENTIONS:
                counted.append(hit)
            if previous is None or (previous[1] and not denied):
                found[name] = (hit, denied)
        return found, problems, praise

    def read(self, norm: Normalised) -> Reading:
        hits = self._scan(norm)
        emotions = hits["emotion"]
        concepts, problems, praise = self._concepts(norm, hits)
        return Reading(
            norm=norm,
            fired=self._fired_signals(norm, hits),
            classes=hits["class"],
            complaint=problems,
            praise=praise,
            emotion=emotions[0] if emotions else None,
            concepts=concepts,
        )

    def category_scores(self, reading: Reading) -> tuple[dict[str, float], dict[str, tuple[float, int, Hit]]]:
        """Weighted category cues: the total per category, and its best subtype entry with a hit."""
        scores: dict[int, float] = defaultdict(float)
        first_hit: dict[int, Hit] = {}
        seen: set[tuple[int, str]] = set()
        for hit in reading.classes:
            key = (hit.cue.owner, hit.cue.phrase)
            if key in seen or not self.requirements_met(reading.norm, hit):
                continue
            seen.add(key)
            scores[hit.cue.owner] += self.class_entries[hit.cue.owner].weight
            first_hit.setdefault(hit.cue.owner, hit)
        by_category: dict[str, float] = defaultdict(float)
        best: dict[str, tuple[float, int, Hit]] = {}
        for owner, score in scores.items():
            entry = self.class_entries[owner]
            by_category[entry.category] += score
            current = best.get(entry.category)
            if current is None or (score, -owner) > (current[0], -current[1]):
                best[entry.category] = (score, owner, first_hit[owner])
        return by_category, best
