"""Sending a list of stories: the shared paginator + a select menu that opens cards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import discord

from bot.library.records import StoryRecord
from bot.render import list_embed, story_line
from bot.ui.cards import open_card
from bot.ui.paginator import PER_PAGE, PageSource, Paginator

ADULT_HIDDEN_NOTE = (
    "Mature, Explicit and Not Rated stories are listed only in age-restricted channels."
)

Extra = Callable[[StoryRecord], str | None]
Reason = Callable[[StoryRecord], str]


def renderer(
    title: str,
    *,
    note: str | None = None,
    extra: Extra | None = None,
    reason: Reason | None = None,
    empty: str = "Nothing here.",
) -> Callable[[list[StoryRecord], int, int, int], discord.Embed]:
    """Numbered entries; `extra` adds to an entry's detail line, `reason` a line below it."""

    def entry(number: int, story: StoryRecord) -> str:
        line = f"`{number}.` " + story_line(story, extra=extra(story) if extra else None)
        return f"{line}\n↳ {reason(story)}" if reason else line

    def render(stories: list[StoryRecord], page: int, pages: int, total: int) -> discord.Embed:
        start = (page - 1) * PER_PAGE
        lines = [entry(start + i, s) for i, s in enumerate(stories, start=1)]
        return list_embed(title, lines, page=page, pages=pages, total=total, note=note, empty=empty)

    return render


async def send_story_list(
    interaction: discord.Interaction,
    title: str,
    stories: Sequence[StoryRecord],
    *,
    note: str | None = None,
    extra: Extra | None = None,
    reason: Reason | None = None,
    ephemeral: bool = False,
    about: Sequence[StoryRecord] = (),
) -> None:
    """`about`: the stories the list is about (its title names them), see `Paginator`."""
    source = PageSource.from_list(stories, renderer(title, note=note, extra=extra, reason=reason))
    paginator = Paginator(source, owner_id=interaction.user.id, open_card=open_card, about=about)
    await paginator.start(interaction, ephemeral=ephemeral)


async def send_story_query(
    interaction: discord.Interaction,
    title: str,
    fetch: Callable[[int, int], Awaitable[tuple[list[StoryRecord], int]]],
    *,
    note: str | None = None,
    extra: Extra | None = None,
) -> None:
    source = PageSource(fetch, renderer(title, note=note, extra=extra))
    await Paginator(source, owner_id=interaction.user.id, open_card=open_card).start(interaction)
