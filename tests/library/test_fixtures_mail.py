"""Mail and Usenet posts wrapped in MIME (tests/fixtures/mail/): multipart/alternative,
multipart/mixed with attachments, HTML-only posts, quoted-printable and base64 parts in
their own charsets, RFC 2047 encoded headers. Each file parses to its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.library.decode import read_mail
from bot.library.parse import parse_story

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
CASES = sorted(p for p in FIXTURES.iterdir() if p.suffix != ".json")


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_mail_fixture(path: Path) -> None:
    want = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    story = parse_story(path.read_bytes(), path.name)
    assert (story.layout or "").startswith(want["layout"]), story.layout
    assert story.encoding == want["encoding"]
    for key in ("title", "authors", "summary", "disclaimer", "notes", "warnings"):
        if key in want:
            assert getattr(story, key) == want[key], key
    assert story.rating.declared == want["rating"]["declared"]
    assert str(story.rating.level) == want["rating"]["level"]
    if "pairings" in want:
        assert [p.name for p in story.pairings] == want["pairings"]
    if "body_starts" in want:
        assert story.body.startswith(want["body_starts"]), story.body[:120]
    if "body_ends" in want:
        assert story.body.endswith(want["body_ends"]), story.body[-120:]
    for piece in want.get("body_contains", []):
        assert piece in story.body, piece
    for piece in want.get("body_excludes", []):
        assert piece not in story.body, piece


def test_a_story_quoting_mime_headers_is_not_a_mail() -> None:
    story = (
        b"She pasted the headers into the chat:\n\n"
        b"Content-Type: multipart/mixed; boundary=x\n\nand waited. Nothing came back.\n"
    )
    assert read_mail(story) is None


def test_a_damaged_multipart_post_is_read_as_text() -> None:
    post = (
        b"From: a@example.invalid\nSubject: FIC: Broken (PG)\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\n\n'
        b"Title: Broken\n\nThe boundary never came, but the story did, word after word.\n"
    )
    story = parse_story(post, "broken.txt")
    assert "the story did" in story.body
    assert story.rating.declared == "PG"
