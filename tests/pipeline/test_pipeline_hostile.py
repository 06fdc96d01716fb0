"""The hostile corpus (sohoa.synth.hostile) ingested in ONE batch, for real (issue 19, item 5).

Bombs, truncated, encrypted and disguised files, a page tree that loops, 5,001 pages, 300 blank
pages in 3 KB, three blank 36-inch pages, a big white PNG, 1×1 and 16×16 images, a 16-bit PNG of
a text page, an all-black page, a FIFO, a symlink loop, a link out of the folder, a dangling link,
an NFD and a 250-byte name: the command does not abort, every bad entry is quarantined with a
Vietnamese reason the clerk can act on, every good file is stored once (and only once: the same
ingest again stores nothing and says "duplicate"), and the whole process tree stays under
1.5 GB and 60 CPU seconds for the batch (so no input costs more).
"""

from __future__ import annotations

import os
import re
import resource
import unicodedata
from pathlib import Path
from typing import Any

from pipeline_helpers import PURPOSE, json_lines
from proctree import run_measured
from testtools import run_sohoa, sohoa_command, sohoa_env

from sohoa.api.web.messages import is_vietnamese
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.synth.hostile import BLANK, QUARANTINED, STORED, write_hostile

PEAK_LIMIT = 1.5e9  # bytes, the whole process tree
CPU_LIMIT = 60.0  # seconds of CPU for the whole batch, workers and renderers included
# words a reason must never carry: a library's, or the old English ones
RAW = ("Traceback", "cv2", "error:", "assert", "sqlalchemy", "qpdf", "pikepdf", "PIL",
       "Errno", "RuntimeError")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _ingest(home: Path, folder: Path) -> tuple[Any, list[dict[str, Any]], float]:
    before = _children_cpu()
    run = run_measured(sohoa_command("ingest", str(folder), "--json"),
                       env=sohoa_env(home, PURPOSE), timeout=600)
    return run, json_lines(run.stdout), _children_cpu() - before


def _statuses(home: Path) -> dict[str, dict[str, Any]]:
    with open_archive(load_settings(home=home, environ={})) as archive:
        job = archive.jobs(limit=1)[0]
        return {Path(d["source"]).name: d for d in archive.get_job(job["job_id"])["done"]}


def test_the_hostile_corpus_in_one_batch(tmp_path: Path) -> None:
    folder, elsewhere, home = tmp_path / "lo-quet", tmp_path / "elsewhere", tmp_path / "home"
    cases = write_hostile(folder, elsewhere)
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0

    run, events, cpu = _ingest(home, folder)
    # 3: some inputs were quarantined, everything else stored; never 1 (a bug) or 2 (abort)
    assert run.returncode == 3, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    assert run.peak_rss < PEAK_LIMIT, f"peak {run.peak_rss / 1e6:.0f} MB"
    assert cpu < CPU_LIMIT, f"{cpu:.1f} CPU s for the batch"

    errors: dict[str, list[str]] = {}
    for e in events:
        if "error" in e:
            errors.setdefault(Path(e["source"]).name, []).append(e["error"])
    documents: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        if "document_id" in e:
            for name in {Path(p["source"]).name for p in e["pages"]}:
                documents.setdefault(name, []).append(e)
    statuses = _statuses(home)

    for case in cases:
        got_errors, got_docs = errors.get(case.name, []), documents.get(case.name, [])
        if case.expect == STORED:
            assert not got_errors, (case.what, got_errors)
            assert len(got_docs) == 1 and got_docs[0]["created"], (case.what, got_docs)
            [doc] = got_docs
            # a document of this file's pages only: nothing glued from another file
            assert {p["source"] for p in doc["pages"]} == {str(folder / case.name)}, case.what
            assert all(w in doc["fields"].get("full_name", "") or "" for w in case.words), (
                case.what, doc["fields"])
            assert statuses[case.name]["status"] == "stored", (case.what, statuses[case.name])
        elif case.expect == QUARANTINED:
            assert got_errors and not got_docs, (case.what, got_errors, got_docs)
            for reason in got_errors:
                words = re.sub(r"/\S+", "", reason)  # a path in a reason is not its language
                assert is_vietnamese(words) and "\n" not in reason, (case.what, reason)
                assert not any(word.lower() in reason.lower() for word in RAW), (case.what,
                                                                                 reason)
            assert statuses[case.name]["status"] == "quarantined", (case.what,
                                                                    statuses[case.name])
            assert statuses[case.name]["reason"], case.what
        else:
            assert case.expect == BLANK
            assert not got_errors and not got_docs, (case.what, got_errors, got_docs)
            assert statuses[case.name]["status"] == "blank", case.what

    # the clerk is told what each odd entry is
    assert "FIFO" in errors["40-fifo.pdf"][0]
    assert "HTML" in errors["33-html.pdf"][0]
    assert "ngoài thư mục" in errors["42-link-out.pdf"][0]
    assert "lặp vòng" in errors["41-loop-a.pdf"][0]
    assert "đen" in " ".join(errors["12-all-black.png"])
    # a link out of the folder is never read: no hash of the file it points at is recorded
    outside = next(e for e in events if e.get("source", "").endswith("42-link-out.pdf"))
    assert outside["sha256"] is None
    # the NFD name is recorded as the file system gives it: the path exists
    nfd = next(c for c in cases if c.name.startswith("03-"))
    assert unicodedata.is_normalized("NFD", nfd.name) and not unicodedata.is_normalized(
        "NFC", nfd.name)
    [doc] = documents[nfd.name]
    assert os.path.exists(doc["pages"][0]["source"])

    # The same ingest again stores nothing twice: the good files are duplicates (for real:
    # stored by the first run), the bad ones quarantined again.
    run2, events2, _ = _ingest(home, folder)
    assert run2.returncode == 3, run2.stderr[-3000:]
    assert not [e for e in events2 if e.get("created")]
    statuses = _statuses(home)
    for case in cases:
        want = {STORED: "duplicate", QUARANTINED: "quarantined", BLANK: "blank"}[case.expect]
        assert statuses[case.name]["status"] == want, (case.what, statuses[case.name])
