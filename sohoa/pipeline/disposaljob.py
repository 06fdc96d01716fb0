"""``sohoa disposal execute``: carry out an approved disposal list and keep its signed
destruction record (biên bản hủy tài liệu hết giá trị).

The catalog steps and their crash-safety are ``sohoa.archive.disposal``'s; this module runs them
in batches with progress, then builds the record (PDF/A in Vietnamese, ``sohoa.pdf.textpdf``),
signs it with the agency's key (``sohoa.signing``) and hands it to the archive to keep. Running
the same command again after an interruption (Ctrl-C, kill -9, power cut) resumes: items already
disposed are not touched again, blobs a crash left behind are removed, the record is written
once the last item is done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sohoa.archive import Archive, disposal
from sohoa.archive.archivist_models import ITEM_DISPOSED, ITEM_SKIPPED
from sohoa.clock import shown_date
from sohoa.doctypes import Registry, load_registry
from sohoa.errors import SigningError, SohoaError, WorkflowError
from sohoa.pdf import qrmark
from sohoa.pdf.textpdf import TextDocument
from sohoa.pipeline import anchors
from sohoa.pipeline.progress import NoProgress, Progress
from sohoa.pipeline.services import make_signer, open_archive
from sohoa.pipeline.settings import Settings
from sohoa.signing import DocumentSigner
from sohoa.signing.settings import vietnam_time

# Papers per disposal transaction. Each paper's dossier takes two advisory locks
# (`dossier:`/`sync-order:`), so a batch holds up to 2 × BATCH of them at once on PostgreSQL:
# 400, within the shared lock table (max_locks_per_transaction 64 × max_connections 100 by
# default). Raise it with that in mind (review14a N13).
BATCH = 200
METHOD = ("xóa vĩnh viễn các tệp (bản PDF và ảnh trang) khỏi kho lưu trữ số và khỏi chỉ mục "
          "tìm kiếm; giữ lại thông tin nhận dạng của từng tài liệu trong cơ sở dữ liệu "
          "(bản ghi đã hủy)")


def execute(settings: Settings, list_id: int, *, by: str, dry_run: bool = False,
            emit: Callable[[dict[str, Any]], None] = lambda _e: None,
            progress: Progress | None = None) -> dict[str, Any]:
    with open_archive(settings) as archive:
        # A key problem stops us first. The record is the agency's own original: no copy stamp.
        signer = None if dry_run else make_signer(settings, original=True)
        return execute_in(archive, list_id, by=by, signer=signer, agency=settings.agency,
                          dry_run=dry_run, emit=emit, progress=progress, settings=settings)


def execute_in(archive: Archive, list_id: int, *, by: str, signer: DocumentSigner | None,
               agency: str, dry_run: bool = False,
               emit: Callable[[dict[str, Any]], None] = lambda _e: None,
               progress: Progress | None = None, today: date | None = None,
               registry: Registry | None = None,
               settings: Settings | None = None) -> dict[str, Any]:
    """Execute (or preview) the list; only what is due on ``today`` (Viet Nam's day by
    default) is destroyed, the rest is kept and named in the record. ``settings``: the home
    whose ``sohoa status`` must learn of a refused check (``check_signer_ready``)."""
    progress = progress or NoProgress()
    registry = registry or load_registry()  # the retention periods each item is checked against
    disposal.check_executable(archive, list_id)
    if dry_run:
        outcomes = disposal.preview(archive, list_id, today=today, registry=registry)
        for outcome in outcomes:
            emit({**outcome, "dry_run": True})
        return {"list": list_id, "dry_run": True,
                "would_dispose": sum(o["disposed"] for o in outcomes),
                "would_skip": sum(not o["disposed"] for o in outcomes)}
    if signer is None:
        raise WorkflowError("thực hiện hủy cần khóa ký số của cơ quan để ký biên bản hủy")
    # Destruction cannot be undone and its record must be signed: a signer that cannot sign
    # now (PKI, OCSP/CRL or TSA unreachable) is refused before anything is deleted, not after;
    # as every job's, its refusal clears the "ready" status keeps (tester11 F13).
    if settings is not None:
        from sohoa.pipeline.signerstatus import check_signer_ready

        check_signer_ready(settings, signer, desk=False)
    else:
        signer.check_ready()
    started = disposal.start(archive, list_id, by=by)
    decision = started["decision"] or ""
    progress.start(started["counts"]["listed"])

    def drain_blobs() -> None:
        while items := disposal.blobs_to_remove(archive, list_id, BATCH):
            disposal.remove_blobs(archive, list_id, items, by=by)

    drain_blobs()  # what a crash between a batch's commit and its blob removal left
    while batch := disposal.pending(archive, list_id, BATCH):
        for outcome in disposal.dispose(archive, list_id, batch, by=by, decision=decision,
                                     today=today, registry=registry):
            emit(outcome)
        drain_blobs()
        progress.advance(len(batch))
    archive.sync_index()  # disposed documents leave the search index now, not at next search

    final = disposal.get(archive, list_id)
    items = final["items"]
    # every run's deletions, not this run's: a resumed list's record counts what the
    # interrupted run deleted
    freed = disposal.deleted(archive, list_id)
    summary = {
        "disposed": sum(i["status"] == ITEM_DISPOSED for i in items),
        "skipped": sum(i["status"] == ITEM_SKIPPED for i in items),
        "pages": sum(i["pages"] for i in items if i["status"] == ITEM_DISPOSED),
        "blobs_removed": freed["removed"], "blobs_shared": freed["shared"],
        "bytes_freed": freed["bytes"],
    }
    runner = final["executed_by"] or by
    if not disposal.same_person(runner, by):  # resumed by someone else: both ran it
        runner = f"{runner} (bắt đầu), {by} (hoàn tất)"
    record = destruction_record(final, agency=agency, executed_by=runner,
                                at=datetime.now(UTC), summary=summary,
                                heads=archive.log_heads())
    try:
        signed, _sig = signer.sign(record)
    except SohoaError as exc:
        # The papers are gone by now: say so, and that the record is still owed.
        raise SigningError(record_owed(str(exc), list_id, summary["disposed"],
                                       summary["blobs_removed"])) from exc
    done = disposal.finish(archive, list_id, signed, by=by, summary=summary)
    # The record names the heads before it; a checkpoint beside the blobs anchors the
    # disposal's own events too.
    anchors.make(archive, signer, agency=agency, reason=f"disposal-list:{list_id}", by=by)
    return {**done, "summary": summary}


def destruction_record(lst: dict[str, Any], *, agency: str, executed_by: str, at: datetime,
                       summary: dict[str, Any],
                       heads: dict[str, dict[str, Any]] | None = None) -> bytes:
    """The biên bản hủy as a PDF/A: which list, on whose decision, what was destroyed and
    how, what was kept back and why."""
    number = lst["list"]
    local = datetime.fromisoformat(vietnam_time(at))
    doc = TextDocument(landscape=True, size=10)
    doc.qr_code(qrmark.payload_text(qr_fields(lst, agency=agency, at=at, summary=summary)))
    doc.header_columns(
        [agency.upper(), f"Số: {number}/BB-HTL"],
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    doc.title("BIÊN BẢN HỦY TÀI LIỆU HẾT GIÁ TRỊ",
              sub=f"Danh mục tài liệu hết giá trị số {number}")
    begun = _local(lst["started_at"]) if lst.get("started_at") else local
    # The destruction ended when its last paper's files were deleted, not when the record
    # is made: a record owed after a signing failure is made days later (review10b L).
    ends = [_local(i["done_at"]) for i in lst["items"] if i.get("done_at")]
    finished = max(ends) if ends else local
    made = f"{local:%d} tháng {local:%m} năm {local:%Y}, lúc {local:%H giờ %M}"
    if f"{begun:%Y%m%d%H%M}" == f"{local:%Y%m%d%H%M}" == f"{finished:%Y%m%d%H%M}":
        doc.paragraph(f"Hôm nay, ngày {local:%d} tháng {local:%m} năm {local:%Y}, lúc "
                      f"{local:%H giờ %M}, tại {agency}, tiến hành hủy các tài liệu hết giá trị "
                      "theo danh mục dưới đây.")
    else:
        # A list executed over time (a long list, or a run interrupted and resumed): the
        # record says when the destruction began, not only when the record was made.
        doc.paragraph(f"Ngày {begun:%d} tháng {begun:%m} năm {begun:%Y}, lúc "
                      f"{begun:%H giờ %M}, tại {agency}, bắt đầu hủy các tài liệu hết giá trị "
                      "theo danh mục dưới đây; " + (
                          f"việc hủy hoàn tất và biên bản này được lập ngày {made}."
                          if f"{finished:%Y%m%d%H%M}" == f"{local:%Y%m%d%H%M}" else
                          f"việc hủy hoàn tất ngày {finished:%d} tháng {finished:%m} năm "
                          f"{finished:%Y}, lúc {finished:%H giờ %M}; biên bản này được lập "
                          f"ngày {made}."))
    doc.field("Căn cứ:", f"{legal_basis(begun.date())}; {lst['decision'] or ''} "
              f"(quyết định hủy); Danh mục tài liệu hết giá trị số {number}.")
    doc.field("Ngày phê duyệt:", _day(lst["approved_at"]) + f" — người phê duyệt: "
              f"{lst['approved_by']}{_ran(lst['approved_by'], lst.get('approved_run_by'))}")
    doc.field("Danh mục lập ngày:", _day(lst["proposed_at"]) + f" — người lập: "
              f"{lst['proposed_by']}{_ran(lst['proposed_by'], lst.get('proposed_run_by'))}"
              f" — tính đến ngày {_day(lst['as_of'])}")
    doc.field("Thuyết minh:", lst["note"])
    doc.field("Người thực hiện:", executed_by)
    doc.field("Phương thức hủy:", METHOD)
    shared = summary.get("blobs_shared", 0)
    # A file still pointed at by a kept document (the same page image, or the original of a
    # signed or form PDF several papers were cut from) stays: the record says so rather than
    # let "đã hủy" claim what is still on disk.
    kept = (f"; {shared} tệp còn giữ vì tài liệu khác còn lưu dùng chung (ảnh trang trùng, hoặc "
            "bản gốc của tệp PDF đã ký/biểu mẫu chứa cả tài liệu khác)") if shared else ""
    doc.field("Kết quả:", f"đã hủy {summary['disposed']} tài liệu ({summary['pages']} trang), "
              f"xóa {summary['blobs_removed']} tệp ({summary['bytes_freed']} byte){kept}; "
              f"{summary['skipped']} tài liệu không hủy (xem mục II).")
    disposed = [i for i in lst["items"] if i["status"] == ITEM_DISPOSED]
    skipped = [i for i in lst["items"] if i["status"] == ITEM_SKIPPED]
    # The record is the only lasting statement of what was destroyed: every cell in full
    # (wrapped, never cut), types by their Vietnamese names.
    doc.heading(f"I. Tài liệu đã hủy ({len(disposed)})")
    doc.table(["STT", "Mã tài liệu", "Loại tài liệu", "Tên tài liệu", "Số, ký hiệu", "Hồ sơ",
               "Chủ sở hữu", "Ngày ban hành", "Số trang", "Thời hạn", "Hết hạn"],
              [[str(i["position"]), i["document_id"], _type_name(i["doc_type"]), i["title"],
                i["document_number"] or "", i["dossier_code"], i["owner_id"] or "",
                _day(i["issue_date"]), str(i["pages"]), i["retention"],
                _day(i["eligible_on"])] for i in disposed],
              [9, 30, 32, 46, 20, 30, 24, 23, 14, 15, 19], wrap=True)
    doc.heading(f"II. Tài liệu không hủy ({len(skipped)})")
    if skipped:
        doc.table(["STT", "Mã tài liệu", "Loại tài liệu", "Tên tài liệu", "Hồ sơ", "Lý do"],
                  [[str(i["position"]), i["document_id"], _type_name(i["doc_type"]),
                    i["title"], i["dossier_code"], _reason_vi(i["reason"] or "")]
                   for i in skipped],
                  [9, 30, 32, 56, 30, 90], wrap=True)
    else:
        doc.paragraph("Không có.")
    closing = ["Biên bản này được lập thành bản điện tử, ký số bởi cơ quan và lưu trữ vĩnh "
               "viễn trong kho lưu trữ số."]
    if heads:
        # The record is signed and kept outside the catalog's reach (blob, printouts): the
        # heads it states anchor both logs as they stood when the records were destroyed.
        closing.append("Điểm neo nhật ký khi lập biên bản: "
                       + "; ".join(anchors.heads_text(heads)) + ".")
    doc.signatures(["NGƯỜI THỰC HIỆN", executed_by],
                   ["NGƯỜI PHÊ DUYỆT", lst["approved_by"] or ""], lead=closing)
    return doc.pdf(title=f"Biên bản hủy tài liệu hết giá trị — danh mục số {number}",
                   author=agency, subject=lst["decision"] or "",
                   keywords=["biên bản hủy", "tài liệu hết giá trị", f"danh mục {number}"],
                   created=at)


PAPER = "Biên bản hủy tài liệu hết giá trị"
QR_KIND = "disposal-record"


def qr_fields(lst: dict[str, Any], *, agency: str, at: datetime,
              summary: dict[str, Any]) -> dict[str, Any]:
    """What the record's QR code states (TT 01/2023 Điều 26), all of it checkable against the
    list in the catalog by ``sohoa verify``: the list's number, its decision and how many
    documents and pages were destroyed."""
    return {"system": qrmark.system_name(agency), "paper": PAPER, "kind": QR_KIND,
            "ref": str(lst["list"]), "issued": vietnam_time(at),
            "decision": lst["decision"] or "", "disposed": summary["disposed"],
            "pages": summary["pages"]}


# The archives law the destruction is done under, by the day it is done: Luật Lưu trữ 2024
# (33/2024/QH15) and its circular on digital archival records (TT 05/2025/TT-BNV) from
# 01/07/2025, Luật Lưu trữ 2011 (01/2011/QH13) before (research notes vn-requirements §0, §5).
# 01/07/2025 is the law's day (sourced); the circular's own day is inferred (dated 14/05/2025,
# it details the law; its companion TT 06/2025/TT-BNV is in force 01/07/2025): the sources and
# what to check are in docs/retention-rules.md, "The record's legal basis" (review14a N3).
ARCHIVES_LAW_2024 = date(2025, 7, 1)


def legal_basis(day: date) -> str:
    """What the record is made under (its "Căn cứ"): the law in force on the day of the
    destruction; the head's decision and the list follow it in the record."""
    if day >= ARCHIVES_LAW_2024:
        return "Luật Lưu trữ số 33/2024/QH15; Thông tư số 05/2025/TT-BNV của Bộ Nội vụ"
    return "Luật Lưu trữ số 01/2011/QH13"


def _ran(named: str | None, runner: str | None) -> str:
    """Who really ran a step (recorded since session 13: SOHOA_USER, the OS user, the web's
    signed-in user), beside the name typed for it, when they differ (tester13 F12)."""
    if not runner or disposal.same_person(named, runner):
        return ""
    return f" (tài khoản thực hiện trên hệ thống: {runner})"


def _local(value: str) -> datetime:
    """A stored instant on Viet Nam's wall clock (a naive one is UTC, as the catalog keeps)."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return datetime.fromisoformat(vietnam_time(moment))


def _type_name(code: str) -> str:
    registry = load_registry()
    return registry.get(code).name if code in registry else code


def _day(value: str | None) -> str:
    """A day, or the Vietnamese day of an instant (an approval at 18:00 UTC is dated the next
    day in Viet Nam, as the record a person signs must say)."""
    return shown_date(value) if value else ""


def _reason_vi(reason: str) -> str:
    """Reasons are written in Vietnamese; lists executed by earlier versions kept English
    ones, which are put into words here rather than quoted."""
    if reason.startswith("on legal hold"):
        holds = reason.removeprefix("on legal hold").split("placed")[0].strip()
        return f"đang bị phong tỏa theo lệnh lưu giữ số {holds} (đặt sau khi danh mục được " \
               "phê duyệt)"
    if reason.startswith("no longer stored"):
        return "không còn lưu trong kho"
    return reason


def record_owed(cause: str, list_id: int, disposed: int, removed: int) -> str:
    """What the archivist is told when the papers are destroyed but the record is not signed
    (the web says it with its own control: ``sohoa.api.web.messages``)."""
    return (f"{cause}\nCác tài liệu của danh mục {list_id} đã bị hủy ({disposed} tài liệu, "
            f"xóa {removed} tệp) nhưng biên bản hủy chưa lập được vì chưa ký số được. Khi ký "
            f"được, chạy lại: sohoa disposal execute {list_id} (chỉ lập biên bản, không hủy "
            "lại gì)")
