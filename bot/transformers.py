"""Shared slash-command options. `StoryArg`: an option that autocompletes story titles and
becomes a story (`ModeratorStoryArg` for moderator tools); facet autocomplete; the rating
and status choices.

Autocomplete answers from the guild's in-memory SearchIndex (never loads story text) and
sends the story id as the value; free text typed without picking falls back to fuzzy
matching, and an unknown title answers "No story called X. Did you mean: A, B, C?".
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import discord
from discord import app_commands

from bot.audience import audience_for
from bot.library.errors import LibraryError
from bot.library.model import RatingLevel
from bot.library.records import StoryRecord
from bot.permissions import is_moderator
from bot.render import STATUS_TEXT, clip
from bot.ui.context import library_of

CHOICE_NAME_MAX = 100
FACET_CHOICES = 25
# What a member typed is matched against titles and names; anything longer than this
# cannot be one (Discord delivers up to 6,000 characters), so only this much is matched.
TYPED_MAX = 300

RATING_CHOICES = [app_commands.Choice(name=level.value, value=level.value) for level in RatingLevel]
STATUS_CHOICES = [
    app_commands.Choice(name=name, value=status.value) for status, name in STATUS_TEXT.items()
]


def typed(value: str | None) -> str:
    """What a member typed into a text option, made safe to match: NUL and other control
    characters become spaces, and at most TYPED_MAX characters are kept."""
    text = (value or "")[:TYPED_MAX]
    return "".join(" " if ch < " " or ch == "\x7f" else ch for ch in text)


def _choice_name(title: str, authors: tuple[str, ...]) -> str:
    # Choice names are shown as plain text in the client: mentions cannot render there.
    name = f"{title} — {', '.join(authors)}" if authors else title
    return clip(name, CHOICE_NAME_MAX) or "Untitled"


class StoryTransformer(app_commands.Transformer):
    """Reader commands: adult titles are offered only where they may be listed."""

    list_every_title = False

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        include_adult = self.list_every_title or (await audience_for(interaction)).adult_titles
        hits = library_of(interaction).autocomplete(
            interaction.guild_id, typed(value), limit=25, include_adult=include_adult
        )
        return [
            app_commands.Choice(name=_choice_name(h.title, h.authors), value=str(h.story_id))
            for h in hits
        ]

    async def transform(self, interaction: discord.Interaction, value: str) -> StoryRecord:
        if interaction.guild_id is None:
            raise LibraryError("Stories live in a server's library: use this in the server.")
        library = library_of(interaction)
        if self.list_every_title:  # moderator tools: every story, privately
            return await library.resolve(interaction.guild_id, typed(value), suggest_adult=True)
        # members: what the channel's audience may see (extra-safe: adult stories refused)
        return await library.resolve(
            interaction.guild_id, typed(value), audience=await audience_for(interaction)
        )


class ModeratorStoryTransformer(StoryTransformer):
    """Moderator tools (/library edit, remove): every title is offered — titles are not
    story text, and a moderator must be able to find an Explicit story from any channel.

    discord.py runs no command checks for autocomplete, so the titles are offered only to
    a moderator (anyone else gets no suggestions).
    """

    list_every_title = True

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []
        return await super().autocomplete(interaction, value)


StoryArg = Annotated[StoryRecord, StoryTransformer]
ModeratorStoryArg = Annotated[StoryRecord, ModeratorStoryTransformer]


Autocomplete = Callable[
    [discord.Interaction, str], Coroutine[Any, Any, list[app_commands.Choice[str]]]
]


def split_list(value: str) -> list[str]:
    """'Buffy/Spike, Willow/Tara' → ['Buffy/Spike', 'Willow/Tara'] (commas or semicolons)."""
    parts = value.replace(";", ",").split(",")
    return [part.strip() for part in parts if part.strip()]


def facet_autocomplete(kind: str) -> Autocomplete:
    """Autocomplete for pairing / character / author options, from the library's values."""

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        library = library_of(interaction)
        audience = await audience_for(interaction)
        names = await library.facet_values(
            interaction.guild_id,
            kind,
            typed(current),
            limit=FACET_CHOICES,
            include_adult=audience.adult_titles,
        )
        if kind == "pairing" and typed(current).strip():
            names = await _with_ship_name(
                library, interaction.guild_id, typed(current), names, audience
            )
        return [app_commands.Choice(name=clip(n, 100), value=n[:100]) for n in names]

    return complete


async def _with_ship_name(
    library: Any, guild_id: int, text: str, names: list[str], audience: Any
) -> list[str]:
    """A ship name, initials or reversed pairing ("Spuffy", "B/A", "spike/buffy") offers
    the library's pairing first — when a story that may be listed here has it."""
    try:
        name = await library.resolve_pairing(guild_id, text)
    except LibraryError:
        return names
    if name in names:
        return [name, *(n for n in names if n != name)]
    listed = await library.facet_values(
        guild_id, "pairing", name, limit=5, include_adult=audience.adult_titles
    )
    if name not in listed:
        return names
    return [name, *names][:FACET_CHOICES]


def facet_list_autocomplete(kind: str) -> Autocomplete:
    """For moderator tools: values already in the library, completing the last item of a
    comma-separated list ("Buffy/Spike, Wil" → "Buffy/Spike, Willow/Tara")."""

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []
        done, _, typing = typed(current).rpartition(",")
        prefix = ", ".join(split_list(done))
        values = await library_of(interaction).facet_values(
            interaction.guild_id, kind, typing.strip(), FACET_CHOICES
        )
        choices: list[app_commands.Choice[str]] = []
        for value in values:
            full = f"{prefix}, {value}" if prefix else value
            if len(full) <= CHOICE_NAME_MAX:
                choices.append(app_commands.Choice(name=full, value=full))
        return choices

    return complete
