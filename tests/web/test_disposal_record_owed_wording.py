"""review17 M4: the web archivist presses «Thực hiện tiêu hủy»; the papers are destroyed, then
the destruction record cannot be signed (a TSA or token failing after the readiness check).
disposaljob's error says the papers are gone and names `sohoa disposal execute N` for the record.
The page says so in Vietnamese with its own control (the list stays «đang thực hiện» and shows
«Thực hiện tiêu hủy» again, which only makes the record) — never the command, and never only
"lỗi ngoài dự kiến" when the signer's own words are English."""

from __future__ import annotations

import re

import pytest

from sohoa.api.web.messages import message_for
from sohoa.errors import SigningError
from sohoa.pipeline.disposaljob import record_owed


@pytest.mark.parametrize("cause", [
    "Mã PIN của USB token không đúng",
    "không kết nối được máy chủ dấu thời gian"
    "  http://tsa.example/ts: [Errno -2] Name or service not known",
    "CKR_TOKEN_NOT_PRESENT",
])
def test_the_page_says_the_papers_are_gone_and_the_button_not_a_command(cause: str) -> None:
    said = message_for(SigningError(record_owed(cause, 7, 3, 5)))
    assert "danh mục 7 đã bị hủy (3 tài liệu, xóa 5 tệp)" in said, said
    assert "biên bản hủy chưa lập được" in said and "«Thực hiện tiêu hủy»" in said, said
    assert not re.search(r"sohoa [a-z]", said), said
    assert "Name or service" not in said and "CKR_" not in said, said


def test_a_vietnamese_cause_is_said_too() -> None:
    said = message_for(SigningError(record_owed("Mã PIN của USB token không đúng", 7, 3, 5)))
    assert "Lý do: Mã PIN của USB token không đúng." in said, said
