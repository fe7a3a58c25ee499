"""The daily pick's scheduler: a `discord.ext.tasks` loop that looks for due picks.

Every `config.daily_pick_check_seconds` (a minute) it asks the library which guilds'
picks are due at `bot.clock`'s now and posts them (bot/ui/daily_pick.py). Looking often
instead of sleeping until an hour is what makes restarts simple — the first look after
start-up posts a pick still due today — and lets tests move the clock. The command that
sets it is `/settings daily-pick` (cogs/settings.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from discord.ext import commands, tasks

from bot.ui.daily_pick import post_due

if TYPE_CHECKING:
    from bot.client import StoryBot

log = logging.getLogger(__name__)


class DailyPick(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot
        self.looks = 0  # completed looks (tests wait for the next ones)
        self._looked = asyncio.Condition()
        self.look.change_interval(seconds=bot.config.daily_pick_check_seconds)

    async def cog_load(self) -> None:
        self.look.start()

    async def cog_unload(self) -> None:
        self.look.cancel()

    @tasks.loop(minutes=1)
    async def look(self) -> None:
        try:
            await post_due(self.bot)
        except Exception:  # the library was busy or closed: the next look tries again
            log.exception("daily pick: looking for due picks failed")
        async with self._looked:
            self.looks += 1
            self._looked.notify_all()

    @look.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def looked(self, times: int = 2) -> None:
        """Return after `times` more looks have finished (two: one wholly after the call)."""
        async with self._looked:
            target = self.looks + times
            await self._looked.wait_for(lambda: self.looks >= target)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(DailyPick(bot))
