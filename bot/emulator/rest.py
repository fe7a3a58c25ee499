"""Discord's REST v10 routes the bot uses, each body checked against the spec and the rules.

Handlers raise `DiscordError`; `_handler` turns it into Discord's JSON error reply and
records a `Rejection` (tied to the interaction when the request used its token).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.emulator import permissions as perms
from bot.emulator import rules
from bot.emulator.errors import (
    DiscordError,
    already_acknowledged,
    invalid_form,
    missing_access,
    missing_permissions,
    too_large,
    unknown_channel,
    unknown_interaction,
    unknown_message,
    unknown_webhook,
)
from bot.emulator.interactions import (
    ACK_DEADLINE,
    ALLOWED_RESPONSES,
    AUTOCOMPLETE_RESULT,
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    MESSAGE,
    MODAL,
    TOKEN_LIFETIME,
    UPDATE_MESSAGE,
    Interaction,
)
from bot.emulator.messages import MessageDesk
from bot.emulator.world import EPHEMERAL, LOADING, Channel, Message

if TYPE_CHECKING:
    from bot.emulator.server import Emulator

JSON = "application/json"
MULTIPART = "multipart/form-data"
INTERACTION_PARSE = ("users",)
MESSAGE_PARSE = ("users", "roles", "everyone")

Handler = Callable[[web.Request, "Call"], Awaitable[web.StreamResponse]]


@dataclass(slots=True)
class Call:
    """What a handler learned about the request (for the rejection record)."""

    body: Any = None
    files: list[tuple[int, str, bytes, str | None]] = field(default_factory=list)
    content_type: str = JSON
    interaction: Interaction | None = None


def json_response(body: Any, status: int = 200) -> web.Response:
    # Exactly application/json: with "; charset=utf-8" discord.py hands back a str.
    resp = web.Response(status=status, body=json.dumps(body, separators=(",", ":")).encode())
    resp.headers["Content-Type"] = JSON
    return resp


def add_rest_routes(app: web.Application, emu: Emulator) -> None:
    api = Api(emu)
    r = app.router
    p = "/api/v10"

    def route(method: str, path: str, handler: Handler, *, auth: bool = True) -> None:
        r.add_route(method, p + path, api.wrap(handler, auth=auth))

    route("GET", "/users/@me", api.get_me)
    route("GET", "/oauth2/applications/@me", api.get_application)
    route("GET", "/applications/@me", api.get_application)
    route("GET", "/gateway", api.get_gateway, auth=False)
    route("GET", "/gateway/bot", api.get_gateway)
    route("GET", "/applications/{app_id}/commands", api.list_commands)
    route("PUT", "/applications/{app_id}/commands", api.put_commands)
    route("GET", "/applications/{app_id}/guilds/{guild_id}/commands", api.list_commands)
    route("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", api.put_commands)
    route(
        "GET",
        "/applications/{app_id}/guilds/{guild_id}/commands/permissions",
        api.list_command_permissions,
    )
    route(
        "GET",
        "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}/permissions",
        api.get_command_permissions,
    )
    route("POST", "/interactions/{interaction_id}/{token}/callback", api.callback, auth=False)
    route("POST", "/webhooks/{app_id}/{token}", api.followup, auth=False)
    route(
        "GET",
        "/webhooks/{app_id}/{token}/messages/{message_id}",
        api.get_webhook_message,
        auth=False,
    )
    route(
        "PATCH",
        "/webhooks/{app_id}/{token}/messages/{message_id}",
        api.edit_webhook_message,
        auth=False,
    )
    route(
        "DELETE",
        "/webhooks/{app_id}/{token}/messages/{message_id}",
        api.delete_webhook_message,
        auth=False,
    )
    route("GET", "/channels/{channel_id}", api.get_channel)
    route("GET", "/channels/{channel_id}/messages", api.list_messages)
    route("POST", "/channels/{channel_id}/messages", api.create_message)
    route("GET", "/channels/{channel_id}/messages/{message_id}", api.get_message)
    route("POST", "/channels/{channel_id}/typing", api.typing)
    route("PATCH", "/channels/{channel_id}/messages/{message_id}", api.edit_message)
    route("DELETE", "/channels/{channel_id}/messages/{message_id}", api.delete_message)
    route("POST", "/users/@me/channels", api.create_dm)
    route("GET", "/users/{user_id}", api.get_user)
    route("GET", "/guilds/{guild_id}", api.get_guild)
    route("GET", "/guilds/{guild_id}/channels", api.get_guild_channels)
    route("GET", "/guilds/{guild_id}/roles", api.get_guild_roles)
    route("GET", "/guilds/{guild_id}/members/{user_id}", api.get_guild_member)
    r.add_route("*", p + "/{tail:.*}", api.wrap(api.not_implemented, auth=False))


class Api:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.deferred_updates: dict[int, list[Interaction]] = {}
        self.desk = MessageDesk(emu)

    def wrap(
        self, handler: Handler, *, auth: bool
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        emu = self.emu

        async def run(request: web.Request) -> web.StreamResponse:
            call = Call()
            emu.requests.append((request.method, request.path))
            try:
                if auth and request.headers.get("Authorization") != f"Bot {emu.token}":
                    raise DiscordError(401, 0, "401: Unauthorized")
                return await handler(request, call)
            except DiscordError as error:
                emu.record_rejection(
                    request.method, request.path, error, call.body, call.interaction
                )
                return json_response(error.body(), status=error.status)
            finally:
                emu.changes.notify()

        return run

    # -- body ---------------------------------------------------------------------------------
    async def read_body(self, request: web.Request, call: Call, *, limit: int | None = None) -> Any:
        """JSON, or multipart with payload_json + files[n] (each file within the upload limit)."""
        limit = limit or rules_limit(call)
        if request.content_length is not None and request.content_length > 10 * limit + 1024 * 1024:
            raise too_large()
        if request.content_type == MULTIPART:
            call.content_type = MULTIPART
            reader = await request.multipart()
            body: Any = None
            while (part := await reader.next()) is not None:
                name = part.name or ""  # type: ignore[union-attr]
                data = await part.read(decode=False)  # type: ignore[union-attr]
                if name == "payload_json":
                    body = _loads(bytes(data))
                elif name.startswith("files["):
                    if len(data) > limit:
                        raise too_large()
                    index = int(name[6:-1])
                    ctype = part.headers.get("Content-Type")  # type: ignore[union-attr]
                    call.files.append((index, part.filename or f"file{index}", bytes(data), ctype))  # type: ignore[union-attr]
            call.body = body
            return body
        raw = await request.read()
        if not raw:
            return None
        call.body = _loads(raw)
        return call.body

    def check(self, operation: str, body: Any, call: Call, *, discriminate: bool = False) -> None:
        self.emu.spec.check(
            operation, body, content_type=call.content_type, discriminate=discriminate
        )

    # -- identity ---------------------------------------------------------------------------
    async def get_me(self, request: web.Request, call: Call) -> web.Response:
        return json_response(self.emu.bot_user.payload())

    async def get_application(self, request: web.Request, call: Call) -> web.Response:
        emu = self.emu
        owner = emu.app_owner.payload()
        return json_response(
            {
                "id": str(emu.application_id),
                "name": emu.bot_user.name,
                "icon": None,
                "description": "storybot on the loopback Discord",
                "summary": "",
                "type": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "owner": owner,
                "team": None,
                "bot": emu.bot_user.payload(),
                "rpc_origins": [],
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "install_params": None,
                "integration_types_config": {"0": {}},
                "approximate_guild_count": len(emu.guilds),
            }
        )

    async def get_gateway(self, request: web.Request, call: Call) -> web.Response:
        body: dict[str, Any] = {"url": self.emu.gateway_url}
        if request.path.endswith("/bot"):
            body.update(
                shards=1,
                session_start_limit={
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            )
        return json_response(body)

    # -- commands ------------------------------------------------------------------------------
    def _check_app(self, request: web.Request) -> None:
        if _int(request.match_info["app_id"]) != self.emu.application_id:
            raise DiscordError(403, 50001, "Missing Access")

    def _guild_for(self, request: web.Request) -> int | None:
        raw = request.match_info.get("guild_id")
        if raw is None:
            return None
        guild_id = _int(raw)
        if guild_id not in self.emu.guilds:
            raise missing_access()
        return guild_id

    async def list_commands(self, request: web.Request, call: Call) -> web.Response:
        self._check_app(request)
        guild_id = self._guild_for(request)
        commands = (
            self.emu.global_commands
            if guild_id is None
            else self.emu.guild_commands.get(guild_id, [])
        )
        return json_response(commands)

    async def list_command_permissions(self, request: web.Request, call: Call) -> web.Response:
        """Every override a guild's admins set in Server Settings → Integrations."""
        self._check_app(request)
        guild_id = self._guild_for(request)
        assert guild_id is not None
        return json_response(self.emu.guilds[guild_id].command_permissions.payloads())

    async def get_command_permissions(self, request: web.Request, call: Call) -> web.Response:
        self._check_app(request)
        guild_id = self._guild_for(request)
        assert guild_id is not None
        scope = _int(request.match_info["command_id"])
        table = self.emu.guilds[guild_id].command_permissions
        if not table.overrides.get(scope):
            raise DiscordError(404, 10066, "Unknown application command permissions")
        return json_response(table.payload(scope))

    async def put_commands(self, request: web.Request, call: Call) -> web.Response:
        self._check_app(request)
        guild_id = self._guild_for(request)
        body = await self.read_body(request, call)
        operation = (
            "bulk_set_application_commands"
            if guild_id is None
            else "bulk_set_guild_application_commands"
        )
        self.check(operation, body, call)
        if guild_id is None and len(body) > 100:
            raise invalid_form([], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
        names: set[tuple[int, str]] = set()
        for index, command in enumerate(body):
            key = (command.get("type", 1), command["name"])
            if key in names:
                raise invalid_form(
                    [index, "name"],
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique ({command['name']})",
                )
            names.add(key)
        previous = {
            c["name"]: c
            for c in (
                self.emu.global_commands
                if guild_id is None
                else self.emu.guild_commands.get(guild_id, [])
            )
        }
        stored = [self._store_command(c, guild_id, previous.get(c["name"])) for c in body]
        if guild_id is None:
            self.emu.global_commands = stored
        else:
            self.emu.guild_commands[guild_id] = stored
        return json_response(stored)

    def _store_command(
        self, command: dict[str, Any], guild_id: int | None, previous: dict[str, Any] | None
    ) -> dict[str, Any]:
        perms_value = command.get("default_member_permissions")
        stored: dict[str, Any] = {
            "id": previous["id"] if previous else str(self.emu.snowflakes.next()),
            "application_id": str(self.emu.application_id),
            "version": str(self.emu.snowflakes.next()),
            "type": command.get("type", 1),
            "name": command["name"],
            "name_localizations": command.get("name_localizations"),
            "description": command.get("description", ""),
            "description_localizations": command.get("description_localizations"),
            "options": command.get("options") or [],
            "default_member_permissions": None if perms_value is None else str(perms_value),
            "dm_permission": command.get("dm_permission", True),
            "nsfw": bool(command.get("nsfw", False)),
            "contexts": command.get("contexts"),
            "integration_types": command.get("integration_types") or [0],
        }
        if guild_id is not None:
            stored["guild_id"] = str(guild_id)
        return stored

    # -- interactions --------------------------------------------------------------------------
    async def callback(self, request: web.Request, call: Call) -> web.Response:
        emu = self.emu
        inter = emu.interactions.get(_int(request.match_info["interaction_id"]))
        if inter is None or inter.token != request.match_info["token"]:
            raise unknown_interaction()
        call.interaction = inter
        body = await self.read_body(request, call, limit=inter.attachment_size_limit)
        if inter.acknowledged:
            raise already_acknowledged()
        if emu.clock.now() - inter.created_at > ACK_DEADLINE:
            raise unknown_interaction()
        self.check("create_interaction_response", body, call, discriminate=True)
        rtype = body["type"]
        if rtype not in ALLOWED_RESPONSES.get(inter.type, set()) or (
            rtype in (DEFERRED_UPDATE, UPDATE_MESSAGE) and inter.message is None
        ):
            raise invalid_form(
                ["type"],
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Interaction response type {rtype} is not valid for interaction type {inter.type}",
            )
        data = body.get("data") or {}
        message: Message | None = None
        settle = True
        if rtype == MESSAGE:
            message = self.desk.create(
                inter.channel,
                body=data,
                files=call.files,
                prefix=["data"],
                default_parse=INTERACTION_PARSE,
                inter=inter,
                allow_ephemeral=True,
            )
        elif rtype == DEFERRED_MESSAGE:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            message = self.desk.place(
                Message(
                    emu.snowflakes.next(),
                    inter.channel,
                    emu.bot_user,
                    flags=flags,
                    interaction=inter,
                )
            )
            settle = False
        elif rtype == DEFERRED_UPDATE:
            message = inter.message
            settle = False
            assert message is not None
            self.deferred_updates.setdefault(message.id, []).append(inter)
        elif rtype == UPDATE_MESSAGE:
            assert inter.message is not None
            message = inter.message
            self.desk.edit(message, data, call.files, ["data"], INTERACTION_PARSE)
        elif rtype == AUTOCOMPLETE_RESULT:
            self._check_choices(inter, data)
            inter.choices = list(data.get("choices") or [])
        elif rtype == MODAL:
            rules.check_modal(data)
            inter.modal = data
        inter.response_type = rtype
        inter.original = message
        inter.notify(settle=settle)
        if request.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        summary: dict[str, Any] = {"id": str(inter.id), "type": inter.type}
        resource: dict[str, Any] = {"type": rtype}
        if message is not None:
            summary.update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=message.ephemeral,
            )
            resource["message"] = message.payload()
        return json_response({"interaction": summary, "resource": resource})

    def _check_choices(self, inter: Interaction, data: dict[str, Any]) -> None:
        option = _focused_option(inter.data.get("options") or [])
        expected = {3: str, 4: int, 10: (int, float)}.get(
            option.get("type", 3) if option else 3, str
        )
        for index, choice in enumerate(data.get("choices") or []):
            value = choice.get("value")
            if not isinstance(value, expected) or isinstance(value, bool):  # type: ignore[arg-type]
                raise invalid_form(
                    ["data", "choices", index, "value"],
                    "BASE_TYPE_BAD_TYPE",
                    "Choice value type does not match the option type.",
                )

    def _token_interaction(self, request: web.Request, call: Call) -> Interaction:
        if _int(request.match_info["app_id"]) != self.emu.application_id:
            raise unknown_webhook()
        inter = self.emu.interactions_by_token.get(request.match_info["token"])
        if inter is None:
            raise unknown_webhook()
        call.interaction = inter
        if self.emu.clock.now() - inter.created_at > TOKEN_LIFETIME:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        if not inter.acknowledged:
            raise unknown_webhook()
        return inter

    def _webhook_target(self, inter: Interaction, message_id: str) -> Message:
        if message_id == "@original":
            if inter.original is None or inter.original.deleted:
                raise unknown_message()
            return inter.original
        wanted = _int(message_id)
        for message in [inter.original, *inter.followups]:
            if message is not None and message.id == wanted and not message.deleted:
                return message
        raise unknown_message()

    async def followup(self, request: web.Request, call: Call) -> web.Response:
        inter = self._token_interaction(request, call)
        body = await self.read_body(request, call, limit=inter.attachment_size_limit)
        self.check("execute_webhook", body, call)
        original = inter.original
        if inter.response_type == DEFERRED_MESSAGE and original is not None and original.loading:
            # Discord: the first follow-up after a deferral replaces the "thinking" message.
            flags = original.flags & EPHEMERAL
            self.desk.edit(original, body, call.files, [], INTERACTION_PARSE, keep_flags=flags)
            message = original
        else:
            message = self.desk.create(
                inter.channel,
                body=body,
                files=call.files,
                prefix=[],
                default_parse=INTERACTION_PARSE,
                inter=inter,
                allow_ephemeral=True,
            )
            inter.followups.append(message)
        inter.notify(settle=True)
        if request.query.get("wait") in ("true", "1", "True"):
            return json_response(message.payload())
        return web.Response(status=204)

    async def get_webhook_message(self, request: web.Request, call: Call) -> web.Response:
        inter = self._token_interaction(request, call)
        return json_response(
            self._webhook_target(inter, request.match_info["message_id"]).payload()
        )

    async def edit_webhook_message(self, request: web.Request, call: Call) -> web.Response:
        inter = self._token_interaction(request, call)
        message_id = request.match_info["message_id"]
        target = self._webhook_target(inter, message_id)
        body = await self.read_body(request, call, limit=inter.attachment_size_limit)
        operation = (
            "update_original_webhook_message"
            if message_id == "@original"
            else "update_webhook_message"
        )
        self.check(operation, body, call)
        self.desk.edit(target, body, call.files, [], INTERACTION_PARSE)
        inter.notify(settle=True)
        return json_response(target.payload())

    async def delete_webhook_message(self, request: web.Request, call: Call) -> web.Response:
        inter = self._token_interaction(request, call)
        target = self._webhook_target(inter, request.match_info["message_id"])
        self.desk.delete(target)
        inter.notify(settle=True)
        return web.Response(status=204)

    # -- channels and messages -------------------------------------------------------------------
    def _channel(self, request: web.Request, *, need: int = perms.VIEW_CHANNEL) -> Channel:
        channel = self.emu.channels.get(_int(request.match_info["channel_id"]))
        if channel is None:
            raise unknown_channel()
        if channel.guild is not None:
            bot_member = channel.guild.members[self.emu.bot_user.id]
            bits = channel.guild.permissions_in(bot_member, channel)
            if not bits & perms.VIEW_CHANNEL:
                raise missing_access()
            if need & ~bits:
                raise missing_permissions()
        return channel

    def _channel_message(self, channel: Channel, request: web.Request) -> Message:
        message = self.emu.messages.get(_int(request.match_info["message_id"]))
        if (
            message is None
            or message.channel is not channel
            or message.deleted
            or message.ephemeral
        ):
            raise unknown_message()
        return message

    async def get_channel(self, request: web.Request, call: Call) -> web.Response:
        return json_response(self._channel(request).payload())

    async def list_messages(self, request: web.Request, call: Call) -> web.Response:
        channel = self._channel(request, need=perms.VIEW_CHANNEL | perms.READ_MESSAGE_HISTORY)
        limit = min(max(_int(request.query.get("limit", "50")), 1), 100)
        visible = [m for m in channel.visible_messages() if not m.ephemeral]
        return json_response([m.payload() for m in reversed(visible[-limit:])])

    async def create_message(self, request: web.Request, call: Call) -> web.Response:
        probe = self._channel(request)
        send = perms.SEND_MESSAGES_IN_THREADS if probe.is_thread else perms.SEND_MESSAGES
        channel = self._channel(request, need=perms.VIEW_CHANNEL | send)
        body = await self.read_body(request, call)
        self.check("create_message", body, call)
        if call.files and channel.guild is not None:
            self._channel(request, need=perms.ATTACH_FILES)
        message = self.desk.create(
            channel,
            body=body or {},
            files=call.files,
            prefix=[],
            default_parse=MESSAGE_PARSE,
            inter=None,
            allow_ephemeral=False,
        )
        return json_response(message.payload())

    async def typing(self, request: web.Request, call: Call) -> web.Response:
        probe = self._channel(request)
        send = perms.SEND_MESSAGES_IN_THREADS if probe.is_thread else perms.SEND_MESSAGES
        self._channel(request, need=perms.VIEW_CHANNEL | send)
        return web.Response(status=204)

    async def get_message(self, request: web.Request, call: Call) -> web.Response:
        channel = self._channel(request, need=perms.VIEW_CHANNEL | perms.READ_MESSAGE_HISTORY)
        return json_response(self._channel_message(channel, request).payload())

    async def edit_message(self, request: web.Request, call: Call) -> web.Response:
        channel = self._channel(request)
        message = self._channel_message(channel, request)
        if message.author is not self.emu.bot_user:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        body = await self.read_body(request, call)
        self.check("update_message", body, call)
        self.desk.edit(message, body or {}, call.files, [], MESSAGE_PARSE)
        for inter in self._waiting_on(message):
            inter.notify(settle=True)
        return json_response(message.payload())

    async def delete_message(self, request: web.Request, call: Call) -> web.Response:
        channel = self._channel(request)
        message = self._channel_message(channel, request)
        if message.author is not self.emu.bot_user:
            self._channel(request, need=perms.MANAGE_MESSAGES)
        self.desk.delete(message)
        for inter in self._waiting_on(message):
            inter.notify(settle=True)
        return web.Response(status=204)

    def _waiting_on(self, message: Message) -> list[Interaction]:
        """Interactions whose deferred update is answered by an edit of `message`."""
        return [i for i in self.deferred_updates.pop(message.id, []) if not i.settled]

    async def create_dm(self, request: web.Request, call: Call) -> web.Response:
        body = await self.read_body(request, call)
        self.check("create_dm", body, call)
        user = self.emu.users.get(_int(str((body or {}).get("recipient_id", "0"))))
        if user is None or user.bot:
            raise DiscordError(400, 50007, "Cannot send messages to this user")
        return json_response(self.emu.dm_channel_for(user).payload())

    async def get_user(self, request: web.Request, call: Call) -> web.Response:
        user = self.emu.users.get(_int(request.match_info["user_id"]))
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        return json_response(user.payload())

    # -- guilds ---------------------------------------------------------------------------------
    def _guild(self, request: web.Request) -> Any:
        guild = self.emu.guilds.get(_int(request.match_info["guild_id"]))
        if guild is None:
            raise DiscordError(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(self, request: web.Request, call: Call) -> web.Response:
        body = self._guild(request).payload()
        for key in ("members", "channels", "threads", "voice_states", "presences", "joined_at"):
            body.pop(key, None)
        return json_response(body)

    async def get_guild_channels(self, request: web.Request, call: Call) -> web.Response:
        guild = self._guild(request)
        return json_response([c.payload() for c in guild.channels if not c.is_thread])

    async def get_guild_roles(self, request: web.Request, call: Call) -> web.Response:
        return json_response([r.payload() for r in self._guild(request).roles])

    async def get_guild_member(self, request: web.Request, call: Call) -> web.Response:
        guild = self._guild(request)
        member = guild.members.get(_int(request.match_info["user_id"]))
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        return json_response(member.payload())

    async def not_implemented(self, request: web.Request, call: Call) -> web.Response:
        raise DiscordError(
            404, 0, f"404: Not Found (the emulator does not serve {request.method} {request.path})"
        )


def _focused_option(options: list[dict[str, Any]]) -> dict[str, Any] | None:
    for option in options:
        if option.get("focused"):
            return option
        found = _focused_option(option.get("options") or [])
        if found is not None:
            return found
    return None


def _int(raw: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1


def _loads(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise DiscordError(400, 50109, "The request body contains invalid JSON.") from None


def rules_limit(call: Call) -> int:
    if call.interaction is not None:
        return call.interaction.attachment_size_limit
    return 10 * 1024 * 1024
