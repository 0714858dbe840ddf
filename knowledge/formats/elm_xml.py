"""Europass XML (ELM v3.1 learning opportunities, ELM v2 credentials) as the JSON-LD shape the ELM reader reads.

The Europass tools publish learning opportunities (Qualifications Dataset Register / LOQ upload, root `<Courses>`)
and EDCI 1.x credentials (root `<verifiablePresentation>`) as XML. Rather than a second reader, the XML is turned
into the tree ELM JSON-LD has: elements become properties, `idref` a reference by id, `uri` a concept's id,
`language="en"` / `lang="en"` texts a language map, objects listed under a `<...References>` element get their
class as `type`. What differs between profiles in names is data (knowledge/data/elm_xml.yaml).

The file is parsed with expat and refused, with its line, when it declares a DOCTYPE (entities could expand without
bound or name outside files), nests deeper than JSON documents may, or is not well-formed. Nothing is fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path as FilePath
from typing import Any
from xml.parsers import expat

import yaml

from knowledge.formats import ParsedFile
from knowledge.formats.jsondoc import MAX_BYTES, MAX_DEPTH, fail
from knowledge.validation import Path

TABLES_FILE = FilePath(__file__).parents[1] / "data" / "elm_xml.yaml"
_SIGNATURE = "http://www.w3.org/2000/09/xmldsig# Signature"


@dataclass(frozen=True)
class _Tables:
    renames: dict[str, str]
    listed: frozenset[str]
    classes: dict[str, str]
    language_attributes: tuple[str, ...]
    text_elements: frozenset[str]


@cache
def _tables() -> _Tables:
    with TABLES_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return _Tables(
        dict(data["renames"]),
        frozenset(data["listed"]),
        dict(data["classes"]),
        tuple(data["language_attributes"]),
        frozenset(data["text_elements"]),
    )


@dataclass
class _Element:
    name: str  # local name
    attrs: dict[str, str]  # by local name
    line: int
    text: list[str] = field(default_factory=list)
    children: list[_Element] = field(default_factory=list)


@dataclass(frozen=True)
class XmlDocument:
    """The file as a JSON-LD-shaped tree, the line of every path in it, and what the reader should warn about."""

    data: dict[str, Any]
    lines: dict[Path, int]
    warnings: tuple[tuple[Path, str], ...]


class _Refused(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _tree(text: str) -> tuple[_Element, bool]:
    """The element tree with lines, and whether the file carries an XML signature."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Element] = []
    root: list[_Element] = []
    signed = [False]

    def doctype(*_: Any) -> None:
        raise _Refused(
            "declares a DOCTYPE; Europass XML has none, and its entities could expand without bound or name other "
            "files; remove the DOCTYPE",
            parser.CurrentLineNumber,
        )

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise _Refused(f"is nested too deeply (over {MAX_DEPTH} levels); it is not an ELM document", None)
        signed[0] = signed[0] or name == _SIGNATURE
        element = _Element(_local(name), {_local(k): v for k, v in attrs.items()}, parser.CurrentLineNumber)
        (stack[-1].children if stack else root).append(element)
        stack.append(element)

    def end(_: str) -> None:
        stack.pop()

    def data(chunk: str) -> None:
        if stack:
            stack[-1].text.append(chunk)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        message = (
            f"is not well-formed XML: {expat.errors.messages[exc.code]} at line {exc.lineno} column {exc.offset + 1}"
        )
        raise _Refused(f"{message}; fix it there", exc.lineno) from None
    return root[0], signed[0]


class _Converter:
    def __init__(self) -> None:
        self.tables = _tables()
        self.lines: dict[Path, int] = {}
        self.signatures: list[Path] = []

    def name(self, element: _Element) -> str:
        return self.tables.renames.get(element.name, element.name)

    def language(self, element: _Element) -> str | None:
        if element.children:
            return None
        for attr in self.tables.language_attributes:
            if attr in element.attrs:
                return element.attrs[attr]
        return None

    def text(self, element: _Element) -> dict[str, str]:
        return {"@language": self.language(element) or "", "@value": "".join(element.text).strip()}

    def value(self, element: _Element, path: Path, parent: str = "") -> Any:
        self.lines[path] = element.line
        if element.name == "Signature":
            self.signatures.append(path)
        attrs, children = element.attrs, element.children
        if "idref" in attrs:
            return {"id": attrs["idref"]}
        if self.language(element) is not None:
            return self.text(element)
        texts = self.tables.text_elements
        if children and all(c.name in texts and self.language(c) is not None for c in children):  # a language map
            for i, child in enumerate(children):
                self.lines[(*path, i)] = child.line
            return [self.text(c) for c in children]
        names = {self.name(c) for c in children}
        if children and len(names) == 1 and names <= self.tables.listed and not attrs.keys() - {"id"}:
            return [self.value(c, (*path, i)) for i, c in enumerate(children)]
        ident = attrs.get("id") or attrs.get("uri")
        if not children:
            content = "".join(element.text).strip()
            return content if content or not ident else {"id": ident}
        out: dict[str, Any] = {}
        if ident:
            out["id"] = ident
        if parent.endswith("References"):
            kind = element.name
            out["type"] = self.tables.classes.get(kind, kind[:1].upper() + kind[1:])
        groups: dict[str, list[_Element]] = {}
        for child in children:
            groups.setdefault(self.name(child), []).append(child)
        for key, group in groups.items():
            at = (*path, key)
            if len(group) == 1:
                out[key] = self.value(group[0], at, element.name)
            else:
                self.lines[at] = group[0].line
                out[key] = [self.value(c, (*at, i), element.name) for i, c in enumerate(group)]
        return out


def looks_like_xml(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith("<")


def read(text: str, source: str) -> XmlDocument | ParsedFile:
    """The document, or a located refusal: too big, a DOCTYPE, too deep or not well-formed."""
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        return fail(source, f"is {size:,} bytes, over the {MAX_BYTES:,}-byte limit; split it into smaller files")
    try:
        root, signed = _tree(text.lstrip("\ufeff"))
    except _Refused as exc:
        return fail(source, str(exc), exc.line)
    converter = _Converter()
    data = converter.value(root, ())
    if not isinstance(data, dict):
        return fail(source, f"has only a <{root.name}> element with no content; it is not an ELM document")
    data.setdefault("type", root.name[:1].upper() + root.name[1:])
    warnings: list[tuple[Path, str]] = []
    if signed:
        where = converter.signatures[0] if converter.signatures else ()
        warnings.append((where, "the file carries an XML signature; it is not verified, the content is read as it is"))
    return XmlDocument(data, converter.lines, tuple(warnings))
