"""tester18 F4: a signer's title read but its name lost (a seal's letter gone from the rank line,
a pen speck read as a line) was kept as the title alone with no review. An authority's paper
prints its signer's name: a title with no name goes to a person; a receipt's officer, who often
writes the name by hand, does not."""

from __future__ import annotations

from test_pipeline_assemble import _item

from sohoa.doctypes import load_registry
from sohoa.pipeline.assemble import draft_document

REGISTRY = load_registry()

EXTRACT = """ỦY BAN NHÂN DÂN
PHƯỜNG BẾN NGHÉ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
TRÍCH LỤC KHAI SINH
Họ, chữ đệm, tên: NGUYỄN VĂN AN
Ngày, tháng, năm sinh: 02/03/2019
Số định danh cá nhân: 079219001234
Phường Bến Nghé, ngày 05 tháng 3 năm 2024
KT. CHỦ TỊCH
PHÓ HỦ TỊCH
(Ký tên, đóng dấu)
2°/
"""


def _signer_reasons(text: str, doc_type: str) -> tuple[dict | None, list[str]]:
    draft = draft_document([_item(0, text)], "H19.22-240305-0001", REGISTRY, None, 0.5, None)
    assert draft.classification.doc_type == doc_type, draft.classification
    return draft.signer, [r for r in draft.review_reasons if r.startswith("Người ký")]


def test_a_title_without_its_name_goes_to_a_person() -> None:
    signer, asked = _signer_reasons(EXTRACT, "birth_certificate")
    assert signer is not None and not signer.get("name")
    assert asked and "không đọc được họ tên người ký" in asked[0], asked


def test_a_title_with_its_name_asks_nothing() -> None:
    signer, asked = _signer_reasons(EXTRACT.replace("2°/\n", "Mai Hồng Thủy\n").replace(
        "PHÓ HỦ TỊCH", "PHÓ CHỦ TỊCH"), "birth_certificate")
    assert signer is not None and signer.get("name") == "Mai Hồng Thủy"
    assert not asked, asked
