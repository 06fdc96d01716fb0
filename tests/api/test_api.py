"""The HTTP API over a real archive (FastAPI's TestClient drives the real app in-process)."""

from __future__ import annotations

from urllib.parse import quote

from api_home import CITIZEN, COMPANY, Home, auth
from fastapi.testclient import TestClient

from sohoa.pipeline.services import open_archive

PURPOSE = {"purpose": "Hồ sơ H19.22-241105-0042"}


def access(home: Home, owner: str) -> list[dict]:
    with open_archive(home.settings) as arc:
        return arc.access_events(owner=owner)


def test_health_needs_no_token(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_reuse_lookup_lists_valid_documents_and_logs_the_read(client: TestClient,
                                                               home: Home) -> None:
    r = client.get(f"/owners/{CITIZEN}/documents", headers=auth(home),
                   params={**PURPOSE, "valid_on": "2024-01-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 2 and body["valid_on"] == "2024-01-01"
    # Newest first; the officer's unit (H19.22) does not limit reuse lookups.
    assert [d["document_id"] for d in body["documents"]] == [home.ids["id_card"],
                                                             home.ids["birth"]]
    assert body["documents"][0]["valid_until"] == "2031-07-01"
    [entry] = access(home, CITIZEN)
    assert (entry["user"], entry["role"], entry["unit"], entry["channel"]) == (
        "Trần Thị Bình", "officer", "H19.22", "api")
    assert entry["action"] == "reuse" and entry["result_count"] == 2
    assert entry["purpose"] == "Hồ sơ H19.22-241105-0042"
    assert entry["request"]["valid_on"] == "2024-01-01"

    r = client.get(f"/owners/{COMPANY}/documents", headers=auth(home),
                   params={**PURPOSE, "valid_on": "2024-01-01"})
    assert r.json()["count"] == 0  # the licence expired in 2023
    r = client.get(f"/owners/{CITIZEN}/documents", headers=auth(home),
                   params={**PURPOSE, "type": "birth_certificate", "valid_on": "2024-01-01"})
    # (a registered type: an unknown one is refused, as search refuses it)
    assert [d["doc_type"] for d in r.json()["documents"]] == ["birth_certificate"]


def test_reuse_answer_comes_in_pages_linked_by_next(client: TestClient, home: Home) -> None:
    query = {**PURPOSE, "valid_on": "2024-01-01", "limit": 1}
    first = client.get(f"/owners/{CITIZEN}/documents", headers=auth(home), params=query).json()
    assert (first["count"], first["next"]) == (1, f"2021-07-01~{home.ids['id_card']}")
    second = client.get(f"/owners/{CITIZEN}/documents", headers=auth(home),
                        params={**query, "after": first["next"]}).json()
    assert [d["document_id"] for d in second["documents"]] == [home.ids["birth"]]
    assert second["next"] is None
    # Each page's read is logged with the documents it returned.
    entries = access(home, CITIZEN)
    assert sorted(e["request"]["documents"] for e in entries) == sorted(
        [[home.ids["id_card"]], [home.ids["birth"]]])
    r = client.get(f"/owners/{CITIZEN}/documents", headers=auth(home),
                   params={**query, "after": "2021-13-01~x"})
    assert r.status_code == 400 and "không phải vị trí trang" in r.json()["error"]["message"]
    r = client.get(f"/owners/{CITIZEN}/documents", headers=auth(home),
                   params={**query, "limit": 0})
    assert r.status_code in (400, 422)


def test_the_officers_page_is_served_and_its_script_parses(client: TestClient,
                                                          tmp_path) -> None:
    import shutil
    import subprocess

    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    page = r.text
    for element in ('id="reuse-form"', 'id="search-form"', 'id="more"', 'id="rows"'):
        assert element in page
    node = shutil.which("node")
    assert node is not None, "node is missing: `make install` brings it (Debian nodejs)"
    script = tmp_path / "officers.js"
    script.write_text(page[page.index("<script>") + 8:page.index("</script>")], "utf-8")
    checked = subprocess.run([node, "--check", str(script)], capture_output=True, text=True,
                             check=False)
    assert checked.returncode == 0, checked.stderr


def test_no_purpose_is_refused_with_400_and_nothing_is_logged(client: TestClient,
                                                              home: Home) -> None:
    r = client.get(f"/owners/{CITIZEN}/documents", headers=auth(home))
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "purpose_required"
    assert "purpose" in error["message"] and "X-Purpose" in error["message"]
    r = client.get("/search", headers=auth(home), params={"q": "dong nai", "purpose": "  "})
    assert r.status_code == 400
    assert access(home, CITIZEN) == []


def test_purpose_as_a_percent_encoded_header(client: TestClient, home: Home) -> None:
    headers = {**auth(home), "X-Purpose": quote("Giải quyết hồ sơ cấp đổi căn cước")}
    r = client.get(f"/documents/{home.ids['birth']}", headers=headers)
    assert r.status_code == 200
    [entry] = access(home, CITIZEN)
    assert entry["purpose"] == "Giải quyết hồ sơ cấp đổi căn cước"
    assert entry["document_id"] == home.ids["birth"] and entry["action"] == "show"


def test_tokens_missing_unknown_or_revoked_get_401(client: TestClient, home: Home) -> None:
    path = f"/owners/{CITIZEN}/documents"
    r = client.get(path, params=PURPOSE)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "sohoa tokens add" in r.json()["error"]["message"]
    r = client.get(path, params=PURPOSE, headers={"Authorization": "Bearer sohoa_x.nope"})
    assert r.status_code == 401 and "đã bị thu hồi" in r.json()["error"]["message"]
    with open_archive(home.settings) as arc:
        arc.revoke_token(home.token_ids["officer"], revoked_by="admin")
    assert client.get(path, params=PURPOSE, headers=auth(home)).status_code == 401
    assert client.get(path, params=PURPOSE, headers=auth(home, "archivist")).status_code == 200


def test_desk_staff_see_only_their_unit_and_run_no_reuse_lookups(client: TestClient,
                                                                 home: Home) -> None:
    desk = auth(home, "desk")
    r = client.get(f"/owners/{CITIZEN}/documents", headers=desk, params=PURPOSE)
    assert r.status_code == 403
    assert "không được tra cứu tái sử dụng" in r.json()["error"]["message"]
    r = client.get("/search", headers=desk, params={**PURPOSE, "q": "dong nai"})
    assert [h["document_id"] for h in r.json()["hits"]] == [home.ids["birth"]]
    assert client.get(f"/documents/{home.ids['birth']}", headers=desk,
                      params=PURPOSE).status_code == 200
    r = client.get(f"/documents/{home.ids['id_card']}/pdf", headers=desk, params=PURPOSE)
    assert r.status_code == 403
    assert "giấy tờ này do H19.23 tiếp nhận" in r.json()["error"]["message"]


def test_officer_search_is_kept_to_the_unit_unless_it_names_the_owner(client: TestClient,
                                                                      home: Home) -> None:
    def hits(who: str, **params: str) -> set[str]:
        r = client.get("/search", headers=auth(home, who), params={**PURPOSE, **params})
        assert r.status_code == 200, r.text
        return {h["document_id"] for h in r.json()["hits"]}

    assert hits("officer", q="dong nai") == {home.ids["birth"]}
    assert hits("officer_other", q="dong nai") == {home.ids["id_card"], home.ids["licence"]}
    assert hits("officer", q="dong nai", owner=CITIZEN) == {home.ids["birth"],
                                                           home.ids["id_card"]}
    assert hits("archivist", q="dong nai") == {home.ids[k] for k in ("birth", "id_card",
                                                                     "licence")}
    r = client.get("/search", headers=auth(home), params={**PURPOSE, "q": "x", "unit": "H19.23"})
    assert r.status_code == 403


def test_search_results_filters_and_access_log_per_owner(client: TestClient,
                                                         home: Home) -> None:
    r = client.get("/search", headers=auth(home, "archivist"),
                   params={**PURPOSE, "q": "dong nai", "from": "2021-01-01",
                           "to": "2022-12-31"})
    body = r.json()
    assert body["count"] == 2
    assert {h["document_id"] for h in body["hits"]} == {home.ids["id_card"],
                                                        home.ids["licence"]}
    assert any("<b>Đồng</b> <b>Nai</b>" in h["snippet"] for h in body["hits"])
    # One access entry per owner whose documents were shown.
    [citizen] = access(home, CITIZEN)
    [company] = access(home, COMPANY)
    assert citizen["action"] == company["action"] == "search"
    assert citizen["result_count"] == 1 and citizen["request"]["from"] == "2021-01-01"
    assert company["request"]["documents"] == [home.ids["licence"]]
    r = client.get("/search", headers=auth(home, "archivist"),
                   params={**PURPOSE, "q": "dong nai", "type": "decision"})
    assert [h["doc_type"] for h in r.json()["hits"]] == ["decision"]


def test_document_metadata_and_pdf(client: TestClient, home: Home) -> None:
    doc_id = home.ids["id_card"]  # received by H19.23, opened by an officer of H19.23
    r = client.get(f"/documents/{doc_id}", headers=auth(home, "officer_other"), params=PURPOSE)
    assert r.status_code == 200
    meta = r.json()
    assert meta["owner"]["name"] == "Nguyễn Văn An"
    assert meta["title"] == "CĂN CƯỚC" and meta["valid_until"] == "2031-07-01"
    assert meta["archival"]["so_luong_trang"] == 1  # TT 02/2019 metadata comes along
    r = client.get(f"/documents/{doc_id}/pdf", headers=auth(home, "officer_other"),
                   params=PURPOSE)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    with open_archive(home.settings) as arc:
        assert r.content == arc.get_pdf(doc_id)
    assert [e["action"] for e in access(home, CITIZEN)] == ["pdf", "show"]


def test_errors_are_json_with_clerk_readable_messages(client: TestClient, home: Home) -> None:
    r = client.get("/documents/0000000000000000", headers=auth(home), params=PURPOSE)
    assert r.status_code == 404
    assert r.json() == {"error": {"code": "not_found",
                                  "message": "không có giấy tờ 0000000000000000 trong kho"}}
    r = client.get(f"/owners/{CITIZEN}/documents", headers=auth(home),
                   params={**PURPOSE, "valid_on": "2024-13-01"})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "valid_on: '2024-13-01' không phải ngày: dùng YYYY-MM-DD"
    r = client.get("/search", headers=auth(home),
                   params={**PURPOSE, "q": "x", "limit": "0", "from": "hôm qua"})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == ("from: 'hôm qua' không phải ngày: dùng YYYY-MM-DD; "
                                            "limit: '0' không hợp lệ: phải từ 1 trở lên"), r.json()
    r = client.get("/search", headers=auth(home), params={**PURPOSE, "limit": "mười"})
    assert r.json()["error"]["message"] == "limit: 'mười' không phải số nguyên", r.json()
    r = client.get("/nowhere")
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "không có địa chỉ này; API được mô tả tại /docs"
    r = client.delete("/health")
    assert r.status_code == 405, r.text
    assert r.json()["error"]["message"] == "địa chỉ này không nhận phương thức đó; xem /docs"


def test_openapi_document_and_web_page(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/owners/{owner_id}/documents", "/search", "/documents/{document_id}",
            "/documents/{document_id}/pdf", "/health"} <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert {"q", "owner", "type", "from", "to", "purpose", "x-purpose"} <= params
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Mục đích tra cứu" in page.text and "Tra cứu giấy tờ còn hiệu lực" in page.text
