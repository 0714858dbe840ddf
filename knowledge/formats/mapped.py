"""Any provider's JSON, JSONL, CSV or TSV catalog, read through a mapping file (YAML) that says where each
Stackwise field is.

The mapping language (README: "Other catalogs, through a mapping"):

- `records`: the file (when SOURCE is a folder) and `path`, the dotted path of the list inside the document;
  a `.jsonl` file is one record a line, a `.csv`/`.tsv` file one record a row, keyed by the header's (trimmed)
  cells, every value a text, an empty cell not stated; `delimiter` when guessing it from the header is wrong.
- `join`: attach related records from another file by a key: `{file, on, to, as}` puts under `as` the records of
  `file` whose `on` equals the record's `to` (default `id`).
- `provider`: the provider record, stated once (Stackwise provider fields).
- `fields`: per credential field (a dotted name such as `delivery.country` builds a nested field), either
  a path (`title`, `source.repo`, `episodes[].objectives[]`: `[]` flattens a list, `[0]` picks an item),
  a template (`"https://github.com/{id}"`: paths in braces), a number or true/false (a constant),
  or an object with one of `path` (one or a list of paths), `template` or `value` (a constant), then optionally
  `split`, `map`, `unstated_if`, `unique`, `sum`, `divide`, `first`, `join`, `slug`, applied in that order
  (`split` first, so that the other options see the items of a list cell).

A text that is a number ("3", "2.5", "2,5") counts as one for `unstated_if`, `sum` and `divide` and becomes one in a
number field of the schema: CSV cells are texts. A comma that may be a thousands separator ("1,500") is an error,
not a guess. A value a record does not have is left out, so validation reports it as "not stated" (or as required);
nothing is invented. Errors in the mapping point at its line; errors in a record at the record's line (a CSV
row's first line) and the mapping line that produced the field.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from knowledge.formats import ParsedFile, csvfile
from knowledge.formats.jsondoc import MAX_DEPTH, depth, slug
from knowledge.formats.native import line_map
from knowledge.schema import CredentialRecord
from knowledge.validation import Issue, Path, PathMap, RawRecord, Severity, dotted, humanize

MAX_BYTES = 50_000_000  # a whole provider catalog, not one badge
_SEGMENT = re.compile(r"^([^.\[\]{}\s][^.\[\]{}]*)(\[\]|\[\d+\])?$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
LIST_FIELDS = {"learning_outcomes", "languages", "fields", "occupations", "alliances", "stacks", "texts"}
CREDENTIAL_FIELDS = tuple(CredentialRecord.model_fields)
CSV_SUFFIXES = {".csv": None, ".tsv": "\t", ".tab": "\t"}  # suffix -> delimiter (None: guessed from the header)
_NUMBER = re.compile(r"[+-]?(\d{1,30}\.?\d{0,30}|\.\d{1,30})")  # no credit, hour or price needs more digits
_COMMA_DECIMAL = re.compile(r"([+-]?\d{1,30}),(\d{1,30})")


def _numeric(annotation: Any) -> bool:
    """Whether a schema annotation is a number (through Optional and Annotated, not through lists)."""
    if annotation in (int, float):
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return any(_numeric(arg) for arg in typing.get_args(annotation))
    return False


# The credential fields whose values are numbers; read from the schema, so a new one needs no change here.
NUMBER_FIELDS = frozenset(name for name, info in CredentialRecord.model_fields.items() if _numeric(info.annotation))


def number(value: Any) -> Any:
    """`value` as a number when it is a text that is one ("3", "2.5", "2,5"), otherwise unchanged.

    A comma followed by three digits ("1,500") may be a thousands separator or a decimal comma: ValueError, since
    either guess may state a wrong credit or price.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    if match := _COMMA_DECIMAL.fullmatch(text):
        whole, fraction = match.groups()
        if len(fraction) == 3 and whole.lstrip("+-") != "0":
            raise ValueError(
                f"{text!r} is ambiguous: {whole}.{fraction} with a decimal comma, {whole}{fraction} with a thousands "
                "separator; write numbers with a dot for decimals and no thousands separator"
            )
        return float(f"{whole}.{fraction}")
    return value


def check_delimiter(value: str | None) -> str | None:
    if value is not None and len(value) != 1:
        raise ValueError('must be one character, such as ";" or "\\t" (a tab, in double quotes)')
    return value


def check_path(expr: str) -> str:
    """A field path: names separated by dots, each optionally followed by [] (every item) or [N] (one item)."""
    expr = expr.strip()
    if not expr or any(not _SEGMENT.match(part) for part in expr.split(".")):
        raise ValueError(
            f"{expr!r} is not a field path; write names separated by dots, [] after a list to take every item "
            "or [N] to take one (e.g. episodes[].objectives[]), or {value: ...} for a constant"
        )
    return expr


def check_template(text: str) -> str:
    names = _PLACEHOLDER.findall(text)
    if not names:
        raise ValueError("a template needs at least one {path}, e.g. 'https://example.org/{id}'")
    for name in names:
        check_path(name)
    return text


# -- the mapping file -----------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


Separator = Annotated[str, Field(min_length=1)]


class FieldSpec(_Strict):
    """Where one Stackwise field's value is, and what to do with it."""

    path: str | list[str] | None = None
    template: str | None = None
    value: Any = None
    split: Separator | list[Separator] | None = Field(
        default=None, description='Separator(s) of the items of a list held in one text: "|", or ["|", "\\n"].'
    )
    map: dict[str, Any] | None = Field(default=None, description="Source value -> Stackwise value.")
    unstated_if: list[Any] = Field(default_factory=list, description="Source values that mean 'not stated'.")
    unique: bool = False
    sum: bool = False
    divide: Annotated[float, Field(gt=0)] | None = None
    first: Annotated[int, Field(ge=1)] | None = None
    join: str | None = None
    slug: bool = False

    @field_validator("path")
    @classmethod
    def _paths(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list):
            return [check_path(v) for v in value]
        return check_path(value) if value is not None else None

    @field_validator("template")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        return check_template(value) if value is not None else None

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        given = [k for k in ("path", "template", "value") if k in self.model_fields_set]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of path (where the value is), template ('{a} - {b}') or value (a constant)"
                + (f"; this gives {', '.join(given)}" if given else "")
            )
        return self


class RecordsSpec(_Strict):
    file: str | None = Field(default=None, description="The records file, when SOURCE is a folder.")
    path: str | None = Field(default=None, description="Dotted path of the list inside a JSON document.")
    delimiter: str | None = Field(default=None, description="Of a CSV file; guessed from its header when left out.")

    @field_validator("path")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        return check_path(value) if value is not None else None

    _delimiter = field_validator("delimiter")(check_delimiter)


class JoinSpec(_Strict):
    file: str = Field(description="Related records (JSON list, JSONL, CSV or TSV), beside the records file.")
    on: str = Field(description="Field of the related records that holds the record's key.")
    to: str = Field(default="id", description="Field of the record that is the key.")
    as_: str = Field(alias="as", description="Name the related records get in the record, for paths.")
    path: str | None = None
    delimiter: str | None = None

    @field_validator("on", "to", "path")
    @classmethod
    def _paths(cls, value: str | None) -> str | None:
        return check_path(value) if value is not None else None

    _delimiter = field_validator("delimiter")(check_delimiter)


class Mapping(_Strict):
    records: RecordsSpec | str | None = None
    join: list[JoinSpec] = Field(default_factory=list)
    provider: dict[str, Any] | None = None
    fields: dict[str, Any]  # each checked by `field_spec`, so its errors point at its own line

    @field_validator("join", mode="before")
    @classmethod
    def _one_join(cls, value: Any) -> Any:
        joins = [value] if isinstance(value, dict) else value
        # YAML 1.1 reads a bare `on:` key as true; in a join it can only mean the key field.
        fix = lambda j: {("on" if k is True else k): v for k, v in j.items()} if isinstance(j, dict) else j  # noqa: E731
        return [fix(j) for j in joins] if isinstance(joins, list) else joins

    @property
    def records_spec(self) -> RecordsSpec:
        return RecordsSpec(file=self.records) if isinstance(self.records, str) else self.records or RecordsSpec()


def field_spec(name: str, raw: Any) -> FieldSpec:
    """One entry of `fields:` as a FieldSpec; ValueError or ValidationError says what is wrong with it."""
    head = str(name).split(".")[0]
    if head not in CREDENTIAL_FIELDS:
        raise ValueError(f"is not a Stackwise credential field; use one of {', '.join(CREDENTIAL_FIELDS)}")
    if "." in str(name) and head in LIST_FIELDS:
        raise ValueError(f"{head} is a list: map it as a whole (e.g. {head}: path[]), not one part of it")
    if isinstance(raw, dict):
        return FieldSpec.model_validate(raw)
    if isinstance(raw, str):
        return FieldSpec(template=raw) if "{" in raw else FieldSpec(path=raw)
    if isinstance(raw, bool | int | float):
        return FieldSpec(value=raw)
    if isinstance(raw, list):
        raise ValueError(
            "a list is ambiguous here; write {value: [...]} for a constant list or {path: [a, b]} for the values of "
            "several paths"
        )
    raise ValueError("give a path, a template, a number, true/false or {path|template|value: ...}")


@dataclass(frozen=True)
class LoadedMapping:
    mapping: Mapping
    specs: dict[str, FieldSpec]
    source: str
    lines: PathMap

    def line(self, *path: str | int) -> int | None:
        return self.lines.line(path)


def load_mapping(path: FilePath) -> tuple[LoadedMapping | None, tuple[Issue, ...]]:
    """The mapping file, or located errors with a fix for each."""
    source = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, (Issue(Severity.ERROR, "mapping file not found; check the path", str(path)),)
    except (OSError, UnicodeDecodeError) as exc:
        return None, (Issue(Severity.ERROR, f"mapping file cannot be read ({exc}); save it as UTF-8 YAML", source),)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        message = f"is not valid YAML: {getattr(exc, 'problem', None) or exc}"
        return None, (Issue(Severity.ERROR, message, source, line),)
    lines = PathMap(line_map(text))
    if not isinstance(data, dict):
        return None, (Issue(Severity.ERROR, "must be a mapping with at least `fields:`", source, 1),)
    issues: list[Issue] = []

    def add(loc: Path, message: str) -> None:
        issues.append(Issue(Severity.ERROR, message, source, lines.line(loc), None, dotted(loc) or None))

    mapping: Mapping | None = None
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            add(_mapping_loc(err["loc"], data), _mapping_message(err))
    specs: dict[str, FieldSpec] = {}
    raw_fields = data.get("fields")
    for name, raw in raw_fields.items() if isinstance(raw_fields, dict) else ():
        try:
            specs[str(name)] = field_spec(str(name), raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ("fields", name, *_mapping_loc(err["loc"], raw if isinstance(raw, dict) else {}))
                add(loc, _mapping_message(err))
        except ValueError as exc:
            add(("fields", name), str(exc))
    if mapping is not None and "certificate" not in specs:
        add(
            ("fields",),
            "does not say what credential is issued; add certificate: {value: open_badge} (or certificate, "
            "europass_edc)",
        )
    if issues or mapping is None:
        return None, tuple(issues)
    return LoadedMapping(mapping, specs, source, lines), ()


def _mapping_loc(loc: tuple[Any, ...], data: dict[str, Any]) -> Path:
    """The place in the mapping file of a pydantic error, without pydantic's union-member labels."""
    out: list[str | int] = []
    node: Any = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            out.append(part)
            node = node[part]
        elif part == "as_" and isinstance(node, dict):
            out.append("as")
    return tuple(out)


def _mapping_message(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key; check its spelling (see README: Other catalogs, through a mapping)"
    message = humanize(err).removeprefix("Value error, ")
    if err["type"] == "missing" and err["loc"] == ("fields",):
        return "is required: say under fields: where each Stackwise field is (id, title, description, ...)"
    return message


# -- the provider's records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Document:
    records: list[Any]
    lines: list[int | None]  # line of each record in its file
    columns: tuple[str, ...] | None = None  # a CSV file's header, so a path it lacks is an error at once


def _read_records(
    path: FilePath, spec: RecordsSpec | JoinSpec, loaded: LoadedMapping, at: Path
) -> tuple[_Document | None, tuple[Issue, ...]]:
    """The records of a JSON list (at `spec.path`), a JSONL or a CSV file, with the line each starts on; `at` is
    where the mapping names the file, for errors about it."""
    source, line = loaded.source, loaded.line(*at)
    is_csv = path.suffix.lower() in CSV_SUFFIXES
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, (
            Issue(Severity.ERROR, f"{path} not found; put it beside the records file or fix the name", source, line),
        )
    except OSError as exc:
        return None, (Issue(Severity.ERROR, f"{path.name} cannot be read ({exc.strerror})", source, line),)
    if len(raw) > MAX_BYTES:
        return None, (Issue(Severity.ERROR, f"is over the {MAX_BYTES:,}-byte limit; split it", path.name, 1),)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        how = "UTF-8 (from a spreadsheet: CSV UTF-8)" if is_csv else "UTF-8"
        at_line = raw[: exc.start].count(b"\n") + 1
        message = f"is not UTF-8 text (byte {raw[exc.start]:#04x}); save it as {how}"
        return None, (Issue(Severity.ERROR, message, path.name, at_line),)
    misplaced = "path" if is_csv and spec.path else "delimiter" if not is_csv and spec.delimiter else None
    if misplaced:
        why = f"{path.name} is a CSV file: its rows are the records" if is_csv else f"{path.name} is not a CSV file"
        where = (*at, misplaced)
        return None, (
            Issue(Severity.ERROR, f"{why}; remove {misplaced}", source, loaded.line(*where), None, dotted(where)),
        )
    if is_csv:
        delimiter = spec.delimiter or CSV_SUFFIXES[path.suffix.lower()] or csvfile.guess_delimiter(text)
        return _read_table(path.name, text, delimiter, guessed=not spec.delimiter)
    document, problem = _read_json(path, text, spec.path)
    return document, (problem,) if problem else ()


def _read_table(name: str, text: str, delimiter: str, guessed: bool) -> tuple[_Document | None, tuple[Issue, ...]]:
    """A CSV file's rows as records keyed by its header; ragged rows and a doubled column are errors."""
    table, problem = csvfile.read_table(text, name, delimiter)
    if table is None:
        return None, (problem,) if problem else ()
    header, shown = table.header, "tab" if delimiter == "\t" else repr(delimiter)
    issues = [
        Issue(
            Severity.ERROR,
            f"names the column {column!r} twice; rename one, so that a path says which",
            name,
            table.header_line,
            field=column,
        )
        for i, column in enumerate(header)
        if column and column in header[:i]
    ]
    for row in table.rows:
        extra = row.cells[len(header) :]
        if len(row.cells) < len(header) or any(cell.strip() for cell in extra):
            fix = (
                f'quote a cell that holds {shown} ("a{delimiter} b")'
                if extra
                else f"add the missing cells (empty ones are fine: a{delimiter}{delimiter}c)"
            )
            if guessed:
                fix += f", or say the file's delimiter in the mapping ({shown} was guessed from the header)"
            spans = f"; the row runs on to line {row.end}: check for a quote left open" if row.end > row.line else ""
            issues.append(
                Issue(
                    Severity.ERROR,
                    f"has {len(row.cells)} cells but the header (line {table.header_line}) has {len(header)} columns "
                    f"separated by {shown}; {fix}{spans}",
                    name,
                    row.line,
                )
            )
    if issues:
        return None, tuple(issues)
    records = [
        {column: cell.strip() for column, cell in zip(header, row.cells, strict=False) if column and cell.strip()}
        for row in table.rows
    ]
    return _Document(records, [row.line for row in table.rows], header), ()


def _read_json(path: FilePath, text: str, inner: str | None) -> tuple[_Document | None, Issue | None]:
    """The records of a JSON list (at `inner`, a dotted path) or a JSONL file."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        records: list[Any] = []
        lines: list[int | None] = []
        for n, row in enumerate(text.splitlines(), 1):
            if not row.strip():
                continue
            try:
                record = json.loads(row)
            except json.JSONDecodeError as exc:
                return None, Issue(
                    Severity.ERROR, f"is not valid JSON: {exc.msg} (column {exc.colno}); fix that line", path.name, n
                )
            records.append(record)
            lines.append(n)
        return _Document(records, lines), None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "; a file with one record a line must end in .jsonl" if exc.msg == "Extra data" else "; fix it there"
        return None, Issue(
            Severity.ERROR, f"is not valid JSON: {exc.msg} at column {exc.colno}{hint}", path.name, exc.lineno
        )
    except RecursionError:
        data = None
    if data is None or depth(data) > MAX_DEPTH:
        return None, Issue(Severity.ERROR, f"is nested too deeply (over {MAX_DEPTH} levels)", path.name, 1)
    where = PathMap(line_map(text))
    prefix: Path = ()
    if inner:
        for part in inner.split("."):
            if not isinstance(data, dict) or part not in data:
                return None, Issue(
                    Severity.ERROR,
                    f"has no {inner!r} (stopped at {part!r}); fix records.path in the mapping",
                    path.name,
                    where.line(prefix),
                )
            data, prefix = data[part], (*prefix, part)
    if not isinstance(data, list):
        what = f"at {inner!r}" if inner else "the document"
        return None, Issue(
            Severity.ERROR,
            f"{what} is not a list of records; set records.path to the list (e.g. data.items) or use JSONL",
            path.name,
            where.line(prefix),
        )
    return _Document(data, [where.line((*prefix, i)) for i in range(len(data))]), None


def _segments(expr: str) -> list[tuple[str, str | None]]:
    out = []
    for part in expr.split("."):
        m = _SEGMENT.match(part)
        assert m is not None  # checked when the mapping was loaded
        out.append((m.group(1), m.group(2)))
    return out


def resolve(record: Any, expr: str) -> tuple[list[Any], bool]:
    """The values at a path, and whether the path gives a list ([] somewhere) or one value."""
    values, many = [record], False
    for name, index in _segments(expr):
        nxt: list[Any] = []
        for value in values:
            if not isinstance(value, dict) or value.get(name) is None:
                continue
            item = value[name]
            if index == "[]":
                many = True
                nxt.extend(v for v in (item if isinstance(item, list) else [item]) if v is not None)
            elif index:
                position = int(index[1:-1])
                if isinstance(item, list) and position < len(item) and item[position] is not None:
                    nxt.append(item[position])
            else:
                nxt.append(item)
        values = nxt
    return values, many


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_UNSTATED: Any = object()
Note = Callable[[str, Severity], None]


def _is_unstated(value: Any, unstated: list[Any]) -> bool:
    """Whether a value is one of `unstated_if`, a number in a text ("0") matching the number (0)."""
    if value in unstated:
        return True
    try:
        as_number = number(value)
    except ValueError:
        return False
    return as_number is not value and any(u == as_number for u in unstated if not isinstance(u, bool | str))


def _numbers(values: list[Any], note: Note) -> list[Any]:
    """The values with the texts that are numbers read as numbers; an ambiguous one is an error."""
    out = []
    for value in values:
        try:
            out.append(number(value))
        except ValueError as exc:
            note(str(exc), Severity.ERROR)
    return out


def evaluate(spec: FieldSpec, record: Any, note: Note) -> Any:
    """A field's value for one record; `_UNSTATED` when the record does not give it."""
    if "value" in spec.model_fields_set:
        values, many = ([spec.value] if spec.value is not None else []), isinstance(spec.value, list)
        if many:
            values = list(spec.value)
    elif spec.template is not None:
        parts: dict[str, str] = {}
        for name in _PLACEHOLDER.findall(spec.template):
            found, is_list = resolve(record, name.strip())
            if not found:
                return _UNSTATED  # half a template would state something the source does not
            parts[name] = _text(found if is_list else found[0])
        values, many = [_PLACEHOLDER.sub(lambda m: parts[m.group(1)], spec.template)], False
    else:
        values, many = [], False
        for expr in spec.path if isinstance(spec.path, list) else [spec.path or ""]:
            found, is_list = resolve(record, expr)
            values.extend(found)
            many = many or is_list or isinstance(spec.path, list)
    if spec.split is not None:
        separators = [spec.split] if isinstance(spec.split, str) else spec.split
        between = re.compile("|".join(re.escape(s) for s in separators))
        values = [p.strip() for v in values for p in (between.split(v) if isinstance(v, str) else [v])]
        values, many = [v for v in values if v != ""], True
    if spec.map is not None:
        values = [spec.map.get(_text(v), v) if not isinstance(v, dict | list) else v for v in values]
    if spec.unstated_if:
        values = [v for v in values if not _is_unstated(v, spec.unstated_if)]
    if spec.unique:
        values = [v for i, v in enumerate(values) if v not in values[:i]]
    if spec.sum or spec.divide:
        values = _numbers(values, note)
    if spec.sum:
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(numbers) != len(values):
            note("holds values that are not numbers; they are left out of the sum", Severity.WARNING)
        total = float(sum(numbers)) if numbers else None
        if total is not None and spec.divide:
            total = round(total / spec.divide, 2)
        values, many = ([] if total is None or total in spec.unstated_if else [total]), False
    elif spec.divide:
        values = [round(v / spec.divide, 2) if isinstance(v, int | float) else v for v in values]
    if spec.first is not None and len(values) > spec.first:
        note(
            f"has {len(values)} values; the first {spec.first} were kept (the mapping says first: {spec.first})",
            Severity.WARNING,
        )
        values = values[: spec.first]
    if spec.join is not None:
        values, many = ([spec.join.join(_text(v) for v in values)] if values else []), False
    if spec.slug:
        values = [slug(_text(v)) for v in values]
    if not values:
        return _UNSTATED
    if many:
        return values
    return values[0] if len(values) == 1 else values


def _put(out: dict[str, Any], name: str, value: Any) -> None:
    *parents, last = name.split(".")
    node = out
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _shape(name: str, value: Any) -> Any:
    """The value in the shape the Stackwise field takes: lists for list fields, outcomes as {text}."""
    if name in LIST_FIELDS and not isinstance(value, list):
        value = [value]
    elif name not in LIST_FIELDS and "." not in name and isinstance(value, list) and len(value) == 1:
        value = value[0]
    if name == "learning_outcomes":
        value = [{"text": v} if isinstance(v, str) else v for v in value]
    return value


class _RecordMap:
    """Where a mapped record's issues point: the record's line in its file, and the mapping line of the field."""

    def __init__(self, line: int | None, mapping: LoadedMapping, origin: dict[str, str], prefix: Path) -> None:
        self._line = line
        self._mapping = mapping
        self._origin = origin
        self._prefix = prefix

    def line(self, path: Path) -> int | None:
        return self._line

    def label(self, path: Path) -> str:
        inner = path[len(self._prefix) :]
        field = dotted(inner)
        head = str(inner[0]) if inner else ""
        name = next((n for n in self._origin if n == head or n.startswith(head + ".")), None)
        if name is None:
            return f"{field} (not mapped)" if field else field
        at = self._mapping.line("fields", name)
        return f"{field} (from {self._origin[name]} at {self._mapping.source}:{at})"


def _describe(spec: FieldSpec) -> str:
    if "value" in spec.model_fields_set:
        return f"value {json.dumps(spec.value, ensure_ascii=False)}"
    if spec.template is not None:
        return f"template {spec.template!r}"
    return " + ".join(spec.path) if isinstance(spec.path, list) else str(spec.path)


def read(source_path: FilePath, mapping_path: FilePath) -> ParsedFile:
    """Records of a provider's catalog as the mapping says; a mapping or file error gives no records."""
    loaded, issues = load_mapping(mapping_path)
    if loaded is None:
        return ParsedFile((), issues)
    return read_with(source_path, loaded)


def _paths(spec: FieldSpec) -> list[str]:
    """The record paths a field reads (none for a constant)."""
    if spec.template is not None:
        return [name.strip() for name in _PLACEHOLDER.findall(spec.template)]
    if isinstance(spec.path, list):
        return spec.path
    return [spec.path] if spec.path else []


def _missing_columns(
    loaded: LoadedMapping, records: _Document, name: str, related: dict[str, _Document]
) -> list[Issue]:
    """A path that names no column of a CSV file, as an error at the mapping line that names it: a misspelt header
    would otherwise leave the field unstated in every record with only a warning."""
    issues: list[Issue] = []

    def check(document: _Document, file: str, column: str, at: Path) -> None:
        if document.columns is not None and column not in document.columns:
            columns = ", ".join(repr(c) for c in document.columns if c)
            issues.append(
                Issue(
                    Severity.ERROR,
                    f"{file} has no column {column!r} (its columns: {columns}); fix the name here or in its header",
                    loaded.source,
                    loaded.line(*at),
                    None,
                    dotted(at),
                )
            )

    listed = ("join", 0) in loaded.lines.lines
    for i, join in enumerate(loaded.mapping.join):
        base: Path = ("join", i) if listed else ("join",)
        check(related[join.as_], join.file, _segments(join.on)[0][0], (*base, "on"))
        check(records, name, _segments(join.to)[0][0], (*base, "to"))
    files = {join.as_: join.file for join in loaded.mapping.join}
    for field, spec in loaded.specs.items():
        for expr in _paths(spec):
            (head, _), *rest = _segments(expr)
            if head in related:
                if rest:
                    check(related[head], files[head], rest[0][0], ("fields", field))
            else:
                check(records, name, head, ("fields", field))
    return issues


def read_with(source_path: FilePath, loaded: LoadedMapping) -> ParsedFile:
    """Records of a provider's catalog through a loaded mapping (the API checks the mapping's join files first)."""
    mapping = loaded.mapping
    spec_records = mapping.records_spec
    records_file = source_path
    if source_path.is_dir():
        if not spec_records.file:
            return ParsedFile(
                (),
                (
                    Issue(
                        Severity.ERROR,
                        f"SOURCE {source_path} is a folder; name the records file in the mapping (records: file.json)",
                        loaded.source,
                        loaded.line("records"),
                    ),
                ),
            )
        records_file = source_path / spec_records.file
    document, problems = _read_records(records_file, spec_records, loaded, ("records",))
    if document is None:
        return ParsedFile((), problems)
    if document.columns is not None and not document.records:
        message = "has a header but no rows; nothing to import"
        return ParsedFile((), (Issue(Severity.ERROR, message, records_file.name, 1),))
    related: dict[str, _Document] = {}
    listed = ("join", 0) in loaded.lines.lines
    for i, join in enumerate(mapping.join):
        other, problems = _read_records(
            records_file.parent / join.file, join, loaded, ("join", i) if listed else ("join",)
        )
        if other is None:
            return ParsedFile((), problems)
        related[join.as_] = other
    missing = _missing_columns(loaded, document, records_file.name, related)
    if missing:
        return ParsedFile((), tuple(missing))
    found: list[Issue] = []
    records = [dict(r) if isinstance(r, dict) else r for r in document.records]
    for join in mapping.join:
        index: dict[str, list[Any]] = {}
        for item in related[join.as_].records:
            keys, _ = resolve(item, join.on)
            for key in keys[:1]:
                index.setdefault(_text(key), []).append(item)
        matched = 0
        for record in records:
            if isinstance(record, dict):
                keys, _ = resolve(record, join.to)
                record[join.as_] = [i for k in keys for i in index.get(_text(k), [])]
                matched += bool(record[join.as_])
        if related[join.as_].records and not matched:
            found.append(
                Issue(
                    Severity.WARNING,
                    f"no record of {join.file} has an {join.on!r} equal to a record's {join.to!r}; check on and to",
                    loaded.source,
                    loaded.line("join"),
                    field="join",
                )
            )
    out: list[RawRecord] = []
    provider_id: str | None = None
    if mapping.provider is not None:
        provider_id = str(mapping.provider.get("id") or "")
        out.append(
            RawRecord("provider", dict(mapping.provider), loaded.source, "/provider", ("provider",), loaded.lines)
        )
    names = list(loaded.specs)
    origin = {name: _describe(loaded.specs[name]) for name in names}
    never: set[str] = set(names)
    for i, record in enumerate(records):
        line = document.lines[i]
        if not isinstance(record, dict):
            found.append(Issue(Severity.ERROR, "must be an object of fields", records_file.name, line, f"/{i}"))
            continue
        data: dict[str, Any] = {}
        for name in names:
            spec = loaded.specs[name]

            def note(message: str, severity: Severity, name: str = name, line: int | None = line, i: int = i) -> None:
                found.append(
                    Issue(
                        severity,
                        message,
                        records_file.name,
                        line,
                        f"/{i}",
                        f"{name} (from {origin[name]} at {loaded.source}:{loaded.line('fields', name)})",
                    )
                )

            value = evaluate(spec, record, note)
            if value is _UNSTATED:
                continue
            never.discard(name)
            value = _shape(name, value)
            if name in NUMBER_FIELDS:
                try:
                    value = number(value)
                except ValueError as exc:
                    note(str(exc), Severity.ERROR)
                    continue
            _put(data, name, value)
        if "provider" not in data and provider_id:
            data["provider"] = provider_id
        out.append(
            RawRecord("credential", data, records_file.name, f"/{i}", (i,), _RecordMap(line, loaded, origin, (i,)))
        )
    for name in sorted(never):
        if records and "value" not in loaded.specs[name].model_fields_set:
            found.append(
                Issue(
                    Severity.WARNING,
                    f"no record has a value at {origin[name]}; check the path's spelling against the records",
                    loaded.source,
                    loaded.line("fields", name),
                    field=f"fields.{name}",
                )
            )
    if any(i.severity is Severity.ERROR for i in found):
        return ParsedFile((), tuple(found))
    return ParsedFile(tuple(out), tuple(found))
