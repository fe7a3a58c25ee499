"""Formats benchmark: parse throughput of the containers and legacy encodings added for
issue 7 (.docx, .odt, .rtf, EPUB with navigation and front matter, Mac Roman and
ISO-8859-15 text, a quoted-printable Usenet post), each against plain UTF-8 text of the
same stories measured in the same run (the baseline).

Every file is generated here from the same synthetic stories (no stored samples). MB/s is
story-text MB (10^6 bytes of the UTF-8 story text) per second of `parse_story`, so the
formats compare on the same work; the container's own size is shown too. Medians of
`--runs` runs, one process, after one untimed warm-up parse per format.

    .venv/bin/python bench/formats_bench.py            # 60 stories of ~40 kB, 3 runs
    .venv/bin/python bench/formats_bench.py --quick    # a few stories, one run
"""

from __future__ import annotations

import argparse
import os
import platform
import quopri
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.library.parse import parse_story  # noqa: E402
from tests.library.documents import build_docx, build_odt, build_rtf  # noqa: E402
from tests.library.test_parse_epub import build_epub, xhtml  # noqa: E402

_PROSE = (
    "the night was long and the rain kept falling on the old café roof while she waited "
    "for him to say something anything at all about the letter he had never sent naïve "
    "déjà vu crème brûlée señor it’s “quoted” — dashes … and more words go here again"
)
WORDS = _PROSE.split(" ")


def story(rng: random.Random, n: int, chapters: int, paragraphs: int) -> dict:
    def para() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90))).capitalize() + "."

    return {
        "title": f"Bench Story {n}",
        "author": f"Writer {n % 17}",
        "chapters": [
            (f"Chapter {c}: Part {c}", [para() for _ in range(paragraphs)])
            for c in range(1, chapters + 1)
        ],
    }


def as_text(s: dict, newline: str = "\n") -> str:
    lines = [f"Title: {s['title']}", f"Author: {s['author']}", "Rating: PG-13", ""]
    for heading, paras in s["chapters"]:
        lines += ["", heading, ""]
        for p in paras:
            lines += [p, ""]
    return newline.join(lines)


def as_blocks(s: dict) -> list[list]:
    blocks: list[list] = [
        ["title", s["title"]],
        ["p", f"Author: {s['author']}"],
        ["p", "Rating: PG-13"],
    ]
    for heading, paras in s["chapters"]:
        blocks.append(["heading1", heading])
        blocks.extend(["p", p] for p in paras)
    return blocks


def as_epub(s: dict) -> bytes:
    n = len(s["chapters"])
    items = "".join(
        f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>' for i in range(n)
    )
    refs = "".join(f'<itemref idref="c{i}"/>' for i in range(n))
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{s['title']}</dc:title><dc:creator>{s['author']}</dc:creator></metadata>"
        '<manifest><item id="nav" href="nav.xhtml" properties="nav" '
        'media-type="application/xhtml+xml"/>'
        '<item id="t" href="title.xhtml" media-type="application/xhtml+xml"/>'
        f'{items}</manifest><spine><itemref idref="t"/><itemref idref="nav"/>{refs}</spine>'
        "</package>"
    )
    nav = "".join(
        f'<li><a href="c{i}.xhtml">{h}</a></li>' for i, (h, _) in enumerate(s["chapters"])
    )
    files: dict[str, str | bytes] = {
        "OEBPS/content.opf": opf,
        "OEBPS/nav.xhtml": xhtml(f'<nav epub:type="toc"><ol>{nav}</ol></nav>'),
        "OEBPS/title.xhtml": xhtml(
            f"<h1>{s['title']}</h1><p>{s['author']}</p><p>Rating: PG-13</p>"
        ),
    }
    for i, (_, paras) in enumerate(s["chapters"]):
        files[f"OEBPS/c{i}.xhtml"] = xhtml("".join(f"<p>{p}</p>" for p in paras))
    return build_epub(files, opf_path="OEBPS/content.opf")


def as_usenet_qp(s: dict) -> bytes:
    head = (
        f"From: {s['author']} <w@example.invalid>\nNewsgroups: alt.fan.bench\n"
        f"Subject: [FIC] {s['title']}\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n"
    )
    return head.encode() + quopri.encodestring(as_text(s).encode())


FORMATS = {
    "utf-8 .txt (baseline)": (".txt", lambda s: as_text(s).encode()),
    "Mac Roman .txt, CR line ends": (".txt", lambda s: as_text(s, "\r").encode("mac_roman")),
    "ISO-8859-15 .txt": (".txt", lambda s: as_text(s).encode("iso8859_15", "replace")),
    "Usenet post, quoted-printable": (".txt", as_usenet_qp),
    ".docx": (".docx", lambda s: build_docx(as_blocks(s))),
    ".odt": (".odt", lambda s: build_odt(as_blocks(s))),
    ".rtf": (".rtf", lambda s: build_rtf(as_blocks(s))),
    "EPUB 3 (nav, title page)": (".epub", as_epub),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stories", type=int, default=60)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.stories, args.runs = 4, 1
    rng = random.Random(7)
    stories = [story(rng, n, chapters=6, paragraphs=10) for n in range(args.stories)]
    text_mb = sum(len(as_text(s).encode()) for s in stories) / 1e6
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{args.stories} stories, {text_mb:.2f} MB of story text, {args.runs} run(s)\n")
    print("| format | file MB | median s | text MB/s | vs baseline |")
    print("|---|---|---|---|---|")
    baseline = None
    for name, (ext, build) in FORMATS.items():
        files = [build(s) for s in stories]
        parse_story(files[0], f"warm{ext}")  # imports and caches are not timed
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            for i, data in enumerate(files):
                parsed = parse_story(data, f"story{i}{ext}")
                assert parsed.chapters, name
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        rate = text_mb / median
        baseline = baseline or rate
        size = sum(len(f) for f in files) / 1e6
        print(f"| {name} | {size:.2f} | {median:.2f} | {rate:.1f} | {rate / baseline:.2f}× |")


if __name__ == "__main__":
    main()
