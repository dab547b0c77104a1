"""Check an annotator's labels against their batch: python eval/check_labels.py NN

Reads eval/work/batch-NN.jsonl and eval/work/labels-NN.jsonl; reports every line that breaks the
guide's invariants (eval/LABELLING.md) and every id missing or extra.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build import check  # noqa: E402


def main() -> int:
    number = sys.argv[1]
    batch = [
        json.loads(line)["id"] for line in (HERE / "work" / f"batch-{number}.jsonl").open(encoding="utf-8")
    ]
    labels: dict[str, dict] = {}
    bad = 0
    for index, line in enumerate((HERE / "work" / f"labels-{number}.jsonl").open(encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            check(row)
            labels[row["id"]] = row
        except (SystemExit, json.JSONDecodeError, KeyError, TypeError) as problem:
            bad += 1
            print(f"line {index}: {problem!r}: {line[:120]}")
    missing = [i for i in batch if i not in labels]
    extra = [i for i in labels if i not in set(batch)]
    print(
        f"{len(labels)} labelled of {len(batch)}; {bad} bad lines; "
        f"missing {len(missing)}: {missing[:10]}; extra {extra[:5]}"
    )
    return 1 if bad or missing or extra else 0


if __name__ == "__main__":
    sys.exit(main())
