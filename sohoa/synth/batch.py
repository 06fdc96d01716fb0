"""Scanner batches: a stack of dossiers, each starting with its receipt sheet, as an ADF scanner
would deliver them, with the ground truth written beside them."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from PIL import Image

from sohoa.errors import ConfigError
from sohoa.synth.context import PROCEDURES, DossierInfo
from sohoa.synth.degrade import SEVERITIES, blank_back, degrade, encode_jpeg, profile
from sohoa.synth.document import DOC_NAMES, build_document, dossier_code
from sohoa.synth.people import PROVINCES, Place, person_from_rng
from sohoa.synth.writers import (
    FORMATS,
    ScannedPage,
    bilevel,
    write_jpegs,
    write_pdf,
    write_tiff,
)

# How a sheet can lie in the feeder: clockwise degrees to turn the scan upright. Upside-down
# sheets are by far the usual mistake; sideways ones happen with loose card photocopies.
_ROTATIONS = (180, 90, 270)
_ROTATION_WEIGHTS = (70, 15, 15)
# PIL's transpose turns counter-clockwise; undoing a clockwise correction of r degrees.
_TURN = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
         270: Image.Transpose.ROTATE_270}


def _check(fmt: str, severity: str, dossiers: int, dpi: int, rotate_fraction: float,
           docs_per_dossier: tuple[int, int]) -> None:
    if fmt not in FORMATS:
        raise ConfigError(f"không có định dạng lô {fmt!r}; hãy dùng một trong "
                          f"{', '.join(FORMATS)}")
    if severity not in (*SEVERITIES, "mixed"):
        raise ConfigError(f"không có mức độ khó {severity!r}; hãy dùng một trong "
                          f"{', '.join(SEVERITIES)} hoặc mixed")
    if dossiers < 1:
        raise ConfigError("một lô cần ít nhất một hồ sơ")
    if not 72 <= dpi <= 600:
        raise ConfigError(f"dpi {dpi} nằm ngoài khoảng máy quét dùng (72-600)")
    if not 0.0 <= rotate_fraction <= 1.0:
        raise ConfigError("rotate_fraction là tỷ lệ số tờ bị xoay, từ 0 đến 1")
    lo, hi = docs_per_dossier
    if not 1 <= lo <= hi:
        raise ConfigError("docs_per_dossier là (ít nhất, nhiều nhất) số giấy tờ sau giấy "
                          "tiếp nhận, với 1 <= ít nhất <= nhiều nhất")


def write_batch(out_dir: Path, seed: int, *, dossiers: int = 3, fmt: str = "pdf",
                duplex: bool = False, severity: str = "clean", dpi: int = 200,
                rotate_fraction: float = 0.1, docs_per_dossier: tuple[int, int] = (2, 4),
                agency: str = "H19.22") -> dict:
    """Write one scanned batch into ``out_dir`` and return its truth (also ``truth.json``).

    Each dossier is its receipt sheet followed by ``docs_per_dossier`` documents (an
    application form first, then papers its procedure asks for). Every document page is one
    sheet; with ``duplex`` each sheet's blank back follows it. Severity "mixed" draws one
    severity per document.
    """
    _check(fmt, severity, dossiers, dpi, rotate_fraction, docs_per_dossier)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"batch:{seed}")
    # One desk's day: the dossiers were received the same day, with consecutive numbers.
    received = date(2024, 1, 2) + timedelta(days=rng.randint(0, 330))
    while received.weekday() >= 5:
        received += timedelta(days=1)
    province = PROVINCES[0]
    district = rng.choice(province.districts)
    desk = Place(province, district, district.wards[0])
    first_sequence = rng.randint(1, 9000)

    scanned: list[ScannedPage] = []
    page_truth: list[dict] = []
    dossier_truth: list[dict] = []
    for d in range(dossiers):
        person = person_from_rng(rng)
        procedure = rng.choice(PROCEDURES)
        count = rng.randint(*docs_per_dossier)
        evidence = rng.sample(procedure.evidence, min(count - 1, len(procedure.evidence)))
        doc_types = ["dossier_receipt", "application_form", *evidence]
        listed = tuple(procedure.form_title.capitalize() if t == "application_form"
                       else DOC_NAMES[t] for t in doc_types[1:])
        info = DossierInfo(code=dossier_code(agency, received, first_sequence + d),
                           received=received, procedure=procedure, desk=desk, listed=listed)
        documents = []
        for i, doc_type in enumerate(doc_types):
            sev = rng.choice(SEVERITIES) if severity == "mixed" else severity
            doc_rng = random.Random(f"batch:{seed}:{d}:{i}")
            truth, clean_pages = build_document(doc_type, doc_rng, dpi, person, info)
            noise = np.random.default_rng([seed, d, i])
            locations = []
            for upright in clean_pages:
                page = degrade(upright, sev, noise, dpi)
                rotation = 0
                if rng.random() < rotate_fraction:
                    rotation = rng.choices(_ROTATIONS, weights=_ROTATION_WEIGHTS, k=1)[0]
                sides = [(page, False)]
                if duplex:
                    sides.append((blank_back(page, sev, noise, dpi), True))
                for image, blank in sides:
                    if rotation:
                        image = image.transpose(_TURN[rotation])
                    if fmt == "tiff-g4":
                        scanned.append(ScannedPage(bilevel=bilevel(image, dpi)))
                    else:
                        scanned.append(ScannedPage(jpeg=encode_jpeg(image, sev, dpi)))
                    page_truth.append({"file": None, "index": None, "dossier": info.code,
                                       "doc": None if blank else i, "blank": blank,
                                       "rotation": rotation, "severity": sev})
                    if not blank:
                        locations.append(len(page_truth) - 1)
            documents.append((truth, locations))
        dossier_truth.append({"info": info, "person": person, "documents": documents})

    files = _write_files(out_dir, fmt, scanned, dpi, severity)
    for n, entry in enumerate(page_truth):
        entry["file"], entry["index"] = files[n]
    result = {
        "seed": seed, "fmt": fmt, "duplex": duplex, "dpi": dpi,
        "files": sorted({f for f, _ in files}),
        "pages": page_truth,
        "dossiers": [
            {
                "code": item["info"].code,
                "applicant_id": item["person"].id_number,
                "applicant_name": item["person"].full_name,
                "documents": [
                    truth.to_json() | {"pages": [list(files[k]) for k in locations]}
                    for truth, locations in item["documents"]
                ],
            }
            for item in dossier_truth
        ],
    }
    # Document keys in the order the brief fixes: pages sit before page_lines.
    for item in result["dossiers"]:
        item["documents"] = [
            {k: doc[k] for k in ("doc_type", "title", "owner_id", "owner_kind", "fields",
                                 "pages", "page_lines")}
            for doc in item["documents"]
        ]
    (out_dir / "truth.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return result


def _write_files(out_dir: Path, fmt: str, pages: list[ScannedPage], dpi: int,
                 severity: str) -> list[tuple[str, int]]:
    """Write the pages; return (file relative to ``out_dir``, page index) for each page."""
    if fmt == "jpeg":
        paths = write_jpegs(out_dir / "batch", pages)
        return [(p.relative_to(out_dir).as_posix(), 0) for p in paths]
    if fmt == "pdf":
        name = "batch.pdf"
        write_pdf(out_dir / name, pages, dpi)
    else:
        name = "batch.tif"
        quality = 80 if severity == "mixed" else profile(severity).jpeg_quality
        write_tiff(out_dir / name, pages, dpi, g4=fmt == "tiff-g4", quality=quality)
    return [(name, i) for i in range(len(pages))]
