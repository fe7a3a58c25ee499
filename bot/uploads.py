"""Uploaded zips kept on disk while `/library import` reads them.

Each import gets its own folder beside the library file (`<database>.imports/`: one
library's imports, whatever else runs on the machine), named for the bot process
(`storybot-import-<pid>-…`) and removed when the import ends. A process killed mid-import
(kill -9, a host restart, the power) cannot remove its folder, so the next start removes
the folders of processes that are gone (`sweep`) and learns which imports they were
running (`RunRecord`), to tell their moderators.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "storybot-import-"
_OWNED = re.compile(rf"^{PREFIX}(\d+)-")


def root_for(database: Path) -> Path:
    """Where the imports into the library at `database` keep their uploads."""
    return database.with_name(database.name + ".imports")


def new_folder(root: Path) -> Path:
    """A fresh folder under `root` for one import's upload, named for this process."""
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def sweep(root: Path) -> list[RunRecord]:
    """Remove import folders under `root` left by bot processes that no longer run; the
    records of the imports they were running (to tell their moderators)."""
    gone: list[Path] = []
    stopped: list[RunRecord] = []
    try:
        candidates = list(root.glob(f"{PREFIX}*"))
    except OSError:
        return stopped
    for folder in candidates:
        owner = _OWNED.match(folder.name)
        if owner is None or not folder.is_dir():
            continue
        pid = int(owner.group(1))
        if pid == os.getpid() or _alive(pid):
            continue
        record = read_run(folder)
        if record is not None:
            stopped.append(record)
        remove(folder)
        gone.append(folder)
    if gone:
        log.info("removed %d import folders left by stopped bot processes", len(gone))
    return stopped


# ---------------------------------------------------------------- a running import's record

RUN_FILE = "run.json"


@dataclass(slots=True)
class RunRecord:
    """What a restarted bot needs to tell the moderator their import stopped: where the
    progress reply is (application id, interaction token, message id) and how far it got."""

    guild_id: int
    application_id: int
    token: str
    message_id: int
    source: str
    total: int
    done: int
    started_at: float  # when Discord created the interaction (epoch s): the token lasts 15 min


def write_run(folder: Path, record: RunRecord) -> None:
    """Save the record atomically (a kill mid-write leaves the previous one)."""
    part = folder / (RUN_FILE + ".part")
    part.write_text(json.dumps(asdict(record)), encoding="utf-8")
    os.replace(part, folder / RUN_FILE)


def read_run(folder: Path) -> RunRecord | None:
    try:
        return RunRecord(**json.loads((folder / RUN_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
