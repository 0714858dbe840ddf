"""Scripted learner conversations in ten languages, end to end over Rasa's REST channel.

Starts the whole stack once (`stackwise up` on free ports), plays every conversation of
benchmarks/data/conversations.yaml (an opener, then the learner's own answer to whichever profile question the
tracker says the bot is asking), and reports per language:

- reached: conversations whose tracker lists results (`last_results`) within --max-turns learner messages;
- turns: learner messages up to the first list, mean over those that reached one;
- violations: listed results that break a limit the learner stated, checked on the credential's own record
  (GET /v1/credentials/<id>): price converted to the learner's currency (knowledge.currency.convert; a price the
  record does not state breaks a price limit), participation mode, hours a week (unless self-paced);
- in language: share of bot replies written in the learner's language, judged on each reply's first line (the
  course titles it quotes come after) by recommender.language.detect (Indonesian and Malay, Spanish and Portuguese
  may be reported together), replies whose first line has fewer than --min-letters letters left out; the session's
  intro (Rasa's session start, sent before the learner's first message is read) is counted apart ("intro in lang");
- p50/p95: latency of one learner turn (message in -> replies out).

Then every failure, with its conversation: no list reached, each violation, each reply in another language.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from common import REPO, print_table, to_grade, write_to_grade

from knowledge.currency import convert
from recommender.language import detect
from stackwise import bot as botrun
from stackwise.devstack import LocalStack, has_recommendations, local_stack, scripted_answer, spoken_part
from stackwise.settings import Settings

DATA = REPO / "benchmarks" / "data" / "conversations.yaml"
LANGUAGE_ORDER = ("en", "id", "ms", "th", "vi", "fi", "es", "de", "fr", "pt")


@dataclass
class Conversation:
    id: str
    language: str
    opener: str
    answers: dict[str, str]
    limits: dict[str, Any]
    limits_in_opener: bool  # else they are said only when the bot asks for limits
    relevant: frozenset[str] = frozenset()  # listed credentials a person graded, by reading them
    off_topic: frozenset[str] = frozenset()


@dataclass
class Outcome:
    conversation: Conversation
    transcript: list[tuple[str, list[str]]] = field(default_factory=list)  # learner message, bot texts
    latencies: list[float] = field(default_factory=list)
    first_list_turn: int | None = None
    nothing_fit: bool = False  # the profile was complete and the bot said no course fits the limits
    limits_said: bool = False  # the learner got to state their limits (in the opener, or asked for them)
    listed: list[dict[str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    unasked: list[str] = field(default_factory=list)  # the same, for limits the bot never asked for
    judged_lines: int = 0
    other_language: list[tuple[str, str]] = field(default_factory=list)  # (detected, first line)
    intro_in_language: bool | None = None  # the session's opening message, sent before the learner's is read
    error: str | None = None


def load(path: Path = DATA) -> list[Conversation]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    defaults = data.get("defaults", {})
    return [
        Conversation(
            id=c["id"],
            language=c["language"],
            opener=c["opener"],
            answers={**defaults.get(c["language"], {}), **c["answers"]},
            limits=c.get("limits") or {},
            limits_in_opener=bool(c.get("limits_in_opener")),
            relevant=frozenset(c.get("relevant") or ()),
            off_topic=frozenset(c.get("off_topic") or ()),
        )
        for c in data["conversations"]
    ]


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def in_language(text: str, language: str, min_letters: int) -> tuple[bool | None, str]:
    """Whether a bot reply is written in `language`, judged on its own words (`spoken_part`); None when they are
    too short, or the detector cannot tell."""
    words = spoken_part(text)
    if letters(words) < min_letters:
        return None, ""
    found = detect(words)
    if not found:
        return None, ""
    return language in found, ",".join(sorted(found))


def breaks(credential: dict[str, Any], limits: dict[str, Any]) -> list[str]:
    """The stated limits one credential record breaks, in words (empty when it respects them all)."""
    out: list[str] = []
    if (cap := limits.get("max_price")) is not None:
        currency = limits["currency"]
        if credential.get("price") is None:
            out.append("price not stated")
        else:
            price = convert(float(credential["price"]), credential["currency"], currency)
            if price > cap + 1e-6:
                out.append(
                    f"costs {credential['price']:g} {credential['currency']} = {price:,.0f} {currency} > {cap:,}"
                )
    if (modes := limits.get("modes")) and credential.get("participation") not in modes:
        out.append(f"is {credential.get('participation')}, not {'/'.join(modes)}")
    if (hours := limits.get("max_hours_per_week")) is not None:
        needed = credential.get("hours_per_week")
        self_paced = bool((credential.get("schedule") or {}).get("self_paced"))
        if needed is None:
            out.append("hours a week not stated")
        elif needed > hours + 1e-9 and not self_paced:
            out.append(f"needs {needed:g} h a week > {hours:g}")
    return out


def play(stack: LocalStack, c: Conversation, max_turns: int, min_letters: int, records: dict[str, Any]) -> Outcome:
    out = Outcome(c, limits_said=c.limits_in_opener or not c.limits)
    sender = f"conv-{c.id}-{uuid.uuid4().hex[:8]}"
    message = c.opener
    try:
        for turn in range(1, max_turns + 1):
            t0 = time.perf_counter()
            replies = stack.say(sender, message)
            out.latencies.append(time.perf_counter() - t0)
            texts = [r["text"] for r in replies if r.get("text")]
            out.transcript.append((message, texts))
            for n, text in enumerate(texts):
                ok, found = in_language(text, c.language, min_letters)
                if turn == 1 and n == 0:  # a new sender: Rasa's session start speaks first
                    out.intro_in_language = ok
                    continue
                if ok is None:
                    continue
                out.judged_lines += 1
                if not ok:
                    out.other_language.append((found, first_line(text)))
            slots = stack.slots(sender)
            if has_recommendations(slots):
                out.first_list_turn = turn
                out.listed = list(slots["last_results"])
                break
            if slots.get("last_results") == [] and not slots.get("requested_slot"):
                out.nothing_fit = True  # the bot answered; asking again would only repeat it
                break
            message = scripted_answer(slots, answers=c.answers)
            out.limits_said = out.limits_said or message == c.answers.get("constraints")
    except Exception as e:  # a broken conversation is a result, not the end of the run
        out.error = f"{type(e).__name__}: {e}"
    for item in out.listed:
        if item["id"] not in records:
            records[item["id"]] = stack.get(f"/v1/credentials/{item['id']}")["credential"]
        for problem in breaks(records[item["id"]], c.limits):
            (out.violations if out.limits_said else out.unasked).append(f"{item['id']}: {problem}")
    return out


def report(outcomes: list[Outcome], max_turns: int) -> None:
    rows = []
    groups = [(lang, [o for o in outcomes if o.conversation.language == lang]) for lang in LANGUAGE_ORDER]
    groups = [(lang, group) for lang, group in groups if group] + [("all", outcomes)]
    for lang, group in groups:
        reached = [o.first_list_turn for o in group if o.first_list_turn is not None]
        useful = sum(any(i["id"] in o.conversation.relevant for i in o.listed) for o in group)
        off = sum(sum(i["id"] in o.conversation.off_topic for i in o.listed) for o in group)
        ungraded = sum(
            sum(i["id"] not in o.conversation.relevant | o.conversation.off_topic for i in o.listed) for o in group
        )
        nothing = sum(o.nothing_fit for o in group)
        never_asked = sum(not o.limits_said for o in group)
        listed = sum(len(o.listed) for o in group)
        violating = sum(len({v.split(":")[0] for v in o.violations}) for o in group)
        judged = sum(o.judged_lines for o in group)
        wrong = sum(len(o.other_language) for o in group)
        intros = [o.intro_in_language for o in group if o.intro_in_language is not None]
        ms = np.asarray([t for o in group for t in o.latencies]) * 1000
        rows.append(
            [
                lang,
                len(group),
                f"{len(reached)} ({len(reached) / len(group):.0%})",
                f"{useful} ({useful / len(group):.0%})",
                nothing,
                f"{np.mean(reached):.1f}" if reached else "-",
                listed,
                off,
                ungraded,
                f"{violating} ({violating / listed:.0%})" if listed else "0",
                never_asked,
                f"{(judged - wrong) / judged:.0%} of {judged}" if judged else "-",
                f"{sum(intros)}/{len(intros)}",
                f"{np.percentile(ms, 50):.0f}" if ms.size else "-",
                f"{np.percentile(ms, 95):.0f}" if ms.size else "-",
            ]
        )
    print_table(
        f"Scripted conversations over REST, at most {max_turns} learner turns. reached: a list shown; relevant: a "
        "list with at least one credential a person graded relevant; none fit: the bot said no course fits the "
        "limits; off-topic / ungraded: listed credentials graded off-topic / not graded yet (--lists); violations: listed results breaking a limit the learner stated; limits "
        "unasked: conversations whose limits the bot never asked for (said nowhere else); in language: the bot's own "
        "words (first line to a colon) in the learner's language, the session's intro apart",
        [
            "lang",
            "convs",
            "reached",
            "relevant",
            "none fit",
            "turns (mean)",
            "listed",
            "off-topic",
            "ungraded",
            "violations",
            "limits unasked",
            "in language",
            "intro in lang",
            "p50 ms",
            "p95 ms",
        ],
        rows,
    )


def write_lists(outcomes: list[Outcome], records: dict[str, Any], path: Path) -> None:
    """Per conversation, the listed credentials without a grade, with the text a grader reads."""
    pool = []
    for o in outcomes:
        c = o.conversation
        fresh = [i["id"] for i in o.listed if i["id"] not in c.relevant | c.off_topic]
        if fresh:
            pool.append(
                {
                    "id": c.id,
                    "conversation": [message for message, _ in o.transcript],
                    "ungraded": [
                        to_grade(
                            cid,
                            records[cid].get("title") or "",
                            records[cid].get("languages") or [],
                            str(records[cid].get("description") or ""),
                            [x.get("text") for x in records[cid].get("learning_outcomes") or []],
                        )
                        for cid in fresh
                    ],
                }
            )
    print(f"{write_to_grade(pool, path)} ungraded listed credentials written to {path}")


def failures(outcomes: list[Outcome]) -> None:
    print("\nFailures")
    for o in outcomes:
        c = o.conversation
        problems = []
        if o.error:
            problems.append(f"error: {o.error}")
        if o.nothing_fit:
            problems.append("no course fits the limits (the bot said so)")
        elif o.first_list_turn is None:
            problems.append("no list reached")
        if not o.limits_said:
            problems.append("the bot never asked for limits; the learner's were never said")
        problems += [f"limit: {v}" for v in o.violations]
        problems += [f"unasked limit: {v}" for v in o.unasked]
        problems += [f"reply in {found}: {line[:110]!r}" for found, line in o.other_language]
        if problems and o.intro_in_language is False:
            problems.append("session intro not in the learner's language")
        if not problems:
            continue
        print(f"\n[{c.id}] limits {c.limits or 'none'}")
        for p in problems:
            print(f"  - {p}")
        for message, texts in o.transcript:
            print(f"  learner: {message}")
            for text in texts:
                print(f"  bot:     {first_line(text)[:140]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-turns", type=int, default=6, help="learner messages before giving up on a list")
    parser.add_argument("--min-letters", type=int, default=20, help="shorter first lines are not judged")
    parser.add_argument("--language", action="append", help="only these languages (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="the table only, no failure transcripts")
    parser.add_argument(
        "--lists", type=Path, metavar="FILE", help="write the listed credentials nobody has graded to FILE, to grade"
    )
    args = parser.parse_args()
    conversations = [c for c in load() if not args.language or c.language in args.language]
    botrun.ensure_model(Settings())
    records: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, local_stack(Path(tmp) / "data") as stack:
        stack.say("warm-up", "hello")  # loads the model's lazy parts before anything is timed
        outcomes = [play(stack, c, args.max_turns, args.min_letters, records) for c in conversations]
    report(outcomes, args.max_turns)
    if args.lists:
        write_lists(outcomes, records, args.lists)
    if not args.quiet:
        failures(outcomes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
