"""Embeds stay inside Discord's limits and never carry a live mention."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

from bot.library.excerpts import Passage
from bot.library.model import RatingLevel, Status
from bot.library.records import RatingSummary, StoryRecord
from bot.library.safety import has_live_mention
from bot.render import (
    ADULT_NOTE,
    BADGES,
    EMBED_TOTAL_MAX,
    badge,
    clip,
    community_rating,
    count,
    fit_embed,
    fit_lines,
    list_embed,
    passage_embed,
    plural,
    stars,
    story_card,
    story_line,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def record(**over) -> StoryRecord:
    base = {
        "id": 7,
        "guild_id": 1,
        "title": "Walking in Dreams",
        "title_declared": True,
        "authors": ["Sweetprincipale"],
        "rating_level": RatingLevel.TEEN,
        "rating_declared": None,
        "rating_inferred": True,
        "pairings": ["Buffy Summers/Spike"],
        "characters": ["Buffy Summers", "Spike"],
        "fandoms": ["Buffy the Vampire Slayer"],
        "tags": [],
        "warnings": [],
        "summary": "Spike dreams.",
        "notes": [],
        "disclaimer": None,
        "status": Status.COMPLETE,
        "words": 3147,
        "chapter_count": 1,
        "total_chapters": None,
        "source_name": "x.txt",
        "created_at": NOW,
        "updated_at": NOW,
    }
    base.update(over)
    return StoryRecord(**base)


def embed_text(embed: discord.Embed) -> str:
    d = embed.to_dict()
    parts = [d.get("title", ""), d.get("description", ""), d.get("footer", {}).get("text", "")]
    parts.append(d.get("author", {}).get("name", ""))
    for f in d.get("fields", []):
        parts += [f["name"], f["value"]]
    return "\n".join(parts)


def test_badges_and_stars():
    assert set(BADGES) == set(RatingLevel)
    assert "Explicit" in badge(RatingLevel.EXPLICIT)
    assert stars(None) == "☆☆☆☆☆"
    assert stars(4.4) == "★★★★☆"
    assert stars(4.6) == "★★★★★"
    assert stars(1) == "★☆☆☆☆"
    assert community_rating(RatingSummary(0, None, 3.0)) == "No ratings yet"
    assert community_rating(RatingSummary(2, 4.5, 3.6)) == "★ 4.5 · 2 ratings"
    assert community_rating(RatingSummary(1, 4.0, 3.2)) == "★ 4.0 · 1 rating"  # not the prior


def test_clip():
    assert clip("short", 10) == "short"
    cut = clip("one two three four five six", 15)
    assert len(cut) <= 15 and cut.endswith("…")


def test_card_shows_everything_for_a_readable_story():
    e = story_card(record(), RatingSummary(3, 4.0, 3.5), own_stars=4, show_text=True)
    text = embed_text(e)
    for expected in (
        "Walking in Dreams",
        "Sweetprincipale",
        "🟡 Teen",
        "Buffy Summers/Spike",
        "Complete",
        "3,147 words",
        "1/1 chapters",
        "Spike dreams.",
        "· 3 ratings",
        "★★★★☆ (4/5)",
    ):
        assert expected in text


def test_card_for_adult_story_elsewhere_hides_summary_and_pairings():
    e = story_card(
        record(rating_level=RatingLevel.EXPLICIT, summary="SECRET SUMMARY"),
        RatingSummary(0, None, 3.0),
        own_stars=None,
        show_text=False,
    )
    text = embed_text(e)
    assert "SECRET SUMMARY" not in text
    assert ADULT_NOTE.format(rating="Explicit") in text
    assert "Walking in Dreams" in text and "Explicit" in text


def test_story_text_is_neutralised_everywhere():
    evil = "@everyone <@123456789012345678> <@&5> <#6>"
    r = record(title=f"Title {evil}", authors=[evil], summary=evil, pairings=[evil])
    e = story_card(r, RatingSummary(0, None, 3.0), own_stars=None, show_text=True)
    assert not has_live_mention(embed_text(e))
    p = Passage(story_id=7, chapter=1, chapter_count=1, number=1, count=1, text=evil)
    assert not has_live_mention(embed_text(passage_embed(r, p)))
    assert not has_live_mention(story_line(r))


def test_huge_fields_fit_discord_limits():
    big = "word " * 5000
    r = record(
        title=big,
        authors=[big],
        summary=big,
        pairings=[big] * 30,
        characters=[big] * 50,
        warnings=[big],
    )
    e = story_card(r, RatingSummary(0, None, 3.0), own_stars=None, own_label=big, show_text=True)
    d = e.to_dict()
    assert len(e) <= EMBED_TOTAL_MAX
    assert len(d["title"]) <= 256
    assert all(len(f["value"]) <= 1024 and len(f["name"]) <= 256 for f in d["fields"])
    p = Passage(
        story_id=7, chapter=2, chapter_count=3, number=1, count=1, text=big, chapter_heading=big
    )
    pe = passage_embed(r, p)
    assert len(pe) <= EMBED_TOTAL_MAX and len(pe.description) <= 4096


def test_fit_embed_trims_to_total():
    e = discord.Embed(title="t", description="d" * 4096)
    for i in range(30):
        e.add_field(name=f"f{i}", value="v" * 1024)
    fit_embed(e)
    assert len(e) <= EMBED_TOTAL_MAX
    assert len(e.fields) <= 25


def test_list_embed_pages():
    e = list_embed("Search", ["a", "b"], page=2, pages=3, total=25)
    assert e.footer.text == "Page 2 of 3 · 25 stories"
    empty = list_embed("Search", [], page=1, pages=1, total=0, empty="Nothing.")
    assert empty.description == "Nothing."


def test_count_pluralises() -> None:
    assert [count(1, "story"), count(2, "story"), count(1394, "word")] == [
        "1 story",
        "2 stories",
        "1,394 words",
    ]
    assert count(0, "reader rating") == "0 reader ratings"
    assert [plural(1, "story"), plural(3, "day"), plural(0, "rating")] == [
        "story",
        "days",
        "ratings",
    ]


def test_fit_lines_keeps_whole_lines_within_the_limit() -> None:
    assert fit_lines(["aaaa", "bbbb", "cccc"], 9) == "aaaa\nbbbb"
    assert fit_lines(["aaaa", "bbbb", "cccc"], 14) == "aaaa\nbbbb\ncccc"
    assert fit_lines([], 10) == ""
    # a line longer than the limit is clipped, not dropped; the next one fits after it
    long = fit_lines(["word " * 20, "next", "more"], 30)
    assert long == clip("word " * 20, 30) + "\nnext"
    assert len(long) <= 30
