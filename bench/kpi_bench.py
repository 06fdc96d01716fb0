"""The KPI report over a province's year on the embedded catalog, and `dossier reuse` latency.

    .venv/bin/python bench/kpi_bench.py --dossiers 300000 --documents 1000000 [--root DIR]

Builds a SQLite catalog (the product's migrations, WAL, synchronous=FULL) holding DOSSIERS
dossiers received over 2025 across the sample units, each with its procedure's components
(satisfied by scans, reuse or the owner's store in the shares `synth year` uses), a status
history (queued, received, processing, resolved) and results, and DOCUMENTS documents in all
(the dossiers' scans and results, plus the owners' earlier papers). Rows are written in bulk
through the catalog's own tables; what is timed is the product's code:

1. ``kpi.compute`` for the whole year and every unit (facts read in grouped queries, the
   indicators, per unit and level, the monthly trend) — and the JSON it prints;
2. ``dossiers.reuse`` — owner, validity and disposal checks, the component update and the
   hash-chained audit event in one committed transaction (fsync) — for REUSES fresh dossiers.

Prints the command, the sizes, the build time and the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sohoa.archive import Archive  # noqa: E402
from sohoa.archive import dossiers as dz  # noqa: E402
from sohoa.archive.dossier_models import (  # noqa: E402
    DossierComponent,
    DossierResult,
    DossierStatus,
)
from sohoa.archive.models import Document, Dossier, Owner  # noqa: E402
from sohoa.pipeline import kpi  # noqa: E402
from sohoa.procedures import load_catalogue, load_kpi_rules, load_units  # noqa: E402

VN = timezone(timedelta(hours=7))
CHUNK = 20_000


def doc_row(doc_id: str, dossier: str, owner: str, doc_type: str, at: datetime,
            valid_until: date | None = None) -> dict:
    return {"id": doc_id, "doc_key": doc_id * 4, "dossier_code": dossier, "owner_id": owner,
            "unit": None, "doc_type": doc_type, "title": doc_type.upper(),
            "document_number": None, "issuing_body": None, "issue_date": at.date(),
            "valid_until": valid_until, "status": "stored", "page_count": 1,
            "pdf_sha256": "0" * 64, "pdf_size": 1000, "fields": {}, "field_flags": [],
            "confidence": 1.0, "needs_review": False, "review_reasons": [],
            "signature_level": None, "signer": None, "signed_at": None,
            "signer_cert_sha256": None, "retention": "years:10", "text": "",
            "extra": {}, "ingested_at": at, "created_at": at,
            "digitization_code": f"{owner}.{dossier}.{doc_id}.01"}


def build(archive: Archive, dossiers: int, documents: int, seed: int) -> dict:
    rng = random.Random(seed)
    catalogue, units = load_catalogue(), load_units()
    unit_list = sorted(units.units.values(), key=lambda u: u.code)
    procs = {u.code: [p for p in catalogue if u.level in p.levels] for u in unit_list}
    owners = [f"075{n:09d}" for n in rng.sample(range(10**9), max(1000, dossiers // 3))]
    days = [date(2025, 1, 1) + timedelta(days=i) for i in range(365)]
    days = [d for d in days if d.weekday() < 5]
    now = datetime.now(UTC)
    counts = {"dossiers": 0, "documents": 0, "components": 0, "statuses": 0, "results": 0}
    rows: dict[str, list[dict]] = {"owners": [], "dossiers": [], "documents": [],
                                   "components": [], "statuses": [], "results": []}
    tables = {"owners": Owner.__table__, "dossiers": Dossier.__table__,
              "documents": Document.__table__, "components": DossierComponent.__table__,
              "statuses": DossierStatus.__table__, "results": DossierResult.__table__}

    def flush(force: bool = False) -> None:
        # Parents before children (foreign keys): once any table has a chunk, write them all.
        if not force and all(len(v) < CHUNK for v in rows.values()):
            return
        for name in ("owners", "dossiers", "documents", "components", "statuses", "results"):
            if rows[name]:
                with archive.transaction(write=True) as conn:
                    conn.execute(tables[name].insert(), rows[name])
                counts[name] = counts.get(name, 0) + len(rows[name])
                rows[name] = []

    for owner in owners:
        rows["owners"].append({"id": owner, "kind": "person", "name": None, "created_at": now,
                               "updated_at": now})
    flush(True)
    n_docs = 0
    # The dossiers' own papers first; the owners' earlier papers fill up to DOCUMENTS.
    for n in range(dossiers):
        unit = unit_list[n % len(unit_list)]
        proc = rng.choice(procs[unit.code])
        day = rng.choice(days)
        received = datetime(day.year, day.month, day.day, 8, tzinfo=VN) + timedelta(
            minutes=rng.randrange(480))
        code = f"{unit.code}-{day:%y%m%d}-{n:06d}"
        queued_before = rng.randrange(1, 40)
        owner = rng.choice(owners)
        rows["dossiers"].append({
            "code": code, "procedure_code": proc.code, "receiving_unit": unit.code,
            "competent_unit": None, "received_date": day, "created_at": now,
            "procedure_name": proc.name, "unit_level": unit.level, "channel": "counter",
            "owner_id": owner, "received_at": received.astimezone(UTC),
            "appointment_date": day + timedelta(days=proc.processing_days + 2),
            "status": "resolved", "status_at": received.astimezone(UTC), "opened_by": "bench",
            # As the product keeps them (migration 0012): the first ticket and resolution
            # times on the dossier row, from the history written below.
            "queued_at": (received - timedelta(minutes=queued_before)).astimezone(UTC),
            "resolved_at": (received + timedelta(minutes=60 * 24 * 3)).astimezone(UTC)})
        for i, comp in enumerate(proc.components):
            r = rng.random()
            how, doc_id = None, None
            if r < 0.55:
                how, doc_id = "digitized", f"d{n_docs:015d}"
                rows["documents"].append(doc_row(doc_id, code, owner, comp.doc_type, received))
                n_docs += 1
            elif r < 0.85:
                how, doc_id = rng.choice(("reused", "reused", "owner_store")), None
            rows["components"].append({
                "dossier_code": code, "position": i, "code": comp.code, "name": comp.name,
                "doc_type": comp.doc_type, "required": comp.required, "satisfied": how,
                "document_id": doc_id, "satisfied_at": now if how else None,
                "satisfied_by": "bench" if how else None})
        for status, minutes in (("queued", -queued_before), ("received", 0),
                                ("processing", 60), ("resolved", 60 * 24 * 3)):
            rows["statuses"].append({
                "dossier_code": code, "status": status,
                "at": (received + timedelta(minutes=minutes)).astimezone(UTC),
                "recorded_by": "bench", "recorded_at": now, "note": None})
        if rng.random() < 0.8:
            doc_id = f"r{n_docs:015d}"
            rows["documents"].append(doc_row(doc_id, code, owner, proc.result_doc_type,
                                             received))
            n_docs += 1
            rows["results"].append({
                "dossier_code": code, "document_id": doc_id, "result_code": proc.result_code,
                "born_digital": True, "issued_at": received.astimezone(UTC),
                "issued_on": day, "valid_until": None, "recorded_by": "bench",
                "pushed_to_store_at": None})
        if n % 5000 == 0:
            flush()
    flush(True)
    legacy_dossier = "LEGACY-BENCH"
    with archive.transaction(write=True) as conn:
        conn.execute(Dossier.__table__.insert(), [{"code": legacy_dossier, "created_at": now}])
    while n_docs < documents:
        owner = owners[n_docs % len(owners)]
        rows["documents"].append(doc_row(f"l{n_docs:015d}", legacy_dossier, owner,
                                         "citizen_id_card", datetime(2021, 1, 1, tzinfo=UTC),
                                         date(2035, 1, 1)))
        n_docs += 1
        if len(rows["documents"]) >= CHUNK:
            flush()
    flush(True)
    return {**counts, "owners": len(owners)}


def bench_reuse(archive: Archive, reuses: int, seed: int, prefix: str = "B") -> dict:
    """Open REUSES dossiers (untimed), then reuse one earlier paper of the applicant for each."""
    rng = random.Random(seed)
    with archive.transaction(write=False) as conn:
        legacy = conn.execute(Document.__table__.select().with_only_columns(
            Document.id, Document.owner_id).where(Document.dossier_code == "LEGACY-BENCH")
            .limit(reuses * 3)).all()
    picks = rng.sample(legacy, reuses)
    codes = []
    for i, (_doc, owner) in enumerate(picks):
        code = f"H19.22-260102-{prefix}{i:05d}"
        dz.open_dossier(archive, dz.DossierOpening(
            code=code, procedure_code="2.000488.000.00.00.H19",
            procedure_name="Cấp Phiếu lý lịch tư pháp", unit="H19.22", unit_level="tinh",
            channel="counter", owner_id=owner,
            received_at=datetime(2026, 1, 2, 9, tzinfo=VN), appointment_date=None,
            components=(("TP1", "Tờ khai", "application_form", True),
                        ("TP2", "Căn cước", "citizen_id_card", True))), by="bench")
        codes.append(code)
    timings, cpu = [], []
    for code, (doc, _owner) in zip(codes, picks, strict=True):
        started, started_cpu = time.perf_counter(), time.process_time()
        _comp, changed = dz.reuse(archive, code, doc, component=None, by="Cán bộ bench",
                                  purpose=code)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert changed
    timings.sort()
    cpu.sort()

    def at(values: list[float], q: float) -> float:
        return round(values[int(q * (len(values) - 1))], 3)

    return {"reuses": reuses, "wall_p50_ms": at(timings, 0.5), "wall_p95_ms": at(timings, 0.95),
            "wall_p99_ms": at(timings, 0.99), "wall_max_ms": round(timings[-1], 3),
            "cpu_p50_ms": at(cpu, 0.5), "cpu_p99_ms": at(cpu, 0.99),
            "cpu_mean_ms": round(statistics.fmean(cpu), 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=300_000)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--reuses", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--reuse-prefix", default="B",
                        help="dossier code prefix of the reuse run (another one to run the "
                             "timings again on a catalog built before, with --skip-build)")
    parser.add_argument("--no-tmpfs", action="store_true",
                        help="skip the second reuse run on a tmpfs copy of the catalog")
    parser.add_argument("--skip-build", action="store_true",
                        help="time the report and reuse on the catalog already in --root")
    args = parser.parse_args()
    print("command:", " ".join(["bench/kpi_bench.py", *sys.argv[1:]]))
    root = args.root or Path(tempfile.mkdtemp(prefix="sohoa-kpi-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    archive = Archive.open(f"sqlite:///{root}/catalog.db", f"file://{root}/blobs",
                           f"tantivy://{root}/index")
    if not args.skip_build:
        started = time.perf_counter()
        sizes = build(archive, args.dossiers, args.documents, args.seed)
        print("built:", json.dumps(sizes), f"in {time.perf_counter() - started:.1f} s")
    archive.close()

    # A fresh process would find the file in the OS cache just as well; reopen to drop
    # SQLAlchemy's pools and any Python-side state from the build.
    archive = Archive.open(f"sqlite:///{root}/catalog.db", f"file://{root}/blobs",
                           f"tantivy://{root}/index")
    period = kpi.Period(date(2025, 1, 1), date(2025, 12, 31))
    runs, cpu_runs = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = kpi.compute(archive, period, catalogue=load_catalogue(), units=load_units(),
                             rules=load_kpi_rules())
        payload = json.dumps(report.to_json(), ensure_ascii=False)
        runs.append(time.perf_counter() - started)
        cpu_runs.append(time.process_time() - started_cpu)
    print(f"report kpi over the year: wall {', '.join(f'{r:.2f}' for r in runs)} s, CPU "
          f"{', '.join(f'{r:.2f}' for r in cpu_runs)} s (JSON {len(payload)} bytes)")
    print("indicators:", json.dumps([(i["code"], i["numerator"], i["denominator"])
                                     for i in report.to_json()["indicators"]]))
    print("dossier reuse (audited, committed):", json.dumps(
        bench_reuse(archive, args.reuses, args.seed, prefix=args.reuse_prefix)))
    archive.close()
    print("load average:", " ".join(f"{x:.2f}" for x in __import__("os").getloadavg()))
    # The same catalog on tmpfs: the commit's fsync costs nothing there, so the difference is
    # what the disk's flush costs on this machine, not sohoa's work.
    shm = Path("/dev/shm/sohoa-kpi-bench")
    if Path("/dev/shm").is_dir() and not args.no_tmpfs:
        import shutil

        shutil.rmtree(shm, ignore_errors=True)
        shm.mkdir()
        for name in ("catalog.db", "catalog.db-wal"):
            if (root / name).exists():
                shutil.copy(root / name, shm / name)
        archive = Archive.open(f"sqlite:///{shm}/catalog.db", f"file://{shm}/blobs",
                               f"tantivy://{shm}/index")
        print("dossier reuse, same catalog on tmpfs (no fsync cost):", json.dumps(
            bench_reuse(archive, args.reuses, args.seed + 1,
                        prefix="T" + args.reuse_prefix)))
        archive.close()
        shutil.rmtree(shm, ignore_errors=True)


if __name__ == "__main__":
    main()
