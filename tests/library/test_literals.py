"""The one-pass (Aho–Corasick) searches give the answers of the regex / str.count they
replace: whole-word terms, `str.count`, and the fandom tables' name counts."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.library.fandoms import fandom_tables
from bot.library.literals import Literals, WholeWords, non_overlapping
from bot.library.rules import content_rules, trie_pattern

_TABLES = fandom_tables()
_GLUE = [" ", " ", "\n", ".", ",", "'", "-", "_", "1", "é", "ß", "s", "x", "ed", "\u00a0", "Ü"]


def _texts(words: list[str], size: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(words), max_size=size).map("".join)


def _reference_words(terms: list[str], text: str) -> list[str]:
    return re.compile(rf"\b{trie_pattern(sorted(terms))}\b").findall(text)


_TERMS = ["cock", "cocks", "come inside", "come", "her folds", "her", "a", "ab", "b", "hard-on"]


@settings(max_examples=500, deadline=None)
@given(_texts([*_TERMS, *_GLUE, "abab", "comes", "hard", "on"]))
def test_whole_words_are_the_regex_matches(text):
    assert WholeWords(_TERMS).find(text) == _reference_words(_TERMS, text)


@settings(max_examples=300, deadline=None)
@given(_texts(sorted(content_rules().levels["explicit"]) + _GLUE))
def test_whole_words_of_the_rating_vocabulary_are_the_regex_matches(text):
    terms = sorted(content_rules().levels["explicit"] | content_rules().levels["mature"])
    assert WholeWords(terms).find(text) == _reference_words(terms, text)


def test_whole_words_refuse_terms_with_non_word_edges():
    with pytest.raises(ValueError):
        WholeWords(["-ish"])
    assert WholeWords.of(["ok", "-ish"]) is None
    assert WholeWords([]).find("anything") == []


@settings(max_examples=300, deadline=None)
@given(_texts(["a", "b", "aa", "ab", "é", " "], size=40), st.sampled_from(["aa", "aba", "ab", "é"]))
def test_non_overlapping_counts_as_str_count(text, needle):
    lit = Literals([needle, "a", "b"])
    starts = [s for k, s, _ in lit.places(text) if k == lit.index(needle)]
    assert non_overlapping(starts, len(needle)) == text.count(needle)


# ---- the fandom tables' names: the counts the old token Counter / str.count gave ----

_CAP_TOKEN = re.compile(r"[A-Z][a-z]*")


def _reference_mentions(text: str) -> Counter[str]:
    words = Counter(_CAP_TOKEN.findall(text))
    counts: Counter[str] = Counter()
    for alias, name in _TABLES.single_aliases.items():
        if words.get(alias):
            counts[name] += words[alias]
    for alias, name in _TABLES.multi_aliases:
        if words.get(_TABLES.first_cap[alias]) and text.count(alias):
            counts[name] += text.count(alias)
    return counts


def _reference_evident(text: str, counts: Counter[str]) -> set[str]:
    found = {
        _TABLES.family.get(f, f)
        for name, n in counts.items()
        if n and name not in _TABLES.common
        for f in _TABLES.home.get(name, ())
    }
    for word, fandom in _TABLES.evidence.items():
        if text.count(word) >= 2:
            found.add(_TABLES.family.get(fandom, fandom))
    return found


_NAME_PIECES = sorted(
    {*_TABLES.single_aliases, *(a for a, _ in _TABLES.multi_aliases), *_TABLES.evidence}
)
_NAME_GLUE = [*_GLUE, "The", "the", "Then", "a", "s", "Mc", "BUFFY", "Xand", "ers"]


@settings(max_examples=500, deadline=None)
@given(_texts(_NAME_PIECES + _NAME_GLUE, size=40))
def test_name_counts_and_evidence_are_the_token_and_str_count_answers(text):
    counts = _TABLES.count_mentions(text)
    assert counts == _reference_mentions(text)
    assert list(counts) == list(_reference_mentions(text))  # same order too
    assert _TABLES.evident_families(text, counts) == _reference_evident(text, counts)


def test_a_name_counts_only_as_a_whole_capitalised_word():
    text = "Buffy. Buffys Buffy's xBuffy BUFFY Buffy"
    assert (
        _TABLES.count_mentions(text)["Buffy Summers"] == _reference_mentions(text)["Buffy Summers"]
    )
    assert _TABLES.names_in(text).tokens["Buffy"] == 4  # "xBuffy" is a token too


@settings(max_examples=300, deadline=None)
@given(_texts(["a", "b", "ab", "é", "ü", " ", "Ω"], size=30))
def test_places_are_the_same_for_ascii_and_other_texts(text):
    lit = Literals(["ab", "b", "é", "aé", "Ω b"])
    expected = sorted(
        (k, s, s + len(p))
        for k, p in enumerate(lit.strings)
        for s in range(len(text))
        if text.startswith(p, s)
    )
    assert sorted(lit.places(text)) == expected
