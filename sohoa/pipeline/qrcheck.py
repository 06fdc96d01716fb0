"""``sohoa verify``'s second question: does the QR code printed on a paper agree with the catalog?

The symbol (``sohoa.pdf.qrmark``) is read back from page 1; the paper it names must exist in the
catalog and every value it states must be the catalog's: a destruction record's list, decision,
counts and time of issue; a KPI report's figures recomputed for its period and scope; an
electronic certified copy's line in the certification register (unit, number, book, owner,
paper, official, time); a printed register's lines up to its last number. A
signature shows that the agency signed these bytes; this check shows that what they say is
what the records say (a record signed by mistake for the wrong list, a report whose figures were
typed over before signing, a symbol pasted from another paper).

A paper whose code names another system, or a kind of paper this system does not issue, cannot
be checked here: that is not a mismatch (a genuine paper of another agency says nothing false),
so it is reported as such (``checkable`` False with the ``reason``, ``sohoa verify`` exit 5, "not
found") and never as a failed verification. A code that names THIS system for a list, copy or
register line the catalog does not hold is a mismatch (exit 4): the symbol was copied onto a
paper this system never issued, or the catalog lost the line — either way nobody may rely on it.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sohoa.archive import disposal
from sohoa.archive.archivist_models import ITEM_DISPOSED, LIST_EXECUTED
from sohoa.clock import vietnam_now
from sohoa.errors import NotFoundError
from sohoa.pdf import qrmark
from sohoa.pipeline import certqr, disposaljob, kpireport
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings

LABELS = {"kind": "loại giấy tờ", "system": "hệ thống", "ref": "số hiệu", "status": "trạng thái",
          "decision": "quyết định hủy", "disposed": "số tài liệu đã hủy",
          "pages": "số trang đã hủy", "issued": "thời điểm lập", "received": "số hồ sơ tiếp nhận",
          "digitized": "chỉ số số hóa (tử số/mẫu số)",
          "reused": "chỉ số tái sử dụng (tử số/mẫu số)", "period": "kỳ báo cáo",
          "unit": "đơn vị", "book": "quyển số", "owner": "số định danh chủ sở hữu",
          "paper": "tên giấy tờ", "official": "người thực hiện chứng thực",
          "through": "số chứng thực cuối", "lines": "số dòng trong sổ",
          "digest": "mã kiểm tra các dòng của sổ", "valid_until": "giá trị sử dụng đến",
          "dossier": "mã hồ sơ", "copy": "bản sao đã lưu theo số này",
          "changed": "đã thay đổi sau khi in"}


class _NotHere(Exception):
    """The paper the code names is not one this catalog can speak for (the reason, in
    Vietnamese)."""


def check(settings: Settings, pdf: bytes) -> dict[str, Any]:
    """``found`` (a sohoa QR code on page 1), its ``payload``, the ``checks`` made (field, what
    the QR says, what the catalog says, ok) and ``agrees`` (None when there is nothing to
    check); ``checkable`` False with a ``reason`` when the code names a paper this catalog
    cannot speak for."""
    texts = qrmark.read_pdf(pdf)
    payloads = [p for p in map(qrmark.parse, texts) if p is not None]
    if not payloads:
        return {"found": False, "checkable": False, "agrees": None, "payload": None,
                "checks": [], "other_codes": len(texts)}
    payload = payloads[0]
    kind = payload.get("kind")
    try:
        ours = qrmark.system_name(settings.agency)
        if payload.get("system") != ours:
            raise _NotHere(f"mã QR do hệ thống khác lập ({payload.get('system')!r}); hệ thống "
                           f"này là {ours!r} và không giữ hồ sơ của giấy tờ đó")
        if kind == disposaljob.QR_KIND:
            checks, stored = _disposal(settings, payload, pdf)
        elif kind == kpireport.QR_KIND:
            checks, stored = _kpi(settings, payload), None
        elif kind == certqr.COPY_KIND:
            try:
                rows, stored = certqr.check_copy(settings, payload, pdf)
            except NotFoundError as why:
                rows, stored = _unknown_here(payload, why), None
            checks = [_row(*row) for row in rows]
        elif kind == certqr.REGISTER_KIND:
            try:
                rows = certqr.check_register(settings, payload)
            except NotFoundError as why:
                rows = _unknown_here(payload, why)
            checks = [_row(*row) for row in rows]
            stored = None
        else:
            raise _NotHere(f"hệ thống này không lập loại giấy tờ {kind!r} nên không có gì "
                           "để đối chiếu")
    except _NotHere as why:
        return {"found": True, "checkable": False, "agrees": None, "payload": payload,
                "checks": [], "stored_copy": None, "reason": str(why)}
    return {"found": True, "checkable": True, "agrees": all(c["ok"] for c in checks),
            "payload": payload, "checks": checks, "stored_copy": stored,
            "notes": [f"{c['qr']} {LABELS['changed']}: {c['catalog']}" for c in checks
                      if c["field"] == "changed"]}


def _unknown_here(payload: dict[str, Any],
                  why: NotFoundError) -> list[tuple[str, Any, Any]]:
    """A code that names THIS system for a paper this catalog never issued (or no longer
    holds) is a mismatch, never "cannot be checked here": either the paper is forged with a
    copied symbol or the catalog lost the line, and a relying party must not take it. The
    reason rides in the failing row (``missing``) so the clerk reads why."""
    return [("system", payload.get("system"), payload.get("system")),
            ("ref", payload.get("ref"), None), ("missing", str(why), None)]

def problems(result: dict[str, Any]) -> list[str]:
    """The mismatches in Vietnamese, one line each."""
    lines = []
    for c in result["checks"]:
        if c["ok"]:
            continue
        label = LABELS.get(c["field"], c["field"])
        if c["field"] == "missing":
            lines.append(str(c["qr"]))
        elif c["field"] == "copy":
            lines.append(f"tệp này không phải bản sao đã lưu theo số chứng thực này (SHA-256 "
                         f"của tệp {c['qr']}, bản đã lưu {c['catalog']})")
        elif c["catalog"] is None:
            lines.append(f"{label}: mã QR ghi {c['qr']!r}, không có trong cơ sở dữ liệu")
        else:
            lines.append(f"{label}: mã QR ghi {c['qr']!r}, cơ sở dữ liệu ghi {c['catalog']!r}")
    return lines


def _row(field: str, qr: Any, catalog: Any, ok: bool | None = None) -> dict[str, Any]:
    return {"field": field, "qr": qr, "catalog": catalog,
            "ok": (qr == catalog) if ok is None else ok}


def _system(settings: Settings, payload: dict[str, Any]) -> dict[str, Any]:
    return _row("system", payload.get("system"), qrmark.system_name(settings.agency))


def _disposal(settings: Settings, payload: dict[str, Any],
              pdf: bytes) -> tuple[list[dict[str, Any]], bool | None]:
    ref = str(payload.get("ref", ""))
    try:
        number = int(ref)
    except ValueError:
        return [_system(settings, payload), _row("ref", ref, None)], None
    try:
        with open_archive(settings) as archive:
            lst = disposal.get(archive, number, items=False)
    except NotFoundError:
        why = NotFoundError(f"hệ thống này chưa từng lập danh sách hủy số {ref} (hoặc cơ sở dữ "
                            "liệu đã mất nó): biên bản mang mã QR của hệ thống này là giả, hoặc "
                            "cơ sở dữ liệu cần được kiểm tra")
        return [_row(*row) for row in _unknown_here(payload, why)], None
    summary = lst["summary"] or {}
    checks = [_system(settings, payload), _row("ref", ref, str(lst["list"])),
              _row("status", LIST_EXECUTED, lst["status"]),
              _row("decision", payload.get("decision"), lst["decision"] or ""),
              _row("disposed", payload.get("disposed"),
                   summary.get("disposed", lst["counts"][ITEM_DISPOSED])),
              _row("pages", payload.get("pages"), summary.get("pages"))]
    # The record is drawn after the last item is destroyed and kept a moment later: its time
    # of issue (whole seconds) lies between the start of the execution and the list's close.
    issued = _instant(payload.get("issued"))
    started, executed = _instant(lst["started_at"]), _instant(lst["executed_at"])
    window = f"{lst['started_at']} – {lst['executed_at']}"
    checks.append(_row("issued", payload.get("issued"), window,
                       ok=None not in (issued, started, executed)
                       and started.replace(microsecond=0) <= issued <= executed))  # type: ignore[operator]
    stored = None
    if lst["record"]:
        stored = hashlib.sha256(pdf).hexdigest() == lst["record"]["sha256"]
    return checks, stored


def _instant(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _kpi(settings: Settings, payload: dict[str, Any]) -> list[dict[str, Any]]:
    from sohoa.pipeline import dossierdesk, kpi

    ref = str(payload.get("ref", ""))
    try:
        start, end = (date.fromisoformat(part) for part in ref.split("/"))
        period = kpi.Period(start, end)
    except ValueError:
        return [_system(settings, payload), _row("period", ref, None)]
    with dossierdesk.with_archive(settings) as archive:
        made = kpi.compute(archive, period, unit=payload.get("unit"), level=payload.get("level"),
                           catalogue=dossierdesk.catalogue(settings),
                           units=dossierdesk.units(settings),
                           rules=dossierdesk.kpi_rules(settings))
    # The same function that wrote the code states the catalog's figures now: if the period's
    # dossiers changed since (a late entry), the report no longer tells the catalog's truth.
    now = kpireport.qr_fields(made, agency=settings.agency, at=vietnam_now())
    checks = [_system(settings, payload), _row("period", ref, now["ref"])]
    for key in ("received", *kpireport.QR_FIGURES):
        checks.append(_row(key, payload.get(key), now.get(key)))
    return checks
