"""The ingest job: files in, signed documents stored, every outcome reported.

The edge where the executor is chosen, and nothing else. The job (``stages.IngestJob``), the
stage functions (``stages``) and the outcome model (``outcomes``) are the same for both:

- no broker: ``inprocess`` runs the stages in a process pool beside the clerk;
- ``broker = "redis://…"``: ``queue`` sends them as dramatiq messages to ``sohoa worker``
  processes and follows the job on its board.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sohoa.pipeline.inprocess import ingest_in_process
from sohoa.pipeline.outcomes import Emit, IngestSummary
from sohoa.pipeline.progress import Progress
from sohoa.pipeline.settings import Settings
from sohoa.pipeline.stages import IngestJob
from sohoa.records import Page

__all__ = ["Emit", "IngestSummary", "run_ingest"]


def run_ingest(paths: Sequence[Path], settings: Settings, *, unit: str | None = None,
               duplex: bool = False, emit: Emit = lambda _: None,
               progress: Progress | None = None, wait: bool = True,
               batch: bool = False, check_signer: bool = True,
               by: str | None = None, after: Page | None = None) -> IngestSummary:
    """Ingest files or folders of scans. Expected problems are reported, never raised.

    ``duplex``: the scans alternate front and back sides (recorded in each page's provenance).
    With a ``broker`` configured the pages are enqueued for ``sohoa worker`` processes, which run
    the same stages; ``wait`` then follows the job to its end (else returns once it is queued).
    ``batch``: the paths are one scanner batch (a folder of one file per page): a page refused
    keeps the whole batch out, not only its own file (``stages.PageScreen``).
    ``check_signer``: ask the signer's OCSP/CRL and TSA before the first page is recognized
    (``DocumentSigner.check_ready``); False for a caller that checked once at its own start
    (``watch``, ``scan``): each check costs a timestamp request, which a TSA may count or bill.
    ``by``: who runs it, named in the audit log's events of the job (else sohoa itself).
    ``after``: the last page with content of the file before, in the same scan session (the
    hot folder's previous file): a lone blank page is then its back, not a failure
    (``stages.PageScreen``); the summary's ``last_content`` is this job's, for the next.
    """
    # Where each file is, whatever folder the command ran in: the quarantine's retry, the
    # hot folder and the known-file ledger find a file by it later, from anywhere.
    paths = [Path(p).absolute() for p in paths]
    # Papers stored under a unit nobody knows, or none, fall outside every unit's lists and
    # KPI (tester10 F24): refused as dossier open refuses it, whoever calls.
    from sohoa.pipeline.dossierdesk import refuse_given_unit

    refuse_given_unit(settings, unit)
    if settings.broker:
        # imported here: dramatiq and redis are loaded only by a desk that uses a broker
        from sohoa.pipeline.queue.producer import enqueue_ingest

        return enqueue_ingest(paths, settings, unit=unit, duplex=duplex, emit=emit,
                              progress=progress, wait=wait, batch=batch, by=by, after=after)
    job = IngestJob.describe(paths, settings, unit, duplex, batch, by, after)
    return ingest_in_process(job, settings, emit=emit, progress=progress,
                             check_signer=check_signer)
