"""The frozen evaluation split of eval/labelled.jsonl: fixed by the id alone, before any label existed.

An item (and its traditional-Chinese copies, which carry their source's id in `source_id`) is in
the frozen split when the first byte of sha256(SALT + source id) is below FROZEN_SHARE of 256.
Nothing is ever tuned on the frozen split: lexicons, rules and the model are built from the
development set and the `tune` split only; the model is measured by k-fold on `tune`.
"""

import hashlib

SALT = "complaint-triage frozen split 2026-12-03:"
FROZEN_SHARE = 0.30


def split_of(source_id: str, salt: str = SALT, frozen_share: float = FROZEN_SHARE) -> str:
    digest = hashlib.sha256((salt + source_id).encode("utf-8")).digest()
    return "frozen" if digest[0] < round(frozen_share * 256) else "tune"
