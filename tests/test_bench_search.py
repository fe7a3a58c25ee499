"""bench/search_bench.py runs end to end in its --quick mode and reports every figure.

This proves the benchmark works; it does not judge speed (that is the bench's own job,
on the full sizes, reported in BENCHMARKS.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_search_bench_quick(tmp_path):
    out = tmp_path / "search.json"
    run = subprocess.run(
        [sys.executable, "bench/search_bench.py", "--quick", "--e2e", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "quality target missed" not in run.stdout
    report = json.loads(out.read_text())
    (size,) = report["sizes"]
    assert size["size"] == 10_000
    assert size["queries"] == 100 and size["baseline_queries"] == 40
    for key in ("ours_p50", "ours_p99", "base_p50", "base_p99", "keys_p99"):
        assert size[key] > 0, key
    assert size["bytes_per_title"] > 0
    assert set(size["ours_found"]) == {"typo", "prefix", "reorder", "plain", "all"}
    assert size["ours_found"]["all"] >= 95.0
    assert size["ours_found_sample"]["all"] >= size["base_found"]["all"]
    assert size["score_ratio"] >= 0.95
    e2e = report["end_to_end"]
    assert e2e is not None and e2e["n"] == 100 and e2e["p99"] >= e2e["p50"] > 0
