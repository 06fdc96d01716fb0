"""tester12 F10: a dossier opened with its applicant (`dossier open CODE --owner …`), then its
batch ingested: the bare code sheet went to review, "Chủ sở hữu: không đọc được", though the
dossier names its applicant. The opened dossier's applicant, and only it, stands where a
receipt's would: the sheet and the papers naming no one take it; a paper naming someone else
keeps its own; a dossier known only from its scans gives no one."""

from __future__ import annotations

from pathlib import Path

from archivist_helpers import make_home, opened, store

from sohoa.archive import Archive
from sohoa.doctypes import load_registry
from sohoa.pipeline.analysis import PageAnalysis
from sohoa.pipeline.assemble import PageItem, draft_dossier
from sohoa.records import Extraction, OcrPage, Page
from sohoa.synth import make_person, render_document

CODE = "H19.22-261207-0101"
OWNER = "075203001234"
PROCEDURE = "2.001610.000.00.00.H19"


def _item(n: int, text: str, code: str | None = None) -> PageItem:
    page = Page(source="d_batch_scan.pdf", index=n, source_sha256="0" * 64,
                data=f"page {n}".encode(), mime="image/jpeg", width=1654, height=2339, dpi=200)
    ocr = OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0, width=1654, height=2339,
                  dpi=200, words=(), text=text, confidence=0.93, blank=False)
    return PageItem(page, PageAnalysis(page.sha256, False, code, ocr))


def test_the_code_sheet_and_unnamed_papers_take_the_opened_dossiers_applicant() -> None:
    registry = load_registry()
    sheet = _item(0, f"PHIẾU TIẾP NHẬN HỒ SƠ\nMã hồ sơ: {CODE}", code=CODE)
    other = render_document("birth_certificate", 8, person=make_person(41))
    items = [sheet, *(_item(1 + k, "\n".join(lines))
                      for k, lines in enumerate(other.truth.page_lines))]

    before = draft_dossier(items, CODE, registry, threshold=0.6)
    assert before[0].classification.doc_type == "dossier_receipt"
    assert before[0].owner_id is None and any(r.startswith("Chủ sở hữu")
                                              for r in before[0].review_reasons)

    applicant = Extraction({}, OWNER, "person", None)
    drafts = draft_dossier(items, CODE, registry, threshold=0.6, opened=applicant)
    assert drafts[0].owner_id == OWNER and drafts[0].owner_from == "dossier", drafts[0]
    assert not any(r.startswith("Chủ sở hữu") for r in drafts[0].review_reasons)
    # the birth certificate names its own person: never the applicant's
    assert drafts[1].owner_id == other.truth.owner_id != OWNER
    # pages before any code sheet belong to no dossier: no applicant for them
    loose = draft_dossier(items[1:], None, registry, threshold=0.6, opened=applicant)
    assert all(d.owner_id != OWNER for d in loose)


def _reads_of_dossiers(archive: Archive, code: str) -> tuple[object, int]:
    """``scanned_into``'s answer, and how many statements it sent that read the dossiers."""
    from sqlalchemy import event

    from sohoa.archive.dossiers import scanned_into

    sent: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    engines = {id(e): e for e in (archive._writer, archive._reader)}.values()
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        answer = scanned_into(archive, code)
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
    return answer, sum("FROM dossiers" in s for s in sent)


def test_only_an_opened_dossier_names_an_applicant(tmp_path: Path) -> None:
    from sohoa.archive.dossiers import opened_applicant
    from sohoa.pipeline import dossierdesk

    settings = make_home(tmp_path / "home")
    with opened(settings) as archive:
        # known only from its scans (a paper filed under it): it names no one
        store(archive, None, "scan", dossier="HS-SCAN-1", owner_id=OWNER)
        assert opened_applicant(archive, "HS-SCAN-1") is None
        assert opened_applicant(archive, CODE) is None
        dossierdesk.open_dossier(archive, settings, CODE, procedure=PROCEDURE, owner=OWNER,
                                 unit="H19.22", by="Lan")
        assert opened_applicant(archive, CODE) == (OWNER, "person", "Nguyễn Thị Ánh Tuyết")
        assert _reads_of_dossiers(archive, CODE) == (
            (None, (OWNER, "person", "Nguyễn Thị Ánh Tuyết"), PROCEDURE), 1)
        assert _reads_of_dossiers(archive, "HS-SCAN-1") == ((None, None, None), 1)


def test_a_paper_scanned_into_a_dossier_that_is_over_goes_to_review(tmp_path: Path) -> None:
    """tester12 F20: another citizen's card behind the code sheet of a dossier whose result
    was handed back was filed there, confident, unflagged, and `dossier show` did not list
    it. Stored (nothing lost), but a person looks first; the dossier shows every paper."""
    from click.testing import CliRunner

    from sohoa.archive.dossiers import settled
    from sohoa.cli.main import cli
    from sohoa.pipeline import dossierdesk
    from sohoa.pipeline.stages import settled_reason

    settings = make_home(tmp_path / "home")
    with opened(settings) as archive:
        dossierdesk.open_dossier(archive, settings, CODE, procedure=PROCEDURE, owner=OWNER,
                                 unit="H19.22", by="Lan")
        assert settled(archive, CODE) is None
        for status in ("processing", "resolved"):
            dossierdesk.set_status(archive, CODE, status, at=None, by="Lan")
            assert settled(archive, CODE) is None, status  # results are still scanned then
        dossierdesk.set_status(archive, CODE, "returned", at=None, by="Lan")
        status, since = settled(archive, CODE) or ("", None)
        assert status == "returned" and since is not None
        # what store_dossier asks of the dossier (is it over; else its applicant) is one read
        assert _reads_of_dossiers(archive, CODE) == (((status, since), None, PROCEDURE), 1)
        why = settled_reason(CODE, status, since)
        assert why.startswith("Hồ sơ: hồ sơ H19.22-261207-0101 đã ở trạng thái “Đã trả kết "
                              "quả” từ "), why
        late = store(archive, None, "late-paper", dossier=CODE, owner_id="079199004321",
                     doc_type="birth_certificate", title="GIẤY KHAI SINH")
    shown = CliRunner(env={"SOHOA_USER": "Lan"}).invoke(
        cli, ["--home", str(settings.home), "dossier", "show", CODE])
    assert shown.exit_code == 0, shown.output
    assert "giấy tờ khác trong hồ sơ" in shown.output and late in shown.output, shown.output


def test_a_late_paper_of_a_dossier_that_is_over_takes_its_applicant_only_as_a_proposal() -> None:
    """review12b S1: behind the printed receipt of a returned dossier, a form whose number is
    not read took the receipt's applicant as its confirmed owner and was announced at once."""
    from datetime import UTC, datetime

    from sohoa.pipeline.stages import settle_late_papers

    registry = load_registry()
    sheet = _item(0, f"PHIẾU TIẾP NHẬN HỒ SƠ\nMã hồ sơ: {CODE}", code=CODE)
    form = _item(1, "ĐƠN ĐỀ NGHỊ\nHọ và tên: VÕ MỸ NGỌC CHI")
    applicant = Extraction({}, OWNER, "person", None)
    drafts = draft_dossier([sheet, form], CODE, registry, threshold=0.6, opened=applicant)
    assert drafts[1].owner_id == OWNER and not drafts[1].owner_proposed  # the dossier's form
    settle_late_papers(drafts, CODE, "returned", datetime(2026, 12, 1, 3, tzinfo=UTC))
    assert all(d.needs_review and d.confirmed_owner_id is None for d in drafts), drafts
    assert all(d.review_reasons[-1].startswith("Hồ sơ: hồ sơ H19.22-261207-0101 đã ở trạng "
                                               "thái “Đã trả kết quả” từ 01/12/2026")
               for d in drafts)
