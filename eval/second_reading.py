"""How far two annotators agree on level 1, and how the grader reads against each (issue 13).

    python eval/second_reading.py [--second eval/frozen-second-reading/labels.jsonl]

The second reading relabelled, blind, a subset of the frozen split (`source_id` names the text in
eval/labelled.jsonl). Prints, on that subset: level-1 labels by each annotator and how many they
share, then the grader's level-1 recall and precision against each annotator. Precision here counts
every text the grader calls a level-1 complaint, non-complaints included (`triage eval`'s per-level
table counts labelled complaints only). Prints figures; reads no text out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.sample import HERE, read_jsonl
from policies.grading import Grader
from policies.loader import load_policy


def _is_level_1(row: dict) -> bool:
    return bool(row.get("is_complaint")) and row.get("level") == 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--second", type=Path, default=HERE / "frozen-second-reading" / "labels.jsonl")
    parser.add_argument("--labelled", type=Path, default=HERE / "labelled.jsonl")
    args = parser.parse_args()
    first = {row["id"]: row for row in read_jsonl(args.labelled)}
    second = read_jsonl(args.second)
    grader = Grader.from_policy(load_policy())
    by_first, by_second, by_grader = set(), set(), set()
    for row in second:
        source = first[row["source_id"]]
        if _is_level_1(source):
            by_first.add(row["source_id"])
        if _is_level_1(row):
            by_second.add(row["source_id"])
        grading = grader.grade(source["text"])
        if grading.is_complaint and grading.level == 1:
            by_grader.add(row["source_id"])
    print(f"texts read twice: {len(second)}")
    print(
        f"level 1 by the first annotator: {len(by_first)}, by the second: {len(by_second)}, by both: "
        f"{len(by_first & by_second)}"
    )
    for name, labels in (("first", by_first), ("second", by_second)):
        found = len(labels & by_grader)
        recall = found / len(labels) if labels else 0.0
        precision = found / len(by_grader) if by_grader else 0.0
        print(
            f"grader against the {name} annotator: level-1 recall {recall:.3f} ({found}/{len(labels)}), "
            f"precision {precision:.3f} ({found}/{len(by_grader)})"
        )


if __name__ == "__main__":
    main()
