"""Catalog file formats: native JSON/YAML, CSV (one row per credential), Open Badges 3.0 achievements and ELM v3
(Europass) credentials and learning specifications.

Readers turn a file into located `RawRecord`s (validation happens in `knowledge.validation`); writers turn a
`Catalog` into text. `read_catalog` picks the reader from the extension or an explicit format name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from knowledge.validation import Issue, RawRecord, Severity

if TYPE_CHECKING:
    from knowledge.formats.proofs import Contexts

FormatName = Literal["json", "yaml", "csv", "ob3", "elm"]
FORMATS: tuple[FormatName, ...] = ("json", "yaml", "csv", "ob3", "elm")

# Terms only ELM documents hold: its namespace and context, the credential class and the claim and specification
# properties. Open Badges files never name them, and an OB3 alignment to an EU vocabulary is no /snb/model IRI.
_ELM_MARKERS = re.compile(
    r"data\.europa\.eu/snb/model|EuropeanDigitalCredential|\"hasClaim\"|LearningAchievementSpecification"
    r"|LearningActivitySpecification|\"LearningOpportunity\"|\"learningOutcome\"|edc-ap-context"
)
_OB3_MARKERS = re.compile(r"purl\.imsglobal\.org/spec/ob|OpenBadgeCredential|AchievementCredential|ClrCredential")


@dataclass(frozen=True)
class ParsedFile:
    records: tuple[RawRecord, ...]
    issues: tuple[Issue, ...] = ()


class UnsupportedFormat(ValueError):
    pass


def guess_format(path: Path, text: str) -> FormatName:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".csv":
        return "csv"
    if suffix == ".xml":
        return "elm"  # Europass XML (ELM v2, LOQ v3.1): the ELM reader says which file to export instead
    if suffix in (".json", ".jsonld"):
        # Open Badges documents carry an Open Badges context or class; ELM ones the EU model's terms, anywhere in
        # the file (an ELM credential may put its context last, after megabytes of images); native ones neither.
        head = text[:4000]
        if _OB3_MARKERS.search(text):
            return "ob3"
        if _ELM_MARKERS.search(text):
            return "elm"
        if "@context" in head or '"Achievement"' in head:
            return "ob3"
        return "json"
    raise UnsupportedFormat(
        f"{path.name}: cannot tell the format from the extension {suffix or '(none)'}; "
        "use .json, .jsonld, .yaml, .yml, .csv or .xml, or pass --format json|yaml|csv|ob3|elm"
    )


def read_catalog(path: Path, fmt: FormatName | None = None, contexts: Contexts | None = None) -> ParsedFile:
    """Read a catalog file into records; a file that cannot be read at all gives one error and no records.

    `contexts`: the JSON-LD contexts held locally, to check Open Badges proofs; without them proofs are not checked.
    """
    source = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return ParsedFile((), (Issue(Severity.ERROR, "file not found; check the path", source=str(path)),))
    except UnicodeDecodeError as exc:
        return ParsedFile(
            (),
            (Issue(Severity.ERROR, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8", source=source),),
        )
    except OSError as exc:
        return ParsedFile((), (Issue(Severity.ERROR, f"cannot be read: {exc.strerror}", source=str(path)),))
    fmt = fmt or guess_format(path, text)
    return parse_text(text, fmt, source, contexts)


def parse_text(text: str, fmt: FormatName, source: str, contexts: Contexts | None = None) -> ParsedFile:
    from knowledge.formats import csvfile, elm, native, openbadges

    if fmt in ("json", "yaml"):
        return native.parse(text, fmt, source)
    if fmt == "csv":
        return csvfile.parse(text, source)
    if fmt == "ob3":
        return openbadges.parse(text, source, contexts=contexts)
    if fmt == "elm":
        return elm.parse(text, source)
    raise UnsupportedFormat(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
