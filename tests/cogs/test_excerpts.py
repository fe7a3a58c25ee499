"""/excerpt: opening, random, passage N, chapters, Continue, and the error paths."""

from __future__ import annotations

from tests.cogs.storygen import add, make_story


async def test_opening_excerpt_is_public_with_title_author_badge(app):
    await add(app, make_story("Long Night", author="Jojo", chapters=2, paragraphs=20))
    reply = await app.reader.slash("excerpt", story="Long Night", channel=app.general)
    assert not reply.ephemeral and reply.error is None
    embed = reply.embed
    assert embed["title"] == "Long Night"
    assert "by Jojo · 🟢 General" in embed["author"]["name"]
    assert embed["description"].startswith("Long Night, chapter 1, paragraph 1.")
    assert len(embed["description"]) <= 2000
    # whole paragraphs: it ends where a paragraph ends
    assert embed["description"].endswith("The night went on and on.")
    assert "passage 1 of" in embed["footer"]["text"]
    assert reply.labels == ["Continue"]


async def test_passage_number_chapter_and_random(app):
    await add(app, make_story("Long Night", chapters=3, paragraphs=20))
    second = await app.reader.slash("excerpt", story="Long Night", where="2", channel=app.general)
    assert "passage 2 of" in second.embed["footer"]["text"]
    ch3 = await app.reader.slash(
        "excerpt", story="Long Night", chapter=3, where="passage 3", channel=app.general
    )
    assert "Chapter 3 (3/3)" in ch3.embed["footer"]["text"]
    assert "chapter 3" in ch3.embed["description"]
    rnd = await app.reader.slash("excerpt", story="Long Night", where="random", channel=app.general)
    assert "passage" in rnd.embed["footer"]["text"] and not rnd.ephemeral
    past = await app.reader.slash("excerpt", story="Long Night", where="999", channel=app.general)
    assert "the chapter ends at passage" in past.embed["footer"]["text"]
    choices = await app.reader.autocomplete("excerpt", "where", "ra", channel=app.general)
    assert [c["value"] for c in choices] == ["random"]


async def test_errors_are_private_and_specific(app):
    await add(app, make_story("Short One", chapters=2))
    bad_chapter = await app.reader.slash(
        "excerpt", story="Short One", chapter=7, channel=app.general
    )
    assert bad_chapter.ephemeral
    assert bad_chapter.content == "“Short One” has 2 chapters; pick one from 1 to 2."
    bad_where = await app.reader.slash(
        "excerpt", story="Short One", where="middle", channel=app.general
    )
    assert bad_where.ephemeral and "use opening, random or a passage number" in bad_where.content


async def test_continue_sends_the_next_passage_privately(app):
    await add(app, make_story("Long Night", chapters=2, paragraphs=20))
    reply = await app.reader.slash("excerpt", story="Long Night", channel=app.general)
    more = await reply.click("Continue", by=app.reader2)
    assert more.ephemeral and more.by is app.reader2
    assert "passage 2 of" in more.embed["footer"]["text"]
    assert more.labels == ["Previous", "Next"]
    # the reader's place is remembered: /continue resumes there
    resumed = await app.reader2.slash("continue", channel=app.general)
    assert resumed.ephemeral and "passage 2 of" in resumed.embed["footer"]["text"]


async def test_continue_at_the_end_of_a_story(app):
    await add(app, make_story("Tiny", paragraphs=1))
    reply = await app.reader.slash("excerpt", story="Tiny", channel=app.general)
    assert reply.labels == []  # one passage only: nothing to continue
    await add(app, make_story("Two Bits", paragraphs=12))
    reply = await app.reader.slash("excerpt", story="Two Bits", where="last", channel=app.general)
    assert reply.labels == []


async def test_where_autocomplete_takes_any_digits_typed(app) -> None:
    """'፩' is a digit to str.isdigit() but not to int(); 40 digits is no passage."""
    for typed in ("፩", "٣", "1" * 40, "2"):
        choices = await app.reader.autocomplete(
            "excerpt", "where", typed, channel=app.general, options={"story": "x"}
        )
        assert all(isinstance(c["name"], str) for c in choices)
    assert app.emu.logged_errors == []
