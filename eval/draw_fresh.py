"""Draw a fresh sample of corpus texts for a second, later held-out measurement (issue 13).

    python eval/draw_fresh.py [--per-group 12] [--out eval/fresh]

The same keyword passes as `eval/sample.py` (the kinds of text that make a level 1 or 2, and their
look-alikes) with a seed of its own, leaving out every text already in the labelled set or the
development set, plus seeded random negative and positive reviews and tweets. Labelled by
`eval/LABELLING.md` *after* the grader was frozen for the measurement, so the figure on it is one
the grader was never tuned on. Writes `<out>/batch-NN.jsonl` ({"id", "text", "domain", "origin"}).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.sample import (
    EN_GROUPS,
    HERE,
    SHARED,
    ZH_GROUPS,
    draw,
    load_corpus,
    unique,
)
from training.dataset import texts_never_to_train_on

SEED = 20261206


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-group", type=int, default=12)
    parser.add_argument("--random", type=int, default=60, help="random reviews and tweets besides")
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--out", type=Path, default=HERE / "fresh")
    parser.add_argument(
        "--groups", default="", help="only these keyword groups (comma-separated), e.g. the level-1 kinds"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    only = {g for g in args.groups.split(",") if g}

    rng = random.Random(args.seed)
    # Every text already labelled (either split, the development set, every earlier fresh, mined or
    # near-miss sample) is not fresh: the same texts the model never trains on.
    seen = texts_never_to_train_on(HERE / "labelled.jsonl", SHARED / "dev-set" / "cases.jsonl")
    chinese, english = load_corpus(SHARED / "corpus")
    chinese = unique(chinese, set(seen))
    english = unique([t for t in english if re.search(r"[A-Za-z]{3,}", t["text"])], set(seen))
    picked: dict[str, dict] = {}
    for groups, pool in ((ZH_GROUPS, chinese), (EN_GROUPS, english)):
        for group, pattern, _ in groups:
            if only and group not in only:
                continue
            regex = re.compile(pattern, re.IGNORECASE)
            hits = [r for r in pool if regex.search(r["text"])]
            draw(rng, hits, args.per_group, f"keyword:{group}", picked, seen)
    draw(
        rng,
        [r for r in chinese if r.get("sentiment") == "negative"],
        args.random // 3,
        "random:negative",
        picked,
        seen,
    )
    draw(
        rng,
        [r for r in chinese if r.get("sentiment") == "positive"],
        args.random // 3,
        "random:positive",
        picked,
        seen,
    )
    draw(rng, english, args.random // 3, "random:tweet", picked, seen)
    rows = sorted(picked.values(), key=lambda r: r["id"])
    rng.shuffle(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    for index in range(args.batches):
        part = rows[index :: args.batches]
        with (args.out / f"batch-{index + 1:02d}.jsonl").open("w", encoding="utf-8") as handle:
            for row in part:
                domain = row.get("category") or "support tweet"
                item = {"id": row["id"], "text": row["text"], "domain": domain, "origin": row["origin"]}
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(rows)} texts in {args.batches} batches under {args.out}")


if __name__ == "__main__":
    main()
