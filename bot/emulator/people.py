"""The test API that reads like a person using Discord.

    reply = await reader.slash("search", query="lets talk", channel=general)
    page2 = await reply.click("Next")
    picked = await reply.select("Some Title")
    done = await form.submit_modal({"Review": "Loved it"})
    choices = await reader.autocomplete("story", "story", "lets ta", channel=general)

Discord's client only offers what a person may do, so the API refuses (raises
`CommandRefused`) where Discord's client would: unknown commands, missing options, a
member without the command's `default_member_permissions`, guild-only commands in DMs,
age-restricted commands outside age-restricted channels, disabled buttons.
"""

from __future__ import annotations

import secrets
from typing import Any

from bot.emulator import permissions as perms
from bot.emulator.interactions import APPLICATION_COMMAND, AUTOCOMPLETE, Interaction
from bot.emulator.refusals import BotDidNotRespond, CommandRefused
from bot.emulator.replies import DEFAULT_TIMEOUT, Reply
from bot.emulator.world import Channel, Guild, Message, Role, Upload, User, iso

__all__ = ["BotDidNotRespond", "CommandRefused", "Member", "Reply"]
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = (
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
)


class Member:
    """A person in a guild. Also the handle for everything that person does."""

    def __init__(
        self, guild: Guild, user: User, roles: list[Role], *, nick: str | None = None
    ) -> None:
        self.guild = guild
        self.user = user
        self.roles = roles
        self.nick = nick
        self.joined_at = iso()

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def mention(self) -> str:
        return self.user.mention

    @property
    def emu(self) -> Any:
        return self.guild.emu

    @property
    def dm_channel(self) -> Channel:
        """This person's DM channel with the bot."""
        return self.emu.dm_channel_for(self.user)

    def add_role(self, role: Role) -> None:
        if role not in self.roles:
            self.roles.append(role)
            if self.emu.connected:
                self.emu.dispatch(
                    "GUILD_MEMBER_UPDATE", {**self.payload(), "guild_id": str(self.guild.id)}
                )

    def remove_role(self, role: Role) -> None:
        if role in self.roles:
            self.roles.remove(role)
            if self.emu.connected:
                self.emu.dispatch(
                    "GUILD_MEMBER_UPDATE", {**self.payload(), "guild_id": str(self.guild.id)}
                )

    def permissions_in(self, channel: Channel | None = None) -> int:
        return self.guild.permissions_in(self, channel)

    def payload(self) -> dict[str, Any]:
        return {
            "user": self.user.payload(),
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r.id) for r in self.roles if r.id != self.guild.id],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }

    def __repr__(self) -> str:
        return f"<Member {self.name} of {self.guild.name}>"

    # -- acting --------------------------------------------------------------------------------
    async def slash(
        self,
        command: str,
        *,
        channel: Channel | None = None,
        options: dict[str, Any] | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        expect_reply: bool = True,
        **kwargs: Any,
    ) -> Reply:
        """Run `/command` (subcommands: "library add") and wait for the bot's final answer.

        Options come as keyword arguments; an option named like a parameter here
        (channel, options, timeout) goes in `options={...}`.
        """
        where = self._where(channel)
        given = {**kwargs, **(options or {})}
        cmd, path, schema = self._command(command, where)
        opts, resolved = self._options(schema, given, where)
        data = self._command_data(cmd, path, opts, resolved)
        inter = self._start(APPLICATION_COMMAND, data, where)
        return await Reply.settle(self, inter, timeout, f"/{command}", expect_reply=expect_reply)

    async def autocomplete(
        self,
        command: str,
        focused: str,
        value: str,
        *,
        channel: Channel | None = None,
        options: dict[str, Any] | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """Type `value` into option `focused` of `/command`; the choices the bot offers."""
        where = self._where(channel)
        given = {**kwargs, **(options or {})}
        cmd, path, schema = self._command(command, where)
        by_name = {o["name"]: o for o in schema}
        option = by_name.get(focused) or by_name.get(focused.replace("_", "-"))
        if option is None:
            raise CommandRefused(f"/{command} has no option {focused!r} (has {sorted(by_name)})")
        if not option.get("autocomplete"):
            raise CommandRefused(f"option {focused!r} of /{command} has no autocomplete")
        if option["type"] == STRING and len(value) > option.get("max_length", 6000):
            raise CommandRefused(f"{focused} takes at most {option.get('max_length', 6000)} chars")
        opts, resolved = self._options(schema, given, where, focused=option["name"])
        opts.append(
            {"name": option["name"], "type": option["type"], "value": value, "focused": True}
        )
        data = self._command_data(cmd, path, opts, resolved)
        inter = self._start(AUTOCOMPLETE, data, where)
        reply = await Reply.settle(self, inter, timeout, f"autocomplete /{command} {focused}")
        if reply.error is not None:
            raise AssertionError(
                f"Discord rejected the bot's autocomplete answer: {reply.error.describe()}"
            )
        return list(inter.choices or [])

    def post(
        self, channel: Channel, content: str = "", *, files: list[Upload] | None = None
    ) -> Message:
        """Post a message (with attachments from `emu.attachment`) as this person."""
        where = self._where(channel)
        attachments = [u.payload() for u in files or []]
        if not content and not attachments:
            raise CommandRefused("a message needs text or a file")
        message = Message(
            self.emu.snowflakes.next(),
            where,
            self.user,
            content=content,
            attachments=attachments,
            files={u.filename: u.data for u in files or []},
        )
        self.emu.messages[message.id] = message
        where.messages.append(message)
        body = message.payload()
        if where.guild is not None:
            body["member"] = {k: v for k, v in self.payload().items() if k != "user"}
        self.emu.dispatch("MESSAGE_CREATE", body)
        return message

    async def message_command(
        self,
        name: str,
        message: Message,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        expect_reply: bool = True,
    ) -> Reply:
        """Right-click `message` → Apps → `name` (a message context-menu command)."""
        where = self._where(message.channel)
        found = [
            c
            for c in self.emu.commands_for(where.guild)
            if c.get("type") == 3 and c["name"] == name
        ]
        if where.guild is None:
            found = [c for c in found if "guild_id" not in c]
        if not found:
            raise CommandRefused(f"no message command {name!r} here")
        cmd = found[-1]
        self._check_available(cmd, where)
        data: dict[str, Any] = {
            "id": cmd["id"],
            "name": cmd["name"],
            "type": 3,
            "target_id": str(message.id),
            "resolved": {"messages": {str(message.id): message.payload()}},
        }
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        inter = self._start(APPLICATION_COMMAND, data, where)
        return await Reply.settle(self, inter, timeout, name, expect_reply=expect_reply)

    def options_of(self, command: str, channel: Channel | None = None) -> list[dict[str, Any]]:
        """The options `/command` takes here (raises CommandRefused as `slash` would)."""
        _, _, schema = self._command(command, self._where(channel))
        return list(schema)

    async def click(self, reply: Reply, target: str, **kwargs: Any) -> Reply:
        return await reply.click(target, by=self, **kwargs)

    async def click_message(self, message: Message, target: str, **kwargs: Any) -> Reply:
        """Click a button on a message the bot posted by itself (the daily pick's card)."""
        return await Reply.posted(self, message).click(target, **kwargs)

    async def select(self, reply: Reply, *values: str, **kwargs: Any) -> Reply:
        return await reply.select(*values, by=self, **kwargs)

    async def submit_modal(self, reply: Reply, values: dict[str, str], **kwargs: Any) -> Reply:
        return await reply.submit_modal(values, by=self, **kwargs)

    # -- helpers ------------------------------------------------------------------------------
    def _where(self, channel: Channel | None) -> Channel:
        if channel is None:
            channels = self.guild.text_channels
            if not channels:
                raise CommandRefused(f"{self.guild.name} has no text channel to type in")
            return channels[0]
        if channel.guild is not None and channel.guild is not self.guild:
            raise CommandRefused(f"{self.name} is not in {channel.guild.name}")
        if channel.is_dm and channel.recipient is not self.user:
            raise CommandRefused(f"{channel!r} is not {self.name}'s DM")
        if channel.guild is not None and not self.permissions_in(channel) & perms.VIEW_CHANNEL:
            raise CommandRefused(f"{self.name} cannot see #{channel.name}")
        return channel

    def _command(
        self, command: str, where: Channel
    ) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
        parts = command.strip().lstrip("/").split()
        if not parts:
            raise CommandRefused("no command given")
        guild = where.guild
        found = [
            c
            for c in self.emu.commands_for(guild)
            if c.get("type", 1) == 1 and c["name"] == parts[0]
        ]
        if guild is None:
            found = [c for c in found if "guild_id" not in c]
        if not found:
            names = sorted({c["name"] for c in self.emu.commands_for(guild)})
            raise CommandRefused(
                f"/{parts[0]} is not a command here; available: {', '.join(names) or 'none'}"
            )
        cmd = found[-1]
        self._check_available(cmd, where)
        schema = cmd.get("options") or []
        path: list[str] = []
        for part in parts[1:]:
            sub = next(
                (
                    o
                    for o in schema
                    if o["name"] == part and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
                ),
                None,
            )
            if sub is None:
                raise CommandRefused(f"/{' '.join([parts[0], *path])} has no subcommand {part!r}")
            path.append(part)
            schema = sub.get("options") or []
        if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in schema):
            subs = [o["name"] for o in schema]
            raise CommandRefused(f"/{command} needs a subcommand: {', '.join(subs)}")
        return cmd, path, schema

    def _check_available(self, cmd: dict[str, Any], where: Channel) -> None:
        name = cmd["name"]
        contexts = cmd.get("contexts")
        if where.guild is None:
            if (contexts is not None and 1 not in contexts) or (
                contexts is None and cmd.get("dm_permission") is False
            ):
                raise CommandRefused(f"/{name} cannot be used in DMs")
            return
        if contexts is not None and 0 not in contexts:
            raise CommandRefused(f"/{name} cannot be used in servers")
        if cmd.get("nsfw") and not where.age_restricted:
            raise CommandRefused(f"/{name} is age-restricted; use it in an age-restricted channel")
        bits = self.permissions_in(where)
        if not bits & perms.USE_APPLICATION_COMMANDS:
            raise CommandRefused(f"{self.name} may not use application commands in #{where.name}")
        refusal = where.guild.command_permissions.refusal(cmd, self, where)
        if refusal is not None:
            raise CommandRefused(refusal)

    def _options(
        self,
        schema: list[dict[str, Any]],
        given: dict[str, Any],
        where: Channel,
        *,
        focused: str | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        by_name = {o["name"]: o for o in schema}
        opts: list[dict[str, Any]] = []
        resolved: dict[str, dict[str, Any]] = {}
        for key, value in given.items():
            option = by_name.get(key) or by_name.get(key.replace("_", "-"))
            if option is None:
                raise CommandRefused(f"no option {key!r}; options are {sorted(by_name)}")
            if value is None:
                continue
            opts.append(
                {
                    "name": option["name"],
                    "type": option["type"],
                    "value": self._value(option, value, resolved),
                }
            )
        sent = {o["name"] for o in opts}
        missing = [
            o["name"]
            for o in schema
            if o.get("required") and o["name"] not in sent and o["name"] != focused
        ]
        if missing and focused is None:
            raise CommandRefused(f"missing required option(s): {', '.join(missing)}")
        return opts, resolved

    def _value(
        self, option: dict[str, Any], value: Any, resolved: dict[str, dict[str, Any]]
    ) -> Any:
        kind = option["type"]
        name = option["name"]
        if kind in (STRING, INTEGER, NUMBER):
            choices = option.get("choices")
            if choices:
                # Discord's client shows choice names; the bot receives the value.
                for choice in choices:
                    if value == choice["value"] or str(value) in (
                        choice["name"],
                        str(choice["value"]),
                    ):
                        return choice["value"]
                raise CommandRefused(f"{name} must be one of {[c['name'] for c in choices]}")
            return _scalar(option, value)
        if kind == BOOLEAN:
            return bool(value)
        if kind == ATTACHMENT:
            if isinstance(value, tuple):
                value = self.emu.attachment(*value)
            if not isinstance(value, Upload):
                raise CommandRefused(f"{name} takes a file: emu.attachment(filename, data)")
            resolved.setdefault("attachments", {})[str(value.id)] = value.payload()
            return str(value.id)
        if kind in (USER, MENTIONABLE) and isinstance(value, Member | User):
            user = value.user if isinstance(value, Member) else value
            resolved.setdefault("users", {})[str(user.id)] = user.payload()
            if isinstance(value, Member):
                member = {k: v for k, v in value.payload().items() if k != "user"}
                member["permissions"] = str(value.permissions_in(None))
                resolved.setdefault("members", {})[str(user.id)] = member
            return str(user.id)
        if kind in (ROLE, MENTIONABLE) and isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            return str(value.id)
        if kind == CHANNEL and isinstance(value, Channel):
            types = option.get("channel_types")
            if types and value.type not in types:
                raise CommandRefused(f"{name} does not accept {value!r}")
            body = {**value.payload(), "permissions": str(self.permissions_in(value))}
            resolved.setdefault("channels", {})[str(value.id)] = body
            return str(value.id)
        raise CommandRefused(f"{name} cannot take {value!r}")

    def _command_data(
        self,
        cmd: dict[str, Any],
        path: list[str],
        opts: list[dict[str, Any]],
        resolved: dict[str, Any],
    ) -> dict[str, Any]:
        nested = opts
        schema = cmd.get("options") or []
        if path:
            kinds = {o["name"]: o["type"] for o in schema}
            if len(path) == 2:
                nested = [
                    {
                        "name": path[0],
                        "type": SUB_COMMAND_GROUP,
                        "options": [{"name": path[1], "type": SUB_COMMAND, "options": opts}],
                    }
                ]
            else:
                nested = [
                    {"name": path[0], "type": kinds.get(path[0], SUB_COMMAND), "options": opts}
                ]
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": nested}
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        return data

    def _start(
        self, kind: int, data: dict[str, Any], where: Channel, message: Message | None = None
    ) -> Interaction:
        emu = self.emu
        if not emu.connected:
            raise RuntimeError("the bot is not connected to the emulator")
        in_guild = where.guild is not None
        if in_guild:
            bot_member = where.guild.members[emu.bot_user.id]
            app_perms = where.guild.permissions_in(bot_member, where)
        else:
            app_perms = perms.EVERYONE_DEFAULT
        inter = Interaction(
            interaction_id=emu.snowflakes.next(),
            token="aW50ZXJhY3Rpb24" + secrets.token_urlsafe(60),
            kind=kind,
            application_id=emu.application_id,
            data=data,
            user=self.user,
            member=self if in_guild else None,
            channel=where,
            created_at=emu.clock.now(),
            message=message,
            app_permissions=app_perms,
            member_permissions=self.permissions_in(where) if in_guild else 0,
        )
        emu.interactions[inter.id] = inter
        emu.interactions_by_token[inter.token] = inter
        emu.dispatch("INTERACTION_CREATE", inter.payload())
        return inter


def _scalar(option: dict[str, Any], value: Any) -> Any:
    """A typed string/integer/number option value within the option's limits."""
    kind, name = option["type"], option["name"]
    try:
        if kind == STRING:
            value = str(value)
        elif kind == INTEGER:
            if isinstance(value, bool) or float(value) != int(float(value)):
                raise CommandRefused(f"{name} takes a whole number")
            value = int(float(value))
        else:
            value = float(value)
    except ValueError:
        raise CommandRefused(f"{name} takes a number, not {value!r}") from None
    if kind == STRING:
        if not option.get("min_length", 0) <= len(value) <= option.get("max_length", 6000):
            raise CommandRefused(f"{name} length must be within the option's limits")
        return value
    low, high = option.get("min_value"), option.get("max_value")
    if (low is not None and value < low) or (high is not None and value > high):
        raise CommandRefused(f"{name} must be between {low} and {high}")
    return value
