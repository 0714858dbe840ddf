"""Intent and entity quality of the bot's NLU, per language, by stratified k-fold cross-validation of the real Rasa
pipeline, for the shipped pipeline (bot/config.yml) and, with --candidates, those in benchmarks/bot/.

The training data is bot/data (English) plus one folder per language in bot/languages/; each example is counted
under the language of the file it came from. Folds are stratified by language and intent, so every fold holds
every language's every intent. Targets: intent macro-F1 >= 0.85 in every language, >= 0.90 in English.

The main environment drives; each pipeline is trained and evaluated by this same file run in the bot's Python 3.10
environment (`--worker`), which writes one JSON record per held-out example. Reported: intent macro-F1 of the
classifier's top intent (before FallbackClassifier) and of what the bot acts on (nlu_fallback counted wrong),
entity F1 (exact span and type), training seconds per fold, and for the fallback threshold the share of right and
wrong answers that would fall back at each candidate threshold.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


# ------------------------------------------------------------------------------------------------ worker (bot venv)


def _language_files(bot_dir: Path) -> dict[str, list[Path]]:
    from rasa.shared.data import get_data_files
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    def nlu_files(folder: Path) -> list[Path]:
        return [Path(f) for f in sorted(get_data_files([str(folder)], RasaYAMLReader.is_yaml_nlu_file))]

    out = {"en": nlu_files(bot_dir / "data")}
    for folder in sorted(p for p in (bot_dir / "languages").iterdir() if p.is_dir()):
        out.setdefault(folder.name, []).extend(nlu_files(folder))  # a folder may hold only other files (.po)
    return {language: files for language, files in out.items() if files}


def _entities(items: list[dict]) -> list[list]:
    return [[e["entity"], e["start"], e["end"]] for e in items or [] if "start" in e]


def worker(config: Path, folds: int, seed: int, out: Path) -> None:
    """Cross-validate `config` over the bot's NLU data; write the held-out predictions and timings to `out`."""
    import logging

    logging.disable(logging.WARNING)
    sys.path.insert(0, os.getcwd())  # the bot's custom components (`components.*`)
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    examples: list[tuple[str, Message]] = []
    everything = TrainingData()
    for language, files in _language_files(Path.cwd()).items():
        for f in files:
            data = load_data(str(f))
            everything = everything.merge(data)
            examples.extend((language, m) for m in data.intent_examples)
    strata = [f"{lang}|{m.get('intent')}" for lang, m in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    records: list[dict] = []
    seconds: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for fold, (train_idx, test_idx) in enumerate(splitter.split(strata, strata)):
            train = TrainingData(
                training_examples=[examples[i][1] for i in train_idx],
                entity_synonyms=everything.entity_synonyms,
                regex_features=everything.regex_features,
                lookup_tables=everything.lookup_tables,
            )
            data_file = Path(tmp) / f"train-{fold}.yml"
            RasaYAMLWriter().dump(data_file, train)
            started = time.perf_counter()
            model = train_nlu(str(config), str(data_file), tmp, fixed_model_name=f"fold-{fold}")
            seconds.append(time.perf_counter() - started)
            processor = Agent.load(model).processor
            texts = [examples[i][1].get("text") for i in test_idx]
            parsed = asyncio.run(_parse_all(processor, texts))
            for i, result in zip(test_idx, parsed, strict=True):
                language, gold = examples[i]
                ranking = [r for r in result.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
                records.append(
                    {
                        "language": language,
                        "text": gold.get("text"),
                        "intent": gold.get("intent"),
                        "predicted": ranking[0]["name"] if ranking else None,
                        "confidence": ranking[0]["confidence"] if ranking else 0.0,
                        "margin": ranking[0]["confidence"] - ranking[1]["confidence"] if len(ranking) > 1 else 1.0,
                        "acted_on": (result.get("intent") or {}).get("name"),
                        "entities": _entities(gold.get("entities")),
                        "predicted_entities": _entities(result.get("entities")),
                    }
                )
            print(f"fold {fold + 1}/{folds}: trained in {seconds[-1]:.0f} s", file=sys.stderr, flush=True)
    out.write_text(json.dumps({"records": records, "train_seconds": seconds}), encoding="utf-8")


async def _parse_all(processor, texts: list[str]) -> list[dict]:  # type: ignore[no-untyped-def]
    from rasa.core.channels.channel import UserMessage

    return [await processor.parse_message(UserMessage(text)) for text in texts]


# ------------------------------------------------------------------------------------------- driver (main venv)


def _macro_f1(gold: list[str], predicted: list[str | None]) -> float:
    from sklearn.metrics import f1_score

    labels = sorted(set(gold))
    return float(f1_score(gold, [p or "" for p in predicted], labels=labels, average="macro", zero_division=0))


def _entity_f1(records: list[dict]) -> float:
    tp = fp = fn = 0
    for r in records:
        gold = {tuple(e) for e in r["entities"]}
        pred = {tuple(e) for e in r["predicted_entities"]}
        tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")


def summarise(records: list[dict]) -> list[list[str]]:
    by_language: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_language[r["language"]].append(r)
    rows = []
    for language, group in [*sorted(by_language.items(), key=lambda kv: (kv[0] != "en", kv[0])), ("all", records)]:
        gold = [r["intent"] for r in group]
        rows.append(
            [
                language,
                str(len(group)),
                f"{_macro_f1(gold, [r['predicted'] for r in group]):.3f}",
                f"{_macro_f1(gold, [r['acted_on'] for r in group]):.3f}",
                f"{_entity_f1(group):.3f}",
            ]
        )
    return rows


def fallback_rows(records: list[dict], ambiguity: float) -> list[list[str]]:
    right = [r for r in records if r["predicted"] == r["intent"]]
    wrong = [r for r in records if r["predicted"] != r["intent"]]
    rows = []
    for t in THRESHOLDS:

        def falls(r: dict, t: float = t) -> bool:
            return r["confidence"] < t or r["margin"] < ambiguity

        rows.append(
            [
                f"{t:.2f}",
                f"{sum(map(falls, right)) / max(1, len(right)):.1%}",
                f"{sum(map(falls, wrong)) / max(1, len(wrong)):.1%}",
            ]
        )
    return rows


def weakest(records: list[dict], count: int = 8) -> list[list[str]]:
    from sklearn.metrics import f1_score

    cells = []
    for language in sorted({r["language"] for r in records}):
        group = [r for r in records if r["language"] == language]
        labels = sorted({r["intent"] for r in group})
        scores = f1_score(
            [r["intent"] for r in group], [r["predicted"] or "" for r in group], labels=labels, average=None
        )
        cells.extend((float(s), language, label) for s, label in zip(scores, labels, strict=True))
    return [[lang, label, f"{s:.3f}"] for s, lang, label in sorted(cells)[:count]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--candidates", action="store_true", help="also the pipelines in benchmarks/bot/")
    parser.add_argument("--config", type=Path, action="append", help="cross-validate this config (repeatable)")
    parser.add_argument("--shipped-only", action="store_true", help=argparse.SUPPRESS)  # the default now
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.config[0], args.folds, args.seed, args.out)
        return 0

    from common import REPO, print_table

    from stackwise.settings import Settings

    settings = Settings()
    candidates = {"shipped": REPO / "bot" / "config.yml"}
    if args.candidates:
        candidates |= {p.stem: p for p in sorted((REPO / "benchmarks" / "bot").glob("*.yml"))}
    for extra in args.config or []:
        candidates[extra.stem] = extra.resolve()
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, config in candidates.items():
            out = Path(tmp) / f"{name}.json"
            started = time.perf_counter()
            subprocess.run(
                [
                    str(settings.bot_venv / "bin" / "python"),
                    str(Path(__file__).resolve()),
                    "--worker",
                    "--config",
                    str(config),
                    "--folds",
                    str(args.folds),
                    "--seed",
                    str(args.seed),
                    "--out",
                    str(out),
                ],
                cwd=settings.bot_dir,
                env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
                check=True,
                stdout=subprocess.DEVNULL,
            )
            wall = time.perf_counter() - started
            result = json.loads(out.read_text(encoding="utf-8"))
            records, train_seconds = result["records"], result["train_seconds"]
            print_table(
                f"Bot NLU '{name}' ({config.name}), {args.folds}-fold cross-validation over bot/data + "
                "bot/languages (targets: intent macro-F1 >= 0.85 per language, >= 0.90 English)",
                ["language", "examples", "intent macro-F1", "with fallback", "entity F1"],
                summarise(records),
            )
            ambiguity = _ambiguity_threshold(config)
            print_table(
                f"Fallback thresholds '{name}' (ambiguity {ambiguity}): held-out answers that would fall back",
                ["threshold", "of right answers", "of wrong answers"],
                fallback_rows(records, ambiguity),
            )
            print_table(f"Weakest intents '{name}'", ["language", "intent", "F1"], weakest(records))
            overall = summarise(records)[-1]
            summary.append(
                [
                    name,
                    overall[2],
                    overall[3],
                    overall[4],
                    f"{sum(train_seconds) / len(train_seconds):.0f}",
                    f"{wall / 60:.1f}",
                ]
            )
    print_table(
        "Bot NLU pipelines (all languages)",
        ["pipeline", "intent macro-F1", "with fallback", "entity F1", "train s/fold", "minutes"],
        summary,
    )
    return 0


def _ambiguity_threshold(config: Path) -> float:
    import yaml

    pipeline = yaml.safe_load(config.read_text(encoding="utf-8")).get("pipeline", [])
    fallback = [c for c in pipeline if c.get("name") == "FallbackClassifier"]
    return float(fallback[0].get("ambiguity_threshold", 0.1)) if fallback else 0.0


if __name__ == "__main__":
    sys.exit(main())
