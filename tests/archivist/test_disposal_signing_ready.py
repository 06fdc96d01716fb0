"""Nothing is destroyed before we know the destruction record can be signed (tester 10, F21).

`sohoa disposal execute` with the home's PKI down used to delete the papers and their files,
then fail at the record's signature: the papers gone, the list left "đang hủy" with no record.
The signer's readiness (key, revocation, TSA) is now checked before the list is started: exit 2,
the list still approved, every document and file still there, the reason in Vietnamese.
"""

from __future__ import annotations

import socket
from datetime import date
from pathlib import Path

from archivist_helpers import opened, run_sohoa, store

from sohoa.archive import disposal
from sohoa.doctypes import load_registry
from sohoa.pipeline.home import init_home
from sohoa.pipeline.settings import load_settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_execute_with_the_pki_down_destroys_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # a dev-PKI home whose CRL, OCSP and TSA address nothing listens on
    init_home(home, unit="UBND phường Tân Phong", dev_pki_url=f"http://127.0.0.1:{_free_port()}")
    settings = load_settings(home=home, environ={})
    with opened(settings) as archive:
        doc_id = store(archive, None, "a")
        blobs = [archive.get_document(doc_id)["pdf"]["sha256"],
                 *(p["blob_sha256"] for p in archive.get_document(doc_id)["pages"])]
        lst = disposal.propose(archive, registry=load_registry(), as_of=date(2025, 12, 1),
                               note="hết thời hạn bảo quản", by="Lê Thu Hà")
        assert lst is not None
        disposal.approve(archive, lst["list"], decision="Quyết định số 12/QĐ-UBND",
                         by="Trần Văn Bình")
    done = run_sohoa(home, "disposal", "execute", str(lst["list"]))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "sohoa dev-pki serve" in done.stderr, done.stderr
    assert "SigningError" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "revocation" not in done.stderr, done.stderr
    with opened(settings) as archive:
        assert archive.get_document(doc_id)["status"] == "stored"
        assert all(archive.blobs.exists(sha) for sha in blobs)
        after = disposal.get(archive, lst["list"], items=False)
    assert after["status"] == "approved" and after["counts"]["listed"] == 1, after
