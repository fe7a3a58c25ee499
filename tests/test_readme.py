"""The README works verbatim: every playground session and every command-line example in
its fenced blocks runs, and each answer is checked (a README change that breaks an
example fails here)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
PLAYGROUND_WORDS = ("click", "select", "submit", "complete", "as", "in", "attach", "commands")
PLAYGROUND_WORDS += ("help", "quit")
# an answer that shows one of these did not do what the README promises
FAILED = ("✗", "Sorry —", "Traceback", "No story called", "hasn't rated any", "(no suggestions)")


def fenced(kind: str) -> list[list[str]]:
    """The README's fenced blocks of one kind ("" = plain, "sh"), as lists of lines."""
    return [body.splitlines() for info, body in FENCE.findall(README) if info == kind]


def is_playground_line(line: str) -> bool:
    return line.startswith("/") or line.split(" ", 1)[0] in PLAYGROUND_WORDS


PLAYGROUND_SESSIONS = [
    lines for lines in fenced("") if lines and all(is_playground_line(x) for x in lines if x)
]
SH_LINES = [line for lines in fenced("sh") for line in lines if line.strip()]
PIPES = [line for line in SH_LINES if re.fullmatch(r"printf '[^']*' \| make run", line)]
CLI_LINES = [line for line in SH_LINES if line.startswith(".venv/bin/storybot ")]


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DISCORD_TOKEN": "", "STORYBOT_LOG_LEVEL": "WARNING", **extra}


def answers(out: str, commands: list[str]) -> dict[str, str]:
    """Each piped command's answer: what the playground printed after `> command`."""
    found: dict[str, str] = {}
    rest = out
    for command in commands:
        marker = f"> {command}\n"
        assert marker in rest, f"the playground did not run {command!r}:\n{out[-3000:]}"
        rest = rest.split(marker, 1)[1]
        found[command] = re.split(r"^> ", rest, maxsplit=1, flags=re.M)[0]
    return found


def run_piped(commands: list[str]) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="\n".join(commands) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr  # no warnings a user cannot act on
    return answers(done.stdout, [c for c in commands if c.strip()])


def check_answers(found: dict[str, str]) -> None:
    for command, answer in found.items():
        if command == "quit":
            continue
        assert answer.strip(), f"{command!r} printed nothing"
        for sign in FAILED:
            assert sign not in answer, f"{command!r} answered:\n{answer}"


def test_the_readme_has_the_examples_this_test_runs() -> None:
    assert PLAYGROUND_SESSIONS and PIPES and CLI_LINES
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "run: $(STAMP)\n\t$(BIN)/python -m bot\n" in makefile  # `make run` = python -m bot
    for line in SH_LINES:
        if line.startswith("make "):
            target = line.split()[1]
            assert re.search(rf"^{target}:", makefile, re.M), f"no make target {target}"


@pytest.mark.parametrize("session", PLAYGROUND_SESSIONS, ids=lambda s: s[0])
def test_playground_session_runs_as_written(session: list[str]) -> None:
    check_answers(run_piped(session))


@pytest.mark.parametrize("line", PIPES)
def test_piped_example_runs_as_written(line: str) -> None:
    commands = bytes(shlex.split(line)[1], "utf-8").decode("unicode_escape").splitlines()
    found = run_piped(commands)
    check_answers(found)
    assert len(found) == len(commands)


def test_the_demo_answers_top_recommend_and_browse_with_a_page_of_stories() -> None:
    found = run_piped(["/top", "/recommend", "/browse", "in #after-dark", "/browse"])
    for command, answer in found.items():
        if command.startswith("/"):
            entries = re.findall(r"^│ \d+\. ", answer, re.M)
            assert len(entries) >= 10, f"{command!r} showed {len(entries)} stories:\n{answer}"
    assert "★" in found["/top"] and "because you rated" in found["/recommend"]


def test_command_line_examples_run_as_written(tmp_path: Path) -> None:
    storybot = Path(sys.executable).with_name("storybot")
    program = str(storybot) if storybot.exists() else f"{sys.executable} -m bot.cli"
    environment = env(STORYBOT_DATABASE=str(tmp_path / "storybot.db"))
    for line in CLI_LINES:
        command, _, comment = line.partition(" #")
        done = subprocess.run(
            ["bash", "-c", command.replace(".venv/bin/storybot", program, 1)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=environment,
            timeout=300,
            check=False,
        )
        if "needs DISCORD_TOKEN" in comment:  # no token here: the one-line error
            assert done.returncode == 2 and done.stderr.count("\n") == 1, (line, done.stderr)
            assert "DISCORD_TOKEN" in done.stderr
            continue
        assert done.returncode == 0, (line, done.stderr)
        assert done.stderr == "", (line, done.stderr)
        assert done.stdout.strip(), line
        if " --json" in command:
            objects = [json.loads(x) for x in done.stdout.splitlines()]
            assert objects and all("file" in o or "added" in o for o in objects), line
