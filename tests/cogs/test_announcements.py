"""`/settings announcements channel`: stories saved with `/library add` → Save or imported
with `/library import` are announced there; an adult story is named only where the
audience rule lets its title be listed, its summary only in an age-restricted channel."""

from __future__ import annotations

from bot.emulator.harness import App
from tests.cogs.test_library import LIBRARIAN_REFUSAL, add_bytes, story_file, zip_of


def adult_file(title: str, seed: int) -> bytes:
    return story_file(seed, 1, title=title).replace(b"Rating: General", b"Rating: Explicit")


def announcements(channel) -> list[dict]:
    return [e for m in channel.visible_messages() for e in m.embeds if m.author.bot]


async def test_saved_and_imported_stories_are_announced_in_the_chosen_channel(app: App) -> None:
    news = app.guild.create_text_channel("new-stories")
    set_ = await app.moderator.slash(
        "settings announcements", options={"channel": news}, channel=app.general
    )
    assert set_.ephemeral and "announced in <#" in set_.content
    assert "adult stories are named there only when" in set_.content

    await add_bytes(app, "a.txt", story_file(1, 1, title="Sunny Day"))
    await add_bytes(app, "b.txt", adult_file("After Dark", 2))
    first = announcements(news)[0]
    assert first["title"] == "New in the library"
    assert first["description"].startswith("New: **Sunny Day** by Anon")
    # the Explicit story: counted, not named, in a channel that is not age-restricted
    second = announcements(news)[1]["description"]
    assert "After Dark" not in second and "1 adult story, named only" in second

    data = zip_of(
        {"c.txt": story_file(3, 1, title="Cloudy"), "a.txt": story_file(1, 2, title="Sunny Day")}
    )
    reply = await app.moderator.slash(
        "library import", file=app.emu.attachment("s.zip", data), channel=app.general
    )
    await reply.wait_for(lambda r: bool(r.embeds), timeout=30)
    if len(announcements(news)) < 3:  # the announcement follows the summary edit
        await app.bot.wait_for("message", check=lambda _: len(announcements(news)) >= 3, timeout=10)
    assert len(announcements(news)) == 3
    last = announcements(news)[-1]
    assert last["title"] == "New and updated stories"
    assert "New: **Cloudy**" in last["description"]
    assert "Updated: **Sunny Day**" in last["description"]


async def test_an_age_restricted_channel_names_adult_stories_and_off_stops(app: App) -> None:
    await app.moderator.slash(
        "settings announcements", options={"channel": app.adult}, channel=app.general
    )
    await add_bytes(app, "b.txt", adult_file("After Dark", 2))
    (shown,) = announcements(app.adult)
    assert shown["description"].startswith("New: **After Dark** by Anon")

    log = await app.moderator.slash("library log", channel=app.general)
    assert "set story announcements to <#" in log.embed["description"]

    off = await app.moderator.slash("settings announcements", channel=app.general)
    assert off.content == "New and updated stories are no longer announced."
    await add_bytes(app, "c.txt", story_file(3, 1, title="Cloudy"))
    assert len(announcements(app.adult)) == 1
    assert not [m for m in app.general.visible_messages() if m.embeds and "New" in str(m.embeds)]


async def test_a_reader_cannot_set_announcements(app: App) -> None:
    refused = await app.reader.slash(
        "settings announcements", options={"channel": app.general}, channel=app.general
    )
    assert refused.ephemeral and refused.content == LIBRARIAN_REFUSAL
    assert (await app.bot.library.settings(app.guild.id)).announce_channel_id is None
