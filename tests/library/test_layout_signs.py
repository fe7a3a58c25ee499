"""Text layouts detecting together (`generic.detecting`) score a text exactly as each
layout scoring it alone does: the sign words found once for all of them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.library.parse.layouts import LAYOUTS, choose
from bot.library.parse.layouts.generic import detecting

_PIECES = [
    "Reviews", "[Reviews - 7]", "you must login (register) to review", "Story Notes:",
    "Report This", "Categories: Drama", "Completed: Yes", "Current Mood: tired",
    "Entry tags: fic", "LiveJournal", "(Leave a comment)", "Link | Reply", "Share this:",
    "Like this:", "Leave a Reply", "Posted on May 1 by jo", "Filed under: fic",
    "3 thoughts on “Fic”", "WordPress", "TABLE OF CONTENTS", "Packaged: 2020",
    "Publisher: x", "\tChapter 1", "        Chapter 2", "End file.", "\n", "\n\n", " ",
    "word ", "İ", "Σ", "\u212a", "ſ", "é", "current ", "COMMENT", "link",
]  # fmt: skip


def _texts() -> st.SearchStrategy[str]:
    pad = st.sampled_from(["", "x" * 7990, "y" * 2990, "z" * 19990, "w" * 5990])
    body = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)
    return st.tuples(body, pad, body, pad, body).map("".join)


@settings(max_examples=300, deadline=None)
@given(_texts())
def test_detecting_together_scores_as_alone(text):
    alone = [layout.detect(text, "story.txt") for layout in LAYOUTS]
    with detecting(text):
        together = [layout.detect(text, "story.txt") for layout in LAYOUTS]
    assert together == alone
    assert choose(text, "story.txt")[1] == max([0.0, *alone])


def _reference_signs(window: str, patterns) -> float:
    """`signs` as first written: a substring test per needle on the lower-cased window."""
    low = window.lower()
    total = 0.0
    for needles, pattern, weight in patterns:
        words = (needles,) if isinstance(needles, str) else needles
        if any(n in low for n in words) and pattern.search(window) is not None:
            total += weight
    return min(total, 1.0)


@settings(max_examples=300, deadline=None)
@given(_texts(), st.sampled_from([(8000, 3000), (8000, 4000), (8000, 6000), (20_000, 0), (5, 5)]))
def test_signs_at_is_the_window_searched_alone(text, window):
    from bot.library.parse.layouts import efiction_text, fanficfare_txt, livejournal_text
    from bot.library.parse.layouts.generic import signs_at

    head, tail = window
    joined = text[:head] + "\n" + text[-tail:] if tail else text[:head]
    with detecting(text):
        for module in (efiction_text, fanficfare_txt, livejournal_text):
            expected = _reference_signs(joined, module._SIGNS)
            assert signs_at(text, module._SIGNS, head, tail) == expected
