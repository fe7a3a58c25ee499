"""Refusing what is not a story: login walls, adult-content interstitials, error pages.

The rules are data (data/boilerplate.toml [[not_a_story]]). A story may quote such a line,
so only short texts are tested: a parsed story of at most `MAX_WORDS` words, or the text of
a file in which no story was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.library.errors import StoryRejected
from bot.library.model import ParsedStory
from bot.library.rules import fold, load_toml

MAX_WORDS = 250
_SCAN_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class NotAStory:
    kind: str
    message: str
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def not_a_story_rules() -> tuple[NotAStory, ...]:
    data = load_toml("boilerplate.toml")
    return tuple(
        NotAStory(
            kind=entry["kind"],
            message=entry["message"],
            pattern=re.compile("|".join(f"(?:{p})" for p in entry["patterns"]), re.IGNORECASE),
        )
        for entry in data["not_a_story"]
    )


def not_a_story(text: str) -> NotAStory | None:
    """The rule `text` matches (a login wall, an interstitial, an error page), or None."""
    folded = " ".join(fold(text[:_SCAN_CHARS]).split())
    return next((rule for rule in not_a_story_rules() if rule.pattern.search(folded)), None)


def refuse_if_not_a_story(story: ParsedStory) -> None:
    """Raise StoryRejected when a short story's text is a login wall, warning or error page."""
    if sum(len(c.text) for c in story.chapters) > 40 * MAX_WORDS or story.words > MAX_WORDS:
        return  # (the length test first: counting every word of every story cost ~20 % of parsing)
    parts = [story.title or "", story.summary or "", *story.notes, story.body]
    rule = not_a_story("\n".join(parts))
    if rule is not None:
        raise StoryRejected(rule.message)


def refuse_page(text: str) -> None:
    """A file with no story text: say what it is when it is a known kind of page."""
    rule = not_a_story(text)
    if rule is not None:
        raise StoryRejected(rule.message)
