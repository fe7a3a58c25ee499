"""`/settings show|adult-listing|moderator-role` end to end through the loopback Discord."""

from __future__ import annotations

import asyncio

import pytest

from bot.config import SAMPLES_DIR
from bot.emulator import permissions as perms
from bot.emulator.harness import App
from bot.emulator.people import CommandRefused, Member, Reply
from bot.permissions import NOT_MODERATOR_MESSAGE

WALKING = SAMPLES_DIR / "003_8891b8927e7392ef.txt"  # explicit content: an adult story
FINAL_PARTING = SAMPLES_DIR / "004_3a1befc0c0f73a1a.txt"


def field(reply: Reply, start: str) -> str:
    for item in reply.embed.get("fields", []):
        if item["name"].startswith(start):
            return item["value"]
    raise AssertionError(f"no field {start!r} in {reply.embed}")


async def add(app: App, who: Member, path=FINAL_PARTING, **options: str) -> Reply:
    data = await asyncio.to_thread(path.read_bytes)
    return await who.slash(
        "library add", file=app.emu.attachment(path.name, data), channel=app.general, **options
    )


async def test_show_reports_the_defaults(app: App) -> None:
    reply = await app.moderator.slash("settings show", channel=app.general)

    assert reply.ephemeral
    assert field(reply, "Adult titles").startswith("off (the bot's default)")
    assert field(reply, "Moderator role").startswith("Librarian (the bot's default, by name)")


async def test_a_reader_cannot_change_settings(app: App) -> None:
    with pytest.raises(CommandRefused, match="lacks the permissions"):
        await app.reader.slash("settings adult-listing", enabled=True, channel=app.general)
    app.general.set_permissions(app.reader, allow=perms.MANAGE_GUILD)
    reply = await app.reader.slash("settings adult-listing", enabled=True, channel=app.general)
    assert reply.content == NOT_MODERATOR_MESSAGE
    settings = await app.bot.library.store.get_settings(app.guild.id)
    assert settings.list_adult_titles is None


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
    settings = await app.bot.library.store.get_settings(app.guild.id)
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
    # the server lets both roles use the commands in #general (an admin's override)
    app.general.set_permissions(curators, allow=perms.MANAGE_GUILD)
    app.general.set_permissions(app.librarian, allow=perms.MANAGE_GUILD)
    await asyncio.sleep(0.05)  # new roles and members reach the bot's cache

    refused = await curator.slash("library log", channel=app.general)
    assert refused.content == NOT_MODERATOR_MESSAGE

    reply = await app.moderator.slash("settings moderator-role", role=curators, channel=app.general)
    assert reply.ephemeral
    assert reply.content == f"Members with Curators (id {curators.id}) can now manage the library."
    assert field(reply, "Moderator role").startswith(f"Curators (id {curators.id})")
    assert not reply.pinged
    settings = await app.bot.library.store.get_settings(app.guild.id)
    assert settings.moderator_role_id == curators.id

    allowed = await curator.slash("library log", channel=app.general)
    assert allowed.content != NOT_MODERATOR_MESSAGE and allowed.ephemeral
    no_longer = await librarian.slash("library log", channel=app.general)
    assert no_longer.content == NOT_MODERATOR_MESSAGE

    cleared = await app.moderator.slash("settings moderator-role", channel=app.general)
    assert cleared.content.startswith("The server's moderator role is cleared")
    back = await librarian.slash("library log", channel=app.general)
    assert back.content != NOT_MODERATOR_MESSAGE


async def test_everyone_cannot_be_the_moderator_role(app: App) -> None:
    reply = await app.moderator.slash(
        "settings moderator-role", role=app.guild.everyone, channel=app.general
    )
    assert reply.content.startswith("@\u200beveryone cannot be the moderator role")
    assert not reply.pinged
    settings = await app.bot.library.store.get_settings(app.guild.id)
    assert settings.moderator_role_id is None


async def test_setting_changes_are_in_the_library_log(app: App) -> None:
    await app.moderator.slash("settings adult-listing", enabled=True, channel=app.general)
    log = await app.moderator.slash("library log", channel=app.general)
    line = log.embed["description"].splitlines()[0]
    assert f"<@{app.moderator.id}> changed setting list_adult_titles → True" in line
