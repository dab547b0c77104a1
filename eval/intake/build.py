"""Join the intake labels with their texts into eval/intake/labelled.jsonl (issue 19).

    python eval/intake/build.py

Each line: id, text, split, and the labels of eval/intake/LABELLING.md. 55 % of the items are
frozen (at least 300): a function of the id alone (`eval/split.py` with this set's own salt),
fixed before any label existed. Nothing is tuned on them; `triage eval-intake --split frozen`
measures on them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from eval.split import split_of  # noqa: E402

SALT = "complaint-triage intake split 2026-12-06:"
FROZEN_SHARE = 0.55


def main() -> None:
    texts: dict[str, str] = {}
    for path in sorted((HERE / "drawn").glob("batch-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts[row["id"]] = row["text"]
    out, unclear = [], 0
    for path in sorted((HERE / "labels").glob("labels-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            label = json.loads(line)
            if label.get("unclear"):
                unclear += 1
                continue
            item = {
                "id": label["id"],
                "text": texts[label["id"]],
                "split": split_of(label["id"], SALT, FROZEN_SHARE),
            }
            item.update({k: v for k, v in label.items() if k != "id"})
            out.append(item)
    target = HERE / "labelled.jsonl"
    target.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in out), encoding="utf-8")
    frozen = sum(i["split"] == "frozen" for i in out)
    print(f"{len(out)} items ({frozen} frozen), {unclear} left out as unclear → {target}")


if __name__ == "__main__":
    main()
