"""Sessions, CSRF, Vietnamese-only errors, the local /docs page and the bearer scheme, through
the real app in-process (no browser needed to show these)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from api_home import CITIZEN, Home, make_home
from fastapi.testclient import TestClient

from sohoa.api import create_app
from sohoa.api.web.messages import is_vietnamese
from sohoa.archive.values import aware, utc_now
from sohoa.pipeline.services import open_archive

PURPOSE = "Hồ sơ H19.22-241105-0042"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return make_home(tmp_path)


@pytest.fixture
def client(home: Home) -> Iterator[TestClient]:
    with TestClient(create_app(home.settings), follow_redirects=False) as c:
        yield c


def login_csrf(client: TestClient) -> str:
    page = client.get("/web/login")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def sign_in(client: TestClient, home: Home, who: str = "officer") -> str:
    r = client.post("/web/login", data={"csrf": login_csrf(client), "token": home.tokens[who]})
    assert r.status_code == 303, r.text
    page = client.get("/web/search")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def test_sign_in_sets_a_strict_httponly_cookie_and_never_echoes_the_token(
        client: TestClient, home: Home) -> None:
    r = client.post("/web/login", data={"csrf": login_csrf(client),
                                        "token": home.tokens["officer"]})
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie"
                  and v.startswith("sohoa_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert home.tokens["officer"] not in cookie
    page = client.get("/web/search")
    assert home.tokens["officer"] not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_an_empty_token_is_asked_for_not_called_invalid(client: TestClient) -> None:
    r = client.post("/web/login", data={"csrf": login_csrf(client), "token": "  "})
    assert r.status_code == 400
    assert "Hãy nhập mã truy cập" in r.text and "không đúng" not in r.text


def test_login_form_without_its_cookie_is_refused(client: TestClient, home: Home) -> None:
    r = client.post("/web/login", data={"csrf": "forged", "token": home.tokens["officer"]})
    assert r.status_code == 403 and "sohoa_session" not in r.headers.get("set-cookie", "")


def test_every_write_needs_the_session_csrf_token(client: TestClient, home: Home) -> None:
    csrf = sign_in(client, home)
    r = client.post("/web/logout", data={"csrf": "wrong"})
    assert r.status_code == 403 and "Biểu mẫu đã hết hạn" in r.text
    assert client.get("/web/search").status_code == 200  # still signed in
    r = client.post("/web/owner/reuse", data={"purpose": PURPOSE, "dossier": "X",
                                              "document": home.ids["id_card"]})
    assert r.status_code == 403
    r = client.post("/web/logout", data={"csrf": csrf})
    assert r.status_code == 303
    assert client.get("/web/search").headers["location"] == "/web/login"


def test_a_revoked_token_ends_its_sessions(client: TestClient, home: Home) -> None:
    sign_in(client, home)
    with open_archive(home.settings) as arc:
        arc.revoke_token(home.token_ids["officer"], revoked_by="test")
    r = client.get("/web/search")
    assert r.status_code == 303 and r.headers["location"] == "/web/login"


def test_errors_are_vietnamese_and_the_policy_is_the_apis(client: TestClient,
                                                          home: Home) -> None:
    sign_in(client, home, "desk")
    # Desk staff run no reuse lookups (the API's rule), told in Vietnamese only.
    r = client.get("/web/owner", params={"purpose": PURPOSE, "owner": CITIZEN})
    assert r.status_code == 403
    message = re.search(r'class="error" role="alert">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
    assert is_vietnamese(message) and "reuse" not in message
    # A document of another unit, and a search without a purpose.
    r = client.get(f"/web/documents/{home.ids['id_card']}", params={"purpose": PURPOSE})
    assert r.status_code == 403 and "may open only" not in r.text
    r = client.get("/web/search", params={"q": "khai sinh"})
    assert r.status_code == 400 and "mục đích tra cứu" in r.text
    # tester12 F12: on the web, the field to fill is named, not the API's header nor the CLI's
    # option
    message = re.search(r'class="error" role="alert">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
    assert "«Mục đích tra cứu (bắt buộc)»" in message
    assert "X-Purpose" not in message and "--purpose" not in message
    r = client.get("/web/search", params={"q": "x", "purpose": PURPOSE, "from": "hôm qua"})
    assert r.status_code == 400 and "không phải ngày: dùng DD/MM/YYYY" in r.text
    assert client.get("/web/khong-co").status_code == 404


def test_read_fields_show_days_as_the_header_does(client: TestClient, home: Home) -> None:
    """tester12 F11: "Các trường đã đọc" printed "2003-04-20" under a header of DD/MM/YYYY."""
    sign_in(client, home, "officer")
    r = client.get(f"/web/documents/{home.ids['birth']}", params={"purpose": PURPOSE})
    assert r.status_code == 200
    fields = r.text[r.text.index("Các trường đã đọc"):r.text.index("Ảnh các trang")]
    assert "20/04/2003" in fields and "2003-04-20" not in fields
    assert "Nguyễn Văn An" in fields


def test_search_results_come_in_pages(client: TestClient, home: Home) -> None:
    sign_in(client, home, "archivist")
    first = client.get("/web/search", params={"q": "Đồng Nai", "purpose": PURPOSE})
    assert first.status_code == 200
    assert first.text.count("<tr><td") == 3 and 'rel="next"' not in first.text
    from sohoa.api.web import officer
    try:
        officer.PAGE_SIZE = 2  # three documents: two pages
        one = client.get("/web/search", params={"q": "Đồng Nai", "purpose": PURPOSE})
        two = client.get("/web/search", params={"q": "Đồng Nai", "purpose": PURPOSE,
                                                "page": "2"})
    finally:
        officer.PAGE_SIZE = 10
    assert one.text.count("<tr><td") == 2 and 'rel="next"' in one.text
    assert two.text.count("<tr><td") == 1 and 'rel="prev"' in two.text


def test_the_browser_gets_an_icon_not_a_404(client: TestClient) -> None:
    """tester12 F12: every page load asked for /favicon.ico and logged a 404 in the console."""
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"
    page = client.get("/web/login")
    linked = re.search(r'<link rel="icon" href="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert client.get(linked).content == icon.content


def test_docs_page_is_local_and_openapi_declares_bearer(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http", "scheme": "bearer", "description": "An API token: `sohoa tokens add`"}
    assert spec["paths"]["/search"]["get"]["security"] == [{"HTTPBearer": []}]
    names = {p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert "authorization" not in {n.lower() for n in names}
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/owners/{owner_id}/documents" in docs.text
    assert not re.search(r"(src|href)=\"(https?:)?//", docs.text)
    assert client.get("/redoc").status_code == 404


def test_api_without_token_is_still_401_with_our_message(client: TestClient) -> None:
    r = client.get("/search", params={"q": "x", "purpose": PURPOSE})
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"


def test_messages_pass_vietnamese_through_and_replace_english() -> None:
    from sohoa.api.web.messages import message_for
    from sohoa.errors import ConfigError, WorkflowError

    vi = "Võ Minh Khoa đã lập danh mục 3; người phê duyệt phải là người khác"
    assert message_for(WorkflowError(vi)) == vi
    # the review's own message is Vietnamese; the page says it in the web's words
    cross = ConfigError("lượt 2 của giấy tờ abc là lượt kiểm tra chéo lượt 1 mà Lê Văn Cường "
                        "đã duyệt: phải do người khác làm")
    assert message_for(cross).startswith("Vòng kiểm tra 2 là vòng kiểm tra chéo: Lê Văn Cường")
    assert message_for(ConfigError("limit must be between 1 and 100")) == (
        "Yêu cầu không hợp lệ; hãy kiểm tra lại các ô đã điền.")


def test_no_asset_refers_to_another_host(client: TestClient, home: Home) -> None:
    """The stylesheet, the script and every page a signed-out person can reach name no other
    host (the browser tests check every signed-in page they visit the same way)."""
    from sohoa.api.web.routes import STATIC

    names = sorted(p.name for p in STATIC.iterdir())
    assert names == ["favicon.png", "web.css", "web.js"]
    for path in [*(f"/web/static/{n}" for n in names), "/web/login", "/docs"]:
        text = client.get(path).text
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.IGNORECASE), path


def test_review_roles_and_changing_the_type(client: TestClient, home: Home) -> None:
    from review_home import store_flagged

    with open_archive(home.settings) as arc:
        doc_id = store_flagged(arc)
    sign_in(client, home, "archivist")  # archivists do not review (policy.REVIEWERS)
    assert client.get("/web/review").status_code == 403
    client.cookies.clear()
    csrf = sign_in(client, home, "desk")
    assert doc_id in client.get("/web/review").text
    r = client.post(f"/web/review/{doc_id}/type", data={"doc_type": "birth_certificate"})
    assert r.status_code == 403  # no CSRF token, nothing changed
    r = client.post(f"/web/review/{doc_id}/type",
                    data={"csrf": csrf, "doc_type": "birth_certificate"})
    assert r.status_code == 303 and "Gi%E1%BA%A5y+khai+sinh" in r.headers["location"]
    with open_archive(home.settings) as arc:
        assert arc.get_document(doc_id)["doc_type"] == "birth_certificate"


# --- sessions kept in the catalog ----------------------------------------------------------

def session_rows(home: Home) -> list[dict]:
    from sqlalchemy import select

    from sohoa.archive.models import WebSession

    with open_archive(home.settings) as arc, arc.transaction(write=False) as conn:
        return [dict(r) for r in conn.execute(select(WebSession)).mappings()]


def age_sessions(home: Home, **ago: float) -> None:
    """Move every session's times back by ``ago`` hours (created_at=, last_seen_at=), and the
    tokens' last use by as much as the last-seen time."""
    from sqlalchemy import update

    from sohoa.archive.models import ApiToken, WebSession

    with open_archive(home.settings) as arc, arc.transaction(write=True) as conn:
        conn.execute(update(WebSession).values(
            {k: utc_now() - timedelta(hours=h) for k, h in ago.items()}))
        if "last_seen_at" in ago:
            conn.execute(update(ApiToken).values(
                last_used_at=utc_now() - timedelta(hours=ago["last_seen_at"])))


def test_a_restart_of_the_server_keeps_everybody_signed_in(client: TestClient,
                                                           home: Home) -> None:
    sign_in(client, home)
    cookie = client.cookies["sohoa_session"]
    # Another app over the same catalog: what `sohoa serve` is after a restart.
    with TestClient(create_app(home.settings), follow_redirects=False) as restarted:
        restarted.cookies.set("sohoa_session", cookie)
        page = restarted.get("/web/search")
        assert page.status_code == 200 and "Trần Thị Bình" in page.text
    # The catalog holds neither the cookie nor the token: a copy of it signs nobody in.
    rows = session_rows(home)
    assert len(rows) == 1 and rows[0]["token_id"] == home.token_ids["officer"]
    held = repr(rows)
    assert cookie not in held and home.tokens["officer"] not in held


def test_sessions_expire_when_idle_and_after_their_lifetime(client: TestClient,
                                                            home: Home) -> None:
    sign_in(client, home)
    age_sessions(home, created_at=7.5, last_seen_at=7.5)  # a long lunch: still signed in
    assert client.get("/web/search").status_code == 200
    # Seen again, and so is its token (sohoa tokens list shows a web user's token in use).
    [row] = session_rows(home)
    assert utc_now() - aware(row["last_seen_at"]) < timedelta(minutes=5)  # type: ignore[operator]
    with open_archive(home.settings) as arc:
        used = {t["id"]: t["last_used_at"] for t in arc.list_tokens()}
    assert utc_now() - datetime.fromisoformat(used[home.token_ids["officer"]]) < timedelta(
        minutes=5)
    age_sessions(home, last_seen_at=8.5)  # a working day without a click
    r = client.get("/web/search")
    assert r.status_code == 303 and r.headers["location"] == "/web/login"
    sign_in(client, home)
    age_sessions(home, created_at=12.5, last_seen_at=0)  # busy all along, but 12 h is the end
    r = client.get("/web/search")
    assert r.status_code == 303 and r.headers["location"] == "/web/login"
    # A new sign-in clears the expired rows: the catalog does not fill with dead sessions.
    sign_in(client, home)
    assert len(session_rows(home)) == 1


def test_sign_out_revokes_the_session_everywhere(client: TestClient, home: Home) -> None:
    csrf = sign_in(client, home)
    copied = client.cookies["sohoa_session"]
    assert client.post("/web/logout", data={"csrf": csrf}).status_code == 303
    assert session_rows(home) == []
    # The cookie a browser (or an eavesdropper) kept is worth nothing after sign-out.
    with TestClient(create_app(home.settings), follow_redirects=False) as other:
        other.cookies.set("sohoa_session", copied)
        r = other.get("/web/search")
        assert r.status_code == 303 and r.headers["location"] == "/web/login"


def test_revoking_a_token_deletes_its_sessions(client: TestClient, home: Home) -> None:
    sign_in(client, home)
    sign_in(client, home, "desk")
    with open_archive(home.settings) as arc:
        arc.revoke_token(home.token_ids["officer"], revoked_by="test")
    assert [r["token_id"] for r in session_rows(home)] == [home.token_ids["desk"]]


def test_quarantine_writes_need_the_token_the_role_and_a_reason(client: TestClient,
                                                                home: Home) -> None:
    from sohoa.records import Quarantined

    with open_archive(home.settings) as arc:
        job = arc.start_job(["/scans/lo-9"], "H19.22")
        arc.record_quarantine(job, Quarantined("/scans/lo-9/mat.pdf", "the file is truncated",
                                               "cd" * 32))
        [entry] = [q["id"] for q in arc.quarantine_files()]

    def listed() -> bool:
        with open_archive(home.settings) as arc:
            return bool(arc.quarantine_files())

    csrf = sign_in(client, home, "desk")
    r = client.post(f"/web/quarantine/{entry}/dismiss", data={"reason": "gửi nhầm"})
    assert r.status_code == 403 and listed()  # no CSRF token: nothing changed
    r = client.post(f"/web/quarantine/{entry}/dismiss", data={"csrf": csrf, "reason": "  "})
    assert r.status_code == 400 and "hãy ghi lý do bỏ qua" in r.text and listed()
    r = client.post(f"/web/quarantine/{entry}/retry", data={"csrf": csrf})
    assert r.status_code == 404 and "không còn ở /scans/lo-9/mat.pdf" in r.text
    assert client.post("/web/quarantine/abc/retry", data={"csrf": csrf}).status_code == 404
    client.cookies.clear()
    csrf = sign_in(client, home, "officer")  # officers read; clearing quarantine is the desk's
    r = client.post(f"/web/quarantine/{entry}/dismiss", data={"csrf": csrf, "reason": "x"})
    assert r.status_code == 403 and "không được bỏ một tệp bị cách ly" in r.text
    assert listed()


FOREIGN = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//"""
                     r"""|url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//|@import""", re.IGNORECASE)


def test_every_page_of_every_role_refers_to_no_other_host(client: TestClient,
                                                          home: Home) -> None:
    """Every GET page of the web workplace, as each role sees it (including refusals and
    errors), names no other host in anything that would load or send something: the browser
    tests check the pages they visit; this walks all the routes, so a new page is checked the
    day it is added."""
    from review_home import store_flagged

    for foreign in ('<img src="https://cdn.example/x.png">', "<a href=//example.vn/>",
                    "<form action='http://example.vn/'>", "a { background: url( //x.vn/i) }",
                    "@import 'a.css';"):
        assert FOREIGN.search(foreign), foreign  # the check sees what it must refuse
    assert not FOREIGN.search('<a href="/web/search?q=http://x">')  # words, not links
    with open_archive(home.settings) as arc:
        flagged = store_flagged(arc)
    params = {"document_id": home.ids["birth"], "list_id": "1", "position": "1", "version": "1",
              "name": "web.css"}
    query = {"purpose": PURPOSE, "q": "Đồng Nai", "owner": CITIZEN}
    pages = sorted({r.path for r in client.app.routes  # type: ignore[attr-defined]
                    if getattr(r, "path", "").startswith("/web")
                    and "GET" in getattr(r, "methods", set())})
    assert {"/web/quarantine", "/web/jobs", "/web/review/{document_id}"} <= set(pages)
    seen = 0
    for who in ("officer", "desk", "archivist"):
        client.cookies.clear()
        sign_in(client, home, who)
        for path in pages:
            url = path.replace("{rest:path}", "khong-co").format(**params)
            if path == "/web/review/{document_id}":
                url = f"/web/review/{flagged}"
            r = client.get(url, params=query)
            assert r.status_code != 500, (who, url)
            if "text/html" not in r.headers.get("content-type", "") and \
                    not url.startswith("/web/static"):
                continue  # a PDF or a page image
            assert not FOREIGN.search(r.text), (who, url, FOREIGN.search(r.text))
            seen += 1
    assert seen >= 3 * (len(pages) - 3)
