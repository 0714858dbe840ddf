"""Ranking quality on the judged query set (benchmarks/data/judged_queries.yaml) over the shipped catalog.

nDCG@10 uses the graded judgements (gain 2^grade - 1); Recall@10 and MRR count grade >= 2 as relevant; a
credential without a grade counts as 0, and "judged@10" says how much of each top 10 carries a grade (the lower it
is, the more the figures rest on that assumption). Compares BM25 only, dense only and the shipped hybrid. `--tune`
grid-searches the ranking weights on the odd-numbered queries and reports the even-numbered ones as held out.
`--pool FILE` writes, per query, the credentials some ranker puts in its top 10 that carry no grade yet: the pairs
for the next round of blind judging (pooling, as TREC does), so a ranker is not marked down for finding
credentials nobody graded.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import math
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml
from common import REPO, print_table

from knowledge.catalog import DEFAULT_CATALOG, validate_file
from knowledge.esco import EscoUnavailable, load_vocabulary
from recommender.catalog_index import IndexStore
from recommender.encoder import MemoEncoder
from recommender.gaps import GapAnalyser
from recommender.ranking import Ranker, RankingSettings
from recommender.request import Constraints, LearnerRequest
from recommender.service import RecommenderService, ServiceSettings
from stackwise.runtime import Runtime
from stackwise.settings import Settings

QUERIES = REPO / "benchmarks" / "data" / "judged_queries.yaml"


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    gains = [(2 ** grades.get(cid, 0) - 1) / math.log2(i + 2) for i, cid in enumerate(ranked[:k])]
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return sum(gains) / best if best else 0.0


def recall(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    relevant = {c for c, g in grades.items() if g >= 2}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def mrr(ranked: list[str], grades: dict[str, int]) -> float:
    return next((1 / (i + 1) for i, c in enumerate(ranked) if grades.get(c, 0) >= 2), 0.0)


def judged(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    return sum(c in grades for c in ranked[:k]) / len(ranked[:k]) if ranked else 1.0


Prepared = list[tuple[dict, object, np.ndarray]]  # type: ignore[type-arg]


def prepare(service: RecommenderService, queries: list[dict]) -> Prepared:  # type: ignore[type-arg]
    """Gap analysis and goal vector per query: they do not depend on the ranking weights being tuned."""
    out = []
    for q in queries:
        analysis, vector = service.analyse(LearnerRequest(q["goal"], tuple(q.get("skills") or ())))
        out.append((q, analysis, vector))
    return out


def prepare_with_goal_clauses(service: RecommenderService, queries: list[dict]) -> Prepared:  # type: ignore[type-arg]
    """The analysis with every clause of the goal embedded as well (GapSettings.goal_clauses, off when shipped)."""
    shipped = service.gaps
    settings = dataclasses.replace(shipped.settings, goal_clauses=True)
    service.gaps = GapAnalyser(service.matcher, service.vocabulary, settings)
    try:
        return prepare(service, queries)
    finally:
        service.gaps = shipped


def ranked_lists(
    service: RecommenderService,
    prepared: Prepared,
    mode: str | None,
    ranking: RankingSettings | None = None,
    limit: int = 10,
) -> list[tuple[list[str], dict[str, int]]]:
    """Per query: the ranked credential ids and the query's grades."""
    ranker = Ranker(
        service.catalog,
        service.index,
        service.matcher.skill_vector,
        ranking or service.settings.ranking,
        service.state.ranker.multilingual,  # the shipped second encoder, when the settings have one
        service.matcher.skill_label,
    )
    out = []
    for q, analysis, vector in prepared:
        found = ranker.rank(analysis, vector, Constraints(), limit, service.today(), mode)  # type: ignore[arg-type]
        ranked = [r.credential.id for r in found.results]
        out.append((ranked, {str(k): int(v) for k, v in q["grades"].items()}))
    return out


def evaluate(
    service: RecommenderService, prepared: Prepared, mode: str | None, ranking: RankingSettings | None = None
) -> tuple[float, float, float, float]:
    """Mean nDCG@10, Recall@10, MRR and judged@10."""
    lists = ranked_lists(service, prepared, mode, ranking)
    arr = np.asarray([(ndcg(r, g), recall(r, g), mrr(r, g), judged(r, g)) for r, g in lists])
    return float(arr[:, 0].mean()), float(arr[:, 1].mean()), float(arr[:, 2].mean()), float(arr[:, 3].mean())


def write_pool(service: RecommenderService, prepared: Prepared, clauses: Prepared, path: Path) -> int:
    """The ungraded credentials in any ranker's top 10, per query; returns how many pairs were written."""
    runs = [ranked_lists(service, prepared, mode) for mode in ("lexical", "dense", None)]
    runs.append(ranked_lists(service, clauses, None))
    pool = []
    for i, (q, _, _) in enumerate(prepared):
        grades = runs[0][i][1]
        fresh = sorted({c for run in runs for c in run[i][0] if c not in grades})
        if fresh:
            pool.append({"id": q["id"], "goal": q["goal"], "skills": q.get("skills") or [], "ungraded": fresh})
    path.write_text(yaml.safe_dump(pool, sort_keys=False, allow_unicode=True))
    return sum(len(p["ungraded"]) for p in pool)


def ceiling(
    service: RecommenderService, prepared: Prepared, depths: tuple[int, ...] = (10, 20, 30, 50)
) -> list[list[object]]:
    """Where the shipped hybrid loses: how many good credentials its top K holds, and the nDCG@10 a perfect
    reordering of that top K would reach. A high ceiling with a low score means the ordering, not recall, is short."""
    lists = ranked_lists(service, prepared, None, limit=max(depths))
    rows: list[list[object]] = []
    for k in depths:
        reordered = [ndcg(sorted(r[:k], key=lambda c, g=g: -g.get(c, 0)), g) for r, g in lists]
        rows.append([k, float(np.mean([recall(r, g, k) for r, g in lists])), float(np.mean(reordered))])
    return rows


def build_service(
    settings: Settings,
    index_dir: Path,
    remember_queries: bool = False,
    service_settings: ServiceSettings = ServiceSettings(),
) -> RecommenderService:
    """The shipped catalog over `settings`' encoder; `remember_queries` adds the API's memo of query vectors."""
    try:
        vocabulary = load_vocabulary(settings.esco_dir, settings.esco_default_path, settings.esco_cache_dir)
    except EscoUnavailable as exc:
        raise SystemExit(f"ranking quality: skipped ({exc})") from None
    report = validate_file(DEFAULT_CATALOG, None)
    runtime = Runtime(settings)
    return RecommenderService(
        catalog=lambda: report.catalog,
        vocabulary=vocabulary,
        encoder=MemoEncoder(runtime.query_encoder.load()) if remember_queries else runtime.query_encoder.load(),
        build_encoder=runtime.build_encoder,
        index_store=IndexStore(index_dir),
        cache_dir=settings.cache_dir,
        multilingual=runtime.multilingual,
        settings=service_settings,
        without_limits=runtime.goal_without_limits,  # as the API reads goals
    ).load()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--pool", type=Path, metavar="FILE", help="write the ungraded top-10 pairs to FILE (YAML)")
    args = parser.parse_args()
    queries = yaml.safe_load(QUERIES.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        service = build_service(Settings(), Path(tmp) / "index")
        prepared = prepare(service, queries)
        clauses_prepared = prepare_with_goal_clauses(service, queries)
        if args.pool:
            print(f"{write_pool(service, prepared, clauses_prepared, args.pool)} ungraded pairs written to {args.pool}")
            return 0
        if args.tune:
            tune, held_out = prepared[1::2], prepared[0::2]
            grid = []
            base = service.settings.ranking
            for fusion, dw, rw, pen, low in itertools.product(
                ["convex", "rrf"], [0.4, 0.6, 0.8], [0.4, 0.55, 0.7, 0.85, 1.0], [0.0, 0.25, 0.5], [0.25, 0.35]
            ):
                ranking = dataclasses.replace(
                    base,
                    fusion=fusion,
                    dense_weight=dw,
                    relevance_weight=rw,
                    coverage_weight=1 - rw,
                    redundancy_penalty=pen,
                    sim_low=low,
                )
                grid.append((evaluate(service, tune, None, ranking)[0], ranking))
            grid.sort(key=lambda g: -g[0])
            print_table(
                "Tuning (odd queries), top 8",
                ["nDCG@10", "fusion", "dense w", "relevance w", "redundancy", "sim low"],
                [
                    [s, r.fusion, r.dense_weight, r.relevance_weight, r.redundancy_penalty, r.sim_low]
                    for s, r in grid[:8]
                ],
            )
            print_table(
                "Held out (even queries), best tuned settings",
                ["nDCG@10", "Recall@10", "MRR", "judged@10"],
                [evaluate(service, held_out, None, grid[0][1])],
            )
        rows = []
        results = {}
        for name, mode in (("BM25 only", "lexical"), ("dense only", "dense"), ("shipped hybrid", None)):
            results[name] = evaluate(service, prepared, mode)
            rows.append([name, *results[name]])
        gain = results["shipped hybrid"][0] / results["BM25 only"][0] - 1
        rows.append(["hybrid vs BM25 (nDCG@10)", f"{gain:+.1%}", "", "", ""])
        clauses = evaluate(service, clauses_prepared, None)
        rows.append(["hybrid, goal clauses embedded too (not shipped: twice the encoder work)", *clauses])
        print_table(
            f"Ranking quality on {len(queries)} judged queries, shipped catalog",
            ["ranker", "nDCG@10", "Recall@10 (grade>=2)", "MRR (grade>=2)", "judged@10"],
            rows,
        )
        print_table(
            "Shipped hybrid's top K: share of grade>=2 credentials in it, and nDCG@10 if it were reordered perfectly",
            ["K", "Recall@K (grade>=2)", "nDCG@10 after a perfect reordering"],
            ceiling(service, prepared),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
