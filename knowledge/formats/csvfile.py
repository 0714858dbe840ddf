"""CSV catalogs: one row per credential, list cells separated by " | ".

The provider is given on each row (provider_* columns) and is created or updated with the credential; stacks
are referenced by id and must already exist in the store or be defined in a native file. The columns are
documented in the README and in `COLUMNS` below. An empty cell is an element the source does not state: the
import warns and keeps it unknown, and the export writes an empty cell for it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from knowledge.formats import ParsedFile
from knowledge.models import Catalog, Credential
from knowledge.validation import Issue, Path, RawRecord, Severity

SEP = " | "

# column -> what it holds; the order is the export order.
COLUMNS: dict[str, str] = {
    "id": "credential id (letters, digits, . _ : -)",
    "title": "title of the micro-credential",
    "provider_id": "id of the provider offering it",
    "provider_name": "provider name (creates or updates the provider; leave empty to use an existing one)",
    "provider_type": "university | alliance | network | vet_provider | professional_body | company",
    "provider_country": "provider country, ISO 3166-1 alpha-2",
    "provider_city": "provider city",
    "provider_url": "provider web site",
    "provider_member_of": "alliances/networks the provider belongs to (ids, ' | ')",
    "awarding_body": "provider id of the awarding body, if not the provider",
    "description": "two or three sentences",
    "learning_outcomes": "learning outcomes, ' | ' between outcomes",
    "learning_outcome_skills": "ESCO skill URIs per outcome: groups aligned with learning_outcomes, ' | ' "
    "between groups, spaces between URIs of one outcome",
    "ects": "ECTS credits",
    "hours": "notional workload in hours",
    "eqf_level": "EQF level 1-8",
    "assessment": "type of assessment",
    "participation": "online | onsite | blended",
    "quality_assurance": "type of quality assurance",
    "prerequisites": "prerequisites in words",
    "prerequisite_skills": "ESCO skill URIs (' | ')",
    "prerequisite_credentials": "credential ids (' | ')",
    "stacks": "stacks it counts toward, as stack_id:ects (' | ')",
    "languages": "ISO 639-1 codes (' | ')",
    "price": "price, 0 = free",
    "currency": "ISO 4217 code",
    "duration_weeks": "duration in weeks",
    "hours_per_week": "expected hours per week",
    "self_paced": "true or false",
    "start_dates": "ISO dates (' | ')",
    "delivery_country": "country where delivered (needed for onsite/blended)",
    "delivery_city": "city where delivered",
    "url": "page of the offering",
    "fields": "ISCED-F 2013 codes (' | ')",
    "occupations": "ESCO occupation URIs (' | ')",
    "alliances": "alliance/network ids (' | ')",
    "certificate": "open_badge | certificate | europass_edc",
}

_REQUIRED = ("id", "title", "provider_id")


@dataclass(frozen=True)
class Row:
    """A row's cells and the lines it spans (a quoted cell may hold line breaks)."""

    line: int
    end: int
    cells: tuple[str, ...]

    def by_column(self, header: tuple[str, ...]) -> dict[str, str]:
        return dict(zip(header, self.cells, strict=False))


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]  # trimmed
    header_line: int
    rows: tuple[Row, ...]  # blank lines left out


DELIMITERS = (",", ";", "\t")  # never "|": it separates the items of a list cell


def guess_delimiter(text: str) -> str:
    """The delimiter that splits the first row into the most columns (a spreadsheet's export in some locales
    uses ";"); "," when none splits it."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def read_table(text: str, source: str, delimiter: str = ",") -> tuple[Table | None, Issue | None]:
    """The header and rows of a CSV text, each row with its lines; one located error when it cannot be read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: tuple[str, ...] | None = None
    header_line = 1
    rows: list[Row] = []
    end = 0
    try:
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not cells:
                continue
            if header is None:
                header, header_line = tuple(cell.strip() for cell in cells), line
            else:
                rows.append(Row(line, end, tuple(cells)))
    except csv.Error as exc:
        return None, Issue(Severity.ERROR, f"cannot be read as CSV ({exc}); fix that row", source, reader.line_num)
    if header is None:
        return None, Issue(Severity.ERROR, "is empty; the first row must name the columns", source, 1)
    return Table(header, header_line, tuple(rows)), None


def _split(cell: str | None) -> list[str]:
    if not cell or not cell.strip():
        return []
    return [part.strip() for part in cell.split("|") if part.strip()]


def _opt(cell: str | None) -> str | None:
    return cell.strip() if cell and cell.strip() else None


@dataclass(frozen=True)
class _RowMap:
    """Points record paths back to the row's line and the column that held the value."""

    row_line: int
    column_of: Callable[[Path], str]

    def line(self, path: Path) -> int | None:
        return self.row_line

    def label(self, path: Path) -> str:
        return self.column_of(path)


def _credential_column(path: Path) -> str:
    if not path:
        return "id"
    head = path[0]
    if head == "learning_outcomes":
        return "learning_outcome_skills" if "skills" in path else "learning_outcomes"
    if head == "prerequisites":
        sub = path[1] if len(path) > 1 else "text"
        return (
            {
                "text": "prerequisites",
                "skills": "prerequisite_skills",
                "credentials": "prerequisite_credentials",
            }[str(sub)]
            if str(sub) in ("text", "skills", "credentials")
            else "prerequisites"
        )
    if head == "schedule":
        return "start_dates" if "start_dates" in path else "self_paced"
    if head == "delivery":
        return f"delivery_{path[1]}" if len(path) > 1 else "delivery_country"
    return str(head)


def _provider_column(path: Path) -> str:
    return f"provider_{path[0]}" if path and path[0] != "id" else "provider_id"


def parse(text: str, source: str) -> ParsedFile:
    table, problem = read_table(text, source)
    if table is None:
        return ParsedFile((), (problem,) if problem else ())
    header = table.header
    issues: list[Issue] = []
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        return ParsedFile(
            (),
            (
                Issue(
                    Severity.ERROR,
                    f"header lacks the column(s) {', '.join(missing)}; see the README for the CSV columns",
                    source,
                    1,
                ),
            ),
        )
    for name in header:
        if name not in COLUMNS:
            issues.append(Issue(Severity.WARNING, "unknown column, ignored", source, 1, field=name))
    records: list[RawRecord] = []
    providers_seen: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, raw in enumerate(table.rows):
        line = raw.line  # the row's first line; quoted cells may span several
        if len(raw.cells) > len(header):
            issues.append(Issue(Severity.ERROR, "has more cells than the header has columns", source, line))
            continue
        row = raw.by_column(header)
        if not any(v.strip() for v in row.values()):
            continue
        provider = _provider_record(row)
        if provider is not None:
            first = providers_seen.get(provider["id"])
            if first is None:
                providers_seen[provider["id"]] = (line, provider)
                records.append(
                    RawRecord("provider", provider, source, f"/rows/{index}", (), _RowMap(line, _provider_column))
                )
            elif first[1] != provider:
                issues.append(
                    Issue(
                        Severity.ERROR,
                        f"provider details differ from line {first[0]}; give the same provider_* cells on every "
                        "row of one provider (or leave them empty after the first)",
                        source,
                        line,
                        field="provider_name",
                        value=provider["id"],
                    )
                )
        records.append(
            RawRecord(
                "credential",
                _credential_record(row, issues, source, line),
                source,
                f"/rows/{index}",
                (),
                _RowMap(line, _credential_column),
            )
        )
    return ParsedFile(tuple(records), tuple(issues))


def _provider_record(row: dict[str, str]) -> dict[str, Any] | None:
    if not _opt(row.get("provider_name")):
        return None
    record: dict[str, Any] = {
        "id": _opt(row.get("provider_id")),
        "name": _opt(row.get("provider_name")),
        "type": _opt(row.get("provider_type")),
        "country": _opt(row.get("provider_country")),
        "city": _opt(row.get("provider_city")),
        "url": _opt(row.get("provider_url")),
        "member_of": _split(row.get("provider_member_of")),
    }
    return {k: v for k, v in record.items() if v not in (None, [])}


def _credential_record(row: dict[str, str], issues: list[Issue], source: str, line: int) -> dict[str, Any]:
    outcomes = _split(row.get("learning_outcomes"))
    skill_cell = row.get("learning_outcome_skills") or ""
    groups = [g.split() for g in skill_cell.split("|")] if skill_cell.strip() else []
    if len(groups) > len(outcomes):
        issues.append(
            Issue(
                Severity.ERROR,
                f"has {len(groups)} skill groups for {len(outcomes)} outcomes; give one group per outcome "
                "(empty groups are fine: 'uri1 | | uri2')",
                source,
                line,
                field="learning_outcome_skills",
            )
        )
    stacks: list[Any] = []
    for cell in _split(row.get("stacks")):
        stack, _, ects = cell.rpartition(":")
        stacks.append({"stack": stack, "ects": ects} if stack else {"stack": cell, "ects": None})
    record: dict[str, Any] = {
        "id": _opt(row.get("id")),
        "title": _opt(row.get("title")),
        "provider": _opt(row.get("provider_id")),
        "awarding_body": _opt(row.get("awarding_body")),
        "description": _opt(row.get("description")),
        "learning_outcomes": [
            {"text": text, "skills": groups[i] if i < len(groups) else []} for i, text in enumerate(outcomes)
        ],
        "ects": _opt(row.get("ects")),
        "hours": _opt(row.get("hours")),
        "eqf_level": _opt(row.get("eqf_level")),
        "assessment": _opt(row.get("assessment")),
        "participation": _opt(row.get("participation")),
        "quality_assurance": _opt(row.get("quality_assurance")),
        "stacks": stacks,
        "languages": _split(row.get("languages")),
        "price": _opt(row.get("price")),
        "currency": _opt(row.get("currency")),
        "duration_weeks": _opt(row.get("duration_weeks")),
        "hours_per_week": _opt(row.get("hours_per_week")),
        "schedule": {  # both cells empty: the schedule is not stated
            "self_paced": _opt(row.get("self_paced")) or False,
            "start_dates": _split(row.get("start_dates")),
        }
        if _opt(row.get("self_paced")) or _split(row.get("start_dates"))
        else None,
        "url": _opt(row.get("url")),
        "fields": _split(row.get("fields")),
        "occupations": _split(row.get("occupations")),
        "alliances": _split(row.get("alliances")),
        "certificate": _opt(row.get("certificate")),
    }
    pre = {
        "text": _opt(row.get("prerequisites")),
        "skills": _split(row.get("prerequisite_skills")),
        "credentials": _split(row.get("prerequisite_credentials")),
    }
    if any(pre.values()):
        record["prerequisites"] = pre
    delivery = {"country": _opt(row.get("delivery_country")), "city": _opt(row.get("delivery_city"))}
    if any(delivery.values()):
        record["delivery"] = delivery
    return {k: v for k, v in record.items() if v is not None}


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _row(credential: Credential, catalog: Catalog, with_provider: bool) -> dict[str, str]:
    c = credential
    p = catalog.provider_by_id.get(c.provider)
    cells = {
        "id": c.id,
        "title": c.title,
        "provider_id": c.provider,
        "awarding_body": c.awarding_body or "",
        "description": c.description,
        "learning_outcomes": SEP.join(o.text for o in c.learning_outcomes),
        "learning_outcome_skills": SEP.join(" ".join(o.skills) for o in c.learning_outcomes)
        if any(o.skills for o in c.learning_outcomes)
        else "",
        "ects": _num(c.ects),
        "hours": _num(c.hours),
        "eqf_level": "" if c.eqf_level is None else str(c.eqf_level),
        "assessment": c.assessment or "",
        "participation": c.participation.value if c.participation else "",
        "quality_assurance": c.quality_assurance or "",
        "prerequisites": c.prerequisites.text or "",
        "prerequisite_skills": SEP.join(c.prerequisites.skills),
        "prerequisite_credentials": SEP.join(c.prerequisites.credentials),
        "stacks": SEP.join(f"{s.stack}:{s.ects:g}" for s in c.stacks),
        "languages": SEP.join(c.languages),
        "price": _num(c.price),
        "currency": c.currency if c.price is not None else "",
        "duration_weeks": _num(c.duration_weeks),
        "hours_per_week": _num(c.hours_per_week),
        "self_paced": ("true" if c.schedule.self_paced else "false") if c.schedule.stated else "",
        "start_dates": SEP.join(d.isoformat() for d in c.schedule.start_dates),
        "delivery_country": c.delivery.country or "",
        "delivery_city": c.delivery.city or "",
        "url": c.url or "",
        "fields": SEP.join(c.fields),
        "occupations": SEP.join(c.occupations),
        "alliances": SEP.join(c.alliances),
        "certificate": c.certificate.value,
    }
    if p is not None and with_provider:
        cells |= {
            "provider_name": p.name,
            "provider_type": p.type.value if p.type else "",
            "provider_country": p.country or "",
            "provider_city": p.city or "",
            "provider_url": p.url or "",
            "provider_member_of": SEP.join(p.member_of),
        }
    return cells


def dump(catalog: Catalog) -> str:
    """Credentials as CSV; the provider's details are written on its first row only."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), restval="", lineterminator="\n")
    writer.writeheader()
    written: set[str] = set()
    for credential in catalog.credentials:
        writer.writerow(_row(credential, catalog, credential.provider not in written))
        written.add(credential.provider)
    return out.getvalue()
