"""ID cards photocopied on a page, read each as a page of its own (sohoa.ocr.cards), and the
card's printed number written as its verified machine-readable zone gives it (card18)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
from PIL import Image, ImageDraw

from sohoa.ocr import recognize_page
from sohoa.ocr.cards import find_cards, merge_readings, print_around
from sohoa.ocr.engine import _number_the_zone_gives, zone_number
from sohoa.ocr.layout import Box
from sohoa.ocr.mrz import build_td1
from sohoa.pipeline.stages import page_lexicon
from sohoa.records import OcrPage, Word
from sohoa.synth.forms_official import FORMS, render_form

DPI = 200


def _mm(v: float) -> int:
    return round(v * DPI / 25.4)


def _page(*boxes: tuple[float, float, float, float], text_at: float | None = None
          ) -> np.ndarray:
    """An A4 page with rounded outlines (left, top, width, height in mm), letters inside."""
    image = Image.new("L", (_mm(210), _mm(297)), 255)
    draw = ImageDraw.Draw(image)
    for left, top, width, height in boxes:
        draw.rounded_rectangle((_mm(left), _mm(top), _mm(left + width), _mm(top + height)),
                               radius=_mm(3), outline=90, width=2)
        for row in range(5):
            draw.rectangle((_mm(left + 30), _mm(top + 15 + 6 * row), _mm(left + 80),
                            _mm(top + 17 + 6 * row)), fill=30)
    if text_at is not None:
        for k in range(12):
            draw.rectangle((_mm(30 + 12 * k), _mm(text_at), _mm(38 + 12 * k), _mm(text_at + 3)),
                           fill=20)
    return np.asarray(image)


def test_the_cards_of_a_copy_are_found_by_their_outline_top_to_bottom() -> None:
    # tester17's copies: 85.6 × 54 mm enlarged 1.15×, front and back; ours 150 × 95 mm.
    page = _page((55, 150, 98.4, 62.1), (55, 30, 98.4, 62.1))
    cards = find_cards(page, DPI)
    assert len(cards) == 2 and cards[0].top < cards[1].top
    for card, top in zip(cards, (30, 150), strict=True):
        # the outline inside the box, with the margin cut around it (2 mm a side)
        assert _mm(top - 4) <= card.top <= _mm(top) and _mm(51) <= card.left <= _mm(55)
        assert _mm(98.4) <= card.width <= _mm(98.4 + 8)
    assert len(find_cards(_page((30, 40, 150, 95)), DPI)) == 1
    assert not print_around(page, DPI, cards)
    assert print_around(_page((55, 30, 98.4, 62.1), text_at=200), DPI,
                        find_cards(_page((55, 30, 98.4, 62.1)), DPI))


def test_a_heavy_copys_broken_faded_outline_still_makes_a_card() -> None:
    # tester17 t17-36 (heavy): the outline comes out a mid grey, cut every few millimetres.
    page = np.array(_page((55, 30, 98.4, 62.1)))
    page[page == 90] = 120
    for x in range(_mm(60), _mm(148), _mm(5)):  # the long sides, past the round corners
        page[:, x:x + _mm(0.8)] = np.maximum(page[:, x:x + _mm(0.8)], 235)
    for y in range(_mm(35), _mm(88), _mm(5)):  # the short ones
        page[y:y + _mm(0.8)] = np.maximum(page[y:y + _mm(0.8)], 235)
    assert len(find_cards(page, DPI)) == 1


def test_a_frame_of_another_shape_or_size_is_no_card() -> None:
    assert find_cards(_page((20, 20, 170, 60)), DPI) == []  # a table's frame: too long
    assert find_cards(_page((60, 60, 50, 32)), DPI) == []  # a stamp's box: too small
    assert find_cards(_page((20, 20, 170, 257)), DPI) == []  # the page's border
    assert find_cards(_page(), DPI) == []


def _ocr(words: list[Word], lines: list[str]) -> OcrPage:
    return OcrPage(page_sha256="x", rotation=0, skew=0.0, width=1000, height=2000, dpi=DPI,
                   words=tuple(words), text="\n".join(lines), confidence=0.9)


def test_the_readings_are_put_back_in_the_pages_pixels_and_order() -> None:
    around = _ocr([Word("BẢN", 100, 50, 60, 20, 90, 0, 0), Word("SAO", 170, 50, 60, 20, 90, 0, 0),
                   Word("Chứng", 100, 1900, 80, 20, 90, 0, 1)], ["BẢN SAO", "Chứng"])
    front = _ocr([Word("Số:", 10, 10, 30, 20, 80, 0, 0), Word("001170965310", 50, 10, 200, 20, 90,
                                                            0, 0)], ["Số: 001170965310"])
    back = _ocr([Word("IDVNM", 10, 30, 300, 20, 95, 0, 0)], ["IDVNM"])
    merged = merge_readings(around, [(200, 300, front), (200, 1100, back)])
    assert merged.text.splitlines() == ["BẢN SAO", "Số: 001170965310", "IDVNM", "Chứng"]
    number = next(w for w in merged.words if w.text == "001170965310")
    assert (number.left, number.top, number.line) == (250, 310, 1)
    assert [w.line for w in merged.words if w.text in ("IDVNM", "Chứng")] == [2, 3]


ZONE = build_td1("075066210613", date(1966, 4, 23), "M", date(2026, 4, 23), "DUONG",
                 "GIA TRUONG")


def _zone_boxes(lines: tuple[str, str, str] = ZONE) -> list[Box]:
    return [Box(line, 10, 500 + 40 * k, 600, 30, 95.0, 90 + k) for k, line in enumerate(lines)]


def test_the_number_the_verified_zone_gives_is_written_where_the_card_prints_it() -> None:
    assert zone_number("\n".join(ZONE)) == "075066210613"
    caption = Box("5ó/No:", 10, 100, 80, 24, 49.0, 6)
    # tester17 s1701 t17-11: the bold number read "07B066210613" …
    misread = Box("07B066210613", 100, 95, 250, 34, 60.0, 6)
    out = _number_the_zone_gives([caption, misread, *_zone_boxes()], [])
    assert [b.text for b in out[:2]] == ["5ó/No:", "075066210613"]
    again = replace(misread, text="07BO6G6210613")  # three edits: the crop cut otherwise
    out = _number_the_zone_gives([caption, again, *_zone_boxes()], [])
    assert [b.text for b in out[:2]] == ["5ó/No:", "075066210613"]
    # … or lost by the page's reading and read again alone at confidence 20: only the zone
    # vouches for it.
    lost = [Box("075066210613", 100, 95, 250, 34, 20.0, 6)]
    out = _number_the_zone_gives([caption, *_zone_boxes()], lost)
    assert "075066210613" in [b.text for b in out]
    assert _number_the_zone_gives([caption, *_zone_boxes()], []) == [caption, *_zone_boxes()]
    # The zone may be on the other side, read apart.
    out = _number_the_zone_gives([caption], lost, "075066210613")
    assert [b.text for b in out] == ["5ó/No:", "075066210613"]


def test_a_zone_that_verifies_by_chance_or_a_plausible_reading_is_left_alone() -> None:
    # tester17 s1702 t17-16: the zone read "…9646183934126…" for "…9040183934126…" and its
    # check digits still verified (one in ten): province 646 does not exist.
    chance = build_td1("646183934126", date(1983, 6, 13), "F", date(2043, 6, 13), "PHAN",
                       "KIM NGOC")
    assert zone_number("\n".join(chance)) is None
    # A reading that is itself a plausible number stays (two numbers, one misread: the vote).
    plausible = Box("075066210618", 100, 95, 250, 34, 90.0, 6)
    assert _number_the_zone_gives([plausible, *_zone_boxes()], [])[0].text == "075066210618"
    # Far from the zone's number: another number altogether.
    other = Box("0790B5066213", 100, 95, 250, 34, 60.0, 6)
    assert _number_the_zone_gives([other, *_zone_boxes()], [])[0].text == "0790B5066213"


def test_a_copied_card_and_its_back_are_read_apart_with_the_issue_date() -> None:
    # The official-forms set's 2024 card (front and back on one A4, card18): both sides found,
    # the number, the back's issue date and the zone read.
    (k,) = [i for i, form in enumerate(FORMS) if form[0] == "citizen_id_card"]
    form = render_form(k + 3 * len(FORMS), severity="light", dpi=DPI)
    assert form.truth.form.startswith("Thẻ căn cước") and form.truth.issue_date is not None
    gray = np.asarray(form.image.convert("L"))
    assert len(find_cards(gray, DPI)) == 2
    ocr = recognize_page(form.jpeg(), page_sha256="x", dpi=DPI, lexicon=page_lexicon())
    assert form.truth.owner_id in ocr.text.split()
    assert form.truth.issue_date.strftime("%d/%m/%Y") in ocr.text
    assert zone_number(ocr.text) == form.truth.owner_id


def test_a_copy_scanned_upside_down_is_read_by_its_cards_turned_upright() -> None:
    # tester17 t17-16 (heavy, turned 180°): every card reads turned by 180°, so the page is;
    # the boxes are the upright page's, where the upright copy's reading puts them.
    (k,) = [i for i, form in enumerate(FORMS) if form[0] == "citizen_id_card"]
    form = render_form(k + 3 * len(FORMS), severity="light", dpi=DPI)
    number = form.truth.owner_id
    upright = recognize_page(form.image, page_sha256="x", dpi=DPI, lexicon=page_lexicon())
    turned = recognize_page(form.image.rotate(180), page_sha256="x", dpi=DPI,
                            lexicon=page_lexicon())
    assert (upright.rotation, turned.rotation) == (0, 180)
    [a] = [w for w in upright.words if w.text == number]
    [b] = [w for w in turned.words if w.text == number]
    assert abs(a.left - b.left) <= _mm(2) and abs(a.top - b.top) <= _mm(2)
