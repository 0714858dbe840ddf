"""Native catalog documents (JSON or YAML, described by `stackwise catalog schema`)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from knowledge.formats import ParsedFile
from knowledge.models import Catalog
from knowledge.schema import SCHEMA_VERSION, catalog_to_document
from knowledge.validation import Issue, Path, PathMap, RawRecord, RecordKind, Severity

# libyaml's C parser is ~10x faster on a large catalog; PyYAML falls back to Python where it is missing.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

SECTIONS: dict[str, RecordKind] = {"providers": "provider", "stacks": "stack", "credentials": "credential"}


def parse(text: str, fmt: str, source: str) -> ParsedFile:
    try:
        data = json.loads(text) if fmt == "json" else yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as exc:
        return _fail(source, exc.lineno, f"is not valid JSON: {exc.msg} (column {exc.colno})")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        return _fail(source, line, f"is not valid YAML: {getattr(exc, 'problem', None) or exc}")
    if not isinstance(data, dict):
        return _fail(source, 1, "must be a mapping with the keys providers, stacks and credentials")
    where = PathMap(line_map(text) if text.count("\n") > 1 else {})
    issues: list[Issue] = []
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        issues.append(
            Issue(
                Severity.ERROR,
                f"this Stackwise reads schema_version {SCHEMA_VERSION}",
                source,
                where.line(("schema_version",)),
                "/schema_version",
                "schema_version",
                version,
            )
        )
    for key in sorted(set(data) - {*SECTIONS, "schema_version", "$schema"}):
        issues.append(Issue(Severity.WARNING, "unknown section, ignored", source, where.line((key,)), f"/{key}", key))
    records: list[RawRecord] = []
    for section, kind in SECTIONS.items():
        items = data.get(section) or []
        if not isinstance(items, list):
            issues.append(
                Issue(Severity.ERROR, "must be a list", source, where.line((section,)), f"/{section}", section)
            )
            continue
        for i, item in enumerate(items):
            pointer = f"/{section}/{i}"
            if not isinstance(item, dict):
                issues.append(
                    Issue(
                        Severity.ERROR,
                        "must be a mapping of fields",
                        source,
                        where.line((section, i)),
                        pointer,
                    )
                )
                continue
            records.append(RawRecord(kind, item, source, pointer, (section, i), where))
    return ParsedFile(tuple(records), tuple(issues))


def _fail(source: str, line: int | None, message: str) -> ParsedFile:
    return ParsedFile((), (Issue(Severity.ERROR, message, source, line),))


def line_map(text: str) -> dict[Path, int]:
    """Line (1-based) of every mapping key and sequence item, so errors can point into the file."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return {}
    lines: dict[Path, int] = {}

    def walk(node: yaml.Node, path: Path) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    child = (*path, key.value)
                    walk(value, child)
                    lines[child] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    if root is not None:
        walk(root, ())
    return lines


def dump(catalog: Catalog, fmt: str) -> str:
    document: dict[str, Any] = catalog_to_document(catalog)
    if fmt == "yaml":
        return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
