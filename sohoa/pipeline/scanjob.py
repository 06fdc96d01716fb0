"""The scan job: sheets through a SANE scanner's feeder into a new folder, then the ingest.

Orchestration only: ``sohoa.scanners.sane`` drives ``scanimage``; ``run_ingest`` does the rest,
exactly as for files dropped in a folder, so a scanned batch is split, recognized, signed and
stored by the same code (and re-running the ingest on the scan folder stores nothing twice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sohoa.clock import vietnam_now
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.outcomes import Emit, IngestSummary
from sohoa.pipeline.progress import Progress
from sohoa.pipeline.services import make_document_signer
from sohoa.pipeline.settings import Settings
from sohoa.scanners.sane import Device, ScannerError, ScanOptions, ScanResult, scan_batch
from sohoa.scanners.sane import list_devices as sane_devices

SCANS = "scans"


@dataclass
class ScanJobResult:
    scan: ScanResult
    ingest: IngestSummary


def new_scan_folder(settings: Settings, now: datetime | None = None) -> Path:
    """``HOME/scans/20261127-143005`` (Viet Nam's time, as the clerk reads it), made here and
    never an old one: two scans started in the same second (two desks on one home) each
    claim their own folder, since only one ``mkdir`` of a name succeeds."""
    stamp = (now or vietnam_now()).strftime("%Y%m%d-%H%M%S")
    base = settings.home / SCANS / stamp
    base.parent.mkdir(parents=True, exist_ok=True)
    folder, n = base, 2
    while True:
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            folder = base.with_name(f"{stamp}-{n}")
            n += 1


def list_devices() -> list[Device]:
    """The scanners SANE sees, for ``sohoa scan --list`` (the face does not reach scanners/)."""
    return sane_devices()


def run_scan(settings: Settings, *, device: str | None, options: ScanOptions,
             out: Path | None = None, unit: str | None = None, emit: Emit = lambda _: None,
             on_page: Callable[[Path], None] = lambda _: None,
             progress: Progress | None = None, by: str | None = None) -> ScanJobResult:
    """Scan one batch from the feeder and ingest it (``options.duplex`` marks back sides);
    ``by``: who scans, named in the audit log's events of the job."""
    # refused now, not at the first file (or after the feeder ran); an empty one too
    from sohoa.pipeline.dossierdesk import refuse_given_unit

    refuse_given_unit(settings, unit)
    # a signer that cannot sign (no key, OCSP/CRL/TSA not answering) is said before the sheets
    # go through the feeder
    from sohoa.pipeline.signerstatus import check_signer_ready

    check_signer_ready(settings, make_document_signer(settings))
    folder = out if out is not None else new_scan_folder(settings)
    try:
        scanned = scan_batch(folder, device, options, on_page=on_page)
    except ScannerError:
        if out is None and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # no empty scan folders left behind by a scanner that was off
        raise
    summary = run_ingest([folder], settings, unit=unit, duplex=options.duplex, emit=emit,
                         progress=progress, check_signer=False, by=by)  # checked above
    return ScanJobResult(scanned, summary)
