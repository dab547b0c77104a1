"""The cross-validated figures of a training run: the rules with the out-of-fold model, as the
grader combines them (recall first). These are figures on texts the rules were written from, so
they flatter; the frozen split (`triage eval eval/labelled.jsonl --split frozen`) is the honest one."""

import numpy as np

from policies.grading_policy import DecisiveCues
from policies.taxonomy import CATEGORIES
from training.fit import OutOfFold, Thresholds, category_accuracy


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def figures(
    oof: OutOfFold, thresholds: Thresholds, decisive: DecisiveCues | None = None
) -> dict[str, float | int]:
    examples = [r.example for r in oof.reads]
    rules = np.array([r.rule_level for r in oof.reads])
    clear = np.array([e.source == "development" for e in examples])
    truth_complaint = np.array([e.is_complaint for e in examples])
    said_complaint = (rules == 1) | (oof.complaint >= thresholds.complaint)
    level = np.array([e.level or 0 for e in examples])
    graded_1 = said_complaint & ((rules == 1) | (oof.level_1 >= thresholds.level_1))
    graded_2 = said_complaint & ~graded_1 & ((rules == 2) | (oof.level_2 >= thresholds.level_2))
    graded = np.where(graded_1, 1, np.where(graded_2, 2, 3))
    model_only_1 = graded_1 & (rules != 1)
    complaints = truth_complaint & (level > 0)
    category_truth = np.array([CATEGORIES.index(e.category) if e.category else -1 for e in examples])
    category_model = oof.category.argmax(axis=1)
    return {
        "labelled texts": len(examples),
        "complaint recall": _ratio(int((said_complaint & truth_complaint).sum()), int(truth_complaint.sum())),
        "complaint recall, development set": _ratio(int(said_complaint[clear].sum()), int(clear.sum())),
        "non-complaints called complaints": _ratio(
            int((said_complaint & ~truth_complaint).sum()), int((~truth_complaint).sum())
        ),
        "level-1 recall": _ratio(int((graded_1 & (level == 1)).sum()), int((level == 1).sum())),
        "level-1 precision": _ratio(int((graded_1 & (level == 1)).sum()), int((graded_1 & complaints).sum())),
        "level-1 recall, rules alone": _ratio(
            int(((rules == 1) & (level == 1)).sum()), int((level == 1).sum())
        ),
        "level-1 from the model alone": int((model_only_1 & complaints).sum()),
        "level-1 from the model alone, right": int((model_only_1 & complaints & (level == 1)).sum()),
        "level-2 recall": _ratio(int((graded_2 & (level == 2)).sum()), int((level == 2).sum())),
        "level-2 precision": _ratio(int((graded_2 & (level == 2)).sum()), int((graded_2 & complaints).sum())),
        "level accuracy (complaints)": _ratio(
            int((graded == level)[complaints].sum()), int(complaints.sum())
        ),
        "category accuracy, model alone": _ratio(
            int((category_model == category_truth)[complaints].sum()), int(complaints.sum())
        ),
        "category accuracy, rules alone": round(category_accuracy(oof, 0.0), 4),
        "category accuracy, blended": round(category_accuracy(oof, thresholds.category_weight, decisive), 4),
    }
