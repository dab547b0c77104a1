"""`triage eval`: the policy measured against labelled tickets, as text and as JSON."""

import json
from pathlib import Path

import pytest

from cli.main import main

LABELLED = Path(__file__).resolve().parents[1] / "data" / "cli_eval_labelled.jsonl"


def section(text: str, title: str) -> list[str]:
    """The lines under a heading that starts with `title`, up to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    block = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        block.append(line)
    return block


def test_text_report_shows_accuracy_and_lists_the_mislabelled_ticket(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN labelled tickets, one of them ("mislabelled", an electric leakage) labelled level 3
    # WHEN evaluated
    status = main(["eval", str(LABELLED)])
    out = capsys.readouterr().out
    # THEN the report has the summary figures
    assert status == 0
    assert "Evaluated 4 labelled complaint(s)" in out
    accuracy = section(out, "Accuracy:")
    assert [line.split()[0] for line in accuracy] == ["level", "category", "subtype"]
    assert all(line.split()[-1].endswith("/4)") for line in accuracy)
    assert any(line.split()[0] == "1" for line in section(out, "Level confusion"))
    # AND the mislabelled ticket is listed under the level misses as expected 3, got 1 (漏電 is urgent)
    misses = section(out, "Misclassified level")
    row = next(line for line in misses if line.split()[0] == "mislabelled")
    assert row.split()[1:] == ["3", "→", "1"]


def test_json_report_parses_and_carries_the_same_content(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN the same labelled tickets
    # WHEN evaluated with --json
    status = main(["eval", str(LABELLED), "--json"])
    report = json.loads(capsys.readouterr().out)
    # THEN the one JSON object has every part of the report
    assert status == 0
    assert set(report) >= {
        "policy_version",
        "total",
        "levels",
        "accuracy",
        "level_confusion",
        "category_confusion",
    }
    assert report["total"] == 4
    assert [entry["level"] for entry in report["levels"]] == [1, 2, 3]
    assert set(report["levels"][0]) == {"level", "precision", "recall", "f1", "support"}
    assert report["accuracy"]["level"]["total"] == 4
    assert report["level_confusion"]["labels"] == [1, 2, 3]
    assert sum(map(sum, report["level_confusion"]["rows_expected_columns_predicted"])) == 4
    assert {"id": "mislabelled", "expected": 3, "got": 1} in report["misclassified"]["level"]


def test_lines_without_expectations_are_errors_with_line_numbers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # GIVEN a labelled file where line 2 has no expected level and line 3 an unknown category
    source = tmp_path / "labels.jsonl"
    source.write_text(
        '{"id": "a", "text": "订单说好3天到，现在已经7天了还没到。", "level": 3, "category": "logistics", '
        '"subtype": "late_delivery"}\n'
        '{"id": "b", "text": "The parcel is late."}\n'
        '{"id": "c", "text": "The parcel is late.", "level": 3, "category": "logistic", '
        '"subtype": "late_delivery"}\n',
        encoding="utf-8",
    )
    # WHEN evaluated
    status = main(["eval", str(source), "--json"])
    captured = capsys.readouterr()
    # THEN the report covers the good line, stderr names the bad ones, and the exit status is 1
    assert status == 1
    assert json.loads(captured.out)["total"] == 1
    assert json.loads(captured.out)["rejected_lines"] == 2
    errors = captured.err.splitlines()
    assert errors[0].startswith("line 2:") and "needs level, category, subtype" in errors[0]
    assert errors[1].startswith("line 3: 'category'") and '"logistic"' in errors[1]
