"""The certification register's numbers (sổ chứng thực, Decree 23/2015): one sequence per unit
and year, no gaps, no number twice — under two processes certifying at once, on SQLite and on
PostgreSQL. Each process also rolls back allocations (a copy that failed inside the
transaction): a number given back that way must not leave a gap.

Without the counter row lock (``SELECT … FOR UPDATE``) PostgreSQL hands the same number to both
processes and the second insert fails on the register's unique key; the child then exits
non-zero and this test fails."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from backends import CATALOGS, PgDatabases

from sohoa.archive import Archive, certifications
from sohoa.records import CertificationRequest

UNIT = "H19.22.31"
PER_PROCESS = 25
ROLLBACK_EVERY = 5

CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sohoa.archive import Archive, certifications
    from sohoa.records import CertificationRequest

    db, root, name, go, count, every = sys.argv[1:7]
    root = Path(root)
    archive = Archive.open(db, f"file://{root}/blobs", f"tantivy://{root}/index-{name}")
    while not Path(go).exists():  # both processes start allocating together
        time.sleep(0.005)
    got = []
    for i in range(int(count)):
        if i % int(every) == 0:
            try:  # a failure inside the transaction: the number goes back
                with archive.transaction(write=True) as conn:
                    certifications._next_number(conn, "H19.22.31", 2026)
                    raise RuntimeError("copy failed")
            except RuntimeError:
                pass
        line = certifications.allocate(archive, CertificationRequest(
            unit="H19.22.31", owner_id="075203001234", paper="Giấy khai sinh",
            doc_type="birth_certificate", pages=1, original=f"{name}-{i}.jpg",
            official="Lê Văn Tâm", official_title="Phó Chủ tịch", compared_by=name))
        got.append(line.number)
    archive.close()
    print(" ".join(map(str, got)))
""")


@pytest.fixture(params=CATALOGS)
def catalog(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/catalog.db"
        return
    pg = PgDatabases()
    try:
        yield pg.create()
    finally:
        pg.drop_all()


def _open(db: str, root: Path) -> Archive:
    return Archive.open(db, f"file://{root}/blobs", f"tantivy://{root}/index")


def test_two_racing_processes_get_gapless_unique_numbers(catalog: str, tmp_path: Path) -> None:
    _open(catalog, tmp_path).close()  # migrate once, before the race
    go = tmp_path / "go"
    children = [subprocess.Popen(
        [sys.executable, "-c", CHILD, catalog, str(tmp_path), name, str(go), str(PER_PROCESS),
         str(ROLLBACK_EVERY)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("desk-a", "desk-b")]
    time.sleep(0.5)
    go.touch()
    outputs = [child.communicate(timeout=240) for child in children]
    for child, (_out, stderr) in zip(children, outputs, strict=True):
        assert child.returncode == 0, stderr
    got = [list(map(int, stdout.split())) for stdout, _ in outputs]
    for numbers in got:
        assert numbers == sorted(numbers)  # each desk sees its numbers rise
    assert sorted(got[0] + got[1]) == list(range(1, 2 * PER_PROCESS + 1))

    # The children allocate today: the register of Viet Nam's current year (not a fixed one,
    # or the test fails from the first of January).
    year = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).year
    with _open(catalog, tmp_path) as archive:
        lines = certifications.register(archive, unit=UNIT, year=year)
    assert [line.number for line in lines] == list(range(1, 2 * PER_PROCESS + 1))
    assert {line.book for line in lines} == {f"01/{year}-SCT/BS"}
    by_desk = {line.compared_by for line in lines}
    assert by_desk == {"desk-a", "desk-b"}


def test_a_sequence_per_unit_and_year_on_vietnams_calendar(catalog: str,
                                                          tmp_path: Path) -> None:
    def request(unit: str) -> CertificationRequest:
        return CertificationRequest(unit=unit, owner_id="075203001234", paper="Giấy khai sinh",
                                    doc_type="birth_certificate", pages=1, original="a.jpg",
                                    official="Lê Văn Tâm", official_title="Phó Chủ tịch",
                                    compared_by="Lê Văn Tâm")

    with _open(catalog, tmp_path) as archive:
        # 31/12/2025 17:30 UTC is already 01/01/2026 in Viet Nam: the 2026 book, number 1.
        new_year = certifications.allocate(archive, request(UNIT),
                                           at=datetime(2025, 12, 31, 17, 30, tzinfo=UTC))
        old_year = certifications.allocate(archive, request(UNIT),
                                           at=datetime(2025, 12, 31, 16, 30, tzinfo=UTC))
        other_unit = certifications.allocate(archive, request("H19.22.47"),
                                             at=datetime(2026, 1, 2, 3, 0, tzinfo=UTC))
        second = certifications.allocate(archive, request(UNIT),
                                         at=datetime(2026, 1, 2, 3, 0, tzinfo=UTC))
        spoiled = certifications.spoil(archive, second.id, reason="máy in hỏng", by="Tâm")
        third = certifications.allocate(archive, request(UNIT),
                                        at=datetime(2026, 1, 3, 3, 0, tzinfo=UTC))
        events = archive.audit_events(limit=20)
    assert (new_year.year, new_year.number, new_year.book) == (2026, 1, "01/2026-SCT/BS")
    assert (old_year.year, old_year.number, old_year.book) == (2025, 1, "01/2025-SCT/BS")
    assert (other_unit.unit, other_unit.number) == ("H19.22.47", 1)
    assert second.number == 2 and spoiled.status == "spoiled"
    assert third.number == 3  # a spoiled number is never handed out again
    actions = [e["action"] for e in events]
    assert actions.count("certification.allocated") == 5
    assert "certification.spoiled" in actions
