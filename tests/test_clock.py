"""Vietnamese days, whatever the machine's zone: sohoa never asks for the local day, and at
17:30 UTC (00:30 tomorrow in Biên Hòa) a result issued "today" is reusable today and an undated
record's retention counts from the Vietnamese day it was stored."""

from __future__ import annotations

import ast
import dataclasses
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sohoa import clock
from sohoa.archive import retention
from sohoa.doctypes import load_registry

sys.path.insert(0, str(Path(__file__).resolve().parent / "archive"))
from archive_records import make_record, open_archive

REPO = Path(__file__).resolve().parents[1]
EVENING_UTC = datetime(2026, 12, 6, 17, 30, tzinfo=UTC)  # 00:30 on 7 December in Viet Nam


def local_clock_calls(source: str) -> list[tuple[int, str]]:
    """Calls that read the machine's own zone: ``date.today()``, ``datetime.today()``, a
    naive ``datetime.now()`` or ``fromtimestamp(t)``, ``.astimezone()`` with no zone, and
    ``time.localtime/strftime/ctime``, and the day of a UTC instant taken as today
    (``datetime.now(UTC).date()``, ``utc_now().date()``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr, base = node.func.attr, node.func.value
        name = (base.id if isinstance(base, ast.Name)
                else base.attr if isinstance(base, ast.Attribute) else None)
        argc = len(node.args) + len(node.keywords)
        if (attr == "date" and argc == 0 and isinstance(base, ast.Call)
                and isinstance(base.func, (ast.Attribute, ast.Name))
                and (getattr(base.func, "attr", None) or getattr(base.func, "id", None))
                in ("now", "utc_now", "utcnow")):
            # the day of a UTC instant: yesterday in Viet Nam from 17:00 to 24:00 UTC
            found.append((node.lineno, ast.unparse(node)))
        elif ((name in ("date", "datetime") and attr == "today")
                or (name == "datetime" and attr == "now" and argc == 0)
                or (name == "datetime" and attr == "fromtimestamp" and argc < 2)
                or (attr == "astimezone" and argc == 0)
                or (name == "time" and attr in ("localtime", "strftime", "ctime"))):
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_sohoa_never_asks_the_machine_for_its_local_day() -> None:
    offenders = [f"{path.relative_to(REPO)}:{line}: {call}"
                 for path in sorted((REPO / "sohoa").rglob("*.py"))
                 for line, call in local_clock_calls(path.read_text(encoding="utf-8"))]
    assert not offenders, "use sohoa.clock instead:\n" + "\n".join(offenders)


def test_the_check_sees_each_way_of_asking() -> None:
    source = "\n".join(["date.today()", "datetime.datetime.today()", "datetime.now()",
                        "datetime.fromtimestamp(t)", "x.astimezone()", "time.localtime()",
                        "datetime.now(UTC)", "datetime.fromtimestamp(t, UTC)",
                        "x.astimezone(VN)", "clock.vietnam_today()",
                        "datetime.now(UTC).date()", "utc_now().date()", "vietnam_now().date()"])
    assert [line for line, _ in local_clock_calls(source)] == [1, 2, 3, 4, 5, 6, 11, 12]


class _Evening(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return EVENING_UTC.astimezone(tz) if tz else EVENING_UTC.replace(tzinfo=None)


@pytest.fixture
def evening(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "datetime", _Evening)
    assert clock.vietnam_today() == date(2026, 12, 7)


def test_a_result_issued_this_morning_in_viet_nam_is_reusable_at_17_30_utc(
        tmp_path: Path, evening: None) -> None:
    with open_archive(tmp_path) as archive:
        rec, pdf, images = make_record("issued-today", doc_type="business_license",
                                       issue_date=date(2026, 12, 7))
        document_id, _ = archive.store_document(rec, pdf, images)
        # and one dated tomorrow in Viet Nam, not valid yet: the day is the 7th, whatever day
        # the test runs on
        later, pdf, images = make_record("issued-tomorrow", doc_type="business_license",
                                         issue_date=date(2026, 12, 8))
        archive.store_document(later, pdf, images)
        assert [r["document_id"] for r in archive.reuse(rec.owner_id or "")] == [document_id]


def test_an_undated_record_counts_its_retention_from_the_vietnamese_day_it_was_stored(
        tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        rec, pdf, images = make_record("undated", doc_type="no_longer_registered",
                                       issue_date=None, retention="years:5")
        rec = dataclasses.replace(rec, ingested_at=EVENING_UTC)
        document_id, _ = archive.store_document(rec, pdf, images)
        with archive.transaction(write=False) as conn:
            [found] = retention.evaluate(conn, registry=load_registry(),
                                         document_ids=[document_id])
    # stored 00:30 on 7 December in Biên Hòa: five years end on 7 December 2031, not the 6th
    assert found.eligible_on == date(2031, 12, 7), found


def test_days_and_instants_are_shown_as_viet_nam_reads_them() -> None:
    # a day as papers print it; an instant on Viet Nam's clock (17:30 UTC is 00:30 tomorrow)
    assert clock.shown_date("2024-03-01") == "01/03/2024"
    assert clock.shown_date("2026-12-06T17:30:00+00:00") == "07/12/2026"
    assert clock.shown_date(EVENING_UTC.replace(tzinfo=None)) == "07/12/2026"  # naive = UTC
    assert clock.shown_moment("2026-12-06T17:30:05.123Z") == "07/12/2026 00:30"
    assert clock.shown_moment(EVENING_UTC, seconds=True) == "07/12/2026 00:30:00"
    assert clock.shown_moment("2024-03-01") == "01/03/2024"
    assert clock.shown_date(None) == clock.shown_moment("") == "—"
    assert clock.shown_date("vĩnh viễn") == "vĩnh viễn"  # no date: as it is


def test_a_day_typed_is_told_whether_it_was_shaped_as_one_or_only_missing_from_the_calendar(
        ) -> None:
    """review14a N6: the flag read the wrong way round (``exists=True`` for "not a day at
    all"); it is ``well_formed`` now, said as its name says."""
    from sohoa.clock import NotADay, typed_day

    with pytest.raises(NotADay) as missing:
        typed_day("30/02/2030")
    assert missing.value.well_formed
    assert missing.value.vietnamese() == "ngày không tồn tại: '30/02/2030'"
    with pytest.raises(NotADay) as shapeless:
        typed_day("mai")
    assert not shapeless.value.well_formed
    assert shapeless.value.vietnamese().startswith("'mai' không phải ngày: dùng ")
