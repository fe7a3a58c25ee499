"""Every field of the five seed stories against tests/seeds/expected.json.

Comparison rules are those of tests/seeds/README.md: curly quotes -> straight, U+00A0 ->
space, `*` and `_` removed, whitespace collapsed; a null must stay null; word counts
within `tolerance_pct`. The parser knows nothing about these files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.library.model import ParsedStory
from bot.library.parse import parse_story

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "seeds"
SAMPLES = ROOT / "data" / "samples"
EXPECTED: dict[str, dict] = json.loads((SEEDS / "expected.json").read_text("utf-8"))["seeds"]
NAMES = sorted(EXPECTED)

_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " ", "*": "", "_": ""})


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(text.translate(_FOLD).split())


_CACHE: dict[str, ParsedStory] = {}


def parsed(name: str) -> ParsedStory:
    if name not in _CACHE:
        _CACHE[name] = parse_story((SAMPLES / name).read_bytes(), name)
    return _CACHE[name]


@pytest.fixture(params=NAMES)
def seed(request: pytest.FixtureRequest) -> tuple[ParsedStory, dict]:
    return parsed(request.param), EXPECTED[request.param]


def test_title(seed):
    story, want = seed
    assert norm(story.title) == norm(want["title"])
    if want["title"] is None:
        # a fallback is offered, never presented as declared
        assert story.title_fallback
        assert story.display_title == story.title_fallback


def test_authors(seed):
    story, want = seed
    expected = [want["author"]] if want["author"] else []
    assert [norm(a) for a in story.authors] == [norm(a) for a in expected]


def test_author_fallback(seed):
    story, want = seed
    fallback = want.get("author_fallback")
    if want["author"] is None and fallback and " " not in fallback:
        assert story.author_fallback == fallback
    if want["author"] is None and fallback is None:
        assert story.author_fallback is None


def test_rating(seed):
    story, want = seed
    judgement = want["rating_ao3_judgement"]
    assert story.rating.declared == want["rating_declared"]
    assert str(story.rating.level) in judgement["acceptable"], judgement["reason"]
    assert story.rating.inferred is (want["rating_declared"] is None)


def test_pairings(seed):
    story, want = seed
    declared = set(want["pairings_declared"])
    expected = declared | set(want["pairings_evident"])
    assert {p.name for p in story.pairings} == expected
    for pairing in story.pairings:
        assert pairing.inferred is (pairing.name not in declared)
        assert pairing.name == "/".join(sorted(pairing.characters))


def test_characters(seed):
    story, want = seed
    main = set(want["characters_main"])
    everyone = main | set(want["characters_mentioned"])
    assert set(story.characters) == everyone
    # main characters come first
    assert set(story.characters[: len(main)]) == main


def test_fandoms(seed):
    story, want = seed
    assert sorted(story.fandoms) == sorted(want["fandoms"])


@pytest.mark.parametrize(
    ("field", "key"),
    [
        ("summary", "summary"),
        ("disclaimer", "disclaimer"),
        ("spoilers", "spoilers_declared"),
    ],
)
def test_text_fields(seed, field, key):
    story, want = seed
    assert norm(getattr(story, field)) == norm(want[key])


def test_warnings(seed):
    story, want = seed
    assert story.warnings == (want["warnings_declared"] or [])


def test_author_notes(seed):
    story, want = seed
    assert [norm(n) for n in story.notes] == [norm(n) for n in want["author_notes"]]


def test_epigraph_separate_or_at_body_start(seed):
    story, want = seed
    if want["epigraph"] is None:
        assert story.epigraph is None
    elif story.epigraph is not None:
        assert norm(story.epigraph) == norm(want["epigraph"])
    else:
        assert norm(story.body).startswith(norm(want["epigraph"]))


def test_chapters(seed):
    story, want = seed
    got = [{"number": c.number, "label": c.label, "title": c.title} for c in story.chapters]
    expected = [
        {"number": c["number"], "label": c["label"], "title": norm(c["title"])}
        for c in want["chapters_present"]
    ]
    for c in got:
        c["title"] = norm(c["title"])
    assert got == expected
    assert story.total_chapters == want["total_chapters_declared"]


def test_status(seed):
    story, want = seed
    assert str(story.status) in want["status"]["acceptable"], want["status"]["reason"]


def test_word_count(seed):
    story, want = seed
    wc = want["word_count"]
    expected = wc["value"] if story.epigraph or not want["epigraph"] else wc["value_with_epigraph"]
    assert abs(story.words - expected) <= expected * wc["tolerance_pct"] / 100


def test_body_sentences(seed):
    story, want = seed
    body = norm(story.body)
    assert body.startswith(norm(want["body_first_sentence"])) or (
        story.epigraph is None and want["epigraph"] and norm(want["body_first_sentence"]) in body
    )
    assert body.endswith(norm(want["body_last_sentence"]))


def test_boilerplate_not_in_body(seed):
    story, want = seed
    paragraphs = {norm(p) for p in story.body.split("\n\n")}
    body = norm(story.body)
    for text in want["boilerplate_not_in_body"]:
        if norm(text):
            assert norm(text) not in body, text
        else:  # "***" normalises to nothing: it must not survive as a paragraph
            assert text.strip() not in {p.strip() for p in story.body.split("\n\n")}
    assert "" not in paragraphs


def test_body_matches_clean_body(seed):
    story, want = seed
    with_epigraph = want.get("body_file_with_epigraph")
    use_epigraph_body = story.epigraph is None and with_epigraph
    path = SEEDS / (with_epigraph if use_epigraph_body else want["body_file"])
    expected = path.read_text("utf-8")
    assert norm(story.body) == norm(expected)
    # stronger than the README asks: paragraphs split exactly as the clean body
    assert story.body.strip() == expected.strip()


def test_no_cloudflare_placeholder_anywhere(seed):
    story, _ = seed
    dump = json.dumps(story.to_json(), ensure_ascii=False) + str(story.author_fallback)
    assert "protected]" not in dump
    assert "[email" not in dump


def test_encoding_and_no_rejection(seed):
    story, want = seed
    assert want["reject"] is False
    assert story.encoding == want["encoding"]
