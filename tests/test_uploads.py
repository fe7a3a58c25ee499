"""bot/uploads.py: an import's folder is named for its process; a restarted bot removes the
folders of processes that are gone and learns which imports they were running."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot import uploads


def gone_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_sweep_removes_only_folders_of_ended_processes(tmp_path: Path) -> None:
    dead = tmp_path / f"{uploads.PREFIX}{gone_pid()}-abc"
    dead.mkdir()
    (dead / "upload.zip").write_bytes(b"PK")
    record = uploads.RunRecord(
        guild_id=1,
        application_id=2,
        token="t",
        message_id=3,
        source="s.zip",
        total=10,
        done=4,
        started_at=0.0,
    )
    uploads.write_run(dead, record)
    mine = tmp_path / f"{uploads.PREFIX}{os.getpid()}-def"
    mine.mkdir()
    parent = tmp_path / f"{uploads.PREFIX}{os.getppid()}-ghi"  # alive: kept
    parent.mkdir()
    other = tmp_path / "something-else"
    other.mkdir()

    assert uploads.sweep(tmp_path) == [record]
    assert not dead.exists()
    assert mine.exists() and parent.exists() and other.exists()


def test_a_folder_without_a_readable_record_is_still_removed(tmp_path: Path) -> None:
    dead = tmp_path / f"{uploads.PREFIX}{gone_pid()}-x"
    dead.mkdir()
    (dead / uploads.RUN_FILE).write_text("{not json")
    assert uploads.sweep(tmp_path) == []
    assert not dead.exists()


def test_new_folder_is_beside_the_library_and_named_for_this_process(tmp_path: Path) -> None:
    root = uploads.root_for(tmp_path / "storybot.db")
    assert root == tmp_path / "storybot.db.imports"
    folder = uploads.new_folder(root)
    assert folder.parent == root
    assert folder.name.startswith(f"{uploads.PREFIX}{os.getpid()}-")
    assert uploads.sweep(root) == []
    assert folder.exists()
