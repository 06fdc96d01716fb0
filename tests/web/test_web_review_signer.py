"""tester18 F9 on the web: the reviewer's page offers the signer printed on the paper as a value
to correct, "chức vụ — họ tên", and saves it like a field."""

from __future__ import annotations

import re
from pathlib import Path

from api_home import make_home
from dossier_papers import store_paper
from fastapi.testclient import TestClient

from sohoa.api import create_app
from sohoa.pipeline.services import open_archive
from sohoa.reasons import reason

DOUBT = reason("signer", "không đọc chắc chắn “Tợ Diệu Liễu” ở trang 1; đối chiếu với giấy")

def test_the_web_review_page_sets_the_signer(tmp_path: Path) -> None:
    home = make_home(tmp_path)
    with open_archive(home.settings) as archive:
        doc_id = store_paper(archive, "signer-web", "H19.22-261207-0201", owner="001087012345",
                             unit="H19.22", doc_type="judicial_record",
                             title="PHIẾU LÝ LỊCH TƯ PHÁP", reasons=(DOUBT,),
                             extra={"signer": {"title": "GIÁM ĐỐC", "name": "Tợ Diệu Liễu"}})
    with TestClient(create_app(home.settings), follow_redirects=False) as client:
        page = client.get("/web/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        client.post("/web/login", data={"csrf": csrf, "token": home.tokens["desk"]})
        page = client.get(f"/web/review/{doc_id}?field=signer").text
        assert 'value="GIÁM ĐỐC — Tợ Diệu Liễu"' in page, page[-3000:]
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        said = client.post(f"/web/review/{doc_id}/set", data={
            "csrf": csrf, "field": "signer", "next": "signer",
            "value": "GIÁM ĐỐC — Tạ Diệu Liễu"})
        assert said.status_code == 303, said.text[-2000:]
    with open_archive(home.settings) as archive:
        assert archive.get_document(doc_id)["extra"]["signer"]["name"] == "Tạ Diệu Liễu"
