"""Officers' pages: search with filters and paging, a document in full, the owner's reusable
documents and "dùng lại cho hồ sơ …". Every read goes through the Reader (policy, purpose,
access log), as the API's do."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from fastapi.responses import RedirectResponse, Response

from sohoa.api.web.html import (
    ROLE_NAMES,
    day_arg,
    day_field,
    dl,
    error_box,
    esc,
    field,
    field_name,
    notice,
    purpose_field,
    select,
    table,
    url,
    vn_date,
)
from sohoa.api.web.messages import web_wording
from sohoa.clock import shown_field, vietnam_today
from sohoa.doctypes import load_registry
from sohoa.errors import ConfigError
from sohoa.pipeline.papersigner import ink_marks, paper_signer
from sohoa.reasons import vietnamese
from sohoa.records import shown_dossier_code
from sohoa.roles import CHANNELS
from sohoa.roles import READ_ACTIONS as ACTIONS
from sohoa.vocabulary import ORIGINAL, PAPER_FORM_NAMES

if TYPE_CHECKING:
    from collections.abc import Callable

    from sohoa.api.web.routes import Desk

PAGE_SIZE = 10
MAX_RESULTS = 100  # the Reader's search limit: paging goes up to here
REUSE_PAGE = 20
KEYWORDS_HINT = 'placeholder="giấy khai sinh, &quot;đồng nai&quot; …" autofocus'


@lru_cache(maxsize=1)
def type_names() -> dict[str, str]:
    return {t.code: t.name for t in load_registry()}


def type_name(code: str | None) -> str:
    return type_names().get(code or "", code or "—")


def _form(row: dict[str, Any]) -> str:
    """What a reusable paper is (tester13 F19): original, certified copy (with its number),
    or digitized copy."""
    said = PAPER_FORM_NAMES.get(str(row.get("paper_form")), "")
    line = row.get("certified_copy") or {}
    if line.get("number") is not None:
        said += f" (số chứng thực {line['number']}" + (
            f", quyển số {line['book']})" if line.get("book") else ")")
    return said[:1].upper() + said[1:]


def _int(value: str, default: int) -> int:
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else default


def validity(doc: dict[str, Any], today: date) -> str:
    until = doc.get("valid_until")
    if doc.get("validity_unknown"):  # no readable date: not reusable until a person enters it
        return '<span class="bad">Chưa rõ thời hạn hiệu lực — cần nhập</span>'
    if not doc.get("validity_applies", True):  # a form, a receipt: proves nothing (F4)
        return "Không áp dụng (không phải giấy chứng nhận)"
    if not until:
        registry, code = load_registry(), doc.get("doc_type")
        if code in registry and registry.get(code).validity == "permanent":
            return "Vĩnh viễn"  # by its type (a marriage certificate), as `sohoa show` says
        return "Không ghi thời hạn"
    if date.fromisoformat(until[:10]) >= today:
        return f"Còn hiệu lực đến {vn_date(until)}"
    return f'<span class="bad">Hết hiệu lực (có hiệu lực đến hết ngày {vn_date(until)})</span>'


def install(view: Any, write: Any) -> None:

    @view("/web/search", "Tìm kiếm tài liệu")
    def search(desk: Desk) -> Response:
        a = desk.arg
        purpose = a("purpose")
        criteria = {"q": a("q"), "owner": a("owner"), "type": a("type"), "unit": a("unit"),
                    "from": a("from"), "to": a("to")}
        page = _int(a("page"), 1)
        date_from = day_arg(criteria["from"], "Ban hành từ ngày")
        date_to = day_arg(criteria["to"], "Ban hành đến ngày")
        form = f"""<form method="get" action="/web/search" class="card filters" role="search">
{purpose_field(purpose)}
{field("Từ khóa", "q", criteria["q"], extra=KEYWORDS_HINT)}
{field("Chủ sở hữu (số định danh / mã số DN)", "owner", criteria["owner"])}
{select("Loại giấy tờ", "type", {"": "Tất cả", **type_names()}, criteria["type"])}
{field("Đơn vị tiếp nhận", "unit", criteria["unit"])}
{day_field("Ban hành từ ngày", "from", date_from)}
{day_field("đến ngày", "to", date_to)}
<button type="submit">Tìm kiếm</button>
</form>"""
        asked = any(criteria.values())
        if not asked:
            return desk.page("Tìm kiếm tài liệu", form + notice(
                "Nhập từ khóa hoặc điều kiện lọc. Mọi lần tra cứu dữ liệu cá nhân đều được ghi "
                "nhật ký: ai, lúc nào, tra cứu gì, vì mục đích gì."), here="/web/search")
        want = min(MAX_RESULTS, page * PAGE_SIZE + 1)
        if (page - 1) * PAGE_SIZE >= MAX_RESULTS:
            raise ConfigError(f"chỉ xem được {MAX_RESULTS} kết quả đầu; hãy lọc thêm")
        hits = desk.reader.search(
            desk.caller, purpose, criteria["q"], owner=criteria["owner"] or None,
            doc_type=criteria["type"] or None, unit=criteria["unit"] or None,
            date_from=date_from, date_to=date_to, limit=want)
        shown = hits[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
        more = len(hits) > page * PAGE_SIZE
        rows = [(
            f'<a href="{esc(url("/web/documents/" + h["document_id"], purpose=purpose))}">'
            f'{esc(h.get("title") or type_name(h.get("doc_type")))}</a>',
            esc(type_name(h.get("doc_type"))),
            esc(h.get("owner_id") or "—") + (f'<br><small>{esc(h["owner_name"])}</small>'
                                             if h.get("owner_name") else ""),
            vn_date(h.get("issue_date")),
            esc(h.get("unit") or "—"),
            _snippet(h.get("snippet")),
        ) for h in shown]
        pager = _pager("/web/search", {**criteria, "purpose": purpose}, page, more)
        result = (table(["Tài liệu", "Loại", "Chủ sở hữu", "Ngày ban hành", "Đơn vị",
                         "Đoạn trích"], rows, cls="results") if rows
                  else notice("Không có tài liệu nào khớp."))
        return desk.page("Tìm kiếm tài liệu", form + f'<section aria-label="Kết quả">'
                         f'<p class="count">Trang {page} · {len(shown)} tài liệu</p>'
                         f"{result}{pager}</section>", here="/web/search")

    @view("/web/documents/{document_id}", "Chi tiết tài liệu")
    def document(desk: Desk) -> Response:
        document_id = desk.request.path_params["document_id"]
        purpose = desk.arg("purpose")
        if not purpose:
            return desk.page("Chi tiết tài liệu", _purpose_gate(
                "/web/documents/" + document_id))
        doc = desk.reader.show(desk.caller, purpose, document_id)
        history = desk.reader.document_history(desk.caller, document_id)
        return desk.page(doc.get("title") or type_name(doc.get("doc_type")),
                         _document_body(doc, history, purpose))

    @view("/web/documents/{document_id}/pages/{position}", "Ảnh trang")
    def page_image(desk: Desk) -> Response:
        return _numbered_image(desk, "position", "số trang không hợp lệ",
                               desk.reader.page_image)

    @view("/web/documents/{document_id}/rescans/{version}", "Ảnh quét lại")
    def rescan_image(desk: Desk) -> Response:
        return _numbered_image(desk, "version", "số lần quét lại không hợp lệ",
                               desk.reader.rescan_image)

    @view("/web/documents/{document_id}/pdf", "Tải PDF")
    def pdf(desk: Desk) -> Response:
        document_id = desk.request.path_params["document_id"]
        data = desk.reader.get_pdf(desk.caller, desk.arg("purpose"), document_id)
        return Response(data, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{document_id.strip()}.pdf"',
            "Cache-Control": "no-store"})

    @view("/web/owner", "Giấy tờ dùng lại được")
    def owner(desk: Desk) -> Response:
        a = desk.arg
        purpose, owner_id, doc_type, dossier = a("purpose"), a("owner"), a("type"), a("dossier")
        form = f"""<form method="get" action="/web/owner" class="card filters">
{purpose_field(purpose)}
{field("Số định danh cá nhân / mã số doanh nghiệp", "owner", owner_id, extra="required autofocus")}
{select("Loại giấy tờ", "type", {"": "Tất cả", **type_names()}, doc_type)}
{field("Dùng cho hồ sơ (mã hồ sơ)", "dossier", dossier)}
<button type="submit">Tra cứu giấy tờ còn hiệu lực</button>
</form>"""
        if not owner_id:
            return desk.page("Giấy tờ dùng lại được", form + notice(
                "Giấy tờ còn hiệu lực của một công dân hoặc doanh nghiệp, để không yêu cầu nộp "
                "lại giấy tờ cơ quan nhà nước đã lưu giữ."), here="/web/owner")
        answer = desk.reader.reuse(desk.caller, purpose, owner_id, doc_type=doc_type or None,
                                   limit=REUSE_PAGE, after=a("after") or None)
        rows = []
        for d in answer.documents:
            action = "—"
            if dossier:
                action = (f'<form method="post" action="/web/owner/reuse" class="inline">'
                          f'<input type="hidden" name="csrf" value="{esc(desk.session.csrf)}">'
                          f'<input type="hidden" name="purpose" value="{esc(purpose)}">'
                          f'<input type="hidden" name="owner" value="{esc(owner_id)}">'
                          f'<input type="hidden" name="dossier" value="{esc(dossier)}">'
                          f'<input type="hidden" name="document" value="{esc(d["document_id"])}">'
                          f'<button type="submit">Dùng lại cho hồ sơ {esc(dossier)}</button>'
                          "</form>")
            rows.append((
                f'<a href="{esc(url("/web/documents/" + d["document_id"], purpose=purpose))}">'
                f'{esc(d.get("title") or type_name(d.get("doc_type")))}</a>',
                esc(type_name(d.get("doc_type"))), esc(_form(d)), vn_date(d.get("issue_date")),
                vn_date(d.get("valid_until")) if d.get("valid_until") else "Không thời hạn",
                action))
        more = ""
        if answer.next:
            following = url("/web/owner", purpose=purpose, owner=owner_id, type=doc_type,
                            dossier=dossier, after=answer.next)
            more = f'<p><a class="button" href="{esc(following)}">Xem tiếp</a></p>'
        said = {"1": "Đã dùng lại giấy tờ cho hồ sơ.",
                "0": "Giấy tờ này đã được dùng cho hồ sơ từ trước; không có gì thay đổi."}
        body = form + notice(said.get(a("done"), "")) + (
            table(["Giấy tờ", "Loại", "Hình thức", "Ngày ban hành (bản sao: ngày chứng thực)",
                   "Hiệu lực đến", "Thao tác"], rows)
            if rows else notice("Chủ sở hữu này không có giấy tờ nào còn hiệu lực.")) + more
        return desk.page("Giấy tờ dùng lại được", body, here="/web/owner")

    @write("/web/owner/reuse", "Dùng lại giấy tờ")
    def reuse_for_dossier(desk: Desk, form: dict[str, str]) -> Response:
        _, changed = desk.dossiers.reuse(desk.caller, form.get("purpose"),
                                         form.get("dossier", ""), form.get("document", ""),
                                         component=None, from_store=False)
        return RedirectResponse(url("/web/owner", purpose=form.get("purpose"),
                                    owner=form.get("owner"), dossier=form.get("dossier"),
                                    done="1" if changed else "0"), status_code=303)


def _page_path(document_id: str, position: int) -> str:
    return f"/web/documents/{document_id}/pages/{position}"


def _rescan_path(document_id: str, version: int) -> str:
    return f"/web/documents/{document_id}/rescans/{version}"


def _snippet(snippet: str | None) -> str:
    """The index's snippet marks matches with <b>…</b>; everything else is escaped."""
    text = esc(snippet or "")
    return text.replace("&lt;b&gt;", "<b>").replace("&lt;/b&gt;", "</b>")


def _pager(path: str, params: dict[str, str], page: int, more: bool) -> str:
    links = []
    if page > 1:
        links.append(f'<a rel="prev" href="{esc(url(path, **params, page=page - 1))}">'
                     "← Trang trước</a>")
    if more:
        links.append(f'<a rel="next" href="{esc(url(path, **params, page=page + 1))}">'
                     "Trang sau →</a>")
    return f'<nav class="pager" aria-label="Phân trang">{" ".join(links)}</nav>' if links else ""


def _purpose_gate(path: str) -> str:
    return (error_box("Hãy ghi mục đích trước khi xem: mọi lần xem dữ liệu cá nhân đều được ghi "
                      "nhật ký cùng mục đích.")
            + f'<form method="get" action="{esc(path)}" class="card">{purpose_field("")}'
              '<button type="submit">Xem</button></form>')


def _document_body(doc: dict[str, Any], history: list[dict[str, Any]], purpose: str) -> str:
    doc_id = doc["document_id"]
    owner = doc.get("owner") or {}
    dossier = doc.get("dossier") or {}
    sig = doc.get("signature")
    signature = (f'Có chữ ký số {esc(sig["level"])} của {esc(sig["signer"])}, '
                 f'ký lúc {vn_date(sig["signed_at"])}' if sig
                 else '<span class="bad">Chưa ký số</span>')
    review = ("Đã kiểm tra" if not doc.get("needs_review")
              else '<span class="bad">Chờ kiểm tra</span>: '
                   + esc("; ".join(web_wording(vietnamese(r))
                                   for r in doc.get("review_reasons") or [])))
    # the paper's own signer and ink as read at ingest (tester15 F4), as `sohoa show` says
    # them: not the digital signature below, which is the copier's
    signer, marks = paper_signer(doc), ink_marks(doc)
    paper_ink = [*([("Người ký trên bản giấy", esc(signer))] if signer else []),
                 *([("Dấu, chữ ký tay", "<br>".join(esc(m) for m in marks))] if marks else [])]
    facts = dl([
        ("Loại", esc(type_name(doc.get("doc_type")))),
        ("Chủ sở hữu", esc(owner.get("name") or "—")
         + f' ({esc(doc.get("owner_id") or "chưa rõ")})'),
        ("Số, ký hiệu", esc(doc.get("document_number") or "—")),
        ("Cơ quan ban hành", esc(doc.get("issuing_body") or "—")),
        ("Ngày ban hành", vn_date(doc.get("issue_date"))),
        ("Hiệu lực", validity(doc, vietnam_today())),
        ("Hồ sơ", esc(shown_dossier_code(doc.get("dossier_code")))
         + (f' · {esc(dossier.get("procedure_name") or dossier.get("procedure_code"))}'
            if dossier.get("procedure_name") or dossier.get("procedure_code") else "")),
        ("Mã số hóa", esc(doc.get("digitization_code") or "—")),
        ("Đơn vị tiếp nhận", esc(doc.get("unit") or "—")),
        *paper_ink,
        ("Chữ ký số", signature),
        ("Tình trạng kiểm tra", review),
        ("Mã tài liệu", f"<code>{esc(doc_id)}</code>"),
    ])
    fields = table(["Trường", "Giá trị"], [(esc(field_name(k)), esc(shown_field(v)))
                                           for k, v in (doc.get("fields") or {}).items()])
    pages = "".join(
        (f'<figure><img src="{esc(url(_page_path(doc_id, p["position"]), purpose=purpose))}" '
         f'alt="Trang {p["position"] + 1}" loading="lazy"><figcaption>Trang {p["position"] + 1}'
         if p.get("blob_sha256") else
         # a born-digital result's page: nothing was scanned, the signed PDF is the page
         f'<figure><figcaption>Trang {p["position"] + 1}: {PAPER_FORM_NAMES[ORIGINAL]}, không '
         'có ảnh quét (xem PDF đã ký)')
        + (f'<br><small>{esc(p["provenance"])}</small>' if p.get("provenance") else "")
        + "</figcaption></figure>" for p in doc.get("pages") or [])
    # the sheet scanned again since (a receipt brought back signed): kept beside the paper
    rescans = "".join(
        f'<figure><img src="{esc(url(_rescan_path(doc_id, r["version"]), purpose=purpose))}" '
        f'alt="Quét lại lần {r["version"]}" loading="lazy"><figcaption>Quét lại lần '
        f'{r["version"]}, {vn_date(r.get("at"))}<br><small>tệp {esc(r.get("source"))} '
        f'(trang {int(r.get("index") or 0) + 1})</small></figcaption></figure>'
        for r in doc.get("rescans") or [])
    log = table(["Thời điểm", "Người xem", "Vai trò, đơn vị", "Thao tác", "Kênh", "Mục đích"], [
        (vn_date(e.get("at")), esc(e.get("user")),
         esc(f'{ROLE_NAMES.get(e.get("role") or "", e.get("role"))} {e.get("unit") or ""}'),
         esc(ACTIONS.get(e.get("action") or "", e.get("action"))),
         esc(CHANNELS.get(e.get("channel") or "", e.get("channel"))), esc(e.get("purpose")))
        for e in history])
    pdf = esc(url(f"/web/documents/{doc_id}/pdf", purpose=purpose))
    return (f'<p><a class="button" href="{pdf}">Xem PDF đã ký</a></p>'
            f'<section class="card"><h2>Thông tin</h2>{facts}</section>'
            f'<section class="card"><h2>Các trường đã đọc</h2>{fields}</section>'
            f'<section class="card"><h2>Ảnh các trang</h2><div class="pages">{pages}</div>'
            "</section>"
            + (f'<section class="card"><h2>Các lần quét lại tờ này</h2><p>Cùng nội dung chữ '
               "in với giấy tờ đã lưu; ảnh được giữ kèm vì có thể có thêm chữ ký, bút tích "
               f'(không có trong PDF đã ký).</p><div class="pages">{rescans}</div></section>'
               if rescans else "")
            + f'<section class="card"><h2>Lịch sử truy cập</h2>{log}</section>')


def _numbered_image(desk: Desk, key: str, refused: str,
                    read: Callable[[Any, str | None, str, int], tuple[bytes, str]]) -> Response:
    """A document's image numbered by the path's ``key`` (a page, a rescan), never cached."""
    params = desk.request.path_params
    number = params[key]
    if not number.isdigit():
        raise ConfigError(refused)
    data, media = read(desk.caller, desk.arg("purpose"), params["document_id"], int(number))
    return Response(data, media_type=media, headers={"Cache-Control": "no-store"})
