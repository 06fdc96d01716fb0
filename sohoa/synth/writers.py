"""Write scanned pages the way scanners deliver them: one multi-page PDF of JPEG images,
a multi-page TIFF (CCITT G4 bilevel or JPEG), or a folder of JPEG files. Each format carries the
scan resolution, and none embeds a timestamp, so equal pages give equal bytes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pikepdf
from PIL import Image

FORMATS = ("pdf", "tiff-g4", "tiff-jpeg", "jpeg")


@dataclass(frozen=True)
class ScannedPage:
    """A page ready for writing: JPEG bytes, or a bilevel image for G4."""

    jpeg: bytes | None = None
    bilevel: Image.Image | None = None

    def image(self) -> Image.Image:
        if self.bilevel is not None:
            return self.bilevel
        assert self.jpeg is not None
        return Image.open(io.BytesIO(self.jpeg))


def bilevel(image: Image.Image, dpi: int) -> Image.Image:
    """What a scanner's black-and-white mode gives: a local threshold, so a shadow or grey
    paper does not turn into a black band."""
    grey = np.asarray(image.convert("L"))
    block = max(15, (dpi // 4) | 1)
    binary = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY,
                                   block, 18)
    return Image.fromarray(binary, "L").convert("1", dither=Image.Dither.NONE)


def write_pdf(path: Path, pages: list[ScannedPage], dpi: int) -> None:
    """One page per image; the JPEG bytes go in as they are (DCTDecode), sized so the page
    measures the paper at ``dpi``."""
    pdf = pikepdf.new()
    for page in pages:
        assert page.jpeg is not None
        with Image.open(io.BytesIO(page.jpeg)) as probe:
            width, height, mode = probe.width, probe.height, probe.mode
        image = pikepdf.Stream(pdf, page.jpeg)
        image.Type = pikepdf.Name.XObject
        image.Subtype = pikepdf.Name.Image
        image.Width = width
        image.Height = height
        image.ColorSpace = pikepdf.Name.DeviceRGB if mode == "RGB" else pikepdf.Name.DeviceGray
        image.BitsPerComponent = 8
        image.Filter = pikepdf.Name.DCTDecode
        pw, ph = width * 72 / dpi, height * 72 / dpi
        content = pikepdf.Stream(pdf, f"q {pw:.4f} 0 0 {ph:.4f} 0 0 cm /Im0 Do Q".encode())
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(pw, 4), round(ph, 4)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
            Contents=content,
        )))
    # A document ID derived from the content instead of the clock keeps reruns byte-identical.
    pdf.save(path, deterministic_id=True)


def write_tiff(path: Path, pages: list[ScannedPage], dpi: int, *, g4: bool,
               quality: int = 85) -> None:
    def frames() -> Iterator[Image.Image]:
        for page in pages[1:]:
            yield page.image()

    first = pages[0].image()
    options: dict = {"save_all": True, "append_images": frames(), "dpi": (dpi, dpi)}
    if g4:
        options["compression"] = "group4"
    else:
        options |= {"compression": "jpeg", "quality": quality}
    first.save(path, "TIFF", **options)


def write_jpegs(folder: Path, pages: list[ScannedPage]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, page in enumerate(pages):
        assert page.jpeg is not None
        path = folder / f"page-{i + 1:04d}.jpg"
        path.write_bytes(page.jpeg)
        paths.append(path)
    return paths
