"""Masking what was found (R-COMP-4): the text keeps its length, only the matches change.

Masking keeps the text's length and everything outside a match byte-for-byte. In a number each hidden
digit or X becomes `mask_char`, separators and a leading "+" stay, visible digits keep their original
(e.g. full-width) form; a number shows its leading digits (and a phone number its country prefix) only
if it starts its digit sequence and its trailing digits only if it ends it. With the policy rule
"visible digits < the shortest recognised number", visible digits cannot form a number again. An
address keeps the first `visible_leading` characters of its local part, never the last one (so what is
left is no address), and its domain if `keep_domain`.

Hiding part of an address or a number can, in contrived text, expose another next to it (a full-width
digit run ending in an ASCII-digit address), so `mask` searches its own output again until nothing is
found; almost always that is one extra search which finds nothing. Its output therefore contains no
recognisable number or address, and `mask` is idempotent. `find` reports what all the searches found,
overlapping spans joined into one match with the kind of the one found first.
"""

from policies.pii_recognition import KEPT, Hit, PiiMatch, PiiRecogniser, merge
from policies.pii_rules import EmailRule


class PiiMasker:
    """Masks every match of a recogniser with `mask_char`, as the policy says how much stays."""

    def __init__(self, recogniser: PiiRecogniser, mask_char: str, email: EmailRule) -> None:
        self._recogniser = recogniser
        self.mask_char = mask_char
        self.email = email

    def redact(self, text: str) -> tuple[str, list[PiiMatch]]:
        """The masked text and the merged matches of every pass (see the module docstring)."""
        passes: list[list[Hit]] = []
        current = text
        while hits := self._recogniser.scan(current):
            passes.append(hits)
            masked = self._apply(current, hits)
            if masked == current:  # cannot happen with a valid policy: every match hides something
                break
            current = masked
        return current, merge(passes)

    def _apply(self, text: str, hits: list[Hit]) -> str:
        """`text` with every hit masked; where an address and a number overlap, what either hides."""
        out = list(text)
        for hit in hits:
            found = "".join(out[hit.start : hit.end])
            if hit.kind == "email":
                out[hit.start : hit.end] = self._hide_address(found, hit.leading)
            else:
                out[hit.start : hit.end] = self._hide(found, hit.leading, hit.trailing)
        return "".join(out)

    def _hide(self, number: str, leading: int, trailing: int) -> str:
        significant = sum(1 for char in number if char not in KEPT)
        out: list[str] = []
        position = 0
        for char in number:
            if char in KEPT:
                out.append(char)
                continue
            out.append(char if position < leading or position >= significant - trailing else self.mask_char)
            position += 1
        return "".join(out)

    def _hide_address(self, address: str, leading: int) -> str:
        local, domain = address.split("@")
        shown = min(leading, len(local) - 1)  # the character before "@" is always hidden
        if not self.email.keep_domain:
            domain = "".join(char if char == "." else self.mask_char for char in domain)
        return f"{local[:shown]}{self.mask_char * (len(local) - shown)}@{domain}"
