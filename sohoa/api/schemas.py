"""Response shapes, for the OpenAPI document (what integrators code against)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Signature(BaseModel):
    level: str | None = None
    signer: str | None = None


class CertifiedCopyLine(BaseModel):
    number: int | None = Field(None, description="Số chứng thực in the unit's register")
    book: str | None = Field(None, description="Quyển số, e.g. 01/2026-SCT/BS")
    unit: str | None = None
    certified_on: str | None = Field(None, description="YYYY-MM-DD: the certification's day")
    original: str | None = Field(None, description="The paper it was copied from "
                                                   "(document:<id> or the file)")


class ReuseDocument(BaseModel):
    document_id: str
    doc_type: str
    title: str
    document_number: str | None = None
    issuing_body: str | None = None
    issue_date: str | None = Field(None, description="YYYY-MM-DD")
    valid_until: str | None = Field(None, description="YYYY-MM-DD; null = does not expire")
    signature: Signature | None = None
    needs_review: bool
    paper_form: str = Field(
        "digitized_copy", description="original: the issuer's electronic original; "
        "certified_copy: an electronic copy certified from the original (Nghị định 23/2015; "
        "issue_date is then the certification's day); digitized_copy: a scan of a paper")
    certified_copy: CertifiedCopyLine | None = None


class ReuseAnswer(BaseModel):
    owner_id: str
    valid_on: str
    type: str | None = None
    count: int = Field(description="Documents on this page")
    documents: list[ReuseDocument]
    next: str | None = Field(
        None, description="More documents follow: pass this as `after` for the next page")


class SearchHit(BaseModel):
    document_id: str
    score: float
    doc_type: str
    title: str
    owner_id: str | None = None
    dossier_code: str | None = None
    issue_date: str | None = None
    snippet: str = Field(description="HTML-escaped text with matches in <b>…</b>, diacritics kept")


class SearchAnswer(BaseModel):
    query: str
    count: int
    hits: list[SearchHit]


class Health(BaseModel):
    status: str
    version: str
    search_pending: int


class ErrorDetail(BaseModel):
    code: str
    message: str = Field(description="What happened and what to do, for the clerk")


class ErrorBody(BaseModel):
    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad request (e.g. no purpose given)"},
    401: {"model": ErrorBody, "description": "No valid API token"},
    403: {"model": ErrorBody, "description": "The token's role or unit does not allow this"},
    404: {"model": ErrorBody, "description": "Not in the archive"},
    503: {"model": ErrorBody, "description": "Catalog or search index unavailable"},
}
