"""What placing the stamp on blank paper costs: one-page B-B signatures with page 1's ink given
(what the ingest passes, computed from the scan it holds) and with page 1 rendered by pdftoppm
(what `sohoa sign` of any other PDF does). CPU includes the pdftoppm child processes.

    .venv/bin/python bench/stamp_placement_bench.py
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "signing"))
from signing_helpers import image_pdf

from sohoa.signing import (
    DocumentSigner,
    KeySource,
    PageInk,
    SigningSettings,
    create_dev_identity,
)

ROUNDS = 30


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    identity = create_dev_identity(Path(tempfile.mkdtemp()), "UBND tỉnh Đồng Nai")
    key = KeySource.from_pkcs12(identity.pkcs12, identity.password())
    signer = DocumentSigner(key, SigningSettings(), "UBND tỉnh Đồng Nai")
    pdf = image_pdf(1)
    blank = PageInk(np.zeros((585, 414), dtype=bool))
    variants: list[tuple[str, dict]] = [
        ("ink given (the ingest)", {"ink": blank}),
        ("page 1 rendered by pdftoppm (sohoa sign)", {}),
    ]
    for label, options in variants:
        signer.sign(pdf, **options)  # warm: font subset, placeholder size
        cpu, wall = _cpu(), time.perf_counter()
        for _ in range(ROUNDS):
            signer.sign(pdf, **options)
        cpu, wall = _cpu() - cpu, time.perf_counter() - wall
        print(f"{label}: {ROUNDS / cpu:.1f} sig/s per core (CPU), {ROUNDS / wall:.1f} sig/s wall")


if __name__ == "__main__":
    main()
