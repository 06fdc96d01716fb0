"""Nothing is destroyed (or copied out) before we know the record can be signed (tester 10, F21).

`sohoa disposal execute` with the home's PKI down used to delete the papers and their files,
then fail at the record's signature: the papers gone, the list left "đang hủy" with no record.
The signer's readiness (key, revocation, TSA) is now checked before the list is started: exit 2,
the list still approved, every document and file still there, the reason in Vietnamese.
"""

from __future__ import annotations

import socket
import subprocess
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
    # A "ready" kept by an earlier status: the refusal clears it, so status never says ready
    # while disposal was just refused for the signer (tester11 F13, through check_signer_ready).
    kept = home / "cache" / "signing-status.json"
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text("{}", encoding="utf-8")
    done = run_sohoa(home, "disposal", "execute", str(lst["list"]))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert not kept.exists()
    assert "sohoa dev-pki serve" in done.stderr, done.stderr
    assert "SigningError" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "revocation" not in done.stderr, done.stderr
    with opened(settings) as archive:
        assert archive.get_document(doc_id)["status"] == "stored"
        assert all(archive.blobs.exists(sha) for sha in blobs)
        after = disposal.get(archive, lst["list"], items=False)
    assert after["status"] == "approved" and after["counts"]["listed"] == 1, after


def test_pki_lost_mid_run_says_what_is_destroyed_and_the_resumed_record_counts_it(
        tmp_path: Path) -> None:
    """The PKI answers the readiness check, then stops answering while the papers are being
    destroyed (a real dev PKI whose every answer turns 503): the refusal says the papers are
    gone and the record is owed; run again once it answers, the record counts the files the
    first run deleted ("xóa 0 tệp" before)."""
    import asyncio
    import threading
    from typing import Any

    from aiohttp import web
    from archivist_helpers import pdftotext

    from sohoa.errors import SigningError
    from sohoa.pipeline.disposaljob import execute
    from sohoa.signing.devpki import DevPki, make_app

    port = _free_port()
    home = tmp_path / "home"
    init_home(home, unit="UBND phường Tân Phong", dev_pki_url=f"http://127.0.0.1:{port}")
    settings = load_settings(home=home, environ={})
    down = threading.Event()

    @web.middleware
    async def outage(request: web.Request, handler: Any) -> web.StreamResponse:
        if down.is_set():
            return web.Response(status=503)
        return await handler(request)

    app = make_app(DevPki.load(settings.pkcs12.parent))
    app.middlewares.append(outage)
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    runner = web.AppRunner(app, access_log=None)

    async def serve() -> None:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()

    asyncio.run_coroutine_threadsafe(serve(), loop).result(timeout=10)
    try:
        with opened(settings) as archive:
            ids = [store(archive, None, "a"), store(archive, None, "b",
                                                    owner_id="075203009999")]
            files = {sha for i in ids for sha in (
                archive.get_document(i)["pdf"]["sha256"],
                *(p["blob_sha256"] for p in archive.get_document(i)["pages"]))}
            lst = disposal.propose(archive, registry=load_registry(), as_of=date(2025, 12, 1),
                                   note="hết thời hạn bảo quản", by="Lê Thu Hà")
            assert lst is not None
            disposal.approve(archive, lst["list"], decision="Quyết định số 12/QĐ-UBND",
                             by="Trần Văn Bình")
        number = lst["list"]
        try:
            execute(settings, number, by="Lê Thu Hà", emit=lambda _e: down.set())
        except SigningError as exc:
            said = str(exc)
        else:
            raise AssertionError("signed with the PKI down")
        assert f"đã bị hủy (2 tài liệu, xóa {len(files)} tệp)" in said, said
        assert f"sohoa disposal execute {number}" in said, said
        with opened(settings) as archive:
            assert not any(archive.blobs.exists(sha) for sha in files)
        down.clear()
        done = execute(settings, number, by="Lê Thu Hà")
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
    assert done["summary"]["blobs_removed"] == len(files), done["summary"]
    with opened(settings) as archive:
        text = " ".join(pdftotext(disposal.record_pdf(archive, number), tmp_path).split())
    assert f"xóa {len(files)} tệp" in text, text


def test_a_record_made_after_the_destruction_began_says_when_it_began() -> None:
    from datetime import UTC, datetime

    from sohoa.pipeline.disposaljob import destruction_record

    lst = {"list": 3, "decision": "Quyết định số 12/QĐ-UBND", "approved_at": None,
           "approved_by": "Trần Văn Bình", "proposed_at": None, "proposed_by": "Lê Thu Hà",
           "as_of": "2025-12-01", "note": "hết hạn", "items": [],
           "started_at": "2026-12-06T21:43:00+00:00"}
    summary = {"disposed": 0, "skipped": 0, "pages": 0, "blobs_removed": 0, "blobs_shared": 0,
               "bytes_freed": 0}
    record = destruction_record(lst, agency="UBND phường Tân Phong", executed_by="Lê Thu Hà",
                                at=datetime(2026, 12, 7, 2, 5, tzinfo=UTC), summary=summary)
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=record, capture_output=True,
                                   check=True).stdout.decode().split())
    # 21:43 UTC is 04:43 on the 7th in Viet Nam; the record is made at 09:05
    assert "Ngày 07 tháng 12 năm 2026, lúc 04 giờ 43" in text, text
    assert "bắt đầu hủy" in text and "lập ngày 07 tháng 12 năm 2026, lúc 09 giờ 05" in text, text

    # review10b L: every paper destroyed on the 7th, the record signed only on the 10th
    # (the PKI was down): the record says when the destruction ended, not the 10th.
    lst["items"] = [{"position": k, "document_id": f"d{k}", "doc_type": "decision",
                     "title": "Quyết định", "dossier_code": "HS-1", "reason": "held",
                     "status": "skipped", "done_at": done}
                    for k, done in enumerate(["2026-12-06T21:50:00+00:00",
                                              "2026-12-06T22:10:00+00:00"], start=1)]
    record = destruction_record(lst, agency="UBND phường Tân Phong", executed_by="Lê Thu Hà",
                                at=datetime(2026, 12, 10, 2, 5, tzinfo=UTC), summary=summary)
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=record, capture_output=True,
                                   check=True).stdout.decode().split())
    assert "hoàn tất ngày 07 tháng 12 năm 2026, lúc 05 giờ 10" in text, text
    assert "biên bản này được lập ngày 10 tháng 12 năm 2026, lúc 09 giờ 05" in text, text


def test_export_with_the_pki_down_copies_nothing(tmp_path: Path) -> None:
    """The bag's signed log checkpoint comes after every document is copied: a PKI that cannot
    sign is refused first, not after the whole bag is written without its checkpoint."""
    home = tmp_path / "home"
    init_home(home, unit="UBND phường Tân Phong", dev_pki_url=f"http://127.0.0.1:{_free_port()}")
    settings = load_settings(home=home, environ={})
    with opened(settings) as archive:
        store(archive, None, "a", dossier="HS-EXPORT")
    bag = tmp_path / "bag"
    done = run_sohoa(home, "export", "--dossier", "HS-EXPORT", "-o", str(bag))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "sohoa dev-pki serve" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "SigningError" not in done.stderr, done.stderr
    assert not bag.exists() or not any(bag.iterdir()), sorted(bag.rglob("*"))
