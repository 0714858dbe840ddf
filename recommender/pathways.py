"""Pathway planning: from ranked credentials to an ordered plan a learner can follow.

Greedy weighted set cover of the skill gap, where a step's value is the gap weight it newly covers (plus a
bonus for moving a stack toward completion and a little for relevance) and its cost grows with price and hours.
Prerequisites are pulled in before the credential that needs them, or the credential is left out with the
reason. The plan stays within the budget (total price), weekly hours and total weeks; credentials are taken
one after another, so weekly hours never add up. A price, duration or workload the catalog does not state is
never counted as 0: totals add the stated ones and say how many steps lack one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

import numpy as np

from knowledge.models import Catalog, Credential
from recommender.gaps import GapAnalysis, TargetSkill
from recommender.ranking import RankedCredential
from recommender.request import Coded, Constraints, Violation, paced_weeks, price_in, violations


@dataclass(frozen=True, slots=True)
class PlannerSettings:
    max_steps: int = 6
    min_gain: float = 0.02  # stop when a step adds less than this share of the gap
    stack_bonus: float = 0.15
    relevance_bonus: float = 0.1
    price_scale: float = 500.0  # EUR that weigh as much as one unit of cost
    hours_scale: float = 100.0
    cover_threshold: float = 0.5
    # Cost units of a step whose price or workload is not stated (only there when the learner accepts that): as
    # much as a mid-priced, mid-sized credential, so "unknown" is neither a bargain nor a penalty.
    unstated_price_cost: float = 1.0
    unstated_hours_cost: float = 0.5


# The English of every step reason, the one place it is worded (CLI, console, the API's `reason`).
STEP_ENGLISH: Mapping[str, str] = MappingProxyType(
    {
        "prerequisite": "prerequisite for {title}",
        "covers": "covers {skills}",
        "stack": "completes a stack",
    }
)


@dataclass(frozen=True)
class StepReason(Coded):
    """Why a step is in the plan: `covers` {skills: gap skill labels it was chosen for}, `prerequisite` {credential,
    title: the step that needs it}, `stack` (it moves a stack toward completion)."""

    ENGLISH: ClassVar[Mapping[str, str]] = STEP_ENGLISH
    WHAT: ClassVar[str] = "step reason"

    __hash__ = Coded.__hash__


@dataclass(frozen=True, slots=True)
class PathwayStep:
    position: int
    credential: Credential
    price: float | None  # in the plan's currency; None: not stated
    start_week: float | None  # None once an earlier step's duration is not stated
    end_week: float | None
    covers: tuple[str, ...]  # gap skill labels this step covers first
    why: StepReason
    prerequisite_for: str | None = None

    @property
    def reason(self) -> str:
        """Why it is in the plan, in English ("covers perform data analysis")."""
        return self.why.text


@dataclass(frozen=True, slots=True)
class StackProgress:
    stack_id: str
    title: str
    award: str
    components_in_plan: int
    components_total: int
    ects_in_plan: float
    ects_required: float

    @property
    def complete(self) -> bool:
        return self.ects_in_plan >= self.ects_required

    @property
    def summary(self) -> str:
        return (
            f"{self.components_in_plan} of {self.components_total} toward {self.title}, "
            f"{self.ects_in_plan:g} of {self.ects_required:g} ECTS"
        )


@dataclass(frozen=True)
class Pathway:
    steps: tuple[PathwayStep, ...]
    total_ects: float
    total_price: float  # of the steps whose price is stated
    currency: str
    total_weeks: float  # of the steps whose duration is stated
    total_hours: float  # of the steps whose workload is stated
    stacks: tuple[StackProgress, ...]
    covered: tuple[str, ...]
    uncovered: tuple[TargetSkill, ...]
    left_out: tuple[tuple[str, str], ...] = field(default=())  # (credential id, why)
    price_not_stated: int = 0  # steps the total price leaves out
    weeks_not_stated: int = 0
    hours_not_stated: int = 0


class PathwayPlanner:
    def __init__(self, catalog: Catalog, settings: PlannerSettings = PlannerSettings()) -> None:
        self.catalog = catalog
        self.settings = settings

    def plan(
        self,
        ranked: Sequence[RankedCredential],
        gap: GapAnalysis,
        constraints: Constraints,
        today: dt.date,
        known_credentials: frozenset[str] = frozenset(),
    ) -> Pathway:
        s = self.settings
        cur = constraints.currency
        weights = np.asarray([t.weight for t in gap.gaps], dtype=np.float64)
        total_weight = float(weights.sum()) or 1.0
        cover = {r.credential.id: set(r.covers) for r in ranked}
        relevance = {r.credential.id: r.relevance for r in ranked}
        gap_index = {t.uri: i for i, t in enumerate(gap.gaps)}
        covered = np.zeros(len(gap.gaps), dtype=bool)
        chosen: list[Credential] = []
        reasons: dict[str, StepReason] = {}
        prerequisite_of: dict[str, str] = {}
        left_out: dict[str, str] = {}
        budget = constraints.max_price
        spent = 0.0
        weeks = 0.0

        def fits(extra: Sequence[Credential]) -> str | None:
            # Unknown prices and durations are only here when no limit applies to them (see `violations`).
            price = spent + sum(_known(price_in(c, cur)) for c in extra)
            if budget is not None and price > budget + 1e-9:
                return f"the plan would cost {price:.0f} {cur}, over the {budget:g} {cur} budget"
            total_weeks = weeks + sum(_known(paced_weeks(c, constraints.max_hours_per_week)) for c in extra)
            if constraints.max_weeks is not None and total_weeks > constraints.max_weeks + 1e-9:
                return f"the plan would take {total_weeks:g} weeks, over the {constraints.max_weeks:g} available"
            return None

        def stack_gain(c: Credential) -> float:
            in_plan = {x.id for x in chosen}
            gain = 0.0
            for contribution in c.stacks:
                stack = self.catalog.stack_by_id.get(contribution.stack)
                if stack is None:
                    continue
                have = sum(
                    s2.ects
                    for x in self.catalog.stack_components(stack.id)
                    if x.id in in_plan
                    for s2 in x.stacks
                    if s2.stack == stack.id
                )
                if have > 0 or len(in_plan) == 0:
                    gain = max(gain, min(contribution.ects, max(stack.ects - have, 0)) / stack.ects)
            return gain

        candidates = [r.credential for r in ranked]
        while len(chosen) < s.max_steps:
            best: tuple[float, Credential, list[Credential]] | None = None
            for c in candidates:
                if c in chosen or c.id in known_credentials:
                    continue
                if broken := violations(c, constraints, self.catalog, today, per_credential_price=False):
                    left_out.setdefault(c.id, _it(broken[0]))
                    continue
                new = [gap_index[u] for u in cover.get(c.id, set()) if u in gap_index and not covered[gap_index[u]]]
                gain = float(weights[new].sum()) / total_weight if new else 0.0
                if gain < s.min_gain:
                    continue
                extra, why = self._with_prerequisites(c, chosen, known_credentials, constraints, today)
                if why:
                    left_out.setdefault(c.id, why)
                    continue
                if (why := fits(extra)) is not None:
                    left_out.setdefault(c.id, why)
                    continue
                cost = sum(self._cost(x) for x in extra)
                value = gain + s.stack_bonus * stack_gain(c) + s.relevance_bonus * relevance.get(c.id, 0.0)
                ratio = value / cost
                if best is None or ratio > best[0]:
                    best = (ratio, c, extra)
            if best is None:
                break
            _, c, extra = best
            for x in extra:
                chosen.append(x)
                spent += _known(price_in(x, cur))
                weeks += _known(paced_weeks(x, constraints.max_hours_per_week))
                if x is not c:
                    prerequisite_of[x.id] = c.id
                    reasons[x.id] = StepReason("prerequisite", {"credential": c.id, "title": c.title})
                left_out.pop(x.id, None)
            newly = [
                gap.gaps[gap_index[u]].label
                for u in cover.get(c.id, set())
                if u in gap_index and not covered[gap_index[u]]
            ]
            reasons[c.id] = StepReason("covers", {"skills": tuple(newly[:4])}) if newly else StepReason("stack")
            for x in extra:
                for u in cover.get(x.id, set()):
                    if u in gap_index:
                        covered[gap_index[u]] = True
        ordered = self._order(chosen)
        steps: list[PathwayStep] = []
        clock: float | None = 0.0  # None after a step of unknown duration: later start weeks are unknown
        first_cover: set[str] = set()
        for n, c in enumerate(ordered, start=1):
            labels = [
                gap.gaps[gap_index[u]].label for u in cover.get(c.id, set()) if u in gap_index and u not in first_cover
            ]
            first_cover.update(cover.get(c.id, set()))
            price = price_in(c, cur)
            length = paced_weeks(c, constraints.max_hours_per_week)
            end = clock + length if clock is not None and length is not None else None
            steps.append(
                PathwayStep(
                    n,
                    c,
                    round(price, 2) if price is not None else None,
                    clock,
                    end,
                    tuple(labels),
                    reasons[c.id],
                    prerequisite_of.get(c.id),
                )
            )
            clock = end
        lengths = [paced_weeks(c, constraints.max_hours_per_week) for c in ordered]
        workloads = [c.workload_hours for c in ordered]
        return Pathway(
            steps=tuple(steps),
            total_ects=sum(c.ects or 0 for c in ordered),
            total_price=round(sum(_known(st.price) for st in steps), 2),
            currency=cur,
            total_weeks=sum(_known(w) for w in lengths),
            total_hours=sum(_known(h) for h in workloads),
            stacks=stack_progress(self.catalog, ordered),
            covered=tuple(t.label for i, t in enumerate(gap.gaps) if covered[i]),
            uncovered=tuple(t for i, t in enumerate(gap.gaps) if not covered[i]),
            left_out=tuple(sorted(left_out.items()))[:10],
            price_not_stated=sum(1 for st in steps if st.price is None),
            weeks_not_stated=lengths.count(None),
            hours_not_stated=workloads.count(None),
        )

    def _cost(self, c: Credential) -> float:
        """What taking a step costs the learner, in units; an unstated price or workload counts as typical."""
        s = self.settings
        price = price_in(c, "EUR")
        hours = c.workload_hours
        return (
            1.0
            + (price / s.price_scale if price is not None else s.unstated_price_cost)
            + (hours / s.hours_scale if hours is not None else s.unstated_hours_cost)
        )

    def _with_prerequisites(
        self,
        c: Credential,
        chosen: Sequence[Credential],
        known: frozenset[str],
        constraints: Constraints,
        today: dt.date,
    ) -> tuple[list[Credential], str | None]:
        """The credential preceded by the prerequisites the plan lacks (depth first), or why that is impossible."""
        have = {x.id for x in chosen} | known
        out: list[Credential] = []
        visiting: set[str] = set()

        def visit(x: Credential) -> str | None:
            if x.id in visiting:
                return f"its prerequisites form a cycle through {x.id}"
            visiting.add(x.id)
            for pre_id in x.prerequisites.credentials:
                if pre_id in have or any(o.id == pre_id for o in out):
                    continue
                pre = self.catalog.credential_by_id.get(pre_id)
                if pre is None:
                    return f"it needs {pre_id}, which is not in the catalog"
                broken = violations(pre, constraints, self.catalog, today, per_credential_price=False)
                if broken:
                    first = broken[0]
                    return f"it needs {pre.title} first" + (f": {first}" if first.unstated else f", which {first}")
                if (why := visit(pre)) is not None:
                    return why
            visiting.discard(x.id)
            out.append(x)
            return None

        why = visit(c)
        return (out, None) if why is None else ([], why)

    def _order(self, chosen: Sequence[Credential]) -> list[Credential]:
        """Topological order by prerequisites; otherwise the order they were chosen in."""
        ids = {c.id for c in chosen}
        placed: list[Credential] = []
        done: set[str] = set()
        remaining = list(chosen)
        while remaining:
            for c in remaining:
                if all(p in done or p not in ids for p in c.prerequisites.credentials):
                    placed.append(c)
                    done.add(c.id)
                    remaining.remove(c)
                    break
            else:  # a cycle cannot be ordered; keep the rest as chosen (validation forbids cycles anyway)
                placed.extend(remaining)
                break
        return placed


def _it(violation: Violation) -> str:
    """A violation as a reason: "it costs more than 300 EUR", but plainly "price not stated"."""
    return violation.text if violation.unstated else f"it {violation.text}"


def _known(value: float | None) -> float:
    """A stated amount, for sums that report the unstated ones separately."""
    return value if value is not None else 0.0


def stack_progress(catalog: Catalog, credentials: Sequence[Credential]) -> tuple[StackProgress, ...]:
    """How far these credentials go toward each stack they belong to, most advanced first."""
    in_plan = {c.id for c in credentials}
    touched = {s.stack for c in credentials for s in c.stacks}
    progress = []
    for stack_id in sorted(touched):
        stack = catalog.stack_by_id.get(stack_id)
        if stack is None:
            continue
        components = catalog.stack_components(stack_id)
        ects = sum(s.ects for c in components if c.id in in_plan for s in c.stacks if s.stack == stack_id)
        progress.append(
            StackProgress(
                stack_id,
                stack.title,
                stack.award,
                sum(1 for c in components if c.id in in_plan),
                len(components),
                ects,
                stack.ects,
            )
        )
    return tuple(sorted(progress, key=lambda p: -p.ects_in_plan / p.ects_required))
