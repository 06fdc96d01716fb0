"""Only what a viewer shows is the page: the CropBox, clip paths and form bounding boxes cut
the scan; an offset MediaBox or a page turned by /Rotate with its image drawn turned does not
stop the scan being taken as the producer wrote it."""

from __future__ import annotations

import io
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pikepdf
from pdf_producers import add_page, form, image_stream, jpeg_bytes, jpeg_image, save
from PIL import Image
from scan_fixtures import text_page

from sohoa.records import Page
from sohoa.scanners import read_pages
from sohoa.scanners.pdfimage import CROPPED


def grey(seed: int) -> Image.Image:
    return text_page(dpi=100, seed=seed, lines=8)


def flate(pdf: pikepdf.Pdf, img: Image.Image) -> pikepdf.Stream:
    return image_stream(pdf, zlib.compress(img.tobytes()), img.width, img.height,
                        filter="/FlateDecode")


def shown(path: Path, number: int) -> np.ndarray:
    out = subprocess.run(["pdftoppm", "-r", "100", "-gray", "-cropbox", "-f", str(number),
                          "-l", str(number), str(path)], capture_output=True, check=True).stdout
    return np.asarray(Image.open(io.BytesIO(out)).convert("L"), dtype=np.int16)


def pixels(page: Page) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(page.data)).convert("L"), dtype=np.int16)


def test_only_the_visible_part_of_the_scan_is_the_page(tmp_path: Path) -> None:
    img = grey(1)
    w, h = img.width * 0.72, img.height * 0.72  # the image's size in points at 100 dpi
    pdf = pikepdf.new()
    draw = f"q {w:.4f} 0 0 {h:.4f} 0 0 cm /Im Do Q".encode()
    # 1. The scanner's image fills the MediaBox; the CropBox shows 36 pt (50 px) less a side.
    add_page(pdf, (w, h), draw, {"Im": flate(pdf, img)})
    pdf.pages[-1].obj.CropBox = [36, 36, w - 36, h - 36]
    # 2. The page is the clip: the image overhangs it by 50 px a side and is clipped to it.
    pw, ph = w - 72, h - 72
    add_page(pdf, (pw, ph), f"q 0 0 {pw:.4f} {ph:.4f} re W n q {w:.4f} 0 0 {h:.4f} -36 -36 cm "
             f"/Im Do Q Q".encode(), {"Im": flate(pdf, img)})
    # 3. The same through a form whose /BBox is the page (ReportLab draws forms so).
    inner = form(pdf, f"q {w:.4f} 0 0 {h:.4f} -36 -36 cm /Im Do Q".encode(),
                 {"Im": flate(pdf, img)}, [0, 0, pw, ph])
    add_page(pdf, (pw, ph), b"/Fm Do", {"Fm": inner})
    # 4. A clip that leaves a third of the page: the scan is not the page (before: it was
    # taken whole, and the archive showed what the producer hid).
    add_page(pdf, (w, h), f"q 100 100 150 200 re W n {draw.decode()} Q".encode(),
             {"Im": flate(pdf, img)})
    # 5. A round clip (curves) inside the page: rendered, never cut along its box.
    add_page(pdf, (w, h), f"q 10 10 m 300 10 l 300 400 {w - 10:.1f} {h - 10:.1f} 10 "
             f"{h - 10:.1f} c h W n {draw.decode()} Q".encode(), {"Im": flate(pdf, img)})
    # 6. Text in clipping mode 7 (invisible, clips): the scan shows through the letters only.
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica)
    add_page(pdf, (w, h), f"q BT 7 Tr /F1 120 Tf 40 300 Td (SAO) Tj ET {draw.decode()} Q"
             .encode(), {"Im": flate(pdf, img)}, Font=pikepdf.Dictionary(F1=font))
    path = save(pdf, tmp_path / "clipped.pdf")
    cropped, clipped, boxed, small, round_clip, lettered = list(read_pages(path))
    inside = np.asarray(img.crop((50, 50, img.width - 50, img.height - 50)), dtype=np.int16)
    for got, number in ((cropped, 1), (clipped, 2), (boxed, 3)):
        assert isinstance(got, Page), got
        assert (got.rendered, got.mime, got.dpi) == ("", "image/png", 100), number
        assert CROPPED in got.converted
        assert np.array_equal(pixels(got), inside), number  # exactly the visible pixels
        assert np.abs(pixels(got) - shown(path, number)).mean() < 3, number  # what poppler shows
    assert isinstance(small, Page) and small.rendered.startswith("ảnh không phủ kín trang")
    assert isinstance(round_clip, Page) and "không phải hình chữ nhật" in round_clip.rendered
    assert isinstance(lettered, Page) and "không phải hình chữ nhật" in lettered.rendered
    # Rendered pages are the CropBox too, as viewers show them.
    assert np.abs(pixels(small) - shown(path, 4)).mean() < 3


def test_offset_boxes_and_turned_pages_keep_the_producers_bytes(tmp_path: Path) -> None:
    img = grey(2).convert("RGB")
    data = jpeg_bytes(img, dpi=100)
    w, h = img.width * 0.72, img.height * 0.72
    pdf = pikepdf.new()
    # 1. A MediaBox that does not start at 0 0 (some MFPs and imposition tools), the image
    # drawn where the box is, and a CropBox equal to it.
    add_page(pdf, (w, h), f"q {w:.4f} 0 0 {h:.4f} 200 300 cm /Im Do Q".encode(),
             {"Im": jpeg_image(pdf, img, data)})
    pdf.pages[-1].obj.MediaBox = [200, 300, 200 + w, 300 + h]
    pdf.pages[-1].obj.CropBox = [200, 300, 200 + w, 300 + h]
    # 2. A landscape page (/Rotate 90) whose image is drawn turned a quarter: the scanner's
    # JPEG is still the page, only turned (the recognizer finds the orientation).
    add_page(pdf, (h, w), f"q 0 {w:.4f} {-h:.4f} 0 {h:.4f} 0 cm /Im Do Q".encode(),
             {"Im": jpeg_image(pdf, img, data)})
    pdf.pages[-1].obj.Rotate = 90
    # 3. A CropBox a point inside the MediaBox on each side (1.4 px hidden): not worth a
    # second JPEG generation, the producer's bytes are kept.
    add_page(pdf, (w, h), f"q {w:.4f} 0 0 {h:.4f} 0 0 cm /Im Do Q".encode(),
             {"Im": jpeg_image(pdf, img, data)})
    pdf.pages[-1].obj.CropBox = [1, 1, w - 1, h - 1]
    path = save(pdf, tmp_path / "offset.pdf")
    offset, turned, sliver = list(read_pages(path))
    for got in (offset, turned, sliver):
        assert isinstance(got, Page), got
        assert (got.data, got.rendered, got.converted, got.dpi) == (data, "", "", 100)
