"""Skill matching on the Decorte et al. benchmark: job-ad sentences -> ESCO skills.

RP@5 and MRR for TECH, HOUSE and TECHWOLF test splits, for the baselines named in the issue and for the shipped
matcher. `--tune` searches the fusion weights on the validation splits only (never on test).

Needs the official ESCO files (STACKWISE_ESCO_DIR) and the benchmark folder beside the checkout.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from common import print_table, shared_path

from knowledge.esco import load_official
from recommender.skills import SkillMatcher, Weights
from stackwise.runtime import Runtime
from stackwise.settings import Settings

SPLITS = {
    "TECH": ("tech_validation_annotations.csv", "tech_test_annotations.csv"),
    "HOUSE": ("house_validation_annotations.csv", "house_test_annotations.csv"),
    "TECHWOLF": (None, "techwolf_test_annotations.csv"),
}
NO_LABEL = {"LABEL NOT PRESENT", "UNDERSPECIFIED", ""}


@dataclass
class Split:
    sentences: list[str]
    gold: list[set[int]]  # skill indices


def load_split(path, index_of_label) -> Split:  # type: ignore[no-untyped-def]
    gold: dict[str, set[int]] = defaultdict(set)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            label = (row.get("label") or "").strip()
            if label in NO_LABEL:
                continue
            if label in index_of_label:
                gold[row["sentence"]].add(index_of_label[label])
    sentences = sorted(gold)
    return Split(sentences, [gold[s] for s in sentences])


def metrics(scores: np.ndarray, gold: list[set[int]]) -> tuple[float, float]:
    return ranking_metrics(np.argsort(-scores, axis=1)[:, :100].tolist(), gold)


def ranking_metrics(top: list[list[int]], gold: list[set[int]]) -> tuple[float, float]:
    """RP@5 and MRR (over the first 100) of ranked skill indices per sentence."""
    rp, rr = [], []
    for row, relevant in zip(top, gold, strict=True):
        hits = [int(i) in relevant for i in row]
        rp.append(sum(hits[:5]) / min(5, len(relevant)))
        first = next((n for n, h in enumerate(hits) if h), None)
        rr.append(1 / (first + 1) if first is not None else 0.0)
    return float(np.mean(rp)), float(np.mean(rr))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tune", action="store_true", help="grid-search fusion weights on the validation splits")
    args = parser.parse_args()
    settings = Settings()
    bench = shared_path("skill-extraction-benchmark", "data")
    if settings.esco_dir is None or bench is None:
        print("skill matching: skipped (needs STACKWISE_ESCO_DIR and ../shared/data/skill-extraction-benchmark)")
        return 0
    vocab = load_official(settings.esco_dir, settings.esco_cache_dir)
    runtime = Runtime(settings)
    matcher = SkillMatcher(vocab, runtime.query_encoder.load(), settings.cache_dir, build_encoder=runtime.build_encoder)
    started = time.perf_counter()
    matcher.load()
    print(f"ESCO vectors ready in {time.perf_counter() - started:.1f}s")
    space = matcher.skills
    index_of_label = {c.label: i for i, c in enumerate(space.concepts)}
    pref_rows = space._starts  # preferred label is the first row of each block

    def features(split: Split) -> dict[str, np.ndarray]:
        """The shipped matcher's channels per sentence, plus the preferred-label-only baseline."""
        channels: dict[str, list[np.ndarray]] = {"label": [], "clauses": [], "description": [], "lexical": []}
        whole = []
        for sentence in split.sentences:
            queries = matcher.query_vectors(sentence)
            found, _ = space.channels(queries, sentence)
            whole.append(queries[0])
            for key in channels:
                channels[key].append(found[key])
        out = {k: np.vstack(v) for k, v in channels.items()}
        out["pref"] = np.vstack(whole) @ space.label_vectors[pref_rows].T
        return out

    if args.tune:
        val = {n: load_split(bench / v, index_of_label) for n, (v, _) in SPLITS.items() if v}
        feats = {n: features(sp) for n, sp in val.items()}
        results = []
        for wc, wd, wx in itertools.product([0, 0.3, 0.5, 0.8, 1.0], [0, 0.1, 0.3, 0.5], [0, 0.2, 0.3, 0.4, 0.5]):
            w = Weights(1.0, wc, wd, wx)
            rps = [metrics(w.fuse(feats[n]), val[n].gold)[0] for n in val]
            results.append((float(np.mean(rps)), w, rps))
        results.sort(key=lambda r: -r[0])
        print_table(
            "Tuning on validation (top 8)",
            ["mean RP@5", "label", "clauses", "description", "lexical", "TECH val", "HOUSE val"],
            [[m, w.label, w.clauses, w.description, w.lexical, *rps] for m, w, rps in results[:8]],
        )

    rows = []
    baseline = {}
    for name, (_, test_file) in SPLITS.items():
        split = load_split(bench / test_file, index_of_label)
        f = features(split)
        base = metrics(f["pref"], split.gold)
        baseline[name] = base[0]
        best_label = metrics(f["label"], split.gold)
        # What the product does: `match_skills`, with its label-index candidate stage on the full vocabulary.
        ranked = [[space.index_of[m.uri] for m in matcher.match_skills(s, top=100)] for s in split.sentences]
        shipped = ranking_metrics(ranked, split.gold)
        rows.append([name, len(split.sentences), *base, *best_label, *shipped, shipped[0] - base[0]])
    print_table(
        "Skill matching on the Decorte test splits (RP@5 / MRR)",
        [
            "split",
            "sentences",
            "pref RP@5",
            "pref MRR",
            "best-label RP@5",
            "best-label MRR",
            "shipped RP@5",
            "shipped MRR",
            "shipped - pref",
        ],
        rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
