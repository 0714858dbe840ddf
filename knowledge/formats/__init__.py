"""Catalog file formats: native JSON/YAML, CSV (one row per credential) and Open Badges 3.0 achievements.

Readers turn a file into located `RawRecord`s (validation happens in `knowledge.validation`); writers turn a
`Catalog` into text. `read_catalog` picks the reader from the extension or an explicit format name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from knowledge.validation import Issue, RawRecord, Severity

FormatName = Literal["json", "yaml", "csv", "ob3"]
FORMATS: tuple[FormatName, ...] = ("json", "yaml", "csv", "ob3")


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
    if suffix in (".json", ".jsonld"):
        # Open Badges documents carry a JSON-LD context or an Achievement type; native ones do not.
        head = text[:4000]
        if "@context" in head or '"Achievement"' in head or "OpenBadgeCredential" in head:
            return "ob3"
        return "json"
    raise UnsupportedFormat(
        f"{path.name}: cannot tell the format from the extension {suffix or '(none)'}; "
        "use .json, .yaml, .yml or .csv, or pass --format json|yaml|csv|ob3"
    )


def read_catalog(path: Path, fmt: FormatName | None = None) -> ParsedFile:
    """Read a catalog file into records; a file that cannot be read at all gives one error and no records."""
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
    return parse_text(text, fmt, source)


def parse_text(text: str, fmt: FormatName, source: str) -> ParsedFile:
    from knowledge.formats import csvfile, native, openbadges

    if fmt in ("json", "yaml"):
        return native.parse(text, fmt, source)
    if fmt == "csv":
        return csvfile.parse(text, source)
    if fmt == "ob3":
        return openbadges.parse(text, source)
    raise UnsupportedFormat(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
