import unicodedata
from datetime import date

import numpy as np
import pytest

from sohoa.idcodes import citizen_id_problems, enterprise_code_valid, mrz_check_digit
from sohoa.synth import DOC_TYPES, SEVERITIES, DocTruth, make_person, render_document
from sohoa.synth.document import FIELD_KEYS
from sohoa.synth.parts import date_in_words, number_words, vn_date

REQUIRED = ("dossier_receipt", "application_form", "citizen_id_card", "birth_certificate",
            "residence_confirmation", "decision", "business_registration")


def test_doc_types_cover_the_registry_codes():
    assert set(REQUIRED) <= set(DOC_TYPES)
    assert SEVERITIES == ("clean", "light", "medium", "heavy")


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_every_type_renders_with_consistent_truth(clean_docs, doc_type):
    doc = clean_docs[doc_type]
    truth = doc.truth
    assert isinstance(truth, DocTruth) and truth.doc_type == doc_type
    assert doc.dpi == 200
    assert len(doc.pages) == len(truth.page_lines) >= 1
    for page, lines in zip(doc.pages, truth.page_lines, strict=True):
        assert page.size == (1654, 2339)  # A4 at 200 dpi
        assert page.mode in ("L", "RGB")
        assert len(lines) >= 10
        for line in lines:
            assert line == unicodedata.normalize("NFC", line) and line.strip()
    assert truth.title == unicodedata.normalize("NFC", truth.title)
    # The title is printed as a line of the first page (possibly continued on the next line).
    first = " ".join(truth.page_lines[0])
    assert truth.title in first
    assert set(truth.fields) == set(FIELD_KEYS)
    for key in ("date_of_birth", "issue_date", "expiry_date"):
        if truth.fields[key] is not None:
            date.fromisoformat(truth.fields[key])
    assert truth.owner_kind in ("person", "organization")
    if truth.owner_kind == "person":
        birth = truth.fields["date_of_birth"]
        problems = citizen_id_problems(
            truth.owner_id, date.fromisoformat(birth) if birth else None,
            None if truth.fields["sex"] is None else truth.fields["sex"] == "Nữ")
        assert problems == []
        assert truth.owner_id in first.replace(" ", "") or truth.owner_id in first
    else:
        assert enterprise_code_valid(truth.owner_id)
        assert truth.fields["enterprise_code"] == truth.owner_id
        assert truth.owner_id in first
    # Every non-empty field value that is printed verbatim appears on the page.
    text = "\n".join(line for page in truth.page_lines for line in page)
    for key in ("full_name", "id_number", "document_number", "dossier_code",
                "enterprise_code"):
        value = truth.fields[key]
        if value:
            assert value in text or value.upper() in text, (key, value)
    # Real ink: something red (seal) or blue (signature) is on colour pages.
    page = np.asarray(doc.pages[-1].convert("RGB")).astype(int)
    blue = (page[..., 2] - page[..., 0] > 60).sum()
    assert blue > 200


def test_decision_has_a_continuation_page(clean_docs):
    truth = clean_docs["decision"].truth
    assert len(truth.page_lines) == 2
    first, second = truth.page_lines
    assert first[0] == "ỦY BAN NHÂN DÂN" and "Trang 1/2" in first
    assert second[-1] == "Trang 2/2"
    assert not any("CỘNG HÒA" in line for line in second)  # no header on page 2
    assert truth.fields["document_number"].endswith("/QĐ-UBND")
    assert any(line == f"Số: {truth.fields['document_number']}" for line in first)


def test_header_reading_order(clean_docs):
    lines = clean_docs["residence_confirmation"].truth.page_lines[0]
    left = [i for i, line in enumerate(lines) if line.startswith(("CÔNG AN", "Số:"))]
    right = lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert max(left[:3]) < right < lines.index("Độc lập - Tự do - Hạnh phúc")
    assert lines[right + 2].endswith(vn_date(date.fromisoformat(
        clean_docs["residence_confirmation"].truth.fields["issue_date"])))


def test_citizen_id_card_mrz(clean_docs):
    truth = clean_docs["citizen_id_card"].truth
    mrz = truth.page_lines[0][-3:]
    assert all(len(line) == 30 for line in mrz)
    line1, line2, line3 = mrz
    number = truth.owner_id
    assert line1.startswith("IDVNM" + number[3:])
    assert int(line1[14]) == mrz_check_digit(line1[5:14])
    assert line1[15:27] == number
    birth = date.fromisoformat(truth.fields["date_of_birth"])
    expiry = date.fromisoformat(truth.fields["expiry_date"])
    assert line2[0:6] == birth.strftime("%y%m%d")
    assert int(line2[6]) == mrz_check_digit(line2[0:6])
    assert line2[7] == ("F" if truth.fields["sex"] == "Nữ" else "M")
    assert line2[8:14] == expiry.strftime("%y%m%d")
    assert int(line2[14]) == mrz_check_digit(line2[8:14])
    assert line2[15:18] == "VNM"
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    assert int(line2[29]) == mrz_check_digit(composite)
    surname, _, given = line3.rstrip("<").partition("<<")
    from sohoa.vntext import fold
    words = fold(truth.fields["full_name"]).upper().split()
    assert surname == words[0] and given.split("<") == words[1:]
    front = " ".join(truth.page_lines[0])
    assert "CĂN CƯỚC CÔNG DÂN" in front and "Có giá trị đến" in front


def test_render_is_deterministic_and_person_is_used():
    person = make_person(99)
    a = render_document("birth_certificate", 3, severity="medium", person=person)
    b = render_document("birth_certificate", 3, severity="medium", person=person)
    assert a.truth == b.truth
    assert a.page_jpeg(0) == b.page_jpeg(0)
    assert a.truth.fields["full_name"] == person.full_name
    assert a.truth.owner_id == person.id_number
    other = render_document("birth_certificate", 4, severity="medium", person=person)
    assert other.page_jpeg(0) != a.page_jpeg(0)


def test_severities_degrade_progressively():
    docs = {s: render_document("judicial_record", 2, severity=s) for s in SEVERITIES}
    assert docs["heavy"].pages[0].mode == "L"  # a photocopy
    assert docs["clean"].pages[0].mode == "RGB"
    clean = np.asarray(docs["clean"].pages[0].convert("L"), dtype=np.float32)
    heavy = np.asarray(docs["heavy"].pages[0], dtype=np.float32)
    # Clean paper is white; the heavy copy is grey paper with faded toner.
    assert np.percentile(clean, 90) > 240
    assert np.percentile(heavy, 90) < 210
    assert np.percentile(heavy, 1) > np.percentile(clean, 1)
    sizes = [len(docs[s].page_jpeg(0)) for s in ("clean", "medium")]
    assert sizes[0] != sizes[1]
    assert all(d.truth == docs["clean"].truth for d in docs.values())


def test_unknown_arguments_say_what_is_allowed():
    with pytest.raises(ValueError, match="birth_certificate"):
        render_document("passport", 1)
    with pytest.raises(ValueError, match="heavy"):
        render_document("decision", 1, severity="awful")


def test_vietnamese_numbers_and_dates():
    assert number_words(1990) == "một nghìn chín trăm chín mươi"
    assert number_words(2004) == "hai nghìn không trăm linh bốn"
    assert number_words(15) == "mười lăm"
    assert number_words(21) == "hai mươi mốt"
    assert number_words(24) == "hai mươi tư"
    assert vn_date(date(2024, 11, 5)) == "ngày 05 tháng 11 năm 2024"
    assert vn_date(date(2024, 2, 15)) == "ngày 15 tháng 02 năm 2024"
    assert vn_date(date(2024, 4, 1)) == "ngày 01 tháng 4 năm 2024"
    assert date_in_words(date(1990, 4, 1)) == (
        "ngày một, tháng tư, năm một nghìn chín trăm chín mươi")


def test_corpus_pairs_pages_with_their_lines(tmp_path):
    from sohoa.synth import write_corpus

    corpus = write_corpus(tmp_path, 1, doc_types=("decision",), severities=("clean", "heavy"),
                          dpi=100)
    assert [p["file"] for p in corpus["pages"]] == [
        "decision-clean-0-p1.jpg", "decision-clean-0-p2.jpg",
        "decision-heavy-0-p1.jpg", "decision-heavy-0-p2.jpg"]
    for page in corpus["pages"]:
        assert (tmp_path / page["file"]).stat().st_size > 0 and page["lines"]
    clean, heavy = corpus["documents"]
    assert clean["page_lines"] == heavy["page_lines"]
    assert (tmp_path / "corpus.json").exists()
