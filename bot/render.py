"""Embeds: story cards, passages, lists. Every string from a story is neutralised and
every embed is trimmed to Discord's limits (per field and the 6,000-character total)."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.library.audience import DM, Audience
from bot.library.excerpts import Passage
from bot.library.model import RatingLevel, Status
from bot.library.records import RatingSummary, ReaderRating, StoryRecord
from bot.library.safety import neutralise_mentions

# Discord's embed limits
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
SELECT_LABEL_MAX = 100
SELECT_DESCRIPTION_MAX = 100

BADGES: dict[RatingLevel, str] = {
    RatingLevel.GENERAL: "🟢 General",
    RatingLevel.TEEN: "🟡 Teen",
    RatingLevel.MATURE: "🟠 Mature",
    RatingLevel.EXPLICIT: "🔴 Explicit",
    RatingLevel.NOT_RATED: "⚪ Not Rated",
}
COLOURS: dict[RatingLevel, int] = {
    RatingLevel.GENERAL: 0x4CAF50,
    RatingLevel.TEEN: 0xF2C94C,
    RatingLevel.MATURE: 0xF2994A,
    RatingLevel.EXPLICIT: 0xEB5757,
    RatingLevel.NOT_RATED: 0x9E9E9E,
}
STATUS_TEXT = {
    Status.COMPLETE: "Complete",
    Status.WIP: "Work in progress",
    Status.UNKNOWN: "Unknown",
}
ADULT_NOTE = "Rated {rating}: its text and summary are shown only in age-restricted channels."


def safe(text: str | None) -> str:
    """User content made safe to show: mention syntax neutralised."""
    return neutralise_mentions(text or "")


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, at a word end when possible, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


def plural(n: int, noun: str) -> str:
    """`noun` as it goes with `n`: 'story' / 'stories', 'word' / 'words'."""
    if n == 1:
        return noun
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def count(n: int, noun: str) -> str:
    """'1 story', '2 stories', '1,394 words'."""
    return f"{n:,} {plural(n, noun)}"


def fit_lines(lines: Sequence[str], limit: int) -> str:
    """As many whole lines as fit in `limit` characters (each clipped to `limit` first)."""
    out: list[str] = []
    used = 0
    for raw in lines:
        line = clip(raw, limit)
        needed = len(line) + (1 if out else 0)  # a newline before every line but the first
        if used + needed > limit:
            break
        out.append(line)
        used += needed
    return "\n".join(out)


def badge(level: RatingLevel) -> str:
    return BADGES[level]


def stars(value: float | None) -> str:
    """★★★★☆ for a 1-5 average rounded to the nearest star; ☆☆☆☆☆ when unrated."""
    if value is None:
        return "☆☆☆☆☆"
    full = max(0, min(5, round(value)))
    return "★" * full + "☆" * (5 - full)


def authors_text(story: StoryRecord) -> str:
    return safe(", ".join(story.authors)) if story.authors else "Unknown author"


def community_rating(summary: RatingSummary) -> str:
    """The honest number: the plain average and how many ratings ("★ 4.0 · 1 rating").
    The Bayesian average only ranks lists; it is never shown as a story's score."""
    if summary.count == 0 or summary.mean is None:
        return "No ratings yet"
    return f"★ {summary.mean:.1f} · {count(summary.count, 'rating')}"


def chapters_text(story: StoryRecord) -> str:
    """AO3 style: present/declared, "?" when the total is unknown (a complete story with
    no declared total has all its chapters)."""
    total = story.total_chapters
    if not total and story.status is Status.COMPLETE:
        total = story.chapter_count
    return f"{story.chapter_count}/{total if total else '?'}"


def story_line(story: StoryRecord, *, extra: str | None = None) -> str:
    """One list entry: **Title** by Author · badge · pairing."""
    parts = [f"**{clip(safe(story.title), 120)}** by {clip(authors_text(story), 80)}"]
    detail = [badge(story.rating_level)]
    if story.pairings:
        detail.append(clip(safe(", ".join(story.pairings[:2])), 90))
    detail.append(f"{story.words:,} words")
    if extra:
        detail.append(extra)
    return parts[0] + "\n" + " · ".join(detail)


def story_card(
    story: StoryRecord,
    summary: RatingSummary,
    *,
    own_stars: int | None,
    own_label: str | None = "Your rating",
    show_text: bool,
    reviews: Sequence[ReaderRating] = (),
    review_count: int = 0,
    series_parts: Sequence[StoryRecord] = (),
    audience: Audience = DM,
) -> discord.Embed:
    """The card: title, author, badge, pairings, characters, status, size, summary, stars,
    and the latest reviews (the caller passes none where the story's text may not show)."""
    embed = discord.Embed(
        title=clip(safe(story.title), TITLE_MAX), colour=COLOURS[story.rating_level]
    )
    embed.set_author(name=clip(f"by {authors_text(story)}", AUTHOR_MAX))
    if show_text:
        if story.summary:
            embed.description = clip(safe(story.summary), 1500)
    else:
        embed.description = ADULT_NOTE.format(rating=story.rating_level.value)
    rating_value = badge(story.rating_level)
    if story.rating_inferred:
        rating_value += " (judged)"
    embed.add_field(name="Rating", value=rating_value, inline=True)
    embed.add_field(name="Status", value=STATUS_TEXT[story.status], inline=True)
    embed.add_field(
        name="Length",
        value=f"{story.words:,} words · {chapters_text(story)} chapters",
        inline=True,
    )
    if show_text:
        if story.pairings:
            embed.add_field(
                name="Pairings", value=clip(safe(", ".join(story.pairings)), 500), inline=False
            )
        if story.characters:
            embed.add_field(
                name="Characters",
                value=clip(safe(", ".join(story.characters)), 500),
                inline=False,
            )
        if story.warnings:
            embed.add_field(
                name="Warnings", value=clip(safe(", ".join(story.warnings)), 300), inline=False
            )
    if story.series:
        embed.add_field(
            name="Series", value=series_text(story, series_parts, audience), inline=False
        )
    embed.add_field(name="Community rating", value=community_rating(summary), inline=True)
    if own_label is not None:
        mine = (
            f"{stars(own_stars)} ({own_stars}/5)"
            if own_stars
            else "Not rated — use the stars below"
        )
        embed.add_field(name=clip(safe(own_label), FIELD_NAME_MAX), value=mine, inline=True)
    if reviews:
        name = "Latest reviews" if review_count > len(reviews) else "Reviews"
        if review_count > len(reviews):
            name += f" ({len(reviews)} of {review_count})"
        embed.add_field(
            name=name, value=fit_lines([review_line(r) for r in reviews], 1000), inline=False
        )
    embed.set_footer(text=f"Story #{story.id}")
    return fit_embed(embed)


def series_text(story: StoryRecord, parts: Sequence[StoryRecord], audience: Audience) -> str:
    """The series field: "Part 2 of *Dark Days*", then the other parts in order; an adult
    part's title only where `audience` may list it (the others are counted, not named —
    where it may be told of them at all: the caller leaves out parts it may not see)."""
    name = discord.utils.escape_markdown(clip(safe(story.series), 200))
    head = f"Part {story.series_part} of *{name}*" if story.series_part else f"Part of *{name}*"
    others = [p for p in parts if p.id != story.id]
    listed, hidden = audience.listable(others)
    lines = [head]
    for part in listed:
        where = f"Part {part.series_part}" if part.series_part else "Part ?"
        lines.append(f"{where}: {clip(safe(part.title), 100)} (#{part.id})")
    if hidden:
        lines.append(f"…and {count(hidden, 'adult part')}, listed only in age-restricted channels")
    text = fit_lines(lines, 1000)
    shown = text.count("\n") + 1
    if shown < len(lines):  # what did not fit is said, not silently dropped
        text = fit_lines(
            [*lines[: shown - 1], f"…{len(lines) - shown + 1} more: /browse series"], 1000
        )
    return text


def review_line(rating: ReaderRating) -> str:
    """★★★★☆ “Loved the ending” — @reader (a mention in an embed never pings)."""
    text = clip(safe(rating.review or ""), 280)
    return f"{stars(rating.stars)} “{text}” — <@{rating.user_id}>"


def passage_embed(
    story: StoryRecord, passage: Passage, *, heading: str | None = None
) -> discord.Embed:
    """A passage of story text with title, author and rating badge."""
    embed = discord.Embed(
        title=clip(safe(story.title), TITLE_MAX),
        description=clip(safe(passage.text), DESCRIPTION_MAX),
        colour=COLOURS[story.rating_level],
    )
    embed.set_author(
        name=clip(f"by {authors_text(story)} · {badge(story.rating_level)}", AUTHOR_MAX)
    )
    where = []
    heading_differs = passage.chapter_heading not in (None, story.title)
    if passage.chapter_count > 1 or heading_differs:
        chapter = passage.chapter_heading or f"Chapter {passage.chapter}"
        where.append(f"{safe(chapter)} ({passage.chapter}/{passage.chapter_count})")
    where.append(f"passage {passage.number} of {passage.count}")
    if heading:
        where.insert(0, heading)
    embed.set_footer(text=clip(" · ".join(where), FOOTER_MAX))
    return fit_embed(embed)


def list_embed(
    title: str,
    lines: Sequence[str],
    *,
    page: int,
    pages: int,
    total: int,
    note: str | None = None,
    empty: str = "Nothing here.",
) -> discord.Embed:
    """A numbered page of list entries ("page n of N" in the footer)."""
    embed = discord.Embed(title=clip(title, TITLE_MAX), colour=0x5865F2)
    body = "\n\n".join(lines) if lines else empty
    if note:
        body = f"{body}\n\n*{note}*"
    embed.description = clip(body, DESCRIPTION_MAX)
    embed.set_footer(text=f"Page {page} of {max(pages, 1)} · {total} {plural(total, 'story')}")
    return fit_embed(embed)


def embed_length(embed: discord.Embed) -> int:
    return len(embed)


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Trim every part to Discord's limits, then the description/fields to the 6000 total."""
    if embed.title:
        embed.title = clip(embed.title, TITLE_MAX)
    if embed.description:
        embed.description = clip(embed.description, DESCRIPTION_MAX)
    if embed.author and embed.author.name:
        embed.set_author(
            name=clip(embed.author.name, AUTHOR_MAX),
            url=embed.author.url,
            icon_url=embed.author.icon_url,
        )
    if embed.footer and embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, FOOTER_MAX), icon_url=embed.footer.icon_url)
    fields = embed.fields[:FIELDS_MAX]
    embed.clear_fields()
    for f in fields:
        embed.add_field(
            name=clip(f.name or "\u200b", FIELD_NAME_MAX),
            value=clip(f.value or "\u200b", FIELD_VALUE_MAX),
            inline=bool(f.inline),
        )
    excess = len(embed) - EMBED_TOTAL_MAX
    if excess > 0 and embed.description:
        keep = max(len(embed.description) - excess, 1)
        embed.description = clip(embed.description, keep)
        excess = len(embed) - EMBED_TOTAL_MAX
    while excess > 0 and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
        excess = len(embed) - EMBED_TOTAL_MAX
    return embed


def select_label(story: StoryRecord) -> str:
    return clip(safe(story.title), SELECT_LABEL_MAX) or f"Story #{story.id}"


def select_description(story: StoryRecord) -> str:
    return clip(f"{story.rating_level.value} · {authors_text(story)}", SELECT_DESCRIPTION_MAX)
