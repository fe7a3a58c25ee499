"""Imports longer than Discord's 15 minutes (issue 10 item 3): the interaction token that
lets the bot edit its private reply dies after 15 minutes (the loopback Discord enforces
it on its clock, which the test moves forward). The import's progress moves to an ordinary
message in the channel — counts only, the file names behind a Details button for the
moderator — and its summary is delivered there; where the bot may not post, the moderator
is told up front."""

from __future__ import annotations

import re
import sys

import pytest

from bot.emulator import permissions as perms
from bot.emulator.harness import App
from bot.emulator.world import Message
from tests.cogs.test_import_cancel import told
from tests.cogs.test_library import PNG, story_count, story_file, zip_of

FILES = 1500
TOKEN_LIFETIME = 15 * 60


def files(bad: int = 3) -> dict[str, bytes]:
    out = {
        f"long-{n:04d}.txt": story_file(900 + n, 1, title=f"Long Story {n}") for n in range(FILES)
    }
    out.update({f"secret-name-{n}.txt": PNG for n in range(bad)})
    return out


async def bot_message(app: App, seconds: float = 30) -> Message:
    """The bot's own message in #general (waits for it)."""

    def found() -> list[Message]:
        return [m for m in app.general.visible_messages() if m.author.bot]

    assert await app.emu.changes.wait_until(lambda: bool(found()), seconds), (
        "the bot posted nothing in the channel"
    )
    return found()[-1]


async def until(app: App, check, seconds: float = 90) -> None:
    assert await app.emu.changes.wait_until(check, seconds), "not within the time"


async def test_an_import_past_15_minutes_continues_and_ends_in_a_channel_message(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    cog = sys.modules["cogs.library"]
    monkeypatch.setattr(cog, "IMPORT_EDIT_EVERY", 0.05)
    monkeypatch.setattr(cog, "CHANNEL_EDIT_EVERY", 0.05)
    with app.emu.expect_rejections() as refused:
        reply = await app.moderator.slash(
            "library import",
            file=app.emu.attachment("long.zip", zip_of(files(bad=40))),
            channel=app.general,
        )
        assert reply.content.startswith("Importing `long.zip`")
        app.emu.clock.advance(TOKEN_LIFETIME + 1)  # 15 minutes pass
        posted = await bot_message(app)
    # the bot saw the 15 minutes were over on its own clock and did not use the dead token
    # (an edit already on its way when the clock moved may be refused: that one only)
    assert len(refused) <= 1 and {r.code for r in refused} <= {50027}
    assert posted.content.startswith(f"<@{app.moderator.id}>'s import — Importing `long.zip`")
    assert not posted.pings.users  # names the moderator, pings nobody

    await until(app, lambda: bool(posted.embeds))
    summary = posted.embeds[0]
    assert summary["title"] == "Imported long.zip"
    assert summary["description"].startswith(
        f"**{FILES}** added · **0** updated · **0** unchanged · **40** rejected"
    )
    assert "secret-name" not in str(posted.payload())  # file names are not shown to all
    assert await story_count(app) == FILES

    # Details: the full summary, privately, for the moderator who started it only
    shown = app.general.visible_messages()[-1]
    assert shown is posted
    from bot.emulator.people import Reply

    card = Reply(app.moderator, reply.interaction, posted)
    assert card.labels == ["Details"]
    other = await card.click("Details", by=app.reader)
    assert told(other) == "Only the moderator who asked for this import's details can answer it."
    details = await card.click("Details", by=app.moderator)
    assert details.ephemeral
    rejected = next(f for f in details.embed["fields"] if f["name"] == "Rejected")["value"]
    assert "`secret-name-0.txt`" in rejected
    await details.wait_for(lambda r: bool(r.followups), timeout=10)  # the long list, paged
    pages = details.followups[0]
    assert pages.ephemeral and pages.embed["title"] == "Rejected files"
    assert pages.embed["footer"]["text"] == "40 rejected · page 1 of 3"


async def test_a_long_import_moves_to_the_channel_before_the_token_ends(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    cog = sys.modules["cogs.library"]
    monkeypatch.setattr(cog, "IMPORT_EDIT_EVERY", 0.05)
    monkeypatch.setattr(cog, "CHANNEL_EDIT_EVERY", 0.05)
    reply = await app.moderator.slash(
        "library import",
        file=app.emu.attachment("long.zip", zip_of(files(bad=0))),
        channel=app.general,
    )
    app.emu.clock.advance(13.5 * 60)  # past the hand-over, before the token ends
    posted = await bot_message(app)
    # the private reply says where the progress went (a link to the channel message)
    await reply.wait_for(lambda r: "continue in" in r.content, timeout=30)
    assert re.search(rf"/channels/{app.guild.id}/{app.general.id}/{posted.id}", reply.content)
    assert reply.buttons == []
    await until(app, lambda: bool(posted.embeds))
    assert posted.embeds[0]["description"].startswith(f"**{FILES}** added")


async def test_where_the_bot_may_not_post_the_moderator_is_told_up_front(app: App) -> None:
    app.general.set_permissions(app.guild.role("StoryBot"), deny=perms.SEND_MESSAGES)
    reply = await app.moderator.slash(
        "library import",
        file=app.emu.attachment("s.zip", zip_of({"a.txt": story_file(1, 1, title="A")})),
        channel=app.general,
    )
    assert "I may not post in this channel" in reply.content
    await reply.wait_for(lambda r: bool(r.embeds), timeout=30)
    assert reply.embed["description"].startswith("**1** added")
