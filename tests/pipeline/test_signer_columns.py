"""The signer's block read in its column with the words' boxes (issue 18): a receipt's two
signing columns, a card's fingerprint captions beside the officer's block, a decision's
authority line above the legal basis (tester17 F8, F12, t17-09)."""

from __future__ import annotations

from sohoa.ocr.fields.signer import signer_of
from sohoa.records import OcrPage, Word

# A line's top, and each piece's left and text (and height, when not the page's).
Row = tuple[int, list[tuple[int, str] | tuple[int, str, int]]]


def _page(rows: list[Row], height: int = 30) -> OcrPage:
    """A page whose line ``n`` is ``rows[n]``: its pieces' words 18 px a letter, 12 px apart."""
    words: list[Word] = []
    for line, (top, pieces) in enumerate(rows):
        for left, text, *tall in pieces:
            for token in text.split():
                words.append(Word(token, left, top, 18 * len(token), tall[0] if tall else height,
                                  95.0, 0, line))
                left += 18 * len(token) + 12
    text = "\n".join(" ".join(p[1] for p in sorted(pieces)) for _, pieces in rows)
    return OcrPage(page_sha256="0" * 64, rotation=0, skew=0.0, width=2480, height=3508,
                   dpi=300, words=tuple(words), text=text, confidence=0.9)


def test_a_receipts_officer_is_read_under_the_officers_title_however_the_rows_run() -> None:
    # Both columns read row by row (tester17 F12, s1702 t17-05): text alone cannot tell the
    # applicant's name from the officer's.
    page = _page([
        (1100, [(230, "6. Vào Sổ theo dõi hồ sơ, Quyển số: 01, Số thứ tự: 0107")]),
        (1230, [(330, "NGƯỜI NỘP HỒ SƠ"), (1000, "NGƯỜI TIẾP NHẬN HỒ SƠ")]),
        (1280, [(400, "(Ký và ghi rõ họ tên)"), (1050, "(Ký và ghi rõ họ tên)")]),
        (1480, [(370, "Lê Minh Sỹ"), (1060, "Vũ Thanh Quỳnh")]),
    ])
    assert signer_of(page.text) is None  # the row holds both titles: none is read
    assert signer_of(page.text, [page]) == {"title": "NGƯỜI TIẾP NHẬN HỒ SƠ",
                                            "name": "Vũ Thanh Quỳnh"}
    # the columns one after the other, the applicant's name read after the officer's title
    page = _page([
        (1230, [(1000, "NGƯỜI TIẾP NHẬN HỒ SƠ")]),
        (1280, [(1050, "(Ký và ghi rõ họ tên)")]),
        (1480, [(370, "Lê Minh Sỹ")]),
        (1480, [(1060, "Vũ Thanh Quỳnh")]),
        (1230, [(330, "NGƯỜI NỘP HỒ SƠ")]),
    ])
    assert signer_of(page.text, [page])["name"] == "Vũ Thanh Quỳnh"


def test_a_cards_officer_is_read_past_the_fingerprint_captions_beside_the_block() -> None:
    # The back of a citizen's card (tester17 F8, t17-01/-06): the fingerprint boxes' captions
    # and edges read between the title and the name, and in the title's own lines.
    page = _page([
        (1594, [(712, "Ngày, tháng, năm / Date, month, year: 05/02/2023")]),
        (1641, [(710, "CỤC TRƯỞNG CỤC CẢNH SÁT"), (1327, "| Š LỊ")]),
        (1674, [(658, "Ì"), (707, "QUẢN LÝ HÀNH CHÍNH VỀ")]),
        (1686, [(1080, "TRẬT TỰ XÃ HỘI")]),
        (1725, [(833, "Ị"), (1420, "SA AI")]),
        (1750, [(900, "XIN,", 14)]),  # the seal's small lettering: no more of the title
        (1781, [(1337, "Ngón trỏ trái"), (1572, "Ngón trỏ phải")]),
        (1800, [(796, "Trịnh Minh Hiếu")]),
        (1914, [(701, "IDVNM0745349833040074534983<<5")]),
    ])
    assert signer_of(page.text, [page]) == {
        "title": "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI",
        "name": "Trịnh Minh Hiếu"}
    assert "name" not in (signer_of(page.text) or {})


def test_the_authority_line_above_the_legal_basis_is_no_signer() -> None:
    # A decision turned 90° read its closing columns row by row (tester17 t17-09): the
    # authority line "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG …" over "Căn cứ …" was the only title
    # in the text and became the catalogue's signer.
    page = _page([
        (508, [(1004, "QUYẾT ĐỊNH")]),
        (717, [(445, "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG HƯNG BÌNH")]),
        (828, [(458, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;")]),
        (1042, [(460, "Điều 1. Hỗ trợ kinh phí sửa chữa nhà ở cho ông Đỗ Đức Ước")]),
        (1595, [(372, "Nơi nhận:"), (1484, "KT. CHỦ TỊCH")]),
        (1661, [(373, "- Như Điều 3;"), (1467, "PHÓ CHỦ TỊCH")]),
        (1730, [(404, "- Lưu: VT.")]),
        (1700, [(1481, "ghi rõ họ tên, đóng dấu)")]),
        # the seal's ring lettering in small print between the title and the name
        (1806, [(1487, 'UY BA"', 14)]),
        (1854, [(1450, "NHAN DAN Của", 14)]),
        (1989, [(1561, "SỐ")]),
        (2029, [(1481, "Huỳnh Hữu Lộc")]),
    ])
    assert signer_of(page.text) is None
    assert signer_of(page.text, [page]) == {"title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
                                            "name": "Huỳnh Hữu Lộc"}


def test_a_row_of_the_block_cut_where_a_word_was_lost_is_read_as_one_line() -> None:
    # Seed 313 p28: "Thiếu tá [Lê] Văn Yến", the surname lost under the pen; a speck taller
    # than the line above the name is a row of its own.
    page = _page([
        (1559, [(350, "Nơi nhận:"), (1479, "TRƯỞNG CÔNG AN")]),
        (1635, [(1420, "(Ký, ghi rõ họ tên và đóng dấu)")]),
        (1900, [(1600, "à")]),
        (2010, [(1487, "Thiếu tá")]),
        (2014, [(1680, "Văn Yến")]),
    ])
    assert signer_of(page.text, [page]) == {"title": "TRƯỞNG CÔNG AN", "name": "Văn Yến",
                                            "rank": "Thiếu tá"}
