from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from archive_records import open_archive

from sohoa.archive import Archive


def _fill(arc: Archive, n: int = 5) -> None:
    for i in range(n):
        arc.audit("owner.viewed", actor="can_bo_01", target="075203001234",
                  detail={"purpose": f"Hồ sơ HS-{i:03d}", "results": i})


def _sql(root: Path, statement: str) -> None:
    db = sqlite3.connect(root / "catalog.db")
    try:
        db.execute(statement)
        db.commit()
    finally:
        db.close()


def test_chain_verifies_and_events_read_back(tmp_path: Path) -> None:
    with open_archive(tmp_path) as arc:
        _fill(arc)
        arc.audit("hold.added", actor="Lưu trữ viên", target="HS-001", detail=None)
        assert arc.audit_verify() == (True, [])
        events = arc.audit_events(target="075203001234", limit=2)
        assert [e["seq"] for e in events] == [5, 4]
        assert events[0]["detail"] == {"purpose": "Hồ sơ HS-004", "results": 4}
        assert events[0]["actor"] == "can_bo_01"
        assert arc.audit_events()[0]["actor"] == "Lưu trữ viên"
        assert len(arc.audit_events(limit=100)) == 6


def test_edited_entry_is_reported(tmp_path: Path) -> None:
    with open_archive(tmp_path) as arc:
        _fill(arc)
    _sql(tmp_path, "UPDATE audit_log SET detail = '{\"purpose\":\"khác\",\"results\":0}' "
                   "WHERE seq = 3")
    with open_archive(tmp_path) as arc:
        ok, problems = arc.audit_verify()
    assert not ok
    assert len(problems) == 1
    assert problems[0].startswith("mục 3 của nhật ký hệ thống (owner.viewed, ")
    assert problems[0].endswith("đã bị sửa sau khi ghi")


def test_deleted_entry_is_reported(tmp_path: Path) -> None:
    with open_archive(tmp_path) as arc:
        _fill(arc)
    _sql(tmp_path, "DELETE FROM audit_log WHERE seq = 2")
    with open_archive(tmp_path) as arc:
        ok, problems = arc.audit_verify()
    assert not ok
    assert any("mục 2 của nhật ký hệ thống đã bị xóa" in p for p in problems)
    assert any("mục 3 của nhật ký hệ thống không nối tiếp" in p for p in problems)


def test_deleted_tail_is_reported(tmp_path: Path) -> None:
    with open_archive(tmp_path) as arc:
        _fill(arc)
    _sql(tmp_path, "DELETE FROM audit_log WHERE seq >= 4")
    with open_archive(tmp_path) as arc:
        ok, problems = arc.audit_verify()
        assert not ok
        assert problems == ["các mục 4–5 ở cuối nhật ký hệ thống đã bị xóa"]


def test_concurrent_appends_keep_one_unbroken_chain(tmp_path: Path) -> None:
    with open_archive(tmp_path) as arc, ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda i: arc.audit("owner.viewed", actor=f"user{i % 4}",
                                          target=str(i)), range(40)))
        assert arc.audit_verify() == (True, [])
        assert sorted(e["seq"] for e in arc.audit_events(limit=100)) == list(range(1, 41))


def test_deleted_chain_head_is_reported_and_appends_go_on(tmp_path: Path) -> None:
    with open_archive(tmp_path) as arc:
        _fill(arc, 3)
    _sql(tmp_path, "DELETE FROM audit_head")
    with open_archive(tmp_path) as arc:
        assert arc.audit_verify() == (
            False, ["đầu chuỗi của nhật ký hệ thống không còn (đã bị xóa)"])
        arc.audit("owner.viewed", actor="can_bo_02", target="075203001234")
        assert arc.audit_events(limit=1)[0]["seq"] == 4
        assert arc.audit_verify() == (True, [])
