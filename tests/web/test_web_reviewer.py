"""A reviewer's day in a real headless chromium, from the keyboard: the queue, a flagged field
with its page crop and recognition's reading, a correction, accepting the document; then the
second round's cross-check refused to the same person (four eyes, as in the CLI) and done by
another."""

from __future__ import annotations

import pytest
from review_home import MISREAD, RIGHT, store_flagged
from web_site import Site

from sohoa.pipeline.services import open_archive


@pytest.fixture(scope="module")
def flagged(site: Site) -> str:
    with open_archive(site.home.settings) as arc:
        doc_id = store_flagged(arc)
        arc.sync_index()
    return doc_id


def current_field(site: Site) -> str:
    return str(site.browser.js("return document.querySelector('.field-row.current').id"))


def test_reviewer_corrects_a_field_and_accepts(site: Site, flagged: str) -> None:
    b = site.browser
    site.sign_in("desk")
    site.go("/web/review")
    assert "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1" in b.text("table")
    assert "Cần đối chiếu trường «Số định danh cá nhân» với giấy" in b.text("table")
    site.shot("01-hang-cho")
    site.assert_local()
    b.keys("n")
    b.wait_for(".field-row.current")
    assert flagged in b.url
    for _ in range(12):  # j until the ID number is the current field
        if current_field(site) == "f-id_number":
            break
        b.keys("j")
        b.wait_js("return document.readyState === 'complete'")
    assert current_field(site) == "f-id_number"
    # The crop where the number is printed, and what recognition read there.
    assert b.wait_js("const i = document.querySelector('.field-row.current img.crop');"
                     "return i && i.complete && i.naturalWidth > 0")
    assert MISREAD in b.text(".field-row.current pre")
    site.shot("02-truong-can-sua")
    site.assert_local()

    b.keys("e")  # focus and select the value, type the right one, Enter saves
    assert b.active().attr("name") == "value"
    assert b.js("const e = document.activeElement; return e.selectionEnd - e.selectionStart") \
        == len(MISREAD)  # typing replaces the reading
    b.keys(RIGHT + "\ue007")
    b.wait_for(".notice")
    assert f"Đã sửa «Số định danh cá nhân»: {MISREAD} → {RIGHT}" in b.text(".notice")
    site.shot("03-da-sua")
    b.keys("a")
    b.wait_for(".notice")
    assert "Đã duyệt xong tài liệu." in b.text(".notice")

    with open_archive(site.home.settings) as arc:
        doc = arc.get_document(flagged)
        reads = arc.access_events(document=flagged)
    assert doc["fields"]["id_number"] == RIGHT and doc["owner_id"] == RIGHT
    assert not doc["needs_review"]
    assert {(e["user"], e["channel"], e["action"]) for e in reads} >= {
        ("Phạm Thu Hà", "web", "review")}


def test_second_round_needs_another_person(site: Site, flagged: str) -> None:
    b = site.browser
    # Round 2 cross-checks what round 1 corrected; the same reviewer is refused.
    site.go(f"/web/review/{flagged}")
    b.wait_for(".field-row.current")
    assert "vòng kiểm tra 2" in b.text("main")
    b.keys("a")
    b.wait_for(".error")
    assert "phải là người khác" in b.text(".error")
    site.shot("04-hai-nguoi")
    site.sign_out()
    site.sign_in("officer")
    site.go(f"/web/review/{flagged}")
    b.wait_for(".field-row.current")
    b.keys("a")
    b.wait_for(".notice")
    with open_archive(site.home.settings) as arc:
        from sohoa.pipeline import review
        assert flagged not in {d["document_id"] for d in review.pending(site.home.settings)}
        assert arc.get_document(flagged)["fields"]["id_number"] == RIGHT
