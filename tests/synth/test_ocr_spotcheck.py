"""One real Tesseract pass: a clean synthetic page must be plain, readable Vietnamese."""

import io
import unicodedata
from pathlib import Path

import tesserocr
from PIL import Image

from sohoa.synth import render_document
from sohoa.vntext import fold

# make test installs tesseract-ocr-vie: a missing model is a failure, not a skip.
TESSDATA = next((p for p in ("/usr/share/tesseract-ocr/5/tessdata",
                             "/usr/share/tesseract-ocr/4.00/tessdata")
                 if (Path(p) / "vie.traineddata").exists()), "/usr/share/tesseract-ocr/5/tessdata")


def test_clean_birth_certificate_reads_back():
    doc = render_document("birth_certificate", 21)
    image = Image.open(io.BytesIO(doc.page_jpeg(0)))
    with tesserocr.PyTessBaseAPI(path=TESSDATA, lang="vie", psm=tesserocr.PSM.AUTO) as api:
        api.SetImage(image)
        text = unicodedata.normalize("NFC", api.GetUTF8Text())
    assert "GIẤY KHAI SINH" in text
    folded = fold(text)
    assert fold(doc.truth.fields["full_name"]) in folded
    assert doc.truth.fields["id_number"] in text.replace(" ", "")
