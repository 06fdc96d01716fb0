"""Archivists' pages: the retention plan, legal holds, disposal lists (propose, show, approve
by a second person, execute, the destruction record) and fixity runs, through
``ArchivistDesk`` (the CLI's functions, the caller as the person who acts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.responses import RedirectResponse, Response

from sohoa.api.web.html import (
    csrf_field,
    day_arg,
    day_field,
    dl,
    esc,
    field,
    notice,
    select,
    table,
    url,
    vn_date,
)
from sohoa.api.web.officer import type_name
from sohoa.clock import DAY_FORMS, vietnam_today
from sohoa.errors import ConfigError
from sohoa.records import shown_dossier_code

if TYPE_CHECKING:
    from sohoa.api.web.routes import Desk
    from sohoa.pipeline.archivistdesk import ArchivistDesk

STATUS = {"proposed": "Chờ phê duyệt", "approved": "Đã phê duyệt", "executing": "Đang tiêu hủy",
          "executed": "Đã tiêu hủy", "cancelled": "Đã hủy bỏ"}
SCOPES = {"document": "Tài liệu", "dossier": "Hồ sơ", "owner": "Chủ sở hữu"}
RUN_STATUS = {"finished": "Xong", "running": "Đang chạy", "interrupted": "Bị gián đoạn"}


def _desk(desk: Desk) -> ArchivistDesk:
    # Imported on first use: `sohoa serve` starts without loading the disposal and fixity machinery.
    from sohoa.pipeline.archivistdesk import ArchivistDesk

    return ArchivistDesk(desk.settings)


def _list_id(desk: Desk) -> int:
    raw = desk.request.path_params["list_id"]
    if not raw.isdigit():
        raise ConfigError("số danh mục không hợp lệ")
    return int(raw)


def _form(desk: Desk, action: str, inner: str, button: str, *, cls: str = "") -> str:
    return (f'<form method="post" action="{esc(action)}" class="card filters">'
            f"{csrf_field(desk.session.csrf)}{inner}"
            f'<button type="submit" class="{esc(cls)}">{esc(button)}</button></form>')


def _ran(named: str | None, runner: str | None) -> str:
    """Who really ran a step (the signed-in user, SOHOA_USER or the OS user), when it is not
    the name recorded for it."""
    return f" (người thực hiện: {esc(runner)})" if runner and runner != named else ""


def install(view: Any, write: Any) -> None:  # one closure per page, as the other roles

    @view("/web/retention", "Kế hoạch thời hạn bảo quản")
    def plan(desk: Desk) -> Response:
        day = day_arg(desk.arg("as_of"), "Tính đến ngày") or vietnam_today()
        rows = [(esc(r.get("type_name") or type_name(r.get("doc_type"))),
                 esc(r.get("unit") or "—"), esc(r.get("retention")), str(r["documents"]),
                 f'<b>{r["due"]}</b>' if r["due"] else "0", str(r["held"]), str(r["on_list"]),
                 str(r.get("unreviewed", 0)), vn_date(r.get("next_eligible_on")))
                for r in _desk(desk).plan(desk.caller, day)]
        form = (f'<form method="get" action="/web/retention" class="card filters">'
                f'{day_field("Tính đến ngày", "as_of", day)}'
                '<button type="submit">Xem</button></form>')
        return desk.page("Kế hoạch thời hạn bảo quản", form + (table(
            ["Loại", "Đơn vị", "Thời hạn", "Tài liệu", "Đến hạn hủy", "Đang giữ lại",
             "Trong danh mục", "Hết hạn nhưng chưa rà soát (không được hủy)",
             "Đến hạn tiếp theo"], rows)
            if rows else notice("Chưa có tài liệu nào.")), here="/web/retention")

    @view("/web/holds", "Giữ lại tài liệu")
    def hold_list(desk: Desk) -> Response:
        rows = []
        for h in _desk(desk).holds(desk.caller):
            release = _form(desk, f"/web/holds/{h['hold']}/release",
                            field("Lý do thôi giữ", "reason", extra="required"), "Thôi giữ",
                            cls="secondary")
            rows.append((str(h["hold"]), esc(SCOPES.get(h["scope"], h["scope"])),
                         esc(h["target"]), esc(h["reason"]), esc(h["placed_by"]),
                         vn_date(h["placed_at"]), release))
        place = _form(desk, "/web/holds", select("Phạm vi", "scope", SCOPES, "dossier")
                      + field("Mã (tài liệu, hồ sơ hoặc chủ sở hữu)", "target",
                              extra="required")
                      + field("Lý do (thanh tra, tranh chấp …)", "reason", extra="required"),
                      "Giữ lại")
        said = notice(desk.arg("said")) if desk.arg("said") else ""
        return desk.page("Giữ lại tài liệu", said + place + (table(
            ["Số", "Phạm vi", "Mã", "Lý do", "Người giữ", "Từ", "Thao tác"], rows)
            if rows else notice("Không có tài liệu nào đang bị giữ lại.")), here="/web/holds")

    @write("/web/holds", "Giữ lại tài liệu")
    def place_hold(desk: Desk, form: dict[str, str]) -> Response:
        h = _desk(desk).place_hold(desk.caller, form.get("scope", ""), form.get("target", ""),
                                   form.get("reason", ""))
        return RedirectResponse(url("/web/holds", said=f"Đã giữ lại ({h['hold']})."), 303)

    @write("/web/holds/{hold_id}/release", "Giữ lại tài liệu")
    def release_hold(desk: Desk, form: dict[str, str]) -> Response:
        raw = desk.request.path_params["hold_id"]
        if not raw.isdigit():
            raise ConfigError("số lệnh giữ không hợp lệ")
        _desk(desk).release_hold(desk.caller, int(raw), form.get("reason", ""))
        return RedirectResponse(url("/web/holds", said="Đã thôi giữ."), 303)

    @view("/web/disposal", "Danh mục tài liệu hết giá trị")
    def disposal_lists(desk: Desk) -> Response:
        rows = [(f'<a href="/web/disposal/{d["list"]}">Danh mục {d["list"]}</a>',
                 esc(STATUS.get(d["status"], d["status"])), vn_date(d["as_of"]),
                 str(d["documents"]), esc(d["proposed_by"]), esc(d.get("approved_by") or "—"),
                 esc(d.get("decision") or "—"))
                for d in _desk(desk).lists(desk.caller)]
        propose = _form(desk, "/web/disposal", day_field(
            "Tính đến ngày", "as_of", vietnam_today())
            + field("Thuyết minh (vì sao hết giá trị)", "note", extra="required"),
            "Lập danh mục")
        said = notice(desk.arg("said")) if desk.arg("said") else ""
        return desk.page("Danh mục tài liệu hết giá trị", said + propose + (table(
            ["Danh mục", "Trạng thái", "Tính đến", "Tài liệu", "Người lập", "Người duyệt",
             "Quyết định"], rows) if rows else notice("Chưa có danh mục nào.")),
            here="/web/disposal")

    @write("/web/disposal", "Lập danh mục")
    def propose(desk: Desk, form: dict[str, str]) -> Response:
        as_of = day_arg(form.get("as_of", ""), "Tính đến ngày")
        if as_of is None:
            raise ConfigError(f"Tính đến ngày: hãy nhập ngày ({DAY_FORMS})")
        made = _desk(desk).propose(desk.caller, as_of=as_of, note=form.get("note", ""))
        if made is None:
            return RedirectResponse(url("/web/disposal", said=(
                "Không có tài liệu nào đến hạn hủy: không lập danh mục.")), 303)
        return RedirectResponse(f"/web/disposal/{made['list']}", 303)

    @view("/web/disposal/{list_id}", "Danh mục tài liệu hết giá trị")
    def disposal_list(desk: Desk) -> Response:
        list_id = _list_id(desk)
        d = _desk(desk).get(desk.caller, list_id)
        facts = dl([
            ("Trạng thái", esc(STATUS.get(d["status"], d["status"]))),
            ("Tính đến ngày", vn_date(d["as_of"])), ("Thuyết minh", esc(d["note"])),
            ("Người lập", esc(d["proposed_by"]) + _ran(d["proposed_by"], d.get("proposed_run_by"))
             + f', {vn_date(d["proposed_at"])}'),
            ("Quyết định", esc(d.get("decision") or "—")),
            ("Người phê duyệt", esc(d.get("approved_by") or "—")
             + _ran(d.get("approved_by"), d.get("approved_run_by"))
             + (f', {vn_date(d["approved_at"])}' if d.get("approved_at") else "")),
            ("Người thực hiện", esc(d.get("executed_by") or "—")
             + (f', {vn_date(d["executed_at"])}' if d.get("executed_at") else "")),
            ("Tài liệu", str(d["documents"])), ("Trang", str(d["pages"])),
        ])
        actions = ""
        base = f"/web/disposal/{list_id}"
        if d["status"] == "proposed":
            actions = _form(desk, f"{base}/approve", field(
                "Quyết định phê duyệt (số, ngày)", "decision", extra="required"),
                "Phê duyệt (người khác người lập)") + _form(
                desk, f"{base}/cancel", field("Lý do hủy bỏ", "reason", extra="required"),
                "Hủy bỏ danh mục", cls="secondary")
        elif d["status"] in ("approved", "executing"):
            actions = _form(desk, f"{base}/execute", "<p>Tiêu hủy các tài liệu trong danh mục "
                            "và lập biên bản tiêu hủy có chữ ký số. Không thể hoàn tác.</p>",
                            "Thực hiện tiêu hủy", cls="danger")
        elif d["status"] == "executed" and d.get("record"):
            actions = (f'<p><a class="button" href="{base}/record">Tải biên bản tiêu hủy '
                       "(PDF/A có chữ ký số)</a></p>")
        items = [(str(i["position"]), esc(i.get("title") or type_name(i.get("doc_type"))),
                  esc(shown_dossier_code(i.get("dossier_code"))), esc(i.get("owner_id") or "—"),
                  vn_date(i.get("issue_date")), esc(i.get("retention")),
                  vn_date(i.get("eligible_on")), esc(i.get("basis") or "—"))
                 for i in d.get("items") or []]
        said = notice(desk.arg("said")) if desk.arg("said") else ""
        return desk.page(f"Danh mục {list_id}", said + f'<section class="card">{facts}</section>'
                         + actions + table(["STT", "Tài liệu", "Hồ sơ", "Chủ sở hữu",
                                            "Ngày ban hành", "Thời hạn", "Hết hạn từ",
                                            "Căn cứ (ngày tính thời hạn lấy từ đâu)"], items),
                         here="/web/disposal")

    @write("/web/disposal/{list_id}/approve", "Phê duyệt danh mục")
    def approve(desk: Desk, form: dict[str, str]) -> Response:
        list_id = _list_id(desk)
        _desk(desk).approve(desk.caller, list_id, form.get("decision", ""))
        return RedirectResponse(url(f"/web/disposal/{list_id}", said="Đã phê duyệt."), 303)

    @write("/web/disposal/{list_id}/cancel", "Hủy bỏ danh mục")
    def cancel(desk: Desk, form: dict[str, str]) -> Response:
        list_id = _list_id(desk)
        _desk(desk).cancel(desk.caller, list_id, form.get("reason", ""))
        return RedirectResponse(url(f"/web/disposal/{list_id}", said="Đã hủy bỏ."), 303)

    @write("/web/disposal/{list_id}/execute", "Thực hiện tiêu hủy")
    def execute(desk: Desk, form: dict[str, str]) -> Response:
        list_id = _list_id(desk)
        done = _desk(desk).execute(desk.caller, list_id)
        gone = (done.get("summary") or {}).get("disposed", 0)
        return RedirectResponse(url(f"/web/disposal/{list_id}",
                                    said=f"Đã tiêu hủy {gone} tài liệu."), 303)

    @view("/web/disposal/{list_id}/record", "Biên bản tiêu hủy")
    def record(desk: Desk) -> Response:
        list_id = _list_id(desk)
        pdf = _desk(desk).record(desk.caller, list_id)
        return Response(pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="bien-ban-tieu-huy-{list_id}.pdf"',
            "Cache-Control": "no-store"})

    @view("/web/fixity", "Kiểm tra toàn vẹn")
    def fixity(desk: Desk) -> Response:
        rows = [(str(r["run"]), "Ngẫu nhiên" if r["mode"] == "sample" else "Toàn bộ",
                 esc(RUN_STATUS.get(r["status"], r["status"])), esc(r["started_by"]),
                 vn_date(r["started_at"]), str(r["documents"]), str(r["blobs"]),
                 f'<span class="{"bad" if r["mismatches"] else "good"}">{r["mismatches"]}</span>',
                 str(r["signatures_checked"]))
                for r in _desk(desk).fixity_runs(desk.caller)]
        check = _form(desk, "/web/fixity", field("Số tài liệu kiểm tra ngẫu nhiên", "sample",
                                                 "20", kind="number", extra='min="1"'),
                      "Kiểm tra ngay")
        said = notice(desk.arg("said")) if desk.arg("said") else ""
        return desk.page("Kiểm tra toàn vẹn", said + check + (table(
            ["Lần", "Cách chọn", "Trạng thái", "Người chạy", "Bắt đầu", "Tài liệu", "Tệp",
             "Sai lệch", "Chữ ký đã kiểm"], rows) if rows else notice("Chưa có lần kiểm tra nào.")),
            here="/web/fixity")

    @write("/web/fixity", "Kiểm tra toàn vẹn")
    def fixity_check(desk: Desk, form: dict[str, str]) -> Response:
        raw = form.get("sample", "")
        if not raw.isdigit() or int(raw) < 1:
            raise ConfigError("số tài liệu không hợp lệ")
        run = _desk(desk).fixity_check(desk.caller, int(raw))
        said = (f"Lần kiểm tra {run['run']}: {run['documents']} tài liệu, "
                f"{run['mismatches']} sai lệch.")
        return RedirectResponse(url("/web/fixity", said=said), 303)
