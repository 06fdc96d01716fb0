"""The destruction record as a reader sees it: rendered to PNG (kept in out/archivist/ to look
at), no "SAO Y" copy stamp on the agency's own original, headers and titles in full, types by
their Vietnamese names, reasons in Vietnamese only, the signatures not alone on their page."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

from archivist_helpers import opened, signer_for, store
from PIL import Image

from sohoa.archive import disposal, holds
from sohoa.doctypes import load_registry
from sohoa.pipeline.disposaljob import execute
from sohoa.pipeline.settings import Settings

OUT = Path(__file__).resolve().parents[2] / "out" / "archivist"
LONG_TITLE = ("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN "
              "LIỀN VỚI ĐẤT")


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def _ocr(png: Path) -> str:
    return subprocess.run(["tesseract", str(png), "-", "-l", "vie", "--psm", "6"],
                          capture_output=True, text=True, check=True,
                          env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}).stdout


def test_the_destruction_record_reads_right(settings: Settings, tmp_path: Path) -> None:
    signer = signer_for(settings)
    with opened(settings) as archive:
        ids = [store(archive, signer, f"r{i}", title=LONG_TITLE if i % 3 == 0 else
                     "CĂN CƯỚC CÔNG DÂN", owner_id=f"0752030{i:05d}",
                     dossier=f"HS-075-2015-{i:04d}") for i in range(16)]
        lst = disposal.propose(archive, registry=load_registry(), as_of=date(2025, 12, 1),
                               note="hết thời hạn bảo quản", by="Lê Thu Hà",
                               runner="luutru_ha")
        assert lst is not None and lst["documents"] == 16
        disposal.approve(archive, lst["list"], decision="Quyết định số 12/QĐ-UBND",
                         by="Trần Văn Bình", runner="Tran Van Binh")
        holds.place(archive, "document", ids[1], reason="Tòa án yêu cầu lưu giữ",
                    by="Lê Thu Hà")
    execute(settings, lst["list"], by="Phạm Minh Châu")
    with opened(settings) as archive:
        record = disposal.record_pdf(archive, lst["list"])
    OUT.mkdir(parents=True, exist_ok=True)
    pdf = OUT / "destruction-record.pdf"
    pdf.write_bytes(record)
    for old in OUT.glob("destruction-record-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(OUT / "destruction-record")],
                   check=True)
    pngs = sorted(OUT.glob("destruction-record-*.png"))
    pages = _pages(pdf)
    assert len(pngs) == pages >= 2  # the table runs over, as lists do

    text = " ".join(_page_text(pdf, p) for p in range(1, pages + 1))
    flat = " ".join(text.split())
    for header in ("Ngày ban hành", "Số trang", "Loại tài liệu", "Số, ký hiệu"):
        assert header in flat, header
    assert "…" not in text  # nothing cut short
    assert "Căn cước công dân" in flat and "citizen_id_card" not in flat
    assert "đang bị phong tỏa theo lệnh lưu giữ số 1" in flat
    # The legal basis, and who really ran the proposal beside the name typed for it (the
    # approver ran it under their own name, typed without marks: nothing more to say).
    assert ("Căn cứ: Luật Lưu trữ số 33/2024/QH15; Thông tư số 05/2025/TT-BNV của Bộ Nội vụ; "
            "Quyết định số 12/QĐ-UBND (quyết định hủy); Danh mục tài liệu hết giá trị số "
            f"{lst['list']}.") in flat, flat
    assert "người lập: Lê Thu Hà (tài khoản thực hiện trên hệ thống: luutru_ha)" in flat, flat
    assert flat.count("tài khoản thực hiện trên hệ thống") == 1, flat
    assert not re.search(r"\b(on legal hold|placed after|no longer stored|log)\b", flat)
    # The long title in full, wrapped in its cell (content order keeps a cell's lines together).
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert " ".join(raw.split()).count(LONG_TITLE) == 6

    # The signatures share their page with the closing statement.
    [sign_page] = [p for p in range(1, pages + 1) if "NGƯỜI THỰC HIỆN" in _page_text(pdf, p)]
    assert "Biên bản này được lập" in _page_text(pdf, sign_page)

    # The agency's stamp on page 1 (top right) carries no "SAO Y": read it as a person would.
    with Image.open(pngs[0]) as img:
        w, h = img.size
        corner = tmp_path / "stamp.png"
        img.crop((w // 2, 0, w, h // 3)).resize((w, 2 * h // 3)).save(corner)
    seen = _ocr(corner)
    assert "Thời gian ký" in seen or "UBND" in seen.upper(), seen  # the stamp is there
    assert "SAO Y" not in seen.upper(), seen
    assert "SAO Y" not in text and "Thời gian ký" in text  # the stamp's own text layer


def test_the_legal_basis_is_the_law_in_force_on_the_day() -> None:
    """Luật Lưu trữ 2024 is in force from 01/07/2025: a list destroyed the day before was
    destroyed under the 2011 law, and its record says so."""
    from sohoa.pipeline.disposaljob import legal_basis

    assert legal_basis(date(2025, 6, 30)) == "Luật Lưu trữ số 01/2011/QH13"
    assert legal_basis(date(2025, 7, 1)).startswith("Luật Lưu trữ số 33/2024/QH15")
