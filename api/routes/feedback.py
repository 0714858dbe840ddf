from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from api.auth import PublicCaller
from api.limits import rate_limited
from api.store import Feedback, now

router = APIRouter(prefix="/v1", tags=["feedback"])


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    recommendation_id: str = Field(
        min_length=1, max_length=64, description="The id a recommendation or pathway answer carried."
    )
    credential_id: str | None = Field(default=None, max_length=80)
    useful: bool
    text: str = Field(default="", max_length=2000)


class FeedbackOut(BaseModel):
    id: int
    stored: bool = True


@router.post("/feedback", response_model=FeedbackOut, status_code=201, summary="Was a recommendation useful?")
def feedback(body: FeedbackIn, request: Request, _: PublicCaller) -> FeedbackOut:
    rate_limited(request)
    row = Feedback(
        recommendation_id=body.recommendation_id,
        credential_id=body.credential_id,
        useful=body.useful,
        text=body.text,
        created_at=now(),
    )
    with request.app.state.api_store.session() as s:
        s.add(row)
        s.flush()
        return FeedbackOut(id=row.id)
