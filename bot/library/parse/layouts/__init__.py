"""Text layouts: one module per kind of source, each with `detect` and `extract`.

`detect(text, source_name) -> float` says how sure a layout is that a file is its kind
(0 = not at all, 1 = certain); `extract(text, source_name) -> RawStory` reads it into the
one raw record. The layouts share the vocabulary (data/headers.toml, applied by
`text_header`), the chapter-heading recogniser (`chapters`) and the body cleaner
(`text_body`) through `generic.read`; a layout adds only what its source does differently
(FanFicFare's title page and TAB-introduced chapters, a mail post's transport headers).

The most confident layout at or above `THRESHOLD` extracts; otherwise the generic reader
does (label header, byline, Markdown and front matter). A new layout is one module here,
listed in `LAYOUTS`, plus its fixtures.

HTML layouts live here too (`ao3_download`, `ao3_page`, `ffnet`, `efiction`,
`fanficfare_html`, `livejournal`, `wordpress`, and the fallback `article`): each has
`NAME`, `detect(tree) -> float` and `extract(tree, source_name) -> RawStory` on a parsed
page, and `bot.library.parse.html.LAYOUTS` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.library.parse.layouts import (
    efiction_text,
    fanficfare_txt,
    ffnet_text,
    livejournal_text,
    usenet,
    wordpress_text,
)
from bot.library.parse.layouts.generic import detecting, read
from bot.library.parse.raw import RawStory

THRESHOLD = 0.5
HEAD_CHARS = 6000  # layouts detect on the file's start (and `tail` on its end)


@dataclass(frozen=True, slots=True)
class TextLayout:
    name: str
    detect: Callable[[str, str], float]
    extract: Callable[[str, str], RawStory]


LAYOUTS: tuple[TextLayout, ...] = tuple(
    TextLayout(module.LAYOUT, module.detect, module.extract)
    for module in (
        fanficfare_txt,
        usenet,
        ffnet_text,
        efiction_text,
        livejournal_text,
        wordpress_text,
    )
)


def choose(text: str, source_name: str) -> tuple[TextLayout | None, float]:
    """The most confident layout for `text` (None: the generic reader)."""
    best: TextLayout | None = None
    best_score = 0.0
    with detecting(text):  # the layouts' sign words looked for once, not once per layout
        for layout in LAYOUTS:
            score = layout.detect(text, source_name)
            if score > best_score:
                best, best_score = layout, score
    if best_score < THRESHOLD:
        return None, best_score
    return best, best_score


def parse_text_layout(text: str, source_name: str) -> RawStory:
    """A text file -> `RawStory` through the layout that recognises it."""
    layout, _ = choose(text, source_name)
    if layout is None:
        return read(text, source_name)
    return layout.extract(text, source_name)


__all__ = ["LAYOUTS", "THRESHOLD", "TextLayout", "choose", "parse_text_layout"]
