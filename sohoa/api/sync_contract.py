"""The contract of outgoing events (``sohoa sync``): what a receiver — the province's one-stop
system, its data-integration platform (LGSP/NDXP), a citizen-store connector — gets.

Every event is ``POST``-ed as ``application/json; charset=utf-8`` with the headers
``Idempotency-Key`` (= ``event_id``, the same on every attempt: apply it once),
``X-Sohoa-Event`` (= ``event_type``) and, when a secret is shared, ``X-Sohoa-Signature:
sha256=<hex HMAC-SHA256 of the raw body>``. Answer 2xx once the event is applied (or was
applied before under the same key); 4xx other than 408/429 refuses it for good (sohoa keeps
your answer for the operator); anything else is retried later, after your ``Retry-After`` if
you send one. The events of one dossier (``MaHoSo``) come in order, numbered by ``sequence``
from 1, each only once the one before was accepted.

Field names follow the national portal and provincial one-stop systems where they have one
(``MaHoSo``, ``MaTTHC``, ``MaGiayTo``, ``MaDinhDanh``, ``SoKyHieu``, ``NgayBanHanh``,
``TrangThaiHoSo``, ``MaThanhPhanHoSo``, ``DuocTaiSuDung``…); sohoa's own identifiers keep
English names (``document_id``, ``pdf_sha256``).

These models are the single source: the OpenAPI document lists them as webhooks, and
``docs/sync-events.schema.json`` is generated from them (``python -m sohoa.api.sync_contract``;
a test checks that the file is current).
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

SHA256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
DOSSIER = "H19.22-241105-0042"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignatureInfo(_Strict):
    level: str = Field(description="PAdES level: B-B, B-T, B-LT, B-LTA")
    signer: str = Field(description="Who signed (the certificate's subject name)")
    signed_at: datetime | None = None


class DocumentStoredData(_Strict):
    """A digitized paper (TT 01/2023/TT-VPCP Điều 9–10).

    The paper's whole record as the catalog holds it: keep the last one per ``document_id``.
    It is sent when the paper is stored, and again when a review changes what it says (the
    owner confirmed or corrected, a field, the type). A paper whose owner is only proposed (a
    number read but not confirmed) is not sent until a person has decided: ``MaDinhDanh`` is
    always an owner somebody is sure of, or null."""

    Ma: str | None = Field(description="Mã kết quả số hóa (digitization code), "
                                       "<owner>.<procedure|result>.<component>.<NN>")
    MaHoSo: str = Field(description="Mã hồ sơ")
    MaTTHC: str | None = Field(description="Mã thủ tục hành chính")
    MaGiayTo: str = Field(description="Mã loại giấy tờ (sohoa's document type code)")
    Ten: str = Field(description="Tên giấy tờ")
    MaDinhDanh: str | None = Field(description="Số định danh cá nhân / mã định danh tổ chức "
                                               "of the owner (chủ giấy tờ)")
    ChuGiayTo: str | None = Field(description="Tên chủ giấy tờ")
    SoKyHieu: str | None = Field(description="Số, ký hiệu")
    NgayBanHanh: date | None = Field(description="Ngày cấp / ban hành")
    CoQuanBanHanh: str | None = Field(description="Cơ quan cấp")
    TrichYeuNoiDung: str | None = Field(
        description="Trích yếu nội dung; an electronic certified copy (Nghị định 23/2015) "
                    "opens it with its marking: 'bản sao điện tử chứng thực từ bản chính; số "
                    "chứng thực N, quyển số …; ngày chứng thực DD/MM/YYYY'. At most 500 "
                    "characters (TT 02/2019): a longer one ends in '…'")
    ThoiHanHieuLuc: date | None = Field(
        description="Thời hạn hiệu lực (null: không thời hạn; chưa rõ khi ThoiHanVinhVien false)")
    ThoiHanVinhVien: bool = Field(
        description="Có giá trị vĩnh viễn (false cho giấy tờ không chứng minh điều gì: tờ khai, "
                    "giấy tiếp nhận hồ sơ, tài liệu chưa phân loại)")
    LoaiSoHoa: Literal[0, 1] = Field(description="0 thành phần hồ sơ, 1 kết quả giải quyết")
    DonVi: str | None = Field(description="Đơn vị số hóa")
    SoTrang: int = Field(ge=0, description="Số trang")
    ThoiGianSoHoa: datetime = Field(description="Thời gian số hóa")
    document_id: str
    pdf_sha256: SHA256
    signature: SignatureInfo | None


class DocumentDisposedData(_Strict):
    """A document destroyed under an approved disposal list: delete every copy."""

    Ma: str | None = Field(description="Mã kết quả số hóa")
    MaHoSo: str
    MaGiayTo: str
    MaDinhDanh: str | None
    document_id: str
    disposal_list: int = Field(description="Số danh mục hủy in sohoa")
    QuyetDinhHuy: str = Field(description="Quyết định hủy (số, ngày) of the head of the agency")


class DocumentReusedData(_Strict):
    """A stored, still valid document used for a component of a dossier instead of a new
    paper (the portal's ``TaiLieuNop[].DuocTaiSuDung``)."""

    MaHoSo: str = Field(description="The dossier that reuses the document")
    MaThanhPhanHoSo: str | None = Field(description="Mã thành phần hồ sơ")
    TenThanhPhanHoSo: str | None = Field(description="Tên thành phần hồ sơ")
    DuocTaiSuDung: Literal[1, 2] = Field(
        description="1 from another dossier's component or the store, 2 from another "
                    "dossier's result")
    DuocLayTuKhoDMQG: Literal[0, 1] = Field(
        description="1: taken from the owner's data store (Kho quản lý dữ liệu điện tử)")
    Ma: str | None = Field(description="Mã kết quả số hóa of the reused document")
    MaDinhDanh: str | None
    document_id: str
    NguoiThucHien: str | None = Field(description="Officer who decided the reuse")
    ThoiGian: datetime


class DossierStatusData(_Strict):
    """A dossier's status moved (received → processing → resolved → returned …)."""

    MaHoSo: str
    MaTTHC: str | None
    TrangThaiHoSo: str = Field(description="Trạng thái hồ sơ (received, processing, resolved, "
                                           "returned, …)")
    TrangThaiTruoc: str | None = Field(description="The status before this change")
    ThoiGian: datetime = Field(description="When the dossier entered this status")
    NgayTiepNhan: datetime | None = Field(description="Ngày tiếp nhận")
    NgayHenTra: date | None = Field(description="Ngày hẹn trả")
    DonVi: str | None = Field(description="Đơn vị tiếp nhận")
    KenhThucHien: str | None = Field(description="Kênh: counter / online / postal")
    MaDinhDanh: str | None = Field(description="The applicant (chủ hồ sơ)")


class DossierStatusCorrectedData(_Strict):
    """The moment of a recorded step was mistyped and is put right (``dossier status …
    --correct``; only ``returned``, the final step). Replace that step's moment ThoiGianCu by
    ThoiGian: this is not a move to a new status and adds no step."""

    MaHoSo: str
    MaTTHC: str | None
    TrangThaiHoSo: str = Field(description="The step whose moment is corrected (returned)")
    ThoiGianCu: datetime = Field(description="The moment recorded before, now replaced")
    ThoiGian: datetime = Field(description="The corrected moment of that step")
    LyDo: str = Field(description="Why it was corrected (the officer's reason, audited)")


class ResultIssuedData(_Strict):
    """The result of the procedure (kết quả giải quyết TTHC), signed and stored: it goes to
    the portal's ``DanhSachGiayToKetQua`` and the owner's data store.

    A result that is several people's (a marriage certificate is each spouse's: the type's
    ``owner_shared``, every person whose number the paper states) comes once per person, the
    applicant first, each event naming one of them in ``MaDinhDanh`` with the same
    ``document_id`` and ``Ma``: a store files each in that person's store; the portal keeps
    one result per ``document_id`` (the later events only add owners)."""

    MaHoSo: str
    MaTTHC: str | None
    Ma: str | None = Field(description="Mã kết quả số hóa")
    MaGiayToKetQua: str | None = Field(description="Mã loại kết quả (CSDL quốc gia về TTHC)")
    TenGiayTo: str
    SoKyHieu: str | None
    NgayBanHanh: date | None
    CoQuanBanHanh: str | None
    ThoiHanHieuLuc: date | None
    MaDinhDanh: str | None
    document_id: str
    pdf_sha256: SHA256
    signature: SignatureInfo | None


class _Envelope(_Strict):
    event_id: str = Field(pattern=r"^[0-9a-f-]{36}$",
                          description="Also the Idempotency-Key header: apply it once")
    sequence: int = Field(ge=1, description="Number of this event among its dossier's events, "
                                            "from 1, in the order they happened")
    occurred_at: datetime
    MaHoSo: str = Field(description="Mã hồ sơ: the dossier the event belongs to")


class DocumentStored(_Envelope):
    event_type: Literal["document.stored"]
    data: DocumentStoredData


class DocumentDisposed(_Envelope):
    event_type: Literal["document.disposed"]
    data: DocumentDisposedData


class DocumentReused(_Envelope):
    event_type: Literal["document.reused"]
    data: DocumentReusedData


class DossierStatusChanged(_Envelope):
    event_type: Literal["dossier.status_changed"]
    data: DossierStatusData


class DossierStatusCorrected(_Envelope):
    event_type: Literal["dossier.status_corrected"]
    data: DossierStatusCorrectedData


class ResultIssued(_Envelope):
    event_type: Literal["result.issued"]
    data: ResultIssuedData


EVENT_MODELS: dict[str, type[_Envelope]] = {
    "document.stored": DocumentStored,
    "document.disposed": DocumentDisposed,
    "document.reused": DocumentReused,
    "dossier.status_changed": DossierStatusChanged,
    "dossier.status_corrected": DossierStatusCorrected,
    "result.issued": ResultIssued,
}

Event = Annotated[DocumentStored | DocumentDisposed | DocumentReused | DossierStatusChanged
                  | DossierStatusCorrected | ResultIssued, Field(discriminator="event_type")]
_EVENT = TypeAdapter(Event)


def validate_event(body: bytes | str) -> _Envelope:
    """Parse and check one event body (pydantic ValidationError if it breaks the contract)."""
    return _EVENT.validate_json(body)  # type: ignore[no-any-return]


_SIG = {"level": "B-LT", "signer": "UBND phường Tân Phong",
        "signed_at": "2026-12-06T02:49:58Z"}
EXAMPLES: dict[str, dict[str, Any]] = {
    "document.stored": {
        "event_id": "6f1c2b1e-4a53-4f0e-9d7e-2b8f0f7f3a10", "event_type": "document.stored",
        "sequence": 1, "occurred_at": "2026-12-06T02:50:00.123456Z", "MaHoSo": DOSSIER,
        "data": {
            "Ma": "075203001234.1.001612.TP1.01", "MaHoSo": DOSSIER,
            "MaTTHC": "1.001612.000.00.00.H19", "MaGiayTo": "birth_certificate",
            "Ten": "GIẤY KHAI SINH", "MaDinhDanh": "075203001234",
            "ChuGiayTo": "Nguyễn Văn An", "SoKyHieu": "125/2024",
            "NgayBanHanh": "2024-03-01", "CoQuanBanHanh": "UBND phường Tân Phong",
            "TrichYeuNoiDung": None, "ThoiHanHieuLuc": None, "ThoiHanVinhVien": True,
            "LoaiSoHoa": 0, "DonVi": "H19.22", "SoTrang": 1,
            "ThoiGianSoHoa": "2026-12-06T02:49:57Z", "document_id": "3f2a9c41d0b7e815",
            "pdf_sha256": "9" * 64, "signature": _SIG}},
    "document.disposed": {
        "event_id": "0b8c3f8e-1d6a-4c57-b1a4-7c1f2d9e8a01", "event_type": "document.disposed",
        "sequence": 2, "occurred_at": "2036-04-01T08:00:00Z", "MaHoSo": DOSSIER,
        "data": {"Ma": "075203001234.1.001612.TP1.01", "MaHoSo": DOSSIER,
                 "MaGiayTo": "birth_certificate", "MaDinhDanh": "075203001234",
                 "document_id": "3f2a9c41d0b7e815", "disposal_list": 7,
                 "QuyetDinhHuy": "Quyết định số 12/QĐ-UBND ngày 25/03/2036"}},
    "document.reused": {
        "event_id": "5a7e2c4d-93b1-4e0f-8f21-6d3c9b0a1e22", "event_type": "document.reused",
        "sequence": 1, "occurred_at": "2026-12-07T01:15:00Z", "MaHoSo": "H19.22-241207-0003",
        "data": {"MaHoSo": "H19.22-241207-0003", "MaThanhPhanHoSo": "TP1",
                 "TenThanhPhanHoSo": "Bản sao Giấy khai sinh", "DuocTaiSuDung": 1,
                 "DuocLayTuKhoDMQG": 0,
                 "Ma": "075203001234.1.001612.TP1.01", "MaDinhDanh": "075203001234",
                 "document_id": "3f2a9c41d0b7e815", "NguoiThucHien": "Trần Thị Bình",
                 "ThoiGian": "2026-12-07T01:15:00Z"}},
    "dossier.status_changed": {
        "event_id": "c2d4e6f8-0a1b-4c3d-9e5f-7a8b9c0d1e2f",
        "event_type": "dossier.status_changed", "sequence": 3,
        "occurred_at": "2026-12-09T07:30:00Z", "MaHoSo": DOSSIER,
        "data": {"MaHoSo": DOSSIER, "MaTTHC": "1.001612.000.00.00.H19",
                 "TrangThaiHoSo": "resolved", "TrangThaiTruoc": "processing",
                 "ThoiGian": "2026-12-09T07:30:00Z", "NgayTiepNhan": "2026-12-06T02:40:00Z",
                 "NgayHenTra": "2026-12-10", "DonVi": "H19.22", "KenhThucHien": "counter",
                 "MaDinhDanh": "075203001234"}},
    "dossier.status_corrected": {
        "event_id": "4b6d8f0a-2c3e-4f5a-8b7c-9d0e1f2a3b4c",
        "event_type": "dossier.status_corrected", "sequence": 6,
        "occurred_at": "2026-12-12T02:00:00Z", "MaHoSo": DOSSIER,
        "data": {"MaHoSo": DOSSIER, "MaTTHC": "1.001612.000.00.00.H19",
                 "TrangThaiHoSo": "returned", "ThoiGianCu": "2026-12-20T07:00:00Z",
                 "ThoiGian": "2026-12-10T07:00:00Z",
                 "LyDo": "nhập nhầm ngày 20 thay vì 10"}},
    "result.issued": {
        "event_id": "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4", "event_type": "result.issued",
        "sequence": 4, "occurred_at": "2026-12-09T07:31:00Z", "MaHoSo": DOSSIER,
        "data": {"MaHoSo": DOSSIER, "MaTTHC": "1.001612.000.00.00.H19",
                 "Ma": "075203001234.KQ001612.1.01", "MaGiayToKetQua": "KQ001612",
                 "TenGiayTo": "Trích lục khai sinh", "SoKyHieu": "88/TLKS",
                 "NgayBanHanh": "2026-12-09", "CoQuanBanHanh": "UBND phường Tân Phong",
                 "ThoiHanHieuLuc": None, "MaDinhDanh": "075203001234",
                 "document_id": "7c1e5a9b3d2f4e60", "pdf_sha256": "a" * 64,
                 "signature": _SIG}},
}

HEADERS = {
    "Idempotency-Key": "The event's event_id; the same on every attempt.",
    "X-Sohoa-Event": "The event_type.",
    "X-Sohoa-Signature": "sha256=<hex HMAC-SHA256 of the raw body with the shared secret> "
                         "(when the target has a secret).",
}


def install_webhooks(app: Any) -> None:
    """List every event in the app's OpenAPI document (``webhooks``, OpenAPI 3.1), with its
    schema, headers and an example."""
    from fastapi import Body, Header

    for name, model in EVENT_MODELS.items():
        def receive(body: Any, idempotency_key: Any, x_sohoa_event: Any,
                    x_sohoa_signature: Any = None) -> None:  # pragma: no cover
            """Implemented by the receiver."""

        receive.__annotations__ = {
            "body": Annotated[model, Body()], "idempotency_key": Annotated[str, Header()],
            "x_sohoa_event": Annotated[str, Header()],
            "x_sohoa_signature": Annotated[str | None, Header()], "return": None}
        doc = (model.model_fields["data"].annotation.__doc__ or "").strip()
        app.webhooks.post(
            name, summary=f"{name}: {doc.splitlines()[0] if doc else name}",
            description=(__doc__ or "").strip().split("\n\n")[1],
            openapi_extra={"requestBody": {"content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{model.__name__}"},
                "example": EXAMPLES[name]}}}},
            responses={200: {"description": "Applied (or applied before under this key)"},
                       422: {"description": "Refused for good: kept as a dead letter"},
                       503: {"description": "Try again later (Retry-After honoured)"}},
        )(receive)


def json_schema() -> dict[str, Any]:
    """One JSON Schema document: the event (any type, by ``event_type``) and each type."""
    schema = _EVENT.json_schema(ref_template="#/$defs/{model}")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://sohoa.example/schemas/sync-events.schema.json"
    schema["title"] = "sohoa outgoing event"
    schema["description"] = (__doc__ or "").strip().split("\n\n")[1]
    schema["examples"] = list(EXAMPLES.values())
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # regenerate docs/sync-events.schema.json
    sys.stdout.write(schema_text())
