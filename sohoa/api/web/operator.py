"""Desk staff's pages: jobs in progress (the source of ``sohoa status``), the quarantine with
its reasons, and the dossiers received on a day with their components."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from fastapi.responses import RedirectResponse, Response

from sohoa.api.web.html import (
    csrf_field,
    day_arg,
    day_field,
    esc,
    field,
    notice,
    table,
    url,
    vn_date,
)
from sohoa.api.web.messages import is_vietnamese
from sohoa.clock import vietnam_today
from sohoa.errors import NotFoundError
from sohoa.pipeline.dossierdesk import DOSSIER_STATUS_NAMES
from sohoa.pipeline.operatordesk import OPERATORS, OperatorDesk, quarantine_unit
from sohoa.pipeline.quarantinelist import CHANGED
from sohoa.records import party_marks

if TYPE_CHECKING:
    from sohoa.api.web.routes import Desk

JOB_STATUS = {"running": "Đang chạy", "finished": "Xong", "failed": "Lỗi",
              "interrupted": "Bị gián đoạn",
              # the queue's board (pipeline/jobboard.py)
              "analysing": "Đang nhận dạng", "storing": "Đang lưu hồ sơ"}
REFRESH_S = 5  # how often the jobs page reads the board again while a job runs
QUEUES = {"sohoa-pages": "Trang chờ nhận dạng", "sohoa-documents": "Hồ sơ chờ lưu"}
SATISFIED = {"digitized": "số hóa tại bộ phận", "reused": "dùng lại", "owner_store":
             "từ kho dữ liệu công dân", "missing": "còn thiếu"}
DOSSIER_STATUS = DOSSIER_STATUS_NAMES
SUMMARY = {"stored": "đã lưu", "quarantined": "cách ly", "duplicates": "trùng",
           "documents": "tài liệu", "pages": "trang", "dossiers": "hồ sơ", "failed": "lỗi",
           "inputs": "tệp", "skipped": "bỏ qua", "needs_review": "chờ kiểm tra",
           "files": "tệp", "blank_pages": "trang trắng",
           "not_colour": "trang không quét màu 200 dpi",
           "known_files": "tệp đã nhận trước đây"}
COUNTS = {"documents": "Tài liệu", "owners": "Chủ sở hữu", "dossiers": "Hồ sơ",
          "quarantined": "Cách ly", "pages": "Trang", "needs_review": "Chờ kiểm tra",
          "search_pending": "Chờ đưa vào chỉ mục tìm kiếm"}

# The scanners' quarantine reasons (sohoa/scanners/reasons.py) are worded in English for the
# CLI; the desk page says the same in Vietnamese.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), v) for p, v in (
    (r"^empty file", "Tệp rỗng: hãy quét lại."),
    (r"^the file is missing", "Tệp không còn: đã bị chuyển hoặc xóa trước khi đọc."),
    (r"^this is a folder", "Đây là thư mục, không phải tệp: hãy đưa các tệp bên trong."),
    (r"^not an image or PDF", "Không phải ảnh hay PDF: chỉ nhận PDF, TIFF, JPEG và PNG."),
    (r"password-protected", "PDF có mật khẩu: đề nghị người gửi bản không khóa."),
    (r"^the file is truncated", "Tệp bị cắt cụt: hãy quét lại."),
    (r"^the file is damaged", "Tệp hỏng, không đọc được: hãy quét lại."),
    (r"^the file has no pages", "Tệp không có trang nào: hãy quét lại."),
    (r"^the file cannot be opened", "Không mở được tệp: kiểm tra quyền đọc tệp."),
    (r"^the file is (.+), over the (.+) limit", "Tệp {0}, vượt giới hạn {1}: hãy chia nhỏ lô."),
    (r"^the file has (\d+) pages, over the (\d+)-page",
     "Tệp có {0} trang, vượt giới hạn {1} trang: hãy chia nhỏ lô."),
    (r"^page (\d+) is damaged", "Trang {0} hỏng, không giải mã được: hãy quét lại."),
    (r"^page (\d+) is truncated", "Trang {0} bị cắt cụt: hãy quét lại."),
    (r"^page (\d+) of the PDF could not be rendered", "Không dựng được trang {0} của PDF: hãy "
                                                      "quét lại hoặc xuất lại tệp."),
    (r"^page (\d+)(?: is .*)?(?: over| too large).*decompression bomb",
     "Trang {0} quá lớn (nghi tệp nén bất thường hoặc quét sai): hãy quét lại."),
))


def reason_vi(reason: str | None) -> str:
    text = reason or ""
    if is_vietnamese(text):
        return text
    for pattern, words in _REASONS:
        found = pattern.search(text)
        if found:
            return words.format(*found.groups())
    # the CLI's `sohoa quarantine` prints the technical detail; a page names no command
    return ("Không xử lý được; chi tiết kỹ thuật đã được ghi lại: nếu quét lại vẫn không được, "
            "hãy báo quản trị hệ thống.")


def _progress(done: int, total: int) -> str:
    # <progress>, not a styled span: the Content-Security-Policy refuses inline styles.
    return (f'<progress value="{done}" max="{total}">{done}/{total}</progress> {done}/{total}'
            if total else "—")


def _entry(desk: Desk) -> int:
    raw = desk.request.path_params["entry"]
    if not raw.isdigit():
        raise NotFoundError("không có mục cách ly này")
    return int(raw)


def install(view: Any, write: Any) -> None:

    @view("/web/jobs", "Công việc đang xử lý")
    def jobs(desk: Desk) -> Response:
        state = OperatorDesk(desk.reader.archive, desk.settings).status(desk.caller)
        # Only the counts that have a Vietnamese name: a count added to the catalog's stats
        # later must not show its English key.
        counts = " · ".join(f"{COUNTS[k]}: {v}" for k, v in state["stats"].items()
                            if isinstance(v, int) and k in COUNTS)
        said = notice(desk.arg("said")) if desk.arg("said") else ""
        body = said + f'<p class="card">{esc(counts)}</p>'
        queue = state["queue"]
        if queue:  # the broker's board, as `sohoa status` prints it
            rows = [(f'<span id="job-{esc(j["job_id"])}">{esc(j["job_id"])}</span>',
                     esc(JOB_STATUS.get(j["status"], j["status"])),
                     _progress(j["pages_done"], j["pages"]), str(j["pages_failed"]),
                     _progress(j["dossiers_done"], j["dossiers"] or 0))
                    for j in queue["jobs"]]
            waiting = " · ".join(f"{QUEUES.get(name, name)}: {counts['waiting']}"
                                 for name, counts in queue["queues"].items())
            body += (f"<h2>Hàng đợi: {queue['workers']} máy xử lý đang chạy</h2>"
                     f'<p class="queue">{esc(waiting)}</p>'
                     + (table(["Lô", "Trạng thái", "Trang", "Trang cách ly", "Hồ sơ"], rows)
                        if rows else notice("Hàng đợi chưa có lô nào.")))
        rows = [(esc(j["job_id"]), esc(JOB_STATUS.get(j["status"], j["status"])),
                 esc(j.get("unit") or "—"), vn_date(j["started_at"]), vn_date(j["finished_at"]),
                 # only counts with a Vietnamese name (one added later must not show its key)
                 esc(", ".join(f"{SUMMARY[k]}: {v}"
                           for k, v in (j.get("summary") or {}).items() if k in SUMMARY))
                 # why a job stopped or was interrupted (Vietnamese, from jobs/jobstate)
                 + (f'<br><small class="reason">{esc(j["reason"])}</small>'
                    if j.get("reason") else ""))
                for j in state["jobs"]]
        if state["retrying"]:  # a retry this server runs (no broker)
            body += ('<p class="card">Đang xử lý lại trên máy chủ: '
                     + esc(", ".join(state["retrying"])) + "</p>")
        busy = any(j["status"] not in ("finished", "failed") for j in (queue or {}).get(
            "jobs", [])) or any(j["status"] == "running" for j in state["jobs"]) \
            or bool(state["retrying"])
        if busy:  # web.js reads the page again while something is in progress
            body += (f'<p class="hint" data-refresh-seconds="{REFRESH_S}">Trang tự cập nhật '
                     f"mỗi {REFRESH_S} giây khi còn lô đang xử lý.</p>")
        body += "<h2>Các lô gần đây</h2>" + (
            table(["Lô", "Trạng thái", "Đơn vị", "Bắt đầu", "Kết thúc", "Kết quả"], rows)
            if rows else notice("Chưa có lô nào."))
        return desk.page("Công việc đang xử lý", body, here="/web/jobs")

    @view("/web/quarantine", "Tệp bị cách ly")
    def quarantine(desk: Desk) -> Response:
        csrf = csrf_field(desk.session.csrf)
        acts = desk.caller.role in OPERATORS  # an archivist reads the list, the desk acts
        every_unit = quarantine_unit(desk.caller) is None
        rows = []
        for q in OperatorDesk(desk.reader.archive, desk.settings).quarantine(desk.caller):
            entry = int(q["id"])
            where = esc(q["source"]) + (f' (trang {q["page_index"] + 1})'
                                        if q.get("page_index") is not None else "")
            if every_unit:
                where += f'<br><small>Đơn vị: {esc(q.get("unit") or "chưa gán")}</small>'
            if q.get("path") and q["path"] != q["source"]:
                where += f'<br><small>Nay ở: {esc(q["path"])}</small>'
            if q.get("changed"):  # the same name, other bytes: a re-scan, or another scan
                where += ('<br><small class="bad">Tệp ở chỗ cũ đã khác tệp bị cách ly'
                          + _now_file(q) + ".</small>")
            times = (f'<br><small>{q["times"]} lần, lần đầu {vn_date(q["first_at"])}</small>'
                     if q["times"] > 1 else "")
            # the file at the old path differs: the clerk says whether it is the fixed copy
            # (then a stored retry takes the entry off the list) or another scan
            mended = (f'<form method="post" action="/web/quarantine/{entry}/retry" '
                      f'class="inline">{csrf}<input type="hidden" name="fixed" value="1">'
                      '<button type="submit">Xử lý lại: đây là bản đã sửa</button></form>'
                      if q.get("changed") else "")
            retry = (f'<form method="post" action="/web/quarantine/{entry}/retry" '
                     f'class="inline">{csrf}<button type="submit">Xử lý lại</button></form>'
                     + mended if q.get("path") else
                     '<small class="bad">Tệp không còn ở chỗ cũ: hãy quét lại rồi đưa vào '
                     "đúng chỗ đó.</small>")
            dismiss = (f'<form method="post" action="/web/quarantine/{entry}/dismiss" '
                       f'class="filters">{csrf}'
                       + field("Lý do bỏ qua", "reason", extra='required maxlength="500"')
                       + '<button type="submit" class="secondary">Bỏ qua</button></form>')
            rows.append((where, esc(reason_vi(q["reason"])), vn_date(q["at"]) + times,
                         f'<div id="q-{entry}" class="actions">{retry}{dismiss}</div>'
                         if acts else "—"))
        said = notice(desk.arg("said")) if desk.arg("said") else ""
        return desk.page("Tệp bị cách ly", said + (
            table(["Tệp", "Lý do", "Lúc", "Xử lý"], rows)
            + '<p class="hint">Sau khi quét lại hay sửa tệp và đặt vào đúng chỗ cũ, bấm '
              "«Xử lý lại: đây là bản đã sửa» (lưu được thì tệp rời danh sách). Tệp không cần "
              "nữa thì ghi lý do và bấm «Bỏ qua» (được ghi vào nhật ký).</p>"
            if rows else notice("Không có tệp nào bị cách ly.")), here="/web/quarantine")

    @write("/web/quarantine/{entry}/retry", "Tệp bị cách ly")
    def quarantine_retry(desk: Desk, form: dict[str, str]) -> Response:
        outcome = OperatorDesk(desk.reader.archive, desk.settings).retry(
            desk.caller, _entry(desk), fixed=form.get("fixed") == "1")
        name = PurePath(outcome["source"]).name
        changed = (f" Lưu ý: {CHANGED}." if outcome["changed"] and not outcome["fixed"]
                   else "")
        if outcome["background"]:  # no broker: this server ingests it beside the pages
            return RedirectResponse(url("/web/jobs", said=(
                f"Đang xử lý lại «{name}» trên máy chủ; lô mới hiện ở bảng dưới đây, trang tự "
                "cập nhật. Khi lô xong, tệp đã được lưu sẽ tự rời danh sách cách ly."
                + changed)), status_code=303)
        if outcome["queued"]:
            return RedirectResponse(url("/web/jobs", said=(
                f"Đã đưa «{name}» vào hàng đợi, lô {outcome['job_id']}."
                + (changed or " Khi lô xong, tệp đã được lưu sẽ tự rời danh sách cách ly."))),
                status_code=303)
        said = (f"Đã xử lý lại «{name}» (lô {outcome['job_id']}): lưu {outcome['stored']} "
                f"tài liệu, {outcome['duplicates']} đã có từ trước"
                + (f", {outcome['quarantined']} vẫn bị cách ly." if outcome["quarantined"]
                   else ".")
                + (" Tệp đã được gỡ khỏi danh sách cách ly." if outcome["settled"] else "")
                + changed)
        return RedirectResponse(url("/web/quarantine", said=said), status_code=303)

    @write("/web/quarantine/{entry}/dismiss", "Tệp bị cách ly")
    def quarantine_dismiss(desk: Desk, form: dict[str, str]) -> Response:
        done = OperatorDesk(desk.reader.archive, desk.settings).dismiss(
            desk.caller, _entry(desk), form.get("reason", ""))
        return RedirectResponse(url("/web/quarantine", said=(
            f"Đã bỏ qua {done} lần báo cách ly của tệp này; lý do đã được ghi vào nhật ký.")),
            status_code=303)

    @view("/web/dossiers", "Hồ sơ tiếp nhận trong ngày")
    def dossiers(desk: Desk) -> Response:
        day = day_arg(desk.arg("day"), "Ngày tiếp nhận") or vietnam_today()
        found = OperatorDesk(desk.reader.archive, desk.settings).dossiers(desk.caller, day)
        form = (f'<form method="get" action="/web/dossiers" class="card filters">'
                f'{day_field("Ngày tiếp nhận", "day", day)}'
                '<button type="submit">Xem</button></form>')
        rows = []
        for d in found:
            parts = "".join(
                f"<li>{esc(c.name + party)}: "
                f'<span class="{"bad" if c.required and not c.satisfied else ""}">'
                f'{esc(SATISFIED.get(c.satisfied or "missing", c.satisfied))}</span>'
                + (f' (<code>{esc(c.digitization_code)}</code>)' if c.digitization_code else "")
                + "</li>" for c, party in zip(d["state"].components,
                                              party_marks(d["state"].components), strict=True))
            rows.append((esc(d["code"]), esc(d.get("procedure_name") or d["procedure_code"]),
                         esc(d.get("owner_id") or "—"),
                         esc(DOSSIER_STATUS.get(d.get("status") or "", d.get("status") or "—")),
                         vn_date(d.get("appointment_date")), f"<ul>{parts}</ul>"))
        return desk.page("Hồ sơ tiếp nhận trong ngày", form + (table(
            ["Mã hồ sơ", "Thủ tục", "Chủ hồ sơ", "Trạng thái", "Hẹn trả", "Thành phần"], rows)
            if rows else notice("Không có hồ sơ nào tiếp nhận trong ngày này.")),
            here="/web/dossiers")


def _now_file(q: dict[str, Any]) -> str:
    """The file at the old path now — size, when last written — so the clerk can tell a fixed
    copy from the next session's scan of the same name before one click settles the entry
    (review11 L5); a file written before the quarantine is flagged."""
    if q.get("now_size") is None or not q.get("now_modified"):
        return ""
    size = f"{int(q['now_size']):,}".replace(",", ".")
    said = f" (tệp nay: {size} byte, ghi lúc {vn_date(q['now_modified'])}"
    try:
        older = datetime.fromisoformat(q["now_modified"]) < datetime.fromisoformat(
            str(q["at"]).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        older = False
    if older:
        said += ", trước lúc bị cách ly: kiểm tra kỹ trước khi coi là bản đã sửa"
    return said + ")"
