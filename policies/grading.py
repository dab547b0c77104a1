"""The grader: level, type, emotion, whether it is a complaint, and why (R-GRADE, R-INTAKE-3/4).

Two readers decide together. The rules (grading.yaml over concepts.yaml) say what makes a case;
the learned reader (grading-model.json) has read labelled real text and catches what the rules'
words miss. Recall first (issue 13): a complaint the model finds likely level 1 while the rules do
not is graded level 1, with the model's evidence and a tag that says so, so a supervisor looks at
it. Every decision carries the customer's own words.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from policies.concepts import ConceptLexicon
from policies.cue_reading import CueReader, Hit, Reading
from policies.decision import Grading, Reason
from policies.grading_model import GradingModel, Matched, Scores, reading_features, text_features
from policies.grading_policy import DecisiveCues, GradingPolicy
from policies.taxonomy import Category, Subtype
from policies.text import Normalised, content_words, normalise

if TYPE_CHECKING:
    from policies.loader import Policy

_EVIDENCE_CHARS = 80
_OPENING_CHARS = 16  # a subject holding this much of the text's start repeats the text
_QUOTES_FROM_MODEL = 2
_MODEL_FEATURES_TRIED = 4  # the strongest features looked for in the text to quote
_QUOTE_JOINER = " … "


def _opens(text: str, subject: str) -> bool:
    """Whether the subject only repeats the text's opening words, as Zendesk and most channels make
    a subject when the customer gave none (sometimes after a label: "weibo @user: ..."): grading it
    again would quote the cut copy, not the text."""
    head = subject.strip().rstrip(".…").rstrip()
    if not head:
        return False
    opening = text.lstrip()[:_OPENING_CHARS]
    return text.lstrip().startswith(head) or (len(opening) >= _OPENING_CHARS and opening in head)


def _reading_of(reader: CueReader, text: str, subject: str | None) -> tuple[Reading, set[str]]:
    full = f"{subject}\n{text}" if subject and not _opens(text, subject) else text
    reading = reader.read(normalise(full))
    others = reading_features(
        reading.norm,
        {name: denied for name, (_, denied) in reading.concepts.items() if name in reader.feature_concepts},
        [signal.name for signal, _ in reading.fired],
        len(reading.complaint),
        len(reading.praise),
    )
    return reading, others


def read_text(reader: CueReader, text: str, subject: str | None = None) -> tuple[Reading, set[str]]:
    """What the rules find in a text, and every feature the model reads (what training uses)."""
    reading, others = _reading_of(reader, text, subject)
    return reading, text_features(reading.norm) | others


def blended_category(
    rule_scores: dict[str, float],
    model: dict[str, float],
    weight: float,
    order: list[str],
    decisive: "DecisiveCues | None" = None,
) -> str:
    """The category the rules' cue shares and the model's probabilities point to together
    (`weight` is the model's share); a clear majority of strong cues (`decisive`) decides alone.
    Ties go to the category listed first in the policy."""
    total = sum(rule_scores.values())
    rank = {category: -index for index, category in enumerate(order)}
    if decisive is not None and total:
        top = max(order, key=lambda c: (rule_scores.get(c, 0.0), rank[c]))
        if rule_scores.get(top, 0.0) >= decisive.min_score and rule_scores[top] / total >= decisive.min_share:
            return top

    def blended(category: str) -> tuple[float, int]:
        rule_share = rule_scores.get(category, 0.0) / total if total else 0.0
        return weight * model.get(category, 0.0) + (1 - weight) * rule_share, rank[category]

    return max(order, key=blended)


@dataclass(frozen=True, slots=True)
class _Classification:
    category: Category
    subtype: Subtype
    hit: Hit | None


class Grader:
    """Grades one complaint text with the rules and the learned reader; pure and thread-safe."""

    def __init__(
        self, policy: GradingPolicy, concepts: ConceptLexicon, model: GradingModel, policy_version: str
    ) -> None:
        self._policy = policy
        self._model = model
        self._version = policy_version
        self._reader = CueReader(policy, concepts)
        self._exclamations_run = policy.emotion.exclamation_run

    @classmethod
    def from_policy(cls, policy: "Policy") -> "Grader":
        return cls(policy.grading, policy.concepts, policy.model, policy.version)

    # -- what the customer wrote, found again --------------------------------------------------------

    @staticmethod
    def _quote(norm: Normalised, hit: Hit) -> str:
        return norm.evidence(hit.start, hit.end, _EVIDENCE_CHARS)

    def _feature_span(self, reading: Reading, feature: str) -> tuple[int, int] | None:
        """Where a model feature stands in the text, to quote it."""
        norm = reading.norm
        kind, _, value = feature.partition(":")
        if kind == "z":
            start = norm.text.find(value)
            return (start, start + len(value)) if start >= 0 else None
        if kind == "w":
            words = " ".join(w.removeprefix("not_") for w in value.split(" "))
            start = norm.text.find(words)
            return (start, start + len(words)) if start >= 0 else None
        if kind == "c":
            found = reading.concepts.get(value.split("~")[0])
            return (found[0].start, found[0].end) if found else None
        if kind == "s":
            hit = next((h for s, h in reading.fired if s.name == value), None)
            return (hit.start, hit.end) if hit else None
        return None

    def _model_evidence(
        self, reading: Reading, head: str, features: Matched, category: str | None = None
    ) -> str:
        quotes: list[str] = []
        strongest = self._model.strongest(head, features, limit=_MODEL_FEATURES_TRIED, category=category)
        for explanation in strongest:
            span = self._feature_span(reading, explanation.feature)
            if span is None:
                continue
            quote = reading.norm.evidence(span[0], span[1], _EVIDENCE_CHARS)
            if quote and all(quote not in q and q not in quote for q in quotes):
                quotes.append(quote)
            if len(quotes) == _QUOTES_FROM_MODEL:
                break
        return _QUOTE_JOINER.join(quotes)

    # -- the parts of the decision -------------------------------------------------------------------

    def _classify(self, reading: Reading, scores: Scores) -> _Classification:
        """Category by the rules' cues and the model's reading together; subtype by the cues."""
        classification = self._policy.classification
        by_category, best = self._reader.category_scores(reading)
        category = blended_category(
            by_category,
            scores.category,
            self._model.category_weight,
            list(classification.category_cues),
            classification.decisive,
        )
        if category in best:
            _, owner, hit = best[category]
            return _Classification(category, self._reader.class_entries[owner].subtype, hit)  # type: ignore[arg-type]
        return _Classification(category, classification.default_subtypes[category], None)  # type: ignore[index]

    def _emotion(self, reading: Reading) -> str | None:
        """The words that show high emotion (R-INTAKE-4), or None when the tone is normal."""
        norm = reading.norm
        if reading.emotion is not None:
            return self._quote(norm, reading.emotion)
        run = "!" * self._exclamations_run
        for marks in (run, "！" * self._exclamations_run):
            start = norm.text.find(marks)
            if start >= 0:
                return norm.evidence(start, start + len(marks), _EVIDENCE_CHARS)
        return None

    # -- the decision ------------------------------------------------------------------------------

    def grade(self, text: str, subject: str | None = None) -> Grading:
        """Grade a complaint from its subject and text; the most urgent signal sets the level."""
        reading, others = _reading_of(self._reader, text, subject)
        norm = reading.norm
        lang = "zh" if norm.is_chinese else "en"
        scores, features = self._model.score_text(norm, others)
        model_policy = self._policy.model
        reasons: list[Reason] = []
        tags: list[str] = []

        level = 3
        implied: tuple[Category, Subtype] | None = None
        for signal, hit in sorted(reading.fired, key=lambda pair: pair[0].level or 9):
            reason = Reason(rule=signal.rule, evidence=self._quote(norm, hit))
            if reason not in reasons:
                reasons.append(reason)
            tags.append(getattr(signal.tag, lang))
            if signal.level is not None and signal.level < level:
                level = signal.level
            if implied is None and signal.level is not None and signal.implies is not None:
                implied = signal.implies

        # Is it a complaint at all (R-INTAKE-3)? A level signal says so; otherwise the model reads
        # the whole text, and the evidence is the customer's first words of a problem.
        # Recall first for level 1: a safety or regulator signal makes a complaint unless the model
        # reads the text as plainly none (a thank-you to staff who looked after a sick guest).
        floors = {1: model_policy.complaint_floor_with_level_1, 2: model_policy.complaint_floor_with_level_2}
        rule_says_complaint = level in floors and scores.complaint >= floors[level]
        cues = self._policy.complaint
        words = content_words(norm.original)
        # A few words of praise ("好车", "推推", "Solid phone") name nothing a complaint could be.
        praise_alone = (
            any(hit.end - hit.start > 1 for hit in reading.praise)  # 好 alone is also "very" (好久)
            and words <= cues.praise_alone_max_words
            and scores.complaint < cues.praise_alone_below
        )
        says_little = not reading.complaint and (words < cues.min_content_words or praise_alone)
        is_complaint = rule_says_complaint or (
            not says_little and scores.complaint >= self._model.threshold("complaint")
        )
        complaint_evidence = ""
        if is_complaint and not rule_says_complaint:
            complaint_evidence = (
                self._quote(norm, reading.complaint[0])
                if reading.complaint
                else self._model_evidence(reading, "complaint", features)
            )
            # The model read the whole (often short) text as a complaint: its opening words are why.
            complaint_evidence = complaint_evidence or norm.evidence(0, 0, _EVIDENCE_CHARS)

        # Recall first: the model alone may raise a complaint to level 1 or 2 (tagged for a look).
        raises = (
            (1, "level_1", scores.level_1, model_policy.level_1),
            (2, "level_2", scores.level_2, model_policy.level_2),
        )
        for raised, head, score, citation in raises:
            if is_complaint and level > raised and score >= self._model.threshold(head):
                level = raised
                evidence = self._model_evidence(reading, head, features)
                reasons.insert(0, Reason(rule=citation.rule, evidence=evidence))
                tags.append(getattr(citation.tag, lang))
                break

        if not is_complaint:
            level = 3  # a level belongs to a complaint; praise that names a lawyer has none

        # A level signal that names the problem type (counterfeit, wrong charge, ...) decides it.
        classification = self._policy.classification
        if implied is not None:
            category, subtype = implied
            class_evidence = ""
            class_hit: Hit | None = None
        else:
            found = self._classify(reading, scores)
            category, subtype, class_hit = found.category, found.subtype, found.hit
            class_evidence = self._quote(norm, class_hit) if class_hit is not None else ""
        if level == 3:
            reasons.append(
                Reason(rule=self._policy.routine_rule, evidence=class_evidence or complaint_evidence)
            )
        tags.append(getattr(classification.tags[subtype], lang))
        if class_hit is not None:
            reasons.append(Reason(rule=classification.rule, evidence=class_evidence))
        if complaint_evidence and complaint_evidence != class_evidence:
            reasons.append(Reason(rule=self._policy.complaint.rule, evidence=complaint_evidence))

        emotion_words = self._emotion(reading)
        if emotion_words is not None:
            reasons.append(Reason(rule=self._policy.emotion.rule, evidence=emotion_words))
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
            signals=tuple(dict.fromkeys(signal.name for signal, _ in reading.fired)),
        )
