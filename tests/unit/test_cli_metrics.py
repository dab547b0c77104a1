"""The evaluation arithmetic of `triage eval` (cli/metrics.py), on numbers worked out by hand."""

import pytest

from cli.metrics import Accuracy, ClassScores, Outcome, class_scores, confusion, evaluate

# Seven tickets. Levels (expected -> predicted): a 1->1, b 1->3, c 2->2, d 3->3, e 3->2, f 3->3, g 3->3.
# Categories: b product->logistics and g logistics->product are wrong, the rest right.
# Subtypes: only d is wrong (late_delivery -> lost_or_damaged).
TICKETS = (
    Outcome("a", 1, 1, "product", "product", "quality_defect", "quality_defect"),
    Outcome("b", 1, 3, "product", "logistics", "quality_defect", "quality_defect"),
    Outcome("c", 2, 2, "logistics", "logistics", "late_delivery", "late_delivery"),
    Outcome("d", 3, 3, "logistics", "logistics", "late_delivery", "lost_or_damaged"),
    Outcome("e", 3, 2, "service", "service", "attitude", "attitude"),
    Outcome("f", 3, 3, "product", "product", "not_as_described", "not_as_described"),
    Outcome("g", 3, 3, "logistics", "product", "late_delivery", "late_delivery"),
)


def test_per_level_precision_recall_f1_and_support_match_hand_computation() -> None:
    # GIVEN the seven tickets
    #   level 1: TP a, FN b          -> P 1/1, R 1/2, F1 2/3, support 2
    #   level 2: TP c, FP e          -> P 1/2, R 1/1, F1 2/3, support 1
    #   level 3: TP d f g, FP b, FN e -> P 3/4, R 3/4, F1 3/4, support 4
    # WHEN they are evaluated
    result = evaluate(TICKETS, categories=("product", "logistics", "service"))
    # THEN each level's scores are the hand-computed ones
    expected = {1: (1.0, 0.5, 2 / 3, 2), 2: (0.5, 1.0, 2 / 3, 1), 3: (0.75, 0.75, 0.75, 4)}
    for scores in result.level_scores:
        precision, recall, f1, support = expected[scores.label]
        assert scores.precision == pytest.approx(precision)
        assert scores.recall == pytest.approx(recall)
        assert scores.f1 == pytest.approx(f1)
        assert scores.support == support
    assert [s.label for s in result.level_scores] == [1, 2, 3]


def test_accuracies_count_exact_matches() -> None:
    # GIVEN the seven tickets (levels wrong: b, e; categories wrong: b, g; subtypes wrong: d)
    # WHEN they are evaluated
    result = evaluate(TICKETS)
    # THEN the accuracies are 5/7, 5/7 and 6/7
    assert result.total == 7
    assert result.level_accuracy == Accuracy(correct=5, total=7)
    assert result.category_accuracy == Accuracy(correct=5, total=7)
    assert result.subtype_accuracy == Accuracy(correct=6, total=7)
    assert result.subtype_accuracy.rate == pytest.approx(6 / 7)


def test_confusion_matrices_have_expected_rows_and_predicted_columns() -> None:
    # GIVEN the seven tickets
    # WHEN they are evaluated with the category order product, logistics, service
    result = evaluate(TICKETS, categories=("product", "logistics", "service"))
    # THEN row = expected, column = predicted
    assert result.level_confusion.labels == (1, 2, 3)
    assert result.level_confusion.counts == ((1, 0, 1), (0, 1, 0), (0, 1, 3))
    assert result.category_confusion.labels == ("product", "logistics", "service")
    assert result.category_confusion.counts == ((2, 1, 0), (1, 2, 0), (0, 0, 1))


def test_misclassified_ids_keep_input_order_with_expected_and_got() -> None:
    # GIVEN the seven tickets
    # WHEN they are evaluated
    result = evaluate(TICKETS)
    # THEN the misses list id, expected and got, in input order
    assert [(m.id, m.expected, m.got) for m in result.level_misses] == [("b", 1, 3), ("e", 3, 2)]
    assert [(m.id, m.expected, m.got) for m in result.category_misses] == [
        ("b", "product", "logistics"),
        ("g", "logistics", "product"),
    ]
    assert [(m.id, m.expected, m.got) for m in result.subtype_misses] == [
        ("d", "late_delivery", "lost_or_damaged")
    ]


def test_a_class_never_labelled_nor_predicted_has_no_scores_rather_than_zero() -> None:
    # GIVEN pairs where level 2 never occurs, and level 1 is predicted but never labelled
    pairs = [(3, 3), (3, 1)]
    # WHEN the per-class scores are computed
    scores = {s.label: s for s in class_scores(pairs, (1, 2, 3))}
    # THEN level 2 is not measurable, level 1 has precision 0 and no recall, F1 0
    assert scores[2] == ClassScores(label=2, precision=None, recall=None, f1=None, support=0)
    assert scores[1].precision == 0.0 and scores[1].recall is None and scores[1].f1 == 0.0
    assert scores[3].precision == 1.0 and scores[3].recall == 0.5


def test_confusion_keeps_labels_outside_the_given_order() -> None:
    # GIVEN a predicted label that is not in the label list
    pairs = [("product", "product"), ("product", "mystery")]
    # WHEN the confusion matrix is built
    matrix = confusion(pairs, ("product", "logistics"))
    # THEN the label is appended, so no ticket disappears from the matrix
    assert matrix.labels == ("product", "logistics", "mystery")
    assert matrix.counts == ((1, 0, 1), (0, 0, 0), (0, 0, 0))


def test_no_outcomes_gives_no_rates() -> None:
    # GIVEN no labelled tickets WHEN evaluated THEN accuracies have no rate (not 0, not a crash)
    result = evaluate(())
    assert result.total == 0
    assert result.level_accuracy.rate is None
    assert all(s.f1 is None for s in result.level_scores)
