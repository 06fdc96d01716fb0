"""Print the demo's ingest results (JSON lines from `sohoa ingest --json`) as a short table."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Column, Table

from sohoa.cli.output import type_name
from sohoa.vntext import shown_number


def main(path: str) -> None:
    # the review reason names a file path, which has no space to wrap at: folded, never cut
    table = Table("giấy tờ", "hồ sơ", "loại", "chủ sở hữu", "tên / số", "trang", "tin cậy",
                  Column("rà soát", overflow="fold"))
    quarantined, warnings = [], []
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
        # the type as every other listing names it, never its code (tester12 F7)
        table.add_row(doc["document_id"], doc["dossier_code"], type_name(doc["doc_type"]),
                      doc["owner_id"] or "?", f"{label} {number}".strip(),
                      str(len(doc["pages"])), shown_number(doc["confidence"], 2),
                      "; ".join(doc["review_reasons"]) if doc["needs_review"] else "")
    console = Console(width=160)
    console.print(table)
    for w in warnings:
        console.print(f"[yellow]lưu ý[/] {w['source']}: {w['warning']}")
    for q in quarantined:
        console.print(f"[red]cách ly[/] {q['source']}: {q['error']}")


if __name__ == "__main__":
    main(sys.argv[1])
