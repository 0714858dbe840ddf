from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from knowledge.catalog import export, validate_file, validate_text
from knowledge.esco import EscoVocabulary
from knowledge.formats import UnsupportedFormat, guess_format, read_catalog
from knowledge.formats.csvfile import COLUMNS


def _load(path: Path, vocabulary: EscoVocabulary):  # type: ignore[no-untyped-def]
    report = validate_file(path, vocabulary)
    assert report.ok, [str(i) for i in report.errors]
    return report.catalog


def test_small_catalog_fixture_is_valid(small_catalog_path: Path, vocabulary: EscoVocabulary) -> None:
    catalog = _load(small_catalog_path, vocabulary)
    assert len(catalog) == 4 and len(catalog.providers) == 3 and len(catalog.stacks) == 1
    assert catalog.alliances_of(catalog.credential_by_id["data-basics"]) == {"testnet"}


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "ob3"])
def test_export_then_import_gives_the_same_catalog(
    fmt: str, small_catalog_path: Path, vocabulary: EscoVocabulary
) -> None:
    catalog = _load(small_catalog_path, vocabulary)
    text = export(catalog, fmt)
    context = None
    if fmt in ("csv", "ob3"):
        # Credential-level formats: stacks and alliances that are not any credential's provider come from the store.
        from knowledge.models import Catalog

        context = Catalog(providers=catalog.providers, stacks=catalog.stacks)
    report = validate_text(text, fmt, f"export.{fmt}", vocabulary, context)  # type: ignore[arg-type]
    assert report.ok, [str(i) for i in report.errors]
    again = report.catalog if fmt in ("json", "yaml") else context.merged(report.catalog)  # type: ignore[union-attr]
    assert again.credentials == catalog.credentials
    assert again.providers == catalog.providers
    assert again.stacks == catalog.stacks
    assert export(again, fmt) == text


def test_yaml_errors_carry_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    doc = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "catalog_small.yaml").read_text())
    doc["credentials"][1]["ects"] = -2
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    report = validate_file(path, None)
    (issue,) = report.errors
    lines = path.read_text().splitlines()
    assert issue.line is not None and lines[issue.line - 1].strip() == "ects: -2"
    assert str(issue).startswith(f"bad.yaml:{issue.line}: credentials[1].ects: -2 must be a number >= 0")


def test_pretty_json_errors_carry_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    doc = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "catalog_small.yaml").read_text())
    doc["credentials"][0]["eqf_level"] = 12
    path.write_text(json.dumps(doc, indent=2, default=str))
    (issue,) = validate_file(path, None).errors
    assert '"eqf_level": 12' in path.read_text().splitlines()[issue.line - 1]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("broken.json", '{"credentials": [', "is not valid JSON"),
        ("broken.yaml", "credentials:\n  - id: [unclosed\n", "is not valid YAML"),
        ("list.yaml", "- 1\n- 2\n", "must be a mapping"),
        ("empty.csv", "", "is empty"),
        ("nohead.csv", "title,price\nx,1\n", "header lacks the column(s) id, provider_id"),
        (
            "none.jsonld",
            '{"@context": [], "type": ["VerifiableCredential"]}',
            "holds no Open Badges 3.0 Achievement",
        ),
    ],
)
def test_unreadable_files_give_one_clear_error(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    report = validate_file(path, None)
    assert len(report.errors) == 1 and message in report.errors[0].message
    assert report.errors[0].source == name and len(report.catalog) == 0


def test_missing_file_and_unknown_extension(tmp_path: Path) -> None:
    assert "file not found" in read_catalog(tmp_path / "nope.yaml").issues[0].message
    with pytest.raises(UnsupportedFormat, match="--format"):
        guess_format(tmp_path / "catalog.txt", "")


def test_open_badges_json_is_recognised_by_content(tmp_path: Path) -> None:
    assert guess_format(tmp_path / "a.json", '{"@context": ["x"], "type": ["Achievement"]}') == "ob3"
    assert guess_format(tmp_path / "a.json", '{"credentials": []}') == "json"


def test_csv_columns_are_documented_in_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    missing = [c for c in COLUMNS if f"`{c}`" not in readme]
    assert not missing, f"README lacks CSV columns {missing}"
