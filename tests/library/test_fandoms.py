"""Fandom tables: aliases, ships, initials resolved per whole ship, mentions, fandoms."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.library.fandoms import fandom_tables, load_tables


@pytest.fixture(scope="module")
def tables():
    return fandom_tables()


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("B/A", "Angel/Buffy Summers"),
        ("A/B", "Angel/Buffy Summers"),
        ("X/A", "Anya Jenkins/Xander Harris"),
        ("Spike/Buffy", "Buffy Summers/Spike"),
        ("Buffy/Spike", "Buffy Summers/Spike"),
        ("S/B", "Buffy Summers/Spike"),
        ("Spuffy", "Buffy Summers/Spike"),
        ("spuffy", "Buffy Summers/Spike"),
        ("Spike x Buffy", "Buffy Summers/Spike"),
        ("William the Bloody/Buffy", "Buffy Summers/Spike"),
        ("Angelus/Buffy", "Angel/Buffy Summers"),
        ("Bangel", "Angel/Buffy Summers"),
        ("Spander", "Spike/Xander Harris"),
        ("Fuffy", "Buffy Summers/Faith Lehane"),
        ("Spangel", "Angel/Spike"),
        ("Willara", "Tara Maclay/Willow Rosenberg"),
        ("W/T", "Tara Maclay/Willow Rosenberg"),
        ("Will/Tara", "Tara Maclay/Willow Rosenberg"),
        ("Xander/Anya", "Anya Jenkins/Xander Harris"),
        ("Xanya", "Anya Jenkins/Xander Harris"),
        ("Cordy/Angel", "Angel/Cordelia Chase"),
        ("Buffy S./Spike", "Buffy Summers/Spike"),
        ("Willow and Tara", "Tara Maclay/Willow Rosenberg"),
        ("Spike/Buffy (past)", "Buffy Summers/Spike"),
        ("Buffy/Spike/Angel", "Angel/Buffy Summers/Spike"),
    ],
)
def test_ships_resolve_to_one_canonical_pairing(tables, raw, name):
    rel = tables.resolve_relationship(raw)
    assert rel is not None
    assert rel.romantic
    assert rel.name == name


def test_ampersand_is_platonic(tables):
    rel = tables.resolve_relationship("Buffy & Willow")
    assert rel is not None
    assert not rel.romantic
    assert rel.name == "Buffy Summers & Willow Rosenberg"


def test_unknown_characters_kept_as_declared(tables):
    rel = tables.resolve_relationship("Harry/Draco")
    assert rel is not None and rel.name == "Draco/Harry"


def test_not_a_ship(tables):
    assert tables.resolve_relationship("Romance") is None
    assert tables.resolve_relationship("") is None


def test_ship_shorthand_in_free_text(tables):
    found = tables.ships_in_text("Massively Spuffy!! With a side of W/T and some Spike/Xander.")
    assert [r.name for r in found] == [
        "Buffy Summers/Spike",
        "Tara Maclay/Willow Rosenberg",
        "Spike/Xander Harris",
    ]
    assert tables.ships_in_text("Fractions like 3/4 and dates 1/2/03 are not ships.") == []


def test_mentions_are_case_sensitive_whole_words(tables):
    text = (
        "Buffy kissed Spike. Will you come? asked Angel. The Immortal smiled. "
        "Buffy's sister Dawn waited; dawn broke. Captain Cardboard was gone. Buffybot beeped."
    )
    counts = tables.count_mentions(text)
    assert counts["Buffy Summers"] == 3
    assert counts["Spike"] == 1
    assert counts["Angel"] == 1
    assert counts["The Immortal"] == 1
    assert counts["Dawn Summers"] == 1
    assert counts["Riley Finn"] == 1
    assert "Willow Rosenberg" not in counts  # "Will" is too ambiguous for story text


def test_fandoms(tables):
    assert tables.fandom_name("BtVS") == "Buffy the Vampire Slayer"
    assert tables.fandom_name("Angel: the Series") == "Angel (TV)"
    assert tables.fandom_name("Harry Potter") is None
    assert tables.fandoms_of(["Spike", "Angel"]) == ["Buffy the Vampire Slayer", "Angel (TV)"]
    assert tables.fandoms_of(["Lorne"]) == ["Angel (TV)"]


def test_canonical_character(tables):
    assert tables.canonical_character("Buffy") == "Buffy Summers"
    assert tables.canonical_character("Anyanka") == "Anya Jenkins"
    assert tables.canonical_character("Ripper") == "Rupert Giles"
    assert tables.canonical_character("Liam") == "Angel"
    assert tables.canonical_character("Wills") == "Willow Rosenberg"
    assert tables.canonical_character("Nobody") is None


def test_adding_a_fandom_is_adding_a_file(tmp_path: Path):
    (tmp_path / "a.toml").write_text(
        '[[fandoms]]\nname = "Sherlock (TV)"\naliases = ["BBC Sherlock"]\n'
        '[characters."Sherlock Holmes"]\nfandoms = ["Sherlock (TV)"]\naliases = ["Sherlock"]\n'
        'initials = ["S"]\n'
        '[characters."John Watson"]\nfandoms = ["Sherlock (TV)"]\naliases = ["John"]\n'
        'initials = ["J"]\n[ships]\nJohnlock = ["John Watson", "Sherlock Holmes"]\n',
        encoding="utf-8",
    )
    (tmp_path / "broken.toml").write_text("this is [not toml", encoding="utf-8")
    tables = load_tables(tmp_path)
    assert tables.fandom_name("BBC Sherlock") == "Sherlock (TV)"
    assert tables.resolve_relationship("J/S").name == "John Watson/Sherlock Holmes"
    assert tables.resolve_relationship("Johnlock").name == "John Watson/Sherlock Holmes"
    assert tables.count_mentions("Sherlock sighed at John.")["Sherlock Holmes"] == 1


def test_everyday_word_names_alone_do_not_place_a_story_in_a_fandom():
    from bot.library.parse import parse_story

    other = (
        "Dawn broke over Hogwarts. Harry woke early. Faith, Hermione said, was a thing you "
        "kept. Angel wings on the Christmas tree glittered. Dawn came again."
    )
    story = parse_story(other.encode(), "hp.txt")
    assert story.characters == []
    assert story.fandoms == []
    buffy = (
        "Dawn walked through Sunnydale at night. Faith was waiting at the Bronze. "
        "Dawn smiled at Faith. Sunnydale was quiet."
    )
    story = parse_story(buffy.encode(), "b.txt")
    assert story.characters == ["Dawn Summers", "Faith Lehane"]
    assert story.fandoms == ["Buffy the Vampire Slayer"]


def test_one_distinctive_name_admits_the_whole_family(tables):
    counts = tables.count_mentions("Xander laughed. The Immortal left. Angel sighed.")
    assert tables.evident_families("", counts) == {"buffy"}
