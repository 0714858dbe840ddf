"""What the JSON-LD importers (Open Badges 3.0, ELM v3) share: refusing hostile files before reading them,
catalog ids from IRIs, and values that may be one item or a list.

JSON-LD is read as plain JSON: no `@context` is ever fetched, so a file cannot make the importer reach the network.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Container, Mapping
from typing import Any

from knowledge.formats import ParsedFile
from knowledge.validation import Issue, Path, PathMap, Severity

MAX_BYTES = 5_000_000  # far above any real badge, CLR or Europass credential; refuses files that only tie us up
MAX_DEPTH = 64  # OB3/CLR documents nest about 10 deep, ELM credentials about 15


def items(value: Any) -> list[Any]:
    """A JSON-LD value as a list: absent is empty, a single object is one item."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def slug(text: str, limit: int = 80) -> str:
    """A catalog id from any text; long ones keep a hash of the whole so distinct texts stay distinct."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"
    if len(out) <= limit:
        return out
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{out[: limit - 9].rstrip('-')}-{digest}"


def iri_id(iri: str) -> str:
    """A stable id from an IRI or URN: host and path, without the scheme and a file extension."""
    rest = re.sub(r"^[a-z][a-z0-9+.-]*:(//)?", "", iri.strip(), flags=re.IGNORECASE)
    rest = re.sub(r"^(uuid|www)[.:]", "", rest)
    return slug(re.sub(r"\.(json|jsonld|html?)$", "", rest))


def unique_id(base: str, taken: Container[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... when records of one file would otherwise share an id."""
    if base not in taken:
        return base
    n = 2
    while f"{base[:76]}-{n}" in taken:
        n += 1
    return f"{base[:76]}-{n}"


def pointer(path: Path) -> str:
    return "".join(f"/{p}" for p in path) or "/"


def depth(data: Any) -> int:
    """Nesting depth, iteratively, so a hostile file cannot exhaust the stack."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        node, level = todo.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        todo.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def fail(source: str, message: str, line: int | None = 1) -> ParsedFile:
    return ParsedFile((), (Issue(Severity.ERROR, message, source, line),))


def load(text: str, source: str, what: str, max_bytes: int = MAX_BYTES) -> tuple[Any, ParsedFile | None]:
    """The parsed document, or a located refusal when it is too big, not JSON or nested too deeply.

    `what` names the kind of document in the refusal ("an Open Badge", "an ELM document").
    """
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        return None, fail(source, f"is {size:,} bytes, over the {max_bytes:,}-byte limit; split it into smaller files")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}; fix it there"
        return None, fail(source, message, exc.lineno)
    except RecursionError:
        return None, fail(source, f"is nested too deeply (over {MAX_DEPTH} levels); it is not {what}")
    if depth(data) > MAX_DEPTH:
        return None, fail(source, f"is nested too deeply (over {MAX_DEPTH} levels); it is not {what}")
    return data, None


class RecordMap:
    """Where an imported record came from: every issue points at the line of its source node, labelled by the
    source's own property name (`names`), else by `other` (the bare name by default)."""

    def __init__(
        self, lines: PathMap, prefix: Path, names: Mapping[str, str], other: Callable[[str], str] = lambda name: name
    ) -> None:
        self._lines = lines
        self._prefix = prefix
        self._names = names
        self._other = other

    def line(self, path: Path) -> int | None:
        return self._lines.line(self._prefix)

    def label(self, path: Path) -> str:
        rest = path[len(self._prefix) :]
        head = str(rest[0]) if rest else ""
        return self._names.get(head) or (self._other(head) if head else "")
