"""`storybot`: parse story files and manage the library from the command line.

    storybot parse FILE… [--json]
    storybot import PATH… --guild ID [--db PATH] [--jobs N] [--json]
    storybot list --guild ID [--sort title|top|newest|longest|shortest] [--limit N]
    storybot stats [--guild ID]
    storybot remove STORY_ID --guild ID

Errors print one line on stderr and exit with status 2; so does every file `parse` or
`import` rejects (the file and the reason), while the other files are still done.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from bot.config import ConfigError, load_config
from bot.library.errors import LibraryError, StoryRejected
from bot.library.model import ParsedStory
from bot.library.records import ImportOutcome
from bot.library.service import SORTS, Entry, ImportReport, Library, collect

EXIT_OK = 0
EXIT_ERROR = 2
CLI_WRITE_WAIT = 60.0  # seconds a CLI write waits for a busy library (a bot may be writing)


class CliError(Exception):
    """A command cannot run; the message is shown as one line."""


def _config():
    try:
        return load_config()
    except ConfigError as err:
        raise CliError(str(err)) from None


def _db_path(args: argparse.Namespace, *, create: bool = False) -> Path:
    """The library file. It must exist, unless this command may create it (`import`);
    then its folder must exist: a mistyped path is an error, never a new empty library."""
    path = Path(args.db) if args.db else _config().database
    if create:
        if not path.parent.is_dir():
            raise CliError(
                f"there is no folder {path.parent} for the library {path}"
                " (create the folder, or pick another file with --db)"
            )
    elif not path.is_file():
        raise CliError(
            f"there is no library at {path}"
            " (import stories first with `storybot import`, or pick one with --db)"
        )
    return path


async def _open(args: argparse.Namespace) -> Library:
    """The library named by --db (or the config) — which must exist: only `import` creates
    a library file, and no command creates a folder."""
    return await Library.open(_db_path(args), create=False, index=False, write_wait=CLI_WRITE_WAIT)


def _max_bytes(args: argparse.Namespace) -> int:
    return args.max_bytes if args.max_bytes else _config().max_upload_bytes


def _one_line(text: str | None, width: int = 100) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# ---------------------------------------------------------------- parse


def _missing(suggestion: str | None) -> str:
    return f"(none; suggested: {suggestion})" if suggestion else "(none)"


def _describe(story: ParsedStory) -> list[str]:
    rating = story.rating
    how = "inferred" if rating.inferred else f"declared “{rating.declared}”"
    lines = [
        f"  title:      {story.title or _missing(story.title_fallback)}",
        f"  authors:    {', '.join(story.authors) or _missing(story.author_fallback)}",
        f"  rating:     {rating.level} ({how})",
    ]
    if story.pairings:
        shown = [f"{p.name}{' (inferred)' if p.inferred else ''}" for p in story.pairings]
        lines.append(f"  pairings:   {', '.join(shown)}")
    for label, values in (
        ("characters", story.characters),
        ("fandoms", story.fandoms),
        ("warnings", story.warnings),
        ("tags", story.tags),
    ):
        if values:
            lines.append(f"  {label + ':':<11} {', '.join(values)}")
    total = f"/{story.total_chapters}" if story.total_chapters else ""
    count = len(story.chapters)
    noun = "chapter" if count == 1 and (story.total_chapters or 1) == 1 else "chapters"
    lines.append(f"  status:     {story.status} · {count}{total} {noun} · {story.words:,} words")
    lines.append(f"  layout:     {story.layout} · {story.encoding}")
    for label, value in (
        ("summary", story.summary),
        ("spoilers", story.spoilers),
        ("disclaimer", story.disclaimer),
        ("epigraph", story.epigraph),
    ):
        if value:
            lines.append(f"  {label + ':':<11} {_one_line(value)}")
    for note in story.notes:
        lines.append(f"  note:       {_one_line(note)}")
    for i, chapter in enumerate(story.chapters, start=1):
        heading = ": ".join(x for x in (chapter.label, chapter.title) if x) or "(untitled)"
        lines.append(f"    {i:>3}. {heading} ({chapter.words:,} words)")
    return lines


def cmd_parse(args: argparse.Namespace) -> int:
    from bot.library.parse import parse_story, too_large

    max_bytes = _max_bytes(args)
    status = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            with path.open("rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size > max_bytes:
                    raise StoryRejected(too_large(size, max_bytes))
                data = f.read(max_bytes + 1)
            story = parse_story(data, path.name, max_bytes=max_bytes)
        except StoryRejected as err:
            print(f"{name}: rejected: {err.reason}", file=sys.stderr)
            status = EXIT_ERROR
            continue
        except OSError as err:
            print(f"{name}: cannot read: {err.strerror or err}", file=sys.stderr)
            status = EXIT_ERROR
            continue
        if args.json:
            print(json.dumps({"file": name, **story.to_json()}, ensure_ascii=False))
        else:
            print(name)
            print("\n".join(_describe(story)))
    return status


# ---------------------------------------------------------------- import


def _print_report(report: ImportReport, guild_id: int, db: Path, *, verbose: bool) -> None:
    print(f"Imported into guild {guild_id} ({db}):")
    groups: list[tuple[str, list[tuple[str, ImportOutcome]]]] = [
        ("added", report.added),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
    ]
    for label, items in groups:
        print(f"  {label:<10} {len(items)}")
        if verbose or label == "updated":
            for name, outcome in items:
                print(f"    #{outcome.story_id} {outcome.title} ({name})")
        if label == "unchanged":
            for name, outcome in items:
                if outcome.detail:
                    print(f"    #{outcome.story_id} {outcome.title} ({name}): {outcome.detail}")
    print(
        f"  {'rejected':<10} {len(report.rejected)}" + (" (see stderr)" if report.rejected else "")
    )


def _report_json(report: ImportReport, guild_id: int, db: Path) -> dict:
    """The `storybot import --json` summary (one object on stdout)."""

    def stories(items: list[tuple[str, ImportOutcome]]) -> list[dict]:
        return [
            {"file": name, "id": o.story_id, "title": o.title, "detail": o.detail}
            for name, o in items
        ]

    return {
        "guild": guild_id,
        "database": str(db),
        "added": stories(report.added),
        "updated": stories(report.updated),
        "unchanged": stories(report.unchanged),
        "rejected": [{"file": name, "reason": reason} for name, reason in report.rejected],
    }


async def _import(args: argparse.Namespace) -> int:
    entries, refused = collect(args.paths)
    if not entries and not refused:
        raise CliError("nothing to import: no story files found")
    db = _db_path(args, create=True)
    max_bytes = _max_bytes(args)
    from tqdm import tqdm

    bar = tqdm(total=len(entries), unit="file", file=sys.stderr, disable=not sys.stderr.isatty())

    def progress(entry: Entry, outcome: ImportOutcome | None, reason: str | None) -> None:
        bar.update(1)

    library = await Library.open(db, index=False, write_wait=CLI_WRITE_WAIT)
    try:
        report = await library.import_entries(
            args.guild,
            entries,
            jobs=args.jobs,
            max_bytes=max_bytes,
            on_result=progress,
        )
    finally:
        bar.close()
        await library.close()
    report.rejected[:0] = refused
    if args.json:
        print(json.dumps(_report_json(report, args.guild, db), ensure_ascii=False))
    else:
        _print_report(report, args.guild, db, verbose=args.verbose)
    for name, reason in report.rejected:
        print(f"{name}: rejected: {reason}", file=sys.stderr)
    return EXIT_ERROR if report.rejected else EXIT_OK


# ---------------------------------------------------------------- list / stats / remove


async def _list(args: argparse.Namespace) -> int:
    async with await _open(args) as library:
        records, total = await library.list_stories(
            args.guild, sort=args.sort, limit=args.limit, offset=args.offset
        )
    for r in records:
        authors = ", ".join(r.authors) or "unknown author"
        print(
            f"#{r.id:<5} {r.title} — {authors} · {r.rating_level} · {r.status}"
            f" · {r.chapter_count} ch · {r.words:,} words"
        )
    shown = f"{args.offset + 1}–{args.offset + len(records)}" if records else "0"
    print(f"({shown} of {total} stories in guild {args.guild})")
    return EXIT_OK


async def _stats(args: argparse.Namespace) -> int:
    async with await _open(args) as library:
        stats = (await library.stats(args.guild)).counts
    scope = f"guild {args.guild}" if args.guild is not None else "all guilds"
    print(f"Library statistics ({scope}):")
    for key, value in stats.items():
        if isinstance(value, dict):
            shown = ", ".join(f"{k} {v:,}" for k, v in value.items()) or "none"
            print(f"  {key:<11} {shown}")
        else:
            print(f"  {key:<11} {value:,}")
    return EXIT_OK


async def _remove(args: argparse.Namespace) -> int:
    async with await _open(args) as library:
        record = await library.remove(args.guild, args.story_id, actor_id=None)
        if record is None:
            raise CliError(f"there is no story #{args.story_id} in guild {args.guild}")
    print(f"Removed #{record.id} “{record.title}”.")
    return EXIT_OK


async def _sync(args: argparse.Namespace) -> int:
    from dataclasses import replace

    import aiohttp
    import discord

    from bot.sync import sync_commands

    config = replace(_config(), database=_db_path(args, create=True))
    try:
        names = await sync_commands(config, guild_id=args.guild)
    except discord.LoginFailure:
        raise CliError("Discord refused DISCORD_TOKEN (check the bot token)") from None
    except discord.HTTPException as err:
        raise CliError(f"Discord refused the commands: {err}") from None
    except aiohttp.ClientError as err:
        raise CliError(f"cannot reach Discord: {err}") from None
    where = f"guild {args.guild}" if args.guild else "every server (may take a while to show)"
    print(f"Synced {len(names)} commands to {where}: {', '.join('/' + n for n in names)}")
    return EXIT_OK


# ---------------------------------------------------------------- argument parsing


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


def _guild_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a guild id is a number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("a guild id cannot be negative")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (with a hint to --help), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    db_help = "library database file (default: STORYBOT_DATABASE or data/storybot.db)"
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help=db_help)

    parser = _Parser(
        prog="storybot", description="Parse fan-fiction files and manage the storybot library."
    )
    parser.add_argument("--db", default=None, help=db_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", parents=[common], help="show what the parser sees in files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON object per file")
    p.add_argument("--max-bytes", type=_positive_int, default=None, help="size limit per file")
    p.set_defaults(run=cmd_parse)

    p = sub.add_parser(
        "import", parents=[common], help="import files, folders and .zip archives into a guild"
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--guild", type=_guild_id, required=True, help="the Discord server (guild) id")
    p.add_argument(
        "--jobs",
        type=_positive_int,
        default=max(1, min(2, os.cpu_count() or 1)),
        help="parser processes (default: up to 2)",
    )
    p.add_argument("--max-bytes", type=_positive_int, default=None, help="size limit per file")
    p.add_argument("-v", "--verbose", action="store_true", help="list every story imported")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(run=lambda a: asyncio.run(_import(a)))

    p = sub.add_parser("list", parents=[common], help="list a guild's stories")
    p.add_argument("--guild", type=_guild_id, required=True)
    p.add_argument("--sort", choices=SORTS, default="title")
    p.add_argument("--limit", type=_positive_int, default=100)
    p.add_argument("--offset", type=int, default=0)
    p.set_defaults(run=lambda a: asyncio.run(_list(a)))

    p = sub.add_parser("stats", parents=[common], help="library statistics")
    p.add_argument("--guild", type=_guild_id, default=None)
    p.set_defaults(run=lambda a: asyncio.run(_stats(a)))

    p = sub.add_parser("remove", parents=[common], help="remove a story from a guild's library")
    p.add_argument("story_id", type=_positive_int, metavar="STORY_ID")
    p.add_argument("--guild", type=_guild_id, required=True)
    p.set_defaults(run=lambda a: asyncio.run(_remove(a)))

    p = sub.add_parser(
        "sync", parents=[common], help="publish the slash commands to Discord (needs the token)"
    )
    p.add_argument("--guild", type=_guild_id, default=None, help="only this server (instant)")
    p.set_defaults(run=lambda a: asyncio.run(_sync(a)))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `storybot` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="storybot: %(levelname)s: %(message)s"
    )
    try:
        return args.run(args)
    except (CliError, LibraryError, ConfigError) as err:
        print(f"storybot: {err}", file=sys.stderr)
    except sqlite3.Error as err:
        print(f"storybot: database error: {err}", file=sys.stderr)
    except OSError as err:
        print(
            f"storybot: {err.strerror or err}: {err.filename or ''}".rstrip(": "), file=sys.stderr
        )
    except KeyboardInterrupt:
        print("storybot: interrupted", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
