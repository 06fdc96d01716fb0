"""Desk staff and managers in a real headless chromium: today's dossiers with their
components, the jobs (the source of `sohoa status`), the quarantine with its reason in
Vietnamese; the KPI report with its charts."""

from __future__ import annotations

import pytest
from api_home import CITIZEN
from web_site import Site

from sohoa.archive.values import vietnam_today
from sohoa.pipeline import dossierdesk
from sohoa.pipeline.services import open_archive
from sohoa.records import Quarantined

DOSSIER = "H19.22-261206-0007"


@pytest.fixture(scope="module")
def work(site: Site) -> str:
    """A finished job with a truncated scan in quarantine, and a dossier opened today."""
    with open_archive(site.home.settings) as arc:
        job = arc.start_job(["/scans/lo-1"], "H19.22")
        arc.record_quarantine(job, Quarantined("/scans/lo-1/hong.pdf",
                                               "the file is truncated: re-scan it", "ab" * 32))
        arc.finish_job(job, {"stored": 3, "quarantined": 1})
        dossierdesk.open_dossier(arc, site.home.settings, DOSSIER,
                                 procedure="1.001193.000.00.00.H19", owner=CITIZEN,
                                 unit="H19.22", by="Phạm Thu Hà")
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
    assert "Vai trò hoặc đơn vị của bạn không được phép" in b.text(".error")
    site.sign_out()


def test_manager_reads_the_kpi_report_with_charts(site: Site, work: str) -> None:
    b = site.browser
    site.sign_in("officer")
    site.go("/web/report")
    b.wait_for("img.chart")
    assert "Số hóa" in b.text("main") or "số hóa" in b.text("main")
    assert b.wait_js("const c = [...document.querySelectorAll('img.chart')];"
                     "return c.length >= 2 && c.every(i => i.complete && i.naturalWidth > 0)")
    site.shot("04-bao-cao")
    site.assert_local()
