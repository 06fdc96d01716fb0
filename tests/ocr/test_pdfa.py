"""The archival PDF, checked with the tools a reader would use: poppler, qpdf, pikepdf."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image
from testtools import verapdf

from sohoa.doctypes import load_registry
from sohoa.errors import BadInputError
from sohoa.ocr import PdfPage, build_pdf, recognize_page
from sohoa.ocr.correct import load_lexicon
from sohoa.ocr.jpegrecode import same_pixels
from sohoa.ocr.pdfa import glyphless_font
from sohoa.records import OcrPage, Word, sha256_hex
from sohoa.scanners.iccolour import DEFAULT_CMYK_PROFILE
from sohoa.vntext import fold

GS_ICC = DEFAULT_CMYK_PROFILE.parent  # Ghostscript's profiles (libgs-common)
LEXICON = load_lexicon(load_registry())  # the packaged registry's vocabulary

META = {
    "title": "GIẤY KHAI SINH",
    "author": "UBND xã Tân Phú",
    "subject": "Khai sinh của Nguyễn Thị Lan",
    "keywords": ("khai sinh", "Nguyễn Thị Lan"),
    "extra_xmp": {"dossier_code": "H19.22-241105-0042", "doc_type": "birth_certificate"},
}


def _write(tmp_path: Path, pdf: bytes, name: str = "out.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def _pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _in_order(text: str, lines: tuple[str, ...]) -> None:
    """Each expected line is a line of ``text`` (fold-compared), and they come in this order."""
    got = [fold(" ".join(line.split())) for line in text.splitlines() if line.strip()]
    positions = []
    for expected in lines:
        key = fold(expected)
        hits = [i for i, line in enumerate(got) if key == line or key in line]
        assert hits, f"{expected!r} missing from:\n{text}"
        positions.append(hits[0])
    assert positions == sorted(positions), text


def _turned(ocr: OcrPage, rotation: int) -> OcrPage:
    return OcrPage(**{**ocr.__dict__, "rotation": rotation})


@pytest.fixture(scope="module")
def jpeg_pdf(ocr_page_jpeg, ocr_recognized, ocr_dpi) -> bytes:
    page = PdfPage(data=ocr_page_jpeg, mime="image/jpeg", dpi=ocr_dpi, ocr=ocr_recognized)
    return build_pdf([page], **META)


def test_text_layer_reads_back_line_by_line_with_diacritics(
    tmp_path, jpeg_pdf, ocr_recognized, ocr_page
):
    path = _write(tmp_path, jpeg_pdf)
    plain = _pdftotext(path)
    # Exactly our OCR text, line for line, Vietnamese marks included.
    assert [line for line in plain.splitlines() if line.strip()] == ocr_recognized.text.splitlines()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in plain
    _in_order(plain, ocr_page.lines)
    layout = _pdftotext(path, "-layout")
    _in_order(layout, ocr_page.lines[5:])
    assert "Họ và tên: Nguyễn Thị Lan" in " ".join(layout.split())


def test_page_size_image_and_structure(tmp_path, jpeg_pdf, ocr_page_jpeg, ocr_page, ocr_dpi):
    with pikepdf.open(io.BytesIO(jpeg_pdf)) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        w_px, h_px = ocr_page.image.size
        assert [float(v) for v in page.MediaBox] == pytest.approx(
            [0, 0, w_px * 72 / ocr_dpi, h_px * 72 / ocr_dpi], abs=0.01
        )
        assert "/Rotate" not in page
        image = page.Resources.XObject.Im0
        assert image.Filter == "/DCTDecode"
        # The scanner's coefficients, never decoded and encoded again: the same pixels, in
        # fewer bytes when a lossless re-coding of the entropy coding makes them fewer.
        carried = image.read_raw_bytes()
        assert len(carried) <= len(ocr_page_jpeg) and same_pixels(carried, ocr_page_jpeg)
        assert (int(image.Width), int(image.Height)) == (w_px, h_px)
        font = page.Resources.Font.F1
        assert font.Subtype == "/Type0" and font.Encoding == "/Identity-H"
        descendant = font.DescendantFonts[0]
        assert descendant.Subtype == "/CIDFontType2"
        assert descendant.FontDescriptor.FontFile2.read_bytes() == glyphless_font()
        assert b"3 Tr" in page.Contents.read_bytes()
        assert pdf.Root.Lang == "vi"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
        assert str(pdf.docinfo.Title) == META["title"]
        assert str(pdf.docinfo.Author) == META["author"]
        assert str(pdf.docinfo.Subject) == META["subject"]
        assert str(pdf.docinfo.Keywords) == "khai sinh; Nguyễn Thị Lan"
        assert len(pdf.trailer.ID) == 2
    assert len(jpeg_pdf) < 1.2 * len(ocr_page_jpeg) + 12_000
    check = subprocess.run(
        ["qpdf", "--check", str(_write(tmp_path, jpeg_pdf))], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout


def test_xmp_declares_pdfa_2b_and_mirrors_the_info_dictionary(jpeg_pdf):
    with pikepdf.open(io.BytesIO(jpeg_pdf)) as pdf:
        raw = pdf.Root.Metadata.read_bytes().decode("utf-8")
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == META["title"]
        assert meta["dc:creator"] == [META["author"]]
        assert meta["dc:description"] == META["subject"]
        assert meta["pdf:Keywords"] == "khai sinh; Nguyễn Thị Lan"
        assert meta["xmpMM:DocumentID"].startswith("uuid:")
        assert meta["{https://sohoa.vn/ns/1.0/}dossier_code"] == "H19.22-241105-0042"
        assert meta["{https://sohoa.vn/ns/1.0/}doc_type"] == "birth_certificate"
    # Custom properties are declared in a PDF/A extension schema, as PDF/A requires.
    assert "<pdfaSchema:namespaceURI>https://sohoa.vn/ns/1.0/</pdfaSchema:namespaceURI>" in raw
    assert "<pdfaProperty:name>dossier_code</pdfaProperty:name>" in raw
    assert "xmp:CreateDate" not in raw  # no wall clock unless a date is given


def test_same_input_same_bytes_and_dates_only_when_given(ocr_page_jpeg, ocr_recognized, ocr_dpi):
    page = PdfPage(data=ocr_page_jpeg, mime="image/jpeg", dpi=ocr_dpi, ocr=ocr_recognized)
    first = build_pdf([page], **META)
    assert build_pdf([page], **META) == first
    assert build_pdf([page], **{**META, "title": "GIẤY KHAI TỬ"}) != first
    when = datetime(2026, 11, 27, 9, 30, tzinfo=timezone(timedelta(hours=7)))
    dated = build_pdf([page], **META, created=when)
    with pikepdf.open(io.BytesIO(dated)) as pdf:
        assert str(pdf.docinfo.CreationDate) == "D:20261127093000+07'00'"
        assert pdf.open_metadata()["xmp:CreateDate"] == "2026-11-27T09:30:00+07:00"


def test_turned_scan_keeps_its_pixels_and_rotate_key(
    tmp_path, ocr_page, ocr_recognized, ocr_dpi, ocr_encoder
):
    # Scanned on its side (text running upwards); recognition says: turn 90 degrees clockwise.
    scanned = ocr_page.image.transpose(Image.Transpose.ROTATE_90)
    data = ocr_encoder(scanned, "JPEG", quality=88)
    ocr = recognize_page(data, lexicon=LEXICON, page_sha256=sha256_hex(data), dpi=ocr_dpi)
    assert ocr.rotation == 90
    pdf_bytes = build_pdf([PdfPage(data=data, mime="image/jpeg", dpi=ocr_dpi, ocr=ocr)], **META)
    path = _write(tmp_path, pdf_bytes)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        page = pdf.pages[0]
        assert int(page.Rotate) == 90
        carried = page.Resources.XObject.Im0.read_raw_bytes()
        assert len(carried) <= len(data) and same_pixels(carried, data)  # not turned, re-coded
        w_px, h_px = scanned.size
        assert float(page.MediaBox[2]) == pytest.approx(w_px * 72 / ocr_dpi, abs=0.01)
        assert float(page.MediaBox[3]) == pytest.approx(h_px * 72 / ocr_dpi, abs=0.01)
    plain = _pdftotext(path)
    assert [line for line in plain.splitlines() if line.strip()] == ocr.text.splitlines()
    _in_order(plain, ocr_page.lines)
    # Each word of the text layer sits where the word is on the upright page.
    bbox = _pdftotext(path, "-bbox")
    scale = 72 / ocr_dpi
    found = re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', bbox
    )
    assert len(found) == len(ocr.words)
    for (x0, y0, x1, y1, text), word in zip(found, ocr.words, strict=True):
        assert text == word.text
        assert float(x0) == pytest.approx(word.left * scale, abs=1.0)
        assert float(x1) == pytest.approx((word.left + word.width) * scale, abs=1.0)
        assert float(y0) <= (word.top + word.height / 2) * scale <= float(y1)
    # The page renders upright: compare a small rendering with the upright page.
    png = subprocess.run(
        ["pdftoppm", "-r", "15", "-gray", "-png", str(path)], check=True, capture_output=True
    ).stdout
    rendered = Image.open(io.BytesIO(png)).convert("L")
    reference = ocr_page.image.convert("L").resize(rendered.size, Image.Resampling.BOX)
    upside = reference.rotate(180)
    diff = np.abs(np.asarray(rendered, float) - np.asarray(reference, float)).mean()
    wrong = np.abs(np.asarray(rendered, float) - np.asarray(upside, float)).mean()
    assert diff < wrong / 2


def test_skewed_scan_reads_back_line_by_line(tmp_path, ocr_page, ocr_dpi, ocr_encoder):
    # Kept as scanned (tilted 2 degrees): the text layer must not interleave neighbouring lines.
    tilted = ocr_page.image.rotate(2.0, resample=Image.Resampling.BICUBIC, fillcolor="white")
    data = ocr_encoder(tilted, "JPEG", quality=85)
    ocr = recognize_page(data, lexicon=LEXICON, page_sha256=sha256_hex(data), dpi=ocr_dpi)
    assert ocr.skew != 0.0
    path = _write(tmp_path, build_pdf([PdfPage(data, "image/jpeg", ocr_dpi, ocr)], **META))
    plain = _pdftotext(path)
    assert [line for line in plain.splitlines() if line.strip()] == ocr.text.splitlines()
    _in_order(plain, ocr_page.lines)


@pytest.mark.parametrize("rotation", [180, 270])
def test_text_layer_follows_every_rotation(
    tmp_path, ocr_page, ocr_recognized, ocr_dpi, ocr_encoder, rotation
):
    # Reuse the upright OCR: the scan is the upright page turned back by ``rotation``.
    turn_back = {180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}[rotation]
    scanned = ocr_page.image.transpose(turn_back)
    data = ocr_encoder(scanned, "JPEG", quality=80)
    ocr = _turned(ocr_recognized, rotation)
    path = _write(tmp_path, build_pdf([PdfPage(data, "image/jpeg", ocr_dpi, ocr)], **META))
    plain = _pdftotext(path)
    assert [line for line in plain.splitlines() if line.strip()] == ocr.text.splitlines()
    first = ocr.words[0]
    box = re.search(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"',
        _pdftotext(path, "-bbox"),
    )
    x0, y0, y1 = (float(v) for v in box.groups())
    assert x0 == pytest.approx(first.left * 72 / ocr_dpi, abs=1.0)
    assert y0 <= (first.top + first.height / 2) * 72 / ocr_dpi <= y1


def test_bilevel_and_lossless_images_round_trip(
    tmp_path, ocr_page, ocr_recognized, ocr_dpi, ocr_encoder
):
    bilevel = ocr_page.image.convert("1")
    g4 = ocr_encoder(bilevel, "TIFF", compression="group4", tiffinfo={278: bilevel.height})
    png_1bit = ocr_encoder(bilevel, "PNG")
    png_rgb = ocr_encoder(ocr_page.image.crop((0, 0, 1240, 860)), "PNG")
    pages = [
        PdfPage(g4, "image/tiff", ocr_dpi, ocr_recognized),
        PdfPage(png_1bit, "image/png", ocr_dpi, ocr_recognized),
        PdfPage(png_rgb, "image/png", ocr_dpi, ocr_recognized),
    ]
    pdf_bytes = build_pdf(pages, **META)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        images = [p.Resources.XObject.Im0 for p in pdf.pages]
        assert [str(i.Filter) for i in images] == ["/CCITTFaxDecode"] * 2 + ["/FlateDecode"]
        tiff = Image.open(io.BytesIO(g4))
        start, size = tiff.tag_v2[273][0], tiff.tag_v2[279][0]
        assert images[0].read_raw_bytes() == g4[start : start + size]  # G4 strip as scanned
    path = _write(tmp_path, pdf_bytes)
    subprocess.run(["pdfimages", "-png", str(path), str(tmp_path / "im")], check=True)
    extracted = sorted(tmp_path.glob("im-*.png"))
    assert len(extracted) == 3
    for file, original in zip(extracted, (bilevel, bilevel, ocr_page.image), strict=True):
        got = Image.open(file)
        want = original.convert(got.mode if got.mode != "1" else "1")
        assert np.array_equal(np.asarray(got.convert("L")), np.asarray(want.convert("L")))
    plain = _pdftotext(path)
    assert plain.count("GIẤY KHAI SINH") == 3


def test_page_without_words_has_no_text_layer(tmp_path, ocr_page_jpeg, ocr_recognized, ocr_dpi):
    empty = OcrPage(**{**ocr_recognized.__dict__, "words": (), "text": "", "timed_out": True})
    pdf_bytes = build_pdf([PdfPage(ocr_page_jpeg, "image/jpeg", ocr_dpi, empty)], **META)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert "/Font" not in pdf.pages[0].Resources
    assert _pdftotext(_write(tmp_path, pdf_bytes)).strip() == ""


def test_bad_pages_are_refused(ocr_page_jpeg, ocr_recognized, ocr_dpi):
    with pytest.raises(BadInputError):
        build_pdf([], **META)
    with pytest.raises(BadInputError, match="quét lại trang"):
        build_pdf([PdfPage(b"not an image", "image/png", ocr_dpi, ocr_recognized)], **META)
    with pytest.raises(ValueError, match="property name"):
        build_pdf(
            [PdfPage(ocr_page_jpeg, "image/jpeg", ocr_dpi, ocr_recognized)],
            title="t",
            author="a",
            extra_xmp={"not a name": "x"},
        )


def test_verapdf_accepts_the_output_as_pdfa_2b(
    tmp_path, ocr_page, ocr_recognized, ocr_dpi, ocr_encoder
):
    bilevel = ocr_encoder(ocr_page.image.convert("1"), "PNG")
    # An Adobe RGB scan keeps its JPEG and its profile: ICCBased beside the sRGB output intent.
    tagged = io.BytesIO()
    ocr_page.image.convert("RGB").save(tagged, format="JPEG", quality=80,
                                       icc_profile=(GS_ICC / "a98.icc").read_bytes())
    pages = [
        PdfPage(ocr_encoder(ocr_page.image, "JPEG"), "image/jpeg", ocr_dpi, ocr_recognized),
        PdfPage(bilevel, "image/png", ocr_dpi, ocr_recognized),
        PdfPage(tagged.getvalue(), "image/jpeg", ocr_dpi, ocr_recognized),
    ]
    path = _write(tmp_path, build_pdf(pages, **META, created=datetime(2026, 11, 27, 9, 30)))
    with pikepdf.open(path) as pdf:
        spaces = [str(im.ColorSpace[0]) if isinstance(im.ColorSpace, pikepdf.Array) else
                  str(im.ColorSpace) for pg in pdf.pages
                  for im in pg.obj.Resources.XObject.values() if im.get("/Subtype") == "/Image"]
    assert spaces[2] == "/ICCBased" and "/ICCBased" not in spaces[:2]
    verdict = verapdf(path)
    assert verdict.startswith("PASS"), verdict


def _laid_out(lines: list[tuple[int, int, int, int, int, str]]) -> PdfPage:
    """A blank A4 page at 200 dpi whose text layer has these lines, in this (reading) order:
    (block, left, right, top, bottom, text), the words spread evenly over left..right; a line
    in pieces is "piece | piece" over (left, right) spans given as ``left`` (``right`` unused).
    """
    words: list[Word] = []
    for line_no, (block, left, right, top, bottom, text) in enumerate(lines):
        spans = left if isinstance(left, list) else [(left, right)]
        for (x0, x1), piece in zip(spans, text.split(" | "), strict=True):
            parts = piece.split()
            gap = 12
            per_char = (x1 - x0 - gap * (len(parts) - 1)) / sum(len(p) for p in parts)
            x = float(x0)
            for part in parts:
                width = round(per_char * len(part))
                words.append(Word(part, round(x), top, width, bottom - top, 95.0, block, line_no))
                x += width + gap
    image = io.BytesIO()
    Image.new("L", (1654, 2339), 255).save(image, format="JPEG")
    ocr = OcrPage(page_sha256="0" * 64, rotation=0, skew=0.0, width=1654, height=2339, dpi=200,
                  words=tuple(words),
                  text="\n".join(line[-1].replace(" | ", " ") for line in lines),
                  confidence=0.95)
    return PdfPage(image.getvalue(), "image/jpeg", 200, ocr)


def _read_back(tmp_path: Path, page: PdfPage) -> list[str]:
    plain = _pdftotext(_write(tmp_path, build_pdf([page], **META)))
    return [" ".join(line.split()) for line in plain.splitlines() if line.strip()]


def test_two_signature_columns_with_names_read_column_by_column(tmp_path):
    # A receipt's foot: each column's title, then, under the space for the signature, its
    # signer. Four blocks in a grid, which pdftotext would read row by row as a table.
    page = _laid_out([
        (0, 238, 1041, 1377, 1411, "6. Vào Số theo dõi hồ sơ, Quyển số: 01, Số thứ tự: 4751"),
        (1, 391, 721, 1464, 1504, "NGƯỜI NỘP HỒ SƠ"),
        (1, 418, 692, 1514, 1544, "(Ký và ghi rõ họ tên)"),
        (1, 379, 733, 1765, 1802, "Nguyễn Hoàng Phong"),
        (2, 968, 1420, 1464, 1504, "NGƯỜI TIẾP NHẬN HỒ SƠ"),
        (2, 1056, 1330, 1514, 1544, "(Ký và ghi rõ họ tên)"),
        (2, 1041, 1346, 1767, 1802, "Hoàng Bích Duyên"),
    ])
    assert _read_back(tmp_path, page) == page.ocr.text.splitlines()


def test_closing_column_level_with_the_other_is_read_after_it(tmp_path):
    # Page 2 of a decision: the left block starts with the paragraph's last line, and its
    # "Nơi nhận" line sits half a pixel lower than the signer's title beside it; the page
    # number under both widens their reach until they overlap.
    page = _laid_out([
        (0, 237, 1511, 392, 425, "phòng Tài nguyên và Môi trường, Thủ trưởng các cơ quan, đơn"),
        (0, 237, 1512, 436, 472, "Nguyễn Hoàng Phong chịu trách nhiệm thi hành Quyết định"),
        (1, 237, 689, 485, 519, "Quyết định này kể từ ngày ký./."),
        (1, 236, 376, 594, 625, "Nơi nhận:"),
        (1, 237, 406, 633, 661, "- Như Điều 3;"),
        (1, 237, 666, 671, 700, "- Chủ tịch, các PCT UBND huyện;"),
        (1, 237, 467, 710, 735, "- Lưu: VT, TNMT."),
        (2, 951, 1365, 589, 621, "TM. ỦY BAN NHÂN DÂN"),
        (2, 1035, 1281, 633, 671, "KT. CHỦ TỊCH"),
        (2, 1025, 1290, 676, 707, "PHÓ CHỦ TỊCH"),
        (2, 1041, 1276, 937, 972, "Lê Thu Quyên"),
        (3, 814, 933, 2174, 2201, "Trang 2/2"),
    ])
    assert _read_back(tmp_path, page) == page.ocr.text.splitlines()


def test_a_line_with_a_hole_is_read_before_the_line_under_it(tmp_path):
    # Page 2 of a decision, medium scan: the ID number under the seal is lost, so the line is
    # three pieces; it starts a block of pdftotext's (wider pitch above it), and its first
    # piece would take the paragraph's last line in, to be read before the other pieces.
    page = _laid_out([
        (0, 316, 1511, 214, 241, "Điều 2. Giao Phòng Tài nguyên và Môi trường, Chi cục Thuế"),
        (0, 238, 1512, 258, 285, "nhân dân cấp xã nơi có đất có trách nhiệm hướng dẫn, kiểm"),
        (0, 237, 366, 304, 331, "định này."),
        (0, 316, 1512, 352, 379, "Điều 3. Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân"),
        (0, 237, 1512, 391, 418, "phòng Tài nguyên và Môi trường, Thủ trưởng các cơ quan, đơn"),
        (0, [(238, 889), (968, 1044), (1140, 1511)], 0, 443, 470,
         "Nguyễn Hoàng Phong (số định danh cá nhân | lộn Re | chịu trách nhiệm thi hành"),
        (0, 237, 689, 492, 519, "Quyết định này kể từ ngày ký./."),
        (1, 236, 376, 593, 625, "Nơi nhận:"),
        (1, 237, 667, 670, 700, "- Chủ tịch, các PCT UBND huyện;"),
        (2, 951, 1364, 579, 622, "TM. ỦY BAN NHÂN DÂN"),
        (2, 1041, 1275, 937, 972, "Lê Thu Quyên"),
    ])
    got = " ".join(_read_back(tmp_path, page))
    assert got == " ".join(page.ocr.text.splitlines())


def test_header_columns_close_together_stay_apart(tmp_path):
    # A skewed land-use certificate: the left column's widest line ends 40 px before the right
    # column starts, less than the font size its airy lines would otherwise get.
    page = _laid_out([
        (0, 148, 683, 171, 202, "UBND THÀNH PHỐ HỒ CHÍ MINH"),
        (0, 127, 707, 214, 246, "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"),
        (1, 747, 1470, 170, 203, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (1, 879, 1341, 215, 247, "Độc lập - Tự do - Hạnh phúc"),
        (1, 782, 1444, 290, 318, "TP. Hồ Chí Minh, ngày 10 tháng 12 năm 2015"),
        (2, 432, 1291, 370, 403, "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT"),
    ])
    assert _read_back(tmp_path, page) == page.ocr.text.splitlines()


def test_words_a_narrow_space_apart_read_back_apart(tmp_path):
    # Seed 313's light Liberation letter (300 dpi): the signer's bold name "Lê" ended 8 px
    # before "Văn" under a font size of 80 px, and pdftotext read "Thiếu tá LêVăn Yến". Each
    # word is drawn ending a little before the next one starts, so the words stay words.
    def line(block: int, line_no: int, top: int, bottom: int,
             spans: list[tuple[str, int, int]]) -> list[Word]:
        return [Word(text, left, top, right - left, bottom - top, 95.0, block, line_no)
                for text, left, right in spans]

    words = [
        *line(0, 0, 1200, 1230, [("Giấy", 238, 300), ("này", 312, 360), ("có", 372, 400)]),
        *line(1, 1, 1300, 1335, [("TRƯỞNG", 1000, 1140), ("CÔNG", 1152, 1250),
                                 ("AN", 1262, 1310)]),
        *line(1, 2, 1345, 1375, [("(Ký,", 960, 1010), ("ghi", 1020, 1060), ("rõ", 1070, 1100),
                                 ("họ", 1110, 1140), ("tên)", 1150, 1200)]),
        *line(1, 3, 1540, 1566, [("Thiếu", 990, 1075), ("tá", 1085, 1113), ("Lê", 1123, 1163),
                                 ("Văn", 1167, 1227), ("Yến", 1237, 1297)]),
    ]
    image = io.BytesIO()
    Image.new("L", (1654, 2339), 255).save(image, format="JPEG")
    text = "Giấy này có\nTRƯỞNG CÔNG AN\n(Ký, ghi rõ họ tên)\nThiếu tá Lê Văn Yến"
    ocr = OcrPage(page_sha256="0" * 64, rotation=0, skew=0.0, width=1654, height=2339, dpi=200,
                  words=tuple(words), text=text, confidence=0.95)
    assert _read_back(tmp_path, PdfPage(image.getvalue(), "image/jpeg", 200, ocr)) == \
        text.splitlines()
