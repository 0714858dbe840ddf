"""ELM v3 (European Learning Model) JSON-LD: Europass digital credentials and learning specifications.

Read: European Digital Credentials (every claim in `credentialSubject.hasClaim` and its `hasPart`s, with the
specification it is `specifiedBy`), and `LearningAchievementSpecification`, `LearningActivitySpecification`,
`Qualification` and `LearningOpportunity` objects wherever they sit: top level, a list, `@graph`, nested, or the JSON
payload of a JAdES-signed credential. JSON-LD is read as plain JSON: no `@context` is fetched, and terms are matched
by their local name (`title`, `elm:title` and `http://purl.org/dc/terms/title` read alike), so compact, prefixed and
flattened documents work without the network. References by id (`"specifiedBy": "urn:..."`) are followed inside
the file. Texts keep every language: the English one (else the first) is the main text, the others go to `texts`.
EU elements a file does not state stay absent, so validation warns once for each and nothing is invented.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path as FilePath
from typing import Any

import yaml

from knowledge import currency, isced
from knowledge.formats import ParsedFile, elm_xml
from knowledge.formats.jsondoc import (
    MAX_BYTES,
    MAX_DEPTH,
    RecordMap,
    depth,
    iri_id,
    items,
    load,
    pointer,
    slug,
    unique_id,
)
from knowledge.formats.native import line_map
from knowledge.validation import _MISSING, Issue, Path, PathMap, RawRecord, Severity, dotted

CODES_FILE = FilePath(__file__).parents[1] / "data" / "eu_authority_codes.yaml"
SPEC_TYPES = frozenset(
    {"LearningAchievementSpecification", "LearningActivitySpecification", "Qualification", "LearningOpportunity"}
)
CLAIM_TYPES = frozenset({"LearningAchievement", "LearningActivity", "LearningAssessment", "Claim"})
MAX_OUTCOMES = 40
MAX_ECTS = 120.0  # the catalog schema's limit for one credential; a whole degree is beyond it
MAX_HOURS = 3000.0
MAX_WEEKS = 260.0

# EU vocabulary of learning modes (http://data.europa.eu/snb/learning-assessment/...), and words of other labels.
_MODE_IDS = {"920fbb3cbe": "online", "e92d221e4d": "blended", "9191af2ed9": "onsite"}
_MODE_WORDS = (
    (re.compile(r"blended|hybrid|mixed", re.IGNORECASE), "blended"),
    (re.compile(r"online|e-?learning|distance|remote|virtual", re.IGNORECASE), "online"),
    (re.compile(r"presential|on-?site|face[- ]to[- ]face|in[- ]person|classroom|campus", re.IGNORECASE), "onsite"),
)
_ECTS_IDS = ("6fcec5c5af",)  # http://data.europa.eu/snb/education-credit/6fcec5c5af: European Credit Transfer System
_ECTS_WORDS = re.compile(r"\bECTS\b|European Credit Transfer", re.IGNORECASE)
_ESCO_SKILL = re.compile(r"^https?://data\.europa\.eu/esco/skill/([0-9a-f-]{36})$")
_DURATION = re.compile(
    r"^P(?:(?P<Y>\d+(?:[.,]\d+)?)Y)?(?:(?P<M>\d+(?:[.,]\d+)?)M)?(?:(?P<W>\d+(?:[.,]\d+)?)W)?(?:(?P<D>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:[.,]\d+)?)H)?(?:(?P<m>\d+(?:[.,]\d+)?)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?$"
)
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
# Document-local ids the Europass tools number per file (urn:epass:qualification:1): alone they would collide
# across files, so the title joins them in the catalog id.
_LOCAL_ID = re.compile(r"^(?:_:|urn:epass:[A-Za-z]+:\d{1,6}$)")
_CATALOG_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$")  # knowledge.schema's id rule
# BCP 47 tags that name no language (undetermined, multiple, none, uncoded): read as untagged text.
_NO_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})
_EQF_URI = re.compile(r"/snb/eqf/([1-8])/?$")
_QUALITY_NOTE = re.compile(r"quality[\s_-]*assurance|accreditation", re.IGNORECASE)

# Stackwise fields -> the ELM property a message names.
_FIELD_NAMES = {
    "id": "id",
    "title": "title",
    "description": "description",
    "learning_outcomes": "learningOutcome",
    "ects": "creditPoint",
    "hours": "volumeOfLearning",
    "eqf_level": "eqfLevel / educationLevel",
    "participation": "mode",
    "languages": "language",
    "prerequisites": "entryRequirement",
    "price": "priceDetail",
    "currency": "priceDetail",
    "schedule": "temporal",
    "duration_weeks": "duration",
    "hours_per_week": "hours_per_week (no ELM property; Stackwise field)",
    "provider": "providedBy / awardedBy.awardingBody",
    "awarding_body": "awardedBy.awardingBody",
    "assessment": "provenBy",
    "quality_assurance": "accreditation",
    "stacks": "isPartOf / hasPart",
    "delivery": "location",
    "fields": "thematicArea",
    "texts": "title (other languages)",
}


@cache
def _codes() -> dict[str, dict[str, str]]:
    with CODES_FILE.open(encoding="utf-8") as fh:
        data: dict[str, dict[str, str]] = yaml.safe_load(fh)
    return data


def _local(name: str) -> str:
    """The local name of a JSON-LD term or IRI: `elm:title`, `http://purl.org/dc/terms/title` -> `title`."""
    if name.startswith("@"):
        return name
    return re.split(r"[/#:]", name)[-1]


def _get(node: dict[str, Any], name: str) -> tuple[str, Any] | None:
    """The key and value of the property `name`, however the document spells the term."""
    if name in node:
        return name, node[name]
    for key, value in node.items():
        if _local(key) == name:
            return key, value
    return None


def _types(node: Any) -> set[str]:
    if not isinstance(node, dict):
        return set()
    raw = node.get("type", node.get("@type"))
    return {_local(t) for t in items(raw) if isinstance(t, str)}


def _node_id(node: Any) -> str | None:
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        value = node.get("id", node.get("@id"))
        return value if isinstance(value, str) and value else None
    return None


def _scalar(value: Any) -> Any:
    """A JSON-LD value object or one-item list as its plain value."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict) and "@value" in value:
        return value["@value"]
    return value


def _number(value: Any) -> float | None:
    value = _scalar(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(?:[.,]\d+)?\s*", value):
        return float(value.strip().replace(",", "."))
    return None


def _language_code(tag: str) -> str | None:
    """ISO 639-1 from a BCP 47 tag (`en-GB`), a three-letter code (`ENG`, `fre`) or an EU language URI."""
    tag = tag.strip().rstrip("/").rsplit("/", 1)[-1]
    primary = re.split(r"[-_]", tag)[0]
    if re.fullmatch(r"[A-Za-z]{2}", primary):
        return primary.lower()
    return _codes()["languages"].get(primary.upper())


def _text_language(tag: Any) -> str | None:
    """The ISO 639-1 code of a text's language tag; "" for untagged text and tags naming no language (`und`)."""
    if not isinstance(tag, str) or re.split(r"[-_]", tag.strip())[0].lower() in _NO_LANGUAGE:
        return ""
    return _language_code(tag)


def _country_code(value: str) -> str | None:
    code = value.strip().rstrip("/").rsplit("/", 1)[-1].upper()
    if re.fullmatch(r"[A-Z]{2}", code):
        return code
    return _codes()["countries"].get(code)


def _concept_codes(value: Any) -> Iterator[str]:
    """The id, then the notation, of each concept in `value` (an IRI string, a concept or a list of them)."""
    for item in items(value):
        item = _scalar(item)
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            if ident := _node_id(item):
                yield ident
            notation = _get(item, "notation")
            if notation and isinstance(_scalar(notation[1]), str | int):
                yield str(_scalar(notation[1]))


def _duration(text: str) -> dict[str, float] | None:
    m = _DURATION.match(text.strip())
    if not m or text.strip() in ("P", "PT"):
        return None
    return {k: float(v.replace(",", ".")) for k, v in m.groupdict().items() if v is not None}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(" ".join(text.split())) if len(s.strip()) >= 10]


@dataclass(frozen=True)
class _Node:
    data: dict[str, Any]
    path: Path


@dataclass(frozen=True)
class _Unit:
    """One thing to import as a credential, and where to look up each of its facts."""

    main: _Node  # the claim, opportunity or specification the record points at
    learning: tuple[_Node, ...]  # what is learned: the specification first, then the claim or opportunity
    offering: tuple[_Node, ...]  # how it is offered: the opportunity first, then the learning nodes
    credential: _Node | None  # the enclosing credential: its issuer names the provider when nothing else does
    key: str | None  # the id of the specification (else of the claim or opportunity), for the catalog id
    named: _Node  # the node `key` is the id of: its `identifier` notation, when it has one, is the catalog id


class _Reader:
    """One ELM document: finds the learning units and turns each into a provider and a credential record."""

    def __init__(self, source: str, lines: PathMap) -> None:
        self.source = source
        self.lines = lines
        self.issues: list[Issue] = []
        self.index: dict[str, _Node] = {}
        self.units: list[_Unit] = []
        self.merged: set[str] = set()  # ids of specifications read as part of another unit
        self.org_paths: dict[str, Path] = {}  # provider id -> where its organisation is described
        self.org_notations: dict[str, str] = {}  # identifier notation -> the organisation (id or name) it names

    # -- reporting -------------------------------------------------------------------------------------------

    def error(self, path: Path, message: str, value: Any = _MISSING) -> None:
        line = self.lines.line(path)
        self.issues.append(
            Issue(Severity.ERROR, message, self.source, line, pointer(path), dotted(path) or None, value)
        )

    def warn(self, path: Path, message: str) -> None:
        line = self.lines.line(path)
        self.issues.append(Issue(Severity.WARNING, message, self.source, line, pointer(path), dotted(path) or None))

    # -- finding the units -----------------------------------------------------------------------------------

    def build_index(self, data: Any, path: Path = ()) -> None:
        """Every node with an id, so references by id resolve to the fullest description in the file."""
        todo: list[tuple[Any, Path]] = [(data, path)]
        while todo:
            node, at = todo.pop()
            if isinstance(node, dict):
                ident = _node_id(node)
                if ident and len(node) > len(self.index[ident].data if ident in self.index else {}):
                    self.index[ident] = _Node(node, at)
                todo.extend((v, (*at, k)) for k, v in node.items())
            elif isinstance(node, list):
                todo.extend((v, (*at, i)) for i, v in enumerate(node))

    def deref(self, value: Any, path: Path) -> list[_Node]:
        """The objects a property holds, references by id replaced by the node they name."""
        out: list[_Node] = []
        listed = isinstance(value, list)
        for i, item in enumerate(items(value)):
            at = (*path, i) if listed else path
            ident = _node_id(item)
            if isinstance(item, dict) and not (ident and set(item) <= {"id", "@id", "type", "@type"}):
                out.append(_Node(item, at))
            elif ident and ident in self.index:
                out.append(self.index[ident])
        return out

    def prop(self, nodes: Iterable[_Node], name: str) -> tuple[Any, Path] | None:
        """The first non-empty value of `name` among `nodes`, with its path."""
        for node in nodes:
            hit = _get(node.data, name)
            if hit is not None and hit[1] not in (None, "", [], {}):
                return hit[1], (*node.path, hit[0])
        return None

    def objects(self, nodes: Iterable[_Node], *names: str) -> list[_Node]:
        out: list[_Node] = []
        for node in nodes:
            for name in names:
                if (hit := _get(node.data, name)) is not None:
                    out += self.deref(hit[1], (*node.path, hit[0]))
        return out

    def walk(self, node: Any, path: Path, owner: str | None, key: str | None, credential: _Node | None) -> None:
        """Collect units: claims under `hasClaim` (and their parts), and specifications not inside another unit."""
        if isinstance(node, list):
            for i, item in enumerate(node):
                self.walk(item, (*path, i), owner, key, credential)
            return
        if not isinstance(node, dict):
            return
        kinds = _types(node)
        if _get(node, "credentialSubject") is not None:
            credential = _Node(node, path)
        here = _Node(node, path)
        # `owner` is "claim" or "spec" for the direct properties of a unit, "inside" deeper down: a claim's parts are
        # units, the parts of the activity or assessment that supports it are not.
        inner = "inside" if owner else None
        if key == "hasClaim" or (key == "hasPart" and owner == "claim" and not kinds & SPEC_TYPES):
            inner = "claim"
            self.claim(here, credential)
        elif kinds & SPEC_TYPES and (owner is None or key == "hasPart"):
            inner = "spec"
            self.specification(here, kinds, credential)
        for k, value in node.items():
            if k != "@graph" and k.startswith("@"):
                continue
            self.walk(value, (*path, k), inner, _local(k), credential)

    def claim(self, node: _Node, credential: _Node | None) -> None:
        kinds = _types(node.data)
        if "LearningEntitlement" in kinds or "LearningEntitlementSpecification" in kinds:
            return  # a right the learner holds (to practise, to enrol), not learning
        specs = self.objects([node], "specifiedBy")
        spec = specs[0] if specs else None
        if spec and (ident := _node_id(spec.data)):
            self.merged.add(ident)
        qualifications = self.objects([spec], "qualification") if spec else []
        learning = tuple(n for n in (spec, *qualifications, node) if n is not None)
        if self.prop(learning, "title") is None:
            self.warn(node.path, "this claim names no title and no specification with one, so it is not imported")
            return
        for activity in self.objects([node], "influencedBy"):  # the activity's specification is part of the claim
            for teaching in self.objects([activity], "specifiedBy"):
                if ident := _node_id(teaching.data):
                    self.merged.add(ident)
        opportunities = self.objects([node], "learningOpportunity", "participatedIn")
        opportunities += self.objects(self.objects([node], "influencedBy"), "learningOpportunity")
        named = spec or node
        self.units.append(_Unit(node, learning, (*opportunities, *learning), credential, _node_id(named.data), named))

    def specification(self, node: _Node, kinds: set[str], credential: _Node | None) -> None:
        if "LearningOpportunity" in kinds:
            specs = self.objects([node], "learningAchievementSpecification", "specifiedBy")
            activities = self.objects([node], "learningActivitySpecification")  # how it is taught: part of it
            for s in (*specs, *activities):
                if ident := _node_id(s.data):
                    self.merged.add(ident)
            spec = specs[0] if specs else None
            learning = (spec, node) if spec else (node,)
            named = spec or node
            self.units.append(_Unit(node, learning, (node, *learning[:-1]), credential, _node_id(named.data), named))
            return
        for activity in self.objects([node], "influencedBy"):  # the activities that teach it are part of it
            if "LearningActivitySpecification" in _types(activity.data) and (ident := _node_id(activity.data)):
                self.merged.add(ident)
        parts: tuple[_Node, ...] = (node, *self.objects([node], "qualification"))
        if self.prop(parts, "title") is None:
            self.warn(node.path, "this specification names no title, so it is not imported")
            return
        self.units.append(_Unit(node, parts, parts, credential, _node_id(node.data), node))

    # -- reading values --------------------------------------------------------------------------------------

    def texts(self, value: Any, path: Path, what: str) -> dict[str, str]:
        """A language map (`{"en": ...}`, `[{"@language": "en", "@value": ...}]`, a Note, plain text) as
        language -> text; "" is the language of untagged text. A value of another shape is an error."""
        out: dict[str, str] = {}
        for item in items(value):
            if isinstance(item, str):
                out.setdefault("", item.strip())
            elif isinstance(item, dict) and "@value" in item:
                lang = _text_language(item.get("@language")) or ""
                if isinstance(item["@value"], str):
                    out.setdefault(lang, item["@value"].strip())
            elif isinstance(item, dict) and (inner := _get(item, "noteLiteral") or _get(item, "definition")):
                out.update({k: v for k, v in self.texts(inner[1], (*path, inner[0]), what).items() if k not in out})
            elif isinstance(item, dict) and item and all(_LANG_TAG.match(k) for k in item):
                for tag, text_value in item.items():
                    parts = [t.strip() for t in items(text_value) if isinstance(t, str) and t.strip()]
                    code = _text_language(tag)
                    if parts and code is not None:
                        out.setdefault(code, "; ".join(parts))
            elif isinstance(item, dict) and not item:
                continue
            else:
                self.error(path, f'{what} must be text in a language map such as {{"en": "..."}}', item)
        return {k: v for k, v in out.items() if v}

    def concept_labels(self, value: Any, path: Path) -> list[str]:
        labels: list[str] = []
        for node in self.deref(value, path):
            hit = _get(node.data, "prefLabel") or _get(node.data, "title")
            if hit:
                labels += self.texts(hit[1], (*node.path, hit[0]), "a label").values()
        return labels

    def main_text(self, texts: dict[str, str], main: str) -> str | None:
        return texts.get(main) or texts.get("") or next(iter(texts.values()), None)

    def notation(self, node: _Node) -> str | None:
        """The issuer's own id of a node: the `notation` of its first `identifier` (an ELM Identifier) with one."""
        for ident in self.objects([node], "identifier"):
            hit = _get(ident.data, "notation")
            value = _scalar(hit[1]) if hit else None
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                return str(value).strip()
        return None

    def organisation(self, node: _Node) -> dict[str, Any] | None:
        data = node.data
        names: dict[str, str] = {}
        for name in ("legalName", "prefLabel", "altLabel", "name", "title"):
            if (hit := _get(data, name)) is not None:
                names = self.texts(hit[1], (*node.path, hit[0]), name)
                if names:
                    break
        ident = _node_id(data)
        if not names and not ident:
            return None
        name = names.get("en") or next(iter(names.values()), None) or str(ident)
        if not names:
            self.warn(node.path, "the organisation has no legalName; the provider is named by its id")
        country, city = self.place([node])
        if country is None:  # the country it is registered in, when no address says where it is
            for reg in self.objects([node], "registration", "eIDASIdentifier", "vatIdentifier", "taxIdentifier"):
                country = next(self.countries(self.prop([reg], "spatial")), None)
                if country:
                    break
        url = None
        for page in self.objects([node], "homepage"):
            hit = _get(page.data, "contentURL")
            if hit and isinstance(hit[1], str) and re.match(r"^https?://\S+\.\S+$", hit[1]):
                url = hit[1]
                break
        # A web or DID id is unique the world over; else the issuer's notation for it, unless another
        # organisation of the file has the same one (a made-up notation such as `identifier123`); else its name.
        notation = self.notation(node)
        if ident and re.match(r"^(https?|did):", ident) and not _LOCAL_ID.match(ident):
            record_id = iri_id(ident)
        elif notation and self.org_notations.setdefault(notation, ident or name) == (ident or name):
            record_id = _notation_id(notation, name)
        else:
            record_id = slug(name)
        record = {"id": record_id, "name": name[:4000], "country": country, "city": city, "url": url}
        self.org_paths.setdefault(record_id, node.path)
        return {k: v for k, v in record.items() if v is not None}

    def countries(self, hit: tuple[Any, Path] | None) -> Iterator[str]:
        if hit is None:
            return
        for code in _concept_codes(hit[0]):
            if country := _country_code(code):
                yield country

    def place(self, nodes: Iterable[_Node]) -> tuple[str | None, str | None]:
        """Country (ISO 3166-1) and city of the first location among `nodes` that names a country."""
        for loc in self.objects(nodes, "location"):
            for address in [*self.objects([loc], "address"), loc]:
                hit = self.prop([address], "countryCode") or self.prop([address], "spatial")
                hit = hit or self.prop([address], "spatialCode")
                country = next(self.countries(hit), None)
                if country:
                    city = self.prop([address], "locality") or self.prop([address], "addressLocality")
                    if city and isinstance(_scalar(city[0]), str):
                        return country, str(_scalar(city[0]))
                    name = self.prop([loc], "geographicName")  # ELM v3: the location's name, the place
                    return country, self.main_text(self.texts(*name, "geographicName"), "en") if name else None
        return None, None

    def awarding_bodies(self, nodes: Iterable[_Node]) -> list[_Node]:
        bodies: list[_Node] = []
        for process in self.objects(nodes, "awardedBy", "awardingOpportunity"):
            inner = self.objects([process], "awardingBody")
            bodies += inner or ([process] if _get(process.data, "legalName") else [])
        return bodies + self.objects(nodes, "awardingBody")

    # -- one unit -> records ---------------------------------------------------------------------------------

    def record(self, unit: _Unit) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The credential record of a unit and the provider records it refers to."""
        learning, offering, at = unit.learning, unit.offering, unit.main.path
        title_hit = self.prop(learning, "title")
        titles = self.texts(*title_hit, "title") if title_hit else {}
        desc_hit = self.prop(learning, "description")
        descriptions = self.texts(*desc_hit, "description") if desc_hit else {}
        main = (
            "en" if "en" in titles or (not titles and "en" in descriptions) else next(iter(titles or descriptions), "")
        )
        title = self.main_text(titles, main) or ""
        description = self.main_text(descriptions, main)
        if description is None:
            summary = self.prop(learning, "learningOutcomeSummary") or self.prop(learning, "additionalNote")
            description = self.main_text(self.texts(*summary, "learningOutcomeSummary"), main) if summary else None
        if description is None:
            description = title
            self.warn(at, "has no description; the title stands in for it")
        if len(description) > 4000:
            self.warn(at, "description is over 4,000 characters; it was cut there")
            description = description[:3999] + "…"
        outcomes, outcome_texts = self.outcomes(learning, main, description, at)
        record: dict[str, Any] = {
            "id": None,
            "title": title[:300],
            "description": description,
            "learning_outcomes": outcomes,
            "certificate": "europass_edc",  # ELM is the model of Europass digital credentials
        }
        record |= self.workload(learning, at)
        record |= self.offering_facts(offering, learning, at)
        record["texts"] = self.other_languages(main, titles, descriptions, outcome_texts)
        providers = self.providers(unit, record, at)
        return {k: v for k, v in record.items() if v not in (None, [], {})}, providers

    def outcomes(
        self, learning: tuple[_Node, ...], main: str, description: str, at: Path
    ) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        outcomes: list[dict[str, Any]] = []
        texts: list[dict[str, str]] = []
        hit = self.prop(learning, "learningOutcome")
        if hit is not None:
            value, path = hit
            for i, item in enumerate(items(value)):
                where = (*path, i) if isinstance(value, list) else path
                nodes = self.deref(item, where)
                if not nodes:
                    if isinstance(item, str) and re.match(r"^[a-z][a-z0-9+.-]*:", item, re.IGNORECASE):
                        self.warn(where, f"refers to the learning outcome {item} that this file does not describe")
                    else:
                        self.error(where, "must be a LearningOutcome object with a title", item)
                    continue
                node = nodes[0]
                name = _get(node.data, "title") or _get(node.data, "prefLabel")  # prefLabel: ELM v2
                name = name or _get(node.data, "definition") or _get(node.data, "description")
                langs = self.texts(name[1], (*node.path, name[0]), "learningOutcome title") if name else {}
                text = self.main_text(langs, main)
                if not text or len(text) < 10:
                    self.warn(node.path, f"learning outcome {text!r} is too short to describe learning; left out")
                    continue
                skills: list[str] = []
                for prop in ("relatedESCOSkill", "relatedSkill"):
                    if (h := _get(node.data, prop)) is not None:
                        for code in _concept_codes(h[1]):
                            if (m := _ESCO_SKILL.match(code)) and (uri := f"http://data.europa.eu/esco/skill/{m[1]}"):
                                skills += [uri] if uri not in skills else []
                outcomes.append({"text": text[:1000], "skills": skills})
                texts.append(langs)
        if not outcomes:
            summary = self.prop(learning, "learningOutcomeSummary")
            langs = self.texts(*summary, "learningOutcomeSummary") if summary else {}
            found = _sentences(self.main_text(langs, main) or "")
            how = "has no learningOutcome; each sentence of its learningOutcomeSummary was taken as one"
            if not found:
                found = _sentences(description)
                how = "has no learningOutcome; each sentence of its description was taken as one"
            if not found and len(description.strip()) >= 10:
                found = [description]
                how = "has no learningOutcome; its description (or title) was taken as the one learning outcome"
            if not found:
                how = (
                    "has no learningOutcome and no description of 10 characters or more to stand for one, so "
                    "nothing says what is learned: not imported (give its learning outcomes)"
                )
            self.warn(at, how)
            outcomes = [{"text": text[:1000], "skills": []} for text in found]
        if len(outcomes) > MAX_OUTCOMES:
            self.warn(at, f"has {len(outcomes)} learning outcomes; the first {MAX_OUTCOMES} were kept")
            outcomes, texts = outcomes[:MAX_OUTCOMES], texts[:MAX_OUTCOMES]
        return outcomes, texts

    def other_languages(
        self, main: str, titles: dict[str, str], descriptions: dict[str, str], outcomes: list[dict[str, str]]
    ) -> list[dict[str, Any]]:
        languages: list[str] = []
        for langs in (titles, descriptions, *outcomes):
            languages += [lang for lang in langs if lang not in languages and lang not in (main, "")]
        out = []
        for lang in languages:
            entry: dict[str, Any] = {
                "language": lang,
                "title": titles[lang][:300] if lang in titles else None,
                "description": descriptions[lang][:4000] if lang in descriptions else None,
                "learning_outcomes": [o.get(lang, "")[:1000] for o in outcomes],
            }
            while entry["learning_outcomes"] and not entry["learning_outcomes"][-1]:
                entry["learning_outcomes"].pop()
            out.append({k: v for k, v in entry.items() if v not in (None, [])})
        return out

    def workload(self, learning: tuple[_Node, ...], at: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if hit := self.prop(learning, "volumeOfLearning"):
            value, path = _scalar(hit[0]), hit[1]
            parts = _duration(value) if isinstance(value, str) else None
            if parts is None:
                self.error(path, "must be an ISO 8601 duration such as PT50H (50 hours)", value)
            elif set(parts) - {"h", "m", "s"}:
                self.warn(
                    path, f"{value} is in calendar units, not hours of study; the workload in hours is not stated"
                )
            else:
                hours = parts.get("h", 0) + parts.get("m", 0) / 60 + parts.get("s", 0) / 3600
                if hours > MAX_HOURS:
                    self.warn(path, f"{value} is over {MAX_HOURS:g} hours, beyond one credential; not imported")
                else:
                    out["hours"] = round(hours, 2)
        out["ects"] = self.ects(learning)
        if hit := self.prop(learning, "eqfLevel"):
            level = self.eqf(hit[0])
            if level is None:
                self.error(hit[1], "must be an EQF level 1-8, e.g. the concept http://data.europa.eu/snb/eqf/6", hit[0])
            out["eqf_level"] = level
        else:
            out["eqf_level"] = self.eqf_education_level(learning)
        if hit := self.prop(learning, "entryRequirement"):
            langs = self.texts(*hit, "entryRequirement")
            text = langs.get("en") or next(iter(langs.values()), None)
            out["prerequisites"] = {"text": text} if text else None
        out["fields"] = self.fields(learning)
        return out

    def ects(self, learning: tuple[_Node, ...]) -> float | None:
        hit = self.prop(learning, "creditPoint") or self.prop(learning, "creditReceived")
        if hit is None and (v2 := self.prop(learning, "hasECTSCreditPoints")):  # ELM v2: a bare number of ECTS
            hit = (
                {"framework": {"id": f"http://data.europa.eu/snb/education-credit/{_ECTS_IDS[0]}"}, "point": v2[0]},
                v2[1],
            )
        if hit is None:
            return None
        others: list[str] = []
        for node in self.deref(hit[0], hit[1]):
            point_hit = _get(node.data, "point")
            point = _number(point_hit[1]) if point_hit else None
            if point is None:  # ELM types the point as text: a value that is not a number is no error, just unread
                raw = _scalar(point_hit[1]) if point_hit else None
                where = (*node.path, point_hit[0] if point_hit else "point")
                self.warn(where, f"{raw!r} is not a number of credits; the ECTS workload is not stated (give e.g. 5)")
                continue
            framework = _get(node.data, "framework")
            codes = list(_concept_codes(framework[1])) if framework else []
            labels = self.concept_labels(framework[1], (*node.path, framework[0])) if framework else []
            if any(c.endswith(_ECTS_IDS) or _ECTS_WORDS.search(c) for c in codes) or any(
                _ECTS_WORDS.search(label) for label in labels
            ):
                if point > MAX_ECTS:
                    self.warn(node.path, f"{point:g} ECTS is a whole programme, over {MAX_ECTS:g}; not imported")
                    return None
                return point
            others.append(f"{point:g} in {labels[0] if labels else codes[0] if codes else 'an unnamed framework'}")
        if others:
            self.warn(hit[1], f"credits are not ECTS ({'; '.join(others)}); the ECTS workload is not stated")
        return None

    def eqf(self, value: Any) -> int | None:
        for code in [*_concept_codes(value), *([str(_scalar(value))] if not isinstance(value, dict) else [])]:
            if m := re.search(r"(?:^|/eqf/|level\s*)([1-8])$", code.strip(), re.IGNORECASE):
                return int(m[1])
        if isinstance(value, dict) and (label := _get(value, "prefLabel")):
            for text in self.texts(label[1], (), "prefLabel").values():
                if m := re.search(r"\b([1-8])\b", text):
                    return int(m[1])
        return None

    def eqf_education_level(self, learning: tuple[_Node, ...]) -> int | None:
        """The EQF level among a specification's `educationLevel` concepts (LOQ publishes it there). Other levels
        there (national frameworks, ISCED) are not EQF levels, so only an EQF concept URI counts."""
        for node in learning:
            if (hit := _get(node.data, "educationLevel")) is not None:
                for code in _concept_codes(hit[1]):
                    if m := _EQF_URI.search(code.strip()):
                        return int(m[1])
        return None

    def fields(self, learning: tuple[_Node, ...]) -> list[str]:
        codes: list[str] = []
        for name in ("thematicArea", "educationSubject", "ISCEDFCode"):
            if hit := self.prop(learning, name):
                for code in _concept_codes(hit[0]):
                    tail = code.rstrip("/").rsplit("/", 1)[-1]
                    if isced.field_name(tail) is not None and tail not in codes:
                        codes.append(tail)
        return codes

    def offering_facts(self, offering: tuple[_Node, ...], learning: tuple[_Node, ...], at: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        modes: list[str] = []
        if hit := self.prop(offering, "mode"):
            for code in _concept_codes(hit[0]):
                if code.rstrip("/").rsplit("/", 1)[-1] in _MODE_IDS:
                    modes.append(_MODE_IDS[code.rstrip("/").rsplit("/", 1)[-1]])
            if not modes:
                for label in self.concept_labels(hit[0], hit[1]):
                    modes += [mode for pattern, mode in _MODE_WORDS if pattern.search(label)][:1]
            if not modes:
                self.warn(hit[1], "names no online, onsite or blended mode; participation is not stated")
        if modes:
            out["participation"] = "blended" if "blended" in modes or len(set(modes)) > 1 else modes[0]
        if hit := self.prop(offering, "language"):
            langs: list[str] = []
            for code in _concept_codes(hit[0]):
                lang = _language_code(code)
                if lang and lang not in langs:
                    langs.append(lang)
            if not langs:
                self.warn(hit[1], "names no language with an ISO 639-1 code; the language is not stated")
            out["languages"] = langs
        country, city = self.place(offering)
        if country:
            out["delivery"] = {"country": country, "city": city}
        out |= self.price(offering)
        out |= self.schedule(offering, at)
        for node in offering:
            for page in self.objects([node], "homepage"):
                hit = _get(page.data, "contentURL")
                if hit and isinstance(hit[1], str) and re.match(r"^https?://\S+\.\S+$", hit[1]):
                    out.setdefault("url", hit[1])
        for node in offering:
            ident = _node_id(node.data) or ""
            if "url" not in out and re.match(r"^https?://\S+\.\S+$", ident) and "example.org" not in ident:
                out["url"] = ident
        assessments = self.objects(self.objects(learning, "provenBy"), "specifiedBy") or self.objects(
            learning, "provenBy"
        )
        for node in assessments:
            if (hit := _get(node.data, "title")) and (
                text := self.main_text(self.texts(hit[1], node.path, "title"), "en")
            ):
                kind = _get(node.data, "dcType")
                labels = self.concept_labels(kind[1], (*node.path, kind[0])) if kind else []
                out["assessment"] = f"{text} ({labels[0]})" if labels and labels[0].lower() != text.lower() else text
                break
        for node in self.objects((*learning, *offering), "accreditation", "hasAccreditation"):
            hit = _get(node.data, "title") or _get(node.data, "dcType")
            names = self.texts(hit[1], node.path, "title") if hit and hit[0] == "title" else {}
            if not names and hit:
                names = dict.fromkeys([""], next(iter(self.concept_labels(hit[1], (*node.path, hit[0]))), ""))
            if name := self.main_text(names, "en"):
                out["quality_assurance"] = f"Accredited: {name}"
                break
        if "quality_assurance" not in out:
            out |= self.quality_note((*learning, *offering))
        return out

    def quality_note(self, nodes: tuple[_Node, ...]) -> dict[str, Any]:
        """Quality assurance stated as prose: a Note whose `noteType` or `subject` concept names quality assurance
        or accreditation (by its label or its URI)."""
        for note in self.objects(nodes, "additionalNote"):
            kinds: list[str] = []
            for name in ("noteType", "subject"):
                if (hit := _get(note.data, name)) is not None:
                    kinds += [*_concept_codes(hit[1]), *self.concept_labels(hit[1], (*note.path, hit[0]))]
            if any(_QUALITY_NOTE.search(kind) for kind in kinds):
                texts = self.texts(note.data, note.path, "additionalNote")
                if text := self.main_text(texts, "en"):
                    return {"quality_assurance": text}
        return {}

    def price(self, offering: tuple[_Node, ...]) -> dict[str, Any]:
        for detail in self.objects(offering, "priceDetail", "hasPrice", "price"):
            amount_hit = _get(detail.data, "amount") or _get(detail.data, "value")
            if amount_hit is None:
                continue
            amount, unit = amount_hit[1], None
            if isinstance(amount, dict) and "@value" not in amount:
                unit = (_get(amount, "unit") or _get(amount, "currency") or (None, None))[1]
                amount = (_get(amount, "value") or (None, amount.get("rdf:value")))[1]
            unit = unit or (_get(detail.data, "currency") or _get(detail.data, "unit") or (None, None))[1]
            value = _number(amount)
            where = (*detail.path, amount_hit[0])
            if value is None and re.fullmatch(r"\s*-\d+(?:[.,]\d+)?\s*", str(_scalar(amount))):
                self.warn(where, f"{_scalar(amount)} is a negative price; the price is not stated (give it, 0 if free)")
                return {}
            if value is None:
                self.error(where, "must be a number (the price; 0 if free)", amount)
                return {}
            code = next((c.rstrip("/").rsplit("/", 1)[-1].upper() for c in _concept_codes(unit)), None)
            if value and code is None:
                self.warn(where, "the price names no currency; the price is not stated (give the currency)")
                return {}
            if code is not None and not currency.is_known(code):
                self.warn(where, f"the price is in {code}, a currency Stackwise cannot convert; not stated")
                return {}
            return {"price": value, "currency": code or "EUR"}
        return {}

    def schedule(self, offering: tuple[_Node, ...], at: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        opportunities = [n for n in offering if "LearningOpportunity" in _types(n.data)]
        starts: list[str] = []
        weeks: float | None = None
        for period in self.objects(opportunities, "temporal"):
            start = self.date(period, "startDate")
            end = self.date(period, "endDate")
            if start:
                starts.append(start.isoformat())
            if start and end and end > start and weeks is None:
                weeks = round((end - start).days / 7, 1) or None
        for node in opportunities:
            hit = _get(node.data, "learningSchedule")
            labels = self.concept_labels(hit[1], (*node.path, hit[0])) if hit else []
            if any(re.search(r"self[- ]paced|own pace", label, re.IGNORECASE) for label in labels):
                out["schedule"] = {"self_paced": True}
        if starts:
            out["schedule"] = {**out.get("schedule", {}), "start_dates": sorted(set(starts))}
        duration = self.prop(opportunities, "duration") or self.prop(offering, "maximumDuration")
        if duration and isinstance(_scalar(duration[0]), str):
            parts = _duration(_scalar(duration[0]))
            if parts is None:
                self.error(duration[1], "must be an ISO 8601 duration such as P6W (6 weeks)", duration[0])
            else:
                factors = {"Y": 52.18, "M": 4.35, "W": 1, "D": 1 / 7, "h": 1 / 168, "m": 1 / 10080, "s": 0}
                weeks = round(sum(v * factors[k] for k, v in parts.items()), 1) or None
        if weeks is not None and weeks > MAX_WEEKS:
            self.warn(at, f"lasts {weeks:g} weeks, longer than one credential ({MAX_WEEKS:g}); not imported")
            weeks = None
        out["duration_weeks"] = weeks
        return out

    def date(self, node: _Node, name: str) -> dt.date | None:
        hit = _get(node.data, name)
        if hit is None:
            return None
        value = _scalar(hit[1])
        try:
            return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
        except ValueError:
            self.error((*node.path, hit[0]), "must be a date such as 2027-02-01", value)
            return None

    def stack(self, unit: _Unit) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The stack record of a specification that others are parts of, and its provider; None (with a warning)
        when it lacks what a stack needs, and then it is read as a credential."""
        learning, at = unit.learning, unit.main.path
        hit = self.prop(learning, "title")
        titles = self.texts(*hit, "title") if hit else {}
        title = self.main_text(titles, "en")
        main = "en" if "en" in titles else next(iter(titles), "")
        level = None
        if hit := self.prop(learning, "eqfLevel"):
            level = self.eqf(hit[0])
        level = level or self.eqf_education_level(learning)
        credit = self.prop(learning, "creditPoint")
        ects = self.ects(learning) if credit else None
        bodies = self.awarding_bodies(learning) or self.objects(learning, "providedBy")
        bodies += self.objects([unit.credential], "issuer") if unit.credential else []
        provider = next((org for node in bodies if (org := self.organisation(node))), None)
        missing = [
            name
            for name, value in (
                ("title", title),
                ("EQF level", level),
                ("ECTS credits", ects),
                ("awarding body", provider),
            )
            if value is None
        ]
        if missing:
            self.warn(
                at,
                "other specifications in this file are parts of it, but a Stackwise stack needs "
                f"{' and '.join(missing)}, which it does not state: read as a credential, not as a stack",
            )
            return None, []
        award = None
        for name in ("category", "dcType"):
            if (found := _get(unit.main.data, name)) is not None:
                where = (*at, found[0])
                texts = self.texts(found[1], where, name) if name == "category" else {}
                award = self.main_text(texts, main) or next(iter(self.concept_labels(found[1], where)), None)
                if award:
                    break
        desc = self.prop(learning, "description")
        record = {
            "id": None,
            "title": str(title)[:300],
            "provider": provider["id"] if provider else None,
            "award": award or title,
            "eqf_level": level,
            "ects": ects,
            "description": self.main_text(self.texts(*desc, "description"), main) if desc else None,
        }
        return {k: v for k, v in record.items() if v is not None}, [provider] if provider else []

    def providers(self, unit: _Unit, record: dict[str, Any], at: Path) -> list[dict[str, Any]]:
        provided = self.objects(unit.offering, "providedBy")
        awarding = self.awarding_bodies(unit.learning) or self.awarding_bodies(unit.offering)
        issuer = self.objects([unit.credential], "issuer") if unit.credential else []
        providers = [p for n in [*provided[:1], *awarding[:1], *issuer[:1]] if (p := self.organisation(n))]
        if not providers:
            self.error(at, "names no provider: give providedBy, awardedBy.awardingBody or the credential's issuer")
            return []
        provider = providers[0]
        record["provider"] = provider["id"]
        body = self.organisation(awarding[0]) if awarding else None
        out = [provider]
        if body and body["id"] != provider["id"]:
            record["awarding_body"] = body["id"]
            out.append(body)
        if record.get("participation") in ("onsite", "blended") and not record.get("delivery"):
            if provider.get("country"):
                record["delivery"] = {"country": provider["country"]}
                self.warn(
                    at, f"{record['participation']}, with no location: taken as delivered in its provider's country"
                )
            else:
                self.warn(
                    at, f"{record['participation']}, but no location or provider country; participation not stated"
                )
                record["participation"] = None
        return out


def _signed_payload(data: Any, reader: _Reader) -> tuple[Any, Path] | None:
    """The credential inside a JAdES / JWS JSON envelope ({"payload", "signatures"}); signatures are not checked."""
    if not (
        isinstance(data, dict)
        and isinstance(data.get("payload"), str)
        and ("signatures" in data or "signature" in data)
    ):
        return None
    payload: str = data["payload"]
    try:
        inner = json.loads(payload)
    except json.JSONDecodeError:
        try:
            inner = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (binascii.Error, ValueError):
            reader.error(("payload",), "must be the credential as JSON or base64url-encoded JSON")
            return None
    if depth(inner) > MAX_DEPTH:
        reader.error(("payload",), f"is nested too deeply (over {MAX_DEPTH} levels); it is not an ELM credential")
        return None
    reader.warn(("payload",), "the credential is signed; its signature is not verified, the payload is read as it is")
    return inner, ("payload",)


def parse(text: str, source: str) -> ParsedFile:
    """Records from an ELM v3 JSON-LD document; nothing is fetched, and a file with any error gives no records."""
    notes: tuple[tuple[Path, str], ...] = ()
    if elm_xml.looks_like_xml(text):
        document = elm_xml.read(text, source)
        if isinstance(document, ParsedFile):
            return document
        data, lines, notes = document.data, PathMap(document.lines), document.warnings
    else:
        data, refused = load(text, source, "an ELM document", MAX_BYTES)
        if refused is not None:
            return refused
        lines = PathMap(line_map(text) if text.count("\n") > 1 else {})  # a one-line file: JSON pointers say where
    reader = _Reader(source, lines)
    for at, message in notes:
        reader.warn(at, message)
    if not isinstance(data, dict | list):
        reader.error((), "must be a JSON object (a credential or a specification) or a list of them", data)
        return ParsedFile((), tuple(reader.issues))
    context = data.get("@context") if isinstance(data, dict) else None
    if context is not None and not all(isinstance(c, str | dict) for c in items(context)):
        reader.error(("@context",), "must be a context URL, a context object or a list of them", context)
    root: tuple[Any, Path] = (data, ())
    if signed := _signed_payload(data, reader):
        root = signed
        reader.lines = PathMap({})
    reader.build_index(*root)
    reader.walk(root[0], root[1], None, None, None)
    units = [u for u in reader.units if u.main.path == root[1] or not _merged_elsewhere(u, reader)]
    if not units and not _has_errors(reader.issues):
        reader.error(
            root[1],
            "holds no ELM learning specification or credential: nothing to import (expected a European Digital "
            "Credential whose credentialSubject.hasClaim has a title or a specifiedBy, or a "
            "LearningAchievementSpecification, LearningActivitySpecification, Qualification or LearningOpportunity)",
        )
    records = _records(units, reader, source, lines)
    if _has_errors(reader.issues):
        return ParsedFile((), tuple(reader.issues))
    return ParsedFile(tuple(records), tuple(reader.issues))


def _merged_elsewhere(unit: _Unit, reader: _Reader) -> bool:
    """A specification described on its own (a flattened @graph) that a claim or opportunity already reads."""
    ident = _node_id(unit.main.data)
    return unit.learning[0] is unit.main and ident is not None and ident in reader.merged


def _has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity is Severity.ERROR for i in issues)


def _wholes(units: list[_Unit]) -> list[tuple[_Unit, list[_Unit]]]:
    """Specifications with no opportunity or claim of their own whose parts (`hasPart`, or the parts' `isPartOf`)
    are other units of the file: larger credentials the parts stack into."""

    def key(node: _Node) -> str:
        return _node_id(node.data) or f"@{id(node.data)}"

    by_spec = {key(u.learning[0]): u for u in units}
    wholes: list[tuple[_Unit, list[_Unit]]] = []
    for unit in units:
        if unit.learning[0] is not unit.main or not _types(unit.main.data) & (SPEC_TYPES - {"LearningOpportunity"}):
            continue
        ident = _node_id(unit.main.data)
        keys = [_node_id(v) or "" for v in items((_get(unit.main.data, "hasPart") or (None, None))[1])]
        keys += [k for k, u in by_spec.items() if ident and ident in _part_of(u.learning[0])]
        parts = [by_spec[k] for k in dict.fromkeys(keys) if k in by_spec and by_spec[k] is not unit]
        if parts:
            wholes.append((unit, parts))
    return wholes


def _part_of(node: _Node) -> set[str]:
    hit = _get(node.data, "isPartOf")
    return {ident for v in items(hit[1]) if (ident := _node_id(v))} if hit else set()


def _records(units: list[_Unit], reader: _Reader, source: str, lines: PathMap) -> list[RawRecord]:
    records: list[RawRecord] = []
    providers: dict[str, dict[str, Any]] = {}
    seen: dict[str, Any] = {}  # credential id -> the record made under it
    stacks: dict[str, Any] = {}  # stack id -> its record
    stacked: dict[int, list[str]] = {}  # id() of a part unit -> the ids of the stacks it counts towards
    whole_units: set[int] = set()
    for whole, parts in _wholes(units):
        stack, orgs = reader.stack(whole)
        if stack is None:
            continue
        stack["id"] = unique_id(_credential_id(whole, stack, reader), stacks)
        stacks[stack["id"]] = stack
        whole_units.add(id(whole))
        for part in parts:
            stacked.setdefault(id(part), []).append(stack["id"])
        _add_providers(records, providers, orgs, reader, source, whole.main.path)
        records.append(RawRecord("stack", stack, source, pointer(whole.main.path), whole.main.path, reader.lines))
    for unit in units:
        if id(unit) in whole_units:
            continue
        record, orgs = reader.record(unit)
        if not record.get("learning_outcomes"):  # warned: nothing says what is learned
            continue
        if id(unit) in stacked:
            if record.get("ects") is None:
                reader.warn(unit.main.path, "is part of a larger credential but states no ECTS; not stacked")
            else:
                record["stacks"] = [{"stack": sid, "ects": record["ects"]} for sid in stacked[id(unit)]]
        record["id"] = _credential_id(unit, record, reader)
        base = record["id"]
        if base in seen:
            if seen[base] == record:
                continue  # the same specification described twice in one file
            record["id"] = unique_id(base, seen)
            reader.warn(
                unit.main.path, f"another specification in this file has the same id; this one is {record['id']}"
            )
        seen[record["id"]] = dict(record)
        _add_providers(records, providers, orgs, reader, source, unit.main.path)
        where = RecordMap(reader.lines, unit.main.path, _FIELD_NAMES)
        records.append(RawRecord("credential", record, source, pointer(unit.main.path), unit.main.path, where))
    return records


def _notation_id(notation: str, title: str) -> str:
    """The catalog id for an issuer's identifier notation: as it is when it is a valid id, else as a slug. A
    notation of digits alone (`1`, `2024-17`) is a number every issuer uses, so the title joins it."""
    if not re.search(r"[A-Za-z]", notation):
        return slug(f"{title} {notation}")
    return notation if _CATALOG_ID.match(notation) else slug(notation)


def _add_providers(
    records: list[RawRecord],
    providers: dict[str, dict[str, Any]],
    orgs: list[dict[str, Any]],
    reader: _Reader,
    source: str,
    at: Path,
) -> None:
    """Provider records for `orgs`, once each; a later description adds what an earlier one left out."""
    for org in orgs:
        if org["id"] not in providers:
            providers[org["id"]] = org
            where = reader.org_paths.get(org["id"], at)
            records.append(RawRecord("provider", org, source, pointer(where), where, reader.lines))
        elif providers[org["id"]] != org:
            providers[org["id"]] |= {k: v for k, v in org.items() if k not in providers[org["id"]]}


def _credential_id(unit: _Unit, record: dict[str, Any], reader: _Reader) -> str:
    """The issuer's identifier notation, else a stable id from the specification's id; numbered local ids
    (urn:epass:qualification:1) join the title."""
    key = unit.key
    title = str(record.get("title") or "")
    if notation := reader.notation(unit.named):
        return _notation_id(notation, title)
    if key and not _LOCAL_ID.match(key):
        return iri_id(key)
    if key:
        return slug(f"{title} {key.rsplit(':', 2)[-2]} {key.rsplit(':', 1)[-1]}" if ":" in key else f"{title} {key}")
    return slug(title)
