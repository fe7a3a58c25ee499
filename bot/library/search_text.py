"""How search compares titles and names: one normal form for both the index and the query.

`normalize("Let’s Talk — About Café!")` → `"lets talk about cafe"`: case folded, accents
dropped, apostrophes removed (not spaced, so "let's" and "lets" agree), "&" read as "and",
every other run of punctuation or space becomes one space.
"""

from __future__ import annotations

import re
import string
import unicodedata

_APOSTROPHES = "'’‘ʼ`´′ʹ"
_ASCII_TABLE = str.maketrans(
    {
        **{c: " " for c in string.punctuation + string.whitespace},
        **{c: "" for c in _APOSTROPHES if c.isascii()},
        "&": " and ",
    }
)
_APOSTROPHE_RE = re.compile(f"[{re.escape(_APOSTROPHES)}]")
_NON_WORD_RE = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """The comparable form of a title, author name or query (may be empty)."""
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_TABLE).split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = _APOSTROPHE_RE.sub("", stripped.casefold()).replace("&", " and ")
    return " ".join(_NON_WORD_RE.sub(" ", folded).split())
