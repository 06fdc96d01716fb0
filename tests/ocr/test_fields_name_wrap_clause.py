"""review17: 'sinh', 'năm', 'ngày' were added as words that go on describing a person
after a wrapped name — but a line that *starts* with one of them ("Sinh ngày …", "Sinh năm …",
the clause opener `_opens_clause`'s own docstring names) is now no clause, and "Sinh"/"Năm" are
given names in the lexicon: a two-word name ending its line takes the next line's first word.
e79b78a and 2ff4f45 read "Lê Hoa" / "Trần Thu"."""

from __future__ import annotations

import pytest

from sohoa.doctypes import load_registry
from sohoa.ocr.fields.extract import extract_fields

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nQUYẾT ĐỊNH\n"
         "Về việc cấp giấy phép\n")


@pytest.mark.parametrize(("running", "name"), [
    ("Điều 1. Cho phép bà Trần Thu\nSinh năm 1970, cư trú tại phường Tân Phong", "Trần Thu"),
    ("Về việc cấp phép cho ông Lê Hoa\nSinh ngày 12/03/1966", "Lê Hoa"),
    ("Về việc cấp phép cho ông Lê Hoa\nNăm sinh 1966, cư trú tại phường Tân Phong", "Lê Hoa"),
])
def test_a_line_that_opens_with_sinh_is_not_the_names_rest(running: str, name: str) -> None:
    fields = extract_fields("decision", MOTTO + running, load_registry()).values()
    assert fields["full_name"] == name
