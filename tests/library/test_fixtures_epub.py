"""EPUB fixtures (tests/fixtures/epub/*.json): each names the files of a book (built into a
ZIP here, no binary stored) and what the parsed story must hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.library.parse import parse_story
from tests.library.test_parse_epub import build_epub

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "epub"
CASES = sorted(FIXTURES.glob("*.json"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_epub_fixture(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    data = build_epub(case["files"], opf_path=case["opf_path"])
    story = parse_story(data, f"{path.stem}.epub")
    expected = case["expected"]
    for key in ("title", "authors", "fandoms", "series", "series_part", "summary", "tags"):
        if key in expected:
            assert getattr(story, key) == expected[key], key
    for key in ("total_chapters",):
        if key in expected:
            assert getattr(story, key) == expected[key], key
    if "status" in expected:
        assert str(story.status) == expected["status"]
    if "rating" in expected:
        assert story.rating.level.value == expected["rating"]
    if "pairings" in expected:
        assert [p.name for p in story.pairings] == expected["pairings"]
    if "chapters" in expected:
        assert [[c.number, c.label, c.title] for c in story.chapters] == expected["chapters"]
    for note in expected.get("notes_include", []):
        assert note in story.notes
    for piece in expected.get("body_contains", []):
        assert piece in story.body
    for piece in expected.get("body_excludes", []):
        assert piece not in story.body
