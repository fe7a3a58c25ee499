"""What `/library import` shows: a progress line edited as the zip is imported, with a
Cancel button, then the summary (added, updated, unchanged, rejected with each reason;
after a cancel, what was not processed).

Discord lets the bot edit its private reply for 15 minutes only (the interaction token).
`ImportDisplay` moves a longer import's progress to an ordinary message in the channel
before then (or as soon as an edit is refused for an expired token): counts only, since
everyone there sees it — the file names are behind a Details button for the moderator.
When the bot may not post in the channel, the moderator is told so up front."""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field

import discord

from bot.clock import WallClock
from bot.render import FIELD_VALUE_MAX, clip, fit_lines, safe
from bot.ui.confirm import ModeratorView
from bot.ui.library_cards import code_name
from bot.ui.paginator import PageSource, Paginator
from bot.uploads import RunRecord

log = logging.getLogger(__name__)

BAR_WIDTH = 20
HANDOFF_AFTER = 13 * 60.0  # s: move to a channel message before the 15-minute token ends
TOKEN_LIFETIME = 15 * 60.0  # s an interaction's token lets the bot edit its reply
REJECTED_PER_PAGE = 15  # rejected files per private page
DETAILS_TIMEOUT = 3600.0  # s the Details button under a channel summary answers
INVALID_WEBHOOK_TOKEN = 50027  # Discord's code for an expired interaction token
UNKNOWN_WEBHOOK = 10015
CANNOT_POST = (
    "I may not post in this channel, so if this import takes longer than 15 minutes "
    "(Discord's limit for editing this reply) its progress and summary stop showing here; "
    "`/library log` still lists every story it stores."
)
CARD_ROOM = FIELD_VALUE_MAX - 40  # room left for '… and N more'


@dataclass(slots=True)
class Progress:
    """Counts kept by the import's `on_result` callback (runs on the event loop)."""

    source: str
    total: int
    started_by: int
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    cancelled_by: int | None = None  # the moderator who pressed Cancel
    not_processed: list[str] = field(default_factory=list)  # names, once it has stopped

    @property
    def cancelled(self) -> bool:
        return self.cancelled_by is not None

    def count(self, action: str | None) -> None:
        self.done += 1
        if action in ("added", "updated", "unchanged"):
            setattr(self, action, getattr(self, action) + 1)


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    filled = round(width * done / total) if total else width
    return "█" * filled + "░" * (width - filled)


def progress_text(p: Progress, now: float | None = None) -> str:
    """`Importing x.zip: 12 of 40 [██████░░░░] 30% · 3.1 files/s · about 9 s left`."""
    elapsed = max((now if now is not None else time.monotonic()) - p.started, 1e-6)
    rate = p.done / elapsed
    share = p.done / p.total if p.total else 1.0
    left = (p.total - p.done) / rate if rate > 0 else None
    eta = f"about {left:.0f} s left" if left is not None else "estimating time left"
    if p.cancelled:
        eta = "cancelling after the files being stored now"
    return (
        f"Importing `{code_name(p.source, 80)}`: {p.done} of {p.total} "
        f"`[{bar(p.done, p.total)}]` {share:.0%} · {rate:.1f} files/s · {eta}"
    )


def may_post(interaction: discord.Interaction) -> bool:
    """Whether the bot may post (a message with an embed) where the command was run."""
    perms = interaction.app_permissions
    send = (
        perms.send_messages_in_threads
        if isinstance(interaction.channel, discord.Thread)
        else perms.send_messages
    )
    return perms.view_channel and send and perms.embed_links


def token_expired(err: discord.HTTPException) -> bool:
    """An edit refused because the interaction's 15 minutes are over."""
    return err.code in (INVALID_WEBHOOK_TOKEN, UNKNOWN_WEBHOOK)


def public_progress(p: Progress) -> str:
    return f"<@{p.started_by}>'s import — {progress_text(p)}"


def moved_text(url: str) -> str:
    return (
        "This import is taking a while, and Discord lets me edit this reply for 15 minutes "
        f"only: its progress and summary continue in {url} (only you can cancel it there)."
    )


class ImportDetails(ModeratorView):
    """Under a summary posted in the channel: the full summary, privately, for the
    moderator who started the import (still a moderator)."""

    action = "this import's details"

    def __init__(self, progress: Progress, refused: list[tuple[str, str]]) -> None:
        super().__init__(progress.started_by, timeout=DETAILS_TIMEOUT)
        self.progress = progress
        self.refused = refused

    @discord.ui.button(label="Details", style=discord.ButtonStyle.secondary)
    async def details(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        lines = rejection_lines(self.progress, self.refused)
        card = summary_card(self.progress, self.refused)
        await interaction.response.send_message(embed=card, ephemeral=True)
        if on_card(lines) < len(lines):
            source = PageSource.from_list(
                lines,  # type: ignore[arg-type]
                rejection_page,  # type: ignore[arg-type]
                per_page=REJECTED_PER_PAGE,
            )
            await Paginator(source, owner_id=self.moderator_id).start(interaction, ephemeral=True)


class ImportDisplay:
    """Where an import's progress shows: the moderator's private reply while its token
    lasts, then (`move`) an ordinary message in the channel, if the bot may post there."""

    def __init__(
        self,
        interaction: discord.Interaction,
        progress: Progress,
        controls: ImportControls,
        *,
        clock: WallClock,
        handoff_after: float = HANDOFF_AFTER,
    ) -> None:
        self.interaction = interaction
        self.progress = progress
        self.controls = controls
        self.clock = clock  # the bot's "now" (tests move it with the loopback Discord's)
        self.handoff_after = handoff_after
        self.can_post = may_post(interaction)
        self.message: discord.Message | None = None  # in the channel, once moved
        self.lost = False  # the token is over and the bot may not post: nothing shows

    @property
    def moved(self) -> bool:
        return self.message is not None

    def token_age(self) -> float:
        """Seconds since Discord created the interaction (its token lasts 15 minutes)."""
        return (self.clock.utcnow() - self.interaction.created_at).total_seconds()

    def _private_text(self) -> str:
        text = progress_text(self.progress)
        return text if self.can_post else f"{text}\n{CANNOT_POST}"

    async def start(self) -> int:
        """The first progress line, with the Cancel button; the reply's message id."""
        message = await self.interaction.edit_original_response(
            content=self._private_text(), view=self.controls
        )
        return message.id

    async def update(self) -> None:
        """Show the progress now (moving it first when the token is nearly over)."""
        if self.lost:
            return
        age = self.token_age()
        if not self.moved and age > self.handoff_after:
            await self.move(expired=age > TOKEN_LIFETIME)
        if self.message is not None:
            if self.controls.is_finished():  # cancelled: the button is gone
                self.message = await self.message.edit(
                    content=public_progress(self.progress), view=None
                )
            else:
                self.message = await self.message.edit(content=public_progress(self.progress))
            return
        if self.lost:
            return
        try:
            await self.interaction.edit_original_response(content=self._private_text())
        except discord.HTTPException as err:
            if not token_expired(err):
                raise
            await self.move(expired=True)

    async def move(self, *, expired: bool) -> None:
        """Continue in a channel message (the private reply says where, while it can)."""
        channel = self.interaction.channel
        if not self.can_post or channel is None:
            self.lost = True
            log.info(
                "import of %s: the token is over and the bot may not post", self.progress.source
            )
            return
        view = None if self.controls.is_finished() else self.controls
        try:
            self.message = await channel.send(  # type: ignore[union-attr]
                content=public_progress(self.progress),
                view=view,  # type: ignore[arg-type]
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException:
            log.warning(
                "import of %s: could not post its progress", self.progress.source, exc_info=True
            )
            self.lost = True
            return
        if not expired:
            with contextlib.suppress(discord.HTTPException):
                await self.interaction.edit_original_response(
                    content=moved_text(self.message.jump_url), view=None
                )

    async def finish(self, refused: list[tuple[str, str]]) -> None:
        """The summary: in the private reply (long rejection lists as private pages), or —
        once moved — counts in the channel message, the names behind Details."""
        if not self.moved and not self.lost and self.token_age() > TOKEN_LIFETIME:
            await self.move(expired=True)
        if not self.moved and not self.lost:
            try:
                await self.interaction.edit_original_response(
                    content=None, embed=summary_card(self.progress, refused), view=None
                )
            except discord.HTTPException as err:
                if not token_expired(err):
                    raise
                await self.move(expired=True)
            else:
                lines = rejection_lines(self.progress, refused)
                if on_card(lines) < len(lines):  # all of them, paged, privately
                    source = PageSource.from_list(
                        lines,  # type: ignore[arg-type]
                        rejection_page,  # type: ignore[arg-type]
                        per_page=REJECTED_PER_PAGE,
                    )
                    pages = Paginator(source, owner_id=self.progress.started_by)
                    await pages.start(self.interaction, ephemeral=True)
                return
        if self.message is not None:
            self.message = await self.message.edit(
                content=None,
                embed=summary_card(self.progress, refused, names=False),
                view=ImportDetails(self.progress, refused),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        else:
            log.info("import of %s ended; its summary could not be shown", self.progress.source)


class ImportControls(ModeratorView):
    """The Cancel button under an import's progress: only the moderator who started the
    import, and only while still a moderator (checked on the press), may stop it. The
    import then stops after the files being stored at that moment."""

    action = "this import"

    def __init__(self, progress: Progress) -> None:
        super().__init__(progress.started_by, timeout=None)  # as long as the import runs
        self.progress = progress

    @discord.ui.button(label="Cancel import", style=discord.ButtonStyle.danger)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.progress.cancelled_by = interaction.user.id
        self.stop()
        await interaction.response.edit_message(content=progress_text(self.progress), view=None)


def restarted_text(run: RunRecord) -> str:
    """The progress reply of an import a bot restart stopped, as the restarted bot edits it."""
    done = f" (at least {run.done} of {run.total} files were done)" if run.done else ""
    return (
        f"The import of `{code_name(run.source, 80)}` stopped: the bot restarted{done}. "
        "Every story stored before the restart is whole; the other files were not imported. "
        "Run `/library import` again with the same zip to finish: stories "
        "already in the library are reported unchanged."
    )


def summary_card(
    p: Progress, refused: list[tuple[str, str]], *, names: bool = True
) -> discord.Embed:
    """The finished import: counts, then every rejected file with its reason (after a
    cancel: what was stored before it, and what was not processed). Without `names`
    (a message everyone in the channel sees) the counts only."""
    rejected = refused + p.rejected
    counts = (
        f"**{p.added}** added · **{p.updated}** updated · **{p.unchanged}** unchanged · "
        f"**{len(rejected)}** rejected ({time.monotonic() - p.started:.1f} s)"
    )
    if p.cancelled:
        embed = discord.Embed(
            title=clip(f"Import of {p.source} cancelled", 256), colour=discord.Colour.orange()
        )
        embed.description = (
            f"Cancelled by <@{p.cancelled_by}> after {p.done} of {p.total} files. Stored "
            f"before the stop: {counts}.\n**{len(p.not_processed)}** not processed: nothing "
            "of them was stored. Run `/library import` again with the same zip to import "
            "them — stories already stored are reported unchanged."
        )
        if p.not_processed and names:
            lines = [f"`{code_name(name, 60)}`" for name in p.not_processed]
            shown = fit_lines(lines, CARD_ROOM)
            count = shown.count("\n") + 1 if shown else 0
            if count < len(lines):
                shown += f"\n… and {len(lines) - count} more"
            embed.add_field(name="Not processed", value=shown or "—", inline=False)
    else:
        embed = discord.Embed(
            title=clip(f"Imported {p.source}", 256), colour=discord.Colour.green()
        )
        embed.description = counts
    if not names:
        embed.description += (
            f"\n<@{p.started_by}>: **Details** shows you each file's name and reason."
        )
    elif rejected:
        lines = rejection_lines(p, refused)
        shown = fit_lines(lines, CARD_ROOM)
        count = on_card(lines)
        if count < len(lines):
            shown += f"\n… and {len(lines) - count} more: see the pages below"
        embed.add_field(name="Rejected", value=shown or "—", inline=False)
    return embed


def on_card(lines: list[str]) -> int:
    """How many rejection lines fit on the summary card."""
    shown = fit_lines(lines, CARD_ROOM)
    return shown.count("\n") + 1 if shown else 0


def rejection_lines(p: Progress, refused: list[tuple[str, str]]) -> list[str]:
    return [f"`{code_name(name, 60)}`: {safe(reason)}" for name, reason in refused + p.rejected]


def rejection_page(lines: list[str], page: int, pages: int, total: int) -> discord.Embed:
    embed = discord.Embed(title="Rejected files", colour=discord.Colour.orange())
    embed.description = fit_lines(lines, 4000)
    embed.set_footer(text=f"{total} rejected · page {page} of {pages}")
    return embed
