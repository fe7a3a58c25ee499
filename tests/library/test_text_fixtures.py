"""Text fixtures with their expected records (tests/fixtures/text/*.expected.json).

Each `<name>.expected.json` sits beside its input `<name>.<ext>` and lists only the fields
it checks:

- title, authors, series, series_part, status, total_chapters, summary, notes, language,
  fandoms, tags, layout (a prefix): compared with the parsed story;
- rating: {"declared": …, "level": …}; flags_contain: words some moderator flag holds;
- chapters: [[number, label, title], …];
- relationships: the raw pairing strings the layout extracted (canonical pairings are
  the fandom tables' business, tested with them);
- body_starts / body_ends / not_in_body: the clean body;
- rejected: words the refusal message holds (the file is not a story).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.library.decode import decode_bytes
from bot.library.errors import StoryRejected
from bot.library.parse import parse_story
from bot.library.parse.layouts import parse_text_layout

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "text"
EXPECTED = sorted(FIXTURES.glob("*.expected.json"))


def _input(expected: Path) -> Path:
    stem = expected.name.removesuffix(".expected.json")
    (found,) = [p for p in FIXTURES.glob(f"{stem}.*") if not p.name.endswith(".json")]
    return found


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_fixture(expected: Path) -> None:
    want = json.loads(expected.read_text("utf-8"))
    path = _input(expected)
    data = path.read_bytes()
    if "rejected" in want:
        with pytest.raises(StoryRejected) as err:
            parse_story(data, path.name)
        assert want["rejected"].lower() in str(err.value).lower()
        return
    story = parse_story(data, path.name)
    for key in ("title", "authors", "series", "series_part", "total_chapters", "summary"):
        if key in want:
            assert getattr(story, key) == want[key], key
    for key in ("notes", "language", "fandoms", "tags"):
        if key in want:
            assert getattr(story, key) == want[key], key
    if "status" in want:
        assert str(story.status) == want["status"]
    if "layout" in want:
        assert (story.layout or "").startswith(want["layout"]), story.layout
    if "rating" in want:
        assert story.rating.declared == want["rating"]["declared"]
        assert str(story.rating.level) == want["rating"]["level"]
    for words in want.get("flags_contain", []):
        assert any(words in flag for flag in story.flags), (words, story.flags)
    if "chapters" in want:
        got = [[c.number, c.label, c.title] for c in story.chapters]
        assert got == want["chapters"]
    if "relationships" in want:
        text, _ = decode_bytes(data)
        raw = parse_text_layout(text, path.name)
        assert raw.relationships == want["relationships"]
    body = story.body
    if "body_starts" in want:
        assert body.startswith(want["body_starts"]), body[:120]
    if "body_ends" in want:
        assert body.endswith(want["body_ends"]), body[-120:]
    for text in want.get("not_in_body", []):
        assert text not in body, text


def test_there_are_enough_fixtures() -> None:
    assert len(EXPECTED) >= 20
