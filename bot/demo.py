"""The playground's demo server: the seed stories, the demo library and its readers.

data/samples/ (the five seeds) and data/demo/ (stories written for this project) are added
through the bot's Library as a moderator would upload them; data/demo/ratings.toml names
demo members and the stars and reviews they gave, so /top, /recommend, /browse, story
cards and /ratings have something real to show from the first command.
"""

from __future__ import annotations

import asyncio
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import ROOT, SAMPLES_DIR

log = logging.getLogger(__name__)

DEMO_DIR = ROOT / "data" / "demo"
RATINGS_FILE = DEMO_DIR / "ratings.toml"


@dataclass(frozen=True, slots=True)
class DemoRating:
    member: str
    story: str  # the story's title as the library shows it
    stars: int
    review: str | None = None


def story_files(folders: tuple[Path, ...] = (SAMPLES_DIR, DEMO_DIR)) -> list[Path]:
    """Every story file of the demo, seeds first, each folder in name order."""
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            files.extend(
                sorted(
                    p
                    for p in folder.iterdir()
                    if p.is_file() and not p.name.startswith(".") and p.suffix != ".toml"
                )
            )
    return files


def load_ratings(path: Path = RATINGS_FILE) -> tuple[list[str], list[DemoRating]]:
    """The demo members (in order) and their ratings, from ratings.toml."""
    if not path.is_file():
        return [], []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    members: list[str] = []
    ratings: list[DemoRating] = []
    for reader in data.get("reader", []):
        name = reader["name"]
        members.append(name)
        for entry in reader.get("ratings", []):
            ratings.append(DemoRating(name, entry["story"], entry["stars"], entry.get("review")))
    return members, ratings


def _parse_all(paths: list[Path]) -> list[tuple[str, Any]]:
    from bot.library.parse import parse_story

    return [(p.name, parse_story(p.read_bytes(), p.name)) for p in paths]


async def load_demo(app: Any) -> None:
    """Fill the App's demo guild (bot.emulator.harness.App): stories, members, ratings."""
    library = app.bot.library
    guild = app.guild
    # The project's own files: parsed here, in a thread (an upload from a member goes
    # through Library.add_file's bounded worker process; starting one per demo file
    # would make the playground take seconds to open).
    parsed = await asyncio.to_thread(_parse_all, story_files())
    titles: dict[str, int] = {}
    for name, story in parsed:
        outcome = await library.add_parsed(
            guild.id, story, actor_id=app.moderator.id, source_name=name
        )
        titles[outcome.title] = outcome.story_id
    members, ratings = await asyncio.to_thread(load_ratings)
    for name in members:
        try:
            guild.member(name)
        except LookupError:
            guild.create_member(name)
    for rating in ratings:
        story_id = titles.get(rating.story)
        if story_id is None:
            log.warning("demo rating for a story not in the demo: %r", rating.story)
            continue
        member = guild.member(rating.member)
        await library.rate(guild.id, story_id, member.id, rating.stars, rating.review)
