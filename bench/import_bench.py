"""Import benchmark: MB/s for parsing alone and for parse + store into a fresh SQLite file.

Generates a deterministic synthetic library (default 2,600 stories, > 100 MB) in eight
layouts — label-header .txt, byline .txt, AO3 "Download → HTML", FanFiction.net chapter
pages, Markdown with YAML front matter, Windows-1252 label-header .txt, FanFicFare .txt
exports and old archive pages (a label table above the story text, site chrome) — under
bench/out/ (git-ignored), then times, over several runs (medians reported):

  * parse, 1 process          — parse_story over every file, bytes already in memory
  * parse, N processes        — the same over a process pool (results not sent back)
  * store only                — what a bulk import's writer does with already-parsed
                                stories: prepare_story, then Store.import_prepared_many in
                                batches (each story whole or absent), one process
  * parse + store             — bulk_import (what `storybot import` runs): N parser
                                processes read, parse and prepare; the writer stores
                                batches of stories, one transaction each

MB = 10^6 bytes of input files. Prints a Markdown table.

    .venv/bin/python bench/import_bench.py            # full run
    .venv/bin/python bench/import_bench.py --quick    # small library, one run (a test runs it)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.library.parse import parse_story  # noqa: E402
from bot.library.store import Store  # noqa: E402
from bot.library.store.bulk import (  # noqa: E402
    BATCH_STORIES,
    ImportReport,
    bulk_import,
    collect,
    make_pool,
)
from bot.library.store.prepare import prepare_story  # noqa: E402

LAYOUTS = (
    "header-txt",
    "byline-txt",
    "ao3-html",
    "ffnet-html",
    "front-matter-md",
    "cp1252-txt",
    "fanficfare-txt",
    "archive-page-html",
)
GENERATOR_VERSION = 4

_VOCABULARY = (
    "the a and to of in was she he it that her his with for on as at but had not they said "
    "be by from this have were you all one what when there so out up if about into would "
    "could over then now only back just him like more down some time night eyes hand away "
    "know think felt looked turned still never again something before after while through "
    "dark light door room voice head face moment long last other first little against "
    "stake crypt cemetery patrol library magic spell slayer vampire demon watcher blood "
    "sunlight window street coat cigarette kiss smile quiet cold warm heart words breath "
    "rain shadow morning evening promise remember forget whisper answer question silence "
    "walked stopped reached pulled waited watched laughed sighed wanted needed tried held"
)
_WORDS = tuple(_VOCABULARY.split())
_NAMES = ("Buffy", "Spike", "Willow", "Xander", "Giles", "Angel", "Dawn", "Tara", "Anya", "Faith")
_SHIPS = (
    ("Buffy Summers", "Spike"),
    ("Angel", "Buffy Summers"),
    ("Tara Maclay", "Willow Rosenberg"),
    ("Spike", "Xander Harris"),
    ("Buffy Summers", "Faith Lehane"),
)
_SHORT = {
    "Buffy Summers": "Buffy",
    "Spike": "Spike",
    "Angel": "Angel",
    "Tara Maclay": "Tara",
    "Willow Rosenberg": "Willow",
    "Xander Harris": "Xander",
    "Faith Lehane": "Faith",
}
_RATINGS = {  # layout style -> declared ratings to draw from
    "old": ("G", "PG", "PG-13", "R", "NC-17"),
    "ao3": ("General Audiences", "Teen And Up Audiences", "Mature", "Explicit"),
    "ffn": ("K", "K+", "T", "M"),
}
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII")


@dataclass
class Story:
    title: str
    author: str
    ship: tuple[str, str]
    summary: str
    chapters: list[tuple[str, list[str]]]  # (chapter title, paragraphs)
    rating_index: int


def _sentence(rng: random.Random, fancy: bool) -> str:
    words = rng.choices(_WORDS, k=rng.randint(6, 18))
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = rng.choice(_NAMES)
    text = " ".join(words)
    text = text[0].upper() + text[1:] + rng.choice((".", ".", ".", "?", "!"))
    if rng.random() < 0.25:
        q = ("\u201c", "\u201d") if fancy else ('"', '"')
        text = f"{q[0]}{text}{q[1]} {rng.choice(_NAMES)} said."
    if fancy and rng.random() < 0.1:
        text = text.replace(" it ", " it\u2019s ", 1) + " And then\u2026 nothing \u2014 again."
    return text


def _paragraph(rng: random.Random, fancy: bool) -> str:
    return " ".join(_sentence(rng, fancy) for _ in range(rng.randint(2, 7)))


def make_story(rng: random.Random, index: int, fancy: bool, one_chapter: bool) -> Story:
    n_chapters = 1 if one_chapter else rng.choice((1, 1, 2, 3, 4, 5, 6, 8, 10, 12))
    words_target = int(rng.lognormvariate(8.6, 0.6))  # median ≈ 5,400 words
    per_chapter = max(300, words_target // n_chapters)
    chapters = []
    for c in range(n_chapters):
        paragraphs, words = [], 0
        while words < per_chapter:
            p = _paragraph(rng, fancy)
            paragraphs.append(p)
            words += p.count(" ") + 1
        title = " ".join(rng.choices(_WORDS[60:], k=rng.randint(1, 3))).title()
        chapters.append((title if rng.random() < 0.7 else "", paragraphs))
        del c
    title = " ".join(rng.choices(_WORDS[40:], k=rng.randint(2, 4))).title() + f" {index}"
    author = f"{rng.choice(_WORDS[60:])}_{rng.choice(_NAMES).lower()}{rng.randint(1, 999)}"
    return Story(
        title=title,
        author=author,
        ship=rng.choice(_SHIPS),
        summary=_paragraph(rng, fancy),
        chapters=chapters,
        rating_index=rng.randrange(4),
    )


def _chapter_heading(number: int, title: str) -> str:
    return f"Chapter {number}: {title}" if title else f"Chapter {number}"


def render_header_txt(s: Story, nl: str = "\n") -> str:
    a, b = s.ship
    lines = [
        f"Title: {s.title}",
        f"Author: {s.author}",
        f"Rating: {_RATINGS['old'][s.rating_index + 1]}",
        f"Pairing: {_SHORT[a]}/{_SHORT[b]}",
        f"Summary: {s.summary}",
        "Disclaimer: The characters belong to Joss Whedon and Mutant Enemy.",
        "",
    ]
    for i, (title, paragraphs) in enumerate(s.chapters, start=1):
        if len(s.chapters) > 1:
            lines += ["", _chapter_heading(i, title), ""]
        lines += [p + nl for p in paragraphs]
    return nl.join(lines) + nl


def render_byline_txt(s: Story) -> str:
    parts = [s.title, f"by {s.author}", s.summary]
    for i, (_, paragraphs) in enumerate(s.chapters, start=1):
        if len(s.chapters) > 1:
            parts.append(f"Part {_ROMAN[i - 1]}")
        parts += paragraphs
    return "\n\n".join(parts) + "\n"


def render_fanficfare_txt(s: Story) -> str:
    """FanFicFare's .txt export: title page, table of contents, TAB-introduced chapters,
    lines wrapped at 78 columns, CRLF line ends, "End file." (fanficfare/writers/)."""
    a, b = s.ship
    titles = [_chapter_heading(i, t) for i, (t, _) in enumerate(s.chapters, start=1)]
    head = [
        "",
        "",
        s.title,
        "",
        f"by {s.author}",
        "",
        "",
        "Category: Buffy: The Vampire Slayer",
        "Genre: Romance, Angst",
        "Language: English",
        f"Relationships: {a}/{b}",
        "Status: Completed",
        f"Rating: {_RATINGS['ao3'][s.rating_index]}",
        f"Chapters: {len(s.chapters)}",
        "Publisher: archiveofourown.org",
        *textwrap.wrap(f"Summary: {s.summary}", 78),
        "",
        "",
        "TABLE OF CONTENTS",
        "",
    ]
    for title in titles:
        head += ["", title]
    lines = [*head, ""]
    for title, (_, paragraphs) in zip(titles, s.chapters, strict=True):
        lines += ["", "", f"\t{title}", ""]
        for p in paragraphs:
            lines += [*textwrap.wrap(p, 78), ""]
    lines += ["", "End file.", ""]
    return "\r\n".join(lines)


def render_front_matter_md(s: Story) -> str:
    a, b = s.ship
    head = [
        "---",
        f'title: "{s.title}"',
        f"author: {s.author}",
        f"rating: {_RATINGS['ao3'][s.rating_index]}",
        f"pairing: {a}/{b}",
        f'summary: "{s.summary}"',
        "---",
        "",
        f"# {s.title}",
        "",
    ]
    body = []
    for i, (title, paragraphs) in enumerate(s.chapters, start=1):
        if len(s.chapters) > 1:
            body += [f"## {_chapter_heading(i, title)}", ""]
        for p in paragraphs:
            body += [p.replace(" night ", " *night* ", 1), ""]
    return "\n".join(head + body)


def _ao3_tag(name: str) -> str:
    return f'<a href="http://archiveofourown.org/tags/{escape(name)}/works">{escape(name)}</a>'


def render_ao3_html(s: Story, work_id: int) -> str:
    a, b = s.ship
    n = len(s.chapters)
    t = escape(s.title)
    meta = [
        ("Rating:", _ao3_tag(_RATINGS["ao3"][s.rating_index])),
        ("Archive Warning:", _ao3_tag("No Archive Warnings Apply")),
        ("Fandom:", _ao3_tag("Buffy the Vampire Slayer (TV)")),
        ("Relationship:", _ao3_tag(f"{a}/{b}")),
        ("Character:", f"{_ao3_tag(a)}, {_ao3_tag(b)}"),
        ("Additional Tags:", f"{_ao3_tag('Angst')}, {_ao3_tag('Slow Burn')}"),
        ("Language:", "English"),
        ("Stats:", f"Published: 2021-05-01 Words: 1,000 Chapters: {n}/{n}"),
    ]
    out = [
        "<!DOCTYPE html>\n<html>\n<head>",
        '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/>',
        f"<title>{t} - {escape(s.author)} - Buffy the Vampire Slayer (TV) "
        "[Archive of Our Own]</title>\n</head>\n<body>",
        '<div id="preface">\n<p class="message">',
        f"<b>{t}</b><br/>",
        'Posted originally on the <a href="http://archiveofourown.org/">Archive of Our Own</a>'
        f' at <a href="http://archiveofourown.org/works/{work_id}">'
        f"http://archiveofourown.org/works/{work_id}</a>.\n</p>",
        '<div class="meta">\n<dl class="tags">',
    ]
    for dt, dd in meta:
        out.append(f"<dt>{dt}</dt>\n<dd>{dd}</dd>")
    out += [
        "</dl>",
        f"<h1>{t}</h1>",
        '<div class="byline">by <a rel="author" href="http://archiveofourown.org/users/'
        f'{escape(s.author)}/pseuds/{escape(s.author)}">{escape(s.author)}</a></div>',
        "<p>Summary</p>",
        f'<blockquote class="userstuff"><p>{escape(s.summary)}</p></blockquote>',
        "</div>\n</div>",
        '<div id="chapters" class="userstuff">',
    ]
    for i, (title, paragraphs) in enumerate(s.chapters, start=1):
        if n > 1:
            out.append(
                '<div class="meta group">'
                f'<h2 class="heading">{escape(_chapter_heading(i, title))}</h2></div>'
            )
        out.append('<div class="userstuff">')
        out += [f"<p>{escape(p)}</p>" for p in paragraphs]
        out.append("</div>")
    out += [
        "</div>",
        '<div id="afterword"><p class="message">Please '
        f'<a href="http://archiveofourown.org/works/{work_id}#comments">drop by the archive '
        "and comment</a> to let the creator know if you enjoyed their work!</p></div>",
        "</body>\n</html>\n",
    ]
    return "\n".join(out)


def render_ffnet_html(s: Story, story_id: int) -> str:
    a, b = s.ship
    _, paragraphs = s.chapters[0]
    t = escape(s.title)
    words = sum(p.count(" ") + 1 for p in paragraphs)
    rating = _RATINGS["ffn"][s.rating_index]
    return "\n".join(
        [
            "<!DOCTYPE html>\n<html>\n<head>\n<meta charset='utf-8'>",
            f"<title>{t} Chapter 1, a buffy: the vampire slayer fanfic | FanFiction</title>",
            f'<link rel="canonical" href="https://www.fanfiction.net/s/{story_id}/1/">',
            "</head>\n<body>",
            '<div id="top"><div class="menulink"><a href="/">FanFiction</a> | unleash your '
            'imagination</div><a href="/login.php">Login</a> | <a href="/signup.php">Sign Up</a>'
            "</div>",
            '<div id="content_wrapper"><div id="content_wrapper_inner">',
            '<div id="profile_top" class="lc-wrapper">',
            f'<b class="xcontrast_txt">{t}</b>',
            f'<span class="xcontrast_txt">By:</span> <a class="xcontrast_txt" href="/u/{story_id}/'
            f'{escape(s.author)}">{escape(s.author)}</a>',
            f'<div style="margin-top:2px" class="xcontrast_txt">{escape(s.summary)}</div>',
            '<span class="xgray xcontrast_txt">Rated: <a class="xcontrast_txt" '
            f'href="https://www.fictionratings.com/" target="rating">Fiction  {rating}</a> - '
            f"English - Romance/Angst - [{_SHORT[a]} S., {_SHORT[b]}] - Words: {words:,} - "
            f"Reviews: 3 - Favs: 5 - Follows: 8 - Published: 5/2/2014 - Status: Complete - "
            f"id: {story_id} </span>",
            "</div>",
            '<div class="storytext xcontrast_txt nocopy" id="storytext">',
            *(f"<p>{escape(p)}</p>" for p in paragraphs),
            "</div>",
            '<div id="review"><textarea placeholder="Review this chapter"></textarea></div>',
            "</div></div>\n</body>\n</html>\n",
        ]
    )


def render_archive_page_html(s: Story, story_id: int) -> str:
    """An old archive's story page: site navigation, the story's label block in a table
    above (outside) the element holding the text, a comment form and a footer."""
    a, b = s.ship
    _, paragraphs = s.chapters[0]
    t = escape(s.title)
    rating = _RATINGS["old"][s.rating_index]
    rows = (
        ("Title", t),
        ("Author", escape(s.author)),
        ("Rating", rating),
        ("Pairing", f"{escape(_SHORT[a])}/{escape(_SHORT[b])}"),
        ("Summary", escape(s.summary)),
    )
    return "\n".join(
        [
            "<html>\n<head><meta charset='utf-8'>",
            f"<title>Moonlit Crypts Archive :: {t}</title>\n</head>",
            '<body bgcolor="#000000">',
            '<div class="topnav"><a href="/">Home</a> | <a href="/authors.html">Authors</a> | '
            '<a href="/new.html">What\'s New</a> | <a href="/submit.html">Submit</a></div>',
            '<table class="info" cellpadding="3">',
            *(f"<tr><td><b>{k}:</b></td><td>{v}</td></tr>" for k, v in rows),
            "</table>\n<hr>",
            f'<div class="storybody" id="s{story_id}">',
            *(f"<p>{escape(p)}</p>" for p in paragraphs),
            "</div>\n<hr>",
            '<div class="feedback"><form action="/feedback.php"><textarea name="msg"></textarea>'
            '<input type="submit" value="Send feedback"></form></div>',
            '<div class="footer">Moonlit Crypts is a non-profit fan archive.</div>',
            "</body>\n</html>\n",
        ]
    )


def generate(folder: Path, *, stories: int, seed: int) -> dict:
    """Write the synthetic library (reused when the manifest matches); return the manifest."""
    manifest_path = folder / "manifest.json"
    wanted = {"version": GENERATOR_VERSION, "stories": stories, "seed": seed}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if {k: manifest.get(k) for k in wanted} == wanted:
            return manifest
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    files = {}
    for i in range(stories):
        layout = LAYOUTS[i % len(LAYOUTS)]
        one = layout in ("ffnet-html", "archive-page-html")
        story = make_story(rng, i, fancy=layout == "cp1252-txt", one_chapter=one)
        name = f"{i:05d}_{layout}"
        if layout == "header-txt":
            data = render_header_txt(story, "\r\n" if i % 4 == 0 else "\n").encode("utf-8")
            name += ".txt"
        elif layout == "byline-txt":
            data, name = render_byline_txt(story).encode("utf-8"), name + ".txt"
        elif layout == "ao3-html":
            data, name = render_ao3_html(story, 10_000_000 + i).encode("utf-8"), name + ".html"
        elif layout == "ffnet-html":
            data, name = render_ffnet_html(story, 5_000_000 + i).encode("utf-8"), name + ".html"
        elif layout == "archive-page-html":
            data = render_archive_page_html(story, 7_000_000 + i).encode("utf-8")
            name += ".html"
        elif layout == "fanficfare-txt":
            data, name = render_fanficfare_txt(story).encode("utf-8"), name + ".txt"
        elif layout == "front-matter-md":
            data, name = render_front_matter_md(story).encode("utf-8"), name + ".md"
        else:
            data, name = render_header_txt(story, "\r\n").encode("cp1252"), name + ".txt"
        (folder / name).write_bytes(data)
        files[name] = {"layout": layout, "chapters": len(story.chapters), "title": story.title}
    manifest = {**wanted, "files": files}
    manifest_path.write_text(json.dumps(manifest))
    return manifest


# ---------------------------------------------------------------- timing


def _parse_only(item: tuple[str, bytes]) -> int:
    name, data = item
    try:
        return len(parse_story(data, name).chapters)
    except Exception:
        return -1


async def _store_only(db: Path, stories: list, cpu: dict[str, list[float]]) -> None:
    """What the writer of a bulk import does, in one process: prepare each parsed story
    (done by the parser processes in a bulk import), then write them in batches."""
    start = time.process_time()
    prepared = [prepare_story(story, name) for name, story in stories]
    cpu["prepare"].append(time.process_time() - start)
    start = time.process_time()
    store = await Store.open(db)
    try:
        for i in range(0, len(prepared), BATCH_STORIES):
            batch = prepared[i : i + BATCH_STORIES]
            for result in await store.stories.import_prepared_many(1, batch, actor_id=None):
                assert not isinstance(result, Exception), result
    finally:
        await store.close()
    cpu["write"].append(time.process_time() - start)


async def _parse_and_store(db: Path, folder: Path, jobs: int, pool) -> ImportReport:
    entries, _ = collect([folder])
    store = await Store.open(db)
    try:
        return await bulk_import(store, 1, entries, jobs=jobs, executor=pool)
    finally:
        await store.close()


async def _stored(db: Path) -> list:
    """What the last parse + store run stored (read after the timing)."""
    store = await Store.open(db)
    try:
        rows, _ = await store.listings.list_stories(1, limit=None)
    finally:
        await store.close()
    return rows


class Timings:
    """Wall time and this process's CPU time (all its threads) of each run of each stage."""

    def __init__(self) -> None:
        self.runs: dict[str, tuple[list[float], list[float]]] = {}

    @contextmanager
    def measure(self, label: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        walls, cpus = self.runs.setdefault(label, ([], []))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)


def _fresh(db: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    nproc = len(os.sched_getaffinity(0))
    return (
        f"{nproc} CPUs (nproc), {cpu}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small library, one run")
    ap.add_argument("--stories", type=int, default=None)
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=None, help="parser processes (default 2)")
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "import")
    args = ap.parse_args(argv)
    stories = args.stories or (36 if args.quick else 2600)
    runs = args.runs or (1 if args.quick else 3)
    jobs = args.jobs or (1 if args.quick else 2)

    folder = args.out / f"library-{stories}"
    load_start = os.getloadavg()[0]
    t0 = time.perf_counter()
    manifest = generate(folder, stories=stories, seed=args.seed)
    gen_s = time.perf_counter() - t0
    entries, _ = collect([folder])
    items = [(e.file_name, e.path.read_bytes()) for e in entries if e.path.suffix != ".json"]
    total = sum(len(d) for _, d in items)
    mb = total / 1e6
    print(f"library: {len(items)} files, {mb:.1f} MB in {folder} (generated in {gen_s:.1f} s)")
    print(f"layouts: {dict(Counter(v['layout'] for v in manifest['files'].values()))}")

    times = Timings()
    parsed: list = []
    layout_of = {name: v["layout"] for name, v in manifest["files"].items()}
    by_layout: dict[str, list[float]] = {}  # layout -> [seconds, bytes] in the last run
    for _ in range(runs):
        by_layout = {layout: [0.0, 0] for layout in LAYOUTS}
        parsed = []
        with times.measure("parse, 1 process"):
            for name, data in items:
                one = time.perf_counter()
                try:
                    parsed.append((name, parse_story(data, name)))
                except Exception as err:
                    parsed.append((name, err))
                cell = by_layout[layout_of[name]]
                cell[0] += time.perf_counter() - one
                cell[1] += len(data)
    ok_parsed = [(n, s) for n, s in parsed if not isinstance(s, Exception)]

    pool = make_pool(jobs) if jobs > 1 else None
    try:
        if pool is not None:
            list(pool.map(_parse_only, items[: jobs * 2]))  # start and warm the workers
            for _ in range(runs):
                with times.measure(f"parse, {jobs} processes"):
                    list(pool.map(_parse_only, items, chunksize=4))
        db = args.out / "bench.db"
        store_cpu: dict[str, list[float]] = {"prepare": [], "write": []}
        for _ in range(runs):
            _fresh(db)
            with times.measure(f"store only (prepare + write, batches of {BATCH_STORIES})"):
                asyncio.run(_store_only(db, ok_parsed, store_cpu))
        report = None
        for _ in range(runs):
            _fresh(db)
            label = f"parse + store (`bulk_import`, {jobs} parser process{'es' * (jobs > 1)})"
            with times.measure(label):
                report = asyncio.run(_parse_and_store(db, folder, jobs, pool))
        stored = asyncio.run(_stored(db))
    finally:
        if pool is not None:
            pool.shutdown()

    db_mb = db.stat().st_size / 1e6
    print()
    print(f"Machine: {machine()}")
    print(f"Command: python bench/import_bench.py{' --quick' if args.quick else ''}")
    print(f"Input: {len(items)} files, {mb:.1f} MB; {runs} run(s), medians\n")
    print("| stage | median s | MB/s | main-process CPU s | runs (s) |")
    print("|---|---:|---:|---:|---|")
    for label, (walls, cpus) in times.runs.items():
        med = statistics.median(walls)
        shown = ", ".join(f"{v:.2f}" for v in walls)
        print(f"| {label} | {med:.2f} | {mb / med:.1f} | {statistics.median(cpus):.2f} | {shown} |")
    parse_cpu = statistics.median(times.runs["parse, 1 process"][1])
    prepare_cpu = statistics.median(store_cpu["prepare"])
    write_cpu = statistics.median(store_cpu["write"])
    print(
        f"\nCPU per MB (medians): parse {parse_cpu / mb * 1000:.1f} ms, prepare "
        f"{prepare_cpu / mb * 1000:.1f} ms, write {write_cpu / mb * 1000:.1f} ms."
    )
    print(f"Load average (1 min) at start {load_start:.2f}, at end {os.getloadavg()[0]:.2f}.")
    print()
    print("| layout (parse, 1 process, last run) | MB | MB/s |")
    print("|---|---:|---:|")
    for layout, (seconds, size) in by_layout.items():
        print(f"| {layout} | {size / 1e6:.1f} | {size / 1e6 / seconds:.1f} |")
    assert report is not None and stored is not None
    by_title = {r.title: r.chapter_count for r in stored}
    right = sum(1 for v in manifest["files"].values() if by_title.get(v["title"]) == v["chapters"])
    print()
    print(
        f"Stored {report.imported} stories ({len(report.added)} added), "
        f"{len(report.rejected)} rejected; database {db_mb:.1f} MB. "
        f"Title and chapter count as generated: {right}/{len(manifest['files'])}."
    )
    for name, reason in report.rejected[:5]:
        print(f"  rejected {name}: {reason}")
    return 0 if report.imported else 1


if __name__ == "__main__":
    sys.exit(main())
