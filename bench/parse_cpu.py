"""Parse CPU per MB, per layout, of the import bench's library — for before/after work.

The machine is shared, so wall-clock MB/s move with the load; the process CPU time of
`parse_story` per MB of input does not (much). This parses every file of the import
bench's generated library (`bench/import_bench.py`'s generator, same seed) in one
process, `--rounds` times, and prints the lowest CPU ms/MB of the whole library and of
each layout, and what that gives at 2 cores (2 processes: 2,000 / ms-per-MB MB/s).

`--tree DIR` parses with the `bot` package of another checkout (an older commit unpacked
with `git archive C | tar -x -C DIR`), so two trees can be timed minutes apart on the same
files; `--dump FILE` writes a digest of every parsed story (ParsedStory.to_json) so their
outputs can be compared byte for byte (`cmp`).

    .venv/bin/python bench/parse_cpu.py --stories 400
    .venv/bin/python bench/parse_cpu.py --stories 400 --tree /tmp/base --dump /tmp/base.txt
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--stories", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--tree", type=Path, default=ROOT, help="checkout whose parser is timed")
    ap.add_argument("--dump", type=Path, default=None, help="write one digest per story")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "import")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from bench.import_bench import generate

    folder = args.out / f"library-{args.stories}"
    manifest = generate(folder, stories=args.stories, seed=args.seed)
    # the parser under test: drop this tree's `bot` so the chosen tree's is imported
    for name in [m for m in sys.modules if m == "bot" or m.startswith("bot.")]:
        del sys.modules[name]
    sys.path.insert(0, str(args.tree.resolve()))
    from bot.library.parse import parse_story

    layout_of = {name: v["layout"] for name, v in manifest["files"].items()}
    items = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.suffix != ".json"]
    total_mb = sum(len(d) for _, d in items) / 1e6
    for name, data in items[:20]:  # warm caches (tables, compiled rules)
        parse_story(data, name)

    best: dict[str, float] = {}
    size: dict[str, int] = {}
    digests: list[str] = []
    load = os.getloadavg()[0]
    for round_no in range(args.rounds):
        spent: dict[str, float] = {}
        for name, data in items:
            layout = layout_of[name]
            start = time.process_time()
            try:
                story = parse_story(data, name)
            except Exception as err:  # a refusal is an output too
                story = err
            spent[layout] = spent.get(layout, 0.0) + time.process_time() - start
            if round_no == 0:
                size[layout] = size.get(layout, 0) + len(data)
                if args.dump is not None:
                    shown = (
                        json.dumps(story.to_json(), sort_keys=True, default=str)
                        if hasattr(story, "to_json")
                        else f"{type(story).__name__}: {story}"
                    )
                    digests.append(f"{name} {hashlib.sha256(shown.encode()).hexdigest()}")
        spent["all"] = sum(spent.values())
        for key, value in spent.items():
            best[key] = min(best.get(key, value), value)
    size["all"] = sum(size.values())
    if args.dump is not None:
        args.dump.write_text("\n".join(digests) + "\n")

    print(f"tree {args.tree}: {len(items)} files, {total_mb:.1f} MB, {args.rounds} rounds (min)")
    print(f"load average (1 min) at start {load:.2f}, at end {os.getloadavg()[0]:.2f}")
    print("| layout | MB | parse CPU ms/MB | MB/s at 2 cores |")
    print("|---|---:|---:|---:|")
    for key in sorted(size, key=lambda k: (k == "all", k)):
        ms = best[key] / (size[key] / 1e6) * 1000
        print(f"| {key} | {size[key] / 1e6:.1f} | {ms:.1f} | {2000 / ms:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
