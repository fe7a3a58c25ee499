"""Series: stories that declare a series or a part are linked — the card names the series
and its other parts (adult titles only where they may be listed), `/browse series:` lists
it in part order. Stories arrive as files through `/library import` and `/library add`."""

from __future__ import annotations

import random

from bot.emulator.harness import App
from tests.cogs.test_library import add_bytes, zip_of

WORDS = [
    "night",
    "sky",
    "stake",
    "crypt",
    "library",
    "slayer",
    "watcher",
    "moon",
    "dust",
    "candle",
    "quiet",
    "road",
]


def series_file(
    title: str, header: str, *, seed: int, rating: str = "General", chapters: int = 1
) -> bytes:
    """A plain-text story whose header declares its series in `header` (any form)."""
    lines = [f"Title: {title}", "Author: Anon", f"Rating: {rating}", header, ""]
    for number in range(1, chapters + 1):
        rng = random.Random(seed * 1000 + number)
        lines += [f"Chapter {number}", ""]
        for _ in range(4):
            lines += [" ".join(rng.choice(WORDS) for _ in range(50)).capitalize() + ".", ""]
    return "\n".join(lines).encode()


DUSK = series_file("Dusk", "Part 1 of Dark Days", seed=1)
NIGHT = series_file("Night Falls", "Series: Part 2 of Dark Days", seed=2)
MIDNIGHT = series_file("Midnight", "Part 3 of the Dark Days series", seed=3, rating="Explicit")
AFTER = series_file("Afterwards", "Series: Dark Days", seed=4)  # no part declared
LONE = series_file("Lone Story", "", seed=5)
SECRET = series_file("Only Adults", "Series: Velvet [1]", seed=6, rating="Mature")


async def import_zip(app: App, files: dict[str, bytes]) -> None:
    upload = app.emu.attachment("series.zip", zip_of(files))
    reply = await app.moderator.slash("library import", file=upload, channel=app.general)
    await reply.wait_for(lambda r: bool(r.embeds), timeout=30)
    assert "rejected" not in reply.embed["description"].split("·")[0]


async def shelf(app: App) -> dict[str, int]:
    await import_zip(
        app,
        {
            "3.txt": MIDNIGHT,
            "after.txt": AFTER,
            "2.txt": NIGHT,
            "1.txt": DUSK,
            "lone.txt": LONE,
            "secret.txt": SECRET,
        },
    )
    stories, _ = await app.bot.library.list_stories(app.guild.id, limit=50)
    return {s.title: s.id for s in stories}


def field(embed: dict, name: str) -> str | None:
    return next((f["value"] for f in embed.get("fields", []) if f["name"] == name), None)


async def test_the_card_names_the_series_and_its_other_parts_in_order(app: App) -> None:
    ids = await shelf(app)

    card = await app.reader.slash("story", story=str(ids["Night Falls"]), channel=app.general)
    series = field(card.embed, "Series")
    assert series is not None
    lines = series.splitlines()
    assert lines[0] == "Part 2 of *Dark Days*"
    assert lines[1] == f"Part 1: Dusk (#{ids['Dusk']})"
    assert lines[2] == f"Part ?: Afterwards (#{ids['Afterwards']})"
    assert "Midnight" not in series  # an Explicit title is not listed in a general channel
    assert lines[3] == "…and 1 adult part, listed only in age-restricted channels"

    adult = await app.reader.slash("story", story=str(ids["Night Falls"]), channel=app.adult)
    assert field(adult.embed, "Series").splitlines()[1:] == [
        f"Part 1: Dusk (#{ids['Dusk']})",
        f"Part 3: Midnight (#{ids['Midnight']})",
        f"Part ?: Afterwards (#{ids['Afterwards']})",
    ]
    undeclared = await app.reader.slash("story", story=str(ids["Afterwards"]), channel=app.adult)
    assert field(undeclared.embed, "Series").startswith("Part of *Dark Days*\nPart 1: Dusk")
    lone = await app.reader.slash("story", story=str(ids["Lone Story"]), channel=app.general)
    assert field(lone.embed, "Series") is None


async def test_browse_lists_a_series_in_part_order(app: App) -> None:
    ids = await shelf(app)

    listed = await app.reader.slash("browse", series="dark days", channel=app.general)
    text = listed.embed["description"]
    assert listed.embed["title"].startswith("Series: Dark Days")
    assert text.index("Dusk") < text.index("Night Falls") < text.index("Afterwards")
    assert "Midnight" not in text and "Part 1" in text and "part not numbered" in text
    assert "age-restricted" in listed.text  # the hidden adult part is said, not silent

    adult = await app.reader.slash("browse", series="Dark Days", channel=app.adult)
    text = adult.embed["description"]
    order = [text.index(t) for t in ("Dusk", "Night Falls", "Midnight", "Afterwards")]
    assert order == sorted(order)
    card = await adult.select("Midnight")
    assert card.ephemeral and card.embed["footer"]["text"] == f"Story #{ids['Midnight']}"


async def test_browse_series_refusals_and_autocomplete(app: App) -> None:
    await shelf(app)

    offered = await app.reader.autocomplete("browse", "series", "", channel=app.general)
    assert [c["value"] for c in offered] == ["Dark Days"]  # Velvet has only an adult part
    in_adult = await app.reader.autocomplete("browse", "series", "v", channel=app.adult)
    assert [c["value"] for c in in_adult] == ["Velvet"]

    hidden = await app.reader.slash("browse", series="Velvet", channel=app.general)
    assert hidden.ephemeral and "listed only in age-restricted channels" in hidden.content
    unknown = await app.reader.slash("browse", series="Nope", channel=app.general)
    assert unknown.ephemeral and unknown.content == "No series called “Nope” in this library."
    mixed = await app.reader.slash("browse", series="Dark Days", author="Anon", channel=app.general)
    assert mixed.ephemeral and "use it without other options" in mixed.content


async def test_a_saved_upload_and_its_update_carry_the_series(app: App) -> None:
    saved = await add_bytes(app, "dusk.txt", DUSK)
    assert "Save" not in saved.labels
    longer = series_file("Dusk", "Part 4 of Dark Days", seed=1, chapters=2)  # extends it
    await add_bytes(app, "dusk2.txt", longer)
    stories, total = await app.bot.library.list_stories(app.guild.id)
    assert total == 1
    (story,) = stories
    assert (story.series, story.series_part, story.chapter_count) == ("Dark Days", 4, 2)
    parts = await app.bot.library.series_parts(app.guild.id, "DARK DAYS")
    assert [p.id for p in parts] == [story.id]
