"""The access log (a sibling hash chain of the audit log) and API tokens, at the archive level."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from archive_records import open_archive

from sohoa.archive.access import Read
from sohoa.archive.policy import Caller, NotAuthenticatedError
from sohoa.errors import ConfigError, NotFoundError

OFFICER = Caller(user="Trần Thị Bình", role="officer", unit="H19.22")


def _fill(root: Path, n: int = 4) -> None:
    with open_archive(root) as arc:
        for i in range(n):
            arc.log_access(OFFICER, "reuse", f"Hồ sơ H19.22-{i:04d}",
                           [Read(owner_id="075203001234", result_count=i,
                                 request={"owner": "075203001234"})])


def _sql(root: Path, statement: str) -> None:
    db = sqlite3.connect(root / "catalog.db")
    try:
        db.execute(statement)
        db.commit()
    finally:
        db.close()


def test_access_entries_chain_and_read_back(tmp_path: Path) -> None:
    _fill(tmp_path)
    with open_archive(tmp_path) as arc:
        assert arc.audit_verify() == (True, [])
        events = arc.access_events(owner="075203001234", limit=2)
        assert [e["seq"] for e in events] == [4, 3]
        assert events[0]["purpose"] == "Hồ sơ H19.22-0003"
        assert events[0]["user"] == "Trần Thị Bình" and events[0]["result_count"] == 3
        assert arc.access_events(owner="nobody") == []
        assert len(arc.access_events(user="Trần Thị Bình")) == 4


def test_an_edited_access_entry_is_reported(tmp_path: Path) -> None:
    _fill(tmp_path)
    _sql(tmp_path, "UPDATE access_log SET purpose = 'tò mò' WHERE seq = 2")
    with open_archive(tmp_path) as arc:
        ok, problems = arc.audit_verify()
    assert not ok
    assert problems == [problems[0]]
    assert problems[0].startswith("mục 2 của nhật ký truy cập (reuse, ")
    assert problems[0].endswith("đã bị sửa sau khi ghi")


def test_deleted_access_entries_are_reported(tmp_path: Path) -> None:
    _fill(tmp_path)
    _sql(tmp_path, "DELETE FROM access_log WHERE seq = 2")
    with open_archive(tmp_path) as arc:
        ok, problems = arc.audit_verify()
    assert not ok
    assert "mục 2 của nhật ký truy cập đã bị xóa" in problems
    _sql(tmp_path, "DELETE FROM access_log WHERE seq = 4")
    with open_archive(tmp_path) as arc:
        _, problems = arc.audit_verify()
    assert "mục 4 ở cuối nhật ký truy cập đã bị xóa" in problems


def test_tokens_are_stored_hashed_and_resolve_to_their_caller(tmp_path: Path) -> None:
    with open_archive(tmp_path) as arc:
        token_id, token = arc.add_token("Lê Văn Cường", "officer", "H19.23", created_by="root")
        assert token.startswith(f"sohoa_{token_id}.")
        caller = arc.authenticate(token)
        assert caller == Caller(user="Lê Văn Cường", role="officer", unit="H19.23")
        [listed] = arc.list_tokens()
        assert listed["id"] == token_id and "token" not in listed
        arc.revoke_token(token_id, revoked_by="root")
        arc.revoke_token(token_id, revoked_by="root")  # idempotent
        with pytest.raises(NotAuthenticatedError, match="không tồn tại hoặc đã bị thu hồi"):
            arc.authenticate(token)
        assert arc.list_tokens() == []
        assert arc.list_tokens(include_revoked=True)[0]["revoked_at"]
        with pytest.raises(NotFoundError):
            arc.revoke_token("nope", revoked_by="root")
        with pytest.raises(ConfigError, match="cần đơn vị của người dùng"):
            arc.add_token("x", "desk", "", created_by="root")
        with pytest.raises(ConfigError, match="không có vai trò"):
            arc.add_token("x", "boss", "H19.22", created_by="root")
        assert [e["action"] for e in arc.audit_events(target=token_id)] == [
            "token.revoked", "token.added"]
    db = sqlite3.connect(tmp_path / "catalog.db")
    try:
        stored = db.execute("SELECT token_sha256 FROM api_tokens").fetchone()[0]
    finally:
        db.close()
    assert token not in stored and len(stored) == 64
