"""Who counts as a moderator: Manage Server, or the configured moderator role.

Discord's `default_member_permissions` hides moderator commands from members without
Manage Server, but a server admin can override that in the integration settings. The
runtime check here is what actually guards the library: a member passes with Manage
Server (or Administrator), or with the moderator role — the one set with
`/settings moderator-role` for the guild, else `STORYBOT_MODERATOR_ROLE` (a role name or
id) from the config.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

import discord
from discord import app_commands

log = logging.getLogger(__name__)
T = TypeVar("T")

NOT_MODERATOR_MESSAGE = (
    "Only moderators can do this: it needs the Manage Server permission or the "
    "server's moderator role."
)


class NotModerator(app_commands.CheckFailure):
    """The member who invoked a moderator command is not a moderator."""

    def __init__(self, message: str = NOT_MODERATOR_MESSAGE) -> None:
        super().__init__(message)


def role_matches(role_id: int, role_name: str, configured: str) -> bool:
    """True if a role is the configured one, given as an id or a name (case-insensitive)."""
    wanted = configured.strip()
    if not wanted:
        return False
    if wanted.isdigit():
        return role_id == int(wanted)
    return role_name.casefold() == wanted.casefold()


def grants_moderator(
    *,
    manage_guild: bool,
    roles: Iterable[tuple[int, str]],
    setting_role_id: int | None = None,
    config_role: str | None = None,
) -> bool:
    """The moderator rule on plain data.

    `roles` are the member's (id, name) pairs. The guild's own setting, when present,
    takes the place of the config's role; Manage Server always counts.
    """
    if manage_guild:
        return True
    roles = list(roles)
    if setting_role_id is not None:
        return any(role_id == setting_role_id for role_id, _ in roles)
    if config_role:
        return any(role_matches(role_id, name, config_role) for role_id, name in roles)
    return False


def _manage_guild(member: discord.Member) -> bool:
    """Manage Server from the member's roles (owner and Administrator included).

    Server-level on purpose: a channel overwrite that lets someone use the commands in
    one channel does not make them a moderator.
    """
    return member.guild_permissions.manage_guild


async def is_moderator(interaction: discord.Interaction) -> bool:
    """Whether the member behind `interaction` may run moderator commands in its guild."""
    member = interaction.user
    guild = interaction.guild
    if guild is None or not isinstance(member, discord.Member):
        return False
    setting_role_id: int | None = None
    library = getattr(interaction.client, "library", None)
    if library is not None:
        settings = await library.store.get_settings(guild.id)
        setting_role_id = settings.moderator_role_id
    config = getattr(interaction.client, "config", None)
    config_role = getattr(config, "moderator_role", None)
    return grants_moderator(
        manage_guild=_manage_guild(member),
        roles=((role.id, role.name) for role in member.roles),
        setting_role_id=setting_role_id,
        config_role=config_role,
    )


async def require_moderator(interaction: discord.Interaction) -> bool:
    """An app-command check: passes for moderators, raises `NotModerator` otherwise."""
    if await is_moderator(interaction):
        return True
    log.info(
        "refused moderator command %s for user %s in guild %s",
        interaction.command.qualified_name if interaction.command else "?",
        interaction.user.id,
        interaction.guild_id,
    )
    raise NotModerator()


def moderator_only() -> Callable[[T], T]:
    """Decorator form of `require_moderator` for single commands."""
    return app_commands.check(require_moderator)
