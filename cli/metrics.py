"""How well predicted grades match labelled ones: per-class scores, accuracies, confusion, misses.

Pure (no engine, no I/O) so the arithmetic can be checked on hand-computed examples, and so any
caller (the CLI, a notebook, a CI gate on a policy change) gets the same numbers.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

L = TypeVar("L", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One labelled ticket: what a person said and what the engine said. For a text labelled not
    a complaint only `predicted_complaint` is measured."""

    id: str | int
    expected_level: int
    predicted_level: int
    expected_category: str
    predicted_category: str
    expected_subtype: str
    predicted_subtype: str
    expected_complaint: bool = True
    predicted_complaint: bool = True
    level_1_by_model: bool = False  # level 1 given by the learned reader alone (tagged for a look)


@dataclass(frozen=True, slots=True)
class ClassScores(Generic[L]):
    """Precision, recall and F1 of one class; None where the ratio is 0/0 (nothing to measure)."""

    label: L
    precision: float | None
    recall: float | None
    f1: float | None
    support: int  # how many tickets were labelled with this class


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Share of tickets where the prediction equals the label; None when there are no tickets."""

    correct: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class Confusion(Generic[L]):
    """counts[i][j]: tickets labelled labels[i] that were predicted labels[j]."""

    labels: tuple[L, ...]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class Miss(Generic[L]):
    """A misclassified ticket."""

    id: str | int
    expected: L
    got: L


@dataclass(frozen=True, slots=True)
class ComplaintScores:
    """Is it a complaint at all: recall on labelled complaints, and how many labelled
    non-complaints (praise, questions) were called complaints."""

    complaints: int
    complaints_found: int
    non_complaints: int
    non_complaints_called_complaints: int

    @property
    def recall(self) -> float | None:
        return _ratio(self.complaints_found, self.complaints)

    @property
    def false_positive_rate(self) -> float | None:
        return _ratio(self.non_complaints_called_complaints, self.non_complaints)


@dataclass(frozen=True, slots=True)
class ModelLevel1:
    """Level-1 decisions the learned reader made alone, and how many were right."""

    decisions: int
    correct: int


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything `triage eval` reports, computed from a list of outcomes. Levels, categories and
    subtypes are measured on the labelled complaints; `complaint` on every text."""

    total: int
    complaint: ComplaintScores
    model_level_1: ModelLevel1
    level_scores: tuple[ClassScores[int], ...]
    level_accuracy: Accuracy
    category_accuracy: Accuracy
    subtype_accuracy: Accuracy
    level_confusion: Confusion[int]
    category_confusion: Confusion[str]
    level_misses: tuple[Miss[int], ...]
    category_misses: tuple[Miss[str], ...]
    subtype_misses: tuple[Miss[str], ...]


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def class_scores(pairs: Sequence[tuple[L, L]], labels: Sequence[L]) -> tuple[ClassScores[L], ...]:
    """Per-class scores from (expected, predicted) pairs, one entry per label in `labels`' order.

    F1 is 2·TP / (2·TP + FP + FN): the harmonic mean of precision and recall where both exist,
    0 when the class was labelled or predicted but never both at once, None when neither.
    """
    scores = []
    for label in labels:
        tp = sum(1 for expected, predicted in pairs if expected == label and predicted == label)
        fp = sum(1 for expected, predicted in pairs if expected != label and predicted == label)
        fn = sum(1 for expected, predicted in pairs if expected == label and predicted != label)
        scores.append(
            ClassScores(
                label=label,
                precision=_ratio(tp, tp + fp),
                recall=_ratio(tp, tp + fn),
                f1=_ratio(2 * tp, 2 * tp + fp + fn),
                support=tp + fn,
            )
        )
    return tuple(scores)


def confusion(pairs: Sequence[tuple[L, L]], labels: Sequence[L]) -> Confusion[L]:
    """Confusion matrix over `labels`, extended by any other label seen (so no ticket goes missing)."""
    seen = list(dict.fromkeys(labels))
    for expected, predicted in pairs:
        for label in (expected, predicted):
            if label not in seen:
                seen.append(label)
    index = {label: i for i, label in enumerate(seen)}
    counts = [[0] * len(seen) for _ in seen]
    for expected, predicted in pairs:
        counts[index[expected]][index[predicted]] += 1
    return Confusion(labels=tuple(seen), counts=tuple(tuple(row) for row in counts))


def _accuracy(pairs: Sequence[tuple[object, object]]) -> Accuracy:
    return Accuracy(
        correct=sum(1 for expected, predicted in pairs if expected == predicted), total=len(pairs)
    )


def _misses(ids: Sequence[str | int], pairs: Sequence[tuple[L, L]]) -> tuple[Miss[L], ...]:
    return tuple(
        Miss(i, expected, got) for i, (expected, got) in zip(ids, pairs, strict=True) if expected != got
    )


def evaluate(
    outcomes: Sequence[Outcome], levels: Sequence[int] = (1, 2, 3), categories: Sequence[str] = ()
) -> Evaluation:
    """Scores of the predictions in `outcomes`; misses keep the input order."""
    complaint = ComplaintScores(
        complaints=sum(1 for o in outcomes if o.expected_complaint),
        complaints_found=sum(1 for o in outcomes if o.expected_complaint and o.predicted_complaint),
        non_complaints=sum(1 for o in outcomes if not o.expected_complaint),
        non_complaints_called_complaints=sum(
            1 for o in outcomes if not o.expected_complaint and o.predicted_complaint
        ),
    )
    by_model = [o for o in outcomes if o.level_1_by_model]
    model_level_1 = ModelLevel1(
        decisions=len(by_model),
        correct=sum(1 for o in by_model if o.expected_complaint and o.expected_level == 1),
    )
    outcomes = [o for o in outcomes if o.expected_complaint]
    ids = [o.id for o in outcomes]
    level_pairs = [(o.expected_level, o.predicted_level) for o in outcomes]
    category_pairs = [(o.expected_category, o.predicted_category) for o in outcomes]
    subtype_pairs = [(o.expected_subtype, o.predicted_subtype) for o in outcomes]
    return Evaluation(
        total=len(outcomes),
        complaint=complaint,
        model_level_1=model_level_1,
        level_scores=class_scores(level_pairs, levels),
        level_accuracy=_accuracy(level_pairs),
        category_accuracy=_accuracy(category_pairs),
        subtype_accuracy=_accuracy(subtype_pairs),
        level_confusion=confusion(level_pairs, levels),
        category_confusion=confusion(category_pairs, categories),
        level_misses=_misses(ids, level_pairs),
        category_misses=_misses(ids, category_pairs),
        subtype_misses=_misses(ids, subtype_pairs),
    )
