"""ELM v3 (Europass) JSON-LD import on small documents written for these tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from knowledge.catalog import export, import_report, validate_text
from knowledge.formats import guess_format, parse_text
from knowledge.formats import jsondoc as jsondoc_module
from knowledge.models import LocalText, Participation
from knowledge.store import CatalogStore

ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
SKILL = "http://data.europa.eu/esco/skill/ccdf3597-5c80-410f-896d-e1bdfa223de9"
SKILL_2 = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"
ORG = {
    "id": "https://uni.example/org",
    "type": "Organisation",
    "legalName": {"en": "University of Zed", "ga": "Ollscoil Zed"},
    "location": {
        "type": "Location",
        "address": {
            "type": "Address",
            "countryCode": {"id": "http://publications.europa.eu/resource/authority/country/IRL"},
        },
    },
    "homepage": {"type": "WebResource", "contentURL": "https://uni.example"},
}


def _qualification(**changes: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "id": "https://uni.example/spec/data-101",
        "type": "Qualification",
        "title": {"en": "Data Cleaning for Analysts", "fr": "Nettoyage des données pour analystes"},
        "description": [
            {"@language": "en", "@value": "Clean and document a messy dataset."},
            {"@language": "fr", "@value": "Nettoyer et documenter un jeu de données."},
        ],
        "learningOutcome": [
            {
                "type": "LearningOutcome",
                "title": {"en": "Clean a table of orders in a spreadsheet", "fr": "Nettoyer une table de commandes"},
                "relatedESCOSkill": [{"id": SKILL, "type": "Concept"}, {"id": SKILL_2}],
            },
            {
                "type": "LearningOutcome",
                "title": {"en": "Document every cleaning step for a colleague"},
                "relatedESCOSkill": {"id": SKILL_2, "type": "Concept"},
            },
        ],
        "volumeOfLearning": "PT50H",
        "creditPoint": {
            "type": "CreditPoint",
            "framework": {"id": "http://data.europa.eu/snb/education-credit/6fcec5c5af"},
            "point": "2",
        },
        "eqfLevel": {"id": "http://data.europa.eu/snb/eqf/6", "type": "Concept"},
        "mode": {"id": "http://data.europa.eu/snb/learning-assessment/920fbb3cbe", "type": "Concept"},
        "language": [
            {"id": "http://publications.europa.eu/resource/authority/language/ENG"},
            {"id": "http://publications.europa.eu/resource/authority/language/FRA"},
        ],
        "entryRequirement": {"type": "Note", "noteLiteral": {"en": "Basic spreadsheet use"}},
        "awardingOpportunity": {"type": "AwardingOpportunity", "awardingBody": ORG},
    }
    spec.update(changes)
    return spec


def _credential(claim: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
        "id": "urn:credential:1",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "issuer": ORG,
        "credentialSubject": {"id": "urn:epass:person:1", "type": "Person", "hasClaim": claim},
    }


def _read(doc: Any, source: str = "elm.jsonld") -> Any:
    return validate_text(json.dumps(doc, indent=1), "elm", source, None)


def test_qualification_maps_every_stated_element() -> None:
    report = _read(_qualification())
    assert report.ok, [str(e) for e in report.errors]
    (c,) = report.catalog.credentials
    assert c.id == "uni-example-spec-data-101"
    assert (c.title, c.description) == ("Data Cleaning for Analysts", "Clean and document a messy dataset.")
    assert [o.skills for o in c.learning_outcomes] == [(SKILL, SKILL_2), (SKILL_2,)]
    assert (c.ects, c.hours, c.eqf_level, c.participation) == (2, 50, 6, Participation.ONLINE)
    assert c.languages == ("en", "fr") and c.prerequisites.text == "Basic spreadsheet use"
    assert c.texts == (
        LocalText(
            "fr",
            "Nettoyage des données pour analystes",
            "Nettoyer et documenter un jeu de données.",
            ("Nettoyer une table de commandes",),
        ),
    )
    (provider,) = report.catalog.providers
    assert (provider.id, provider.name, provider.country, provider.url) == (
        "uni-example-org",
        "University of Zed",
        "IE",
        "https://uni.example",
    )
    unstated = {i.field for i in report.warnings if "not stated" in i.message}
    assert {"priceDetail", "temporal", "provenBy", "accreditation"} <= unstated


def test_credential_claim_reads_its_specification_assessment_and_opportunity() -> None:
    claim = {
        "id": "urn:epass:learningAchievement:1",
        "type": "LearningAchievement",
        "title": {"en": "Claim title"},
        "specifiedBy": _qualification(mode={"id": "http://data.europa.eu/snb/learning-assessment/e92d221e4d"}),
        "provenBy": {"type": "LearningAssessment", "specifiedBy": {"title": {"en": "Project report"}}},
        "learningOpportunity": {
            "type": "LearningOpportunity",
            "providedBy": ORG,
            "temporal": {"startDate": "2027-02-01T00:00:00Z", "endDate": "2027-03-15T00:00:00Z"},
            "priceDetail": {
                "type": "PriceDetail",
                "amount": {
                    "value": 350,
                    "unit": {"id": "http://publications.europa.eu/resource/authority/currency/EUR"},
                },
            },
        },
    }
    report = _read(_credential(claim))
    assert report.ok, [str(e) for e in report.errors]
    (c,) = report.catalog.credentials
    assert c.title == "Data Cleaning for Analysts" and c.assessment == "Project report"
    assert (c.price, c.currency, c.duration_weeks) == (350, "EUR", 6)
    assert [d.isoformat() for d in c.schedule.start_dates] == ["2027-02-01"]
    assert c.participation is Participation.BLENDED and c.delivery.country == "IE"


def test_graph_with_references_by_id_gives_one_credential_per_specification() -> None:
    spec = _qualification(type="LearningAchievementSpecification", awardingOpportunity=None)
    doc = {
        "@context": {"elm": "http://data.europa.eu/snb/model/elm/"},
        "@graph": [
            {
                "@id": "urn:lo:1",
                "@type": "elm:LearningOpportunity",
                "elm:providedBy": "https://uni.example/org",
                "elm:learningAchievementSpecification": spec["id"],
            },
            spec,
            ORG,
        ],
    }
    report = _read(doc)
    assert report.ok, [str(e) for e in report.errors]
    assert [c.id for c in report.catalog.credentials] == ["uni-example-spec-data-101"]
    assert report.catalog.credentials[0].provider == "uni-example-org"


def test_parts_of_a_claim_are_credentials_of_their_own_with_unique_ids() -> None:
    part = {"type": "LearningAchievement", "specifiedBy": _qualification(title={"en": "Module one of the course"})}
    other = {"type": "LearningAchievement", "specifiedBy": _qualification(title={"en": "Module two of the course"})}
    claim = {
        "type": "LearningAchievement",
        "specifiedBy": _qualification(id="https://uni.example/spec/all"),
        "hasPart": [part, other],
    }
    report = _read(_credential(claim))
    assert report.ok, [str(e) for e in report.errors]
    ids = sorted(c.id for c in report.catalog.credentials)
    assert ids == ["uni-example-spec-all", "uni-example-spec-data-101", "uni-example-spec-data-101-2"]


def test_numbered_local_ids_join_the_title_so_files_do_not_collide() -> None:
    report = _read(_credential({"specifiedBy": _qualification(id="urn:epass:qualification:1")}))
    assert [c.id for c in report.catalog.credentials] == ["data-cleaning-for-analysts-qualification-1"]


def test_signed_credential_payload_is_read_without_verifying_the_signature() -> None:
    doc = {"payload": json.dumps(_credential({"specifiedBy": _qualification()})), "signatures": [{"protected": "x"}]}
    report = _read(doc)
    assert report.ok and len(report.catalog.credentials) == 1
    assert any("signature is not verified" in w.message for w in report.warnings)


def test_claim_without_specification_uses_its_title_with_warnings() -> None:
    report = _read(
        _credential(
            {
                "type": "LearningAchievement",
                "title": {"en": "Intercultural mediation basics"},
                "awardedBy": {"awardingBody": ORG},
            }
        )
    )
    assert report.ok
    (c,) = report.catalog.credentials
    assert c.learning_outcomes[0].text == "Intercultural mediation basics"
    assert any("has no learningOutcome" in w.message for w in report.warnings)


def test_other_credit_systems_are_not_taken_as_ects() -> None:
    credit = {"framework": {"prefLabel": {"en": "Spanish continuing education credits"}}, "point": "1,5"}
    report = _read(_qualification(creditPoint=[credit]))
    assert report.ok and report.catalog.credentials[0].ects is None
    assert any("not ECTS (1.5 in Spanish continuing education credits)" in w.message for w in report.warnings)


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        ({"volumeOfLearning": "fifty hours"}, "/volumeOfLearning", "ISO 8601 duration"),
        ({"eqfLevel": {"id": "http://data.europa.eu/snb/eqf/nine"}}, "/eqfLevel", "EQF level 1-8"),
        ({"title": 42}, "/title", "language map"),
        ({"learningOutcome": [17]}, "/learningOutcome/0", "LearningOutcome object"),
    ],
)
def test_wrong_types_are_refused_with_pointer_and_fix(change: dict[str, Any], pointer: str, words: str) -> None:
    report = _read(_qualification(**change))
    assert not report.ok and not report.catalog.credentials
    assert any(e.pointer == pointer and words in e.message for e in report.errors), [str(e) for e in report.errors]


def test_credit_points_that_are_not_a_number_leave_ects_not_stated() -> None:
    """ELM types `point` as text, so a file with words there is valid ELM: nothing to refuse, nothing to read."""
    report = _read(_qualification(creditPoint={"framework": {"id": ECTS}, "point": "two"}))
    assert report.ok and report.catalog.credentials[0].ects is None
    (warning,) = [w for w in report.warnings if w.pointer == "/creditPoint/point"]
    assert "'two' is not a number of credits" in warning.message


def test_invalid_json_is_refused_with_line_and_column() -> None:
    report = validate_text('{\n "type": "Qualification",\n "title" {"en": "x"}\n}', "elm", "bad.jsonld", None)
    (error,) = report.errors
    assert error.line == 3 and "line 3 column 10" in error.message


def test_oversized_and_deep_files_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    deep: Any = _qualification()
    for _ in range(70):
        deep = {"hasPart": deep}
    assert "nested too deeply" in _read(deep).errors[0].message
    monkeypatch.setattr("knowledge.formats.elm.MAX_BYTES", 100)
    assert "over the 100-byte limit" in _read(_qualification()).errors[0].message
    assert jsondoc_module.MAX_BYTES == 5_000_000


def test_remote_contexts_are_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the importer tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    doc = _qualification(**{"@context": ["https://evil.example/context.jsonld"]})
    assert _read(doc).ok


def test_file_without_learning_is_refused_saying_so() -> None:
    report = _read(_credential({"type": "LearningEntitlement", "title": {"en": "Right to practise"}}))
    assert "holds no ELM learning specification or credential" in report.errors[0].message


def test_format_is_detected_from_content() -> None:
    text = json.dumps(_credential({"specifiedBy": _qualification()}))
    assert guess_format(Path("x.json"), text) == "elm"
    assert guess_format(Path("x.jsonld"), json.dumps(_qualification())) == "elm"
    assert guess_format(Path("x.xml"), "<x/>") == "elm"
    assert parse_text(text, "elm", "x.json").records


def test_texts_in_other_languages_survive_store_and_native_export(tmp_path: Path) -> None:
    report = _read(_qualification())
    store = CatalogStore(f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert import_report(store, report, replace=True).written
    stored = store.load()
    assert stored.credentials[0].texts == report.catalog.credentials[0].texts
    for fmt in ("json", "yaml"):
        again = validate_text(export(stored, fmt), fmt, f"out.{fmt}", None)
        assert again.ok and again.catalog.credentials == stored.credentials
    store.close()


def _module(n: int, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": f"https://uni.example/spec/module-{n}",
        "type": "LearningAchievementSpecification",
        "title": {"en": f"Module {n} of data cleaning"},
        "identifier": {"type": "Identifier", "notation": f"DC-M{n}", "schemeName": "Module code"},
    }
    return _qualification(**(fields | changes))


def test_an_identifier_notation_is_the_credential_id() -> None:
    (c,) = _read(_module(1)).catalog.credentials
    assert c.id == "DC-M1"
    number = _module(1, identifier=[{"type": "Identifier", "notation": "17"}])
    (c,) = _read(number).catalog.credentials
    assert c.id == "module-1-of-data-cleaning-17"  # digits alone would collide across issuers: the title joins


def test_eqf_level_is_read_from_education_level_but_not_other_levels() -> None:
    eqf = {"id": "http://data.europa.eu/snb/eqf/5", "type": "Concept"}
    national = {"id": "https://nqf.example/level/5", "type": "Concept", "prefLabel": {"en": "Level 5"}}
    (c,) = _read(_qualification(eqfLevel=None, educationLevel=[national, eqf])).catalog.credentials
    assert c.eqf_level == 5
    (c,) = _read(_qualification(eqfLevel=None, educationLevel=national)).catalog.credentials
    assert c.eqf_level is None


def test_text_tagged_und_is_read_when_no_language_is_given() -> None:
    org = {**ORG, "legalName": {"und": "Hochschule Zed"}}
    doc = _qualification(title={"und": "Datenbereinigung"}, awardingOpportunity={"awardingBody": org})
    (c,) = _read(doc).catalog.credentials
    assert c.title == "Datenbereinigung"
    assert _read(doc).catalog.providers[0].name == "Hochschule Zed"


def test_quality_assurance_note_is_read_by_its_subject() -> None:
    note = {
        "type": "Note",
        "noteLiteral": {"en": "Reviewed yearly by the faculty board"},
        "subject": {"type": "Concept", "prefLabel": {"en": "Quality assurance"}},
    }
    (c,) = _read(_qualification(additionalNote=[note])).catalog.credentials
    assert c.quality_assurance == "Reviewed yearly by the faculty board"


def test_a_specification_others_are_parts_of_is_a_stack() -> None:
    whole = _qualification(
        id="https://uni.example/spec/data-cert",
        type="Qualification",
        title={"en": "Certificate in Data Cleaning"},
        category={"en": "University Certificate"},
        creditPoint={"framework": {"id": "http://data.europa.eu/snb/education-credit/6fcec5c5af"}, "point": "4"},
        hasPart=["https://uni.example/spec/module-1"],
    )
    parts = [_module(1), _module(2, isPartOf="https://uni.example/spec/data-cert")]
    report = _read({"@graph": [whole, *parts]})
    assert report.ok, [str(e) for e in report.errors]
    (stack,) = report.catalog.stacks
    assert (stack.id, stack.award, stack.ects, stack.eqf_level) == (
        "uni-example-spec-data-cert",
        "University Certificate",
        4,
        6,
    )
    assert [(c.id, [(s.stack, s.ects) for s in c.stacks]) for c in report.catalog.credentials] == [
        ("DC-M1", [(stack.id, 2)]),
        ("DC-M2", [(stack.id, 2)]),
    ]


def test_a_whole_that_lacks_what_a_stack_needs_is_read_as_a_credential() -> None:
    whole = _qualification(
        id="https://uni.example/spec/whole", eqfLevel=None, hasPart=["https://uni.example/spec/module-1"]
    )
    report = _read({"@graph": [whole, _module(1)]})
    assert report.ok and not report.catalog.stacks
    assert {c.id for c in report.catalog.credentials} == {"uni-example-spec-whole", "DC-M1"}
    assert any("needs EQF level" in w.message for w in report.warnings)
