import json

import pikepdf
import pytest
import zxingcpp
from PIL import Image

from sohoa.errors import ConfigError
from sohoa.synth import write_batch

SMALL = {"dossiers": 2, "docs_per_dossier": (1, 2), "dpi": 150}


@pytest.fixture(scope="module")
def pdf_batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    truth = write_batch(out, 7, fmt="pdf", duplex=True, severity="mixed", rotate_fraction=0.5,
                        **SMALL)
    return out, truth


def test_truth_shape(pdf_batch):
    out, truth = pdf_batch
    on_disk = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert on_disk == truth
    assert list(truth) == ["seed", "fmt", "duplex", "dpi", "files", "pages", "dossiers"]
    assert (truth["seed"], truth["fmt"], truth["duplex"], truth["dpi"]) == (7, "pdf", True, 150)
    assert truth["files"] == ["batch.pdf"]
    pages = truth["pages"]
    assert [p["index"] for p in pages] == list(range(len(pages)))
    # Duplex: every sheet is a front followed by its blank back, lying the same way.
    assert len(pages) % 2 == 0
    for front, back in zip(pages[::2], pages[1::2], strict=True):
        assert not front["blank"] and back["blank"] and back["doc"] is None
        assert front["rotation"] == back["rotation"] and front["dossier"] == back["dossier"]
    assert {p["rotation"] for p in pages} <= {0, 90, 180, 270}
    assert any(p["rotation"] for p in pages)
    assert {p["severity"] for p in pages} <= {"clean", "light", "medium", "heavy"}
    codes = [d["code"] for d in truth["dossiers"]]
    assert len(codes) == 2 and len(set(codes)) == 2
    for dossier in truth["dossiers"]:
        assert dossier["code"].startswith("H19.22-") and len(dossier["code"]) == 18
        docs = dossier["documents"]
        assert docs[0]["doc_type"] == "dossier_receipt"
        assert docs[0]["fields"]["dossier_code"] == dossier["code"]
        assert docs[0]["owner_id"] == dossier["applicant_id"]
        assert docs[0]["fields"]["full_name"] == dossier["applicant_name"]
        assert docs[1]["doc_type"] == "application_form"
        assert 2 <= len(docs) <= 3
        for i, doc in enumerate(docs):
            assert list(doc) == ["doc_type", "title", "owner_id", "owner_kind", "fields",
                                 "pages", "page_lines"]
            assert len(doc["pages"]) == len(doc["page_lines"])
            for file, index in doc["pages"]:
                entry = pages[index]
                assert file == entry["file"] == "batch.pdf"
                assert entry["doc"] == i and entry["dossier"] == dossier["code"]
    # Pages of a dossier are contiguous and start with its receipt.
    order = [p["dossier"] for p in pages]
    assert order == sorted(order, key=codes.index)


def test_pdf_pages_are_jpeg_at_the_dpi(pdf_batch):
    out, truth = pdf_batch
    with pikepdf.open(out / "batch.pdf") as pdf:
        assert len(pdf.pages) == len(truth["pages"])
        for page, entry in zip(pdf.pages, truth["pages"], strict=True):
            (image,) = page.get_images().values()
            assert image.Filter == pikepdf.Name.DCTDecode
            width, height = int(image.Width), int(image.Height)
            box = [float(v) for v in page.MediaBox]
            assert box[2] == pytest.approx(width * 72 / 150, abs=0.01)
            assert box[3] == pytest.approx(height * 72 / 150, abs=0.01)
            # Sideways sheets are scanned landscape.
            assert (width > height) == (entry["rotation"] in (90, 270))
            assert min(width, height) == 1240  # A4 short side at 150 dpi


def test_same_seed_same_bytes(pdf_batch, tmp_path):
    out, truth = pdf_batch
    again = write_batch(tmp_path, 7, fmt="pdf", duplex=True, severity="mixed",
                        rotate_fraction=0.5, **SMALL)
    assert again == truth
    assert (tmp_path / "batch.pdf").read_bytes() == (out / "batch.pdf").read_bytes()
    assert (tmp_path / "truth.json").read_bytes() == (out / "truth.json").read_bytes()


@pytest.mark.parametrize("fmt", ["tiff-g4", "tiff-jpeg"])
def test_tiff_formats(tmp_path, fmt):
    truth = write_batch(tmp_path, 3, fmt=fmt, severity="medium", rotate_fraction=0.0,
                        dossiers=1, docs_per_dossier=(1, 1), dpi=150)
    assert truth["files"] == ["batch.tif"]
    with Image.open(tmp_path / "batch.tif") as tif:
        assert tif.n_frames == len(truth["pages"]) == 2
        for i in range(tif.n_frames):
            tif.seek(i)
            assert tif.info["compression"] == ("group4" if fmt == "tiff-g4" else "jpeg")
            assert tuple(round(v) for v in tif.info["dpi"]) == (150, 150)
            assert tif.mode == ("1" if fmt == "tiff-g4" else "RGB")
        tif.seek(0)
        receipt = tif.convert("L")
    code = truth["dossiers"][0]["code"]
    found = {r.format.name: r.text for r in zxingcpp.read_barcodes(receipt)}
    assert found.get("QRCode") == code


def test_jpeg_folder(tmp_path):
    truth = write_batch(tmp_path, 5, fmt="jpeg", duplex=True, severity="light",
                        rotate_fraction=0.0, dossiers=1, docs_per_dossier=(1, 1), dpi=150)
    assert truth["files"] == ["batch/page-0001.jpg", "batch/page-0002.jpg",
                              "batch/page-0003.jpg", "batch/page-0004.jpg"]
    assert [p["file"] for p in truth["pages"]] == truth["files"]
    assert all(p["index"] == 0 for p in truth["pages"])
    for name in truth["files"]:
        with Image.open(tmp_path / name) as image:
            assert image.format == "JPEG"
            assert tuple(round(v) for v in image.info["dpi"]) == (150, 150)


def test_blank_backs_are_blank_but_not_white(tmp_path):
    import numpy as np

    truth = write_batch(tmp_path, 9, fmt="jpeg", duplex=True, severity="clean",
                        rotate_fraction=0.0, dossiers=1, docs_per_dossier=(1, 1), dpi=150)
    front = np.asarray(Image.open(tmp_path / truth["files"][0]).convert("L"), dtype=np.float32)
    back = np.asarray(Image.open(tmp_path / truth["files"][1]).convert("L"), dtype=np.float32)
    assert truth["pages"][1]["blank"]
    assert (front < 128).mean() > 0.01  # printed
    assert (back < 128).mean() < 0.0005  # only a few specks
    assert 0.3 < back.std() < 8  # show-through and noise, no text


def test_bad_arguments_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="tiff-g4"):
        write_batch(tmp_path, 1, fmt="png")
    with pytest.raises(ConfigError, match="mixed"):
        write_batch(tmp_path, 1, severity="terrible")
    with pytest.raises(ConfigError):
        write_batch(tmp_path, 1, docs_per_dossier=(3, 1))


def test_rotation_says_how_to_turn_the_scan_upright(tmp_path):
    truth = write_batch(tmp_path, 12, fmt="jpeg", severity="clean", rotate_fraction=1.0,
                        dossiers=3, docs_per_dossier=(1, 1), dpi=150)
    receipts = [(p, f) for p, f in zip(truth["pages"], truth["files"], strict=True)
                if p["doc"] == 0]
    assert {p["rotation"] for p, _ in receipts} <= {90, 180, 270}
    for entry, name in receipts:
        with Image.open(tmp_path / name) as scanned:
            # PIL turns counter-clockwise, so a clockwise turn of r degrees is rotate(-r).
            upright = scanned.rotate(-entry["rotation"], expand=True).convert("L")
        (qr,) = zxingcpp.read_barcodes(upright, formats=zxingcpp.BarcodeFormat.QRCode)
        assert qr.text == entry["dossier"]
        # On the upright receipt the QR code sits in the top right corner.
        corner = qr.position.top_left
        assert corner.x > upright.width * 0.6 and corner.y < upright.height * 0.3
