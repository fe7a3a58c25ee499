"""The library domain (imports nothing from discord). `Library` is its one door:

    from bot.library import Library

(imported lazily, so `bot.library.parse` and friends stay light for parser processes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.library.service import Library

__all__ = ["Library"]


def __getattr__(name: str) -> Any:
    if name == "Library":
        from bot.library.service import Library

        return Library
    raise AttributeError(f"module 'bot.library' has no attribute {name!r}")
