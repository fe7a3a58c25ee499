"""A tiny discord.py bot for the emulator's own tests (independent of storybot's cogs).

Some commands misbehave on purpose so each Discord rejection can be provoked through the
real client.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.emulator import Emulator
from bot.emulator.people import Member
from bot.emulator.permissions import MANAGE_GUILD
from bot.emulator.world import Channel, Guild, Role


class Pager(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.page = 1

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.page += 1
        await interaction.response.edit_message(content=f"page {self.page}", view=self)

    @discord.ui.button(label="Later")
    async def later(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="edited after a deferred update")

    @discord.ui.button(label="Off", disabled=True)
    async def off(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        raise AssertionError("a disabled button cannot be clicked")

    @discord.ui.select(
        options=[discord.SelectOption(label=f"Option {c}", value=c.lower()) for c in "ABC"],
        max_values=2,
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"picked {','.join(select.values)}", ephemeral=True)


class Feedback(discord.ui.Modal, title="Feedback"):
    comment = discord.ui.TextInput(label="Comment", max_length=200)
    mood = discord.ui.TextInput(label="Mood", required=False)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"thanks: {self.comment.value} ({self.mood.value or '-'})"
        )


class TinyBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(
            command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05
        )
        self.gate = asyncio.Event()
        self.errors: list[BaseException] = []
        self.tree.on_error = self._on_error
        add_commands(self)

    async def _on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        self.errors.append(getattr(error, "original", error))


async def _words(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=f"{current} {i}", value=f"{current}-{i}") for i in range(25)]


async def _too_many(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=f"{current} {i}", value=str(i)) for i in range(30)]


def add_commands(bot: TinyBot) -> None:
    tree = bot.tree

    @tree.command()
    async def hello(interaction: discord.Interaction, name: str) -> None:
        """Greets with a pager."""
        await interaction.response.send_message(f"hello {name}", view=Pager())

    @tree.command()
    async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
        """Deferred, reads the attachment, answers with a file."""
        await interaction.response.defer(ephemeral=True)
        data = await file.read()
        await interaction.followup.send(
            f"got {len(data)} bytes",
            file=discord.File(__import__("io").BytesIO(data[::-1]), "reversed.txt"),
        )

    @tree.command()
    @app_commands.autocomplete(word=_words)
    async def find(interaction: discord.Interaction, word: str) -> None:
        """Autocompletes 25 choices."""
        await interaction.response.send_message(f"found {word}")

    @tree.command()
    @app_commands.autocomplete(word=_too_many)
    async def toomany(interaction: discord.Interaction, word: str) -> None:
        """Autocompletes 30 choices (Discord allows 25)."""
        await interaction.response.send_message(word)

    @tree.command()
    async def feedback(interaction: discord.Interaction) -> None:
        """Opens a modal."""
        await interaction.response.send_modal(Feedback())

    @tree.command()
    async def gated(interaction: discord.Interaction) -> None:
        """Answers only when the test opens the gate."""
        await bot.gate.wait()
        await interaction.response.send_message("late")

    @tree.command()
    @app_commands.choices(
        level=[app_commands.Choice(name="Low", value=1), app_commands.Choice(name="High", value=3)]
    )
    async def level(interaction: discord.Interaction, level: app_commands.Choice[int]) -> None:
        """An integer option with named choices."""
        await interaction.response.send_message(f"{level.name}={level.value}")

    @tree.command()
    async def silent(interaction: discord.Interaction) -> None:
        """Never answers (Discord shows "This interaction failed")."""

    @tree.command()
    async def twice(interaction: discord.Interaction) -> None:
        """Acknowledges twice (a second InteractionResponse bypasses discord.py's guard)."""
        await interaction.response.send_message("first")
        await discord.InteractionResponse(interaction).send_message("second")

    @tree.command()
    async def bigembed(interaction: discord.Interaction) -> None:
        """Seven embeds of 1000 characters each: 7000 > 6000."""
        embeds = [discord.Embed(description="x" * 1000) for _ in range(7)]
        await interaction.response.send_message(embeds=embeds)

    @tree.command()
    async def longtext(interaction: discord.Interaction) -> None:
        """2001 characters of content."""
        await interaction.response.send_message("y" * 2001)

    @tree.command()
    async def empty(interaction: discord.Interaction) -> None:
        """Sends a message with nothing in it."""
        await interaction.response.send_message()

    @tree.command()
    async def bigfile(interaction: discord.Interaction) -> None:
        """Uploads 11 MiB (the limit is 10 MiB)."""
        await interaction.response.defer()
        data = __import__("io").BytesIO(b"z" * (11 * 1024 * 1024))
        await interaction.followup.send(file=discord.File(data, "big.bin"))

    @tree.command()
    async def mention(
        interaction: discord.Interaction, who: discord.Member, quiet: bool = False
    ) -> None:
        """Mentions someone (quiet: allowed_mentions none)."""
        allowed = discord.AllowedMentions.none() if quiet else discord.utils.MISSING
        await interaction.response.send_message(f"hi {who.mention}", allowed_mentions=allowed)

    @tree.command()
    async def announce(interaction: discord.Interaction) -> None:
        """Posts a channel message (default: every mention parsed) then answers."""
        assert interaction.channel is not None
        await interaction.channel.send("@everyone new story")  # type: ignore[union-attr]
        await interaction.response.send_message("announced", ephemeral=True)

    @tree.command()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def modonly(interaction: discord.Interaction) -> None:
        """Needs Manage Server."""
        await interaction.response.send_message("moderated")

    @tree.command(nsfw=True)
    async def spicy(interaction: discord.Interaction) -> None:
        """Age-restricted."""
        await interaction.response.send_message("spicy")

    @tree.command()
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def where(interaction: discord.Interaction) -> None:
        """Says where it ran."""
        place = "dm" if interaction.guild is None else interaction.guild.name
        await interaction.response.send_message(f"in {place}")

    @tree.command()
    async def pick_channel(
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        role: discord.Role,
        count: app_commands.Range[int, 1, 5] = 1,
    ) -> None:
        """Takes a channel, a role and a number."""
        await interaction.response.send_message(f"{channel.name} {role.name} {count}")

    shelf = app_commands.Group(name="shelf", description="Shelf commands")
    tags = app_commands.Group(name="tags", description="Tag commands", parent=shelf)

    @shelf.command(name="add")
    async def shelf_add(interaction: discord.Interaction, title: str) -> None:
        """Adds to the shelf."""
        await interaction.response.defer()
        await interaction.edit_original_response(content=f"added {title}")

    @tags.command(name="set")
    async def tags_set(interaction: discord.Interaction, tag: str) -> None:
        """Sets a tag."""
        await interaction.response.send_message(f"tag {tag}")
        await interaction.followup.send("and a follow-up", ephemeral=True)

    tree.add_command(shelf)


@dataclass
class Tiny:
    emu: Emulator
    bot: TinyBot
    guild: Guild
    general: Channel
    adult: Channel
    thread: Channel
    mods: Role
    reader: Member
    moderator: Member


@contextlib.asynccontextmanager
async def run_tiny() -> AsyncIterator[Tiny]:
    emu = await Emulator().start()
    guild = emu.create_guild("Test Guild")
    general = guild.create_text_channel("general")
    adult = guild.create_text_channel("adult", nsfw=True)
    thread = adult.create_thread("adult-thread")
    mods = guild.create_role("Mods", permissions=MANAGE_GUILD)
    reader = guild.create_member("reader")
    moderator = guild.create_member("moderator", roles=[mods])
    bot = TinyBot()
    with emu.patch_discord():
        await bot.login(emu.token)
        task = asyncio.get_running_loop().create_task(bot.connect())
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 10)
            await bot.tree.sync()
            yield Tiny(emu, bot, guild, general, adult, thread, mods, reader, moderator)
        finally:
            await bot.close()
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
            await emu.stop()


def raw(bot: commands.Bot, method: str, path: str, **params: Any) -> discord.http.Route:
    return discord.http.Route(method, path, **params)
