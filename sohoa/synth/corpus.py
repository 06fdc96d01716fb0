"""A page corpus for recognition benchmarks: every document type at every severity, each page
stored as the scanner would store it, with its printed lines beside it."""

from __future__ import annotations

import json
from pathlib import Path

from sohoa.errors import ConfigError
from sohoa.synth.degrade import SEVERITIES
from sohoa.synth.document import DOC_TYPES, render_document


def write_corpus(out_dir: Path, seed: int, *, doc_types: tuple[str, ...] = DOC_TYPES,
                 severities: tuple[str, ...] = SEVERITIES, per_type: int = 1,
                 dpi: int = 200) -> dict:
    """Write ``<type>-<severity>-<n>-p<page>.jpg`` files and ``corpus.json``; return the latter.

    ``corpus.json`` is ``{"seed", "dpi", "pages": [{"file", "doc_type", "severity", "lines"}],
    "documents": [DocTruth as JSON + "severity" + "files"]}``.
    """
    unknown = [s for s in severities if s not in SEVERITIES]
    if unknown:
        raise ConfigError(f"không có mức độ khó {unknown[0]!r}; hãy dùng "
                          f"{', '.join(SEVERITIES)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages: list[dict] = []
    documents: list[dict] = []
    for doc_type in doc_types:
        for n in range(per_type):
            for severity in severities:
                # The same document at every severity, so severities compare like with like.
                doc = render_document(doc_type, seed * 1000 + n, severity=severity, dpi=dpi)
                files = []
                for i, lines in enumerate(doc.truth.page_lines):
                    name = f"{doc_type}-{severity}-{n}-p{i + 1}.jpg"
                    (out_dir / name).write_bytes(doc.page_jpeg(i))
                    files.append(name)
                    pages.append({"file": name, "doc_type": doc_type, "severity": severity,
                                  "lines": lines})
                documents.append(doc.truth.to_json() | {"severity": severity, "files": files})
    corpus = {"seed": seed, "dpi": dpi, "pages": pages, "documents": documents}
    (out_dir / "corpus.json").write_text(json.dumps(corpus, ensure_ascii=False, indent=1) + "\n",
                                         encoding="utf-8")
    return corpus
