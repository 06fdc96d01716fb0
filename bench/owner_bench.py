"""The owner on layouts the project never drew (issue 18): each page ingested on its own.

    .venv/bin/python bench/owner_bench.py --pages 270 --write-results

Pages come from ``sohoa.synth.forms_official`` (the official forms of every type in the
registry, current and previous versions, in Noto Serif, DejaVu Serif and TeX Gyre Termes, some
filled after dotted leaders), never from the generator the extractor was tuned on. Page ``i``
cycles through the forms and fonts; severities clean, light and medium alternate with it (heavy
too with ``--heavy``), 200 and 300 dpi alternate. Each page is recognized by the pipeline's own
page stage (``sohoa.pipeline.stages.analyze_page``) and drafted alone, with no dossier and no
receipt (``sohoa.pipeline.assemble.draft_document``: the real ``classify``, ``extract_fields``
and ``resolve_owner``), then compared with what the page prints:

- owner found: the drafted owner equals the printed owner number, over the pages that print one;
- confidently wrong: a drafted owner that is not the printed one (or any owner on a page that
  prints none), on a document not sent to review — the target is none; stored-but-reviewed wrong
  owners are counted apart (before session 11 that column counted every wrong owner, the
  confident ones too);
- found, sent to review: a right owner a person must still confirm (the price of doubt);
- which label: the printed wording the owner came from (``owner_label``), tallied.

Recognition is cached by page SHA-256 in ``--work``, so re-measuring after an extraction change
costs seconds. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from sohoa.doctypes import load_registry
from sohoa.ocr.classify import REVIEW_THRESHOLD
from sohoa.pipeline.analysis import AnalyzeOptions, PageAnalysis
from sohoa.pipeline.assemble import PageItem, draft_document
from sohoa.pipeline.inprocess import worker_init
from sohoa.pipeline.stages import analyze_page
from sohoa.records import Page
from sohoa.synth.forms_official import render_form

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## The owner on official-form layouts, each page alone (issue 18)"


def plan(index: int, heavy: bool) -> tuple[str, int]:
    severities = ("clean", "light", "medium", "heavy") if heavy else ("clean", "light", "medium")
    # Cycle severities on a period prime to the forms' (9) so every form meets every severity.
    return severities[(index // 9 + index) % len(severities)], (200, 300)[(index // 2) % 2]


def _page(index: int, heavy: bool) -> tuple[Page, dict[str, Any]]:
    severity, dpi = plan(index, heavy)
    form = render_form(index, severity=severity, dpi=dpi)
    data = form.jpeg()
    page = Page(source=f"form-{index:04d}.jpg", index=0, source_sha256="", data=data,
                mime="image/jpeg", width=form.image.width, height=form.image.height, dpi=dpi)
    truth = form.truth.to_json() | {"severity": severity, "dpi": dpi}
    return page, truth


def _analyze(args: tuple[int, bool, str]) -> tuple[int, dict[str, Any], dict[str, Any]]:
    index, heavy, _ = args
    page, truth = _page(index, heavy)
    analysis = analyze_page(page, AnalyzeOptions("vie", 120.0, ""))
    return index, truth, analysis.to_json()


def recognize(indices: list[int], heavy: bool, cache_file: Path, jobs: int
              ) -> dict[int, tuple[dict[str, Any], dict[str, Any]]]:
    cache: dict[str, Any] = {}
    if cache_file.exists():
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    key = "heavy" if heavy else "plain"
    todo = [i for i in indices if f"{key}:{i}" not in cache]
    if todo:
        with ProcessPoolExecutor(max_workers=jobs, initializer=worker_init) as pool:
            for n, (index, truth, analysis) in enumerate(pool.map(
                    _analyze, [(i, heavy, "") for i in todo], chunksize=1), 1):
                cache[f"{key}:{index}"] = {"truth": truth, "analysis": analysis}
                if n % 10 == 0:
                    print(f"   recognized {n}/{len(todo)}", file=sys.stderr, flush=True)
                    cache_file.write_text(json.dumps(cache, ensure_ascii=False),
                                          encoding="utf-8")
        cache_file.write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")
    return {i: (cache[f"{key}:{i}"]["truth"], cache[f"{key}:{i}"]["analysis"]) for i in indices}


def evaluate(results: dict[int, tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    registry = load_registry()
    rows: list[dict[str, Any]] = []
    for index, (truth, analysis_json) in sorted(results.items()):
        analysis = PageAnalysis.from_json(analysis_json)
        page = Page(source=f"form-{index:04d}.jpg", index=0, source_sha256="", data=b"",
                    mime="image/jpeg", width=1, height=1, dpi=truth["dpi"],
                    sha256=analysis.page_sha256)
        draft = draft_document([PageItem(page, analysis)], "", registry, None, REVIEW_THRESHOLD,
                               unassigned=False)
        wrong = draft.owner_id is not None and draft.owner_id != truth["owner_id"]
        rows.append({
            "index": index, "doc_type": truth["doc_type"], "form": truth["form"],
            "family": truth["family"], "severity": truth["severity"], "dpi": truth["dpi"],
            "printed": truth["owner_id"], "got": draft.owner_id, "label": draft.owner_label,
            "type_ok": draft.classification.doc_type == truth["doc_type"],
            # values typed after dotted leaders ("Họ và tên: ....NGUYỄN VĂN AN......")
            "leaders": any("...." in line for line in truth["lines"]),
            "found": truth["owner_id"] is not None and draft.owner_id == truth["owner_id"],
            "wrong": wrong, "confident_wrong": wrong and not draft.needs_review,
            # a right owner a person must still confirm: the price of the doubt
            "reviewed": draft.needs_review,
            "unsure": bool(analysis.ocr.unsure_ids),
            "read": (draft.extraction.fields.get("id_number").value
                     if draft.extraction.fields.get("id_number") else None),
        })
    return {"rows": rows}


def summarize(rows: list[dict[str, Any]], seen: int = 0) -> tuple[list[str], list[str]]:
    def line(name: str, rs: list[dict[str, Any]]) -> str:
        printing = [r for r in rs if r["printed"]]
        found = sum(r["found"] for r in printing)
        share = f"{100 * found / len(printing):.1f}%" if printing else "–"
        return (f"| {name} | {len(rs)} | {sum(r['type_ok'] for r in rs)} | {len(printing)} | "
                f"{found} ({share}) | {sum(r['confident_wrong'] for r in rs)} | "
                f"{sum(r['wrong'] and not r['confident_wrong'] for r in rs)} | "
                f"{sum(r['found'] and r.get('reviewed', False) for r in rs)} |")

    table = ["| pages | n | type right | print an owner | owner found | confidently wrong | "
             "wrong but sent to review | found, sent to review |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    table.append(line("**all**", rows))
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by[f"severity {r['severity']}"].append(r)
        by[f"{r['dpi']} dpi"].append(r)
        by[r["family"]].append(r)
        by[r["form"]].append(r)
        by["dotted leaders" if r["leaders"] else "no dotted leaders"].append(r)
        if seen:
            by[f"held out: pages {seen}+, never looked at" if r["index"] >= seen
               else f"pages 0–{seen - 1}, misses looked at while fixing"].append(r)
    first = ("held", "pages", "sev", "2", "3", "dotted", "no dotted")  # before fonts, forms
    table += [line(k, by[k]) for k in sorted(by, key=lambda k: (not k.startswith(first), k))]
    misses = [f"- page {r['index']} ({r['form']}, {r['family']}, {r['severity']}, {r['dpi']} dpi):"
              f" printed {r['printed']}, read {r['read']}, owner {r['got']}"
              f"{', sent to review' if r.get('reviewed') else ''}"
              for r in rows if (r["printed"] and not r["found"]) or r["wrong"]]
    labels = Counter(r["label"] for r in rows if r["found"])
    misses.append("")
    unsure = [r for r in rows if r.get("unsure")]
    misses.append(f"Pages with a personal number whose readings disagreed: "
                  f"{len(unsure)}" + (" (" + ", ".join(
                      f"{r['index']}: " + ("owner right" if r["found"] else "owner wrong"
                                           if r["wrong"] else "no owner" if r["printed"]
                                           else "prints none") for r in unsure)
                      + ")" if unsure else ""))
    misses.append("Labels the found owners came from: " + "; ".join(
        f"“{k}” {v}" for k, v in labels.most_common()))
    return table, misses


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=270)
    ap.add_argument("--start", type=int, default=None,
                    help="first page index (default 0, or the seed's first page)")
    ap.add_argument("--seed", type=int, default=0,
                    help="another set of pages: they start at index SEED×100000, never drawn "
                         "by the default runs (each page's person, numbers and noise come from "
                         "its index)")
    ap.add_argument("--heavy", action="store_true", help="heavy photocopies in the cycle too")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path("out/owner_bench"))
    ap.add_argument("--cached-only", action="store_true",
                    help="score only the pages of the range already recognized in --work "
                         "(a run cut short: say so with the figures)")
    ap.add_argument("--write-results", action="store_true")
    ap.add_argument("--seen", type=int, default=0,
                    help="pages below this index were looked at while fixing: shown apart")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    start = args.start if args.start is not None else args.seed * 100_000
    indices = list(range(start, start + args.pages))
    if args.cached_only:
        cache_file = args.work / "cache.json"
        done = json.loads(cache_file.read_text(encoding="utf-8")) if cache_file.exists() else {}
        key = "heavy" if args.heavy else "plain"
        indices = [i for i in indices if f"{key}:{i}" in done]
    results = recognize(indices, args.heavy, args.work / "cache.json", args.jobs)
    rows = evaluate(results)["rows"]
    (args.work / "rows.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    table, misses = summarize(rows, args.seen)
    print("\n".join(table))
    print("\n".join(misses))
    print(f"({time.perf_counter() - started:.0f} s)")
    if args.write_results:
        command = "OMP_THREAD_LIMIT=1 nice .venv/bin/python bench/owner_bench.py " + " ".join(
            a for a in (argv if argv is not None else sys.argv[1:]) if a != "--write-results")
        block = [HEADING, "", f"Command: `{command.strip()}`", "", *table, "", *misses, ""]
        text = RESULTS.read_text(encoding="utf-8")
        if HEADING in text:
            head, _, rest = text.partition(HEADING)
            tail = rest.split("\n## ", 1)
            text = head + "\n".join(block) + ("\n## " + tail[1] if len(tail) > 1 else "")
        else:
            text = text.rstrip("\n") + "\n\n" + "\n".join(block)
        RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
