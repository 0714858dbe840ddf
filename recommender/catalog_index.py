"""The index over a catalog's learning outcomes (plus titles and descriptions), persisted as a directory.

Layout of one build: `manifest.json` (model, dimension, catalog hash, build time, library versions),
`entries.json` (vector id -> credential, kind, position, text hash), `vectors.npy` and the FAISS files.
Builds are written aside under `builds/` and published by swapping the `current` symlink, so a crash
mid-build never leaves a broken live index. A rebuild re-embeds only text whose hash it has not seen.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Literal

import numpy as np

from knowledge.models import Catalog, Credential
from knowledge.store import content_hash
from recommender.encoder import Encoder, Progress, text_key
from recommender.index import DEFAULT_EXACT_LIMIT, FaissIndex

FORMAT_VERSION = 1
EntryKind = Literal["outcome", "title", "description"]


class IndexMismatch(RuntimeError):
    """The index on disk was built for another model, dimension or catalog."""


class IndexMissing(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Entry:
    credential_id: str
    kind: EntryKind
    position: int
    key: str  # hash of the embedded text


@dataclass(frozen=True)
class Manifest:
    format_version: int
    model: str
    dimension: int
    catalog_hash: str
    built_at: str
    entries: int
    credentials: int
    index_kind: str
    versions: dict[str, str]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("faiss-cpu", "numpy", "sentence-transformers", "torch", "stackwise"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return out


def entry_texts(credential: Credential) -> list[tuple[EntryKind, int, str]]:
    texts: list[tuple[EntryKind, int, str]] = [
        ("title", 0, credential.title),
        ("description", 0, credential.description),
    ]
    texts += [("outcome", i, o.text) for i, o in enumerate(credential.learning_outcomes)]
    # The same texts in the credential's other languages (an ELM language map): a goal meets the wording closest
    # to its own language; an outcome keeps its position, so it explains and covers as the first language's does.
    for local in credential.texts:
        texts += [("title", 0, local.title)] if local.title else []
        texts += [("description", 0, local.description)] if local.description else []
        n = len(credential.learning_outcomes)
        texts += [("outcome", i, t) for i, t in enumerate(local.learning_outcomes[:n]) if t]
    return texts


class CatalogIndex:
    """Vectors of one catalog's texts and the FAISS index over them."""

    def __init__(self, entries: list[Entry], vectors: np.ndarray, index: FaissIndex, manifest: Manifest) -> None:
        self.entries = entries
        self.vectors = vectors
        self.index = index
        self.manifest = manifest
        self._rebuild_lookup()

    def _rebuild_lookup(self) -> None:
        self.rows_of: dict[str, list[int]] = {}
        for row, entry in enumerate(self.entries):
            self.rows_of.setdefault(entry.credential_id, []).append(row)

    # -- building --------------------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        catalog: Catalog,
        encoder: Encoder,
        exact_limit: int = DEFAULT_EXACT_LIMIT,
        progress: Progress | None = None,
        reuse: CatalogIndex | None = None,
    ) -> CatalogIndex:
        """Embed every text of the catalog (reusing vectors of `reuse` for unchanged text) and index them."""
        entries: list[Entry] = []
        texts: list[str] = []
        for credential in catalog:
            for kind, position, text in entry_texts(credential):
                entries.append(Entry(credential.id, kind, position, text_key(text)))
                texts.append(text)
        known: dict[str, np.ndarray] = {}
        if reuse is not None and reuse.manifest.model == encoder.name:
            known = {e.key: reuse.vectors[i] for i, e in enumerate(reuse.entries)}
        todo = {e.key: t for e, t in zip(entries, texts, strict=True) if e.key not in known}
        if progress and len(todo) < len(texts):
            progress(len(texts) - len(todo))
        if todo:
            fresh = encoder.encode(list(todo.values()), progress)
            known.update(zip(todo.keys(), fresh, strict=True))
        dimension = encoder.dimension
        vectors = (
            np.vstack([known[e.key] for e in entries]).astype(np.float32)
            if entries
            else np.zeros((0, dimension), dtype=np.float32)
        )
        index = FaissIndex.for_size(dimension, len(entries), exact_limit)
        index.add(np.arange(len(entries), dtype=np.int64), vectors)
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            model=encoder.name,
            dimension=dimension,
            catalog_hash=content_hash(catalog),
            built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            entries=len(entries),
            credentials=len(catalog),
            index_kind=index.kind,
            versions=_versions(),
        )
        return cls(entries, vectors, index, manifest)

    # -- search ----------------------------------------------------------------------------------------------

    def search(self, query: np.ndarray, k: int) -> list[tuple[float, Entry]]:
        scores, ids = self.index.search(query.reshape(1, -1), k)
        return [(float(s), self.entries[int(i)]) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    # -- persistence -----------------------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "vectors.npy", self.vectors)
        (directory / "entries.json").write_text(
            json.dumps([[e.credential_id, e.kind, e.position, e.key] for e in self.entries])
        )
        self.index.save(directory)
        (directory / "manifest.json").write_text(self.manifest.to_json())

    @classmethod
    def load(
        cls,
        directory: Path,
        model: str | None = None,
        dimension: int | None = None,
        catalog_hash: str | None = None,
    ) -> CatalogIndex:
        manifest_path = directory / "manifest.json"
        if not manifest_path.is_file():
            raise IndexMissing(f"no index at {directory}; build it with `stackwise index build`")
        manifest = Manifest(**json.loads(manifest_path.read_text()))
        problems = []
        if manifest.format_version != FORMAT_VERSION:
            problems.append(f"format {manifest.format_version} (this Stackwise reads {FORMAT_VERSION})")
        if model is not None and manifest.model != model:
            problems.append(f"model {manifest.model!r} (configured: {model!r})")
        if dimension is not None and manifest.dimension != dimension:
            problems.append(f"dimension {manifest.dimension} (model gives {dimension})")
        if catalog_hash is not None and manifest.catalog_hash != catalog_hash:
            problems.append("a different catalog (the store changed since the build)")
        if problems:
            raise IndexMismatch(
                f"the index at {directory} was built for "
                + "; ".join(problems)
                + ". Rebuild it: `stackwise index build`"
            )
        raw = json.loads((directory / "entries.json").read_text())
        entries = [Entry(c, k, p, key) for c, k, p, key in raw]
        vectors = np.load(directory / "vectors.npy")
        return cls(entries, vectors, FaissIndex.load(directory), manifest)


class IndexStore:
    """Where builds live: `root/builds/<stamp>/` and the `root/current` symlink that names the live one.

    Several processes (API replicas, the CLI) may share one root: each publishes by an atomic symlink swap,
    readers load through the link they read once, and nobody removes a build another process is still writing.
    """

    PARTIAL_GRACE_SECONDS = 6 * 3600  # a partial build younger than this may belong to a build in progress

    def __init__(self, root: Path, keep: int = 2) -> None:
        self.root = root
        self.keep = keep

    @property
    def current(self) -> Path:
        return self.root / "current"

    def exists(self) -> bool:
        return (self.current / "manifest.json").is_file()

    def version(self) -> str | None:
        """Which build is live (readers poll this to reload after a swap)."""
        try:
            return os.readlink(self.current)
        except OSError:
            return None

    def publish(self, index: CatalogIndex) -> Path:
        builds = self.root / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        staging = builds / f".{stamp}.{platform.node()}-{os.getpid()}.partial"
        index.save(staging)
        final = builds / stamp
        staging.rename(final)
        link = self.root / f".current.{stamp}.{os.getpid()}"
        os.symlink(self.version_of(final), link)
        os.replace(link, self.current)  # atomic on POSIX: readers see the old or the new build, never half
        self._prune(final)
        return final

    @staticmethod
    def version_of(build: Path) -> str:
        """The version string `version()` reports while `build` is live."""
        return str(Path("builds") / build.name)

    def _prune(self, live: Path) -> None:
        """Keep the live build and the newest others up to `keep`; drop partial builds a crash left behind long
        enough ago that no other process can still be writing them."""
        builds = sorted(p for p in (self.root / "builds").iterdir() if p.is_dir())
        finished = [p for p in builds if not p.name.startswith(".")]
        keep = {*finished[-self.keep :], live}
        now = time.time()
        for path in builds:
            if path in keep:
                continue
            if path.name.startswith(".") and now - path.stat().st_mtime < self.PARTIAL_GRACE_SECONDS:
                continue
            shutil.rmtree(path, ignore_errors=True)

    def load(self, **expected: object) -> CatalogIndex:
        return self.load_live(**expected)[1]

    def load_live(self, **expected: object) -> tuple[str, CatalogIndex]:
        """The live build and its version, read through one look at the link (a swap meanwhile cannot mix them)."""
        version = self.version()
        if version is None:
            if (self.current / "manifest.json").is_file():  # a plain directory, e.g. copied in by hand
                return "", CatalogIndex.load(self.current, **expected)  # type: ignore[arg-type]
            raise IndexMissing(f"no index at {self.current}; build it with `stackwise index build`")
        return version, CatalogIndex.load(self.root / version, **expected)  # type: ignore[arg-type]
