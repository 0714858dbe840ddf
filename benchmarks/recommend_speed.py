"""Speed: recommend() latency on the shipped catalog (warm), split into query embedding and the rest; index build
throughput; vector search latency at synthetic catalogs of 100k and 1M learning outcomes (random unit vectors);
peak RSS.

Targets on 2 cores: recommend() p50 <= 30 ms and p99 <= 100 ms at the shipped catalog, for goals in English and in
the other nine languages (each goal timed once: the multilingual encoder remembers goals it has seen); search p50
<= 50 ms at 1M.
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
from ranking_quality import build_service, evaluate, prepare

from recommender.catalog_index import CatalogIndex
from recommender.encoder import normalise
from recommender.index import FaissIndex
from recommender.request import LearnerRequest
from stackwise.runtime import Runtime
from stackwise.settings import Settings


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    arr = np.asarray(samples) * 1000
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95)), float(np.percentile(arr, 99))


def timed(call, samples: list[object], rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    for sample in samples[:5]:
        call(sample)  # warm up
    out = []
    for i in range(rounds):
        t0 = time.perf_counter()
        call(samples[i % len(samples)])
        out.append(time.perf_counter() - t0)
    return out


def backends(queries: list[dict], rounds: int) -> list[list[object]]:  # type: ignore[type-arg]
    """Each encoder backend: one short text, all the texts of one request, and the judged-set quality with it."""
    rows: list[list[object]] = []
    for backend in ("torch", "onnx", "onnx-int8"):
        with tempfile.TemporaryDirectory() as tmp:
            service = build_service(Settings(encoder_backend=backend), Path(tmp) / "index")
            requests = [LearnerRequest(q["goal"], tuple(q.get("skills") or ())) for q in queries]
            texts = [service.gaps.texts(r.goal, r.skills) for r in requests]
            encode = service.encoder.encode
            single = timed(lambda t, encode=encode: encode(t[:1]), texts, rounds)  # type: ignore[misc]
            whole = timed(encode, texts, rounds)  # type: ignore[arg-type]
            quality = evaluate(service, prepare(service, queries), None)[0]
        p50s, p50w = percentiles(single)[0], percentiles(whole)[0]
        rows.append(
            [backend, f"{p50s:.1f}", f"{p50w:.1f}", f"{np.mean([len(t) for t in texts]):.1f}", f"{quality:.3f}"]
        )
    return rows


def shipped_latency(queries: list[dict], multilingual: list[dict], rounds: int) -> list[list[object]]:  # type: ignore[type-arg]
    rows: list[list[object]] = []
    requests = [LearnerRequest(q["goal"], tuple(q.get("skills") or ()), limit=10) for q in queries]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings()
        service = build_service(settings, Path(tmp) / "index")
        catalog = service.catalog
        started = time.perf_counter()
        index = CatalogIndex.build(catalog, Runtime(settings).document_encoder)  # uncached: real throughput
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
        texts = [service.gaps.texts(r.goal, r.skills) for r in requests]
        embed = timed(service.encoder.encode, texts, rounds)  # type: ignore[arg-type]
        # Each goal once (the multilingual encoder remembers the goals it has seen, as the API does).
        total = timed(service.recommend, requests, len(requests))  # type: ignore[arg-type]
        label = f"recommend() ({settings.encoder_backend}), English goals"
        rows.append([label, f"{len(requests)} requests", *[f"{v:.1f}" for v in percentiles(total)]])
        rows.append(["  its query embedding (MiniLM)", "", *[f"{v:.1f}" for v in percentiles(embed)]])
        others = [LearnerRequest(q["goal"], tuple(q.get("skills") or ()), limit=10) for q in multilingual]
        total = timed(service.recommend, others, len(others))  # type: ignore[arg-type]
        languages = len({q["language"] for q in multilingual})
        label = f"recommend(), goals in {languages} other languages"
        rows.append([label, f"{len(others)} requests", *[f"{v:.1f}" for v in percentiles(total)]])
    with tempfile.TemporaryDirectory() as tmp:
        # What a conversation's later turns cost: the same goal and skills again, their vectors remembered.
        service = build_service(settings, Path(tmp) / "index", remember_queries=True)
        repeat = timed(service.recommend, requests[:20], rounds)  # type: ignore[arg-type]
        rows.append(["recommend(), repeated request", "20 distinct", *[f"{v:.1f}" for v in percentiles(repeat)]])
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
    parser.add_argument("--quick", action="store_true", help="skip the backend comparison and the 1M catalog")
    args = parser.parse_args()
    queries = yaml.safe_load((REPO / "benchmarks/data/judged_queries.yaml").read_text())
    if not args.quick:
        print_table(
            "Encoder backends (ms, p50; quality = shipped hybrid nDCG@10 on the judged set)",
            ["backend", "the goal alone", "one request's texts", "texts per request", "nDCG@10"],
            backends(queries, min(args.rounds, 120)),
        )
    multilingual = yaml.safe_load((REPO / "benchmarks/data/judged_queries_multilingual.yaml").read_text())
    rows = shipped_latency(queries, multilingual, args.rounds)
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
