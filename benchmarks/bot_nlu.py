"""Intent and entity quality of the bot's NLU by k-fold cross-validation (`rasa test nlu --cross-validation`),
for the shipped pipeline (bot/config.yml) and the candidates in benchmarks/bot/. This is how the pipeline was
chosen; target: intent macro-F1 >= 0.90.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, print_table

from stackwise.settings import Settings


def cross_validate(config: Path, folds: int, out: Path) -> tuple[dict, dict, float]:
    settings = Settings()
    started = time.perf_counter()
    subprocess.run(
        [
            str(settings.bot_venv / "bin" / "rasa"),
            "test",
            "nlu",
            "--nlu",
            "data/nlu.yml",
            "--config",
            str(config),
            "--cross-validation",
            "--folds",
            str(folds),
            "--out",
            str(out),
        ],
        cwd=settings.bot_dir,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        check=True,
        capture_output=True,
    )
    intents = json.loads((out / "intent_report.json").read_text())
    entity_file = out / "DIETClassifier_report.json"
    entities = json.loads(entity_file.read_text()) if entity_file.exists() else {}
    return intents, entities, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--shipped-only", action="store_true", help="only the shipped pipeline")
    args = parser.parse_args()
    candidates = {"shipped (bot/config.yml)": REPO / "bot" / "config.yml"}
    if not args.shipped_only:
        candidates |= {p.stem: p for p in sorted((REPO / "benchmarks" / "bot").glob("*.yml"))}
    rows = []
    worst: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, config in candidates.items():
            intents, entities, seconds = cross_validate(config, args.folds, Path(tmp) / name.split()[0])
            macro = intents["macro avg"]
            ent = entities.get("macro avg", {})
            rows.append(
                [
                    name,
                    f"{macro['f1-score']:.3f}",
                    f"{intents['weighted avg']['f1-score']:.3f}",
                    f"{ent.get('f1-score', float('nan')):.3f}",
                    f"{entities.get('micro avg', {}).get('f1-score', float('nan')):.3f}",
                    f"{seconds / 60:.1f}",
                ]
            )
            if name.startswith("shipped"):
                worst = sorted(
                    (
                        (k, v["f1-score"])
                        for k, v in intents.items()
                        if isinstance(v, dict) and "support" in v and "avg" not in k
                    ),
                    key=lambda kv: kv[1],
                )[:5]
    print_table(
        f"Bot NLU, {args.folds}-fold cross-validation over bot/data/nlu.yml (target intent macro-F1 >= 0.90)",
        ["pipeline", "intent macro-F1", "intent weighted-F1", "entity macro-F1", "entity micro-F1", "minutes"],
        rows,
    )
    print_table("Weakest intents (shipped)", ["intent", "F1"], [[k, f"{v:.3f}"] for k, v in worst])
    return 0


if __name__ == "__main__":
    sys.exit(main())
