"""review17: one dossier per file (the desk's usual scan: tester17's 8 files), its printed
receipt's code not read. Both executors call it a loose batch (sheet_follows False: in-process
``summary.dossiers > 0`` is False, the queue's ``len(dossiers) > 1`` is False), so the receipt and
every paper behind it are filed under UNASSIGNED-… with no question — the dossier's code is lost
without anyone being told, although ``page_reading`` knows the first page is a receipt whose code
was not read (68ad77b's own UNREAD_RECEIPT_CODE)."""

from __future__ import annotations

from sohoa.doctypes import load_registry
from sohoa.pipeline.assemble import draft_dossier
from sohoa.pipeline.stages import group_dossiers
from tests.pipeline.test_pipeline_assemble import _dossier, _item


def test_a_lone_dossier_whose_receipt_code_is_not_read_is_asked_about() -> None:
    items, truths = _dossier(12, ["dossier_receipt", "marriage_certificate"])
    code = truths[0].fields["dossier_code"]
    pages = [_item(n, it.analysis.ocr.text.replace(code, "0G?.##.H1?-2?1"),
                   blank=it.analysis.blank) for n, it in enumerate(items)]
    dossiers = group_dossiers(pages, None)
    assert [c for _, c in dossiers] == [None]
    # what both executors pass for a job of one dossier
    drafts = draft_dossier(dossiers[0][0], None, load_registry(), threshold=0.6,
                           sheet_follows=len(dossiers) > 1)
    assert all(d.dossier_code.startswith("UNASSIGNED-") for d in drafts)
    assert all(any("không đọc được mã hồ sơ" in r for r in d.review_reasons) for d in drafts), \
        [d.review_reasons for d in drafts]
