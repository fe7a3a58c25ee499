"""Neutralise Discord mention syntax in user-supplied text (story text, titles, reviews).

Discord turns `@everyone`, `@here`, `<@id>`, `<@!id>`, `<@&id>`, `<#id>` and `</cmd:id>`
into live mentions. A zero-width space after the `@` / `<` keeps the characters readable
but stops Discord from parsing them. Markdown emphasis (`*sigh*`) is left alone.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"

_EVERYONE = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
# <@123>, <@!123>, <@&123>, <#123>, </name:123>, </name sub:123>
_ANGLE = re.compile(r"<(?=(?:@[!&]?|#)\d|/[^<>\n:]{1,100}:\d)")


def neutralise_mentions(text: str) -> str:
    """Return `text` with every mention-shaped sequence broken by a zero-width space."""
    if not text:
        return text
    text = _EVERYONE.sub(lambda m: "@" + ZWSP + m.group(1), text)
    return _ANGLE.sub("<" + ZWSP, text)


_LIVE = re.compile(r"@(everyone|here)\b|<(?:@[!&]?|#)\d+>|</[^<>\n:]{1,100}:\d+>", re.IGNORECASE)


def has_live_mention(text: str) -> bool:
    """True if Discord would render something in `text` as a mention."""
    return bool(_LIVE.search(text or ""))
