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
    rel = tables.resolve_relationship("Zuko/Katara")  # no Avatar table
    assert rel is not None and rel.name == "Katara/Zuko"


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
    assert tables.fandom_name("Harry Potter") == "Harry Potter - J. K. Rowling"
    assert tables.fandom_name("Avatar: The Last Airbender") is None
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
    # the Harry Potter table places it (Hermione, Hogwarts); Buffy's Dawn/Faith/Angel do not
    assert story.characters == ["Harry Potter", "Hermione Granger"]
    assert story.fandoms == ["Harry Potter - J. K. Rowling"]
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


# ---- any fandom: scoped tables, names as written, quadrants, FanFiction.net groups --------


def test_a_table_applies_only_to_its_fandom(tables):
    star_wars = tables.scoped({"star_wars"})
    assert star_wars.resolve_relationship("Finn/Poe Dameron").name == "Finn/Poe Dameron"
    assert star_wars.resolve_relationship("Poe/Finn").name == "Finn/Poe Dameron"
    assert "Riley Finn" not in star_wars.home
    assert tables.scoped({"buffy"}).resolve_relationship("B/A").name == "Angel/Buffy Summers"


def test_without_a_table_pairings_are_order_free_and_keep_punctuation(tables):
    none = tables.scoped(())
    assert none.home == {}
    a = none.resolve_relationship("Naruto U./Sasuke U.")
    b = none.resolve_relationship("Sasuke U./Naruto U.")
    assert a == b and a.name == "Naruto U./Sasuke U."
    assert none.resolve_relationship("Zuko/Katara.").name == "Katara/Zuko"  # a full stop goes


@pytest.mark.parametrize(
    ("raw", "name", "romantic"),
    [
        ("Karkat Vantas ♥ Terezi Pyrope", "Karkat Vantas/Terezi Pyrope", True),
        ("Karkat Vantas <3 Terezi Pyrope", "Karkat Vantas/Terezi Pyrope", True),
        ("Eridan Ampora ♠ Sollux Captor", "Eridan Ampora/Sollux Captor", True),
        ("Eridan Ampora <3< Sollux Captor", "Eridan Ampora/Sollux Captor", True),
        ("Gamzee Makara ♦ Karkat Vantas", "Gamzee Makara & Karkat Vantas", False),
        ("Gamzee Makara <> Karkat Vantas", "Gamzee Makara & Karkat Vantas", False),
        ("Kanaya Maryam ♣ Karkat Vantas", "Kanaya Maryam & Karkat Vantas", False),
        ("Rey & Finn", "Finn & Rey", False),
    ],
)
def test_quadrant_symbols_are_relationships(tables, raw, name, romantic):
    rel = tables.scoped(()).resolve_relationship(raw)
    assert rel is not None and rel.name == name and rel.romantic is romantic


def test_ffnet_bracket_group_is_a_pairing(tables):
    rel = tables.scoped({"naruto"}).resolve_relationship("[Naruto U., Sasuke U.]")
    assert rel.name == "Uchiha Sasuke/Uzumaki Naruto" and rel.romantic
    assert tables.scoped(()).resolve_relationship("[Naruto U., Sasuke U.]").name == (
        "Naruto U./Sasuke U."
    )


def test_story_families_declared_fandom_decides(tables):
    from collections import Counter

    text = "Xander and Willow watched Finn and Poe."
    counts = tables.count_mentions(text)
    kwargs = {"declared_characters": [], "text": text, "counts": counts}
    assert tables.story_families(
        declared_fandoms=["Star Wars"], declared_relationships=["Finn/Poe"], **kwargs
    ) == {"star_wars"}
    assert tables.story_families(
        declared_fandoms=["TV Shows > Buffy: The Vampire Slayer"],
        declared_relationships=[],
        **kwargs,
    ) == {"buffy"}
    assert tables.story_families(
        declared_fandoms=["Harry Potter x Naruto"], declared_relationships=[], **kwargs
    ) == {"harry_potter", "naruto"}
    # an unknown declared fandom gives no table at all
    assert (
        tables.story_families(
            declared_fandoms=["Avatar: The Last Airbender"], declared_relationships=[], **kwargs
        )
        == set()
    )
    # undeclared: a distinctive declared name is evidence, a short form ("Finn") is not
    assert tables.story_families(
        declared_fandoms=[],
        declared_characters=[],
        declared_relationships=["Finn/Poe Dameron"],
        text="",
        counts=Counter(),
    ) == {"star_wars"}
    assert (
        tables.story_families(
            declared_fandoms=[],
            declared_characters=["Finn"],
            declared_relationships=[],
            text="",
            counts=Counter(),
        )
        == set()
    )


@pytest.mark.parametrize(
    ("family", "raw", "name"),
    [
        ("harry_potter", "Drarry", "Draco Malfoy/Harry Potter"),
        ("harry_potter", "Harry/Draco", "Draco Malfoy/Harry Potter"),
        ("sherlock", "Johnlock", "John Watson/Sherlock Holmes"),
        ("sherlock", "Sherlock/John", "John Watson/Sherlock Holmes"),
        ("x_files", "MSR", "Dana Scully/Fox Mulder"),
        ("x_files", "Mulder/Scully", "Dana Scully/Fox Mulder"),
        ("star_wars", "Reylo", "Kylo Ren/Rey"),
        ("naruto", "SasuNaru", "Uchiha Sasuke/Uzumaki Naruto"),
    ],
)
def test_more_fandom_tables(tables, family, raw, name):
    assert tables.scoped({family}).resolve_relationship(raw).name == name


def test_every_table_file_loads_and_names_its_fandoms():
    directory = Path(__file__).resolve().parents[2] / "data" / "fandoms"
    for path in directory.glob("*.toml"):
        loaded = load_tables(directory)
        assert path.stem in loaded.files
        assert loaded.files[path.stem].get("fandoms"), path.name
