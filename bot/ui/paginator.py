"""The one paginator every list uses: First / Previous / "Page n of N" / Next / Last, a
Go-to-page box, and a select menu that opens a story card. Only the member who opened
the list turns its pages; anyone may open a card from it.

A list made before its guild turned on extra-safe may hold adult stories: a page turn
that would show one (or a list about one, such as its reviews) is refused as out of date."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.audience import audience_for
from bot.library.errors import LibraryError
from bot.library.numbers import parse_number, parse_story_id
from bot.library.records import StoryRecord
from bot.render import clip, safe, select_description, select_label
from bot.ui.base import BaseView
from bot.ui.errors import reply

PER_PAGE = 10
OUT_OF_DATE = "This list is out of date: run the command again for the current one."


@dataclass(slots=True)
class Page:
    embed: discord.Embed
    stories: list[StoryRecord] = field(default_factory=list)


class PageSource:
    """Pages of stories: `fetch(offset, limit) -> (stories, total)` and a renderer."""

    def __init__(
        self,
        fetch: Callable[[int, int], Awaitable[tuple[list[StoryRecord], int]]],
        render: Callable[[list[StoryRecord], int, int, int], discord.Embed],
        *,
        per_page: int = PER_PAGE,
    ) -> None:
        self.fetch = fetch
        self.render = render  # (stories, page 1-based, pages, total) -> embed
        self.per_page = per_page
        self.total = 0

    @classmethod
    def from_list(
        cls,
        stories: Sequence[StoryRecord],
        render: Callable[[list[StoryRecord], int, int, int], discord.Embed],
        *,
        per_page: int = PER_PAGE,
    ) -> PageSource:
        items = list(stories)

        async def fetch(offset: int, limit: int) -> tuple[list[StoryRecord], int]:
            return items[offset : offset + limit], len(items)

        return cls(fetch, render, per_page=per_page)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    async def page(self, index: int) -> Page:
        """Page `index` (0-based); also refreshes the total."""
        stories, self.total = await self.fetch(index * self.per_page, self.per_page)
        embed = self.render(stories, index + 1, self.pages, self.total)
        return Page(embed, stories)


CardOpener = Callable[[discord.Interaction, int], Awaitable[None]]


class JumpModal(discord.ui.Modal, title="Go to page"):
    page_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Page", placeholder="Enter a page number", min_length=1, max_length=6
    )

    def __init__(self, paginator: Paginator) -> None:
        super().__init__(timeout=120)
        self.paginator = paginator
        self.page_input.placeholder = f"A number from 1 to {paginator.source.pages}"

    async def on_submit(self, interaction: discord.Interaction) -> None:
        raw = self.page_input.value.strip()
        pages = self.paginator.source.pages
        page = parse_number(raw, low=1, high=pages)
        if page is None:
            shown = clip(safe(raw), 20)
            await reply(interaction, f"“{shown}” is not a page: pick a number from 1 to {pages}.")
            return
        await self.paginator.show(interaction, page - 1)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await self.paginator.on_error(interaction, error, self.page_input)


class StorySelect(discord.ui.Select[Any]):
    """Pick a story on the current page to open its card."""

    def __init__(self, opener: CardOpener) -> None:
        super().__init__(placeholder="Open a story card…", min_values=1, max_values=1, row=1)
        self.opener = opener

    def set_stories(self, stories: Sequence[StoryRecord]) -> None:
        self.options = [
            discord.SelectOption(
                label=select_label(s), value=str(s.id), description=select_description(s)
            )
            for s in stories[:25]
        ]

    async def callback(self, interaction: discord.Interaction) -> None:
        story_id = parse_story_id(self.values[0]) if self.values else None
        if story_id is None:
            raise LibraryError("That story is no longer in this server's library.")
        await self.opener(interaction, story_id)


class Paginator(BaseView):
    def __init__(
        self,
        source: PageSource,
        *,
        owner_id: int,
        open_card: CardOpener | None = None,
        timeout: float = 600,
        about: Sequence[StoryRecord] = (),
    ) -> None:
        super().__init__(owner_id=owner_id, timeout=timeout)
        self.source = source
        self.about = list(about)  # the stories the list is about (reviews of, like)
        self.index = 0
        self.select = StorySelect(open_card) if open_card else None
        if self.select is not None:
            self.add_item(self.select)

    def owner_only(self, item: discord.ui.Item[Any]) -> bool:
        return item is not self.select

    def _update(self, page: Page) -> None:
        pages = self.source.pages
        self.clear_items()
        if pages > 1:
            for child in (self.first, self.previous, self.jump, self.next, self.last):
                self.add_item(child)
            self.first.disabled = self.previous.disabled = self.index == 0
            self.next.disabled = self.last.disabled = self.index >= pages - 1
            self.jump.label = f"Page {self.index + 1} of {pages}"
        if self.select is not None and page.stories:
            self.select.set_stories(page.stories)
            self.add_item(self.select)

    async def start(self, interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
        page = await self.source.page(0)
        self._update(page)
        await self.send(interaction, embed=page.embed, ephemeral=ephemeral)

    async def show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, self.source.pages - 1))
        page = await self.source.page(self.index)
        if self.index >= self.source.pages:  # the list shrank meanwhile
            self.index = self.source.pages - 1
            page = await self.source.page(self.index)
        audience = await audience_for(interaction)
        shown = [s for s in (*self.about, *page.stories) if isinstance(s, StoryRecord)]
        if not all(audience.may_see(s) for s in shown):  # (other pages hold plain lines)
            self.stop()
            raise LibraryError(OUT_OF_DATE)
        self._update(page)
        await interaction.response.edit_message(
            embed=page.embed, view=self, allowed_mentions=discord.AllowedMentions.none()
        )

    @discord.ui.button(label="First", style=discord.ButtonStyle.secondary, row=0)
    async def first(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await self.show(interaction, 0)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.primary, row=0)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await self.show(interaction, self.index - 1)

    @discord.ui.button(label="Page 1 of 1", style=discord.ButtonStyle.secondary, row=0)
    async def jump(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(JumpModal(self))

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary, row=0)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await self.show(interaction, self.index + 1)

    @discord.ui.button(label="Last", style=discord.ButtonStyle.secondary, row=0)
    async def last(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await self.show(interaction, self.source.pages - 1)
