"""Open Badges 3.0 and CLR 2.0 documents as issuers publish them, and files that must be refused."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from knowledge.catalog import export, import_report, validate_text
from knowledge.esco import EscoVocabulary
from knowledge.formats import openbadges
from knowledge.store import CatalogStore

SKILL = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _achievement(**extra: Any) -> dict[str, Any]:
    a: dict[str, Any] = {
        "id": "https://badges.example.org/achievements/data-cleaning",
        "type": ["Achievement"],
        "name": "Data Cleaning Basics",
        "description": "Tidy messy tables before analysis.",
        "criteria": {"narrative": "Earners showed they can find duplicates in a table. They fixed dates by hand."},
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": "use spreadsheets software",
                "targetUrl": SKILL.replace("http:", "https:"),
            },
            {
                "type": ["Alignment"],
                "targetName": "Data Scientists",
                "targetFramework": "O*NET",
                "targetUrl": "https://www.onetonline.org/link/summary/15-2051.00",
                "targetCode": "15-2051.00",
            },
            {"type": ["Alignment"], "targetName": "EQF level 5", "targetFramework": "EQF"},
        ],
    }
    a.update(extra)
    return a


def _credential(achievement: dict[str, Any], issuer: Any, context: str = VC2, **extra: Any) -> dict[str, Any]:
    c: dict[str, Any] = {
        "@context": [context, OB3],
        "id": "urn:uuid:7d1f7c1e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": achievement},
    }
    c.update(extra)
    return c


ISSUER = {
    "id": "https://uni.example.edu/issuer",
    "type": ["Profile"],
    "name": "Example University",
    "address": {"type": ["Address"], "addressCountryCode": "de"},
}


def _read(doc: Any, vocabulary: EscoVocabulary | None = None) -> Any:
    return validate_text(json.dumps(doc, indent=1), "ob3", "badge.json", vocabulary)


def test_issued_credential_takes_its_provider_from_the_issuer(vocabulary: EscoVocabulary) -> None:
    report = _read(_credential(_achievement(), ISSUER), vocabulary)
    assert report.ok, [str(i) for i in report.errors]
    (cred,) = report.catalog.credentials
    (provider,) = report.catalog.providers
    assert (provider.name, provider.country, provider.type) == ("Example University", "DE", None)
    assert cred.provider == provider.id == "uni-example-edu-issuer"
    assert cred.id == "badges-example-org-achievements-data-cleaning"
    assert [o.text for o in cred.learning_outcomes] == [
        "Earners showed they can find duplicates in a table.",
        "They fixed dates by hand.",
    ]
    assert cred.eqf_level == 5 and SKILL in cred.skill_uris
    (onet,) = cred.external_alignments
    assert (onet.framework, onet.code, onet.name) == ("O*NET", "15-2051.00", "Data Scientists")
    assert any("no bullet list" in w.message for w in report.warnings)


def test_unstated_elements_warn_and_are_never_invented(vocabulary: EscoVocabulary) -> None:
    report = _read(_credential(_achievement(), ISSUER), vocabulary)
    (cred,) = report.catalog.credentials
    assert {"price", "assessment", "quality_assurance", "schedule", "hours_per_week"} <= set(cred.unstated)
    assert (cred.price, cred.participation, cred.duration_weeks, cred.hours_per_week) == (None, None, None, None)
    assert cred.assessment is None and cred.quality_assurance is None and not cred.is_free
    assert not cred.schedule.stated
    warned = {w.field for w in report.warnings if "not stated" in w.message}
    assert {"stackwiseOffering.price", "stackwiseOffering.assessment", "stackwiseOffering.schedule"} <= warned
    native = json.loads(export(report.catalog, "json"))["credentials"][0]
    assert not {"price", "currency", "assessment", "schedule", "unstated"} & set(native)
    again = validate_text(export(report.catalog, "ob3"), "ob3", "again.json", vocabulary)
    assert again.catalog.credentials == report.catalog.credentials


def test_vc1_achievement_credential_with_a_string_issuer(vocabulary: EscoVocabulary) -> None:
    doc = _credential(_achievement(), "did:web:badges.example.org", context=VC1, issuanceDate="2023-01-01T00:00:00Z")
    doc["type"] = ["VerifiableCredential", "AchievementCredential"]
    del doc["validFrom"]
    report = _read(doc, vocabulary)
    assert report.ok, [str(i) for i in report.errors]
    (provider,) = report.catalog.providers
    assert provider.name == "did:web:badges.example.org" and provider.country is None


def test_clr_reads_every_achievement_and_keeps_ids_unique(vocabulary: EscoVocabulary) -> None:
    same_id = {"id": "urn:uuid:0000aaaa-0000-4000-8000-000000000001"}
    first = _achievement(**same_id, name="First Course", criteria={"narrative": "- Explain the first topic well"})
    second = _achievement(**same_id, name="Second Course", criteria={"narrative": "1. Explain the second topic well"})
    third = _achievement(id="https://badges.example.org/achievements/third", name="Third Course")
    clr = {
        "@context": [VC2, "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"],
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": ISSUER,
        "credentialSubject": {
            "type": ["ClrSubject"],
            "verifiableCredential": [_credential(first, ISSUER), _credential(second, ISSUER)],
            "achievement": [first, third],  # `first` again: the same achievement, imported once
        },
    }
    report = _read(clr, vocabulary)
    assert report.ok, [str(i) for i in report.errors]
    ids = sorted(c.id for c in report.catalog.credentials)
    assert ids == ["0000aaaa-0000-4000-8000-000000000001", "0000aaaa-0000-4000-8000-000000000001-2",
                   "badges-example-org-achievements-third"]  # fmt: skip
    assert any("same id" in w.message for w in report.warnings)


def test_description_is_the_outcome_only_when_nothing_else_is(vocabulary: EscoVocabulary) -> None:
    report = _read(_achievement(criteria={"id": "https://x.example/criteria"}), vocabulary)
    (cred,) = report.catalog.credentials
    assert [o.text for o in cred.learning_outcomes] == ["Tidy messy tables before analysis."]
    assert any("description was taken" in w.message for w in report.warnings)


def test_long_ids_are_bounded_and_stay_distinct() -> None:
    a = openbadges._iri_id("https://example.org/" + "a" * 200 + "/one")
    b = openbadges._iri_id("https://example.org/" + "a" * 200 + "/two")
    assert len(a) <= 80 and len(b) <= 80 and a != b


def test_external_alignments_round_trip_through_native_formats_and_the_store(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    catalog = _read(_credential(_achievement(), ISSUER), vocabulary).catalog
    for fmt in ("json", "yaml", "ob3"):
        again = validate_text(export(catalog, fmt), fmt, f"out.{fmt}", vocabulary)  # type: ignore[arg-type]
        assert again.ok, (fmt, [str(i) for i in again.errors])
        assert again.catalog.credentials == catalog.credentials, fmt
    store = CatalogStore(f"sqlite:///{tmp_path / 's.db'}")
    import_report(store, _read(_credential(_achievement(), ISSUER), vocabulary), replace=False)
    assert store.load().credentials == catalog.credentials
    store.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": ["Achievement"],\n  "name": }', "line 2 column"),
        ("[" * 200 + "]" * 200, "nested too deeply"),
        ('{"@context": ["x"], "type": "Profile", "name": "Just an issuer"}', "holds no Open Badges 3.0 Achievement"),
    ],
)
def test_unreadable_documents_give_one_located_error(text: str, message: str) -> None:
    report = validate_text(text, "ob3", "bad.json", None)
    (error,) = report.errors
    assert message in error.message and error.line is not None and not report.catalog.credentials


def test_oversized_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openbadges, "MAX_BYTES", 100)
    report = validate_text(json.dumps(_achievement()), "ob3", "big.json", None)
    assert "over the 100-byte limit" in report.errors[0].message


@pytest.mark.parametrize(
    ("change", "pointer", "message"),
    [
        ({"issuer": {**ISSUER, "type": ["Organisation"]}}, "/issuer/type", "must include Profile"),
        ({"issuer": None}, "/issuer", "is required"),
        ({"validFrom": "2024-01-01T00:00:00Z", "validUntil": "2023-01-01T00:00:00Z"}, "/validUntil", "never valid"),
        ({"validFrom": "yesterday"}, "/validFrom", "must be a date-time"),
        ({"proof": {"type": "DataIntegrityProof", "verificationMethod": "key-1"}}, "/proof/verificationMethod", "DID"),
        (
            {"proof": [{"type": "DataIntegrityProof", "verificationMethod": "did:example:123#key-1"}]},
            "/proof/0/verificationMethod",
            "did:example",
        ),
        ({"@context": [OB3]}, "/@context", "Verifiable Credentials context"),
    ],
)
def test_bad_credentials_are_refused_with_pointer_and_fix(change: dict[str, Any], pointer: str, message: str) -> None:
    doc = _credential(_achievement(), ISSUER)
    doc.update(change)
    report = _read(doc)
    assert not report.ok and not report.catalog.credentials
    assert any(e.pointer == pointer and message in e.message and e.line for e in report.errors), [
        str(e) for e in report.errors
    ]


def test_a_file_with_an_error_writes_nothing(vocabulary: EscoVocabulary, tmp_path: Path) -> None:
    good = _achievement(id="https://badges.example.org/a/good")
    bad = _credential(_achievement(), {**ISSUER, "type": "Person"})
    report = _read([good, bad], vocabulary)
    store = CatalogStore(f"sqlite:///{tmp_path / 's.db'}")
    assert not import_report(store, report, replace=False).written
    assert store.is_empty()
    store.close()


def test_remote_contexts_are_never_fetched(monkeypatch: pytest.MonkeyPatch, vocabulary: EscoVocabulary) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the importer tried to open a connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    doc = _credential(_achievement(), ISSUER)
    doc["@context"].append("https://evil.example/context.jsonld")
    assert _read(doc, vocabulary).ok
