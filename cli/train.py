"""`triage train`: rebuild the grading model from labelled real text, deterministically.

Reads the project's labelled set (its `tune` split only: the frozen split is never trained on),
the development set, the measured samples named beside the labelled set, the written examples and
level-1 rewrites, and a seeded sample of weakly labelled corpus reviews; prints the grouped
k-fold figures of every head and the thresholds chosen from them; writes the artifact that
`policies/grading.yaml` names. Running it twice on the same data writes the same bytes.
"""

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.failure import EXIT_OK, EXIT_UNUSABLE, CliFailure

if TYPE_CHECKING:
    from training.fit import Thresholds  # numpy and scikit-learn: loaded only when training

DEFAULT_WEAK = 6000
DEFAULT_WEAK_WEIGHT = 0.2
DEFAULT_WRITTEN_WEIGHT = 1.0
DEFAULT_SEED = 20261203


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "train",
        help="rebuild the grading model from labelled text and print its cross-validated figures",
        description="Train the learned second reader of the grader (complaint, level 1, level 2, category) "
        "on the labelled set's tune split, the development set and weakly labelled corpus reviews; print "
        "grouped k-fold figures; write the model next to the policy files (or --out).",
    )
    parser.add_argument(
        "--labelled", type=Path, help="the project's labelled set (default eval/labelled.jsonl)"
    )
    parser.add_argument(
        "--dev-set", type=Path, help="the development set (default ../shared/dev-set/cases.jsonl)"
    )
    parser.add_argument(
        "--corpus", type=Path, help="unlabelled corpus for weak labels (default ../shared/corpus)"
    )
    parser.add_argument("--weak", type=int, default=DEFAULT_WEAK, help="weakly labelled reviews (0: none)")
    parser.add_argument("--weak-weight", type=float, default=DEFAULT_WEAK_WEIGHT)
    parser.add_argument(
        "--written",
        type=Path,
        help="folder of written examples, *.jsonl (default training/written; trained on, never scored)",
    )
    parser.add_argument("--written-weight", type=float, default=DEFAULT_WRITTEN_WEIGHT)
    parser.add_argument(
        "--no-measured",
        action="store_true",
        help="leave out the measured samples and probe sets (named in measured-samples.txt and "
        "measured-probes.txt beside the labelled set)",
    )
    parser.add_argument(
        "--no-paraphrases",
        action="store_true",
        help="leave out the level-1 rewrites (paraphrase-level1/ beside the labelled set)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--out", type=Path, help="where to write the model (default: the policies' model file)"
    )
    parser.add_argument(
        "--no-cv", action="store_true", help="skip cross-validation (thresholds from the last run)"
    )
    parser.set_defaults(run=run)


def _last_thresholds(model: Path) -> "Thresholds":
    """The thresholds of the last cross-validated run, read from a model file, for --no-cv."""
    import json

    from training.fit import Thresholds

    try:
        previous = json.loads(model.read_text(encoding="utf-8"))
        return Thresholds(
            *(previous[h]["threshold"] for h in ("complaint", "level_1", "level_2")),
            previous["category"]["weight"],
        )
    except FileNotFoundError as exc:
        message = f"{model}: not found; --no-cv reuses the thresholds of the last cross-validated run"
        raise CliFailure(message, EXIT_UNUSABLE) from exc
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise CliFailure(f"{model}: no thresholds to reuse for --no-cv ({exc!r})", EXIT_UNUSABLE) from exc


def run(args: argparse.Namespace) -> int:
    import json

    from rich.progress import Progress

    from cli.text_table import Column, render_table
    from policies.cue_reading import CueReader
    from policies.loader import PolicyError, load_grading_rules
    from policies.policy_files import policy_dir
    from training import dataset
    from training.fit import (
        FOLDS,
        Vocabulary,
        artifact,
        choose_thresholds,
        cross_validate,
        fit_heads,
        read_all,
    )
    from training.report import figures

    try:
        grading, concepts = load_grading_rules(args.policies)
    except PolicyError as exc:
        raise CliFailure(f"policy not loaded: {exc}", EXIT_UNUSABLE) from exc
    labelled_path = args.labelled or dataset.LABELLED
    dev_path = args.dev_set or dataset.DEV_SET
    corpus = args.corpus or dataset.CORPUS
    for path in (labelled_path, dev_path):
        if not path.exists():
            raise CliFailure(f"{path}: not found", EXIT_UNUSABLE)
    try:
        labelled, weak, written = _examples(args, labelled_path, dev_path, corpus)
    except dataset.DatasetError as exc:
        raise CliFailure(str(exc), EXIT_UNUSABLE) from exc
    reader = CueReader(grading, concepts)
    with Progress(transient=True) as progress:
        task = progress.add_task("reading texts", total=len(labelled) + len(weak) + len(written))
        labelled_reads = read_all(reader, labelled, lambda n: progress.advance(task, n))
        weak_reads = read_all(reader, weak, lambda n: progress.advance(task, n))
        written_reads = read_all(reader, written, lambda n: progress.advance(task, n))
        # Weak and written examples train every fold and are never scored.
        extra_reads = [*weak_reads, *written_reads]
        vocabulary = Vocabulary.of([*labelled_reads, *extra_reads])
        out = args.out or (policy_dir(args.policies) / grading.model.file)
        trained: dict[str, Any] = {
            "labelled_examples": len(labelled_reads),
            "weak_examples": len(weak_reads),
            "weak_weight": args.weak_weight,
            "written_examples": len(written_reads),
            "written_weight": args.written_weight,
            "seed": args.seed,
            "features": len(vocabulary.index),
        }
        if args.no_cv:
            shipped = policy_dir(args.policies) / grading.model.file
            thresholds = _last_thresholds(out if out.exists() else shipped)
        else:
            fold_task = progress.add_task(f"{FOLDS}-fold cross-validation", total=FOLDS)
            oof = cross_validate(
                vocabulary, labelled_reads, extra_reads, lambda n: progress.advance(fold_task, n)
            )
            decisive = grading.classification.decisive
            thresholds = choose_thresholds(oof, decisive)
            trained["cross_validated"] = figures(oof, thresholds, decisive)
        heads = fit_heads(vocabulary, [*labelled_reads, *extra_reads])
    model = artifact(heads, vocabulary, thresholds, trained)
    out.write_text(
        json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(
        f"Trained on {len(labelled_reads)} labelled texts, {len(weak_reads)} weakly labelled reviews and "
        f"{len(written_reads)} written examples; "
        f"{len(vocabulary.index)} features"
    )
    if "cross_validated" in trained:
        cv = trained["cross_validated"]
        rows = [[name, f"{v:.3f}" if isinstance(v, float) else str(v)] for name, v in cv.items()]
        print(f"\n{FOLDS}-fold cross-validated (grouped; the rules included, the model out of fold):")
        print("\n".join(render_table([Column("figure"), Column("value", align="right")], rows, indent="  ")))
    print(
        f"\nThresholds: complaint {thresholds.complaint}, level 1 {thresholds.level_1}, "
        f"level 2 {thresholds.level_2}; the model's share of the category {thresholds.category_weight}"
    )
    print(f"Model written to {out} ({out.stat().st_size:,} bytes)")
    return EXIT_OK


def _examples(
    args: argparse.Namespace, labelled_path: Path, dev_path: Path, corpus: Path
) -> tuple[list[Any], list[Any], list[Any]]:
    """The labelled, weakly labelled and written examples (raises DatasetError naming file and line)."""
    from training import dataset

    labelled = dataset.labelled(labelled_path) + dataset.development_set(dev_path)
    if not args.no_measured:
        labelled += dataset.measured_samples(
            {dataset.canonical_text(e.text) for e in labelled}, labelled_path
        )
    weak = (
        dataset.weak_reviews(
            args.weak,
            args.weak_weight,
            args.seed,
            dataset.texts_never_to_train_on(labelled_path, dev_path),
            corpus,
        )
        if args.weak
        else []
    )
    written = dataset.written(args.written or dataset.WRITTEN, args.written_weight)
    if not args.no_measured:
        written += dataset.measured_probes(labelled_path, args.written_weight)
    if not args.no_paraphrases:
        groups = {e.id: e.group for e in labelled}
        written += dataset.paraphrases(groups, labelled_path, args.written_weight)
    return labelled, weak, written
