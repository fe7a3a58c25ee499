"""The import benchmark script runs end to end on a small library (`--quick`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_bench_quick(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "bench/import_bench.py", "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    files = {p.suffix for p in (tmp_path / "library-36").iterdir()}
    assert {".txt", ".html", ".md"} <= files
    assert "| stage | median s | MB/s | main-process CPU s | runs (s) |" in out
    rows = re.findall(r"^\| (parse|store|parse \+ store)[^|]*\| ([\d.]+) \| ([\d.]+) \|", out, re.M)
    assert len(rows) == 3  # parse, store only, parse + store (one process in quick mode)
    assert all(float(mbps) > 0 for _, _, mbps in rows)
    cpu = re.search(r"CPU per MB \(medians\): parse ([\d.]+) ms, prepare ([\d.]+) ms, write", out)
    assert cpu and all(float(v) > 0 for v in cpu.groups()), out
    stored = re.search(r"Stored (\d+) stories", out)
    assert stored and int(stored.group(1)) == 36, out
