"""`python -m bot` (= `make run`): the real bot with DISCORD_TOKEN, else the playground."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys

import aiohttp
import discord

from bot.config import Config, ConfigError, load_config


async def check_library(config: Config) -> None:
    """Open the library once before logging in, so a start-up problem (missing folder,
    unwritable path, corrupt file, schema newer than this code) is one line and exit
    status 2 instead of a traceback after connecting. Raises LibraryOpenError."""
    from bot.library import Library

    library = await Library.open(config.database, index=False)
    await library.close()


async def run_discord(config: Config) -> None:
    from bot.client import StoryBot

    assert config.token is not None
    async with StoryBot(config) as bot:
        await bot.start(config.token)


def main() -> int:
    try:
        config = load_config()
    except ConfigError as error:
        sys.stderr.write(f"storybot: {error}\n")
        return 2
    if config.token:
        from bot.library.errors import LibraryOpenError

        try:
            asyncio.run(check_library(config))
        except LibraryOpenError as error:
            sys.stderr.write(f"storybot: {error}\n")
            return 2
        discord.utils.setup_logging(level=getattr(logging, config.log_level, logging.INFO))
        try:
            with contextlib.suppress(KeyboardInterrupt):
                asyncio.run(run_discord(config))
        except LibraryOpenError as error:
            sys.stderr.write(f"storybot: {error}\n")
            return 2
        except discord.LoginFailure:
            sys.stderr.write("storybot: Discord refused DISCORD_TOKEN (check the bot token)\n")
            return 2
        except aiohttp.ClientConnectionError as error:
            sys.stderr.write(f"storybot: cannot reach Discord: {error}\n")
            return 2
        return 0
    from bot import playground

    return playground.main(config)


if __name__ == "__main__":
    sys.exit(main())
