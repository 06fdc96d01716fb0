"""Reviewers' pages: the queue, and one document field by field with the page crop where the
field is printed and what recognition read there; set, confirm, change type, accept. Keyboard
first: j/k move between fields, e edits, c confirms, t changes the type, a accepts, q goes back
to the queue. The decisions are ``ReviewDesk``'s (the CLI's rules, four eyes included)."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from fastapi.responses import RedirectResponse, Response

from sohoa.api.web.html import (
    csrf_field,
    esc,
    field_name,
    notice,
    select,
    table,
    url,
)
from sohoa.api.web.messages import is_vietnamese, web_wording
from sohoa.api.web.officer import type_name, type_names
from sohoa.clock import shown_field
from sohoa.reasons import vietnamese
from sohoa.records import UNASSIGNED_PREFIX, shown_dossier_code

if TYPE_CHECKING:
    from sohoa.api.web.routes import Desk
    from sohoa.pipeline.reviewdesk import ReviewDesk

OWNER = "owner_id"
KEYS = ('<p class="hint">Phím tắt: <kbd>j</kbd>/<kbd>k</kbd> trường sau/trước · <kbd>e</kbd> '
        "sửa giá trị, <kbd>Enter</kbd> lưu · <kbd>c</kbd> giá trị đúng · <kbd>t</kbd> đổi loại "
        "giấy tờ (mũi tên chọn, <kbd>Enter</kbd> lưu) · <kbd>a</kbd> duyệt xong tài liệu · "
        "<kbd>q</kbd> về hàng chờ</p>")


def _desk(desk: Desk) -> ReviewDesk:
    # Imported on first use: `sohoa serve` starts without loading the review (OCR) machinery.
    from sohoa.pipeline.reviewdesk import ReviewDesk

    return ReviewDesk(desk.reader.archive, desk.settings)


def reason_text(reason: str) -> str:
    """A review reason in Vietnamese (``sohoa.reasons``; older catalogs hold English ones,
    said here in general words when no exact Vietnamese is known)."""
    reason = web_wording(vietnamese(reason))
    if is_vietnamese(reason):
        return reason
    key, sep, _ = reason.partition(":")
    if sep and key.strip() in ("owner", OWNER):
        return "Chưa xác định được chủ sở hữu"
    if sep and " " not in key.strip():
        return f"Cần đối chiếu trường «{field_name(key.strip())}» với giấy"
    if "confidence" in reason:
        return "Độ tin cậy nhận dạng thấp"
    if "type" in reason or "classif" in reason:
        return "Chưa chắc chắn về loại giấy tờ"
    return "Cần kiểm tra lại"


def install(view: Any, write: Any) -> None:

    @view("/web/review", "Hàng chờ kiểm tra")
    def queue(desk: Desk) -> Response:
        waiting = _desk(desk).queue(desk.caller)
        rows = [(
            f'<a href="/web/review/{esc(d["document_id"])}"'
            + (' data-key="n"' if i == 0 else "") + f'>{esc(d.get("title") or "—")}</a>',
            esc(type_name(d.get("doc_type"))), f'Lần {d["round"]}',
            esc(shown_dossier_code(d.get("dossier_code"))),
            esc("; ".join(dict.fromkeys(reason_text(r) for r in d.get("reasons") or []))
                or ("Chọn mẫu ngẫu nhiên" if not d.get("needs_review") else "")),
        ) for i, d in enumerate(waiting)]
        said = notice("Đã duyệt xong tài liệu.") if desk.arg("done") else ""
        body = said + (table(["Tài liệu", "Loại", "Vòng", "Hồ sơ", "Lý do"], rows)
                       + '<p class="hint"><kbd>n</kbd> mở tài liệu đầu tiên</p>'
                       if rows else notice("Không còn tài liệu nào chờ kiểm tra."))
        return desk.page("Hàng chờ kiểm tra", body, here="/web/review")

    @view("/web/review/{document_id}", "Kiểm tra tài liệu")
    def document(desk: Desk) -> Response:
        document_id = desk.request.path_params["document_id"]
        reviews = _desk(desk)
        keys, first = reviews.fields(desk.caller, document_id)
        current = desk.arg("field") if desk.arg("field") in keys else first
        shown, crops = reviews.show(desk.caller, document_id, current)
        whole = shown
        at = keys.index(current)
        # A number read but not confirmed is offered to confirm, marked as only proposed.
        proposed = None if whole["owner_id"] else whole.get("proposed_owner_id")
        # the signer printed on the paper is set like a field ("chức vụ — họ tên", tester18 F9)
        values = {OWNER: whole["owner_id"] or proposed, **whole["fields"],
                  "signer": whole.get("signer")}
        rows = []
        for key in keys:
            here = key == current
            link = url(f"/web/review/{document_id}", field=key)
            rows.append(
                f'<div class="field-row{" current" if here else ""}" id="f-{esc(key)}">'
                f'<a href="{esc(link)}">{esc(field_name(key))}</a>: '
                f'<b>{esc(shown_field(values.get(key)))}</b>'
                + (' <span class="bad">(đề xuất, chưa xác nhận)</span>'
                   if key == OWNER and proposed else "")
                + (_editor(desk, document_id, key, values.get(key), shown, crops, keys, at)
                   if here else "") + "</div>")
        nav = "".join(
            f'<a href="{esc(url(f"/web/review/{document_id}", field=keys[i]))}" '
            f'data-key="{k}" class="button secondary">{label}</a> '
            for i, k, label in ((at + 1, "j", "Trường sau (j)"), (at - 1, "k", "Trường trước (k)"))
            if 0 <= i < len(keys))
        said = desk.arg("said")
        head = (notice(said) if said else "") + (
            f'<p>{esc(type_name(whole["doc_type"]))} · hồ sơ '
            f'{esc(shown_dossier_code(whole["dossier_code"]))}'
            f' · vòng kiểm tra {whole["round"]} · chủ sở hữu '
            + (f'{esc(whole.get("owner_name") or "chưa rõ")}</p>'
               if not proposed else f'chưa xác định (đề xuất {esc(proposed)})</p>')
            + "".join(f'<p class="bad">{esc(reason_text(r))}</p>'
                      for r in dict.fromkeys(whole.get("reasons") or []))
            # the paper's signer and ink as read at ingest, as the officer's page says them:
            # a reason about the signer asks for them to be compared with the paper
            + (f'<p>Người ký trên bản giấy: <b>{esc(whole["signer"])}</b></p>'
               if whole.get("signer") else "")
            + (f'<p>Dấu, chữ ký tay: {"; ".join(esc(m) for m in whole["ink_marks"])}</p>'
               if whole.get("ink_marks") else ""))
        type_form = (
            f'<form method="post" action="/web/review/{esc(document_id)}/type" class="card">'
            f'{csrf_field(desk.session.csrf)}'
            + select("Loại giấy tờ", "doc_type", type_names(), whole["doc_type"]).replace(
                "<select ", '<select data-key="t" ', 1)
            + '<button type="submit">Đổi loại</button></form>')
        # the paper's dossier: moved when its code sheet was another's, confirmed otherwise;
        # a placeholder of loose papers (UNASSIGNED-…) is not offered: the code is typed
        placed = whole["dossier_code"] or ""
        placed = "" if placed.startswith(UNASSIGNED_PREFIX) else placed
        dossier_form = (
            f'<form method="post" action="/web/review/{esc(document_id)}/dossier" '
            f'class="card filters">{csrf_field(desk.session.csrf)}'
            f'<label>Mã hồ sơ đúng<input name="dossier" value="{esc(placed)}" '
            + ('autocomplete="off"></label>' if placed else
               'placeholder="mã in trên phiếu tiếp nhận" autocomplete="off"></label>')
            + '<button type="submit" class="secondary">Chuyển hồ sơ</button></form>')
        accept = (f'<form method="post" action="/web/review/{esc(document_id)}/accept">'
                  f'{csrf_field(desk.session.csrf)}<button type="submit" data-key="a">'
                  "Duyệt xong tài liệu (a)</button></form>")
        back = '<p><a href="/web/review" data-key="q">← Hàng chờ (q)</a></p>'
        return desk.page(whole.get("title") or "Kiểm tra tài liệu",
                         head + KEYS + f'<section class="card">{"".join(rows)}<p>{nav}</p>'
                         f"</section>{type_form}{dossier_form}{accept}{back}",
                         here="/web/review")

    @write("/web/review/{document_id}/set", "Kiểm tra tài liệu")
    def set_field(desk: Desk, form: dict[str, str]) -> Response:
        document_id = desk.request.path_params["document_id"]
        key = form.get("field", "")
        result = _desk(desk).decide(desk.caller, "set", document_id, key,
                                    form.get("value", ""), reason=form.get("reason") or None,
                                    force=form.get("force") == "1")
        said = (f"Đã sửa «{field_name(key)}»: {result['old'] or '—'} → {result['new'] or '—'}"
                if result["old"] != result["new"] else f"Đã xác nhận «{field_name(key)}».")
        return RedirectResponse(url(f"/web/review/{document_id}", field=form.get("next") or key,
                                    said=said), status_code=303)

    @write("/web/review/{document_id}/type", "Kiểm tra tài liệu")
    def set_type(desk: Desk, form: dict[str, str]) -> Response:
        document_id = desk.request.path_params["document_id"]
        result = _desk(desk).decide(desk.caller, "type", document_id, form.get("doc_type", ""))
        return RedirectResponse(url(f"/web/review/{document_id}", said=(
            f"Loại giấy tờ: {type_name(result.get('doc_type'))}.")), status_code=303)

    @write("/web/review/{document_id}/dossier", "Kiểm tra tài liệu")
    def set_dossier(desk: Desk, form: dict[str, str]) -> Response:
        document_id = desk.request.path_params["document_id"]
        result = _desk(desk).move(desk.caller, document_id, form.get("dossier", ""))
        followers = len(result.get("followers") or ())
        said = (f"Đã chuyển giấy tờ sang hồ sơ {result['new']}"
                + (f", cùng {followers} giấy tờ quét sau giấy tiếp nhận." if followers else ".")
                if result["old"] != result["new"] else f"Đã xác nhận hồ sơ {result['new']}.")
        return RedirectResponse(url(f"/web/review/{document_id}", said=said), status_code=303)

    @write("/web/review/{document_id}/accept", "Kiểm tra tài liệu")
    def accept(desk: Desk, form: dict[str, str]) -> Response:
        document_id = desk.request.path_params["document_id"]
        _desk(desk).decide(desk.caller, "accept", document_id)
        return RedirectResponse(url("/web/review", done=document_id), status_code=303)


def _editor(desk: Desk, document_id: str, key: str, value: str | None, shown: dict[str, Any],
            crops: list[bytes], keys: list[str], at: int) -> str:
    images = "".join(
        f'<img class="crop" alt="Vùng ảnh của trường {esc(field_name(key))}" '
        f'src="data:image/png;base64,{base64.b64encode(c).decode()}">' for c in crops[:1])
    reading = (f'<p class="hint">Máy đọc được ở vùng này:</p><pre>{esc(shown["ocr_text"])}</pre>'
               if shown.get("ocr_text") and shown["images"] and shown["images"][0]["box"]
               else '<p class="hint">Không tìm thấy vị trí của trường trên trang; '
                    "ảnh cả trang ở trên.</p>")
    following = keys[at + 1] if at + 1 < len(keys) else key
    csrf = csrf_field(desk.session.csrf)
    hidden = (f'{csrf}<input type="hidden" name="field" value="{esc(key)}">'
              f'<input type="hidden" name="next" value="{esc(following)}">')
    action = f"/web/review/{esc(document_id)}/set"
    return (f"{images}{reading}"
            f'<form method="post" action="{action}" class="filters">{hidden}'
            f'<label>Giá trị đúng theo giấy<input name="value" value="{esc(value or "")}" '
            'data-key="e" autocomplete="off"></label>'
            '<label><span><input type="checkbox" name="force" value="1"> Giấy ghi đúng như '
            "vậy dù không hợp lệ</span></label>"
            '<label>Lý do (khi đánh dấu ở trên)<input name="reason"></label>'
            '<button type="submit">Lưu (Enter)</button></form>'
            f'<form method="post" action="{action}" class="inline">{hidden}'
            f'<input type="hidden" name="value" value="{esc(value or "")}">'
            '<button type="submit" data-key="c" class="secondary">Giá trị đúng (c)</button>'
            "</form>")
