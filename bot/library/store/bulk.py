"""Bulk import: files, folders and .zip archives of stories into the store.

`collect` lists what to import (folders recursively, zip members) without reading it;
`bulk_import` reads each entry, parses it in a process pool — always, even for one file
or one job: each worker is bounded in time and memory and dies with the importer
(`parse_worker`), so the importing process (the bot's event loop) never parses — where
the story is also flattened for the store, and writes the stories in input order, a batch
per transaction (each story whole or not at all), while the workers parse ahead. A file
the parser refuses, or that runs past the time bound, is reported with the reason and
nothing is written for it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import zipfile
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from bot.library import parse_worker
from bot.library.errors import LibraryError, StoryRejected
from bot.library.limits import DEFAULT_MAX_BYTES, too_large
from bot.library.records import ImportOutcome
from bot.library.store import Store
from bot.library.store.prepare import PreparedStory, prepare_story

log = logging.getLogger(__name__)

STORY_SUFFIXES = frozenset(
    {
        ".txt",
        ".text",
        ".md",
        ".markdown",
        ".html",
        ".htm",
        ".xhtml",
        ".epub",
        ".docx",
        ".odt",
        ".rtf",
        ".eml",
    }
)
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024  # what one zip may expand to, in total
MAX_ARCHIVE_MEMBERS = 20_000
BATCH_STORIES = 32  # stories per write transaction (one COMMIT)
BATCH_BYTES = 16 * 1024 * 1024  # input bytes per write transaction (at least one story)
AHEAD_STORIES = 2 * BATCH_STORIES  # files read and handed to the parsers, not yet stored
AHEAD_BYTES = 64 * 1024 * 1024  # … and their input bytes
TASK_FILES = 4  # files per parser-process task …
TASK_BYTES = 1024 * 1024  # … or fewer, once they hold this many bytes


@dataclass(frozen=True, slots=True)
class Entry:
    """One story file to import: a file on disk or a member of a zip archive."""

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        """How the entry is shown to people."""
        return f"{self.path}:{self.member}" if self.member else str(self.path)

    @property
    def file_name(self) -> str:
        """The story file's own name (what the parser and the library record see)."""
        return PurePosixPath(self.member).name if self.member else self.path.name


@dataclass(slots=True)
class ImportReport:
    added: list[tuple[str, ImportOutcome]] = field(default_factory=list)
    updated: list[tuple[str, ImportOutcome]] = field(default_factory=list)
    unchanged: list[tuple[str, ImportOutcome]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    not_processed: list[str] = field(default_factory=list)  # stopped before these (names)
    bytes_read: int = 0

    @property
    def imported(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)

    def record(self, name: str, outcome: ImportOutcome) -> None:
        getattr(self, outcome.action).append((name, outcome))


def _is_story_name(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in STORY_SUFFIXES


def _zip_entries(
    path: Path, rejected: list[tuple[str, str]], *, max_archive_bytes: int, max_members: int
) -> list[Entry]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as err:
        rejected.append((str(path), f"not a readable zip archive ({err})"))
        return []
    if len(infos) > max_members:
        rejected.append(
            (str(path), f"archive holds {len(infos)} files, over the limit of {max_members}")
        )
        return []
    declared = sum(i.file_size for i in infos)
    if declared > max_archive_bytes:
        rejected.append(
            (
                str(path),
                f"archive expands to {declared / 2**20:.0f} MiB, over the limit of "
                f"{max_archive_bytes / 2**20:.0f} MiB",
            )
        )
        return []
    entries = []
    for info in sorted(infos, key=lambda i: i.filename):
        entry = Entry(path, info.filename)
        base = PurePosixPath(info.filename).name
        if base.startswith(".") or info.filename.startswith("__MACOSX/"):
            continue
        if info.filename.lower().endswith(".zip"):
            rejected.append((entry.name, "archives inside archives are not opened"))
        elif _is_story_name(info.filename):
            entries.append(entry)
    return entries


def collect(
    paths: Iterable[str | Path],
    *,
    max_archive_bytes: int = MAX_ARCHIVE_BYTES,
    max_members: int = MAX_ARCHIVE_MEMBERS,
) -> tuple[list[Entry], list[tuple[str, str]]]:
    """Every story entry under `paths`, and the inputs refused outright with reasons.

    Files named explicitly are always tried; inside folders and archives only names with a
    story extension are (hidden files are skipped).
    """
    entries: list[Entry] = []
    rejected: list[tuple[str, str]] = []

    def add_file(path: Path, explicit: bool) -> None:
        if path.suffix.lower() == ".zip":
            entries.extend(
                _zip_entries(
                    path, rejected, max_archive_bytes=max_archive_bytes, max_members=max_members
                )
            )
        elif explicit or _is_story_name(path.name):
            entries.append(Entry(path))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in rel):
                    add_file(child, explicit=False)
        elif path.is_file():
            add_file(path, explicit=True)
        else:
            rejected.append((str(path), "no such file or folder"))
    return entries, rejected


def read_bounded(f: IO[bytes], expected: int, max_bytes: int) -> bytes:
    """At most max_bytes + 1 bytes of `f` (enough for the parser to refuse an oversize
    file), sized by its `expected` length: asking for max_bytes + 1 at once would allocate
    that much for every file. A file that says it is over the limit is refused at its size
    (StoryRejected), unread."""
    if expected > max_bytes:
        raise StoryRejected(too_large(expected, max_bytes))
    limit = max_bytes + 1
    data = f.read(min(expected + 1, limit))
    if expected < len(data) < limit:  # longer than it said: read on
        data += f.read(limit - len(data))
    return data


def read_file(path: Path, max_bytes: int) -> bytes:
    """A story file's bytes (at most max_bytes + 1); raises OSError."""
    with path.open("rb") as f:
        return read_bounded(f, os.fstat(f.fileno()).st_size, max_bytes)


class EntryReader:
    """Reads entries, at most `max_bytes + 1` bytes each (so oversize files are refused by
    the parser without being read whole); keeps one archive open at a time."""

    def __init__(self, max_bytes: int, max_archive_bytes: int = MAX_ARCHIVE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.max_archive_bytes = max_archive_bytes
        self._archive: zipfile.ZipFile | None = None
        self._archive_path: Path | None = None
        self._archive_read = 0

    def read(self, entry: Entry) -> bytes:
        """The entry's bytes; raises StoryRejected when it cannot be read."""
        try:
            if entry.member is None:
                return read_file(entry.path, self.max_bytes)
            archive = self._open(entry.path)
            with archive.open(entry.member) as f:
                data = read_bounded(f, archive.getinfo(entry.member).file_size, self.max_bytes)
        except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as err:
            raise StoryRejected(f"could not be read ({err})", source_name=entry.name) from None
        self._archive_read += len(data)
        if self._archive_read > self.max_archive_bytes:
            raise StoryRejected(
                f"archive expands past {self.max_archive_bytes / 2**20:.0f} MiB",
                source_name=entry.name,
            )
        return data

    def _open(self, path: Path) -> zipfile.ZipFile:
        if self._archive_path != path:
            self.close()
            self._archive = zipfile.ZipFile(path)
            self._archive_path = path
            self._archive_read = 0
        assert self._archive is not None
        return self._archive

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
        self._archive = None
        self._archive_path = None


ParseResult = tuple[PreparedStory | None, str | None]


@dataclass(slots=True)
class _Task:
    """Several files handed to a parser process at once (fewer hand-offs between the
    processes: each costs the writer process a wake-up and a message)."""

    future: Future
    results: list[ParseResult] | None = None

    async def result(self, index: int) -> ParseResult:
        if self.results is None:
            try:
                self.results = await asyncio.wrap_future(self.future)
            except BrokenProcessPool as err:  # a worker died (killed, out of memory…)
                return None, f"could not be parsed (parser process failed: {err})"
        return self.results[index]


@dataclass(slots=True)
class _Pending:
    """An entry handed to the parsers (or already refused) and not yet stored."""

    entry: Entry
    size: int  # input bytes
    job: tuple[_Task, int] | ParseResult  # (task, index in it), or the result already


def parse_entry(
    source: bytes | Path, file_name: str, max_bytes: int, target: str | None = None
) -> ParseResult:
    """Parse one file — its bytes, or its path on disk (then it is read here, in the worker
    process, so the bytes do not go through the writer process) — and flatten it for the
    store: (prepared story, None), or (None, reason) when it cannot be imported. `target`
    names the parser (default `parse_worker.PARSER`)."""
    parse_story = parse_worker.parser(target)
    try:
        data = read_file(source, max_bytes) if isinstance(source, Path) else source
    except OSError as err:
        return None, f"could not be read ({err})"
    except StoryRejected as err:
        return None, err.reason
    try:
        return prepare_story(parse_story(data, file_name, max_bytes=max_bytes), file_name), None
    except (StoryRejected, LibraryError) as err:
        return None, str(err)
    except Exception as err:  # a parser bug must not stop a bulk import
        log.exception("parser failed on %s", file_name)
        return None, f"could not be parsed (internal error: {type(err).__name__}: {err})"


def parse_entries(
    sources: list[tuple[bytes | Path, str]],
    max_bytes: int,
    target: str | None = None,
    seconds: float | None = None,
) -> list[ParseResult]:
    """`parse_entry` for each (bytes or path, file name), in one parser-process task; a
    file whose parse runs past `seconds` (default `PARSE_SECONDS`) is refused (the others
    go on). `target` names the parser (default `parse_worker.PARSER`)."""
    results: list[ParseResult] = []
    seconds = parse_worker.PARSE_SECONDS if seconds is None else seconds
    for source, name in sources:
        try:
            with parse_worker.time_bound(seconds):
                results.append(parse_entry(source, name, max_bytes, target))
        except parse_worker.ParseTimeout:
            results.append((None, parse_worker.TOO_SLOW.format(seconds=seconds)))
    return results


def make_pool(jobs: int) -> ProcessPoolExecutor:
    """Parser worker processes (forkserver: safe with the store's threads running); each
    has a memory bound and dies with this process, even after kill -9."""
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=parse_worker.context(),
        initializer=parse_worker.init_pool_worker,
        initargs=(os.getpid(),),
    )


def started_pool(jobs: int) -> ProcessPoolExecutor:
    """`make_pool`, with its first worker started: starting the forkserver (it imports the
    parser) takes a while — run this off the event loop."""
    pool = make_pool(jobs)
    try:
        pool.submit(os.getpid).result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    return pool


async def bulk_import(
    store: Store,
    guild_id: int,
    entries: list[Entry],
    *,
    actor_id: int | None = None,
    jobs: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    executor: Executor | None = None,
    on_result: Callable[[Entry, ImportOutcome | None, str | None], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> ImportReport:
    """Parse and store every entry, in order — or until `stop()` says so: then the file
    being stored is finished and nothing after it is stored (`report.not_processed`).

    Workers parse up to `AHEAD_STORIES` files (`AHEAD_BYTES` of input) ahead of the writer;
    the writer stores parsed stories in batches of up to `BATCH_STORIES` (`BATCH_BYTES`)
    per transaction, each story whole or not at all (`Stories.import_prepared_many`).
    Every file is parsed in a worker process (`executor`, or a pool of up to `jobs`
    started here), bounded in time and memory: never in this process."""
    report = ImportReport()
    reader = EntryReader(max_bytes)
    own_pool = None
    if executor is None and entries:
        executor = own_pool = await asyncio.to_thread(started_pool, max(1, min(jobs, len(entries))))
    pending: deque[_Pending] = deque()
    ahead_bytes = 0
    group: list[tuple[Entry, bytes | Path, int]] = []  # read, not yet handed to a parser

    def submit(entry: Entry) -> None:
        source: bytes | Path
        try:
            if entry.member is None:  # the worker reads the file
                source = entry.path
                size = min(entry.path.stat().st_size, max_bytes + 1)
            else:
                source = reader.read(entry)
                size = len(source)
        except (StoryRejected, OSError) as err:
            reason = err.reason if isinstance(err, StoryRejected) else f"could not be read ({err})"
            flush()  # keep input order
            pending.append(_Pending(entry, 0, (None, reason)))
            return
        report.bytes_read += size
        group.append((entry, source, size))
        if len(group) >= TASK_FILES or sum(size for _, _, size in group) >= TASK_BYTES:
            flush()

    def flush() -> None:
        """Hand the files read so far to a parser process, as one task."""
        nonlocal ahead_bytes
        if not group:
            return
        assert executor is not None
        sources = [(source, entry.file_name) for entry, source, _ in group]
        try:
            task = _Task(
                executor.submit(
                    parse_entries,
                    sources,
                    max_bytes,
                    parse_worker.PARSER,  # what this process has set, for the workers
                    parse_worker.PARSE_SECONDS,
                )
            )
        except BrokenProcessPool as err:
            failed = (None, f"could not be parsed (parser process failed: {err})")
            pending.extend(_Pending(entry, 0, failed) for entry, _, _ in group)
        else:
            for index, (entry, _, size) in enumerate(group):
                pending.append(_Pending(entry, size, (task, index)))
                ahead_bytes += size
        group.clear()

    async def write_batch() -> None:
        """Wait for the oldest parses (in input order), store them in one transaction."""
        nonlocal ahead_bytes
        batch: list[tuple[Entry, PreparedStory | None, str | None]] = []
        size = 0
        while (
            pending
            and not stopped()
            and len(batch) < BATCH_STORIES
            and (not batch or size < BATCH_BYTES)
        ):
            item = pending.popleft()
            size += item.size
            job = item.job
            if isinstance(job[0], _Task):
                ahead_bytes -= item.size
                job = await job[0].result(job[1])
            batch.append((item.entry, *job))
        stories = [story for _, story, _ in batch if story is not None]
        written = await store.stories.import_prepared_many(guild_id, stories, actor_id=actor_id)
        stored = iter(written)
        for entry, story, parse_error in batch:
            outcome, reason = None, parse_error
            if story is not None:
                result = next(stored)
                if isinstance(result, LibraryError):
                    reason = str(result)
                else:
                    outcome = result
            if outcome is not None:
                report.record(entry.name, outcome)
            else:
                report.rejected.append((entry.name, reason or "rejected"))
            if on_result is not None:
                on_result(entry, outcome, reason)

    def stopped() -> bool:
        return stop is not None and stop()

    submitted = 0
    try:
        for entry in entries:
            if stopped():
                break
            submit(entry)
            submitted += 1
            if len(pending) + len(group) >= AHEAD_STORIES or ahead_bytes >= AHEAD_BYTES:
                flush()
                await write_batch()
        if not stopped():
            flush()
        while pending and not stopped():
            await write_batch()
        report.not_processed = [item.entry.name for item in pending]
        report.not_processed += [entry.name for entry, _, _ in group]
        report.not_processed += [entry.name for entry in entries[submitted:]]
    finally:
        reader.close()
        for item in pending:
            if isinstance(item.job[0], _Task):
                item.job[0].future.cancel()
        if own_pool is not None:  # workers finish their task first: off the event loop
            await asyncio.to_thread(own_pool.shutdown, wait=True, cancel_futures=True)
    return report
