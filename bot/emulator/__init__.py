"""A loopback Discord for running and testing the real, unmodified discord.py bot offline.

Every request body is validated against Discord's OpenAPI spec (spec/openapi.json) with
`jsonschema`, plus the rules the spec cannot express (6000 embed characters, 3 s to
acknowledge, already acknowledged, component limits, empty messages, upload size,
allowed_mentions). A rejected request gets Discord's status and JSON error code, so
discord.py raises `discord.HTTPException` as on Discord, and lands in `emu.rejections`.

Tests use the `app` fixture (tests/conftest.py; harness.py): the real StoryBot, its own
setup_hook, cogs and a database in tmp_path, commands synced, guild "Fandom" ready.

    async def test_search(app):
        await app.import_samples()                  # data/samples/ via bot.library.add_file
        reply = await app.reader.slash("search", query="lets talk", channel=app.general)
        assert "Let's Talk" in reply.text           # content + every embed's text
        reply.content, reply.embeds, reply.embed, reply.components, reply.ephemeral
        reply.buttons, reply.labels, reply.selects, reply.options, reply.files  # name -> bytes
        nxt = await reply.click("Next")             # label, custom_id or emoji; by=member
        card = await reply.select("Let's Talk")     # option label or value; several = multi
        done = await form.submit_modal({"Page": "3"})   # a reply with .modal; label or custom_id
        choices = await app.reader.autocomplete("story", "story", "lets ta", channel=app.adult)
        added = await app.moderator.slash("library add", file=app.emu.attachment("s.txt", data))
        assert app.reader not in reply.pinged       # Pings(users, roles, everyone)
        reply.followups, reply.edits, reply.deleted, reply.modal, reply.message, reply.raw
        await reply.wait_for(lambda r: r.followups)  # wait for something after the answer
        reply.error                                  # a Rejection (status, code, errors) or None
        app.emu.clock.advance(4)                     # older interactions: next callback 10062
        with app.emu.expect_rejections() as seen: ...   # or @pytest.mark.rejections_expected

World: app.guild, app.general, app.adult (age-restricted), app.adult_thread (inherits it),
app.librarian (role), app.reader, app.reader2, app.moderator (Manage Server + Librarian),
app.owner; `member.dm_channel`; `guild.create_text_channel(name, nsfw=)`,
`channel.create_thread(name)`, `guild.create_role(name, permissions=)`,
`guild.create_member(name, roles=[...])`, `channel.set_permissions(role, allow=, deny=)`,
`channel.messages` / `channel.last_message` (what the bot posted), `app.command_names`.

The people API refuses (`CommandRefused`) what Discord's client would not offer: unknown
commands or options, missing required options, a member without the command's
default_member_permissions, guild-only commands in DMs, age-restricted commands outside
age-restricted channels, disabled buttons. `BotDidNotRespond` (an AssertionError) when the
bot never answers within `timeout` (5 s), with the bot's logged tracebacks (pass
`expect_reply=False` to get a Reply with `answered == False` instead). Options named
`channel`, `options` or `timeout` go in `options={...}`.
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
