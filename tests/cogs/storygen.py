"""Build ParsedStory objects for end-to-end tests (imported through the real Library)."""

from __future__ import annotations

from bot.library.model import Chapter, Pairing, ParsedStory, Rating, RatingLevel, Status


def make_story(
    title: str,
    *,
    author: str = "Tester",
    level: RatingLevel = RatingLevel.GENERAL,
    chapters: int = 1,
    paragraphs: int = 4,
    text: str | None = None,
    pairing: tuple[str, str] | None = None,
    status: Status = Status.COMPLETE,
) -> ParsedStory:
    """A story with distinct, readable paragraphs (about 130 words each)."""
    chs = []
    for c in range(1, chapters + 1):
        body = text or "\n\n".join(
            f"{title}, chapter {c}, paragraph {p}. " + "The night went on and on. " * 20
            for p in range(1, paragraphs + 1)
        )
        chs.append(Chapter(number=c, label=f"Chapter {c}", title=None, text=body))
    pairings = []
    characters: list[str] = []
    if pairing:
        characters = sorted(pairing)
        pairings = [Pairing(name="/".join(characters), characters=characters)]
    return ParsedStory(
        title=title,
        authors=[author],
        rating=Rating(declared=level.value, level=level, inferred=False),
        pairings=pairings,
        characters=characters,
        chapters=chs,
        status=status,
    )


async def add(app, story: ParsedStory) -> int:
    outcome = await app.bot.library.add_parsed(app.guild.id, story, actor_id=app.moderator.id)
    return outcome.story_id
