"""The bot's messages: created, edited and deleted under Discord's rules.

Shared by channel messages, interaction responses and follow-ups: the rules (embeds,
components, empty messages, Components V2), attachments from multipart `files[n]`,
who would be pinged, and the gateway events Discord sends for each change.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot.emulator import rules
from bot.emulator.errors import invalid_form
from bot.emulator.world import EPHEMERAL, LOADING, Channel, Message, iso

if TYPE_CHECKING:
    from bot.emulator.interactions import Interaction
    from bot.emulator.server import Emulator

SENDABLE_FLAGS = EPHEMERAL | (1 << 2) | (1 << 12) | rules.IS_COMPONENTS_V2
UploadedFile = tuple[int, str, bytes, str | None]  # files[n] index, filename, bytes, type


class MessageDesk:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    def _fields(
        self,
        message: Message | None,
        *,
        body: dict[str, Any],
        files: list[UploadedFile],
        prefix: list[str | int],
        default_parse: tuple[str, ...],
        channel: Channel,
    ) -> dict[str, Any]:
        """Apply the rules to a create/edit body; return the message fields it sets."""
        flags = int(body.get("flags") or 0)
        if (flags | (message.flags if message else 0)) & rules.IS_COMPONENTS_V2 and (
            body.get("content") or body.get("embeds")
        ):
            raise invalid_form(
                [*prefix, "content" if body.get("content") else "embeds"],
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' and 'embeds' fields cannot be used with the IS_COMPONENTS_V2 flag.",
            )
        rules.check_embeds(body.get("embeds"), prefix)
        rules.check_components(
            body.get("components"), prefix, flags=flags | (message.flags if message else 0)
        )
        out: dict[str, Any] = {}
        if "content" in body:
            out["content"] = body["content"] or ""
        if "embeds" in body:
            out["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
        if "components" in body:
            out["components"] = list(body["components"] or [])
        attachments, contents = self._attachments(message, body, files, prefix, channel)
        if attachments is not None:
            out["attachments"] = attachments
            out["files"] = contents
        content = out.get("content", message.content if message else "")
        if "content" in body or "allowed_mentions" in body or message is None:
            out["pings"] = rules.resolve_pings(
                content, body.get("allowed_mentions"), default_parse=default_parse, prefix=prefix
            )
        return out

    def _attachments(
        self,
        message: Message | None,
        body: dict[str, Any],
        files: list[UploadedFile],
        prefix: list[str | int],
        channel: Channel,
    ) -> tuple[list[dict[str, Any]] | None, dict[str, bytes]]:
        if "attachments" not in body and not files:
            return None, {}
        channel_id = channel.id
        uploaded = {index: (name, data, ctype) for index, name, data, ctype in files}
        kept: list[dict[str, Any]] = []
        contents: dict[str, bytes] = {}
        existing = {a["id"]: a for a in (message.attachments if message else [])}
        requested = body.get("attachments")
        if requested is None:
            requested = [{"id": index} for index in uploaded]
            if message is not None:
                requested = [*({"id": a["id"]} for a in message.attachments), *requested]
        for position, item in enumerate(requested):
            ident = str(item.get("id"))
            if ident in existing:
                kept.append(existing[ident])
                contents[existing[ident]["filename"]] = message.files.get(
                    existing[ident]["filename"], b""
                )  # type: ignore[union-attr]
                continue
            index = int(ident) if ident.isdigit() else -1
            if index not in uploaded:
                raise invalid_form(
                    [*prefix, "attachments", position, "id"],
                    "ATTACHMENT_NOT_FOUND",
                    f"Unknown attachment {ident}",
                )
            name, data, ctype = uploaded[index]
            filename = item.get("filename") or name
            stored = self.emu.store_file(channel_id, filename, data, ctype)
            if item.get("description"):
                stored["description"] = item["description"]
            kept.append(stored)
            contents[filename] = data
        return kept, contents

    def create(
        self,
        channel: Channel,
        *,
        body: dict[str, Any],
        files: list[UploadedFile],
        prefix: list[str | int],
        default_parse: tuple[str, ...],
        inter: Interaction | None,
        allow_ephemeral: bool,
    ) -> Message:
        fields = self._fields(
            None,
            body=body,
            files=files,
            prefix=prefix,
            default_parse=default_parse,
            channel=channel,
        )
        rules.check_not_empty(
            {**body, **{k: fields.get(k) for k in ("content", "embeds", "components")}},
            bool(fields.get("attachments")),
        )
        flags = int(body.get("flags") or 0) & SENDABLE_FLAGS
        if not allow_ephemeral:
            flags &= ~EPHEMERAL
        message = Message(
            self.emu.snowflakes.next(), channel, self.emu.bot_user, flags=flags, interaction=inter
        )
        _assign(message, fields)
        return self.place(message)

    def place(self, message: Message) -> Message:
        self.emu.messages[message.id] = message
        message.channel.messages.append(message)
        if not message.ephemeral and not message.loading:
            self.emu.dispatch("MESSAGE_CREATE", message.payload())
        return message

    def edit(
        self,
        message: Message,
        body: dict[str, Any],
        files: list[UploadedFile],
        prefix: list[str | int],
        default_parse: tuple[str, ...],
        *,
        keep_flags: int | None = None,
    ) -> None:
        fields = self._fields(
            message,
            body=body,
            files=files,
            prefix=prefix,
            default_parse=default_parse,
            channel=message.channel,
        )
        after = {
            "content": fields.get("content", message.content),
            "embeds": fields.get("embeds", message.embeds),
            "components": fields.get("components", message.components),
        }
        has_files = bool(fields.get("attachments", message.attachments))
        rules.check_not_empty(after, has_files)
        was_loading = message.loading
        if not was_loading:
            message.history.append(message.payload())
            message.edited = iso(time.time())
        _assign(message, fields)
        flags = message.flags & ~LOADING
        if "flags" in body and body["flags"] is not None:
            flags = (flags & EPHEMERAL) | (int(body["flags"]) & SENDABLE_FLAGS & ~EPHEMERAL)
        if keep_flags is not None:
            flags = (flags & ~EPHEMERAL) | keep_flags
        message.flags = flags
        if not message.ephemeral:
            event = "MESSAGE_CREATE" if was_loading else "MESSAGE_UPDATE"
            self.emu.dispatch(event, message.payload())

    def delete(self, message: Message) -> None:
        message.deleted = True
        if not message.ephemeral:
            data = {"id": str(message.id), "channel_id": str(message.channel.id)}
            if message.channel.guild is not None:
                data["guild_id"] = str(message.channel.guild.id)
            self.emu.dispatch("MESSAGE_DELETE", data)


def _assign(message: Message, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        setattr(message, key, value)
