"""What `/recommend` says: why each story was picked, the note under the list, and the
answer when nothing can be recommended."""

from __future__ import annotations

import discord

from bot.library.recommend import Recommendation, Recommendations
from bot.render import clip, plural, safe
from bot.ui.lists import ADULT_HIDDEN_NOTE

REASON_MAX = 220


def _title(text: str) -> str:
    return f"*{discord.utils.escape_markdown(clip(safe(text), 80))}*"


def _name(text: str) -> str:
    return discord.utils.escape_markdown(clip(safe(text), 80))


def reason_text(pick: Recommendation) -> str:
    """Why a story was picked, safe to show: quoted titles escaped, mentions neutralised."""
    return clip(pick.explain(_title, _name), REASON_MAX)


def note_text(result: Recommendations) -> str:
    if result.cold_start:
        if result.ratings:
            note = (
                "Your ratings don't tell me which pairings or characters you like yet, "
                "so these are the server's best rated."
            )
        else:
            note = "You haven't rated any stories yet, so these are the server's best rated."
        note += " Rate stories you liked (/rate or the stars on a card) for picks of your own."
    else:
        noun = plural(result.ratings, "rating")
        note = f"Picked from your {result.ratings} {noun}" if result.ratings else "Picked"
        if result.named:
            note += (" and" if result.ratings else "") + " the pairing you asked for"
        note += "; stories you rated are left out."
    if result.hidden_adult:
        note += " " + ADULT_HIDDEN_NOTE
    return note


def nothing_text(result: Recommendations, *, hiding: bool = False) -> str:
    """The refusal when no story can be recommended (`hiding`: the guild is extra-safe,
    so ratings of hidden stories may be why — nothing says so)."""
    hidden = (
        " (the rest are adult stories, listed only in age-restricted channels)"
        if result.hidden_adult
        else ""
    )
    if result.named:
        ship = clip(safe(", ".join(result.named)), 100)
        return f"You've rated every {ship} story that can be listed here{hidden}."
    if result.cold_start:
        if result.hidden_adult:
            return (
                "The server's best-rated stories are adult stories, listed only in "
                "age-restricted channels: ask there, or rate a story you liked with /rate."
            )
        if hiding:
            return (
                "There are no rated stories to go on here yet: rate one you liked with "
                "/rate (or the stars on a story card) and ask again."
            )
        return (
            "Nobody has rated a story here yet, so I have nothing to go on: rate one you "
            "liked with /rate (or the stars on a story card) and ask again."
        )
    return f"You've rated every story that can be listed here{hidden}. Thank you for reading!"


def similar_note(result: Recommendations) -> str:
    """Under a "More like this" list: what the picks come from."""
    if result.collaborative >= 0.5:
        note = "Mostly from what readers here liked together, then shared pairings and tags."
    elif result.collaborative > 0:
        note = "From shared pairings, characters and tags, and what readers here liked together."
    else:
        note = "From shared pairings, characters and tags (no co-ratings yet)."
    if result.hidden_adult:
        note += " " + ADULT_HIDDEN_NOTE
    return note
