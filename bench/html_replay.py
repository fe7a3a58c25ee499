"""Before/after replay of the HTML parser: every HTML input the project has, parsed, one
JSON record per input (ParsedStory.to_json plus the layout and a body hash), so a change
to the HTML layouts can be shown to leave every other output as it was.

Inputs: tests/fixtures/html/*.html and the import bench's generated HTML files
(bench/out/library, made by `bench/import_bench.py`; the first --bench files of each
HTML layout).

    .venv/bin/python bench/html_replay.py --out /tmp/before.jsonl     # on the old code
    .venv/bin/python bench/html_replay.py --out /tmp/after.jsonl      # on the new code
    .venv/bin/python bench/html_replay.py --diff /tmp/before.jsonl /tmp/after.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.library.errors import StoryRejected  # noqa: E402
from bot.library.parse import parse_story  # noqa: E402


def inputs(bench_files: int) -> list[Path]:
    paths = sorted((ROOT / "tests" / "fixtures" / "html").glob("*.htm*"))
    lib = ROOT / "bench" / "out" / "library"
    if lib.is_dir():
        seen: dict[str, int] = {}
        for path in sorted(lib.glob("*.htm*")):
            layout = path.stem.split("_", 1)[-1]
            if seen.get(layout, 0) < bench_files:
                seen[layout] = seen.get(layout, 0) + 1
                paths.append(path)
    return paths


def record(path: Path) -> dict:
    try:
        story = parse_story(path.read_bytes(), path.name)
    except StoryRejected as err:
        return {"file": path.name, "rejected": str(err)}
    out = story.to_json()
    out["layout"] = story.layout
    out["title_fallback"] = story.title_fallback
    out["body_sha1"] = hashlib.sha1(story.body.encode()).hexdigest()[:12]
    return {"file": path.name, **out}


def diff(before: Path, after: Path) -> int:
    old = {r["file"]: r for r in map(json.loads, before.read_text().splitlines())}
    new = {r["file"]: r for r in map(json.loads, after.read_text().splitlines())}
    changed = 0
    for name in sorted(old.keys() | new.keys()):
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        changed += 1
        sys.stdout.write(f"== {name}\n")
        for key in sorted((a or {}).keys() | (b or {}).keys()):
            va, vb = (a or {}).get(key), (b or {}).get(key)
            if va != vb:
                sys.stdout.write(f"  {key}: {json.dumps(va)[:300]}\n  {'':>{len(key)}}→ ")
                sys.stdout.write(f"{json.dumps(vb)[:300]}\n")
    sys.stdout.write(f"{len(old)} before, {len(new)} after, {changed} changed\n")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--bench", type=int, default=200, help="bench files per HTML layout")
    ap.add_argument("--diff", nargs=2, type=Path)
    args = ap.parse_args()
    if args.diff:
        return diff(*args.diff)
    lines = [json.dumps(record(p), ensure_ascii=False, sort_keys=True) for p in inputs(args.bench)]
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
