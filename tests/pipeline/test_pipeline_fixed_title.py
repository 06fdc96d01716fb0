"""A known type's title read a mark wrong takes the type's fixed spelling (tester10 F20: every
receipt was titled "GIẤY TIẾP NHẬN HỒ SỞ VÀ HẸN TRÀ KẾT QUẢ"); a title far from the listed
one, or another real title, is kept as read."""

from __future__ import annotations

import pytest

from sohoa.doctypes import load_registry
from sohoa.ocr.fields.fixedtitle import fixed_title
from sohoa.pipeline.analysis import PageAnalysis
from sohoa.pipeline.assemble import PageItem, draft_dossier
from sohoa.records import OcrPage, Page
from sohoa.synth import render_document

REGISTRY = load_registry()


def _draft_title(doc_type: str, seed: int, read: str) -> str:
    doc = render_document(doc_type, seed)
    lines = [read if line == doc.truth.title else line for line in doc.truth.page_lines[0]]
    assert read in lines
    page = Page(source="b.pdf", index=0, source_sha256="0" * 64, data=b"p", mime="image/jpeg",
                width=1654, height=2339, dpi=200)
    ocr = OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0, width=1654, height=2339,
                  dpi=200, words=(), text="\n".join(lines), confidence=0.9)
    code = doc.truth.fields.get("dossier_code")
    drafts = draft_dossier([PageItem(page, PageAnalysis(page.sha256, False, code, ocr))],
                           code, REGISTRY, threshold=0.6)
    assert drafts[0].classification.doc_type == doc_type
    return drafts[0].title


@pytest.mark.parametrize(("doc_type", "read", "title"), [
    ("dossier_receipt", "GIẤY TIẾP NHẬN HỒ SỞ VÀ HẸN TRÀ KẾT QUẢ",
     "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    ("residence_confirmation", "XÁC NHẬN THÔNG TIN.VỀ CƯ TRÚ", "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"),
])
def test_a_misread_title_of_a_known_type_is_stored_in_its_spelling(
        doc_type: str, read: str, title: str) -> None:
    assert _draft_title(doc_type, 5, read) == title


@pytest.mark.parametrize(("doc_type", "read", "title"), [
    ("dossier_receipt", "Giấy tiếp nhận hồ sở", "Giấy tiếp nhận hồ sơ"),  # its own case
    ("birth_certificate", "TRÍCH LUC KHAI SINH", "TRÍCH LỤC KHAI SINH"),
    # listed as printed both ways: the old tone placement is not "corrected"
    ("power_of_attorney", "GIẤY UỶ QUYỀN", "GIẤY UỶ QUYỀN"),
    # another real title, and a reading whose every mark is lost: kept as read
    ("dossier_receipt", "GIẤY BIÊN NHẬN HỒ SƠ", "GIẤY BIÊN NHẬN HỒ SƠ"),
    ("dossier_receipt", "GIAY TIEP NHAN HO SO VA HEN TRA KET QUA",
     "GIAY TIEP NHAN HO SO VA HEN TRA KET QUA"),
    ("decision", None, None),
])
def test_only_a_near_reading_of_a_listed_title_is_respelled(
        doc_type: str, read: str | None, title: str | None) -> None:
    assert fixed_title(read, REGISTRY.get(doc_type).titles) == title


def test_every_listed_title_read_exactly_is_kept_with_its_punctuation() -> None:
    # review11b M2: the land certificate's "… ĐẤT, QUYỀN SỞ HỮU …" lost its comma.
    for spec in REGISTRY:
        for title in spec.titles:
            assert fixed_title(title, spec.titles) == title


LAND = "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"


@pytest.mark.parametrize(("read", "title"), [
    # a mark lost: respelled, and the title's comma is written (read or not)
    ("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐÁT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT", LAND),
    ("GIẤY CHỨNG NHẬN QUYỀN SỬ DUNG ĐẤT QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT", LAND),
    # five marks wrong on a long title: more than "a couple", kept as read (min, not max)
    ("GIAY CHUNG NHAN QUYEN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
     "GIAY CHUNG NHAN QUYEN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"),
])
def test_a_long_title_keeps_its_comma_and_at_most_three_marks_are_respelled(
        read: str, title: str) -> None:
    assert fixed_title(read, REGISTRY.get("land_use_certificate").titles) == title


def test_the_page_text_and_words_carry_the_fixed_title() -> None:
    # tester16 F1: the catalogue's title was right, but the stored text, the search snippet
    # and the archived PDF's text layer (made from the words) kept "HỒ SỞ … TRÀ".
    from sohoa.records import Word

    read = "GIẤY TIẾP NHẬN HỒ SỞ VÀ HẸN TRÀ KẾT QUẢ"
    doc = render_document("dossier_receipt", 5)
    lines = [read if line == doc.truth.title else line for line in doc.truth.page_lines[0]]
    words = tuple(Word(text=w, left=40 * k, top=10 * n, width=30, height=20, confidence=90.0,
                       line=n)
                  for n, line in enumerate(lines) for k, w in enumerate(line.split()))
    page = Page(source="b.pdf", index=0, source_sha256="0" * 64, data=b"p", mime="image/jpeg",
                width=1654, height=2339, dpi=200)
    ocr = OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0, width=1654, height=2339,
                  dpi=200, words=words, text="\n".join(lines), confidence=0.9)
    code = doc.truth.fields.get("dossier_code")
    draft = draft_dossier([PageItem(page, PageAnalysis(page.sha256, False, code, ocr))],
                          code, REGISTRY, threshold=0.6)[0]
    fixed = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
    got = draft.pages[0].analysis.ocr
    assert draft.title == fixed
    assert fixed in got.text.splitlines() and read not in got.text
    assert " ".join(w.text for w in got.words).count(fixed) == 1
    # Every other line and word as read.
    changed = [(a.text, b.text) for a, b in zip(words, got.words, strict=True) if a != b]
    assert changed == [("SỞ", "SƠ"), ("TRÀ", "TRẢ")]
