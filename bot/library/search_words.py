"""The word level of the search index: which entries hold which word, and which words are near.

A `WordIndex` maps every normalised word of one field (titles, or author names) to the
slots of the entries that hold it. It answers three questions cheaply, without looking at
the entries themselves: which slots hold a word, which words start with a prefix (a sorted
vocabulary and bisect), and which words are one or two typos away (words bucketed by length
and first / last letter, compared with rapidfuzz's optimal-string-alignment distance, so a
swapped pair of letters counts as one typo).

Postings are only ever appended; the owning index treats slots of removed entries as dead
and rebuilds a fresh `WordIndex` when too many are dead.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

_SORT_IN_PLACE_MAX = 64  # fewer new words than this are inserted one by one
_CLEAN_MIN = 16  # postings shorter than this are not worth cleaning


def typo_budget(word: str) -> int:
    """How many typos a word of this length may carry and still be recognised."""
    if len(word) < 3:
        return 0
    return 1 if len(word) == 3 else 2


class WordIndex:
    """Normalised words of one field → slots holding them; prefix and typo neighbours."""

    __slots__ = ("_by_head", "_by_tail", "_dead", "_new_words", "_postings", "_vocab")

    def __init__(self) -> None:
        self._postings: dict[str, array] = {}
        self._dead: dict[str, int] = {}  # word → dead slots still in its postings
        self._vocab: list[str] = []  # sorted, once `_new_words` is merged in
        self._new_words: list[str] = []
        self._by_head: dict[tuple[int, str], list[str]] = {}
        self._by_tail: dict[tuple[int, str], list[str]] = {}

    def add(self, slot: int, words: Iterable[str]) -> None:
        """Record that the entry in `slot` holds each of `words` (give each word once)."""
        postings = self._postings
        for word in words:
            slots = postings.get(word)
            if slots is None:
                slots = postings[word] = array("i")
                self._new_words.append(word)
                self._by_head.setdefault((len(word), word[0]), []).append(word)
                self._by_tail.setdefault((len(word), word[-1]), []).append(word)
            slots.append(slot)

    def forget(self, words: Iterable[str], alive: Sequence[object]) -> None:
        """The entry holding `words` died: drop dead slots from a word's postings once they
        are half of it (`alive[slot]` is None for a dead slot), so no list grows stale."""
        postings, dead = self._postings, self._dead
        for word in words:
            slots = postings.get(word)
            if slots is None:
                continue
            count = dead.get(word, 0) + 1
            if count * 2 >= len(slots) and len(slots) >= _CLEAN_MIN:
                postings[word] = array("i", (s for s in slots if alive[s] is not None))
                dead.pop(word, None)
            else:
                dead[word] = count

    def postings(self, word: str) -> array | None:
        """Slots holding `word` (dead slots included: the caller checks liveness)."""
        return self._postings.get(word)

    def __contains__(self, word: str) -> bool:
        return word in self._postings

    def __len__(self) -> int:
        return len(self._postings)

    def with_prefix(self, prefix: str, limit: int) -> list[str]:
        """Up to `limit` vocabulary words that start with `prefix` and are longer than it."""
        vocab = self._sorted_vocab()
        i = bisect_left(vocab, prefix)
        if i < len(vocab) and vocab[i] == prefix:
            i += 1
        found: list[str] = []
        while i < len(vocab) and len(found) < limit and vocab[i].startswith(prefix):
            found.append(vocab[i])
            i += 1
        return found

    def near(self, word: str, max_typos: int) -> dict[str, int]:
        """Vocabulary words within `max_typos` edits (OSA distance) of `word` → distance."""
        if max_typos <= 0 or not word:
            return {}
        found: dict[str, int] = {}
        for length in range(max(1, len(word) - max_typos), len(word) + max_typos + 1):
            for bucket in (
                self._by_head.get((length, word[0])),
                self._by_tail.get((length, word[-1])),
            ):
                if not bucket:
                    continue
                for match, dist, _i in process.extract(
                    word,
                    bucket,
                    scorer=OSA.distance,
                    score_cutoff=max_typos,
                    limit=None,
                ):
                    found[match] = int(dist)
        found.pop(word, None)
        return found

    def settle(self) -> None:
        """Sort new vocabulary now rather than on the next query."""
        self._sorted_vocab()

    def _sorted_vocab(self) -> list[str]:
        if self._new_words:
            if len(self._new_words) <= _SORT_IN_PLACE_MAX:
                for word in self._new_words:
                    insort(self._vocab, word)
            else:
                self._vocab.extend(self._new_words)
                self._vocab.sort()
            self._new_words.clear()
        return self._vocab
