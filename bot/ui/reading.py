"""Private reading sessions: one ephemeral message turning passages with Previous / Next
and a chapter select; every page turn remembers the reader's position."""

from __future__ import annotations

from typing import Any

import discord

from bot.audience import audience_for
from bot.library.errors import LibraryError, LibraryUnavailable
from bot.library.excerpts import Passage
from bot.library.numbers import parse_number
from bot.library.records import StoryRecord
from bot.render import clip, passage_embed, safe
from bot.ui.base import BaseView
from bot.ui.context import library_of

READING_TIMEOUT = 14 * 60  # an interaction token lives 15 minutes
CHAPTER_OPTIONS = 25


class ChapterSelect(discord.ui.Select[Any]):
    def __init__(self, session: ReadingView) -> None:
        super().__init__(placeholder="Jump to a chapter…", min_values=1, max_values=1, row=1)
        self.session = session

    def show_around(self, current: int, headings: list[str | None]) -> None:
        """Up to 25 chapters centred on the current one."""
        count = len(headings)
        start = max(0, min(current - 1 - CHAPTER_OPTIONS // 2, count - CHAPTER_OPTIONS))
        self.options = [
            discord.SelectOption(
                label=clip(
                    safe(f"{i}. {headings[i - 1]}" if headings[i - 1] else f"Chapter {i}"), 100
                ),
                value=str(i),
                default=i == current,
            )
            for i in range(start + 1, min(count, start + CHAPTER_OPTIONS) + 1)
        ]

    async def callback(self, interaction: discord.Interaction) -> None:
        chapter = parse_number(self.values[0], low=1) if self.values else None
        if chapter is None:
            raise LibraryError("Pick a chapter from the menu.")
        await interaction.response.defer()  # loading a chapter's text may be slow
        library = library_of(interaction)
        passage = await library.passage_at(self.session.story, chapter, 1)
        await self.session.turn(interaction, passage)


class ReadingView(BaseView):
    def __init__(
        self, story: StoryRecord, passage: Passage, headings: list[str | None], *, owner_id: int
    ) -> None:
        super().__init__(owner_id=owner_id, timeout=READING_TIMEOUT)
        self.story = story
        self.passage = passage
        self.headings = headings
        self.chapters = ChapterSelect(self) if len(headings) > 1 else None
        if self.chapters is not None:
            self.add_item(self.chapters)
        self._sync_controls()

    def _sync_controls(self) -> None:
        self.previous.disabled = self.passage.is_first
        self.next.disabled = self.passage.is_last
        if self.chapters is not None:
            self.chapters.show_around(self.passage.chapter, self.headings)

    def embed(self) -> discord.Embed:
        heading = "The end" if self.passage.is_last else None
        return passage_embed(self.story, self.passage, heading=heading)

    async def turn(self, interaction: discord.Interaction, passage: Passage | None) -> None:
        """Show `passage` on the (already deferred) interaction's message."""
        if passage is None:
            return
        # the channel could have changed its age restriction since the session opened, or
        # the guild turned on extra-safe: the passage shown so far is taken away too
        try:
            (await audience_for(interaction)).check_read(self.story)
        except LibraryError as refused:
            self.stop()
            await interaction.edit_original_response(content=str(refused), embed=None, view=None)
            return
        self.passage = passage
        self._sync_controls()
        note = await save(interaction, self.story, passage)
        await interaction.edit_original_response(
            content=note,
            embed=self.embed(),
            view=self,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await finish_prompt(interaction, self.story, passage)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary, row=0)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.defer()  # the previous chapter's text may need loading
        await self.turn(
            interaction, await library_of(interaction).previous_passage(self.story, self.passage)
        )

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary, row=0)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()  # the next chapter's text may need loading
        await self.turn(
            interaction, await library_of(interaction).next_passage(self.story, self.passage)
        )


async def save(
    interaction: discord.Interaction, story: StoryRecord, passage: Passage
) -> str | None:
    """Remember the reader's place; when the library cannot save it now (busy, read-only,
    disk full) the text is still shown, with a note saying the place was not saved."""
    try:
        await library_of(interaction).save_position(
            story.guild_id, interaction.user.id, story.id, passage.chapter, passage.number
        )
    except LibraryUnavailable as err:
        return f"-# Your place in the story was not saved ({err.reason}); reading goes on."
    return None


async def finish_prompt(
    interaction: discord.Interaction, story: StoryRecord, passage: Passage
) -> None:
    """At the story's last passage: mark it finished (and off the reading list) and, the
    first time, ask the reader privately to rate it."""
    if not passage.is_last:
        return
    library = library_of(interaction)
    try:
        if not await library.finish(story.guild_id, interaction.user.id, story.id):
            return
    except LibraryUnavailable:  # the text was shown; the mark can wait for the next visit
        return
    from bot.ui.cards import rating_view

    own = await library.user_rating(story.id, interaction.user.id)
    title = clip(safe(story.title), 150)
    text = f"You finished “{title}” — marked as read."
    if own is None:
        text += " How was it? Rate it:"
    else:
        text += f" You rated it ★{own.stars}; change it here:"
    await interaction.followup.send(
        text,
        view=rating_view(story.id),
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )


async def start_reading(
    interaction: discord.Interaction, story: StoryRecord, passage: Passage
) -> None:
    """Open a private reading session at `passage` (the caller checked the audience)."""
    from bot.library.service import chapter_heading

    infos = await library_of(interaction).chapters(story.id)
    view = ReadingView(
        story, passage, [chapter_heading(c) for c in infos], owner_id=interaction.user.id
    )
    note = await save(interaction, story, passage)
    await view.send(interaction, content=note, embed=view.embed(), ephemeral=True)
    await finish_prompt(interaction, story, passage)
