"""The catalog store: SQLAlchemy 2 over SQLite (default) or PostgreSQL, schema managed by Alembic.

Each record is kept as its native JSON document plus the columns the API filters on. Writes happen in one
transaction after validation succeeded, so a bad file never half-writes the catalog.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    create_engine,
    delete,
    event,
    func,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from knowledge.models import Catalog, Credential
from knowledge.schema import (
    CatalogFile,
    CredentialRecord,
    ProviderRecord,
    StackRecord,
    catalog_to_document,
    record_document,
)

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "stackwise_catalog_version"


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class ProviderRow(Base):
    __tablename__ = "providers"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2), index=True, nullable=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class StackRow(Base):
    __tablename__ = "stacks"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(80), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class CredentialRow(Base):
    __tablename__ = "credentials"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    # NULL where the source does not state the element (migration 0003), never a stand-in value.
    participation: Mapped[str | None] = mapped_column(String(16), index=True, nullable=True)
    eqf_level: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)
    price: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    hours_per_week: Mapped[float | None] = mapped_column(Float, nullable=True)
    duration_weeks: Mapped[float | None] = mapped_column(Float, nullable=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CatalogMeta(Base):
    """One row: a revision counter and content hash, so readers (index, API replicas) can tell a change."""

    __tablename__ = "catalog_meta"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # A database host that drops packets must fail a readiness check in seconds, not hang it.
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()

    return engine


def migrate(engine: Engine, script_location: Path = MIGRATIONS, version_table: str = VERSION_TABLE) -> None:
    """Bring the schema to the newest Alembic revision (idempotent)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["version_table"] = version_table
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # SQLite alters a column by rebuilding the table (copy, drop, rename), and a table other rows refer to
            # cannot be dropped while foreign keys are enforced. The pragma only works outside a transaction.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            # pysqlite commits DDL at once, so a rebuild that failed half-way leaves its copy behind: drop it.
            leftovers = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '\\_alembic\\_tmp\\_%' ESCAPE '\\'"
            ).scalars()
            for name in list(leftovers):
                conn.exec_driver_sql(f'DROP TABLE "{name}"')
            conn.commit()
        try:
            with conn.begin():
                _serialise(conn, f"migrate {version_table}")  # replicas starting together on one database
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise RuntimeError(f"migrating {version_table} broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def _serialise(conn: Connection, step: str) -> None:
    """Hold a PostgreSQL advisory lock named after `step` until this transaction ends, so processes sharing the
    database take turns (one migrates or seeds, the others then find the work done). SQLite has a single writer."""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"stackwise {step}".encode()).digest()[:8], "big", signed=True)
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


@contextmanager
def exclusive(engine: Engine, step: str) -> Iterator[None]:
    """One process at a time runs the block, across every process using this PostgreSQL database."""
    with engine.begin() as conn:
        _serialise(conn, step)
        yield


def run_migrations(metadata: MetaData) -> None:
    """The body of an Alembic env.py: migrate on the connection `migrate` passed in (online mode only)."""
    from alembic import context

    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=context.config.attributes.get("version_table", "alembic_version"),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def content_hash(catalog: Catalog) -> str:
    document = catalog_to_document(catalog)
    return _digest({key: document.get(key, []) for key in ("providers", "stacks", "credentials")})


def _digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def _documents(s: Session) -> dict[str, list[dict[str, Any]]]:
    return {
        "providers": [r.document for r in s.scalars(select(ProviderRow).order_by(ProviderRow.id))],
        "stacks": [r.document for r in s.scalars(select(StackRow).order_by(StackRow.id))],
        "credentials": [r.document for r in s.scalars(select(CredentialRow).order_by(CredentialRow.id))],
    }


class CatalogStore:
    """Reads and writes the catalog. Cheap to construct; `open()` connects and migrates."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    def open(self) -> CatalogStore:
        if self._engine is None:
            self._engine = make_engine(self.url)
            migrate(self._engine)
            self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        return self

    @property
    def engine(self) -> Engine:
        self.open()
        assert self._engine is not None
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._sessions = None

    @contextmanager
    def session(self) -> Iterator[Session]:
        self.open()
        assert self._sessions is not None
        with self._sessions.begin() as session:
            yield session

    # -- reading ---------------------------------------------------------------------------------------------

    def load(self) -> Catalog:
        with self.session() as s:
            document = _documents(s)
        return document_to_catalog(document)

    def is_empty(self) -> bool:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(CredentialRow)) == 0

    def revision(self) -> tuple[int, str]:
        with self.session() as s:
            meta = s.get(CatalogMeta, 1)
            return (meta.revision, meta.content_hash) if meta else (0, "")

    # -- writing ---------------------------------------------------------------------------------------------

    def write(self, catalog: Catalog, replace: bool = False) -> tuple[int, str]:
        """Upsert every record of `catalog` (or make the store exactly `catalog`) in one transaction."""
        with self.session() as s:
            if replace:
                s.execute(delete(CredentialRow))
                s.execute(delete(StackRow))
                s.execute(delete(ProviderRow))
            for p in catalog.providers:
                s.merge(
                    ProviderRow(
                        id=p.id,
                        name=p.name,
                        country=p.country,
                        document=record_document(ProviderRecord.from_domain(p)),
                    )
                )
            for st in catalog.stacks:
                s.merge(
                    StackRow(
                        id=st.id,
                        provider_id=st.provider,
                        document=record_document(StackRecord.from_domain(st)),
                    )
                )
            s.flush()
            now = dt.datetime.now(dt.UTC)
            for c in catalog.credentials:
                s.merge(_credential_row(c, now))
            return self._bump(s)

    def delete_credential(self, credential_id: str) -> bool:
        with self.session() as s:
            row = s.get(CredentialRow, credential_id)
            if row is None:
                return False
            s.delete(row)
            s.flush()
            self._bump(s)
            return True

    def _bump(self, s: Session) -> tuple[int, str]:
        s.flush()
        digest = _digest(_documents(s))
        meta = s.get(CatalogMeta, 1)
        now = dt.datetime.now(dt.UTC)
        if meta is None:
            meta = CatalogMeta(id=1, revision=0, content_hash="", updated_at=now)
            s.add(meta)
        if meta.content_hash != digest:
            meta.revision += 1
            meta.content_hash = digest
            meta.updated_at = now
        return meta.revision, meta.content_hash


def _credential_row(c: Credential, now: dt.datetime) -> CredentialRow:
    return CredentialRow(
        id=c.id,
        provider_id=c.provider,
        title=c.title,
        participation=c.participation.value if c.participation else None,
        eqf_level=c.eqf_level,
        price=c.price,
        currency=c.currency,
        hours_per_week=c.hours_per_week,
        duration_weeks=c.duration_weeks,
        document=record_document(CredentialRecord.from_domain(c)),
        updated_at=now,
    )


def document_to_catalog(document: dict[str, Any]) -> Catalog:
    """A catalog from a trusted native document (one the store or an export wrote)."""
    parsed = CatalogFile.model_validate(document)
    return Catalog(
        providers=tuple(p.to_domain() for p in parsed.providers),
        stacks=tuple(s.to_domain() for s in parsed.stacks),
        credentials=tuple(c.to_domain() for c in parsed.credentials),
    )
