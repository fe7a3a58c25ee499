"""The playground (`python -m bot` without a token), driven through a pipe and in-process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.emulator.harness import App
from bot.playground import Session, handle, parse_slash

ROOT = Path(__file__).resolve().parent.parent


def run_playground(lines: list[str]) -> str:
    env = {**os.environ, "DISCORD_TOKEN": "", "STORYBOT_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_piped_commands_print_answers_and_exit_at_eof() -> None:
    out = run_playground(["commands", "/search query: lets talk", "/nope"])
    lines = out.splitlines()
    assert "DISCORD_TOKEN" in lines[0]
    assert sum("DISCORD_TOKEN" in line for line in lines) == 1
    assert "> /search query: lets talk" in out
    answer = out.split("> /search query: lets talk", 1)[1].split("> /nope", 1)[0]
    assert "Let's Talk" in answer
    assert "/search" in out.split("> commands", 1)[1]
    assert "✗ /nope is not a command here" in out


def test_parse_slash_splits_subcommands_and_options() -> None:
    assert parse_slash("/library add file: a b.txt") == ("library add", {"file": "a b.txt"})
    assert parse_slash("/search query: re: x", {"query"}) == ("search", {"query": "re: x"})
    assert parse_slash("/help") == ("help", {})


async def test_session_acts_as_members_in_channels(
    app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    await app.import_samples()
    session = Session(app, app.reader, app.general)
    await handle(session, "/browse")
    shown = capsys.readouterr().out
    assert "┌─" in shown and "1)" in shown
    await handle(session, "select 1")
    card = capsys.readouterr().out
    assert "[1 " in card
    await handle(session, "as moderator")
    await handle(session, "in #after-dark")
    assert session.member is app.moderator and session.channel is app.adult
    await handle(session, "in dm")
    assert session.channel is app.moderator.dm_channel
    capsys.readouterr()
    await handle(session, "help")
    assert "click N" in capsys.readouterr().out


def test_markdown_is_rendered_as_plain_text() -> None:
    from bot.playground import plain

    assert plain("`1.` **Let's Talk** by *Jo*") == "1. Let's Talk by Jo"
    assert plain("snake_case stays, \\*escaped\\* stays, 3 * 4 * 5") == (
        "snake_case stays, *escaped* stays, 3 * 4 * 5"
    )
    assert plain("||spoiler|| [site](https://example.org)") == "spoiler site <https://example.org>"
