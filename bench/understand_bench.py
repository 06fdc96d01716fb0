"""Understanding documents (issue 5): type, owner, fields and review routing on real OCR.

    .venv/bin/python bench/understand_bench.py --write-results

For each severity (clean, light, medium, heavy) it writes a synthetic scanner batch with
``sohoa.synth.write_batch`` (dossiers of a receipt, an application form and the papers the
procedure asks for), recognizes every page with the pipeline's own page stage
(``sohoa.pipeline.stages.analyze_page``: barcode, blank test, ``sohoa.ocr.recognize_page`` with
Tesseract ``vie``), then assembles documents exactly as ``sohoa ingest`` does
(``page_code`` → ``split_dossiers`` → ``draft_dossier``: the real ``classify``,
``extract_fields`` and ``resolve_owner``) and compares each draft with ``truth.json``:

- document type: accuracy on documents whose first page's OCR CER is under 10% (target ≥ 99%),
  and confident wrong types (confidence ≥ the review threshold) everywhere (target 0);
- owner ID: exact match over all documents (what would be stored), confident wrong owners
  (a stored owner that is not the truth's, on a document not sent to review; target 0);
- other fields: exact match (NFC, spaces squashed) per field over the documents whose truth
  has the field and whose registry type carries it (target ≥ 97% each);
- review: the share of documents sent to review, and how many of those really needed it (type,
  owner or a registry field wrong or missing), and how many that needed it were not sent.

Recognition results are cached in ``--work`` (by page SHA-256), so re-measuring after a change
to classification or extraction costs seconds. ``--model`` passes a trained ``NgramModel`` (as
``sohoa types train`` writes it) to the classifier like the pipeline does; ``--train-synthetic N``
trains one first from N synthetic truth texts per type (other seeds than the measured batches).
Never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from rapidfuzz.distance import Levenshtein

from sohoa.doctypes import load_registry
from sohoa.ocr.classify import NgramModel
from sohoa.pipeline.analysis import PAGE_STAGE, AnalyzeOptions, PageAnalysis
from sohoa.pipeline.assemble import PageItem, draft_dossier, page_code
from sohoa.pipeline.inprocess import worker_init
from sohoa.pipeline.stages import analyze_page
from sohoa.records import Page
from sohoa.scanners import read_pages
from sohoa.scanners.split import split_dossiers
from sohoa.synth import write_batch
from sohoa.vntext import nfc, squash_spaces

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## Understanding documents (issue 5)"
SEVERITIES = ("clean", "light", "medium", "heavy")
THRESHOLD = 0.6  # review.threshold's default
CER_LIMIT = 0.10
Key = tuple[str, int]


def cer(ocr: str, truth_lines: Sequence[str]) -> float:
    """Character error rate of a page: edit distance over the truth's length, lines joined by
    single spaces on both sides (reading order of the two header columns is not scored)."""
    truth = squash_spaces(" ".join(truth_lines))
    got = squash_spaces(ocr)
    return Levenshtein.distance(got, truth) / max(1, len(truth))


def _same(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return squash_spaces(nfc(a)) == squash_spaces(nfc(b))


def _analyze(args: tuple[Page, AnalyzeOptions]) -> PageAnalysis:
    return analyze_page(*args)


def recognize(batch: Path, truth: dict[str, Any], cache_file: Path, jobs: int
              ) -> dict[Key, PageItem]:
    """Every page of the batch analysed by the pipeline's page stage (cached by SHA-256)."""
    cache: dict[str, Any] = {}
    if cache_file.exists():
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    pages: dict[Key, Page] = {}
    for file in truth["files"]:
        for item in read_pages(batch / file):
            if isinstance(item, Page):
                pages[(Path(item.source).relative_to(batch).as_posix(), item.index)] = item
    options = AnalyzeOptions("vie", 120.0, "")
    todo = [p for p in pages.values() if p.sha256 not in cache]
    if todo:
        with ProcessPoolExecutor(max_workers=jobs, initializer=worker_init) as pool:
            for n, result in enumerate(pool.map(_analyze, [(p, options) for p in todo],
                                                chunksize=1), 1):
                cache[result.page_sha256] = result.to_json()
                if n % 25 == 0:
                    print(f"   recognized {n}/{len(todo)}", file=sys.stderr, flush=True)
                    cache_file.write_text(json.dumps(cache, ensure_ascii=False),
                                          encoding="utf-8")
        cache_file.write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")
    return {k: PageItem(p, PageAnalysis.from_json(cache[p.sha256])) for k, p in pages.items()}


def evaluate(batch: Path, truth: dict[str, Any], items: dict[Key, PageItem], severity: str,
             model: NgramModel | None) -> list[dict[str, Any]]:
    """One row per truth document: what the pipeline's assembly made of it."""
    registry = load_registry()
    truth_pages = {(p["file"], p["index"]): p for p in truth["pages"]}
    ordered = [items[(p["file"], p["index"])] for p in truth["pages"]
               if (p["file"], p["index"]) in items]
    key_of = {id(it): (Path(it.page.source).relative_to(batch).as_posix(), it.page.index)
              for it in ordered}
    codes = [page_code(it, None) for it in ordered]
    drafts = {}
    for dossier in split_dossiers(codes):
        members = [ordered[i] for i in dossier.pages]
        for draft in draft_dossier(members, dossier.code, registry, THRESHOLD, model=model):
            drafts[tuple(key_of[id(it)] for it in draft.pages)] = draft
    by_first = {keys[0]: (keys, d) for keys, d in drafts.items()}
    rows = []
    for dossier in truth["dossiers"]:
        for doc in dossier["documents"]:
            want = tuple(tuple(p) for p in doc["pages"])
            first = want[0]
            page_cer = cer(items[first].analysis.ocr.text, truth_pages_lines(truth, doc, 0)) \
                if first in items else 1.0
            keys, draft = by_first.get(first, ((), None))
            row: dict[str, Any] = {
                "severity": severity, "dossier": dossier["code"], "truth_type": doc["doc_type"],
                "pages": [list(k) for k in want], "cer": page_cer,
                "split_ok": keys == want, "truth_owner": doc["owner_id"],
            }
            if draft is None:
                row.update(found=False, needs_review=True, type=None, type_conf=0.0,
                           owner=None, fields={}, wanted=[])
                rows.append(row)
                continue
            spec = registry.get(doc["doc_type"])
            shown = {k: v for k, v in doc["fields"].items() if v and k in spec.fields}
            values = draft.extraction.values()
            row.update(
                found=True, type=draft.classification.doc_type,
                type_conf=draft.classification.confidence, method=draft.classification.method,
                owner=draft.owner_id, owner_from=draft.owner_from,
                needs_review=draft.needs_review, reasons=draft.review_reasons,
                fields={k: {"truth": v, "got": values.get(k),
                            "ok": _same(values.get(k), v)} for k, v in shown.items()},
                text_head=[ln for ln in draft.pages[0].analysis.ocr.text.splitlines()
                           if ln.strip()][:6],
            )
            rows.append(row)
    del truth_pages
    return rows


def truth_pages_lines(truth: dict[str, Any], doc: dict[str, Any], page: int) -> list[str]:
    return doc["page_lines"][page]


def needed_review(row: dict[str, Any]) -> bool:
    """Something a person would have to fix: the type, the owner, or a field."""
    if not row["found"] or not row["split_ok"]:
        return True
    if row["type"] != row["truth_type"] or row["owner"] != row["truth_owner"]:
        return True
    return any(not f["ok"] for f in row["fields"].values())


def _pct(ok: int, total: int) -> str:
    return f"{ok}/{total} ({100.0 * ok / total:.2f}%)" if total else "–"


def report(rows: list[dict[str, Any]]) -> tuple[list[str], dict[str, Any]]:
    lines: list[str] = []
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r["severity"]].append(r)
    groups["all"] = rows
    lines += ["| severity | documents | pages CER<10% | type right (CER<10%) "
              "| type right (all) | confident wrong type | owner right | confident wrong owner "
              "| sent to review | of those really needed | needed but not sent |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    summary: dict[str, Any] = {}
    for name, rs in groups.items():
        good = [r for r in rs if r["cer"] < CER_LIMIT]
        type_ok_good = sum(r["type"] == r["truth_type"] for r in good)
        type_ok = sum(r["type"] == r["truth_type"] for r in rs)
        conf_wrong = sum(r["found"] and r["type"] != r["truth_type"]
                         and r["type_conf"] >= THRESHOLD for r in rs)
        owner_ok = sum(r["owner"] == r["truth_owner"] for r in rs)
        owner_conf_wrong = sum(r["found"] and r["owner"] is not None
                               and r["owner"] != r["truth_owner"] and not r["needs_review"]
                               for r in rs)
        review = [r for r in rs if r["needs_review"]]
        needed = sum(needed_review(r) for r in review)
        missed = sum(needed_review(r) and not r["needs_review"] for r in rs)
        lines.append(
            f"| {name} | {len(rs)} | {len(good)} | {_pct(type_ok_good, len(good))} "
            f"| {_pct(type_ok, len(rs))} | {conf_wrong} | {_pct(owner_ok, len(rs))} "
            f"| {owner_conf_wrong} | {_pct(len(review), len(rs))} | {_pct(needed, len(review))} "
            f"| {missed} |")
        summary[name] = {"documents": len(rs), "type_ok_cer10": [type_ok_good, len(good)],
                         "confident_wrong_type": conf_wrong, "owner_ok": [owner_ok, len(rs)],
                         "confident_wrong_owner": owner_conf_wrong,
                         "review": [len(review), needed], "missed": missed}
    per_field: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_field_good: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_field_sev: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        for key, f in r["fields"].items():
            cells = [per_field[key], per_field_sev[(key, r["severity"])]]
            if r["cer"] < CER_LIMIT:
                cells.append(per_field_good[key])
            for cell in cells:
                cell[1] += 1
                cell[0] += int(f["ok"])
    sevs = [s for s in SEVERITIES if s in groups]
    lines += ["", "| field | " + " | ".join(sevs) + " | all | all, first page CER < 10% |",
              "| --- | " + " | ".join("---:" for _ in sevs) + " | ---: | ---: |"]
    for key in sorted(per_field):
        cells = [_pct(*per_field_sev[(key, s)]) for s in sevs]
        lines.append(f"| {key} | " + " | ".join(cells) + f" | {_pct(*per_field[key])} "
                     f"| {_pct(*per_field_good[key])} |")
    summary["fields"] = {k: v for k, v in per_field.items()}
    return lines, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--severities", nargs="+", default=list(SEVERITIES), choices=SEVERITIES)
    parser.add_argument("--dossiers", type=int, default=45, help="dossiers per severity")
    parser.add_argument("--seed", type=int, default=51)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/understand-bench"),
                        help="batches and the recognition cache (kept between runs)")
    parser.add_argument("--model", type=Path, help="a trained NgramModel (.npz)")
    parser.add_argument("--train-synthetic", type=int, default=0, metavar="N",
                        help="train a model first from N synthetic texts per type")
    parser.add_argument("--failures", type=Path, help="write the wrong documents here (JSON)")
    parser.add_argument("--write-results", action="store_true",
                        help=f"append the tables to {RESULTS.name}")
    args = parser.parse_args()

    started = time.perf_counter()
    args.work.mkdir(parents=True, exist_ok=True)
    model = NgramModel.load(args.model) if args.model else None
    if args.train_synthetic:
        from sohoa.synth.typetexts import synthetic_examples

        texts, labels = synthetic_examples(args.train_synthetic, seed=args.seed + 1000)
        model = NgramModel.train(texts, labels)
    rows: list[dict[str, Any]] = []
    pages = 0
    recognized_s = 0.0
    for severity in args.severities:
        batch = args.work / f"{severity}-s{args.seed}-d{args.dossiers}"
        truth_file = batch / "truth.json"
        if truth_file.exists():
            truth = json.loads(truth_file.read_text(encoding="utf-8"))
        else:
            truth = write_batch(batch, args.seed, dossiers=args.dossiers, severity=severity)
            truth = json.loads(truth_file.read_text(encoding="utf-8"))
        t0 = time.perf_counter()
        # One cache per page-stage version: a change to recognition bumps PAGE_STAGE, and
        # figures must never mix pages read by an older engine.
        cache_name = f"analyses-{PAGE_STAGE.replace('/', '-')}.json"
        items = recognize(batch, truth, args.work / cache_name, args.jobs)
        recognized_s += time.perf_counter() - t0
        pages += len(items)
        rows += evaluate(batch, truth, items, severity, model)
        print(f"{severity}: {len(items)} pages, {time.perf_counter() - t0:.0f} s",
              file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    lines, _ = report(rows)
    print("\n".join(lines))
    wrong = [r for r in rows if needed_review(r) or r["needs_review"]]
    if args.failures:
        args.failures.write_text(json.dumps(wrong, ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
    print(f"\n{len(rows)} documents, {pages} pages in {elapsed / 60:.1f} min", file=sys.stderr)
    if args.write_results:
        command = "    .venv/bin/python bench/understand_bench.py " + " ".join(sys.argv[1:])
        existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Results\n"
        # A second run (e.g. with the trained model) goes under the same heading.
        heading = HEADING if HEADING not in existing else \
            f"### {'With' if model else 'Without'} the trained classifier fallback"
        section = ["", heading, "", "```", command.strip(), "```", "",
                   f"{len(args.severities)} severities × {args.dossiers} dossiers (seed "
                   f"{args.seed}): {len(rows)} documents, {pages} pages; model: "
                   f"{'yes' if model else 'none'}; {elapsed / 60:.1f} min on "
                   f"{os.cpu_count()} cores (recognition "
                   f"{'cached from an earlier run' if recognized_s < 60 else 'included'}).",
                   "", *lines, ""]
        RESULTS.write_text(existing.rstrip("\n") + "\n" + "\n".join(section), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
