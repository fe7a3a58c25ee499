"""A loopback Discord for running and testing the real, unmodified discord.py bot offline.

Every request body is validated against Discord's OpenAPI spec (spec/openapi.json) plus
the rules the spec cannot express; a rejected request gets Discord's status and error code
(so discord.py raises `discord.HTTPException` as on Discord) and lands in `emu.rejections`.

Tests (the `app` fixture in tests/conftest.py runs the real StoryBot; see harness.py):

    async def test_search(app):
        await app.import_samples()                       # data/samples/ via bot.library
        reply = await app.reader.slash("search", query="lets talk", channel=app.general)
        assert "Let's Talk" in reply.text                # content + embed text
        reply.embeds, reply.components, reply.labels, reply.options, reply.files, reply.ephemeral
        page2 = await reply.click("Next")                # by label, custom_id or emoji
        picked = await reply.select("Some title")        # option label or value (several: multi)
        form = await app.moderator.slash("library edit", story="12")
        done = await form.submit_modal({"Title": "New"}) # input label or custom_id
        choices = await app.reader.autocomplete("read", "story", "lets ta", channel=app.adult)
        upload = app.emu.attachment("story.txt", b"...")
        added = await app.moderator.slash("library add", file=upload)
        reply.pinged        # Pings(users, roles, everyone) allowed_mentions lets through
        assert app.reader not in reply.pinged
        reply.followups, reply.edits, reply.error (a Rejection), reply.modal
        app.emu.clock.advance(4)         # a later callback for an older interaction: 10062
        with app.emu.expect_rejections() as seen: ...    # rejections provoked on purpose

Others: `member.dm_channel` (DM with the bot), `app.adult` / `app.adult_thread` (age-restricted),
`CommandRefused` when Discord's client would not offer the action (missing
default_member_permissions, guild-only in DMs, age-restricted outside such channels),
`BotDidNotRespond` when the bot never answers within the timeout (5 s).
Options named `channel`/`options`/`timeout` go in `options={...}`.
"""

from bot.emulator.errors import DiscordError, Rejection
from bot.emulator.people import BotDidNotRespond, CommandRefused, Member, Reply
from bot.emulator.rules import Pings
from bot.emulator.server import Emulator
from bot.emulator.world import Channel, Guild, Message, Role, Upload, User

__all__ = [
    "BotDidNotRespond",
    "Channel",
    "CommandRefused",
    "DiscordError",
    "Emulator",
    "Guild",
    "Member",
    "Message",
    "Pings",
    "Rejection",
    "Reply",
    "Role",
    "Upload",
    "User",
]
