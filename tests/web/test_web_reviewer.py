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
    assert "Số định danh cá nhân: 2 cách đọc của" in b.text("table")
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
    # the paper's signer and ink read at ingest, as text (tester15 F4; fields15's leftover)
    main = b.text("main")
    assert "Người ký trên bản giấy: GIÁM ĐỐC <b>SỞ</b> — Lê Văn Bình" in main, main
    assert "Dấu, chữ ký tay: dấu ở trang 1 (x 700, y 500, 260×260 điểm ảnh)" in main, main
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


OTHER = "075203001235"  # as valid as RIGHT: only the paper tells them apart


def test_changing_the_type_by_click_then_a_document_from_the_keyboard_only(site: Site) -> None:
    """A reviewer's hundreds a day: the type changed with the mouse once, then a whole
    document done with keys alone — t, arrows and Enter for the type, j/k between fields,
    e to edit, c to confirm, a to accept."""
    b = site.browser
    with open_archive(site.home.settings) as arc:
        doc_id = store_flagged(arc, copy=2)
        arc.sync_index()
    site.sign_in("desk")
    site.go(f"/web/review/{doc_id}")
    b.wait_for(".field-row.current")
    # With the mouse: pick "Giấy khai sinh" in the list, click "Đổi loại".
    b.find("select[name=doc_type]").click()
    b.find("select[name=doc_type] option[value=birth_certificate]").click()
    b.find("form[action$='/type'] button").click()
    b.wait_for(".notice")
    assert "Loại giấy tờ: Giấy khai sinh." in b.text(".notice")
    assert doc_type(site, doc_id) == "birth_certificate"
    site.shot("05-doi-loai-bang-chuot")
    site.assert_local()

    # From the keyboard: t focuses the list, the arrows walk it, Enter sends it.
    b.keys("t")
    assert b.active().attr("name") == "doc_type"
    steps = int(b.js("const s = document.activeElement; return [...s.options]"
                     ".findIndex(o => o.value === 'judicial_record') - s.selectedIndex"))
    b.keys(("\ue015" if steps > 0 else "\ue013") * abs(steps))  # arrow down / up
    assert b.js("return document.activeElement.value") == "judicial_record"
    b.keys("\ue007")  # Enter
    b.wait_js("const n = document.querySelector('.notice');"
              "return n && n.textContent.includes('Phiếu lý lịch tư pháp')")
    assert doc_type(site, doc_id) == "judicial_record"

    # j to the ID number, e and a new value, Enter; j, c confirms the next; k goes back; a.
    for _ in range(12):
        if current_field(site) == "f-id_number":
            break
        move(site, "j")
    assert current_field(site) == "f-id_number"
    # Recognition, redone for the type, now reads the number right: the paper says otherwise.
    assert b.find(".field-row.current input[name=value]").attr("value") == RIGHT
    b.keys("e")
    b.keys(OTHER + "\ue007")
    b.wait_js("const n = document.querySelector('.notice');"
              "return n && n.textContent.includes('Đã sửa')")
    assert f"{RIGHT} → {OTHER}" in b.text(".notice")
    after_id = current_field(site)
    assert after_id != "f-id_number"  # Enter saved and moved on to the next field
    b.keys("c")
    b.wait_js("const n = document.querySelector('.notice');"
              "return n && n.textContent.includes('Đã xác nhận')")
    assert move(site, "k") == after_id
    site.shot("06-ban-phim")
    site.assert_local()
    b.keys("a")
    b.wait_for(".notice")
    assert "Đã duyệt xong tài liệu." in b.text(".notice")
    with open_archive(site.home.settings) as arc:
        doc = arc.get_document(doc_id)
        decided = [(e["action"], e["detail"].get("field"), e["actor"])
                   for e in reversed(arc.audit_events(target=doc_id, limit=50))
                   if e["action"].startswith("review.")]
    assert doc["fields"]["id_number"] == OTHER and not doc["needs_review"]
    who = "Phạm Thu Hà"
    assert decided == [("review.corrected", "doc_type", who), ("review.corrected", "doc_type", who),
                       ("review.corrected", "id_number", who),
                       ("review.confirmed", after_id.removeprefix("f-"), who),
                       ("review.accepted", None, who)], decided
    site.sign_out()


def move(site: Site, key: str) -> str:
    """Press j or k and wait for the next page's current field (the key follows a link)."""
    was = current_field(site)
    site.browser.keys(key)
    site.browser.wait_js("const r = document.querySelector('.field-row.current');"
                         f"return r && r.id !== {was!r}")
    return current_field(site)


def doc_type(site: Site, doc_id: str) -> str:
    with open_archive(site.home.settings) as arc:
        return str(arc.get_document(doc_id)["doc_type"])
