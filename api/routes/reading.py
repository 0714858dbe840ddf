"""POST /v1/read: the language of a learner's message, the limits and the skills it states, for every front end (the bot, the
widget, integrations) from one reader."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.auth import PublicCaller
from api.deps import ReaderDep
from api.limits import rate_limited
from knowledge.models import Participation
from recommender.reading import Reading

router = APIRouter(prefix="/v1", tags=["reading"])


class ReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(min_length=1, max_length=2000, description="The learner's message, as written.")]
    language: str | None = Field(
        default=None,
        pattern=r"^[a-z]{2}$",
        description="The page's or conversation's language: used when the text is too short to tell, and to choose "
        "between close languages (Indonesian or Malay).",
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("the text is blank; send the learner's message")
        return text


class AmountOut(BaseModel):
    amount: float = Field(ge=0)
    currency: str | None = Field(description="ISO 4217; null when the message does not say it (see default_currency).")


class ReadingOut(BaseModel):
    language: str | None = Field(description="ISO 639-1 code of the message's language; null when it cannot be told.")
    budget: AmountOut | None = Field(description="The amount the learner can spend; null when none is stated.")
    free_only: bool = Field(description="The learner asks for free courses only.")
    hours_per_week: float | None = Field(description="Hours a week the learner can study ('2 hours a day' is 14).")
    max_weeks: int | None = Field(description="Weeks the learner has in all ('in 3 months' is 13).")
    modes: list[Participation] = Field(description="Modes of study asked for: online, onsite, blended.")
    default_currency: str | None = Field(
        description="The currency speakers of the language most likely mean when they do not say it; null for "
        "languages spoken in many currencies (English), and when the budget is said with a word that names no one "
        "currency ('500 pesos': which peso?)."
    )
    skills: list[str] = Field(
        default_factory=list,
        description="Skills the message says the learner has ('I know Excel and some SQL but want to learn Python': "
        "Excel, SQL), limits and wishes left out.",
    )
    listed: list[str] = Field(
        default_factory=list,
        description="The message read as an answer to 'what can you already do?': each item of its list up to a "
        "wish, limits left out ('Excel, Word, max 5 hours a week': Excel, Word).",
    )
    wants: list[str] = Field(
        default_factory=list,
        description="What the message says the learner wants to learn or become ('... but I want to learn Python': "
        "Python); empty when it states no wish.",
    )
    languages_named: list[str] = Field(
        default_factory=list,
        description="ISO 639-1 codes of the languages the message names, in any learner's language ('in Spanish', "
        "'pakai bahasa Indonesia', 'suomeksi'): in an answer about limits, the courses' language.",
    )
    taught_in: list[str] = Field(
        default_factory=list,
        description="Languages the message asks its courses to be taught in ('courses in German please'); not a "
        "language it wants to learn ('learn Spanish') or the learner's own teaching ('I teach in English').",
    )
    topic: str = Field(
        default="",
        description="The message without the limits it states ('..., online, anggaran 3 juta rupiah' cut): what "
        "recommendations are matched against; the message itself when it states nothing else.",
    )


def reading_out(reading: Reading) -> ReadingOut:
    budget = reading.budget
    return ReadingOut(
        language=reading.language,
        budget=AmountOut(amount=budget.amount, currency=budget.currency) if budget else None,
        free_only=reading.free_only,
        hours_per_week=reading.hours_per_week,
        max_weeks=reading.max_weeks,
        modes=[Participation(m) for m in reading.modes],
        default_currency=reading.default_currency,
        skills=list(reading.skills),
        listed=list(reading.listed),
        wants=list(reading.wants),
        languages_named=list(reading.languages_named),
        taught_in=list(reading.taught_in),
        topic=reading.topic,
    )


@router.post(
    "/read", response_model=ReadingOut, summary="The language of a message, and the limits and skills it states"
)
def read(body: ReadIn, request: Request, reader: ReaderDep, _: PublicCaller) -> ReadingOut:
    rate_limited(request)
    return reading_out(reader.read(body.text, body.language))
