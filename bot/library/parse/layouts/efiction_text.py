"""An eFiction archive page copied as text: "[Reviews - 7]", "Table of Contents",
"Report This", "Story Notes:", "Author's Chapter Notes:", "Rated: NC-17 Adults Only",
"Categories:", "Completed: Yes", "You must login (register) to review." The chrome lines
are data (data/boilerplate.toml); the fields go through the shared vocabulary."""

from __future__ import annotations

import re

from bot.library.parse.layouts.generic import read, signs_at
from bot.library.parse.raw import RawStory

LAYOUT = "efiction-text"
_SIGNS = (
    ("reviews", re.compile(r"^\s*\[\s*reviews?\s*-\s*\d+\s*\]\s*$", re.I | re.M), 0.3),
    ("you must login", re.compile(r"you must login \(register\) to review", re.I), 0.3),
    (
        "notes:",
        re.compile(r"^\s*(?:story notes|author'?s chapter notes|chapter end notes):", re.I | re.M),
        0.2,
    ),
    (("report this", "printer"), re.compile(r"^\s*(?:report this|printer)\s*$", re.I | re.M), 0.15),
    ("categories:", re.compile(r"^\s*categories:\s", re.I | re.M), 0.1),
    ("completed:", re.compile(r"^\s*completed:\s*(?:yes|no)\b", re.I | re.M), 0.15),
)


def detect(text: str, source_name: str) -> float:
    return signs_at(text, _SIGNS, 8000, 3000)


_CATEGORIES = re.compile(
    r"^\s*(?:categories|category|catégories|catégorie)\s*:\s*(?P<value>.+?)\s*$", re.I | re.M
)


def extract(text: str, source_name: str) -> RawStory:
    raw = read(text, source_name, LAYOUT)
    # eFiction's "Categories" name the fandom on a multi-fandom archive: fandom
    # candidates, as on the HTML pages ([site_labels.efiction]), not plain tags
    m = _CATEGORIES.search(text[:8000])
    if m:
        for tag in list(raw.tags):
            if tag in m.group("value") and "/" not in tag:
                raw.tags.remove(tag)
                raw.fandom_candidates.append(tag)
    return raw
