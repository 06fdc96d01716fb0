"""The turn a page is stored with is checked against what it reads (tester18 F1).

OSD answers some cards surely and wrongly by half a turn (a card turned a quarter one way taken
for the other: the project's own Liberation cards 1 and 8 were stored upside down), and the
trial readings at half size cannot tell small print's turn (another generator's upright card
on an A4 copy was stored turned a quarter). A turned reading that does not look upright is
compared with the opposite turn, and any turn with the page as scanned, each read whole."""

from __future__ import annotations

import pytest

from sohoa.ocr import recognize_page
from sohoa.ocr.engine import _read_score
from sohoa.ocr.layout import Box
from sohoa.pipeline.stages import page_lexicon
from sohoa.synth.foreign import foreign_page


@pytest.mark.parametrize("seed", [1, 8])
def test_a_card_osd_turns_the_wrong_way_is_stored_upright(seed: int) -> None:
    page = foreign_page(seed, family="liberation", dpi=200, colour=False, wear="copied",
                        kind="card", rotation=90)
    ocr = recognize_page(page.jpeg, page_sha256="x", dpi=200, lexicon=page_lexicon())
    assert ocr.rotation == 270
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in ocr.text.splitlines()


def test_upright_cards_stay_as_scanned() -> None:
    for seed in (1, 8):
        page = foreign_page(seed, family="liberation", dpi=200, colour=False, wear="copied",
                            kind="card")
        assert recognize_page(page.jpeg, page_sha256="x", dpi=200,
                              lexicon=page_lexicon()).rotation == 0


def test_the_score_counts_confident_words_laid_across() -> None:
    across = Box("THÀNH", 10, 10, 60, 20, 90.0)
    down = Box("THÀNH", 10, 10, 20, 60, 90.0)
    unsure = Box("THÀNH", 10, 10, 60, 20, 20.0)
    assert _read_score([across]) == pytest.approx(4.5)
    assert _read_score([down]) == 0 and _read_score([unsure]) == 0
