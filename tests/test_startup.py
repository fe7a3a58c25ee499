"""Operators get one line: every start-up problem with the library file is one line naming
the problem and the fix, exit status 2 — for the bot (`python -m bot`) and the CLI alike
(issue 8 item 9). Real subprocesses against real files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORY = "Title: Kept\nAuthor: Ann\n\nA short story about a library that keeps going.\n"


def run(*argv: str, db: Path | str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "STORYBOT_"))}
    env.update(DISCORD_TOKEN="not-a-real-token", STORYBOT_DATABASE=str(db))
    return subprocess.run(
        [sys.executable, "-m", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def make_library(path: Path, cwd: Path) -> None:
    story = cwd / "kept.txt"
    story.write_text(STORY)
    done = run("bot.cli", "import", str(story), "--guild", "1", db=path, cwd=cwd)
    assert done.returncode == 0, done.stderr


def corrupt(tmp: Path) -> Path:
    path = tmp / "notes.db"
    path.write_text("these are someone's notes, not a library " * 40)
    return path


def damaged(tmp: Path) -> Path:
    """A real library whose pages were overwritten in the middle."""
    path = tmp / "damaged.db"
    make_library(path, tmp)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    for i in range(1024, len(data)):
        data[i] = 0xA5
    path.write_bytes(bytes(data))
    return path


def newer(tmp: Path) -> Path:
    path = tmp / "future.db"
    make_library(path, tmp)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    return path


CASES = {
    "missing folder": (lambda tmp: tmp / "no" / "such" / "lib.db", "does not exist: create it"),
    "a folder": (lambda tmp: tmp, "is a folder, not a library file"),
    "unwritable path": (lambda tmp: Path("/proc/storybot.db"), "cannot open /proc/storybot.db"),
    "not a database": (corrupt, "is not a usable library"),
    "damaged database": (damaged, "is not a usable library"),
    "newer schema": (newer, "written by a newer storybot (schema 999"),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("program", ["bot", "bot.cli"])
def test_a_start_up_problem_is_one_line_and_exit_2(tmp_path: Path, case: str, program: str):
    make, expected = CASES[case]
    db = make(tmp_path)
    argv = [program] if program == "bot" else [program, "list", "--guild", "1"]
    done = run(*argv, db=db, cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("storybot: ") and "Traceback" not in done.stderr
    if program == "bot" or case in ("not a database", "damaged database", "newer schema"):
        assert expected in done.stderr, done.stderr
    assert not (tmp_path / "no").exists()  # nothing created where none was asked for
