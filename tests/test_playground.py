"""The playground (`python -m bot` without a token), driven through a pipe and in-process."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.emulator.harness import App
from bot.playground import Session, completions, handle, parse_slash

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


def test_click_on_a_menu_picks_that_option_and_empty_options_are_explained() -> None:
    out = run_playground(
        [
            "/search query: lets talk",
            "click 1",
            "complete /read chapter:",
            "/read story: x chapter:",
            "/top",
            "click 1",
            "search query: lets talk",
        ]
    )
    card = out.split("> click 1", 1)[1].split("> complete", 1)[0]
    assert "Let's Talk" in card and "★5" in card  # the story card, with its star buttons
    assert "invalid literal" not in out
    assert "(/read chapter: has no autocomplete)" in out
    # /top's first button (First page) is disabled on page 1: say so, and what picks story 1
    assert "✗ button 1 (First) is disabled; select 1 picks menu entry 1)" in out
    assert "✗ slash commands start with a slash: /search query: lets talk" in out
    assert "✗ chapter takes a whole number, e.g. chapter: 2" in out


class Terminal:
    """The playground on a pseudo-terminal, as a person runs it (readline, signals)."""

    PROMPT = b"reader in #general> "

    def __init__(self, home: Path) -> None:
        master, slave = pty.openpty()
        env = {**os.environ, "DISCORD_TOKEN": "", "TERM": "dumb", "HOME": str(home)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.seen = b""

    def read_until(self, marker: bytes, timeout: float = 30, *, count: int = 1) -> bytes:
        end = time.monotonic() + timeout
        while self.seen.count(marker) < count and time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:  # the other end closed
                    break
        assert self.seen.count(marker) >= count, self.seen[-2000:]
        return self.seen

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def exit_code_within(self, seconds: float) -> int:
        try:
            return self.proc.wait(seconds)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            os.close(self.master)


@pytest.mark.parametrize("leave", ["ctrl-c", "ctrl-d"])
def test_ctrl_c_and_ctrl_d_leave_at_once(leave: str, tmp_path: Path) -> None:
    term = Terminal(tmp_path)
    term.read_until(Terminal.PROMPT)
    term.type(b"/sea\t")  # Tab completes the command
    term.read_until(b"/search ")
    term.type(b"query: final parting\r")
    term.read_until(b"Open a story card")
    term.read_until(Terminal.PROMPT, count=2)  # the answer is in: the next prompt
    if leave == "ctrl-c":
        term.proc.send_signal(signal.SIGINT)  # what the terminal sends on Ctrl-C
    else:
        term.type(b"\x04")  # Ctrl-D on an empty line: end of input
    code = term.exit_code_within(10)  # at once: no Enter needed (typically 0.2 s)
    assert code == 0, term.seen[-2000:]
    assert b"Traceback" not in term.seen
    # the line is in the history for the next run (up-arrow)
    history = tmp_path / ".cache" / "storybot" / "playground_history"
    assert "/search query: final parting" in history.read_text()


def test_up_arrow_recalls_the_last_run(tmp_path: Path) -> None:
    history = tmp_path / ".cache" / "storybot" / "playground_history"
    history.parent.mkdir(parents=True)
    history.write_text("/story story: Final Parting\n")
    term = Terminal(tmp_path)
    term.read_until(Terminal.PROMPT)
    term.type(b"\x1b[A\r")  # up arrow, Enter
    term.read_until(b"Community rating")  # the card of the recalled command
    term.type(b"quit\r")
    assert term.exit_code_within(10) == 0


def test_no_voice_warnings_when_the_bot_starts() -> None:
    """A text bot: discord.py's PyNaCl/davey warnings are noise nobody can act on."""
    code = (
        "import logging; logging.basicConfig(level=logging.INFO)\n"
        "from bot.client import StoryBot\nfrom bot.config import Config\n"
        "StoryBot(Config())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "voice" not in done.stderr and "PyNaCl" not in done.stderr, done.stderr


async def test_tab_completes_commands_options_choices_and_names(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    session = Session(app, app.reader, app.general)
    assert completions(session, "/sea") == ["/search "]
    assert "quit " in completions(session, "")
    assert completions(session, "/library a") == ["add "]
    assert completions(session, "/browse so") == ["sort: "]
    assert set(completions(session, "/browse sort: t")) >= {"top ", "title "}
    assert "query: " not in completions(session, "/search query: lets ")
    assert completions(session, "as reader") == ["reader ", "reader2 "]
    assert completions(session, "in #after") == ["#after-dark "]
    assert completions(session, "complete /read st") == ["story: "]
    assert completions(session, "attach data/sam") == ["data/samples/"]
    assert "data/samples/004_3a1befc0c0f73a1a.txt " in completions(session, "attach data/samples/0")
    assert completions(session, "/nope x") == []


def test_every_example_in_help_works() -> None:
    from bot.playground import HELP

    examples = []  # in order, as a newcomer would type them
    starts = ("/", "complete /", "as ", "in #", "attach ", "select ", "click ")
    for line in HELP.splitlines():
        for piece in re.split(r"\s{2,}|\s·\s", line.strip()):
            part = piece.removeprefix("then: ").strip()
            if part.startswith(starts) and not re.search(r"\||PATH|path/| N\b", part):
                examples.append(part)
    assert len(examples) >= 12
    out = run_playground(examples)
    for command in examples:
        answer = out.split(f"> {command}\n", 1)[1].split("\n> ", 1)[0]
        assert answer.strip() and "✗" not in answer and "Sorry" not in answer, (command, answer)


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
