"""Which corpus texts change level or complaint decision between two policy directories (issue 13).

    python eval/level_changes.py BEFORE_DIR [--after DIR] [--texts 30000] [--seed 5]

    git archive HEAD policies | tar -x -C /tmp/head      # the committed policies
    python eval/level_changes.py /tmp/head/policies        # against the working tree's

A lexicon added for one kind of text must not change the grade of the background traffic: every
level that changes on a seeded sample of the corpus is printed (before -> after, the signals that
stood, the text), then how many changed. A change is a new false alarm or a case found; read them.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.sample import SHARED, load_corpus
from policies.grading import Grader
from policies.loader import load_policy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path, help="policy directory to compare against")
    parser.add_argument("--after", type=Path, default=None, help="default: the shipped policies")
    parser.add_argument("--texts", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    before = Grader.from_policy(load_policy(args.before))
    after = Grader.from_policy(load_policy(args.after))
    chinese, english = load_corpus(SHARED / "corpus")
    texts = [row["text"] for row in (*chinese, *english)]
    sample = random.Random(args.seed).sample(texts, min(args.texts, len(texts)))
    changed = 0
    for text in sample:
        old, new = before.grade(text), after.grade(text)
        if (old.level, old.is_complaint) != (new.level, new.is_complaint):
            changed += 1
            shown = text[:160].replace("\n", " ")
            was = f"{old.level}{'' if old.is_complaint else '-'}"
            now = f"{new.level}{'' if new.is_complaint else '-'}"
            print(f"{was} -> {now}  {list(new.signals)}  {shown}")
    print(f"changed {changed} of {len(sample)}")


if __name__ == "__main__":
    main()
