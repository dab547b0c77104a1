"""Build eval/labelled.jsonl from the annotators' labels (eval/labels/*.jsonl) and the corpus texts.

    python eval/build.py [--corpus DIR]

Each item: {"id", "lang", "source_id", "origin", "split", "text", "is_complaint", "level",
"category", "subtype", "safety", "media_or_regulator", "trap", "note"}. Non-complaints have no
level, category or subtype. Items an annotator marked `unclear` are left out. A share (by id) of
the Chinese items is also emitted in traditional Chinese (OpenCC s2tw, and s2hk for a third of
them) with the source's labels and split, so that a copy never lands on the other side of the
frozen split from its source. The split (`eval/split.py`) depends on the source id only.
"""

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import get_args

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sample import SHARED, canonical_text, read_jsonl  # noqa: E402
from split import split_of  # noqa: E402

sys.path.insert(0, str(HERE.parent))
from policies.taxonomy import Category, Subtype  # noqa: E402

SEED = 20261204
TRADITIONAL_SHARE = 0.15
# The labels use the grader's own taxonomy: one list, so a label can never name a type it lacks.
CATEGORIES = set(get_args(Category))
SUBTYPES = set(get_args(Subtype))
FIELDS = ("is_complaint", "level", "category", "subtype", "safety", "media_or_regulator", "trap", "note")


def check(label: dict) -> None:
    """The guide's invariants (LABELLING.md); a broken label stops the build with its id."""
    problem = None
    if label.get("unclear"):
        problem = None if label.get("note") else "unclear without a note"
    elif label["is_complaint"]:
        if (
            label["level"] not in (1, 2, 3)
            or label["category"] not in CATEGORIES
            or label["subtype"] not in SUBTYPES
        ):
            problem = "level, category or subtype out of range"
        elif (label["level"] == 1) != bool(label["safety"] or label["media_or_regulator"]):
            problem = "level 1 exactly when safety or media_or_regulator"
        elif label["trap"] and label["level"] == 1:
            problem = "a trap cannot be level 1"
    elif any(label[k] is not None for k in ("level", "category", "subtype")):
        problem = "a non-complaint has a level, category or subtype"
    if problem is None and not label.get("note"):
        problem = "no note"
    if problem:
        raise SystemExit(f"{label['id']}: {problem}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--out", type=Path, default=HERE / "labelled.jsonl")
    args = parser.parse_args()
    import opencc

    texts = {}
    for name in ("htl", "os10", "waimai", "twcs"):
        texts.update({row["id"]: row for row in read_jsonl(args.corpus / f"{name}.jsonl")})
    origins = {row["id"]: row["origin"] for row in read_jsonl(HERE / "labels" / "drawn.jsonl")}
    labels: dict[str, dict] = {}
    for path in sorted((HERE / "labels").glob("labels-*.jsonl")):
        for row in read_jsonl(path):
            if row["id"] in labels:
                raise SystemExit(f"{path}: {row['id']} labelled twice")
            check(row)
            labels[row["id"]] = row

    items, left_out = [], Counter()
    for source_id in origins:
        label = labels.get(source_id)
        if label is None:
            raise SystemExit(f"{source_id}: drawn but not labelled")
        if label.get("unclear"):
            left_out["unclear"] += 1
            continue
        text = texts[source_id]["text"]
        lang = "en" if source_id.startswith("twcs-") else "zh-Hans"
        items.append(
            {
                "id": source_id,
                "lang": lang,
                "source_id": source_id,
                "origin": origins[source_id],
                "split": split_of(source_id),
                "text": text,
                **{k: label[k] for k in FIELDS},
            }
        )

    # Which items also come in traditional Chinese depends on the id alone, so labelling more texts
    # never changes the copies of those already labelled.
    converters = {"s2tw": opencc.OpenCC("s2tw"), "s2hk": opencc.OpenCC("s2hk")}
    for item in [i for i in items if i["lang"] == "zh-Hans"]:
        digest = hashlib.sha256(f"{SEED}:{item['source_id']}".encode()).digest()
        if digest[0] >= round(TRADITIONAL_SHARE * 256):
            continue
        config = "s2hk" if digest[1] % 3 == 2 else "s2tw"
        converted = converters[config].convert(item["text"])
        if converted == item["text"]:
            continue
        items.append(
            {
                **item,
                "id": f"zht-{item['source_id']}",
                "lang": "zh-Hant",
                "origin": f"{item['origin']} ({config})",
                "text": converted,
            }
        )

    seen: dict[str, str] = {}
    for item in items:
        key = canonical_text(item["text"])
        if key in seen:
            raise SystemExit(f"{item['id']} repeats the text of {seen[key]}")
        seen[key] = item["id"]
    with args.out.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")

    def bucket(item: dict) -> str:
        return "non-complaint" if not item["is_complaint"] else f"level {item['level']}"

    print(f"{len(items)} items written to {args.out} ({left_out['unclear']} unclear left out)")
    for split in ("tune", "frozen"):
        part = [i for i in items if i["split"] == split]
        counts = Counter(bucket(i) for i in part)
        langs = Counter(i["lang"] for i in part)
        print(
            f"  {split:6} {len(part):5}  "
            + "  ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
            + "  | "
            + "  ".join(f"{k}: {v}" for k, v in sorted(langs.items()))
        )


if __name__ == "__main__":
    main()
