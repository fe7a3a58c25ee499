"""The formats benchmark script runs end to end on a few stories (`--quick`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_formats_bench_quick() -> None:
    done = subprocess.run(
        [sys.executable, "bench/formats_bench.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = re.findall(
        r"^\| ([^|]+) \| [\d.]+ \| [\d.]+ \| ([\d.]+) \| ([\d.]+)× \|$", done.stdout, re.M
    )
    names = [name for name, _, _ in rows]
    assert names[0] == "utf-8 .txt (baseline)"
    assert {".docx", ".odt", ".rtf", "EPUB 3 (nav, title page)"} <= set(names)
    assert all(float(rate) > 0 for _, rate, _ in rows)
