"""Parsing untrusted files in worker processes, bounded in time and memory.

A story file is whatever a member uploads: a pathological one (deep nesting, a parser
edge case) must not stall the bot or eat its memory. So:

- `parse_bounded` (uploads, `Library.add_file`) parses in a fresh worker process, forked
  from the forkserver (which has the parser imported, so a fork costs milliseconds). The
  worker's address space is capped (`RLIMIT_AS`); a parse that does not finish within
  `PARSE_SECONDS` is killed and refused with a clear message. The event loop only waits
  on a pipe meanwhile, so the bot keeps answering.
- Bulk imports — every one, however small, whatever `--jobs` — parse in a process pool;
  each pool worker is started by `init_pool_worker` (memory cap, dies with its parent) and
  each file is parsed under `time_bound` (SIGALRM in the worker: a parse stuck in Python
  code is interrupted and that file refused, the others go on). The parser and the bound
  travel with each task, so the workers use what the importing process has set.
- Every worker dies with the process that wanted the parse, even after `kill -9`: a
  watchdog thread waits on that process (`die_with`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import importlib
import logging
import multiprocessing
import os
import resource
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from bot.library.errors import StoryRejected
from bot.library.model import ParsedStory

log = logging.getLogger(__name__)

PARSE_SECONDS = 10.0  # an upload is refused if parsing takes longer
PARSE_MEMORY_BYTES = 2 * 1024 * 1024 * 1024  # a worker's address space (not just its heap)
PARSER = "bot.library.parse:parse_story"  # module:function, imported in the worker
_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 0.5

TOO_SLOW = (
    "Reading this file took longer than {seconds:g} s, so it was not added. It may be "
    "unusually structured (very deep nesting, say): save it as plain text and try again."
)
TOO_BIG = (
    "Reading this file needed more memory than the library allows, so it was not added: "
    "save it as plain text and try again."
)
FAILED = "This file could not be read (the parser stopped unexpectedly), so it was not added."


class ParseTimeout(BaseException):
    """Raised inside a worker when a parse runs past its time bound (a BaseException, so
    the parser's own `except Exception` safety nets do not swallow it)."""


# ---------------------------------------------------------------- inside a worker


def die_with(owner: int) -> None:
    """Make this worker process exit when process `owner` (the bot or the import that
    wanted the parse) dies, kill -9 included.

    Workers are forked by the forkserver, not by `owner`, and every worker holds the
    forkserver's "alive" pipe open: PR_SET_PDEATHSIG (parent = forkserver) alone would
    wait forever. So a daemon thread watches `owner` itself — a pidfd on Linux (no pid
    reuse race), else polling — and PR_SET_PDEATHSIG also covers the forkserver dying.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    handle: int | None = None
    with contextlib.suppress(OSError, AttributeError):
        handle = os.pidfd_open(owner)
    if handle is None and not _exists(owner):
        os._exit(1)  # the owner died before this worker started
    watcher = threading.Thread(
        target=_watch_owner, args=(owner, handle), name="owner-watch", daemon=True
    )
    watcher.start()


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch_owner(owner: int, handle: int | None) -> None:
    if handle is not None:
        select.select([handle], [], [])  # readable once the process has exited
        os._exit(1)
    while _exists(owner):
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def limit_memory(max_bytes: int) -> None:
    """Cap this process's address space (allocation past it raises MemoryError)."""
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def init_pool_worker(owner: int, memory_bytes: int = PARSE_MEMORY_BYTES) -> None:
    """`initializer` of the bulk import's parser pool (`owner`: the importing process)."""
    die_with(owner)
    limit_memory(memory_bytes)


@contextlib.contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise ParseTimeout in this (a worker's main) thread after `seconds`."""

    def expire(signum: int, frame: Any) -> None:
        raise ParseTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def parser(target: str | None = None) -> Callable[..., ParsedStory]:
    """The parse function named by `target` ("module:function"; default `PARSER`)."""
    module, _, name = (target or PARSER).partition(":")
    return getattr(importlib.import_module(module), name)


def _child(  # noqa: PLR0917 - a Process target takes positional arguments
    conn: Connection,
    owner: int,
    data: bytes,
    filename: str,
    max_bytes: int,
    memory: int,
    target: str,
) -> None:
    """The worker process: parse, send back ("ok", story) or ("rejected", reason)."""
    die_with(owner)
    limit_memory(memory)
    global PARSER
    PARSER = target
    try:
        result: tuple[str, Any] = ("ok", parser()(data, filename, max_bytes=max_bytes))
    except StoryRejected as err:
        result = ("rejected", err.reason)
    except MemoryError:
        result = ("rejected", TOO_BIG)
    except Exception as err:
        log.exception("parser failed on %s", filename)
        result = ("failed", f"{type(err).__name__}: {err}")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("rejected", TOO_BIG))
    conn.close()


# ---------------------------------------------------------------- in the bot


def context() -> Any:
    """The forkserver context (safe with the bot's threads), with the parser preloaded."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["bot.library.parse"])
    return ctx


async def parse_bounded(
    data: bytes,
    filename: str,
    *,
    max_bytes: int,
    seconds: float | None = None,
    memory: int | None = None,
) -> ParsedStory:
    """Parse an upload in a worker process; StoryRejected when the parser refuses it, it
    runs out of time (`PARSE_SECONDS`) or memory (`PARSE_MEMORY_BYTES`), or the worker
    dies. The caller's event loop stays free throughout."""
    seconds = PARSE_SECONDS if seconds is None else seconds
    memory = PARSE_MEMORY_BYTES if memory is None else memory
    loop = asyncio.get_running_loop()
    receive, send = context().Pipe(duplex=False)
    process = context().Process(
        target=_child,
        args=(send, os.getpid(), data, filename, max_bytes, memory, PARSER),
        name="storybot-parse",
        daemon=True,
    )
    started = loop.time()
    try:
        await asyncio.to_thread(process.start)
        send.close()
        result = await _receive(receive, seconds - (loop.time() - started))
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        await asyncio.to_thread(process.join, 5)
        with contextlib.suppress(ValueError):
            process.close()
    if result is None:
        log.warning("parse of %s stopped after %.1f s", filename, loop.time() - started)
        raise StoryRejected(TOO_SLOW.format(seconds=seconds), source_name=filename)
    kind, value = result
    if kind == "ok":
        return value
    if kind == "rejected":
        raise StoryRejected(value, source_name=filename)
    log.warning("parser failed on %s: %s", filename, value)
    raise StoryRejected(FAILED, source_name=filename)


async def _receive(conn: Connection, seconds: float) -> tuple[str, Any] | None:
    """The worker's answer, or None if none came within `seconds` (or the worker died
    without answering — reported as a failure, not a timeout)."""
    loop = asyncio.get_running_loop()
    ready = asyncio.Event()
    loop.add_reader(conn.fileno(), ready.set)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ready.wait(), max(seconds, 0.0))
    finally:
        loop.remove_reader(conn.fileno())
    if not ready.is_set():
        return None
    try:
        return await asyncio.to_thread(conn.recv)
    except (EOFError, OSError):
        return ("failed", "the parser process ended without an answer")
