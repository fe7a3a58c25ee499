"""Moderator prompts: `ModeratorView` (only the asking moderator, still a moderator, may
press its buttons) and the Remove / Cancel prompt behind `/library remove`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.library.errors import LibraryError
from bot.library.records import StoryRecord
from bot.library.service import TRASH_DAYS
from bot.permissions import is_moderator, refusal_for
from bot.render import authors_text, clip, safe
from bot.ui.errors import handle_error

if TYPE_CHECKING:
    from bot.library.service import Library

log = logging.getLogger(__name__)


async def check_moderator(interaction: discord.Interaction, moderator_id: int, action: str) -> bool:
    """True if the presser is the moderator who asked and still a moderator; else answers
    the presser privately and returns False (nothing else happens)."""
    if interaction.user.id != moderator_id:
        await interaction.response.send_message(
            f"Only the moderator who asked for {action} can answer it.", ephemeral=True
        )
        return False
    if not await is_moderator(interaction):
        log.info(
            "refused %s for user %s in guild %s: no longer a moderator",
            action,
            interaction.user.id,
            interaction.guild_id,
        )
        await interaction.response.send_message(await refusal_for(interaction), ephemeral=True)
        return False
    return True


class ModeratorView(discord.ui.View):
    """Buttons only the moderator who asked may press — and only while still a moderator.

    Permissions are checked again on every press: a moderator who lost the role (or Manage
    Server) since the prompt opened is refused and nothing happens.
    """

    action = "this"  # what the refusal names: "Only the moderator who asked for {action}…"

    def __init__(self, moderator_id: int, *, timeout: float | None) -> None:
        super().__init__(timeout=timeout)
        self.moderator_id = moderator_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await check_moderator(interaction, self.moderator_id, self.action)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await handle_error(interaction, error)  # logged with context, answered — never silent


class ConfirmRemove(ModeratorView):
    """Remove / Cancel buttons that only the moderator who asked can press."""

    action = "this removal"

    def __init__(
        self, library: Library, record: StoryRecord, moderator_id: int, *, timeout: float
    ) -> None:
        super().__init__(moderator_id, timeout=timeout)
        self.library = library
        self.record = record
        self.origin: discord.Interaction | None = None
        self.answered = False

    @property
    def shown_title(self) -> str:
        return clip(safe(self.record.title), 200)

    def question(self) -> str:
        """What the moderator is asked: which story, and what goes with it."""
        story = self.record
        authors = authors_text(story)
        return (
            f"Remove **{self.shown_title}** by {clip(authors, 100)} "
            f"(story #{story.id}, {story.words:,} words)? It goes to the trash for "
            f"{TRASH_DAYS} days — its reader ratings, reviews and reading places are kept — "
            "and `/library restore` brings it back."
        )

    @discord.ui.button(label="Remove", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.answered = True
        self.stop()
        try:
            removed = await self.library.trash_story(
                self.record.guild_id, self.record.id, actor_id=interaction.user.id
            )
        except LibraryError as err:
            await interaction.response.edit_message(content=safe(str(err)), view=None)
            return
        title = self.shown_title
        if removed:
            text = (
                f"Moved **{title}** to the trash: it is out of search and lists now. "
                f"`/library restore` brings it back within {TRASH_DAYS} days."
            )
        else:
            text = f"**{title}** was already gone."
        await interaction.response.edit_message(content=text, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.answered = True
        self.stop()
        await interaction.response.edit_message(
            content=f"Kept **{self.shown_title}**; nothing was removed.", view=None
        )

    async def on_timeout(self) -> None:
        if self.answered or self.origin is None:
            return
        try:
            await self.origin.edit_original_response(
                content=f"No answer — **{self.shown_title}** was not removed.", view=None
            )
        except discord.HTTPException:
            log.info("could not edit a timed-out removal prompt", exc_info=True)


class EmptyTrash(ModeratorView):
    """Under `/library trash`: "Empty the trash…", then "Delete N for good" / "Keep"."""

    action = "this trash list"

    def __init__(self, library: Library, guild_id: int, moderator_id: int, count: int) -> None:
        super().__init__(moderator_id, timeout=120.0)
        self.library = library
        self.guild_id = guild_id
        self.count = count
        self.remove_item(self.delete)
        self.remove_item(self.keep)

    @discord.ui.button(label="Empty the trash…", style=discord.ButtonStyle.danger)
    async def ask(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.clear_items()
        self.delete.label = f"Delete {self.count} for good"
        self.add_item(self.delete)
        self.add_item(self.keep)
        await interaction.response.edit_message(
            content=f"Delete the {self.count} stories in the trash for good, with their "
            "ratings, reviews and reading places? This cannot be undone.",
            view=self,
        )

    @discord.ui.button(label="Delete for good", style=discord.ButtonStyle.danger)
    async def delete(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.stop()
        gone = await self.library.empty_trash(self.guild_id, actor_id=interaction.user.id)
        await interaction.response.edit_message(
            content=f"Emptied the trash: {len(gone)} stories deleted for good.",
            embed=None,
            view=None,
        )

    @discord.ui.button(label="Keep them", style=discord.ButtonStyle.secondary)
    async def keep(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(
            content="The trash was not emptied.", embed=None, view=None
        )
