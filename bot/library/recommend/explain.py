"""Why a story was picked, in words: reasons and the results that carry them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.library.records import RatingSummary, StoryRecord

Title = Callable[[str], str]
Name = Callable[[str], str]


def _italic(title: str) -> str:
    return f"*{title}*"


def _plain(name: str) -> str:
    return name


class ReasonKind(StrEnum):
    NAMED = "named"  # has a pairing the reader asked for
    COLIKED = "coliked"  # readers who liked a story the reader liked also liked this
    PAIRING = "pairing"  # shares a pairing with a story the reader liked
    CHARACTER = "character"  # shares a character with a story the reader liked
    SHARES = "shares"  # /similar: shares a pairing, character or tag with the story
    COMMUNITY = "community"  # rated well on the server
    NEW = "new"  # nothing else to say
    CAUTION = "caution"  # shares a pairing with a story the reader rated low


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason; `text()` words it (the caller decides how titles and names look)."""

    kind: ReasonKind
    subject: str | None = None  # the pairing, character or tag
    source: StoryRecord | None = None  # the story it is quoted from
    stars: int | None = None
    summary: RatingSummary | None = None

    def text(self, title: Title = _italic, name: Name = _plain) -> str:
        subject = name(self.subject or "")
        if self.kind is ReasonKind.NAMED:
            return f"matches {subject}, the pairing you asked for"
        if self.kind is ReasonKind.COLIKED:
            who = title(self.source.title) if self.source is not None else "this"
            text = f"readers who liked {who} also liked this"
            return f"{text} · {subject}" if self.subject else text
        if self.kind is ReasonKind.SHARES:
            return f"also {subject}"
        if self.kind in (ReasonKind.PAIRING, ReasonKind.CHARACTER):
            if self.source is not None and self.stars is not None:
                return f"because you rated {title(self.source.title)} ★{self.stars} — {subject}"
            what = "stories" if self.kind is ReasonKind.PAIRING else "stories with them"
            return f"because you liked {subject} {what}"
        if self.kind is ReasonKind.CAUTION:
            if self.source is not None and self.stars is not None:
                return f"note: you rated {title(self.source.title)} ★{self.stars} — {subject}"
            return f"note: you rated {subject} stories low"
        if self.kind is ReasonKind.COMMUNITY and self.summary is not None:
            s = self.summary
            noun = "rating" if s.count == 1 else "ratings"
            return f"rated ★ {s.mean or 0:.1f} on the server ({s.count} {noun})"
        return "new to you"


@dataclass(frozen=True, slots=True)
class Recommendation:
    story: StoryRecord
    score: float
    reasons: tuple[Reason, ...]
    summary: RatingSummary

    def explain(self, title: Title = _italic, name: Name = _plain) -> str:
        return "; ".join(r.text(title, name) for r in self.reasons)


@dataclass(frozen=True, slots=True)
class Recommendations:
    picks: list[Recommendation]
    cold_start: bool  # no taste to go on: the server's best-rated stories
    named: list[str]  # the canonical pairings asked for
    ratings: int  # how many of the reader's ratings the taste came from
    hidden_adult: bool  # an adult story would have been picked but may not be listed
    collaborative: float = 0.0  # the share of the blend given to co-likes (0..1)
