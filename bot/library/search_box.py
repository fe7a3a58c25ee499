"""The one search box: "spuffy angst wip" → filters (pairing Buffy Summers/Spike, WIP) and
words ("angst") matched against titles (the in-memory index) and summaries / tags (FTS5).

1. Filters: a word, or two words together ("buffy summers"), that names a status ("wip",
   "complete"), a rating ("teen", "explicit"), a pairing the guild's library has (ship
   names, initials, either order: "spuffy", "b/a", "spike/buffy") or a character it has.
2. The other words: titles from the search index (typos forgiven there), and summaries,
   tags, characters and pairings from FTS5, each word corrected first to the nearest word
   of the full-text vocabulary when the vocabulary has no word starting with it.
3. Ranked: confident title matches, then full-text matches (bm25: title, authors, tags,
   summary), then weak title guesses; only stories matching every filter.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.library.errors import LibraryError
from bot.library.fandoms import fandom_tables
from bot.library.model import RatingLevel, Status
from bot.library.recommend import resolve_pairing
from bot.library.search import CONFIDENT
from bot.library.search_match import query_form
from bot.library.search_words import typo_budget

if TYPE_CHECKING:
    from bot.library.records import StoryRecord
    from bot.library.search import SearchIndex
    from bot.library.store import Store

log = logging.getLogger(__name__)

STATUS_WORDS = {
    "wip": Status.WIP,
    "unfinished": Status.WIP,
    "ongoing": Status.WIP,
    "complete": Status.COMPLETE,
    "completed": Status.COMPLETE,
    "finished": Status.COMPLETE,
}
RATING_WORDS = {
    "general": RatingLevel.GENERAL,
    "gen": RatingLevel.GENERAL,
    "teen": RatingLevel.TEEN,
    "mature": RatingLevel.MATURE,
    "explicit": RatingLevel.EXPLICIT,
}
TITLE_TAKE = 100  # title matches looked at before filtering
TEXT_TAKE = 100  # full-text matches looked at


@dataclass(frozen=True)
class BoxQuery:
    """What a search box query asks for: filters (as for `list_stories`) and free words."""

    words: str
    filters: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """The filters as a reader reads them: "pairing Buffy Summers/Spike · WIP"."""
        parts = []
        for kind in ("pairing", "character"):
            if kind in self.filters:
                parts.append(f"{kind} {self.filters[kind]}")
        if "status" in self.filters:
            parts.append("WIP" if self.filters["status"] == Status.WIP else "complete")
        if "rating" in self.filters:
            parts.append(f"rated {self.filters['rating']}")
        return " · ".join(parts)


async def parse_box(store: Store, guild_id: int, query: str) -> BoxQuery:
    """Split a query into filters and the words left to match (see the module docstring)."""
    tokens = query.split()[:40]
    filters: dict[str, Any] = {}
    left: list[str] = []
    i = 0
    tables = fandom_tables()
    while i < len(tokens):
        taken = 0
        for size in (2, 1):
            if i + size > len(tokens):
                continue
            text = " ".join(tokens[i : i + size])
            word = query_form(text)
            if size == 1 and word in STATUS_WORDS and "status" not in filters:
                filters["status"] = STATUS_WORDS[word]
            elif size == 1 and word in RATING_WORDS and "rating" not in filters:
                filters["rating"] = RATING_WORDS[word]
            elif "pairing" not in filters and (
                "/" in text or "&" in text or tables.resolve_relationship(text) is not None
            ):
                try:
                    filters["pairing"] = await resolve_pairing(store, guild_id, text)
                except LibraryError:
                    continue
            elif "character" not in filters and len(word) >= 3:
                names = [text, *tables.character_candidates(text, allow_initials=False)[:3]]
                known = await store.listings.known_names(guild_id, "character", names)
                if not known:
                    continue
                filters["character"] = next(n for n in names if n in known)
            else:
                continue
            taken = size
            break
        if taken:
            i += taken
        else:
            left.append(tokens[i])
            i += 1
    return BoxQuery(" ".join(left), filters)


async def corrected(store: Store, words: str) -> str:
    """`words` with each word the full-text vocabulary has nothing starting with replaced
    by its nearest vocabulary word (within the title search's typo budget; ties to the
    word more stories hold); words with no near neighbour are kept as typed."""
    out: list[str] = []
    for word in query_form(words).split():
        budget = typo_budget(word)
        if budget == 0:
            out.append(word)
            continue
        vocab = await store.listings.text_vocabulary(
            word[0], shortest=len(word) - budget, longest=len(word) + budget
        )
        if any(term.startswith(word) for term in vocab):
            out.append(word)
            continue
        near = process.extract(word, list(vocab), scorer=OSA.distance, score_cutoff=budget)
        if near:
            best = min(near, key=lambda m: (m[1], -vocab[m[0]], m[0]))
            out.append(best[0])
        else:
            out.append(word)
    return " ".join(out)


async def search_box(
    store: Store,
    index: SearchIndex,
    guild_id: int,
    query: str,
    *,
    limit: int,
    include_adult: bool,
) -> tuple[BoxQuery, list[int]]:
    """The parsed query and the ids of the stories it finds, best first."""
    box = await parse_box(store, guild_id, query)
    filters = box.filters
    if not box.words:
        if not filters:
            return box, []
        page, _total = await store.listings.list_stories(
            guild_id, include_adult=include_adult, sort="title", limit=limit, **filters
        )
        return box, [r.id for r in page]
    hits = index.search(box.words, limit=TITLE_TAKE, include_adult=include_adult)
    if filters:
        keep = await store.listings.matching_ids(guild_id, [h.story_id for h in hits], **filters)
        hits = [h for h in hits if h.story_id in keep]
    fixed = await corrected(store, box.words)
    texts: Sequence[StoryRecord] = await store.listings.text_search(
        guild_id, fixed, limit=TEXT_TAKE, include_adult=include_adult, **filters
    )
    ranked = [h.story_id for h in hits if h.score >= CONFIDENT]
    ranked += [r.id for r in texts]
    ranked += [h.story_id for h in hits if h.score < CONFIDENT]
    return box, list(dict.fromkeys(ranked))[:limit]
