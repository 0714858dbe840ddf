"""Precision of what learners are shown: requests with limits (benchmarks/data/precision_requests.yaml), each
listed credential graded relevant or off-topic by a person who read it. Reports, per language, how many
credentials were listed, the off-topic share among them, how many lists came back shorter than asked (the relevance
floor at work, not padding), and how many listed credentials nobody has graded yet (each one is printed: grade it).

`--pool FILE` writes, per request, the ungraded credentials among the top 10 that pass its limits with the
relevance floor switched off (a superset of what the shipped ranker lists), with the text a grader needs.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from common import REPO, print_table, to_grade, write_to_grade
from ranking_quality import build_service

from recommender.request import Constraints, LearnerRequest
from recommender.service import RecommenderService, ServiceSettings
from stackwise.settings import Settings

REQUESTS = REPO / "benchmarks" / "data" / "precision_requests.yaml"
LIMIT_KEYS = {f.name for f in dataclasses.fields(Constraints)}


def request_of(entry: dict[str, Any], limit: int | None = None) -> LearnerRequest:
    limits = dict(entry.get("limits") or {})
    unknown = set(limits) - LIMIT_KEYS
    if unknown:
        raise SystemExit(f"{entry['id']}: unknown limits {sorted(unknown)}; known: {sorted(LIMIT_KEYS)}")
    for key in ("modes", "languages", "countries", "providers"):
        if key in limits:
            limits[key] = tuple(limits[key])
    if "start_before" in limits:
        limits["start_before"] = dt.date.fromisoformat(str(limits["start_before"]))
    return LearnerRequest(
        entry["goal"],
        tuple(entry.get("skills") or ()),
        Constraints(**limits),
        limit=limit or int(entry.get("limit", 5)),
        languages=tuple(entry.get("page_languages") or ()),
    )


def write_pool(service: RecommenderService, entries: list[dict[str, Any]], path: Path) -> int:
    names = {p.id: p.name for p in service.catalog.providers}
    pool = []
    for entry in entries:
        graded = set(entry.get("relevant") or ()) | set(entry.get("off_topic") or ())
        found = service.recommend(request_of(entry, limit=10))
        fresh = [r.credential for r in found.results if r.credential.id not in graded]
        if fresh:
            pool.append(
                {
                    "id": entry["id"],
                    "goal": entry["goal"],
                    "skills": entry.get("skills") or [],
                    "ungraded": [
                        to_grade(
                            c.id,
                            c.title,
                            c.languages,
                            c.description,
                            [o.text for o in c.learning_outcomes],
                            provider=names.get(c.provider, c.provider),
                        )
                        for c in fresh
                    ],
                }
            )
    return write_to_grade(pool, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=Path, default=REQUESTS)
    parser.add_argument("--pool", type=Path, metavar="FILE", help="write the ungraded top-10 (no floor) to FILE")
    args = parser.parse_args()
    entries = yaml.safe_load(args.requests.read_text(encoding="utf-8"))
    settings = ServiceSettings()
    if args.pool:
        settings = dataclasses.replace(
            settings, ranking=dataclasses.replace(settings.ranking, relevance_floor=0.0, relative_floor=0.0)
        )
    stats: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    ungraded: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        service = build_service(Settings(), Path(tmp) / "index", service_settings=settings)
        if args.pool:
            print(f"{write_pool(service, entries, args.pool)} ungraded credentials written to {args.pool}")
            return 0
        for entry in entries:
            request = request_of(entry)
            found = service.recommend(request)
            relevant, off_topic = set(entry.get("relevant") or ()), set(entry.get("off_topic") or ())
            row = stats[entry["language"]]
            row[0] += 1
            for r in found.results:
                cid = r.credential.id
                row[1] += 1
                row[2] += cid in relevant
                row[3] += cid in off_topic
                if cid not in relevant and cid not in off_topic:
                    row[4] += 1
                    ungraded.append(f"{entry['id']}: {cid}")
            row[5] += len(found.results) < request.limit
            row[6] += not found.results
    rows = []
    for lang in sorted(stats, key=lambda code: (code != "en", code)):
        n, listed, good, bad, unknown, short, empty = stats[lang]
        rows.append([lang, n, listed, good, bad, bad / max(1, good + bad), unknown, short, empty])
    total = [sum(col) for col in zip(*stats.values(), strict=True)]
    rows.append(["all", total[0], total[1], total[2], total[3], total[3] / max(1, total[2] + total[3]), *total[4:]])
    print_table(
        f"Precision of listed results ({len(entries)} requests with limits, graded by reading each credential)",
        ["language", "requests", "listed", "relevant", "off-topic", "off-topic share", "ungraded", "short", "empty"],
        rows,
    )
    if ungraded:
        print("ungraded (grade them in the requests file):", *ungraded, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
