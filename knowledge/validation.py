"""Catalog validation: per-record schema checks and whole-catalog rules, reported for people.

Every importer turns its file into `RawRecord`s that know where they came from; this module turns them into
a `Catalog` or into issues that say what is wrong, where (file:line or JSON pointer, field) and how to fix it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Protocol

from pydantic import ValidationError

from knowledge.models import Catalog, Credential, Provider, ProviderType, Stack
from knowledge.schema import RECORD_MODELS, CredentialRecord, ProviderRecord, StackRecord

RecordKind = Literal["provider", "stack", "credential"]
Path = tuple[str | int, ...]
_MISSING: Any = object()


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    severity: Severity
    message: str
    source: str | None = None
    line: int | None = None
    pointer: str | None = None
    field: str | None = None
    value: Any = _MISSING

    @property
    def location(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            return f"{where}:{self.line}"
        if self.pointer:
            return f"{where}#{self.pointer}"
        return where

    def __str__(self) -> str:
        parts = [self.location]
        if self.field:
            parts.append(self.field)
        head = ": ".join(parts)
        value = "" if self.value is _MISSING else f"{_show(self.value)} "
        return f"{head}: {value}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "severity": self.severity.value,
            "message": self.message,
            "source": self.source,
            "line": self.line,
            "pointer": self.pointer,
            "field": self.field,
        }
        if self.value is not _MISSING:
            out["value"] = self.value if _jsonable(self.value) else str(self.value)
        out["text"] = str(self)
        return out


def _show(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False) if _jsonable(value) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


class SourceMap(Protocol):
    def line(self, path: Path) -> int | None: ...

    def label(self, path: Path) -> str: ...


@dataclass(frozen=True)
class PathMap:
    """Source map for tree documents: field labels are dotted paths, lines come from a parser if it has them."""

    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int | None:
        for end in range(len(path), -1, -1):
            if (hit := self.lines.get(path[:end])) is not None:
                return hit
        return None

    def label(self, path: Path) -> str:
        return dotted(path)


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True)
class RawRecord:
    """One record as read from a file, before validation, with what is needed to point back into the file."""

    kind: RecordKind
    data: dict[str, Any]
    source: str
    pointer: str
    prefix: Path  # path of the record inside the source document, for source-map look-ups
    where: SourceMap

    def issue(self, severity: Severity, message: str, path: Path = (), value: Any = _MISSING) -> Issue:
        full = (*self.prefix, *path)
        return Issue(
            severity=severity,
            message=message,
            source=self.source,
            line=self.where.line(full),
            pointer=self.pointer + "".join(f"/{p}" for p in path),
            field=self.where.label(full) if path else None,
            value=value,
        )

    @property
    def record_id(self) -> str | None:
        value = self.data.get("id")
        return str(value) if value is not None else None


@dataclass(frozen=True)
class ValidationReport:
    catalog: Catalog
    issues: tuple[Issue, ...]
    records: int

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors


class Vocabulary(Protocol):
    """What validation needs to know of ESCO."""

    def has_skill(self, uri: str) -> bool: ...

    def has_occupation(self, uri: str) -> bool: ...


# -- messages -------------------------------------------------------------------------------------------------

_TYPE_WORDS = {
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_type": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of fields",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "date_parsing": "must be a date like 2027-02-01",
    "date_from_datetime_parsing": "must be a date like 2027-02-01",
    "date_type": "must be a date like 2027-02-01",
    "missing": "is required",
}


def humanize(error: Any) -> str:
    """A pydantic error as a short instruction a catalog editor can act on."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind]
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op, bound = {
            "greater_than_equal": (">=", ctx.get("ge")),
            "greater_than": (">", ctx.get("gt")),
            "less_than_equal": ("<=", ctx.get("le")),
            "less_than": ("<", ctx.get("lt")),
        }[kind]
        shown = f"{bound:g}" if isinstance(bound, int | float) else bound
        return f"must be a number {op} {shown}"
    if kind in ("enum", "literal_error"):
        return f"must be one of: {ctx.get('expected', '')}".replace("'", "")
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)" if "min_length" in ctx else "is too short"
    if kind == "too_long":
        return f"allows at most {ctx.get('max_length')} item(s)" if "max_length" in ctx else "is too long"
    if kind == "string_too_short":
        return f"must be at least {ctx.get('min_length')} characters long"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters long"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])


def _value_at(data: Any, path: Path) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return data


# -- validation -----------------------------------------------------------------------------------------------


@dataclass
class _Accumulator:
    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)


def validate_records(
    records: Sequence[RawRecord],
    vocabulary: Vocabulary | None = None,
    context: Catalog | None = None,
    parse_issues: Iterable[Issue] = (),
) -> ValidationReport:
    """Validate records read from one file.

    `context` is the catalog the records will join (the store, when importing without --replace): references
    may point into it, and its records with the same id are replaced.
    """
    acc = _Accumulator(list(parse_issues))
    providers: list[tuple[RawRecord, Provider]] = []
    stacks: list[tuple[RawRecord, Stack]] = []
    credentials: list[tuple[RawRecord, Credential]] = []
    failed: set[str] = set()  # ids of records with errors: references to them are not reported again
    for raw in records:
        model = RECORD_MODELS[raw.kind]
        try:
            parsed = model.model_validate(raw.data)
        except ValidationError as exc:
            if raw.record_id:
                failed.add(raw.record_id)
            for err in exc.errors():
                loc = tuple(p for p in err["loc"] if not isinstance(p, str) or not p.startswith("function-"))
                value = _value_at(raw.data, loc) if loc else _MISSING
                acc.add(raw.issue(Severity.ERROR, humanize(err), loc, value))
            continue
        for key in parsed.unknown_keys():
            acc.add(raw.issue(Severity.WARNING, "unknown field, ignored (check its spelling)", (key,)))
        if isinstance(parsed, ProviderRecord):
            for name, what in (("type", "provider type (university, company, ...)"), ("country", "provider country")):
                if getattr(parsed, name) is None:
                    message = f"the {what} is not stated in the source; add it when you know it"
                    acc.add(raw.issue(Severity.WARNING, message, (name,)))
            providers.append((raw, parsed.to_domain()))
        elif isinstance(parsed, StackRecord):
            stacks.append((raw, parsed.to_domain()))
        elif isinstance(parsed, CredentialRecord):
            credential = parsed.to_domain()
            _warn_not_stated(acc, raw, credential)
            credentials.append((raw, credential))

    _check_duplicates(acc, providers, "provider")
    _check_duplicates(acc, stacks, "stack")
    _check_duplicates(acc, credentials, "credential")
    catalog = Catalog(
        providers=tuple(sorted((p for _, p in providers), key=lambda p: p.id)),
        stacks=tuple(sorted((s for _, s in stacks), key=lambda s: s.id)),
        credentials=tuple(sorted((c for _, c in credentials), key=lambda c: c.id)),
    )
    combined = (context if context is not None else Catalog()).merged(catalog)
    _check_references(acc, providers, stacks, credentials, combined, failed)
    _check_prerequisite_cycles(acc, credentials, combined)
    _check_stacks_completable(acc, stacks, combined)
    if vocabulary is not None:
        _check_esco(acc, credentials, vocabulary)
    for raw, cred in credentials:
        if len(cred.learning_outcomes) < 3:
            acc.add(
                raw.issue(
                    Severity.WARNING,
                    "has fewer than 3 learning outcomes; learners and the recommender need concrete outcomes",
                    ("learning_outcomes",),
                )
            )
    # Report in file order, so people can work down the file.
    ordered = sorted(acc.issues, key=lambda i: (i.source or "", i.line or 0))
    return ValidationReport(catalog=catalog, issues=tuple(ordered), records=len(records))


# Per EU element a source may leave out: the field to point at, what "not stated" means, and how to state it.
NOT_STATED_NOTES: dict[str, tuple[Path, str, str]] = {
    "price": (
        ("price",),
        "learners with a price limit or 'free only' see it only if they accept 'price not stated'",
        "give the price, 0 if free, and its currency",
    ),
    "eqf_level": (("eqf_level",), "learners who ask for an EQF level do not see it", "give eqf_level 1-8"),
    "participation": (
        ("participation",),
        "learners who choose online, onsite or blended do not see it",
        "give participation: online, onsite or blended",
    ),
    "assessment": (("assessment",), "learners see 'type of assessment not stated'", "describe the type of assessment"),
    "quality_assurance": (
        ("quality_assurance",),
        "learners see 'type of quality assurance not stated'",
        "describe the type of quality assurance",
    ),
    "languages": (
        ("languages",),
        "learners who ask for a language do not see it",
        "give languages as ISO 639-1 codes such as en",
    ),
    "schedule": (
        ("schedule",),
        "learners who must start by a date do not see it",
        "give schedule.start_dates or schedule.self_paced: true",
    ),
    "duration_weeks": (
        ("duration_weeks",),
        "learners with a limit on weeks do not see it, and pathway totals count it as a step of unknown length",
        "give duration_weeks",
    ),
    "hours_per_week": (
        ("hours_per_week",),
        "learners with a limit on hours a week do not see it",
        "give hours_per_week",
    ),
    "workload": (
        ("ects",),
        "pathway totals count it as a step of unknown workload",
        "give the notional workload as ects, hours or both",
    ),
}


def not_stated_message(element: str) -> str:
    """What an element left out of a credential means for learners, and how to state it."""
    _path, meaning, fix = NOT_STATED_NOTES[element]
    return f"not stated; {meaning} ({fix} when you know it)"


def _warn_not_stated(acc: _Accumulator, raw: RawRecord, credential: Credential) -> None:
    """One warning per EU element the record leaves out; it is imported as "not stated", never as a default."""
    for element in credential.unstated:
        acc.add(raw.issue(Severity.WARNING, not_stated_message(element), NOT_STATED_NOTES[element][0]))


def _check_duplicates(acc: _Accumulator, items: Sequence[tuple[RawRecord, Any]], kind: str) -> None:
    first: dict[str, RawRecord] = {}
    for raw, item in items:
        if item.id in first:
            acc.add(
                raw.issue(
                    Severity.ERROR,
                    f"duplicate {kind} id, first used at {first[item.id].issue(Severity.ERROR, '').location}; "
                    "give each record its own id",
                    ("id",),
                    item.id,
                )
            )
        else:
            first[item.id] = raw


def _check_references(
    acc: _Accumulator,
    providers: Sequence[tuple[RawRecord, Provider]],
    stacks: Sequence[tuple[RawRecord, Stack]],
    credentials: Sequence[tuple[RawRecord, Credential]],
    catalog: Catalog,
    failed: set[str],
) -> None:
    groups = {p.id for p in catalog.providers if p.type in (ProviderType.ALLIANCE, ProviderType.NETWORK)}

    def need(raw: RawRecord, known: set[str] | dict[str, Any], value: str, path: Path, what: str) -> None:
        if value not in known and value not in failed:
            acc.add(raw.issue(Severity.ERROR, f"unknown {what}; define it in the catalog or fix the id", path, value))

    for raw, p in providers:
        for i, group in enumerate(p.member_of):
            need(raw, groups, group, ("member_of", i), "alliance or network (a provider of that type)")
    for raw, s in stacks:
        need(raw, catalog.provider_by_id, s.provider, ("provider",), "provider")
    for raw, c in credentials:
        need(raw, catalog.provider_by_id, c.provider, ("provider",), "provider")
        if c.awarding_body:
            need(
                raw,
                catalog.provider_by_id,
                c.awarding_body,
                ("awarding_body",),
                "awarding body (provider id)",
            )
        for i, contribution in enumerate(c.stacks):
            need(raw, catalog.stack_by_id, contribution.stack, ("stacks", i, "stack"), "stack")
        for i, pre in enumerate(c.prerequisites.credentials):
            if pre == c.id:
                acc.add(raw.issue(Severity.ERROR, "a credential cannot require itself", ("prerequisites",), pre))
            else:
                need(raw, catalog.credential_by_id, pre, ("prerequisites", "credentials", i), "credential")
        for i, group in enumerate(c.alliances):
            need(raw, groups, group, ("alliances", i), "alliance or network (a provider of that type)")


def _check_prerequisite_cycles(
    acc: _Accumulator, credentials: Sequence[tuple[RawRecord, Credential]], catalog: Catalog
) -> None:
    graph = {c.id: [p for p in c.prerequisites.credentials if p in catalog.credential_by_id] for c in catalog}
    reported: set[frozenset[str]] = set()
    for raw, cred in credentials:
        cycle = _find_cycle(cred.id, graph)
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            acc.add(
                raw.issue(
                    Severity.ERROR,
                    "prerequisites form a cycle: " + " -> ".join([*cycle, cycle[0]]) + "; remove one link",
                    ("prerequisites", "credentials"),
                )
            )


def _find_cycle(start: str, graph: dict[str, list[str]]) -> list[str] | None:
    """The cycle through `start`, if any (iterative DFS so deep chains cannot overflow the stack)."""
    stack: list[tuple[str, int]] = [(start, 0)]
    path: list[str] = []
    on_path: set[str] = set()
    seen: set[str] = set()
    while stack:
        node, i = stack.pop()
        if i == 0:
            path.append(node)
            on_path.add(node)
            seen.add(node)
        children = graph.get(node, [])
        if i < len(children):
            stack.append((node, i + 1))
            child = children[i]
            if child == start:
                return list(path)
            if child not in seen:
                stack.append((child, 0))
        else:
            path.pop()
            on_path.discard(node)
    return None


def _check_stacks_completable(acc: _Accumulator, stacks: Sequence[tuple[RawRecord, Stack]], catalog: Catalog) -> None:
    available: dict[str, float] = defaultdict(float)
    for cred in catalog:
        for contribution in cred.stacks:
            available[contribution.stack] += contribution.ects
    for raw, stack in stacks:
        if available[stack.id] < stack.ects:
            acc.add(
                raw.issue(
                    Severity.WARNING,
                    f"its credentials add up to {available[stack.id]:g} ECTS, fewer than the {stack.ects:g} "
                    "needed; learners cannot complete it",
                    ("ects",),
                    stack.ects,
                )
            )


def _check_esco(acc: _Accumulator, credentials: Sequence[tuple[RawRecord, Credential]], vocab: Vocabulary) -> None:
    if getattr(vocab, "complete", True):
        severity = Severity.ERROR
        hint = (
            "is not in the ESCO vocabulary in use; copy the conceptUri from ESCO (skills_en.csv / occupations_en.csv)"
        )
    else:  # the embedded subset lacks some real concepts: say so, refuse nothing
        severity = Severity.WARNING
        hint = "is not in the embedded ESCO subset; set STACKWISE_ESCO_DIR to the official ESCO files to check it"
    for raw, cred in credentials:
        for i, outcome in enumerate(cred.learning_outcomes):
            for j, uri in enumerate(outcome.skills):
                if not vocab.has_skill(uri):
                    acc.add(raw.issue(severity, hint, ("learning_outcomes", i, "skills", j), uri))
        for i, uri in enumerate(cred.prerequisites.skills):
            if not vocab.has_skill(uri):
                acc.add(raw.issue(severity, hint, ("prerequisites", "skills", i), uri))
        for i, uri in enumerate(cred.occupations):
            if not vocab.has_occupation(uri):
                acc.add(raw.issue(severity, hint, ("occupations", i), uri))


def catalog_counts(catalog: Catalog) -> dict[str, int]:
    """Breadth figures shown after validation and import."""
    fields = Counter(f[:2] for c in catalog for f in c.fields)
    return {
        "credentials": len(catalog.credentials),
        "providers": len(catalog.providers),
        "stacks": len(catalog.stacks),
        "broad_fields": len(fields),
        "narrow_fields": len({f[:3] for c in catalog for f in c.fields if len(f) >= 3}),
        "detailed_fields": len({f for c in catalog for f in c.fields}),
        "learning_outcomes": sum(len(c.learning_outcomes) for c in catalog),
        "min_outcomes_per_credential": min((len(c.learning_outcomes) for c in catalog), default=0),
    }
