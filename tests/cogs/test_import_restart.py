"""A bot restart mid-import (issue 10 item 3): the real bot runs in its own process against
the loopback Discord in this one; a moderator's `/library import file:` is killed with
SIGKILL halfway. The SQLite file must then be sound with every story whole or absent; the
bot starts again and the moderator runs the same import: every story exactly once, the
ones already stored reported unchanged, nothing left stuck (the per-guild import guard,
the downloaded zip)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.emulator.harness import LIBRARIAN, build_demo_world
from bot.emulator.server import Emulator

ROOT = Path(__file__).resolve().parents[2]
STORIES = 400
KILL_AFTER = 40  # stories stored when the bot is killed


def story_bytes(n: int) -> bytes:
    lines = [
        f"Title: Restart Story {n:03d}",
        f"Author: Writer {n % 23}",
        "Rating: General",
        "Pairing: Buffy/Willow",
        f"Summary: Story {n} of an import the host restarts.",
        "",
    ]
    for c in range(1, 2 + n % 5):
        lines += ["", f"Chapter {c}", ""]
        for p in range(4):
            lines.append(
                f"Paragraph {p} of chapter {c} in story {n}. "
                + "Willow read late into the night while Buffy patrolled the cemetery. " * 5
            )
            lines.append("")
    return "\n".join(lines).encode()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class BotProcess:
    """`python -m bot` (through tests/cogs/bot_process.py) against the test's emulator."""

    def __init__(self, emu: Emulator, guild_id: int, database: Path, log: Path) -> None:
        env = {
            **os.environ,
            "DISCORD_TOKEN": emu.token,
            "STORYBOT_DATABASE": str(database),
            "STORYBOT_DEV_GUILD_ID": str(guild_id),  # syncs its commands there on start
            "STORYBOT_MODERATOR_ROLE": LIBRARIAN,
            "STORYBOT_LOG_LEVEL": "INFO",
        }
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.cogs.bot_process", str(emu.port)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,  # its own group: a kill takes any parser process too
            )

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    async def stop(self) -> int:
        """Ctrl-C, as a host stopping the bot: it closes cleanly."""
        self.proc.send_signal(signal.SIGINT)
        try:
            return await asyncio.to_thread(self.proc.wait, 30)
        except subprocess.TimeoutExpired:
            self.kill()
            raise


async def connected(emu: Emulator, guild_id: int, before: str | None, seconds: float = 60) -> str:
    """Wait until a bot session other than `before` is connected and /library is there."""

    def ready() -> bool:
        session = emu._session
        names = {c["name"] for c in emu.guild_commands.get(guild_id, [])}
        return (
            session is not None
            and session.session_id != before
            and session.connection is not None
            and "library" in names
        )

    assert await emu.changes.wait_until(ready, seconds), "the bot did not connect"
    assert emu._session is not None
    return emu._session.session_id


def count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)) as c:
            return c.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def write_archive(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir()
    archive = folder / "stories.zip"
    archive.write_bytes(zip_of(files))
    return archive


async def reference(folder: Path, files: dict[str, bytes]) -> dict[str, tuple]:
    """Each file's story as an uninterrupted import stores it (a fresh library file)."""
    from bot.library import Library
    from bot.library.service import collect

    archive = await asyncio.to_thread(write_archive, folder, files)
    entries, refused = collect([archive])
    assert not refused
    async with await Library.open(folder / "reference.db", index=False) as library:
        report = await library.import_entries(1, entries)
    assert len(report.added) == len(files)
    with contextlib.closing(sqlite3.connect(folder / "reference.db")) as conn:
        return {row[0]: row[1:] for row in story_rows(conn)}


def story_rows(conn: sqlite3.Connection) -> list[tuple]:
    """(source, title, chapters, words, content hash, identity key, chapter rows, authors,
    pairings, characters, full-text title) of every stored story."""
    out = []
    stories = conn.execute(
        "SELECT id, source_name, title, chapter_count, words, content_hash, identity_key"
        " FROM stories ORDER BY id"
    ).fetchall()
    for story_id, *fields in stories:

        def column(sql: str, story_id: int = story_id) -> tuple:
            return tuple(conn.execute(sql, (story_id,)).fetchall())

        out.append(
            (
                *fields,
                column(
                    "SELECT position, number, label, title, words, text FROM chapters"
                    " WHERE story_id = ? ORDER BY position"
                ),
                column(
                    "SELECT a.name FROM story_authors s JOIN authors a ON a.id = s.author_id"
                    " WHERE s.story_id = ? ORDER BY a.name"
                ),
                column("SELECT COUNT(*) FROM story_pairings WHERE story_id = ?"),
                column("SELECT COUNT(*) FROM story_characters WHERE story_id = ?"),
                column("SELECT title FROM stories_fts WHERE rowid = ?"),
                column("SELECT COUNT(*) FROM audit_log WHERE story_id = ? AND action = 'added'"),
            )
        )
    return out


def check_every_story_whole(db: Path, want: dict[str, tuple]) -> int:
    """Integrity, then each stored story exactly as an uninterrupted import stores it."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = story_rows(conn)
        sources = [row[0] for row in rows]
        assert len(sources) == len(set(sources)), "a story was stored twice"
        for source, *fields in rows:
            assert tuple(fields) == want[source], f"{source} is not whole"
        assert conn.execute("SELECT COUNT(*) FROM stories_fts").fetchone()[0] == len(rows)
        return len(rows)


@contextlib.contextmanager
def reaped(procs: list[BotProcess]) -> Iterator[None]:
    try:
        yield
    finally:
        for bot in procs:
            if bot.proc.poll() is None:
                bot.kill()


def import_folders(db: Path, pid: int) -> list[Path]:
    return list(db.with_name(db.name + ".imports").glob(f"storybot-import-{pid}-*"))


@pytest.mark.timeout(240)
async def test_a_restart_mid_import_leaves_whole_stories_and_the_import_can_run_again(
    tmp_path: Path,
) -> None:
    files = {f"restart-{n:03d}.txt": story_bytes(n) for n in range(STORIES)}
    data = zip_of(files)
    want = await reference(tmp_path / "reference", files)
    db = tmp_path / "storybot.db"
    log = tmp_path / "bot.log"
    procs: list[BotProcess] = []
    emu = await Emulator().start()
    try:
        with reaped(procs):
            world = build_demo_world(emu)
            guild, moderator, general = world["guild"], world["moderator"], world["general"]
            procs.append(BotProcess(emu, guild.id, db, log))
            first_session = await connected(emu, guild.id, None)

            reply = await moderator.slash(
                "library import",
                file=emu.attachment("stories.zip", data),
                channel=general,
                timeout=30,
            )
            assert reply.content.startswith("Importing `stories.zip`")
            # the stories are written by another process into a file: nothing here is told,
            # so the file itself is watched (the kill must land mid-import, not at a tick)
            deadline = time.monotonic() + 60
            while count(db) < KILL_AFTER:
                assert procs[0].proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "nothing was stored within 60 s"
                await asyncio.sleep(0.005)
            killed = procs[0].proc.pid
            assert import_folders(db, killed), "the import keeps its zip in a folder named for it"
            procs[0].kill()
            assert procs[0].proc.returncode == -signal.SIGKILL

            done = check_every_story_whole(db, want)
            assert KILL_AFTER <= done < STORIES, "the kill did not land midway"

            # the host starts the bot again; the moderator runs the same import again
            procs.append(BotProcess(emu, guild.id, db, log))
            await connected(emu, guild.id, first_session)
            # the restarted bot tells the moderator, in the stopped import's own reply
            await reply.wait_for(lambda r: "the bot restarted" in r.content, timeout=30)
            assert "Run `/library import` again with the same zip to finish" in reply.content
            again = await moderator.slash(
                "library import",
                file=emu.attachment("stories.zip", data),
                channel=general,
                timeout=30,
            )
            assert again.content.startswith("Importing `stories.zip`"), again.content
            await again.wait_for(lambda r: bool(r.embeds), timeout=150)
            assert again.embed["description"].startswith(
                f"**{STORIES - done}** added · **0** updated · **{done}** unchanged · "
                "**0** rejected"
            ), again.embed["description"]
            assert check_every_story_whole(db, want) == STORIES
            assert not import_folders(db, killed), "the killed import's zip was left behind"

            # nothing is stuck: a further import runs (and finds everything there)
            third = await moderator.slash(
                "library import",
                file=emu.attachment("stories.zip", data),
                channel=general,
                timeout=30,
            )
            await third.wait_for(lambda r: bool(r.embeds), timeout=150)
            assert third.embed["description"].startswith(
                f"**0** added · **0** updated · **{STORIES}** unchanged"
            )
            assert await procs[1].stop() == 0
            text = log.read_text()
            assert "Traceback" not in text, text
            assert not emu.unexpected_rejections(), [
                r.describe() for r in emu.unexpected_rejections()
            ]
    finally:
        await emu.stop()
