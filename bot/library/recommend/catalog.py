"""One guild's stories and ratings held in memory as compact arrays, for recommending.

Everything here is numbers: story positions (0..n-1, in story-id order), name ids (the
store's own ids for pairings, characters, tags and authors) and 1–5 stars. Titles and
other text are read from the store only for the few stories a list shows.

- Story features are CSR arrays: `features[kind].ptr[p]:ptr[p+1]` indexes `.ids`.
- Ratings are two CSR arrays built at load ("base"): by story (who rated it) and by reader
  (what they rated), plus an exact per-story count and sum of stars. A rating given, changed
  or removed after the base was built goes to a small overlay (`_changed`) and into the
  counts at once, so a reader's own ratings and every community number are exact; the
  co-liking lists catch up when the base is rebuilt (`rebuild`, run off the event loop
  once the overlay holds `REBUILD_AFTER` changes).

Memory at 100,000 stories and 1,000,000 ratings: ≈ 10 bytes per rating per direction
plus ≈ 60 bytes per story (see BENCHMARKS.md, "Discovery").
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

import numpy as np

from bot.library.model import RatingLevel

LIKED = 4  # stars at or above this are a "like" for co-liking
REBUILD_AFTER = 2_000  # overlay changes before the rating base is rebuilt
FEATURE_KINDS = ("pairing", "character", "tag", "warning", "author")
ADULT_LEVELS = tuple(level.value for level in RatingLevel if level.is_adult)
LEVELS = tuple(level.value for level in RatingLevel)
_FETCH = 20_000
_DIGITS = re.compile(r"\d+")
_NUMBER_WIDTH = 12


@dataclass(slots=True)
class Features:
    """One kind of name per story: `ids[ptr[p]:ptr[p+1]]` are story p's name ids."""

    ptr: np.ndarray  # int64, n + 1
    ids: np.ndarray  # int32
    names: dict[int, str] = field(default_factory=dict)  # id -> display name
    rows: np.ndarray | None = None  # int32: the story position of every entry of `ids`
    inverted: tuple[np.ndarray, np.ndarray] | None = None  # name id -> story positions (CSR)

    def of(self, p: int) -> np.ndarray:
        return self.ids[self.ptr[p] : self.ptr[p + 1]]

    def row_index(self) -> np.ndarray:
        if self.rows is None:
            counts = np.diff(self.ptr)
            self.rows = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        return self.rows

    def stories_with(self, names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(story positions, index into `names`) of every story carrying one of `names`."""
        if self.inverted is None:
            order = np.argsort(self.ids, kind="stable")
            ptr = np.zeros(self.width() + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.ids, minlength=self.width()), out=ptr[1:])
            self.inverted = (ptr, self.row_index()[order])
        ptr, rows = self.inverted
        names = names[names < len(ptr) - 1]
        which = np.arange(len(names))
        return expand(ptr, rows, names), np.repeat(which, ptr[names + 1] - ptr[names])

    def width(self) -> int:
        return int(self.ids.max()) + 1 if len(self.ids) else 1


@dataclass(slots=True)
class RatingBase:
    """Ratings in both directions (CSR), as they were when built."""

    user_ids: np.ndarray  # int64, sorted: reader index -> Discord user id
    by_user_ptr: np.ndarray  # int64, readers + 1
    by_user_items: np.ndarray  # int32 story positions
    by_user_stars: np.ndarray  # int8
    likes_ptr: np.ndarray  # int64, stories + 1: who liked story p (reader indexes)
    likers: np.ndarray  # int32
    liked_ptr: np.ndarray  # int64, readers + 1: what reader u liked (story positions)
    liked: np.ndarray  # int32
    like_counts: np.ndarray  # int32 per story (as of the base)

    @classmethod
    def build(
        cls, n_stories: int, items: np.ndarray, users: np.ndarray, stars: np.ndarray
    ) -> RatingBase:
        user_ids, uidx = np.unique(users, return_inverse=True)
        uidx = uidx.astype(np.int64)
        items = items.astype(np.int64)
        width = max(n_stories, 1)
        order = np.argsort(uidx * width + items)
        by_user_items = items[order].astype(np.int32)
        by_user_stars = stars[order].astype(np.int8)
        by_user_ptr = _ptr(uidx[order], len(user_ids))
        like = stars >= LIKED
        li, lu = items[like], uidx[like]
        o1 = np.argsort(li * max(len(user_ids), 1) + lu)
        likers, likes_ptr = lu[o1], _ptr(li[o1], n_stories)
        o2 = np.argsort(lu * width + li)
        liked, liked_ptr = li[o2], _ptr(lu[o2], len(user_ids))
        return cls(
            user_ids=user_ids.astype(np.int64),
            by_user_ptr=by_user_ptr,
            by_user_items=by_user_items,
            by_user_stars=by_user_stars,
            likes_ptr=likes_ptr,
            likers=likers.astype(np.int32),
            liked_ptr=liked_ptr,
            liked=liked.astype(np.int32),
            like_counts=np.diff(likes_ptr).astype(np.int32),
        )

    def reader(self, user_id: int) -> int | None:
        i = int(np.searchsorted(self.user_ids, user_id))
        if i < len(self.user_ids) and self.user_ids[i] == user_id:
            return i
        return None

    def nbytes(self) -> int:
        return sum(
            a.nbytes
            for a in (
                self.user_ids,
                self.by_user_ptr,
                self.by_user_items,
                self.by_user_stars,
                self.likes_ptr,
                self.likers,
                self.liked_ptr,
                self.liked,
                self.like_counts,
            )
        )


def expand(ptr: np.ndarray, values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """values[ptr[r]:ptr[r+1]] for every r in rows, concatenated (no Python loop)."""
    starts = ptr[rows]
    lengths = ptr[rows + 1] - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=values.dtype)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return values[offsets + np.arange(total)]


def _ptr(sorted_rows: np.ndarray, n: int) -> np.ndarray:
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sorted_rows, minlength=n), out=ptr[1:])
    return ptr


@dataclass(slots=True)
class Catalog:
    """A guild's stories (features, adult flag, length, status) and ratings, in arrays."""

    guild_id: int
    story_ids: np.ndarray  # int64, sorted
    adult: np.ndarray  # bool
    words: np.ndarray  # int32
    status: np.ndarray  # int8: 1 complete, -1 work in progress, 0 unknown
    features: dict[str, Features]
    rating_count: np.ndarray  # int32, exact
    rating_sum: np.ndarray  # int64, exact
    base: RatingBase
    removed: set[int] = field(default_factory=set)  # story positions removed since load
    _changed: dict[int, dict[int, int]] = field(default_factory=dict)  # user -> {pos: stars|0}
    changes: int = 0  # overlay entries since the base was built
    title_rank: np.ndarray | None = None  # int32 per story: place in title order (ties)
    members: dict[int, list[int]] | None = None  # pairing id -> character ids (cached)
    log_words: np.ndarray | None = None  # float32 log10(words) per story (cached)
    level: np.ndarray | None = None  # int8 per story: index in LEVELS (None: not read)

    # ---- building ------------------------------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        guild_id: int,
        story_ids: np.ndarray,
        *,
        adult: np.ndarray,
        words: np.ndarray,
        status: np.ndarray,
        features: dict[str, Features],
        rating_story: np.ndarray,
        rating_user: np.ndarray,
        rating_stars: np.ndarray,
    ) -> Catalog:
        """A catalog from plain arrays (`rating_story` holds story ids, not positions)."""
        order = np.argsort(story_ids, kind="stable")
        if not np.array_equal(order, np.arange(len(story_ids))):
            raise ValueError("story_ids must be sorted")
        n = len(story_ids)
        items = np.searchsorted(story_ids, rating_story)
        known = items < n
        if n:
            known &= story_ids[np.minimum(items, n - 1)] == rating_story
        items, users = items[known].astype(np.int32), rating_user[known].astype(np.int64)
        stars = rating_stars[known].astype(np.int8)
        count = np.bincount(items, minlength=n).astype(np.int32)
        total = np.bincount(items, weights=stars, minlength=n).astype(np.int64)
        return cls(
            guild_id=guild_id,
            story_ids=story_ids.astype(np.int64),
            adult=adult.astype(bool),
            words=words.astype(np.int32),
            status=status.astype(np.int8),
            features=features,
            rating_count=count,
            rating_sum=total,
            base=RatingBase.build(n, items, users, stars),
            title_rank=np.arange(n, dtype=np.int32),
        )

    # ---- looking up ----------------------------------------------------------------------

    @property
    def size(self) -> int:
        return len(self.story_ids)

    def position(self, story_id: int) -> int | None:
        p = int(np.searchsorted(self.story_ids, story_id))
        if p < self.size and self.story_ids[p] == story_id and p not in self.removed:
            return p
        return None

    def live(self) -> np.ndarray:
        """bool per story: still in the library."""
        alive = np.ones(self.size, dtype=bool)
        if self.removed:
            alive[list(self.removed)] = False
        return alive

    def ratings_of(self, user_id: int) -> dict[int, int]:
        """{story position: stars} for one reader, exact (base + overlay)."""
        out: dict[int, int] = {}
        u = self.base.reader(user_id)
        if u is not None:
            lo, hi = self.base.by_user_ptr[u], self.base.by_user_ptr[u + 1]
            out = dict(
                zip(
                    self.base.by_user_items[lo:hi].tolist(),
                    self.base.by_user_stars[lo:hi].tolist(),
                    strict=True,
                )
            )
        for p, stars in self._changed.get(user_id, {}).items():
            if stars:
                out[p] = stars
            else:
                out.pop(p, None)
        for p in self.removed & out.keys():
            del out[p]
        return out

    def stars_of(self, user_id: int, story_id: int) -> int | None:
        """One reader's stars for one story (None: not rated), exact (base + overlay)."""
        p = self.position(story_id)
        if p is None:
            return None
        changed = self._changed.get(user_id, {})
        if p in changed:
            return changed[p] or None
        u = self.base.reader(user_id)
        if u is None:
            return None
        lo, hi = int(self.base.by_user_ptr[u]), int(self.base.by_user_ptr[u + 1])
        items = self.base.by_user_items[lo:hi]  # sorted: built by (reader, story)
        i = int(np.searchsorted(items, p))
        if i < len(items) and items[i] == p:
            return int(self.base.by_user_stars[lo + i])
        return None

    def mean(self) -> float:
        n = int(self.rating_count.sum())
        return float(self.rating_sum.sum()) / n if n else 3.0

    # ---- changes -------------------------------------------------------------------------

    def rated(self, story_id: int, user_id: int, stars: int | None, before: int | None) -> None:
        """A reader's rating of a story became `stars` (None: removed); it was `before`."""
        p = self.position(story_id)
        if p is None:
            return
        if before:
            self.rating_count[p] -= 1
            self.rating_sum[p] -= before
        if stars:
            self.rating_count[p] += 1
            self.rating_sum[p] += stars
        self._changed.setdefault(user_id, {})[p] = stars or 0
        self.changes += 1

    def story_removed(self, story_id: int) -> None:
        p = self.position(story_id)
        if p is not None:
            self.removed.add(p)
            self.rating_count[p] = 0
            self.rating_sum[p] = 0

    def put(self, one: Catalog) -> bool:
        """Add or replace a story from a catalog of one (`load_story`); False when it
        cannot be done in place (a new story whose id is below the last: reload)."""
        sid = int(one.story_ids[0])
        p = int(np.searchsorted(self.story_ids, sid))
        if p < self.size and self.story_ids[p] == sid:
            self.removed.discard(p)
            self.adult[p], self.words[p], self.status[p] = one.adult[0], one.words[0], one.status[0]
            if self.level is not None and one.level is not None:
                self.level[p] = one.level[0]
            for kind, f in self.features.items():
                new = one.features[kind]
                lo, hi = int(f.ptr[p]), int(f.ptr[p + 1])
                f.ids = np.concatenate([f.ids[:lo], new.ids, f.ids[hi:]])
                f.ptr[p + 1 :] += len(new.ids) - (hi - lo)
                f.names.update(new.names)
                f.rows = None
                f.inverted = None
            self.title_rank = None
            self.members = None
            self.log_words = None
            return True
        if p < self.size:
            return False
        self.story_ids = np.append(self.story_ids, sid)
        self.adult = np.append(self.adult, one.adult)
        self.words = np.append(self.words, one.words)
        self.status = np.append(self.status, one.status)
        if self.level is not None:
            extra = one.level if one.level is not None else np.array([len(LEVELS) - 1])
            self.level = np.append(self.level, extra.astype(np.int8))
        self.rating_count = np.append(self.rating_count, np.int32(0))
        self.rating_sum = np.append(self.rating_sum, np.int64(0))
        for kind, f in self.features.items():
            new = one.features[kind]
            f.ids = np.concatenate([f.ids, new.ids])
            f.ptr = np.append(f.ptr, f.ptr[-1] + len(new.ids))
            f.names.update(new.names)
            f.rows = None
            f.inverted = None
        self.title_rank = None
        self.members = None
        self.log_words = None
        b = self.base
        b.likes_ptr = np.append(b.likes_ptr, b.likes_ptr[-1])
        b.like_counts = np.append(b.like_counts, np.int32(0))
        return True

    def needs_rebuild(self) -> bool:
        return self.changes >= REBUILD_AFTER

    def snapshot(self) -> dict[int, dict[int, int]]:
        return {u: dict(c) for u, c in self._changed.items()}

    def merged_base(self, overlay: dict[int, dict[int, int]]) -> RatingBase:
        """The base with `overlay` applied (pure arrays: safe to run in a thread)."""
        b = self.base
        users = np.repeat(b.user_ids, np.diff(b.by_user_ptr))
        items = b.by_user_items.astype(np.int64)
        stars = b.by_user_stars
        if overlay:
            o_users = np.array([u for u, c in overlay.items() for _ in c], dtype=np.int64)
            o_items = np.array([p for c in overlay.values() for p in c], dtype=np.int64)
            o_stars = np.array([s for c in overlay.values() for s in c.values()], dtype=np.int8)
            n = max(self.size, 1)
            key = users * n + items
            drop = np.isin(key, o_users * n + o_items)
            keep = o_stars > 0
            users = np.concatenate([users[~drop], o_users[keep]])
            items = np.concatenate([items[~drop], o_items[keep]])
            stars = np.concatenate([stars[~drop], o_stars[keep]])
        if self.removed:
            alive = ~np.isin(items, np.fromiter(self.removed, dtype=np.int64))
            users, items, stars = users[alive], items[alive], stars[alive]
        return RatingBase.build(self.size, items.astype(np.int32), users, stars)

    def swap_base(self, base: RatingBase, overlay: dict[int, dict[int, int]]) -> None:
        """Use a rebuilt base; drop the overlay entries it already holds."""
        self.base = base
        for user, done in overlay.items():
            now = self._changed.get(user)
            if now is None:
                continue
            for p, stars in done.items():
                if now.get(p) == stars:
                    del now[p]
            if not now:
                del self._changed[user]
        self.changes = sum(len(c) for c in self._changed.values())

    def nbytes(self) -> int:
        arrays = [self.story_ids, self.adult, self.words, self.status]
        arrays += [self.rating_count, self.rating_sum]
        for f in self.features.values():
            arrays += [f.ptr, f.ids] + ([f.rows] if f.rows is not None else [])
            arrays += list(f.inverted) if f.inverted is not None else []
        return sum(a.nbytes for a in arrays) + self.base.nbytes()


# ---- loading from the store's database (runs on the connection's thread) ----------------


FEATURE_SQL = {
    "pairing": (
        "SELECT sp.story_id, sp.pairing_id FROM story_pairings sp"
        " JOIN stories s ON s.id = sp.story_id WHERE {where} ORDER BY sp.story_id, sp.position",
        "SELECT id, name FROM pairings",
    ),
    "character": (
        "SELECT story_id, character_id FROM ("
        " SELECT sc.story_id, sc.character_id FROM story_characters sc"
        " JOIN stories s ON s.id = sc.story_id WHERE {where}"
        " UNION SELECT sp.story_id, pc.character_id FROM story_pairings sp"
        " JOIN pairing_characters pc ON pc.pairing_id = sp.pairing_id"
        " JOIN stories s ON s.id = sp.story_id WHERE {where})"
        " ORDER BY story_id, character_id",
        "SELECT id, name FROM characters",
    ),
    "tag": (
        "SELECT st.story_id, st.tag_id FROM story_tags st JOIN tags t ON t.id = st.tag_id"
        " JOIN stories s ON s.id = st.story_id WHERE {where} AND t.kind = 'tag'"
        " ORDER BY st.story_id, st.position",
        "SELECT id, name FROM tags WHERE kind = 'tag'",
    ),
    "warning": (
        "SELECT st.story_id, st.tag_id FROM story_tags st JOIN tags t ON t.id = st.tag_id"
        " JOIN stories s ON s.id = st.story_id WHERE {where} AND t.kind = 'warning'"
        " ORDER BY st.story_id, st.position",
        "SELECT id, name FROM tags WHERE kind = 'warning'",
    ),
    "author": (
        "SELECT sa.story_id, sa.author_id FROM story_authors sa"
        " JOIN stories s ON s.id = sa.story_id WHERE {where} ORDER BY sa.story_id, sa.position",
        "SELECT id, name FROM authors",
    ),
}


def _columns(db: sqlite3.Connection, sql: str, params: tuple, width: int) -> np.ndarray:
    """Integer rows of a query as an (n, width) int64 array, read in chunks (no Python
    object per row is kept)."""
    cur = db.cursor()
    cur.row_factory = None
    cur.execute(sql, params)
    parts = []
    while rows := cur.fetchmany(_FETCH):
        parts.append(np.array(rows, dtype=np.int64).reshape(-1, width))
    return np.concatenate(parts) if parts else np.zeros((0, width), dtype=np.int64)


def load_catalog(db: sqlite3.Connection, guild_id: int) -> Catalog:
    """Read one guild's catalog: a handful of streaming queries, no per-story objects."""
    levels = ", ".join(f"'{level}'" for level in ADULT_LEVELS)
    level_case = " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(LEVELS))
    basics = _columns(
        db,
        f"SELECT id, rating_level IN ({levels}), words,"
        " CASE status WHEN 'complete' THEN 1 WHEN 'wip' THEN -1 ELSE 0 END,"
        f" CASE rating_level {level_case} ELSE {len(LEVELS) - 1} END"
        " FROM stories WHERE guild_id = ? ORDER BY id",
        (guild_id,),
        5,
    )
    story_ids = np.ascontiguousarray(basics[:, 0])
    adult, words, status = basics[:, 1].astype(bool), basics[:, 2], basics[:, 3]
    level = basics[:, 4].astype(np.int8)
    del basics
    features = {
        kind: _features(db, story_ids, sql.format(where="s.guild_id = ?1"), guild_id, names)
        for kind, (sql, names) in FEATURE_SQL.items()
    }
    r_story, r_user, r_stars = _ratings(db, guild_id)
    catalog = Catalog.from_arrays(
        guild_id,
        story_ids,
        adult=adult,
        words=words,
        status=status,
        features=features,
        rating_story=r_story,
        rating_user=r_user,
        rating_stars=r_stars,
    )
    catalog.title_rank = load_title_rank(db, catalog)
    catalog.level = level
    return catalog


def natural_key(title: str) -> str:
    """Title order as people read it: case-insensitive, numbers by value ("Part 2" before
    "Part 12"): digit runs are zero-padded, so plain string order is natural order."""
    return _DIGITS.sub(lambda m: m.group().zfill(_NUMBER_WIDTH), title.casefold())


def load_title_rank(db: sqlite3.Connection, catalog: Catalog) -> np.ndarray:
    """Each story's place in natural title order (then id): sorts and breaks ties. SQLite
    sorts (no title is held in Python), keyed by `natural_key`."""
    db.create_function("storybot_natural_key", 1, natural_key, deterministic=True)
    ids = _columns(
        db,
        "SELECT id FROM stories WHERE guild_id = ? ORDER BY storybot_natural_key(title), id",
        (catalog.guild_id,),
        1,
    )[:, 0]
    pos = np.searchsorted(catalog.story_ids, ids)
    ok = pos < catalog.size
    if catalog.size:
        ok &= catalog.story_ids[np.minimum(pos, catalog.size - 1)] == ids
    rank = np.arange(catalog.size, dtype=np.int32) + len(ids)  # not found: after, by id
    rank[pos[ok]] = np.flatnonzero(ok).astype(np.int32)
    return rank


def _features(
    db: sqlite3.Connection, story_ids: np.ndarray, sql: str, key: int, names_sql: str
) -> Features:
    pairs = _columns(db, sql, (key,), 2)
    sids, nids = pairs[:, 0], pairs[:, 1]
    pos = np.searchsorted(story_ids, sids)
    used = np.unique(nids)
    names: dict[int, str] = {}
    if len(used):
        wanted = set(used.tolist())
        for nid, name in db.execute(names_sql):
            if nid in wanted:
                names[nid] = name
    return Features(
        ptr=_ptr(pos, len(story_ids)),
        ids=nids.astype(np.int32),
        names=names,
    )


def _ratings(db: sqlite3.Connection, guild_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = _columns(
        db,
        "SELECT story_id, user_id, stars FROM reader_ratings WHERE guild_id = ?",
        (guild_id,),
        3,
    )
    return (
        np.ascontiguousarray(rows[:, 0]),
        np.ascontiguousarray(rows[:, 1]),
        rows[:, 2].astype(np.int8),
    )


def _level_of(name: str) -> int:
    return LEVELS.index(name) if name in LEVELS else len(LEVELS) - 1


def load_story(db: sqlite3.Connection, story_id: int) -> Catalog | None:
    """One story as a catalog of one (no ratings): what `Catalog.put` takes."""
    row = db.execute(
        "SELECT guild_id, rating_level, words, status FROM stories WHERE id = ?", (story_id,)
    ).fetchone()
    if row is None:
        return None
    guild_id, level_name, words, status = row
    ids = np.array([story_id], dtype=np.int64)
    features = {
        kind: _features(db, ids, sql.format(where="s.id = ?1"), story_id, names)
        for kind, (sql, names) in FEATURE_SQL.items()
    }
    empty = np.zeros(0, dtype=np.int64)
    one = Catalog.from_arrays(
        guild_id,
        ids,
        adult=np.array([level_name in ADULT_LEVELS]),
        words=np.array([words], dtype=np.int32),
        status=np.array([1 if status == "complete" else -1 if status == "wip" else 0]),
        features=features,
        rating_story=empty,
        rating_user=empty,
        rating_stars=empty.astype(np.int8),
    )
    one.level = np.array([_level_of(level_name)], dtype=np.int8)
    return one
