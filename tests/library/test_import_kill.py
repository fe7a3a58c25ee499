"""Kill a bulk import with SIGKILL midway: the database must open clean, every story whole
or absent, and a second import must finish the job."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bot.cli import main
from bot.library.parse import parse_story

ROOT = Path(__file__).resolve().parents[2]
STORIES = 500
GUILD = 7


def write_library(folder: Path) -> None:
    folder.mkdir()
    for i in range(STORIES):
        chapters = 2 + i % 9
        lines = [
            f"Title: Killed Import Story {i}",
            f"Author: Writer{i % 37}",
            "Rating: PG-13",
            "Pairing: Buffy/Spike",
            f"Summary: Story number {i} of a bulk import that gets killed.",
            "",
        ]
        for c in range(1, chapters + 1):
            lines += ["", f"Chapter {c}", ""]
            for p in range(3):
                lines.append(
                    f"Paragraph {p} of chapter {c} in story {i}. "
                    + "Spike lit a cigarette and Buffy watched the rain fall on the crypt. " * 4
                )
                lines.append("")
        (folder / f"story_{i:04d}.txt").write_text("\n".join(lines), encoding="utf-8")


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.5) as conn:
            return conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
    except sqlite3.OperationalError:  # not created or not migrated yet
        return 0


def test_sigkill_midway_leaves_whole_stories_only(tmp_path: Path, capsys) -> None:
    library = tmp_path / "library"
    write_library(library)
    db = tmp_path / "killed.db"
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "bot.cli", "import", str(library)),
            *("--guild", str(GUILD), "--db", str(db), "--jobs", "2"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill takes the parser workers too
    )
    try:
        deadline = time.monotonic() + 60
        while stored_count(db) < 25:
            assert proc.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline, "the import stored nothing within 60 s"
            time.sleep(0.005)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stories = conn.execute(
            "SELECT id, source_name, title, chapter_count, words FROM stories"
        ).fetchall()
        assert 25 <= len(stories) < STORIES, "the kill did not land midway"
        for story_id, source, title, chapter_count, words in stories:
            want = parse_story((library / source).read_bytes(), source)
            positions = [
                r[0]
                for r in conn.execute(
                    "SELECT position FROM chapters WHERE story_id = ? ORDER BY position",
                    (story_id,),
                )
            ]
            assert positions == list(range(1, len(want.chapters) + 1)) and positions
            assert chapter_count == len(want.chapters)
            assert (
                words
                == want.words
                == conn.execute(
                    "SELECT SUM(words) FROM chapters WHERE story_id = ?", (story_id,)
                ).fetchone()[0]
            )
            assert conn.execute(
                "SELECT COUNT(*) FROM story_authors WHERE story_id = ?", (story_id,)
            ).fetchone()[0] == len(want.authors)
            fts = conn.execute(
                "SELECT title FROM stories_fts WHERE rowid = ?", (story_id,)
            ).fetchall()
            assert fts == [(title,)]
            assert (
                conn.execute(
                    "SELECT COUNT(*) FROM audit_log WHERE story_id = ? AND action = 'added'",
                    (story_id,),
                ).fetchone()[0]
                == 1
            )
        assert conn.execute("SELECT COUNT(*) FROM stories_fts").fetchone()[0] == len(stories)
        done = len(stories)

    # Importing again finishes the job: what was stored is unchanged, the rest is added.
    capsys.readouterr()
    assert (
        main(["import", str(library), "--guild", str(GUILD), "--db", str(db), "--jobs", "1"]) == 0
    )
    out = capsys.readouterr().out
    assert re.search(rf"added\s+{STORIES - done}\n", out), out
    assert re.search(rf"unchanged\s+{done}\n", out), out
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0] == STORIES
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
