"""What the store hands back: plain frozen records, never holding chapter text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from bot.library.model import RatingLevel, Status

ImportAction = Literal["added", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What `Store.import_story` did with one parsed story."""

    action: ImportAction
    story_id: int
    title: str
    detail: str | None = None  # e.g. why a shorter re-import left the story unchanged


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """One story's metadata as stored (chapter text is read separately)."""

    id: int
    guild_id: int
    title: str  # display title: declared, else the parser's fallback
    title_declared: bool
    authors: list[str]
    rating_level: RatingLevel
    rating_declared: str | None
    rating_inferred: bool
    pairings: list[str]
    characters: list[str]
    fandoms: list[str]
    tags: list[str]
    warnings: list[str]
    summary: str | None
    notes: list[str]
    disclaimer: str | None
    status: Status
    words: int
    chapter_count: int
    total_chapters: int | None
    source_name: str | None
    created_at: datetime
    updated_at: datetime
    inferred_pairings: list[str] = field(default_factory=list)  # subset of `pairings`
    epigraph: str | None = None
    spoilers: str | None = None
    language: str | None = None
    layout: str | None = None
    encoding: str | None = None
    added_by: int | None = None
    series: str | None = None  # the series it declares, e.g. "Dark Days"
    series_part: int | None = None  # its part in that series, when declared

    @property
    def is_adult(self) -> bool:
        """AO3's rule: Mature, Explicit and Not Rated are adult."""
        return self.rating_level.is_adult


@dataclass(frozen=True, slots=True)
class ChapterInfo:
    index: int  # 1-based position in the story
    number: int | None
    label: str | None
    title: str | None
    words: int


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """What the in-memory search index needs about one story."""

    story_id: int
    title: str
    authors: tuple[str, ...]
    rating_level: RatingLevel

    @property
    def is_adult(self) -> bool:
        return self.rating_level.is_adult


@dataclass(frozen=True, slots=True)
class ReaderRating:
    story_id: int
    user_id: int
    stars: int
    review: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """`bayesian` = (C·m + Σstars) / (C + n): m is the guild's mean, C the prior weight."""

    count: int
    mean: float | None  # None when nobody has rated the story
    bayesian: float


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What a story's card shows that is the same for every member (kept in memory by
    `bot.library.cards`): the story, its latest written reviews (newest first) and how
    many there are, and the stories of its series in part order (empty without one)."""

    story: StoryRecord
    reviews: tuple[ReaderRating, ...]
    review_count: int
    series_parts: tuple[StoryRecord, ...]


@dataclass(frozen=True, slots=True)
class StoryCard:
    """Everything a story's card shows for one member: the shared facts, the community
    rating, and the member's own stars (None when they have not rated it)."""

    facts: CardFacts
    summary: RatingSummary
    own_stars: int | None

    @property
    def story(self) -> StoryRecord:
        return self.facts.story


@dataclass(frozen=True, slots=True)
class RatedOutcome:
    """What one rating did: the reader's rating before (None if new) and after, and the
    story's community rating with it — all from the rating's own transaction."""

    before: ReaderRating | None
    after: ReaderRating
    summary: RatingSummary


@dataclass(frozen=True, slots=True)
class DailySchedule:
    """Where and when a guild's daily pick is posted."""

    channel_id: int
    hour: int  # 0-23, UTC
    first_day: date  # the first day a pick is due

    def due_day(self, now: datetime) -> date | None:
        """The UTC day whose pick is due at `now` (its hour has come), or None."""
        now = now.astimezone(UTC)
        day = now.date()
        if day < self.first_day or now.hour < self.hour:
            return None
        return day

    def next_post(self, now: datetime) -> datetime:
        """When the next pick is due, at or after `now`'s day (for telling the moderator)."""
        now = now.astimezone(UTC)
        day = max(now.date(), self.first_day)
        at = datetime.combine(day, time(self.hour), UTC)
        return at if at >= now else at + timedelta(days=1)

    def to_json(self) -> dict[str, Any]:
        return {
            "channel_id": self.channel_id,
            "hour": self.hour,
            "first_day": self.first_day.isoformat(),
        }

    @classmethod
    def from_json(cls, value: Any) -> DailySchedule | None:
        """The schedule a stored setting holds; None for anything malformed (no pick)."""
        try:
            schedule = cls(
                channel_id=int(value["channel_id"]),
                hour=int(value["hour"]),
                first_day=date.fromisoformat(value["first_day"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return schedule if 0 <= schedule.hour <= 23 else None


@dataclass(frozen=True, slots=True)
class GuildSettings:
    list_adult_titles: bool | None = None  # None: use the bot-wide default
    moderator_role_id: int | None = None
    announce_channel_id: int | None = None  # where new and updated stories are announced
    daily_pick: DailySchedule | None = None  # /settings daily-pick; None: off
    extra_safe: bool = False  # adult stories hidden entirely from members (bot.library.audience)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    guild_id: int
    actor_id: int | None
    action: str  # added | updated | edited | removed | setting | trashed | … | daily_pick
    story_id: int | None
    title: str | None
    detail: dict
    at: datetime


@dataclass(frozen=True, slots=True)
class LibraryStats:
    """Counts for a guild (or the whole database) and its most used pairings."""

    counts: dict  # stories, chapters, words, authors, …, by_rating, by_status
    top_pairings: list[tuple[str, int]]  # (pairing, number of stories), most used first


@dataclass(frozen=True, slots=True)
class StoryPage:
    """One page of a filtered list, the number of stories that match, and how many more
    match but were left out because adult titles may not be listed here."""

    stories: list[StoryRecord]
    total: int
    hidden_adult: int = 0
