"""Electronic certified copies (chứng thực bản sao điện tử từ bản chính, Decree 23/2015), end to
end on a real home with a real signing key: refused without the original-compared
confirmation; the copy carries the certification statement (read back with pdftotext), a QR
code that decodes to the register's values and that ``sohoa verify`` checks against the catalog,
stays PDF/A-2b (veraPDF), is signed with the certifying official's personal key, stored under
its owner and reusable for a dossier; the register prints (signed PDF/A, QR checked) and
exports; the KPI counts the commune that issued it."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from archivist_helpers import make_home, pdftotext, store
from pipeline_helpers import json_lines, run_sohoa
from sample_files import page_image, pdf_bytes
from testtools import verapdf

from sohoa.archive import certifications, statements
from sohoa.archive.policy import AccessDeniedError, Caller
from sohoa.clock import VIETNAM as VN
from sohoa.errors import ConfigError, WorkflowError
from sohoa.idcodes import requester_id_problems
from sohoa.pdf import qrmark
from sohoa.pipeline import certify, certregister, dossierdesk, kpi, qrcheck
from sohoa.pipeline.lookup import access_log, cli_caller, reuse
from sohoa.pipeline.services import make_certifier_signer, open_archive
from sohoa.pipeline.settings import Settings, load_settings
from sohoa.records import CertificationRequest, DocumentRecord, sha256_hex
from sohoa.signing import create_dev_identity
from sohoa.synth.document import render_document

OWNER = "075203001234"
OTHER = "075203009999"
UNIT = "H19.22.31"
OFFICIAL = "Lê Văn Tâm"
TITLE = "Phó Chủ tịch UBND phường Tân Phong"
PURPOSE = "kiểm thử chứng thực bản sao"
READER = Caller(user="kiểm thử", role="admin", unit=UNIT, channel="cli")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings]:
    """A home where the certifying official has a personal signing key."""
    root = tmp_path_factory.mktemp("certify")
    home = root / "home"
    make_home(home)
    officer = create_dev_identity(root / "officer", "UBND phường Tân Phong", person=OFFICIAL)
    keys = home / "keys" / "officers"
    keys.mkdir(parents=True)
    shutil.copy(officer.pkcs12, keys / f"{OFFICIAL}.p12")
    shutil.copy(officer.password_file, keys / f"{OFFICIAL}.pass")
    config = home / "sohoa.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('trust_roots = ["{home}/keys/dev-root.pem"]',
                        f'trust_roots = ["{{home}}/keys/dev-root.pem", "{officer.root_cert}"]')
    config.write_text(text, encoding="utf-8")
    scan = root / "giay-khai-sinh.jpg"
    scan.write_bytes(render_document("birth_certificate", 3, dpi=150).page_jpeg(0))
    return scan, load_settings(home=home, environ={})


def _copy(settings: Settings, source: str, **kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"owner": OWNER, "unit": UNIT, "official": OFFICIAL,
                            "title": TITLE, "compared": True}
    return certify.certify_copy(settings, source, **{**args, **kw})


def test_refused_without_the_original_compared(home: tuple[Path, Settings]) -> None:
    scan, settings = home
    done = run_sohoa(settings.home, "certify", "copy", str(scan), "--owner", OWNER, "--unit",
                     UNIT, "--by", OFFICIAL, "--title", TITLE)
    assert done.returncode == 2, done.stderr
    assert "chưa xác nhận đã đối chiếu bản sao với bản chính" in done.stderr
    with pytest.raises(WorkflowError, match="--original-compared"):
        _copy(settings, str(scan), compared=False)
    assert certregister.lines(settings, READER, unit=UNIT, year=None) == []  # no number taken


def test_the_signed_copy_states_its_certification_and_its_qr_matches_the_register(
        home: tuple[Path, Settings], tmp_path: Path) -> None:
    scan, settings = home
    made = _copy(settings, str(scan), doc_type="birth_certificate")
    line = made["certification"]
    year = datetime.now(VN).year
    assert (line["number"], line["book"], line["status"]) == (1, f"01/{year}-SCT/BS", "issued")
    assert made["signature"]["kind"] == "officer"
    assert made["signature"]["signer"].startswith(OFFICIAL)

    with open_archive(settings) as archive:
        pdf = archive.get_pdf(made["document_id"])
        doc = archive.get_document(made["document_id"])
    assert doc["owner_id"] == OWNER and doc["doc_type"] == "birth_certificate"
    assert doc["signature"]["kind"] == "officer"
    text = " ".join(pdftotext(pdf, tmp_path).split())
    for words in ("Chứng thực bản sao đúng với bản chính.", "Số chứng thực: 1",
                  f"Quyển số: 01/{year}-SCT/BS", OFFICIAL, TITLE,
                  "NGƯỜI THỰC HIỆN CHỨNG THỰC", f"Bản sao chứng thực số 1, quyển số "
                  f"01/{year}-SCT/BS — trang 1/1"):
        assert words in text, words
    day = datetime.fromisoformat(line["certified_at"]).astimezone(VN)
    assert f"Ngày {day:%d} tháng {day:%m} năm {day:%Y}" in text

    [payload] = [p for p in map(qrmark.parse, qrmark.read_pdf(pdf)) if p]
    assert payload["kind"] == "certified-copy"
    assert (payload["unit"], payload["ref"], payload["book"], payload["owner"],
            payload["paper"]) == (UNIT, "1", line["book"], OWNER, "Giấy khai sinh")
    # Signed with the official's own certificate: named as the certificate names them.
    assert payload["official"] == line["official"] == made["signature"]["signer"]
    assert line["official"].startswith(OFFICIAL)
    assert payload["issued"] == day.isoformat(timespec="seconds")
    assert payload["system"] == qrmark.system_name(settings.agency)
    checked = qrcheck.check(settings, pdf)
    assert checked["agrees"] is True and checked["stored_copy"] is True, checked

    copy_file = tmp_path / "copy.pdf"
    copy_file.write_bytes(pdf)
    assert "PASS" in verapdf(copy_file)  # PDF/A-2b, signed, with the scan embedded as is
    verified = run_sohoa(settings.home, "verify", str(copy_file), "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    [report] = json_lines(verified.stdout)
    assert report["valid"] and report["qr"]["agrees"] and report["qr"]["stored_copy"]

    # The catalog now says otherwise (the line's owner typed over): verify must notice.
    from sqlalchemy import update

    from sohoa.archive.certification_models import Certification

    with open_archive(settings) as archive, archive.transaction(write=True) as conn:
        conn.execute(update(Certification).where(Certification.number == 1)
                     .values(owner_id=OTHER))
    try:
        wrong = qrcheck.check(settings, pdf)
        assert wrong["agrees"] is False
        assert any("số định danh chủ sở hữu" in p for p in qrcheck.problems(wrong))
    finally:
        with open_archive(settings) as archive, archive.transaction(write=True) as conn:
            conn.execute(update(Certification).where(Certification.number == 1)
                         .values(owner_id=OWNER))
    # The line gone from the register (renumbered here, so the test can put it back): the QR
    # names this system for a number it never issued — a mismatch (exit 4), not "elsewhere".
    with open_archive(settings) as archive, archive.transaction(write=True) as conn:
        conn.execute(update(Certification).where(Certification.number == 1).values(number=999))
    try:
        gone = qrcheck.check(settings, pdf)
        assert gone["checkable"] is True and gone["agrees"] is False, gone
        assert any("không có số 1" in p for p in qrcheck.problems(gone)), qrcheck.problems(gone)
    finally:
        with open_archive(settings) as archive, archive.transaction(write=True) as conn:
            conn.execute(update(Certification).where(Certification.number == 999)
                         .values(number=1))

    # The same line re-drawn with a later validity and signed by a key under the trust roots
    # is not the copy the register names (one copy per number): a mismatch, not VALID.
    with open_archive(settings) as archive:
        entry = certifications.find(archive, unit=UNIT, year=year, number=1)
    redrawn = certify.copy_pdf(entry, [scan.read_bytes()], agency=settings.agency,
                               unit_name="UBND phường Tân Phong", dossier=None,
                               valid_until=date(2099, 12, 31))
    forged, _sig = make_certifier_signer(settings, OFFICIAL).sign(redrawn)
    other = qrcheck.check(settings, forged)
    assert other["agrees"] is False and other["stored_copy"] is False, other
    found = qrcheck.problems(other)
    assert any(p.startswith("giá trị sử dụng đến: mã QR ghi '2099-12-31'") for p in found)
    assert any(p.startswith("tệp này không phải bản sao đã lưu theo số chứng thực này")
               for p in found), found

    # Reusable under its owner: `sohoa reuse` lists it.
    found = reuse(settings, OWNER, caller=cli_caller(settings, OFFICIAL), purpose=PURPOSE)
    assert made["document_id"] in [d["document_id"] for d in found.documents]


def test_a_stored_paper_is_certified_for_its_owner_only(home: tuple[Path, Settings]) -> None:
    _scan, settings = home
    with open_archive(settings) as archive:
        stored = store(archive, None, "cccd-cert", owner_id=OWNER,
                       images=[page_image("cccd-cert-0"), page_image("cccd-cert-1")])
        before = len(certregister.lines(settings, READER, unit=UNIT, year=None))
    with pytest.raises(WorkflowError, match="không chứng thực cho người khác"):
        _copy(settings, stored, owner=OTHER)
    assert len(certregister.lines(settings, READER, unit=UNIT, year=None)) == before

    # A paper whose owner was never resolved is not certified for whatever number is typed.
    with open_archive(settings) as archive:
        ownerless = store(archive, None, "cccd-ownerless", owner_id=None,
                          images=[page_image("cccd-ownerless-0")])
    with pytest.raises(WorkflowError, match="chưa xác định chủ sở hữu"):
        _copy(settings, ownerless)
    assert len(certregister.lines(settings, READER, unit=UNIT, year=None)) == before

    made = _copy(settings, stored[:8], compared_by="Trần Thị Bình")
    line = made["certification"]
    assert line["number"] == before + 1 and line["pages"] == 2
    assert line["original"] == f"document:{stored}" and line["compared_by"] == "Trần Thị Bình"
    assert line["doc_type"] == "citizen_id_card"
    with open_archive(settings) as archive:
        events = archive.access_events(document=stored)
    assert any(e["purpose"] == certify.PURPOSE for e in events)  # the read was logged

    # The copy fills a dossier's ID-card component by reuse: no rescan.
    code = "H19.22.31-260310-0001"
    with open_archive(settings) as archive:
        dossierdesk.open_dossier(archive, settings, code, procedure="1.000894.000.00.00.H19",
                                 owner=OWNER, unit=UNIT, by=OFFICIAL)
        comp, changed = dossierdesk.reuse(archive, code, made["document_id"], component=None,
                                          by=OFFICIAL, purpose=PURPOSE)
    assert changed and comp.satisfied == "reused" and comp.document_id == made["document_id"]
    assert comp.code == "TP2"

    # tester13 F19: the reuse list says which is the certified copy (its number; its date is
    # the certification's) and which the digitized card it was copied from — to the officer,
    # on the API's rows, and on the wire in the one record field that can carry it.
    rows = {r["document_id"]: r for r in reuse(settings, OWNER, caller=READER,
                                               purpose=PURPOSE).documents}
    copy, card = rows[made["document_id"]], rows[stored]
    assert copy["paper_form"] == "certified_copy" and card["paper_form"] == "digitized_copy"
    assert copy["certified_copy"]["number"] == line["number"]
    assert copy["certified_copy"]["original"] == f"document:{stored}"
    assert copy["certified_copy"]["certified_on"] == copy["issue_date"]
    assert "certified_copy" not in card
    from sohoa.cli.officer import _form_words

    assert _form_words(copy) == f"\n(bản sao chứng thực số {line['number']})"
    assert _form_words(card) == "\n(bản số hóa)"
    with open_archive(settings) as archive, archive.transaction(write=False) as conn:
        sent = statements.stored_event(conn, made["document_id"])
    assert sent is not None
    assert sent["TrichYeuNoiDung"].startswith(
        f"bản sao điện tử chứng thực từ bản chính; số chứng thực {line['number']}, quyển số "
        f"{line['book']}; ngày chứng thực "), sent["TrichYeuNoiDung"]


def test_the_register_prints_signed_exports_and_the_kpi_counts_the_commune(
        home: tuple[Path, Settings], tmp_path: Path) -> None:
    scan, settings = home
    # A desk killed between storing its copy and recording it: the line stays "issuing" until
    # the next certification at the unit settles it (the copy's key names the line).
    with open_archive(settings) as archive:
        crashed = certifications.allocate(archive, CertificationRequest(
            unit=UNIT, owner_id=OWNER, paper="Giấy khai sinh", doc_type="birth_certificate",
            pages=1, original="crash.jpg", official=OFFICIAL, official_title=TITLE,
            compared_by=OFFICIAL))
        pdf = pdf_bytes("bản sao đã lưu trước khi máy tắt")
        stored, _ = archive.store_document(DocumentRecord(
            doc_key=certify.copy_key(crashed), dossier_code="SCT-crash", unit=UNIT,
            doc_type="birth_certificate", title="Giấy khai sinh", owner_id=OWNER,
            owner_kind=None, owner_name=None, fields={}, field_flags=(), text="",
            pages=(), confidence=1.0, needs_review=False, review_reasons=(),
            pdf_sha256=sha256_hex(pdf), pdf_size=len(pdf), signature=None), pdf, [])
    _copy(settings, str(scan), doc_type="birth_certificate")
    year = datetime.now(VN).year
    [settled] = [e for e in certregister.lines(settings, READER, unit=UNIT, year=None)
                 if e.id == crashed.id]
    assert (settled.status, settled.document_id) == ("issued", stored)
    lines = certregister.lines(settings, READER, unit=UNIT, year=year)
    assert [e.number for e in lines] == list(range(1, len(lines) + 1))

    printed = certregister.register_pdf(settings, READER, unit=UNIT, year=year)
    text = " ".join(pdftotext(printed, tmp_path).split())
    assert "SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH" in text and f"01/{year}-SCT/BS" in text
    checked = qrcheck.check(settings, printed)
    assert checked["agrees"] is True, checked
    assert checked["payload"]["through"] == len(lines)

    exported = run_sohoa(settings.home, "certify", "register", "--unit", UNIT, "--year",
                         str(year), "-o", str(tmp_path / "register.csv"), "--json",
                         "--user", "thanh.tra", "--purpose", "thanh tra sổ")
    assert exported.returncode == 0, exported.stderr
    assert [e["number"] for e in json.loads(exported.stdout)] == [e.number for e in lines]
    # The export is a read of every listed owner's data: in each one's access log, by name.
    [logged] = [e for e in access_log(settings, owner=OWNER)
                if e["action"] == "certification-register" and e["user"] == "thanh.tra"]
    assert logged["purpose"] == "thanh tra sổ" and logged["channel"] == "cli"
    empty = run_sohoa(settings.home, "certify", "register", "--unit", UNIT, "--year", "1999",
                      "--json")
    assert empty.returncode == 0 and json.loads(empty.stdout) == []  # not nothing at all
    rows = list(csv.reader(io.StringIO(
        (tmp_path / "register.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["Số chứng thực", "Quyển số", "Ngày chứng thực"]
    assert [r[0] for r in rows[1:]] == [str(e.number) for e in lines]

    # A line certified after the printing comes after its last number: still in agreement.
    with open_archive(settings) as archive:
        certifications.spoil(archive, certifications.allocate(archive, dataclasses.replace(
            _request(lines[0]), paper="Giấy tờ khác")).id, reason="kiểm thử", by=OFFICIAL)
    assert qrcheck.check(settings, printed)["agrees"] is True
    # A printed line changed in the catalog: the printed register no longer agrees.
    from sqlalchemy import update

    from sohoa.archive.certification_models import Certification

    with open_archive(settings) as archive, archive.transaction(write=True) as conn:
        conn.execute(update(Certification).where(Certification.id == lines[0].id)
                     .values(paper="Giấy chứng nhận kết hôn"))
    changed = qrcheck.check(settings, printed)
    assert changed["agrees"] is False
    assert any("mã kiểm tra các dòng của sổ" in p for p in qrcheck.problems(changed))

    today = datetime.now(VN).date()
    with open_archive(settings) as archive:
        data = {"catalogue": dossierdesk.catalogue(settings),
                "units": dossierdesk.units(settings), "rules": dossierdesk.kpi_rules(settings)}
        now = kpi.compute(archive, kpi.Period(today, today), **data)
        before = kpi.compute(archive, kpi.Period(today - timedelta(days=40),
                                                 today - timedelta(days=10)), **data)
        listed = kpi.explain(archive, kpi.Period(today, today), "ELECTRONIC_CERTIFIED_COPY",
                             **data)
    [ecc] = [i for i in now.to_json()["indicators"] if i["code"] == "ELECTRONIC_CERTIFIED_COPY"]
    assert (ecc["numerator"], ecc["denominator"]) == (1, 3)  # 3 communes in units.toml
    [old] = [i for i in before.to_json()["indicators"]
             if i["code"] == "ELECTRONIC_CERTIFIED_COPY"]
    assert old["numerator"] == 0
    assert [i["id"] for i in listed["items"] if i["counted"]] == [UNIT]


def _request(entry: Any) -> CertificationRequest:
    return CertificationRequest(unit=entry.unit, owner_id=entry.owner_id, paper=entry.paper,
                                doc_type=entry.doc_type, pages=entry.pages,
                                original=entry.original, official=entry.official,
                                official_title=entry.official_title,
                                compared_by=entry.compared_by)


def test_desk_staff_read_only_their_units_register(home: tuple[Path, Settings]) -> None:
    _scan, settings = home
    other = Caller(user="bo.phan.mot.cua", role="desk", unit="H19.22.99", channel="web")
    with pytest.raises(AccessDeniedError, match="chỉ xem được sổ chứng thực của đơn vị mình"):
        certregister.lines(settings, other, unit=UNIT, year=None)
    # Asking for every unit still gives a desk only its own (here: nothing, and it is logged).
    assert certregister.lines(settings, other, unit=None, year=None) == []
    with pytest.raises(AccessDeniedError):
        certregister.lines(settings, Caller(user="mc", role="integrator", unit=UNIT),
                           unit=UNIT, year=None)
    with open_archive(settings) as archive:
        logged = archive.access_events(user="bo.phan.mot.cua")
    assert [e["action"] for e in logged] == ["certification-register"]


def test_a_spoiled_number_says_why_in_vietnamese(home: tuple[Path, Settings],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    scan, settings = home

    def disk_full(*_a: Any, **_k: Any) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(certify, "copy_pdf", disk_full)
    with pytest.raises(OSError):
        _copy(settings, str(scan))
    spoiled = certregister.lines(settings, READER, unit=UNIT, year=None)[-1]
    assert spoiled.status == "spoiled"
    assert spoiled.note == ("không lập được bản sao: máy không đọc/ghi được tệp (ví dụ hết chỗ "
                            "trên đĩa)")
    assert certify.spoiled_reason(KeyboardInterrupt()).startswith("việc lập bản sao bị dừng")
    assert "RuntimeError" not in certify.spoiled_reason(RuntimeError("boom"))


def test_a_printed_register_stays_valid_when_a_line_it_showed_issuing_is_settled(
        home: tuple[Path, Settings]) -> None:
    _scan, settings = home
    # A desk killed before storing its copy, a day and more ago: the line is "đang lập".
    with open_archive(settings) as archive:
        last = certifications.register(archive, unit=UNIT)[-1]
        abandoned = certifications.allocate(archive, _request(last), at=datetime.now(
            VN) - timedelta(hours=25))
        fresh = certifications.allocate(archive, _request(last))
    printed = certregister.register_pdf(settings, READER, unit=UNIT, year=fresh.year)
    assert qrcheck.check(settings, printed)["agrees"] is True
    with open_archive(settings) as archive:
        settled = certify.settle(archive, UNIT, by=OFFICIAL)
    # Only the abandoned line is spoiled (with its reason); a line taken now may be drawn.
    assert [(e.id, e.status, e.note) for e in settled] == [
        (abandoned.id, "spoiled", certify.ABANDONED)]
    with open_archive(settings) as archive:
        certifications.spoil(archive, fresh.id, reason="người yêu cầu rút đơn", by=OFFICIAL)
    # The printed register is still the agency's true record: the change is reported, not
    # called a forgery.
    after = qrcheck.check(settings, printed)
    assert after["agrees"] is True, qrcheck.problems(after)
    assert f"số {fresh.number} đã thay đổi sau khi in: đang lập → số hỏng" in after["notes"]
    if abandoned.year == fresh.year:
        assert f"số {abandoned.number} đã thay đổi sau khi in: đang lập → số hỏng" \
            in after["notes"]


def test_an_official_without_a_personal_key_does_not_certify_unless_the_agency_allows_it(
        home: tuple[Path, Settings]) -> None:
    scan, settings = home
    before = len(certregister.lines(settings, READER, unit=UNIT, year=None))
    refused = run_sohoa(settings.home, "certify", "copy", str(scan), "--owner", OWNER, "--unit",
                        UNIT, "--by", "Người Không Có Khóa", "--title", TITLE,
                        "--original-compared")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "chưa có khóa ký cá nhân trên máy này" in refused.stderr
    # A name is a file name, never a path out of keys/officers/ to another key.
    with pytest.raises(ConfigError, match="không dùng được để tìm khóa ký cá nhân"):
        _copy(settings, str(scan), official=f"../officers/{OFFICIAL}")
    assert len(certregister.lines(settings, READER, unit=UNIT, year=None)) == before

    allowed = dataclasses.replace(settings, certify_with_agency_key=True)
    made = _copy(allowed, str(scan), official="Người Không Có Khóa")
    assert made["signature"]["kind"] == "agency"
    assert made["certification"]["official"].startswith(
        "Người Không Có Khóa (ký bằng chữ ký số của cơ quan ")
    # tester11 F7: the access log names the person who read the stored paper, not the person
    # with the signing mode glued to their name
    with open_archive(settings) as archive:
        stored = store(archive, None, "cccd-agency", owner_id=OWNER,
                       images=[page_image("cccd-agency-0")])
    _copy(allowed, stored, official="Người Không Có Khóa")
    with open_archive(settings) as archive:
        readers = {e["user"] for e in archive.access_events(document=stored)}
    assert readers == {"Người Không Có Khóa"}, readers


def test_a_mistyped_owner_is_refused_before_a_number_is_taken(
        home: tuple[Path, Settings]) -> None:
    scan, settings = home
    before = certregister.lines(settings, READER, unit=UNIT, year=None)
    for owner, why in (("99912", "không phải số định danh cá nhân"),
                       ("999203001234", "mã tỉnh 999 không tồn tại"),
                       ("075803001234", "sau hôm nay"),  # born in the 2300s
                       ("991234567", "mã tỉnh 99 của CMND không tồn tại"),
                       ("0100100001", "sai chữ số kiểm tra"),
                       ("0100100008-1", "không phải số định danh cá nhân")):
        with pytest.raises(ConfigError, match=why):
            _copy(settings, str(scan), owner=owner)
    done = run_sohoa(settings.home, "certify", "copy", str(scan), "--owner", "07520300123",
                     "--unit", UNIT, "--by", OFFICIAL, "--title", TITLE, "--original-compared")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "số định danh của người yêu cầu chứng thực (--owner) không hợp lệ" in done.stderr
    assert certregister.lines(settings, READER, unit=UNIT, year=None) == before  # none taken
    # A CMND, an enterprise code and a branch code (with or without its dash) are accepted.
    for owner in ("271234567", "0100100008", "0100100008-001", "0100100008001"):
        assert requester_id_problems(owner) == [], owner


def test_a_file_changed_after_it_was_signed_is_neither_certified_nor_sealed(
        home: tuple[Path, Settings], tmp_path: Path) -> None:
    """A signed PDF with one byte of its content changed: its own signature no longer holds,
    so certifying a copy of it, or sealing it with the agency's key, would vouch for what its
    signer does not. Refused (exit 4) before a register number is taken; the same file
    unchanged is signed as before."""
    from sohoa.errors import VerificationError
    from sohoa.pipeline.services import make_signer

    _scan, settings = home
    signed, _ = make_signer(settings).sign(pdf_bytes("GIẤY XÁC NHẬN tampered"))
    good = tmp_path / "signed.pdf"
    good.write_bytes(signed)
    data = bytearray(signed)
    at = data.index(b"GI")  # inside the signed page content
    data[at] ^= 0x01
    bad = tmp_path / "changed.pdf"
    bad.write_bytes(bytes(data))
    before = len(certregister.lines(settings, READER, unit=UNIT, year=None))
    with pytest.raises(VerificationError, match="đã bị sửa sau khi ký"):
        _copy(settings, str(bad))
    assert len(certregister.lines(settings, READER, unit=UNIT, year=None)) == before
    sealed = run_sohoa(settings.home, "sign", str(bad), "-o", str(tmp_path / "x.pdf"))
    assert sealed.returncode == 4 and "đã bị sửa sau khi ký" in sealed.stderr, sealed.stderr
    assert not (tmp_path / "x.pdf").exists()
    again = run_sohoa(settings.home, "sign", str(good), "-o", str(tmp_path / "y.pdf"))
    assert again.returncode == 0, again.stderr
    # Without a usable trust root the check shows nothing altered (the missing root is a
    # configuration problem, said where signing needs it), never "changed after signing".
    from sohoa.pipeline.lookup import altered_signatures

    assert altered_signatures(settings, bad)  # with the home's roots: altered, named
    rootless = dataclasses.replace(settings, trust_roots=(tmp_path / "missing.pem",))
    assert altered_signatures(rootless, bad) == []
