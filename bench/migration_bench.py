"""The data migrations on a large PostgreSQL catalog (review14a S8): how long each revision from
0020 takes on ~1M documents, how much memory the migrating process needs, and which locks it
holds meanwhile.

    SOHOA_PG_PORT=55615 SOHOA_PG_DIR=/tmp/x-pg scripts/services/postgres.sh start
    SOHOA_TEST_PG_URL=postgresql+psycopg://sohoa@127.0.0.1:55615/sohoa_test \\
        OMP_THREAD_LIMIT=1 nice .venv/bin/python bench/migration_bench.py [--docs 1000000]

A catalog is made at head (one real stored paper of each kind as templates), taken down to 0019,
and filled with ``--docs`` rows copied from the templates by one ``INSERT … SELECT`` over
``generate_series``: 10 % citizen ID cards still holding their "Quê quán" as place_of_birth
(0020 moves them), 2 % marriage certificates without co-owner rows (0022 back-fills them, 0026
makes the spouse's owner row), 1 % papers re-typed from a card whose set-aside fields hold
place_of_birth (0024), the rest birth certificates (read by no revision). Then each revision is
run on its own, in its own transaction, as ``migrate`` runs them all in one: the time of each,
the process's peak resident memory after it, and what a second connection sees in ``pg_locks``
for the migrating backend (sampled every 0.2 s: each table and lock mode; a revision that
runs between two samples shows none). Row locks are not in ``pg_locks``: every row a revision
updates stays locked until its transaction commits.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "contract"))
sys.path.insert(0, str(ROOT / "tests" / "archive"))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("SOHOA_TEST_PG_URL", "postgresql+psycopg://sohoa@127.0.0.1:55432/sohoa_test")

from archive_records import make_record  # noqa: E402
from backends import PgDatabases  # noqa: E402
from dossier_papers import HUSBAND, WIFE, marriage_certificate_text  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from sohoa.archive import Archive  # noqa: E402
from sohoa.archive.catalog import alembic_config  # noqa: E402

REVISIONS = ("0020", "0021", "0022", "0023", "0024", "0025", "0026")


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def templates(url: str, tmp: Path) -> dict[str, str]:
    """One stored paper of each kind, at head; their ids."""
    out = {}
    with Archive.open(url, f"file://{tmp}/blobs", f"tantivy://{tmp}/index") as arc:
        for kind, doc_type, extra in (("card", "citizen_id_card", {}),
                                      ("marriage", "marriage_certificate", {}),
                                      ("aside", "residence_confirmation", {"set_aside": {
                                          "doc_type": "citizen_id_card", "fields": {
                                              "place_of_birth": "Xã Tân Phong, Đồng Nai"}}}),
                                      ("birth", "birth_certificate", {})):
            fields: dict[str, str | None] = {"full_name": "Đỗ Hoàng Việt"}
            if kind == "card":
                fields["place_of_birth"] = "Xã Tân Phong, Thành phố Biên Hòa, Đồng Nai"
            if kind == "marriage":
                fields = {"id_number": HUSBAND, "related_id_numbers": WIFE}
            rec, pdf, images = make_record(f"tpl-{kind}", doc_type=doc_type, owner_id=HUSBAND,
                                           fields=fields)
            if kind == "marriage":
                rec = replace(rec, text=marriage_certificate_text())
            out[kind], _ = arc.store_document(replace(rec, extra=extra), pdf, images)
    return out


def step(conn: Any, target: str, *, down: bool = False) -> None:
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    (command.downgrade if down else command.upgrade)(cfg, target)


def fill(engine: Any, tpl: dict[str, str], docs: int) -> None:
    """``docs`` rows copied from the templates, chosen by g % 100 (see the module's doc)."""
    with engine.begin() as conn:
        cols = [r[0] for r in conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'documents' "
            "ORDER BY ordinal_position"))]
        pick = ("CASE WHEN g % 100 < 10 THEN :card WHEN g % 100 < 12 THEN :marriage "
                "WHEN g % 100 < 13 THEN :aside ELSE :birth END")
        chosen = {"id": "substr(md5(g::text), 1, 16)",
                  "doc_key": "md5(g::text) || md5((g + 7)::text)",
                  "digitization_code": "NULL"}
        select = ", ".join(chosen.get(c, f"t.{c}") for c in cols)
        conn.execute(text(
            f"INSERT INTO documents ({', '.join(cols)}) SELECT {select} "
            f"FROM generate_series(1, :n) AS g JOIN documents t ON t.id = {pick}"),
            {"n": docs, **tpl})
        conn.execute(text("ANALYZE documents"))


def sample_locks(url: str, pid: int, stop: threading.Event, seen: dict[tuple[str, str], int]
                 ) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            while not stop.is_set():
                for rel, mode in conn.execute(text(
                        "SELECT c.relname, l.mode FROM pg_locks l "
                        "JOIN pg_class c ON c.oid = l.relation WHERE l.pid = :p "
                        "AND l.granted AND c.relkind = 'r' AND c.relname NOT LIKE 'pg_%' "
                        "AND c.relname <> 'alembic_version'"), {"p": pid}):
                    seen[(rel, mode)] = seen.get((rel, mode), 0) + 1
                conn.rollback()
                stop.wait(0.2)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    args = parser.parse_args()
    pg = PgDatabases()
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"migration-bench-{os.getpid()}"
    tmp.mkdir(parents=True)
    try:
        url = pg.create()
        tpl = templates(url, tmp)
        engine = create_engine(url)
        with engine.begin() as conn:
            step(conn, "0019", down=True)
        started = time.perf_counter()
        fill(engine, tpl, args.docs)
        with engine.connect() as conn:
            total = conn.execute(text("SELECT count(*) FROM documents")).scalar_one()
            size = conn.execute(text(
                "SELECT pg_size_pretty(pg_total_relation_size('documents'))")).scalar_one()
        print(f"filled {total} documents ({size}) in {time.perf_counter() - started:.1f} s",
              flush=True)
        for rev in REVISIONS:
            with engine.begin() as conn:
                pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
                seen: dict[tuple[str, str], int] = {}
                stop = threading.Event()
                sampler = threading.Thread(target=sample_locks, args=(url, pid, stop, seen))
                sampler.start()
                t0 = time.perf_counter()
                try:
                    step(conn, rev)
                finally:
                    took = time.perf_counter() - t0
                    stop.set()
                    sampler.join()
            tables = sorted(f"{rel}:{mode}" for (rel, mode) in seen)
            print(f"{rev}: {took:.1f} s, peak RSS {peak_rss_mib():.0f} MiB, locks {tables}",
                  flush=True)
        with engine.connect() as conn:
            counts = conn.execute(text(
                "SELECT (SELECT count(*) FROM document_co_owners), "
                "(SELECT count(*) FROM documents WHERE extra::text LIKE '%renamed_fields%')"
            )).one()
        print(f"co-owner rows {counts[0]}, documents marked renamed {counts[1]}")
        engine.dispose()
    finally:
        pg.drop_all()


if __name__ == "__main__":
    main()
