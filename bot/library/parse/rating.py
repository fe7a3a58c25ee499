"""The rating rule, in one place: every statement of a rating in a file -> the stored level.

Evidence, in the order it is weighed:

1. the declared rating (`RawStory.rating`, the file's rating label);
2. every other statement of a rating a layout found (`RawStory.rating_evidence`: a second
   label, a table cell, a FanFiction.net info line, an eFiction "Rated:" with the site's
   long label);
3. rating statements in the preamble text: the summary, notes, warnings and disclaimer
   ("Rated M for language", "NC-17 to be safe", "NSFW", "adults only"), and "Rated X" in
   the first lines of the text (an author's note left in it);
4. the judgement of the text itself (`infer.judge_rating`).

The rule: the stored level is never lower than any statement (1–3). A declared rating that
no scale in data/ratings.toml knows keeps its text, counts as Not Rated (adult, as on AO3)
and is flagged for the moderator — never General. Inference may only raise: with no
statement at all the judgement is the level; below an adult statement, a judgement of
Explicit raises the level (flagged), a judgement of Mature is flagged for a moderator to
check. Levels are compared in safety order: General < Teen < Not Rated < Mature < Explicit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.library.model import Rating, RatingLevel
from bot.library.parse.infer import judge_rating
from bot.library.parse.raw import RawStory
from bot.library.rules import fold, load_toml

SAFETY_ORDER = (
    RatingLevel.GENERAL,
    RatingLevel.TEEN,
    RatingLevel.NOT_RATED,
    RatingLevel.MATURE,
    RatingLevel.EXPLICIT,
)
_RANK = {level: k for k, level in enumerate(SAFETY_ORDER)}

_NOISE = re.compile(r"[\s\u00a0_]+")
_LEAD = re.compile(
    r"^(?:(?:this\s+(?:story|fic|work|chapter)\s+is\s+)?(?:rated|rating)\b\s*[:\-=]?\s*)"
)
_RANGE = re.compile(r"\s*(?:/|\bto\b|\bor\b|,|;|&|\band\b|\u2013|\s-\s)\s*", re.IGNORECASE)
_BODY_HEAD_CHARS = 1500
_BRACKETED = re.compile(r"[(\[]\s*([^()\[\]]{1,30}?)\s*[)\]]")  # "Crypt (NC-17)", "[R]"
_NOTE_CHARS = 5000


def safest(levels: list[RatingLevel]) -> RatingLevel | None:
    """The highest of `levels` in safety order (None when there are none)."""
    return max(levels, key=_RANK.__getitem__) if levels else None


def rating_key(text: str) -> str:
    """How a rating value is compared: folded, lower case, single spaces, no "Rated:"."""
    text = fold(text).lower().strip().strip("[](){}<>.*:;!\"'`~")
    text = _LEAD.sub("", text)
    return _NOISE.sub(" ", text).strip(" .")


@dataclass(frozen=True, slots=True)
class RatingScales:
    forms: dict[str, RatingLevel]  # rating_key(form) -> level, every scale together
    statements: dict[str, RatingLevel]  # free-text phrases -> level
    ordered: tuple[str, ...]  # forms, longest first
    rated: re.Pattern[str]  # "Rated M", "rating: NC-17", "rated PG-13 to R" in free text
    statement: re.Pattern[str]  # the statement phrases as whole words

    def level(self, value: str) -> RatingLevel | None:
        """The level a declared rating value names; a range takes the higher level."""
        key = rating_key(value)
        if not key:
            return None
        if key in self.forms:
            return self.forms[key]
        parts = [p for p in _RANGE.split(key) if p.strip()]
        if len(parts) > 1:
            levels = [lv for p in parts if (lv := self._level(p)) is not None]
            if levels:
                return safest(levels)
        return self._level(key)

    def _level(self, key: str) -> RatingLevel | None:
        key = key.strip(" .()[]")
        if key in self.forms:
            return self.forms[key]
        for form in self.ordered:
            if key.startswith(form) and (len(key) == len(form) or not key[len(form)].isalnum()):
                return self.forms[form]
        return None

    def in_text(self, text: str, *, phrases: bool = True) -> list[str]:
        """Rating statements in free text, as the words that state them ("M", "NSFW")."""
        folded = fold(text)
        found = [
            m.group("r") + (f"/{m.group('r2')}" if m.group("r2") else "")
            for m in self.rated.finditer(folded)
        ]
        if phrases:
            found.extend(m.group(0) for m in self.statement.finditer(folded))
        return found


def _alternation(forms: list[str]) -> str:
    return "|".join(
        re.escape(f).replace(r"\ ", r"\s+") for f in sorted(forms, key=len, reverse=True)
    )


@lru_cache(maxsize=1)
def rating_scales() -> RatingScales:
    data = load_toml("ratings.toml")
    forms: dict[str, RatingLevel] = {}
    for scale in data["scales"].values():
        for form, level in scale.items():
            forms[rating_key(form)] = RatingLevel(level)
    statements = {rating_key(k): RatingLevel(v) for k, v in data["statements"].items()}
    ordered = tuple(sorted(forms, key=len, reverse=True))
    alts = _alternation(list(forms))
    rated = re.compile(
        rf"(?<![\w-])(?:rated|rating)\s*(?:[:=\-\u2013\u2014]\s*|\s+)(?:(?:is|as|at|an?)\s+)?"
        rf"(?P<r>{alts})(?:\s*(?:/|\bto\b|\bor\b)\s*(?P<r2>{alts}))?(?![\w+])",
        re.IGNORECASE,
    )
    statement = re.compile(
        rf"(?<![\w-])(?:{_alternation(list(statements))})(?![\w-])", re.IGNORECASE
    )
    return RatingScales(forms, statements, ordered, rated, statement)


def statement_level(text: str) -> RatingLevel | None:
    """The level one statement of a rating names: a rating value ("FR18", "Fiction M"),
    a sentence holding one ("Rated M for language") or a phrase ("adults only")."""
    scales = rating_scales()
    level = scales.level(text)
    if level is not None:
        return level
    key = rating_key(text)
    if key in scales.statements:
        return scales.statements[key]
    levels = [lv for s in scales.in_text(text) if (lv := _found_level(s)) is not None]
    return safest(levels)


def _found_level(found: str) -> RatingLevel | None:
    scales = rating_scales()
    return scales.level(found) or scales.statements.get(rating_key(found))


def preamble_statements(raw: RawStory) -> list[tuple[str, str]]:
    """(where, statement) for rating statements in the summary, notes, warnings,
    disclaimer and the first lines of the text."""
    scales = rating_scales()
    places: list[tuple[str, str]] = []
    if raw.summary:
        places.append(("the summary", raw.summary))
    places.extend(("an author's note", note[:_NOTE_CHARS]) for note in raw.notes)
    places.extend(("the warnings", w) for w in raw.warnings)
    if raw.disclaimer:
        places.append(("the disclaimer", raw.disclaimer))
    if raw.spoilers:
        places.append(("the spoilers line", raw.spoilers))
    found: list[tuple[str, str]] = []
    for where, text in places:
        found.extend((where, s) for s in scales.in_text(text))
    if raw.title and ("(" in raw.title or "[" in raw.title):
        # "Crypt (NC-17)": a bracket holding exactly a rating form
        found.extend(
            ("the title", m.group(1))
            for m in _BRACKETED.finditer(raw.title)
            if rating_key(m.group(1)) in scales.forms
        )
    first = next((c.text for c in raw.chapters if c.text.strip()), "")
    if first:
        found.extend(
            ("the opening lines", s)
            for s in scales.in_text(first[:_BODY_HEAD_CHARS], phrases=False)
        )
    return found


def _name(level: RatingLevel) -> str:
    return str(level)


def decide_rating(raw: RawStory, body: str) -> tuple[Rating, list[str]]:
    """The stored rating of a story and the moderator flags the decision raised."""
    flags: list[str] = []
    declared = " ".join((raw.rating or "").split()) or None
    statements: list[tuple[str, RatingLevel]] = []  # (text, level), declared first
    declared_level: RatingLevel | None = None
    if declared:
        declared_level = statement_level(declared)
        if declared_level is None:
            declared_level = RatingLevel.NOT_RATED
            flags.append(
                f"Declared rating '{declared}' is not on any rating scale the bot knows: "
                "stored as Not Rated (adult). Check the story and set its rating."
            )
        statements.append((declared, declared_level))
    for text in raw.rating_evidence:
        text = " ".join(text.split())  # noqa: PLW2901
        if not text:
            continue
        level = statement_level(text)
        if level is None:
            level = RatingLevel.NOT_RATED
            flags.append(
                f"The file also states a rating '{text}' the bot does not know: "
                "counted as Not Rated (adult)."
            )
        statements.append((text, level))
        _flag_higher(
            flags,
            declared,
            declared_level=declared_level,
            text=text,
            level=level,
            where="elsewhere in the file",
        )
    for where, text in preamble_statements(raw):
        level = _found_level(text)
        if level is None:
            continue
        statements.append((text, level))
        _flag_higher(
            flags,
            declared,
            declared_level=declared_level,
            text=text,
            level=level,
            where=f"in {where}",
        )
    stated = safest([lv for _, lv in statements])

    if stated is None:
        if not body.strip():
            return Rating(declared=None, level=RatingLevel.NOT_RATED, inferred=True), flags
        return Rating(declared=None, level=judge_rating(body).level, inferred=True), flags

    shown = declared or next(t for t, lv in statements if lv == stated)
    rating = Rating(declared=shown, level=stated, inferred=False)
    if stated.is_adult or not body.strip():
        return rating, flags
    judged = judge_rating(body, count_teen=False).level  # only Mature and Explicit matter here
    if judged == RatingLevel.EXPLICIT:
        flags.append(
            f"Rated '{shown}' ({_name(stated)}) but the text reads as Explicit: stored as "
            "Explicit. Check the story."
        )
        return Rating(declared=shown, level=RatingLevel.EXPLICIT, inferred=True), flags
    if judged == RatingLevel.MATURE:
        flags.append(
            f"Rated '{shown}' ({_name(stated)}) but the text may be Mature: kept as "
            f"{_name(stated)}. Check the story."
        )
    return rating, flags


def _flag_higher(
    flags: list[str],
    declared: str | None,
    *,
    declared_level: RatingLevel | None,
    text: str,
    level: RatingLevel,
    where: str,
) -> None:
    if declared is None or declared_level is None or _RANK[level] <= _RANK[declared_level]:
        return
    flags.append(
        f"Declared rating '{declared}' ({_name(declared_level)}), but the file says "
        f"'{text}' {where}: stored as {_name(level)} or higher."
    )
