"""The grader: applies grading.yaml to one text and says level, type, emotion and why (R-GRADE, R-INTAKE-4).

All cues of the policy are compiled into one Aho-Corasick automaton, so a text is scanned once
whatever the number of cues; the context checks (negation, fear, doubt, other senses) run only
around the few places that matched.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

import ahocorasick

from policies.decision import Grading, Reason
from policies.grading_policy import ContextWords, GradingPolicy, Phrases, Signal
from policies.text import Normalised, normalise

_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_EVIDENCE_CHARS = 80

CueKind = Literal["signal", "blocker", "class", "emotion", "complaint"]


@dataclass(frozen=True)
class _Cue:
    kind: CueKind
    owner: int
    phrase: str
    length: int
    english: bool
    word_start_only: bool
    requirements: tuple[re.Pattern[str], ...] = ()


@dataclass(slots=True)
class _Hit:
    cue: _Cue
    start: int
    end: int


@dataclass(slots=True)
class _Scan:
    """Everything the automaton found in one text, sorted by kind; emotion and complaint keep their first."""

    signals: list[_Hit] = field(default_factory=list)
    blockers: list[_Hit] = field(default_factory=list)
    classes: list[_Hit] = field(default_factory=list)
    emotion: _Hit | None = None
    complaint: _Hit | None = None


def _is_english(phrase: str) -> bool:
    return phrase.isascii()


def _alternation(words: list[str]) -> re.Pattern[str]:
    """One regex for a list of phrases; English ones must stand as whole words."""
    parts = []
    for word in sorted({normalise(w).text for w in words if w.strip()}, key=len, reverse=True):
        escaped = re.escape(word.rstrip("*"))
        if _is_english(word):
            escaped = rf"(?<![a-z0-9]){escaped}" + ("" if word.endswith("*") else r"(?![a-z0-9])")
        parts.append(escaped)
    return re.compile("|".join(parts)) if parts else re.compile(r"(?!x)x")


class _ContextMatcher:
    """Context words (negation, fear, doubt) in the clause before a cue, minus their look-alikes."""

    def __init__(self, words: ContextWords) -> None:
        self._words = _alternation(words.words.all())
        self._except = _alternation(words.except_phrases.all()) if words.except_phrases.all() else None

    def found_in(self, prefix: str) -> bool:
        if self._except is not None:
            prefix = self._except.sub("\x00", prefix)
        return self._words.search(prefix) is not None


def _opens(text: str, subject: str) -> bool:
    """Whether the subject is only the text's opening words, as Zendesk and most channels make a
    subject when the customer gave none: grading it again would quote the cut copy, not the text."""
    head = subject.strip().rstrip(".…").rstrip()
    return bool(head) and text.lstrip().startswith(head)


class Grader:
    """Grades one complaint text against a validated grading policy; pure and thread-safe."""

    def __init__(self, policy: GradingPolicy, policy_version: str) -> None:
        self._policy = policy
        self._version = policy_version
        self._signals = policy.signals
        self._class_entries = [
            entry for entries in policy.classification.category_cues.values() for entry in entries
        ]
        ctx = policy.context
        self._window = ctx.window_chars
        self._near = ctx.near_chars
        self._contexts = {
            "irrealis": _ContextMatcher(ctx.irrealis),
            "doubt": _ContextMatcher(ctx.doubt),
            "negation": _ContextMatcher(ctx.negation),
        }
        self._question = _alternation(ctx.question_markers.all())
        self._exclamations = re.compile(f"[!！]{{{policy.emotion.exclamation_run},}}")
        self._automaton = self._build_automaton()

    # -- compilation -------------------------------------------------------------------------------

    def _build_automaton(self) -> ahocorasick.Automaton:
        table: dict[str, list[_Cue]] = defaultdict(list)

        def add(kind: CueKind, owner: int, phrases: Phrases) -> None:
            for raw in phrases.all():
                head, *groups = (part.strip() for part in raw.split("&"))
                phrase = normalise(head).text
                english = _is_english(phrase)
                word_start_only = english and phrase.endswith("*")
                phrase = phrase.rstrip("*")
                requirements = tuple(_alternation(group.split("|")) for group in groups)
                table[phrase].append(
                    _Cue(kind, owner, phrase, len(phrase), english, word_start_only, requirements)
                )

        for index, signal in enumerate(self._signals):
            add("signal", index, signal.cues)
            add("blocker", index, signal.not_in)
        for index, entry in enumerate(self._class_entries):
            add("class", index, entry.cues)
        add("emotion", 0, self._policy.emotion.cues)
        add("emotion", 0, Phrases(zh=self._policy.emotion.emoji))
        add("complaint", 0, self._policy.complaint.cues)

        automaton = ahocorasick.Automaton()
        for phrase, cues in table.items():
            automaton.add_word(phrase, tuple(cues))
        automaton.make_automaton()
        return automaton

    # -- matching ----------------------------------------------------------------------------------

    def _scan(self, norm: Normalised) -> _Scan:
        text = norm.text
        length = len(text)
        scan = _Scan()
        signals, classes = scan.signals, scan.classes
        for last, cues in self._automaton.iter(text):
            end = last + 1
            for cue in cues:
                start = end - cue.length
                # English cues stand as whole words (or word starts for `word*`).
                if cue.english and (
                    (start > 0 and text[start - 1] in _WORD_CHARS)
                    or (not cue.word_start_only and end < length and text[end] in _WORD_CHARS)
                ):
                    continue
                kind = cue.kind
                if kind == "signal":
                    signals.append(_Hit(cue, start, end))
                elif kind == "class":
                    classes.append(_Hit(cue, start, end))
                elif kind == "blocker":
                    scan.blockers.append(_Hit(cue, start, end))
                elif kind == "emotion":
                    if scan.emotion is None:
                        scan.emotion = _Hit(cue, start, end)
                elif scan.complaint is None:
                    scan.complaint = _Hit(cue, start, end)
        return scan

    def _requirements_met(self, norm: Normalised, hit: _Hit) -> bool:
        if not hit.cue.requirements:
            return True
        near_chars = self._near.zh if norm.is_chinese else self._near.en
        near = norm.text[max(0, hit.start - near_chars) : hit.end + near_chars]
        return all(pattern.search(near) for pattern in hit.cue.requirements)

    def _voided(self, norm: Normalised, hit: _Hit, signal: Signal) -> bool:
        if not signal.void_if:
            return False
        window = self._window.zh if norm.is_chinese else self._window.en
        prefix = norm.text[norm.clause_start(hit.start, window) : hit.start]
        for context in signal.void_if:
            if context == "question":
                if self._question.search(norm.text, hit.end, norm.sentence_end(hit.end) + 1):
                    return True
            elif self._contexts[context].found_in(prefix):
                return True
        return False

    def _fired_signals(self, norm: Normalised, scan: _Scan) -> list[tuple[Signal, _Hit]]:
        blockers: dict[int, list[_Hit]] = defaultdict(list)
        for hit in scan.blockers:
            blockers[hit.cue.owner].append(hit)
        fired: dict[int, _Hit] = {}
        for hit in scan.signals:
            owner = hit.cue.owner
            if owner in fired:
                continue
            if any(b.start <= hit.start and b.end >= hit.end for b in blockers[owner]):
                continue
            signal = self._signals[owner]
            if self._requirements_met(norm, hit) and not self._voided(norm, hit, signal):
                fired[owner] = hit
        return [(self._signals[i], fired[i]) for i in sorted(fired)]

    def _classify(self, norm: Normalised, scan: _Scan) -> tuple[str, str, _Hit | None]:
        scores: dict[int, float] = defaultdict(float)
        seen: set[tuple[int, str]] = set()
        best_hit: dict[int, _Hit] = {}
        for hit in scan.classes:
            key = (hit.cue.owner, hit.cue.phrase)
            if key in seen or not self._requirements_met(norm, hit):
                continue
            seen.add(key)
            scores[hit.cue.owner] += self._class_entries[hit.cue.owner].weight
            best_hit.setdefault(hit.cue.owner, hit)
        if not scores:
            category, subtype = self._policy.classification.default
            return category, subtype, None
        by_category: dict[str, float] = defaultdict(float)
        for owner, score in scores.items():
            by_category[self._class_entries[owner].category] += score
        # Ties go to the category listed first in the policy.
        order = list(self._policy.classification.category_cues)
        category = max(by_category, key=lambda c: (by_category[c], -order.index(c)))
        owners = [o for o in scores if self._class_entries[o].category == category]
        winner = max(owners, key=lambda o: (scores[o], -o))
        return category, self._class_entries[winner].subtype, best_hit[winner]

    def _emotion(self, norm: Normalised, scan: _Scan) -> str | None:
        """The words that show high emotion (R-INTAKE-4), or None when the tone is normal."""
        if scan.emotion is not None:
            hit = scan.emotion
            return norm.evidence(hit.start, hit.end, _EVIDENCE_CHARS)
        run = self._exclamations.search(norm.text)
        if run is not None:
            return norm.evidence(run.start(), run.end(), _EVIDENCE_CHARS)
        return None

    # -- the decision ------------------------------------------------------------------------------

    def grade(self, text: str, subject: str | None = None) -> Grading:
        """Grade a complaint from its subject and text; the most urgent signal sets the level."""
        full = f"{subject}\n{text}" if subject and not _opens(text, subject) else text
        norm = normalise(full)
        scan = self._scan(norm)
        fired = self._fired_signals(norm, scan)
        reasons: list[Reason] = []
        tags: list[str] = []
        lang = "zh" if norm.is_chinese else "en"

        level = 3
        implied: tuple[str, str] | None = None
        for signal, hit in sorted(fired, key=lambda pair: pair[0].level or 9):
            reasons.append(
                Reason(rule=signal.rule, evidence=norm.evidence(hit.start, hit.end, _EVIDENCE_CHARS))
            )
            tags.append(getattr(signal.tag, lang))
            if signal.level is not None and signal.level < level:
                level = signal.level
            if implied is None and signal.level is not None and signal.implies is not None:
                implied = signal.implies

        # A level signal that names the problem type (counterfeit, wrong charge, ...) decides it.
        if implied is not None:
            (category, subtype), class_hit = implied, None
        else:
            category, subtype, class_hit = self._classify(norm, scan)
        class_evidence = norm.evidence(class_hit.start, class_hit.end, _EVIDENCE_CHARS) if class_hit else ""
        if level == 3:
            reasons.append(Reason(rule=self._policy.routine_rule, evidence=class_evidence))
        classification = self._policy.classification
        tags.append(getattr(classification.tags[subtype], lang))  # type: ignore[index]
        if class_hit is not None:
            reasons.append(Reason(rule=classification.rule, evidence=class_evidence))

        emotion_words = self._emotion(norm, scan)
        if emotion_words is not None:
            reasons.append(Reason(rule=self._policy.emotion.rule, evidence=emotion_words))
        is_complaint = bool(
            any(signal.level is not None for signal, _ in fired)
            or scan.complaint is not None
            or emotion_words is not None
        )
        return Grading(
            is_complaint=is_complaint,
            level=level,
            category=category,
            subtype=subtype,
            emotion="high" if emotion_words is not None else "normal",
            language=lang,
            reasons=tuple(reasons),
            keyword_tags=tuple(dict.fromkeys(tags)),
            policy_version=self._version,
        )
