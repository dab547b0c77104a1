"""Renders an Evaluation for people (aligned text) or for programs (one JSON object).

Users read this before changing a policy, often on a few hundred of their own tickets, so the
text puts the summary first and the per-ticket misses last, where a long list does no harm.
"""

import json
from collections.abc import Sequence
from typing import Any

from cli.metrics import Accuracy, ClassScores, Confusion, Evaluation, Miss
from cli.text_table import Column, render_table

_LEVEL_NAMES = {1: "urgent", 2: "complex", 3: "routine"}
_NOT_MEASURABLE = "n/a"
_DECIMALS = 4


def _score(value: float | None) -> str:
    return _NOT_MEASURABLE if value is None else f"{value:.3f}"


def _accuracy_text(accuracy: Accuracy) -> str:
    return f"{_score(accuracy.rate)}  ({accuracy.correct}/{accuracy.total})"


def _level_table(scores: Sequence[ClassScores[int]]) -> list[str]:
    columns = [
        Column("level"),
        Column("precision", align="right"),
        Column("recall", align="right"),
        Column("F1", align="right"),
        Column("support", align="right"),
    ]
    rows = [
        [
            f"{s.label} {_LEVEL_NAMES.get(s.label, '')}".strip(),
            _score(s.precision),
            _score(s.recall),
            _score(s.f1),
            str(s.support),
        ]
        for s in scores
    ]
    table = render_table(columns, rows, indent="  ")
    if any(_NOT_MEASURABLE in row for row in rows):
        table.append(
            f"  ({_NOT_MEASURABLE}: no ticket was labelled or predicted at that level: nothing to divide)"
        )
    return table


def _confusion_table(matrix: Confusion[Any]) -> list[str]:
    columns = [
        Column("expected \\ predicted"),
        *(Column(str(label), align="right") for label in matrix.labels),
    ]
    rows = [
        [str(label), *(str(count) for count in counts)]
        for label, counts in zip(matrix.labels, matrix.counts, strict=True)
    ]
    return render_table(columns, rows, indent="  ")


def _misses_block(what: str, misses: Sequence[Miss[Any]]) -> list[str]:
    if not misses:
        return [f"Misclassified {what}: none"]
    rows = [[str(miss.id), f"{miss.expected} → {miss.got}"] for miss in misses]
    return [
        f"Misclassified {what} ({len(misses)}):",
        *render_table([Column("id"), Column("expected → got")], rows, indent="  "),
    ]


def _complaint_block(evaluation: Evaluation) -> list[str]:
    c, m = evaluation.complaint, evaluation.model_level_1
    lines = [
        "Complaint or not:",
        f"  complaints recognised      {_score(c.recall)}  ({c.complaints_found}/{c.complaints})",
    ]
    if c.non_complaints:
        lines.append(
            f"  non-complaints called one  {_score(c.false_positive_rate)}  "
            f"({c.non_complaints_called_complaints}/{c.non_complaints})"
        )
    lines.append(f"Level 1 from the learned reader alone: {m.decisions} ({m.correct} labelled level 1)")
    return lines


def render_text(evaluation: Evaluation, policy_version: str, rejected_lines: int) -> str:
    """The report as aligned text, summary first."""
    skipped = f"; {rejected_lines} line(s) rejected, see stderr" if rejected_lines else ""
    c = evaluation.complaint
    lines = [
        f"Evaluated {evaluation.total} labelled complaint(s) and {c.non_complaints} labelled "
        f"non-complaint(s) with policy {policy_version}{skipped}",
        "",
        *_complaint_block(evaluation),
        "",
        "Per level:",
        *_level_table(evaluation.level_scores),
        "",
        "Accuracy:",
        f"  level     {_accuracy_text(evaluation.level_accuracy)}",
        f"  category  {_accuracy_text(evaluation.category_accuracy)}",
        f"  subtype   {_accuracy_text(evaluation.subtype_accuracy)}",
        "",
        "Level confusion (rows: expected, columns: predicted):",
        *_confusion_table(evaluation.level_confusion),
        "",
        "Category confusion (rows: expected, columns: predicted):",
        *_confusion_table(evaluation.category_confusion),
        "",
        *_misses_block("level", evaluation.level_misses),
        "",
        *_misses_block("category", evaluation.category_misses),
        "",
        *_misses_block("subtype", evaluation.subtype_misses),
    ]
    return "\n".join(lines) + "\n"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, _DECIMALS)


def _accuracy_json(accuracy: Accuracy) -> dict[str, Any]:
    return {"rate": _rounded(accuracy.rate), "correct": accuracy.correct, "total": accuracy.total}


def _confusion_json(matrix: Confusion[Any]) -> dict[str, Any]:
    return {
        "labels": list(matrix.labels),
        "rows_expected_columns_predicted": [list(row) for row in matrix.counts],
    }


def _misses_json(misses: Sequence[Miss[Any]]) -> list[dict[str, Any]]:
    return [{"id": miss.id, "expected": miss.expected, "got": miss.got} for miss in misses]


def render_json(evaluation: Evaluation, policy_version: str, rejected_lines: int) -> str:
    """The same report as one JSON object (ratios rounded to 4 decimals, null where not measurable)."""
    report = {
        "policy_version": policy_version,
        "total": evaluation.total,
        "rejected_lines": rejected_lines,
        "complaint": {
            "complaints": evaluation.complaint.complaints,
            "recall": _rounded(evaluation.complaint.recall),
            "non_complaints": evaluation.complaint.non_complaints,
            "false_positive_rate": _rounded(evaluation.complaint.false_positive_rate),
        },
        "level_1_by_model": {
            "decisions": evaluation.model_level_1.decisions,
            "correct": evaluation.model_level_1.correct,
        },
        "levels": [
            {
                "level": s.label,
                "precision": _rounded(s.precision),
                "recall": _rounded(s.recall),
                "f1": _rounded(s.f1),
                "support": s.support,
            }
            for s in evaluation.level_scores
        ],
        "accuracy": {
            "level": _accuracy_json(evaluation.level_accuracy),
            "category": _accuracy_json(evaluation.category_accuracy),
            "subtype": _accuracy_json(evaluation.subtype_accuracy),
        },
        "level_confusion": _confusion_json(evaluation.level_confusion),
        "category_confusion": _confusion_json(evaluation.category_confusion),
        "misclassified": {
            "level": _misses_json(evaluation.level_misses),
            "category": _misses_json(evaluation.category_misses),
            "subtype": _misses_json(evaluation.subtype_misses),
        },
    }
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
