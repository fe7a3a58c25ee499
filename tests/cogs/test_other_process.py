"""Other processes are seen (issue 8 item 3): the real `storybot` CLI, as a subprocess,
imports into and removes from the running bot's own library file; within 2 s the bot's
search, autocomplete and story lookups agree with it, through the loopback Discord."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

from tests.cogs.storygen import add, make_story

SECONDS = 2.0


def story_file(folder: Path, n: int) -> None:
    body = " ".join(f"Quiet words in the garden number {n} go on." for _ in range(30))
    (folder / f"garden-{n:03d}.txt").write_text(
        f"Title: Garden Tale {n:03d}\nAuthor: Walker {n % 7}\nRating: General\n\n{body}\n"
    )


def storybot(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def within(seconds: float, check) -> float:
    """Seconds until `check()` (async) is true; fails after `seconds`. Looks every 50 ms:
    what is measured is how soon the bot sees another process's write, which no event
    in this process announces."""
    started = time.monotonic()
    while True:
        if await check():
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, f"not seen within {seconds} s"
        await asyncio.sleep(0.05)


async def test_a_cli_import_and_removal_are_seen_by_the_running_bot(app, tmp_path):
    await add(app, make_story("Already Here"))
    db = app.bot.library.path
    folder = tmp_path / "incoming"
    folder.mkdir()
    for n in range(40):
        story_file(folder, n)

    done = storybot("import", str(folder), "--guild", str(app.guild.id), "--db", str(db))
    assert done.returncode == 0, done.stderr
    imported_at = time.monotonic()

    async def offered() -> bool:  # autocomplete reads the bot's in-memory search index
        choices = await app.reader.autocomplete(
            "story", "story", "garden tale 037", channel=app.general
        )
        return any(c["name"].startswith("Garden Tale 037") for c in choices)

    await within(SECONDS, offered)
    assert time.monotonic() - imported_at < SECONDS + 1.0
    found = await app.reader.slash("search", query="Garden Tale 01", channel=app.general)
    assert "Garden Tale 010" in found.text
    card = await app.reader.slash("story", story="Garden Tale 012", channel=app.general)
    assert card.embed["title"] == "Garden Tale 012"

    story_id = next(
        s.id
        for s in (await app.bot.library.list_stories(app.guild.id, limit=None))[0]
        if s.title == "Garden Tale 012"
    )
    gone = storybot("remove", str(story_id), "--guild", str(app.guild.id), "--db", str(db))
    assert gone.returncode == 0, gone.stderr

    async def forgotten() -> bool:
        offered = await app.reader.autocomplete(
            "story", "story", "garden tale 012", channel=app.general
        )
        return not any(c["name"].startswith("Garden Tale 012") for c in offered)

    await within(SECONDS, forgotten)
    again = await app.reader.slash("story", story="Garden Tale 012", channel=app.general)
    assert not again.embeds and again.content.startswith("No story called “Garden Tale 012”")
