"""`triage train` (issue 13): the model is rebuilt from labelled text deterministically, measured by
k-fold, never fed the frozen split, and written as an artifact the grader loads."""

import json
from pathlib import Path

import pytest

from cli.main import main
from policies.grading_model import GradingModel
from training import dataset

DATA = Path(__file__).resolve().parents[1] / "data" / "training"
LABELLED = DATA / "labelled.jsonl"
DEV_SET = DATA / "dev-set.jsonl"
WRITTEN = DATA / "written"


def train(out: Path) -> int:
    return main(
        [
            "train",
            *("--labelled", str(LABELLED), "--dev-set", str(DEV_SET), "--written", str(WRITTEN)),
            *("--weak", "0", "--out", str(out)),
        ]
    )


def test_training_twice_writes_the_same_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN a small labelled set (real texts of the tune split and the development set)
    # WHEN the model is trained twice
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert train(first) == 0 and train(second) == 0
    # THEN both artifacts are byte for byte the same, and the figures were printed
    assert first.read_bytes() == second.read_bytes()
    out = capsys.readouterr().out
    assert "5-fold cross-validated" in out and "level-1 recall" in out


def test_the_artifact_loads_and_records_its_figures(tmp_path: Path) -> None:
    # GIVEN a trained artifact
    path = tmp_path / "model.json"
    assert train(path) == 0
    # WHEN loaded as the grader loads it
    model = GradingModel.load(path)
    # THEN every head has a threshold inside (0, 1) and the run's cross-validated figures are kept
    assert all(0 < model.threshold(h) < 1 for h in ("complaint", "level_1", "level_2"))
    trained = json.loads(path.read_text(encoding="utf-8"))["trained"]
    assert trained["labelled_examples"] == sum(1 for _ in LABELLED.open()) + sum(1 for _ in DEV_SET.open())
    assert 0 <= trained["cross_validated"]["level-1 recall"] <= 1


def test_written_examples_train_but_are_never_scored(tmp_path: Path) -> None:
    # GIVEN a folder of written examples beside the labelled texts
    written = dataset.written(WRITTEN)
    assert written and all(e.source == "written" for e in written)
    # WHEN the model is trained
    path = tmp_path / "model.json"
    assert train(path) == 0
    # THEN they are counted as written examples, and the cross-validated figures are of labelled
    # texts only
    trained = json.loads(path.read_text(encoding="utf-8"))["trained"]
    assert trained["written_examples"] == len(written)
    assert trained["cross_validated"]["labelled texts"] == trained["labelled_examples"]


def test_the_frozen_split_never_reaches_training(tmp_path: Path) -> None:
    # GIVEN a labelled file with a frozen item and a tune item
    rows = [json.loads(line) for line in LABELLED.open(encoding="utf-8")][:2]
    rows[0] = {**rows[0], "split": "frozen", "id": "frozen-one"}
    rows[1] = {**rows[1], "split": "tune", "id": "tune-one"}
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    # WHEN the training examples are read
    examples = dataset.labelled(path)
    # THEN only the tune item is there, and the frozen text is among those weak data must skip
    assert [e.id for e in examples] == ["tune-one"]
    assert dataset.canonical_text(rows[0]["text"]) in dataset.texts_never_to_train_on(path, DEV_SET)


def test_a_missing_labelled_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        ["train", "--labelled", str(tmp_path / "none.jsonl"), "--weak", "0", "--out", str(tmp_path / "m")]
    )
    assert status == 2
    assert "none.jsonl: not found" in capsys.readouterr().err


def test_a_written_example_missing_a_field_names_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a folder of written examples whose second line lacks its level
    written = tmp_path / "written"
    written.mkdir()
    good = {"id": "w-1", "text": "充电器冒烟了", "is_complaint": True, "level": 1, "category": "product"}
    broken = {key: value for key, value in {**good, "id": "w-2"}.items() if key != "level"}
    (written / "extra.jsonl").write_text(
        json.dumps(good, ensure_ascii=False) + "\n" + json.dumps(broken, ensure_ascii=False) + "\n", "utf-8"
    )
    # WHEN the model is trained with it
    status = main(
        [
            "train",
            *("--labelled", str(LABELLED), "--dev-set", str(DEV_SET), "--written", str(written)),
            *("--weak", "0", "--no-cv", "--out", str(tmp_path / "m.json")),
        ]
    )
    # THEN it stops with the file, the line and the missing field, not a bare KeyError
    assert status == 2
    assert f"{written / 'extra.jsonl'}:2: missing level" in capsys.readouterr().err


def test_a_later_measurement_sample_is_never_a_weak_label(tmp_path: Path) -> None:
    # GIVEN a labelled set and, beside it, a fresh corpus sample measured after the grader was frozen
    rows = [json.loads(line) for line in LABELLED.open(encoding="utf-8")][:1]
    labelled_path = tmp_path / "labelled.jsonl"
    labelled_path.write_text(json.dumps(rows[0], ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "fresh-x").mkdir()
    fresh = {"id": "os10-1", "text": "电池待机时间长，机身小巧", "is_complaint": False}
    sample = tmp_path / "fresh-x" / "labelled.jsonl"
    sample.write_text(json.dumps(fresh, ensure_ascii=False) + "\n", encoding="utf-8")
    # WHEN the texts never to train on are gathered
    never = dataset.texts_never_to_train_on(labelled_path, DEV_SET)
    # THEN the fresh sample's text is among them, so no weak label reaches the model from it
    assert dataset.canonical_text(fresh["text"]) in never


def test_leaving_out_a_text_keeps_every_other_weak_label(tmp_path: Path) -> None:
    # GIVEN a corpus of reviews of both sentiments
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in dataset.WEAK_FILES:
        rows = [
            {"id": f"{name}-{i}", "text": f"{name} 评论 {i}", "sentiment": ("positive", "negative")[i % 2]}
            for i in range(40)
        ]
        (corpus / f"{name}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    before = dataset.weak_reviews(20, 0.2, seed=7, exclude=set(), corpus=corpus)
    # WHEN one drawn text is newly left out (a fresh sample labelled it)
    gone = before[0]
    after = dataset.weak_reviews(20, 0.2, seed=7, exclude={dataset.canonical_text(gone.text)}, corpus=corpus)
    # THEN it is gone, and every other text drawn before is drawn again
    kept = {e.id for e in after}
    assert gone.id not in kept
    assert {e.id for e in before} - {gone.id} <= kept


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _labelled_beside_samples(tmp_path: Path, listing: str) -> Path:
    """The test labelled set copied into tmp_path, with two samples beside it and a list naming some."""
    labelled_path = tmp_path / "labelled.jsonl"
    labelled_path.write_bytes(LABELLED.read_bytes())
    first = json.loads(LABELLED.open(encoding="utf-8").readline())
    measured = [
        {
            "id": "os10-9001",
            "text": "充电器插上就冒烟，插座都黑了",
            "is_complaint": True,
            "level": 1,
            "category": "product",
        },
        {**{k: first[k] for k in dataset.EXAMPLE_KEYS}, "id": "os10-9002"},  # the same text again
    ]
    _write_jsonl(tmp_path / "sample-a" / "labelled.jsonl", measured)
    unmeasured = [
        {"id": "os10-9003", "text": "快递三天才到", "is_complaint": True, "level": 3, "category": "logistics"}
    ]
    _write_jsonl(tmp_path / "sample-b" / "labelled.jsonl", unmeasured)
    (tmp_path / dataset.MEASURED_LIST).write_text(listing, encoding="utf-8")
    return labelled_path


def test_a_measured_sample_trains_once_and_an_unnamed_one_never(tmp_path: Path) -> None:
    # GIVEN two samples beside the labelled set, and a list naming only the first (measured) one,
    # whose second text is already in the labelled set
    labelled_path = _labelled_beside_samples(tmp_path, "# measured\nsample-a\n")
    already = {dataset.canonical_text(e.text) for e in dataset.labelled(labelled_path)}
    # WHEN the measured samples are read
    examples = dataset.measured_samples(already, labelled_path)
    # THEN only the first sample's new text is there, as a labelled example scored like the tune split
    assert [(e.id, e.source, e.weight) for e in examples] == [("os10-9001", "labelled", 1.0)]


def test_training_counts_a_measured_sample_unless_told_not_to(tmp_path: Path) -> None:
    # GIVEN a labelled set with one measured sample beside it
    labelled_path = _labelled_beside_samples(tmp_path, "sample-a\n")
    base = ["train", "--labelled", str(labelled_path), "--dev-set", str(DEV_SET), "--written", str(WRITTEN)]
    # WHEN the model is trained with the samples, and again without them
    with_samples, without = tmp_path / "with.json", tmp_path / "without.json"
    assert main([*base, "--weak", "0", "--out", str(with_samples)]) == 0
    assert main([*base, "--weak", "0", "--no-measured", "--out", str(without)]) == 0
    # THEN the sample's one new text is counted (and scored) only in the first
    counted = [json.loads(p.read_text(encoding="utf-8"))["trained"] for p in (with_samples, without)]
    assert counted[0]["labelled_examples"] == counted[1]["labelled_examples"] + 1
    assert counted[0]["cross_validated"]["labelled texts"] == counted[0]["labelled_examples"]


def test_a_listed_sample_that_is_not_there_names_the_list_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a list of measured samples whose second entry does not exist
    labelled_path = _labelled_beside_samples(tmp_path, "sample-a\nsample-gone\n")
    # WHEN the model is trained
    status = main(
        [
            "train",
            "--labelled",
            str(labelled_path),
            "--dev-set",
            str(DEV_SET),
            "--weak",
            "0",
            "--no-cv",
            "--out",
            str(tmp_path / "m.json"),
        ]
    )
    # THEN it stops with the list file, its line and the missing sample's name
    assert status == 2
    assert f"{tmp_path / dataset.MEASURED_LIST}:2: no sample 'sample-gone'" in capsys.readouterr().err


def _probe_sets_beside(tmp_path: Path, listing: str) -> Path:
    """A labelled path whose folder holds two probe sets (one with its parts and their sum) and a
    list of measured probe sets."""
    harm = {"id": "p1-001", "text": "充电宝冒烟了", "is_complaint": True, "level": 1, "category": "product"}
    praise = {"id": "p1-002", "text": "航班准点", "is_complaint": False, "level": None, "category": None}
    _write_jsonl(tmp_path / "probes-a" / "part-a.jsonl", [harm])
    _write_jsonl(tmp_path / "probes-a" / "written.jsonl", [harm, praise])  # the parts summed
    late = {"id": "p2-001", "text": "快递三天才到", "is_complaint": True, "level": 3, "category": "logistics"}
    _write_jsonl(tmp_path / "probes-b" / "written.jsonl", [late])
    (tmp_path / dataset.MEASURED_PROBES_LIST).write_text(listing, encoding="utf-8")
    return tmp_path / "labelled.jsonl"


def test_a_measured_probe_set_trains_as_written_text_once_and_an_unnamed_one_never(tmp_path: Path) -> None:
    # GIVEN two probe sets beside the labelled set, and a list naming only the first (measured) one,
    # whose folder holds its parts and their sum
    labelled_path = _probe_sets_beside(tmp_path, "# measured\nprobes-a\n")
    # WHEN the measured probe sets are read
    examples = dataset.measured_probes(labelled_path, weight=0.75)
    # THEN each of the first set's texts is there once, as a written example (trained, never scored)
    assert [(e.id, e.source, e.weight) for e in examples] == [
        ("p1-001", "written", 0.75),
        ("p1-002", "written", 0.75),
    ]


def test_a_listed_probe_set_that_is_not_there_names_the_list_and_line(tmp_path: Path) -> None:
    # GIVEN a list of measured probe sets whose second entry has no texts
    labelled_path = _probe_sets_beside(tmp_path, "probes-a\nprobes-gone\n")
    # WHEN the probe sets are read
    # THEN it stops with the list file, its line and the missing set's name
    with pytest.raises(dataset.DatasetError, match=r"measured-probes.txt:2: no probe set 'probes-gone'"):
        dataset.measured_probes(labelled_path)


def test_a_rewrite_never_trains_the_fold_that_scores_its_source(tmp_path: Path) -> None:
    # GIVEN the labelled texts and, beside them, a rewrite of each of the first three
    from training.fit import Read, training_folds

    labelled_path = tmp_path / "labelled.jsonl"
    labelled_path.write_bytes(LABELLED.read_bytes())
    examples = dataset.labelled(labelled_path) + dataset.development_set(DEV_SET)
    rewrites = [
        {
            "id": f"pa-{i}",
            "source": e.id,
            "text": f"改写 {i}",
            "is_complaint": True,
            "level": 1,
            "category": "product",
        }
        for i, e in enumerate(examples[:3])
    ]
    _write_jsonl(tmp_path / dataset.PARAPHRASES / "written-1.jsonl", rewrites)
    extra = dataset.paraphrases({e.id: e.group for e in examples}, labelled_path)
    assert [e.group for e in extra] == [e.group for e in examples[:3]]
    reads = [Read(e, frozenset(), 3, None, {}) for e in examples]
    extra_reads = [Read(e, frozenset(), 1, None, {}) for e in extra]
    # WHEN the folds are built
    for train, test_idx in training_folds(reads, extra_reads):
        # THEN no fold trains on a rewrite whose source it scores, and every other rewrite trains
        scored = {reads[i].example.group for i in test_idx}
        trained_rewrites = {r.example.id for r in train if r.example.source == "written"}
        assert trained_rewrites == {e.id for e in extra if e.group not in scored}


def test_no_cv_reuses_the_thresholds_of_the_model_it_replaces(tmp_path: Path) -> None:
    # GIVEN a model trained with cross-validation
    model = tmp_path / "model.json"
    assert train(model) == 0
    before = json.loads(model.read_text(encoding="utf-8"))
    # WHEN it is trained again without cross-validation
    status = main(
        [
            "train",
            *("--labelled", str(LABELLED), "--dev-set", str(DEV_SET), "--written", str(WRITTEN)),
            *("--weak", "0", "--out", str(model), "--no-cv"),
        ]
    )
    # THEN the thresholds are the ones the cross-validated run chose
    after = json.loads(model.read_text(encoding="utf-8"))
    assert status == 0
    assert after["complaint"]["threshold"] == before["complaint"]["threshold"]
    assert after["level_1"]["threshold"] == before["level_1"]["threshold"]


def test_no_cv_without_a_model_to_reuse_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a policy directory whose model file is broken and an --out that does not exist yet
    from tests.policy_copy import copy_policies

    root = copy_policies(tmp_path / "policies")
    (root / "grading-model.json").write_text("{}", encoding="utf-8")
    # WHEN training skips cross-validation
    status = main(
        [
            "train",
            *("--labelled", str(LABELLED), "--dev-set", str(DEV_SET), "--written", str(WRITTEN)),
            *("--weak", "0", "--out", str(tmp_path / "new.json"), "--no-cv", "--policies", str(root)),
        ]
    )
    # THEN it stops with the file named and why, not a traceback
    assert status == 2
    err = capsys.readouterr().err
    assert "grading-model.json: no thresholds to reuse for --no-cv" in err
