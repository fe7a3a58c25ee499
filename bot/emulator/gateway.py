"""The gateway: HELLO, IDENTIFY, heartbeats, READY, GUILD_CREATE, RESUME, dispatches.

Payloads go out as zlib-stream when the client asks for it (discord.py always does): one
`zlib.compressobj()` per connection, each payload flushed with Z_SYNC_FLUSH, sent as a
binary frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections import deque
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from bot.emulator.server import Emulator

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0,
    1,
    2,
    6,
    7,
    9,
    10,
    11,
)
HEARTBEAT_INTERVAL_MS = 41250
REQUEST_GUILD_MEMBERS = 8
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
REPLAY_BUFFER = 1000


class GatewaySession:
    """A logical session (survives reconnects through RESUME)."""

    def __init__(self, session_id: str, intents: int) -> None:
        self.session_id = session_id
        self.intents = intents
        self.seq = 0
        self.sent: deque[tuple[int, str]] = deque(maxlen=REPLAY_BUFFER)
        self.connection: GatewayConnection | None = None


class GatewayConnection:
    def __init__(self, emu: Emulator, ws: web.WebSocketResponse, compress: bool) -> None:
        self.emu = emu
        self.ws = ws
        self._zlib = zlib.compressobj() if compress else None
        self.compressed = compress
        self.session: GatewaySession | None = None
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()

    def send_raw(self, text: str) -> None:
        """Queue a payload; one writer sends them in order (the zlib stream must stay ordered)."""
        self._outbox.put_nowait(text)

    async def _writer(self) -> None:
        while (text := await self._outbox.get()) is not None:
            if self.ws.closed:
                return
            if self._zlib is not None:
                data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)
            else:
                await self.ws.send_str(text)

    def send_op(self, op: int, d: Any) -> None:
        self.send_raw(json.dumps({"op": op, "d": d, "s": None, "t": None}))

    def dispatch(self, event: str, data: Any) -> None:
        session = self.session
        if session is None:
            return
        session.seq += 1
        text = json.dumps({"op": DISPATCH, "t": event, "s": session.seq, "d": data})
        session.sent.append((session.seq, text))
        self.send_raw(text)

    async def run(self) -> None:
        writer = asyncio.get_running_loop().create_task(self._writer())
        try:
            await self._read()
        finally:
            self._outbox.put_nowait(None)
            with contextlib.suppress(Exception):
                await writer

    async def _read(self) -> None:
        self.send_op(HELLO, {"heartbeat_interval": HEARTBEAT_INTERVAL_MS})
        async for msg in self.ws:
            if msg.type != WSMsgType.TEXT:
                if msg.type == WSMsgType.BINARY:
                    await self.ws.close(code=4002, message=b"Decode error")
                break
            try:
                frame = json.loads(msg.data)
            except ValueError:
                await self.ws.close(code=4002, message=b"Decode error")
                break
            op = frame.get("op")
            d = frame.get("d")
            if op == HEARTBEAT:
                self.send_op(HEARTBEAT_ACK, None)
            elif op == IDENTIFY:
                await self._identify(d)
            elif op == RESUME:
                await self._resume(d)
            elif op == REQUEST_GUILD_MEMBERS:
                self._members_chunk(d or {})
            elif op in (3, 4, 14, 31):  # presence, voice state, lazy guilds, soundboard
                continue
            else:
                await self.ws.close(code=4001, message=b"Unknown opcode")
                break

    async def _identify(self, d: dict[str, Any]) -> None:
        if self.session is not None:
            await self.ws.close(code=4005, message=b"Already authenticated")
            return
        if not d.get("token"):
            await self.ws.close(code=4004, message=b"Authentication failed")
            return
        intents = int(d.get("intents", 0))
        if intents & PRIVILEGED_INTENTS & ~self.emu.privileged_intents:
            await self.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self.emu.gateway_log.append(f"IDENTIFY compress={self.compressed}")
        session = GatewaySession(secrets.token_hex(16), intents)
        self.session = session
        session.connection = self
        self.emu.attach_session(session)
        guilds = list(self.emu.guilds.values())
        self.dispatch(
            "READY",
            {
                "v": 10,
                "user": self.emu.bot_user.payload(),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.session_id,
                "resume_gateway_url": self.emu.gateway_url,
                "session_type": "normal",
                "application": {"id": str(self.emu.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "geo_ordered_rtc_regions": [],
                "guild_join_requests": [],
                "user_settings": {},
                "shard": d.get("shard") or [0, 1],
            },
        )
        for guild in guilds:
            self.dispatch("GUILD_CREATE", guild.payload())

    def _members_chunk(self, d: dict[str, Any]) -> None:
        guild = self.emu.guilds.get(int(d.get("guild_id") or 0))
        if guild is None:
            return
        query = (d.get("query") or "").lower()
        wanted = {int(u) for u in d.get("user_ids") or []}
        members = [
            m
            for m in guild.members.values()
            if (not wanted or m.id in wanted) and m.user.name.lower().startswith(query)
        ]
        limit = int(d.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if d.get("nonce"):
            chunk["nonce"] = d["nonce"]
        self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def _resume(self, d: dict[str, Any]) -> None:
        session = self.emu.sessions.get(d.get("session_id", ""))
        self.emu.gateway_log.append(
            f"RESUME known={session is not None} compress={self.compressed}"
        )
        if session is None:
            self.send_op(INVALID_SESSION, False)
            return
        self.session = session
        session.connection = self
        last = int(d.get("seq") or 0)
        for seq, text in list(session.sent):
            if seq > last:
                self.send_raw(text)
        self.dispatch("RESUMED", {})
        self.emu.attach_session(session)
