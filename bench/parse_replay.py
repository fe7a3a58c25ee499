"""Before/after replay of the parser over every input the project has.

Parses the seeds (data/samples), every file under tests/fixtures/ and a small library from
the import bench's generator, and writes one JSON record per file (the `storybot parse
--json` shape, the body replaced by its word count and a hash). Run it on the old code with
`--save`, change the parser, run it again with `--compare`: every field that changed is
printed, file by file, so a change can be judged better or worse by reading it.

    .venv/bin/python bench/parse_replay.py --save bench/out/replay-before.json
    .venv/bin/python bench/parse_replay.py --compare bench/out/replay-before.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.import_bench import generate  # noqa: E402
from bot.library.errors import StoryRejected  # noqa: E402
from bot.library.parse import parse_story  # noqa: E402

SKIP_SUFFIXES = {".json"}


def inputs(bench_stories: int) -> list[tuple[str, Path]]:
    files: list[tuple[str, Path]] = []
    for path in sorted((ROOT / "data" / "samples").iterdir()):
        files.append((f"seeds/{path.name}", path))
    fixtures = ROOT / "tests" / "fixtures"
    for path in sorted(fixtures.rglob("*")):
        if path.is_file() and path.suffix not in SKIP_SUFFIXES:
            files.append((f"fixtures/{path.relative_to(fixtures)}", path))
    if bench_stories:
        folder = Path(tempfile.gettempdir()) / f"storybot-replay-{bench_stories}"
        manifest = generate(folder, stories=bench_stories, seed=7)
        for name in sorted(manifest["files"]):
            files.append((f"bench/{name}", folder / name))
    return files


def record(path: Path) -> dict:
    try:
        story = parse_story(path.read_bytes(), path.name)
    except StoryRejected as err:
        return {"rejected": str(err)}
    out = story.to_json()
    body = out.pop("body")
    out["body_sha1"] = hashlib.sha1(body.encode()).hexdigest()[:12]
    out["layout"] = story.layout
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--save", type=Path, help="write the records to this JSON file")
    ap.add_argument("--compare", type=Path, help="print what differs from this JSON file")
    ap.add_argument("--bench-stories", type=int, default=60)
    args = ap.parse_args(argv)
    records = {name: record(path) for name, path in inputs(args.bench_stories)}
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(records, indent=1, ensure_ascii=False))
        print(f"{len(records)} files saved to {args.save}")
    if args.compare:
        before = json.loads(args.compare.read_text())
        changed = 0
        for name in sorted(set(before) | set(records)):
            old, new = before.get(name), records.get(name)
            if old == new:
                continue
            changed += 1
            print(f"== {name}")
            if old is None or new is None:
                print(f"   {'added' if old is None else 'removed'}")
                continue
            for key in sorted(set(old) | set(new)):
                if old.get(key) != new.get(key):
                    pad = " " * len(key)
                    print(f"   {key}: {json.dumps(old.get(key), ensure_ascii=False)[:300]}")
                    print(f"   {pad}-> {json.dumps(new.get(key), ensure_ascii=False)[:300]}")
        print(f"{changed} of {len(records)} files changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
