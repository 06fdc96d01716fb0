"""Scanner batches (issue 4): dossier splitting, documents per dossier, blank backs, barcode time.

    .venv/bin/python bench/split_bench.py --write-results

For every combination of format (pdf, tiff-g4, tiff-jpeg, jpeg), simplex/duplex, severity
("light", and "heavy" as the bad-scanner case) and seed, it writes a synthetic batch with
``sohoa.synth.write_batch``, ingests it with the real pipeline (``run_ingest``, fresh archive home
per batch, real Tesseract, signing and catalog) and compares what was stored with ``truth.json``:

- dossier boundaries and codes: a dossier is right when exactly its text pages are stored under
  its code (no page elsewhere, none of another dossier's, nothing "UNASSIGNED");
- documents: a document is right when exactly its truth pages, in order, form one stored
  document of the right dossier;
- blank backs: recall of the truth blanks, and text pages dropped (a text page taken for blank,
  quarantined or lost);
- time per page of the barcode read (``read_dossier_code``, every page, as the pipeline does)
  beside the recognition time per page (``recognize_page`` on the first text pages of each
  batch, measured single-threaded in this process).

Documents that come out wrong are listed with the first lines of their pages' recognized text
and what ``starts_document`` said about each page, so the cause can be read off. Never run by
the test suite.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from sohoa.doctypes import load_registry
from sohoa.ocr import OcrSettings, open_image, recognize_page
from sohoa.ocr.segment import starts_document
from sohoa.pipeline.analysis import PAGE_STAGE
from sohoa.pipeline.home import init_home
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.stages import page_lexicon
from sohoa.records import Page
from sohoa.scanners import read_pages
from sohoa.scanners.barcodes import DEFAULT_CODE_PATTERN, read_dossier_code
from sohoa.synth import write_batch

FORMATS = ("pdf", "tiff-g4", "tiff-jpeg", "jpeg")
RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## Scanner batches (issue 4)"

Key = tuple[str, int]  # (file relative to the batch folder, page index)


@dataclass
class BatchResult:
    fmt: str
    duplex: bool
    severity: str
    seed: int
    pages: int = 0
    dossiers: int = 0
    dossiers_ok: int = 0
    extra_dossiers: int = 0  # stored dossier codes that are not in the truth (UNASSIGNED …)
    documents: int = 0
    documents_ok: int = 0
    types_ok: int = 0
    blanks: int = 0
    blanks_found: int = 0
    text_dropped: int = 0
    quarantined: int = 0
    barcode_s: list[float] = field(default_factory=list)
    ocr_s: list[float] = field(default_factory=list)
    ingest_s: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)


def _key(batch: Path, source: str, index: int) -> Key:
    return Path(source).relative_to(batch).as_posix(), index


def _first_lines(text: str, n: int = 4) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:n]


def run_batch(work: Path, fmt: str, duplex: bool, severity: str, seed: int, dossiers: int,
              ocr_sample: int) -> BatchResult:
    name = f"{fmt}-{'duplex' if duplex else 'simplex'}-{severity}-s{seed}"
    batch, home = work / name / "batch", work / name / "home"
    truth = write_batch(batch, seed, dossiers=dossiers, fmt=fmt, duplex=duplex,
                        severity=severity)
    init_home(home)
    settings = load_settings(home=home)
    result = BatchResult(fmt, duplex, severity, seed)

    events: list[dict[str, Any]] = []
    started = time.perf_counter()
    summary = run_ingest([batch], settings, duplex=duplex, emit=events.append)
    result.ingest_s = time.perf_counter() - started
    result.quarantined = summary.quarantined

    # Pages as the pipeline read them: barcode timing, and the key to the recognition cache.
    pages: dict[Key, Page] = {}
    for file in truth["files"]:
        for item in read_pages(batch / file):
            if isinstance(item, Page):
                pages[_key(batch, item.source, item.index)] = item
    truth_pages = {(p["file"], p["index"]): p for p in truth["pages"]}
    result.pages = len(truth_pages)
    for key in truth_pages:
        image = open_image(pages[key].data)
        t0 = time.perf_counter()
        read_dossier_code(image, DEFAULT_CODE_PATTERN)
        result.barcode_s.append(time.perf_counter() - t0)
    text_keys = [k for k, p in truth_pages.items() if not p["blank"]]
    for key in text_keys[:ocr_sample]:
        image = open_image(pages[key].data)
        t0 = time.perf_counter()
        recognize_page(image, page_sha256=pages[key].sha256, dpi=pages[key].dpi,
                       settings=OcrSettings(lang=settings.ocr_lang), lexicon=page_lexicon())
        result.ocr_s.append(time.perf_counter() - t0)

    stored = [e for e in events if "document_id" in e and not e.get("duplicate")]
    in_doc: dict[Key, dict[str, Any]] = {}
    blank_found: set[Key] = set()
    by_code: dict[str, set[Key]] = defaultdict(set)
    for doc in stored:
        for p in doc["pages"]:
            key = _key(batch, p["source"], p["index"])
            in_doc[key] = doc
            by_code[doc["dossier_code"]].add(key)
        for b in doc["blank_pages"]:
            blank_found.add(_key(batch, b["source"], b["index"]))

    truth_codes = {d["code"] for d in truth["dossiers"]}
    result.extra_dossiers = len(set(by_code) - truth_codes)
    result.dossiers = len(truth["dossiers"])
    for dossier in truth["dossiers"]:
        expected = {k for k in text_keys if truth_pages[k]["dossier"] == dossier["code"]}
        result.dossiers_ok += int(by_code.get(dossier["code"], set()) == expected)

    with open_archive(settings) as archive:
        def describe(key: Key) -> dict[str, Any]:
            cached = archive.cache_get(PAGE_STAGE, pages[key].sha256) if key in pages else None
            text = cached["ocr"]["text"] if cached else ""
            return {"page": list(key), "truth_doc": truth_pages[key]["doc"],
                    "blank_detected": bool(cached and cached["blank"]),
                    "starts_document": (starts_document(text, load_registry().titles())
                                        if text else None),
                    "first_lines": _first_lines(text)}

        for dossier in truth["dossiers"]:
            for n, doc in enumerate(dossier["documents"]):
                result.documents += 1
                want = [tuple(p) for p in doc["pages"]]
                got = in_doc.get(want[0])
                got_keys = ([_key(batch, p["source"], p["index"]) for p in got["pages"]]
                            if got else [])
                ok = got is not None and got_keys == want and \
                    got["dossier_code"] == dossier["code"]
                result.documents_ok += int(ok)
                result.types_ok += int(ok and got is not None
                                       and got["doc_type"] == doc["doc_type"])
                if not ok:
                    involved = sorted(set(want) | set(got_keys),
                                      key=lambda k: (k[0], k[1]))
                    result.failures.append({
                        "batch": name, "dossier": dossier["code"], "doc": n,
                        "doc_type": doc["doc_type"], "truth_pages": [list(k) for k in want],
                        "stored_pages": [list(k) for k in got_keys],
                        "stored_type": got["doc_type"] if got else None,
                        "pages": [describe(k) for k in involved],
                    })

    for key, page in truth_pages.items():
        if page["blank"]:
            result.blanks += 1
            result.blanks_found += int(key in blank_found)
        elif key not in in_doc:
            result.text_dropped += 1
    shutil.rmtree(work / name)  # a batch with its home is ~50 MB
    return result


def _pct(ok: int, total: int) -> str:
    return f"{ok}/{total} ({100.0 * ok / total:.1f}%)" if total else "–"


def table(results: list[BatchResult]) -> list[str]:
    rows = ["| format | sides | severity | batches | pages | dossiers right | documents right "
            "| type right | blank recall | text pages dropped | barcode ms/page | OCR s/page "
            "| ingest s/page |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: |"]
    groups: dict[tuple[str, bool, str], list[BatchResult]] = defaultdict(list)
    for r in results:
        groups[(r.fmt, r.duplex, r.severity)].append(r)
    groups[("all", False, "")] = results

    for (fmt, duplex, severity), rs in groups.items():
        def total(attr: str, rs: list[BatchResult] = rs) -> int:
            return sum(getattr(r, attr) for r in rs)

        barcode = [t for r in rs for t in r.barcode_s]
        ocr = [t for r in rs for t in r.ocr_s]
        sides = "" if fmt == "all" else ("duplex" if duplex else "simplex")
        extra = f" +{total('extra_dossiers')} extra" if total("extra_dossiers") else ""
        rows.append(
            f"| {fmt} | {sides} | {severity} | {len(rs)} | {total('pages')} "
            f"| {_pct(total('dossiers_ok'), total('dossiers'))}{extra} "
            f"| {_pct(total('documents_ok'), total('documents'))} "
            f"| {_pct(total('types_ok'), total('documents'))} "
            f"| {_pct(total('blanks_found'), total('blanks'))} | {total('text_dropped')} "
            f"| {statistics.mean(barcode) * 1000:.0f} (p95 "
            f"{sorted(barcode)[int(0.95 * (len(barcode) - 1))] * 1000:.0f}) "
            f"| {f'{statistics.mean(ocr):.2f}' if ocr else '–'} "
            f"| {sum(r.ingest_s for r in rs) / total('pages'):.2f} |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    parser.add_argument("--severities", nargs="+", default=["light", "heavy"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--sides", nargs="+", default=["simplex", "duplex"],
                        choices=["simplex", "duplex"])
    parser.add_argument("--dossiers", type=int, default=3, help="dossiers per batch")
    parser.add_argument("--ocr-sample", type=int, default=2,
                        help="text pages per batch timed for OCR alone")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--failures", type=Path, default=None,
                        help="write the wrong documents with their page texts (JSON)")
    parser.add_argument("--write-results", action="store_true",
                        help=f"append the table to {RESULTS.name}")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="split-bench-"))
    results: list[BatchResult] = []
    started = time.perf_counter()
    combos = list(itertools.product(args.formats, args.sides, args.severities, args.seeds))
    for n, (fmt, sides, severity, seed) in enumerate(combos, 1):
        r = run_batch(work, fmt, sides == "duplex", severity, seed, args.dossiers,
                      args.ocr_sample)
        results.append(r)
        print(f"[{n}/{len(combos)}] {fmt} {sides} {severity} seed {seed}: {r.pages} pages, "
              f"dossiers {r.dossiers_ok}/{r.dossiers} (+{r.extra_dossiers}), documents "
              f"{r.documents_ok}/{r.documents}, blanks {r.blanks_found}/{r.blanks}, "
              f"text dropped {r.text_dropped}, quarantined {r.quarantined}, "
              f"{r.ingest_s:.1f} s", file=sys.stderr, flush=True)
        for f in r.failures:
            print(f"    wrong: {f['dossier']} doc {f['doc']} ({f['doc_type']}) truth "
                  f"{f['truth_pages']} stored {f['stored_pages']}", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started

    failures = [f for r in results for f in r.failures]
    if args.failures:
        args.failures.write_text(json.dumps(failures, ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
    lines = table(results)
    print("\n".join(lines))
    for f in failures:
        print(f"\nWRONG {f['batch']} {f['dossier']} doc {f['doc']} ({f['doc_type']}): truth "
              f"pages {f['truth_pages']}, stored as {f['stored_pages']} ({f['stored_type']})")
        for p in f["pages"]:
            print(f"   page {p['page']} truth doc {p['truth_doc']} blank={p['blank_detected']} "
                  f"starts_document={p['starts_document']}: {' | '.join(p['first_lines'])}")
    print(f"\n{len(combos)} batches in {elapsed / 60:.1f} min", file=sys.stderr)
    if args.write_results:
        command = "    .venv/bin/python bench/split_bench.py " + " ".join(sys.argv[1:])
        section = [
            "", HEADING, "",
            f"Measured {time.strftime('%Y-%m-%d')} on this 2-core machine, {len(combos)} batches "
            f"({args.dossiers} dossiers each) in {elapsed / 60:.1f} min:", "", command, "",
            *lines, "",
        ]
        existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Results\n"
        RESULTS.write_text(existing.rstrip("\n") + "\n" + "\n".join(section), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
