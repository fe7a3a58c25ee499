"""Who counts as a moderator: Manage Server, or the configured moderator role.

The bot's own check is what guards the library. Moderator commands carry no
`default_member_permissions` on purpose: Discord hides and refuses a command with
`default_member_permissions` (say Manage Server) before the bot is asked, so a member with
only the moderator role could never use it unless an admin also edited Server Settings →
Integrations. Instead every member is offered the commands and the bot answers a
non-moderator with who may use them. An admin who wants to hide them from readers can do so
in Server Settings → Integrations (deny @everyone, allow the moderator role): `/settings
moderator-role` reads those overrides and says when they keep the new role out.

A member passes with Manage Server (or Administrator, or owning the server), or with the
moderator role — the one set with `/settings moderator-role`, else `STORYBOT_MODERATOR_ROLE`
(a role name or id) from the config. Only Manage Server may change who the moderators are.
Buttons on moderator prompts check again when pressed (`bot.ui.confirm.ModeratorView`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.render import safe

log = logging.getLogger(__name__)
T = TypeVar("T")

MODERATOR_COMMANDS = ("library", "settings", "Add to library")
MANAGE_SERVER_ONLY = (
    "Only members with the Manage Server permission can change who the moderators are."
)
# Discord's command permission override types and the "all channels" constant (guild - 1)
_ROLE, _USER, _CHANNEL = 1, 2, 3


def not_moderator_message(role_name: str | None) -> str:
    """The refusal, naming the role that would let the member in (never a mention)."""
    if role_name:
        return (
            "Only moderators can do this: members with the Manage Server permission or "
            f"the {safe(role_name)} role."
        )
    return (
        "Only moderators can do this: members with the Manage Server permission (this "
        "server has no moderator role; see `/settings moderator-role`)."
    )


NOT_MODERATOR_MESSAGE = not_moderator_message(None)


class NotModerator(app_commands.CheckFailure):
    """The member who invoked a moderator command is not a moderator."""

    def __init__(self, message: str = NOT_MODERATOR_MESSAGE) -> None:
        super().__init__(message)


class NotServerManager(app_commands.CheckFailure):
    """Changing who the moderators are needs Manage Server, not only the moderator role."""

    def __init__(self) -> None:
        super().__init__(MANAGE_SERVER_ONLY)


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


def manages_server(member: discord.Member) -> bool:
    """Manage Server from the member's roles (owner and Administrator included).

    Server-level on purpose: a channel overwrite that lets someone use the commands in
    one channel does not make them a moderator.
    """
    return member.guild_permissions.manage_guild


@dataclass(frozen=True, slots=True)
class ModeratorRule:
    """A guild's moderator role as the bot applies it."""

    setting_role_id: int | None
    config_role: str | None

    def role_name(self, guild: discord.Guild) -> str | None:
        """The role's name for messages (None when there is no moderator role)."""
        if self.setting_role_id is not None:
            role = guild.get_role(self.setting_role_id)
            return role.name if role is not None else None
        if self.config_role:
            if self.config_role.isdigit():
                role = guild.get_role(int(self.config_role))
                return role.name if role is not None else None
            return self.config_role.strip()
        return None


async def moderator_rule(client: Any, guild_id: int) -> ModeratorRule:
    setting_role_id: int | None = None
    library = getattr(client, "library", None)
    if library is not None:
        settings = await library.settings(guild_id)
        setting_role_id = settings.moderator_role_id
    config = getattr(client, "config", None)
    return ModeratorRule(setting_role_id, getattr(config, "moderator_role", None))


async def is_moderator(interaction: discord.Interaction) -> bool:
    """Whether the member behind `interaction` may run moderator commands in its guild."""
    member = interaction.user
    guild = interaction.guild
    if guild is None or not isinstance(member, discord.Member):
        return False
    if manages_server(member):
        return True
    rule = await moderator_rule(interaction.client, guild.id)
    return grants_moderator(
        manage_guild=False,
        roles=((role.id, role.name) for role in member.roles),
        setting_role_id=rule.setting_role_id,
        config_role=rule.config_role,
    )


async def refusal_for(interaction: discord.Interaction) -> str:
    """What a non-moderator is told: who may do this here."""
    guild = interaction.guild
    if guild is None:
        return "This only works in a server."
    rule = await moderator_rule(interaction.client, guild.id)
    return not_moderator_message(rule.role_name(guild))


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
    raise NotModerator(await refusal_for(interaction))


def require_manage_server(interaction: discord.Interaction) -> None:
    """Raises `NotServerManager` unless the member has Manage Server."""
    member = interaction.user
    if isinstance(member, discord.Member) and manages_server(member):
        return
    raise NotServerManager()


def moderator_only() -> Callable[[T], T]:
    """Decorator form of `require_moderator` for single commands."""
    return app_commands.check(require_moderator)


# ---------------------------------------------------------------- Integrations overrides


def role_blocked(
    overrides: dict[int, dict[tuple[int, int], bool]],
    *,
    command_id: int,
    application_id: int,
    role_id: int,
    guild_id: int,
) -> bool:
    """Whether Server Settings → Integrations keeps a member with only `role_id` (and no
    Manage Server) out of a command: Discord's order, command level then app level, the
    role then @everyone; no override at all leaves the command open (it has no
    default_member_permissions)."""
    for scope in (command_id, application_id):
        level = overrides.get(scope, {})
        if (_ROLE, role_id) in level:
            return not level[(_ROLE, role_id)]
        if (_ROLE, guild_id) in level:
            return not level[(_ROLE, guild_id)]
    return False


async def blocked_commands(client: discord.Client, guild: discord.Guild, role_id: int) -> list[str]:
    """Moderator commands this guild's Integrations overrides keep `role_id` out of.

    Empty when nothing blocks it or the overrides cannot be read (logged).
    """
    application_id = client.application_id
    if application_id is None:
        return []
    try:
        raw = await client.http.get_guild_application_command_permissions(application_id, guild.id)
        commands = await client.http.get_global_commands(application_id)
        commands += await client.http.get_guild_commands(application_id, guild.id)
    except discord.HTTPException as err:
        log.info("could not read command permissions in guild %s: %s", guild.id, err)
        return []
    overrides: dict[int, dict[tuple[int, int], bool]] = {}
    for entry in raw:
        overrides[int(entry["id"])] = {
            (int(p["type"]), int(p["id"])): bool(p["permission"]) for p in entry["permissions"]
        }
    return [
        str(c["name"])
        for c in commands
        if c["name"] in MODERATOR_COMMANDS
        and role_blocked(
            overrides,
            command_id=int(c["id"]),
            application_id=application_id,
            role_id=role_id,
            guild_id=guild.id,
        )
    ]
