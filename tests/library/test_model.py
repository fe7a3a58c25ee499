"""The story model's word count: a token with a letter or digit is a word."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.library.model import count_words


def reference_count(text: str) -> int:
    return sum(1 for token in text.split() if re.search(r"[^\W_]", token))


def test_words_need_a_letter_or_digit():
    assert count_words("don't L.A. wanted—if *** — __ 42 …") == 4
    assert count_words("") == 0
    assert count_words("  \n\t ") == 0


@given(st.text(alphabet=st.sampled_from(list("ab1_*—… \n\t\u00a0\u2028é.'-"))))
def test_matches_the_definition(text):
    assert count_words(text) == reference_count(text)


@given(st.text())
def test_matches_the_definition_on_any_text(text):
    assert count_words(text) == reference_count(text)
