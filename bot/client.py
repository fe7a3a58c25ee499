"""The bot: one `commands.Bot` subclass whose `setup_hook` opens the library and loads cogs."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.config import Config

log = logging.getLogger(__name__)

# One file per feature under cogs/; each defines `async def setup(bot)`.
EXTENSIONS: tuple[str, ...] = ()


class StoryBot(commands.Bot):
    def __init__(self, config: Config, **kwargs) -> None:
        kwargs.setdefault("guild_ready_timeout", 2.0)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **kwargs,
        )
        self.config = config

    async def setup_hook(self) -> None:
        for ext in EXTENSIONS:
            await self.load_extension(ext)
        if self.config.dev_guild_id:
            guild = discord.Object(id=self.config.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
            log.info("synced commands to guild %s", self.config.dev_guild_id)
