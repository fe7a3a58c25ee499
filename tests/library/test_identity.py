"""Identity by content: how an upload's text relates to a stored story's."""

from __future__ import annotations

import random

from bot.library.identity import Relation, compare

WORDS = [
    "the", "night", "went", "on", "lantern", "crypt", "willow", "moon", "letter", "rain",
    "candle", "bridge", "river",
]  # fmt: skip


def chapter(seed: int, words: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words))


def test_the_same_chapters_are_the_same_story_whatever_the_spacing() -> None:
    old = [chapter(1), chapter(2)]
    assert compare(["  " + old[0].upper() + "\n", old[1]], old) is Relation.SAME


def test_more_chapters_extend_and_fewer_are_shorter() -> None:
    old = [chapter(1), chapter(2)]
    assert compare([*old, chapter(3)], old) is Relation.EXTENDS
    assert compare(old[:1], old) is Relation.SHORTER


def test_a_revised_text_is_the_same_story() -> None:
    old = [chapter(1), chapter(2)]
    revised = [old[0].replace("lantern", "lamp", 3), old[1].replace("moon", "sun", 2)]
    assert compare(revised, old) is Relation.REVISES
    assert compare([revised[0], revised[1], chapter(3)], old) is Relation.REVISES


def test_a_different_text_is_a_different_story() -> None:
    assert compare([chapter(7), chapter(8)], [chapter(1), chapter(2)]) is Relation.DIFFERENT
    assert Relation.DIFFERENT.updates is False and Relation.EXTENDS.updates is True
