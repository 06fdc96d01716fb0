"""What a downgrade may not drop: tables that hold records people made or the law asks to keep.

Dropping such a table with rows in it would destroy the archive's documents, its audit chains
(who changed and who read what), reviewers' decisions, retention decisions and legal holds,
disposal records, the certification register or a dossier's history — before their retention
ends and with nobody's decision. A downgrade that would drop one is refused while it has rows;
it goes on once they are exported and the catalog is emptied on purpose (or on an empty
catalog, as the round-trip tests run). A table of working state (stage cache, search outbox,
tokens, sessions) is not listed: dropping it loses nothing that cannot be made again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sohoa.errors import WorkflowError

# (table, column) -> what its values are: columns a downgrade drops that hold people's records
# (review17 N2)
RECORD_COLUMNS = {
    ("quarantine", "dismissed_by"): "ai đã gỡ tệp khỏi danh sách cách ly, lúc nào, vì sao",
    ("dossier_status_history", "corrected_from"): "trạng thái hồ sơ cán bộ đã sửa lại",
    ("documents", "digitization_code"): "mã số hóa đã cấp cho giấy tờ (TT 01/2023)",
    ("pages", "original_sha256"): "ảnh gốc của trang (ảnh chụp trước khi xử lý)",
}

# table -> what its rows are, in the archivist's words
RECORDS = {
    "documents": "giấy tờ đã số hóa",
    "pages": "trang của giấy tờ đã số hóa",
    "audit_log": "nhật ký thay đổi (chuỗi kiểm toán)",
    "access_log": "nhật ký truy cập dữ liệu cá nhân",
    "review_events": "các lần cán bộ xem xét, sửa giấy tờ",
    "retention_overrides": "thời hạn lưu trữ lưu trữ viên đã đặt",
    "retention_events": "sự kiện tính thời hạn lưu trữ (đóng hồ sơ, người sở hữu mất)",
    "legal_holds": "lệnh tạm giữ theo pháp luật",
    "disposal_lists": "danh sách tiêu hủy và biên bản",
    "disposal_items": "giấy tờ trong danh sách tiêu hủy",
    "fixity_runs": "các lần kiểm tra toàn vẹn",
    "dossier_status_history": "lịch sử trạng thái hồ sơ",
    "dossier_components": "thành phần hồ sơ",
    "dossier_results": "kết quả giải quyết đã cấp",
    "certifications": "sổ chứng thực bản sao",
    "sync_events": "sự kiện đồng bộ chưa hoặc đã gửi đi",
}


def refuse_dropping_records(*tables: str) -> None:
    """Stop a downgrade before it drops one of ``tables`` (each listed in ``RECORDS``) that has
    rows; the message names what would be lost and what to do."""
    conn = op.get_bind()
    full = []
    for table in tables:
        count = conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar() or 0
        if count:
            full.append(f"{table} ({RECORDS[table]}): {count} dòng")
    if full:
        raise WorkflowError(
            "không hạ phiên bản cơ sở dữ liệu: việc này sẽ xóa hẳn "
            + "; ".join(full)
            + ". Hồ sơ lưu trữ không được hủy trước hạn và không do một người tự quyết: xuất "
              "chúng ra (sohoa export) và được người có thẩm quyền đồng ý làm trống kho trước, "
              "hoặc giữ phiên bản hiện tại")


def refuse_dropping_column(table: str, column: str) -> None:
    """Stop a downgrade before it drops ``table.column`` (listed in ``RECORD_COLUMNS``) while
    a row holds a value there."""
    count = op.get_bind().execute(sa.text(
        f"SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL")).scalar() or 0
    if count:
        raise WorkflowError(
            f"không hạ phiên bản cơ sở dữ liệu: việc này sẽ xóa hẳn cột {table}.{column} "
            f"({RECORD_COLUMNS[(table, column)]}) của {count} dòng. Hồ sơ lưu trữ không được hủy "
            "trước hạn và không do một người tự quyết: giữ phiên bản hiện tại")
