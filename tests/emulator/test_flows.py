"""The person-like API drives a real discord.py bot through the emulator."""

from __future__ import annotations

import pytest

from bot.emulator import CommandRefused
from tests.emulator.tinybot import Tiny


async def test_slash_reply_button_update_and_select(tiny: Tiny) -> None:
    reply = await tiny.reader.slash("hello", name="Ann", channel=tiny.general)
    assert reply.content == "hello Ann"
    assert reply.labels == ["Next", "Later", "Off"]
    assert [o["label"] for o in reply.options] == ["Option A", "Option B", "Option C"]
    assert not reply.ephemeral
    page2 = await reply.click("Next")
    assert page2.content == "page 2"
    assert page2.message is reply.message
    assert [e["content"] for e in reply.edits] == ["hello Ann"]
    picked = await reply.select("Option A", "c", by=tiny.moderator)
    assert picked.content == "picked a,c"
    assert picked.ephemeral
    assert picked.interaction.user is tiny.moderator.user


async def test_deferred_update_waits_for_the_edit(tiny: Tiny) -> None:
    reply = await tiny.reader.slash("hello", name="Bo")
    later = await reply.click("Later")
    assert later.content == "edited after a deferred update"


async def test_disabled_button_cannot_be_clicked(tiny: Tiny) -> None:
    reply = await tiny.reader.slash("hello", name="Cy")
    with pytest.raises(CommandRefused, match="disabled"):
        await reply.click("Off")


async def test_attachment_option_defer_and_followup_file(tiny: Tiny) -> None:
    upload = tiny.emu.attachment("note.txt", b"abcdef")
    reply = await tiny.reader.slash("upload", file=upload, channel=tiny.general)
    assert reply.content == "got 6 bytes"
    assert reply.ephemeral  # the deferral's ephemeral flag wins
    assert reply.files == {"reversed.txt": b"fedcba"}
    assert not reply.message.loading


async def test_autocomplete_returns_the_bots_choices(tiny: Tiny) -> None:
    choices = await tiny.reader.autocomplete("find", "word", "lets ta", channel=tiny.general)
    assert len(choices) == 25
    assert choices[0] == {"name": "lets ta 0", "value": "lets ta-0"}


async def test_modal_opens_and_submits(tiny: Tiny) -> None:
    form = await tiny.reader.slash("feedback")
    assert form.modal is not None and form.modal["title"] == "Feedback"
    done = await form.submit_modal({"Comment": "lovely"})
    assert done.content == "thanks: lovely (-)"
    with pytest.raises(CommandRefused, match="required"):
        await form.submit_modal({"Mood": "happy"})


async def test_subcommands_groups_and_followups(tiny: Tiny) -> None:
    added = await tiny.reader.slash("shelf add", title="Dune")
    assert added.content == "added Dune"
    tagged = await tiny.reader.slash("shelf tags set", tag="scifi")
    assert tagged.content == "tag scifi"
    await tagged.wait_for(lambda r: len(r.followups) == 1)
    assert tagged.followups[0].content == "and a follow-up"
    assert tagged.followups[0].ephemeral


async def test_channel_role_and_range_options(tiny: Tiny) -> None:
    reply = await tiny.reader.slash(
        "pick_channel", options={"channel": tiny.general}, role=tiny.mods, count=3
    )
    assert reply.content == "general Mods 3"
    with pytest.raises(CommandRefused, match="between"):
        await tiny.reader.slash(
            "pick_channel", options={"channel": tiny.general}, role=tiny.mods, count=9
        )
    with pytest.raises(CommandRefused, match="missing required"):
        await tiny.reader.slash("pick_channel", role=tiny.mods)


async def test_default_member_permissions_are_enforced(tiny: Tiny) -> None:
    with pytest.raises(CommandRefused, match="permissions"):
        await tiny.reader.slash("modonly")
    reply = await tiny.moderator.slash("modonly")
    assert reply.content == "moderated"


async def test_age_restricted_command_and_thread_inheritance(tiny: Tiny) -> None:
    with pytest.raises(CommandRefused, match="age-restricted"):
        await tiny.reader.slash("spicy", channel=tiny.general)
    assert (await tiny.reader.slash("spicy", channel=tiny.adult)).content == "spicy"
    assert tiny.thread.age_restricted
    assert (await tiny.reader.slash("spicy", channel=tiny.thread)).content == "spicy"


async def test_dm_contexts(tiny: Tiny) -> None:
    dm = tiny.reader.dm_channel
    reply = await tiny.reader.slash("where", channel=dm)
    assert reply.content == "in dm"
    with pytest.raises(CommandRefused, match="DMs"):
        await tiny.reader.slash("modonly", channel=dm)
    assert (await tiny.reader.slash("where")).content == "in Test Guild"


async def test_pings_follow_allowed_mentions(tiny: Tiny) -> None:
    loud = await tiny.reader.slash("mention", who=tiny.moderator)
    assert tiny.moderator in loud.pinged
    quiet = await tiny.reader.slash("mention", who=tiny.moderator, quiet=True)
    assert tiny.moderator not in quiet.pinged
    assert not quiet.pinged


async def test_channel_messages_parse_everything_by_default(tiny: Tiny) -> None:
    reply = await tiny.reader.slash("announce", channel=tiny.general)
    assert reply.ephemeral
    posted = tiny.general.last_message
    assert posted is not None and posted.content == "@everyone new story"
    assert posted.pings.everyone


async def test_dm_channel_creation_and_message(tiny: Tiny) -> None:
    user = await tiny.bot.fetch_user(tiny.reader.id)
    await user.send("a private note")
    assert tiny.reader.dm_channel.last_message.content == "a private note"


async def test_unknown_command_is_refused(tiny: Tiny) -> None:
    with pytest.raises(CommandRefused, match="not a command"):
        await tiny.reader.slash("nope")


async def test_a_guild_created_while_connected_is_usable(tiny: Tiny) -> None:
    second = tiny.emu.create_guild("Second Guild")
    lobby = second.create_text_channel("lobby")
    visitor = second.create_member("visitor")
    reply = await visitor.slash("where", channel=lobby)
    assert reply.content == "in Second Guild"
    assert lobby.last_message is reply.message
    assert tiny.general.last_message is None


async def test_uploads_carry_a_guessed_content_type(tiny: Tiny) -> None:
    assert tiny.emu.attachment("a.txt", b"x").content_type == "text/plain; charset=utf-8"
    assert tiny.emu.attachment("b.epub", b"x").content_type == "application/epub+zip"


async def test_roles_granted_later_change_what_a_member_may_run(tiny: Tiny) -> None:
    tiny.reader.add_role(tiny.mods)
    assert (await tiny.reader.slash("modonly")).content == "moderated"
    tiny.reader.remove_role(tiny.mods)
    with pytest.raises(CommandRefused):
        await tiny.reader.slash("modonly")


async def test_application_owner(tiny: Tiny) -> None:
    info = await tiny.bot.application_info()
    assert info.owner.id == tiny.emu.app_owner.id


async def test_silence_fails_clearly_or_is_reported(tiny: Tiny) -> None:
    from bot.emulator import BotDidNotRespond

    with pytest.raises(BotDidNotRespond, match="never acknowledged"):
        await tiny.reader.slash("silent", timeout=0.2)
    quiet = await tiny.reader.slash("silent", timeout=0.2, expect_reply=False)
    assert not quiet.answered and quiet.message is None and quiet.error is None


async def test_choices_by_name_or_value(tiny: Tiny) -> None:
    assert (await tiny.reader.slash("level", level="High")).content == "High=3"
    assert (await tiny.reader.slash("level", level=1)).content == "Low=1"
    with pytest.raises(CommandRefused, match="one of"):
        await tiny.reader.slash("level", level="Medium")
