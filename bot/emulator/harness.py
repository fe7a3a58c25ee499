"""Run the real StoryBot (its own setup_hook, cogs and database) against an Emulator.

    async with run_bot(tmp_path) as app:
        await app.import_samples()
        reply = await app.reader.slash("search", query="lets talk", channel=app.general)

`app` holds the emulator, the bot and a demo guild "Fandom" with #general, an
age-restricted #after-dark and a thread in it (inherits the restriction), the Librarian
role, and members: reader, reader2, moderator (Manage Server + Librarian) and owner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.config import SAMPLES_DIR, Config
from bot.emulator import permissions as perms
from bot.emulator.people import Member
from bot.emulator.server import Emulator
from bot.emulator.world import Channel, Guild, Role

log = logging.getLogger(__name__)

READY_TIMEOUT = 10.0
LIBRARIAN = "Librarian"
DAILY_PICK_CHECK = 0.05  # seconds: the bot looks for due daily picks this often (its
# clock is the emulator's, so a test moves time forward and the next look sees it)


@dataclass
class App:
    emu: Emulator
    bot: Any  # bot.client.StoryBot
    guild: Guild
    general: Channel
    adult: Channel
    adult_thread: Channel
    librarian: Role
    reader: Member
    reader2: Member
    moderator: Member
    owner: Member
    config: Config
    synced: list[Any] = field(default_factory=list)

    @property
    def command_names(self) -> list[str]:
        """Names of the slash commands registered with the emulator."""
        return sorted(c["name"] for c in self.emu.commands_for(self.guild) if c.get("type", 1) == 1)

    async def import_samples(
        self, folder: Path = SAMPLES_DIR, *, guild: Guild | None = None
    ) -> list[Any]:
        """Add every file in `folder` (default data/samples/) through the bot's Library."""
        library = getattr(self.bot, "library", None)
        if library is None:
            raise RuntimeError("the bot has no `library` (StoryBot.setup_hook opens it)")
        target = guild or self.guild
        files = await asyncio.to_thread(_sample_files, folder)
        return [
            await library.add_file(target.id, data, name, actor_id=self.moderator.id)
            for name, data in files
        ]


def _sample_files(folder: Path) -> list[tuple[str, bytes]]:
    paths = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return [(p.name, p.read_bytes()) for p in paths]


def build_demo_world(emu: Emulator) -> dict[str, Any]:
    guild = emu.create_guild("Fandom")
    librarian = guild.create_role(LIBRARIAN, permissions=0)
    mods = guild.create_role("Moderators", permissions=perms.MANAGE_GUILD | perms.MANAGE_MESSAGES)
    general = guild.create_text_channel("general", topic="Talk about stories")
    adult = guild.create_text_channel("after-dark", nsfw=True, topic="Age-restricted")
    adult_thread = adult.create_thread("late-night-reads")
    owner = guild.create_member("owner", owner=True)
    emu.app_owner = owner.user  # the guild owner also owns the bot application
    reader = guild.create_member("reader")
    reader2 = guild.create_member("reader2")
    moderator = guild.create_member("moderator", roles=[mods, librarian])
    return {
        "guild": guild,
        "general": general,
        "adult": adult,
        "adult_thread": adult_thread,
        "librarian": librarian,
        "reader": reader,
        "reader2": reader2,
        "moderator": moderator,
        "owner": owner,
    }


@contextlib.asynccontextmanager
async def run_bot(
    where: str | Path,
    *,
    config: Config | None = None,
    guild_ready_timeout: float = 0.05,
    sync: bool = True,
) -> AsyncIterator[App]:
    """Start an emulator, the demo guild and a StoryBot whose database is under `where`.

    `where` is a directory (the database is `where/storybot.db`) or a database file path.
    """
    from bot.client import StoryBot

    path = Path(where)
    is_dir = await asyncio.to_thread(path.is_dir)
    database = path / "storybot.db" if is_dir else path
    emu = await Emulator().start()
    bot: StoryBot | None = None
    connect: asyncio.Task[None] | None = None
    try:
        world = build_demo_world(emu)
        base = config or Config(moderator_role=LIBRARIAN)
        cfg = replace(
            base,
            token=emu.token,
            database=database,
            dev_guild_id=None,
            daily_pick_check_seconds=DAILY_PICK_CHECK,
        )
        with emu.patch_discord():
            bot = StoryBot(cfg, clock=emu.clock, guild_ready_timeout=guild_ready_timeout)
            await bot.login(emu.token)
            connect = asyncio.get_running_loop().create_task(bot.connect(reconnect=True))
            ready = asyncio.get_running_loop().create_task(bot.wait_until_ready())
            done, _ = await asyncio.wait(
                {connect, ready}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
            )
            if ready not in done:
                ready.cancel()
                if connect in done:
                    connect.result()
                raise TimeoutError(f"the bot was not ready within {READY_TIMEOUT}s")
            synced = await bot.tree.sync() if sync else []
            yield App(emu=emu, bot=bot, config=cfg, synced=list(synced), **world)
    finally:
        if bot is not None:
            await bot.close()
        if connect is not None:
            connect.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await connect
        await emu.stop()
