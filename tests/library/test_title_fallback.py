"""An untitled story gets a readable fallback title, never a file hash."""

from __future__ import annotations

from bot.library.parse import parse_story

BODY = b"Buffy walked down the dark alleyway, stake in hand, and listened. " * 30


def test_a_name_people_gave_the_file_is_the_fallback() -> None:
    assert parse_story(BODY, "my_old_fic.txt").display_title == "my old fic"
    assert parse_story(BODY, "spuffy-2003.txt").display_title == "spuffy-2003"


def test_a_machine_file_name_gives_the_opening_words() -> None:
    for name in ("001_14faca31c7fee4ab.txt", "12345.txt", "7f3a9c2e-1b4d.txt"):
        story = parse_story(BODY, name)
        assert story.title is None
        assert story.display_title == "Untitled (“Buffy walked down the dark alleyway…”)"


def test_a_machine_file_name_gives_the_first_chapter_heading() -> None:
    text = b"Chapter 1: Release\n\n" + BODY + b"\n\nChapter 2: Hold\n\n" + BODY
    assert parse_story(text, "002_1b55e561e287f567.txt").display_title == (
        "Untitled (Chapter 1: Release)"
    )
