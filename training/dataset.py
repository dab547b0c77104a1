"""The labelled texts the model learns from, and the ones it must never see.

- the project's labelled set (eval/labelled.jsonl), `tune` split only: the `frozen` split is
  for measuring and never reaches training;
- the development set (../shared/dev-set/cases.jsonl): complaints, labelled by the same rules;
- weakly labelled corpus reviews (../shared/corpus/: the source's negative/positive label as
  complaint/not), for the complaint head only and at a low weight. Any corpus text that is also
  in the labelled set (either split) or the development set is left out, so no frozen text is
  ever seen, not even with a weak label;
- the measured samples (eval/<sample>/labelled.jsonl named in eval/measured-samples.txt): fresh
  corpus draws whose first figure is already recorded in their README. Measured once, they are
  real labelled text like the tune split; a new sample stays unseen until its figure is taken;
- the measured probe sets (eval/<probes>/*.jsonl named in eval/measured-probes.txt): texts
  annotators wrote blind to measure the grader, of the second hidden set's kinds; once their first
  figure is recorded they train like the written examples below (never scored);
- written examples (training/written/): texts annotators wrote, labelled by the same rules, of the
  kinds the corpus lacks (English praise, neutral reviews and questions; short praise in Chinese
  internet slang); and the rewrites of eval/paraphrase-level1/ (level-1 harms in other words,
  with look-alikes), grouped with the text each rewrites. They train at a lower weight and are
  never scored: every figure stays one of real text.
"""

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "eval" / "labelled.jsonl"
SHARED = ROOT.parent / "shared"
DEV_SET = SHARED / "dev-set" / "cases.jsonl"
CORPUS = SHARED / "corpus"
WEAK_FILES = ("os10", "waimai", "htl")
WRITTEN = ROOT / "training" / "written"
# Beside the labelled set: the measured samples' names (one per line), and the level-1 rewrites.
MEASURED_LIST = "measured-samples.txt"
MEASURED_PROBES_LIST = "measured-probes.txt"
PARAPHRASES = "paraphrase-level1"


@dataclass(frozen=True, slots=True)
class Example:
    """One text with what is known of it. `group` keeps a text and its traditional copy together."""

    id: str
    group: str
    text: str
    is_complaint: bool
    level: int | None
    category: str | None
    weight: float
    source: str = "labelled"  # labelled (eval/), development (the dev set: clear complaints), weak


def canonical_text(text: str) -> str:
    """NFKC, no whitespace: what counts as the same text (eval/ draws and dedupes by it too)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class DatasetError(ValueError):
    """A training file that cannot be read: the message names the file and the line."""


# What every labelled or written example must say (`_example`).
EXAMPLE_KEYS = ("id", "text", "is_complaint", "level", "category")


def _read_jsonl(path: Path, required: tuple[str, ...] = ()) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise DatasetError(f"{path}:{number}: not a JSON object")
            missing = [key for key in required if key not in row]
            if missing:
                raise DatasetError(f"{path}:{number}: missing {', '.join(missing)}")
            yield row


def labelled(path: Path = LABELLED, split: str = "tune") -> list[Example]:
    """The project's labelled set, one split."""
    out = []
    for row in _read_jsonl(path, (*EXAMPLE_KEYS, "split", "source_id")):
        if row["split"] != split:
            continue
        out.append(_example(row, group=row["source_id"], weight=1.0, source="labelled"))
    return out


def development_set(path: Path = DEV_SET) -> list[Example]:
    out = []
    for row in _read_jsonl(path, ("id", "text", "level", "category")):
        group = row["id"].replace("zht-", "zh-", 1)
        out.append(
            Example(
                id=row["id"],
                group=group,
                text=row["text"],
                is_complaint=True,
                level=row["level"],
                category=row["category"],
                weight=1.0,
                source="development",
            )
        )
    return out


def texts_never_to_train_on(labelled_path: Path = LABELLED, dev_path: Path = DEV_SET) -> set[str]:
    """Every text of the labelled set (both splits), the development set and the later measurement
    samples beside the labelled set (eval/*/labelled.jsonl: fresh corpus draws), canonical form: a
    sample measured after the grader was frozen stays unseen by the model too, even weakly labelled."""
    texts = {canonical_text(row["text"]) for row in _read_jsonl(labelled_path)}
    texts |= {canonical_text(row["text"]) for row in _read_jsonl(dev_path)}
    for sample in sorted(labelled_path.parent.glob("*/labelled.jsonl")):
        texts |= {canonical_text(row["text"]) for row in _read_jsonl(sample)}
    return texts


def _listed_folders(listing: Path) -> Iterator[tuple[int, str, Path]]:
    """Each folder a list names (one per line, # comments), with its line number; no list, none."""
    if not listing.exists():
        return
    for number, line in enumerate(listing.read_text(encoding="utf-8").splitlines(), start=1):
        name = line.split("#", 1)[0].strip()
        if name:
            yield number, name, listing.parent / name


def measured_samples(exclude: set[str], labelled_path: Path = LABELLED) -> list[Example]:
    """The labelled texts (complaints and not) of the samples named in the list beside the labelled
    set, each once and none of `exclude` (canonical texts already trained on). No list, no samples."""
    listing = labelled_path.parent / MEASURED_LIST
    out = []
    seen = set(exclude)
    for number, name, folder in _listed_folders(listing):
        path = folder / "labelled.jsonl"
        if not path.exists():
            raise DatasetError(f"{listing}:{number}: no sample {name!r} ({path} not found)")
        for row in _read_jsonl(path, EXAMPLE_KEYS):
            key = canonical_text(row["text"])
            if key in seen:
                continue
            seen.add(key)
            out.append(_example(row, group=row["id"], weight=1.0, source="labelled"))
    return out


def measured_probes(labelled_path: Path = LABELLED, weight: float = 1.0) -> list[Example]:
    """The written texts of the probe sets named in the list beside the labelled set (every *.jsonl
    of each folder, each text once): trained on like written examples, never scored."""
    listing = labelled_path.parent / MEASURED_PROBES_LIST
    out = []
    seen: set[str] = set()
    for number, name, folder in _listed_folders(listing):
        paths = sorted(folder.glob("*.jsonl"))
        if not paths:
            raise DatasetError(f"{listing}:{number}: no probe set {name!r} (no *.jsonl in {folder})")
        for path in paths:
            for row in _read_jsonl(path, EXAMPLE_KEYS):
                key = canonical_text(row["text"])
                if key in seen:
                    continue
                seen.add(key)
                out.append(_example(row, group=row["id"], weight=weight, source="written"))
    return out


def _draw_rank(seed: int, row_id: str) -> str:
    return hashlib.sha256(f"{seed}:{row_id}".encode()).hexdigest()


def weak_reviews(
    count: int, weight: float, seed: int, exclude: set[str], corpus: Path = CORPUS
) -> list[Example]:
    """A seeded, balanced sample of corpus reviews labelled by the source's sentiment."""
    by_sentiment: dict[str, list[dict]] = {"negative": [], "positive": []}
    seen = set(exclude)
    for name in WEAK_FILES:
        for row in _read_jsonl(corpus / f"{name}.jsonl"):
            key = canonical_text(row["text"])
            if not key or key in seen or row.get("sentiment") not in by_sentiment:
                continue
            seen.add(key)
            by_sentiment[row["sentiment"]].append(row)
    out = []
    for sentiment, rows in sorted(by_sentiment.items()):
        # Each review's place in the draw depends on its id alone, so leaving out a newly labelled
        # sample removes its texts and keeps every other draw: the model does not change by chance.
        ranked = sorted(rows, key=lambda row: _draw_rank(seed, row["id"]))
        for row in ranked[: count // 2]:
            out.append(
                Example(
                    id=f"weak-{row['id']}",
                    group=f"weak-{row['id']}",
                    text=row["text"],
                    is_complaint=sentiment == "negative",
                    level=None,
                    category=None,
                    weight=weight,
                    source="weak",
                )
            )
    return out


def written(directory: Path = WRITTEN, weight: float = 1.0) -> list[Example]:
    """Every written example under `directory` (*.jsonl: id, text, is_complaint, level, category)."""
    out = []
    for path in sorted(directory.glob("*.jsonl")):
        for row in _read_jsonl(path, EXAMPLE_KEYS):
            out.append(_example(row, group=row["id"], weight=weight, source="written"))
    return out


def paraphrases(groups: dict[str, str], labelled_path: Path = LABELLED, weight: float = 1.0) -> list[Example]:
    """The written rewrites beside the labelled set (paraphrase-level1/written-*.jsonl), each in the
    group of the text it rewrites (`groups`: a labelled or development example's id to its group),
    so no fold trains on a rewrite of a text it scores."""
    out = []
    for path in sorted((labelled_path.parent / PARAPHRASES).glob("written-*.jsonl")):
        for row in _read_jsonl(path, (*EXAMPLE_KEYS, "source")):
            group = groups.get(row["source"], row["source"])
            out.append(_example(row, group=group, weight=weight, source="written"))
    return out


def _example(row: dict, *, group: str, weight: float, source: str) -> Example:
    """An example from a labelled row (id, text, is_complaint, level, category)."""
    return Example(
        id=row["id"],
        group=group,
        text=row["text"],
        is_complaint=row["is_complaint"],
        level=row["level"],
        category=row["category"],
        weight=weight,
        source=source,
    )
