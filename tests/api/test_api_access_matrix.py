"""Who may open which document, through every endpoint that opens one: role × unit ×
endpoint, with and without the reuse lookup that lets an officer open another unit's document
(docs/architecture.md, "Reads are accountable"); and hostile purposes and owner ids."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from api_home import CITIZEN, Home, auth
from fastapi.testclient import TestClient

from sohoa.pipeline.services import open_archive

PURPOSE = {"purpose": "Hồ sơ H19.22-241105-0042"}
OWN, OTHER = "birth", "id_card"  # received by H19.22 and by H19.23
ENDPOINTS = ("/documents/{id}", "/documents/{id}/pdf")


@pytest.fixture
def callers(home: Home) -> dict[str, dict[str, str]]:
    with open_archive(home.settings) as arc:
        for name, role in (("admin", "admin"), ("integrator", "integrator")):
            _id, home.tokens[name] = arc.add_token(f"Người {name}", role, "H19.22",
                                                   created_by="test")
    return {name: auth(home, name) for name in home.tokens}


# caller → (own unit's document, another unit's document) before any lookup
EXPECTED = {
    "desk": (200, 403), "officer": (200, 403), "archivist": (200, 200), "admin": (200, 200),
    "integrator": (403, 403),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_role_unit_endpoint_matrix(client: TestClient, home: Home,
                                   callers: dict[str, dict[str, str]], who: str,
                                   endpoint: str) -> None:
    for doc, expected in zip((OWN, OTHER), EXPECTED[who], strict=True):
        r = client.get(endpoint.format(id=home.ids[doc]), headers=callers[who], params=PURPOSE)
        assert r.status_code == expected, (who, doc, r.text)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_officer_opens_another_units_document_after_finding_it(
        client: TestClient, home: Home, callers: dict[str, dict[str, str]],
        endpoint: str) -> None:
    url = endpoint.format(id=home.ids[OTHER])
    refused = client.get(url, headers=callers["officer"], params=PURPOSE)
    assert refused.status_code == 403
    assert "tra cứu tái sử dụng" in refused.json()["error"]["message"]
    # Another officer's lookup does not open it for this one.
    assert client.get(f"/owners/{CITIZEN}/documents", headers=callers["officer_other"],
                      params=PURPOSE).status_code == 200
    assert client.get(url, headers=callers["officer"], params=PURPOSE).status_code == 403
    found = client.get(f"/owners/{CITIZEN}/documents", headers=callers["officer"],
                       params=PURPOSE)
    assert home.ids[OTHER] in {d["document_id"] for d in found.json()["documents"]}
    assert client.get(url, headers=callers["officer"], params=PURPOSE).status_code == 200


def test_a_search_naming_the_owner_also_opens_what_it_found(
        client: TestClient, home: Home, callers: dict[str, dict[str, str]]) -> None:
    url = f"/documents/{home.ids[OTHER]}"
    r = client.get("/search", headers=callers["officer"],
                   params={**PURPOSE, "q": "dong nai", "owner": CITIZEN})
    assert home.ids[OTHER] in {h["document_id"] for h in r.json()["hits"]}
    assert client.get(url, headers=callers["officer"], params=PURPOSE).status_code == 200


@pytest.mark.parametrize("purpose", ["\x00", "\x00\x00\x00", "HS-1\x1b[2J", "\x07 "])
def test_a_purpose_of_control_characters_is_refused(client: TestClient, home: Home,
                                                    purpose: str) -> None:
    r = client.get(f"/owners/{CITIZEN}/documents", headers=auth(home),
                   params={"purpose": purpose})
    assert r.status_code == 400
    assert "ký tự điều khiển" in r.json()["error"]["message"]
    with open_archive(home.settings) as arc:
        assert arc.access_events(owner=CITIZEN) == []


def test_an_over_long_or_garbled_owner_id_is_refused(client: TestClient, home: Home) -> None:
    for owner, words in (("0" * 5000, "tối đa 32"), ("0752\x0003001234", "ký tự điều khiển")):
        for url, params in ((f"/owners/{quote(owner, safe='')}/documents", PURPOSE),
                            ("/search", {**PURPOSE, "q": "an", "owner": owner})):
            r = client.get(url, headers=auth(home), params=params)
            assert r.status_code == 400, r.text
            assert words in r.json()["error"]["message"]
    with open_archive(home.settings) as arc:
        assert arc.access_events(user="Trần Thị Bình") == []
