"""Open Badges 3.0 `Achievement` documents, as issuers publish micro-credentials.

Read: one Achievement, a list of them, or an OpenBadgeCredential (or a list of those) whose subject carries
one. Learning outcomes come from the `criteria.narrative` bullet list, skills from `alignment` targets that
are ESCO skills, credits from `creditsAvailable`, the provider from `creator`, the EQF level from an alignment
to the EQF. EU standard elements that OB3 has no property for (price, participation, schedule, ...) travel in
the `stackwiseOffering` extension, which the exporter writes, so export -> import round-trips.
"""

from __future__ import annotations

import json
import re
from typing import Any

from knowledge.formats import ParsedFile
from knowledge.formats.native import line_map
from knowledge.models import Catalog, Credential, Provider
from knowledge.schema import ESCO_OCCUPATION_PREFIX, ESCO_SKILL_PREFIX, CredentialRecord, record_document
from knowledge.validation import Issue, Path, PathMap, RawRecord, Severity

OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
EXTENSION_CONTEXT = "https://stackwise.example/ns/ob3-offering-v1.jsonld"
EXTENSION = "stackwiseOffering"
EQF_FRAMEWORK = "European Qualifications Framework"

# Record fields that OB3 carries natively; the rest go into the extension.
_NATIVE = {
    "id",
    "title",
    "description",
    "learning_outcomes",
    "ects",
    "provider",
    "languages",
    "eqf_level",
    "url",
}
_FIELD_NAMES = {
    "title": "name",
    "description": "description",
    "learning_outcomes": "criteria.narrative",
    "ects": "creditsAvailable",
    "provider": "creator",
    "languages": "inLanguage",
    "eqf_level": "alignment (EQF)",
    "occupations": "alignment (ESCO occupation)",
}
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+(.*\S)\s*$")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "unnamed"


def _local_id(value: str | None, fallback: str) -> str:
    """A catalog id from an IRI/URN: its last segment when usable, else a slug of the fallback text."""
    if value:
        tail = re.split(r"[/#:]", value.rstrip("/"))[-1]
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}", tail):
            return tail
    return _slug(fallback)


def _achievements(data: Any, path: Path = ()) -> list[tuple[Path, dict[str, Any]]]:
    if isinstance(data, list):
        return [hit for i, item in enumerate(data) for hit in _achievements(item, (*path, i))]
    if not isinstance(data, dict):
        return []
    types = data.get("type") or []
    types = [types] if isinstance(types, str) else types
    if "Achievement" in types:
        return [(path, data)]
    subject = data.get("credentialSubject")
    if subject is not None:
        subjects = subject if isinstance(subject, list) else [subject]
        out = []
        for i, s in enumerate(subjects):
            if isinstance(s, dict) and isinstance(s.get("achievement"), dict):
                sub_path = (
                    *path,
                    "credentialSubject",
                    *((i,) if isinstance(subject, list) else ()),
                    "achievement",
                )
                out.append((sub_path, s["achievement"]))
        return out
    return []


def _outcomes(narrative: str) -> list[str]:
    bullets = [m.group(1) for line in narrative.splitlines() if (m := _BULLET.match(line))]
    if bullets:
        return bullets
    return [line.strip() for line in narrative.splitlines() if line.strip()]


def _attach_skills(outcomes: list[str], skills: list[tuple[str, str]]) -> list[list[str]]:
    """Spread credential-level skill alignments over outcomes by shared words (OB3 has no per-outcome link)."""
    groups: list[list[str]] = [[] for _ in outcomes]
    words = [set(re.findall(r"[a-z]{3,}", o.lower())) for o in outcomes]
    for uri, name in skills:
        name_words = set(re.findall(r"[a-z]{3,}", name.lower()))
        best = max(range(len(outcomes)), key=lambda i: len(words[i] & name_words), default=None)
        if best is not None:
            groups[best].append(uri)
    return groups


class _AchievementMap:
    def __init__(self, lines: PathMap, prefix: Path) -> None:
        self._lines = lines
        self._prefix = prefix

    def line(self, path: Path) -> int | None:
        return self._lines.line(self._prefix)

    def label(self, path: Path) -> str:
        path = path[len(self._prefix) :]
        head = str(path[0]) if path else ""
        return _FIELD_NAMES.get(head, f"{EXTENSION}.{head}" if head else "")


def parse(text: str, source: str) -> ParsedFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return ParsedFile((), (Issue(Severity.ERROR, f"is not valid JSON: {exc.msg}", source, exc.lineno),))
    lines = PathMap(line_map(text))
    found = _achievements(data)
    if not found:
        return ParsedFile(
            (),
            (
                Issue(
                    Severity.ERROR,
                    'holds no Open Badges 3.0 Achievement (an object whose type includes "Achievement", or an '
                    "OpenBadgeCredential whose credentialSubject.achievement is one)",
                    source,
                    1,
                ),
            ),
        )
    records: list[RawRecord] = []
    providers: dict[str, dict[str, Any]] = {}
    for path, achievement in found:
        pointer = "".join(f"/{p}" for p in path)
        where = _AchievementMap(lines, path)
        provider = _provider(achievement.get("creator"))
        if provider and provider["id"] not in providers:
            providers[provider["id"]] = provider
            records.append(RawRecord("provider", provider, source, pointer + "/creator", (*path, "creator"), lines))
        records.append(RawRecord("credential", _credential(achievement, provider), source, pointer, path, where))
    return ParsedFile(tuple(records))


def _provider(creator: Any) -> dict[str, Any] | None:
    if not isinstance(creator, dict) or not creator.get("name"):
        return None
    address = creator.get("address") or {}
    ext = creator.get(EXTENSION) or {}
    record = {
        "id": ext.get("id") or _local_id(creator.get("id"), str(creator["name"])),
        "name": creator["name"],
        "type": ext.get("type", "university"),
        "country": address.get("addressCountryCode"),
        "city": address.get("addressLocality"),
        "url": creator.get("url"),
        "member_of": ext.get("member_of", []),
    }
    return {k: v for k, v in record.items() if v not in (None, [])}


def _credential(a: dict[str, Any], provider: dict[str, Any] | None) -> dict[str, Any]:
    ext = dict(a.get(EXTENSION) or {})
    narrative = (a.get("criteria") or {}).get("narrative") or ""
    outcomes = _outcomes(narrative)
    skills: list[tuple[str, str]] = []
    occupations: list[str] = []
    eqf: Any = None
    for al in a.get("alignment") or []:
        url = str(al.get("targetUrl") or "")
        if url.startswith(ESCO_SKILL_PREFIX):
            skills.append((url, str(al.get("targetName") or "")))
        elif url.startswith(ESCO_OCCUPATION_PREFIX):
            occupations.append(url)
        elif al.get("targetFramework") == EQF_FRAMEWORK or al.get("targetType") == "ext:EQFLevel":
            eqf = al.get("targetCode")
    outcome_skills = ext.pop("outcome_skills", None)
    groups = outcome_skills if isinstance(outcome_skills, list) else _attach_skills(outcomes, skills)
    languages = a.get("inLanguage")
    record: dict[str, Any] = {
        "id": ext.pop("id", None) or _local_id(a.get("id"), str(a.get("name") or "")),
        "title": a.get("name"),
        "description": a.get("description"),
        "provider": provider["id"] if provider else None,
        "learning_outcomes": [
            {"text": text, "skills": groups[i] if i < len(groups) else []} for i, text in enumerate(outcomes)
        ],
        "ects": a.get("creditsAvailable"),
        "eqf_level": eqf,
        "languages": ext.pop("languages", None) or ([languages] if isinstance(languages, str) else languages),
        "url": a.get("id") if str(a.get("id") or "").startswith("http") else None,
        "occupations": occupations,
    }
    record = {k: v for k, v in record.items() if v not in (None, [])}
    return {**ext, **record}


def _achievement(c: Credential, catalog: Catalog) -> dict[str, Any]:
    record = record_document(CredentialRecord.from_domain(c))
    extension = {k: v for k, v in record.items() if k not in _NATIVE and k != "occupations"}
    extension["id"] = c.id
    extension["outcome_skills"] = [list(o.skills) for o in c.learning_outcomes]
    alignment: list[dict[str, Any]] = [
        {
            "type": ["Alignment"],
            "targetName": f"EQF level {c.eqf_level}",
            "targetUrl": "https://europa.eu/europass/en/description-eight-eqf-levels",
            "targetFramework": EQF_FRAMEWORK,
            "targetCode": str(c.eqf_level),
            "targetType": "ext:EQFLevel",
        }
    ]
    seen: set[str] = set()
    for outcome in c.learning_outcomes:
        for uri in outcome.skills:
            if uri not in seen:
                seen.add(uri)
                alignment.append(
                    {
                        "type": ["Alignment"],
                        "targetName": uri.rsplit("/", 1)[-1],
                        "targetUrl": uri,
                        "targetFramework": "ESCO",
                        "targetType": "ext:ESCOSkill",
                    }
                )
    alignment += [
        {
            "type": ["Alignment"],
            "targetName": uri.rsplit("/", 1)[-1],
            "targetUrl": uri,
            "targetFramework": "ESCO",
            "targetType": "ext:ESCOOccupation",
        }
        for uri in c.occupations
    ]
    out: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB3_CONTEXT, EXTENSION_CONTEXT],
        "id": c.url or f"urn:stackwise:credential:{c.id}",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": c.title,
        "description": c.description,
        "criteria": {"narrative": "\n".join(f"- {o.text}" for o in c.learning_outcomes)},
        "alignment": alignment,
        "inLanguage": c.languages[0],
        "creator": _profile(catalog.provider_by_id.get(c.provider), c.provider),
        EXTENSION: extension,
    }
    if c.ects is not None:
        out["creditsAvailable"] = c.ects
    if len(c.languages) == 1:
        extension.pop("languages", None)
    else:
        extension["languages"] = list(c.languages)
    return out


def _profile(p: Provider | None, provider_id: str) -> dict[str, Any]:
    if p is None:
        return {"id": f"urn:stackwise:provider:{provider_id}", "type": ["Profile"], "name": provider_id}
    profile: dict[str, Any] = {
        "id": p.url or f"urn:stackwise:provider:{p.id}",
        "type": ["Profile"],
        "name": p.name,
        "address": {"type": ["Address"], "addressCountryCode": p.country},
        EXTENSION: {"id": p.id, "type": p.type.value, "member_of": list(p.member_of)},
    }
    if p.city:
        profile["address"]["addressLocality"] = p.city
    if p.url:
        profile["url"] = p.url
    return profile


def achievements(catalog: Catalog, credentials: list[Credential] | None = None) -> list[dict[str, Any]]:
    return [_achievement(c, catalog) for c in (credentials if credentials is not None else catalog.credentials)]


def dump(catalog: Catalog) -> str:
    return json.dumps(achievements(catalog), indent=2, ensure_ascii=False) + "\n"
