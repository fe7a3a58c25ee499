"""What exists on the loopback Discord: users, guilds, roles, channels, threads, DMs, messages.

Every object renders itself as the JSON Discord sends (`payload()`), and creating one while
the bot is connected dispatches the gateway event Discord would send.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.emulator import permissions as perms
from bot.emulator.command_permissions import CommandPermissions
from bot.emulator.rules import Pings

if TYPE_CHECKING:
    from bot.emulator.interactions import Interaction
    from bot.emulator.people import Member
    from bot.emulator.server import Emulator

GUILD_TEXT, DM, PUBLIC_THREAD, PRIVATE_THREAD = 0, 1, 11, 12
EPHEMERAL, LOADING = 1 << 6, 1 << 7


def iso(timestamp: float | None = None) -> str:
    moment = dt.datetime.fromtimestamp(timestamp, dt.UTC) if timestamp else dt.datetime.now(dt.UTC)
    return moment.isoformat()


class User:
    def __init__(self, user_id: int, name: str, *, bot: bool = False) -> None:
        self.id = user_id
        self.name = name
        self.bot = bot

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": None if self.bot else self.name.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }

    def __repr__(self) -> str:
        return f"<User {self.name} {self.id}>"


class Role:
    def __init__(
        self,
        guild: Guild,
        role_id: int,
        name: str,
        permissions: int,
        position: int,
        *,
        mentionable: bool = False,
    ) -> None:
        self.guild = guild
        self.id = role_id
        self.name = name
        self.permissions = permissions
        self.position = position
        self.mentionable = mentionable

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": False,
            "mentionable": self.mentionable,
            "flags": 0,
        }

    def __repr__(self) -> str:
        return f"<Role {self.name}>"


class Channel:
    """A guild text channel, a thread (its parent's age restriction applies) or a DM."""

    def __init__(
        self,
        emu: Emulator,
        channel_id: int,
        name: str,
        kind: int,
        *,
        guild: Guild | None = None,
        nsfw: bool = False,
        parent: Channel | None = None,
        recipient: User | None = None,
        topic: str | None = None,
        position: int = 0,
    ) -> None:
        self.emu = emu
        self.id = channel_id
        self.name = name
        self.type = kind
        self.guild = guild
        self.nsfw = nsfw
        self.parent = parent
        self.recipient = recipient
        self.topic = topic
        self.position = position
        self.overwrites: dict[int, tuple[int, int]] = {}
        self.overwrite_kinds: dict[int, int] = {}
        self.messages: list[Message] = []

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_thread(self) -> bool:
        return self.type in (PUBLIC_THREAD, PRIVATE_THREAD)

    @property
    def is_dm(self) -> bool:
        return self.type == DM

    @property
    def age_restricted(self) -> bool:
        """Threads inherit their parent's age restriction, as on Discord."""
        if self.parent is not None:
            return self.parent.age_restricted
        return self.nsfw

    def create_thread(self, name: str) -> Channel:
        if self.guild is None or self.is_thread:
            raise ValueError("threads are created in guild text channels")
        thread = Channel(
            self.emu, self.emu.snowflakes.next(), name, PUBLIC_THREAD, guild=self.guild, parent=self
        )
        self.guild.channels.append(thread)
        self.emu.register_channel(thread)
        self.emu.dispatch("THREAD_CREATE", {**thread.payload(), "newly_created": True})
        return thread

    def set_permissions(self, target: Role | Member, *, allow: Any = 0, deny: Any = 0) -> None:
        """A permission overwrite for a role or member in this channel."""
        self.overwrites[target.id] = (perms.as_bits(allow), perms.as_bits(deny))
        self.overwrite_kinds[target.id] = 0 if isinstance(target, Role) else 1
        if self.emu.connected:
            self.emu.dispatch("CHANNEL_UPDATE", self.payload())

    def visible_messages(self) -> list[Message]:
        """Messages everyone in the channel sees (not deleted, not ephemeral)."""
        return [m for m in self.messages if not m.deleted and not m.ephemeral]

    @property
    def last_message(self) -> Message | None:
        visible = self.visible_messages()
        return visible[-1] if visible else None

    def payload(self) -> dict[str, Any]:
        if self.type == DM:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": None,
                "recipients": [self.recipient.payload()],
                "flags": 0,
            }
        assert self.guild is not None
        base: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild.id),
            "name": self.name,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        if self.is_thread:
            assert self.parent is not None
            base.update(
                parent_id=str(self.parent.id),
                owner_id=str(self.emu.bot_user.id),
                message_count=0,
                member_count=1,
                total_message_sent=0,
                thread_metadata={
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso(),
                    "locked": False,
                },
            )
            return base
        base.update(
            position=self.position,
            permission_overwrites=[
                {"id": str(t), "type": self.overwrite_kinds[t], "allow": str(a), "deny": str(d)}
                for t, (a, d) in self.overwrites.items()
            ],
            nsfw=self.nsfw,
            topic=self.topic,
            parent_id=None,
        )
        return base

    def __repr__(self) -> str:
        return f"<Channel #{self.name} {self.id}>"


class Guild:
    def __init__(self, emu: Emulator, guild_id: int, name: str) -> None:
        self.emu = emu
        self.id = guild_id
        self.name = name
        self.roles: list[Role] = [Role(self, guild_id, "@everyone", perms.EVERYONE_DEFAULT, 0)]
        self.channels: list[Channel] = []
        self.members: dict[int, Member] = {}
        self.owner_id: int = 0
        # Server Settings → Integrations: who may use which of the app's commands
        self.command_permissions = CommandPermissions(self)

    # -- building -------------------------------------------------------------------------
    @property
    def everyone(self) -> Role:
        return self.roles[0]

    def create_role(self, name: str, *, permissions: Any = 0, mentionable: bool = False) -> Role:
        role = Role(
            self,
            self.emu.snowflakes.next(),
            name,
            perms.as_bits(permissions),
            len(self.roles),
            mentionable=mentionable,
        )
        self.roles.append(role)
        self.emu.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role.payload()})
        return role

    def create_text_channel(
        self, name: str, *, nsfw: bool = False, topic: str | None = None
    ) -> Channel:
        channel = Channel(
            self.emu,
            self.emu.snowflakes.next(),
            name,
            GUILD_TEXT,
            guild=self,
            nsfw=nsfw,
            topic=topic,
            position=sum(1 for c in self.channels if not c.is_thread),
        )
        self.channels.append(channel)
        self.emu.register_channel(channel)
        self.emu.dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    def create_member(
        self,
        name: str,
        *,
        roles: list[Role] = (),
        owner: bool = False,  # type: ignore[assignment]
        nick: str | None = None,
    ) -> Member:
        from bot.emulator.people import Member

        user = self.emu.user_named(name) or self.emu.create_user(name)
        member = Member(self, user, list(roles), nick=nick)
        self._add_member(member)
        if owner:
            self.owner_id = user.id
        if self.emu.connected and self.emu.intents & (1 << 1):
            self.emu.dispatch("GUILD_MEMBER_ADD", {**member.payload(), "guild_id": str(self.id)})
        return member

    def _add_member(self, member: Member) -> None:
        self.members[member.id] = member

    # -- lookups --------------------------------------------------------------------------
    def channel(self, name: str) -> Channel:
        name = name.lstrip("#")
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise LookupError(f"no channel #{name} in {self.name}")

    def member(self, name: str) -> Member:
        for member in self.members.values():
            if name in (member.user.name, member.nick):
                return member
        raise LookupError(f"no member {name!r} in {self.name}")

    def role(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        raise LookupError(f"no role {name!r} in {self.name}")

    @property
    def text_channels(self) -> list[Channel]:
        return [c for c in self.channels if c.type == GUILD_TEXT]

    # -- permissions ----------------------------------------------------------------------
    def base_permissions(self, member: Member) -> int:
        if member.id == self.owner_id:
            return perms.ALL
        bits = self.everyone.permissions
        for role in member.roles:
            bits |= role.permissions
        return perms.ALL if bits & perms.ADMINISTRATOR else bits

    def permissions_in(self, member: Member, channel: Channel | None) -> int:
        base = self.base_permissions(member)
        if channel is None or base & perms.ADMINISTRATOR:
            return base
        source = channel.parent if channel.parent is not None else channel
        return perms.apply_overwrites(
            base,
            source.overwrites,
            everyone_id=self.id,
            role_ids=[r.id for r in member.roles],
            member_id=member.id,
        )

    def payload(self) -> dict[str, Any]:
        members = list(self.members.values())
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": iso(),
            "large": False,
            "unavailable": False,
            "member_count": len(members),
            "voice_states": [],
            "members": [m.payload() for m in members],
            "channels": [c.payload() for c in self.channels if not c.is_thread],
            "threads": [c.payload() for c in self.channels if c.is_thread],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def __repr__(self) -> str:
        return f"<Guild {self.name} {self.id}>"


@dataclass(slots=True)
class Upload:
    """A file a person attaches to a slash-command option (served by the CDN)."""

    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            body["content_type"] = self.content_type
        return body


@dataclass(eq=False)
class Message:
    """A message the bot sent (a channel message, an interaction response or follow-up)."""

    id: int
    channel: Channel
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    flags: int = 0
    pings: Pings = field(default_factory=Pings)
    interaction: Interaction | None = None
    created: str = field(default_factory=iso)
    edited: str | None = None
    deleted: bool = False
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": str(self.id),
            "type": 0,
            "channel_id": str(self.channel.id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": self.created,
            "edited_timestamp": self.edited,
            "tts": False,
            "mention_everyone": self.pings.everyone,
            "mentions": [
                {
                    "id": str(u),
                    "username": str(u),
                    "discriminator": "0",
                    "avatar": None,
                    "global_name": None,
                }
                for u in sorted(self.pings.users)
            ],
            "mention_roles": [str(r) for r in sorted(self.pings.roles)],
            "attachments": self.attachments,
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "flags": self.flags,
        }
        if self.channel.guild is not None:
            body["guild_id"] = str(self.channel.guild.id)
        if self.interaction is not None:
            inter = self.interaction
            body["type"] = 20 if inter.type == 2 else 0
            body["webhook_id"] = str(self.author.id)
            body["application_id"] = str(self.author.id)
            body["interaction_metadata"] = {
                "id": str(inter.id),
                "type": inter.type,
                "user": inter.user.payload(),
                "authorizing_integration_owners": inter.owners(),
            }
        return body

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.content[:30]!r} embeds={len(self.embeds)}>"
