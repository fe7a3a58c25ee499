"""Legacy-encoding fixtures (tests/fixtures/encoding/): each file parses to its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.library.parse import parse_story

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "encoding"
CASES = sorted(p for p in FIXTURES.iterdir() if p.suffix != ".json")


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_encoding_fixture(path: Path):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    story = parse_story(path.read_bytes(), path.name)
    assert story.encoding == expected["encoding"]
    if "title" in expected:
        assert story.title == expected["title"]
    if "authors" in expected:
        assert story.authors == expected["authors"]
    for piece in expected.get("body_contains", []):
        assert piece in story.body
    for piece in expected.get("body_excludes", []):
        assert piece not in story.body
