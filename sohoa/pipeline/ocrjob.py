"""``sohoa ocr``: the OCRmyPDF job — images or PDFs in, one searchable PDF/A out.

The same stage function as the ingest pipeline, without dossiers, signing or the archive.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from sohoa.errors import ConfigError, WorkerDiedError
from sohoa.ocr import PdfPage, build_pdf
from sohoa.ocr.jpegrecode import leaner_jpeg
from sohoa.pipeline.analysis import AnalyzeOptions
from sohoa.pipeline.progress import Progress
from sohoa.pipeline.recognition import recognize_only
from sohoa.pipeline.settings import Settings, worker_log
from sohoa.pipeline.workerproc import worker_init
from sohoa.records import OcrPage, Page, Quarantined
from sohoa.scanners import expand_inputs, read_pages


def _recognized(page: Page, options: AnalyzeOptions) -> tuple[OcrPage, bytes | None]:
    """A worker's part: the page read, and its JPEG re-coded for the PDF (``leaner_jpeg``:
    a tenth of a second a page, done by the workers side by side rather than by the parent
    one page after another once every page is read)."""
    if page.mime != "image/jpeg":
        return recognize_only(page, options), None
    # Decoded once, for the reading and for the re-coded file's check (≈0.03 CPU s a page).
    from sohoa.ocr import open_image

    image = None if page.text_pdf else open_image(page.data)
    return recognize_only(page, options, image), leaner_jpeg(page.data, image)


def run_ocr(inputs: Sequence[Path], output: Path, settings: Settings, *,
            sidecar: Path | None = None, jobs: int | None = None,
            progress: Progress | None = None) -> dict[str, Any]:
    started = time.monotonic()
    pages: list[Page] = []
    quarantined: list[dict[str, Any]] = []
    for path in expand_inputs(inputs):
        for item in read_pages(path):
            if isinstance(item, Quarantined):
                quarantined.append({"source": item.source, "page": item.page_index,
                                    "error": item.reason})
            else:
                pages.append(item)
    if not pages:
        # Every input was skipped: say why (the reasons, not "a document needs a page"), and
        # as a refusal of the command line (exit 2), since nothing was made of anything.
        why = "; ".join(f"{Path(q['source']).name}: {q['error']}" for q in quarantined)
        raise ConfigError(f"không có trang nào để nhận dạng, chưa ghi gì ra {output}"
                          + (f" ({why})" if why else ""))
    if progress:
        progress.start(len(pages))
    options = AnalyzeOptions(settings.ocr_lang, settings.ocr_timeout_s, settings.code_pattern)
    workers = max(1, jobs or settings.ocr_jobs)
    results = []
    leaner: list[bytes | None] = []
    try:
        with ProcessPoolExecutor(max_workers=workers, initializer=worker_init,
                                 initargs=(str(worker_log(settings)), os.getpid())) as pool:
            for ocr_page, lean in pool.map(_recognized, pages, [options] * len(pages)):
                results.append(ocr_page)
                leaner.append(lean)
                if progress:
                    progress.advance()
    except BrokenProcessPool as exc:
        # a worker killed from outside (the OOM killer): the machine, not the file, nor a bug;
        # nothing is written, so the same command simply starts over
        raise WorkerDiedError(
            f"Một tiến trình nhận dạng chữ bị dừng đột ngột sau {len(results)}/{len(pages)} "
            f"trang, có lẽ do máy hết bộ nhớ; chưa ghi gì ra {output}. Giải phóng bộ nhớ hoặc "
            f"giảm số tiến trình (đang là {workers}: --jobs, ocr.jobs hay SOHOA_OCR_JOBS) rồi "
            "chạy lại đúng lệnh này.") from exc
    pdf_pages = [PdfPage(p.data, p.mime, p.dpi, r, lean)
                 for p, r, lean in zip(pages, results, leaner, strict=True)]
    pdf = build_pdf(pdf_pages, title=output.stem, author=settings.agency)
    tmp = output.with_name(output.name + ".part")
    tmp.write_bytes(pdf)
    tmp.replace(output)
    if sidecar is not None:
        sidecar.write_text("\n\f".join(r.text for r in results) + "\n", encoding="utf-8")
    confidences = [r.confidence for r in results if r.words]
    return {
        "output": str(output),
        "pages": len(results),
        "confidence": sum(confidences) / len(confidences) if confidences else 0.0,
        "timed_out_pages": [i for i, r in enumerate(results) if r.timed_out],
        # pages kept as their producer made them, their text read from the PDF (no OCR)
        "born_digital_pages": [i for i, p in enumerate(pages) if p.born_digital],
        "quarantined": quarantined,
        "seconds": round(time.monotonic() - started, 2),
    }
