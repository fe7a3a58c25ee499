"""The playground: storybot on the loopback Discord, driven from the terminal.

`python -m bot` (= `make run`) without DISCORD_TOKEN lands here. A demo guild "Fandom"
holds data/samples/ and the demo library data/demo/ (stories, members and their ratings:
see `bot.demo`) in a database in a temporary directory (removed on exit, so every run
starts from the same library). Type slash commands as in Discord:

    /search query: lets talk
    /library add file: path/to/story.txt
    click 2 | select 1 3 | submit Title: New title | Summary: ...
    as moderator | in #after-dark | attach story.txt | help | quit

When stdin is not a terminal, commands are read line by line and the playground exits at
end of input, so `printf '/search query: lets talk\\n' | make run` prints the answer.

The bot and the emulator run on an event loop in a background thread; the terminal (line
editing, history and Tab completion from readline; Ctrl-C and Ctrl-D) stays in the main
thread, so leaving never waits for a blocked read.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import logging
import re
import signal
import sys
import tempfile
import textwrap
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import discord

from bot.config import Config
from bot.emulator.harness import App, run_bot
from bot.emulator.people import BotDidNotRespond, CommandRefused, Member, Reply
from bot.emulator.world import Channel, Message, Upload

log = logging.getLogger(__name__)

T = TypeVar("T")
WIDTH = 78
_OPTION = re.compile(r"(?:^|\s)([\w'-]+):(?=\s|$)")
_QUIET_STARTUP = ("Privileged message content",)
SETTLE_SECONDS = 0.05
HISTORY_FILE = Path.home() / ".cache" / "storybot" / "playground_history"  # up-arrow, next run
HISTORY_LINES = 1000
STOP_SECONDS = 5.0  # at most this long to close the bot and the emulator on the way out
WORDS = ("click", "select", "submit", "complete", "as", "in", "attach", "commands", "help", "quit")

HELP = """\
Type slash commands as in Discord; options are `name: value` (Tab completes commands,
options, choices and names; arrow keys recall earlier lines):
  /search query: lets talk           search titles (typos are fine)
  /story story: Final Parting        a story card
  /browse sort: top                  the library, best rated first
  /top  ·  /recommend  ·  /ratings member: reader2
  /excerpt story: Final Parting where: random
  /rate story: Final Parting stars: 5 review: Made me cry.
  complete /read story: lets ta      what autocomplete offers while typing
After a reply:
  click N | click Label              press a button (numbered [N …] in the reply)
  select N [M ...]                   pick options of a select menu (numbered N) …)
                                     (`click N` on a reply with only a menu picks option N)
  submit Label: value | Label: value fill in and send an open form (modal)
Who and where:
  as reader | as reader2 | as moderator | as owner (and the demo's readers: Tab after `as`)
  in #general | in #after-dark (age-restricted) | in #late-night-reads (thread) | in dm
  attach PATH                        file for the next command's file option
Worked examples:
  /search query: last patroll befor  then: select 1            (opens the card)
  /story story: Final Parting        then: click Read          (a private reading session)
  as moderator                       then: attach data/samples/004_3a1befc0c0f73a1a.txt
  /library add                       (the attached file is the file option)
  in #after-dark                     adult stories are shown only in age-restricted channels
  commands | help | quit (or Ctrl-D / Ctrl-C)"""


class _StartupNoise(logging.Filter):
    """Drops discord.py's start-up warnings that mean nothing in the playground."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(message.startswith(noise) for noise in _QUIET_STARTUP)


def setup_logging() -> None:
    discord.utils.setup_logging(level=logging.WARNING, root=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_StartupNoise())


@dataclass
class Session:
    app: App
    member: Member
    channel: Channel
    replies: list[Reply] = field(default_factory=list)
    pending_file: Upload | None = None
    out: list[str] = field(default_factory=list)

    @property
    def prompt(self) -> str:
        where = "dm" if self.channel.is_dm else f"#{self.channel.name}"
        return f"{self.member.name} in {where}> "


class _LoopThread:
    """An asyncio event loop running in a daemon thread; the main thread submits work."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="playground-loop", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        # Ctrl-C must reach the main thread, which waits in input(): a process signal may be
        # delivered to any thread that does not block it, and readline only notices one
        # that interrupts its own wait. Threads started from here (executors, discord.py's
        # keep-alive, the store's) inherit the mask.
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the loop and wait for it; Ctrl-C while waiting cancels it."""
        future = self.submit(coro)
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def stop(self, timeout: float) -> None:
        async def cancel_the_rest() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks, timeout=timeout) if tasks else None

        with contextlib.suppress(BaseException):
            self.submit(cancel_the_rest()).result(timeout + 1)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout)


class Playground:
    """The bot, the emulator and the demo guild, served on a `_LoopThread`."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.runner = _LoopThread()
        self._ready: concurrent.futures.Future[tuple[Session, asyncio.Event]] = (
            concurrent.futures.Future()
        )
        self._finished = threading.Event()
        self._stop: asyncio.Event | None = None
        self.session: Session | None = None

    async def _serve(self) -> None:
        try:
            with tempfile.TemporaryDirectory(prefix="storybot-playground-") as tmp:
                async with run_bot(Path(tmp) / "playground.db", config=self.config) as app:
                    from bot.demo import load_demo

                    await load_demo(app)
                    stop = asyncio.Event()
                    self._ready.set_result((Session(app, app.reader, app.general), stop))
                    await stop.wait()
        except BaseException as error:
            if not self._ready.done():
                self._ready.set_exception(error)
            raise
        finally:
            self._finished.set()

    def start(self) -> Session:
        self.runner.submit(self._serve())
        self.session, self._stop = self._ready.result()
        return self.session

    def run(self, line: str) -> None:
        """One command, answered before the next line is read."""
        assert self.session is not None
        self.runner.call(_handle_printing(self.session, line))

    def close(self) -> None:
        """Close the bot and the emulator (the temporary library goes with them)."""
        if self._stop is not None:
            self.runner.loop.call_soon_threadsafe(self._stop.set)
            self._finished.wait(STOP_SECONDS)
        self.runner.stop(STOP_SECONDS)


def main(config: Config) -> int:
    """Say there is no token (one line, and how to set one), then run the playground.
    Returns the exit status (2: the playground could not start)."""
    print(
        "No DISCORD_TOKEN set: starting the offline playground "
        "(put DISCORD_TOKEN=... in .env or the environment to connect to Discord)."
    )
    sys.stdout.flush()
    setup_logging()
    interactive = sys.stdin.isatty()
    playground = Playground(config)
    try:
        session = playground.start()
        if interactive:
            _enable_line_editing(playground)
            print(
                f"Playground: {session.app.guild.name} with {len(session.app.command_names)}"
                f" commands and the demo library; you are {session.member.name} in"
                f" #{session.channel.name}. Type `help` (Tab completes), or `quit` (Ctrl-D)."
            )
        _loop(playground, interactive)
    except KeyboardInterrupt:
        print()
    except Exception as error:  # start-up failed (the demo, the emulator): one line
        log.debug("the playground could not start", exc_info=True)
        sys.stderr.write(f"storybot: the playground could not start: {error}\n")
        return 2
    finally:
        sys.stdout.flush()
        playground.close()
    return 0


def _loop(playground: Playground, interactive: bool) -> None:
    assert playground.session is not None
    while True:
        line = _read_line(playground.session.prompt if interactive else None)
        if line is None:
            break
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not interactive:
            print(f"> {line}")
        if line in ("quit", "exit"):
            break
        playground.run(line)
        sys.stdout.flush()


def _read_line(prompt: str | None) -> str | None:
    """The next line; None at end of input (Ctrl-D)."""
    if prompt is not None:
        try:
            return input(prompt)
        except EOFError:
            print()
            return None
    line = sys.stdin.readline()
    return line if line else None


async def _handle_printing(session: Session, line: str) -> None:
    """`handle`, with the playground's expected refusals printed as one ✗ line."""
    try:
        await handle(session, line)
    except (CommandRefused, BotDidNotRespond) as refused:
        print(f"✗ {refused}")
    except (OSError, ValueError, LookupError) as bad:
        print(f"✗ {bad}")


def _enable_line_editing(playground: Playground) -> None:
    try:
        import readline
    except ImportError:  # no readline on this platform: plain input()
        return
    readline.set_completer_delims(" \t\n")
    readline.set_completer(_Completer(playground).complete)
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
    history = HISTORY_FILE
    readline.set_history_length(HISTORY_LINES)
    with contextlib.suppress(OSError):
        readline.read_history_file(history)

    def save() -> None:
        with contextlib.suppress(OSError):
            history.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(history)

    atexit.register(save)


class _Completer:
    """readline's completer: candidates for the word under the cursor."""

    def __init__(self, playground: Playground) -> None:
        self.playground = playground
        self.matches: list[str] = []

    def complete(self, text: str, state: int) -> str | None:
        if state == 0:
            import readline

            before = readline.get_line_buffer()[: readline.get_endidx()]
            session = self.playground.session
            try:
                self.matches = completions(session, before) if session else []
            except Exception:  # a completer must never break the prompt
                log.debug("completion failed for %r", before, exc_info=True)
                self.matches = []
        return self.matches[state] if state < len(self.matches) else None


def completions(session: Session, before: str) -> list[str]:
    """What Tab offers for the last word of `before` (the line up to the cursor): whole
    words end with a space (readline adds none), folders with a slash."""
    return [w if w.endswith("/") else f"{w} " for w in _candidates(session, before)]


def _candidates(session: Session, before: str) -> list[str]:
    words = before.split()
    current = "" if not words or before[-1:].isspace() else words.pop()
    if not words:
        commands = [f"/{c['name']}" for c in _commands(session)]
        return sorted(w for w in (*WORDS, *commands) if w.startswith(current))
    first = words[0]
    if first == "as" and len(words) == 1:
        names = [m.user.name for m in session.app.guild.members.values() if not m.user.bot]
        return sorted(n for n in names if n.startswith(current))
    if first == "in" and len(words) == 1:
        return [c for c in _channel_names(session) if c.startswith(current)]
    if first == "attach" and len(words) == 1:
        return _paths(current)
    if first == "complete":
        words = words[1:]
    if words and words[0].startswith("/"):
        return _slash_completions(session, words, current)
    return []


def _commands(session: Session) -> list[dict[str, Any]]:
    return [c for c in session.app.emu.commands_for(session.app.guild) if c.get("type", 1) == 1]


def _channel_names(session: Session) -> list[str]:
    return [f"#{c.name}" for c in session.app.guild.channels] + ["dm"]


def _paths(current: str) -> list[str]:
    path = Path(current or ".").expanduser()
    folder, stem = (path, "") if current.endswith("/") or not current else (path.parent, path.name)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    shown = "" if str(folder) == "." and not current.startswith("./") else str(folder) + "/"
    if current.endswith("/"):
        shown = current
    return [
        f"{shown}{entry.name}{'/' if entry.is_dir() else ''}"
        for entry in entries
        if entry.name.startswith(stem) and not entry.name.startswith(".")
    ]


_SUB = (1, 2)  # subcommand, subcommand group


def _slash_completions(session: Session, words: list[str], current: str) -> list[str]:
    name = words[0].lstrip("/")
    command = next((c for c in _commands(session) if c["name"] == name), None)
    if command is None:
        return []
    schema: list[dict[str, Any]] = command.get("options") or []
    rest = words[1:]
    while rest and any(o["type"] in _SUB and o["name"] == rest[0] for o in schema):
        schema = next(o for o in schema if o["name"] == rest[0]).get("options") or []
        rest = rest[1:]
    if any(o["type"] in _SUB for o in schema):
        if rest:
            return []
        return [o["name"] for o in schema if o["type"] in _SUB and o["name"].startswith(current)]
    used = {w[:-1] for w in rest if w.endswith(":")}
    last = rest[-1][:-1] if rest and rest[-1].endswith(":") else None
    option = next((o for o in schema if o["name"] == last), None)
    if option is not None:
        values = _option_values_for(session, option, current)
        if values is not None:
            return values
    if ":" in current:
        return []
    return [
        f"{o['name']}:" for o in schema if o["name"] not in used and o["name"].startswith(current)
    ]


def _option_values_for(session: Session, option: dict[str, Any], current: str) -> list[str] | None:
    """Values for an option being filled in (None: not a kind Tab can fill in)."""
    kind = option["type"]
    if option.get("choices"):
        values = [str(c["value"]) for c in option["choices"]]
    elif kind == 5:
        values = ["true", "false"]
    elif kind == 7:
        values = [c for c in _channel_names(session) if c != "dm"]
    elif kind in (6, 9):
        values = [m.user.name for m in session.app.guild.members.values()]
    elif kind == 11:
        return _paths(current)
    else:
        return None
    return [v for v in values if v.startswith(current)]


async def handle(session: Session, line: str) -> None:
    """Run one playground command and print what a person would see."""
    word, _, rest = line.partition(" ")
    rest = rest.strip()
    if line.startswith("/"):
        await _slash(session, line)
    elif word == "complete":
        await _complete(session, rest)
    elif word == "click":
        await _act(
            session,
            lambda r: bool(r.buttons) or bool(r.options),
            lambda reply: _click(session, reply, rest),
        )
    elif word == "select":
        await _act(
            session,
            lambda r: bool(r.options),
            lambda reply: reply.select(*_option_values(reply, rest), by=session.member),
        )
    elif word == "submit":
        await _act(
            session,
            lambda r: r.modal is not None,
            lambda reply: reply.submit_modal(_modal_values(rest), by=session.member),
        )
    elif word == "as":
        session.member = session.app.guild.member(rest.lstrip("@"))
        print(f"you are now {session.member.name}")
    elif word == "in":
        session.channel = _channel(session, rest)
        place = "your DMs" if session.channel.is_dm else f"#{session.channel.name}"
        restricted = " (age-restricted)" if session.channel.age_restricted else ""
        print(f"now in {place}{restricted}")
    elif word == "attach":
        name, data = await asyncio.to_thread(_read_file, rest)
        session.pending_file = session.app.emu.attachment(name, data)
        print(f"attached {name} ({len(data):,} bytes) for the next command's file option")
    elif word == "help":
        print(HELP)
    elif word == "commands":
        print("commands: " + ", ".join(f"/{name}" for name in session.app.command_names))
    elif word in session.app.command_names:
        print(f"✗ slash commands start with a slash: /{line}")
    else:
        print(f"✗ unknown input {line!r}; type `help`")


def _click(session: Session, reply: Reply, text: str) -> Any:
    """`click N` presses button N; on a reply whose only controls are a select menu,
    `click N` picks option N (what a person clicking the N-th entry means)."""
    if not reply.buttons and reply.options and text.isdigit():
        return reply.select(*_option_values(reply, text), by=session.member)
    if not reply.buttons:
        raise ValueError("that reply has a menu, not buttons: select N picks option N")
    return reply.click(_button_target(reply, text), by=session.member)


def parse_slash(line: str, known: set[str] | None = None) -> tuple[str, dict[str, str]]:
    """`/library add file: a.txt` → ("library add", {"file": "a.txt"})."""
    body = line.lstrip("/")
    marks = [m for m in _OPTION.finditer(body) if known is None or m.group(1) in known]
    if not marks:
        return body.strip(), {}
    command = body[: marks[0].start()].strip()
    options: dict[str, str] = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(body)
        options[mark.group(1)] = body[mark.end() : end].strip()
    return command, options


async def _prepare(
    session: Session, line: str, *, raw_last: bool = False
) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """The command and its option values (converted to their kind); with `raw_last`, the
    last option stays the text as typed (what autocomplete receives)."""
    command, _ = parse_slash(line)
    schema = session.member.options_of(command, session.channel)
    command, raw = parse_slash(line, {o["name"] for o in schema})
    by_name = {o["name"]: o for o in schema}
    values: dict[str, Any] = {}
    for index, (name, text) in enumerate(raw.items()):
        typed = raw_last and index == len(raw) - 1
        values[name] = text if typed else await _convert(session, by_name[name], text)
    for option in schema:
        if option["type"] == 11 and option["name"] not in values and session.pending_file:
            values[option["name"]] = session.pending_file
            session.pending_file = None
    return command, values, schema


async def _slash(session: Session, line: str) -> None:
    command, values, _ = await _prepare(session, line)
    before = len(session.app.emu.messages)
    reply = await session.member.slash(command, channel=session.channel, options=values)
    await _show(session, reply, before)


async def _complete(session: Session, line: str) -> None:
    command, values, schema = await _prepare(session, line, raw_last=True)
    if not values:
        raise ValueError("say which option you are typing in: complete /read story: lets ta")
    focused = list(values)[-1]
    typed = str(values.pop(focused))
    if not any(o["name"] == focused and o.get("autocomplete") for o in schema):
        print(f"(/{command} {focused}: has no autocomplete)")
        return
    choices = await session.member.autocomplete(
        command, focused, typed, channel=session.channel, options=values
    )
    if not choices:
        print("(no suggestions)")
    for number, choice in enumerate(choices, 1):
        print(f"  {number:>2}) {choice['name']}")


async def _act(session: Session, offers: Any, action: Any) -> None:
    """Act on the most recent reply that offers this (buttons, options or a form)."""
    target = next((r for r in reversed(session.replies) if not r.deleted and offers(r)), None)
    if target is None:
        raise ValueError("no reply above offers that")
    before = len(session.app.emu.messages)
    reply = await action(target)
    await _show(session, reply, before)


async def _show(session: Session, reply: Reply, before: int) -> None:
    await asyncio.sleep(SETTLE_SECONDS)  # let follow-ups sent right after the answer arrive
    print(render(reply))
    for followup in reply.followups:
        print(render(followup, prefix="↳ "))
    shown = {id(reply.message), *(id(f.message) for f in reply.followups)}
    for message in list(session.app.emu.messages.values())[before:]:
        if message.interaction is None and id(message) not in shown and not message.deleted:
            print(render_message(message, prefix=f"#{message.channel.name}: "))
    session.replies.append(reply)
    session.replies.extend(reply.followups)


async def _convert(session: Session, option: dict[str, Any], text: str) -> Any:
    kind = option["type"]
    if kind == 4:
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(f"{option['name']} takes a whole number, e.g. {option['name']}: 2")
        return int(text)
    if kind == 10:
        try:
            return float(text)
        except ValueError:
            raise ValueError(
                f"{option['name']} takes a number, e.g. {option['name']}: 1.5"
            ) from None
    if kind == 5:
        if text.lower() in ("true", "yes", "on", "1"):
            return True
        if text.lower() in ("false", "no", "off", "0"):
            return False
        raise ValueError(f"{option['name']} takes true or false")
    if kind in (6, 9):
        name = text.lstrip("@")
        try:
            return session.app.guild.member(name)
        except LookupError:
            if kind == 9:
                return session.app.guild.role(name)
            raise
    if kind == 7:
        return _channel(session, text)
    if kind == 8:
        return session.app.guild.role(text.lstrip("@"))
    if kind == 11:
        name, data = await asyncio.to_thread(_read_file, text)
        return session.app.emu.attachment(name, data)
    return text


def _read_file(text: str) -> tuple[str, bytes]:
    path = Path(text).expanduser()
    return path.name, path.read_bytes()


def _channel(session: Session, text: str) -> Channel:
    if text.strip().lower() in ("dm", "dms", "@me"):
        return session.member.dm_channel
    return session.app.guild.channel(text.strip())


def _button_target(reply: Reply, text: str) -> str:
    if text.isdigit():
        buttons = reply.buttons
        index = int(text) - 1
        if not 0 <= index < len(buttons):
            raise ValueError(f"there is no button {text}; the reply has {len(buttons)}")
        button = buttons[index]
        if button.get("disabled"):
            label = button.get("label") or (button.get("emoji") or {}).get("name") or "?"
            menu = f"; select {text} picks menu entry {text})" if reply.options else ""
            raise ValueError(f"button {text} ({label}) is disabled{menu}")
        return button.get("custom_id") or button.get("label") or ""
    return text


def _option_values(reply: Reply, text: str) -> list[str]:
    options = reply.options
    picked = []
    for token in text.split():
        if not token.isdigit() or not 1 <= int(token) <= len(options):
            raise ValueError(f"pick options by number (1-{len(options)})")
        picked.append(options[int(token) - 1]["value"])
    if not picked:
        raise ValueError("say which options: select 1 or select 1 3")
    return picked


def _modal_values(text: str) -> dict[str, str]:
    values = {}
    for part in text.split("|"):
        label, sep, value = part.partition(":")
        if not sep:
            raise ValueError("fill a form as: submit Label: value | Other label: value")
        values[label.strip()] = value.strip()
    return values


# -- rendering --------------------------------------------------------------------------------
def render(reply: Reply, *, prefix: str = "") -> str:
    if reply.modal is not None:
        return _render_modal(reply.modal)
    if reply.message is None:
        if reply.error is not None:
            return f"✗ Discord rejected the bot's answer: {reply.error.describe()}"
        return "(the bot acknowledged without a message)"
    text = render_message(reply.message, prefix=prefix)
    if reply.error is not None:
        text += f"\n✗ Discord rejected a request of the bot: {reply.error.describe()}"
    return text


def render_message(message: Message, *, prefix: str = "") -> str:
    lines: list[str] = []
    if message.ephemeral:
        lines.append("(only you can see this)")
    if message.content:
        lines.extend(plain(message.content).splitlines())
    for embed in message.embeds:
        lines.extend(_render_embed(embed))
    lines.extend(_render_components(message.components))
    for name, data in message.files.items():
        lines.append(f"📎 {name} ({len(data):,} bytes)")
    if message.deleted:
        lines.append("(deleted)")
    if prefix and lines:
        lines[0] = prefix + lines[0]
    return "\n".join(lines) if lines else prefix + "(empty message)"


def _render_embed(embed: dict[str, Any]) -> list[str]:
    title = plain(embed.get("title") or "")
    out = [f"┌─ {title} " + "─" * max(3, WIDTH - len(title) - 4)]
    body: list[str] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        body.append(plain(author))
    if embed.get("description"):
        body.extend(_wrap(plain(embed["description"])))
    for fld in embed.get("fields") or []:
        body.append("")
        body.append(plain(fld.get("name", "")))
        body.extend("  " + line for line in _wrap(plain(fld.get("value", "")), WIDTH - 6))
    out.extend("│ " + line for line in body)
    footer = plain((embed.get("footer") or {}).get("text") or "")
    out.append("└─ " + footer if footer else "└" + "─" * (WIDTH - 1))
    return out


def _render_components(components: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    button_number = 0
    option_number = 0
    for row in components:
        children = row.get("components") or [row]
        buttons = []
        for comp in children:
            if comp.get("type") == 2:
                button_number += 1
                label = comp.get("label") or (comp.get("emoji") or {}).get("name") or "?"
                if comp.get("url"):
                    label += f" → {comp['url']}"
                text = f"[{button_number} {label}]"
                buttons.append(f"({text} disabled)" if comp.get("disabled") else text)
            elif comp.get("type") == 3:
                hint = comp.get("placeholder") or "Choose"
                many = comp.get("max_values", 1)
                lines.append(f"▾ {hint}" + (f" (up to {many})" if many > 1 else ""))
                for option in comp.get("options") or []:
                    option_number += 1
                    desc = f" — {option['description']}" if option.get("description") else ""
                    lines.append(f"  {option_number}) {option.get('label')}{desc}")
            elif comp.get("type") == 10:
                lines.extend(_wrap(comp.get("content", "")))
        if buttons:
            lines.append(" ".join(buttons))
    return lines


def _render_modal(modal: dict[str, Any]) -> str:
    lines = [f"▣ Form: {modal.get('title', '')}"]
    for comp in modal.get("components") or []:
        inner = comp.get("component") or (comp.get("components") or [{}])[0]
        label = comp.get("label") or inner.get("label") or inner.get("custom_id")
        required = " (required)" if inner.get("required", True) else ""
        current = f" [now: {inner['value']}]" if inner.get("value") else ""
        lines.append(f"  • {label}{required}{current}")
    lines.append("fill it in with: submit Label: value | Other label: value")
    return "\n".join(lines)


_MARKDOWN = [
    (re.compile(r"\*\*(.+?)\*\*", re.S), r"\1"),
    (re.compile(r"__(.+?)__", re.S), r"\1"),
    (re.compile(r"~~(.+?)~~", re.S), r"\1"),
    (re.compile(r"\|\|(.+?)\|\|", re.S), r"\1"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.S), r"\1"),
    (re.compile(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)", re.S), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\((\S+?)\)"), r"\1 <\2>"),
]
_ESCAPED = re.compile(r"\\([\\*_`~|>#\[\]()-])")
_HELD = re.compile("\x00(\\d+)\x00")


def plain(text: str) -> str:
    """Discord Markdown as plain terminal text (bold, italics, code, spoilers, links)."""
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(1))
        return f"\x00{len(held) - 1}\x00"

    text = _ESCAPED.sub(hold, text)
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return _HELD.sub(lambda m: held[int(m.group(1))], text)


def _wrap(text: str, width: int = WIDTH - 2) -> list[str]:
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        out.extend(textwrap.wrap(paragraph, width) or [""])
    return out
