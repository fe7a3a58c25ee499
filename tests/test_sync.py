"""`storybot sync`: publishing the slash commands, checked by the loopback Discord."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config import Config, ConfigError
from bot.emulator import Emulator
from bot.sync import sync_commands

READER_COMMANDS = {"search", "story", "browse", "excerpt", "read", "rate", "top", "help"}


async def test_global_sync_registers_every_command(tmp_path: Path):
    async with Emulator() as emu:
        config = Config(token=emu.token, database=tmp_path / "s.db")
        with emu.patch_discord():
            names = await sync_commands(config)
        assert READER_COMMANDS | {"library", "settings"} <= set(names)
        assert {c["name"] for c in emu.global_commands} == set(names)
        assert not emu.rejections


async def test_guild_sync_registers_in_that_guild_only(tmp_path: Path):
    async with Emulator() as emu:
        guild = emu.create_guild("Fandom")
        config = Config(token=emu.token, database=tmp_path / "s.db")
        with emu.patch_discord():
            names = await sync_commands(config, guild_id=guild.id)
        assert set(names) >= READER_COMMANDS
        assert emu.global_commands == []
        assert {c["name"] for c in emu.commands_for(guild)} == set(names)


async def test_no_token_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        await sync_commands(Config(database=tmp_path / "s.db"))


async def test_storybot_sync_cli(tmp_path: Path, monkeypatch, capsys):
    from bot.cli import main

    async with Emulator() as emu:
        monkeypatch.setenv("DISCORD_TOKEN", emu.token)
        with emu.patch_discord():
            status = await asyncio.to_thread(main, ["sync", "--db", str(tmp_path / "s.db")])
        assert status == 0
        out = capsys.readouterr().out
        assert out.startswith("Synced ") and "/search" in out and "every server" in out
        assert {c["name"] for c in emu.global_commands} >= READER_COMMANDS


def test_storybot_sync_without_a_token_is_one_line(tmp_path: Path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("DISCORD_TOKEN", "")
    status = main(["sync", "--db", str(tmp_path / "s.db")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "DISCORD_TOKEN is not set" in err
