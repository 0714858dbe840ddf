"""Ranking quality per language on the team's multilingual judged set (benchmarks/data/judged_queries_multilingual.yaml):
learner queries written in each language the way its speakers type them, aimed both at credentials written in
that language and at English ones. Reports, per language beside English: success@5 (a grade-3 credential in the
top 5), MRR and nDCG@10 (as in ranking_quality.py), judged@10, and recommend() latency (p50/p95; no memo of query vectors). Pass
`--english` to add the English judged set's row for comparison, `--floor-off` to rank without the relevance floors
(full lists: the ranking's order alone).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml
from common import REPO, print_table
from ranking_quality import QUERIES, build_service, judged, mrr, ndcg

from recommender.request import LearnerRequest
from recommender.service import ServiceSettings
from stackwise.settings import Settings

MULTILINGUAL = REPO / "benchmarks" / "data" / "judged_queries_multilingual.yaml"


def success(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    """1 when a credential graded 3 (exactly what this learner needs next) is in the top k."""
    return float(any(grades.get(c, 0) >= 3 for c in ranked[:k]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--english", action="store_true", help="add the English judged set as a row")
    parser.add_argument("--queries", type=Path, default=MULTILINGUAL, help="another judged set of the same form")
    parser.add_argument(
        "--floor-off", action="store_true", help="rank without the relevance floors (full top-10 lists, no cut)"
    )
    args = parser.parse_args()
    queries = yaml.safe_load(args.queries.read_text(encoding="utf-8"))
    if args.english:
        queries += [{**q, "language": "en (judged set)"} for q in yaml.safe_load(QUERIES.read_text())]
    by_language: dict[str, list[list[float]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        settings = ServiceSettings()
        if args.floor_off:
            ranking = dataclasses.replace(settings.ranking, relevance_floor=0.0, relative_floor=0.0)
            settings = dataclasses.replace(settings, ranking=ranking)
        service = build_service(Settings(), Path(tmp) / "index", service_settings=settings)
        service.recommend(LearnerRequest("warm up the encoder session"))  # the first request pays for ONNX set-up
        for q in queries:
            request = LearnerRequest(q["goal"], tuple(q.get("skills") or ()), limit=10)
            started = time.perf_counter()
            found = service.recommend(request)
            took = (time.perf_counter() - started) * 1000
            ranked = [r.credential.id for r in found.results]
            grades = {str(k): int(v) for k, v in q["grades"].items()}
            by_language[q["language"]].append(
                [success(ranked, grades), mrr(ranked, grades), ndcg(ranked, grades), judged(ranked, grades), took]
            )
    rows = []
    for lang in sorted(by_language, key=lambda code: (code.startswith("en"), code)):
        arr = np.asarray(by_language[lang])
        rows.append(
            [
                lang,
                len(arr),
                *arr[:, :4].mean(axis=0),
                float(np.percentile(arr[:, 4], 50)),
                float(np.percentile(arr[:, 4], 95)),
            ]
        )
    print_table(
        f"Ranking quality per language ({len(queries)} judged queries, shipped catalog and encoder)",
        ["language", "queries", "success@5", "MRR", "nDCG@10", "judged@10", "p50 ms", "p95 ms"],
        rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
