"""Catalog operations shared by the command line and the API: validate, import (all-or-nothing), export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from knowledge.formats import (
    FormatName,
    ParsedFile,
    csvfile,
    elm_export,
    mapped,
    native,
    openbadges,
    parse_text,
    read_catalog,
)
from knowledge.formats.proofs import Contexts
from knowledge.models import Catalog
from knowledge.store import CatalogStore
from knowledge.validation import ValidationReport, Vocabulary, validate_records

DEFAULT_CATALOG = Path(__file__).with_name("data") / "catalog.yaml"
EXPORT_FORMATS: tuple[str, ...] = ("json", "yaml", "csv", "ob3", "elm")


@dataclass(frozen=True)
class ImportResult:
    report: ValidationReport
    written: bool
    revision: int | None = None


def validate_parsed(
    parsed: ParsedFile, vocabulary: Vocabulary | None, context: Catalog | None = None
) -> ValidationReport:
    return validate_records(parsed.records, vocabulary, context, parsed.issues)


def validate_file(
    path: Path,
    vocabulary: Vocabulary | None,
    context: Catalog | None = None,
    fmt: FormatName | None = None,
    contexts: Contexts | None = None,
) -> ValidationReport:
    return validate_parsed(read_catalog(path, fmt, contexts), vocabulary, context)


def validate_mapped(
    source: Path, mapping: Path, vocabulary: Vocabulary | None, context: Catalog | None = None
) -> ValidationReport:
    """A provider's own JSON, JSONL or CSV/TSV catalog read through a mapping file (`knowledge.formats.mapped`)."""
    return validate_parsed(mapped.read(source, mapping), vocabulary, context)


def validate_text(
    text: str,
    fmt: FormatName,
    source: str,
    vocabulary: Vocabulary | None,
    context: Catalog | None = None,
    contexts: Contexts | None = None,
) -> ValidationReport:
    return validate_parsed(parse_text(text, fmt, source, contexts), vocabulary, context)


def import_report(store: CatalogStore, report: ValidationReport, replace: bool) -> ImportResult:
    """Write a validated file's records, or nothing at all when the report has any error."""
    if not report.ok:
        return ImportResult(report, written=False)
    revision, _ = store.write(report.catalog, replace=replace)
    return ImportResult(report, written=True, revision=revision)


def export(catalog: Catalog, fmt: str) -> str:
    if fmt in ("json", "yaml"):
        return native.dump(catalog, fmt)
    if fmt == "csv":
        return csvfile.dump(catalog)
    if fmt == "ob3":
        return openbadges.dump(catalog)
    if fmt == "elm":
        return elm_export.dump(catalog)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
