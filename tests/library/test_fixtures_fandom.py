"""Fandom fixtures (tests/fixtures/fandom/): pairings, characters and fandoms per story.

Each `<name>.txt` parses to what `<name>.json` lists: `pairings` and `fandoms` exactly,
`characters_include` / `characters_exclude` / `tags_include` as subsets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.library.parse import parse_story

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fandom"
CASES = sorted(FIXTURES.glob("*.txt"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fandom_fixture(path: Path):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    story = parse_story(path.read_bytes(), path.name)
    assert [p.name for p in story.pairings] == expected["pairings"]
    assert story.fandoms == expected["fandoms"]
    for name in expected.get("characters_include", []):
        assert name in story.characters
    for name in expected.get("characters_exclude", []):
        assert name not in story.characters
    for tag in expected.get("tags_include", []):
        assert tag in story.tags
