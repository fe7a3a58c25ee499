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
from dataclasses import dataclass
from typing import Any

import discord

from bot.library.errors import LibraryError
from bot.library.identity import Choice, Match, Relation
from bot.library.preview import Draft, FormValues, NameLookup, apply_form, confirm_names
from bot.render import clip, safe
from bot.ui.confirm import ModeratorView, check_moderator
from bot.ui.errors import handle_error
from bot.ui.library_cards import preview_card

log = logging.getLogger(__name__)


@dataclass(slots=True)
class SaveResult:
    """What Save did: the reply (content, card), or a question for the moderator (`ask`:
    the stored story this upload shares its name with but not its text, or is a shorter
    version of)."""

    content: str | None = None
    embed: discord.Embed | None = None
    ask: Match | None = None


# Save(draft, interaction, choice) stores the draft (or asks first).
Saver = Callable[[Draft, discord.Interaction, Choice | None], Awaitable[SaveResult]]
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
        await finish_save(self, interaction, None)

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


async def finish_save(
    preview: PreviewView, interaction: discord.Interaction, choice: Choice | None
) -> None:
    """Save (already deferred): show the stored story's card, or ask first."""
    try:
        result = await preview.save_draft(preview.draft, interaction, choice)
    except LibraryError as err:
        await interaction.edit_original_response(
            content=f"**{preview.shown_title}** was not saved: {safe(str(err))}",
            embed=None,
            view=None,
        )
        return
    if result.ask is not None:
        question = IdentityQuestion(preview, result.ask)
        await interaction.edit_original_response(
            content=question.text(), embed=preview.card(), view=question
        )
        return
    await interaction.edit_original_response(content=result.content, embed=result.embed, view=None)


class IdentityQuestion(ModeratorView):
    """Same title and author, different text — or a shorter version: the moderator says
    whether it updates the stored story or is a story of its own."""

    action = "this preview"

    def __init__(self, preview: PreviewView, match: Match) -> None:
        super().__init__(preview.moderator_id, timeout=preview.timeout)
        self.preview = preview
        self.match = match
        self.answered = False
        named = f"#{match.story_id}"
        if match.relation is Relation.SHORTER:
            self.update.label = f"Replace {named} with this version"
            self.add_new.label = "Add as a separate story"
            self.keep.label = f"Keep {named} as it is"
        else:
            self.update.label = f"Update {named} with this file"
            self.remove_item(self.keep)

    def text(self) -> str:
        match = self.match
        title = clip(safe(match.title), 100)
        if match.renamed and match.relation is not Relation.SHORTER:
            how = {
                Relation.SAME: "has the same text",
                Relation.EXTENDS: "is a shorter version of this file",
                Relation.REVISES: "has this story's text, revised",
            }[match.relation]
            return (
                f"The library's **{title}** (#{match.story_id}) {how}, under another title "
                f"or author. Update **{title}** with this file, or add it as a new story? "
                "Nothing is stored until you choose."
            )
        if match.relation is Relation.SHORTER:
            return (
                f"The library's **{title}** (#{match.story_id}) is longer or newer "
                f"({match.chapter_count} chapters; this file has "
                f"{len(self.preview.draft.story.chapters)}). Replace it with this version, "
                "or keep it? Nothing is stored until you choose."
            )
        return (
            f"**{title}** (#{match.story_id}) has the same title and author but a different "
            f"text. Update **{title}** with this file, or add it as a new story? Nothing is "
            "stored until you choose."
        )

    async def _choose(self, interaction: discord.Interaction, choice: Choice) -> None:
        self.answered = True
        self.stop()
        await interaction.response.defer()
        await finish_save(self.preview, interaction, choice)

    @discord.ui.button(label="Update", style=discord.ButtonStyle.primary)
    async def update(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._choose(interaction, Choice(update=self.match.story_id))

    @discord.ui.button(label="Add as a new story", style=discord.ButtonStyle.success)
    async def add_new(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._choose(interaction, Choice(as_new=True))

    @discord.ui.button(label="Keep", style=discord.ButtonStyle.secondary)
    async def keep(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.answered = True
        self.stop()
        await interaction.response.edit_message(
            content=f"Kept the library's **{clip(safe(self.match.title), 100)}** as it is; "
            "this file was not stored.",
            embed=None,
            view=None,
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.answered = True
        self.stop()
        await interaction.response.edit_message(
            content=f"Cancelled: **{self.preview.shown_title}** was not added; nothing was stored.",
            embed=None,
            view=None,
        )

    async def on_timeout(self) -> None:
        if self.answered or self.preview.origin is None:
            return
        try:
            await self.preview.origin.edit_original_response(
                content=f"No answer — **{self.preview.shown_title}** was not stored. Run "
                "`/library add` again to add it.",
                embed=None,
                view=None,
            )
        except discord.HTTPException:
            log.info("could not edit an expired identity question", exc_info=True)


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
