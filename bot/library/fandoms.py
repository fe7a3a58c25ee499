"""Fandom tables: canonical characters, aliases, ships and fandom names, as data.

Every `data/fandoms/*.toml` is read once (adding a fandom is adding a file). The tables
answer three questions:

- which canonical character does a declared name or ship shorthand mean
  (`resolve_relationship("B/A")` -> Angel/Buffy Summers; initials resolved per whole ship,
  preferring a known ship: A is Angel in B/A and Anya in X/A);
- which characters a story names, and how often (`count_mentions`);
- which fandoms a story belongs to (`fandom_name`, `fandoms_of`, `story_families`).

A table applies only to stories of its fandom: `story_families` decides which tables a
story is in (its declared fandoms when it declares any; otherwise strong evidence — a
distinctive character name or evidence words in the text, or a distinctive name in its
declared characters or relationships) and `scoped` gives the tables of just those, so a
Star Wars "Finn/Poe Dameron" is never read with the Buffy table. With no table at all a
declared relationship is still an order-free pairing of the names as written
("Naruto U./Sasuke U." and "Sasuke U./Naruto U." are one pairing; punctuation kept).

Relationship separators (AO3 conventions): "/" and " x " are romantic, "&" and " and "
platonic. Homestuck's quadrants are relationships too: ♥ / <3 (matesprits, red) and
♠ / <3< (kismeses, black) are romantic and recorded as "A/B"; ♦ / ◊ / <> (moirails,
pale) and ♣ / c3< (auspistice, ashen) are platonic relationships, recorded as "A & B"
(AO3's other relationship form) — the quadrant symbol itself is not kept.
FanFiction.net's "[A, B]" group is a romantic pairing.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.config import DATA_DIR
from bot.library.literals import Literals, non_overlapping
from bot.library.rules import fold, load_toml

log = logging.getLogger(__name__)

_CAP_TOKEN = re.compile(r"[A-Z][a-z]*")
_PAREN = re.compile(r"\s*[(\[][^)\]]{0,40}[)\]]\s*")
_QUALIFIER = re.compile(
    r"^(?:(?:implied|implicit|past|former|mentioned|background|minor|eventual|one[- ]sided|"
    r"unrequited|hints? of|slight|some|pre[- ]|post[- ]|endgame|main|side|onesided)\s*)+",
    re.IGNORECASE,
)
_ROMANTIC_SEP = re.compile(r"\s*(?:/|[♥♡❤♠♤]\ufe0f?|<3<|<3)\s*|\s+[xX×]\s+")
_PLATONIC_SEP = re.compile(r"\s*(?:&|[♦♢◊♣♧]\ufe0f?|<>|c3<)\s*|\s+and\s+", re.IGNORECASE)
_PLATONIC_MARK = re.compile(r"&|[♦♢◊♣♧]|<>|c3<")
_FFN_GROUP = re.compile(r"^\[([^\[\]]+,[^\[\]]+)\]$")
_TRIM = ";:,*_\"'“”"
_INITIAL_END = re.compile(r"(?:^|[\s/&])[A-Z]\.$")
_FFN_NAME = re.compile(r"^(?P<first>[A-Z][\w'-]+)\s+(?P<initial>[A-Z])\.?$")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


def _key(name: str) -> str:
    return " ".join(fold(name).lower().replace(".", " ").split())


@dataclass(frozen=True, slots=True)
class TextNames:
    """What one pass over a text found of the names the tables look for.

    `tokens`: the capitalised words (`[A-Z][a-z]*` tokens: "Buffy", "The") that are
    one-word aliases or the first word of a longer alias, counted; `counts`: how often
    each longer alias and each evidence word occurs (`str.count`)."""

    tokens: Counter[str]
    counts: dict[str, int]

    def count(self, string: str) -> int:
        return self.counts.get(string, 0)


@dataclass(frozen=True, slots=True)
class _NameFinder:
    """The tables' names as one Aho–Corasick automaton: for each string, whether it is
    counted as a whole capitalised token, by `str.count`, or both."""

    literals: Literals
    token: tuple[bool, ...]
    counted: tuple[bool, ...]

    def find(self, text: str) -> TextNames:
        strings = self.literals.strings
        token, counted = self.token, self.counted
        n = len(text)
        token_n = [0] * len(strings)
        starts: dict[int, list[int]] = {}
        for k, start, end in self.literals.places(text):
            # every capital letter starts a `[A-Z][a-z]*` token: the token is this string
            # when no lower-case letter follows it
            if token[k] and (end == n or text[end] not in _LOWER):
                token_n[k] += 1
            if counted[k]:
                starts.setdefault(k, []).append(start)
        return TextNames(
            tokens=Counter({strings[k]: c for k, c in enumerate(token_n) if c}),
            counts={strings[k]: non_overlapping(s, len(strings[k])) for k, s in starts.items()},
        )


@dataclass(frozen=True, slots=True)
class Relationship:
    characters: tuple[str, ...]  # canonical (or as declared, when unknown), sorted
    romantic: bool

    @property
    def name(self) -> str:
        return ("/" if self.romantic else " & ").join(self.characters)


@dataclass(slots=True)
class FandomTables:
    fandom_keys: dict[str, str] = field(default_factory=dict)  # alias key -> fandom
    home: dict[str, tuple[str, ...]] = field(default_factory=dict)  # character -> fandoms
    order: dict[str, int] = field(default_factory=dict)  # character -> table position
    declared: dict[str, list[str]] = field(default_factory=dict)  # name key -> characters
    initials: dict[str, list[str]] = field(default_factory=dict)  # "B" -> characters
    text_aliases: dict[str, list[tuple[str, int, str]]] = field(default_factory=dict)
    ships: dict[str, tuple[str, ...]] = field(default_factory=dict)  # portmanteau key
    known: set[frozenset[str]] = field(default_factory=set)
    common: set[str] = field(default_factory=set)  # names that are also everyday words
    family: dict[str, str] = field(default_factory=dict)  # fandom -> its table file
    evidence: dict[str, str] = field(default_factory=dict)  # "Sunnydale" -> fandom
    ship_pattern: re.Pattern[str] | None = None
    single_aliases: dict[str, str] = field(default_factory=dict)  # "Buffy" -> character
    multi_aliases: list[tuple[str, str]] = field(default_factory=list)
    first_cap: dict[str, str] = field(default_factory=dict)  # multi alias -> a word in it
    _aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)  # family -> its table, as read
    distinctive: dict[str, str] = field(default_factory=dict)  # name key -> character
    _scoped: dict[frozenset[str], FandomTables] = field(default_factory=dict)
    _finder: _NameFinder | None = None

    # ---- loading -------------------------------------------------------------------
    def add_file(self, data: dict, family: str = "", *, characters: bool = True) -> None:
        """Add one table file; without `characters` only its fandom names are read."""
        if family:
            self.files[family] = data
        for fandom in data.get("fandoms", []):
            name = fandom["name"]
            self.family[name] = family or name
            for word in fandom.get("evidence", []):
                self.evidence[word] = name
            for alias in [name, *fandom.get("aliases", [])]:
                self.fandom_keys.setdefault(_key(alias), name)
        if not characters:
            return
        for name, info in data.get("characters", {}).items():
            self.order.setdefault(name, len(self.order))
            self.home[name] = tuple(info.get("fandoms", []))
            if info.get("common_word"):
                self.common.add(name)
            for alias in [name, *info.get("aliases", []), *info.get("short", [])]:
                bucket = self.declared.setdefault(_key(alias), [])
                if name not in bucket:
                    bucket.append(name)
            # names that place a story in this fandom when declared: a full name
            # ("Riley Finn", "Poe Dameron"), and every alias of a not-everyday name
            if " " in name and not name.startswith("The "):
                self.distinctive.setdefault(_key(name), name)
            if not info.get("common_word") and not info.get("ambiguous"):
                for alias in [name, *info.get("aliases", [])]:
                    self.distinctive.setdefault(_key(alias), name)
            for initial in info.get("initials", []):
                self.initials.setdefault(initial, []).append(name)
            text_names = [] if info.get("ambiguous") else [name]
            for alias in text_names + list(info.get("aliases", [])):
                cap = _CAP_TOKEN.search(alias)
                if not cap:
                    continue
                self.text_aliases.setdefault(cap.group(), []).append((alias, cap.start(), name))
        for ship, pair in data.get("ships", {}).items():
            chars = tuple(sorted(pair))
            self.ships[_key(ship)] = chars
            self.known.add(frozenset(chars))
        for pair in data.get("known_pairs", {}).get("pairs", []):
            self.known.add(frozenset(pair))

    def finalise(self) -> None:
        for entries in self.text_aliases.values():
            entries.sort(key=lambda e: len(e[0]), reverse=True)
        for token, entries in self.text_aliases.items():
            for alias, offset, name in entries:
                if alias == token and offset == 0:
                    self.single_aliases.setdefault(alias, name)
        for token, entries in self.text_aliases.items():
            for alias, _offset, name in entries:
                if alias == token:
                    continue
                parts = _CAP_TOKEN.findall(alias)
                if any(self.single_aliases.get(p) == name for p in parts):
                    continue
                self.multi_aliases.append((alias, name))
                self.first_cap[alias] = token
        if self.ships:
            names = sorted(self.ships, key=len, reverse=True)
            alts = "|".join(re.escape(n).replace(r"\ ", r"[\s-]") for n in names)
            self.ship_pattern = re.compile(rf"(?<![\w/])(?:{alts})(?![\w/])", re.IGNORECASE)

    def scoped(self, families: Iterable[str]) -> FandomTables:
        """The tables of just these fandom families (every fandom name is still known, so
        declared fandoms are canonicalised); no family gives tables without characters."""
        key = frozenset(f for f in families if f in self.files)
        if key == frozenset(self.files):
            return self
        cached = self._scoped.get(key)
        if cached is None:
            cached = FandomTables()
            for family, data in self.files.items():
                cached.add_file(data, family, characters=family in key)
            cached.finalise()
            self._scoped[key] = cached
        return cached

    def story_families(
        self,
        *,
        declared_fandoms: Iterable[str],
        declared_characters: Iterable[str],
        declared_relationships: Iterable[str],
        text: str,
        counts: Counter[str],
        names: TextNames | None = None,
    ) -> set[str]:
        """The fandom families (table files) whose tables apply to a story.

        Declared fandoms decide when there are any (a fandom without a table gives no
        table: the story's names are kept as written). Otherwise strong evidence does: a
        distinctive character name (not an everyday word, not a short form or initial) in
        the declared characters / relationships or in the text, or evidence words in the
        text (`evident_families`; `names`: `names_in(text)` if already found)."""
        declared = [d for d in declared_fandoms if d and d.strip().lower() not in _NO_FANDOM]
        if declared:
            families: set[str] = set()
            for item in declared:
                for piece in [item, *_FANDOM_SPLIT.split(item)]:
                    name = self.fandom_name(piece)
                    if name is not None:
                        families.add(self.family.get(name, name))
            return families
        found = self.evident_families(text, counts, names)
        names = list(declared_characters)
        for rel in declared_relationships:
            names.extend(_ANY_SEP.split(rel))
        for name in names:
            character = self.distinctive.get(_key(name.strip().strip(_TRIM)))
            if character:
                found.update(self.families_of(character))
        return found

    # ---- fandoms -------------------------------------------------------------------
    def fandom_name(self, declared: str) -> str | None:
        """The canonical fandom for a declared name, or None when the tables do not know it."""
        key = _key(declared)
        if key in self.fandom_keys:
            return self.fandom_keys[key]
        stripped = _key(_PAREN.sub(" ", declared))
        return self.fandom_keys.get(stripped)

    def evident_families(
        self, text: str, counts: Counter[str], names: TextNames | None = None
    ) -> set[str]:
        """Fandom families (table files) a text is plainly in: a distinctive name ("Buffy",
        "Xander", "Giles") is named, or an evidence word ("Sunnydale") occurs twice
        (`str.count`, found with the other names in one pass: `names_in`).
        Everyday-word names ("Dawn", "Faith", "Angel") alone do not count."""
        found = {
            self.family.get(fandom, fandom)
            for name, n in counts.items()
            if n and name not in self.common
            for fandom in self.home.get(name, ())
        }
        if names is None:
            names = self.names_in(text)
        for word, fandom in self.evidence.items():
            family = self.family.get(fandom, fandom)
            if family not in found and names.count(word) >= 2:
                found.add(family)
        return found

    def families_of(self, name: str) -> set[str]:
        return {self.family.get(f, f) for f in self.home.get(name, ())}

    def fandoms_of(self, characters: Iterable[str], known: Iterable[str] = ()) -> list[str]:
        """The home fandoms of `characters`; a character already placed by a fandom in
        `known` (the story's declared fandoms) adds none of its other homes — Sherlock
        Holmes in a "Sherlock (TV)" story does not add the Conan Doyle canon."""
        known = set(known)
        out: list[str] = []
        for name in characters:
            homes = self.home.get(name, ())
            if known.intersection(homes):
                continue
            for fandom in homes:
                if fandom not in out:
                    out.append(fandom)
        return out

    # ---- characters ----------------------------------------------------------------
    def character_candidates(self, token: str, *, allow_initials: bool = True) -> list[str]:
        """Canonical characters a declared name may mean (best first); [] if unknown."""
        token = token.strip().strip("\"'“”‘’*_").strip()
        if not token:
            return []
        found = self.declared.get(_key(token))
        if found:
            return list(found)
        if allow_initials and len(token) <= 3 and token in self.initials:
            return list(self.initials[token])
        m = _FFN_NAME.match(token)
        if m:  # FanFiction.net style "Buffy S."
            first = self.declared.get(_key(m.group("first")), [])
            return [c for c in first if c.split()[-1].startswith(m.group("initial"))] or first
        return []

    def canonical_character(self, token: str) -> str | None:
        found = self.character_candidates(token, allow_initials=False)
        return found[0] if found else None

    def names_in(self, text: str) -> TextNames:
        """The aliases and evidence words `text` holds, found in one pass (the automaton is
        built on first use, once per tables object)."""
        if self._finder is None:
            tokens = {*self.single_aliases, *self.first_cap.values()}
            counted = {*(alias for alias, _ in self.multi_aliases), *self.evidence}
            literals = Literals(sorted(tokens | counted))
            self._finder = _NameFinder(
                literals,
                token=tuple(s in tokens for s in literals.strings),
                counted=tuple(s in counted for s in literals.strings),
            )
        return self._finder.find(text)

    def count_mentions(self, text: str, names: TextNames | None = None) -> Counter[str]:
        """How often each canonical character is named in `text` (case-sensitive aliases).

        One-word aliases count as whole capitalised words (`[A-Z][a-z]*` tokens); longer
        aliases ("The Immortal", "Captain Cardboard") as `str.count` does, when the text
        has their first capitalised word, unless one of their words is already a one-word
        alias of the same character. `names`: `names_in(text)`, when already found.
        """
        if names is None:
            names = self.names_in(text)
        words = names.tokens
        counts: Counter[str] = Counter()
        for alias, name in self.single_aliases.items():
            n = words.get(alias)
            if n:
                counts[name] += n
        for alias, name in self.multi_aliases:
            if words.get(self.first_cap[alias]):
                n = names.count(alias)
                if n:
                    counts[name] += n
        return counts

    def aliases_of(self, name: str) -> tuple[str, ...]:
        """The names a story text may call a character by (longest first)."""
        cached = self._aliases.get(name)
        if cached is None:
            found = {name}
            for entries in self.text_aliases.values():
                found.update(alias for alias, _, canonical in entries if canonical == name)
            cached = self._aliases[name] = tuple(sorted(found, key=len, reverse=True))
        return cached

    def positions(self, text: str, name: str) -> list[int]:
        """Where a character is named in `text` (whole-word, case-sensitive)."""
        out: list[int] = []
        for alias in self.aliases_of(name):
            pos = text.find(alias)
            while pos != -1:
                end = pos + len(alias)
                if (pos == 0 or not text[pos - 1].isalnum()) and (
                    end == len(text) or not text[end].isalnum()
                ):
                    out.append(pos)
                pos = text.find(alias, end)
        return out

    # ---- relationships ----------------------------------------------------------------
    def ship(self, word: str) -> tuple[str, ...] | None:
        return self.ships.get(_key(word))

    def resolve_relationship(self, raw: str) -> Relationship | None:
        """A declared ship string ("B/A", "Spike x Buffy", "Spuffy", "Buffy & Willow")."""
        text = raw.strip().strip(_TRIM).strip()
        group = _FFN_GROUP.match(text)
        if group:  # FanFiction.net "[A, B]"
            text = "/".join(p.strip() for p in group.group(1).split(","))
        text = _PAREN.sub(" ", text).strip().strip(_TRIM).strip()
        if text.endswith(".") and not _INITIAL_END.search(text):
            text = text.rstrip(".").strip()  # a sentence's full stop, not "Naruto U."
        text = _QUALIFIER.sub("", text).strip()
        if not text:
            return None
        shipped = self.ship(text)
        if shipped:
            return Relationship(shipped, romantic=True)
        romantic = True
        parts = _ROMANTIC_SEP.split(text)
        if len(parts) < 2:
            parts = _PLATONIC_SEP.split(text)
            if len(parts) < 2:
                return None
            romantic = not _PLATONIC_MARK.search(text)
        parts = [_QUALIFIER.sub("", p).strip() for p in parts if p.strip()]
        if len(parts) < 2 or any(len(p) > 40 for p in parts):
            return None
        names = self._assign(parts)
        if len(set(names)) < 2:
            return None
        return Relationship(tuple(sorted(set(names))), romantic=romantic)

    def _assign(self, parts: list[str]) -> list[str]:
        options = [self.character_candidates(p)[:6] or [p.strip()] for p in parts]
        if all(len(o) == 1 for o in options):
            return [o[0] for o in options]
        best: list[str] | None = None
        best_score = -1.0
        for combo in itertools.islice(itertools.product(*options), 500):
            if len(set(combo)) < len(combo):
                continue
            score = 0.0
            if len(combo) == 2 and frozenset(combo) in self.known:
                score += 10
            score -= sum(opt.index(c) for opt, c in zip(options, combo, strict=True)) * 0.1
            if score > best_score:
                best, best_score = list(combo), score
        return best or [o[0] for o in options]

    def ships_in_text(self, text: str) -> list[Relationship]:
        """Ship shorthand in free text (summary, notes, tags): portmanteaus and A/B."""
        found: list[Relationship] = []
        if self.ship_pattern is not None:
            for m in self.ship_pattern.finditer(text):
                chars = self.ship(m.group())
                if chars:
                    found.append(Relationship(chars, romantic=True))
        for m in _SLASH_PAIR.finditer(text):
            rel = self.resolve_relationship(m.group())
            if rel and all(c in self.home for c in rel.characters):
                found.append(rel)
        return found


_FANDOM_SPLIT = re.compile(r"\s*(?:[/,;&|>]|\s[xX×]\s)\s*")
_ANY_SEP = re.compile(rf"{_ROMANTIC_SEP.pattern}|{_PLATONIC_SEP.pattern}|[\[\],]", re.IGNORECASE)
_NO_FANDOM = {"none", "other", "original", "original work", "n/a", "misc", "miscellaneous"}
_NAME = r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)?"
_SLASH_PAIR = re.compile(rf"(?<![\w/]){_NAME}\s?/\s?{_NAME}(?![\w/])")


def load_tables(directory: Path) -> FandomTables:
    tables = FandomTables()
    for path in sorted(directory.glob("*.toml")):
        try:
            tables.add_file(load_toml(path.name, directory), path.stem)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("fandom table %s could not be read: %s", path, exc)
    tables.finalise()
    return tables


@lru_cache(maxsize=1)
def fandom_tables() -> FandomTables:
    """All fandom tables under data/fandoms/, loaded once."""
    return load_tables(DATA_DIR / "fandoms")
