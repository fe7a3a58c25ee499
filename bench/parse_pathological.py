"""Pathological HTML: 10 MiB pages that are deeply nested or one giant line must be parsed
(or refused) within 10 s, parse time growing linearly with size.

Cases (each about --mib MiB): 200k nested `<div>`s each opening with a sentence; the same
with no end tags; nested `<blockquote>`/`<section>`; nested tables; 200k nested `<b>`/`<i>`;
one 10 MiB line of text in one `<p>`; one line of 500k `<span>`s. A half-size copy of each
case is timed as well, so the ratio shows whether time grows linearly (ratio ≈ 2).

    .venv/bin/python bench/parse_pathological.py            # 10 MiB, median of 3
    .venv/bin/python bench/parse_pathological.py --mib 2 --runs 1
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.library.errors import StoryRejected  # noqa: E402
from bot.library.parse import parse_story  # noqa: E402

SENTENCE = "The slayer walked on through the night, stake in hand. "


def _repeat(unit: str, size: int, head: str = "", tail_unit: str = "") -> str:
    n = max(1, size // (len(unit) + len(tail_unit)))
    return f"<html><body>{head}{unit * n}{tail_unit * n}</body></html>"


CASES: dict[str, Callable[[int], str]] = {
    "nested div": lambda size: _repeat(f"<div class='x'>{SENTENCE}", size, tail_unit="</div>"),
    "unclosed div": lambda size: _repeat(f"<div>{SENTENCE}", size),
    "nested blockquote/section": lambda size: _repeat(
        f"<blockquote><section>{SENTENCE}", size, tail_unit="</section></blockquote>"
    ),
    "nested table": lambda size: _repeat(
        f"<table><tr><td>{SENTENCE}", size, tail_unit="</td></tr></table>"
    ),
    "nested b/i": lambda size: _repeat(f"<b><i>{SENTENCE}", size, tail_unit="</i></b>"),
    "one giant line": lambda size: _repeat(SENTENCE, size, head="<p>"),
    "one line of spans": lambda size: _repeat("<span>word</span> ", size, head="<p>"),
}


def _time(data: bytes, runs: int) -> tuple[float, float, str]:
    """(median wall s, median CPU s of this process, outcome)."""
    times, cpu = [], []
    outcome = ""
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            story = parse_story(data, "page.html")
            outcome = f"parsed, {story.words:,} words"
        except StoryRejected as err:
            outcome = f"refused: {err}"
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu), outcome


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mib", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    size = int(args.mib * 1024 * 1024) - 64
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out = sys.stdout
    out.write(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, ")
    out.write(f"Python {platform.python_version()}, load average {load:.2f}\n\n")
    out.write("| case | size | median s | CPU s | half size s | ratio | outcome |\n")
    out.write("| --- | --- | --- | --- | --- | --- | --- |\n")
    worst = 0.0
    for name, make in CASES.items():
        data = make(size).encode()
        half = make(size // 2).encode()
        t_full, cpu_full, outcome = _time(data, args.runs)
        t_half, _, _ = _time(half, args.runs)
        worst = max(worst, t_full)
        ratio = t_full / t_half if t_half else float("nan")
        out.write(
            f"| {name} | {len(data) / 2**20:.1f} MiB | {t_full:.2f} | {cpu_full:.2f} "
            f"| {t_half:.2f} "
            f"| {ratio:.1f} | {outcome[:60]} |\n"
        )
    end_load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out.write(f"\nslowest: {worst:.2f} s (limit 10 s); load average at end {end_load:.2f}\n")
    return 0 if worst < 10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
