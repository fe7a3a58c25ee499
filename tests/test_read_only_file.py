"""A really read-only library (issue 8 item 9): the database file 0444 in a 0555 folder,
for a user file modes bind (tests often run as root, whom chmod does not stop: then the
bot and the CLI run without root's capabilities to ignore file modes). At start-up that is
a start-up problem: one line naming it and the fix, exit 2, nothing created — for the bot
and the CLI alike.

(A running bot is not affected by a chmod: its connections were opened for writing, and
POSIX keeps them so — its writes go on and are truthfully reported saved. A library that
turns read-only under a running bot — a read-only remount — is covered with SQLite's own
read-only state in tests/cogs/test_busy_library.py.)"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_startup import ROOT, make_library

# root ignores file modes through these capabilities: its child runs without them
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def bound_by_modes() -> list[str]:
    """A command prefix under which chmod binds (nothing when not root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root ignores file modes and setpriv (to drop that) is missing")
    return UNPRIVILEGED


@pytest.fixture
def read_only_library(tmp_path: Path) -> Iterator[Path]:
    if sys.platform != "linux":
        pytest.skip("file modes as on Linux")
    folder = tmp_path / "library"
    folder.mkdir()
    db = folder / "lib.db"
    make_library(db, tmp_path)
    for f in folder.iterdir():
        f.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(0o555)
    try:
        yield db
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("program", ["bot", "bot.cli"])
def test_a_read_only_library_is_one_line_at_start_up(read_only_library: Path, program: str):
    db = read_only_library
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "STORYBOT_"))}
    env.update(DISCORD_TOKEN="not-a-real-token", STORYBOT_DATABASE=str(db))
    argv = [program] if program == "bot" else [program, "list", "--guild", "1"]
    before = sorted(p.name for p in db.parent.iterdir())
    done = subprocess.run(
        [*bound_by_modes(), sys.executable, "-m", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("storybot: ")
    assert "is read-only: make it writable for the user running storybot" in done.stderr
    assert sorted(p.name for p in db.parent.iterdir()) == before  # nothing created
