"""tester18 F13: each party's "Giấy xác nhận tình trạng hôn nhân" fills the marriage
registration's component for it, the other party's too, and is offered for reuse while it is
valid (six months from issue). Real catalog (SQLite), no OCR: the records as ingest builds them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from dossier_papers import open_for, store_paper

from sohoa.archive import dossiers as records
from sohoa.clock import VIETNAM
from sohoa.doctypes import load_registry
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings, load_settings

APPLICANT = "001087012345"
BRIDE = "079199004321"
MARRIAGE = "1.000894.000.00.00.H19"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home", environ={})


def test_each_partys_marital_status_paper_fills_its_row(settings: Settings) -> None:
    code = "H19.22-261207-0131"
    with open_archive(settings) as archive:
        open_for(archive, settings, code, procedure=MARRIAGE, owner=APPLICANT, unit="H19.22",
                 received=datetime(2026, 12, 7, 8, 0, tzinfo=VIETNAM))
        own = store_paper(archive, "xnhn-own", code, owner=APPLICANT, unit="H19.22",
                          doc_type="marital_status_certificate")
        hers = store_paper(archive, "xnhn-bride", code, owner=BRIDE, unit="H19.22",
                           doc_type="marital_status_certificate")
        rows = [(c.code, c.document_id) for c in records.show(archive, code).components]
        assert sorted(d for c, d in rows if c == "TP3") == sorted([own, hers])
        # the other party's paper is hers to bring: no question asked
        assert archive.get_document(hers)["needs_review"] is False


def test_it_is_valid_six_months_from_its_issue() -> None:
    registry = load_registry()
    assert registry.valid_until("marital_status_certificate",
                                {"issue_date": "2026-10-20"}) == date(2027, 4, 19)
    assert registry.valid_until("marital_status_certificate", {}) is not None  # unknown, asked
