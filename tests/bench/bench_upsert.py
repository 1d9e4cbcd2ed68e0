"""Median `Store.save_answer` time (WAL, synchronous=FULL), one committed transaction per answer.

Run: /work/venv/bin/python tests/bench/bench_upsert.py [COUNT]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.store import Store  # noqa: E402
from app.store.models import Summary  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.db") as store:
        a = store.create("bench")
        times = []
        for i in range(count):
            start = time.perf_counter()
            store.save_answer(a.id, f"q{i % 60}", {"n": i}, note="n", summary=Summary(answered=i))
            times.append(time.perf_counter() - start)
        times.sort()
        print(
            f"{count} save_answer calls: median {statistics.median(times) * 1000:.2f} ms, "
            f"p95 {times[int(count * 0.95)] * 1000:.2f} ms, max {times[-1] * 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
