"""Gateway: zlib-stream, READY/GUILD_CREATE state, RESUME after a dropped connection."""

from __future__ import annotations

import asyncio

import pytest

from tests.emulator.tinybot import Tiny


async def test_identify_uses_zlib_stream_and_guild_state_arrives(tiny: Tiny) -> None:
    assert tiny.emu.gateway_log == ["IDENTIFY compress=True"]
    guild = tiny.bot.get_guild(tiny.guild.id)
    assert guild is not None and guild.member_count == 3
    assert guild.me.guild_permissions.manage_messages
    adult = guild.get_channel(tiny.adult.id)
    assert adult.is_nsfw()
    thread = guild.get_thread(tiny.thread.id)
    assert thread is not None and thread.parent_id == tiny.adult.id


async def test_runtime_changes_are_dispatched(tiny: Tiny) -> None:
    channel = tiny.guild.create_text_channel("late-arrival")
    role = tiny.guild.create_role("New Role")
    guild = tiny.bot.get_guild(tiny.guild.id)
    for _ in range(100):
        if guild.get_channel(channel.id) and guild.get_role(role.id):
            break
        await asyncio.sleep(0.01)
    assert guild.get_channel(channel.id).name == "late-arrival"
    assert guild.get_role(role.id).name == "New Role"


async def test_dropped_connection_resumes(tiny: Tiny) -> None:
    await tiny.emu.drop_gateway()
    for _ in range(300):
        if any(e.startswith("RESUME") for e in tiny.emu.gateway_log) and tiny.emu.connected:
            break
        await asyncio.sleep(0.01)
    assert "RESUME known=True compress=True" in tiny.emu.gateway_log
    reply = await tiny.reader.slash("hello", name="again")
    assert reply.content == "hello again"


async def test_privileged_intents_must_be_enabled() -> None:
    import discord

    from bot.emulator import Emulator

    async with Emulator() as emu:
        emu.create_guild("G")
        bot = discord.Client(intents=discord.Intents.all())
        with emu.patch_discord():
            await bot.login(emu.token)
            try:
                with pytest.raises(discord.PrivilegedIntentsRequired):
                    await bot.connect(reconnect=True)
            finally:
                await bot.close()


async def test_members_intent_gets_member_chunks() -> None:
    import discord

    from bot.emulator import Emulator

    async with Emulator(privileged_intents=1 << 1) as emu:
        guild = emu.create_guild("G")
        for name in ("ann", "bob"):
            guild.create_member(name)
        intents = discord.Intents.default()
        intents.members = True
        bot = discord.Client(intents=intents, guild_ready_timeout=0.05)
        with emu.patch_discord():
            await bot.login(emu.token)
            task = asyncio.get_running_loop().create_task(bot.connect())
            try:
                await asyncio.wait_for(bot.wait_until_ready(), 5)
                cached = bot.get_guild(guild.id)
                assert cached.chunked
                assert {m.name for m in cached.members} == {"StoryBot", "ann", "bob"}
            finally:
                await bot.close()
                task.cancel()
