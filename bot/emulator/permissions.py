"""Permission bits and Discord's permission computation (roles, then channel overwrites)."""

from __future__ import annotations

from typing import Any

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CHANGE_NICKNAME = 1 << 26
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL = (1 << 51) - 1

EVERYONE_DEFAULT = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)
BOT_DEFAULT = EVERYONE_DEFAULT | MANAGE_MESSAGES | MENTION_EVERYONE


def as_bits(value: Any) -> int:
    """Accept an int, a numeric string or anything with `.value` (discord.Permissions)."""
    if value is None:
        return 0
    if hasattr(value, "value"):
        return int(value.value)
    return int(value)


def apply_overwrites(
    base: int,
    overwrites: dict[int, tuple[int, int]],
    *,
    everyone_id: int,
    role_ids: list[int],
    member_id: int,
) -> int:
    """Discord's order: @everyone overwrite, then all role overwrites together, then member."""
    if base & ADMINISTRATOR:
        return ALL
    perms = base
    allow, deny = overwrites.get(everyone_id, (0, 0))
    perms = (perms & ~deny) | allow
    role_allow = role_deny = 0
    for role_id in role_ids:
        a, d = overwrites.get(role_id, (0, 0))
        role_allow |= a
        role_deny |= d
    perms = (perms & ~role_deny) | role_allow
    allow, deny = overwrites.get(member_id, (0, 0))
    return (perms & ~deny) | allow
