"""Speed: recommend() latency on the shipped catalog (warm), split into query embedding and the rest; index build
throughput; vector search latency at synthetic catalogs of 100k and 1M learning outcomes (random unit vectors);
peak RSS.

Targets on 2 cores: recommend() p50 <= 30 ms and p99 <= 100 ms at the shipped catalog; search p50 <= 50 ms at 1M.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml
from common import REPO, print_table
from ranking_quality import build_service

from recommender.catalog_index import CatalogIndex
from recommender.encoder import normalise
from recommender.index import FaissIndex
from recommender.request import LearnerRequest
from stackwise.settings import Settings


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    arr = np.asarray(samples) * 1000
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95)), float(np.percentile(arr, 99))


def shipped_latency(rounds: int) -> list[list[object]]:
    queries = [q["goal"] for q in yaml.safe_load((REPO / "benchmarks/data/judged_queries.yaml").read_text())]
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        service = build_service(Settings(), Path(tmp) / "index")
        catalog = service.catalog
        started = time.perf_counter()
        index = CatalogIndex.build(catalog, service.encoder)  # uncached: the real embedding throughput
        built = time.perf_counter() - started
        rows.append(
            [
                "index build (shipped, no cache)",
                f"{len(index.entries)} texts",
                f"{len(index.entries) / built:.0f} texts/s",
                "",
                "",
            ]
        )
        for q in queries[:5]:
            service.recommend(LearnerRequest(q))  # warm up
        embed, total = [], []
        for i in range(rounds):
            q = queries[i % len(queries)]
            t0 = time.perf_counter()
            service.encoder.encode([q])
            t1 = time.perf_counter()
            service.recommend(LearnerRequest(q, limit=10))
            t2 = time.perf_counter()
            embed.append(t1 - t0)
            total.append(t2 - t1)
        rest = [t - e for t, e in zip(total, embed, strict=True)]
        rows.append(["recommend() total (shipped)", f"{rounds} queries", *[f"{v:.1f}" for v in percentiles(total)]])
        rows.append(["  query embedding part", "", *[f"{v:.1f}" for v in percentiles(embed)]])
        rows.append(["  everything else", "", *[f"{v:.1f}" for v in percentiles(rest)]])
    return rows


def synthetic(n: int, kind: str, queries: int = 200) -> list[object]:
    rng = np.random.default_rng(n)
    dim = 384
    vectors = normalise(rng.standard_normal((n, dim), dtype=np.float32))
    index = FaissIndex.for_size(dim, n, exact_limit=0) if kind == "ivf" else FaissIndex(dim, kind)
    started = time.perf_counter()
    for start in range(0, n, 100_000):
        index.add(np.arange(start, min(n, start + 100_000)), vectors[start : start + 100_000])
    build = time.perf_counter() - started
    probes = normalise(
        vectors[rng.integers(0, n, queries)] + 0.3 * rng.standard_normal((queries, dim), dtype=np.float32)
    )
    times = []
    for q in probes:
        t0 = time.perf_counter()
        index.search(q, 200)
        times.append(time.perf_counter() - t0)
    p50, p95, p99 = percentiles(times)
    return [
        f"search top-200, {n:,} outcomes ({kind})",
        f"build {n / build:,.0f} vec/s",
        f"{p50:.1f}",
        f"{p95:.1f}",
        f"{p99:.1f}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="skip the 1M synthetic catalog")
    args = parser.parse_args()
    rows = shipped_latency(args.rounds)
    rows.append(synthetic(100_000, "flat"))
    rows.append(synthetic(100_000, "ivf"))
    if not args.quick:
        rows.append(synthetic(1_000_000, "flat", queries=50))
        rows.append(synthetic(1_000_000, "ivf"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(["peak RSS", f"{peak:.0f} MiB", "", "", ""])
    print_table("Recommender speed (ms, 2 cores)", ["what", "size / throughput", "p50", "p95", "p99"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
