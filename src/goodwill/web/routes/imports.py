"""Imports: upload an export, watch it being imported, read the summary and the history,
and, on a store that has none, say which accounts are the owner's.

The upload is imported in the background (:mod:`goodwill.web.import_jobs`); its page
polls a small fragment through htmx until the job ends, and works without script too
(a link reloads it). Every route here takes requests no larger than the upload limit
(:mod:`goodwill.web.uploads`), checked before the body is read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from goodwill.errors import UnknownSourceError
from goodwill.events import now_us
from goodwill.ledger import Ledger
from goodwill.ledger.people import set_owner
from goodwill.web.deps import AtDep, LedgerDep, Moment, UserDep
from goodwill.web.import_jobs import DETECT, file_sources, jobs_of
from goodwill.web.import_views import import_history, owner_state
from goodwill.web.render import link_maker, render
from goodwill.web.uploads import LimitedUploadRoute, save_upload, upload_limit
from goodwill.web.warm import wake_warmer

router = APIRouter(tags=["pages"], include_in_schema=False, route_class=LimitedUploadRoute)
#: How often the job page asks how far the import has come.
POLL_MS = 500
_Search = Annotated[str | None, Query(max_length=200)]


@router.get("/imports")
def imports_page(
    request: Request, ledger: LedgerDep, user: UserDep, at: AtDep, q: _Search = None
) -> Response:
    """The upload form, this server's recent uploads, and the store's import history."""
    jobs = jobs_of(request.app)
    with ledger.read() as conn:
        history = import_history(conn)
        owner = owner_state(conn, q)
    return render(
        request,
        "imports.html",
        at=at.text,
        user=user,
        sources=file_sources(),
        detect=DETECT,
        limit_mb=upload_limit(request.app) / 1024 / 1024,
        running=jobs.running(),
        jobs=jobs.recent(),
        history=history,
        owner=owner if history else None,  # nothing to choose from in an empty store
        q=q,
        back="/imports",
    )


@router.post("/imports")
def start_import(
    request: Request,
    ledger: LedgerDep,
    _user: UserDep,
    file: Annotated[UploadFile | None, File(description="The export to import.")] = None,
    source: Annotated[str, Form(max_length=64)] = DETECT,
    skip_bad: Annotated[bool, Form()] = False,
    at: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Save the upload privately, start importing it, and go to its progress page."""
    if source != DETECT and source not in file_sources():
        raise UnknownSourceError(
            f"unknown source {source!r}; choose one the form lists, or let goodwill detect it"
        )
    if file is None or not file.filename:
        raise HTTPException(status_code=400, detail="choose a file to import, then upload it")
    jobs = jobs_of(request.app)
    jobs.refuse_if_busy()
    saved = save_upload(file.file, file.filename)
    job = jobs.start(ledger, saved, file=file.filename, source=source, skip_bad=skip_bad)
    target = link_maker(at.strip() or None)(f"/imports/jobs/{job}")
    return RedirectResponse(target, status_code=303)


@router.get("/imports/jobs/{job}")
def job_page(
    request: Request, ledger: LedgerDep, user: UserDep, at: AtDep, job: str, q: _Search = None
) -> Response:
    """One upload's import: its progress while it runs, then its summary or its error."""
    return _render_job(request, ledger, user, at, job, template="import_job.html", q=q)


@router.get("/imports/jobs/{job}/progress")
def job_progress(
    request: Request, ledger: LedgerDep, user: UserDep, at: AtDep, job: str
) -> Response:
    """The job page's live part alone, for htmx to swap in; without polling once it ends."""
    return _render_job(request, ledger, user, at, job, template="_import_progress.html", q=None)


def _render_job(
    request: Request,
    ledger: Ledger,
    user: str,
    at: Moment,
    job: str,
    *,
    template: str,
    q: str | None,
) -> Response:
    """Render ``template`` for one upload's import: the whole page or its live fragment
    share the lookup, and, once the job is complete, the owner's choice of accounts
    (searched by ``q``) so the page can ask which are theirs."""
    found = jobs_of(request.app).get(job)
    with ledger.read() as conn:
        owner = owner_state(conn, q) if found.status == "complete" else None
    return render(
        request, template, at=at.text, user=user, job=found, owner=owner, q=q,
        back=f"/imports/jobs/{job}", poll_ms=POLL_MS,
    )  # fmt: skip


@router.post("/imports/owner")
def record_owner(
    request: Request,
    ledger: LedgerDep,
    _user: UserDep,
    handle: Annotated[list[str] | None, Form()] = None,
    at: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Record the ticked accounts as the owner's (one person), then open the dashboard."""
    if not handle:
        raise HTTPException(
            status_code=400,
            detail="tick at least one of the accounts that are yours, then record them",
        )
    with ledger.write() as conn:
        set_owner(conn, list(dict.fromkeys(handle)), now_us=now_us())
    wake_warmer(request.app)
    return RedirectResponse(link_maker(at.strip() or None)("/"), status_code=303)
