"""`/library add|edit|remove|log|stats`: moderators keep the server's story library.

Moderators add stories by uploading the files people actually have; the library parses
each into a clean record and the reply is a compact card showing what was found and which
fields are missing, so the moderator can fill them in (when adding, or with
`/library edit`). Every change goes through `bot.library.Library` (the one door), which
writes the audit log. Moderator-only: `bot.permissions.require_moderator` guards every
command (no `default_member_permissions`, so a member with only the moderator role is let
through by Discord; see bot/permissions.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import uploads
from bot.library.errors import LibraryError, StoryRejected
from bot.library.identity import Choice, Relation
from bot.library.model import RatingLevel, Status
from bot.library.overrides import canonical_pairings
from bot.library.preview import Draft, FormValues, NameLookup, apply_form, new_draft, parse_upload
from bot.library.service import TRASH_DAYS, collect
from bot.permissions import is_moderator, require_moderator
from bot.render import clip, safe
from bot.transformers import (
    RATING_CHOICES,
    STATUS_CHOICES,
    ModeratorStoryArg,
    facet_list_autocomplete,
    split_list,
)
from bot.ui.announce import announce
from bot.ui.confirm import ConfirmRemove, EmptyTrash
from bot.ui.import_progress import (
    HANDOFF_AFTER,
    TOKEN_LIFETIME,
    ImportControls,
    ImportDisplay,
    Progress,
    restarted_text,
)
from bot.ui.library_cards import (
    FIELD_NAMES,
    code_name,
    library_card,
    log_card,
    sizes,
    stats_card,
    trash_card,
)
from bot.ui.paginator import PageSource, Paginator
from bot.ui.preview import PreviewView, SaveResult

if TYPE_CHECKING:
    from bot.client import StoryBot
    from bot.library.service import Library


log = logging.getLogger(__name__)

CONFIRM_TIMEOUT = 60.0
PREVIEW_TIMEOUT = 600.0  # within the 15 minutes Discord lets the bot edit its reply
LOG_PAGE = 10
IMPORT_EDIT_EVERY = 2.0  # seconds between progress edits (Discord's rate limits)
CHANNEL_EDIT_EVERY = 5.0  # seconds between edits of progress moved to a channel message
TOP_PAIRINGS = 10
CLEAR = "-"  # typed as a value in /library edit: clear that field
PAIRINGS = facet_list_autocomplete("pairing")
AUTHORS = facet_list_autocomplete("author")


# ---------------------------------------------------------------- reading the options


def typed_fields(
    *,
    title: str | None,
    author: str | None,
    rating: app_commands.Choice[str] | None,
    pairing: str | None,
    status: app_commands.Choice[str] | None = None,
    summary: str | None = None,
    clearable: bool = False,
) -> dict[str, Any]:
    """The story fields a moderator typed, cleaned (pairings made canonical).

    With `clearable` (editing), pairing `-` clears the pairings; summary `-` clears the
    summary. Raises LibraryError for a pairing that cannot be read.
    """
    fields: dict[str, Any] = {}
    if title and title.strip():
        fields["title"] = title.strip()
    if author and split_list(author):
        fields["authors"] = split_list(author)
    if rating:
        fields["rating_level"] = RatingLevel(rating.value)
    if pairing:
        cleared = clearable and pairing.strip() == CLEAR
        chosen = [] if cleared else canonical_pairings(split_list(pairing))
        fields["pairings"] = [p.name for p in chosen]
    if status:
        fields["status"] = Status(status.value)
    if summary:
        fields["summary"] = None if summary.strip() == CLEAR else summary.strip()
    return fields


# ---------------------------------------------------------------- the cog


@app_commands.guild_only()
class LibraryCog(
    commands.GroupCog,
    group_name="library",
    group_description="Moderators: add, edit and remove the server's stories",
):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot
        self.imports: dict[int, Progress] = {}  # guild id -> the import running there
        self.tasks: set[asyncio.Task[None]] = set()

    async def cog_load(self) -> None:
        # a bot killed mid-import could not remove the zip it was reading, nor tell the
        # moderator that it stopped: do both now
        stopped = await asyncio.to_thread(uploads.sweep, self.upload_root)
        if stopped:
            task = asyncio.get_running_loop().create_task(self.tell_stopped(stopped))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def tell_stopped(self, records: list[uploads.RunRecord]) -> None:
        """Edit the progress reply of each import a restart stopped (while its
        interaction token lasts) to say so and how to finish it."""
        for record in records:
            if self.bot.clock.utcnow().timestamp() - record.started_at > TOKEN_LIFETIME:
                log.info("import of %s stopped by a restart: too old to tell", record.source)
                continue
            webhook = discord.Webhook.partial(record.application_id, record.token, client=self.bot)
            try:
                await webhook.edit_message(
                    record.message_id, content=restarted_text(record), embed=None, view=None
                )
            except discord.HTTPException:
                log.info(
                    "could not tell that the import of %s stopped", record.source, exc_info=True
                )

    async def cog_unload(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    @property
    def library(self) -> Library:
        return self.bot.library

    @property
    def upload_root(self) -> Path:
        """Where this library's imports keep their zips (beside the library file)."""
        return uploads.root_for(self.library.path)

    @property
    def max_upload_bytes(self) -> int:
        return self.bot.config.max_upload_bytes

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await require_moderator(interaction)

    # ---- add

    @app_commands.command(
        name="add",
        description=(
            "Add a story from a file (.txt, .md, .html, .epub, .docx, .odt, .rtf), with a preview"
        ),
    )
    @app_commands.describe(
        file="The story file as people have it: .txt, .md, .html, .epub, .docx, .odt or .rtf",
        title="Title, when the file has none or a wrong one",
        author="Author(s), comma-separated, when the file names none",
        rating="Rating, when the file declares none",
        pairing="Pairing(s) such as Buffy/Spike, comma-separated",
    )
    @app_commands.choices(rating=RATING_CHOICES)
    @app_commands.autocomplete(pairing=PAIRINGS, author=AUTHORS)
    async def add(  # noqa: PLR0917 - slash options are parameters
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        title: app_commands.Range[str, 1, 200] | None = None,
        author: app_commands.Range[str, 1, 200] | None = None,
        rating: app_commands.Choice[str] | None = None,
        pairing: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        typed = FormValues(
            title=title, authors=author, rating=rating.value if rating else None, pairings=pairing
        )
        await self.preview(interaction, file, typed)

    async def add_from_message(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """The "Add to library" message command: the same preview for a message's file."""
        if not await require_moderator(interaction):  # raises NotModerator
            return
        files = [a for a in message.attachments if a.size > 0]
        if not files:
            await interaction.response.send_message(
                "That message has no file to add: use it on a message with a story "
                "attached (.txt, .md, .html or .epub).",
                ephemeral=True,
            )
            return
        await self.preview(interaction, files[0], FormValues(), others=len(files) - 1)

    async def preview(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        typed: FormValues,
        *,
        others: int = 0,
    ) -> None:
        """Parse `file` and show the preview; nothing is stored until Save."""
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
            story = await parse_upload(data, file.filename, max_bytes=limit)
            draft = new_draft(story, file.filename)
            await apply_form(draft, typed, self.known_names(guild_id))
        except (StoryRejected, LibraryError) as err:
            log.info("upload %s rejected in guild %s: %s", file.filename, guild_id, err)
            await interaction.edit_original_response(
                content=f"`{name}` was not added: {safe(str(err))}"
            )
            return
        view = PreviewView(
            draft,
            interaction.user.id,
            save=self.save_draft,
            lookup=self.known_names(guild_id),
            timeout=PREVIEW_TIMEOUT,
        )
        note = None
        if others:
            note = f"The message has {others + 1} files: this is the first, `{name}`."
        await interaction.edit_original_response(content=note, embed=view.card(), view=view)
        view.origin = interaction

    def known_names(self, guild_id: int) -> NameLookup:
        """Which of some character names the guild's library already has."""

        async def lookup(names: list[str]) -> set[str]:
            return await self.library.known_names(guild_id, "character", names)

        return lookup

    async def save_draft(
        self, draft: Draft, interaction: discord.Interaction, choice: Choice | None
    ) -> SaveResult:
        """Save pressed: store the draft — or first ask, when a stored story shares its
        title and author but not its text, has a longer version of it, or has its text
        under another title or author."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        if choice is None:
            match = await self.library.identify(guild_id, draft.story)
            if match is not None and (
                match.renamed or match.relation in (Relation.DIFFERENT, Relation.SHORTER)
            ):
                return SaveResult(ask=match)
        outcome = await self.library.add_parsed(
            guild_id,
            draft.story,
            actor_id=interaction.user.id,
            source_name=draft.source_name,
            choice=choice,
        )
        await announce(self.bot, guild_id, [(outcome.action, outcome.story_id)])
        record = await self.library.find(guild_id, outcome.story_id)
        if record is None:  # removed by someone else in the meantime
            return SaveResult(f"The story was {outcome.action}, but it has been removed since.")
        card = library_card(
            record, outcome.action, source_name=draft.source_name, note=outcome.detail
        )
        return SaveResult(embed=card)

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
    @app_commands.autocomplete(pairing=PAIRINGS, author=AUTHORS)
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
        try:
            fields = typed_fields(
                title=title,
                author=author,
                rating=rating,
                pairing=pairing,
                status=status,
                summary=summary,
                clearable=True,
            )
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
            embed=library_card(record, "edited", note=f"Changed: {changed}.")
        )

    # ---- remove

    @app_commands.command(
        name="remove", description="Move a story to the trash (30 days, restorable)"
    )
    @app_commands.describe(story="The story to remove")
    async def remove(self, interaction: discord.Interaction, story: ModeratorStoryArg) -> None:
        view = ConfirmRemove(self.library, story, interaction.user.id, timeout=CONFIRM_TIMEOUT)
        await interaction.response.send_message(view.question(), view=view, ephemeral=True)
        view.origin = interaction

    # ---- bulk import

    @app_commands.command(name="import", description="Import a zip of story files")
    @app_commands.describe(file="A .zip of story files (.txt, .md, .html, .epub …)")
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        guild = interaction.guild
        assert guild is not None
        name = code_name(file.filename, 120)
        running = self.imports.get(guild.id)
        if running is not None:
            await interaction.response.send_message(
                f"An import is already running in this server (started by "
                f"<@{running.started_by}>: {running.done} of {running.total} done). "
                "Wait for it to finish, then try again; nothing was imported.",
                ephemeral=True,
            )
            return
        if not file.filename.lower().endswith(".zip"):
            await interaction.response.send_message(
                f"`{name}` is not a .zip: use `/library add` for a single story.",
                ephemeral=True,
            )
            return
        if file.size > guild.filesize_limit:
            size_text, limit_text = sizes(file.size, guild.filesize_limit)
            await interaction.response.send_message(
                f"`{name}` is {size_text}; Discord takes attachments up to {limit_text} here.",
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException as err:
            await interaction.edit_original_response(
                content=f"`{name}` was not imported: Discord did not hand over the file "
                f"({err.status}). Try again."
            )
            return
        folder = await asyncio.to_thread(uploads.new_folder, self.upload_root)
        archive = folder / "upload.zip"
        await asyncio.to_thread(archive.write_bytes, data)
        entries, refused = await asyncio.to_thread(collect, [archive])
        refused = [(n.replace(str(archive), file.filename), r) for n, r in refused]
        progress = Progress(file.filename, len(entries), interaction.user.id)
        self.imports[guild.id] = progress
        task = asyncio.get_running_loop().create_task(
            self.run_import(interaction, guild.id, entries, refused, progress, folder)
        )
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def run_import(  # noqa: PLR0917 - one import's state
        self,
        interaction: discord.Interaction,
        guild_id: int,
        entries: list[Any],
        refused: list[tuple[str, str]],
        progress: Progress,
        folder: Path,
    ) -> None:
        """The import itself, in the background: other commands are answered meanwhile."""

        changed: list[tuple[str, int]] = []  # announced when the import ends

        def on_result(entry: Any, outcome: Any, reason: str | None) -> None:
            progress.count(outcome.action if outcome is not None else None)
            if outcome is not None:
                changed.append((outcome.action, outcome.story_id))
            if reason is not None:
                progress.rejected.append((entry.file_name, reason))

        # kept beside the upload: a bot restarted mid-import tells the moderator with it
        run = uploads.RunRecord(
            guild_id=guild_id,
            application_id=interaction.application_id,
            token=interaction.token,
            message_id=0,
            source=progress.source,
            total=progress.total,
            done=0,
            started_at=interaction.created_at.timestamp(),
        )

        ended = asyncio.Event()  # the import is over: the reporter stops between edits

        async def report() -> None:
            while not ended.is_set():
                every = CHANNEL_EDIT_EVERY if display.moved else IMPORT_EDIT_EVERY
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(ended.wait(), every)
                if ended.is_set():
                    return
                if run.message_id:
                    run.done = progress.done
                    with contextlib.suppress(OSError):
                        await asyncio.to_thread(uploads.write_run, folder, run)
                try:
                    await display.update()
                except discord.HTTPException:
                    log.info("could not show the import progress", exc_info=True)

        async def stop_reporting() -> None:
            """Let an edit in flight finish (never cancel it halfway: a message posted but
            not known would be left behind), then stop the reporter."""
            ended.set()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(reporter), 30)

        controls = ImportControls(progress)
        display = ImportDisplay(
            interaction, progress, controls, clock=self.bot.clock, handoff_after=HANDOFF_AFTER
        )
        reporter = asyncio.get_running_loop().create_task(report())
        try:
            run.message_id = await display.start()
            await asyncio.to_thread(uploads.write_run, folder, run)
            result = await self.library.import_entries(
                guild_id,
                entries,
                actor_id=interaction.user.id,
                max_bytes=self.max_upload_bytes,
                on_result=on_result,
                stop=lambda: progress.cancelled,
            )  # parsed in bounded worker processes: this loop keeps answering
            shown = {entry.name: entry.member or entry.file_name for entry in entries}
            progress.not_processed = [shown.get(name, name) for name in result.not_processed]
            await stop_reporting()
            controls.stop()
            await display.finish(refused)
            await announce(self.bot, guild_id, changed)
        except Exception as err:  # answered and logged, never silent
            await stop_reporting()
            log.exception("import of %s in guild %s failed", progress.source, guild_id)
            done = progress.added + progress.updated + progress.unchanged
            text = (
                f"The import stopped after {done} of {progress.total} files "
                f"({type(err).__name__}); every story stored so far is whole. Run "
                "`/library import` again to finish: what is there already is skipped."
            )
            with contextlib.suppress(discord.HTTPException):
                if display.message is not None:
                    await display.message.edit(content=text, embed=None, view=None)
                else:
                    await interaction.edit_original_response(content=text, view=None)
        finally:
            reporter.cancel()
            controls.stop()
            self.imports.pop(guild_id, None)
            await asyncio.to_thread(uploads.remove, folder)

    # ---- the trash

    @app_commands.command(name="trash", description="Stories removed in the last 30 days")
    async def trash(self, interaction: discord.Interaction) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None
        entries = await self.library.trash(guild_id)
        if not entries:
            await interaction.response.send_message(
                f"The trash is empty: removed stories wait here {TRASH_DAYS} days.",
                ephemeral=True,
            )
            return
        view = EmptyTrash(self.library, guild_id, interaction.user.id, len(entries))
        await interaction.response.send_message(
            embed=trash_card(entries, keep_days=TRASH_DAYS), view=view, ephemeral=True
        )

    @app_commands.command(name="restore", description="Bring a removed story back from the trash")
    @app_commands.describe(story="The removed story (start typing its title)")
    async def restore(self, interaction: discord.Interaction, story: str) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None
        entries = await self.library.trash(guild_id)
        wanted = story.strip()
        found = [e for e in entries if str(e.story.id) == wanted] or [
            e for e in entries if e.story.title.casefold() == wanted.casefold()
        ]
        if len(found) != 1:
            problem = "Several removed stories are called that" if found else "No story called"
            await interaction.response.send_message(
                f"{problem} “{clip(safe(wanted), 80)}” in the trash: pick one from the list "
                "as you type (`/library trash` shows them).",
                ephemeral=True,
            )
            return
        restored = await self.library.restore(
            guild_id, found[0].story.id, actor_id=interaction.user.id
        )
        if restored is None:
            await interaction.response.send_message(
                "That story is no longer in the trash.", ephemeral=True
            )
            return
        await interaction.response.send_message(
            f"Restored **{clip(safe(restored.title), 200)}** with its ratings, reviews and "
            "reading places.",
            embed=library_card(restored, "restored"),
            ephemeral=True,
        )

    @restore.autocomplete("story")
    async def restore_story(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        guild_id = interaction.guild_id
        if guild_id is None or not await is_moderator(interaction):
            return []
        typed = current.casefold().strip()
        entries = await self.library.trash(guild_id)
        return [
            app_commands.Choice(
                name=clip(f"{e.story.title} (#{e.story.id})", 100), value=str(e.story.id)
            )
            for e in entries
            if typed in e.story.title.casefold()
        ][:25]

    # ---- log

    @app_commands.command(name="log", description="Who added, edited or removed what, and when")
    @app_commands.describe(
        moderator="Only this member's changes", story="Only the changes to this story"
    )
    async def log_(
        self,
        interaction: discord.Interaction,
        moderator: discord.Member | None = None,
        story: ModeratorStoryArg | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        actor_id = moderator.id if moderator is not None else None
        story_id = story.id if story is not None else None
        about = " · ".join(
            part
            for part in (
                f"by {safe(moderator.display_name)}" if moderator is not None else "",
                f"{clip(safe(story.title), 80)}" if story is not None else "",
            )
            if part
        )
        library = self.library

        async def fetch(offset: int, limit: int) -> tuple[list[Any], int]:
            entries = await library.audit_log(
                guild.id, limit, offset=offset, actor_id=actor_id, story_id=story_id
            )
            total = await library.audit_count(guild.id, actor_id=actor_id, story_id=story_id)
            return entries, total

        def render(entries: list[Any], page: int, pages: int, total: int) -> discord.Embed:
            return log_card(
                entries, guild=guild, page=page, pages=pages, total=total, about=about or None
            )

        if not await library.audit_count(guild.id, actor_id=actor_id, story_id=story_id):
            what = "nothing has been added, edited or removed yet"
            if about:
                what = f"no changes {about}" if moderator is not None else "no changes to it"
            await interaction.response.send_message(
                f"The library log is empty: {what}.", ephemeral=True
            )
            return
        source = PageSource(fetch, render, per_page=LOG_PAGE)
        await Paginator(source, owner_id=interaction.user.id).start(interaction, ephemeral=True)

    # ---- stats

    @app_commands.command(name="stats", description="Counts by rating, status and top pairings")
    async def stats(self, interaction: discord.Interaction) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None
        stats = await self.library.stats(guild_id, top_pairings=TOP_PAIRINGS)
        await interaction.response.send_message(
            embed=stats_card(stats.counts, stats.top_pairings), ephemeral=True
        )


async def setup(bot: StoryBot) -> None:
    cog = LibraryCog(bot)
    await bot.add_cog(cog)
    menu = app_commands.ContextMenu(name="Add to library", callback=cog.add_from_message)
    menu.guild_only = True
    bot.tree.add_command(menu)


async def teardown(bot: StoryBot) -> None:
    bot.tree.remove_command("Add to library", type=discord.AppCommandType.message)
