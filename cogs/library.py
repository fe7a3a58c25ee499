"""`/library add|edit|remove|log|stats`: moderators keep the server's story library.

Moderators add stories by uploading the files people actually have; the library parses
each into a clean record and the reply is a compact card showing what was found and which
fields are missing, so the moderator can fill them in (when adding, or with
`/library edit`). Every change goes through `bot.library` (the service) and the store,
which writes the audit log. Moderator-only: `default_permissions(manage_guild)` hides the
commands from members, and `bot.permissions.require_moderator` guards them at run time.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.library.errors import LibraryError, StoryRejected
from bot.library.model import RatingLevel, Status
from bot.library.overrides import canonical_pairings
from bot.library.records import AuditEntry, StoryRecord
from bot.permissions import is_moderator, require_moderator
from bot.render import FIELD_VALUE_MAX, TITLE_MAX, badge, clip, fit_embed, safe
from bot.transformers import ModeratorStoryArg

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT = 60.0
AUDIT_LOG_LIMIT = 20
TOP_PAIRINGS = 10
CLEAR = "-"  # typed as a value in /library edit: clear that field

ACTION_COLOURS = {
    "added": discord.Colour.green(),
    "updated": discord.Colour.blue(),
    "unchanged": discord.Colour.light_grey(),
    "edited": discord.Colour.blue(),
}
ACTION_HEADINGS = {
    "added": "Added",
    "updated": "Updated",
    "unchanged": "Unchanged",
    "edited": "Edited",
}
ACTION_NOTES = {
    "added": "New in the library.",
    "updated": "This file is a newer version of a story already in the library; it was "
    "updated in place.",
    "unchanged": "This story is already in the library; nothing changed.",
}
STATUS_NAMES = {
    Status.COMPLETE: "Complete",
    Status.WIP: "Work in progress",
    Status.UNKNOWN: "Unknown",
}
FIELD_NAMES = {
    "title": "title",
    "authors": "author",
    "rating_level": "rating",
    "pairings": "pairings",
    "status": "status",
    "summary": "summary",
}
AUDIT_VERBS = {
    "added": "added",
    "updated": "updated (re-upload)",
    "edited": "edited",
    "removed": "removed",
    "setting": "changed setting",
}
RATING_CHOICES = [app_commands.Choice(name=level.value, value=level.value) for level in RatingLevel]
STATUS_CHOICES = [
    app_commands.Choice(name=name, value=status.value) for status, name in STATUS_NAMES.items()
]


# ---------------------------------------------------------------- input helpers


def split_list(value: str) -> list[str]:
    """'Buffy/Spike, Willow/Tara' → ['Buffy/Spike', 'Willow/Tara'] (commas or semicolons)."""
    parts = value.replace(";", ",").split(",")
    return [part.strip() for part in parts if part.strip()]


def code_name(name: str, limit: int) -> str:
    """A file name safe to show between backticks."""
    return clip(safe(name).replace("`", "'"), limit)


def count(n: int, noun: str) -> str:
    """'1 story', '2 stories', '1,394 words'."""
    if n == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2] not in "aeiou" else noun + "s"
    return f"{n:,} {plural}"


def sizes(size: int, limit: int) -> tuple[str, str]:
    """A file size and the limit in MB, or in bytes when MB would show them equal."""
    shown = f"{size / (1024 * 1024):.1f} MB", f"{limit / (1024 * 1024):.1f} MB"
    if shown[0] == shown[1]:
        return f"{size:,} bytes", f"{limit:,} bytes"
    return shown


# ---------------------------------------------------------------- the result card


def rating_line(record: StoryRecord) -> str:
    level = badge(record.rating_level)
    if record.rating_inferred:
        emoji = level.split(" ", 1)[0]
        return f"{emoji} inferred: {record.rating_level.value} (not declared in the file)"
    declared = (record.rating_declared or "").strip()
    if not declared:
        return f"{level} (set by a moderator)"
    if declared.casefold() == record.rating_level.value.casefold():
        return level
    return f"{clip(safe(declared), 60)} → {level}"


def pairing_line(record: StoryRecord) -> str:
    if not record.pairings:
        return "none"
    inferred = set(record.inferred_pairings)
    names = [safe(p) + (" (inferred)" if p in inferred else "") for p in record.pairings]
    return clip(", ".join(names), FIELD_VALUE_MAX)


def chapters_line(record: StoryRecord) -> str:
    if record.total_chapters:
        return f"{record.chapter_count} of {record.total_chapters} declared"
    return f"{record.chapter_count} present (total not declared)"


def missing_fields(record: StoryRecord) -> list[str]:
    """What a moderator should check or fill in with `/library edit`."""
    notes: list[str] = []
    if not record.title_declared:
        notes.append("no title found — set one with `/library edit`")
    if not record.authors:
        notes.append("no author found — set one with `/library edit`")
    if record.rating_inferred:
        notes.append(
            f"no rating declared — inferred as {record.rating_level.value}; "
            "correct it with `/library edit` if wrong"
        )
    if not record.pairings:
        notes.append("no pairing found")
    elif record.inferred_pairings:
        notes.append("pairings inferred from the text — check them")
    if not record.summary:
        notes.append("no summary")
    if record.total_chapters and record.chapter_count < record.total_chapters:
        notes.append(
            f"only {record.chapter_count} of {record.total_chapters} chapters present — "
            "upload the longer file when there is one"
        )
    return notes


def story_card(
    record: StoryRecord, action: str, *, source_name: str | None = None, note: str | None = None
) -> discord.Embed:
    """The compact moderator card for a story added, updated, found unchanged or edited."""
    title = safe(record.title)
    heading = ACTION_HEADINGS.get(action, action.title())
    shown_title = title if record.title_declared else f"{title} (no title found)"
    embed = discord.Embed(
        title=clip(f"{heading}: {shown_title}", TITLE_MAX),
        colour=ACTION_COLOURS.get(action, discord.Colour.blurple()),
    )
    lines = []
    if note or action in ACTION_NOTES:
        lines.append(note or ACTION_NOTES[action])
    if source_name:
        lines.append(f"File: `{code_name(source_name, 200)}`")
    if lines:
        embed.description = "\n".join(lines)
    if record.title_declared:
        title_value = title
    else:
        title_value = f"{title} — no title found: set one with `/library edit`"
    embed.add_field(name="Title", value=clip(title_value, FIELD_VALUE_MAX), inline=False)
    authors = ", ".join(safe(a) for a in record.authors) if record.authors else "unknown"
    embed.add_field(name="Author", value=clip(authors, FIELD_VALUE_MAX))
    embed.add_field(name="Rating", value=rating_line(record))
    embed.add_field(name="Status", value=STATUS_NAMES.get(record.status, str(record.status)))
    embed.add_field(name="Pairings", value=pairing_line(record), inline=False)
    embed.add_field(name="Chapters", value=chapters_line(record))
    embed.add_field(name="Words", value=f"{record.words:,}")
    notes = missing_fields(record)
    if notes:
        embed.add_field(
            name="Check",
            value=clip("\n".join(f"• {n}" for n in notes), FIELD_VALUE_MAX),
            inline=False,
        )
    embed.set_footer(text=f"Story #{record.id}")
    return fit_embed(embed)


def audit_line(entry: AuditEntry) -> str:
    """One log line: when, who, what."""
    when = f"<t:{int(entry.at.timestamp())}:f>"
    who = f"<@{entry.actor_id}>" if entry.actor_id else "the command line"
    verb = AUDIT_VERBS.get(entry.action, entry.action)
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    if entry.action == "setting":
        what = f"{safe(str(detail.get('key', '?')))} → {safe(str(detail.get('value')))}"
        return f"{when} {who} {verb} {what}"
    what = f"**{clip(safe(entry.title), 100) or 'a story'}**"
    if entry.story_id is not None:
        what += f" (#{entry.story_id})"
    fields = detail.get("fields")
    chapters = detail.get("chapters")
    source = detail.get("source")
    if isinstance(fields, dict) and fields:
        names = (FIELD_NAMES.get(str(k), str(k)) for k in fields)
        what += ": " + ", ".join(safe(n) for n in names)
    elif entry.action == "updated" and isinstance(chapters, list) and len(chapters) == 2:
        what += f": chapters {chapters[0]} → {chapters[1]}"
    elif entry.action == "added" and isinstance(source, str) and source:
        what += f" from `{code_name(source, 80)}`"
    return f"{when} {who} {verb} {what}"


def fit_lines(lines: list[str], limit: int) -> str:
    """As many whole lines as fit in `limit` characters."""
    out: list[str] = []
    used = 0
    for raw in lines:
        line = clip(raw, limit)
        if used + len(line) + 1 > limit:
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


def stats_card(stats: dict[str, Any], top_pairings: list[tuple[str, int]]) -> discord.Embed:
    embed = discord.Embed(title="Library stats", colour=discord.Colour.blurple())
    embed.description = " · ".join(
        count(stats.get(key, 0), noun)
        for key, noun in (
            ("stories", "story"),
            ("chapters", "chapter"),
            ("words", "word"),
            ("authors", "author"),
            ("ratings", "reader rating"),
        )
    )
    by_rating = stats.get("by_rating", {})
    rating_lines = [
        f"{badge(level)}: {by_rating.get(level.value, 0):,}"
        for level in RatingLevel
        if by_rating.get(level.value)
    ]
    embed.add_field(name="By rating", value="\n".join(rating_lines) or "none")
    by_status = stats.get("by_status", {})
    status_lines = [
        f"{name}: {by_status.get(status.value, 0):,}"
        for status, name in STATUS_NAMES.items()
        if by_status.get(status.value)
    ]
    embed.add_field(name="By status", value="\n".join(status_lines) or "none")
    pairing_lines = [f"{safe(name)}: {count:,}" for name, count in top_pairings]
    embed.add_field(
        name="Top pairings",
        value=clip("\n".join(pairing_lines), FIELD_VALUE_MAX) or "none",
        inline=False,
    )
    return fit_embed(embed)


# ---------------------------------------------------------------- remove confirmation


class ConfirmRemove(discord.ui.View):
    """Remove / Cancel buttons that only the moderator who asked can press."""

    def __init__(self, library: Any, record: StoryRecord, moderator_id: int) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT)
        self.library = library
        self.record = record
        self.moderator_id = moderator_id
        self.origin: discord.Interaction | None = None
        self.answered = False

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.moderator_id:
            return True
        await interaction.response.send_message(
            "Only the moderator who asked for this removal can confirm it.", ephemeral=True
        )
        return False

    @discord.ui.button(label="Remove", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.answered = True
        self.stop()
        title = clip(safe(self.record.title), 200)
        try:
            removed = await self.library.remove(
                self.record.guild_id, self.record.id, actor_id=interaction.user.id
            )
        except LibraryError as err:
            await interaction.response.edit_message(content=safe(str(err)), view=None)
            return
        text = f"Removed **{title}**." if removed else f"**{title}** was already gone."
        await interaction.response.edit_message(content=text, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.answered = True
        self.stop()
        await interaction.response.edit_message(
            content=f"Kept **{clip(safe(self.record.title), 200)}**; nothing was removed.",
            view=None,
        )

    async def on_timeout(self) -> None:
        if self.answered or self.origin is None:
            return
        try:
            await self.origin.edit_original_response(
                content=f"No answer — **{clip(safe(self.record.title), 200)}** was not removed.",
                view=None,
            )
        except discord.HTTPException:
            log.info("could not edit a timed-out removal prompt", exc_info=True)


# ---------------------------------------------------------------- the cog


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class LibraryCog(
    commands.GroupCog,
    group_name="library",
    group_description="Moderators: add, edit and remove the server's stories",
):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @property
    def library(self) -> Any:
        return self.bot.library  # type: ignore[attr-defined]

    @property
    def max_upload_bytes(self) -> int:
        return self.bot.config.max_upload_bytes  # type: ignore[attr-defined]

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await require_moderator(interaction)

    # ---- add

    @app_commands.command(
        name="add", description="Add a story from a file (.txt, .md, .html, .epub)"
    )
    @app_commands.describe(
        file="The story file as people have it: .txt, .md, .html or .epub",
        title="Title, when the file has none or a wrong one",
        author="Author(s), comma-separated, when the file names none",
        rating="Rating, when the file declares none",
        pairing="Pairing(s) such as Buffy/Spike, comma-separated",
    )
    @app_commands.choices(rating=RATING_CHOICES)
    async def add(  # noqa: PLR0917 - slash options are parameters
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        title: app_commands.Range[str, 1, 200] | None = None,
        author: app_commands.Range[str, 1, 200] | None = None,
        rating: app_commands.Choice[str] | None = None,
        pairing: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        name = code_name(file.filename, 120)
        limit = self.max_upload_bytes
        if file.size > limit:
            size_text, limit_text = sizes(file.size, limit)
            await interaction.response.send_message(
                f"`{name}` was not added: it is {size_text} and the library takes files up "
                f"to {limit_text}.",
                ephemeral=True,
            )
            return
        overrides: dict[str, Any] = {}
        if title and title.strip():
            overrides["title"] = title.strip()
        if author and split_list(author):
            overrides["authors"] = split_list(author)
        if rating:
            overrides["rating_level"] = RatingLevel(rating.value)
        try:
            if pairing:
                overrides["pairings"] = [p.name for p in canonical_pairings(split_list(pairing))]
        except LibraryError as err:
            await interaction.response.send_message(
                f"`{name}` was not added: {safe(str(err))}", ephemeral=True
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException as err:
            log.warning("download of %s failed: %s", file.filename, err)
            await interaction.edit_original_response(
                content=f"`{name}` was not added: Discord did not hand over the file "
                f"({err.status}). Try uploading it again."
            )
            return
        guild_id = interaction.guild_id
        assert guild_id is not None  # guild_only
        try:
            outcome = await self.library.add_file(
                guild_id,
                data,
                file.filename,
                actor_id=interaction.user.id,
                max_bytes=self.max_upload_bytes,
                overrides=overrides or None,
            )
        except (StoryRejected, LibraryError) as err:
            log.info("upload %s rejected in guild %s: %s", file.filename, guild_id, err)
            await interaction.edit_original_response(
                content=f"`{name}` was not added: {safe(str(err))}"
            )
            return
        record = await self.library.store.get_story(guild_id, outcome.story_id)
        if record is None:  # removed by someone else in the meantime
            await interaction.edit_original_response(
                content=f"`{name}` was {outcome.action}, but the story has been removed since."
            )
            return
        await interaction.edit_original_response(
            embed=story_card(record, outcome.action, source_name=file.filename, note=outcome.detail)
        )

    @add.autocomplete("pairing")
    async def _add_pairing_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.facet_choices(interaction, "pairing", current)

    @add.autocomplete("author")
    async def _add_author_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.facet_choices(interaction, "author", current)

    async def facet_choices(
        self, interaction: discord.Interaction, kind: str, current: str
    ) -> list[app_commands.Choice[str]]:
        """Values already in the library, completing the last item of a comma list."""
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []
        done, _, typing = current.rpartition(",")
        prefix = ", ".join(split_list(done))
        values = await self.library.store.facet_values(
            interaction.guild_id, kind, typing.strip(), 25
        )
        choices: list[app_commands.Choice[str]] = []
        for value in values:
            full = f"{prefix}, {value}" if prefix else value
            if len(full) <= 100:
                choices.append(app_commands.Choice(name=full, value=full))
        return choices

    # ---- edit

    @app_commands.command(name="edit", description="Fill in or correct a story's details")
    @app_commands.describe(
        story="The story to edit",
        title="New title",
        author="Author(s), comma-separated",
        rating="Rating",
        pairing="Pairing(s) such as Buffy/Spike, comma-separated; '-' clears them",
        status="Complete, work in progress or unknown",
        summary="Summary; '-' clears it",
    )
    @app_commands.choices(rating=RATING_CHOICES, status=STATUS_CHOICES)
    async def edit(  # noqa: PLR0917 - slash options are parameters
        self,
        interaction: discord.Interaction,
        story: ModeratorStoryArg,
        title: app_commands.Range[str, 1, 200] | None = None,
        author: app_commands.Range[str, 1, 200] | None = None,
        rating: app_commands.Choice[str] | None = None,
        pairing: app_commands.Range[str, 1, 200] | None = None,
        status: app_commands.Choice[str] | None = None,
        summary: app_commands.Range[str, 1, 1500] | None = None,
    ) -> None:
        fields: dict[str, Any] = {}
        try:
            if title and title.strip():
                fields["title"] = title.strip()
            if author and split_list(author):
                fields["authors"] = split_list(author)
            if rating:
                fields["rating_level"] = RatingLevel(rating.value)
            if pairing:
                cleared = pairing.strip() == CLEAR
                chosen = [] if cleared else canonical_pairings(split_list(pairing))
                fields["pairings"] = [p.name for p in chosen]
            if status:
                fields["status"] = Status(status.value)
            if summary:
                fields["summary"] = None if summary.strip() == CLEAR else summary.strip()
        except LibraryError as err:
            await interaction.response.send_message(
                f"**{clip(safe(story.title), 100)}** was not changed: {safe(str(err))}",
                ephemeral=True,
            )
            return
        if not fields:
            await interaction.response.send_message(
                "Nothing to change: give at least one of title, author, rating, pairing, "
                "status or summary.",
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            record = await self.library.edit(
                story.guild_id, story.id, actor_id=interaction.user.id, **fields
            )
        except LibraryError as err:
            await interaction.edit_original_response(
                content=f"**{clip(safe(story.title), 100)}** was not changed: {safe(str(err))}"
            )
            return
        changed = ", ".join(FIELD_NAMES[name] for name in fields)
        await interaction.edit_original_response(
            embed=story_card(record, "edited", note=f"Changed: {changed}.")
        )

    @edit.autocomplete("pairing")
    async def _edit_pairing_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.facet_choices(interaction, "pairing", current)

    @edit.autocomplete("author")
    async def _edit_author_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.facet_choices(interaction, "author", current)

    # ---- remove

    @app_commands.command(name="remove", description="Remove a story from the library")
    @app_commands.describe(story="The story to remove")
    async def remove(self, interaction: discord.Interaction, story: ModeratorStoryArg) -> None:
        view = ConfirmRemove(self.library, story, interaction.user.id)
        authors = ", ".join(safe(a) for a in story.authors) or "unknown author"
        await interaction.response.send_message(
            f"Remove **{clip(safe(story.title), 200)}** by {clip(authors, 100)} "
            f"(story #{story.id}, {story.words:,} words)? Its chapters, reader ratings and "
            "reading positions go with it.",
            view=view,
            ephemeral=True,
        )
        view.origin = interaction

    # ---- log

    @app_commands.command(name="log", description="Who added, edited or removed what, and when")
    async def log_(self, interaction: discord.Interaction) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None
        entries = await self.library.store.audit_log(guild_id, limit=AUDIT_LOG_LIMIT)
        if not entries:
            await interaction.response.send_message(
                "The library log is empty: nothing has been added, edited or removed yet.",
                ephemeral=True,
            )
            return
        embed = discord.Embed(title="Library log", colour=discord.Colour.blurple())
        embed.description = fit_lines([audit_line(e) for e in entries], 4096)
        embed.set_footer(text=f"The {len(entries)} most recent changes, newest first")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # ---- stats

    @app_commands.command(name="stats", description="Counts by rating, status and top pairings")
    async def stats(self, interaction: discord.Interaction) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None
        store = self.library.store
        stats = await store.stats(guild_id)
        top: list[tuple[str, int]] = []
        for name in await store.facet_values(guild_id, "pairing", "", TOP_PAIRINGS):
            _, count = await store.list_stories(guild_id, pairing=name, limit=1)
            top.append((name, count))
        top.sort(key=lambda item: (-item[1], item[0].casefold()))
        await interaction.response.send_message(embed=stats_card(stats, top), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(LibraryCog(bot))
