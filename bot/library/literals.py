"""Many literal strings found in a text in one pass (Aho–Corasick, `ahocorasick_rs`).

The parser looks for word lists in every story: the rating vocabulary (data/content.toml),
character aliases and fandom evidence words (data/fandoms/). A regex alternation of a
hundred words makes the regex engine stop and try the list at every word of the text; an
Aho–Corasick automaton (compiled once per process, a DFA) reads the text once and reports
each place a listed string occurs, which is 4–7× cheaper on story text. What a caller
counts is then decided from those places, so the answers are the ones the regex gave:

- `WholeWords.find(text)`: the terms `re.finditer(r"\\b(?:t1|t2|…)\\b", text)` would match
  (longest term at each start, matches not overlapping);
- `Literals.places(text)`: every occurrence of every string, overlapping, for the caller's
  own rules (`str.count`-style counts: `non_overlapping`).
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick_rs


def _is_word(ch: str) -> bool:
    """`re`'s \\w for str patterns (Unicode letters and digits, and "_")."""
    return ch.isalnum() or ch == "_"


class Literals:
    """Every occurrence of each of `strings` in a text (overlapping ones too)."""

    def __init__(self, strings: Iterable[str]) -> None:
        self.strings: tuple[str, ...] = tuple(dict.fromkeys(s for s in strings if s))
        self._index = {s: k for k, s in enumerate(self.strings)}
        dfa = ahocorasick_rs.Implementation.DFA
        self._automaton = (
            ahocorasick_rs.AhoCorasick(list(self.strings), implementation=dfa)
            if self.strings
            else None
        )
        # the same automaton over bytes, for ASCII texts (whose byte offsets are their
        # character offsets; a string with other characters cannot match in them): ~20 %
        # cheaper than handing the str over
        self._ascii_automaton = (
            ahocorasick_rs.BytesAhoCorasick(
                [s.encode("utf-8") for s in self.strings], implementation=dfa
            )
            if self.strings
            else None
        )

    def index(self, string: str) -> int:
        return self._index[string]

    def places(self, text: str) -> list[tuple[int, int, int]]:
        """(string index, start, end) of every occurrence, ordered by end (code points)."""
        if self._automaton is None or not text:
            return []
        if text.isascii() and self._ascii_automaton is not None:
            return self._ascii_automaton.find_matches_as_indexes(
                text.encode("ascii"), overlapping=True
            )
        return self._automaton.find_matches_as_indexes(text, overlapping=True)


def non_overlapping(starts: list[int], length: int) -> int:
    """How many of the occurrences of a `length`-long string at sorted `starts`
    `str.count` counts (each search goes on after the last one found)."""
    n, free = 0, 0
    for start in starts:
        if start >= free:
            n += 1
            free = start + length
    return n


class WholeWords:
    """The matches of `\\b(?:terms)\\b` (terms that start and end with a word character),
    found with one Aho–Corasick pass: at each start the longest term followed by a
    non-word character, preceded by one, and the matches taken left to right without
    overlapping — what the regex engine's leftmost, longest-first, non-overlapping
    search of a trie alternation gives (tests hold the two to the same answers)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = Literals(terms)
        bad = [t for t in self.terms.strings if not (_is_word(t[0]) and _is_word(t[-1]))]
        if bad:
            raise ValueError(f"terms must start and end with a word character: {bad[:3]}")

    @classmethod
    def of(cls, terms: Iterable[str]) -> WholeWords | None:
        """WholeWords of `terms`; None when one does not start and end with a word
        character (the caller then keeps its regex)."""
        try:
            return cls(terms)
        except ValueError:
            return None

    def find(self, text: str) -> list[str]:
        """The terms matched in `text`, in order."""
        places = self.terms.places(text)
        if not places:
            return []
        n = len(text)
        longest: dict[int, tuple[int, int]] = {}  # start -> (term, end)
        for k, start, end in places:
            if (start and _is_word(text[start - 1])) or (end < n and _is_word(text[end])):
                continue
            best = longest.get(start)
            if best is None or best[1] < end:
                longest[start] = (k, end)
        strings = self.terms.strings
        out: list[str] = []
        free = 0
        for start in sorted(longest):
            if start >= free:
                k, free = longest[start]
                out.append(strings[k])
        return out
