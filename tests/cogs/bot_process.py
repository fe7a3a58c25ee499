"""The real bot (`python -m bot`'s own `main`) in its own process, pointed at a loopback
Discord running in the test's process: `python -m tests.cogs.bot_process PORT`.

Everything else comes from the environment as for `python -m bot` (DISCORD_TOKEN,
STORYBOT_DATABASE, STORYBOT_DEV_GUILD_ID …). Tests use it to kill the bot (-9) and start
it again, as a host would.
"""

from __future__ import annotations

import sys

import discord.gateway
import discord.http
import yarl


def point_at(port: int) -> None:
    """What `Emulator.patch_discord` does, for an emulator in another process."""
    discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")


if __name__ == "__main__":
    point_at(int(sys.argv[1]))
    from bot.__main__ import main

    sys.exit(main())
