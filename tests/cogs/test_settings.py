"""`/settings show|adult-listing|moderator-role` end to end through the loopback Discord."""

from __future__ import annotations

import asyncio

from bot.config import SAMPLES_DIR
from bot.emulator import permissions as perms
from bot.emulator.harness import App
from bot.emulator.people import Member, Reply
from bot.permissions import MANAGE_SERVER_ONLY, not_moderator_message

LIBRARIAN_REFUSAL = not_moderator_message("Librarian")

WALKING = SAMPLES_DIR / "003_8891b8927e7392ef.txt"  # explicit content: an adult story
FINAL_PARTING = SAMPLES_DIR / "004_3a1befc0c0f73a1a.txt"


def field(reply: Reply, start: str) -> str:
    for item in reply.embed.get("fields", []):
        if item["name"].startswith(start):
            return item["value"]
    raise AssertionError(f"no field {start!r} in {reply.embed}")


async def add(app: App, who: Member, path=FINAL_PARTING, **options: str) -> Reply:
    """`/library add` and Save."""
    data = await asyncio.to_thread(path.read_bytes)
    shown = await who.slash(
        "library add", file=app.emu.attachment(path.name, data), channel=app.general, **options
    )
    return await shown.click("Save", by=who)


async def test_show_reports_the_defaults(app: App) -> None:
    reply = await app.moderator.slash("settings show", channel=app.general)

    assert reply.ephemeral
    assert field(reply, "Adult titles").startswith("off (the bot's default)")
    assert field(reply, "Moderator role").startswith("Librarian (the bot's default, by name)")


async def test_a_reader_cannot_change_settings(app: App) -> None:
    reply = await app.reader.slash("settings adult-listing", enabled=True, channel=app.general)
    assert reply.ephemeral and reply.content == LIBRARIAN_REFUSAL
    app.general.set_permissions(app.reader, allow=perms.MANAGE_GUILD)  # one channel only
    again = await app.reader.slash("settings adult-listing", enabled=True, channel=app.general)
    assert again.content == LIBRARIAN_REFUSAL
    role = await app.reader.slash("settings moderator-role", role=app.guild.everyone)
    assert role.content == LIBRARIAN_REFUSAL
    settings = await app.bot.library.settings(app.guild.id)
    assert settings.list_adult_titles is None and settings.moderator_role_id is None


async def test_only_manage_server_changes_who_the_moderators_are(app: App) -> None:
    librarian = app.guild.create_member("librarian", roles=[app.librarian])
    everyone_has = app.guild.create_role("Members")
    await asyncio.sleep(0.05)

    for role in (app.guild.everyone, everyone_has, None):
        options = {} if role is None else {"role": role}
        refused = await librarian.slash("settings moderator-role", channel=app.general, **options)
        assert refused.ephemeral and refused.content == MANAGE_SERVER_ONLY
    settings = await app.bot.library.settings(app.guild.id)
    assert settings.moderator_role_id is None
    assert await app.bot.library.audit_log(app.guild.id, limit=5) == []
    # the role's other settings commands still work for it
    shown = await librarian.slash("settings show", channel=app.general)
    assert shown.embed["title"] == "Storybot settings"


async def test_adult_listing_changes_what_search_lists_in_a_normal_channel(app: App) -> None:
    added = await add(app, app.moderator, WALKING, rating="Explicit")
    assert added.embed["title"] == "Added: Walking in Dreams"

    hidden = await app.reader.slash("search", query="walking in dreams", channel=app.general)
    assert "Walking in Dreams" not in hidden.text
    in_adult = await app.reader.slash("search", query="walking in dreams", channel=app.adult)
    assert "Walking in Dreams" in in_adult.text

    on = await app.moderator.slash("settings adult-listing", enabled=True, channel=app.general)
    assert on.ephemeral
    assert on.content.startswith("Adult titles are now listed")
    assert field(on, "Adult titles").startswith("on")
    settings = await app.bot.library.settings(app.guild.id)
    assert settings.list_adult_titles is True

    listed = await app.reader.slash("search", query="walking in dreams", channel=app.general)
    assert "Walking in Dreams" in listed.text

    off = await app.moderator.slash("settings adult-listing", enabled=False, channel=app.general)
    assert off.content.startswith("Adult titles are now left out")
    again = await app.reader.slash("search", query="walking in dreams", channel=app.general)
    assert "Walking in Dreams" not in again.text


async def test_moderator_role_setting_takes_the_place_of_the_configured_role(app: App) -> None:
    curators = app.guild.create_role("Curators")
    curator = app.guild.create_member("curator", roles=[curators])
    librarian = app.guild.create_member("librarian", roles=[app.librarian])
    await asyncio.sleep(0.05)  # new roles and members reach the bot's cache

    refused = await curator.slash("library log", channel=app.general)
    assert refused.content == LIBRARIAN_REFUSAL

    reply = await app.moderator.slash("settings moderator-role", role=curators, channel=app.general)
    assert reply.ephemeral
    assert reply.content == f"Members with Curators (id {curators.id}) can now manage the library."
    assert field(reply, "Moderator role").startswith(f"Curators (id {curators.id})")
    assert not reply.pinged
    settings = await app.bot.library.settings(app.guild.id)
    assert settings.moderator_role_id == curators.id

    allowed = await curator.slash("library log", channel=app.general)
    assert allowed.ephemeral and "Library log" in allowed.text
    no_longer = await librarian.slash("library log", channel=app.general)
    assert no_longer.content == not_moderator_message("Curators")

    cleared = await app.moderator.slash("settings moderator-role", channel=app.general)
    assert cleared.content.startswith("The server's moderator role is cleared")
    back = await librarian.slash("library log", channel=app.general)
    assert "Library log" in back.text


async def test_the_answer_says_when_integrations_overrides_keep_the_role_out(app: App) -> None:
    curators = app.guild.create_role("Curators")
    await asyncio.sleep(0.05)
    app.guild.command_permissions.deny(app.guild.everyone, command="library")

    reply = await app.moderator.slash("settings moderator-role", role=curators, channel=app.general)

    assert reply.content.startswith(f"Curators (id {curators.id}) is now the moderator role, but")
    assert "Server Settings → Integrations" in reply.content and "/library" in reply.content
    assert "/settings" not in reply.content
    app.guild.command_permissions.allow(curators, command="library")
    fine = await app.moderator.slash("settings moderator-role", role=curators, channel=app.general)
    assert fine.content == f"Members with Curators (id {curators.id}) can now manage the library."


async def test_everyone_cannot_be_the_moderator_role(app: App) -> None:
    reply = await app.moderator.slash(
        "settings moderator-role", role=app.guild.everyone, channel=app.general
    )
    assert reply.content.startswith("@\u200beveryone cannot be the moderator role")
    assert not reply.pinged
    settings = await app.bot.library.settings(app.guild.id)
    assert settings.moderator_role_id is None


async def test_setting_changes_are_in_the_library_log(app: App) -> None:
    await app.moderator.slash("settings adult-listing", enabled=True, channel=app.general)
    log = await app.moderator.slash("library log", channel=app.general)
    line = log.embed["description"].splitlines()[0]
    assert line.endswith(f"<@{app.moderator.id}> turned on adult titles in lists")
    curators = app.guild.create_role("Curators")
    await asyncio.sleep(0.05)
    await app.moderator.slash("settings moderator-role", role=curators, channel=app.general)
    await app.moderator.slash("settings moderator-role", channel=app.general)
    log = await app.moderator.slash("library log", channel=app.general)
    lines = log.embed["description"].splitlines()
    assert lines[0].endswith("cleared the moderator role (back to the bot's default)")
    assert lines[1].endswith("made Curators the moderator role")
