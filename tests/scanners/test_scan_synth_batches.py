"""The scanner room on the project's own synthetic batches (sohoa.synth), every format.

Checks what issue 4 measures: every receipt page yields its dossier code, no other page yields a
code, the split matches the truth, every blank back is found and no text page is called blank.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from sohoa.records import Page
from sohoa.scanners import expand_inputs, is_blank, read_dossier_code, read_pages, split_dossiers
from sohoa.synth import batch as synth


@pytest.mark.parametrize(("fmt", "severity"), [
    ("pdf", "heavy"), ("tiff-g4", "heavy"), ("tiff-jpeg", "mixed"), ("jpeg", "light"),
])
def test_synthetic_duplex_batch(tmp_path: Path, fmt: str, severity: str) -> None:
    truth = synth.write_batch(tmp_path, seed=23, dossiers=2, fmt=fmt, duplex=True,
                              severity=severity, rotate_fraction=0.5, docs_per_dossier=(1, 2))
    pages = [item for path in expand_inputs([tmp_path]) for item in read_pages(path)]
    expected = truth["pages"]
    assert len(pages) == len(expected)
    assert all(isinstance(p, Page) for p in pages)
    assert [(Path(p.source).relative_to(tmp_path).as_posix(), p.index) for p in pages] == [
        (e["file"], e["index"]) for e in expected]

    codes, blanks = [], []
    for page in pages:
        assert isinstance(page, Page)
        image = Image.open(io.BytesIO(page.data))
        codes.append(read_dossier_code(image))
        blanks.append(is_blank(image, page.dpi))

    first_pages = {d["code"]: d["documents"][0]["pages"][0] for d in truth["dossiers"]}
    for code, (file, index) in first_pages.items():
        n = next(i for i, e in enumerate(expected) if (e["file"], e["index"]) == (file, index))
        assert codes[n] == code, f"receipt page {n} of dossier {code}"
    assert all(c is None or c == e["dossier"] for c, e in zip(codes, expected, strict=True))

    dossiers = split_dossiers(codes)
    assert [d.code for d in dossiers] == [d["code"] for d in truth["dossiers"]]
    for dossier in dossiers:
        assert {expected[i]["dossier"] for i in dossier.pages} == {dossier.code}

    truly_blank = [e["blank"] for e in expected]
    assert any(truly_blank)
    assert blanks == truly_blank
