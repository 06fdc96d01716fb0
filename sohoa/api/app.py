"""Routes. Each one authenticates the caller, takes the purpose, and calls the Reader."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse, Response

from sohoa import __version__
from sohoa.api import errors, web
from sohoa.api.deps import (
    CallerDep,
    PurposeDep,
    ReaderDep,
)
from sohoa.api.docs import install as install_docs
from sohoa.api.schemas import ERRORS, Health, ReuseAnswer, SearchAnswer
from sohoa.api.sync_contract import install_webhooks
from sohoa.clock import vietnam_today
from sohoa.pipeline.lookup import REUSE_MAX_PAGE, REUSE_PAGE, Reader
from sohoa.pipeline.settings import Settings

PAGE = Path(__file__).with_name("static") / "officers.html"
DESCRIPTION = """\
The electronic data store of the one-stop-shop desks: reuse lookups ("what does owner X already
hold that is still valid?"), full-text search (accent-insensitive Vietnamese), document metadata
and signed PDFs.

Every call except `/health` needs `Authorization: Bearer <token>` (made by an admin with
`sohoa tokens add`). Every read of personal data states its **purpose** — the dossier code being
handled, for example — as the `purpose` query parameter or the `X-Purpose` header
(percent-encoded UTF-8 allowed); it is written to the hash-chained access log with who asked,
when, about which owner or document, and how many results were returned.
"""


def create_app(settings: Settings | None = None, *, reader: Reader | None = None) -> FastAPI:
    """The app over one archive, opened once at startup (from ``settings``) and closed at
    shutdown; or over a ``reader`` the caller opened and will close."""
    if (settings is None) == (reader is None):
        raise ValueError("give settings or a reader")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if reader is not None:
            app.state.reader = reader
            yield
            return
        assert settings is not None
        opened = Reader.open(settings)
        app.state.reader = opened
        try:
            yield
        finally:
            opened.close()

    # Swagger UI and ReDoc load their scripts from a CDN; /docs is a page of our own instead.
    app = FastAPI(title="sohoa", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    errors.install(app)
    _routes(app)
    from sohoa.api import dossiers

    dossiers.install(app)
    install_docs(app)
    web.install(app)
    install_webhooks(app)  # the events `sohoa sync` sends, for integrators to code against
    return app




def _routes(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(PAGE.read_text(encoding="utf-8"))

    @app.get("/health", response_model=Health, tags=["service"])
    def health(reader: ReaderDep) -> dict[str, Any]:  # sync: reads the catalog
        """Is the archive answering? No token needed, no personal data."""
        return reader.health()

    @app.get("/owners/{owner_id}/documents", response_model=ReuseAnswer, responses=ERRORS,
             tags=["reuse"])
    def owner_documents(
        owner_id: str, reader: ReaderDep, caller: CallerDep, purpose: PurposeDep,
        type: Annotated[str | None, Query(description="Only this document type")] = None,
        valid_on: Annotated[date | None, Query(description="Default: today")] = None,
        limit: Annotated[int, Query(ge=1, le=REUSE_MAX_PAGE,
                                    description="Documents per page")] = REUSE_PAGE,
        after: Annotated[str | None, Query(
            description="The `next` of the previous page; omit for the first page")] = None,
    ) -> dict[str, Any]:
        """The owner's documents still valid on ``valid_on``, newest first, a page at a time
        (a reuse lookup: officers, archivists and admins of any unit). A paper waiting for
        review is not listed: its owner may be only proposed."""
        day = valid_on or vietnam_today()
        page = reader.reuse(caller, purpose, owner_id, doc_type=type or None, valid_on=day,
                            limit=limit, after=after or None)
        return {"owner_id": owner_id.strip(), "valid_on": day.isoformat(), "type": type,
                "count": len(page.documents), "documents": page.documents, "next": page.next}

    @app.get("/search", response_model=SearchAnswer, responses=ERRORS, tags=["search"])
    def search(
        reader: ReaderDep, caller: CallerDep, purpose: PurposeDep,
        q: Annotated[str, Query(description='Words, or "a phrase"; accent-insensitive')] = "",
        owner: Annotated[str | None, Query(description="Citizen ID / enterprise code")] = None,
        type: Annotated[str | None, Query(description="Document type")] = None,
        unit: Annotated[str | None, Query(description="Receiving unit")] = None,
        date_from: Annotated[date | None, Query(alias="from", description="Issued on or after")
                             ] = None,
        date_to: Annotated[date | None, Query(alias="to", description="Issued on or before")
                           ] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
    ) -> dict[str, Any]:
        """Full-text search with highlighted snippets."""
        hits = reader.search(caller, purpose, q, owner=owner, doc_type=type or None,
                             unit=unit or None, date_from=date_from, date_to=date_to,
                             limit=limit)
        return {"query": q, "count": len(hits), "hits": hits}

    @app.get("/documents/{document_id}", responses=ERRORS, tags=["documents"])
    def document(document_id: str, reader: ReaderDep, caller: CallerDep,
                 purpose: PurposeDep) -> dict[str, Any]:
        """All metadata of one document: fields, archival metadata (TT 02/2019), pages with
        provenance, signature summary, recognized text."""
        return reader.show(caller, purpose, document_id)

    @app.get("/documents/{document_id}/pdf", responses={
        **ERRORS, 200: {"content": {"application/pdf": {}}, "description": "The signed PDF"}},
        response_class=Response, tags=["documents"])
    def document_pdf(document_id: str, reader: ReaderDep, caller: CallerDep,
                     purpose: PurposeDep) -> Response:
        """The signed archival PDF (PDF/A, PAdES)."""
        pdf = reader.get_pdf(caller, purpose, document_id)
        return Response(pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{document_id.strip()}.pdf"',
            "Cache-Control": "no-store"})
