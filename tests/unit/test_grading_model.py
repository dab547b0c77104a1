"""The learned second reader (issue 13): its artifact loads, versions the policy, fails loudly when
damaged, scores the same on the fast path as on every feature, and explains itself."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.grading import Grader, read_text
from policies.grading_model import GradingModel, ModelError, reading_features
from policies.loader import DEFAULT_POLICY_DIR, PolicyError, load_policy
from tests.policy_copy import copy_policies

POLICY = load_policy()
GRADER = Grader.from_policy(POLICY)
MODEL_FILE = POLICY.grading.model.file


def _artifact() -> dict:
    return json.loads((DEFAULT_POLICY_DIR / MODEL_FILE).read_text(encoding="utf-8"))


def test_the_shipped_model_loads_with_its_thresholds() -> None:
    # GIVEN the shipped artifact
    model = GradingModel.load(DEFAULT_POLICY_DIR / MODEL_FILE)
    # THEN every head is there, with a threshold strictly between 0 and 1 and weights to apply
    for head in ("complaint", "level_1", "level_2"):
        assert 0 < model.threshold(head) < 1
    assert set(model.classes) == {"product", "logistics", "service", "transaction", "other"}
    assert model.artifact.complaint.weights and model.artifact.category.weights


def test_the_model_bytes_join_the_policy_version(tmp_path: Path) -> None:
    # GIVEN a copy of the policies whose model differs in one weight
    directory = copy_policies(tmp_path)
    artifact = _artifact()
    feature = next(iter(artifact["complaint"]["weights"]))
    artifact["complaint"]["weights"][feature] += 0.5
    (directory / MODEL_FILE).write_text(json.dumps(artifact), encoding="utf-8")
    # WHEN both are loaded
    # THEN the decisions of each are stamped with a different version
    assert load_policy(directory).version != POLICY.version


def test_a_missing_model_is_an_error_naming_the_file(tmp_path: Path) -> None:
    # GIVEN the policies without their model
    directory = copy_policies(tmp_path)
    (directory / MODEL_FILE).unlink()
    # WHEN loaded
    with pytest.raises(PolicyError) as error:
        load_policy(directory)
    # THEN the error names the file and how to rebuild it: never a silent fall-back to routine
    assert str(directory / MODEL_FILE) in str(error.value)
    assert "triage train" in str(error.value)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda raw: raw[: len(raw) // 2], "not JSON"),
        (lambda raw: json.dumps({"format": "something-else/9"}), "not a grading model"),
        (lambda raw: json.dumps({**json.loads(raw), "level_1": {"kind": "binary"}}), "damaged"),
        (
            lambda raw: json.dumps(
                {**json.loads(raw), "category": {**json.loads(raw)["category"], "bias": [0.0]}}
            ),
            "one per class",
        ),
    ],
    ids=["truncated", "another-format", "head-without-weights", "wrong-shape"],
)
def test_a_damaged_model_is_an_error_naming_the_file(tmp_path: Path, damage, expected: str) -> None:
    # GIVEN the policies with a damaged model
    directory = copy_policies(tmp_path)
    path = directory / MODEL_FILE
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    # WHEN loaded
    with pytest.raises(PolicyError) as error:
        load_policy(directory)
    # THEN the error names the file and what is wrong
    assert str(path) in str(error.value)
    assert expected in str(error.value)


def test_model_errors_name_the_file_when_loaded_directly(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    with pytest.raises(ModelError, match=r"nowhere\.json"):
        GradingModel.load(path)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="吃了拉肚子外卖坏掉快递慢客服差好评满意很棒漏电着火 ，。！", max_size=60),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz  !?.,'", max_size=80),
        st.text(max_size=60),
    )
)
def test_the_fast_path_scores_exactly_like_every_feature(text: str) -> None:
    # GIVEN any text, read as the grader reads it
    reading, every_feature = read_text(GRADER._reader, text)
    others = reading_features(
        reading.norm,
        {n: d for n, (_, d) in reading.concepts.items() if n in GRADER._reader.feature_concepts},
        [s.name for s, _ in reading.fired],
        len(reading.complaint),
        len(reading.praise),
    )
    # WHEN scored from the whole feature set and by the fast path
    slow = POLICY.model.scores(every_feature)
    fast, _ = POLICY.model.score_text(reading.norm, others)
    # THEN the numbers are the same
    assert fast.complaint == pytest.approx(slow.complaint)
    assert fast.level_1 == pytest.approx(slow.level_1)
    assert fast.level_2 == pytest.approx(slow.level_2)
    assert fast.category == pytest.approx(slow.category)


def _model_that_reads(tmp_path: Path, feature: str) -> Path:
    """The shipped policies with a model whose level-1 head reads one feature very strongly."""
    directory = copy_policies(tmp_path)
    artifact = _artifact()
    artifact["complaint"]["bias"] = 4.0
    artifact["level_1"] = {"kind": "binary", "bias": -6.0, "threshold": 0.5, "weights": {feature: 12.0}}
    (directory / MODEL_FILE).write_text(json.dumps(artifact), encoding="utf-8")
    return directory


def test_a_level_1_only_the_model_sees_is_raised_tagged_and_quoted(tmp_path: Path) -> None:
    # GIVEN a model that reads "压坏" (crushed) as level 1, and a text no rule grades level 1
    grader = Grader.from_policy(load_policy(_model_that_reads(tmp_path, "z:压坏")))
    text = "快递箱子压坏了，里面的东西都碎了"
    assert not {"R-GRADE-1a", "R-GRADE-1c"} & {r.rule for r in GRADER.grade(text).reasons}
    # WHEN graded
    result = grader.grade(text)
    # THEN it is level 1, tagged for a supervisor's look, and the reason quotes the customer's words
    assert result.level == 1
    assert "complaint_level_1_model" in result.keyword_tags
    reason = next(r for r in result.reasons if r.rule == POLICY.grading.model.level_1.rule)
    assert "压坏" in reason.evidence and reason.evidence in text


def test_the_rules_level_1_is_not_tagged_as_the_models(tmp_path: Path) -> None:
    # GIVEN the same model and a text the rules already grade level 1
    grader = Grader.from_policy(load_policy(_model_that_reads(tmp_path, "z:漏电")))
    result = grader.grade("热水器漏电，洗澡时被电了一下")
    # THEN the rule's reason stands and the model's tag is not added
    assert result.level == 1
    assert "complaint_level_1_model" not in result.keyword_tags
    assert any(r.rule == "R-GRADE-1a" for r in result.reasons)


def test_a_complaint_the_model_alone_finds_carries_evidence() -> None:
    # GIVEN a plain complaint without any rule's signal
    result = GRADER.grade("The shoes came unglued after three days")
    # THEN it is a complaint, and some reason quotes the customer's words
    assert result.is_complaint
    assert any(r.evidence and r.evidence in "The shoes came unglued after three days" for r in result.reasons)


@pytest.mark.parametrize(("floor", "is_complaint"), [(0.0, True), (1.0, False)])
def test_a_level_1_signal_makes_a_complaint_only_above_the_models_floor(
    tmp_path: Path, floor: float, is_complaint: bool
) -> None:
    # GIVEN the policy's floor under which a level-1 signal does not make a complaint (R-INTAKE-3)
    directory = copy_policies(tmp_path)
    path = directory / "grading.yaml"
    text = path.read_text(encoding="utf-8")
    shipped = f"complaint_floor_with_level_1: {POLICY.grading.model.complaint_floor_with_level_1}"
    assert shipped in text
    path.write_text(text.replace(shipped, f"complaint_floor_with_level_1: {floor}"), encoding="utf-8")
    grader = Grader.from_policy(load_policy(directory))
    # WHEN a thank-you that tells of a shock (a level-1 signal) is graded
    result = grader.grade(
        "热水器漏电，洗澡时被电了一下，师傅当天上门换好了，服务太好了，五星好评，非常满意，谢谢！"
    )
    # THEN it is a level-1 complaint at a floor of 0 (the signal decides), and none at a floor no
    # text reaches: the model reads this praise as no complaint
    assert "electric_shock" in result.signals
    assert result.is_complaint is is_complaint
    assert result.level == (1 if is_complaint else 3)


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("这款支持双卡双待吗？", {"t:question", "t:length0", "n:numbers0"}),
        ("Does the warranty cover accidental drops", {"t:length0", "n:numbers0"}),
        ("提车三个月，跑了4100公里，市区油耗8.1，高速6.3", {"t:length1", "n:numbers3"}),
    ],
)
def test_the_model_reads_a_texts_shape(text: str, shape: set[str]) -> None:
    # GIVEN a question, a short statement, a report of figures
    reading, _ = read_text(GRADER._reader, text)
    # WHEN its features other than n-grams are read
    features = reading_features(reading.norm, {}, [], 0, 0)
    # THEN its shape is among them: a question or not, how long, how many numbers (capped)
    assert shape <= features
    assert len({f for f in features if f.startswith("t:length")}) == 1
