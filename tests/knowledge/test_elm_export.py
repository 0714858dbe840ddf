"""ELM v3 export: what each Stackwise element becomes, and that the Commission's LOQ SHACL shapes accept it.

The shapes are in ../shared (skipped with the reason when absent). Every check runs with the network cut: the
export carries its @context inline, and a JSON-LD reader that tried to fetch one would fail the test.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge.catalog import DEFAULT_CATALOG, export, validate_file
from knowledge.formats import elm_export
from knowledge.models import Catalog, Prerequisites
from tests.factories import CREDENTIAL, PROVIDER, SKILL, STACK, credential, document, validate_document

REPO = Path(__file__).resolve().parents[2]
SHAPES = REPO.parent / "shared" / "data" / "real-world" / "elm" / "shapes"
needs_shapes = pytest.mark.skipif(
    not (SHAPES / "LOQ-constraints.ttl").is_file(),
    reason=f"the Commission's LOQ SHACL shapes are not at {SHAPES} (../shared is not mounted)",
)
pytest.importorskip("pyshacl", reason="pyshacl (dev extra) checks ELM exports against the SHACL shapes")


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any connection or name lookup fails the test: a JSON-LD reader fetching a remote context would do one."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NetworkUsed(f"network access attempted: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield


@pytest.fixture(scope="module")
def shapes() -> Any:
    return elm_export.load_shapes(SHAPES)


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    report = validate_file(DEFAULT_CATALOG, None)
    assert report.ok
    return report.catalog


def small() -> Catalog:
    doc = document(
        credential(
            id="cred",
            url="https://prov.example/cred",
            hours=50,
            fields=["0611"],
            stacks=[{"stack": "stk", "ects": 2}],
            schedule={"start_dates": ["2027-02-01", "2027-04-05"]},
            delivery={"country": "DE", "city": "Bonn"},
            prerequisites={"text": "Basic spreadsheet use", "credentials": ["other"]},
        ),
        credential(id="other", title="Another credential", url="https://prov.example/other", fields=["0413"]),
        providers=[{**PROVIDER, "url": "https://prov.example", "city": "Bonn"}],
        stacks=[STACK],
    )
    report = validate_document(doc)
    assert report.ok, [str(i) for i in report.errors]
    return report.catalog


def _node(doc: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(n for n in doc["@graph"] if n["id"] == node_id)


# -- the mapping -------------------------------------------------------------------------------------------------


def test_each_stackwise_element_has_its_elm_property() -> None:
    doc = elm_export.document(small())
    lo = _node(doc, "urn:stackwise:learningOpportunity:cred")
    las = lo["learningAchievementSpecification"]
    assert lo["type"] == "LearningOpportunity" and las["type"] == "LearningAchievementSpecification"
    assert las["identifier"]["notation"] == "cred"
    assert lo["title"] == las["title"] == {"en": CREDENTIAL["title"]}
    assert lo["homepage"]["contentURL"] == "https://prov.example/cred"
    assert [o["title"]["en"] for o in las["learningOutcome"]] == [o["text"] for o in CREDENTIAL["learning_outcomes"]]
    assert las["learningOutcome"][0]["relatedESCOSkill"][0]["id"] == SKILL
    assert las["creditPoint"]["point"] == "2"
    assert las["creditPoint"]["framework"]["id"] == "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    assert las["volumeOfLearning"] == "PT50H"
    assert las["educationLevel"]["id"] == "http://data.europa.eu/snb/eqf/4"
    assert las["thematicArea"][0]["id"] == "http://data.europa.eu/snb/isced-f/0611"
    assert las["mode"]["id"] == lo["mode"]["id"] == "http://data.europa.eu/snb/learning-assessment/920fbb3cbe"
    assert las["language"][0]["id"] == lo["defaultLanguage"]["id"]
    assert lo["defaultLanguage"]["id"] == "http://publications.europa.eu/resource/authority/language/ENG"
    assert lo["providedBy"]["legalName"] == {"und": "Provider"}
    country = lo["providedBy"]["location"]["address"]["countryCode"]["id"]
    assert country == "http://publications.europa.eu/resource/authority/country/DEU"
    assert lo["location"]["geographicName"] == {"und": "Bonn"}
    amount = lo["priceDetail"]["amount"]
    assert amount["value"] == "100.00"
    assert amount["unit"]["id"] == "http://publications.europa.eu/resource/authority/currency/EUR"
    assert lo["temporal"]["startDate"] == "2027-02-01T00:00:00" and lo["duration"] == "P35D"
    assert "2027-04-05" in lo["scheduleInformation"]["noteLiteral"]["en"]
    assert "10 hours a week" in lo["scheduleInformation"]["noteLiteral"]["en"]
    requirement = las["entryRequirement"]["noteLiteral"]["en"]
    assert "Basic spreadsheet use" in requirement and "Another credential (other)" in requirement
    assert las["provenBy"]["title"] == {"en": "Project"}
    assert any(n["noteLiteral"] == {"en": "Internal QA"} for n in las["additionalNote"])
    assert las["awardingOpportunity"]["awardingBody"]["id"] == "urn:stackwise:organisation:prov"
    stack = _node(doc, las["isPartOf"][0])
    assert stack["hasPart"] == ["urn:stackwise:learningAchievementSpecification:cred"]
    assert stack["educationLevel"]["id"] == "http://data.europa.eu/snb/eqf/5"


def test_elements_not_stated_are_left_out_never_defaulted() -> None:
    catalog = small()
    base = catalog.credential_by_id["cred"]
    silent = dataclasses.replace(
        base,
        price=None,
        eqf_level=None,
        participation=None,
        assessment=None,
        quality_assurance=None,
        duration_weeks=None,
        hours_per_week=None,
        ects=None,
        hours=None,
        stacks=(),
        prerequisites=Prerequisites(),
    )
    lo = elm_export.learning_opportunity(silent, catalog)
    las = lo["learningAchievementSpecification"]
    for key in ("priceDetail", "mode", "duration"):
        assert key not in lo
    for key in ("educationLevel", "mode", "provenBy", "additionalNote", "creditPoint", "volumeOfLearning"):
        assert key not in las
    assert "hours a week" not in lo["scheduleInformation"]["noteLiteral"]["en"]


def test_free_is_a_price_of_zero() -> None:
    catalog = small()
    free = dataclasses.replace(catalog.credential_by_id["cred"], price=0.0)
    assert elm_export.learning_opportunity(free, catalog)["priceDetail"]["amount"]["value"] == "0.00"


def test_catalog_export_format_elm_is_one_node_a_line() -> None:
    text = export(small(), "elm")
    doc = json.loads(text)
    assert doc["@context"] == elm_export.CONTEXT
    assert [n["type"] for n in doc["@graph"]] == [
        "LearningOpportunity",
        "LearningOpportunity",
        "LearningAchievementSpecification",
    ]
    assert text.count("\n{") == 3


# -- the Commission's artefacts ----------------------------------------------------------------------------------


@needs_shapes
def test_inline_context_uses_the_commissions_term_names() -> None:
    """Every term we share with the EDC context means the same there, except `value` (LOQ wants rdf:value)."""
    edc = json.loads((SHAPES / "edc-ap-context.jsonld").read_text(encoding="utf-8"))["@context"]

    def iri(ctx: dict[str, Any], term: str) -> str | None:
        entry = ctx.get(term)
        target = entry.get("@id") if isinstance(entry, dict) else entry
        if not isinstance(target, str):
            return None
        prefix, _, local = target.partition(":")
        return str(ctx[prefix]) + local if prefix in ctx and not local.startswith("//") else target

    shared = [t for t in elm_export.CONTEXT if t in edc and not t.startswith("@") and t not in ("id", "type")]
    assert len(shared) > 50
    differ = {t: (iri(elm_export.CONTEXT, t), iri(edc, t)) for t in shared if iri(elm_export.CONTEXT, t) != iri(edc, t)}
    assert set(differ) == {"value"}, differ


@needs_shapes
def test_a_remote_context_would_fail_the_offline_check(offline: None) -> None:
    from rdflib import Graph

    remote = {"@context": "http://data.europa.eu/snb/model/context/edc-ap", "id": "urn:x", "title": {"en": "x"}}
    with pytest.raises(Exception) as raised:
        Graph().parse(data=json.dumps(remote), format="json-ld")
    assert isinstance(raised.value, NetworkUsed) or isinstance(raised.value.__cause__, NetworkUsed)


@needs_shapes
def test_shipped_catalog_export_has_no_shacl_violations(shipped: Catalog, shapes: Any, offline: None) -> None:
    started = time.monotonic()
    violations, report = elm_export.shacl_report(export(shipped, "elm"), shapes)
    assert violations == 0, report[:3000]
    assert time.monotonic() - started < 60


@needs_shapes
def test_small_catalog_with_stack_and_prerequisites_validates(shapes: Any, offline: None) -> None:
    violations, report = elm_export.shacl_report(export(small(), "elm"), shapes)
    assert violations == 0, report


@needs_shapes
def test_shapes_report_what_loq_requires_and_the_catalog_does_not_state(shapes: Any, offline: None) -> None:
    """LOQ makes a web page and the languages mandatory; a credential without them is exported without them and
    the shapes say so (the README lists these constraints)."""
    catalog = small()
    bare = dataclasses.replace(catalog.credential_by_id["other"], url=None, languages=())
    text = json.dumps(elm_export.document(catalog, [bare]))
    violations, report = elm_export.shacl_report(text, shapes)
    assert violations == 3, report
    for path in ("foaf:homepage", "dc:language", "elm:defaultLanguage"):
        assert f"->{path}" in report or path.split(":")[1] in report


# What an ELM export gives back, field by field. Not compared, because LOQ has no structured place for them and the
# export writes them as prose (or not at all): `hours_per_week`, self-paced and every start date after the first
# (`scheduleInformation`; LOQ allows one `temporal` period), the ESCO skills and credentials of `prerequisites`
# (ELM's `entryRequirement` is a Note: they are listed in its text), `occupations` and `alliances` (not exported),
# and `certificate` (an ELM import is a Europass credential).
ROUND_TRIP_FIELDS = (
    "id",
    "title",
    "description",
    "learning_outcomes",  # texts and their ESCO skills, in order
    "texts",
    "ects",
    "hours",
    "eqf_level",
    "participation",
    "languages",
    "price",
    "currency",
    "duration_weeks",
    "provider",
    "awarding_body",
    "assessment",
    "quality_assurance",
    "stacks",  # stack and ECTS counted towards it
    "delivery",
    "url",
    "fields",
)


def test_elm_export_imports_back_the_same_credentials(shipped: Catalog) -> None:
    from knowledge.catalog import validate_text

    report = validate_text(export(shipped, "elm"), "elm", "catalog.elm.jsonld", None)
    assert report.ok, [str(i) for i in report.errors[:5]]
    back = report.catalog
    assert len(shipped.credentials) == 442
    assert set(back.credential_by_id) == set(shipped.credential_by_id)
    for c in shipped.credentials:
        b = back.credential_by_id[c.id]
        assert {f: getattr(b, f) for f in ROUND_TRIP_FIELDS} == {f: getattr(c, f) for f in ROUND_TRIP_FIELDS}, c.id
        first_start = (min(c.schedule.start_dates),) if c.schedule.start_dates else ()
        assert b.schedule.start_dates == first_start, c.id
        assert bool(b.prerequisites) == bool(c.prerequisites), c.id
        assert (c.prerequisites.text or "") in (b.prerequisites.text or ""), c.id
        for cid in c.prerequisites.credentials:
            assert f"({cid})" in (b.prerequisites.text or ""), c.id
    assert back.stacks == shipped.stacks
    for pid in {c.provider for c in shipped.credentials} | {s.provider for s in shipped.stacks}:
        p, q = shipped.provider_by_id[pid], back.provider_by_id[pid]
        assert (q.name, q.country, q.city, q.url) == (p.name, p.country, p.city, p.url)


def test_elm_export_of_a_small_catalog_imports_back() -> None:
    from knowledge.catalog import validate_text

    catalog = small()
    report = validate_text(export(catalog, "elm"), "elm", "catalog.elm.jsonld", None)
    assert report.ok, [str(i) for i in report.errors[:5]]
    back = report.catalog.credential_by_id
    assert set(back) == set(catalog.credential_by_id)
    for c in catalog.credentials:
        assert {f: getattr(back[c.id], f) for f in ROUND_TRIP_FIELDS} == {f: getattr(c, f) for f in ROUND_TRIP_FIELDS}
    assert report.catalog.stacks == catalog.stacks
