"""Print the demo's ingest results (JSON lines from `sohoa ingest --json`) as a short table,
and under it why each paper waits for a person: a reason names a file path, which no column
holds whole (tester15 F6: folded inside the review column, "…/out/d" / "emo-batch/…"), so the
table marks the paper and the reason is printed whole below, one line each."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Column, Table

from sohoa.cli.output import type_name
from sohoa.vntext import shown_number


def main(path: str) -> None:
    table = Table("giấy tờ", "hồ sơ", "loại", "chủ sở hữu", "tên / số", "trang", "tin cậy",
                  Column("rà soát", no_wrap=True))
    quarantined, warnings = [], []
    reasons: list[tuple[str, str]] = []  # (document id, reason), numbered in the table
    with open(path, encoding="utf-8") as lines:
        docs = [json.loads(line) for line in lines]
    for doc in docs:
        if "error" in doc:
            quarantined.append(doc)
            continue
        if "warning" in doc:  # a page stored all the same (a grey scan): said below
            warnings.append(doc)
            continue
        if doc.get("duplicate"):
            continue
        fields = doc["fields"]
        label = fields.get("full_name") or fields.get("enterprise_name") or ""
        number = fields.get("document_number") or ""
        review = ""
        if doc["needs_review"]:
            first = len(reasons) + 1
            reasons += [(doc["document_id"], r) for r in doc["review_reasons"]]
            marks = range(first, len(reasons) + 1)
            review = "cần, " + ("xem " + ", ".join(f"({n})" for n in marks) if marks
                                else "không ghi lý do")
        # the type as every other listing names it, never its code (tester12 F7)
        table.add_row(doc["document_id"], doc["dossier_code"], type_name(doc["doc_type"]),
                      doc["owner_id"] or "?", f"{label} {number}".strip(),
                      str(len(doc["pages"])), shown_number(doc["confidence"], 2), review)
    console = Console(width=160)
    console.print(table)
    if reasons:
        console.print("lý do cần rà soát:")
    for n, (doc_id, reason) in enumerate(reasons, start=1):
        # one line, whatever its length: a path is never broken, nothing is cut
        console.print(f"({n}) {doc_id}: {reason}", markup=False, soft_wrap=True)
    for w in warnings:
        console.print(f"[yellow]lưu ý[/] {w['source']}: {w['warning']}")
    for q in quarantined:
        console.print(f"[red]cách ly[/] {q['source']}: {q['error']}")


if __name__ == "__main__":
    main(sys.argv[1])
