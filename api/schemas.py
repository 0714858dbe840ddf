"""Request and response models: the public contract shared by the HTTP API and `stackwise ... --json`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge import currency as fx
from knowledge.completeness import not_stated
from knowledge.models import Credential, Participation
from recommender.gaps import GapAnalysis, TargetSkill
from recommender.pathways import Pathway, StepReason
from recommender.ranking import RankedCredential
from recommender.request import Constraints, LearnerRequest, Violation, paced_hours, paced_weeks
from recommender.service import PathwayPlan, Recommendations
from recommender.skills import ConceptMatch

ShortText = Annotated[str, Field(min_length=1, max_length=300)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConstraintsIn(_Model):
    max_price: float | None = Field(default=None, ge=0, description="Per credential; for a pathway, the total budget.")
    currency: fx.CurrencyCode = Field(default=fx.CurrencyCode("EUR"), description="ISO 4217 code of max_price.")
    free_only: bool = False
    modes: list[Participation] = Field(default_factory=list, max_length=3)
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default_factory=list, max_length=20)
    max_hours_per_week: float | None = Field(default=None, gt=0, le=80)
    max_weeks: float | None = Field(default=None, gt=0, le=520)
    eqf_min: int | None = Field(default=None, ge=1, le=8)
    eqf_max: int | None = Field(default=None, ge=1, le=8)
    countries: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = Field(default_factory=list, max_length=50)
    providers: list[ShortText] = Field(default_factory=list, max_length=50, description="Provider or alliance ids.")
    start_before: dt.date | None = None
    accept_unstated_price: bool = Field(
        default=False,
        description="With max_price or free_only: also show credentials whose price the catalog does not state "
        "(they are left out otherwise, with the reason 'price not stated').",
    )

    def to_domain(self) -> Constraints:
        return Constraints(
            max_price=self.max_price,
            currency=str(self.currency.value),
            free_only=self.free_only,
            modes=tuple(self.modes),
            languages=tuple(self.languages),
            max_hours_per_week=self.max_hours_per_week,
            max_weeks=self.max_weeks,
            eqf_min=self.eqf_min,
            eqf_max=self.eqf_max,
            countries=tuple(self.countries),
            providers=tuple(self.providers),
            start_before=self.start_before,
            accept_unstated_price=self.accept_unstated_price,
        )


class LearnerRequestIn(_Model):
    goal: Annotated[str, Field(min_length=2, max_length=2000)]
    skills: list[ShortText] = Field(default_factory=list, max_length=50, description="Free text or ESCO skill URIs.")
    constraints: ConstraintsIn = Field(default_factory=ConstraintsIn)
    limit: int = Field(default=10, ge=1, le=50)
    language: str | None = Field(
        default=None,
        pattern=r"^[a-z]{2}$",
        description="Language of the reply (the page's); courses taught in it are preferred like those in the "
        "language the goal is written in.",
    )

    currency: fx.CurrencyCode | None = Field(
        default=None,
        description="The learner's currency (ISO 4217; e.g. the default of their language, from POST /v1/read): "
        "each result then also gives its price in it (`price_learner`) when the provider prices it in another.",
    )

    def to_domain(self) -> LearnerRequest:
        languages = (self.language,) if self.language else ()
        return LearnerRequest(self.goal, tuple(self.skills), self.constraints.to_domain(), self.limit, languages)


_NOT_STATED = "null when the catalog does not state it"


class CredentialSummary(_Model):
    id: str
    title: str
    provider: str
    provider_name: str
    price: float | None = Field(description=f"0 = free; {_NOT_STATED}.")
    currency: str
    price_eur: float | None = Field(
        description=f"The price converted to EUR at the service's rates, for comparing; {_NOT_STATED}."
    )
    ects: float | None
    hours: float | None = Field(description=f"Notional workload; {_NOT_STATED}.")
    eqf_level: int | None = Field(description=_NOT_STATED)
    participation: Participation | None = Field(description=_NOT_STATED)
    languages: list[str]
    duration_weeks: float | None = Field(description=_NOT_STATED)
    hours_per_week: float | None = Field(description=_NOT_STATED)
    self_paced: bool
    next_start: dt.date | None
    url: str | None
    certificate: str
    not_stated: list[str] = Field(
        default_factory=list,
        description='EU elements the catalog does not state, in words: "price not stated", "EQF level not stated".',
    )
    facts: str = Field(
        default="",
        description='One line for people: "350 EUR · 6 weeks · 8 h/week · online · EQF 6", with '
        '"price not stated" and the like where the catalog is silent.',
    )


def money(amount: float | None, code: str) -> str:
    """A price for people; None reads "price not stated", never 0."""
    if amount is None:
        return not_stated("price")
    return "free" if amount == 0 else f"{amount:,.2f}".rstrip("0").rstrip(".") + f" {code}"


def facts(c: Credential) -> str:
    """Price, duration, pace, mode and level in one line, saying which of them the catalog does not state."""
    parts = [
        money(c.price, c.currency),
        f"{c.duration_weeks:g} weeks" if c.duration_weeks is not None else not_stated("duration_weeks"),
        "self-paced"
        if c.schedule.self_paced
        else f"{c.hours_per_week:g} h/week"
        if c.hours_per_week is not None
        else not_stated("hours_per_week"),
        c.participation.value if c.participation else not_stated("participation"),
        f"EQF {c.eqf_level}" if c.eqf_level is not None else not_stated("eqf_level"),
    ]
    return " · ".join(parts)


def summary(credential: Credential, provider_name: str, today: dt.date) -> CredentialSummary:
    from recommender.request import next_start, price_in

    price_eur = price_in(credential, "EUR")
    return CredentialSummary(
        id=credential.id,
        title=credential.title,
        provider=credential.provider,
        provider_name=provider_name,
        price=credential.price,
        currency=credential.currency,
        price_eur=round(price_eur, 2) if price_eur is not None else None,
        ects=credential.ects,
        hours=credential.workload_hours,
        eqf_level=credential.eqf_level,
        participation=credential.participation,
        languages=list(credential.languages),
        duration_weeks=credential.duration_weeks,
        hours_per_week=credential.hours_per_week,
        self_paced=credential.schedule.self_paced,
        next_start=next_start(credential, today),
        url=credential.url,
        certificate=credential.certificate.value,
        not_stated=[not_stated(name) for name in credential.unstated],
        facts=facts(credential),
    )


def named_summary(credential: Credential, provider_names: dict[str, str], today: dt.date) -> CredentialSummary:
    return summary(credential, provider_names.get(credential.provider, credential.provider), today)


class SkillOut(_Model):
    uri: str
    label: str
    weight: float | None = None
    relation: str | None = None
    via: str | None = None


def skill_out(t: TargetSkill) -> SkillOut:
    return SkillOut(uri=t.uri, label=t.label, weight=round(t.weight, 3), relation=t.relation, via=t.via)


class MatchOut(_Model):
    uri: str
    label: str
    score: float
    matched: str


def match_out(m: ConceptMatch) -> MatchOut:
    return MatchOut(uri=m.uri, label=m.label, score=round(m.score, 4), matched=m.matched)


class KnownSkillOut(_Model):
    text: str
    uri: str
    label: str
    score: float


class AnalysisOut(_Model):
    goal: str
    occupations: list[MatchOut]
    target_skills: list[SkillOut]
    known_skills: list[KnownSkillOut]
    covered_skills: list[str]
    gap_skills: list[SkillOut]
    unmatched_skills: list[str]
    taught_in: list[str] = Field(
        default_factory=list,
        description="Languages the goal asks its courses to be taught in (ISO 639-1); without a language filter, "
        "credentials taught in them are preferred and the request is not read as being about the language.",
    )
    language: str | None = Field(
        default=None, description="The language the goal is written in (ISO 639-1), null when it is too short to tell."
    )


def analysis_out(a: GapAnalysis) -> AnalysisOut:
    return AnalysisOut(
        goal=a.goal,
        occupations=[match_out(o) for o in a.occupations],
        target_skills=[skill_out(t) for t in a.targets],
        known_skills=[KnownSkillOut(text=k.text, uri=k.uri, label=k.label, score=round(k.score, 4)) for k in a.known],
        covered_skills=[c.target.label for c in a.covered],
        gap_skills=[skill_out(t) for t in a.gaps],
        unmatched_skills=list(a.unmatched_known),
        taught_in=list(a.taught_in),
        language=a.language,
    )


class OutcomeMatchOut(_Model):
    outcome: str
    need: str
    need_uri: str | None
    score: float
    via: Literal["ESCO link", "meaning"]


class Explanation(_Model):
    summary: str = Field(
        description='The reason in one English line, worded from `kind`: "Covers skills you still need: ...", '
        '"Close to your goal: “...”" or "Related to your goal."'
    )
    kind: Literal["covers", "goal", "related"] = Field(
        description="The reason as data, for front ends that word it in the learner's language: `covers` names the "
        "first three of `covers` (gap skills it covers); `goal` quotes the first of `matched_outcomes` whose `need` "
        'is "goal" (the outcome closest to the goal); `related` has nothing more specific to say.'
    )
    matched_outcomes: list[OutcomeMatchOut]
    covers: list[str] = Field(description="Labels of the gap skills it covers, best first.")
    uncovered: list[SkillOut]


class MoneyOut(_Model):
    amount: float
    currency: str


def money_in(credential: Credential, code: str | None) -> MoneyOut | None:
    """The credential's price in the learner's currency, when it is stated and priced in another one."""
    if code is None or credential.price is None or credential.currency == code:
        return None
    return MoneyOut(amount=round(fx.convert(credential.price, credential.currency, code), 2), currency=code)


class RecommendationOut(_Model):
    rank: int
    credential: CredentialSummary
    price_learner: MoneyOut | None = Field(
        default=None,
        description="The price converted into the learner's currency (the request's `currency`) at the service's "
        "rates, beside the provider's own; null when that is the provider's currency or the price is not stated.",
    )
    weeks: float | None = Field(
        description="Weeks this learner needs: the credential's duration, or longer when a self-paced one is taken "
        "at the learner's hours-per-week limit; null when the catalog does not state the duration."
    )
    hours_per_week: float | None = Field(
        description="Hours a week this learner spends on it: the credential's, or the learner's limit when a "
        "self-paced one is stretched to fit it; null when the catalog does not state it."
    )
    taught_only_in: list[str] = Field(
        default_factory=list,
        description="The languages it is taught in when none is one the learner has shown (written in, asked for, "
        "the page's, or read alongside those): listed because nothing as close is taught in theirs; show it as a "
        "note. Empty otherwise.",
    )
    score: float
    relevance: float
    coverage: float
    redundancy: float
    explanation: Explanation


ReasonValue = int | float | str | list[str]


class ReasonOut(_Model):
    code: str
    values: dict[str, ReasonValue] = Field(default_factory=dict)


_LIMIT_CODES = (
    "The limits it breaks, as data, in the order of `reasons`, for front ends that word them in the learner's "
    "language: `code` and the `values` its wording needs. Codes: `price_not_stated`, `not_free`, `over_price` "
    "{max, currency}, `mode_not_stated`, `mode` {mode: online|onsite|blended}, `language_not_stated`, `language` "
    "{languages: ISO 639-1 codes it is taught in}, `hours_not_stated`, `hours_per_week` {hours}, `paced_too_long` "
    "{weeks, hours: at the learner's weekly limit}, `duration_not_stated`, `weeks` {weeks}, `eqf_not_stated`, "
    "`eqf` {level}, `country_not_stated`, `country` {country: ISO 3166-1}, `provider` (another provider), "
    "`schedule_not_stated`, `start` {date: the learner's latest start, ISO 8601}."
)


def reason_out(reason: Violation | StepReason) -> ReasonOut:
    return ReasonOut(
        code=reason.code, values={k: list(v) if isinstance(v, tuple) else v for k, v in reason.values.items()}
    )


class HeldBackOut(_Model):
    credential: CredentialSummary
    score: float
    reasons: list[str] = Field(
        description='The limits it breaks, in English: "needs 9 h a week", "is onsite", or "is taught in th" '
        "(worded from `limits`)."
    )
    limits: list[ReasonOut] = Field(default_factory=list, description=_LIMIT_CODES)


class LooseningOut(_Model):
    limit: str = Field(description='A learner limit, as named in the request ("max_price", "modes", ...).')
    more: int


class RecommendationsOut(_Model):
    id: str = Field(description="Give it back with feedback.")
    analysis: AnalysisOut
    results: list[RecommendationOut]
    held_back: list[HeldBackOut] = Field(
        default_factory=list,
        description="Up to 3 credentials that would have made this list but break one of the learner's limits, "
        "best first: what loosening a limit would bring in; then closer matches taught in a language the learner "
        'has not shown ("is taught in th").',
    )
    fitting: int = Field(
        0,
        description="How many credentials pass every limit and are close enough to the goal to list (results "
        "stop there rather than pad the list with off-topic ones).",
    )
    loosen: list[LooseningOut] = Field(
        default_factory=list,
        description="When fewer than `limit` fit: for each limit, how many more would be listed without it.",
    )
    index_version: str


def explanation(r: RankedCredential, labels: dict[str, str]) -> Explanation:
    """Why a result is listed: the kind of reason a learner reads first, its English line, and the matches behind
    it. ESCO labels are verb phrases or topics ("perform data analysis", "statistics"), so they follow a colon
    rather than a verb of ours."""
    covered = [labels[u] for u in r.covers if u in labels]
    goal = next((m for m in r.matches if m.need == "goal"), None)
    kind: Literal["covers", "goal", "related"]
    if covered:
        kind, summary = "covers", "Covers skills you still need: " + ", ".join(covered[:3]) + "."
    elif goal:
        kind, summary = "goal", f"Close to your goal: “{goal.outcome}”"
    else:
        kind, summary = "related", "Related to your goal."
    return Explanation(
        summary=summary,
        kind=kind,
        matched_outcomes=[
            OutcomeMatchOut(outcome=m.outcome, need=m.need, need_uri=m.need_uri, score=m.score, via=m.via)
            for m in r.matches
        ],
        covers=covered,
        uncovered=[skill_out(t) for t in r.uncovered[:8]],
    )


def recommendations_out(
    rec: Recommendations, provider_names: dict[str, str], today: dt.date, rid: str, currency: str | None = None
) -> RecommendationsOut:
    labels = {t.uri: t.label for t in rec.analysis.gaps}
    limit = rec.request.constraints.max_hours_per_week
    return RecommendationsOut(
        id=rid,
        analysis=analysis_out(rec.analysis),
        index_version=rec.index_version,
        results=[
            RecommendationOut(
                rank=n,
                credential=named_summary(r.credential, provider_names, today),
                price_learner=money_in(r.credential, currency),
                weeks=paced_weeks(r.credential, limit),
                hours_per_week=paced_hours(r.credential, limit),
                taught_only_in=list(r.taught_only_in),
                score=round(r.score, 4),
                relevance=round(r.relevance, 4),
                coverage=round(r.coverage, 4),
                redundancy=round(r.redundancy, 4),
                explanation=explanation(r, labels),
            )
            for n, r in enumerate(rec.results, start=1)
        ],
        held_back=[
            HeldBackOut(
                credential=named_summary(h.credential, provider_names, today),
                score=round(h.score, 4),
                reasons=list(h.reasons),
                limits=[reason_out(v) for v in h.limits],
            )
            for h in rec.held_back
        ],
        fitting=rec.fitting,
        loosen=[LooseningOut(limit=x.limit, more=x.more) for x in rec.loosen],
    )


class StepOut(_Model):
    position: int
    credential: CredentialSummary
    price: float | None = Field(description="In the plan's currency; null when the catalog does not state it.")
    start_week: float | None = Field(description="Null after a step whose duration is not stated.")
    end_week: float | None
    covers: list[str]
    reason: str = Field(description='Why it is in the plan, in English ("covers ...", "prerequisite for ...").')
    why: ReasonOut = Field(
        description="The reason as data, for front ends that word it in the learner's language: `covers` {skills: "
        "labels of the gap skills it was chosen for}, `prerequisite` {credential: id, title: the step that needs "
        "it}, or `stack` (it moves a stack toward completion).",
    )
    prerequisite_for: str | None


class StackProgressOut(_Model):
    stack_id: str
    title: str
    award: str
    components_in_plan: int
    components_total: int
    ects_in_plan: float
    ects_required: float
    complete: bool
    summary: str = Field(
        description='In English ("1 of 6 toward <title>, 3 of 15 ECTS"), worded from `components_in_plan`, '
        "`components_total`, `title`, `ects_in_plan` and `ects_required`, which front ends in other languages word "
        "themselves."
    )


class TotalsOut(_Model):
    ects: float
    price: float = Field(description="Of the steps whose price is stated (see price_not_stated).")
    currency: str
    weeks: float = Field(description="Of the steps whose duration is stated (see weeks_not_stated).")
    hours: float = Field(description="Of the steps whose workload is stated (see hours_not_stated).")
    price_not_stated: int = Field(default=0, description="Steps whose price the catalog does not state.")
    weeks_not_stated: int = Field(default=0, description="Steps whose duration the catalog does not state.")
    hours_not_stated: int = Field(default=0, description="Steps whose workload the catalog does not state.")
    notes: list[str] = Field(
        default_factory=list,
        description='What the totals leave out, in English: "1 step: price not stated; the total counts the '
        'others" (worded from price_not_stated, weeks_not_stated and hours_not_stated, which front ends in other '
        "languages word themselves).",
    )


def totals_notes(price: int, weeks: int, hours: int) -> list[str]:
    """Say, in words, which totals leave steps out because the catalog does not state their values."""
    notes = []
    for count, element in ((price, "price"), (weeks, "duration_weeks"), (hours, "workload")):
        if count:
            steps = "1 step" if count == 1 else f"{count} steps"
            notes.append(f"{steps}: {not_stated(element)}; the total counts the others")
    return notes


class PathwayOut(_Model):
    id: str
    analysis: AnalysisOut
    steps: list[StepOut]
    totals: TotalsOut
    stacks: list[StackProgressOut]
    covered_skills: list[str]
    uncovered_skills: list[SkillOut]
    left_out: list[dict[str, str]]


def pathway_out(plan: PathwayPlan, provider_names: dict[str, str], today: dt.date, pid: str) -> PathwayOut:
    p: Pathway = plan.pathway
    return PathwayOut(
        id=pid,
        analysis=analysis_out(plan.analysis),
        steps=[
            StepOut(
                position=s.position,
                credential=named_summary(s.credential, provider_names, today),
                price=s.price,
                start_week=s.start_week,
                end_week=s.end_week,
                covers=list(s.covers),
                reason=s.reason,
                why=reason_out(s.why),
                prerequisite_for=s.prerequisite_for,
            )
            for s in p.steps
        ],
        totals=TotalsOut(
            ects=p.total_ects,
            price=p.total_price,
            currency=p.currency,
            weeks=p.total_weeks,
            hours=p.total_hours,
            price_not_stated=p.price_not_stated,
            weeks_not_stated=p.weeks_not_stated,
            hours_not_stated=p.hours_not_stated,
            notes=totals_notes(p.price_not_stated, p.weeks_not_stated, p.hours_not_stated),
        ),
        stacks=[StackProgressOut.model_validate(s, from_attributes=True) for s in p.stacks],
        covered_skills=list(p.covered),
        uncovered_skills=[skill_out(t) for t in p.uncovered],
        left_out=[{"credential": cid, "why": why} for cid, why in p.left_out],
    )
