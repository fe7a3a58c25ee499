"""Word-processor documents: .docx (python-docx), .odt (odfpy), .rtf (striprtf).

Every document is built in the test (tests/library/documents.py); its text goes through
the text parser, so labels, chapter headings, ratings and pairings read as in a .txt.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from bot.library.errors import StoryRejected
from bot.library.model import RatingLevel
from bot.library.parse import _kind, parse_story
from bot.library.parse.formats import archive
from tests.library.documents import build_docx, build_odt, build_rtf

BUILDERS = {"docx": build_docx, "odt": build_odt, "rtf": build_rtf}
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "documents"

STORY = [
    ["title", "The Long Night"],
    ["p", "Author: Jane Writer"],
    ["p", "Fandom: Star Wars"],
    ["p", "Pairing: Poe/Finn"],
    ["p", "Rating: M"],
    ["p", "Summary: A night on the base."],
    ["heading1", "Chapter 1: Arrival"],
    ["p", "Finn came back to the base late. Poe was waiting in the hangar with caf."],
    ["p", "“You’re late,” Poe said — and Finn laughed. Café, crème, naïve: €5."],
    ["heading1", "Chapter 2: Departure"],
    ["p", "In the morning the X-wing was gone, and so was Poe. Finn found the note."],
    ["p", "He read it twice and smiled."],
]


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_document_every_field(kind: str) -> None:
    story = parse_story(BUILDERS[kind](STORY), f"night.{kind}")
    assert story.layout.startswith(kind)
    assert story.title == "The Long Night"
    assert story.authors == ["Jane Writer"]
    assert story.rating.declared == "M" and story.rating.level == RatingLevel.MATURE
    assert [p.name for p in story.pairings] == ["Finn/Poe Dameron"]
    assert story.fandoms == ["Star Wars - All Media Types"]
    assert story.summary == "A night on the base."
    assert [(c.number, c.title) for c in story.chapters] == [(1, "Arrival"), (2, "Departure")]
    assert "“You’re late,” Poe said — and Finn laughed. Café, crème, naïve: €5." in story.body
    assert "Author:" not in story.body and "Chapter 1" not in story.body


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_metadata_table_and_unlabelled_headings(kind: str) -> None:
    blocks = [
        ["title", "Storm Season"],
        ["table", [["Author", "R. Teller"], ["Rating", "NC-17"], ["Fandom", "Sherlock"]]],
        ["heading2", "The Storm"],
        ["p", "Sherlock stood at the window of Baker Street while the rain came down."],
        ["heading2", "The Calm"],
        ["p", "John brought tea. Neither of them said anything for a long while."],
    ]
    story = parse_story(BUILDERS[kind](blocks), f"storm.{kind}")
    assert story.title == "Storm Season"
    assert story.rating.level == RatingLevel.EXPLICIT
    if kind != "rtf":  # RTF has no heading styles: unlabelled titles are only paragraphs
        assert [c.title for c in story.chapters] == ["The Storm", "The Calm"]
    assert "Sherlock Holmes" in story.characters


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_documents_are_recognised_without_their_extension(kind: str) -> None:
    assert _kind(BUILDERS[kind](STORY), "upload") == kind
    assert _kind(BUILDERS[kind](STORY), "upload.bin") == kind


def test_word_97_and_other_zips_are_refused_by_name() -> None:
    with pytest.raises(StoryRejected, match=r"Word 97-2003 \.doc\); save it as \.docx"):
        parse_story(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.doc")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("photo.jpg", b"\xff\xd8\xff" + b"0" * 100)
    with pytest.raises(StoryRejected, match="ZIP archive"):
        parse_story(out.getvalue(), "photos.zip")


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_document_zip_bomb_is_refused_before_expanding(kind: str) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml" if kind == "docx" else "content.xml", b"<a/>")
        zf.writestr("bomb.xml", b"\x00" * (archive.RATIO_FLOOR * 4))
    with pytest.raises(StoryRejected, match="compression bomb"):
        parse_story(data.getvalue(), f"bomb.{kind}")


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_damaged_documents_are_refused_with_a_clear_message(kind: str) -> None:
    with pytest.raises(StoryRejected, match=r"not a valid .*not a ZIP archive"):
        parse_story(b"this is not a zip at all, just words " * 10, f"broken.{kind}")
    good = BUILDERS[kind](STORY)
    with pytest.raises(StoryRejected):
        parse_story(good[: len(good) // 2], f"cut.{kind}")


def test_rtf_code_page_and_unicode_escapes() -> None:
    data = (
        b"{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0 Arial;}}\\f0 "
        b"\\pard \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2, \\u1084?\\u1080?\\u1088?! "
        b"Story text goes on here for a while.\\par\n\\pard Second paragraph.\\par}"
    )
    story = parse_story(data, "hello.rtf")
    assert story.encoding == "cp1251"
    assert "Привет, мир!" in story.body and "Second paragraph." in story.body


CASES = sorted(FIXTURES.glob("*.json"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_document_fixture(path: Path) -> None:
    """tests/fixtures/documents/*.json: {"format", "blocks", "expected"}."""
    case = json.loads(path.read_text(encoding="utf-8"))
    story = parse_story(BUILDERS[case["format"]](case["blocks"]), f"{path.stem}.{case['format']}")
    expected = case["expected"]
    for key in ("title", "authors", "fandoms", "summary"):
        if key in expected:
            assert getattr(story, key) == expected[key], key
    if "status" in expected:
        assert story.status.value == expected["status"]
    if "rating" in expected:
        assert story.rating.level.value == expected["rating"]
    if "pairings" in expected:
        assert [p.name for p in story.pairings] == expected["pairings"]
    if "chapters" in expected:
        assert [[c.number, c.title] for c in story.chapters] == expected["chapters"]
    for piece in expected.get("body_contains", []):
        assert piece in story.body
    for piece in expected.get("body_excludes", []):
        assert piece not in story.body


def test_word_table_of_contents_is_not_story_text() -> None:
    import docx

    document = docx.Document()
    document.add_heading("Two Rooms", 0)
    document.add_paragraph("Author: Ann Other")
    document.styles.add_style("TOC 1", 1)  # what Word's generated contents use
    for n in (1, 2):
        document.add_paragraph(f"Chapter {n}\t{n + 2}", style="TOC 1")
    document.add_heading("Chapter 1", 1)
    document.add_paragraph("The first room was cold and smelled of paper.")
    document.add_heading("Chapter 2", 1)
    document.add_paragraph("The second room was warm, and someone was singing in it.")
    out = io.BytesIO()
    document.save(out)
    story = parse_story(out.getvalue(), "rooms.docx")
    assert [c.number for c in story.chapters] == [1, 2]
    assert story.summary is None  # the contents lines were read as a summary before
    assert "Chapter 1 3" not in story.body
