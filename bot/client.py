"""The bot: one `commands.Bot` subclass whose `setup_hook` opens the library and loads cogs."""

from __future__ import annotations

import logging
import pkgutil

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Config
from bot.library.service import Library
from bot.ui.cards import DYNAMIC_ITEMS
from bot.ui.errors import handle_error

log = logging.getLogger(__name__)


def discover_extensions() -> list[str]:
    """Every public module under cogs/ is a feature with `async def setup(bot)`."""
    import cogs

    return sorted(
        f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__) if not m.name.startswith("_")
    )


class StoryBot(commands.Bot):
    library: Library

    def __init__(self, config: Config, **kwargs) -> None:
        # A text bot: discord.py's "PyNaCl/davey is not installed, voice will NOT be
        # supported" warnings (logged when a client is created) tell a user nothing to do.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        kwargs.setdefault("guild_ready_timeout", 2.0)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **kwargs,
        )
        self.config = config
        self.tree.on_error = self.on_app_command_error

    async def setup_hook(self) -> None:
        self.library = await Library.open(self.config.database)
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        for ext in discover_extensions():
            await self.load_extension(ext)
        if self.config.dev_guild_id:
            guild = discord.Object(id=self.config.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
            log.info("synced commands to guild %s", self.config.dev_guild_id)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            library = getattr(self, "library", None)
            if library is not None:
                await library.close()
                del self.library

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """The one handler: known errors → a short ephemeral message; the rest logged."""
        await handle_error(interaction, error)
