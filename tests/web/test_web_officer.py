"""An officer's day in a real headless chromium: sign in, search with filters, open a document
(owner, pages, signature, validity, access history), reuse a paper for a dossier, work at phone
width, sign out. Every page is checked for references to other hosts."""

from __future__ import annotations

from datetime import date

import pytest
from api_home import CITIZEN
from archive_records import make_record
from web_site import Site

from sohoa.pipeline import dossierdesk
from sohoa.pipeline.services import open_archive

DOSSIER = "H19.22-261206-0001"
PURPOSE = "Hồ sơ H19.22-261206-0001"


@pytest.fixture(scope="module")
def card(site: Site) -> str:
    """A citizen ID card the birth-registration dossier can reuse, and the dossier itself."""
    with open_archive(site.home.settings) as arc:
        rec, pdf, images = make_record(
            "card", title="CĂN CƯỚC", doc_type="citizen_id_card", owner_id=CITIZEN,
            owner_name="Nguyễn Văn An", issue_date=date(2022, 1, 5),
            valid_until=date(2037, 1, 5), unit="H19.22", dossier_code="HS-OLD-1")
        card_id, _ = arc.store_document(rec, pdf, images)
        arc.sync_index()
        dossierdesk.open_dossier(arc, site.home.settings, DOSSIER,
                                 procedure="1.001193.000.00.00.H19", owner=CITIZEN,
                                 unit="H19.22", by="Phạm Thu Hà")
    return card_id


def test_sign_in_needs_a_token_and_lands_on_search(site: Site) -> None:
    site.go("/web/search")
    assert "/web/login" in site.browser.url  # no session: the sign-in page
    site.shot("01-dang-nhap")
    site.assert_local()
    site.browser.find("input[name=token]").type("sohoa_khong-dung")
    site.browser.find("form[action='/web/login'] button").click()
    assert "Mã truy cập không đúng hoặc đã bị thu hồi." in site.browser.text(".error")
    site.browser.wait_for("input[name=token]")
    site.sign_in("officer")
    assert site.browser.url.endswith("/web/search")
    assert "Trần Thị Bình" in site.browser.text("header")
    cookie = site.browser.call("GET", "/cookie/sohoa_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"


def test_search_filters_and_opens_a_document(site: Site, card: str) -> None:
    b = site.browser
    site.go("/web/search")
    b.find("input[name=purpose]").type(PURPOSE)
    b.find("input[name=owner]").type(CITIZEN)
    b.js("document.querySelector('select[name=type]').value = 'birth_certificate'")
    b.find("input[name=q]").type("khai sinh\ue007")
    b.wait_for("section[aria-label='Kết quả']")
    rows = b.find_all("table.results tbody tr")
    assert len(rows) == 1 and "GIẤY KHAI SINH" in rows[0].text
    site.shot("02-tim-kiem")
    site.assert_local()

    b.find("table.results tbody tr a").click()
    b.wait_for("section.card dl")
    body = b.text()
    for expected in ("Nguyễn Văn An", "Giấy khai sinh", "Có chữ ký số B-LT",
                     "Vĩnh viễn", "Đã kiểm tra", "Lịch sử truy cập"):
        assert expected in body, expected
    # The page image really loaded (through the session, access-logged).
    assert b.wait_js("const i = document.querySelector('.pages img'); i.scrollIntoView();"
                     "return i.complete && i.naturalWidth > 0")
    history = b.text("section.card:last-of-type")
    assert "Trần Thị Bình" in history and PURPOSE in history and "trang web" in history
    site.shot("03-chi-tiet")
    site.assert_local()

    with open_archive(site.home.settings) as arc:
        reads = arc.access_events(document=site.home.ids["birth"])
    assert {(e["action"], e["channel"], e["purpose"]) for e in reads} >= {
        ("show", "web", PURPOSE), ("page", "web", PURPOSE)}


def test_reuse_for_a_dossier_and_phone_width(site: Site, card: str) -> None:
    b = site.browser
    site.go(f"/web/owner?purpose={PURPOSE}&owner={CITIZEN}&dossier={DOSSIER}")
    b.wait_for("table")
    assert "CĂN CƯỚC" in b.text("table")
    button = next(e for e in b.find_all("table button")
                  if e.text == f"Dùng lại cho hồ sơ {DOSSIER}")
    button.click()
    b.wait_for(".notice")
    assert "Đã dùng lại giấy tờ cho hồ sơ." in b.text()
    with open_archive(site.home.settings) as arc:
        state = dossierdesk.show(arc, DOSSIER)
    [tp2] = [c for c in state.components if c.code == "TP2"]
    assert (tp2.satisfied, tp2.document_id) == ("reused", card)

    b.resize(360, 780)
    try:
        for path in (f"/web/owner?purpose={PURPOSE}&owner={CITIZEN}",
                     f"/web/documents/{site.home.ids['birth']}?purpose={PURPOSE}"):
            site.go(path)
            b.wait_for("h1")
            width = b.scroll_width()
            assert width <= 360, f"{path} scrolls sideways at 360 px ({width} px wide)"
        site.shot("04-dien-thoai-360")
    finally:
        b.resize(1280, 900)


def test_a_server_restart_keeps_the_officer_signed_in(site: Site, card: str) -> None:
    b = site.browser
    site.go(f"/web/documents/{card}?purpose={PURPOSE}")
    b.wait_for("h1")
    before = b.cookie("sohoa_session")
    site.restart()  # a new process of `sohoa serve` over the same catalog
    site.go(f"/web/documents/{card}?purpose={PURPOSE}")
    b.wait_for("form[action='/web/logout']")
    assert "/web/login" not in b.url and "CĂN CƯỚC" in b.text("main")
    assert b.cookie("sohoa_session") == before
    site.assert_local()  # the session id is in no URL, no page source, no script's reach


def test_the_papers_signer_and_ink_are_on_the_document_page(site: Site, card: str) -> None:
    """fields15's leftover: the paper's signer (title, rank, name) and the seals and hand
    signatures found were shown by `sohoa show` only; the officer reads them on the page too,
    in the same words, as text — whatever OCR read there is never markup."""
    from dataclasses import replace

    with open_archive(site.home.settings) as arc:
        rec, pdf, images = make_record(
            "decision", title="QUYẾT ĐỊNH", doc_type="other", owner_id=CITIZEN,
            owner_name="Nguyễn Văn An", unit="H19.22", dossier_code=DOSSIER)
        doc_id, _ = arc.store_document(replace(rec, extra={
            "signer": {"title": "TRƯỞNG CÔNG AN <img src=x onerror=alert(1)>",
                       "rank": "Trung tá", "name": "Ngô Thanh Ngữ"},
            "ink_marks": [{"kind": "seal", "page": 1, "left": 1000, "top": 1800,
                           "width": 300, "height": 300},
                          {"kind": "signature", "page": 1, "left": 1100, "top": 1900,
                           "width": 320, "height": 120}]}), pdf, images)
    b = site.browser
    site.go(f"/web/documents/{doc_id}?purpose={PURPOSE}")
    b.wait_for("section.card dl")
    facts = b.text("section.card dl")
    assert ("Người ký trên bản giấy\nTRƯỞNG CÔNG AN <img src=x onerror=alert(1)> — Trung tá "
            "Ngô Thanh Ngữ") in facts
    assert ("Dấu, chữ ký tay\ndấu ở trang 1 (x 1000, y 1800, 300×300 điểm ảnh)\nchữ ký tay "
            "ở trang 1 (x 1100, y 1900, 320×120 điểm ảnh)") in facts
    assert b.js("return document.querySelectorAll('dl img').length") == 0
    site.assert_local()
    # a paper whose signer was not read shows no empty line for it
    site.go(f"/web/documents/{site.home.ids['birth']}?purpose={PURPOSE}")
    b.wait_for("section.card dl")
    assert "Người ký trên bản giấy" not in b.text() and "Dấu, chữ ký tay" not in b.text()


def test_sign_out_ends_the_session(site: Site) -> None:
    b = site.browser
    site.go("/web/search")
    kept = b.cookie("sohoa_session")
    site.sign_out()
    assert "Đã đăng xuất." in site.browser.text()
    assert b.cookie("sohoa_session") is None
    site.go("/web/search")
    assert "/web/login" in site.browser.url
    # The cookie put back by hand (a copy someone kept) no longer opens anything.
    b.call("POST", "/cookie", {"cookie": {"name": "sohoa_session", "value": kept,
                                          "path": "/", "httpOnly": True}})
    site.go("/web/search")
    assert "/web/login" in site.browser.url


# The page's status line once the lookup has answered ("Đang tra cứu…" while it runs).
SETTLED = ("const s = document.getElementById('status').textContent;"
           "return s.startsWith('Đang') ? '' : s")


def test_the_first_officers_page_asks_for_a_token_and_speaks_vietnamese(site: Site) -> None:
    b = site.browser
    site.go("/")
    b.find("#purpose").type(PURPOSE)
    b.find("#owner").type(CITIZEN)
    b.find("#reuse-form button").click()
    assert b.wait_js(SETTLED) == "Hãy nhập mã truy cập (token) do quản trị hệ thống cấp."
    # Desk staff run no reuse lookups: the server's English reason is not appended.
    b.find("#token").type(site.home.tokens["desk"])
    b.find("#reuse-form button").click()
    said = b.wait_js("const s = document.getElementById('status').textContent;"
                     "return s.startsWith('Hãy') || s.startsWith('Đang') ? '' : s")
    assert said and "may not" not in said and "reuse" not in said
    site.assert_local()


def test_an_unknown_validity_reads_as_to_be_entered_not_as_none() -> None:
    """tester11 F2: the catalog's face gives an unknown validity as null + validity_unknown;
    the page says it is to be entered, not "Không ghi thời hạn" (nor year 1)."""
    from datetime import date as day

    from sohoa.api.web.officer import validity

    shown = validity({"valid_until": None, "validity_unknown": True}, day(2026, 12, 7))
    assert "Chưa rõ thời hạn" in shown and "0001" not in shown
    assert validity({"valid_until": None}, day(2026, 12, 7)) == "Không ghi thời hạn"
    # tester13 F9: a paper valid forever by its type says so, as `sohoa show` does
    assert validity({"valid_until": None, "doc_type": "marriage_certificate"},
                    day(2026, 12, 7)) == "Vĩnh viễn"
