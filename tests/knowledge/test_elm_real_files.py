"""Every real ELM / Europass file in ../shared, JSON-LD or XML: those holding a learning specification or a credential
with a learning claim validate with 0 errors and import into a store; the rest (the DC4EU file that is invalid JSON
as published, files of other schemas) are refused with a located message. Calls the Python API, not a process
per file, so the whole folder reads in about a second."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from knowledge.catalog import import_report, validate_file
from knowledge.formats import guess_format
from knowledge.store import CatalogStore

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO.parent / "shared" / "data" / "real-world" / "elm"
SPECIFICATIONS = {"LearningAchievementSpecification", "LearningActivitySpecification", "Qualification"}
SPECIFICATIONS |= {"LearningOpportunity"}


def _files() -> list[Path]:
    if not FOLDER.is_dir():
        return []
    return sorted(p for p in FOLDER.rglob("*") if p.is_file() and p.name != "SOURCE.txt" and "shapes" not in p.parts)


def _document(path: Path) -> Any:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(data, dict) and isinstance(data.get("payload"), str):  # a JAdES-signed credential
        payload = data["payload"]
        try:
            return json.loads(payload)
        except ValueError:
            return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return data


XML_LEARNING = {"learningOpportunity", "learningAchievementSpecification", "learningSpecification", "qualification"}
XML_LEARNING |= {"learningAchievement"}  # an ELM v2 credential's claim


def _xml_holds_learning(path: Path) -> bool:
    """An XML element naming a specification or a claim, with a title somewhere inside."""
    for _, element in ElementTree.iterparse(path):
        if element.tag.rsplit("}", 1)[-1] in XML_LEARNING and element.find(".//{*}title") is not None:
            return True
    return False


def _holds_learning(path: Path) -> bool:
    """A typed learning specification, or a titled (or specified) claim under hasClaim, anywhere in the file."""
    if path.suffix == ".xml":
        return _xml_holds_learning(path)
    todo: list[tuple[Any, str | None]] = [(_document(path), None)]
    while todo:
        node, key = todo.pop()
        if isinstance(node, dict):
            kinds = node.get("type", node.get("@type"))
            kinds = {str(k).split(":")[-1] for k in (kinds if isinstance(kinds, list) else [kinds])}
            if kinds & SPECIFICATIONS:
                return True
            if key == "hasClaim" and "LearningEntitlement" not in kinds and ("title" in node or "specifiedBy" in node):
                return True
            todo.extend((v, k) for k, v in node.items())
        elif isinstance(node, list):
            todo.extend((v, key) for v in node)
    return False


FILES = [pytest.param(p, id=str(p.relative_to(FOLDER))) for p in _files()] or [
    pytest.param(None, marks=pytest.mark.skip(reason=f"real ELM files not found at {FOLDER}"))
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    store = CatalogStore(f"sqlite:///{tmp_path_factory.mktemp('elm') / 'store.sqlite'}")
    yield store
    store.close()


@pytest.mark.parametrize("path", FILES)
def test_real_elm_file(path: Path, store: CatalogStore) -> None:
    report = validate_file(path, None, fmt="elm")
    if not _holds_learning(path):
        assert report.errors, "must be refused"
        assert not report.catalog.credentials
        for error in report.errors:  # located: file and line, or a JSON pointer
            assert error.source == path.name and (error.line or error.pointer), error
        return
    assert not report.errors, [str(e) for e in report.errors]
    assert report.catalog.credentials
    assert guess_format(path, path.read_text(encoding="utf-8")) == "elm"
    result = import_report(store, report, replace=True)
    assert result.written
    assert {c.id for c in store.load().credentials} == {c.id for c in report.catalog.credentials}


def test_invalid_json_as_published_is_refused_at_its_line() -> None:
    path = FOLDER / "dc4eu-eaa-catalogue" / "euusc-uppersecondary-certificate-john-doe.json"
    if not path.is_file():
        pytest.skip(f"DC4EU file not found at {path}")
    (error,) = validate_file(path, None, fmt="elm").errors
    assert error.line == 99 and "column 20" in error.message


def test_official_micro_credential_sample_keeps_its_ects_esco_links_and_languages() -> None:
    path = FOLDER / "ec-elm-official" / "Sample-MC-Annex1-unsigned.jsonld"
    if not path.is_file():
        pytest.skip(f"EC micro-credential sample not found at {path}")
    (c,) = validate_file(path, None, fmt="elm").catalog.credentials
    assert (c.ects, c.hours, c.eqf_level, c.participation) == (2, 60, 6, "blended")
    assert len(c.skill_uris) == 4 and c.languages == ("en",)
    assert [t.language for t in c.texts] == ["es"] and "Contento digital" in c.texts[0].learning_outcomes


def test_multilingual_texts_are_kept_in_real_files() -> None:
    path = FOLDER / "ec-edci-software-tests" / "credential_shouldValidate.jsonld"
    if not path.is_file():
        pytest.skip(f"EDCI test resource not found at {path}")
    catalog = validate_file(path, None, fmt="elm").catalog
    main = next(c for c in catalog.credentials if c.ects is not None or c.hours is not None)
    (spanish,) = main.texts
    assert spanish.language == "es" and spanish.title and spanish.description and spanish.learning_outcomes
