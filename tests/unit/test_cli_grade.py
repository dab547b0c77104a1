"""`triage grade`: JSON Lines in, one graded JSON line out per good record, bad lines reported."""

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from cli.grade import grade_lines
from cli.main import main
from policies.calendar import CalendarYearUnknown
from policies.engine import TriageEngine

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "cli_grade_good.jsonl"
MIXED = DATA / "cli_grade_mixed.jsonl"

OUTPUT_KEYS = [
    "id",
    "is_complaint",
    "level",
    "category",
    "subtype",
    "emotion",
    "reasons",
    "deadlines",
    "remedies",
]
DEADLINE_KEYS = {"first_response", "follow_up", "resolution", "escalation", "private_contact"}
REMEDY_KEYS = {"rule", "main", "alternative", "extras_for_high_value"}
RULE_ID = re.compile(r"^R-[A-Z]+-\d+[a-z]?$")
POLICY_OFFSET = dt.timedelta(hours=8)  # Asia/Shanghai, the shipped calendar.yaml


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return TriageEngine.from_directory(None)


def run_grade(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]], str]:
    status = main(["grade", *args])
    captured = capsys.readouterr()
    return status, [json.loads(line) for line in captured.out.splitlines()], captured.err


def read_inputs(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_good_lines_produce_the_output_schema_key_by_key(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN a file of valid records, one without received_at, one with an extra field
    inputs = read_inputs(GOOD)
    # WHEN graded
    status, outputs, err = run_grade(capsys, str(GOOD))
    # THEN every record gives one line, in order, with ids echoed as given (string or integer)
    assert status == 0 and err == ""
    assert [o["id"] for o in outputs] == [i["id"] for i in inputs]
    for given, out in zip(inputs, outputs, strict=True):
        # AND the keys are exactly the documented ones, `deadlines` only when received_at was given
        keys = [k for k in OUTPUT_KEYS if k != "deadlines" or "received_at" in given] + ["policy_version"]
        assert list(out) == keys
        assert isinstance(out["is_complaint"], bool) and out["level"] in (1, 2, 3)
        assert out["emotion"] in ("high", "normal")
        assert out["reasons"] and all(set(r) == {"rule", "evidence"} for r in out["reasons"])
        assert all(RULE_ID.match(r["rule"]) for r in out["reasons"])
        assert out["remedies"] is None or set(out["remedies"]) == REMEDY_KEYS
        assert isinstance(out["policy_version"], str) and out["policy_version"]


def test_deadlines_are_iso_8601_with_the_policy_offset_or_null(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN records with received_at, one in UTC ("Z"), one posted publicly on social media
    # WHEN graded
    _, outputs, _ = run_grade(capsys, str(GOOD))
    by_id = {o["id"]: o for o in outputs}
    # THEN all five deadlines are present, each null or an ISO 8601 time carrying +08:00
    for out in outputs:
        if "deadlines" not in out:
            continue
        assert set(out["deadlines"]) == DEADLINE_KEYS
        for value in out["deadlines"].values():
            assert value is None or dt.datetime.fromisoformat(value).utcoffset() == POLICY_OFFSET
    # AND the UTC input is converted, not relabelled: first response comes after 02:30Z = 10:30+08:00
    first = dt.datetime.fromisoformat(by_id[20417]["deadlines"]["first_response"])
    assert first > dt.datetime(2026, 5, 6, 10, 30, tzinfo=dt.timezone(POLICY_OFFSET))
    # AND the private-contact deadline (R-SLA-9) is set for a public post only, null (not absent) otherwise
    assert by_id["weibo-1"]["deadlines"]["private_contact"] is not None
    assert by_id["heater-1"]["deadlines"]["private_contact"] is None


def test_output_carries_what_the_engine_decided(
    capsys: pytest.CaptureFixture[str], engine: TriageEngine
) -> None:
    # GIVEN the good records
    inputs = read_inputs(GOOD)
    # WHEN graded by the CLI
    _, outputs, _ = run_grade(capsys, str(GOOD))
    # THEN each line says what TriageEngine.assess says for the same input
    for given, out in zip(inputs, outputs, strict=True):
        received_at = dt.datetime.fromisoformat(given["received_at"]) if "received_at" in given else None
        assessment = engine.assess(
            given["text"],
            subject=given.get("subject"),
            received_at=received_at,
            channel=given.get("channel"),
            customer_tier=given.get("customer_tier"),
        )
        grading = assessment.grading
        assert (out["level"], out["category"], out["subtype"]) == (
            grading.level,
            grading.category,
            grading.subtype,
        )
        assert out["reasons"] == [{"rule": r.rule, "evidence": r.evidence} for r in grading.reasons]
        if assessment.deadlines is not None:
            expected = {k: v.isoformat() if v else None for k, v in assessment.deadlines.as_dict().items()}
            assert out["deadlines"] == expected
        if assessment.remedies is not None:
            assert out["remedies"]["main"] == assessment.remedies.main.model_dump()
            extras = assessment.remedies.extras_for_high_value
            assert out["remedies"]["extras_for_high_value"] == (extras.model_dump() if extras else None)


def test_bad_lines_are_reported_by_number_and_the_others_still_graded(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a file with good lines around broken JSON, a missing text, a naive time, an unknown
    # channel, an array and a blank line
    # WHEN graded
    status, outputs, err = run_grade(capsys, str(MIXED))
    # THEN the good lines are graded, the exit status says some were skipped
    assert [o["id"] for o in outputs] == ["ok-1", "ok-2"]
    assert status == 1
    # AND each bad line is named with what is wrong with it (line numbers count the blank line)
    problems = dict(line.split(": ", 1) for line in err.splitlines())
    assert set(problems) == {"line 2", "line 3", "line 4", "line 6", "line 7"}
    assert "not valid JSON" in problems["line 2"]
    assert "missing 'text'" in problems["line 3"]
    assert "'received_at'" in problems["line 4"] and "offset" in problems["line 4"]
    assert "'channel'" in problems["line 6"] and '"fax"' in problems["line 6"]
    assert "not a JSON object" in problems["line 7"]
    assert "Traceback" not in err


@pytest.mark.parametrize("stdin_kind", ["bytes", "text"])
@pytest.mark.parametrize("file_arg", [[], ["-"]])
def test_stdin_is_read_when_no_file_or_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, stdin_kind: str, file_arg: list[str]
) -> None:
    # GIVEN the good records on stdin (a real binary-backed stdin, or a text-only one)
    raw = GOOD.read_bytes()
    stdin = (
        io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
        if stdin_kind == "bytes"
        else io.StringIO(raw.decode())
    )
    monkeypatch.setattr("sys.stdin", stdin)
    # WHEN graded without a file, or with "-"
    status, outputs, _ = run_grade(capsys, *file_arg)
    # THEN they are graded as from the file
    assert status == 0
    assert [o["id"] for o in outputs] == [i["id"] for i in read_inputs(GOOD)]


def test_traditional_chinese_is_graded_like_simplified(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # GIVEN the same electric-leakage complaint in traditional and in simplified characters
    source = tmp_path / "scripts.jsonl"
    source.write_text(
        '{"id": "trad", "text": "熱水器漏電，差點電到我家小孩"}\n'
        '{"id": "simp", "text": "热水器漏电，差点电到我家小孩"}\n',
        encoding="utf-8",
    )
    # WHEN graded
    status, outputs, _ = run_grade(capsys, str(source))
    trad, simp = outputs
    # THEN both are urgent (R-GRADE-1a: personal safety) and graded the same
    assert status == 0
    assert trad["level"] == 1
    assert [trad[k] for k in ("level", "category", "subtype")] == [
        simp[k] for k in ("level", "category", "subtype")
    ]


def copy_of_shipped_policies(tmp_path: Path) -> Path:
    from tests.policy_copy import copy_policies

    return copy_policies(tmp_path / "policies")


@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("sla.yaml", "deadlines: [first_response\n"),  # not YAML
        ("remedies.yaml", "by_category: {}\nnonsense: 1\n"),  # YAML, wrong schema
    ],
)
@pytest.mark.parametrize("option_first", [True, False])
def test_broken_policy_exits_2_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, file_name: str, content: str, option_first: bool
) -> None:
    # GIVEN a copy of the shipped policies with one file broken
    policies = copy_of_shipped_policies(tmp_path)
    (policies / file_name).write_text(content, encoding="utf-8")
    # WHEN grading with --policies pointing at it (before or after the subcommand)
    args = ["--policies", str(policies), "grade", str(GOOD)]
    status = main(args if option_first else args[2:3] + args[:2] + args[3:])
    captured = capsys.readouterr()
    # THEN nothing is graded, the exit status is 2 and stderr names the file, without a traceback
    assert status == 2
    assert captured.out == ""
    assert file_name in captured.err and "Traceback" not in captured.err


def test_intact_policy_copy_grades_normally(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # GIVEN an unchanged copy of the shipped policies (so the broken-policy test is not vacuous)
    policies = copy_of_shipped_policies(tmp_path)
    # WHEN grading with it THEN it works
    assert main(["--policies", str(policies), "grade", str(GOOD)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(read_inputs(GOOD))


def test_unreadable_input_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # GIVEN a path that does not exist WHEN graded THEN exit 2 with the path in the message
    missing = tmp_path / "nope.jsonl"
    assert main(["grade", str(missing)]) == 2
    assert str(missing) in capsys.readouterr().err


class _YearlessEngine:
    """An engine whose calendar knows no year: the error path, independent of the shipped policy."""

    def assess(self, text: str, **_: Any) -> Any:
        raise CalendarYearUnknown(2099)


def test_a_date_outside_the_calendar_rejects_that_line_only() -> None:
    # GIVEN a record whose deadlines fall in a year the calendar does not know, and a blank line
    lines = [b"\n", b'{"id": "x", "text": "late", "received_at": "2099-03-02T10:00:00+08:00"}\n']
    written: list[str] = []
    reported: list[tuple[int, str]] = []
    # WHEN the lines are graded
    rejected = grade_lines(_YearlessEngine(), lines, written.append, lambda n, p: reported.append((n, p)))  # type: ignore[arg-type]
    # THEN the record is rejected with its line number, the year and how to fix it, and nothing is written
    assert rejected == 1 and written == []
    ((number, problem),) = reported
    assert number == 2
    assert "2099" in problem and "calendar.yaml" in problem
