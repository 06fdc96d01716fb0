"""review19 N3 (bc3d7bf/80627c9/79df2f5 together): a stack behind an unread receipt holds another
person's card (F11 asks about it, M4: it moves alone). The code typed on the receipt takes the
card along (it still asks the unread question under the placeholder), but the card is not
marked as the stack's (``_stack`` is None for a paper with its own dossier question). When the
typed code had a digit wrong and is put right on the receipt (review18 N1), the receipt and the
form go to the right dossier and the card stays in the dossier nobody issued."""

from __future__ import annotations

from pathlib import Path

from test_unread_receipt_ingest import _dossier, _ingested

from sohoa.pipeline.review import Reviewer
from sohoa.pipeline.services import open_archive


def test_putting_a_typed_code_right_leaves_nothing_in_the_mistyped_dossier(tmp_path: Path
                                                                           ) -> None:
    mine, code = _dossier(31, ["dossier_receipt", "application_form"], unread=True)
    card, _ = _dossier(77, ["citizen_id_card"], unread=False)
    settings, ids = _ingested(tmp_path, mine + card)
    assert len(ids) == 3
    typo = code[:-2] + code[-1] + code[-2]
    assert typo != code
    with open_archive(settings) as archive:
        assert any("quét lẫn vào" in r for r in archive.get_document(ids[2])["review_reasons"])
        Reviewer(archive, settings, "Lan").set_dossier(ids[0], typo)
        first = [archive.get_document(i)["dossier_code"] for i in ids]
        Reviewer(archive, settings, "Lan").set_dossier(ids[0], code)
        second = [archive.get_document(i)["dossier_code"] for i in ids]
    assert first == [typo] * 3, first
    # the card went with the stack into the mistyped code: it must leave it with the stack
    assert typo not in second, second
