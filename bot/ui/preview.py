"""The `/library add` preview: Save / Edit / Characters & tags / Names are right / Cancel.

Nothing is stored until Save. Edit opens a form (title, authors, rating, pairings,
summary); "Characters & tags" a second one (characters, tags, warnings). Names the
moderator typed that neither the fandom tables nor the library know are shown back and
Save stays disabled until "Names are right" (or an Edit fixes them). Every press checks
again that the presser is the moderator who asked and still a moderator. An abandoned
preview expires, says so, and stores nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.library.errors import LibraryError
from bot.library.preview import Draft, FormValues, NameLookup, apply_form, confirm_names
from bot.render import clip, safe
from bot.ui.confirm import ModeratorView, check_moderator
from bot.ui.errors import handle_error
from bot.ui.library_cards import preview_card

log = logging.getLogger(__name__)

# Save(draft, interaction) stores the draft and returns the reply's content and embed.
Saver = Callable[[Draft, discord.Interaction], Awaitable[tuple[str | None, discord.Embed | None]]]
FORM_MAX = 4000  # Discord's limit for a text input's value


def _prefill(value: str | None, limit: int = FORM_MAX) -> str | None:
    """A form default, or None when it would not fit (the field then keeps it if left empty)."""
    if not value:
        return None
    return value if len(value) <= limit else None


def changed(box: discord.ui.TextInput[Any]) -> str | None:
    """A box's value, or None when the moderator left it as the form showed it."""
    value = box.value
    if value.strip() == (box.default or "").strip():
        return None
    return value


class PreviewView(ModeratorView):
    action = "this preview"

    def __init__(
        self,
        draft: Draft,
        moderator_id: int,
        *,
        save: Saver,
        lookup: NameLookup,
        timeout: float,
    ) -> None:
        super().__init__(moderator_id, timeout=timeout)
        self.draft = draft
        self.save_draft = save
        self.lookup = lookup
        self.origin: discord.Interaction | None = None
        self.finished = False
        self.expires_at = int(time.time() + timeout)
        self._sync_buttons()

    def card(self) -> discord.Embed:
        return preview_card(self.draft, expires_at=self.expires_at)

    def _sync_buttons(self) -> None:
        waiting = self.draft.needs_confirmation
        self.save.disabled = waiting
        if waiting and self.names_ok not in self.children:
            self.add_item(self.names_ok)
        elif not waiting and self.names_ok in self.children:
            self.remove_item(self.names_ok)

    async def refresh(self, interaction: discord.Interaction) -> None:
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.card(), view=self)

    @property
    def shown_title(self) -> str:
        return clip(safe(self.draft.story.display_title), 200)

    # ---- buttons

    @discord.ui.button(label="Save", style=discord.ButtonStyle.success, row=0)
    async def save(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        if self.draft.needs_confirmation:  # a stale client: the button was disabled
            await interaction.response.send_message(
                "Confirm or fix the unknown names first; nothing was saved.", ephemeral=True
            )
            return
        self.finished = True
        self.stop()
        await interaction.response.defer()
        try:
            content, embed = await self.save_draft(self.draft, interaction)
        except LibraryError as err:
            await interaction.edit_original_response(
                content=f"**{self.shown_title}** was not saved: {safe(str(err))}",
                embed=None,
                view=None,
            )
            return
        await interaction.edit_original_response(content=content, embed=embed, view=None)

    @discord.ui.button(label="Edit", style=discord.ButtonStyle.primary, row=0)
    async def edit(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.send_modal(EditForm(self))

    @discord.ui.button(label="Characters & tags", style=discord.ButtonStyle.secondary, row=0)
    async def details(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.send_modal(DetailsForm(self))

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, row=0)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.finished = True
        self.stop()
        await interaction.response.edit_message(
            content=f"Cancelled: **{self.shown_title}** was not added; nothing was stored.",
            embed=None,
            view=None,
        )

    @discord.ui.button(label="Names are right", style=discord.ButtonStyle.success, row=1)
    async def names_ok(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        confirm_names(self.draft)
        await self.refresh(interaction)

    async def on_timeout(self) -> None:
        if self.finished or self.origin is None:
            return
        try:
            await self.origin.edit_original_response(
                content=f"This preview of **{self.shown_title}** expired without Save; "
                "nothing was stored. Run `/library add` again to add it.",
                embed=None,
                view=None,
            )
        except discord.HTTPException:
            log.info("could not edit an expired add preview", exc_info=True)


class _PreviewForm(discord.ui.Modal):
    """A form over the preview: applied all or nothing, then the preview is redrawn."""

    def __init__(self, view: PreviewView, *, title: str) -> None:
        super().__init__(title=title, timeout=view.timeout)
        self.preview = view

    def values(self) -> FormValues:
        raise NotImplementedError

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await check_moderator(interaction, self.preview.moderator_id, self.preview.action)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        if self.preview.finished:
            await interaction.response.send_message(
                "This preview is closed already; nothing was changed.", ephemeral=True
            )
            return
        try:
            await apply_form(self.preview.draft, self.values(), self.preview.lookup)
        except LibraryError as err:
            await interaction.response.send_message(
                f"Nothing was changed: {safe(str(err))}", ephemeral=True
            )
            return
        await self.preview.refresh(interaction)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await handle_error(interaction, error)


class EditForm(_PreviewForm):
    def __init__(self, view: PreviewView) -> None:
        super().__init__(view, title="Edit before saving")
        story = view.draft.story
        self.title_box: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Title",
            default=_prefill(story.title or story.title_fallback, 200),
            max_length=200,
        )
        self.authors_box: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Authors (comma-separated)",
            default=_prefill(", ".join(story.authors), 300),
            max_length=300,
            required=False,
        )
        self.rating_box: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Rating (General, Teen, Mature, Explicit, NR)",
            default=story.rating.level.value,
            max_length=30,
        )
        self.pairings_box: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Pairings (comma-separated, e.g. Buffy/Spike)",
            default=_prefill(", ".join(p.name for p in story.pairings), 1000),
            max_length=1000,
            required=False,
        )
        self.summary_too_long = bool(story.summary) and _prefill(story.summary) is None
        self.summary_box: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Summary",
            style=discord.TextStyle.paragraph,
            default=_prefill(story.summary),
            placeholder="Too long to show here: leave empty to keep it"
            if self.summary_too_long
            else None,
            max_length=FORM_MAX,
            required=False,
        )
        for box in (
            self.title_box,
            self.authors_box,
            self.rating_box,
            self.pairings_box,
            self.summary_box,
        ):
            self.add_item(box)

    def values(self) -> FormValues:
        summary = changed(self.summary_box)
        if self.summary_too_long and not (summary or "").strip():
            summary = None  # kept
        return FormValues(
            title=changed(self.title_box),
            authors=changed(self.authors_box),
            rating=changed(self.rating_box),
            pairings=changed(self.pairings_box),
            summary=summary,
        )


class DetailsForm(_PreviewForm):
    def __init__(self, view: PreviewView) -> None:
        super().__init__(view, title="Characters, tags and warnings")
        story = view.draft.story
        self.characters_box: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Characters (comma-separated)",
            style=discord.TextStyle.paragraph,
            default=_prefill(", ".join(story.characters)),
            max_length=FORM_MAX,
            required=False,
        )
        self.tags_box: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Tags (comma-separated)",
            style=discord.TextStyle.paragraph,
            default=_prefill(", ".join(story.tags)),
            max_length=FORM_MAX,
            required=False,
        )
        self.warnings_box: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Warnings (comma-separated)",
            default=_prefill(", ".join(story.warnings), 1000),
            max_length=1000,
            required=False,
        )
        for box in (self.characters_box, self.tags_box, self.warnings_box):
            self.add_item(box)

    def values(self) -> FormValues:
        return FormValues(
            characters=changed(self.characters_box),
            tags=changed(self.tags_box),
            warnings=changed(self.warnings_box),
        )
