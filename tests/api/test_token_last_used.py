"""`sohoa tokens list` shows when each token was last used (an admin revokes abandoned ones)."""

from __future__ import annotations

import json

from api_home import Home, auth
from fastapi.testclient import TestClient
from test_cli_integrator import run

from sohoa.pipeline.services import open_archive


def _tokens(home: Home) -> dict[str, dict]:
    code, output = run(home, "tokens", "list", "--json")
    assert code == 0, output
    return {t["id"]: t for t in map(json.loads, output.splitlines())}


def test_last_used_time_is_kept_and_listed(client: TestClient, home: Home) -> None:
    officer, desk = home.token_ids["officer"], home.token_ids["desk"]
    assert _tokens(home)[officer]["last_used_at"] is None
    r = client.get("/search", headers=auth(home), params={"purpose": "HS-1", "q": "an"})
    assert r.status_code == 200
    listed = _tokens(home)
    assert listed[officer]["last_used_at"] is not None
    assert listed[desk]["last_used_at"] is None  # only the token that was used
    first = listed[officer]["last_used_at"]
    client.get("/search", headers=auth(home), params={"purpose": "HS-1", "q": "an"})
    assert _tokens(home)[officer]["last_used_at"] == first  # at most once a minute
    code, table = run(home, "tokens", "list")
    # the column "dùng lần cuối" and an unused token's "chưa dùng" (rich may wrap the words)
    assert code == 0 and "cuối" in table and "chưa" in table
    with open_archive(home.settings) as arc:
        assert arc.audit_verify() == (True, [])
