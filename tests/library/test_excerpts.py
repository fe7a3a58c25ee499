"""Passage cutting: whole paragraphs within the limit; only over-long paragraphs split."""

from __future__ import annotations

import random

import pytest

from bot.library.errors import LibraryError
from bot.library.excerpts import (
    LAST,
    OPENING,
    PASSAGE_CHARS,
    RANDOM,
    paragraphs,
    parse_where,
    pick_passage,
    pick_random_chapter,
    split_passages,
)
from bot.library.safety import has_live_mention, neutralise_mentions


def _para(i: int, words: int = 40) -> str:
    return " ".join(f"w{i}x{j}" for j in range(words)) + "."


def test_paragraphs_are_kept_whole_and_in_order():
    paras = [_para(i) for i in range(60)]
    text = "\n\n".join(paras)
    passages = split_passages(text)
    assert len(passages) > 3
    assert all(len(p) <= PASSAGE_CHARS for p in passages)
    rebuilt = [q for p in passages for q in p.split("\n\n")]
    assert rebuilt == paras  # nothing lost, nothing cut, nothing reordered


def test_a_short_text_is_one_passage():
    assert split_passages("One.\n\nTwo.\n\n\n\nThree.") == ["One.\n\nTwo.\n\nThree."]
    assert split_passages("") == []
    assert paragraphs(" \n\n  \n") == []


def test_an_over_long_paragraph_is_split_at_sentence_ends():
    sentence = "She looked at the window and thought about the long night ahead of her. "
    para = (sentence * 60).strip()
    passages = split_passages(para, limit=500)
    assert all(len(p) <= 500 for p in passages)
    assert all(p.endswith(".") for p in passages)
    assert " ".join(passages).split() == para.split()


def test_a_word_longer_than_the_limit_is_cut_hard():
    passages = split_passages("x" * 130 + " tail", limit=50)
    assert all(len(p) <= 50 for p in passages)
    assert "".join(passages).replace(" ", "") == "x" * 130 + "tail"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (None, OPENING),
        ("", OPENING),
        ("Opening", OPENING),
        ("start", OPENING),
        ("random", RANDOM),
        ("last", LAST),
        ("3", 3),
        ("passage 12", 12),
        ("#4", 4),
        (2, 2),
    ],
)
def test_parse_where(typed, expected):
    assert parse_where(typed) == expected


@pytest.mark.parametrize("typed", ["middle", "passage zero", "0", -1])
def test_parse_where_rejects_nonsense(typed):
    with pytest.raises(LibraryError):
        parse_where(typed)


def test_pick_passage():
    rng = random.Random(7)
    assert pick_passage(5, OPENING) == 1
    assert pick_passage(5, LAST) == 5
    assert pick_passage(5, 3) == 3
    assert {pick_passage(5, RANDOM, rng) for _ in range(200)} == {1, 2, 3, 4, 5}
    with pytest.raises(LibraryError, match="from 1 to 5"):
        pick_passage(5, 6)
    with pytest.raises(LibraryError):
        pick_passage(0, OPENING)


def test_random_chapter_follows_length():
    rng = random.Random(1)
    picks = [pick_random_chapter([10, 0, 10_000], rng) for _ in range(300)]
    assert picks.count(3) > 250
    assert set(picks) <= {1, 2, 3}


def test_mentions_are_neutralised_but_emphasis_is_not():
    text = "Hi @everyone and @here, <@123456789012345678>, <@!5>, <@&6>, <#7>, </read:8>. *sigh*"
    safe = neutralise_mentions(text)
    assert has_live_mention(text)
    assert not has_live_mention(safe)
    assert "*sigh*" in safe
    assert safe.replace("\u200b", "") == text
