"""What moderators see from `/library`: the card for a story added, updated, found
unchanged or edited (with the fields still to fill in), audit-log lines and the stats card.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.library.model import RatingLevel
from bot.library.preview import Draft, findings
from bot.library.records import AuditEntry, StoryRecord
from bot.render import (
    DESCRIPTION_MAX,
    FIELD_VALUE_MAX,
    STATUS_TEXT,
    TITLE_MAX,
    authors_text,
    badge,
    clip,
    count,
    fit_embed,
    fit_lines,
    safe,
)

ACTION_COLOURS = {
    "added": discord.Colour.green(),
    "updated": discord.Colour.blue(),
    "unchanged": discord.Colour.light_grey(),
    "edited": discord.Colour.blue(),
    "restored": discord.Colour.green(),
}
ACTION_HEADINGS = {
    "added": "Added",
    "updated": "Updated",
    "unchanged": "Unchanged",
    "edited": "Edited",
    "restored": "Restored",
}
ACTION_NOTES = {
    "added": "New in the library.",
    "updated": "This file is a newer version of a story already in the library; it was "
    "updated in place.",
    "unchanged": "This story is already in the library; nothing changed.",
}
FIELD_NAMES = {
    "title": "title",
    "authors": "author",
    "rating_level": "rating",
    "pairings": "pairings",
    "status": "status",
    "summary": "summary",
}
STATS_COUNTS = (
    ("stories", "story"),
    ("chapters", "chapter"),
    ("words", "word"),
    ("authors", "author"),
    ("ratings", "reader rating"),
)


def code_name(name: str, limit: int) -> str:
    """A file name safe to show between backticks."""
    return clip(safe(name).replace("`", "'"), limit)


def sizes(size: int, limit: int) -> tuple[str, str]:
    """A file size and the limit in MB, or in bytes when MB would show them equal."""
    shown = f"{size / (1024 * 1024):.1f} MB", f"{limit / (1024 * 1024):.1f} MB"
    if shown[0] == shown[1]:
        return f"{size:,} bytes", f"{limit:,} bytes"
    return shown


# ---------------------------------------------------------------- the story card


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


def library_card(
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
    embed.add_field(name="Author", value=clip(authors_text(record), FIELD_VALUE_MAX))
    embed.add_field(name="Rating", value=rating_line(record))
    embed.add_field(name="Status", value=STATUS_TEXT.get(record.status, str(record.status)))
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


# ---------------------------------------------------------------- the add preview


def bullets(items: list[str]) -> str:
    return clip("\n".join(f"• {safe(item)}" for item in items), FIELD_VALUE_MAX)


def preview_card(draft: Draft, *, expires_at: int | None = None) -> discord.Embed:
    """What `/library add` found in a file, before anything is stored."""
    story = draft.story
    title = safe(story.title or story.title_fallback or "Untitled")
    embed = discord.Embed(title=clip(f"Preview: {title}", TITLE_MAX), colour=discord.Colour.gold())
    lines = [
        "Not saved yet: check what was read, **Edit** what is wrong, then **Save**.",
        f"File: `{code_name(draft.source_name, 200)}`",
    ]
    if expires_at is not None:
        lines.append(f"This preview expires <t:{expires_at}:R> if not saved.")
    embed.description = "\n".join(lines)
    report = findings(draft)
    embed.add_field(name="Rating", value=badge(story.rating.level))
    embed.add_field(name="Chapters", value=f"{len(story.chapters):,}")
    embed.add_field(name="Words", value=f"{story.words:,}")
    if report.found:
        embed.add_field(name="Found", value=bullets(report.found), inline=False)
    if report.inferred:
        embed.add_field(name="Inferred — check these", value=bullets(report.inferred), inline=False)
    if report.missing:
        embed.add_field(name="Missing", value=bullets(report.missing), inline=False)
    if report.flags:
        embed.add_field(name="The parser flagged", value=bullets(report.flags), inline=False)
    if draft.unknown_names:
        names = ", ".join(safe(n) for n in draft.unknown_names)
        embed.add_field(
            name="Unknown names — confirm or fix",
            value=clip(
                f"{names}: not in the fandom tables or this library. Press **Names are "
                "right** to keep them as typed, or **Edit** to fix them.",
                FIELD_VALUE_MAX,
            ),
            inline=False,
        )
    return fit_embed(embed)


# ---------------------------------------------------------------- the trash


def trash_card(entries: list[Any], *, keep_days: int) -> discord.Embed:
    """`/library trash`: what was removed, by whom, and until when it can come back."""
    embed = discord.Embed(title="Trash", colour=discord.Colour.dark_grey())
    lines = []
    for entry in entries:
        story = entry.story
        who = f"<@{entry.removed_by}>" if entry.removed_by else "the command line"
        lines.append(
            f"**{clip(safe(story.title), 80)}** (#{story.id}) — removed by {who} "
            f"<t:{int(entry.removed_at.timestamp())}:R>, deleted for good "
            f"<t:{int(entry.expires_at.timestamp())}:R>"
        )
    embed.description = fit_lines(lines, DESCRIPTION_MAX)
    embed.set_footer(
        text=f"{len(entries)} in the trash · kept {keep_days} days · /library restore "
        "brings one back"
    )
    return embed


# ---------------------------------------------------------------- the audit log


SETTING_WORDS = {
    ("list_adult_titles", True): "turned on adult titles in lists",
    ("list_adult_titles", False): "turned off adult titles in lists",
    ("extra_safe", True): "turned on extra-safe mode (adult stories hidden from members)",
    ("extra_safe", False): "turned off extra-safe mode",
    ("extra_safe", None): "turned off extra-safe mode",
}
FIELD_WORDS = {
    "title": "the title",
    "authors": "the authors",
    "rating_level": "the rating",
    "pairings": "the pairings",
    "status": "the status",
    "summary": "the summary",
    "characters": "the characters",
    "tags": "the tags",
    "warnings": "the warnings",
    "fandoms": "the fandoms",
    "total_chapters": "the chapter total",
}


def setting_words(key: str, value: Any, guild: discord.Guild | None) -> str:
    """A setting change in plain words ("turned on adult titles in lists")."""
    if key == "daily_pick":
        if not isinstance(value, dict):
            return "turned off the daily pick"
        channel, hour = safe(str(value.get("channel_id"))), safe(str(value.get("hour")))
        return f"set the daily pick to <#{channel}> at {hour.zfill(2)}:00 UTC"
    known = SETTING_WORDS.get((key, value))
    if known:
        return known
    if key == "moderator_role_id":
        if value is None:
            return "cleared the moderator role (back to the bot's default)"
        role = guild.get_role(int(value)) if guild is not None and str(value).isdigit() else None
        name = safe(role.name) if role is not None else f"a role (id {value})"
        return f"made {name} the moderator role"
    if key == "announce_channel_id":
        if value is None:
            return "turned off story announcements"
        return f"set story announcements to <#{safe(str(value))}>"
    shown = "on" if value is True else "off" if value is False else safe(str(value))
    return f"set {safe(key.replace('_', ' '))} to {shown}"


def daily_pick_words(entry: AuditEntry, detail: dict) -> str:
    """What the daily pick did one day: posted a story, could not post it (why), or found
    nothing to feature."""
    where = f"<#{safe(str(detail.get('channel_id', '?')))}>"
    reason = safe(str(detail.get("reason", "")))
    status = detail.get("status")
    if status == "posted":
        return f"featured {_story(entry)} in {where}"
    if status == "failed":
        return f"could not post {_story(entry)} in {where}: {reason}"
    return f"had nothing to feature in {where}: {reason}"


def _story(entry: AuditEntry) -> str:
    what = f"**{clip(safe(entry.title or ''), 100) or 'a story'}**"
    if entry.story_id is not None:
        what += f" (#{entry.story_id})"
    return what


def audit_line(entry: AuditEntry, guild: discord.Guild | None = None) -> str:
    """One log line in plain words: when, who, what."""
    when = f"<t:{int(entry.at.timestamp())}:f>"
    who = f"<@{entry.actor_id}>" if entry.actor_id else "the command line"
    if entry.action == "daily_pick":
        who = "the daily pick"
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    action = entry.action
    if action == "setting":
        what = setting_words(str(detail.get("key", "?")), detail.get("value"), guild)
    elif action == "added":
        what = f"added {_story(entry)}"
        source = detail.get("source")
        if isinstance(source, str) and source:
            what += f" from `{code_name(source, 80)}`"
    elif action == "updated":
        what = f"updated {_story(entry)} from a new upload"
        chapters = detail.get("chapters")
        if isinstance(chapters, list) and len(chapters) == 2:
            what += f" ({chapters[0]} → {chapters[1]} chapters)"
    elif action == "edited":
        fields = detail.get("fields")
        names = [FIELD_WORDS.get(str(k), safe(str(k))) for k in fields] if fields else []
        what = f"changed {', '.join(names) or 'the details'} of {_story(entry)}"
    elif action == "trashed":
        what = f"moved {_story(entry)} to the trash"
    elif action == "restored":
        what = f"restored {_story(entry)} from the trash"
    elif action == "removed":
        what = f"deleted {_story(entry)} for good"
    elif action == "daily_pick":
        what = daily_pick_words(entry, detail)
    elif action == "emptied_trash":
        what = f"emptied the trash ({detail.get('stories', '?')} stories deleted for good)"
    else:
        what = f"{safe(action)} {_story(entry)}"
    return f"{when} {who} {what}"


def log_card(
    entries: list[AuditEntry],
    *,
    guild: discord.Guild | None = None,
    page: int = 1,
    pages: int = 1,
    total: int | None = None,
    about: str | None = None,
) -> discord.Embed:
    """A page of the library log, newest first."""
    title = "Library log" + (f" — {about}" if about else "")
    embed = discord.Embed(title=clip(title, TITLE_MAX), colour=discord.Colour.blurple())
    embed.description = fit_lines([audit_line(e, guild) for e in entries], DESCRIPTION_MAX)
    count_text = f"{total if total is not None else len(entries)} changes"
    embed.set_footer(text=f"{count_text}, newest first · page {page} of {pages}")
    return embed


# ---------------------------------------------------------------- stats


def stats_card(stats: dict[str, Any], top_pairings: list[tuple[str, int]]) -> discord.Embed:
    embed = discord.Embed(title="Library stats", colour=discord.Colour.blurple())
    embed.description = " · ".join(count(stats.get(key, 0), noun) for key, noun in STATS_COUNTS)
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
        for status, name in STATUS_TEXT.items()
        if by_status.get(status.value)
    ]
    embed.add_field(name="By status", value="\n".join(status_lines) or "none")
    pairing_lines = [f"{safe(name)}: {n:,}" for name, n in top_pairings]
    embed.add_field(
        name="Top pairings",
        value=clip("\n".join(pairing_lines), FIELD_VALUE_MAX) or "none",
        inline=False,
    )
    return fit_embed(embed)
