"""`/settings show|adult-listing|moderator-role`: a server's own storybot settings.

Settings live per guild in the store (every change is audit logged there); a guild that
never set one follows the bot-wide default from the config.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.library.records import GuildSettings
from bot.library.safety import neutralise_mentions
from bot.permissions import require_moderator

log = logging.getLogger(__name__)

LIST_ADULT_TITLES = "list_adult_titles"
MODERATOR_ROLE_ID = "moderator_role_id"


def on_off(value: bool) -> str:
    return "on" if value else "off"


def role_label(guild: discord.Guild, role_id: int) -> str:
    """A role by name, never as a mention; says so when the role no longer exists."""
    role = guild.get_role(role_id)
    if role is None:
        return f"a deleted role (id {role_id}) — set a new one with `/settings moderator-role`"
    return f"{neutralise_mentions(role.name)} (id {role.id})"


def adult_listing_line(settings: GuildSettings, default: bool) -> str:
    if settings.list_adult_titles is None:
        return f"{on_off(default)} (the bot's default)"
    return on_off(settings.list_adult_titles)


def moderator_role_line(
    guild: discord.Guild, settings: GuildSettings, config_role: str | None
) -> str:
    if settings.moderator_role_id is not None:
        return role_label(guild, settings.moderator_role_id)
    if config_role:
        if config_role.isdigit():
            return f"{role_label(guild, int(config_role))} (the bot's default)"
        return f"{neutralise_mentions(config_role)} (the bot's default, by name)"
    return "none — only members with Manage Server"


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SettingsCog(
    commands.GroupCog,
    group_name="settings",
    group_description="Moderators: this server's storybot settings",
):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @property
    def store(self) -> Any:
        return self.bot.library.store  # type: ignore[attr-defined]

    @property
    def config(self) -> Any:
        return self.bot.config  # type: ignore[attr-defined]

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await require_moderator(interaction)

    def settings_card(self, guild: discord.Guild, settings: GuildSettings) -> discord.Embed:
        embed = discord.Embed(title="Storybot settings", colour=discord.Colour.blurple())
        embed.add_field(
            name="Adult titles in search and browse outside age-restricted channels",
            value=adult_listing_line(settings, self.config.list_adult_titles)
            + "\nTheir text is only ever shown in age-restricted channels.",
            inline=False,
        )
        embed.add_field(
            name="Moderator role",
            value=moderator_role_line(guild, settings, self.config.moderator_role)
            + "\nMembers with Manage Server are always moderators.",
            inline=False,
        )
        return embed

    @app_commands.command(name="show", description="Show this server's storybot settings")
    async def show(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        assert guild is not None  # guild_only
        settings = await self.store.get_settings(guild.id)
        await interaction.response.send_message(
            embed=self.settings_card(guild, settings), ephemeral=True
        )

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
        await self.store.set_setting(
            guild.id, LIST_ADULT_TITLES, enabled, actor_id=interaction.user.id
        )
        settings = await self.store.get_settings(guild.id)
        if enabled:
            text = (
                "Adult titles are now listed in search and browse in every channel. Their "
                "summaries, excerpts and text stay in age-restricted channels."
            )
        else:
            text = (
                "Adult titles are now left out of search and browse outside age-restricted "
                "channels."
            )
        await interaction.response.send_message(
            text, embed=self.settings_card(guild, settings), ephemeral=True
        )

    @app_commands.command(
        name="moderator-role", description="Set the role whose members may manage the library"
    )
    @app_commands.describe(role="The moderator role; leave empty to go back to the default")
    async def moderator_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        if role is not None and role.is_default():
            await interaction.response.send_message(
                "@\u200beveryone cannot be the moderator role: every member would be a moderator.",
                ephemeral=True,
            )
            return
        await self.store.set_setting(
            guild.id,
            MODERATOR_ROLE_ID,
            role.id if role is not None else None,
            actor_id=interaction.user.id,
        )
        settings = await self.store.get_settings(guild.id)
        if role is None:
            text = "The server's moderator role is cleared; the bot's default applies."
        else:
            text = f"Members with {role_label(guild, role.id)} can now manage the library."
        await interaction.response.send_message(
            text, embed=self.settings_card(guild, settings), ephemeral=True
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(SettingsCog(bot))
