"""Draw the texts of the intake set (issue 19: demands and evidence) from ../shared/corpus/.

    python eval/intake/draw.py [--out eval/intake/drawn]

Deterministic (seed below). Half the texts come from keyword passes that find demands and evidence
(and their look-alikes: "退款很快" is praise, not a demand), half from seeded random draws of negative
reviews and inbound support tweets, where demands are as rare as they really are. Texts of
../shared/dev-set/ and of eval/labelled.jsonl are left out. Which texts are frozen (never tuned on)
is a function of the id alone (`eval/split.py`), fixed before a single label existed.

Writes `<out>/batch-NN.jsonl` ({"id", "text"}) for the labellers.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

SEED = 20261206
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
PER_BATCH = 150

KEYWORDS = re.compile(
    r"退款|退钱|退货|换货|换一个|补发|重发|维修|修好|赔偿|赔我|赔钱|假一赔|退一赔|道歉|给个说法|解释|"
    r"照片|图片|拍照|截图|视频|录像|凭证|发票|"
    r"refund|money back|replace|replacement|exchange|repair|reship|resend|compensat|apolog|explain|"
    r"photo|picture|pic|screenshot|video|receipt|proof",
    re.IGNORECASE,
)


def _known_texts() -> set[str]:
    known: set[str] = set()
    for path in (ROOT / "eval" / "labelled.jsonl", ROOT.parent / "shared" / "dev-set" / "cases.jsonl"):
        if path.exists():
            with path.open(encoding="utf-8") as lines:
                known.update(json.loads(line)["text"] for line in lines if line.strip())
    return known


def draw(total: int) -> list[dict[str, str]]:
    rng = random.Random(SEED)
    known = _known_texts()
    keyword: list[dict[str, str]] = []
    negative: list[dict[str, str]] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                text = row["text"].strip()
                if not text or text in known or len(text) > 400:
                    continue
                item = {"id": row["id"], "text": text}
                if KEYWORDS.search(text):
                    keyword.append(item)
                elif str(row.get("sentiment", "0")) == "0":
                    negative.append(item)
    picked = rng.sample(keyword, total // 2) + rng.sample(negative, total - total // 2)
    rng.shuffle(picked)
    return picked


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=HERE / "drawn")
    parser.add_argument("--total", type=int, default=600)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    items = draw(args.total)
    for n in range(0, len(items), PER_BATCH):
        with (args.out / f"batch-{n // PER_BATCH + 1:02d}.jsonl").open("w", encoding="utf-8") as out:
            for item in items[n : n + PER_BATCH]:
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(items)} texts in {(len(items) + PER_BATCH - 1) // PER_BATCH} batches under {args.out}")


if __name__ == "__main__":
    main()
