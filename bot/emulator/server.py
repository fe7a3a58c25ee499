"""`Emulator`: the loopback Discord (REST v10 + gateway + CDN) on 127.0.0.1, random port."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mimetypes
import secrets
from collections.abc import Iterator
from typing import Any

import yarl
from aiohttp import web

from bot.emulator import permissions as perms
from bot.emulator.changes import Changes
from bot.emulator.clock import Clock
from bot.emulator.errors import DiscordError, Rejection
from bot.emulator.gateway import GatewayConnection, GatewaySession
from bot.emulator.interactions import Interaction
from bot.emulator.rest import add_rest_routes
from bot.emulator.snowflakes import SnowflakeFactory
from bot.emulator.spec import SpecChecker
from bot.emulator.world import DM, Channel, Guild, Message, Upload, User

log = logging.getLogger(__name__)

_SPEC = SpecChecker()  # shared: validators are compiled once per process
MAX_REQUEST_BYTES = 100 * 1024 * 1024


class Emulator:
    """A Discord the real discord.py client can log into, offline.

    `await emu.start()`, then `with emu.patch_discord(): ...` points discord.py at it.
    """

    def __init__(self, *, bot_name: str = "StoryBot", privileged_intents: int = 0) -> None:
        """`privileged_intents`: the intent bits "enabled in the developer portal" (members
        1<<1, presences 1<<8, message content 1<<15); asking for others closes with 4014."""
        self.privileged_intents = privileged_intents
        self.clock = Clock()
        self.snowflakes = SnowflakeFactory()
        self.spec = _SPEC
        self.bot_user = User(self.snowflakes.next(), bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.token = "emulator." + secrets.token_hex(8)
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.app_owner: User = self.create_user("developer")  # owns the application
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.uploads: dict[int, tuple[str, bytes, str | None]] = {}
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.rejections: list[Rejection] = []
        self.requests: list[tuple[str, str]] = []
        self.sessions: dict[str, GatewaySession] = {}
        self.gateway_log: list[str] = []
        self._connections: set[GatewayConnection] = set()
        self._session: GatewaySession | None = None
        self._ready = asyncio.Event()
        self.changes = Changes()  # raised after every REST request and gateway session
        self._expecting = 0
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.logged_errors: list[logging.LogRecord] = []
        self._error_log = _ErrorLog(self.logged_errors)

    # -- lifecycle --------------------------------------------------------------------------
    async def start(self) -> Emulator:
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._cdn)
        add_rest_routes(app, self)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._runner = runner
        logging.getLogger().addHandler(self._error_log)
        return self

    async def stop(self) -> None:
        logging.getLogger().removeHandler(self._error_log)
        for conn in list(self._connections):
            await conn.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Point discord.py's REST base and default gateway at this emulator."""
        import discord.gateway
        import discord.http

        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_url
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # -- world building -----------------------------------------------------------------------
    def create_user(self, name: str) -> User:
        user = User(self.snowflakes.next(), name)
        self.users[user.id] = user
        return user

    def user_named(self, name: str) -> User | None:
        return next((u for u in self.users.values() if u.name == name), None)

    def create_guild(self, name: str) -> Guild:
        """A guild the bot is in (its own member has a role with ordinary bot permissions)."""
        from bot.emulator.people import Member

        guild = Guild(self, self.snowflakes.next(), name)
        bot_role = guild.create_role(self.bot_user.name, permissions=perms.BOT_DEFAULT)
        guild._add_member(Member(guild, self.bot_user, [bot_role]))
        self.guilds[guild.id] = guild
        self.dispatch("GUILD_CREATE", guild.payload())
        return guild

    def register_channel(self, channel: Channel) -> None:
        self.channels[channel.id] = channel

    def dm_channel_for(self, user: User) -> Channel:
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(self, self.snowflakes.next(), user.name, DM, recipient=user)
            self.dm_channels[user.id] = channel
            self.register_channel(channel)
        return channel

    def attachment(
        self, filename: str, data: bytes | str, content_type: str | None = None
    ) -> Upload:
        """A file a person can attach to a slash-command option; served from the CDN."""
        raw = data.encode() if isinstance(data, str) else bytes(data)
        if content_type is None:
            guessed, _ = mimetypes.guess_type(filename)
            if guessed is not None and guessed.startswith("text/"):
                guessed += "; charset=utf-8"
            content_type = guessed
        upload_id = self.snowflakes.next()
        url = f"{self.base_url}/attachments/0/{upload_id}/{_quote(filename)}"
        self.uploads[upload_id] = (filename, raw, content_type)
        return Upload(upload_id, filename, raw, url, content_type)

    def store_file(
        self, channel_id: int, filename: str, data: bytes, content_type: str | None
    ) -> dict[str, Any]:
        att_id = self.snowflakes.next()
        self.uploads[att_id] = (filename, data, content_type)
        url = f"{self.base_url}/attachments/{channel_id}/{att_id}/{_quote(filename)}"
        body: dict[str, Any] = {
            "id": str(att_id),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
        }
        if content_type:
            body["content_type"] = content_type
        return body

    # -- gateway --------------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._session is not None and self._session.connection is not None

    @property
    def intents(self) -> int:
        return self._session.intents if self._session else 0

    def attach_session(self, session: GatewaySession) -> None:
        self.sessions[session.session_id] = session
        self._session = session
        self._ready.set()
        self.changes.notify()

    def dispatch(self, event: str, data: Any) -> None:
        """Send a gateway event to the bot (a no-op before it connects: READY brings the state)."""
        session = self._session
        if session is None or session.connection is None:
            return
        session.connection.dispatch(event, data)

    async def wait_connected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await asyncio.wait_for(self._ready.wait(), timeout)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the bot's gateway connection (it should reconnect and RESUME)."""
        for conn in list(self._connections):
            await conn.ws.close(code=code, message=b"emulator dropped the connection")

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compress = request.query.get("compress") == "zlib-stream"
        conn = GatewayConnection(self, ws, compress)
        self._connections.add(conn)
        try:
            await conn.run()
        finally:
            self._connections.discard(conn)
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
        return ws

    async def _cdn(self, request: web.Request) -> web.Response:
        found = self.uploads.get(int(request.match_info["attachment_id"]))
        if found is None:
            return web.Response(status=404, text="Not Found")
        _, data, content_type = found
        response = web.Response(body=data)
        response.headers["Content-Type"] = content_type or "application/octet-stream"
        return response

    # -- rejections --------------------------------------------------------------------------------
    def record_rejection(
        self,
        method: str,
        path: str,
        error: DiscordError,
        body: Any,
        interaction: Interaction | None,
    ) -> Rejection:
        rejection = Rejection(
            method,
            path,
            error.status,
            error.code,
            error.message,
            error.errors,
            body,
            interaction.id if interaction else None,
            expected=self._expecting > 0,
        )
        self.rejections.append(rejection)
        log.warning("emulator rejected %s", rejection.describe())
        if interaction is not None:
            interaction.reject(rejection)
        return rejection

    @contextlib.contextmanager
    def expect_rejections(self) -> Iterator[list[Rejection]]:
        """Rejections inside this block are marked expected (the `app` fixture allows them)."""
        start = len(self.rejections)
        self._expecting += 1
        seen: list[Rejection] = []
        try:
            yield seen
        finally:
            self._expecting -= 1
            seen.extend(self.rejections[start:])

    def unexpected_rejections(self) -> list[Rejection]:
        return [r for r in self.rejections if not r.expected]

    def commands_for(self, guild: Guild | None) -> list[dict[str, Any]]:
        commands = list(self.global_commands)
        if guild is not None:
            commands.extend(self.guild_commands.get(guild.id, []))
        return commands


def _quote(filename: str) -> str:
    return yarl.URL.build(path=filename).raw_path


class _ErrorLog(logging.Handler):
    """Keeps ERROR records (the bot's tracebacks) so a test that times out can show them."""

    def __init__(self, sink: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record)
