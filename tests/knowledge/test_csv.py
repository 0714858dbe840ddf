from __future__ import annotations

import csv
import io
from pathlib import Path

from knowledge.catalog import export, validate_file, validate_text
from knowledge.esco import EscoVocabulary
from knowledge.models import Catalog


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _many_rows(small_catalog_path: Path, vocabulary: EscoVocabulary, n: int) -> list[dict[str, str]]:
    catalog = validate_file(small_catalog_path, vocabulary).catalog
    template = _rows(export(catalog, "csv"))[0]
    return [
        dict(template, id=f"row-{i}", title=f"Credential number {i}", stacks="", provider_member_of="")
        for i in range(n)
    ]


def test_each_broken_row_gets_one_precise_message(small_catalog_path: Path, vocabulary: EscoVocabulary) -> None:
    rows = _many_rows(small_catalog_path, vocabulary, 23)
    rows[4]["ects"] = "-2"
    rows[11]["participation"] = "in person"
    rows[17]["learning_outcome_skills"] = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
    report = validate_text(_to_csv(rows), "csv", "catalog.csv", vocabulary)
    assert [str(e) for e in report.errors] == [
        'catalog.csv:6: ects: "-2" must be a number >= 0',
        'catalog.csv:13: participation: "in person" must be one of: online, onsite or blended',
        'catalog.csv:19: learning_outcome_skills: "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000" '
        "is not in the ESCO vocabulary in use; copy the conceptUri from ESCO (skills_en.csv / occupations_en.csv)",
    ]


def test_unknown_column_is_a_warning(small_catalog_path: Path, vocabulary: EscoVocabulary) -> None:
    rows = [dict(r, colour="red") for r in _many_rows(small_catalog_path, vocabulary, 2)]
    report = validate_text(_to_csv(rows), "csv", "c.csv", vocabulary)
    assert report.ok
    assert [(w.field, w.line) for w in report.warnings] == [("colour", 1)]


def test_list_cells_and_per_outcome_skills_are_split(small_catalog_path: Path, vocabulary: EscoVocabulary) -> None:
    rows = _many_rows(small_catalog_path, vocabulary, 1)
    rows[0]["learning_outcomes"] = "Clean a table of orders in a spreadsheet | Explain a monthly trend to a manager"
    rows[0]["learning_outcome_skills"] = " | http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
    rows[0]["languages"] = "en | de"
    report = validate_text(_to_csv(rows), "csv", "c.csv", vocabulary)
    (cred,) = report.catalog.credentials
    assert [o.skills for o in cred.learning_outcomes] == [
        (),
        ("http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be",),
    ]
    assert cred.languages == ("en", "de")


def test_conflicting_provider_details_are_an_error(small_catalog_path: Path, vocabulary: EscoVocabulary) -> None:
    rows = _many_rows(small_catalog_path, vocabulary, 2)
    rows[1]["provider_name"] = "Another name"
    report = validate_text(_to_csv(rows), "csv", "c.csv", vocabulary)
    assert [e.line for e in report.errors] == [3]


def test_stack_cell_without_credits_is_an_error(small_catalog_path: Path, vocabulary: EscoVocabulary) -> None:
    catalog = validate_file(small_catalog_path, vocabulary).catalog
    rows = _many_rows(small_catalog_path, vocabulary, 1)
    rows[0]["stacks"] = "uni-a-cert-data"
    report = validate_text(_to_csv(rows), "csv", "c.csv", vocabulary, Catalog(stacks=catalog.stacks))
    assert [e.field for e in report.errors] == ["stacks"]
