"""F12: a retry takes a quarantine entry off the list only when the quarantined bytes are now
stored. Scanners reuse names: the next session's scan0001.jpg at the recorded path is ingested
by «Xử lý lại», but the papers of the quarantined scan were never stored, so the entry stays and
the clerk is told the file there is a different one. The CLI, the web desk and the queue's
worker all settle through ``quarantinelist.settle``."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from archivist_helpers import make_home

from sohoa.archive.policy import Caller
from sohoa.pipeline import quarantine
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.operatordesk import OperatorDesk
from sohoa.pipeline.progress import NoProgress
from sohoa.pipeline.quarantinelist import CHANGED, entries, settle
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings
from sohoa.synth import render_document


def desk(settings: Settings) -> Caller:
    """A desk clerk of the home's unit: the unit the quarantining job ran under."""
    return Caller(user="Phạm Thu Hà", role="desk", unit=settings.unit, channel="web")


def retried(settings: Settings) -> dict:
    """What the web's retry (a thread of the server without a broker) audited once done."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with open_archive(settings) as archive:
            done = [e for e in archive.audit_events(limit=20) if e["action"] == "input.retried"]
        if done:
            return done[0]["detail"]
        time.sleep(0.2)
    raise AssertionError("the retry never finished")


def test_a_same_name_different_file_is_ingested_but_does_not_settle_the_entry(
        tmp_path: Path) -> None:
    settings = make_home(tmp_path / "home")
    scan = tmp_path / "in" / "scan0001.jpg"
    scan.parent.mkdir()
    cut = render_document("birth_certificate", 3, dpi=150).page_jpeg(0)[:3000]
    scan.write_bytes(cut)  # the truncated scan: quarantined, its papers never stored
    assert run_ingest([scan], settings).quarantined == 1
    [row] = quarantine.listing(settings)
    entry, quarantined_sha = row["ids"][0], row["sha256"]
    assert quarantined_sha == hashlib.sha256(cut).hexdigest() and not row["changed"]

    # The next session's scan0001.jpg, another paper, lands at the same path.
    scan.write_bytes(render_document("marriage_certificate", 4, dpi=150).page_jpeg(0))
    rows = quarantine.listing(settings)
    assert rows[0]["path"] == str(scan) and rows[0]["changed"]
    assert quarantine.changed(rows, [entry]) == [str(scan)]
    assert CHANGED.startswith("tệp ở chỗ cũ đã khác tệp bị cách ly")

    # `sohoa quarantine retry`: the new file is stored, the old entry stays on the list.
    summary = quarantine.retry(settings, [entry], emit=lambda _: None, progress=NoProgress(),
                               by="Phạm Thu Hà")
    assert summary.stored == 1
    assert [r["ids"] for r in quarantine.listing(settings)] == [row["ids"]]

    with open_archive(settings) as archive:
        # The web's «Xử lý lại» (the file is now known: a duplicate, which settled it too).
        outcome = OperatorDesk(archive, settings).retry(desk(settings), entry)
        assert outcome["background"] and outcome["changed"]
        outcome = retried(settings)
        assert outcome["duplicates"] == 1 and outcome["changed"] and outcome["settled"] == 0
        # The queue's worker closing that job settles through the same rule.
        assert settle(archive, entries(archive), [entry], outcome["job_id"], by="x") == 0
        assert [r["ids"] for r in entries(archive)] == [row["ids"]]
        assert not [e for e in archive.audit_events(limit=20)
                    if e["action"] == "input.dismissed"]

        # A job that did store the quarantined bytes from that path settles the entry.
        scan.write_bytes(cut)
        job = archive.start_job([str(scan)], None)
        archive.input_done(job, str(scan), quarantined_sha, "stored")
        archive.finish_job(job, {})
        assert settle(archive, entries(archive), [entry], job, by="Phạm Thu Hà") == 1
        assert entries(archive) == []
