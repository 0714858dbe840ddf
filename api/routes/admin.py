"""Admin endpoints: catalog import (all-or-nothing, same validation as the CLI), credential edits, index rebuild,
and the catalog's completeness against the EU standard elements."""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path as FilePath
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from api.auth import AdminCaller
from api.deps import RuntimeDep, ServiceDep
from api.errors import Problem
from knowledge.catalog import ImportResult, import_report, validate_parsed, validate_text
from knowledge.completeness import ELEMENTS, completeness
from knowledge.formats import FORMATS, ParsedFile, mapped
from knowledge.schema import CredentialRecord
from knowledge.validation import Issue, Severity, ValidationReport
from recommender.watch import IndexWatcher

router = APIRouter(prefix="/v1", tags=["admin"])


class CredentialBody(CredentialRecord):
    """A credential as in the native catalog file; the id in the path wins over any id in the body."""

    id: str | None = None  # type: ignore[assignment]


class IssueOut(BaseModel):
    severity: str
    text: str
    message: str
    source: str | None
    line: int | None
    pointer: str | None
    field: str | None


class ImportOut(BaseModel):
    imported: bool
    revision: int | None
    credentials: int
    errors: list[IssueOut]
    warnings: list[IssueOut]
    index: str


class IndexStatus(BaseModel):
    state: Literal["idle", "building", "failed"]
    started_at: float | None
    finished_at: float | None
    error: str | None
    progress: int
    total: int
    manifest: dict[str, Any] | None
    version: str | None = None
    reload_error: str | None = None


class Rebuilder:
    """One background rebuild at a time; readers keep using the live index until the atomic swap."""

    def __init__(self) -> None:
        self.state: Literal["idle", "building", "failed"] = "idle"
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.error: str | None = None
        self.progress = 0
        self.total = 0
        self._lock = threading.Lock()

    def start(self, service: ServiceDep) -> bool:
        with self._lock:
            if self.state == "building":
                return False
            self.state, self.started_at, self.finished_at, self.error, self.progress = (
                "building",
                time.time(),
                None,
                None,
                0,
            )
        catalog = service.source_catalog()
        self.total = sum(len(c.learning_outcomes) + 2 for c in catalog)

        def tick(n: int) -> None:
            self.progress = min(self.total, self.progress + n)

        def run() -> None:
            try:
                service.rebuild(catalog, tick)
                self.state = "idle"
            except Exception as exc:  # reported through GET /v1/index
                self.state, self.error = "failed", f"{exc.__class__.__name__}: {exc}"
            finally:
                self.progress = self.total if self.state == "idle" else self.progress
                self.finished_at = time.time()

        threading.Thread(target=run, name="index-rebuild", daemon=True).start()
        return True

    def status(self, service: ServiceDep, watcher: IndexWatcher | None = None) -> IndexStatus:
        from dataclasses import asdict

        manifest = asdict(service.index.manifest) if service.loaded else None
        return IndexStatus(
            state=self.state,
            started_at=self.started_at,
            finished_at=self.finished_at,
            error=self.error,
            progress=self.progress,
            total=self.total,
            manifest=manifest,
            version=service.version if service.loaded else None,
            reload_error=watcher.last_error if watcher is not None else None,
        )


def _import_response(result: ImportResult, index_state: str) -> Response:
    """200 with the report when written; when nothing was, a 422 problem document listing every error."""
    report = result.report
    if not result.written:
        raise Problem(
            422,
            "Invalid catalog",
            f"{len(report.errors)} error(s); nothing was imported. Fix them and send the file again.",
            "https://stackwise.example/problems/invalid-catalog",
            errors=[_issue(i).model_dump() for i in report.errors],
            warnings=[_issue(i).model_dump() for i in report.warnings],
        )
    body = ImportOut(
        imported=result.written,
        revision=result.revision,
        credentials=len(report.catalog),
        errors=[_issue(i) for i in report.errors],
        warnings=[_issue(i) for i in report.warnings],
        index=index_state,
    )
    return Response(body.model_dump_json(), media_type="application/json")


def _issue(i: Any) -> IssueOut:
    d = i.to_dict()
    return IssueOut(**{k: d.get(k) for k in IssueOut.model_fields})


@router.post(
    "/catalog/import",
    response_model=ImportOut,
    summary="Import a catalog file (JSON, YAML, CSV, Open Badges 3.0 or ELM v3 JSON-LD)",
)
async def import_catalog(
    request: Request,
    runtime: RuntimeDep,
    service: ServiceDep,
    _: AdminCaller,
    format: Annotated[Literal["json", "yaml", "csv", "ob3", "elm"], Query(description=f"One of {', '.join(FORMATS)}")],
    replace: bool = False,
    filename: Annotated[str, Query(max_length=200)] = "upload",
) -> Response:
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem(422, "Invalid file", "The file is not UTF-8 text; save it as UTF-8 and upload again.") from None
    vocabulary, _problem = runtime.vocabulary_or_none()
    context = None if replace else runtime.store.load()
    return _write(
        request,
        runtime,
        service,
        validate_text(text, format, filename, vocabulary, context, runtime.jsonld_contexts),
        replace,
    )


def _write(
    request: Request, runtime: RuntimeDep, service: ServiceDep, report: ValidationReport, replace: bool
) -> Response:
    """An import's end: all or nothing into the store, then the index rebuilt in the background."""
    result = import_report(runtime.store, report, replace)
    index_state = "unchanged"
    if result.written:
        index_state = "rebuilding" if request.app.state.rebuilder.start(service) else "rebuild already running"
    return _import_response(result, index_state)


def _upload_name(upload: UploadFile, part: str) -> str:
    """The uploaded file's own name, without any folder: the reader goes by its extension, errors point at it."""
    name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
    if name in ("", ".", "..") or not name.isprintable() or len(name.encode("utf-8", "replace")) > 200:
        raise Problem(
            422, "Invalid upload", f"Send the {part} part as a file with its name, e.g. curl -F {part}=@courses.csv."
        )
    return name


async def _mapped_files(
    root: FilePath, source: FilePath, loaded: mapped.LoadedMapping, joins: list[UploadFile]
) -> tuple[Issue, ...]:
    """Puts each join file the mapping names beside the records file; what is missing or not named is an error."""
    sent = {_upload_name(upload, "join"): upload for upload in joins}
    issues: list[Issue] = []
    for i, join in enumerate(loaded.mapping.join):
        name = PurePosixPath(join.file).name
        target = (source.parent / join.file).resolve()
        line = loaded.line("join", i)
        if name not in sent:
            message = f"names {join.file}, which was not sent; add it to the request (-F join=@{name})"
            issues.append(Issue(Severity.ERROR, message, loaded.source, line, field="join"))
        elif not target.is_relative_to(root) or target == source.resolve():
            message = f"{join.file} must name another file beside the records file (file: {name})"
            issues.append(Issue(Severity.ERROR, message, loaded.source, line, field="join"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(await sent[name].read())
            await sent[name].seek(0)  # a file the mapping joins twice
    named = {PurePosixPath(j.file).name for j in loaded.mapping.join}
    for name in sent.keys() - named:
        message = "is not a file the mapping's join names; leave it out or fix its name"
        issues.append(Issue(Severity.ERROR, message, name))
    return tuple(issues)


@router.post(
    "/catalog/import-mapped",
    response_model=ImportOut,
    summary="Import a provider's own JSON, JSONL, CSV or TSV catalog through a mapping file (multipart upload)",
)
async def import_mapped(
    request: Request,
    runtime: RuntimeDep,
    service: ServiceDep,
    _: AdminCaller,
    file: Annotated[UploadFile, File(description="The provider's records file (.json, .jsonl, .csv or .tsv).")],
    mapping: Annotated[UploadFile, File(description="The mapping file (YAML; README: Other catalogs).")],
    join: Annotated[
        list[UploadFile] | None, File(description="Each file the mapping's join names, matched by file name.")
    ] = None,
    replace: bool = False,
) -> Response:
    """The same validation, all-or-nothing write and index rebuild as POST /v1/catalog/import."""
    source_name, mapping_name = _upload_name(file, "file"), _upload_name(mapping, "mapping")
    with tempfile.TemporaryDirectory(prefix="stackwise-import-") as folder:
        root = FilePath(folder).resolve()
        source, mapping_path = root / "records" / source_name, root / "mapping" / mapping_name
        for path, upload in ((source, file), (mapping_path, mapping)):
            path.parent.mkdir()
            path.write_bytes(await upload.read())
        loaded, issues = mapped.load_mapping(mapping_path)
        if loaded is not None:
            issues = await _mapped_files(root / "records", source, loaded, join or [])
        parsed = mapped.read_with(source, loaded) if loaded is not None and not issues else ParsedFile((), issues)
    vocabulary, _problem = runtime.vocabulary_or_none()
    context = None if replace else runtime.store.load()
    return _write(request, runtime, service, validate_parsed(parsed, vocabulary, context), replace)


class ElementOut(BaseModel):
    name: str
    label: str
    mandatory: bool = Field(description="Mandatory under Annex I of the Council Recommendation (2022/C 243/02).")


class ProviderCompletenessOut(BaseModel):
    provider: str
    name: str
    credentials: int
    complete: int = Field(description="Credentials that state every mandatory element.")
    missing: dict[str, int] = Field(description="Element name -> how many of its credentials lack it.")


class CompletenessOut(BaseModel):
    elements: list[ElementOut]
    providers: list[ProviderCompletenessOut] = Field(
        description="Providers with the most incomplete credentials first."
    )


@router.get(
    "/catalog/completeness",
    response_model=CompletenessOut,
    summary="Per provider, which EU standard elements its credentials leave out and how often",
)
def catalog_completeness(service: ServiceDep, _: AdminCaller) -> CompletenessOut:
    return CompletenessOut(
        elements=[ElementOut(name=e.name, label=e.label, mandatory=e.mandatory) for e in ELEMENTS],
        providers=[
            ProviderCompletenessOut(
                provider=r.provider, name=r.name, credentials=r.credentials, complete=r.complete, missing=r.missing
            )
            for r in completeness(service.catalog)
        ],
    )


@router.put("/credentials/{credential_id}", response_model=ImportOut, summary="Create or replace one credential")
def put_credential(
    credential_id: str, body: CredentialBody, runtime: RuntimeDep, service: ServiceDep, _: AdminCaller
) -> Response:
    import json

    document = {"credentials": [{**body.model_dump(mode="json", exclude_none=True), "id": credential_id}]}
    vocabulary, _problem = runtime.vocabulary_or_none()
    report = validate_text(
        json.dumps(document), "json", f"credential {credential_id}", vocabulary, runtime.store.load()
    )
    result = import_report(runtime.store, report, replace=False)
    if result.written:  # re-embeds only this credential's changed text, then swaps atomically
        service.rebuild(runtime.store.load())
    return _import_response(result, "updated" if result.written else "unchanged")


@router.delete("/credentials/{credential_id}", status_code=204, summary="Remove a credential from the catalog")
def delete_credential(credential_id: str, runtime: RuntimeDep, service: ServiceDep, _: AdminCaller) -> Response:
    catalog = runtime.store.load()
    dependants = [c.id for c in catalog if credential_id in c.prerequisites.credentials]
    if dependants:
        raise Problem(409, "Conflict", f"{', '.join(dependants)} require {credential_id}; change them first.")
    if not runtime.store.delete_credential(credential_id):
        raise Problem(404, "Not found", f"No credential with id {credential_id!r}.")
    service.rebuild(runtime.store.load())
    return Response(status_code=204)


@router.post(
    "/index/rebuild", response_model=IndexStatus, status_code=202, summary="Rebuild the index in the background"
)
def rebuild(request: Request, service: ServiceDep, _: AdminCaller) -> IndexStatus:
    rebuilder: Rebuilder = request.app.state.rebuilder
    if not rebuilder.start(service):
        raise Problem(409, "Conflict", "A rebuild is already running; watch GET /v1/index.")
    return rebuilder.status(service)


@router.get("/index", response_model=IndexStatus, summary="Index status and manifest")
def index_status(request: Request, service: ServiceDep, _: AdminCaller) -> IndexStatus:
    status: IndexStatus = request.app.state.rebuilder.status(service, getattr(request.app.state, "index_watcher", None))
    return status
