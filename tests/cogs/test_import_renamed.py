"""A re-upload under a changed title or author spelling (issue 10 item 2), through the
loopback Discord: the preview finds the stored story by its text and asks the moderator,
as for a same-name upload; a bulk import refuses it with the reason (nothing overwritten,
no duplicate)."""

from __future__ import annotations

from bot.emulator.harness import App
from tests.cogs.test_library import (
    add_bytes,
    only_story_id,
    preview_bytes,
    story_count,
    story_file,
    zip_of,
)


async def test_a_renamed_upload_asks_and_update_keeps_the_story_and_its_ratings(
    app: App,
) -> None:
    await add_bytes(app, "first.txt", story_file(61, 2, title="Willow's Light", author="Jojo"))
    story_id = await only_story_id(app)
    await app.bot.library.rate(app.guild.id, story_id, app.reader.id, 5, review="Lovely")

    renamed = story_file(61, 3, title="The Light of Willow", author="JoJo Writes")
    shown = await preview_bytes(app, "renamed.txt", renamed)
    asked = await shown.click("Save")
    assert asked.content.startswith(
        f"The library's **Willow's Light** (#{story_id}) is a shorter version of this file, "
        "under another title or author."
    )
    assert asked.labels == [f"Update #{story_id} with this file", "Add as a new story", "Cancel"]
    assert await story_count(app) == 1

    updated = await shown.click(f"Update #{story_id} with this file")
    assert updated.embed["title"] == "Updated: The Light of Willow"
    assert await only_story_id(app) == story_id
    summary = await app.bot.library.rating_summary(app.guild.id, story_id)
    assert summary.count == 1


async def test_a_renamed_copy_in_a_zip_is_refused_with_its_reason(app: App) -> None:
    await add_bytes(app, "first.txt", story_file(62, 2, title="Moonlit", author="Anon"))
    story_id = await only_story_id(app)
    data = zip_of({"moon.txt": story_file(62, 2, title="Moonlit (final)", author="anon.")})
    reply = await app.moderator.slash(
        "library import", file=app.emu.attachment("again.zip", data), channel=app.general
    )
    await reply.wait_for(lambda r: bool(r.embeds), timeout=30)
    assert reply.embed["description"].startswith("**0** added · **0** updated · **0** unchanged")
    rejected = next(f for f in reply.embed["fields"] if f["name"] == "Rejected")["value"]
    assert f"already in the library as #{story_id} “Moonlit”" in rejected
    assert await story_count(app) == 1
