"""`/settings show|adult-listing|extra-safe|moderator-role|announcements|daily-pick`: a
server's own storybot settings.

Settings live per guild in the library (every change is audit logged); a guild that
never set one follows the bot-wide default from the config. Moderators may use every
command here except `moderator-role`: only Manage Server changes who the moderators are.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.audience import channel_is_age_restricted
from bot.permissions import blocked_commands, require_manage_server, require_moderator
from bot.render import safe
from bot.ui.daily_pick import set_daily_pick
from bot.ui.settings_card import role_label, settings_card

if TYPE_CHECKING:
    from bot.client import StoryBot
    from bot.config import Config
    from bot.library.service import Library


log = logging.getLogger(__name__)

LIST_ADULT_TITLES = "list_adult_titles"
MODERATOR_ROLE_ID = "moderator_role_id"
ANNOUNCE_CHANNEL_ID = "announce_channel_id"
EXTRA_SAFE = "extra_safe"


@app_commands.guild_only()
class SettingsCog(
    commands.GroupCog,
    group_name="settings",
    group_description="Moderators: this server's storybot settings",
):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @property
    def library(self) -> Library:
        return self.bot.library

    @property
    def config(self) -> Config:
        return self.bot.config

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await require_moderator(interaction)

    async def send_settings(
        self, interaction: discord.Interaction, guild: discord.Guild, text: str | None = None
    ) -> None:
        """Answer privately with `text` (if any) over the guild's settings as they are now."""
        settings = await self.library.settings(guild.id)
        embed = settings_card(
            guild,
            settings,
            default_adult_listing=self.config.list_adult_titles,
            config_role=self.config.moderator_role,
        )
        await interaction.response.send_message(text, embed=embed, ephemeral=True)

    @app_commands.command(name="show", description="Show this server's storybot settings")
    async def show(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        assert guild is not None  # guild_only
        await self.send_settings(interaction, guild)

    @app_commands.command(
        name="adult-listing",
        description="List adult titles in search and browse outside age-restricted channels",
    )
    @app_commands.describe(
        enabled="On: adult titles appear in lists everywhere (their text still never does)"
    )
    async def adult_listing(self, interaction: discord.Interaction, enabled: bool) -> None:
        guild = interaction.guild
        assert guild is not None
        await self.library.set_setting(
            guild.id, LIST_ADULT_TITLES, enabled, actor_id=interaction.user.id
        )
        if enabled:
            text = (
                "Adult titles are now listed in search and browse in every channel. Their "
                "summaries, excerpts and text stay in age-restricted channels."
            )
            text += await self.extra_safe_note(guild.id)
        else:
            text = (
                "Adult titles are now left out of search and browse outside age-restricted "
                "channels."
            )
        await self.send_settings(interaction, guild, text)

    @app_commands.command(
        name="extra-safe",
        description="Hide adult stories (Mature, Explicit, Not Rated) from members everywhere",
    )
    @app_commands.describe(
        enabled="On: adult stories are hidden entirely, titles included, in every channel"
    )
    async def extra_safe(self, interaction: discord.Interaction, enabled: bool) -> None:
        guild = interaction.guild
        assert guild is not None
        await self.library.set_setting(guild.id, EXTRA_SAFE, enabled, actor_id=interaction.user.id)
        if enabled:
            text = (
                "Extra-safe mode is on: Mature, Explicit and Not Rated stories are hidden "
                "from members in every channel, age-restricted ones too — not listed, not "
                "counted, not announced; asking for one answers that it is not available "
                "here. Moderators still manage them with /library (privately)."
            )
        else:
            text = "Extra-safe mode is off: adult stories follow the usual channel rules again."
        await self.send_settings(interaction, guild, text)

    @app_commands.command(
        name="moderator-role", description="Set the role whose members may manage the library"
    )
    @app_commands.describe(role="The moderator role; leave empty to go back to the default")
    async def moderator_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        require_manage_server(interaction)
        if role is not None and role.is_default():
            await interaction.response.send_message(
                "@\u200beveryone cannot be the moderator role: every member would be a moderator.",
                ephemeral=True,
            )
            return
        await self.library.set_setting(
            guild.id,
            MODERATOR_ROLE_ID,
            role.id if role is not None else None,
            actor_id=interaction.user.id,
        )
        if role is None:
            text = "The server's moderator role is cleared; the bot's default applies."
        else:
            text = f"Members with {role_label(guild, role.id)} can now manage the library."
            blocked = await blocked_commands(self.bot, guild, role.id)
            if blocked:
                names = ", ".join(f"/{name}" for name in blocked)
                app = safe(self.bot.user.name) if self.bot.user else "storybot"
                text = (
                    f"{role_label(guild, role.id)} is now the moderator role, but this "
                    f"server's Server Settings → Integrations → {app} turns {names} off for "
                    "it: allow the role there so its members can use them."
                )
        await self.send_settings(interaction, guild, text)

    @app_commands.command(
        name="announcements", description="Announce new and updated stories in a channel"
    )
    @app_commands.describe(channel="Where to announce them; leave empty to stop announcing")
    async def announcements(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        await self.library.set_setting(
            guild.id,
            ANNOUNCE_CHANNEL_ID,
            channel.id if channel is not None else None,
            actor_id=interaction.user.id,
        )
        if channel is None:
            text = "New and updated stories are no longer announced."
        elif channel_is_age_restricted(channel):
            text = f"New and updated stories will be announced in {channel.mention}."
        else:
            text = (
                f"New and updated stories will be announced in {channel.mention}. It is not "
                "age-restricted: adult stories are named there only when adult titles are "
                "listed everywhere (`/settings adult-listing`), and their summaries never."
            )
        if channel is not None:
            text += await self.extra_safe_note(guild.id)
        await self.send_settings(interaction, guild, text)

    @app_commands.command(
        name="daily-pick", description="Post a well-rated story in a channel every day (UTC)"
    )
    @app_commands.describe(
        channel="Where to post it; give no options to turn the daily pick off",
        hour="The hour of the day, 0-23, in UTC (18 = 18:00 UTC)",
    )
    async def daily_pick(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        hour: int | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        text = await set_daily_pick(self.bot, interaction, channel, hour)
        await self.send_settings(interaction, guild, text)

    async def extra_safe_note(self, guild_id: int) -> str:
        """What an answer about adult stories must add while extra-safe mode is on."""
        if not (await self.library.settings(guild_id)).extra_safe:
            return ""
        return (
            " Extra-safe mode is on, so adult stories stay hidden from members (and are "
            "not announced) until `/settings extra-safe` turns it off."
        )


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(SettingsCog(bot))
