"""Agreement across a dossier's documents: one person's address read on several papers."""

from __future__ import annotations

from dataclasses import replace

from sohoa.doctypes import load_registry
from sohoa.pipeline.agreement import Reading, agree, damaged_copy, same_text
from sohoa.pipeline.assemble import PageItem, draft_dossier
from sohoa.synth import make_person, render_document
from tests.pipeline.test_pipeline_assemble import _item

HOME = "Số 464, đường Cách Mạng Tháng Tám, tổ 1, phường Chánh Nghĩa, thành phố Thủ Dầu Một, " \
       "tỉnh Bình Dương"


def test_ocr_variants_of_one_address_are_the_same_text() -> None:
    assert same_text(HOME, HOME.replace("Tháng", "Thông"))
    assert same_text(HOME, HOME.replace("Cách Mạng ", ""))  # words OCR lost
    assert same_text(HOME, HOME.replace("Số 464, ", "464, "))


def test_two_addresses_are_not_one() -> None:
    moved = HOME.replace("Cách Mạng Tháng Tám", "Lê Lợi")
    assert not same_text(HOME, moved)
    assert not damaged_copy(moved, HOME) and not damaged_copy(HOME, moved)
    assert not same_text(HOME, HOME.replace("Số 464", "Số 46"))  # another house
    assert not damaged_copy(HOME.replace("tổ 1", "tổ 7"), HOME)


def test_the_reading_most_documents_show_wins() -> None:
    damaged = HOME.replace("Tháng", "Thông")
    changes = agree([Reading(0, HOME, 0.90), Reading(1, damaged, 0.95), Reading(2, HOME, 0.91)])
    assert [(c.doc, c.value, c.sources) for c in changes] == [(1, HOME, (0, 2))]


def test_of_two_readings_of_a_name_the_listed_one_wins_over_the_surer_paper() -> None:
    # tester16 F9: one name read right on one paper and a mark wrong on another; the paper's
    # OCR confidence said little, the names of ocr/names.txt say which reading is a name.
    changes = agree([Reading(0, "Đỗ Văn Hưởng", 0.80), Reading(1, "Đỗ Văn Hướng", 0.95)],
                    names=True)
    assert [(c.doc, c.value) for c in changes] == [(1, "Đỗ Văn Hưởng")]
    # Both listed ("Thủy", "Thúy"): the surer paper, as before; the majority first.
    changes = agree([Reading(0, "Lê Thị Thủy", 0.80), Reading(1, "Lê Thị Thúy", 0.95)],
                    names=True)
    assert [(c.doc, c.value) for c in changes] == [(0, "Lê Thị Thúy")]
    changes = agree([Reading(0, "Đỗ Văn Hướng", 0.8), Reading(1, "Đỗ Văn Hưởng", 0.9),
                     Reading(2, "Đỗ Văn Hướng", 0.7)], names=True)
    assert [(c.doc, c.value) for c in changes] == [(1, "Đỗ Văn Hướng")]


def test_a_damaged_copy_yields_only_to_several_documents() -> None:
    lost = HOME.replace("Chánh Nghĩa, thành phố ", "")  # a whole unit lost
    assert not same_text(lost, HOME) and damaged_copy(lost, HOME)
    assert agree([Reading(0, HOME, 0.9), Reading(1, lost, 0.99)]) == []
    changes = agree([Reading(0, HOME, 0.9), Reading(1, lost, 0.99), Reading(2, HOME, 0.8)])
    assert [(c.doc, c.value) for c in changes] == [(1, HOME)]


def test_different_addresses_are_left_alone_even_outvoted() -> None:
    moved = HOME.replace("Cách Mạng Tháng Tám", "Lê Lợi")
    assert agree([Reading(0, HOME, 0.9), Reading(1, moved, 0.99), Reading(2, HOME, 0.9)]) == []


def _dossier(edit: dict[str, tuple[str, str]], types: list[str]
             ) -> tuple[list[PageItem], str, str]:
    person = make_person(5)
    items: list[PageItem] = []
    code = ""
    for k, doc_type in enumerate(types):
        doc = render_document(doc_type, 5 + k, person=person)
        for lines in doc.truth.page_lines:
            text = "\n".join(lines)
            for old, new in [edit[doc_type]] if doc_type in edit else []:
                assert old in text
                text = text.replace(old, new)
            if doc_type == "dossier_receipt":
                code = doc.truth.fields["dossier_code"]
            items.append(_item(len(items), text, code=code if doc_type == "dossier_receipt"
                               else None))
    return items, code, person.address


TYPES = ["dossier_receipt", "application_form", "residence_confirmation"]


def test_dossier_restores_a_misread_address_and_says_so() -> None:
    items, code, home = _dossier({"application_form": ("30 Tháng 4", "30 Thông 4")}, TYPES)
    registry = load_registry()
    drafts = draft_dossier(items, code, registry, threshold=0.6)
    assert [d.extraction.values()["address"] for d in drafts] == [home] * 3
    note = drafts[1].agreed["address"]
    assert "Thông" in note and "1 (" in note and "3 (" in note
    assert not drafts[0].agreed and not drafts[2].agreed
    # The note is stored with the document, where `sohoa review show` finds it.
    from sohoa.pipeline.stages import document_record

    stored = [document_record(d, registry, f"{n:064d}", "0" * 64, 1, None, None, "job")
              for n, d in enumerate(drafts)]
    assert stored[1].extra["agreed"] == {"address": note}
    assert "agreed" not in stored[0].extra


def test_dossier_keeps_two_genuinely_different_addresses() -> None:
    street = "đường 30 Tháng 4"
    edit = {t: (street, "đường Trần Phú") for t in TYPES}
    edit["application_form"] = (street, "đường Lê Lợi")
    items, code, home = _dossier(edit, TYPES)
    drafts = draft_dossier(items, code, load_registry(), threshold=0.6)
    got = [d.extraction.values()["address"] for d in drafts]
    assert got == [home.replace(street, s) for s in
                   ("đường Trần Phú", "đường Lê Lợi", "đường Trần Phú")]
    assert not any(d.agreed for d in drafts)


def test_a_parcel_address_is_not_the_owner_s() -> None:
    items, code, home = _dossier({}, ["dossier_receipt", "application_form",
                                      "land_use_certificate"])
    drafts = draft_dossier(items, code, load_registry(), threshold=0.6)
    parcel = drafts[2].extraction.values()["address"]
    assert parcel != home and not drafts[2].agreed


def test_dossier_restores_a_misread_name_and_the_owner_s_name() -> None:
    # A misread letter ("Uyết"): a tone mark confused alone ("Uyến") is already re-read
    # against the name lexicon on the paper itself (names.second_reading).
    items, code, _home = _dossier({"application_form": ("HỒ KIM UYÊN", "HỒ KIM UYẾT")}, TYPES)
    drafts = draft_dossier(items, code, load_registry(), threshold=0.6)
    assert [d.extraction.values()["full_name"] for d in drafts] == ["Hồ Kim Uyên"] * 3
    assert "Uyết" in drafts[1].agreed["full_name"]
    assert drafts[1].owner_name == drafts[1].extraction.owner_name == "Hồ Kim Uyên"


def test_a_misread_unit_yields_to_the_confirmed_one_but_not_a_street() -> None:
    home = "Số 437, đường Hùng Vương, khu phố 9, xã Bảo Quang, thành phố Long Khánh, " \
           "tỉnh Đồng Nai"
    misread = home.replace("xã Bảo Quang, thành phố", "Bảo Chung: thành ph")
    changes = agree([Reading(0, home, 0.90), Reading(1, misread, 0.95)])
    assert [(c.doc, c.value) for c in changes] == [(1, home)]
    # a street is not a unit: another street with a damaged unit is another address
    moved = misread.replace("Hùng Vương", "Lê Lợi")
    assert agree([Reading(0, home, 0.90), Reading(1, moved, 0.95), Reading(2, home, 0.9)]) \
        == []


def test_a_refused_id_reading_takes_the_owner_another_paper_names() -> None:
    # No receipt. The application form's number was read with the birth year's digit wrong
    # (038301223492 → 038381223492: born 1981, the form prints 2001): refused, no owner of its
    # own; the residence confirmation names 038301223492 confidently, one digit away and born
    # 2001 as this form prints: the same person's paper.
    registry = load_registry()
    types = ["residence_confirmation", "application_form"]
    items, _, _ = _dossier({"application_form": ("038301223492", "038381223492")}, types)
    drafts = draft_dossier(items, None, registry, 0.6)
    form = drafts[1]
    assert drafts[0].owner_id == "038301223492"
    assert form.owner_id == "038301223492" and form.owner_from == "dossier"
    assert "038381223492" in form.agreed["owner_id"]
    assert form.extraction.fields["id_number"].flag  # the misread stays for the reviewer


def test_a_refused_reading_that_another_birth_date_would_explain_stays_ownerless() -> None:
    # The form's number is refused (born 2001 by the number, 1995 by the form) and one digit
    # from the other paper's owner, but that owner's number does not agree with the birth
    # date this form prints either: nothing says whose paper it is.
    registry = load_registry()
    types = ["residence_confirmation", "application_form"]
    items, _, _ = _dossier({"application_form": ("23/08/2001", "23/08/1995")}, types)
    form_text = items[1].analysis.ocr.text
    items[1] = _item(1, form_text.replace("038301223492", "038301223495"))
    drafts = draft_dossier(items, None, registry, 0.6)
    assert drafts[1].owner_id is None and "owner_id" not in drafts[1].agreed


def _unsure(item: PageItem, number: str, readings: str) -> PageItem:
    """``item`` whose recognition found the readings of ``number`` disagreeing."""
    ocr = replace(item.analysis.ocr, unsure_ids=((number, readings),))
    return replace(item, analysis=replace(item.analysis, ocr=ocr))


def test_a_proposed_owner_another_paper_reads_confidently_is_confirmed() -> None:
    # No receipt. The application form's number was read right, but a reading alone said
    # another digit (issue 18, seed 59 page 5900019: "…655753" and "…695753"): proposed, sent
    # to a person. The residence confirmation prints the same number and reads it sure.
    registry = load_registry()
    items, _, _ = _dossier({}, ["residence_confirmation", "application_form"])
    items[1] = _unsure(items[1], "038301223492", "038301223492/038301223452")
    alone = draft_dossier(items[1:], None, registry, 0.6)[0]
    assert alone.owner_proposed and alone.confirmed_owner_id is None
    drafts = draft_dossier(items, None, registry, 0.6)
    form = drafts[1]
    assert drafts[0].owner_id == form.owner_id == form.confirmed_owner_id == "038301223492"
    assert not any(r.startswith(("Chủ sở hữu", "Số định danh")) for r in form.review_reasons)
    assert "038301223492/038301223452" in form.agreed["owner_id"]
    assert form.extraction.owner_id == "038301223492"


def test_a_proposal_no_other_paper_reads_or_that_fails_a_check_stays_proposed() -> None:
    registry = load_registry()
    # The other paper is the spouse's or reads another number: nothing confirms it.
    items, _, _ = _dossier({"residence_confirmation": ("038301223492", "038301223452")},
                           ["residence_confirmation", "application_form"])
    items[1] = _unsure(items[1], "038301223492", "038301223492/038301223452")
    form = draft_dossier(items, None, registry, 0.6)[1]
    assert form.owner_proposed and form.confirmed_owner_id is None
    # The other paper's owner is itself only proposed: no one's evidence.
    items, _, _ = _dossier({}, ["residence_confirmation", "application_form"])
    items = [_unsure(item, "038301223492", "038301223492/038301223452") for item in items]
    drafts = draft_dossier(items, None, registry, 0.6)
    assert all(d.owner_proposed for d in drafts)


def test_two_readings_of_an_address_only_ocr_confidence_tells_apart_are_each_kept() -> None:
    """tester19 F10: the receipt's clean print read "Đồng Khới", the card's photocopy "Đồng
    Khởi" (right); the surer paper's reading overwrote the card's. Nothing but the papers' OCR
    confidence told them apart: each keeps its own."""
    read = "Số 207 đường Đồng Khởi, phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh"
    misread = read.replace("Khởi", "Khới")
    assert agree([Reading(0, misread, 0.96), Reading(1, read, 0.84)]) == []
    # a third paper that reads it right settles it
    assert [(c.doc, c.value) for c in agree([Reading(0, misread, 0.96), Reading(1, read, 0.84),
                                             Reading(2, read, 0.9)])] == [(0, read)]
