"""Signing benchmark (issue 6): sohoa's DocumentSigner against stock pyHanko and pyHanko's CLI.

One run, the same inputs for every contender: a 1-page and a 30-page scanned PDF made from the
project's synthetic scans (``sohoa.synth.render_document``, page JPEGs embedded as they are).

1. Stamped PAdES B-B signatures per second per core (CPU time: the machine is shared, so wall
   time is printed too but the ratios use CPU) for
   - sohoa's ``DocumentSigner`` (key parsed once, stamp font subset once, placeholder sized once);
   - pyHanko's ``signers.sign_pdf`` with ``SimpleSigner``, the key loaded once and per call;
   - pyHanko's CLI (``pyhanko sign addsig ... pkcs12``, package pyhanko-cli), one process per
     signature as a user would run it; its CPU is the child's (``os.wait4``).
2. B-T and B-LTA with the local test PKI (tests/signing/signing_pki.py: certomancer's TSA, OCSP
   and CRLs on 127.0.0.1), served from a separate process so that its CPU is not counted as the
   signer's; the server counts and times each TSA/OCSP/CRL request. Then one B-LTA signature under
   cProfile: where the time goes.
3. Peak memory (max RSS of a fresh process, ``os.wait4``) signing a ~150 MB PDF.

    .venv/bin/python bench/sign_bench.py            # everything (~3 min on 2 loaded cores)
    .venv/bin/python bench/sign_bench.py --quick    # shorter budgets, 40 MB instead of 150 MB

Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "signing"))  # the local PKI of the signing tests

AGENCY = "UBND tỉnh Đồng Nai"
A4 = (595.28, 841.89)
# What sohoa's stamp takes on an A4 page (top right, 60 x 22 mm at least); the stock contenders
# get a field of the same size, with pyHanko's default stamp.
BOX = (392, 748, 575, 824)
PYHANKO = REPO / ".venv" / "bin" / "pyhanko"


# --- inputs -----------------------------------------------------------------------------------


def scan_jpegs(count: int, severity: str = "light") -> list[bytes]:
    """``count`` distinct scanned pages (JPEG, 200 dpi) from the synthetic document generator."""
    from sohoa.synth import DOC_TYPES, render_document

    pages: list[bytes] = []
    seed = 0
    while len(pages) < count:
        doc = render_document(DOC_TYPES[seed % len(DOC_TYPES)], seed, severity=severity)
        pages.extend(doc.page_jpeg(i) for i in range(len(doc.pages)))
        seed += 1
    return pages[:count]


def scan_pdf(jpegs: list[bytes], pages: int) -> bytes:
    """A PDF of ``pages`` A4 pages, each a page JPEG (cycled through ``jpegs``) as DCTDecode."""
    import pikepdf
    from PIL import Image

    pdf = pikepdf.new()
    for i in range(pages):
        data = jpegs[i % len(jpegs)]
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            gray = img.mode == "L"
        image = pikepdf.Stream(pdf, data)
        image.Type = pikepdf.Name.XObject
        image.Subtype = pikepdf.Name.Image
        image.Width, image.Height = width, height
        image.ColorSpace = pikepdf.Name.DeviceGray if gray else pikepdf.Name.DeviceRGB
        image.BitsPerComponent = 8
        image.Filter = pikepdf.Name.DCTDecode
        content = pikepdf.Stream(pdf, f"q {A4[0]} 0 0 {A4[1]} 0 0 cm /Im0 Do Q".encode())
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, A4[0], A4[1]],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
            Contents=content,
        )
        pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out, static_id=True)
    return out.getvalue()


@dataclass(frozen=True)
class Identity:
    p12: Path
    password_file: Path

    @property
    def password(self) -> bytes:
        return self.password_file.read_bytes().strip()


def dev_identity(directory: Path) -> Identity:
    """sohoa's self-made test identity: RSA-3072 agency certificate, no CRL/OCSP addresses."""
    from sohoa.signing import create_dev_identity

    made = create_dev_identity(directory, AGENCY)
    return Identity(made.pkcs12, made.password_file)


# --- B-B contenders ---------------------------------------------------------------------------


@dataclass
class Rate:
    name: str
    pages: int
    count: int
    cpu: float
    wall: float

    @property
    def per_cpu_second(self) -> float:
        return self.count / self.cpu if self.cpu else float("inf")

    @property
    def per_wall_second(self) -> float:
        return self.count / self.wall if self.wall else float("inf")


def in_process(name: str, pages: int, sign: Callable[[], bytes], budget: float,
               warmup: int = 2, limit: int = 2000) -> Rate:
    for _ in range(warmup):
        sign()
    count, cpu0, wall0 = 0, time.process_time(), time.perf_counter()
    while count < limit and (count < 5 or time.perf_counter() - wall0 < budget):
        out = sign()
        assert len(out) > 1000
        count += 1
    return Rate(name, pages, count, time.process_time() - cpu0, time.perf_counter() - wall0)


def sohoa_signer(identity: Identity):  # -> DocumentSigner
    from sohoa.signing import DocumentSigner, KeySource, SigningSettings

    key = KeySource.from_pkcs12(identity.p12, identity.password)
    return DocumentSigner(key, SigningSettings(), AGENCY)


def stock_sign(pdf: bytes, signer) -> bytes:  # signer: pyhanko SimpleSigner
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name="Signature1", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    spec = fields.SigFieldSpec("Signature1", on_page=0, box=BOX)
    return signers.sign_pdf(writer, meta, signer=signer, new_field_spec=spec).getvalue()


def load_stock_signer(identity: Identity):  # -> SimpleSigner
    from pyhanko.sign.signers import SimpleSigner

    signer = SimpleSigner.load_pkcs12(str(identity.p12), passphrase=identity.password)
    assert signer is not None
    return signer


def cli_command(identity: Identity, src: Path, dst: Path) -> list[str]:
    field = f"1/{','.join(str(v) for v in BOX)}/Signature1"
    return [str(PYHANKO), "sign", "addsig", "--field", field, "--use-pades", "pkcs12",
            "--passfile", str(identity.password_file), str(src), str(dst), str(identity.p12)]


# Runs a command and reports its own rusage. The measured process must not be started from the
# benchmark itself: Linux charges a child started with vfork/fork the parent's memory as its own
# peak (max RSS is taken over the address space it began in), and the benchmark holds ~300 MB.
_LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(usage.ru_utime + usage.ru_stime, time.perf_counter() - start, usage.ru_maxrss,
      os.waitstatus_to_exitcode(status))
"""


def run_child(args: list[str]) -> tuple[float, float, int]:
    """Run a command to the end; its CPU seconds, wall seconds and max RSS (KiB)."""
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, *args], capture_output=True,
                          text=True, check=True)
    cpu, wall, rss, code = done.stdout.split()
    if int(code) != 0:
        raise RuntimeError(f"{args[:3]} failed: {done.stderr[-2000:]}")
    return float(cpu), float(wall), int(rss)


def cli_rate(identity: Identity, pdf: bytes, pages: int, work: Path, budget: float) -> Rate:
    src, dst = work / f"cli-in-{pages}.pdf", work / f"cli-out-{pages}.pdf"
    src.write_bytes(pdf)
    run_child(cli_command(identity, src, dst))  # warm the page cache
    count, cpu, wall = 0, 0.0, 0.0
    while count < 3 or (wall < budget and count < 50):
        c, w, _ = run_child(cli_command(identity, src, dst))
        cpu, wall, count = cpu + c, wall + w, count + 1
    assert dst.stat().st_size > len(pdf)
    return Rate("pyHanko CLI (`pyhanko sign addsig`, a process per signature)", pages, count,
                cpu, wall)


def bench_b_b(identity: Identity, pdfs: dict[int, bytes], work: Path, budget: float) -> list[Rate]:
    signer = sohoa_signer(identity)
    stock = load_stock_signer(identity)
    rates = []
    for pages, pdf in pdfs.items():
        rates.append(in_process("sohoa DocumentSigner", pages,
                                lambda pdf=pdf: signer.sign(pdf)[0], budget))
        rates.append(in_process("pyHanko sign_pdf + SimpleSigner, key loaded once", pages,
                                lambda pdf=pdf: stock_sign(pdf, stock), budget))
        rates.append(in_process(
            "pyHanko sign_pdf + SimpleSigner, key loaded per call", pages,
            lambda pdf=pdf: stock_sign(pdf, load_stock_signer(identity)), budget))
        rates.append(cli_rate(identity, pdf, pages, work, budget))
    return rates


# --- B-T / B-LTA with the local PKI in its own process ----------------------------------------


def _pki_process(directory: str, conn: Connection) -> None:
    from aiohttp import web
    from signing_pki import PkiServer

    counts: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)

    @web.middleware
    async def meter(request: web.Request, handler):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return await handler(request)
        finally:
            path = request.path
            kind = ("TSA" if "/tsa/" in path else "OCSP" if "/ocsp/" in path
                    else "CRL" if "crl" in path else "other")
            counts[kind] += 1
            seconds[kind] += time.perf_counter() - start

    server = PkiServer(Path(directory), middlewares=[meter])
    pki = server.start()
    conn.send((str(pki.agency_p12), str(pki.root_pem), pki.tsa_url))
    while True:
        message = conn.recv()
        if message == "reset":
            counts.clear()
            seconds.clear()
            conn.send(time.process_time())
        elif message == "stats":
            conn.send((dict(counts), dict(seconds), time.process_time()))
        else:
            break
    server.stop()


class PkiProcess:
    def __init__(self, directory: Path) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_pki_process, args=(str(directory), child), daemon=True)
        directory.mkdir(parents=True, exist_ok=True)
        self._proc.start()
        if not self._conn.poll(120):
            self._proc.kill()
            raise RuntimeError("the local PKI did not start (see the messages above)")
        p12, root, self.tsa_url = self._conn.recv()
        self.agency_p12, self.root_pem = Path(p12), Path(root)

    def reset(self) -> float:
        self._conn.send("reset")
        return self._conn.recv()

    def stats(self) -> tuple[dict[str, int], dict[str, float], float]:
        self._conn.send("stats")
        return self._conn.recv()

    def stop(self) -> None:
        self._conn.send("stop")
        self._proc.join(timeout=20)


@dataclass
class LevelRate:
    level: str
    count: int
    cpu: float
    wall: float
    requests: dict[str, int]
    server_seconds: dict[str, float]
    server_cpu: float


def bench_levels(pki: PkiProcess, pdf: bytes, budget: float) -> list[LevelRate]:
    from signing_pki import PASSWORD

    from sohoa.signing import DocumentSigner, KeySource, SigningSettings

    key = KeySource.from_pkcs12(pki.agency_p12, PASSWORD)
    out = []
    for level in ("B-B", "B-T", "B-LT", "B-LTA"):
        signer = DocumentSigner(key, SigningSettings(level=level, tsa_url=pki.tsa_url), AGENCY,
                                extra_trust_roots=[pki.root_pem])
        signer.sign(pdf)
        signer.sign(pdf)
        server_cpu0 = pki.reset()
        count, cpu0, wall0 = 0, time.process_time(), time.perf_counter()
        while count < 5 or (time.perf_counter() - wall0 < budget and count < 500):
            signer.sign(pdf)
            count += 1
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        counts, seconds, server_cpu1 = pki.stats()
        out.append(LevelRate(level, count, cpu, wall, counts, seconds, server_cpu1 - server_cpu0))
    return out


_CATEGORIES = (
    ("waiting for the TSA/OCSP/CRL server (event loop idle)", ("select.epoll", "selectors")),
    ("socket calls (connect, send, recv, close)", ("_socket.socket", "socket.close")),
    ("SHA-256 of the document and attributes", ("_hashlib", "hashlib")),
    ("public-key operations (sign, verify)", ("cryptography", "oscrypto")),
    ("certificate path and revocation validation", ("pyhanko_certvalidator",)),
    ("ASN.1 / CMS encoding and parsing", ("asn1crypto",)),
    ("HTTP client (aiohttp)", ("aiohttp", "yarl", "multidict", "aiohappyeyeballs")),
    ("asyncio machinery", ("asyncio",)),
    ("PDF parsing and writing (pyHanko pdf_utils)", ("pyhanko/pdf_utils",)),
    ("stamp font and appearance", ("fontTools", "pyhanko/stamp", "sohoa/signing/stamp")),
    ("pyHanko signing / validation logic", ("pyhanko/sign",)),
    ("sohoa signer", ("sohoa/",)),
)


def _category(func: tuple[str, int, str]) -> str | None:
    filename, _, name = func
    text = name if filename == "~" else filename
    for label, needles in _CATEGORIES:
        if any(n in text for n in needles):
            return label
    return None


def where_time_goes(pki: PkiProcess, pdf: bytes) -> tuple[float, dict[str, float], int]:
    """Profile one B-LTA signature; its wall seconds, seconds per category, function calls."""
    from signing_pki import PASSWORD

    from sohoa.signing import DocumentSigner, KeySource, SigningSettings

    key = KeySource.from_pkcs12(pki.agency_p12, PASSWORD)
    signer = DocumentSigner(key, SigningSettings(level="B-LTA", tsa_url=pki.tsa_url), AGENCY,
                            extra_trust_roots=[pki.root_pem])
    signer.sign(pdf)
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    signer.sign(pdf)
    profile.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(profile)
    raw = stats.stats  # type: ignore[attr-defined]
    spent: dict[str, float] = defaultdict(float)
    calls = 0
    for func, (_, ncalls, tottime, _, callers) in raw.items():
        calls += ncalls
        label = _category(func)
        if label is not None or not callers:
            spent[label or "other"] += tottime
            continue
        # A built-in with no category of its own (bytes.join, zlib, dict ops...) counts for
        # whoever called it, in proportion to the time spent from each caller.
        total = sum(c[2] for c in callers.values()) or 1.0
        for caller, timing in callers.items():
            spent[_category(caller) or "other"] += tottime * timing[2] / total
    return wall, dict(spent), calls


# --- peak memory ------------------------------------------------------------------------------


def _memory_child(contender: str, src: str, dst: str, p12: str, password_file: str) -> None:
    identity = Identity(Path(p12), Path(password_file))
    if contender == "baseline":
        import pyhanko.sign.signers  # noqa: F401

        import sohoa.signing
        return
    if contender == "read":
        import sohoa.signing  # noqa: F401

        Path(dst).write_bytes(Path(src).read_bytes())
        return
    if contender == "sohoa":
        signer = sohoa_signer(identity)
        out, _ = signer.sign(Path(src).read_bytes())
        Path(dst).write_bytes(out)
        return
    if contender == "sohoa-file":
        signer = sohoa_signer(identity)
        signer.sign_file(Path(src), Path(dst))
        return
    if contender == "pyhanko":
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        stock = load_stock_signer(identity)
        meta = signers.PdfSignatureMetadata(
            field_name="Signature1", md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        spec = fields.SigFieldSpec("Signature1", on_page=0, box=BOX)
        with open(src, "rb") as inf, open(dst, "wb") as outf:
            writer = IncrementalPdfFileWriter(inf)
            signers.sign_pdf(writer, meta, signer=stock, new_field_spec=spec, output=outf)
        return
    raise SystemExit(f"unknown contender {contender}")


def bench_memory(identity: Identity, big: Path, work: Path) -> list[tuple[str, int, float]]:
    """Max RSS (KiB) and wall seconds of a fresh process per contender."""
    contenders = [
        ("baseline", "Python + sohoa.signing + pyHanko imported, nothing read"),
        ("read", "... + the PDF read into memory and written back"),
        ("sohoa", "sohoa DocumentSigner.sign(bytes)"),
        ("sohoa-file", "sohoa DocumentSigner.sign_file(path, path)"),
        ("pyhanko", "pyHanko sign_pdf, file in, file out"),
    ]
    out = []
    for contender, label in contenders:
        dst = work / f"mem-{contender}.pdf"
        _, wall, rss = run_child([sys.executable, __file__, "_memory_child", contender, str(big),
                                  str(dst), str(identity.p12), str(identity.password_file)])
        out.append((label, rss, wall))
        dst.unlink(missing_ok=True)
    dst = work / "mem-cli.pdf"
    _, wall, rss = run_child(cli_command(identity, big, dst))
    out.append(("pyHanko CLI", rss, wall))
    dst.unlink(missing_ok=True)
    return out


# --- report -----------------------------------------------------------------------------------


def print_b_b(rates: list[Rate]) -> None:
    print("\n### Stamped PAdES B-B, RSA-3072 key from a PKCS#12 file\n")
    print("| pages | signer | signatures | CPU s | sig/s per core (CPU) | sig/s (wall) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for r in rates:
        print(f"| {r.pages} | {r.name} | {r.count} | {r.cpu:.2f} | {r.per_cpu_second:.1f} "
              f"| {r.per_wall_second:.1f} |")
    print()
    for pages in sorted({r.pages for r in rates}):
        ours = next(r for r in rates if r.pages == pages and r.name.startswith("sohoa"))
        others = [r for r in rates if r.pages == pages and r is not ours]
        parts = [f"{ours.per_cpu_second / o.per_cpu_second:.1f}x {o.name}" for o in others]
        print(f"- {pages} page(s), CPU-based ratio sohoa vs: " + "; ".join(parts))


def print_levels(levels: list[LevelRate]) -> None:
    print("\n### Levels with the local TSA/OCSP/CRL (P-256 key; 1-page PDF; server in its own "
          "process)\n")
    print("| level | signatures | sig/s per core (CPU) | sig/s (wall) | ms wall per sig "
          "| requests per sig (TSA/OCSP/CRL) | server ms per sig | server CPU ms per sig |")
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for lv in levels:
        req = "/".join(f"{lv.requests.get(k, 0) / lv.count:.0f}" for k in ("TSA", "OCSP", "CRL"))
        server = sum(lv.server_seconds.values()) / lv.count * 1000
        print(f"| {lv.level} | {lv.count} | {lv.count / lv.cpu:.1f} | {lv.count / lv.wall:.1f} "
              f"| {lv.wall / lv.count * 1000:.0f} | {req} | {server:.0f} "
              f"| {lv.server_cpu / lv.count * 1000:.0f} |")


def print_profile(wall: float, spent: dict[str, float], calls: int) -> None:
    print(f"\n### Where one B-LTA signature's time goes (cProfile, {wall * 1000:.0f} ms wall "
          f"under the profiler, {calls:,} function calls)\n")
    print("| part | ms | share |")
    print("| --- | ---: | ---: |")
    total = sum(spent.values()) or 1.0
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"| {label} | {seconds * 1000:.1f} | {seconds / total:.0%} |")


def print_memory(size: int, rows: list[tuple[str, int, float]]) -> None:
    print(f"\n### Peak memory signing a {size / 1e6:.0f} MB PDF (max RSS of a fresh process)\n")
    print("| process | max RSS MB | wall s |")
    print("| --- | ---: | ---: |")
    for label, rss, wall in rows:
        print(f"| {label} | {rss / 1024:.0f} | {wall:.1f} |")


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short budgets, a 40 MB big PDF")
    parser.add_argument("--budget", type=float, help="seconds of wall time per contender")
    parser.add_argument("--big-mb", type=float, help="size of the memory test's PDF (MB)")
    parser.add_argument("--skip", nargs="*", default=(), choices=("bb", "levels", "memory"))
    args = parser.parse_args()
    budget = args.budget or (2.0 if args.quick else 6.0)
    big_mb = args.big_mb or (40.0 if args.quick else 150.0)

    work = Path(tempfile.mkdtemp(prefix="sohoa-sign-bench-"))
    try:
        started = time.perf_counter()
        print(f"# sign_bench: {os.cpu_count()} cores, load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}, Python {sys.version.split()[0]}")
        jpegs = scan_jpegs(30)
        pdfs = {1: scan_pdf(jpegs, 1), 30: scan_pdf(jpegs, 30)}
        print(f"inputs: 1 page {len(pdfs[1]) / 1e3:.0f} kB, 30 pages {len(pdfs[30]) / 1e6:.1f} MB "
              "(synthetic scans, 200 dpi JPEG)")
        identity = dev_identity(work / "identity")
        if "bb" not in args.skip:
            print_b_b(bench_b_b(identity, pdfs, work, budget))
        if "levels" not in args.skip:
            pki = PkiProcess(work / "pki")
            try:
                print_levels(bench_levels(pki, pdfs[1], budget))
                print_profile(*where_time_goes(pki, pdfs[1]))
            finally:
                pki.stop()
        if "memory" not in args.skip:
            per_page = len(pdfs[30]) / 30
            big = work / "big.pdf"
            big.write_bytes(scan_pdf(jpegs, max(1, round(big_mb * 1e6 / per_page))))
            print_memory(big.stat().st_size, bench_memory(identity, big, work))
        print(f"\n(bench took {time.perf_counter() - started:.0f} s; load average now "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_memory_child":
        _memory_child(*sys.argv[2:7])
    else:
        main()
