"""A result that is several people's (tester13 F1, F3, F17): the marriage certificate the ward
issues as a signed PDF (`sohoa result add`) names both spouses. Its text layer is read like any
born-digital paper's (number, issuing body, both persons' numbers, validated), its real page is
counted, and it belongs to each spouse: listed and reusable for the wife's own dossier, and sent
to each one's store. The archival bag titles the dossier with its applicants, never the person of
another paper filed in it, counts real pages and calls the issuer's file an original electronic
record. No OCR: the result is born digital, the home's own key signs it."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from archivist_helpers import make_home, store
from dossier_papers import marriage_certificate_text
from sqlalchemy import select

from sohoa.archive import documents, export
from sohoa.archive.dossiers import ReuseRefusedError
from sohoa.archive.sync_models import SyncEvent
from sohoa.doctypes import load_registry
from sohoa.ocr.fields.extract import extract_fields
from sohoa.pdf.textpdf import TextDocument
from sohoa.pipeline import dossierdesk
from sohoa.pipeline.owner import co_owners
from sohoa.pipeline.results import add_result
from sohoa.pipeline.services import make_signer, open_archive
from sohoa.pipeline.settings import Settings
from sohoa.synth.people import Person, person_from_rng

MARRIAGE = "1.000894.000.00.00.H19"  # đăng ký kết hôn: the result is the marriage certificate
BIRTH = "1.001193.000.00.00.H19"  # đăng ký khai sinh: TP3 is the parents' marriage certificate
WEDDING, BIRTH_CODE = "H19.22-261207-0301", "H19.22-261207-0302"
ISSUED = datetime(2026, 12, 7, 7, 9, tzinfo=UTC)


def _spouses() -> tuple[Person, Person]:
    rng = random.Random(1307)
    husband = person_from_rng(rng, female=False, born_between=(1988, 1992))
    wife = person_from_rng(rng, female=True, born_between=(1993, 1997))
    return husband, wife


def _certificate(settings: Settings, husband: Person, wife: Person, path: Path) -> Path:
    """The ward's born-digital certificate, worded as the printed form (sohoa.synth.civil),
    signed with the home's key as the issuing office signs its results."""
    doc = TextDocument()
    doc.header_columns(["ỦY BAN NHÂN DÂN", "PHƯỜNG TRẤN BIÊN"],
                       ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    doc.title("GIẤY CHỨNG NHẬN KẾT HÔN", sub="Số: 145/2026    Quyển số: 01/2026")
    for label, who in (("Họ, chữ đệm, tên vợ:", wife), ("Họ, chữ đệm, tên chồng:", husband)):
        doc.field(label, who.full_name.upper())
        doc.field("Ngày, tháng, năm sinh:", who.date_of_birth.strftime("%d/%m/%Y"))
        doc.field("Nơi cư trú:", who.address)
        doc.field("Giấy tờ tùy thân:", f"Căn cước công dân số {who.id_number}")
    doc.field("Nơi đăng ký kết hôn:", "Ủy ban nhân dân phường Trấn Biên")
    doc.field("Ngày, tháng, năm đăng ký:", "07/12/2026")
    pdf = doc.pdf(title="Giấy chứng nhận kết hôn", author="UBND phường Trấn Biên")
    signed, _summary = make_signer(settings).sign(pdf)
    path.write_bytes(signed)
    return path


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One home for the module (making a home and signing cost seconds on a busy machine);
    the tests only add to it, each what it checks."""
    tmp_path = tmp_path_factory.mktemp("shared-result")
    settings = make_home(tmp_path / "home")
    husband, wife = _spouses()
    archive = open_archive(settings)
    dossierdesk.open_dossier(archive, settings, WEDDING, procedure=MARRIAGE,
                             owner=husband.id_number, unit="H19.22",
                             received=datetime(2026, 12, 7, 0, 30, tzinfo=UTC), by="ktv_lan")
    # the wrong sheet filed in the dossier: a third person's card (tester13 F17)
    stranger = store(archive, None, "stranger", owner_id="036088007788",
                     owner_name="Phạm Ngọc Quỳnh", dossier=WEDDING, unit="H19.22")
    cert = _certificate(settings, husband, wife, tmp_path / "kq_kethon_ky.pdf")
    outcome = add_result(archive, settings, WEDDING, cert, scanned=False, by="ktv_lan",
                         issued_at=ISSUED)
    try:
        yield archive, settings, husband, wife, outcome["document_id"], stranger
    finally:
        archive.close()


def test_a_born_digital_result_is_read_and_counted(issued: Any) -> None:
    archive, _settings, husband, wife, doc_id, _ = issued
    doc = archive.get_document(doc_id)
    # F3: the text layer read for its fields, the real page counted
    assert doc["document_number"] == "145/2026", doc["fields"]
    assert doc["fields"]["id_number"] == husband.id_number, doc["fields"]
    assert doc["page_count"] == 1 and len(doc["pages"]) == 1
    assert doc["archival"]["so_luong_trang"] == 1
    assert doc["archival"]["muc_do_tin_cay"] == "Gốc điện tử"
    # F1: the applicant owns it (his code), the wife it names is its co-owner
    assert doc["owner_id"] == husband.id_number
    assert doc["co_owner_ids"] == [wife.id_number]


def test_a_shared_result_is_each_spouses(issued: Any) -> None:
    archive, settings, husband, wife, doc_id, stranger = issued
    # listed for the wife, on both reuse paths (the raw SQLite one and SQLAlchemy's)
    assert doc_id in [r["document_id"] for r in archive.reuse(wife.id_number)]
    assert doc_id in [r["document_id"] for r in archive.reuse(husband.id_number)]
    with archive.transaction(write=False) as conn:
        listed = documents.reuse(conn, wife.id_number, "marriage_certificate", date(2026, 12, 8))
    assert [r["document_id"] for r in listed] == [doc_id]
    # nobody else's: the stranger filed in the same dossier does not get it
    assert doc_id not in [r["document_id"] for r in archive.reuse("036088007788")]
    assert stranger not in [r["document_id"] for r in archive.reuse(wife.id_number)]

    # the wife's birth-registration dossier reuses it for the parents' marriage certificate
    dossierdesk.open_dossier(archive, settings, BIRTH_CODE, procedure=BIRTH,
                             owner=wife.id_number, unit="H19.22",
                             received=datetime(2026, 12, 7, 2, 15, tzinfo=UTC), by="ktv_lan")
    component, changed = dossierdesk.reuse(archive, BIRTH_CODE, doc_id, component="TP3",
                                           by="ktv_lan", purpose=None)
    assert changed and component.document_id == doc_id

    with archive.transaction(write=False) as conn:
        bodies = [json.loads(b) for b in conn.execute(
            select(SyncEvent.body).where(SyncEvent.document_id == doc_id)
            .order_by(SyncEvent.id)).scalars()]
    issued_to = [b["data"]["MaDinhDanh"] for b in bodies if b["event_type"] == "result.issued"]
    assert issued_to == [husband.id_number, wife.id_number]  # one per person's store
    assert {b["data"]["SoKyHieu"] for b in bodies if b["event_type"] == "result.issued"} \
        == {"145/2026"}
    reused = [b["data"] for b in bodies if b["event_type"] == "document.reused"]
    assert [r["MaDinhDanh"] for r in reused] == [wife.id_number]  # for whom it was reused


def test_the_bag_names_the_applicants_and_counts_real_pages(issued: Any) -> None:
    archive, _settings, husband, wife, doc_id, stranger = issued
    docs = [archive.get_document(i) for i in sorted((doc_id, stranger))]
    meta = export.dossier_metadata(archive, docs[0]["dossier"], WEDDING, docs)
    title = meta["ho_so"]["Tiêu đề hồ sơ"]
    assert husband.id_number in title and wife.id_number in title, title
    # their names as the certificate prints them (nobody's card was scanned)
    assert husband.full_name in title and wife.full_name in title, title
    assert "Phạm Ngọc Quỳnh" not in title and "036088007788" not in title, title
    assert [a["Số định danh"] for a in meta["ho_so"]["Chủ hồ sơ"]] == [husband.id_number,
                                                                      wife.id_number]
    assert meta["ho_so"]["Số lượng trang"] == 2 and meta["ho_so"]["Số lượng tờ"] == 2
    # the wife's own export holds it too
    assert doc_id in export.select_documents(archive, owner=wife.id_number)
    assert stranger not in export.select_documents(archive, owner=wife.id_number)
    result = export.document_metadata(archive.get_document(doc_id))["tai_lieu"]
    assert result["Mức độ tin cậy"] == "Gốc điện tử"
    assert result["Số lượng trang"] == 1
    assert "bản giấy" not in result["Ghi chú"] and "gốc điện tử" in result["Ghi chú"]


def test_a_paper_stays_its_owners_alone_when_not_shared(issued: Any) -> None:
    """A card names one person: no co-owner rows, and reuse for another dossier's applicant is
    still refused (the co-owner rule does not open reuse to anyone else)."""
    archive, settings, _husband, wife, _doc_id, stranger = issued
    assert archive.get_document(stranger)["co_owner_ids"] == []
    dossierdesk.open_dossier(archive, settings, BIRTH_CODE, procedure=BIRTH,
                             owner=wife.id_number, unit="H19.22",
                             received=datetime(2026, 12, 7, 2, 15, tzinfo=UTC), by="ktv_lan")
    with pytest.raises(ReuseRefusedError, match="thuộc chủ sở hữu khác"):
        dossierdesk.reuse(archive, BIRTH_CODE, stranger, component=None, by="ktv_lan",
                          purpose=None)


@pytest.mark.parametrize(("wife_number", "shared"), [
    ("079195004321", True),  # a woman born in 1995, as her block says
    ("079198004321", False),  # the number says 1998, her block says 1995: a misread
    ("999195004321", False),  # no province 999
])
def test_a_co_owner_is_only_a_number_that_validates(wife_number: str, shared: bool) -> None:
    registry = load_registry()
    text = marriage_certificate_text(wife_number)
    extraction = extract_fields("marriage_certificate", text, registry, party="001090012345")
    got = co_owners("marriage_certificate", extraction, "001090012345", registry=registry,
                    text=text)
    assert got == (((wife_number, "Nguyễn Thị Thảo Ánh"),) if shared else ())
    # a type that is one person's has no co-owner, whatever it prints
    assert co_owners("citizen_id_card", extraction, "001090012345", registry=registry,
                     text=text) == ()
