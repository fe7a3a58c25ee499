"""Registering slash commands with Discord: a deliberate act, not something every start does.

`setup_hook` syncs only to `STORYBOT_DEV_GUILD_ID` (instant, for development). Publishing
the commands to every server is `storybot sync` (global; Discord may take a while to show
them) or `storybot sync --guild ID` (one server, instant).
"""

from __future__ import annotations

import logging
from dataclasses import replace

import discord

from bot.config import Config, ConfigError

log = logging.getLogger(__name__)


async def sync_commands(config: Config, *, guild_id: int | None = None) -> list[str]:
    """Log in over HTTP only (no gateway), sync the command tree, and return the names."""
    from bot.client import StoryBot

    if not config.token:
        raise ConfigError("DISCORD_TOKEN is not set: put it in .env or the environment")
    bot = StoryBot(replace(config, dev_guild_id=None))
    async with bot:
        await bot.login(config.token)  # runs setup_hook: cogs loaded, commands on the tree
        if guild_id is None:
            synced = await bot.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
    names = sorted(command.name for command in synced)
    where = f"to guild {guild_id}" if guild_id else "globally"
    log.info("synced %d commands %s", len(names), where)
    return names
