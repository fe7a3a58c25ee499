"""The bot: one `commands.Bot` subclass whose `setup_hook` opens the library and loads cogs.

Every interaction goes through `bot.admission` first (acknowledged within Discord's 3 s
even in a burst: queued, shed with "busy" before its handler runs, or deferred for a
handler still at work), then to discord.py's usual dispatch. A button or form the bot no
longer knows (a view that timed out, a bot restart) is answered instead of ignored.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import pkgutil
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.admission import Admission
from bot.clock import SystemClock, WallClock
from bot.config import Config
from bot.library.service import Library
from bot.ui.cards import DYNAMIC_ITEMS
from bot.ui.errors import handle_error

log = logging.getLogger(__name__)

EXPIRED_BUTTONS = "These buttons have expired: run the command again to get fresh ones."
EXPIRED_FORM = "This form has expired: open it again."


def discover_extensions() -> list[str]:
    """Every public module under cogs/ is a feature with `async def setup(bot)`."""
    import cogs

    return sorted(
        f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__) if not m.name.startswith("_")
    )


class StoryBot(commands.Bot):
    library: Library

    def __init__(self, config: Config, *, clock: WallClock | None = None, **kwargs) -> None:
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
        self.clock: WallClock = clock or SystemClock()  # "now" for schedules (tests move it)
        self.tree.on_error = self.on_app_command_error
        self.admission = Admission()
        self._stale_answers: set[asyncio.Task[None]] = set()
        # discord.py looks parsers up in this dict for every gateway event
        self._connection.parsers["INTERACTION_CREATE"] = self._interaction_create

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
        # What start-up built (modules, discord.py's tables, the library's catalogs) lives
        # as long as the bot: out of the collector's sight, a full collection no longer
        # walks it, which otherwise stalls every interaction in flight (load bench: p99).
        gc.collect()
        gc.freeze()

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

    # ---- interactions: admission, then discord.py's dispatch ---------------------------

    def _interaction_create(self, data: Any) -> None:
        interaction = discord.Interaction(data=data, state=self._connection)
        self.admission.arrive(interaction, lambda: self._route(interaction, data))

    def _route(self, interaction: discord.Interaction, data: Any) -> None:
        """What discord.py's `ConnectionState.parse_interaction_create` does, except that a
        component or form nothing handles any more is answered (not left to fail)."""
        state = self._connection
        kind = data["type"]
        if kind in (2, 4):  # application command, autocomplete
            self.tree._from_interaction(interaction)
        elif kind == 3:  # component
            inner = data["data"]
            if self._component_known(inner["component_type"], inner["custom_id"], interaction):
                state._view_store.dispatch_view(
                    inner["component_type"], inner["custom_id"], interaction
                )
            else:
                self._answer_stale(interaction, EXPIRED_BUTTONS)
        elif kind == 5:  # modal submit
            inner = data["data"]
            if inner["custom_id"] in state._view_store._modals:
                state._view_store.dispatch_modal(
                    inner["custom_id"], interaction, inner["components"], inner.get("resolved", {})
                )
            else:
                self._answer_stale(interaction, EXPIRED_FORM)
        state.dispatch("interaction", interaction)

    def _component_known(
        self, component_type: int, custom_id: str, interaction: discord.Interaction
    ) -> bool:
        store = self._connection._view_store
        if any(pattern.fullmatch(custom_id) for pattern in store._dynamic_items):
            return True
        key = (component_type, custom_id)
        message = interaction.message
        views = store._views
        return (message is not None and key in views.get(message.id, {})) or key in views.get(
            None, {}
        )

    def _answer_stale(self, interaction: discord.Interaction, text: str) -> None:
        async def answer() -> None:
            try:
                await interaction.response.send_message(text, ephemeral=True)
            except discord.HTTPException as exc:
                log.warning("could not answer a stale interaction: %s", exc)

        self._stale_answers.add(task := asyncio.get_running_loop().create_task(answer()))
        task.add_done_callback(self._stale_answers.discard)
