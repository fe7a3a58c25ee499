"""Parsers that misbehave, for the bounded-parsing tests: they run inside the parser worker
process (bot.library.parse_worker.PARSER names one as "module:function")."""

from __future__ import annotations

import time

from bot.library.model import ParsedStory


def sleepy_parse(data: bytes, filename: str, *, max_bytes: int) -> ParsedStory:
    """A parse that never finishes in time (a stuck layout, say)."""
    time.sleep(3600)
    raise AssertionError("unreachable")


def spinning_parse(data: bytes, filename: str, *, max_bytes: int) -> ParsedStory:
    """A parse stuck in a loop of Python code."""
    n = 0
    while True:
        n += 1


def greedy_parse(data: bytes, filename: str, *, max_bytes: int) -> ParsedStory:
    """A parse that wants far more memory than a worker may have."""
    hog = [bytearray(64 * 1024 * 1024) for _ in range(1024)]  # 64 GiB
    raise AssertionError(f"allocated {len(hog)} blocks")


def crashing_parse(data: bytes, filename: str, *, max_bytes: int) -> ParsedStory:
    """A parser bug that takes the whole worker process down."""
    import os

    os._exit(3)


def stuck_on_marked_parse(data: bytes, filename: str, *, max_bytes: int) -> ParsedStory:
    """The real parser, except that a file holding b"STUCK-FOREVER" spins forever."""
    if b"STUCK-FOREVER" in data:
        while True:
            pass
    from bot.library.parse import parse_story

    return parse_story(data, filename, max_bytes=max_bytes)
