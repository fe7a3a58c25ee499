"""Every import is parsed in bounded worker processes (issue 8 item 8) — a small import
and `--jobs 1` too, which used to parse in the importing process (in the bot, on its event
loop) without any bound: a pathological file is refused within the bound, the others are
imported, and the bot keeps answering meanwhile."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.cli import EXIT_ERROR
from bot.library import parse_worker
from bot.library.service import Library, collect
from tests.cogs.storygen import add, make_story
from tests.cogs.test_library import story_file, zip_of

BOUND = 2.0  # seconds; the bot's default is parse_worker.PARSE_SECONDS (10 s)
STUCK = b"STUCK-FOREVER"  # what makes tests.hostile_hooks:stuck_on_marked_parse spin
ROOT = Path(__file__).resolve().parent.parent
GUILD = 1


@pytest.fixture
def stuck_parser(monkeypatch):
    """The real parser, except that a file holding STUCK spins in Python code forever."""
    monkeypatch.setattr(parse_worker, "PARSER", "tests.hostile_hooks:stuck_on_marked_parse")
    monkeypatch.setattr(parse_worker, "PARSE_SECONDS", BOUND)


def three_files(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a-first.txt").write_bytes(story_file(1, 1, title="First Fine"))
    (folder / "b-stuck.txt").write_bytes(story_file(2, 1, title="Stuck") + STUCK)
    (folder / "c-last.txt").write_bytes(story_file(3, 1, title="Last Fine"))
    return folder


async def _longest_pause_during(work: asyncio.Future) -> float:
    """The event loop's longest pause (a 20 ms tick) while `work` runs."""
    longest = 0.0
    while not work.done():
        before = time.monotonic()
        await asyncio.sleep(0.02)
        longest = max(longest, time.monotonic() - before - 0.02)
    return longest


async def test_a_small_import_with_one_job_refuses_a_stuck_file_within_the_bound(
    stuck_parser, tmp_path
):
    entries, refused = collect([three_files(tmp_path / "in")])
    assert len(entries) == 3 and not refused
    library = await Library.open(tmp_path / "lib.db")
    try:
        started = time.monotonic()
        work = asyncio.ensure_future(library.import_entries(GUILD, entries, jobs=1))
        pause = await _longest_pause_during(work)
        report = await work
        elapsed = time.monotonic() - started
        titles = sorted(o.title for _, o in report.added)
    finally:
        await library.close()
    assert titles == ["First Fine", "Last Fine"]
    [(name, reason)] = report.rejected
    assert name.endswith("b-stuck.txt") and reason == parse_worker.TOO_SLOW.format(seconds=BOUND)
    assert elapsed < BOUND + 5, elapsed
    assert pause < 0.5, f"the event loop stopped for {pause:.2f} s: parsed in-process?"


CLI = textwrap.dedent(
    """
    import sys
    from bot.library import parse_worker
    parse_worker.PARSER = "tests.hostile_hooks:stuck_on_marked_parse"
    parse_worker.PARSE_SECONDS = float(sys.argv[1])
    from bot.cli import main
    sys.exit(main(sys.argv[2:]))
    """
)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_storybot_import_refuses_a_stuck_file_and_imports_the_others(tmp_path, jobs):
    """The real CLI in its own process (the parser swapped for one that spins on a marked
    file), three files: fewer than a pool used to need."""
    folder = three_files(tmp_path / "in")
    db = tmp_path / "lib.db"
    started = time.monotonic()
    done = subprocess.run(
        [
            *(sys.executable, "-c", CLI, str(BOUND), "import", str(folder)),
            *("--guild", str(GUILD), "--db", str(db), "--jobs", jobs),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == EXIT_ERROR, done.stderr  # a file was rejected
    assert f"b-stuck.txt: rejected: Reading this file took longer than {BOUND:g} s" in done.stderr
    assert re.search(r"added +2\b", done.stdout) and re.search(r"rejected +1\b", done.stdout)
    assert elapsed < BOUND + 20, elapsed


async def test_a_library_import_zip_refuses_a_stuck_file_while_the_bot_answers(app, stuck_parser):
    await add(app, make_story("Meanwhile"))
    data = zip_of(
        {
            "a.txt": story_file(1, 1, title="First Fine"),
            "b.txt": story_file(2, 1, title="Stuck") + STUCK,
            "c.txt": story_file(3, 1, title="Last Fine"),
        }
    )
    started = time.monotonic()
    reply = await app.moderator.slash(
        "library import", file=app.emu.attachment("small.zip", data), channel=app.general
    )
    latencies = []
    while not reply.embeds and time.monotonic() - started < BOUND + 10:
        asked = time.monotonic()
        card = await app.reader.slash("story", story="Meanwhile", channel=app.general)
        latencies.append(time.monotonic() - asked)
        assert "Meanwhile" in card.text
        await asyncio.sleep(0.05)
    await reply.wait_for(lambda r: bool(r.embeds), timeout=BOUND + 10)
    assert time.monotonic() - started < BOUND + 6
    summary = reply.embed
    assert summary["description"].startswith("**2** added"), summary["description"]
    rejected = next(f for f in summary["fields"] if f["name"] == "Rejected")["value"]
    assert "`b.txt`:" in rejected and "took longer than" in rejected
    # inside Discord's 3-s deadline even on a loaded machine; a blocked loop waits the whole bound
    assert len(latencies) >= 3 and max(latencies) < 2.0, latencies
