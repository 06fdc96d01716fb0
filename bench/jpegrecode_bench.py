"""What the archival PDF's lossless JPEG re-coding (``ocr/jpegrecode.py``) saves and costs.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/jpegrecode_bench.py --pages 20 --seed 19

The pages are the project's own scans (``sohoa.synth.render_document``, A4 at 300 dpi, colour
JPEG as a desk scanner stores them, severity "light"), the same corpus as
``bench/pdf_producers_bench.py``, plus the same pages in grey at 200 dpi. For each page:
bytes before and after ``leaner_jpeg`` and the CPU it took (``jpegtran`` in a child process,
user+sys, plus the Pillow decode of both files that checks the pixels are the same); then the
same with progressive coding, which sohoa does not use (for comparison). Nothing here is run
by the test suite.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from pdf_producers_bench import corpus

from sohoa.ocr.jpegrecode import leaner_jpeg, same_pixels
from sohoa.synth.degrade import encode_jpeg


def cpu_now() -> float:
    mine = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + kids.ru_utime + kids.ru_stime


def progressive(data: bytes) -> bytes:
    """The road not taken: progressive coding, checked the same way (for comparison)."""
    done = subprocess.run(["jpegtran", "-copy", "icc", "-progressive"], input=data,
                          capture_output=True, check=True)
    return done.stdout if same_pixels(data, done.stdout) else data


def measure(label: str, pages: list[bytes],
            recode: Callable[[bytes], bytes] = leaner_jpeg) -> str:
    before = after = 0
    cpus = []
    for data in pages:
        start = cpu_now()
        leaner = recode(data)
        cpus.append(cpu_now() - start)
        assert same_pixels(data, leaner)
        before += len(data)
        after += len(leaner)
    cpus.sort()
    return (f"| {label} | {len(pages)} | {before / 1e6:.2f} MB | {after / 1e6:.2f} MB | "
            f"{after / before:.3f}× | {sum(cpus) / len(cpus):.3f} | {cpus[len(cpus) // 2]:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    colour = corpus(args.pages, args.seed)
    grey = []
    for data in colour:
        image = Image.open(io.BytesIO(data)).convert("L")
        size = (image.width * 2 // 3, image.height * 2 // 3)
        image = image.resize(size, Image.Resampling.LANCZOS)
        grey.append(encode_jpeg(image, "light", 200))
    started = time.strftime("%Y-%m-%d %H:%M")
    print(f"{started}, load average {os.getloadavg()[0]:.1f}\n")
    print("| pages | n | input | re-coded | ratio | CPU s/page (mean) | CPU s/page (median) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(measure("A4 300 dpi colour", colour))
    print(measure("A4 200 dpi grey", grey))
    print(measure("A4 300 dpi colour, progressive (not used)", colour, progressive))
    print(measure("A4 200 dpi grey, progressive (not used)", grey, progressive))


if __name__ == "__main__":
    main()
