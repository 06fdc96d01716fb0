"""The QR code (TT 01/2023 Điều 26) on what sohoa prints, read back as an inspector would: page 1
rendered by pdftoppm, the symbol decoded by zxing-cpp, its values compared with the catalog by
`sohoa verify`; a record whose QR disagrees with its list is reported, exit 4; one that names a
list of another system cannot be checked here (exit 5, not found); one naming this system that the
catalog never had is a mismatch (exit 4).
The signed record stays PDF/A-2b (veraPDF) with a valid signature."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import zxingcpp
from archivist_helpers import opened, run_sohoa, signer_for, store
from PIL import Image
from testtools import verapdf

from sohoa.archive import disposal
from sohoa.doctypes import load_registry
from sohoa.pdf import qrmark
from sohoa.pipeline.disposaljob import destruction_record, execute
from sohoa.pipeline.settings import Settings
from sohoa.signing import DocumentSigner, KeySource, SigningSettings, create_dev_identity

OTHER_AGENCY = "UBND tỉnh Bình Dương"
DECISION = "Quyết định số 12/QĐ-UBND ngày 01/12/2025 của Chủ tịch UBND phường Tân Phong"


def _executed_list(settings: Settings) -> int:
    signer = signer_for(settings)
    with opened(settings) as archive:
        for i in range(3):
            store(archive, signer, f"q{i}", owner_id=f"0752030{i:05d}",
                  dossier=f"HS-075-2015-{i:04d}")
        lst = disposal.propose(archive, registry=load_registry(), as_of=date(2025, 12, 1),
                               note="hết thời hạn bảo quản", by="Lê Thu Hà")
        assert lst is not None
        disposal.approve(archive, lst["list"], decision=DECISION, by="Trần Văn Bình")
    execute(settings, lst["list"], by="Phạm Minh Châu")
    return int(lst["list"])


def test_the_destruction_records_qr_code_is_the_catalogs(settings: Settings,
                                                          tmp_path: Path) -> None:
    number = _executed_list(settings)
    with opened(settings) as archive:
        record = disposal.record_pdf(archive, number)
        listed = disposal.get(archive, number, items=False)
    path = tmp_path / "record.pdf"
    path.write_bytes(record)

    [text] = qrmark.read_pdf(record)
    payload = qrmark.parse(text)
    assert payload is not None
    assert payload["system"] == f"sohoa · {settings.agency}"
    assert payload["paper"] == "Biên bản hủy tài liệu hết giá trị"
    assert payload["ref"] == str(number) and payload["decision"] == DECISION
    assert payload["disposed"] == listed["counts"]["disposed"] == 3
    issued = datetime.fromisoformat(payload["issued"])
    assert issued.utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]
    assert (datetime.fromisoformat(listed["started_at"]).replace(microsecond=0) <= issued
            <= datetime.fromisoformat(listed["executed_at"]))

    # Top left of page 1: the symbol is found in the page's top-left sixth and nowhere else.
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-singlefile", "-png",
                    str(path), str(tmp_path / "page")], check=True)
    with Image.open(tmp_path / "page.png") as page:
        grey = np.asarray(page.convert("L"))
    h, w = grey.shape
    corner = zxingcpp.read_barcodes(np.ascontiguousarray(grey[: h // 4, : w // 6]))
    assert [b.text for b in corner] == [text]
    rest = np.ascontiguousarray(grey[:, w // 6:])
    assert zxingcpp.read_barcodes(rest, formats=zxingcpp.BarcodeFormat.QRCode) == []

    done = run_sohoa(settings.home, "verify", str(path), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["signatures_valid"] and verdict["qr"]["agrees"] is True
    assert verdict["qr"]["stored_copy"] is True and verdict["qr"]["problems"] == []
    shown = run_sohoa(settings.home, "verify", str(path))
    assert shown.returncode == 0 and "mã QR khớp cơ sở dữ liệu" in shown.stdout, shown.stdout
    assert "PASS" in verapdf(path)


def test_a_qr_code_that_disagrees_with_the_catalog_is_reported(settings: Settings,
                                                                tmp_path: Path) -> None:
    number = _executed_list(settings)
    with opened(settings) as archive:
        listed = disposal.get(archive, number)
    signer = signer_for(settings)
    at = datetime.fromisoformat(listed["executed_at"]).astimezone(UTC)

    # Signed by the agency, but its figures are not the list's: the signature alone passes.
    lying = destruction_record(listed, agency=settings.agency, executed_by="X", at=at,
                               summary={**listed["summary"], "disposed": 2})
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(signer.sign(lying)[0])
    done = run_sohoa(settings.home, "verify", str(forged), "--json")
    assert done.returncode == 4, done.stdout + done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["signatures_valid"] and not verdict["valid"]
    assert verdict["qr"]["agrees"] is False and verdict["qr"]["stored_copy"] is False
    assert [c["field"] for c in verdict["qr"]["checks"] if not c["ok"]] == ["disposed"]
    assert verdict["qr"]["problems"] == [
        "số tài liệu đã hủy: mã QR ghi 2, cơ sở dữ liệu ghi 3"]
    shown = run_sohoa(settings.home, "verify", str(forged))
    assert shown.returncode == 4 and "mã QR không khớp" in shown.stdout
    assert "số tài liệu đã hủy" in shown.stdout

    # A record naming THIS system for a list this catalog never had: the symbol was copied onto
    # a paper this system never issued (or the catalog lost the list): a mismatch, exit 4.
    ghost = destruction_record({**listed, "list": number + 40}, agency=settings.agency,
                               executed_by="X", at=at, summary=listed["summary"])
    (tmp_path / "ghost.pdf").write_bytes(signer.sign(ghost)[0])
    done = run_sohoa(settings.home, "verify", str(tmp_path / "ghost.pdf"), "--json")
    assert done.returncode == 4, done.stdout + done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["signatures_valid"] and verdict["valid"] is False
    assert verdict["qr"]["checkable"] is True and verdict["qr"]["agrees"] is False
    assert any(f"chưa từng lập danh sách hủy số {number + 40}" in p
               for p in verdict["qr"]["problems"]), verdict["qr"]["problems"]
    shown = run_sohoa(settings.home, "verify", str(tmp_path / "ghost.pdf"))
    assert shown.returncode == 4 and "mã QR không khớp" in shown.stdout, shown.stdout

    # Issued at a time the list was not being executed (a record drawn up beforehand).
    early = destruction_record(listed, agency=settings.agency, executed_by="X",
                               at=datetime(2025, 1, 1, tzinfo=UTC), summary=listed["summary"])
    (tmp_path / "early.pdf").write_bytes(signer.sign(early)[0])
    done = run_sohoa(settings.home, "verify", str(tmp_path / "early.pdf"), "--json")
    assert done.returncode == 4
    assert [c["field"] for c in json.loads(done.stdout)["qr"]["checks"]
            if not c["ok"]] == ["issued"]


def test_a_paper_of_another_system_cannot_be_checked_here(settings: Settings,
                                                           tmp_path: Path) -> None:
    """Another agency's genuine destruction record (its own key, under a root this desk
    trusts, as every agency's chains to the national root): its signature verifies, its QR
    names another system, so the answer is "cannot be checked here" (exit 5) with the reason
    in Vietnamese; with its root not trusted the signature fails, and that is exit 4."""
    number = _executed_list(settings)
    with opened(settings) as archive:
        listed = disposal.get(archive, number)
    other = create_dev_identity(tmp_path / "other", OTHER_AGENCY)
    signer = DocumentSigner(KeySource.from_pkcs12(other.pkcs12, other.password()),
                            SigningSettings(), agency=OTHER_AGENCY)
    theirs = destruction_record(listed, agency=OTHER_AGENCY, executed_by="Võ Văn Tâm",
                                at=datetime.fromisoformat(listed["executed_at"]),
                                summary=listed["summary"])
    path = tmp_path / "theirs.pdf"
    path.write_bytes(signer.sign(theirs)[0])
    roots = os.pathsep.join(str(p) for p in (*settings.trust_roots, other.root_cert))
    trusting = {"SOHOA_SIGNING_TRUST_ROOTS": roots}

    done = run_sohoa(settings.home, "verify", str(path), "--json", env=trusting)
    assert done.returncode == 5, done.stdout + done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["signatures_valid"] and verdict["verdict"] == "cannot_check_here"
    assert verdict["qr"]["found"] and verdict["qr"]["checkable"] is False
    assert verdict["qr"]["payload"]["system"] == f"sohoa · {OTHER_AGENCY}"
    assert "hệ thống khác" in verdict["qr"]["reason"]
    shown = run_sohoa(settings.home, "verify", str(path), env=trusting)
    assert shown.returncode == 5, shown.stdout + shown.stderr
    assert "không kiểm tra được ở đây" in shown.stdout and "hệ thống khác" in shown.stdout

    # Not under a trusted root: the signature decides, and it fails.
    untrusted = run_sohoa(settings.home, "verify", str(path), "--json")
    assert untrusted.returncode == 4, untrusted.stdout + untrusted.stderr
    assert json.loads(untrusted.stdout)["verdict"] == "not_valid"


def test_a_paper_without_a_qr_code_is_judged_by_its_signature(settings: Settings,
                                                               tmp_path: Path) -> None:
    signer = signer_for(settings)
    with opened(settings) as archive:
        doc_id = store(archive, signer, "plain")
    done = run_sohoa(settings.home, "verify", doc_id, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["qr"]["found"] is False


def test_the_record_says_which_files_stay_because_kept_papers_share_them(
        settings: Settings, tmp_path: Path) -> None:
    # The original of a signed or form PDF that several papers were cut from stays while one of
    # them is kept: "đã hủy" must not claim it; the record counts what stays and why.
    number = _executed_list(settings)
    with opened(settings) as archive:
        listed = disposal.get(archive, number)
    at = datetime.fromisoformat(listed["executed_at"]).astimezone(UTC)

    def text(shared: int) -> str:
        pdf = tmp_path / f"record-{shared}.pdf"
        pdf.write_bytes(destruction_record(listed, agency=settings.agency, executed_by="X",
                                           at=at, summary={**listed["summary"],
                                                           "blobs_shared": shared}))
        return " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                       text=True, check=True).stdout.split())

    assert "2 tệp còn giữ vì tài liệu khác còn lưu dùng chung" in text(2)
    assert "còn giữ vì" not in text(0)
