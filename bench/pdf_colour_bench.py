"""JBIG2, soft masks and CMYK from other producers (issue 19 item 1): the new way and the old
way of the same page, side by side in one run.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/pdf_colour_bench.py --seed 19 --repeat 3

Pages are the project's own (``sohoa.synth.render_document``), A4 at 300 dpi:

- a bilevel page (the grey page thresholded) as JBIG2 with a symbol dictionary in
  ``/JBIG2Globals`` (``tests/pdf_producers.jbig2_symbols``). New: ``read_pages`` decodes it with
  jbig2dec and stores G4. Old (before this work): the page rendered by ``pdftoppm -r 300
  -gray``, thresholded, stored G4 (``pdfrender.render_page``, what ``pdfpages`` called);
- a colour JPEG page under a soft mask that fades its top third. New: blended over white in
  ``read_pages``. Old: rendered by ``pdftoppm -r 300`` and stored as JPEG;
- a CMYK JPEG file (Pillow's, Adobe APP14) and the archival PDF made of it. New: converted to
  an sRGB JPEG through the default CMYK profile. Old: the CMYK JPEG handed to ``build_pdf``,
  which made it RGB by the naive formula and stored it as Flate.

CPU seconds are this process's (``time.process_time``) plus its children's (pdftoppm), best of
``--repeat``. Nothing here is run by the test suite.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pdf_producers import (
    image_stream,
    jbig2_symbols,
    jpeg_image,
    save,
    single_image_page,
)

from sohoa.ocr import PdfPage, build_pdf
from sohoa.records import OcrPage, Page
from sohoa.scanners import read_pages
from sohoa.scanners.pdfrender import render_page
from sohoa.synth.degrade import encode_jpeg
from sohoa.synth.document import DOC_TYPES, render_document

DPI = 300


def cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def best(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = cpu()
        result = work()
        times.append(cpu() - started)
    return min(times), result


def only_page(path: Path) -> Page:
    (page,) = list(read_pages(path))
    assert isinstance(page, Page), page
    return page


def archival_size(data: bytes, mime: str) -> int:
    im = Image.open(io.BytesIO(data))
    blank = OcrPage("x", 0, 0.0, im.width, im.height, DPI, (), "", 0.0)
    return len(build_pdf([PdfPage(data, mime, DPI, blank)], title="t", author="a"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    doc = render_document(DOC_TYPES[0], args.seed, severity="light", dpi=DPI)
    colour = doc.pages[0].convert("RGB")
    size = (colour.width * 72 / DPI, colour.height * 72 / DPI)
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # JBIG2 with a symbol dictionary
        bits = colour.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1")
        shared, data = jbig2_symbols(bits)
        pdf = pikepdf.new()
        image = image_stream(pdf, data, bits.width, bits.height, bpc=1, filter="/JBIG2Decode",
                             DecodeParms=pikepdf.Dictionary(
                                 JBIG2Globals=pikepdf.Stream(pdf, shared)))
        single_image_page(pdf, image, size)
        path = save(pdf, work / "jbig2.pdf")
        want = np.asarray(bits)
        new_s, new = best(args.repeat, lambda: only_page(path))
        old_s, old = best(args.repeat, lambda: render_page(path, 1, DPI, bilevel=True))
        same_new = (np.asarray(Image.open(io.BytesIO(new.data))) == want).mean()  # type: ignore[union-attr]
        same_old = (np.asarray(Image.open(io.BytesIO(old.data))) == want).mean()  # type: ignore[union-attr]
        rows.append(f"| JBIG2 page, symbol dictionary ({len(shared) + len(data):,} B) | "
                    f"{new_s:.3f} | {old_s:.3f} | {len(new.data):,} B G4, "  # type: ignore[union-attr]
                    f"{same_new:.2%} pixels as scanned | {len(old.data):,} B G4, "  # type: ignore[union-attr]
                    f"{same_old:.2%} pixels as scanned |")
        # a soft mask over a colour JPEG
        jpeg = encode_jpeg(colour, "light", DPI)
        alpha = np.full((colour.height, colour.width), 255, np.uint8)
        alpha[: colour.height // 3] = np.linspace(0, 255, colour.width, dtype=np.uint8)
        pdf = pikepdf.new()
        smask = image_stream(pdf, zlib.compress(alpha.tobytes()), colour.width, colour.height,
                             filter="/FlateDecode")
        single_image_page(pdf, jpeg_image(pdf, colour, jpeg, SMask=smask), size)
        path = save(pdf, work / "smask.pdf")
        new_s, new = best(args.repeat, lambda: only_page(path))
        old_s, old = best(args.repeat, lambda: render_page(path, 1, DPI, bilevel=False))
        rows.append(f"| colour JPEG page ({len(jpeg):,} B) under a soft mask | {new_s:.3f} | "
                    f"{old_s:.3f} | "
                    f"{len(new.data):,} B JPEG | {len(old.data):,} B JPEG |")  # type: ignore[union-attr]
        # a CMYK JPEG file
        buf = io.BytesIO()
        colour.convert("CMYK").save(buf, format="JPEG", quality=85, dpi=(DPI, DPI))
        path = work / "cmyk.jpg"
        path.write_bytes(buf.getvalue())
        # here the old way's work was in the archival PDF: read and archive, both counted
        new_s, new_pdf = best(args.repeat, lambda: archival_size(
            only_page(path).data, "image/jpeg"))
        old_s, old_pdf = best(args.repeat, lambda: archival_size(buf.getvalue(), "image/jpeg"))
        rows.append(f"| CMYK JPEG file ({len(buf.getvalue()):,} B), read + archival PDF | "
                    f"{new_s:.3f} | {old_s:.3f} | "
                    f"archival PDF {new_pdf:,} B ({new_pdf / len(buf.getvalue()):.2f}× input) | "
                    f"archival PDF {old_pdf:,} B ({old_pdf / len(buf.getvalue()):.2f}× input) |")
    print("| page | new: read CPU s | old: CPU s | new: stored | old: stored |")
    print("| --- | ---: | ---: | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
