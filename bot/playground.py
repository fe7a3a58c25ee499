"""The playground: storybot on the loopback Discord, driven from the terminal.

`python -m bot` (= `make run`) without DISCORD_TOKEN lands here. A demo guild "Fandom"
holds data/samples/ in a library whose database lives in a temporary directory (removed on
exit, so every run starts from the same samples). Type slash commands as in Discord:

    /search query: lets talk
    /library add file: path/to/story.txt
    click 2 | select 1 3 | submit Title: New title | Summary: ...
    as moderator | in #after-dark | attach story.txt | help | quit

When stdin is not a terminal, commands are read line by line and the playground exits at
end of input, so `printf '/search query: lets talk\\n' | make run` prints the answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord

from bot.config import Config
from bot.emulator.harness import App, run_bot
from bot.emulator.people import BotDidNotRespond, CommandRefused, Member, Reply
from bot.emulator.world import Channel, Message, Upload

log = logging.getLogger(__name__)

WIDTH = 78
_OPTION = re.compile(r"(?:^|\s)([\w'-]+):(?=\s|$)")
_QUIET_STARTUP = ("PyNaCl is not installed", "davey is not installed", "Privileged message content")
SETTLE_SECONDS = 0.05

HELP = """\
Type slash commands as in Discord; options are `name: value`:
  /search query: lets talk          /library add file: path/to/story.txt
  complete /read story: lets ta     (what autocomplete offers while typing)
After a reply:
  click N | click Label              press a button (numbered in the reply)
  select N [M ...]                   pick options of a select menu
  submit Label: value | Label: value fill in and send an open form (modal)
Who and where:
  as reader | as reader2 | as moderator | as owner
  in #general | in #after-dark (age-restricted) | in #late-night-reads (thread) | in dm
  attach PATH                        file for the next command's file option
  commands | help | quit"""


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


def main(config: Config) -> None:
    """Say there is no token (one line, and how to set one), then run the playground."""
    print(
        "No DISCORD_TOKEN set: starting the offline playground "
        "(put DISCORD_TOKEN=... in .env or the environment to connect to Discord)."
    )
    sys.stdout.flush()
    setup_logging()
    try:
        asyncio.run(run(config))
    except KeyboardInterrupt:
        print()


async def run(config: Config, *, interactive: bool | None = None) -> None:
    """Start the emulator, the bot and the demo guild; then read commands until quit/EOF."""
    interactive = sys.stdin.isatty() if interactive is None else interactive
    with tempfile.TemporaryDirectory(prefix="storybot-playground-") as tmp:
        async with run_bot(Path(tmp) / "playground.db", config=config) as app:
            await app.import_samples()
            session = Session(app, app.reader, app.general)
            if interactive:
                _enable_line_editing()
                print(
                    f"Playground: {app.guild.name} with {len(app.command_names)} commands and "
                    f"the sample library. Type `help`, or `quit` to leave."
                )
            await _loop(session, interactive)


async def _loop(session: Session, interactive: bool) -> None:
    while True:
        line = await _read_line(session.prompt if interactive else "")
        if line is None:
            break
        line = line.strip()
        if not line or line.startswith("#!"):
            continue
        if not interactive:
            print(f"> {line}")
        if line in ("quit", "exit"):
            break
        try:
            await handle(session, line)
        except CommandRefused as refused:
            print(f"✗ {refused}")
        except BotDidNotRespond as silent:
            print(f"✗ {silent}")
        except (OSError, ValueError, LookupError) as bad:
            print(f"✗ {bad}")
        sys.stdout.flush()


async def _read_line(prompt: str) -> str | None:
    if prompt:
        try:
            return await asyncio.to_thread(input, prompt)
        except EOFError:
            print()
            return None
    line = await asyncio.to_thread(sys.stdin.readline)
    return line if line else None


def _enable_line_editing() -> None:
    try:
        import readline  # noqa: F401  (arrow keys and history for input())
    except ImportError:
        return


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
            lambda r: bool(r.buttons),
            lambda reply: reply.click(_button_target(reply, rest), by=session.member),
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
    else:
        print(f"✗ unknown input {line!r}; type `help`")


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


async def _prepare(session: Session, line: str) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    command, _ = parse_slash(line)
    schema = session.member.options_of(command, session.channel)
    command, raw = parse_slash(line, {o["name"] for o in schema})
    by_name = {o["name"]: o for o in schema}
    values: dict[str, Any] = {}
    for name, text in raw.items():
        values[name] = await _convert(session, by_name[name], text)
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
    command, values, _ = await _prepare(session, line)
    if not values:
        raise ValueError("say which option you are typing in: complete /read story: lets ta")
    focused = list(values)[-1]
    typed = str(values.pop(focused))
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
        return int(text)
    if kind == 10:
        return float(text)
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
