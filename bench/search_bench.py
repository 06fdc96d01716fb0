"""Search and reuse at scale (issue 7): tantivy and Elasticsearch in the same run.

    .venv/bin/python bench/search_bench.py --docs 1000000 \\
        --es "$(scripts/services/elasticsearch.sh start)" --write-results

What it does, on documents from ``sohoa.synth.textcorpus`` (~400 words of Vietnamese each,
owners Zipf–Mandelbrot distributed):
1. loads the catalog (SQLite, the real schema and covering reuse index) in bulk;
2. indexes the same documents into tantivy and into Elasticsearch through the product's
   ``SearchIndex`` implementations, timing each, and reports the index sizes;
3. times queries on both engines: 1–2 words, quoted 3-word phrases, words + owner filter, words +
   a one-year date range (limit 10, snippets included), and reuse lookups on the catalog;
4. serves the catalog with ``sohoa serve`` and drives reuse lookups from a second process over
   loopback (a bounded number of requests, each one authenticated and written to the access
   log), reporting sustained requests/s and latency percentiles.
Never run by the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sohoa.archive import Archive, IndexDoc, TantivyIndex
from sohoa.archive.documents import REUSE_PAGE
from sohoa.archive.policy import Caller
from sohoa.pipeline.lookup import Reader
from sohoa.synth.textcorpus import Corpus, TextDoc

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Search and reuse (issue 7)"
BATCH = 5000


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99),
            "mean": statistics.fmean(ordered)}


def batches(it: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in it:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def index_doc(d: TextDoc) -> IndexDoc:
    return IndexDoc(document_id=d.document_id, doc_type=d.doc_type, title=d.title, text=d.text,
                    owner_id=d.owner_id, owner_name=d.owner_name, dossier_code=d.dossier_code,
                    unit=d.unit, issue_date=d.issue_date, document_number=d.document_number)


LOADS: list[float] = []


def log(message: str) -> None:
    LOADS.append(os.getloadavg()[0])  # other work on the machine skews every figure: say so
    print(f"[{time.strftime('%H:%M:%S')}] {message} (load {LOADS[-1]:.1f})", file=sys.stderr,
          flush=True)


def cached(work: Path, name: str, docs: int, reuse: bool, make: Callable[[], Any]) -> Any:
    """``make()``, or what it returned when the same work directory was built before
    (``--reuse-workdir``); recorded in ``<work>/<name>-bench.json`` once it has finished."""
    record = work / f"{name}-bench.json"
    if reuse and record.is_file():
        saved = json.loads(record.read_text("utf-8"))
        if saved.get("docs") == docs:
            log(f"{name}: reusing the one built in {work}")
            return saved["value"]
    value = make()
    record.write_text(json.dumps({"docs": docs, "value": value}), "utf-8")
    return value


# --- 1. catalog ---------------------------------------------------------------------------

def load_catalog(work: Path, corpus: Corpus) -> dict[str, Any]:
    """Bulk rows into the real schema (migrations, covering index); the per-document write
    path (blobs, audit event, outbox) is the ingest's business and is not measured here."""
    db = work / "catalog.db"
    archive = Archive.open(f"sqlite:///{db}", f"file://{work}/blobs",
                           f"tantivy://{work}/catalog-index")
    now = datetime.now(UTC).isoformat()
    started = time.perf_counter()
    with archive.transaction(write=True) as conn:
        conn.exec_driver_sql(
            "INSERT INTO owners (id, kind, name, created_at, updated_at) VALUES (?,?,?,?,?)",
            [(o, "organization" if len(o) == 10 else "person", corpus.owner_name(o), now, now)
             for o in dict.fromkeys(corpus.owners_by_frequency())])
    loaded = 0
    for chunk in batches(corpus, BATCH):
        with archive.transaction(write=True) as conn:
            conn.exec_driver_sql(
                "INSERT OR IGNORE INTO dossiers (code, receiving_unit, created_at) "
                "VALUES (?,?,?)", [(d.dossier_code, d.unit, now) for d in chunk])
            conn.exec_driver_sql(
                "INSERT INTO documents (id, doc_key, dossier_code, owner_id, unit, doc_type, "
                "title, document_number, issuing_body, issue_date, valid_until, status, "
                "page_count, pdf_sha256, pdf_size, fields, field_flags, confidence, "
                "needs_review, review_reasons, signature_level, signer, text, extra, "
                "ingested_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,'stored',1,?,0,'{}','[]',"
                "0.9,0,'[]','B-LT','UBND tỉnh Đồng Nai',?,'{}',?,?)",
                [(d.document_id, d.document_id.ljust(64, "0"), d.dossier_code, d.owner_id,
                  d.unit, d.doc_type, d.title, d.document_number, d.issuing_body or None,
                  d.issue_date.isoformat(),
                  d.valid_until.isoformat() if d.valid_until else None,
                  "0" * 64, d.text, now, now) for d in chunk])
        loaded += len(chunk)
        if loaded % 100_000 == 0:
            log(f"catalog: {loaded:,} documents")
    with archive.transaction(write=True) as conn:
        conn.exec_driver_sql("ANALYZE")
    seconds = time.perf_counter() - started
    archive.close()
    return {"seconds": seconds, "rate": corpus.n / seconds,
            "db_bytes": db.stat().st_size + sum(
                p.stat().st_size for p in work.glob("catalog.db-*"))}


def bench_reuse(work: Path, corpus: Corpus, n: int) -> dict[str, Any]:
    """Reuse lookups on the catalog: the first page as `sohoa reuse` and the API ask for it
    (``REUSE_PAGE`` rows and one more to know whether a next page exists), the whole answer
    in one statement (every valid document of the owner), and with a type."""
    rng = random.Random(11)
    owners = corpus.sample_owners(rng, n + 200)
    page = REUSE_PAGE + 1
    with Archive.open(f"sqlite:///{work}/catalog.db", f"file://{work}/blobs",
                      f"tantivy://{work}/index") as archive:
        today = date.today()
        for owner in owners[:200]:
            archive.reuse(owner, valid_on=today)

        def timed(**kw: Any) -> tuple[dict[str, float], dict[str, float], list[int]]:
            times, cpu, rows = [], [], []
            for owner in owners[200:]:
                t, c = time.perf_counter(), time.thread_time()
                found = archive.reuse(owner, valid_on=today, **kw)
                cpu.append((time.thread_time() - c) * 1000)
                times.append((time.perf_counter() - t) * 1000)
                rows.append(len(found))
            return percentiles(times), percentiles(cpu), rows

        # The first pass is the first touch of each owner's index entries (read from the OS
        # cache or the disk); it would favour whatever is timed after it, so it is reported
        # on its own and every variant is then timed on the same warm catalog.
        cold, cold_cpu, _ = timed(limit=page)
        first, first_cpu, _ = timed(limit=page)
        whole, whole_cpu, rows = timed()
        typed, _, _ = timed(doc_type="citizen_id_card", limit=page)
        # As officers get them: purpose checked, one hash-chained access-log entry committed
        # (fsync) per lookup. Fewer samples: each one is a durable write to the catalog.
        reader, caller = Reader(archive), Caller("bench", "officer", "H19.22")
        audited = []
        for owner in owners[200:200 + n // 4]:
            t = time.perf_counter()
            reader.reuse(caller, "bench H19.22-0001", owner, valid_on=today)
            audited.append((time.perf_counter() - t) * 1000)
    return {"reuse": first, "reuse_cpu": first_cpu, "reuse_cold": cold,
            "reuse_cold_cpu": cold_cpu, "reuse_whole": whole,
            "reuse_whole_cpu": whole_cpu, "reuse_type": typed,
            "reuse_audited": percentiles(audited), "audited_n": len(audited),
            "rows_mean": statistics.fmean(rows), "rows_max": max(rows),
            "multi_page": sum(r > REUSE_PAGE for r in rows), "lookups": len(rows),
            "page": REUSE_PAGE}


# --- 2. indexing --------------------------------------------------------------------------

def index_corpus(index: Any, corpus: Corpus, commit_every: int = 100_000) -> float:
    started = time.perf_counter()
    done = 0
    for chunk in batches((index_doc(d) for d in corpus), BATCH):
        index.upsert(chunk)
        done += len(chunk)
        if done % commit_every == 0:
            index.commit()
            log(f"{type(index).__name__}: {done:,} documents")
    index.commit()
    return time.perf_counter() - started


def generation_seconds(corpus: Corpus) -> float:
    started = time.perf_counter()
    for d in corpus:
        index_doc(d)
    return time.perf_counter() - started


# --- 3. queries ---------------------------------------------------------------------------

def query_sets(corpus: Corpus, n: int) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(5)
    words = corpus.query_words(rng, n)
    more = corpus.query_words(rng, n)
    owners = corpus.sample_owners(rng, n)
    ranges = []
    for _ in range(n):
        start = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
        ranges.append((start, start + timedelta(days=365)))
    return {
        "1–2 words": [{"query": w} for w in words],
        "3-word phrase": [{"query": p} for p in corpus.phrases(rng, n)],
        "words + owner": [{"query": w, "owner": o} for w, o in zip(more, owners, strict=True)],
        "words + date range": [{"query": w, "date_from": a, "date_to": b}
                               for w, (a, b) in zip(more, ranges, strict=True)],
    }


def bench_queries(search: Callable[..., list[dict[str, Any]]],
                  sets: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    out = {}
    for name, queries in sets.items():
        for q in queries[:30]:  # warm caches
            search(**q)
        times, cpu, hits, ids = [], [], [], []
        for q in queries:
            t, c = time.perf_counter(), time.thread_time()
            found = search(**q, limit=10)
            cpu.append((time.thread_time() - c) * 1000)
            times.append((time.perf_counter() - t) * 1000)
            hits.append(len(found))
            ids.append(sorted(h["document_id"] for h in found))
        # CPU time of the calling thread (tantivy searches in it; for Elasticsearch it is only
        # the client's share): what the figures would approach on an idle machine.
        out[name] = {**percentiles(times), "cpu": percentiles(cpu),
                     "hits_mean": statistics.fmean(hits), "ids": ids}
    return out


def agreement(a: dict[str, Any], b: dict[str, Any]) -> dict[str, list[int]]:
    """Per query set: [queries whose whole result set fits in the limit on both engines, of
    those how many sets are identical, queries whose top 10 are identical]. Top 10s of
    thousands of matches depend on each engine's scoring; complete sets must not differ."""
    out = {}
    for name in a:
        pairs = list(zip(a[name]["ids"], b[name]["ids"], strict=True))
        complete = [(x, y) for x, y in pairs if len(x) < 10 and len(y) < 10]
        out[name] = [len(complete), sum(x == y for x, y in complete),
                     sum(x == y for x, y in pairs)]
    return out


# --- 4. API under load --------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_api(work: Path, corpus: Corpus, requests: int, threads: int) -> dict[str, Any]:
    home = work / "api-home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_DB": f"sqlite:///{work}/catalog.db",
           "SOHOA_BLOBS": f"file://{work}/blobs", "SOHOA_SEARCH": f"tantivy://{work}/index"}
    with Archive.open(env["SOHOA_DB"], env["SOHOA_BLOBS"], env["SOHOA_SEARCH"]) as archive:
        _, token = archive.add_token("bench", "officer", "H19.22", created_by="bench")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "sohoa", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        owners = corpus.sample_owners(random.Random(3), requests)
        owners_file = work / "api-owners.json"
        owners_file.write_text(json.dumps(owners))
        result = subprocess.run(
            [sys.executable, __file__, "load-client", "--port", str(port), "--token", token,
             "--owners", str(owners_file), "--threads", str(threads)],
            check=True, capture_output=True, text=True)
        return json.loads(result.stdout)
    finally:
        server.terminate()
        server.wait(timeout=30)


def load_client(port: int, token: str, owners: list[str], threads: int) -> dict[str, Any]:
    """The second process: ``threads`` keep-alive connections share the owner list."""
    lock = threading.Lock()
    queue = list(reversed(owners))
    times: list[float] = []
    errors = [0]

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "X-Purpose": "bench%20H19.22-0001"}
        while True:
            with lock:
                if not queue:
                    break
                owner = queue.pop()
            t = time.perf_counter()
            conn.request("GET", f"/owners/{owner}/documents", headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - t) * 1000
            with lock:
                times.append(elapsed)
                if response.status != 200:
                    errors[0] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - started
    return {"requests": len(times), "errors": errors[0], "threads": threads,
            "seconds": seconds, "rps": len(times) / seconds, **percentiles(times)}


# --- report -------------------------------------------------------------------------------

def report(r: dict[str, Any], command: str) -> str:
    n = r["docs"]
    lines = [
        HEADING, "",
        f"Run {r['when']} on this machine ({os.cpu_count()} cores), "
        f"{n:,} generated documents (~400 words each, {r['owners']:,} owners, "
        "Zipf–Mandelbrot), limit 10 with snippets; the machine's 1-minute load average ranged "
        f"{min(r['loads']):.1f}–{max(r['loads']):.1f} during the run (other work shares the "
        "cores, so compare the two engines within the run rather than across runs). Command:",
        "",
        "```sh", command, "```", "",
        f"Generating the documents alone takes {r['generate_s']:.0f} s "
        f"({n / r['generate_s']:,.0f} docs/s); it is included in the indexing times below "
        "(each engine is fed from the generator).", "",
        "| | tantivy (embedded) | Elasticsearch " + r.get("es_version", "") + " | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    tv, es = r["tantivy"], r.get("elasticsearch")

    def row(label: str, a: float, b: float | None, fmt: str, lower_better: bool = True) -> None:
        if b is None:
            lines.append(f"| {label} | {a:{fmt}} | – | – |")
            return
        ratio = (b / a if lower_better else a / b) if a and b else float("nan")
        lines.append(f"| {label} | {a:{fmt}} | {b:{fmt}} | ES/tantivy {ratio:.2f}× |"
                     if lower_better else
                     f"| {label} | {a:{fmt}} | {b:{fmt}} | tantivy/ES {ratio:.2f}× |")

    row("indexing, docs/s", n / tv["index_s"], n / es["index_s"] if es else None, ",.0f",
        lower_better=False)
    row("index size, MB", tv["size"] / 1e6, es["size"] / 1e6 if es else None, ",.0f")
    for name in tv["queries"]:
        for p in ("p50", "p95", "p99"):
            row(f"{name}, {p} ms", tv["queries"][name][p],
                es["queries"][name][p] if es else None, ".2f")
    lines += ["", "tantivy, CPU time of the searching thread (what the latencies approach on an "
              "idle machine), p50/p95/p99 ms: " + ", ".join(
                  f"{k} {v['cpu']['p50']:.1f}/{v['cpu']['p95']:.1f}/{v['cpu']['p99']:.1f}"
                  for k, v in tv["queries"].items() if "cpu" in v) + "."]
    lines += ["", "Mean hits per query (both engines should agree on the sets; limit 10): " +
              ", ".join(f"{k} {tv['queries'][k]['hits_mean']:.1f}"
                        + (f"/{es['queries'][k]['hits_mean']:.1f}" if es else "")
                        for k in tv["queries"]) + ".", ""]
    if r.get("agreement"):
        lines += ["Queries whose complete result set fits in the limit on both engines, and how "
                  "many of those sets are identical (top 10s of larger sets depend on each "
                  "engine's scoring; identical top 10s in brackets): " + ", ".join(
                      f"{k} {c[1]}/{c[0]} ({c[2]}/{len(tv['queries'][k]['ids'])})"
                      for k, c in r["agreement"].items()) + ".", ""]
    c = r["catalog"]
    ru = r["reuse"]
    lines += [
        f"Catalog (SQLite, WAL): bulk-loaded at {c['rate']:,.0f} docs/s, "
        f"{c['db_bytes'] / 1e9:.2f} GB with the recognized text. Reuse lookups (owner valid "
        f"today, Zipf-sampled owners, {ru['rows_mean']:.1f} valid documents on average, at "
        f"most {ru['rows_max']}; {ru.get('multi_page', 0)} of {ru.get('lookups', 0)} answers "
        f"are longer than one page of {ru.get('page', '–')}), answered from the covering "
        "index in its order:", "",
        "| reuse lookup | p50 ms | p95 ms | p99 ms |", "| --- | ---: | ---: | ---: |",
        f"| owner, first page (as `sohoa reuse` and the API answer) | {ru['reuse']['p50']:.3f} "
        f"| {ru['reuse']['p95']:.3f} | {ru['reuse']['p99']:.3f} |",
        f"| owner, first page, CPU time of the lookup thread | {ru['reuse_cpu']['p50']:.3f} | "
        f"{ru['reuse_cpu']['p95']:.3f} | {ru['reuse_cpu']['p99']:.3f} |",
    ]
    if "reuse_cold" in ru:
        lines += [
            f"| owner, first page, first touch of each owner (the pass before) | "
            f"{ru['reuse_cold']['p50']:.3f} | {ru['reuse_cold']['p95']:.3f} | "
            f"{ru['reuse_cold']['p99']:.3f} |",
            f"| owner, first page, first touch, CPU time | {ru['reuse_cold_cpu']['p50']:.3f} | "
            f"{ru['reuse_cold_cpu']['p95']:.3f} | {ru['reuse_cold_cpu']['p99']:.3f} |"]
    if "reuse_whole" in ru:
        lines += [
            f"| owner, whole answer in one statement | {ru['reuse_whole']['p50']:.3f} | "
            f"{ru['reuse_whole']['p95']:.3f} | {ru['reuse_whole']['p99']:.3f} |",
            f"| owner, whole answer, CPU time | {ru['reuse_whole_cpu']['p50']:.3f} | "
            f"{ru['reuse_whole_cpu']['p95']:.3f} | {ru['reuse_whole_cpu']['p99']:.3f} |"]
    lines += [
        f"| owner + type, first page | {ru['reuse_type']['p50']:.3f} | "
        f"{ru['reuse_type']['p95']:.3f} | {ru['reuse_type']['p99']:.3f} |",
        f"| owner, first page, audited (`lookup.Reader`: access-log entry committed; "
        f"{ru['audited_n']} lookups) | {ru['reuse_audited']['p50']:.3f} | "
        f"{ru['reuse_audited']['p95']:.3f} | {ru['reuse_audited']['p99']:.3f} |", "",
    ]
    a = r.get("api")
    if a:
        lines += [
            f"HTTP API (`sohoa serve`, one uvicorn process) under load from a second process: "
            f"{a['requests']:,} reuse lookups (`GET /owners/{{id}}/documents`, token checked, "
            f"purpose required, one hash-chained access-log entry committed per request) over "
            f"{a['threads']} keep-alive connections on loopback: **{a['rps']:,.0f} lookups/s** "
            f"sustained, latency p50 {a['p50']:.1f} ms, p95 {a['p95']:.1f} ms, "
            f"p99 {a['p99']:.1f} ms, {a['errors']} errors.", ""]
    return "\n".join(lines) + "\n"


def write_results(section: str) -> None:
    text = RESULTS.read_text("utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    if HEADING in text:
        before, _, rest = text.partition(HEADING)
        after = rest[rest.find("\n## "):] if "\n## " in rest else ""
        text = before + section + after.lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    client = sub.add_parser("load-client")
    client.add_argument("--port", type=int, required=True)
    client.add_argument("--token", required=True)
    client.add_argument("--owners", type=Path, required=True)
    client.add_argument("--threads", type=int, default=4)
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--es", default=os.environ.get("SOHOA_TEST_ES_URL", ""),
                        help="Elasticsearch node URL (default $SOHOA_TEST_ES_URL; empty: skip)")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--api-requests", type=int, default=4000)
    parser.add_argument("--api-threads", type=int, default=4)
    parser.add_argument("--workdir", type=Path, help="Kept after the run if given.")
    parser.add_argument("--reuse-workdir", action="store_true",
                        help="With --workdir: keep a catalog and tantivy index already built "
                             "there for the same --docs (and index schema), timing only the "
                             "queries; their load/indexing figures are the recorded ones.")
    parser.add_argument("--write-results", action="store_true",
                        help=f"Replace the '{HEADING}' section of bench/RESULTS.md.")
    args = parser.parse_args()
    if args.command == "load-client":
        owners = json.loads(args.owners.read_text())
        print(json.dumps(load_client(args.port, args.token, owners, args.threads)))
        return

    if args.reuse_workdir and not args.workdir:
        parser.error("--reuse-workdir needs --workdir")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    if work.exists() and any(work.iterdir()) and not args.reuse_workdir:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(args.docs)
    r: dict[str, Any] = {"docs": args.docs, "owners": corpus.owner_count,
                         "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    try:
        r["generate_s"] = cached(work, "generate", args.docs, args.reuse_workdir, lambda: (
            log("generating (timing the generator alone)"), generation_seconds(corpus))[1])
        r["catalog"] = cached(work, "catalog", args.docs, args.reuse_workdir, lambda: (
            log("catalog"), load_catalog(work, corpus))[1])
        sets = query_sets(corpus, args.queries)

        tantivy = TantivyIndex(work / "index")
        if tantivy.fresh:  # a new index, or one of another schema version: (re)build it
            (work / "index-bench.json").unlink(missing_ok=True)

        def build() -> dict[str, Any]:
            log("tantivy")
            index_s = index_corpus(tantivy, corpus)
            log("tantivy: optimizing")
            started = time.perf_counter()
            tantivy.optimize()
            return {"index_s": index_s, "optimize_s": time.perf_counter() - started,
                    "size": dir_size(work / "index")}

        r["tantivy"] = dict(cached(work, "index", args.docs, args.reuse_workdir, build))
        log("tantivy queries")
        r["tantivy"]["queries"] = bench_queries(tantivy.search, sets)
        tantivy.close()
        # After the index is built: opening the archive on a catalog of documents with a new
        # or outdated index would rebuild it first.
        log("reuse lookups")
        r["reuse"] = bench_reuse(work, corpus, 2000)

        if args.es:
            from sohoa.archive.elastic import ElasticIndex

            log("elasticsearch")
            es = ElasticIndex(f"{args.es.rstrip('/')}/sohoa-bench-{uuid.uuid4().hex[:8]}",
                              timeout_s=300)
            try:
                index_s = index_corpus(es, corpus)
                r["es_version"] = es._es.cluster.state(
                    metric="nodes")["nodes"].popitem()[1].get("version", "")
                r["elasticsearch"] = {"index_s": index_s, "size": es.size_bytes(),
                                      "queries": bench_queries(es.search, sets)}
                r["agreement"] = agreement(r["tantivy"]["queries"],
                                           r["elasticsearch"]["queries"])
            finally:
                es.drop()
                es.close()

        if args.api_requests:
            log("API under load")
            r["api"] = bench_api(work, corpus, args.api_requests, args.api_threads)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    r["loads"] = LOADS or [os.getloadavg()[0]]
    command = ".venv/bin/python bench/search_bench.py " + " ".join(
        a if a != args.es else '"$(scripts/services/elasticsearch.sh start)"'
        for a in sys.argv[1:])
    section = report(r, command)
    print(section)
    for engine in ("tantivy", "elasticsearch"):
        for q in r.get(engine, {}).get("queries", {}).values():
            q.pop("ids", None)
    print(json.dumps(r, default=str), file=sys.stderr)
    if args.write_results:
        write_results(section)


if __name__ == "__main__":
    main()
