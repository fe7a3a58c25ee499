"""What `/settings` shows: a server's own settings next to the bot-wide defaults."""

from __future__ import annotations

import discord

from bot.library.records import GuildSettings
from bot.render import safe
from bot.ui.daily_pick import schedule_line


def on_off(value: bool) -> str:
    return "on" if value else "off"


def role_label(guild: discord.Guild, role_id: int) -> str:
    """A role by name, never as a mention; says so when the role no longer exists."""
    role = guild.get_role(role_id)
    if role is None:
        return f"a deleted role (id {role_id}) — set a new one with `/settings moderator-role`"
    return f"{safe(role.name)} (id {role.id})"


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
        return f"{safe(config_role)} (the bot's default, by name)"
    return "none — only members with Manage Server"


def settings_card(
    guild: discord.Guild,
    settings: GuildSettings,
    *,
    default_adult_listing: bool,
    config_role: str | None,
) -> discord.Embed:
    """The guild's settings; where it set none, the bot's default (from the config)."""
    embed = discord.Embed(title="Storybot settings", colour=discord.Colour.blurple())
    embed.add_field(
        name="Adult titles in search and browse outside age-restricted channels",
        value=adult_listing_line(settings, default_adult_listing)
        + (" (no effect while extra-safe mode is on)" if settings.extra_safe else "")
        + "\nTheir text is only ever shown in age-restricted channels.",
        inline=False,
    )
    embed.add_field(
        name="Moderator role",
        value=moderator_role_line(guild, settings, config_role)
        + "\nMembers with Manage Server are always moderators.",
        inline=False,
    )
    embed.add_field(
        name="Extra-safe mode",
        value=(
            "on — adult stories (Mature, Explicit, Not Rated) are hidden from members in "
            "every channel, titles included; moderator tools still list them, privately"
            if settings.extra_safe
            else "off"
        ),
        inline=False,
    )
    channel = settings.announce_channel_id
    embed.add_field(
        name="Announcements of new and updated stories",
        value=f"<#{channel}>" if channel is not None else "off",
        inline=False,
    )
    embed.add_field(
        name="Daily pick", value=schedule_line(guild, settings.daily_pick), inline=False
    )
    return embed
