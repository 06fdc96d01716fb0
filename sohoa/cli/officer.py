"""Officers: find earlier documents and reuse them instead of asking the citizen again."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from sohoa.cli import paths
from sohoa.cli.options import DAY_FORMS, day_callback, type_callback
from sohoa.cli.output import (
    DAY_WIDTH,
    add_whole_column,
    compact_table,
    emit_json,
    err,
    out,
    owner_said,
    type_name,
)
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_date, shown_field, shown_moment
from sohoa.errors import EXIT_NOT_FOUND, EXIT_OK, EXIT_VERIFY_FAILED
from sohoa.pipeline.papersigner import ink_marks, paper_signer
from sohoa.reasons import label as label_of
from sohoa.records import shown_dossier_code
from sohoa.vntext import shown_number
from sohoa.vocabulary import CERTIFIED_COPY, ORIGINAL, PAPER_FORM_NAMES, PAPER_FORM_SHORT


def _snippet_markup(snippet: str) -> str:
    """The index's HTML snippet (hits in <b>, the rest escaped) as one line of rich markup:
    its line breaks come from the page layout, and OCR text may hold "[" that rich would eat."""
    pieces = []
    for n, part in enumerate(re.split(r"</?b>", " ".join(snippet.split()))):
        text = escape(html.unescape(part))
        pieces.append(f"[reverse]{text}[/]" if n % 2 else text)
    return "".join(pieces)


def accountable(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--purpose`` and ``--user``: every read of personal data says who and why (logged)."""
    command = click.option(
        "--user", envvar="SOHOA_USER", metavar="TÊN",
        help="Ai đang xem, để ghi nhật ký truy cập (mặc định: người dùng của máy; biến môi "
             "trường SOHOA_USER).")(command)
    return click.option(
        "--purpose", envvar="SOHOA_PURPOSE", metavar="LÝ_DO",
        help="Xem để làm gì, ví dụ mã hồ sơ đang giải quyết (bắt buộc; biến môi trường "
             "SOHOA_PURPOSE). Được ghi vào nhật ký truy cập.")(command)


@click.command()
@click.argument("query", metavar="TỪ_KHÓA")
@click.option("--owner", metavar="SỐ",
              help="Chỉ giấy tờ của số định danh cá nhân / mã số doanh nghiệp này.")
@click.option("--type", "doc_type", metavar="LOẠI", callback=type_callback,
              help="Chỉ loại giấy tờ này (mã, tên loại hoặc tên gọi tắt, có dấu hay không, "
                   "ví dụ birth_certificate, \"Giấy khai sinh\" hay CCCD; xem "
                   "`sohoa types list`).")
@click.option("--unit", metavar="MÃ", help="Chỉ giấy tờ do đơn vị này tiếp nhận.")
@click.option("--from", "date_from", callback=day_callback, metavar="NGÀY",
              help=f"Cấp từ ngày này ({DAY_FORMS}).")
@click.option("--to", "date_to", callback=day_callback, metavar="NGÀY",
              help=f"Cấp đến ngày này ({DAY_FORMS}).")
@click.option("--limit", type=int, default=10, show_default=True, metavar="SỐ",
              help="Số kết quả tối đa (1 đến 100).")
@click.option("--json", "as_json", is_flag=True, help="Mỗi kết quả một dòng JSON.")
@accountable
@pass_state
def search(state: State, query: str, owner: str | None, doc_type: str | None, unit: str | None,
           date_from: date | None, date_to: date | None, limit: int, as_json: bool,
           purpose: str | None, user: str | None) -> None:
    """Tìm theo nội dung, không phân biệt dấu ("dong nai" tìm ra "Đồng Nai").

    TỪ_KHÓA để trống ("") chỉ khi có điều kiện lọc (--owner, --type, --unit, --from, --to):
    khi đó liệt kê các giấy tờ thỏa điều kiện."""
    from sohoa.pipeline import lookup

    hits = lookup.search(state.settings, query, owner=owner, doc_type=doc_type, unit=unit,
                         date_from=date_from, date_to=date_to, limit=limit,
                         caller=lookup.cli_caller(state.settings, user), purpose=purpose)
    if as_json:
        for hit in hits:
            emit_json(hit)
        return
    if not hits:
        out.print("không có giấy tờ nào khớp")
        return
    for hit in hits:
        # No owner yet: "?" (or the proposal) as the ingest line says it, never "None"
        # (tester16 F14).
        out.print(f"[bold]{hit['document_id']}[/] {type_name(hit['doc_type'])} chủ sở hữu="
                  f"{owner_said(hit)} hồ sơ={shown_dossier_code(hit['dossier_code'])} "
                  f"điểm={shown_number(hit['score'], 2)}",
                  soft_wrap=True)
        out.print(f"   {_snippet_markup(hit['snippet'])}")
    if len(hits) == limit:
        out.print(f"đang hiện {limit} kết quả đầu; có thể còn giấy tờ khớp nữa: --limit "
                  f"{min(limit * 2, lookup.SEARCH_LIMIT_MAX)} (tối đa "
                  f"{lookup.SEARCH_LIMIT_MAX}) hoặc thu hẹp bằng --owner/--type/--from/--to",
                  soft_wrap=True)


@click.command()
@click.argument("owner_id", metavar="SỐ_ĐỊNH_DANH")
@click.option("--type", "doc_type", metavar="LOẠI", callback=type_callback,
              help="Chỉ loại giấy tờ này.")
@click.option("--valid-on", callback=day_callback, metavar="NGÀY",
              help=f"Còn hiệu lực vào ngày này ({DAY_FORMS}; mặc định hôm nay).")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True,
              metavar="SỐ", help="Số giấy tờ mỗi trang (mới nhất trước).")
@click.option("--after", metavar="VỊ_TRÍ",
              help="Xem tiếp sau vị trí này (in ở cuối trang trước).")
@click.option("--json", "as_json", is_flag=True, help="Mỗi giấy tờ một dòng JSON.")
@accountable
@pass_state
def reuse(state: State, owner_id: str, doc_type: str | None, valid_on: date | None,
          limit: int, after: str | None, as_json: bool, purpose: str | None,
          user: str | None) -> None:
    """Chủ sở hữu này đã có những giấy tờ nào còn hiệu lực, để không phải nộp lại?

    SỐ_ĐỊNH_DANH: số định danh cá nhân hoặc mã số doanh nghiệp."""
    from sohoa.pipeline import lookup

    page = lookup.reuse(state.settings, owner_id, doc_type=doc_type, valid_on=valid_on,
                        caller=lookup.cli_caller(state.settings, user), purpose=purpose,
                        limit=limit, after=after)
    more = (f"còn giấy tờ tiếp theo: chạy lại đúng lệnh này với --after {page.next}"
            if page.next else None)
    if as_json:
        for row in page.documents:
            emit_json(row)
        if more:
            err.print(more, soft_wrap=True)  # one line, whatever the width: it is copied
        return
    if not page.documents:
        out.print(f"không có giấy tờ còn hiệu lực nào của {owner_id} trong kho"
                  + (" sau vị trí đó" if after else ""))
        return
    out.print(reuse_table(page.documents))
    if more:
        out.print(more, soft_wrap=True)


def _form_words(row: dict[str, Any]) -> str:
    """What the paper is, under its type (tester13 F19): a certified copy and the card it was
    copied from were two identical "Căn cước" rows, the copy's certification day shown as the
    card's issue day."""
    form = row.get("paper_form")
    if form == CERTIFIED_COPY:
        line = row.get("certified_copy") or {}
        number = (f" số {line['number']}" if line.get("number") is not None else "")
        return f"\n({PAPER_FORM_SHORT[CERTIFIED_COPY]}{number})"
    return f"\n({PAPER_FORM_SHORT[str(form)]})" if form in PAPER_FORM_SHORT else ""


def reuse_table(documents: list[dict[str, Any]]) -> Table:
    """The officer decides reuse from the dates: they are never cut, whatever the width (in
    80 columns they read "23/0…" while the issuing body took 12 lines); the number and the
    issuing body wrap instead."""
    table = compact_table()
    # Ids are copied into the next command: never cut. The type is its Vietnamese name (the
    # code took 18 columns and said nothing to an officer, tester10 F13/F27): it may wrap.
    add_whole_column(table, "giấy tờ", width=16)
    table.add_column("loại", ratio=1)
    table.add_column("số, ký hiệu", overflow="fold")
    table.add_column("cơ quan cấp", ratio=1)
    add_whole_column(table, "ngày cấp", width=DAY_WIDTH)
    add_whole_column(table, "hiệu lực\nđến", width=DAY_WIDTH)
    add_whole_column(table, "rà\nsoát")
    for r in documents:
        table.add_row(r["document_id"], type_name(r["doc_type"]) + _form_words(r),
                      r.get("document_number") or "",
                      r.get("issuing_body") or "", shown_date(r.get("issue_date"))
                      # a certified copy's date is its certification's, not the card's
                      + ("\n(chứng thực)" if r.get("paper_form") == CERTIFIED_COPY else ""),
                      validity_text(r, short=True),
                      "cần" if r.get("needs_review") else "")
    return table


@click.command()
@click.argument("document_id", metavar="MÃ_GIẤY_TỜ")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON (các khóa giữ tiếng Anh).")
@accountable
@pass_state
def show(state: State, document_id: str, as_json: bool, purpose: str | None,
         user: str | None) -> None:
    """Mọi thông tin về một giấy tờ: các trường, các trang và nguồn gốc, chữ ký số.

    MÃ_GIẤY_TỜ: mã in ra ở `sohoa search` hay `sohoa reuse`, hoặc 4 ký tự đầu trở lên của
    mã đó (đủ để không trùng)."""
    from sohoa.pipeline import lookup

    doc = lookup.show(state.settings, document_id,
                      caller=lookup.cli_caller(state.settings, user), purpose=purpose)
    if as_json:
        emit_json(doc)
        return
    if doc.get("status") == "disposed":
        gone = (doc.get("extra") or {}).get("disposal") or {}
        out.print(f"[bold red]ĐÃ TIÊU HỦY[/]: hủy ngày {shown_date(gone.get('at'))} theo "
                  f"danh mục tiêu hủy số {gone.get('list', '?')} "
                  f"({gone.get('decision') or ''}); "
                  "chỉ còn giữ thông tin nhận dạng")
    for key, label in _SHOWN.items():
        out.print(f"[bold]{label}[/]: {escape(_shown_value(doc, key))}", soft_wrap=True)
        if key == "owner_name" and doc.get("co_owner_ids"):
            # a shared paper (both spouses): also each of theirs, reusable by them
            out.print(f"[bold]cũng là giấy tờ của[/]: {escape(', '.join(doc['co_owner_ids']))}",
                      soft_wrap=True)
    for reason in doc.get("review_reasons") or []:
        out.print(f"  cần rà soát vì: {escape(reason)}", soft_wrap=True)
    for key, value in (doc.get("fields") or {}).items():
        out.print(f"  {escape(label_of(key))}: {escape(shown_field(value))}", soft_wrap=True)
    for line in signer_lines(doc):
        out.print(f"  {escape(line)}", soft_wrap=True)
    for line in set_aside_lines(doc):
        out.print(f"  {escape(line)}", soft_wrap=True)
    for before in (doc.get("extra") or {}).get("digitization_codes_before") or []:
        out.print(f"  mã số hóa trước đây: {escape(str(before.get('code')))} (đến "
                  f"{shown_moment(before.get('until'))})", soft_wrap=True)
    for flag in doc.get("field_flags") or []:
        out.print(f"  lưu ý: {escape(flag)}", soft_wrap=True)
    for page in doc.get("pages") or []:
        out.print(_page_line(page), soft_wrap=True, markup=False)
        if page.get("provenance"):
            out.print(f"    {page['provenance']}", soft_wrap=True, markup=False)
    for rescan in doc.get("rescans") or []:
        out.print(rescan_line(rescan), soft_wrap=True, markup=False)
    sig = doc.get("signature")
    out.print("chữ ký: " + (_signature_line(sig, doc) if sig else "chưa ký"), soft_wrap=True,
              markup=False)


# What `sohoa show` prints, as a clerk names it (--json keeps the keys).
_SHOWN = {"document_id": "mã giấy tờ", "doc_type": "loại", "title": "tên giấy tờ",
          "owner_id": "chủ sở hữu", "owner_name": "tên chủ sở hữu", "dossier_code": "hồ sơ",
          "issue_date": "ngày cấp", "valid_until": "hiệu lực đến", "confidence": "độ tin cậy",
          "needs_review": "cần rà soát", "digitization_code": "mã số hóa"}
# Said as the review reason says it (reasons.VALIDITY_UNREAD): one answer on every face.
UNKNOWN_VALIDITY = ("chưa rõ — cần nhập (không đọc được ngày mà thời hạn hiệu lực dựa vào; "
                    "chưa đưa ra dùng lại)")
# A form, a receipt, an unclassified paper: no validity at all, not "valid forever" (tester12
# F4); said as `sohoa types list` says it.
NOT_APPLICABLE = "không áp dụng (không phải giấy chứng nhận)"
_SIDES = {"front": "mặt trước", "back": "mặt sau"}
_SIGNATURE_KINDS = {"agency": "chữ ký số của cơ quan (sao y)",
                    "officer": "chữ ký số của cán bộ thực hiện"}
ORIGINAL_SIGNATURE = f"chữ ký số của cơ quan ban hành ({PAPER_FORM_NAMES[ORIGINAL]})"


def validity_text(doc: dict[str, Any], *, short: bool = False) -> str:
    """Until when a paper is valid, as every face says it: a date, unknown (to be entered),
    not applicable (the type proves nothing), or forever. ``short`` for a table cell."""
    from sohoa.doctypes import load_registry

    if not doc.get("validity_applies", load_registry().proves(doc.get("doc_type"))):
        return "không áp dụng" if short else NOT_APPLICABLE
    if doc.get("validity_unknown"):
        return UNKNOWN_VALIDITY
    return shown_date(doc["valid_until"]) if doc.get("valid_until") else "vĩnh viễn"


def signer_lines(doc: dict[str, Any]) -> list[str]:
    """Who signed the paper and the seals and hand signatures found on it, as read at ingest
    (tester15 F4: a review reason about the signer names a field the reviewer must see)."""
    lines = []
    if signer := paper_signer(doc):
        lines.append(f"người ký: {signer}")
    if marks := ink_marks(doc):
        lines.append("dấu, chữ ký tay: " + "; ".join(marks))
    return lines


def set_aside_lines(doc: dict[str, Any]) -> list[str]:
    """Fields a type correction took out of the record (its new type does not list them): still
    what the paper was read to say, so the reviewer sees them (tester11 F16)."""
    aside = (doc.get("extra") or {}).get("set_aside") or {}
    return [f"{label_of(key)}: {shown_field(value)} (đọc khi còn là "
            f"{type_name(aside.get('doc_type'))}; loại hiện tại không có trường này)"
            for key, value in (aside.get("fields") or {}).items()]


def _shown_value(doc: dict[str, Any], key: str) -> str:
    value = doc.get(key)
    if key == "owner_name":  # the record keeps the name under "owner"
        value = (doc.get("owner") or {}).get("name")
    elif key == "owner_id" and not value and doc.get("proposed_owner_id"):
        # read on the paper but not confirmed: never said as the owner
        return f"chưa xác định (đề xuất {doc['proposed_owner_id']}, chờ rà soát xác nhận)"
    elif key == "dossier_code":
        return shown_dossier_code(value)
    elif key == "digitization_code" and not value:
        # TT 01/2023's code names the owner: none before the owner (and the dossier, for a
        # paper that waits for review) is confirmed
        return "chưa cấp (chờ xác định chủ sở hữu hoặc rà soát)"
    elif key == "doc_type" and value:
        # The Vietnamese name, and the code an officer types after --type.
        name = (doc.get("archival") or {}).get("ten_loai_van_ban")
        return f"{name} ({value})" if name else str(value)
    elif key == "confidence":
        return _decimal(value)
    elif key == "valid_until":
        # One answer with reuse/dossier tables (tester11 F17); a date the paper does not give is
        # said so, never the catalog's year-1 sentinel (F2).
        return validity_text(doc)
    elif key == "issue_date":
        return shown_date(value)
    if isinstance(value, bool):
        return "có" if value else "không"
    return _shown(value)


def _decimal(value: Any) -> str:
    """0.93 as Vietnamese writes it: 0,93."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return _shown(value)
    return shown_number(value, 2)


def _page_line(page: dict[str, Any]) -> str:
    # Numbered from 1 as a clerk counts: the page in the document, then where it came from.
    side = _SIDES.get(str(page.get("side")), page.get("side"))
    parts = [f"  trang {page.get('position', page.get('index', 0)) + 1}: tệp "
             f"{page.get('source')} (trang {page.get('index', 0) + 1})"]
    if side:
        parts.append(str(side))
    parts.append(f"xoay {page.get('rotation') or 0}°")
    parts.append(f"độ tin cậy {_decimal(page.get('confidence'))}")
    return ", ".join(parts)


def rescan_line(rescan: dict[str, Any]) -> str:
    """A sheet scanned again since (a receipt brought back signed): its image is kept with the
    paper, not in the signed PDF — one line per version, where to find it."""
    return (f"  quét lại lần {rescan.get('version')}: tệp {rescan.get('source')} (trang "
            f"{int(rescan.get('index') or 0) + 1}), {shown_moment(rescan.get('at'))}; ảnh giữ "
            f"kèm giấy tờ (mã băm {str(rescan.get('blob_sha256'))[:12]}…), không có trong PDF "
            "đã ký")


def _signature_line(sig: dict[str, Any], doc: dict[str, Any] | None = None) -> str:
    extra = (doc or {}).get("extra") or {}
    if extra.get("born_digital") and extra.get("result_of"):
        # the issuing body's own signed file (`sohoa result add`): an original, no copy (F14);
        # said as `dossier show` and the archival export say it (vocabulary)
        kind = ORIGINAL_SIGNATURE
    else:
        kind = _SIGNATURE_KINDS.get(str(sig.get("kind")), sig.get("kind"))
    return (f"{kind}, mức {_shown(sig.get('level'))}, người ký {_shown(sig.get('signer'))}, "
            f"ký lúc {shown_moment(sig.get('signed_at'))}")


def _yes_no(value: bool, what: str) -> str:
    return what if value else f"không {what}"


# pyHanko's modification levels (the JSON keeps the code): what was added after signing.
_CHANGES = {"none": "không có", "lta_updates": "chỉ dữ liệu kiểm tra và dấu thời gian",
            "form_filling": "chỉ điền biểu mẫu", "annotations": "chỉ thêm ghi chú",
            "other": "có thay đổi nội dung"}


def _shown(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


@click.command()
@click.argument("document_id", metavar="MÃ_GIẤY_TỜ")
@click.option("-o", "--output", required=True, type=paths.OUTPUT_FILE,
              callback=paths.output_file_or_stdout,
              metavar="TỆP", help="Tệp sẽ ghi ra, hoặc - để ghi ra đầu ra chuẩn.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có.")
@accountable
@pass_state
def get(state: State, document_id: str, output: Path, force: bool, purpose: str | None,
        user: str | None) -> None:
    """Ghi bản PDF đã ký số của một giấy tờ trong kho ra tệp (hoặc ra đầu ra chuẩn với
    -o -)."""
    from sohoa.pipeline import lookup

    to_stdout = str(output) == "-"
    if to_stdout and sys.stdout.isatty():
        # A PDF's bytes on a terminal are noise that can garble it; refused before the read,
        # so the access log holds no read that delivered nothing.
        raise click.UsageError("đầu ra là màn hình: ghi ra tệp bằng -o TỆP, hoặc chuyển "
                               "hướng: > TỆP")
    paths.refuse_overwrite(output, force)
    # Every read of personal data is logged, so a read must be able to deliver: the new file
    # is made before the read (a name the file system refuses, a file that appeared since
    # the check) and removed again if the read is refused. An existing file (--force) is only
    # replaced once the PDF is in hand.
    made = None if to_stdout or output.exists() else paths.create_output_file(output)
    try:
        pdf = lookup.get_pdf(state.settings, document_id,
                             caller=lookup.cli_caller(state.settings, user), purpose=purpose)
    except BaseException:
        if made is not None:
            made.close()
            output.unlink(missing_ok=True)
        raise
    if to_stdout:
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        err.print(f"đã ghi {len(pdf)} byte ra đầu ra chuẩn")
        return
    if made is None:
        output.write_bytes(pdf)
    else:
        with made:
            made.write(pdf)
    out.print(f"đã ghi {output} ({len(pdf)} byte)")


@click.command()
@click.argument("file_or_id", metavar="TỆP_HOẶC_MÃ")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def verify(state: State, file_or_id: str, as_json: bool) -> None:
    """Kiểm tra chữ ký số của một tệp PDF (một tệp, hoặc mã giấy tờ trong kho) và đối chiếu
    mã QR sohoa in trên đó với sổ mục lục.

    Mã thoát: 0 chỉ khi cả hai đều đúng; 4 khi có chữ ký hay mã QR không hợp lệ (hay tệp PDF
    hỏng); 2 khi tệp không phải PDF (không có gì để kiểm tra); 5 khi không
    có tệp đó, cũng không có mã giấy tờ đó trong kho, hoặc khi mã QR thuộc hệ thống khác, không
    kiểm được ở đây."""
    from sohoa.errors import DestroyedError
    from sohoa.pipeline import lookup, qrcheck
    from sohoa.pipeline.codec import jsonable

    if not Path(file_or_id).is_file():  # a document id: it is looked up in an archive
        from sohoa.cli.state import check_archive_exists
        from sohoa.errors import NotFoundError

        if "/" in file_or_id or "\\" in file_or_id or file_or_id.lower().endswith(".pdf"):
            # a path typed wrong is no document id: "no such file" (5), as the help says
            raise NotFoundError(f"{file_or_id!r} không phải tệp, cũng không phải mã giấy tờ "
                                "trong kho: kiểm tra lại đường dẫn tới tệp")
        check_archive_exists(state.settings)
    try:
        report, later, validation_data = lookup.verify_file(state.settings, file_or_id)
    except DestroyedError as gone:
        if as_json:  # the same facts as the line on stderr, for a script
            emit_json({"valid": None, "verdict": "destroyed", "message": str(gone),
                       **gone.details})
        raise
    qr = lookup.verify_qr(state.settings, file_or_id)
    # a file that is the stored copy of a paper destroyed since: the verdict stays about the
    # signature, and the archive's word is said beside it
    gone_now = (lookup.destroyed_copy(state.settings, Path(file_or_id))
                if Path(file_or_id).is_file() else None)
    # A code naming another system, or a paper this catalog does not hold, cannot be checked
    # here: "not found" (exit 5), never "verification failed", unless a signature failed.
    elsewhere = qr["found"] and not qr["checkable"]
    if not report.valid or qr["agrees"] is False:
        verdict, code = "not_valid", EXIT_VERIFY_FAILED
    elif elsewhere:
        verdict, code = "cannot_check_here", EXIT_NOT_FOUND
    else:
        verdict, code = "valid", EXIT_OK
    if as_json:
        emit_json({"valid": None if verdict == "cannot_check_here" else verdict == "valid",
                   "verdict": verdict, "signatures_valid": report.valid,
                   "problems": list(report.problems),
                   "signatures": [{**jsonable(s.__dict__), "valid": s.valid}
                                  for s in report.signatures],
                   "later_revision": later,
                   # the revision after the last signature only added long-term validation data
                   "validation_data_added": validation_data,
                   "qr": {**qr, "problems": qrcheck.problems(qr)},
                   **({"archive": {"message": str(gone_now), **gone_now.details}}
                      if gone_now else {})})
    else:
        for s in report.signatures:
            mark = "[green]hợp lệ[/]" if s.valid else "[red]KHÔNG HỢP LỆ[/]"
            out.print(f"{mark} {s.field_name}: người ký {s.signer}, mức {s.level}, ký lúc "
                      f"{shown_moment(s.signed_at)}, {_yes_no(s.intact, 'nguyên vẹn')}, "
                      f"{_yes_no(s.trusted, 'tin cậy')}, {_yes_no(s.revoked, 'bị thu hồi')}, "
                      f"thay đổi sau khi ký: {_CHANGES.get(s.modification, s.modification)}")
            for problem in s.problems:
                out.print(f"    - {problem}")
        for problem in report.problems:
            out.print(f"[red]vấn đề[/]: {problem}")
        for note in later:
            out.print(f"[yellow]lưu ý[/]: {note}", markup=True)
        if validation_data:  # what a long-term signature adds: said as such, not as a change
            out.print(lookup.VALIDATION_DATA_NOTE, markup=False)
        if not qr["found"]:
            # sohoa prints its QR code only on the papers it issues itself; a digitized copy
            # of a scanned paper carries none, and a clerk read the bare line as a defect
            out.print("mã QR: không có (bình thường với bản số hóa giấy tờ: sohoa chỉ in mã QR "
                      "lên bản sao chứng thực, biên bản hủy, báo cáo chỉ số số hóa và sổ chứng "
                      "thực; với các giấy đó, thiếu mã QR là đáng ngờ)", soft_wrap=True)
        elif elsewhere:
            out.print(f"[yellow]mã QR: không kiểm tra được ở đây[/]: "
                      f"{escape(str(qr['payload'].get('paper')))} "
                      f"{escape(_qr_ref(qr['payload']))}: {escape(qr['reason'])}")
        elif qr["agrees"]:
            stored = " (đúng bản lưu trong kho)" if qr.get("stored_copy") else ""
            out.print(f"[green]mã QR khớp cơ sở dữ liệu[/]: {qr['payload'].get('paper')} "
                      f"{_qr_ref(qr['payload'])}, "
                      f"lập lúc {shown_moment(qr['payload'].get('issued'))}"
                      f"{stored}")
            for note in qr.get("notes", []):
                out.print(f"    - {escape(note)}")
        else:
            out.print(f"[red]mã QR không khớp cơ sở dữ liệu[/]: {qr['payload'].get('paper')} "
                      f"{_qr_ref(qr['payload'])}")
            for problem in qrcheck.problems(qr):
                out.print(f"    - {problem}")
        if gone_now is not None:
            out.print(f"[yellow]kho lưu trữ ghi nhận[/]: {escape(str(gone_now))}", soft_wrap=True)
        out.print("kết luận: " + {
            "valid": "[green]HỢP LỆ[/]", "not_valid": "[red]KHÔNG HỢP LỆ[/]",
            "cannot_check_here": "[yellow]KHÔNG KIỂM TRA ĐƯỢC Ở ĐÂY[/] (chữ ký hợp lệ; giấy tờ "
                                 "không thuộc cơ sở dữ liệu này)"}[verdict])
    raise SystemExit(code)


_PERIOD = re.compile(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})")


def _qr_ref(payload: dict) -> str:
    """The paper's reference as a clerk reads it: a report's period "kỳ 01/01/2025 –
    31/12/2025" (its code carries the ISO pair), any other paper's "số …"."""
    ref = str(payload.get("ref"))
    if m := _PERIOD.fullmatch(ref):
        return f"kỳ {shown_date(m[1])} – {shown_date(m[2])}"
    return f"số {ref}"


COMMANDS = [search, reuse, show, get, verify]
