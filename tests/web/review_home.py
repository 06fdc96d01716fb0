"""A document as ingest leaves it for review: a page image with real printed text, its page
analysis (word boxes, one line per text line) in the stage cache, a misread ID flagged."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime

from PIL import Image, ImageDraw, ImageFont

from sohoa.archive import Archive
from sohoa.pipeline.analysis import PAGE_STAGE
from sohoa.pipeline.codec import ocr_to_json
from sohoa.records import DocumentRecord, OcrPage, PageRecord, SignatureSummary, Word, sha256_hex

FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
JUDICIAL = """ỦY BAN NHÂN DÂN THÀNH PHỐ BIÊN HÒA
Số: 12/2024/LLTP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Biên Hòa, ngày 05 tháng 03 năm 2024
PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1
Họ và tên: NGUYỄN VĂN AN
Giới tính: Nam
Ngày, tháng, năm sinh: 01/02/2003
Nơi sinh: Biên Hòa, Đồng Nai
Số định danh cá nhân: O75203001234
Tình trạng án tích: Không có án tích"""
MISREAD = "O75203001234"
RIGHT = "075203001234"


def page(text: str) -> tuple[bytes, OcrPage]:
    font = ImageFont.truetype(FONT, 26)
    lines = text.splitlines()
    img = Image.new("L", (1100, 80 + 48 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    words = []
    for n, line in enumerate(lines):
        x, y = 60, 40 + n * 48
        for token in line.split():
            left, top, right, bottom = draw.textbbox((x, y), token, font=font)
            draw.text((x, y), token, font=font, fill=0)
            words.append(Word(token, left, top, right - left, bottom - top, 91.0, 0, n))
            x = right + 12
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    data = buf.getvalue()
    return data, OcrPage(page_sha256=sha256_hex(data), rotation=0, skew=0.0, width=img.width,
                         height=img.height, dpi=200, words=tuple(words), text=text,
                         confidence=0.9)


def store_flagged(archive: Archive, unit: str = "H19.22", *, copy: int = 1) -> str:
    """``copy``: another number makes another document (another page, another key)."""
    text = JUDICIAL if copy == 1 else JUDICIAL.replace("SỐ 1", f"SỐ 1 (bản {copy})")
    image, ocr = page(text)
    record = PageRecord(source="/scans/llTP.pdf", index=0, sha256=ocr.page_sha256,
                        side="front", rotation=0, skew=0.0, confidence=0.9,
                        blob_sha256=ocr.page_sha256)
    pdf = b"%PDF-1.7 judicial" + (b"" if copy == 1 else str(copy).encode())
    flag = f"id_number: 2 readings of '{MISREAD}' are valid; read the paper"
    rec = DocumentRecord(
        doc_key=hashlib.sha256(ocr.page_sha256.encode()).hexdigest(),
        dossier_code="H19.22-240305-0001", unit=unit, doc_type="judicial_record",
        title="PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", owner_id=None, owner_kind=None,
        owner_name="Nguyễn Văn An",
        fields={"full_name": "Nguyễn Văn An", "id_number": MISREAD,
                "date_of_birth": "2003-02-01", "sex": "Nam", "issue_date": "2024-03-05",
                "document_number": "12/2024/LLTP"},
        field_flags=(flag,), text=text, pages=(record,), confidence=0.9,
        needs_review=True,
        review_reasons=("owner: no owner could be read from the document or its dossier", flag),
        pdf_sha256=sha256_hex(pdf), pdf_size=len(pdf),
        signature=SignatureSummary("B-B", "THỬ NGHIỆM", datetime(2024, 3, 5, tzinfo=UTC)),
        issue_date=date(2024, 3, 5), retention="years:10",
        ingested_at=datetime(2024, 3, 5, tzinfo=UTC),
        # the signer as ingest keeps it; a page of OCR text is never markup on the page
        extra={"signer": {"title": "GIÁM ĐỐC <b>SỞ</b>", "rank": None,
                          "name": "Lê Văn Bình"},
               "ink_marks": [{"kind": "seal", "page": 1, "left": 700, "top": 500,
                              "width": 260, "height": 260}]})
    archive.cache_put(PAGE_STAGE, ocr.page_sha256, {
        "page_sha256": ocr.page_sha256, "blank": False, "code": None, "ocr": ocr_to_json(ocr)})
    doc_id, _ = archive.store_document(rec, pdf, [image])
    return doc_id
