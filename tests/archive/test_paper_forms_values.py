"""What a reuse page reads of each paper's form, on SQLite's own cursor and through
SQLAlchemy alike: odd values decode as what they are (review14a N4: an empty string made the
reuse page fail)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from sohoa.archive.documents import paper_forms_sqlite


@pytest.mark.parametrize("value", ["", "{not json", "[1", {"so": "123"}, ["a"], True, 0])
def test_a_forms_value_comes_back_as_stored(value: Any) -> None:
    import json

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, extra JSON)")
    db.execute("INSERT INTO documents VALUES ('d1', ?)",
               (json.dumps({"certified_copy": value, "other": 1}),))
    got = paper_forms_sqlite(db, ["d1", "missing"])
    assert got == {"d1": ({"certified_copy": value} if value else {})}
