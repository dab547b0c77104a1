"""Near-identical texts by MinHash over character shingles, in LSH bands (R-GRADE-1b fallback).

A complaint that shows a failure but names no product is no problem on its own: "it caught fire"
from five customers is five different things. Five customers sending *the same words* are not:
each text's shingles (runs of `shingle_chars` characters of its normalised text, punctuation and
spaces dropped) get a MinHash signature, cut into bands; texts sharing a band share a bucket.
Buckets are readable keys (`similar_3fa2b1c9d0`), stored like any problem key. Pure: no AWS.
"""

from __future__ import annotations

import hashlib
import re

from policies.alerting import NearIdenticalPolicy
from policies.text import normalise

_MERSENNE = (1 << 61) - 1
_KEPT = re.compile(r"[0-9a-z\u3400-\u9fff]")


def _seeded(n: int) -> list[tuple[int, int]]:
    """The hash functions `(a·x + b) mod p`, the same in every process (no `hash()` salt)."""
    out = []
    for i in range(n):
        digest = hashlib.blake2b(f"minhash-{i}".encode(), digest_size=16).digest()
        a = int.from_bytes(digest[:8], "big") % (_MERSENNE - 1) + 1
        b = int.from_bytes(digest[8:], "big") % _MERSENNE
        out.append((a, b))
    return out


class NearIdenticalBuckets:
    def __init__(self, policy: NearIdenticalPolicy) -> None:
        self._policy = policy
        self._functions = _seeded(policy.bands * policy.rows_per_band)

    def shingles(self, text: str) -> set[int]:
        kept = "".join(_KEPT.findall(normalise(text).text))
        width = self._policy.shingle_chars
        return {
            int.from_bytes(hashlib.blake2b(kept[i : i + width].encode(), digest_size=8).digest(), "big")
            for i in range(len(kept) - width + 1)
        }

    def buckets(self, text: str) -> list[str]:
        """One bucket per band, or none for a text too short to compare."""
        shingles = self.shingles(text)
        if len(shingles) < self._policy.min_shingles:
            return []
        signature = [min((a * x + b) % _MERSENNE for x in shingles) for a, b in self._functions]
        rows = self._policy.rows_per_band
        out = []
        for band in range(self._policy.bands):
            values = ",".join(map(str, signature[band * rows : (band + 1) * rows]))
            out.append("similar_" + hashlib.blake2b(f"{band}:{values}".encode(), digest_size=5).hexdigest())
        return out
