"""The fast word scanners of content/romance inference agree with plain `\\b(?:terms)\\b`."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.library.model import RatingLevel
from bot.library.parse.infer import _PARA, _lowered_for_romance, judge_rating
from bot.library.rules import content_rules, false_start, load_toml

_RULES = content_rules()
_TERMS = sorted(_RULES.levels["explicit"] | _RULES.levels["mature"] | _RULES.levels["teen"])
_ROMANCE = [t.lower() for t in load_toml("content.toml")["romance"]["terms"]]
_GLUE = [" ", " ", "\n", "\n\n", "é", "x", "_", "1", "-", "'", "—", "s", "ed", "ß", "\u00a0"]
_ODD_CASE = ["KISS", "Love", "İ", "ı", "ſ", "\u212a", "Σ"]


def _texts(words: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(words), max_size=25).map("".join)


def _reference_hits(lowered: str) -> dict[str, Counter[str]]:
    found = Counter(_RULES.strong.findall(lowered))
    return {
        level: Counter({t: n for t, n in found.items() if t in _RULES.levels[level]})
        for level in ("explicit", "mature")
    }


def _reference_teen(lowered: str, enough: int) -> int:
    return min(sum(1 for _ in _RULES.teen.finditer(lowered)), enough)


@settings(max_examples=400, deadline=None)
@given(_texts(_TERMS + _GLUE))
def test_content_hits_match_the_plain_pattern(text):
    assert _RULES.hits(text) == _reference_hits(text)
    for enough in (1, 3, 50):
        assert _RULES.teen_hits(text, enough) == _reference_teen(text, enough)


def test_term_after_a_non_ascii_letter_is_not_a_word():
    # "écock" is one word: the scanner's candidate there is refused, the rest still counted
    text = "the écock and a cock, then clit and clitoris"
    assert _RULES.hits(text) == _reference_hits(text)
    assert _RULES.hits(text)["explicit"] == Counter({"cock": 1, "clit": 1, "clitoris": 1})


def _romantic(text: str, start: int, end: int) -> bool:
    """couple_from_text's test of one paragraph, as it runs it."""
    padded = _lowered_for_romance(text)
    if padded is not None and _RULES.romance_scan is not None:
        m = _RULES.romance_scan.search(padded, start, end + 1)
        if m is None:
            return False
        if not false_start(m.group(1)):
            return True
    return bool(_RULES.romance.search(text, start, end))


@settings(max_examples=400, deadline=None)
@given(_texts(_ROMANCE + _GLUE + _ODD_CASE))
def test_romance_paragraph_test_matches_the_case_insensitive_pattern(text):
    starts = [0] + [m.end() for m in _PARA.finditer(text)]
    ends = [*starts[1:], len(text)]
    for start, end in zip(starts, ends, strict=True):
        assert _romantic(text, start, end) == bool(_RULES.romance.search(text, start, end))


def test_explicit_words_late_in_a_long_story_still_rate_it_high():
    prose = "She walked to the window and looked out at the rain. " * 4000
    explicit = "His cock, her clit, an orgasm; he thrust into her. " * 20
    assert judge_rating(prose + explicit).level == RatingLevel.EXPLICIT
    assert judge_rating(prose).level == RatingLevel.GENERAL


def test_scanner_refuses_terms_that_do_not_start_and_end_with_a_word_character():
    from bot.library.rules import word_scanner

    assert word_scanner(["-ish"]) is None
    assert word_scanner([]) is None
    scanner = word_scanner(["kiss"])
    assert scanner is not None
    assert scanner.findall(" a kiss, kissed (kiss)") == [(" ", "kiss"), ("(", "kiss")]
