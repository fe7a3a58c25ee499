"""Fuzzy search over a guild's story titles and authors, from memory, fast at a million titles.

One `SearchIndex` per guild holds, for every story, its title, authors and adult flag (never
its text) in flat per-slot lists. A query is answered in three steps:

1. Narrow: titles whose normalised form starts with the query, or with the query's typos
   corrected (a sorted list and bisect); then entries sharing query words, where a query
   word matches a title or author word exactly, as a completion (mid-typing) or within one
   or two typos. Rare words name candidates, common ones only add to their counts, each
   within a postings budget, so a query costs about the same however large the library.
   rapidfuzz `token_sort_ratio` against the corrected query keeps the best few dozen.
2. Score those with rapidfuzz `WRatio` on normalised strings (`processor=None`) and with
   `_word_score` (how much of the query the title's words explain, typos forgiven).
3. Rank by tier, then score: exact normalised title > the title starts with the query >
   every query word starts a title word (any order) > an author matches > fuzzy score;
   ties go to the title closest in length to the query, then alphabetical order. Tiers
   and the word score keep very short titles ("Home") from crowding out the intended
   one, which plain WRatio ties allow: a title much shorter than the query is judged
   by how much of the query it is, not by WRatio's "found inside it". Weak fuzzy
   matches (below CONFIDENT) fill the remaining places, strongest WRatio first.

Adding, replacing and removing an entry costs a few dictionary and list appends: removed
slots are marked dead and skipped; a word's postings and the alphabetical list are filtered
once enough of them is dead, and the per-slot lists are renumbered once more slots are dead
than alive.
"""

from __future__ import annotations

import itertools
import logging
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rapidfuzz import fuzz, process

from bot.library.search_match import (
    TYPO_QUALITY,
    query_form,
    word_score,
    words_near,
    words_prefixed,
)
from bot.library.search_text import normalize
from bot.library.search_words import WordIndex, typo_budget

log = logging.getLogger(__name__)

try:  # the C helper behind Counter.update(iterable); fall back to the public method
    from collections import _count_elements  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - CPython always has it

    def _count_elements(counter: Counter, items: Iterable[int]) -> None:
        counter.update(items)


FUZZY_CUTOFF = 60.0  # WRatio below this is not a match at all
CONFIDENT = 80.0  # a fuzzy match below this ranks after the confident ones, by WRatio
PREFIX_TAKE = 32  # titles starting with the query that are considered, alphabetically
PREFIX_EXPANSIONS = 40  # vocabulary words tried for a query word typed half-way
WORD_TITLES = 4  # titles that equal one query word, considered per word
CANDIDATES = 48  # entries scored with WRatio after narrowing by shared words
WORD_SCORED = 400  # entries pre-ranked (token_sort_ratio) to choose those CANDIDATES
RESTRICTED_SCORE_ALL = 512  # an author filter this small is scored in full
NAME_BUDGET_MIN = 2_000  # postings that may name new candidates, at least...
NAME_BUDGET_SHARE = 60  # ...or this fraction of the index
POSTINGS_BUDGET_MIN = 8_000  # postings counted per query, at least...
POSTINGS_BUDGET_SHARE = 10  # ...or this fraction of the index
_SORT_IN_PLACE_MAX = 64

TIER_EXACT = 5
TIER_TITLE_PREFIX = 4
TIER_ALL_WORDS = 3
TIER_AUTHOR = 2
TIER_FUZZY = 1
_TIER_FLOOR = {TIER_EXACT: 100.0, TIER_TITLE_PREFIX: 90.0, TIER_ALL_WORDS: 85.0, TIER_AUTHOR: 80.0}


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match. `score` is 0–100: 100 exact, ≥ 80 a confident match, ≥ 60 a guess."""

    story_id: int
    title: str
    authors: tuple[str, ...]
    score: float


class _SearchEntry(Protocol):
    story_id: int
    title: str
    authors: Sequence[str]

    @property
    def is_adult(self) -> bool: ...


class SearchIndex:
    """One guild's stories: title, authors and adult flag, searchable by fuzzy title/author."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._slot_of: dict[int, int] = {}
        self._ids: list[int | None] = []  # slot → story id; None once removed
        self._titles: list[str | None] = []
        self._norms: list[str | None] = []
        self._authors: list[tuple[str, ...]] = []
        self._author_norms: list[tuple[str, ...]] = []
        self._adult = bytearray()
        self._dead = 0
        self._title_words = WordIndex()
        self._author_words = WordIndex()
        self._sorted_norms: list[str] = []  # normalised titles, alphabetical
        self._sorted_slots: list[int] = []
        self._unsorted: list[int] = []  # slots added since the sorted lists were built
        self._sorted_dead = 0  # removed slots still in the sorted lists
        self._author_forms: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}

    # ---- changes ---------------------------------------------------------------------

    def add(
        self, story_id: int, title: str, authors: Sequence[str] = (), *, adult: bool = False
    ) -> None:
        """Add a story, or replace what the index holds for it."""
        old = self._slot_of.get(story_id)
        if old is not None:
            self._kill(old)
        self._append(story_id, title, authors, adult)
        self._maybe_compact()

    def add_many(self, entries: Iterable[tuple[int, str, Sequence[str], bool]]) -> None:
        """Add or replace many `(story_id, title, authors, adult)` at once (loading)."""
        for story_id, title, authors, adult in entries:
            old = self._slot_of.get(story_id)
            if old is not None:
                self._kill(old)
            self._append(story_id, title, authors, adult)
        self._maybe_compact()

    def remove(self, story_id: int) -> None:
        """Forget a story; unknown ids are ignored."""
        slot = self._slot_of.get(story_id)
        if slot is None:
            return
        self._kill(slot)
        self._maybe_compact()

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._slot_of

    def _append(self, story_id: int, title: str, authors: Sequence[str], adult: bool) -> None:
        key = tuple(authors)
        forms = self._author_forms.get(key)
        if forms is None:
            forms = (key, tuple(n for n in (normalize(a) for a in key) if n))
            self._author_forms[key] = forms
        self._append_normalised(story_id, title, normalize(title), forms, adult)

    def _append_normalised(
        self,
        story_id: int,
        title: str,
        norm: str,
        forms: tuple[tuple[str, ...], tuple[str, ...]],
        adult: bool,
    ) -> None:
        slot = len(self._ids)
        self._slot_of[story_id] = slot
        self._ids.append(story_id)
        self._titles.append(title)
        self._norms.append(norm)
        self._authors.append(forms[0])
        self._author_norms.append(forms[1])
        self._adult.append(1 if adult else 0)
        self._title_words.add(slot, dict.fromkeys(norm.split()))
        if forms[1]:
            self._author_words.add(slot, dict.fromkeys(w for a in forms[1] for w in a.split()))
        self._unsorted.append(slot)

    def _kill(self, slot: int) -> None:
        story_id = self._ids[slot]
        if story_id is None:
            return
        del self._slot_of[story_id]
        norm = self._norms[slot]
        self._ids[slot] = None
        self._titles[slot] = None
        self._norms[slot] = None
        self._dead += 1
        self._title_words.forget(dict.fromkeys(norm.split()), self._ids)  # type: ignore[union-attr]
        names = self._author_norms[slot]
        if names:
            self._author_words.forget(dict.fromkeys(w for a in names for w in a.split()), self._ids)
        if not self._unsorted or slot < self._unsorted[0]:  # new slots are always the last
            self._sorted_dead += 1
            if self._sorted_dead >= 1024 and self._sorted_dead * 4 >= len(self._sorted_slots):
                norms = self._norms
                self._sorted_slots = [s for s in self._sorted_slots if norms[s] is not None]
                self._sorted_norms = [norms[s] for s in self._sorted_slots]  # type: ignore[misc]
                self._sorted_dead = 0

    def _maybe_compact(self) -> None:
        """Renumber the live entries once more slots are dead than alive.

        Removals already keep postings and the alphabetical list clean as they go (each
        list is filtered when a quarter to a half of it is dead); this only reclaims the
        per-slot lists. Nothing is normalised again and the alphabetical order is kept.
        """
        if self._dead < 1024 or self._dead < len(self._slot_of):
            return
        self._ensure_sorted()
        ids, titles, norms, adult = self._ids, self._titles, self._norms, self._adult
        authors, author_norms = self._authors, self._author_norms
        order = [s for s in self._sorted_slots if ids[s] is not None]
        log.debug("search index compaction: %d live, %d dead", len(order), self._dead)
        self._reset()
        for s in order:
            forms = self._author_forms.setdefault(authors[s], (authors[s], author_norms[s]))
            self._append_normalised(ids[s], titles[s], norms[s], forms, bool(adult[s]))  # type: ignore[arg-type]
        self._sorted_norms = list(self._norms)  # type: ignore[arg-type]
        self._sorted_slots = list(range(len(order)))
        self._unsorted.clear()
        self._title_words.settle()
        self._author_words.settle()

    def _ensure_sorted(self) -> None:
        if not self._unsorted:
            return
        norms = self._norms
        if len(self._unsorted) <= _SORT_IN_PLACE_MAX:
            for slot in self._unsorted:
                norm = norms[slot]
                if norm is None:
                    continue
                i = bisect_right(self._sorted_norms, norm)
                self._sorted_norms.insert(i, norm)
                self._sorted_slots.insert(i, slot)
        else:
            slots = [s for s in self._sorted_slots if norms[s] is not None]
            slots.extend(s for s in self._unsorted if norms[s] is not None)
            slots.sort(key=lambda s: (norms[s], s))
            self._sorted_slots = slots
            self._sorted_norms = [norms[s] for s in slots]  # type: ignore[misc]
            self._sorted_dead = 0
        self._unsorted.clear()

    # ---- queries ---------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        author: str | None = None,
        include_adult: bool = True,
    ) -> list[SearchHit]:
        """The best matches for `query` among titles and authors, best first.

        `author` keeps only stories by an author matching it (typos allowed); with an
        empty query it lists that author's stories alphabetically.
        """
        if limit <= 0:
            return []
        allowed: set[int] | None = None
        if author is not None and normalize(author):
            allowed = self._slots_by_author(normalize(author))
            if not allowed:
                return []
        q = query_form(query)
        if not q:
            if allowed is None:
                return []
            return self._alphabetical(limit, include_adult, allowed)
        return self._ranked(q, limit, include_adult, allowed)

    def autocomplete(
        self, query: str, *, limit: int = 25, include_adult: bool = True
    ) -> list[SearchHit]:
        """What to offer while someone types: an empty query lists titles alphabetically."""
        if limit <= 0:
            return []
        q = query_form(query)
        if not q:
            return self._alphabetical(limit, include_adult, None)
        return self._ranked(q, limit, include_adult, None)

    def _hit(self, slot: int, score: float) -> SearchHit:
        return SearchHit(
            story_id=self._ids[slot],  # type: ignore[arg-type]
            title=self._titles[slot],  # type: ignore[arg-type]
            authors=self._authors[slot],
            score=round(score, 1),
        )

    def _alphabetical(
        self, limit: int, include_adult: bool, allowed: set[int] | None
    ) -> list[SearchHit]:
        self._ensure_sorted()
        hits: list[SearchHit] = []
        source = (
            self._sorted_slots
            if allowed is None
            else sorted(allowed, key=lambda s: (self._norms[s], s))
        )
        for slot in source:
            if self._ids[slot] is None or (not include_adult and self._adult[slot]):
                continue
            hits.append(self._hit(slot, 100.0))
            if len(hits) >= limit:
                break
        return hits

    def _slots_by_author(self, a: str) -> set[int]:
        """Slots whose authors match `a`: equal, starting with it, all its words, or ~typo."""
        words = a.split()
        pool: set[int] | None = None
        for i, word in enumerate(words):
            matched = self._matching_words(self._author_words, word, last=i == len(words) - 1)
            slots = set()
            for w in matched:
                slots.update(self._author_words.postings(w) or ())
            pool = slots if pool is None else pool & slots
            if not pool:
                return set()
        assert pool is not None
        verdict: dict[str, bool] = {}  # many stories share an author: judge each name once
        result: set[int] = set()
        for slot in pool:
            if self._ids[slot] is None:
                continue
            for name in self._author_norms[slot]:
                ok = verdict.get(name)
                if ok is None:
                    ok = verdict[name] = name.startswith(a) or words_near(words, name.split())
                if ok:
                    result.add(slot)
                    break
        return result

    def _matching_words(self, index: WordIndex, word: str, *, last: bool) -> dict[str, float]:
        """Vocabulary words a query word may stand for → how well (1.0 is the word itself).

        Completions (the word typed half-way; any word of 2+ letters, more for the last
        one) score 0.91–1.0 by how much is typed; typo neighbours 0.9, or 0.8 for two.
        """
        matched: dict[str, float] = {}
        if word in index:
            matched[word] = 1.0
        else:
            for near, dist in index.near(word, typo_budget(word)).items():
                matched[near] = TYPO_QUALITY + 0.1 - 0.1 * dist
        if last or len(word) >= 2:
            for longer in index.with_prefix(word, PREFIX_EXPANSIONS if last else 8):
                quality = TYPO_QUALITY + 0.01 + 0.09 * len(word) / len(longer)
                matched[longer] = max(matched.get(longer, 0.0), quality)
        return matched

    def _prefix_range(self, prefix: str, take: int, include_adult: bool, into: set[int]) -> None:
        """Add up to `take` live slots whose normalised title starts with `prefix`."""
        sorted_norms, sorted_slots, ids, adult = (
            self._sorted_norms,
            self._sorted_slots,
            self._ids,
            self._adult,
        )
        i = bisect_left(sorted_norms, prefix)
        while i < len(sorted_norms) and take > 0 and sorted_norms[i].startswith(prefix):
            slot = sorted_slots[i]
            if ids[slot] is not None and (include_adult or not adult[slot]):
                into.add(slot)
                take -= 1
            i += 1

    def _exact_titles(self, norm: str, take: int, include_adult: bool, into: set[int]) -> None:
        """Add up to `take` live slots whose normalised title is exactly `norm`."""
        sorted_norms, sorted_slots, ids, adult = (
            self._sorted_norms,
            self._sorted_slots,
            self._ids,
            self._adult,
        )
        i = bisect_left(sorted_norms, norm)
        while i < len(sorted_norms) and take > 0 and sorted_norms[i] == norm:
            slot = sorted_slots[i]
            if ids[slot] is not None and (include_adult or not adult[slot]):
                into.add(slot)
                take -= 1
            i += 1

    def _candidates(
        self, q: str, words: list[str], include_adult: bool, limit: int
    ) -> tuple[set[int], set[int], dict[str, list[tuple[int, float]]]]:
        """Slots worth scoring; those named through an author; each title word's matches.

        1. Titles starting with the query (alphabetically), and with the query's typos
           corrected to the nearest vocabulary words ("dakr" → titles starting "dark").
        2. The query words' postings (each word, its completions, its typo neighbours; in
           titles and authors), rarest word first, name candidates while a small budget
           lasts, so a query costs about the same at ten thousand or a million titles.
           If too many are named, commoner words add to the counts of those (cheap set
           intersections, within a second budget) and the best counts go on.
        3. rapidfuzz `token_sort_ratio` against the typo-corrected query pre-ranks what is
           left (WORD_SCORED at most); the best CANDIDATES go on to WRatio and tiers.
        """
        self._ensure_sorted()
        found: set[int] = set()
        self._prefix_range(q, PREFIX_TAKE, include_adult, found)
        title_match: dict[str, list[tuple[int, float]]] = {}
        by_author: set[int] = set()
        if len(found) >= limit:  # titles starting with the query outrank every other match
            return found, by_author, title_match

        # per query word: postings of its good matches (the word, one typo, a completion)
        # and of its weak ones (two typos), title postings before author postings
        groups: list[tuple[int, int, list[tuple[array, bool]], list[tuple[array, bool]]]] = []
        corrected: list[str] = []
        for i, word in enumerate(words):
            last = i == len(words) - 1
            title_words = self._matching_words(self._title_words, word, last=last)
            for w, quality in title_words.items():
                title_match.setdefault(w, []).append((i, quality))
            best_first = sorted(title_words, key=title_words.__getitem__, reverse=True)
            if word in title_words or not best_first:
                corrected.append(word)
            else:  # the likeliest reading: best match, then the commonest word
                top = title_words[best_first[0]]
                corrected.append(
                    max(
                        (w for w in best_first if title_words[w] == top),
                        key=lambda w: len(self._title_words.postings(w) or ()),
                    )
                )
            author_words = self._matching_words(self._author_words, word, last=last)
            good: list[tuple[array, bool]] = []
            weak: list[tuple[array, bool]] = []
            for matches, index, is_author in (
                (title_words, self._title_words, False),
                (author_words, self._author_words, True),
            ):
                for w in sorted(matches, key=matches.__getitem__, reverse=True):
                    postings = index.postings(w)
                    if postings:
                        target = good if matches[w] >= TYPO_QUALITY else weak
                        target.append((postings, is_author))
            good_size = sum(len(p) for p, _a in good)
            size = good_size + sum(len(p) for p, _a in weak)
            if size:
                groups.append((good_size or size, size, good or weak, weak if good else []))
        fixed = " ".join(corrected)
        if fixed != q:
            self._prefix_range(fixed, PREFIX_TAKE // 2, include_adult, found)
        if len(words) > 1:  # titles that are one of the query's words ("Love", "End")
            for word in dict.fromkeys(words + corrected):
                self._exact_titles(word, WORD_TITLES, include_adult, found)
        if not groups:
            return found, by_author, title_match

        groups.sort(key=lambda g: g[0])
        scale = len(self._ids)
        name_budget = max(NAME_BUDGET_MIN, scale // NAME_BUDGET_SHARE)
        count_budget = max(POSTINGS_BUDGET_MIN, scale // POSTINGS_BUDGET_SHARE)
        counts: Counter[int] = Counter()

        def name_from(lists: list[tuple[array, bool]], budget: int) -> int:
            for postings, is_author in lists:
                if budget <= 0:
                    break
                part = postings[:budget]
                _count_elements(counts, part)
                if is_author:
                    by_author.update(part)
                budget -= len(part)
            return budget

        # the rarest words name candidates through their good matches, best first, so a
        # very common word is cut where it matters least; then, if they named few, their
        # weak ones ("legolasss" is one typo from a rare "legolass", two from "legolas")
        naming = 0
        while naming < len(groups) and (naming == 0 or groups[naming][0] <= name_budget):
            name_budget = name_from(groups[naming][2], name_budget)
            naming += 1
        if len(counts) < WORD_SCORED:
            for _size, _total, _good, weak in groups[:naming]:
                name_budget = name_from(weak, name_budget)
        # commoner words only add to the counts of those named (cheap set intersections)
        named: set[int] | None = None
        for _size, size, good, weak in groups[naming:]:
            if len(counts) <= WORD_SCORED or size > count_budget:
                break  # the pre-ranking judges the common words on so few candidates
            count_budget -= size
            if named is None:
                named = set(counts)
            for postings, is_author in good + weak:
                hit = named.intersection(postings)
                _count_elements(counts, hit)
                if is_author:
                    by_author.update(hit)

        levels = sorted(Counter(counts.values()).items(), reverse=True)
        if not levels:
            kept = []
        elif len(levels) == 1 or levels[0][1] >= WORD_SCORED:
            kept = list(
                itertools.islice((s for s, c in counts.items() if c == levels[0][0]), WORD_SCORED)
            )
        elif len(counts) > WORD_SCORED:
            room = WORD_SCORED
            threshold = levels[-1][0]
            for level, how_many in levels:
                threshold = level
                if how_many >= room:
                    break
                room -= how_many
            kept = [s for s, c in counts.items() if c > threshold]
            kept.extend(itertools.islice((s for s, c in counts.items() if c == threshold), room))
        else:
            kept = list(counts)
        ids, adult = self._ids, self._adult
        kept = [s for s in kept if ids[s] is not None and (include_adult or not adult[s])]
        if len(kept) > CANDIDATES:
            norms = self._norms
            choices = [norms[s] for s in kept]
            best = {
                i
                for text in dict.fromkeys((q, fixed))
                for _c, _score, i in process.extract(
                    text,
                    choices,
                    scorer=fuzz.token_sort_ratio,
                    processor=None,
                    limit=CANDIDATES if fixed == q else CANDIDATES // 2,
                )
            }
            kept = [kept[i] for i in best]
        found.update(kept)
        return found, by_author & found, title_match

    def _ranked(
        self, q: str, limit: int, include_adult: bool, allowed: set[int] | None
    ) -> list[SearchHit]:
        words = q.split()
        if allowed is not None and len(allowed) <= RESTRICTED_SCORE_ALL:
            _found, _by_author, title_match = self._candidates(q, words, include_adult, limit)
            pool: Iterable[int] = allowed
            by_author: set[int] = allowed
        else:
            enough = limit if allowed is None else PREFIX_TAKE + 1
            pool, by_author, title_match = self._candidates(q, words, include_adult, enough)
        # completions of very short words are only sampled; check those titles in full
        short_words = any(len(w) < 3 for w in words)
        ids, adult, norms = self._ids, self._adult, self._norms
        slots = [
            s
            for s in pool
            if ids[s] is not None
            and (include_adult or not adult[s])
            and (allowed is None or s in allowed)
        ]
        if not slots:
            return []
        choices = [norms[s] for s in slots]
        title_scores = {
            i: score
            for _c, score, i in process.extract(
                q, choices, scorer=fuzz.WRatio, processor=None, limit=None, score_cutoff=0
            )
        }
        ranked: list[tuple[tuple[Any, ...], int, float]] = []
        for i, slot in enumerate(slots):
            norm: str = choices[i]  # type: ignore[assignment]
            by_words, all_prefixed = word_score(len(words), norm, title_match)
            wratio = title_scores.get(i, 0.0)
            if len(q) >= 1.5 * len(norm):
                # WRatio gives any title found inside the query 90 ("Love" for "Love:
                # Legolas Whisper"); rank such titles by how much of the query they are
                score = max(by_words, fuzz.ratio(q, norm, processor=None))
            else:
                score = max(wratio, by_words)
            if norm == q:
                tier = TIER_EXACT
            elif norm.startswith(q):
                tier = TIER_TITLE_PREFIX
            elif all_prefixed or (short_words and words_prefixed(words, norm.split())):
                tier = TIER_ALL_WORDS
            else:
                tier = TIER_FUZZY
                if slot in by_author:
                    for name in self._author_norms[slot]:
                        if name.startswith(q) or words_prefixed(words, name.split()):
                            tier = TIER_AUTHOR
                            break
                        named = fuzz.WRatio(q, name, processor=None, score_cutoff=score)
                        score = max(score, named)
                if tier == TIER_FUZZY and max(score, wratio) < FUZZY_CUTOFF:
                    continue
            shown = max(score, _TIER_FLOOR.get(tier, 0.0))
            if tier == TIER_FUZZY and score < CONFIDENT:
                # a weak match: after the confident ones, strongest WRatio first
                shown = min(max(score, wratio), CONFIDENT - 0.1)
                key: tuple[Any, ...] = (0, -round(wratio), abs(len(norm) - len(q)), norm, slot)
            else:
                closeness = 0.0 if tier >= TIER_TITLE_PREFIX else score
                key = (-tier, -round(closeness), abs(len(norm) - len(q)), norm, slot)
            ranked.append((key, slot, shown))
        ranked.sort(key=lambda r: r[0])
        return [self._hit(slot, shown) for _key, slot, shown in ranked[:limit]]


class _Store(Protocol):
    async def guild_ids(self) -> list[int]: ...

    async def search_entries(self, guild_id: int) -> Sequence[_SearchEntry]: ...


class SearchIndexes:
    """Every guild's `SearchIndex`, created on first use."""

    def __init__(self) -> None:
        self._by_guild: dict[int, SearchIndex] = {}

    def get(self, guild_id: int) -> SearchIndex:
        index = self._by_guild.get(guild_id)
        if index is None:
            index = self._by_guild[guild_id] = SearchIndex()
        return index

    def __len__(self) -> int:
        return len(self._by_guild)

    async def load(self, store: _Store) -> None:
        """(Re)build every guild's index from the store's search entries."""
        fresh: dict[int, SearchIndex] = {}
        total = 0
        for guild_id in await store.guild_ids():
            index = SearchIndex()
            entries = await store.search_entries(guild_id)
            index.add_many((e.story_id, e.title, tuple(e.authors), e.is_adult) for e in entries)
            fresh[guild_id] = index
            total += len(index)
        self._by_guild = fresh
        log.info("search indexes loaded: %d guilds, %d stories", len(fresh), total)
