"""The disposal rules that must never be broken, on SQLite + files and PostgreSQL + S3.

* Nothing is destroyed before its retention period ends: ``execute`` re-evaluates every item
  on the day it runs and keeps (names in the destruction record) what is not yet due, whatever
  the list's as-of date was; ``propose`` refuses an as-of date in the future.
* Four eyes: the approver is named and is not the proposer; ``execute`` records who ran it.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from archivist_helpers import opened, pdftotext, run_sohoa, signer_for, store
from backends import Place
from test_archivist_contract import cli_env, settings_on

from sohoa.archive import disposal, retention
from sohoa.archive.values import vietnam_today
from sohoa.doctypes import load_registry
from sohoa.errors import WorkflowError
from sohoa.pipeline import disposaljob
from sohoa.signing import verify_pdf

DECISION = "Quyết định số 12/QĐ-UBND ngày 20/5/2026 của Chủ tịch UBND phường Tân Phong"
PROPOSER = "Lê Thu Hà"
HEAD = "Trần Văn Bình"
REGISTRY = load_registry()


def years_ago(n: int, days: int = 0) -> date:
    today = vietnam_today()
    return today.replace(year=today.year - n) - timedelta(days=days)


def test_execute_destroys_only_what_is_due_on_the_day_it_runs(
        place: Place, tmp_path: Path) -> None:
    """The issue's case: a list drawn up as of 2060 (as the earlier version allowed), approved
    and executed today, destroyed receipts due in 2029. Now only the due one goes."""
    settings = settings_on(place, tmp_path / "home")
    signer = signer_for(settings)
    with opened(settings) as archive:
        due = store(archive, signer, "due", issue_date=years_ago(10, days=3))
        later = store(archive, signer, "later", owner_id="075203009999",
                      owner_name="Trần Văn Đức", issue_date=years_ago(7))
        # A list made while the clock said 2060 (what `propose --as-of 2060-01-01` did).
        lst = disposal.propose(archive, registry=REGISTRY,
                               as_of=date(2060, 1, 1), note="hết hạn", by=PROPOSER,
                               today=date(2060, 1, 1))
        assert lst is not None and lst["documents"] == 2
        disposal.approve(archive, lst["list"], decision=DECISION, by=HEAD)
        later_pdf = archive.get_pdf(later)

    dry = disposaljob.execute(settings, lst["list"], by=PROPOSER, dry_run=True)
    assert dry["would_dispose"] == 1 and dry["would_skip"] == 1
    events: list[dict] = []
    result = disposaljob.execute(settings, lst["list"], by=PROPOSER, emit=events.append)
    assert result["summary"]["disposed"] == 1 and result["summary"]["skipped"] == 1
    [kept] = [e for e in events if not e["disposed"]]
    eligible = years_ago(7).replace(year=years_ago(7).year + 10)
    assert kept["document_id"] == later and kept["eligible_on"] == eligible.isoformat()
    assert "chưa hết thời hạn bảo quản" in kept["reason"]

    with opened(settings) as archive:
        assert archive.get_document(due)["status"] == "disposed"
        assert archive.get_document(later)["status"] == "stored"
        assert archive.get_pdf(later) == later_pdf
        shown = disposal.get(archive, lst["list"])
        record = disposal.record_pdf(archive, lst["list"])
        # Kept on the list, not on an open one: it can be proposed again once due.
        [item] = [i for i in shown["items"] if i["document_id"] == later]
        assert item["status"] == "skipped"
        with archive.transaction(write=False) as conn:
            [again] = list(retention.evaluate(conn, registry=REGISTRY, document_ids=[later]))
        assert again.on_list is None
    assert verify_pdf(record, trust_roots=list(settings.trust_roots)).valid
    text = " ".join(pdftotext(record, tmp_path).split())
    assert "II. Tài liệu không hủy (1)" in text
    assert "chưa hết thời hạn bảo quản" in text and f"{eligible:%d/%m/%Y}" in text


def test_a_longer_period_set_after_approval_keeps_the_document(
        place: Place, tmp_path: Path) -> None:
    settings = settings_on(place, tmp_path / "home")
    signer = signer_for(settings)
    with opened(settings) as archive:
        doc = store(archive, signer, "x", issue_date=years_ago(12))
        lst = disposal.propose(archive, registry=REGISTRY,
                               as_of=vietnam_today(), note="hết hạn", by=PROPOSER)
        assert lst is not None and lst["documents"] == 1
        disposal.approve(archive, lst["list"], decision=DECISION, by=HEAD)
        retention.set_override(archive, "HS-075-2015-0001", years=None, counted_from="issue",
                               reason="hồ sơ có giá trị lịch sử", by=PROPOSER)
    result = disposaljob.execute(settings, lst["list"], by=PROPOSER)
    assert result["summary"] == {**result["summary"], "disposed": 0, "skipped": 1}
    with opened(settings) as archive:
        assert archive.get_document(doc)["status"] == "stored"
        [item] = disposal.get(archive, lst["list"])["items"]
        assert "hồ sơ có giá trị lịch sử" in item["reason"]


def test_propose_refuses_an_as_of_date_in_the_future(place: Place, tmp_path: Path) -> None:
    settings = settings_on(place, tmp_path / "home")
    with opened(settings) as archive:
        store(archive, signer_for(settings), "a", issue_date=years_ago(12))
        tomorrow = vietnam_today() + timedelta(days=1)
        with pytest.raises(WorkflowError, match="tương lai"):
            disposal.propose(archive, registry=REGISTRY,
                             as_of=tomorrow, note="hết hạn", by=PROPOSER)
        assert disposal.lists(archive) == []
    done = run_sohoa(settings.home, "disposal", "propose", "--as-of", "2060-01-01", "--note",
                     "hết hạn", env=cli_env(settings))
    assert done.returncode == 2, done.stderr
    assert "sohoa retention plan --as-of 2060-01-01" in done.stderr
    today = run_sohoa(settings.home, "disposal", "propose", "--note", "hết hạn", "--json",
                      env=cli_env(settings))
    assert today.returncode == 0, today.stderr
    assert json.loads(today.stdout)["documents"] == 1


def test_four_eyes_approver_is_named_and_not_the_proposer(
        place: Place, tmp_path: Path) -> None:
    settings = settings_on(place, tmp_path / "home")
    env = cli_env(settings)
    with opened(settings) as archive:
        store(archive, signer_for(settings), "a", issue_date=years_ago(12))
        lst = disposal.propose(archive, registry=REGISTRY,
                               as_of=vietnam_today(), note="hết hạn", by=PROPOSER)
        assert lst is not None
        number = lst["list"]
        # The same person however typed: other case, spacing, decomposed Unicode, and without
        # the diacritics (as a keyboard without a Vietnamese input method types it).
        for alias in (PROPOSER, "  lê  THU hà ", "Le\u0302 Thu Ha\u0300", "Le Thu Ha"):
            with pytest.raises(WorkflowError, match="người khác"):
                disposal.approve(archive, number, decision=DECISION, by=alias)
    # The CLI does not take SOHOA_USER (here the proposer) as the approver.
    unnamed = run_sohoa(settings.home, "disposal", "approve", str(number), "--decision",
                        DECISION, env=env)
    assert unnamed.returncode == 2 and "--by" in unnamed.stderr
    own = run_sohoa(settings.home, "disposal", "approve", str(number), "--decision", DECISION,
                    "--by", PROPOSER, env=env)
    assert own.returncode == 2 and "người khác" in own.stderr
    # tester13 F12: the proposer's own account naming the head is not the head approving
    typed = run_sohoa(settings.home, "disposal", "approve", str(number), "--decision",
                      DECISION, "--by", HEAD, env=env)
    assert typed.returncode == 2 and "của chính mình" in typed.stderr, typed.stderr
    ok = run_sohoa(settings.home, "disposal", "approve", str(number), "--decision", DECISION,
                   "--by", HEAD, "--json", env={**env, "SOHOA_USER": "tranvanbinh"})
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["approved_by"] == HEAD
    assert json.loads(ok.stdout)["approved_run_by"] == "tranvanbinh"

    ran = run_sohoa(settings.home, "disposal", "execute", str(number), "--json",
                    env={**env, "SOHOA_USER": "Phạm Minh Châu"})
    assert ran.returncode == 0, ran.stderr
    with opened(settings) as archive:
        shown = disposal.get(archive, number, items=False)
        record = disposal.record_pdf(archive, number)
        actors = {e["action"]: e["actor"] for e in archive.audit_events(limit=50)}
    assert (shown["proposed_by"], shown["approved_by"], shown["executed_by"]) == (
        PROPOSER, HEAD, "Phạm Minh Châu")
    assert actors["disposal.proposed"] == PROPOSER and actors["disposal.approved"] == HEAD
    assert actors["disposal.started"] == actors["disposal.executed"] == "Phạm Minh Châu"
    text = pdftotext(record, tmp_path)
    assert "Phạm Minh Châu" in text and HEAD in text and PROPOSER in text
