"""Dossier routes: the one-stop system opens dossiers and moves their status (idempotently: the
same request twice changes nothing), officers reuse stored documents for a dossier's
components, results are added as signed PDFs. Faces only: the work is in
``sohoa.pipeline.dossierdesk``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from sohoa.api.deps import get_caller, get_purpose
from sohoa.api.schemas import ERRORS
from sohoa.errors import ConfigError
from sohoa.pipeline.dossierdesk import Desk, recorded_moment
from sohoa.pipeline.lookup import Caller
from sohoa.pipeline.settings import Settings, load_settings

CallerDep = Annotated[Caller, Depends(get_caller)]
PurposeDep = Annotated[str | None, Depends(get_purpose)]


class _Strict(BaseModel):
    """A request body whose unknown fields are refused, named: a misspelt field silently
    dropped takes its default — "received" for "received_at" recorded the arrival moment as
    the receipt, which the one-stop system then cannot correct (tester13 F20)."""

    model_config = ConfigDict(extra="forbid")


class Opening(_Strict):
    """A dossier as the one-stop system received it."""

    code: str = Field(description="Mã hồ sơ, <agency>-<YYMMDD>-<NNNN>")
    procedure: str = Field(description="Mã TTHC (GET /procedures)")
    owner: str = Field(description="The applicant's personal ID or organization code")
    unit: str = Field(description="The receiving unit's code")
    received_at: datetime = Field(
        description="When the one-stop system received it, ISO 8601 with offset (required: "
                    "the receipt is its fact, and it sets the appointment, the waiting and "
                    "processing times and the period the dossier counts in)")
    channel: str = Field("counter", description="counter | postal | online")
    appointment_date: date | None = Field(
        None, description="Default: the procedure's processing days after reception")

class StatusChange(_Strict):
    status: str = Field(description="queued | received | processing | supplement | "
                                    "resolved | returned | rejected")
    at: datetime | None = Field(None, description="ISO 8601 with offset; default: now")
    note: str | None = None
    correct: bool = Field(False, description="Move the recorded `returned` step (only that "
                                             "final step, while it is the current one) to "
                                             "`at` (a mistyped moment); needs `reason`, not "
                                             "`note`")
    reason: str | None = Field(None, description="Why the moment is corrected (audited; only "
                                                 "with `correct`)")

class ReuseRequest(_Strict):
    document_id: str
    component: str | None = Field(
        None, description="Component code or name; default: the first missing one of the "
                          "document's type")
    from_store: bool = Field(False, description="Taken from the owner's data store")


def settings_of(request: Request) -> Settings:
    settings = getattr(request.app.state, "settings", None)
    return settings if settings is not None else load_settings()


def desk(request: Request) -> Desk:
    return Desk(request.app.state.reader.archive, settings_of(request))


DeskDep = Annotated[Desk, Depends(desk)]


def install(app: FastAPI) -> None:
    @app.get("/procedures", tags=["dossiers"])
    def procedures(request: Request, caller: CallerDep) -> list[dict[str, Any]]:
        """The procedure catalogue: components, result type, paper result, processing days."""
        from sohoa.pipeline.dossierdesk import catalogue

        return [p.to_json() for p in catalogue(settings_of(request))]

    @app.post("/dossiers", responses={**ERRORS, 201: {"description": "Opened"},
                                      200: {"description": "Already open; nothing changed"}},
              tags=["dossiers"])
    def open_dossier(body: Opening, desk: DeskDep, caller: CallerDep) -> JSONResponse:
        """Open a dossier (integrator, desk, officer, admin). The same opening twice changes
        nothing (200); different facts for an open dossier are refused (400)."""
        state, changed = desk.open(caller, body.code, procedure=body.procedure,
                                   owner=body.owner, unit=body.unit, received=body.received_at,
                                   channel=body.channel, appointment=body.appointment_date)
        return JSONResponse({**state.to_json(), "changed": changed},
                            status_code=201 if changed else 200)

    @app.get("/dossiers", responses=ERRORS, tags=["dossiers"])
    def list_dossiers(
        desk: DeskDep, caller: CallerDep,
        unit: Annotated[str | None, Query()] = None,
        date_from: Annotated[date | None, Query(alias="from")] = None,
        date_to: Annotated[date | None, Query(alias="to")] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> list[dict[str, Any]]:
        """Dossiers received in a period (local days), newest first."""
        return desk.listing(caller, unit=unit, date_from=date_from, date_to=date_to,
                            limit=limit)

    @app.get("/dossiers/{code}", responses=ERRORS, tags=["dossiers"])
    def show_dossier(code: str, desk: DeskDep, caller: CallerDep,
                     purpose: PurposeDep) -> dict[str, Any]:
        """A dossier: components and how each was satisfied, results, status history."""
        return desk.show(caller, purpose, code).to_json()

    @app.post("/dossiers/{code}/status", responses=ERRORS, tags=["dossiers"])
    def dossier_status(code: str, body: StatusChange, desk: DeskDep,
                       caller: CallerDep) -> dict[str, Any]:
        """Record a status change; the same change (same status and `at`) twice changes
        nothing (`changed: false`), nor does a once-only step (received, resolved, rejected,
        returned) sent again at another moment or the same step minutes later: then
        `recorded_at` is the moment kept, which may differ from the `at` sent."""
        if body.correct:  # the desk's `dossier status … --correct`, the same rules
            if body.at is None:
                raise ConfigError("'correct' cần 'at': thời điểm đúng của bước này")
            if body.note:
                raise ConfigError("'note' không dùng với 'correct': lý do sửa ghi ở 'reason'")
            state, old, changed = desk.correct_moment(caller, code, body.status, at=body.at,
                                                      reason=body.reason or "")
            return {**state.to_json(), "changed": changed, "corrected_from": old.isoformat()}
        if body.reason:
            raise ConfigError("reason chỉ dùng với correct")
        state, changed = desk.status(caller, code, body.status, at=body.at, note=body.note)
        if changed:
            return {**state.to_json(), "changed": True}
        # taken for a resend: the moment kept, as the desk's CLI prints it (review11b L4)
        kept = recorded_moment(state, body.status, body.at)
        return {**state.to_json(), "changed": False,
                "recorded_at": kept.isoformat() if kept is not None else None}

    @app.post("/dossiers/{code}/reuse", responses=ERRORS, tags=["dossiers"])
    def dossier_reuse(code: str, body: ReuseRequest, desk: DeskDep, caller: CallerDep,
                      purpose: PurposeDep) -> dict[str, Any]:
        """Reuse an already stored, still valid document of the applicant for a component
        (officers, archivists, admins). Another owner's, an expired or a disposed document is
        refused (409) and nothing changes; audited with the caller and the purpose."""
        comp, changed = desk.reuse(caller, purpose, code, body.document_id,
                                   component=body.component, from_store=body.from_store)
        return {"dossier": code.strip(), "component": comp.code, "name": comp.name,
                "document_id": comp.document_id, "satisfied": comp.satisfied,
                "digitization_code": comp.digitization_code, "changed": changed}

    @app.post("/dossiers/{code}/results", responses=ERRORS, tags=["dossiers"])
    def dossier_result(code: str, desk: DeskDep, caller: CallerDep,
                       pdf: Annotated[bytes, Body(media_type="application/pdf")]
                       ) -> dict[str, Any]:
        """Add the dossier's result: a signed PDF, verified and stored as is (a paper result
        is digitized at the desk: `sohoa result add CODE FILE --scanned`)."""
        return desk.add_result(caller, code, pdf)
