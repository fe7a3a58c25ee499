"""Bad input: one specific error (StoryRejected) with a message a moderator understands."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.library.errors import StoryRejected
from bot.library.parse import parse_story

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def test_png_named_txt():
    with pytest.raises(StoryRejected) as err:
        parse_story(PNG, "story.txt")
    assert "PNG image" in str(err.value)
    assert err.value.source_name == "story.txt"


@pytest.mark.parametrize("data", [b"", b"\n\n   \r\n", b"\xef\xbb\xbf"])
def test_empty(data):
    with pytest.raises(StoryRejected, match="empty"):
        parse_story(data, "empty.txt")


def test_over_the_size_limit_states_size_and_limit():
    data = b"word " * 300_000  # 1.4 MiB
    with pytest.raises(StoryRejected) as err:
        parse_story(data, "big.txt", max_bytes=1024 * 1024)
    message = str(err.value)
    assert "1.4 MiB" in message
    assert "1.0 MiB limit" in message


def test_default_limit_is_ten_mebibytes():
    with pytest.raises(StoryRejected, match=r"10\.0 MiB limit"):
        parse_story(b"a" * (10 * 1024 * 1024 + 1), "huge.txt")


def test_binary_noise():
    noise = zlib.compress(bytes(range(256)) * 64)
    with pytest.raises(StoryRejected):
        parse_story(noise * 4, "noise.txt")


@pytest.mark.parametrize(
    "text",
    [
        "Title: Nothing Here\nAuthor: Someone\nRating: PG\n",
        "***\n\n* * *\n\n---\n",
        "You must login (register) to review.\n\nEnjoying this story? Share your rating!\n",
    ],
)
def test_no_story_text(text):
    with pytest.raises(StoryRejected, match="No story text"):
        parse_story(text.encode(), "header_only.txt")


def test_undecodable_utf16_bom():
    with pytest.raises(StoryRejected, match="UTF-16"):
        parse_story(b"\xff\xfe" + b"\x00\xd8" + b"a", "odd.txt")


def test_unknown_extension_is_read_as_text():
    story = parse_story(b"Buffy walked home. It was late and she was tired.\n", "story.doc")
    assert story.words == 10


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.binary(max_size=3000), st.sampled_from(["a.txt", "b.md", "c", "d.text"]))
def test_arbitrary_bytes_only_ever_raise_story_rejected(data, name):
    try:
        story = parse_story(data, name)
    except StoryRejected as err:
        assert str(err)
        assert "could not be read as a story" not in str(err)  # no internal error wrapped
        return
    assert story.chapters
    assert story.words > 0


_LINE = st.one_of(
    st.sampled_from(
        [
            "Title: X",
            "by Someone",
            "Rating: PG-13",
            "Pairing: B/A",
            "Summary:",
            "Chapter 1",
            "Part II",
            "***",
            "To Be Continued...",
            "The End",
            "A/N: thanks",
            "Please review!",
            "Enjoying this story? Share your rating!",
            "[email protected]",
            "# Heading",
            "---",
            "Buffy kissed Spike.",
            "",
        ]
    ),
    st.text(max_size=80),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=40))
def test_arbitrary_line_layouts_never_crash(lines):
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    try:
        story = parse_story(data, "fuzz.txt")
    except StoryRejected as err:
        assert "could not be read as a story" not in str(err)  # no internal error wrapped
        return
    assert "protected]" not in story.body
    assert story.words == sum(c.words for c in story.chapters)
    for chapter in story.chapters:
        assert chapter.text.strip()
        assert "\n\n\n" not in chapter.text


@pytest.mark.parametrize(
    "text",
    [
        "Buffy went home.\n\nprotected]\n\nShe slept.",  # a placeholder's tail, alone
        "Buffy went home. [email[email protected] protected]\n\nShe slept.",  # nested
    ],
)
def test_placeholder_remnants_leave_the_body(text):
    story = parse_story(text.encode(), "remnant.txt")
    assert "protected]" not in story.body
    assert "Buffy went home." in story.body and "She slept." in story.body


def test_a_bracketed_aside_ending_in_protected_is_kept():
    story = parse_story(b"Buffy went home [and felt protected].\n\nShe slept.", "aside.txt")
    assert "[and felt protected]" in story.body
