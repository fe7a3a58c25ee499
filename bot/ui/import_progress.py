"""What `/library import` shows: a progress line edited as the zip is imported, with a
Cancel button, then the summary (added, updated, unchanged, rejected with each reason;
after a cancel, what was not processed)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import discord

from bot.render import FIELD_VALUE_MAX, clip, fit_lines, safe
from bot.ui.confirm import ModeratorView
from bot.ui.library_cards import code_name
from bot.uploads import RunRecord

BAR_WIDTH = 20
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


def summary_card(p: Progress, refused: list[tuple[str, str]]) -> discord.Embed:
    """The finished import: counts, then every rejected file with its reason (after a
    cancel: what was stored before it, and what was not processed)."""
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
        if p.not_processed:
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
    if rejected:
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
