"""Render one synthetic scanned document and its ground truth."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from PIL import Image

from sohoa.synth import civil, official
from sohoa.synth.context import PROCEDURES, Built, Ctx, DossierInfo
from sohoa.synth.degrade import SEVERITIES, degrade, encode_jpeg
from sohoa.synth.people import PROVINCES, Person, Place, make_person
from sohoa.vntext import nfc

BUILDERS: dict[str, Callable[[Ctx], Built]] = {
    "dossier_receipt": official.dossier_receipt,
    "application_form": civil.application_form,
    "citizen_id_card": civil.citizen_id_card,
    "birth_certificate": civil.birth_certificate,
    "residence_confirmation": civil.residence_confirmation,
    "decision": official.decision,
    "business_registration": official.business_registration,
    "marriage_certificate": civil.marriage_certificate,
    "power_of_attorney": official.power_of_attorney,
    "judicial_record": civil.judicial_record,
    "land_use_certificate": official.land_use_certificate,
    "construction_permit": official.construction_permit,
    # appended, so every earlier type keeps its place (and its pages) in DOC_TYPES
    "household_business_registration": official.household_business_registration,
    "marital_status_certificate": civil.marital_status_certificate,
}
DOC_TYPES: tuple[str, ...] = tuple(BUILDERS)

# What the receipt calls each filed document in its list of papers.
DOC_NAMES: dict[str, str] = {
    "application_form": "Đơn đề nghị / Tờ khai",
    "citizen_id_card": "Bản sao Căn cước công dân",
    "birth_certificate": "Bản sao Giấy khai sinh",
    "residence_confirmation": "Xác nhận thông tin về cư trú",
    "decision": "Bản sao Quyết định",
    "business_registration": "Bản sao Giấy chứng nhận đăng ký doanh nghiệp",
    "marriage_certificate": "Bản sao Giấy chứng nhận kết hôn",
    "power_of_attorney": "Giấy ủy quyền",
    "judicial_record": "Phiếu lý lịch tư pháp",
    "land_use_certificate": "Bản sao Giấy chứng nhận quyền sử dụng đất",
    "construction_permit": "Bản sao Giấy phép xây dựng",
    "household_business_registration": "Bản sao Giấy chứng nhận đăng ký hộ kinh doanh",
    "marital_status_certificate": "Giấy xác nhận tình trạng hôn nhân",
}


@dataclass(frozen=True)
class DocTruth:
    """What is printed on a synthetic document, for scoring recognition against.

    ``page_lines`` lists each page's printed lines in reading order: the left header block
    (issuing body, "Số: …"), the right header block (national name, motto, place and date),
    the title, the body top to bottom, then the signature blocks left to right. Seal rims,
    barcodes and the small captions under card fingerprints are not text lines.
    """

    doc_type: str
    title: str
    owner_id: str | None
    owner_kind: str | None
    fields: dict[str, str | None]
    page_lines: list[list[str]]

    def to_json(self) -> dict:
        return {"doc_type": self.doc_type, "title": self.title, "owner_id": self.owner_id,
                "owner_kind": self.owner_kind, "fields": dict(self.fields),
                "page_lines": [list(lines) for lines in self.page_lines]}


@dataclass
class SynthDocument:
    truth: DocTruth
    pages: list[Image.Image]
    dpi: int
    severity: str = "clean"

    def page_jpeg(self, index: int) -> bytes:
        """Page ``index`` encoded the way a scanner at this severity would store it."""
        return encode_jpeg(self.pages[index], self.severity, self.dpi)


FIELD_KEYS = ("full_name", "id_number", "date_of_birth", "sex", "document_number",
              "issuing_body", "issue_date", "expiry_date", "enterprise_code", "enterprise_name",
              "dossier_code", "address", "place_of_birth", "place_of_origin",
              "household_business_code")


def dossier_code(agency: str, received: date, sequence: int) -> str:
    """"H19.22-241105-0042": agency code, receipt date as yymmdd, 4-digit sequence."""
    return f"{agency}-{received.strftime('%y%m%d')}-{sequence % 10000:04d}"


def make_dossier(rng: random.Random, agency: str = "H19.22",
                 listed: tuple[str, ...] = ()) -> DossierInfo:
    received = date(2024, 1, 2) + timedelta(days=rng.randint(0, 330))
    while received.weekday() >= 5:  # desks receive on working days
        received += timedelta(days=1)
    province = PROVINCES[0]  # the desk is in Đồng Nai, where agency H19 sits
    district = rng.choice(province.districts)
    return DossierInfo(
        code=dossier_code(agency, received, rng.randint(1, 9999)),
        received=received,
        procedure=rng.choice(PROCEDURES),
        desk=Place(province, district, district.wards[0]),
        listed=listed,
    )


def build_document(doc_type: str, rng: random.Random, dpi: int, person: Person,
                   dossier: DossierInfo) -> tuple[DocTruth, list[Image.Image]]:
    """Print a document upright and clean; degradation is separate."""
    try:
        builder = BUILDERS[doc_type]
    except KeyError:
        raise ValueError(
            f"unknown document type {doc_type!r}; use one of {', '.join(DOC_TYPES)}") from None
    built = builder(Ctx(rng=rng, dpi=dpi, person=person, dossier=dossier))
    fields = {key: built.fields.get(key) for key in FIELD_KEYS}
    fields = {k: (nfc(v) if isinstance(v, str) else v) for k, v in fields.items()}
    truth = DocTruth(
        doc_type=doc_type,
        title=nfc(built.title),
        owner_id=built.owner_id,
        owner_kind=built.owner_kind,
        fields=fields,
        page_lines=[[nfc(line) for line in sheet.lines] for sheet in built.sheets],
    )
    return truth, [sheet.image for sheet in built.sheets]


def render_document(doc_type: str, seed: int, *, severity: str = "clean", dpi: int = 200,
                    person: Person | None = None) -> SynthDocument:
    """One scanned document of ``doc_type``: the same arguments always give the same pixels."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}")
    rng = random.Random(f"document:{doc_type}:{seed}")
    person = person or make_person(seed)
    dossier = make_dossier(rng)
    truth, clean = build_document(doc_type, rng, dpi, person, dossier)
    noise = np.random.default_rng([seed, DOC_TYPES.index(doc_type), SEVERITIES.index(severity)])
    pages = [degrade(page, severity, noise, dpi) for page in clean]
    return SynthDocument(truth=truth, pages=pages, dpi=dpi, severity=severity)


