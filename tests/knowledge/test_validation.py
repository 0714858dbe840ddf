from __future__ import annotations

import dataclasses

import pytest

from knowledge.esco import EscoVocabulary
from knowledge.models import Catalog, Provider, ProviderType
from tests.factories import PROVIDER, STACK, credential, document, validate_document

PRE = "prerequisites"


def _msgs(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(i) for i in report.errors]


def test_duplicate_ids_are_errors_that_point_at_both_places() -> None:
    report = validate_document(document(credential(), credential(title="Another")))
    (issue,) = report.errors
    assert "duplicate credential id" in issue.message
    assert issue.pointer == "/credentials/1/id"
    assert "/credentials/0" in issue.message


def test_unknown_provider_and_dangling_stack_are_errors() -> None:
    report = validate_document(document(credential(provider="nobody", stacks=[{"stack": "ghost", "ects": 1}])))
    fields = sorted(i.field or "" for i in report.errors)
    assert fields == ["credentials[0].provider", "credentials[0].stacks[0].stack"]


def test_prerequisite_cycle_is_an_error_naming_the_cycle() -> None:
    a = credential(id="a", **{PRE: {"credentials": ["b"]}})
    b = credential(id="b", **{PRE: {"credentials": ["c"]}})
    c = credential(id="c", **{PRE: {"credentials": ["a"]}})
    report = validate_document(document(a, b, c))
    cycles = [i for i in report.errors if "cycle" in i.message]
    assert len(cycles) == 1
    assert "a -> b -> c -> a" in cycles[0].message


def test_self_prerequisite_is_an_error() -> None:
    report = validate_document(document(credential(**{PRE: {"credentials": ["cred"]}})))
    assert any("cannot require itself" in m for m in _msgs(report))


def test_long_prerequisite_chain_is_accepted() -> None:
    chain = [credential(id=f"c{i}", **({PRE: {"credentials": [f"c{i - 1}"]}} if i else {})) for i in range(400)]
    assert validate_document(document(*chain)).ok


def test_unknown_esco_uris_are_errors(vocabulary: EscoVocabulary) -> None:
    unknown = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
    occ = "http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-000000000000"
    cred = credential(occupations=[occ])
    cred["learning_outcomes"][2]["skills"] = [unknown]
    report = validate_document(document(cred), vocabulary)
    assert sorted(i.field or "" for i in report.errors) == [
        "credentials[0].learning_outcomes[2].skills[0]",
        "credentials[0].occupations[0]",
    ]
    assert all(i.value in (unknown, occ) for i in report.errors)


def test_unknown_esco_uris_are_only_warnings_against_the_embedded_subset(vocabulary: EscoVocabulary) -> None:
    unknown = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
    cred = credential()
    cred["learning_outcomes"][0]["skills"] = [unknown]
    report = validate_document(document(cred), dataclasses.replace(vocabulary, complete=False))
    assert report.ok
    assert [i.field for i in report.warnings] == ["credentials[0].learning_outcomes[0].skills[0]"]
    assert "STACKWISE_ESCO_DIR" in str(report.warnings[0])


def test_known_esco_uris_pass(vocabulary: EscoVocabulary) -> None:
    assert validate_document(document(credential()), vocabulary).ok


def test_references_may_point_into_the_context_catalog() -> None:
    import json

    from knowledge.catalog import validate_text

    context = Catalog(providers=(Provider("elsewhere", "Stored provider", ProviderType.COMPANY, "FR"),))
    doc = document(credential(provider="elsewhere"), providers=[])
    assert validate_text(json.dumps(doc), "json", "x.json", None, context).ok
    assert not validate_text(json.dumps(doc), "json", "x.json", None, None).ok


def test_alliance_membership_must_name_an_alliance_or_network() -> None:
    providers = [dict(PROVIDER, member_of=["prov"])]  # a university is not an alliance
    report = validate_document(document(credential(), providers=providers))
    assert [i.field for i in report.errors] == ["providers[0].member_of[0]"]


def test_stack_that_cannot_be_completed_is_a_warning() -> None:
    report = validate_document(document(credential(stacks=[{"stack": "stk", "ects": 2}]), stacks=[STACK]))
    assert report.ok
    assert any("fewer than the 4 needed" in i.message for i in report.warnings)


def test_fewer_than_three_outcomes_is_a_warning() -> None:
    cred = credential()
    cred["learning_outcomes"] = cred["learning_outcomes"][:1]
    report = validate_document(document(cred))
    assert report.ok and len(report.warnings) == 1


@pytest.mark.parametrize("bad", [[], "x", 3])
def test_wrong_section_shapes_are_errors(bad: object) -> None:
    doc = document(credential())
    doc["credentials"] = [bad] if bad != [] else "not a list"
    assert not validate_document(doc).ok
