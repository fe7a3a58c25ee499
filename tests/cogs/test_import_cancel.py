"""Cancelling `/library import` (issue 10 item 3): the progress reply has a Cancel button
only the moderator who started the import, still a moderator, may press; the import stops
after the files being stored at that moment and the summary says what was stored before
the stop and what was not processed."""

from __future__ import annotations

import asyncio
import re
import sys

import pytest

from bot.emulator.harness import App
from bot.emulator.people import Reply
from bot.library.store.stories import Stories  # noqa: TID251 - to see the import reach it
from tests.cogs.test_busy_library import write_lock_held
from tests.cogs.test_library import LIBRARIAN_REFUSAL, story_count, story_file, zip_of

FILES = 400
DEFERRED_UPDATE = 6  # the interaction response type


def told(reply: Reply) -> str:
    """What the presser was told privately: the answer, or — when the bot was busy and
    acknowledged the press first (bot/admission.py) — its follow-up."""
    if reply.interaction.response_type == DEFERRED_UPDATE:
        assert reply.followups, reply
        assert reply.followups[-1].ephemeral
        return reply.followups[-1].content
    assert reply.ephemeral
    return reply.content


def files() -> dict[str, bytes]:
    return {
        f"cancel-{n:03d}.txt": story_file(500 + n, 2, title=f"Cancel Story {n}")
        for n in range(FILES)
    }


async def test_cancel_stops_the_import_and_the_summary_says_what_was_not_processed(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules["cogs.library"], "IMPORT_EDIT_EVERY", 0.05)
    storing = asyncio.Event()
    store_batch = Stories.import_prepared_many

    async def seen_storing(self, *args, **kwargs):  # the real method, watched
        storing.set()
        return await store_batch(self, *args, **kwargs)

    monkeypatch.setattr(Stories, "import_prepared_many", seen_storing)
    librarian = app.guild.create_member("librarian", roles=[app.librarian])
    data = zip_of(files())
    # another process holds the write lock for a moment: the first stories wait to be
    # stored while the buttons are pressed (the import is otherwise over in a blink)
    with write_lock_held(app.bot.library.path, 1.2):
        reply = await librarian.slash(
            "library import", file=app.emu.attachment("big.zip", data), channel=app.general
        )
        assert reply.content.startswith("Importing `big.zip`")
        assert reply.labels == ["Cancel import"]
        # the parser workers start off the event loop, so the buttons answer at once:
        # press them once the first stories are on their way to the store
        await asyncio.wait_for(storing.wait(), 30)

        refused = await reply.click("Cancel import", by=app.moderator)
        assert told(refused) == "Only the moderator who asked for this import can answer it."

        librarian.remove_role(app.librarian)
        lost = await reply.click("Cancel import", by=librarian)
        assert told(lost) == LIBRARIAN_REFUSAL
        librarian.add_role(app.librarian)

        pressed = await reply.click("Cancel import", by=librarian)
        assert "cancelling after the files being stored now" in pressed.content
        assert reply.buttons == []

    await reply.wait_for(lambda r: bool(r.embeds), timeout=60)
    summary = reply.embed
    assert summary["title"] == "Import of big.zip cancelled"
    text = summary["description"]
    assert text.startswith(f"Cancelled by <@{librarian.id}> after ")
    added = int(re.search(r"\*\*(\d+)\*\* added", text)[1])
    skipped = int(re.search(r"\*\*(\d+)\*\* not processed", text)[1])
    assert f"after {added} of {FILES} files" in text
    assert "**0** updated · **0** unchanged · **0** rejected" in text
    assert skipped > 0 and added + skipped == FILES  # none stored yet is fine too
    assert await story_count(app) == added
    listed = next(f for f in summary["fields"] if f["name"] == "Not processed")["value"]
    assert listed.startswith(f"`cancel-{added:03d}.txt`")
    assert reply.buttons == []

    # the guard is free again, and running the zip again imports the rest
    again = await librarian.slash(
        "library import", file=app.emu.attachment("big.zip", data), channel=app.general
    )
    await again.wait_for(lambda r: bool(r.embeds), timeout=60)
    assert again.embed["description"].startswith(
        f"**{skipped}** added · **0** updated · **{added}** unchanged · **0** rejected"
    )
    assert await story_count(app) == FILES
