"""/read sessions (next / previous / chapter select), remembered positions, /continue."""

from __future__ import annotations

from tests.cogs.storygen import add, make_story


def footer(reply) -> str:
    return reply.embed["footer"]["text"]


async def test_read_turns_pages_and_chapters(app):
    await add(app, make_story("Saga", chapters=3, paragraphs=14))
    session = await app.reader.slash("read", story="Saga", channel=app.general)
    assert session.ephemeral
    assert "Chapter 1 (1/3) · passage 1 of" in footer(session)
    assert [b["disabled"] for b in session.buttons] == [True, False]  # no Previous at start
    options = [o["label"] for o in session.options]
    assert options == ["1. Chapter 1", "2. Chapter 2", "3. Chapter 3"]
    two = await session.click("Next")
    assert "passage 2 of" in footer(two)
    back = await two.click("Previous")
    assert "passage 1 of" in footer(back)
    ch3 = await back.select("3. Chapter 3")
    assert "Chapter 3 (3/3) · passage 1 of" in footer(ch3)
    assert "Saga, chapter 3, paragraph 1." in ch3.embed["description"]
    # walk to the end: Next is disabled and the footer says so
    page = ch3
    for _ in range(10):
        if page.buttons[1]["disabled"]:
            break
        page = await page.click("Next")
    assert page.buttons[1]["disabled"] and footer(page).startswith("The end")
    # previous from chapter 3's first passage goes to chapter 2's last
    start3 = await page.select("3. Chapter 3")
    last2 = await start3.click("Previous")
    assert "Chapter 2 (2/3)" in footer(last2)


async def test_position_is_remembered_per_reader_and_story(app):
    await add(app, make_story("Saga", chapters=2, paragraphs=14))
    await add(app, make_story("Other", paragraphs=14))
    session = await app.reader.slash("read", story="Saga", channel=app.general)
    page = await session.click("Next")
    page = await page.click("Next")
    assert "passage 3 of" in footer(page)
    again = await app.reader.slash("read", story="Saga", channel=app.general)
    assert "passage 3 of" in footer(again)
    fresh = await app.reader2.slash("read", story="Saga", channel=app.general)
    assert "passage 1 of" in footer(fresh)
    chapter2 = await app.reader.slash("read", story="Saga", chapter=2, channel=app.general)
    assert "Chapter 2 (2/2) · passage 1 of" in footer(chapter2)
    await app.reader.slash("read", story="Other", channel=app.general)
    resumed = await app.reader.slash("continue", channel=app.general)
    assert resumed.embed["title"] == "Other"


async def test_only_the_reader_turns_the_pages(app):
    await add(app, make_story("Saga", paragraphs=14))
    session = await app.reader.slash("read", story="Saga", channel=app.general)
    refused = await session.click("Next", by=app.reader2)
    assert refused.ephemeral and "Only the member who opened this" in refused.content


async def test_continue_without_history_and_after_removal(app):
    nothing = await app.reader.slash("continue", channel=app.general)
    assert nothing.ephemeral and "haven't started reading anything" in nothing.content
    story_id = await add(app, make_story("Gone Soon", paragraphs=8))
    await app.reader.slash("read", story="Gone Soon", channel=app.general)
    await app.bot.library.remove(app.guild.id, story_id, actor_id=app.moderator.id)
    gone = await app.reader.slash("continue", channel=app.general)  # the place went with it
    assert gone.ephemeral and "Gone Soon" not in gone.text and not gone.embeds


async def test_read_unknown_chapter(app):
    await add(app, make_story("Saga", chapters=2))
    reply = await app.reader.slash("read", story="Saga", chapter=5, channel=app.general)
    assert reply.ephemeral and reply.content == "“Saga” has 2 chapters; pick one from 1 to 2."


async def test_chapter_select_shows_25_chapters_around_the_current_one(app):
    await add(app, make_story("Epic", chapters=40, paragraphs=1))
    session = await app.reader.slash("read", story="Epic", chapter=30, channel=app.general)
    values = [int(o["value"]) for o in session.options]
    assert len(values) == 25 and 30 in values and values == sorted(values)
    assert next(o for o in session.options if o.get("default"))["value"] == "30"
    nxt = await session.click("Next")  # one passage per chapter: next is chapter 31
    assert "Chapter 31 (31/40)" in footer(nxt)
