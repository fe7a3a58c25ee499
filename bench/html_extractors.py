"""Main-content extractors compared on the HTML fixtures: readability-lxml (the one the
article layout uses) and trafilatura (optional, `pip install trafilatura` to compare).

For every fixture page with an expected JSON (tests/fixtures/html/*.json, not refusals):
time per page (median of --runs) and quality — does the extracted text hold the story's
first and last words (`body_starts` / `body_ends`) and none of the site chrome listed in
`body_excludes`?

    .venv/bin/python bench/html_extractors.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.library.parse.html import decode_html  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "html"


def _readability(page: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(page).summary(html_partial=True)
    return " ".join(lxml.html.fromstring(summary).text_content().split())


def _trafilatura(page: str) -> str:
    import trafilatura

    return " ".join((trafilatura.extract(page, include_comments=False) or "").split())


def _available() -> dict[str, Callable[[str], str]]:
    out: dict[str, Callable[[str], str]] = {"readability-lxml": _readability}
    try:
        import trafilatura  # noqa: F401

        out["trafilatura"] = _trafilatura
    except ImportError:
        pass
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    cases = []
    for path in sorted(FIXTURES.glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        if "story" in expected:
            page, _ = decode_html(path.with_suffix(".html").read_bytes())
            cases.append((path.stem, page, expected["story"]))
    out = sys.stdout
    out.write("| extractor | pages | story start kept | story end kept | chrome-free | ms/page |\n")
    out.write("| --- | ---: | ---: | ---: | ---: | ---: |\n")
    for name, extract in _available().items():
        starts = ends = clean = 0
        times: list[float] = []
        for _stem, page, story in cases:
            per = []
            for _ in range(args.runs):
                t = time.perf_counter()
                text = extract(page)
                per.append(time.perf_counter() - t)
            times.append(statistics.median(per))
            starts += " ".join(story["body_starts"].split())[:40] in text
            ends += " ".join(story["body_ends"].split())[-40:] in text
            clean += not any(x in text for x in story.get("body_excludes", []))
        n = len(cases)
        ms = 1000 * statistics.mean(times)
        out.write(f"| {name} | {n} | {starts}/{n} | {ends}/{n} | {clean}/{n} | {ms:.1f} |\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
