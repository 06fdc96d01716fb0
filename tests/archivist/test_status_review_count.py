"""`sohoa status` agrees with `sohoa review`: a document sampled for a check (not flagged by
recognition) is waiting, and status says so beside needs_review."""

from __future__ import annotations

import json

from archivist_helpers import opened, run_sohoa, signer_for, store

from sohoa.pipeline.settings import Settings


def test_status_counts_what_review_lists(settings: Settings) -> None:
    with opened(settings) as archive:
        store(archive, signer_for(settings), "a")  # confident: needs_review false
    env = {"SOHOA_REVIEW_SAMPLE_RATIO": "1.0"}  # every confident document is checked
    review = run_sohoa(settings.home, "review", "--json", env=env)
    assert review.returncode == 0, review.stderr
    waiting = [json.loads(line) for line in review.stdout.splitlines()]
    assert len(waiting) == 1
    status = run_sohoa(settings.home, "status", "--json", env=env)
    data = json.loads(status.stdout)
    assert data["needs_review"] == 0 and data["review_waiting"] == 1
    text = run_sohoa(settings.home, "status", env=env)
    # one figure for the one queue, and what it holds (tester12 F19: two counts, 18 and 19)
    assert "giấy tờ đang chờ rà soát (sohoa review): 1 (1 chọn mẫu hoặc kiểm tra lại sau " \
        "khi sửa)\n" in text.stdout, text.stdout
    assert "review_waiting" not in text.stdout and "nhận dạng chưa chắc" not in text.stdout


def test_review_show_of_a_document_nobody_waits_for_names_no_round(settings: Settings,
                                                                    tmp_path) -> None:
    with opened(settings) as archive:
        doc = store(archive, signer_for(settings), "b")
    env = {"SOHOA_REVIEW_SAMPLE_RATIO": "0"}
    shown = run_sohoa(settings.home, "review", "show", doc, "-o", str(tmp_path), env=env)
    assert shown.returncode == 0, shown.stderr
    assert "đã rà soát xong" in shown.stdout and "(lượt" not in shown.stdout
    sampled = run_sohoa(settings.home, "review", "show", doc, "-o", str(tmp_path),
                        env={"SOHOA_REVIEW_SAMPLE_RATIO": "1.0"})
    assert "(lượt 1)" in sampled.stdout
    data = json.loads(run_sohoa(settings.home, "review", "show", doc, "-o", str(tmp_path),
                                "--json", env=env).stdout)
    assert data["waiting"] is None


def test_status_counts_what_quarantine_lists(settings: Settings) -> None:
    """tester9 F30: status said 8 where `sohoa quarantine` listed 5 (repeats and dismissed
    entries were counted)."""
    from sohoa.records import Quarantined

    with opened(settings) as archive:
        for run in range(3):  # the same file reported by three runs: one entry
            job = archive.start_job(["/in/cut.pdf"], "H19.22")
            archive.record_quarantine(job, Quarantined("/in/cut.pdf", "bị cắt cụt", "a" * 64))
            archive.record_quarantine(job, Quarantined("/in/x.pdf", "trang đen", "b" * 64,
                                                       page_index=run % 2))
            # no hash (the file could not be read): the path names it
            archive.record_quarantine(job, Quarantined("/in/gone.tif", "không đọc được"))
        job = archive.start_job(["/in/sent-by-mistake.pdf"], "H19.22")
        archive.record_quarantine(job, Quarantined("/in/sent-by-mistake.pdf", "không phải PDF",
                                                   "c" * 64))
    listed = [json.loads(line) for line in
              run_sohoa(settings.home, "quarantine", "--json").stdout.splitlines()]
    mistake = next(r for r in listed if r["source"].endswith("sent-by-mistake.pdf"))
    gone = run_sohoa(settings.home, "quarantine", "dismiss", str(mistake["id"]),
                     "--reason", "gửi nhầm")
    assert gone.returncode == 0, gone.stderr
    listed = run_sohoa(settings.home, "quarantine", "--json").stdout.splitlines()
    assert len(listed) == 4  # cut.pdf, x.pdf pages 1 and 2, gone.tif
    status = json.loads(run_sohoa(settings.home, "status", "--json").stdout)
    assert status["quarantined"] == len(listed), status
    assert "tệp bị cách ly: 4" in run_sohoa(settings.home, "status").stdout
