"""What a person sees go wrong: Discord's client refusing, or the bot staying silent."""

from __future__ import annotations


class CommandRefused(Exception):
    """Discord's client would not let this person do that (so nothing reaches the bot)."""


class BotDidNotRespond(AssertionError):
    """The bot did not answer within the wait; the message says how far it got."""
