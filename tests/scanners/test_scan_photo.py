"""Phone photos of pages (issue 19, item 4): the sheet is found on the desk, flattened with a
four-corner warp and its light evened out; a scan is left as it is. Generated photos
(sohoa.synth.photo: perspective, wood, shadow, uneven light), no OCR here; the reading and the
stored original are tested in tests/pipeline/test_pipeline_photo.py, the CER in bench/."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sohoa.records import Page
from sohoa.scanners import read_pages
from sohoa.scanners.photo import PHOTO_NOTE, find_page, flatten, photo_page
from sohoa.synth import render_document
from sohoa.synth.photo import photograph


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return render_document("decision", 3, severity="clean", dpi=200).pages[0]


@pytest.mark.parametrize("seed", [1, 5])
def test_the_sheet_is_found_within_a_few_pixels(page: Image.Image, seed: int) -> None:
    shot = photograph(page, seed)
    found = find_page(Image.open(io.BytesIO(shot.jpeg)))
    assert found is not None
    # corners of a 12-Mpx photo: within 3 px of where the sheet really is
    assert np.abs(found.corners - shot.corners).max() < 3.0, (found.corners, shot.corners)


def test_the_flattened_sheet_is_the_page_upright_and_white(page: Image.Image) -> None:
    shot = photograph(page, 2)
    photo = Image.open(io.BytesIO(shot.jpeg))
    flat = flatten(photo, find_page(photo).corners, 200)
    assert flat.size == page.size  # A4 at 200 dpi, cropped to the sheet
    got = np.asarray(flat.convert("L"), dtype=np.float32)
    want = np.asarray(page.convert("L"), dtype=np.float32)
    # paper white again everywhere, shadow included: the 5th percentile of each band of the
    # page is ink, the median paper
    for band in np.array_split(got, 6, axis=0):
        assert np.median(band) > 225
    # the ink is where it was printed: the flattened page and the original agree pixel for
    # pixel far better than the same page shifted by 2 px
    ink_got, ink_want = got < 128, want < 128
    overlap = (ink_got & ink_want).sum() / ink_want.sum()
    shifted = (np.roll(ink_want, 2, axis=1) & ink_want).sum() / ink_want.sum()
    assert overlap > 0.75 and overlap > shifted, (overlap, shifted)


def test_a_photo_is_read_as_the_flattened_page_with_its_original_named(
        tmp_path: Path, page: Image.Image) -> None:
    shot = photograph(page, 1)
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(shot.jpeg)
    [item] = list(read_pages(path))
    assert isinstance(item, Page)
    assert (item.mime, item.dpi, item.width, item.height) == ("image/jpeg", 200, 1654, 2339)
    assert item.original_sha256 == item.source_sha256  # the photo itself, kept beside it
    assert item.converted == PHOTO_NOTE
    assert item.data != shot.jpeg


def test_a_scan_is_not_taken_for_a_photo(tmp_path: Path, page: Image.Image) -> None:
    scan = tmp_path / "scan.jpg"
    page.save(scan, "JPEG", quality=85, dpi=(200, 200))
    [item] = list(read_pages(scan))
    assert item.data == scan.read_bytes() and not item.original_sha256
    # a photo-like file (no resolution) that is just the page, edge to edge: unchanged too
    bare = tmp_path / "bare.jpg"
    page.save(bare, "JPEG", quality=85)
    [item] = list(read_pages(bare))
    assert item.data == bare.read_bytes() and not item.original_sha256
    assert photo_page(item) == item


def test_a_huge_or_grey_image_is_not_searched_for_a_sheet(
        tmp_path: Path, page: Image.Image, monkeypatch: pytest.MonkeyPatch) -> None:
    """Looking for a sheet in a 120-Mpx PNG cost 700 MB in the reader: only colour images up
    to MAX_PHOTO_PIXELS are photos."""
    from sohoa.scanners import photo

    grey = tmp_path / "grey.png"
    Image.open(io.BytesIO(photograph(page, 1).jpeg)).convert("L").save(grey)
    [item] = list(read_pages(grey))
    assert item.data == grey.read_bytes() and not item.original_sha256
    shot = tmp_path / "shot.jpg"
    shot.write_bytes(photograph(page, 1).jpeg)
    monkeypatch.setattr(photo, "MAX_PHOTO_PIXELS", 12_000_000)  # the 12.2-Mpx photo is over
    [item] = list(read_pages(shot))
    assert item.data == shot.read_bytes() and not item.original_sha256
