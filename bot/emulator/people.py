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

import logging
import secrets
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from bot.emulator import permissions as perms
from bot.emulator.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Interaction,
)
from bot.emulator.world import Channel, Guild, Message, Role, Upload, User, iso

if TYPE_CHECKING:
    from bot.emulator.errors import Rejection
    from bot.emulator.rules import Pings

DEFAULT_TIMEOUT = 5.0
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


class CommandRefused(Exception):
    """Discord's client would not let this person do that (so nothing reaches the bot)."""


class BotDidNotRespond(AssertionError):
    """The bot did not answer within the wait; the message says how far it got."""


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

    def options_of(self, command: str, channel: Channel | None = None) -> list[dict[str, Any]]:
        """The options `/command` takes here (raises CommandRefused as `slash` would)."""
        _, _, schema = self._command(command, self._where(channel))
        return list(schema)

    async def click(self, reply: Reply, target: str, **kwargs: Any) -> Reply:
        return await reply.click(target, by=self, **kwargs)

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
        required = cmd.get("default_member_permissions")
        if required is not None and not bits & perms.ADMINISTRATOR:
            need = int(required)
            if need == 0 or bits & need != need:
                raise CommandRefused(f"{self.name} lacks the permissions /{name} requires ({need})")

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
            if kind == STRING:
                value = str(value)
            elif kind == INTEGER:
                if isinstance(value, bool) or int(value) != value:
                    raise CommandRefused(f"{name} takes a whole number")
                value = int(value)
            else:
                value = float(value)
            choices = option.get("choices")
            if choices:
                for choice in choices:
                    if value in (choice["value"], choice["name"]):
                        return choice["value"]
                raise CommandRefused(f"{name} must be one of {[c['name'] for c in choices]}")
            if kind == STRING:
                if len(value) < option.get("min_length", 0) or len(value) > option.get(
                    "max_length", 6000
                ):
                    raise CommandRefused(f"{name} length must be within the option's limits")
            else:
                low, high = option.get("min_value"), option.get("max_value")
                if (low is not None and value < low) or (high is not None and value > high):
                    raise CommandRefused(f"{name} must be between {low} and {high}")
            return value
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


class Reply:
    """What a person sees after acting: the bot's message (live), modal or choices."""

    def __init__(self, by: Member, interaction: Interaction, message: Message | None) -> None:
        self.by = by
        self.interaction = interaction
        self._message = message

    @classmethod
    async def settle(
        cls,
        by: Member,
        inter: Interaction,
        timeout: float,  # noqa: ASYNC109
        what: str,
        *,
        expect_reply: bool = True,
    ) -> Reply:
        if not await inter.wait_until(lambda: inter.settled, timeout) and expect_reply:
            raise BotDidNotRespond(_no_answer(by, inter, timeout, what))
        return cls(by, inter, inter.original)

    # -- what is shown ---------------------------------------------------------------------
    @property
    def message(self) -> Message | None:
        return self._message if self._message is not None else self.interaction.original

    @property
    def answered(self) -> bool:
        """The bot gave its final answer (False only with expect_reply=False and silence)."""
        return self.interaction.settled

    @property
    def raw(self) -> dict[str, Any] | None:
        """The message as Discord's JSON (what the client would receive)."""
        return self.message.payload() if self.message else None

    @property
    def error(self) -> Rejection | None:
        """The last rejection of a request the bot made with this interaction, if any."""
        rejections = self.interaction.rejections
        return rejections[-1] if rejections else None

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else []

    @property
    def embed(self) -> dict[str, Any]:
        if not self.embeds:
            raise AssertionError(f"the reply has no embed: {self!r}")
        return self.embeds[0]

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components if self.message else []

    @property
    def files(self) -> dict[str, bytes]:
        return self.message.files if self.message else {}

    @property
    def ephemeral(self) -> bool:
        return bool(self.message and self.message.ephemeral)

    @property
    def pinged(self) -> Pings:
        from bot.emulator.rules import Pings

        return self.message.pings if self.message else Pings()

    @property
    def edits(self) -> list[dict[str, Any]]:
        """Earlier versions of the message (payloads), oldest first."""
        return list(self.message.history) if self.message else []

    @property
    def deleted(self) -> bool:
        return bool(self.message and self.message.deleted)

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.interaction.modal

    @property
    def followups(self) -> list[Reply]:
        return [Reply(self.by, self.interaction, m) for m in self.interaction.followups]

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in _walk(self.components) if c.get("type") == 2]

    @property
    def labels(self) -> list[str]:
        return [b.get("label") or (b.get("emoji") or {}).get("name") or "" for b in self.buttons]

    @property
    def selects(self) -> list[dict[str, Any]]:
        return [c for c in _walk(self.components) if c.get("type") in (3, 5, 6, 7, 8)]

    @property
    def options(self) -> list[dict[str, Any]]:
        """The options of every string select menu on the message."""
        return [o for s in self.selects for o in s.get("options") or []]

    @property
    def text(self) -> str:
        """Content plus every embed's visible text, one piece per line (robust assertions)."""
        pieces = [self.content] if self.content else []
        for embed in self.embeds:
            pieces.extend(_embed_text(embed))
        for comp in _walk(self.components):
            if comp.get("type") == 10:
                pieces.append(comp.get("content", ""))
        return "\n".join(p for p in pieces if p)

    def __repr__(self) -> str:
        if self.modal is not None:
            return f"<Reply modal {self.modal.get('title')!r}>"
        if self.error is not None and self.message is None:
            return f"<Reply error {self.error.describe()}>"
        kind = "ephemeral " if self.ephemeral else ""
        return f"<Reply {kind}{self.text[:120]!r} buttons={self.labels}>"

    # -- acting on it -----------------------------------------------------------------------
    async def click(
        self,
        target: str,
        *,
        by: Member | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        expect_reply: bool = True,
    ) -> Reply:
        """Click the button whose label (or custom_id, or emoji) is `target`."""
        message = self._require_message("click")
        button = _find_button(self.buttons, target)
        if button is None:
            raise CommandRefused(f"no button {target!r} on the message; buttons: {self.labels}")
        if button.get("disabled"):
            raise CommandRefused(f"button {target!r} is disabled")
        if button.get("style") in (5, 6) or "custom_id" not in button:
            raise CommandRefused(f"button {target!r} opens a link; nothing is sent to the bot")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._component(
            by, data, message, timeout, f"click {target!r}", expect_reply=expect_reply
        )

    async def select(
        self,
        *values: str,
        by: Member | None = None,
        menu: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        expect_reply: bool = True,
    ) -> Reply:
        """Pick options (by label or value) in a string select menu."""
        message = self._require_message("select")
        menus = [s for s in self.selects if s.get("type") == 3]
        if menu is not None:
            menus = [s for s in menus if menu in (s.get("custom_id"), s.get("placeholder"))]
        for candidate in menus:
            chosen = [_find_option(candidate.get("options") or [], v) for v in values]
            if all(c is not None for c in chosen):
                break
        else:
            labels = [o.get("label") for o in self.options]
            raise CommandRefused(f"no select menu offers {list(values)}; options: {labels}")
        if candidate.get("disabled"):
            raise CommandRefused("the select menu is disabled")
        low, high = candidate.get("min_values", 1), candidate.get("max_values", 1)
        if not low <= len(values) <= high:
            raise CommandRefused(f"pick between {low} and {high} options")
        data = {
            "custom_id": candidate["custom_id"],
            "component_type": 3,
            "values": [c["value"] for c in chosen if c is not None],
        }
        return await self._component(
            by, data, message, timeout, f"select {list(values)}", expect_reply=expect_reply
        )

    async def submit_modal(
        self,
        values: dict[str, str],
        *,
        by: Member | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        expect_reply: bool = True,
    ) -> Reply:
        """Fill the modal this reply opened (keys: input label or custom_id) and submit it."""
        modal = self.modal
        if modal is None:
            raise CommandRefused(f"no modal is open: {self!r}")
        remaining = dict(values)
        components = [_fill(c, remaining) for c in modal.get("components") or []]
        if remaining:
            raise CommandRefused(f"the modal has no field(s) {sorted(remaining)}")
        person = by or self.by
        data = {"custom_id": modal["custom_id"], "components": components}
        inter = person._start(
            MODAL_SUBMIT, data, self.interaction.channel, self.interaction.message
        )
        what = f"submit modal {modal.get('title')!r}"
        return await Reply.settle(person, inter, timeout, what, expect_reply=expect_reply)

    async def wait_for(
        self,
        predicate: Callable[[Reply], bool],
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> Reply:
        """Wait until `predicate(self)` holds (e.g. a follow-up arrived)."""
        if not await self.interaction.wait_until(lambda: predicate(self), timeout):
            raise BotDidNotRespond(f"condition not met within {timeout}s: {self!r}")
        return self

    async def _component(
        self,
        by: Member | None,
        data: dict[str, Any],
        message: Message,
        timeout: float,  # noqa: ASYNC109
        what: str,
        *,
        expect_reply: bool = True,
    ) -> Reply:
        person = by or self.by
        inter = person._start(MESSAGE_COMPONENT, data, message.channel, message)
        return await Reply.settle(person, inter, timeout, what, expect_reply=expect_reply)

    def _require_message(self, action: str) -> Message:
        if self.message is None or self.message.deleted:
            raise CommandRefused(f"cannot {action}: the reply has no message ({self!r})")
        return self.message


def _walk(components: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for comp in components:
        yield comp
        yield from _walk(comp.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from _walk([comp[key]])


def _find_button(buttons: list[dict[str, Any]], target: str) -> dict[str, Any] | None:
    tests: list[Callable[[dict[str, Any]], bool]] = [
        lambda b: b.get("label") == target,
        lambda b: (b.get("label") or "").lower() == target.lower(),
        lambda b: b.get("custom_id") == target,
        lambda b: (b.get("emoji") or {}).get("name") == target,
    ]
    for test in tests:
        found = [b for b in buttons if test(b)]
        if found:
            return found[0]
    return None


def _find_option(options: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    for key in ("label", "value"):
        for option in options:
            if option.get(key) == wanted:
                return option
    return None


def _fill(component: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    kind = component.get("type")
    if kind == 1:
        return {
            "type": 1,
            "components": [_fill(c, values) for c in component.get("components") or []],
        }
    if kind == 18:
        child = component["component"]
        label = component.get("label")
        if label in values and child.get("custom_id") not in values:
            values[child["custom_id"]] = values.pop(label)
        return {"type": 18, "component": _fill(child, values)}
    if kind == 4:
        custom_id = component["custom_id"]
        label = component.get("label")
        key = custom_id if custom_id in values else label if label in values else None
        value = values.pop(key) if key is not None else component.get("value") or ""
        if component.get("required", True) and not value:
            raise CommandRefused(f"modal field {label or custom_id!r} is required")
        low, high = component.get("min_length", 0), component.get("max_length", 4000)
        if value and not low <= len(value) <= high:
            raise CommandRefused(
                f"modal field {label or custom_id!r} takes {low}-{high} characters"
            )
        return {"type": 4, "custom_id": custom_id, "value": value}
    if kind == 3:
        custom_id = component["custom_id"]
        picked = values.pop(custom_id, None)
        chosen = [picked] if isinstance(picked, str) else list(picked or [])
        found = [_find_option(component.get("options") or [], v) for v in chosen]
        if any(f is None for f in found):
            raise CommandRefused(f"select {custom_id!r} has no option {chosen}")
        return {"type": 3, "custom_id": custom_id, "values": [f["value"] for f in found if f]}
    return {"type": kind, **({"id": component["id"]} if "id" in component else {})}


def _embed_text(embed: dict[str, Any]) -> list[str]:
    pieces = [(embed.get("author") or {}).get("name"), embed.get("title"), embed.get("description")]
    for fld in embed.get("fields") or []:
        pieces.extend([fld.get("name"), fld.get("value")])
    pieces.append((embed.get("footer") or {}).get("text"))
    return [p for p in pieces if p]


def _no_answer(by: Member, inter: Interaction, timeout: float, what: str) -> str:
    if inter.response_type is None:
        state = "never acknowledged the interaction"
    else:
        state = f"acknowledged with type {inter.response_type} but never sent its final answer"
    text = f"{what} by {by.name}: the bot {state} within {timeout}s"
    errors = by.emu.logged_errors[-3:]
    if errors:
        formatted = "\n".join(_format_record(r) for r in errors)
        text += f"\nthe bot logged:\n{formatted}"
    return text


def _format_record(record: logging.LogRecord) -> str:
    text = f"{record.name}: {record.getMessage()}"
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    return text
