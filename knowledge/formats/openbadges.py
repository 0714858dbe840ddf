"""Open Badges 3.0 `Achievement` documents, as issuers publish micro-credentials.

Read: one Achievement, a list of them, or an OpenBadgeCredential (or a list of those) whose subject carries
one. Learning outcomes come from the `criteria.narrative` bullet list, skills from `alignment` targets that
are ESCO skills, credits from `creditsAvailable`, the provider from `creator`, the EQF level from an alignment
to the EQF. EU standard elements that OB3 has no property for (price, participation, schedule, ...) travel in
the `stackwiseOffering` extension, which the exporter writes, so export -> import round-trips.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from knowledge.formats import ParsedFile, proofs
from knowledge.formats.jsondoc import MAX_BYTES, RecordMap, load, unique_id
from knowledge.formats.jsondoc import iri_id as _iri_id
from knowledge.formats.jsondoc import items as _items
from knowledge.formats.jsondoc import slug as _slug
from knowledge.formats.native import line_map
from knowledge.models import Catalog, Credential, Provider
from knowledge.schema import CredentialRecord, record_document
from knowledge.validation import _MISSING, Issue, Path, PathMap, RawRecord, Severity, dotted

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
    "external_alignments",
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
    "external_alignments": "alignment",
}
_BULLET = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+(.*\S)\s*$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_ESCO = re.compile(r"^https?://data\.europa\.eu/esco/(skill|occupation)/([0-9a-f-]{36})$")
_EQF_LEVEL = re.compile(r"(?:eqf|level)\D{0,3}([1-8])(?!\d)", re.IGNORECASE)

MAX_OUTCOMES = 40
VC_CONTEXTS = ("https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2")
CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential", "ClrCredential", "EndorsementCredential")

# Class each OB3 / CLR 2.0 property holds: an object whose `type` names another class is refused.
_TYPED = {
    "issuer": "Profile",
    "creator": "Profile",
    "parentOrg": "Profile",
    "source": "Profile",
    "achievement": "Achievement",
    "achievements": "Achievement",
    "alignment": "Alignment",
    "result": "Result",
    "resultDescription": "ResultDescription",
    "rubricCriterionLevel": "RubricCriterionLevel",
    "evidence": "Evidence",
    "identifier": "IdentityObject",
    "otherIdentifier": "IdentifierEntry",
    "address": "Address",
    "endorsement": "EndorsementCredential",
}
_SUBJECT_TYPES = {
    "OpenBadgeCredential": "AchievementSubject",
    "AchievementCredential": "AchievementSubject",
    "ClrCredential": "ClrSubject",
    "EndorsementCredential": "EndorsementSubject",
}


def _types(value: Any) -> list[str]:
    raw = value.get("type") if isinstance(value, dict) else None
    if isinstance(raw, str):
        return [raw]
    return [t for t in raw if isinstance(t, str)] if isinstance(raw, list) else []


def _plain(text: str) -> str:
    """Markdown to plain text: links keep their words; emphasis, headings and code marks go."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text)
    return re.sub(r"[*_`]{1,3}([^*_`]+)[*_`]{1,3}", r"\1", text).strip()


def _outcomes(narrative: str, description: str) -> tuple[list[str], str | None]:
    """Outcomes from the narrative's bullets, else its sentences, else the description; and how they were found."""
    lines = narrative.replace("\\n", "\n").splitlines()
    bullets = [_plain(m.group(1)) for line in lines if (m := _BULLET.match(line))]
    bullets = [b for b in bullets if len(b) >= 10]
    if bullets:
        return bullets, None
    body = " ".join(_plain(line) for line in lines if line.strip() and not line.lstrip().startswith("#"))
    sentences = [s.strip() for s in _SENTENCE.split(body) if len(s.strip()) >= 10]
    if sentences:
        return sentences, "criteria.narrative has no bullet list; each sentence was taken as a learning outcome"
    sentences = [s.strip() for s in _SENTENCE.split(_plain(description)) if len(s.strip()) >= 10]
    return sentences, "has no criteria.narrative; the description was taken as the learning outcomes"


def _attach_skills(outcomes: list[str], skills: list[tuple[str, str]]) -> list[list[str]]:
    """Spread credential-level skill alignments over outcomes by shared words (OB3 has no per-outcome link)."""
    groups: list[list[str]] = [[] for _ in outcomes]
    words = [set(re.findall(r"[a-z]{3,}", o.lower())) for o in outcomes]
    for uri, name in skills:
        name_words = set(re.findall(r"[a-z]{3,}", name.lower()))
        best = max(range(len(outcomes)), key=lambda i: len(words[i] & name_words), default=None)
        if best is not None and uri not in groups[best]:
            groups[best].append(uri)
    return groups


@dataclass(frozen=True)
class _Found:
    path: Path
    achievement: dict[str, Any]
    issuer: Any  # the enclosing credential's issuer, the provider when the achievement names no creator
    issuer_path: Path = ()


class _Reader:
    """One OB3 document: finds the achievements and refuses what no conforming issuer would publish."""

    def __init__(self, source: str, lines: PathMap, now: dt.datetime, contexts: proofs.Contexts | None = None) -> None:
        self.source = source
        self.lines = lines
        self.now = now
        self.contexts = contexts or proofs.NoContexts()  # JSON-LD contexts held locally, for checking proofs
        self.issues: list[Issue] = []
        self.found: list[_Found] = []

    def error(self, path: Path, message: str, value: Any = None) -> None:
        field = dotted(path) or None
        shown = _MISSING if value is None else value
        pointer = "".join(f"/{p}" for p in path) or "/"
        self.issues.append(Issue(Severity.ERROR, message, self.source, self.lines.line(path), pointer, field, shown))

    def warn(self, path: Path, message: str) -> None:
        pointer = "".join(f"/{p}" for p in path) or "/"
        field = dotted(path) or None
        self.issues.append(Issue(Severity.WARNING, message, self.source, self.lines.line(path), pointer, field))

    def document(self, data: Any, path: Path = ()) -> None:
        if isinstance(data, list):
            for i, item in enumerate(data):
                self.document(item, (*path, i))
            return
        if not isinstance(data, dict):
            self.error(path, "must be an object (an Achievement or a credential)", data)
            return
        types = _types(data)
        if "Achievement" in types:
            self.achievement(data, path, None)
        elif "VerifiableCredential" in types or "credentialSubject" in data:
            self.credential(data, path)

    def achievement(self, data: dict[str, Any], path: Path, issuer: Any, issuer_path: Path = ()) -> None:
        self.check_types(data, path)
        self.found.append(_Found(path, data, issuer, issuer_path))

    def credential(self, data: dict[str, Any], path: Path) -> None:
        types = _types(data)
        kind = next((t for t in CREDENTIAL_TYPES if t in types), None)
        if "VerifiableCredential" not in types or kind is None:
            if not _holds_achievement(data.get("credentialSubject")):
                return  # not a badge at all: the file is refused as holding no Achievement
            self.error(
                (*path, "type"),
                f"must include VerifiableCredential and one of {', '.join(CREDENTIAL_TYPES)}",
                data.get("type"),
            )
            return
        context = data.get("@context")
        contexts = context if isinstance(context, list) else [context]
        if path == () and (not contexts or contexts[0] not in VC_CONTEXTS):
            self.error(
                ("@context",),
                f"must start with the Verifiable Credentials context ({' or '.join(VC_CONTEXTS)})",
                context,
            )
        self.check_dates(data, path)
        issuer = data.get("issuer")
        if not (isinstance(issuer, str) and issuer) and not (isinstance(issuer, dict) and issuer.get("id")):
            self.error((*path, "issuer"), "is required: the issuer's id (a URL or DID) or its Profile with an id")
        self.check_types(data, path)
        for i, proof in enumerate(_items(data.get("proof"))):
            self.check_proof(proof, (*path, "proof", *((i,) if isinstance(data.get("proof"), list) else ())), data)
        subject = data.get("credentialSubject")
        expected = _SUBJECT_TYPES[kind]
        for i, s in enumerate(_items(subject)):
            at = (*path, "credentialSubject", *((i,) if isinstance(subject, list) else ()))
            if not isinstance(s, dict):
                self.error(at, "must be an object", s)
                continue
            if _types(s) and expected not in _types(s):
                self.error((*at, "type"), f"must include {expected}", s.get("type"))
            self.check_types(s, at)
            for key in ("achievement", "achievements"):
                value = s.get(key)
                for j, a in enumerate(_items(value)):
                    where = (*at, key, *((j,) if isinstance(value, list) else ()))
                    if isinstance(a, dict) and _types(a) and "Achievement" not in _types(a):
                        self.error((*where, "type"), "must include Achievement", a.get("type"))
                    elif isinstance(a, dict):
                        self.achievement(a, where, issuer, (*path, "issuer"))
                    else:
                        self.error(where, "must be an Achievement object", a)
            nested = s.get("verifiableCredential")
            for j, c in enumerate(_items(nested)):
                where = (*at, "verifiableCredential", *((j,) if isinstance(nested, list) else ()))
                if isinstance(c, dict):
                    self.credential(c, where)
                else:
                    self.error(where, "must be a credential object (a compact JWT cannot be read here)", c)

    def check_dates(self, data: dict[str, Any], path: Path) -> None:
        """Dates must parse and give a validity window; an expired credential still describes its achievement."""
        dates: dict[str, dt.datetime] = {}
        for key in ("validFrom", "issuanceDate", "validUntil", "expirationDate"):
            if key not in data:
                continue
            try:
                when = dt.datetime.fromisoformat(str(data[key]).replace("Z", "+00:00"))
            except ValueError:
                self.error((*path, key), "must be a date-time like 2024-05-01T00:00:00Z", data[key])
                continue
            dates[key] = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        start_key = next((k for k in ("validFrom", "issuanceDate") if k in dates), None)
        end_key = next((k for k in ("validUntil", "expirationDate") if k in dates), None)
        if start_key and end_key and dates[end_key] <= dates[start_key]:
            self.error(
                (*path, end_key),
                f"ends before it starts ({start_key} {data[start_key]}), so it was never valid; fix the dates",
                data[end_key],
            )
        elif start_key and dates[start_key] > self.now:
            self.error((*path, start_key), "the credential is not valid yet; import it once it is", data[start_key])
        elif end_key and dates[end_key] < self.now:
            self.warn((*path, end_key), "the credential has expired; its achievement is imported all the same")

    def check_types(self, data: Any, path: Path, depth: int = 0) -> None:
        """Objects under the typed OB3 properties must name their class when they name one."""
        if isinstance(data, list):
            for i, item in enumerate(data):
                self.check_types(item, (*path, i), depth)
            return
        if not isinstance(data, dict):
            return
        for key, value in data.items():
            if key in ("credentialSubject", "verifiableCredential", "achievement", "achievements", "proof", "@context"):
                continue  # checked where their kind is known
            expected = _TYPED.get(key)
            for i, item in enumerate(_items(value)):
                at = (*path, key, *((i,) if isinstance(value, list) else ()))
                if expected and isinstance(item, dict) and "type" in item and expected not in _types(item):
                    self.error((*at, "type"), f"must include {expected}", item.get("type"))
                if isinstance(item, dict | list):
                    self.check_types(item, at, depth + 1)

    def check_proof(self, proof: Any, path: Path, credential: dict[str, Any]) -> None:
        """A proof's shape, then its signature where it can be checked offline (knowledge/formats/proofs.py): a
        signature that does not match refuses the file; one that cannot be checked here is a warning."""
        if not isinstance(proof, dict):
            self.error(path, "must be a proof object", proof)
            return
        method = proof.get("verificationMethod")
        if method is not None and not isinstance(method, str):
            self.error((*path, "verificationMethod"), "must be a URL or DID naming the issuer's key", method)
            return
        scheme = method.split(":", 1)[0].lower() if method and ":" in method else ""
        if method is not None and scheme not in ("did", "https", "http"):
            self.error(
                (*path, "verificationMethod"),
                "must be a DID (did:key:..., did:web:...) or an https URL naming the issuer's key",
                method,
            )
            return
        if method and method.lower().startswith("did:example:"):
            self.error(
                (*path, "verificationMethod"),
                "did:example is reserved for documentation (DID Core) and names no key; use the issuer's DID",
                method,
            )
            return
        key = proofs.method_key(method) if method else None
        if key and key.startswith("z6Mk") and proofs.ed25519_key(key) is None:
            self.error(
                (*path, "verificationMethod"),
                "names an Ed25519 key (z6Mk...) that does not decode to 32 bytes; copy the key id again",
                method,
            )
            return
        verdict = proofs.verify(credential, proof, self.contexts)
        if verdict.outcome is proofs.Outcome.INVALID:
            self.error((*path, "proofValue"), verdict.message, proof.get("proofValue"))
        elif verdict.outcome is proofs.Outcome.UNVERIFIED:
            self.warn(path, f"proof not verified: {verdict.message}")


def _holds_achievement(subject: Any) -> bool:
    return any(isinstance(s, dict) and (s.get("achievement") or s.get("achievements")) for s in _items(subject))


def parse(
    text: str, source: str, now: dt.datetime | None = None, contexts: proofs.Contexts | None = None
) -> ParsedFile:
    """Records from an OB3 / CLR 2.0 document; JSON-LD is read as plain JSON and no @context is ever fetched
    (proofs are checked against the local `contexts`)."""
    data, refused = load(text, source, "an Open Badge", MAX_BYTES)
    if refused is not None:
        return refused
    lines = PathMap(line_map(text))
    reader = _Reader(source, lines, now or dt.datetime.now(dt.UTC), contexts)
    reader.document(data)
    definitions = [f for f in reader.found if f.achievement.get("name")]
    for f in reader.found:
        if not f.achievement.get("name"):
            reader.warn(
                f.path,
                f"refers to the achievement {f.achievement.get('id') or '(no id)'} without describing it; "
                "import the file that defines it",
            )
    if not reader.found and not any(i.severity is Severity.ERROR for i in reader.issues):
        reader.error(
            (),
            'holds no Open Badges 3.0 Achievement (an object whose type includes "Achievement", or a credential '
            "whose credentialSubject.achievement is one)",
        )
    if any(i.severity is Severity.ERROR for i in reader.issues):
        return ParsedFile((), tuple(reader.issues))
    return ParsedFile(_records(definitions, source, lines, reader), tuple(reader.issues))


def _records(found: list[_Found], source: str, lines: PathMap, reader: _Reader) -> tuple[RawRecord, ...]:
    records: list[RawRecord] = []
    providers: dict[str, dict[str, Any]] = {}
    seen: dict[str, dict[str, Any]] = {}  # credential id -> achievement it was made from
    for f in found:
        a = f.achievement
        pointer = "".join(f"/{p}" for p in f.path)
        creator = a.get("creator")
        profile_path = (*f.path, "creator") if creator else (f.issuer_path if f.issuer else None)
        provider = _provider(creator if creator else f.issuer, reader, profile_path or f.path)
        if provider is None and (host := re.match(r"^https?://([^/:]+)", str(a.get("id") or ""))):
            provider = {"id": _slug(host.group(1)), "name": host.group(1)}
            reader.warn(
                f.path,
                f"names no creator and no credential issues it; the provider is the host that publishes it "
                f"({host.group(1)}); add a creator Profile to name it",
            )
        if provider and provider["id"] not in providers:
            providers[provider["id"]] = provider
            at = profile_path or f.path
            records.append(RawRecord("provider", provider, source, "".join(f"/{p}" for p in at), at, lines))
        record = _credential(a, provider, reader, f.path)
        base = str(record["id"])
        if base in seen:
            if seen[base] == a:
                continue  # the same achievement held twice (a CLR lists it and its credential)
            record["id"] = unique_id(base, seen)
            reader.warn(
                (*f.path, "id"),
                f"another achievement in this file has the same id; this one is imported as {record['id']}",
            )
        seen[str(record["id"])] = a
        records.append(
            RawRecord(
                "credential",
                record,
                source,
                pointer,
                f.path,
                RecordMap(lines, f.path, _FIELD_NAMES, lambda name: f"{EXTENSION}.{name}"),
            )
        )
    return tuple(records)


def _provider(profile: Any, reader: _Reader, path: Path) -> dict[str, Any] | None:
    if isinstance(profile, str) and profile:
        profile = {"id": profile}
    if not isinstance(profile, dict) or not (profile.get("name") or profile.get("id")):
        return None
    ext = profile.get(EXTENSION) or {}
    name = profile.get("name")
    if isinstance(name, dict):  # a language map
        name = next(iter(name.values()), None)
    if not name:
        name = str(profile["id"])
        reader.warn(path, "the issuer's profile has no name; the provider is named by its id")
    address: dict[str, Any] = profile["address"] if isinstance(profile.get("address"), dict) else {}
    country = address.get("addressCountryCode") or address.get("addressCountry")
    if country is not None and not re.fullmatch(r"[A-Za-z]{2}", str(country)):
        reader.warn(
            path, f"address country {country!r} is not an ISO 3166-1 code; the provider's country is not stated"
        )
        country = None
    url = profile.get("url") if re.match(r"^https?://", str(profile.get("url") or "")) else None
    record = {
        "id": ext.get("id") or (_iri_id(str(profile["id"])) if profile.get("id") else _slug(str(name))),
        "name": name,
        "type": ext.get("type"),
        "country": country,
        "city": address.get("addressLocality"),
        "url": url,
        "member_of": ext.get("member_of", []),
    }
    return {k: v for k, v in record.items() if v not in (None, [])}


def _eqf_level(al: dict[str, Any]) -> int | bool | None:
    """The EQF level an alignment names; False when it is no EQF alignment, None when it names no level."""
    framework = str(al.get("targetFramework") or "")
    url = str(al.get("targetUrl") or "")
    is_eqf = (
        re.search(r"\bEQF\b|European Qualifications? Framework", framework, re.IGNORECASE)
        or al.get("targetType") == "ext:EQFLevel"
        or re.search(r"/eqf\b|eqf-level|eight-eqf-levels", url, re.IGNORECASE)
    )
    if not is_eqf:
        return False
    code = str(al.get("targetCode") or "").strip()
    if re.fullmatch(r"[1-8]", code):
        return int(code)
    for text in (code, str(al.get("targetName") or ""), url):
        if m := _EQF_LEVEL.search(text):
            return int(m.group(1))
    return None


def _credential(a: dict[str, Any], provider: dict[str, Any] | None, reader: _Reader, path: Path) -> dict[str, Any]:
    ext = dict(a.get(EXTENSION) or {}) if isinstance(a.get(EXTENSION), dict) else {}
    criteria: dict[str, Any] = a["criteria"] if isinstance(a.get("criteria"), dict) else {}
    narrative = str(criteria["narrative"]) if isinstance(criteria.get("narrative"), str) else ""
    description = str(a["description"]) if isinstance(a.get("description"), str) else ""
    outcomes, how = _outcomes(narrative, description)
    if how and EXTENSION not in a:
        reader.warn((*path, "criteria") if narrative else path, how)
    if len(outcomes) > MAX_OUTCOMES:
        reader.warn((*path, "criteria"), f"has {len(outcomes)} outcomes; the first {MAX_OUTCOMES} were kept")
        outcomes = outcomes[:MAX_OUTCOMES]
    skills: list[tuple[str, str]] = []
    occupations: list[str] = []
    external: list[dict[str, Any]] = []
    eqf: Any = None
    for i, al in enumerate(_items(a.get("alignment"))):
        if not isinstance(al, dict):
            continue
        url = str(al.get("targetUrl") or "").strip()
        name = str(al.get("targetName") or "").strip()
        if m := _ESCO.match(url):
            uri = f"http://data.europa.eu/esco/{m.group(1)}/{m.group(2)}"
            if m.group(1) == "skill":
                skills.append((uri, name))
            elif uri not in occupations:
                occupations.append(uri)
        elif (level := _eqf_level(al)) is not False:
            if level is None:
                reader.warn(
                    (*path, "alignment", i), "aligns to the EQF but names no level 1-8; the level is not stated"
                )
            else:
                eqf = level
        else:
            entry = {
                "name": name or url or str(al.get("targetCode") or "unnamed"),
                "framework": al.get("targetFramework"),
                "url": url or None,
                "code": str(al["targetCode"]) if al.get("targetCode") is not None else None,
            }
            external.append({k: v for k, v in entry.items() if v is not None})
    outcome_skills = ext.pop("outcome_skills", None)
    groups = outcome_skills if isinstance(outcome_skills, list) else _attach_skills(outcomes, skills)
    languages = ext.pop("languages", None) or _languages(a.get("inLanguage"), reader, path)
    record: dict[str, Any] = {
        "id": ext.pop("id", None) or (_iri_id(str(a["id"])) if a.get("id") else _slug(str(a.get("name") or ""))),
        "title": a.get("name"),
        "description": description or None,
        "provider": provider["id"] if provider else None,
        "learning_outcomes": [
            {"text": text, "skills": groups[i] if i < len(groups) else []} for i, text in enumerate(outcomes)
        ],
        "ects": a.get("creditsAvailable"),
        "eqf_level": eqf,
        "languages": languages,
        "url": a.get("id") if re.match(r"^https?://", str(a.get("id") or "")) else None,
        "occupations": occupations,
        "external_alignments": external,
        "certificate": None if "certificate" in ext else "open_badge",  # what an issued badge is
    }
    record = {k: v for k, v in record.items() if v not in (None, [])}
    # EU elements neither the badge nor the extension states stay absent: validation warns, nothing is invented.
    return {**ext, **record}


def _languages(value: Any, reader: _Reader, path: Path) -> list[str] | None:
    codes = []
    for item in _items(value):
        code = str(item).split("-")[0].lower()
        if re.fullmatch(r"[a-z]{2}", code):
            codes.append(code)
        else:
            reader.warn((*path, "inLanguage"), f"{item!r} is not a BCP 47 language tag; the language is not stated")
    return sorted(set(codes), key=codes.index) or None


def _achievement(c: Credential, catalog: Catalog) -> dict[str, Any]:
    record = record_document(CredentialRecord.from_domain(c))
    extension = {k: v for k, v in record.items() if k not in _NATIVE and k != "occupations"}
    extension["id"] = c.id
    extension["outcome_skills"] = [list(o.skills) for o in c.learning_outcomes]
    alignment: list[dict[str, Any]] = []
    if c.eqf_level is not None:
        alignment.append(
            {
                "type": ["Alignment"],
                "targetName": f"EQF level {c.eqf_level}",
                "targetUrl": "https://europa.eu/europass/en/description-eight-eqf-levels",
                "targetFramework": EQF_FRAMEWORK,
                "targetCode": str(c.eqf_level),
                "targetType": "ext:EQFLevel",
            }
        )
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
    for ea in c.external_alignments:
        entry = {"type": ["Alignment"], "targetName": ea.name, "targetFramework": ea.framework}
        entry |= {"targetUrl": ea.url, "targetCode": ea.code}
        alignment.append({k: v for k, v in entry.items() if v is not None})
    out: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB3_CONTEXT, EXTENSION_CONTEXT],
        "id": c.url or f"urn:stackwise:credential:{c.id}",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": c.title,
        "description": c.description,
        "criteria": {"narrative": "\n".join(f"- {o.text}" for o in c.learning_outcomes)},
        "alignment": alignment,
        "creator": _profile(catalog.provider_by_id.get(c.provider), c.provider),
        EXTENSION: extension,
    }
    if c.languages:
        out["inLanguage"] = c.languages[0]
    if c.ects is not None:
        out["creditsAvailable"] = c.ects
    if len(c.languages) <= 1:
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
        EXTENSION: {"id": p.id, "member_of": list(p.member_of)},
    }
    if p.type is not None:
        profile[EXTENSION]["type"] = p.type.value
    if p.country is None:
        del profile["address"]
    if p.city and "address" in profile:
        profile["address"]["addressLocality"] = p.city
    if p.url:
        profile["url"] = p.url
    return profile


def achievements(catalog: Catalog, credentials: list[Credential] | None = None) -> list[dict[str, Any]]:
    return [_achievement(c, catalog) for c in (credentials if credentials is not None else catalog.credentials)]


def dump(catalog: Catalog) -> str:
    return json.dumps(achievements(catalog), indent=2, ensure_ascii=False) + "\n"
