"""Turning errors into short ephemeral replies; logging the unexpected ones with context.

Used by the client's single `tree.on_error` and by every View / DynamicItem, so a button
fails the same way a slash command does. Never shows a traceback in chat.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.library.errors import LibraryError, StoryRejected
from bot.library.safety import neutralise_mentions

log = logging.getLogger("bot.errors")

APOLOGY = "Sorry — something went wrong on my side. It has been logged; please try again later."
_GENERIC_CHECK = "The check functions for"


def _unwrap(error: BaseException) -> BaseException:
    """The error a person caused, under discord.py's wrappers."""
    seen = 0
    while seen < 5:
        seen += 1
        if isinstance(error, app_commands.CommandInvokeError):
            error = error.original
        elif isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
            error = error.__cause__
        else:
            break
    return error


def user_message(error: BaseException) -> str | None:
    """The message for an error a member can fix or should know about; None if unexpected."""
    error = _unwrap(error)
    if isinstance(error, StoryRejected):
        name = f"{error.source_name}: " if error.source_name else ""
        return f"{name}{error.reason}"
    if isinstance(error, LibraryError):
        return str(error) or "That cannot be done."
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand “{str(error.value)[:80]}”."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.MissingPermissions):
        perms = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {perms} permission for this."
    if isinstance(error, app_commands.BotMissingPermissions):
        perms = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I need the {perms} permission in this channel to do that."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little — try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure):
        text = str(error)
        if text and not text.startswith(_GENERIC_CHECK):
            return text
        return "You can't use this command here."
    return None


def describe(interaction: discord.Interaction) -> dict[str, Any]:
    """Context for the log: command, guild, channel, user and the options given."""
    command = interaction.command
    data = interaction.data or {}
    return {
        "command": command.qualified_name if command else data.get("custom_id"),
        "guild": interaction.guild_id,
        "channel": interaction.channel_id,
        "user": interaction.user.id if interaction.user else None,
        "options": _options(data.get("options") or []),
    }


def _options(options: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for opt in options:
        if "options" in opt:  # subcommand / group
            out[opt["name"]] = _options(opt["options"])
        else:
            value = opt.get("value")
            out[opt["name"]] = value[:200] if isinstance(value, str) else value
    return out


async def answer(
    interaction: discord.Interaction, *, ephemeral: bool, **kwargs: Any
) -> discord.WebhookMessage | None:
    """Answer `interaction`: its response, or a follow-up once it has one (deferred, say).

    Never pings. Returns the follow-up message (None when it was the response).
    """
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    if interaction.response.is_done():
        return await interaction.followup.send(ephemeral=ephemeral, wait=True, **kwargs)
    await interaction.response.send_message(ephemeral=ephemeral, **kwargs)
    return None


async def reply(interaction: discord.Interaction, message: str) -> None:
    """Send `message` ephemerally, whether or not the interaction was answered already.

    Messages often quote what a member typed or a story's title: mentions are neutralised.
    """
    message = neutralise_mentions(message)
    try:
        await answer(interaction, content=message, ephemeral=True)
    except discord.HTTPException as exc:  # expired token, deleted channel...
        log.warning("could not send an error reply (%s): %s", exc, message)


async def handle_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer a failed interaction: the specific message, or a logged apology."""
    if interaction.type is discord.InteractionType.autocomplete:
        log.error("autocomplete failed %s", describe(interaction), exc_info=error)
        return
    message = user_message(error)
    if message is None:
        original = _unwrap(error)
        log.error(
            "unexpected error %s",
            describe(interaction),
            exc_info=(type(original), original, original.__traceback__),
        )
        message = APOLOGY
    else:
        log.info("refused %s: %s", describe(interaction), message)
    await reply(interaction, message[:1900])
