"""Server Settings → Integrations: a guild's overrides of who may use the app's commands.

Discord's application command permissions (v2, in force since February 2023), as its docs
and help centre describe them:

- An override targets a role (@everyone is the role whose id is the guild's), a member or
  a channel ("all channels" is the id `guild_id - 1`), and allows or denies.
- Overrides are kept per command (`id` = the command's id) or for the whole app
  (`id` = the application's id). A command-level override wins over an app-level one.
- Channels first: the command-level override for the channel (a thread follows its parent),
  else command-level "all channels", else the app-level pair; a deny means the command is
  not offered there.
- Then the member: a member override, else the member's roles (any allow wins over a
  deny), else @everyone — command level first, then app level. When none of these
  matches, the command's `default_member_permissions` decide, as without overrides.
- Server owners and members with Administrator may use every command.

Bots can read these (GET …/commands/permissions) but cannot change them; tests change them
as an admin would, through `guild.command_permissions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.emulator import permissions as perms

if TYPE_CHECKING:
    from bot.emulator.people import Member
    from bot.emulator.world import Channel, Guild

ROLE, USER, CHANNEL = 1, 2, 3


@dataclass(frozen=True, slots=True)
class AllChannels:
    """The "all channels" target of a guild (Discord's constant `guild_id - 1`)."""

    id: int


class CommandPermissions:
    """One guild's overrides: {command id or app id: {(type, target id): allowed}}."""

    def __init__(self, guild: Guild) -> None:
        self.guild = guild
        self.overrides: dict[int, dict[tuple[int, int], bool]] = {}

    @property
    def all_channels(self) -> AllChannels:
        return AllChannels(self.guild.id - 1)

    # -- what an admin does in Server Settings → Integrations -------------------------------
    def allow(self, target: Any, *, command: str | None = None) -> None:
        """Let `target` (Role, Member, Channel, AllChannels) use `command` (None: the app)."""
        self._set(target, True, command)

    def deny(self, target: Any, *, command: str | None = None) -> None:
        self._set(target, False, command)

    def reset(self, *, command: str | None = None) -> None:
        """Back to the app's defaults for `command` (None: the app-level overrides)."""
        self.overrides.pop(self._scope(command), None)
        self._announce(self._scope(command))

    def _set(self, target: Any, allowed: bool, command: str | None) -> None:
        scope = self._scope(command)
        self.overrides.setdefault(scope, {})[_key(target)] = allowed
        self._announce(scope)

    def _scope(self, command: str | None) -> int:
        emu = self.guild.emu
        if command is None:
            return emu.application_id
        for cmd in emu.commands_for(self.guild):
            if cmd["name"] == command:
                return int(cmd["id"])
        raise LookupError(f"no command {command!r} registered for {self.guild.name}")

    def _announce(self, scope: int) -> None:
        emu = self.guild.emu
        if emu.connected:
            emu.dispatch("APPLICATION_COMMAND_PERMISSIONS_UPDATE", self.payload(scope))

    # -- what Discord sends ------------------------------------------------------------------
    def payload(self, scope: int) -> dict[str, Any]:
        emu = self.guild.emu
        return {
            "id": str(scope),
            "application_id": str(emu.application_id),
            "guild_id": str(self.guild.id),
            "permissions": [
                {"id": str(target), "type": kind, "permission": allowed}
                for (kind, target), allowed in self.overrides.get(scope, {}).items()
            ],
        }

    def payloads(self) -> list[dict[str, Any]]:
        return [self.payload(scope) for scope in self.overrides if self.overrides[scope]]

    # -- what Discord decides ----------------------------------------------------------------
    def refusal(self, command: dict[str, Any], member: Member, channel: Channel) -> str | None:
        """Why Discord would not offer `command` to `member` in `channel`; None if it would."""
        guild = self.guild
        base = guild.base_permissions(member)
        if member.id == guild.owner_id or base & perms.ADMINISTRATOR:
            return None
        levels = [
            self.overrides.get(int(command["id"]), {}),
            self.overrides.get(guild.emu.application_id, {}),
        ]
        source = channel.parent if channel.parent is not None else channel
        channel_keys = [(CHANNEL, source.id), (CHANNEL, guild.id - 1)]
        for level in levels:
            found = next((level[k] for k in channel_keys if k in level), None)
            if found is not None:
                if not found:
                    return f"/{command['name']} is turned off in #{source.name} by the server"
                break
        decided = _member_decision(levels, member, guild.id)
        if decided is True:
            return None
        if decided is False:
            return f"the server turned /{command['name']} off for {member.name}"
        required = command.get("default_member_permissions")
        if required is None:
            return None
        need = int(required)
        bits = guild.permissions_in(member, channel)
        if need == 0 or bits & need != need:
            return f"{member.name} lacks the permissions /{command['name']} requires ({need})"
        return None


def _member_decision(
    levels: list[dict[tuple[int, int], bool]], member: Member, guild_id: int
) -> bool | None:
    for level in levels:
        if (USER, member.id) in level:
            return level[(USER, member.id)]
        by_role = [level[(ROLE, r.id)] for r in member.roles if (ROLE, r.id) in level]
        if by_role:
            return any(by_role)
        if (ROLE, guild_id) in level:
            return level[(ROLE, guild_id)]
    return None


def _key(target: Any) -> tuple[int, int]:
    from bot.emulator.people import Member
    from bot.emulator.world import Channel, Role

    if isinstance(target, Role):
        return (ROLE, target.id)
    if isinstance(target, Member):
        return (USER, target.id)
    if isinstance(target, Channel):
        return (CHANNEL, target.id)
    if isinstance(target, AllChannels):
        return (CHANNEL, target.id)
    raise TypeError(f"a command permission targets a role, member or channel, not {target!r}")
