"""`sohoa init` on a home whose catalog is PostgreSQL (a cluster): a test signing key only
when asked for by name, and a word for the operator either way (tester14 F7: `init --dev-pki`
there made no key and said nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import PgDatabases

from sohoa.pipeline.home import init_home


@pytest.fixture
def cluster_db(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    pg = PgDatabases()
    url = pg.create()
    monkeypatch.setenv("SOHOA_DB", url)
    yield url
    pg.drop_all()


def test_a_cluster_home_gets_a_test_key_only_when_asked_and_is_told(
        tmp_path: Path, cluster_db: str) -> None:
    plain = init_home(tmp_path / "plain", unit="H19.22")
    assert plain["embedded"] is False
    assert plain["dev_signing_identity"] is None
    assert "--dev-pki" in plain["dev_key_skipped"] and "signing.pkcs12" in plain["dev_key_skipped"]
    assert not (tmp_path / "plain" / "keys").exists()

    asked = init_home(tmp_path / "asked", unit="H19.22", dev_pki_url="http://127.0.0.1:8739")
    assert asked["dev_key_skipped"] is None
    assert asked["dev_signing_identity"] and Path(asked["dev_signing_identity"]).is_file()
    assert asked["dev_tsa_url"] == "http://127.0.0.1:8739/tsa"
