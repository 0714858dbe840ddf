"""The API's own tables (keys, learners, saved pathways, feedback, anonymised analytics events), beside the
catalog tables in the same database. Migrated by Alembic with a version table of their own."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Engine, Float, ForeignKey, Integer, String, Text, delete, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from knowledge.store import migrate

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "stackwise_api_version"
ROLES = ("public", "adviser", "admin")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Learner(Base):
    __tablename__ = "learners"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)  # goal, skills, constraints
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SavedPathway(Base):
    __tablename__ = "saved_pathways"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{credential_id, status}]
    notes: Mapped[str] = mapped_column(Text, default="")
    share_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recommendation_id: Mapped[str] = mapped_column(String(64), index=True)
    credential_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    useful: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DemandEvent(Base):
    """One recommendation request, anonymised: which skills were wanted and how well the catalog answered."""

    __tablename__ = "demand_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    target_skills: Mapped[list[str]] = mapped_column(JSON)
    gap_skills: Mapped[list[str]] = mapped_column(JSON)
    best_coverage: Mapped[float] = mapped_column(Float)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions: sessionmaker[Session] | None = None

    def open(self) -> ApiStore:
        if self._sessions is None:
            migrate(self.engine, MIGRATIONS, VERSION_TABLE)
            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        return self

    @contextmanager
    def session(self) -> Iterator[Session]:
        self.open()
        assert self._sessions is not None
        with self._sessions.begin() as s:
            yield s

    # -- keys ------------------------------------------------------------------------------------------------

    def create_key(self, name: str, role: str) -> tuple[ApiKey, str]:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        secret = "sw_" + secrets.token_urlsafe(32)
        with self.session() as s:
            if s.scalar(select(ApiKey).where(ApiKey.name == name)) is not None:
                raise ValueError(f"a key named {name!r} exists; revoke it or pick another name")
            key = ApiKey(id=new_id("key"), name=name, role=role, key_hash=hash_key(secret), created_at=now())
            s.add(key)
        return key, secret

    def role_of(self, secret: str) -> str | None:
        with self.session() as s:
            key = s.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(secret)))
            return key.role if key is not None and key.revoked_at is None else None

    def revoke(self, name_or_id: str) -> bool:
        with self.session() as s:
            key = s.scalar(select(ApiKey).where((ApiKey.name == name_or_id) | (ApiKey.id == name_or_id)))
            if key is None or key.revoked_at is not None:
                return False
            key.revoked_at = now()
            return True

    def list_keys(self) -> list[ApiKey]:
        with self.session() as s:
            return list(s.scalars(select(ApiKey).order_by(ApiKey.created_at)))

    # -- learners --------------------------------------------------------------------------------------------

    def erase_learner(self, learner_id: str) -> bool:
        """Delete the learner and everything stored about them (GDPR art. 17)."""
        with self.session() as s:
            if s.get(Learner, learner_id) is None:
                return False
            s.execute(delete(SavedPathway).where(SavedPathway.learner_id == learner_id))
            s.execute(delete(Learner).where(Learner.id == learner_id))
            return True

    def count(self, model: type[Base]) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)
