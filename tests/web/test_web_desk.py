"""Desk staff and managers in a real headless chromium: today's dossiers with their
components, the jobs (the source of `sohoa status`), the quarantine with its reason in
Vietnamese, retried after a re-scan and dismissed with a reason; the KPI report with its
charts."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from api_home import CITIZEN, Home, make_home
from review_home import JUDICIAL, page
from web_site import Site

from sohoa.archive import deliveries
from sohoa.archive.values import vietnam_today
from sohoa.pipeline import dossierdesk, kpi
from sohoa.pipeline.home import init_home
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.services import open_archive
from sohoa.records import Quarantined

DOSSIER = "H19.22-261206-0007"
PORTAL = deliveries.TargetTypes("cong-dvc")


@pytest.fixture(scope="module")
def site_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A home that can sign what it stores (a retried scan is really ingested)."""
    root = tmp_path_factory.mktemp("web-desk-home")
    init_home(root, unit="H19.22")
    with (root / "sohoa.toml").open("a", encoding="utf-8") as toml:
        # a portal target: the report then has the portal's sync ratio (DOSSIER_SYNCED), as
        # `sohoa report kpi` prints it (tester13 F16). Nothing is sent: no sender runs.
        toml.write(f'\n[[sync.targets]]\nname = "{PORTAL.name}"\n'
                   'url = "http://127.0.0.1:9/nhan"\nsecret = "bi-mat-thu"\nportal = true\n')
    return make_home(root)


@pytest.fixture(scope="module")
def broken(site: Site) -> Iterator[Path]:
    """A scan cut short in transfer, really ingested and quarantined. Its folder is not under
    pytest's (/tmp/pytest-of-root/…): the page shows the path, and "of" is English."""
    folder = Path(tempfile.mkdtemp(prefix="quet-"))
    try:
        scan = folder / "lltp-0001.png"
        whole, _ = page(JUDICIAL)
        scan.write_bytes(whole[:400])
        assert run_ingest([scan], site.home.settings, unit="H19.22").quarantined == 1
        yield scan
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def retries_done(site: Site, count: int) -> list[dict]:
    """The audited retries (newest first) once ``count`` of them have finished."""
    deadline = time.monotonic() + 300
    while True:
        with open_archive(site.home.settings) as arc:
            done = [e for e in arc.audit_events(limit=20) if e["action"] == "input.retried"]
        if len(done) >= count or time.monotonic() > deadline:
            assert len(done) >= count, done
            return done
        time.sleep(0.5)


def entry_of(site: Site, source: str) -> int:
    with open_archive(site.home.settings) as arc:
        return int(next(q["id"] for q in arc.quarantine_files() if q["source"] == source))


@pytest.fixture(scope="module")
def work(site: Site) -> str:
    """A finished job with a truncated scan in quarantine, and a dossier opened today."""
    with open_archive(site.home.settings) as arc:
        job = arc.start_job(["/scans/lo-1"], "H19.22")
        arc.record_quarantine(job, Quarantined("/scans/lo-1/hong.pdf",
                                               "the file is truncated: re-scan it", "ab" * 32))
        arc.finish_job(job, {"stored": 3, "quarantined": 1})
        # a job an environment error stopped: marked failed at once, with why (jobstate)
        stopped = arc.start_job(["/scans/lo-2"], "H19.22", in_process=True)
        arc.fail_job(stopped, "lô dừng vì lỗi của máy hoặc môi trường: đĩa kho tệp đã đầy")
        dossierdesk.open_dossier(arc, site.home.settings, DOSSIER,
                                 procedure="1.001193.000.00.00.H19", owner=CITIZEN,
                                 unit="H19.22", by="Phạm Thu Hà")
    # the opening reached the portal, as a sender records it
    deliveries.spread(arc, [PORTAL])
    held = deliveries.take(arc, PORTAL.name, "test", limit=10, lease=timedelta(minutes=1))
    deliveries.record_outcomes(arc, PORTAL.name, "test", [
        deliveries.Outcome(c.event_row, "delivered", 200) for c in held])
    return job


def test_desk_sees_todays_dossiers_jobs_and_quarantine(site: Site, work: str) -> None:
    b = site.browser
    site.sign_in("desk")
    assert b.url.endswith("/web/dossiers")
    text = b.text("table")
    assert DOSSIER in text and "Đăng ký khai sinh" in text
    assert "Tờ khai đăng ký khai sinh: còn thiếu" in text
    assert vietnam_today().strftime("%d/%m/%Y") in b.text("main") or DOSSIER in text
    site.shot("01-ho-so-hom-nay")
    site.assert_local()

    site.go("/web/jobs")
    b.wait_for("table")
    assert work in b.text("table") and "Xong" in b.text("table")
    assert "Lỗi" in b.text("table") and "đĩa kho tệp đã đầy" in b.text("table")
    site.shot("02-cong-viec")
    site.assert_local()

    site.go("/web/quarantine")
    b.wait_for("table")
    row = b.text("table")
    assert "/scans/lo-1/hong.pdf" in row and "Tệp bị cắt cụt: hãy quét lại." in row
    assert "truncated" not in row
    site.shot("03-cach-ly")
    site.assert_local()
    # Desk staff read no KPI report (a manager's page): told so in Vietnamese.
    site.go("/web/report")
    # (the refusal itself, Vietnamese since 4414337: who, what, and whose work it is)
    refused = b.text(".error")
    assert "không được xem báo cáo" in refused and "việc này dành cho" in refused
    site.sign_out()


def test_desk_retries_a_rescanned_file_and_dismisses_another(site: Site, work: str,
                                                            broken: Path) -> None:
    b = site.browser
    site.sign_in("desk")
    site.go("/web/quarantine")
    entry = entry_of(site, str(broken))
    row = f"#q-{entry}"
    b.find(f"{row} form[action$='/retry'] button").click()  # still the cut-short file
    # No broker: the server ingests it beside the request; the jobs page follows it.
    b.wait_js("const n = document.querySelector('.notice');"
              "return n && n.textContent.includes('Đang xử lý lại')")
    assert f"Đang xử lý lại «{broken.name}» trên máy chủ" in b.text(".notice")
    assert retries_done(site, 1)[0]["detail"]["quarantined"] == 1
    site.go("/web/quarantine")
    assert "2 lần" in b.text("table")  # one line per input, however often it failed
    site.shot("04-cach-ly-xu-ly-lai")
    site.assert_local()

    whole, _ = page(JUDICIAL)
    broken.write_bytes(whole)  # re-scanned, put back where it was
    row = f"#q-{entry_of(site, str(broken))}"  # the entry keeps its first report's id
    assert row == f"#q-{entry}"
    site.go("/web/quarantine")
    # (review11 L5 added the file's size and time after this sentence)
    assert "Tệp ở chỗ cũ đã khác tệp bị cách ly" in b.text("table")
    b.find(f"{row} form[action$='/retry'] button").click()
    b.wait_js("const n = document.querySelector('.notice');"
              "return n && n.textContent.includes('Đang xử lý lại')")
    # Other bytes at the old path (a re-scan, or the next session's file of that name): stored,
    # but the entry stays until the clerk says it was the re-scan (F12).
    assert "tệp ở chỗ cũ đã khác tệp bị cách ly" in b.text(".notice")
    assert retries_done(site, 2)[0]["detail"]["stored"] == 1
    site.go("/web/quarantine")
    assert str(broken) in b.text("main")
    b.find(f"{row} input[name=reason]").type("Đã quét lại, bản mới đã lưu")
    b.find(f"{row} form[action$='/dismiss'] button").click()
    b.wait_js("const n = document.querySelector('.notice');"
              "return n && n.textContent.includes('Đã bỏ qua')")
    assert str(broken) not in b.text("main")
    with open_archive(site.home.settings) as arc:
        retried = [e for e in arc.audit_events(limit=20) if e["action"] == "input.retried"]
        assert [e["actor"] for e in retried] == ["Phạm Thu Hà", "Phạm Thu Hà"]
        assert [e["detail"]["stored"] for e in retried] == [1, 0]
        job = arc.get_job(retried[0]["detail"]["job_id"])
        assert job["unit"] == "H19.22"  # the unit of the job that quarantined it
        assert [i["status"] for i in job["done"]] == ["stored"]
        assert arc.stats()["documents"] == 4  # make_home's three and the re-scan
        settled = [e for e in arc.audit_events(limit=20) if e["action"] == "input.dismissed"]
        assert settled[0]["actor"] == "Phạm Thu Hà"
        assert settled[0]["detail"]["reason"] == "Đã quét lại, bản mới đã lưu"

    # The other entry needs nothing more: dismissed with the reason, audited under the name.
    other = entry_of(site, "/scans/lo-1/hong.pdf")
    b.find(f"#q-{other} input[name=reason]").type("Tệp gửi nhầm, bản đúng đã quét lại")
    b.find(f"#q-{other} form[action$='/dismiss'] button").click()
    b.wait_js("const n = document.querySelector('.notice');"
              "return n && n.textContent.includes('Đã bỏ qua')")
    assert "/scans/lo-1/hong.pdf" not in b.text("main")
    assert "Không có tệp nào bị cách ly." in b.text("main")
    site.shot("05-cach-ly-da-xong")
    site.assert_local()
    with open_archive(site.home.settings) as arc:
        dismissed = [e for e in arc.audit_events(limit=20) if e["action"] == "input.dismissed"]
    assert dismissed[0]["actor"] == "Phạm Thu Hà"
    assert dismissed[0]["detail"]["reason"] == "Tệp gửi nhầm, bản đúng đã quét lại"
    site.sign_out()


def test_manager_reads_the_kpi_report_with_charts(site: Site, work: str) -> None:
    b = site.browser
    site.sign_in("officer")
    try:
        site.go("/web/report")
        b.wait_for("img.chart")
    finally:
        kpi.set_sync_source(None)  # the page registered the portal's; the process is shared
    assert "Số hóa" in b.text("main") or "số hóa" in b.text("main")
    assert b.wait_js("const c = [...document.querySelectorAll('img.chart')];"
                     "return c.length >= 2 && c.every(i => i.complete && i.naturalWidth > 0)")
    site.shot("04-bao-cao")
    site.assert_local()
    # tester13 F16: the portal's sync ratio as the CLI prints it, every number with the decimal
    # comma, and the days typed and shown DD/MM/YYYY whatever the browser's locale
    figures = b.text("section.card table")
    synced = next(row for row in figures.splitlines() if "DOSSIER_SYNCED" in row
                  or "Cổng Dịch vụ công quốc gia" in row)
    assert "Cổng Dịch vụ công quốc gia" in synced, figures
    assert "DOSSIER_SYNCED" in figures and "6,00 / 6" in figures, figures
    assert not re.search(r"(?<![\w.])\d+\.\d+(?![\w.])", b.text("main")), b.text("main")
    today = vietnam_today()
    start = b.find("input[name=from]")
    assert start.attr("type") == "text"
    assert start.attr("value") == f"01/01/{today.year}"
    assert b.find("input[name=to]").attr("value") == today.strftime("%d/%m/%Y")
    start.clear()
    start.type(today.strftime("%d/%m/%Y"))
    try:
        b.find("form[action='/web/report'] button").click()
        b.wait_js("return location.search.includes('from=')")
        b.wait_for("img.chart")
    finally:
        kpi.set_sync_source(None)
    assert b.find("input[name=from]").attr("value") == today.strftime("%d/%m/%Y")
    assert "6,00 / 6" in b.text("section.card table")
    site.shot("06-bao-cao-tu-hom-nay")
