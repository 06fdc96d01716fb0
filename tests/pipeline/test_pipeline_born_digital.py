"""Born-digital PDF pages are kept as their producer made them (issue 19): no picture of the
page, no OCR, the producer's own text, PDF/A-2b, and the archived file signed and verified.

The inputs are made here by fpdf2 (not by sohoa's PDF code): a Vietnamese text page in an
embedded TrueType font, a page in base-14 Times without a font file (PDF/A wants it embedded:
Ghostscript converts it), and a file mixing a scanned JPEG page with a text page.
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw
from pipeline_helpers import json_lines, run_sohoa
from testtools import verapdf_command

from sohoa.pdf.textpdf import FONTS
from sohoa.vntext import nfc

PARAGRAPHS = [
    "GIẤY KHAI SINH",
    "Họ, chữ đệm, tên: NGUYỄN THỊ HỒNG NHUNG",
    "Ngày, tháng, năm sinh: 12/03/2019. Giới tính: Nữ. Dân tộc: Kinh. Quốc tịch: Việt Nam.",
    "Nơi sinh: Bệnh viện Phụ sản Hà Nội, quận Đống Đa, thành phố Hà Nội.",
    "Họ, chữ đệm, tên người mẹ: TRẦN THỊ THU HƯỜNG, năm sinh 1990, dân tộc Kinh.",
    "Nơi cư trú: số 18 phố Huỳnh Thúc Kháng, phường Láng Hạ, quận Đống Đa, Hà Nội.",
    "Ủy ban nhân dân phường Láng Hạ ghi vào Sổ đăng ký khai sinh ngày 20 tháng 3 năm 2019.",
]


def _font_file() -> str:
    return next(f for f in FONTS[""] if Path(f).is_file())


def _text_page(pdf: FPDF, lines: list[str]) -> None:
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 7, nfc(line), new_x="LMARGIN", new_y="NEXT")


def _vietnamese_pdf() -> bytes:
    """A two-page paper: the second page goes on with the first's text."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("body", "", _font_file())
    pdf.set_font("body", "", 12)
    _text_page(pdf, PARAGRAPHS)
    _text_page(pdf, [line for line in PARAGRAPHS[3:]] + ["Trang 2 của bản chính."])
    return bytes(pdf.output())


def _times_pdf() -> bytes:
    """Base-14 Times, not embedded (fpdf2's core font)."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_font("Times", "", 12)
    _text_page(pdf, ["Bureau of the Census, Statistical Research Division",
                     "The string comparator metric of record linkage, 1994 edition.",
                     "Fellegi and Sunter showed how matching parameters are estimated."])
    return bytes(pdf.output())


def _scan_jpeg() -> bytes:
    image = Image.new("RGB", (827, 1169), "white")  # A4 at 100 dpi
    ImageDraw.Draw(image).rectangle((80, 80, 740, 120), fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80, dpi=(100, 100))
    return out.getvalue()


def _mixed_pdf(jpeg: bytes) -> bytes:
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("body", "", _font_file())
    pdf.set_font("body", "", 12)
    pdf.add_page()
    pdf.image(io.BytesIO(jpeg), x=0, y=0, w=210, h=297)
    _text_page(pdf, PARAGRAPHS)
    return bytes(pdf.output())


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _verapdf(*paths: Path) -> dict[str, str]:
    """veraPDF's verdict (PDF/A-2b) on several files in one run (one JVM start)."""
    done = subprocess.run([*verapdf_command(), "--flavour", "2b", "--format", "text",
                           *map(str, paths)], capture_output=True, text=True, timeout=300,
                          check=False)
    verdicts = {}
    for line in done.stdout.splitlines():
        verdict, _, name = line.partition(" ")
        verdicts[name.strip()] = verdict
    return verdicts


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("born")
    made = {"vn": _vietnamese_pdf(), "times": _times_pdf(), "mixed": _mixed_pdf(_scan_jpeg())}
    paths = {}
    for name, data in made.items():
        paths[name] = out / f"{name}.pdf"
        paths[name].write_bytes(data)
    paths["declared"] = _reportlab_like(paths["vn"], out / "declared.pdf")
    return paths


def _archival(path: Path, target: Path) -> Path:
    """The archival PDF of a file as `sohoa ocr` makes it, in this process (its stages)."""
    from sohoa.ocr import PdfPage, build_pdf
    from sohoa.pipeline.analysis import AnalyzeOptions
    from sohoa.pipeline.stages import recognize_only
    from sohoa.records import Page
    from sohoa.scanners import read_pages

    pages = [p for p in read_pages(path) if isinstance(p, Page)]
    options = AnalyzeOptions("vie", 30, "")
    target.write_bytes(build_pdf([PdfPage(p.data, p.mime, p.dpi, recognize_only(p, options))
                                  for p in pages], title=path.stem, author="UBND"))
    return target


@pytest.fixture(scope="module")
def made(files: dict[str, Path]) -> dict[str, object]:
    """What the clerk gets: the archival PDFs of the three files (as `sohoa ocr` makes them),
    the Vietnamese paper ingested (signed), and veraPDF on all four in one JVM. In this process
    (the CLI faces are run by the tests: `show`, `verify`): a `sohoa` subprocess per step cost
    ~1.5 s of imports each, and ingest already builds the archival PDF that it signs."""
    from sohoa.pipeline.home import init_home
    from sohoa.pipeline.ingest import run_ingest
    from sohoa.pipeline.services import open_archive
    from sohoa.pipeline.settings import load_settings

    folder = files["vn"].parent
    home = folder / "home"
    init_home(home, dev_key=True, unit="H19.22")
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    events: list[dict[str, Any]] = []
    run_ingest([files["vn"]], settings, emit=events.append)
    [stored] = [e for e in events if e.get("created")]
    signed = folder / "signed.pdf"
    with open_archive(settings) as archive:
        signed.write_bytes(archive.get_pdf(stored["document_id"]))
    outputs = {name: _archival(files[name], folder / f"{name}-out.pdf")
               for name in ("vn", "times", "mixed", "declared")}
    outputs["signed"] = signed
    return {**outputs, "home": home, "document_id": stored["document_id"],
            "verdicts": _verapdf(*outputs.values())}


def test_born_digital_pages_are_kept_with_their_text_and_are_pdfa(
        files: dict[str, Path], made: dict[str, Any]) -> None:
    vn = made["vn"]
    # kept, not pictured: at most 1.1× the producer's file (a 300 dpi picture was ~80×)
    assert vn.stat().st_size <= 1.1 * files["vn"].stat().st_size
    text = _text(vn)
    assert text == _text(files["vn"])  # the producer's text, exactly, once (no OCR layer)
    assert nfc(text) == text and "NGUYỄN THỊ HỒNG NHUNG" in text and "Ủy ban nhân dân" in text
    with pikepdf.open(vn) as pdf:  # no page turned into a picture
        assert not [k for page in pdf.pages for k in page.get_images()]

    times = made["times"]
    fonts = subprocess.run(["pdffonts", str(times)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts), fonts  # Times now embedded
    assert "Fellegi and Sunter showed how matching" in _text(times)
    assert "NGUYỄN THỊ HỒNG NHUNG" in _text(made["mixed"])
    verdicts = made["verdicts"]
    assert {verdicts.get(str(made[k])) for k in ("vn", "times", "mixed", "signed")} == {
        "PASS"}, verdicts


def test_pages_are_told_apart_in_a_mixed_file_and_the_scan_keeps_its_jpeg(
        files: dict[str, Path]) -> None:
    from sohoa.records import Page
    from sohoa.scanners import read_pages

    scan, text = list(read_pages(files["mixed"]))
    assert isinstance(scan, Page) and isinstance(text, Page)
    assert scan.mime == "image/jpeg" and scan.data == _scan_jpeg() and not scan.born_digital
    assert text.mime == "application/pdf" and text.data.startswith(b"%PDF-")
    assert "giữ nguyên nội dung" in text.born_digital
    # shown as a picture where pages are shown (the web, review crops, certified copies)
    from sohoa.scanners.pdfborn import picture

    with Image.open(io.BytesIO(picture(text.data))) as shown:
        assert shown.format == "JPEG" and shown.size == (1241, 1754)  # A4 at 150 dpi
        assert shown.convert("L").getextrema()[0] < 80  # the text is drawn
    assert picture(scan.data) == scan.data
    [times] = read_pages(files["times"])
    assert isinstance(times, Page) and "Ghostscript" in times.born_digital
    assert "Times-Roman không được nhúng" in times.born_digital


def test_a_born_digital_page_is_never_recognized(files: dict[str, Path],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import sohoa.ocr
    from sohoa.pipeline.analysis import AnalyzeOptions
    from sohoa.pipeline.stages import analyze_page, recognize_only
    from sohoa.scanners import read_pages

    def no_ocr(*args: object, **kwargs: object) -> None:
        raise AssertionError("OCR ran on a born-digital page")

    monkeypatch.setattr(sohoa.ocr, "recognize_page", no_ocr)
    page = next(iter(read_pages(files["vn"])))
    options = AnalyzeOptions("vie", 30, "")
    analysis = analyze_page(page, options)
    reading = recognize_only(page, options)
    assert analysis.ocr == reading and reading.confidence == 1.0
    assert reading.text.splitlines()[:2] == PARAGRAPHS[:2]
    assert all(w.confidence == 100.0 for w in reading.words)
    # words in the pixels of a 300 dpi A4 page, where the scans' reading rules expect them
    assert (reading.width, reading.height) == (2480, 3508)
    first = reading.words[0]
    assert first.text == "GIẤY" and 100 < first.left < 200 and 30 < first.height < 80


def test_a_receipt_printed_to_pdf_gives_its_dossier_code_from_its_symbol(
        files: dict[str, Path], tmp_path: Path) -> None:
    from sohoa.pdf.qrmark import modules
    from sohoa.pipeline.analysis import AnalyzeOptions
    from sohoa.pipeline.stages import analyze_page
    from sohoa.scanners import read_pages
    from sohoa.scanners.pdfborn import may_carry_symbol

    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("body", "", _font_file())
    pdf.set_font("body", "", 12)
    _text_page(pdf, ["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", *PARAGRAPHS[1:3]])
    pdf.set_fill_color(0)
    for row, line in enumerate(modules("H19.22-241105-0042")):  # a QR of filled squares
        for col, dark in enumerate(line):
            if dark:
                pdf.rect(150 + col * 0.8, 20 + row * 0.8, 0.8, 0.8, style="F")
    path = tmp_path / "receipt.pdf"
    path.write_bytes(bytes(pdf.output()))
    [page] = read_pages(path)
    options = AnalyzeOptions("vie", 30, "")
    assert page.born_digital and may_carry_symbol(page.data)
    assert analyze_page(page, options).code == "H19.22-241105-0042"
    # a page of text only is not drawn at all to look for one
    plain = next(iter(read_pages(files["vn"])))
    assert not may_carry_symbol(plain.data)
    assert analyze_page(plain, options).code is None


def test_ingested_born_digital_paper_is_signed_and_says_where_its_text_came_from(
        files: dict[str, Path], made: dict[str, Any]) -> None:
    shown = json_lines(run_sohoa(made["home"], "show", made["document_id"], "--json").stdout)[0]
    kept = shown["extra"]["born_digital_pages"]
    assert [k["page"] for k in kept] == [1, 2] and kept[0]["text_from"] == "pdf"
    assert kept[0]["note"].startswith("trang PDF tạo từ văn bản")
    assert {p["confidence"] for p in shown["pages"]} == {1.0}
    assert all(p["provenance"].startswith("trang PDF tạo từ văn bản") for p in shown["pages"])
    signed = made["signed"]
    assert run_sohoa(made["home"], "verify", str(signed)).returncode == 0  # pyHanko
    pdfsig = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True,
                            check=False)
    assert "Signature is Valid" in pdfsig.stdout, pdfsig.stdout
    signed_text = _text(signed)  # the producer's lines, and the stamp's own beside them
    assert all(line in signed_text for line in _text(files["vn"]).splitlines())
    assert made["verdicts"][str(signed)] == "PASS"  # still PDF/A-2b once signed


def test_review_draws_a_born_digital_page_in_the_grid_of_its_words(
        made: dict[str, Any], tmp_path: Path) -> None:
    from sohoa.pipeline import review
    from sohoa.pipeline.settings import load_settings

    settings = load_settings(home=made["home"], environ={})
    shown = review.show(settings, made["document_id"], "full_name", tmp_path, user="cb")
    [crop] = shown["images"]
    assert crop["box"] is not None  # found on the page, cropped around its words
    with Image.open(crop["path"]) as image:
        assert image.convert("L").getextrema()[0] < 80  # the name's ink, not blank paper
    whole = review.show(settings, made["document_id"], None, tmp_path, user="cb")
    with Image.open(whole["images"][0]["path"]) as image:
        assert abs(image.width - 2480) <= 1 and abs(image.height - 3508) <= 1  # 300 dpi A4


def test_a_page_ghostscript_cannot_convert_does_not_cost_the_others_their_kept_text(
        tmp_path: Path) -> None:
    """Ghostscript gives up PDF/A for a whole file when one page shows CID 0 (and says so, exit
    0): the other pages are converted one by one, the refused page alone is rendered."""
    from sohoa.ocr.pdfa import _font  # a Type0 font whose CID 0 is a real glyph slot
    from sohoa.records import Page
    from sohoa.scanners import read_pages

    pdf = pikepdf.new()
    fonts = {"F1": pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                      BaseFont=pikepdf.Name.Helvetica), "F2": _font(pdf)}
    for content in (b"BT /F1 14 Tf 72 700 Td (Giay tiep nhan ho so, trang mot) Tj ET",
                    b"BT /F1 14 Tf 72 700 Td (Trang hai co chu that) Tj ET "
                    b"BT /F2 14 Tf 72 600 Td <0000> Tj ET"):
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(**fonts)),
            Contents=pikepdf.Stream(pdf, content))))
    path = tmp_path / "cid0.pdf"
    pdf.save(path)
    first, second = read_pages(path)
    assert isinstance(first, Page) and isinstance(second, Page)
    assert first.mime == "application/pdf" and "Ghostscript" in first.born_digital
    assert second.mime == "image/tiff" and "không chuyển được sang PDF/A" in second.rendered


def test_a_ghostscript_copy_missing_a_page_is_not_read_by_the_originals_numbers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Were Ghostscript's whole-file copy one page short, page 1 would be given page 2's
    content (a misfile): each page is then converted alone. No real file made gs 10 drop a page
    (the reviewer tried bad Flate, a missing /Contents, a self-drawing form), so the whole-file
    copy is made by the real gs and then shortened here."""
    from sohoa.records import Page
    from sohoa.scanners import pdfborn, read_pages

    pdf = pikepdf.new()
    helv = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica)  # not embedded: the gs path
    for content in (b"BT /F1 14 Tf 72 700 Td (Giay tiep nhan ho so, trang mot) Tj ET",
                    b"BT /F1 14 Tf 72 700 Td (Phieu hen tra ket qua, trang hai) Tj ET"):
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=helv)),
            Contents=pikepdf.Stream(pdf, content))))
    path = tmp_path / "two.pdf"
    pdf.save(path)
    real_copy = pdfborn.pdfa_copy
    whole_copies = []

    def short_copy(path: Path, timeout_s: float = pdfborn.GS_TIMEOUT_S,
                   page: int | None = None) -> pikepdf.Pdf | None:
        copy = real_copy(path, timeout_s, page)
        if page is None and copy is not None:
            whole_copies.append(len(copy.pages))
            del copy.pages[0]
        return copy

    monkeypatch.setattr(pdfborn, "pdfa_copy", short_copy)
    first, second = read_pages(path)
    assert whole_copies == [2]  # the whole-file copy was made (and shortened)
    texts = []
    for n, page in enumerate((first, second)):
        assert isinstance(page, Page) and page.mime == "application/pdf", page
        assert "Ghostscript" in page.born_digital
        (tmp_path / f"p{n}.pdf").write_bytes(page.data)
        texts.append(_text(tmp_path / f"p{n}.pdf"))
    assert "trang mot" in texts[0] and "trang hai" not in texts[0], texts
    assert "trang hai" in texts[1] and "trang mot" not in texts[1], texts


def _filled_form(path: Path, flags: int | None = 4) -> None:
    """A form filled on a computer: labels in the page's text, the citizen's entries only in the
    fields' appearances (widget annotations in Helvetica, not embedded)."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("body", "", _font_file())
    pdf.set_font("body", "", 12)
    pdf.add_page()
    pdf.text(20, 20, nfc("TỜ KHAI ĐĂNG KÝ HỘ KINH DOANH"))
    pdf.text(20, 40, nfc("Họ và tên người khai:"))
    pdf.text(20, 50, nfc("Số định danh cá nhân:"))
    doc = pikepdf.open(io.BytesIO(bytes(pdf.output())))
    page = doc.pages[0]
    helv = doc.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    widgets = []
    for name, value, y_mm in (("ten", "NGUYEN VAN AN", 40), ("so", "001085012345", 50)):
        y = 842 - y_mm * 72 / 25.4 - 4
        look = doc.make_stream(f"/Tx BMC BT /Helv 12 Tf 2 4 Td ({value}) Tj ET EMC".encode(),
                               Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                               BBox=[0, 0, 250, 18],
                               Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv)))
        widgets.append(doc.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx,
            T=pikepdf.String(name), V=pikepdf.String(value), Rect=[230, y, 480, y + 18],
            AP=pikepdf.Dictionary(N=look), P=page.obj,
            **({} if flags is None else {"F": flags}))))
    page.obj.Annots = pikepdf.Array(widgets)
    doc.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(widgets),
                                           DA=pikepdf.String("/Helv 0 Tf 0 g"))
    doc.save(path)


@pytest.mark.parametrize("flags", [4, None], ids=["print", "no-flags"])
def test_a_filled_form_keeps_the_citizens_entries(tmp_path: Path, flags: int | None) -> None:
    """The entries of a form filled on a computer live in its fields' appearances: the kept
    page (which drops /Annots) must have them drawn in, in its picture and in its words —
    also when the generator wrote the fields without the Print flag (viewers show them)."""
    from sohoa.records import Page
    from sohoa.scanners import read_pages
    from sohoa.scanners.pdfborn import page_words

    path = tmp_path / "form.pdf"
    _filled_form(path, flags)
    [page] = read_pages(path)
    assert isinstance(page, Page) and page.mime == "application/pdf", page.rendered
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(page.data)
    text = _text(kept)
    assert "NGUYEN VAN AN" in text and "001085012345" in text
    assert nfc("Số định danh cá nhân") in nfc(text)
    assert "001085012345" in page_words(page.data).text


def test_a_form_or_signed_pdf_is_kept_byte_for_byte_beside_its_pages(tmp_path: Path) -> None:
    """A born-digital page is a re-written one-page PDF: the producer's signature, form and
    bytes are not in it. A file that is a form (or signed) is kept whole beside its pages,
    one blob for the file (not one per page), named by each page's record."""
    import hashlib

    from sohoa.pipeline.home import init_home
    from sohoa.pipeline.ingest import run_ingest
    from sohoa.pipeline.services import open_archive
    from sohoa.pipeline.settings import load_settings

    folder = tmp_path / "in"
    folder.mkdir()
    form = folder / "to-khai.pdf"
    _filled_form(form)
    with pikepdf.open(form, allow_overwriting_input=True) as pdf:  # a second page, same file
        with pikepdf.open(io.BytesIO(_vietnamese_pdf())) as more:
            pdf.pages.append(more.pages[0])
        pdf.save(form)
    data = form.read_bytes()
    form_sha = hashlib.sha256(data).hexdigest()
    home = tmp_path / "home"
    init_home(home, dev_key=True)
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    events: list[Any] = []
    run_ingest([folder], settings, emit=events.append)
    created = [e["document_id"] for e in events
               if isinstance(e, dict) and e.get("created")]
    assert created, events
    with open_archive(settings) as archive:
        pages = [p for doc in created for p in archive.get_document(doc)["pages"]]
        assert sorted(p["index"] for p in pages) == [0, 1]
        assert {p.get("original_sha256") for p in pages} == {form_sha}  # both, one blob
        assert archive.blobs.get(form_sha) == data  # the input file, byte for byte
        assert all(p["blob_sha256"] != form_sha for p in pages)  # beside the pages, not them
    shown = json_lines(run_sohoa(home, "show", created[0], "--json").stdout)[0]
    assert {p.get("original_sha256") for p in shown["pages"]} == {form_sha}


def test_a_signature_dictionary_alone_names_the_file_a_plain_paper_does_not(
        files: dict[str, Path], tmp_path: Path) -> None:
    """A signature field some producer left outside any /AcroForm still makes the file worth
    keeping; a born-digital paper with no form and no signature is its pages alone."""
    import hashlib
    import warnings

    from sohoa.scanners import read_pages

    signed = tmp_path / "signed-outside-form.pdf"
    with pikepdf.open(files["vn"]) as pdf:
        sig = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Sig, Filter=pikepdf.Name("/Adobe.PPKLite"),
            ByteRange=pikepdf.Array([0, 10, 20, 30]), Contents=pikepdf.String(b"\0" * 16)))
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Sig,
            T=pikepdf.String("ky"), V=sig, F=132, Rect=[0, 0, 0, 0]))])
        with warnings.catch_warnings():  # pikepdf: a widget not reachable from /AcroForm
            warnings.simplefilter("ignore")
            pdf.save(signed)
    sha = hashlib.sha256(signed.read_bytes()).hexdigest()
    assert [p.original_sha256 for p in read_pages(signed)] == [sha, sha]
    assert [p.original_sha256 for p in read_pages(files["vn"])] == ["", ""]


def test_an_empty_signature_field_does_not_make_a_template_a_picture(tmp_path: Path) -> None:
    """A paper prepared for signing carries an empty, unsigned signature field (no appearance,
    no value): nothing a viewer draws, so the page is kept born digital, not rendered."""
    from sohoa.records import Page
    from sohoa.scanners import read_pages

    path = tmp_path / "template.pdf"
    _filled_form(path)
    doc = pikepdf.open(path, allow_overwriting_input=True)
    page = doc.pages[0]
    sig = doc.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Sig,
        T=pikepdf.String("Chu ky"), F=4, Rect=[350, 100, 550, 160], P=page.obj))
    page.obj.Annots = pikepdf.Array([sig])
    doc.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([sig]), SigFlags=1)
    doc.save(path)
    [kept] = read_pages(path)
    assert isinstance(kept, Page) and kept.mime == "application/pdf", kept.rendered


def _shows_glyph_zero(path: Path) -> Path:
    """A two-page paper in an embedded Vietnamese font (nothing Ghostscript must fix) whose
    second page also shows CID 0, as a producer does for a character its font subset lacks, and
    a simple font whose /Differences names .notdef for a code it shows."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("body", "", _font_file())
    pdf.set_font("body", "", 12)
    _text_page(pdf, PARAGRAPHS[:3])
    _text_page(pdf, PARAGRAPHS[3:])
    doc = pikepdf.open(io.BytesIO(bytes(pdf.output())))
    font = next(iter(doc.pages[1].Resources.Font))
    doc.pages[1].contents_add(pikepdf.Stream(
        doc, f"BT {font} 12 Tf 72 300 Td <0000> Tj ET".encode()), prepend=False)
    doc.save(path)
    return path


def test_a_page_showing_glyph_zero_is_drawn_and_the_archive_stays_pdfa(tmp_path: Path) -> None:
    """PDF/A-2b forbids showing .notdef (ISO 19005-2, 6.2.11.8): kept as the producer wrote it,
    the page would fail the inspector's validator. It is drawn and read instead, and says why;
    the page beside it keeps its own text."""
    from sohoa.records import Page
    from sohoa.scanners import pdfborn, read_pages

    path = _shows_glyph_zero(tmp_path / "notdef.pdf")
    first, second = read_pages(path)
    assert isinstance(first, Page) and first.mime == "application/pdf"
    assert isinstance(second, Page) and second.mime == "image/tiff", second  # type: G4
    assert "glyph .notdef" in second.rendered and "LiberationSerif" in second.rendered
    # drawn, never scanned: the scanning rule (colour, 200 dpi) is not its own, even when set
    # to refuse (the clerk could not rescan a file a program made)
    from sohoa.scanners.colour import scan_problem

    assert second.drawn and scan_problem(second.data, second.dpi, second.drawn) is None
    assert scan_problem(second.data, second.dpi) is not None  # as a scan it would fall short
    # F21: its words are the PDF's own, not a recognizer's reading of the picture
    # (OCR gave "Số đăng ký" for "Sổ đăng ký", "NGUYÊN" for "NGUYỄN")
    assert second.text_pdf and pdfborn.DRAWN_TEXT_NOTE in second.rendered
    out = _archival(path, tmp_path / "notdef-out.pdf")
    assert _verapdf(out) == {str(out): "PASS"}
    drawn_text = nfc(_text(out)).split("\f")[1]
    for line in PARAGRAPHS[3:]:
        assert nfc(line) in drawn_text, (line, drawn_text)


def test_a_simple_fonts_notdef_by_name_is_seen_and_other_codes_are_not() -> None:
    from sohoa.scanners.glyphs import shows_notdef

    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType,
                              Encoding=pikepdf.Dictionary(Differences=pikepdf.Array(
                                  [65, pikepdf.Name("/A"), pikepdf.Name("/.notdef")])))
    assert shows_notdef(font, [pikepdf.String(b"AB")], "Tj")
    assert not shows_notdef(font, [pikepdf.String(b"AC")], "Tj")
    assert shows_notdef(font, [pikepdf.Array([pikepdf.String(b"A"), -120,
                                              pikepdf.String(b"B")])], "TJ")
    identity = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0,
                                  Encoding=pikepdf.Name("/Identity-H"))
    assert shows_notdef(identity, [pikepdf.String(b"\x00\x05\x00\x00")], "Tj")
    # a zero byte of two CIDs side by side is no CID 0
    assert not shows_notdef(identity, [pikepdf.String(b"\x01\x00\x00\x07")], "Tj")


def test_a_standard_encodings_unnamed_code_is_glyph_zero_unless_differences_name_it() -> None:
    """WinAnsi names nothing at codes 0-31: a font under it shows .notdef there, whatever its
    program (tester10 F31: Ghostscript's embedded Helvetica still did, veraPDF failed it)."""
    from sohoa.scanners.glyphs import shows_notdef

    winansi = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                 Encoding=pikepdf.Name.WinAnsiEncoding)
    assert shows_notdef(winansi, [pikepdf.String(b"A\x00")], "Tj")
    assert not shows_notdef(winansi, [pikepdf.String(b"A\x7f\xa0")], "Tj")  # bullet, space
    filled = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                Encoding=pikepdf.Dictionary(
                                    BaseEncoding=pikepdf.Name.StandardEncoding,
                                    Differences=pikepdf.Array([0, pikepdf.Name("/A")])))
    assert not shows_notdef(filled, [pikepdf.String(b"\x00")], "Tj")
    assert shows_notdef(filled, [pikepdf.String(b"\x80")], "Tj")  # StandardEncoding's gap


def test_glyph_zero_in_a_font_that_is_not_embedded_is_drawn_and_stored_as_pdfa(
        tmp_path: Path) -> None:
    """tester10 F31: base-14 Helvetica (not embedded, WinAnsi) showing code 0 went through
    Ghostscript, whose copy embeds a Helvetica that still shows .notdef there, and was stored
    unchecked: veraPDF failed rule 6.2.11.8. The converted page is checked again and, still
    showing glyph 0, drawn; the stored copy passes veraPDF and keeps the PDF's own words."""
    from sohoa.pipeline.home import init_home
    from sohoa.pipeline.ingest import run_ingest
    from sohoa.pipeline.services import open_archive
    from sohoa.pipeline.settings import load_settings

    lines = ["QUYET DINH so 77/QD-UBND", "Ve viec cap phep cho ong Tran Van Binh",
             "So dinh danh ca nhan: 075090687246"]
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_font("helvetica", "", 12)
    _text_page(pdf, lines)
    doc = pikepdf.open(io.BytesIO(bytes(pdf.output())))
    font = next(iter(doc.pages[0].Resources.Font))
    doc.pages[0].contents_add(pikepdf.Stream(doc, f"BT {font} 12 Tf 100 100 Td (\\000) Tj ET"
                                             .encode()), prepend=False)
    path = tmp_path / "core0.pdf"
    doc.save(path)
    home = tmp_path / "home"
    init_home(home, dev_key=True, unit="H19.22")
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    events: list[dict[str, Any]] = []
    run_ingest([path], settings, emit=events.append)
    [stored] = [e for e in events if e.get("created")]
    out = tmp_path / "stored.pdf"
    with open_archive(settings) as archive:
        out.write_bytes(archive.get_pdf(stored["document_id"]))
    assert _verapdf(out) == {str(out): "PASS"}
    text = " ".join(_text(out).split())
    for line in lines:
        assert line in text, (line, text)


def test_a_drawn_born_digital_page_is_stored_even_where_scans_must_be_in_colour(
        tmp_path: Path) -> None:
    """scan_colour = refuse quarantines a file with a grey scan in it; a born-digital file
    whose page had to be drawn (glyph 0) was never scanned, so nothing in it is refused."""
    from sohoa.pipeline.home import init_home
    from sohoa.pipeline.ingest import run_ingest
    from sohoa.pipeline.settings import load_settings

    path = _shows_glyph_zero(tmp_path / "notdef.pdf")
    home = tmp_path / "home"
    init_home(home, dev_key=True, unit="H19.22")
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1",
                                                 "SOHOA_SCAN_COLOUR": "refuse"})
    events: list[dict[str, Any]] = []
    summary = run_ingest([path], settings, emit=events.append)
    assert summary.quarantined == 0, events
    assert not [e for e in events if "quét màu" in json.dumps(e, ensure_ascii=False)], events
    assert summary.stored == 1, events
    # F21: the catalog's text and the stored PDF's text layer are the drawn page's exact words
    from sohoa.pipeline.services import open_archive

    [stored] = [e for e in events if e.get("created")]
    with open_archive(settings) as archive:
        found = archive.search("Sổ đăng ký khai sinh")
        (tmp_path / "stored.pdf").write_bytes(archive.get_pdf(stored["document_id"]))
    assert stored["document_id"] in json.dumps(found, default=str), found
    assert "Sổ đăng ký khai sinh" in nfc(_text(tmp_path / "stored.pdf")).split("\f")[1]
    # nor does the desk's scan-colour figure count it (tester 9, F20 addendum)
    from sohoa.pipeline.review import stats

    assert stats(settings)["documents_not_colour"] == 0


def test_a_drawn_page_with_a_crop_box_has_its_words_over_its_ink(tmp_path: Path) -> None:
    """The drawn page's image is the crop box (what viewers show); its words must be placed in
    that same box, not in the MediaBox, or the text layer lies off the ink by the margins."""
    from sohoa.pipeline.stages import drawn_reading
    from sohoa.records import Page
    from sohoa.scanners import read_pages

    path = _shows_glyph_zero(tmp_path / "notdef.pdf")
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        # 20 pt off the left, 10 off the top
        doc.pages[1].CropBox = pikepdf.Array([20, 0, 595, 832])
        doc.save(path)
    _first, second = read_pages(path)
    assert isinstance(second, Page) and second.text_pdf, second
    reading = drawn_reading(second)
    assert reading is not None and reading.words
    with Image.open(io.BytesIO(second.data)) as drawn:
        ink = drawn.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
        assert ink is not None
    left = min(w.left for w in reading.words)
    top = min(w.top for w in reading.words)
    # pdftotext's boxes hold the glyphs' full height (a few px above the capitals' ink)
    assert abs(left - ink[0]) <= 8 and 0 <= ink[1] - top <= 25, (left, top, ink)


def _reportlab_like(source: Path, target: Path) -> Path:
    """``source`` with base-14 Helvetica (not embedded) declared and selected, but never shown
    text in, on its first page: what ReportLab writes at the top of every page."""
    with pikepdf.open(source) as pdf:
        page = pdf.pages[0]
        page.Resources.Font["/FRl"] = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding))
        page.contents_add(pdf.make_stream(b"BT /FRl 12 Tf 14.4 TL ET"), prepend=True)
        pdf.save(target)
    return target


def test_a_font_selected_and_never_shown_does_not_send_the_page_through_ghostscript(
        files: dict[str, Path], made: dict[str, Any]) -> None:
    """ReportLab selects unembedded Helvetica on every page: the page went to Ghostscript,
    which re-made its TrueType subsets without ToUnicode maps, and the record's text was ""
    (tester12 F14). A font no text is shown in asks nothing of PDF/A: the page is kept."""
    from sohoa.scanners import pdfborn, read_pages

    page = next(iter(read_pages(files["declared"])))
    assert page.mime == pdfborn.PDF_MIME and page.born_digital == pdfborn.KEPT_NOTE
    assert "Ủy ban nhân dân" in pdfborn.page_words(page.data).text
    assert "Ủy ban nhân dân" in _text(made["declared"])
    assert made["verdicts"].get(str(made["declared"])) == "PASS", made["verdicts"]


def test_a_converted_copy_that_lost_its_letters_does_not_read_as_the_original() -> None:
    """What poppler read in tester12's Ghostscript copy of a ReportLab letter (TrueType subsets
    re-made without ToUnicode) against the original: not the same text; the same text in
    another line order is."""
    from sohoa.scanners.pdfborn import same_text

    original = "ỦY BAN NHÂN DÂN\nXÃ TÂN LẬP\nÔng Nguyễn Văn Hùng, sinh ngày 12/05/1987"
    garbled = "Y BAN NHN DN\nX TN LP\nng Nguyn Vn Hng, sinh ngy 12/05/1987"
    assert not same_text(garbled, original)
    assert same_text("XÃ TÂN LẬP ỦY BAN NHÂN DÂN\nÔng Nguyễn Văn Hùng, sinh ngày 12/05/1987",
                     original)


def test_a_glyph_read_as_a_control_code_does_not_cost_the_page_its_words() -> None:
    """poppler writes such a glyph as the raw byte, which XML forbids: the whole page's words
    were lost (a 1994 Distiller paper's pages had no text in their records)."""
    from sohoa.scanners.pdfborn import page_words

    pdf = pikepdf.new()
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
            b"1 begincodespacerange <00> <FF> endcodespacerange "
            b"1 beginbfchar <7E> <0001> endbfchar endcmap end end")
    font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
        Encoding=pikepdf.Name.WinAnsiEncoding, ToUnicode=pdf.make_stream(cmap)))
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(b"BT /F1 12 Tf 72 760 Td (Record linkage ~ 1994) Tj ET"))))
    out = io.BytesIO()
    pdf.save(out)
    assert page_words(out.getvalue()).text.split() == ["Record", "linkage", "1994"]
