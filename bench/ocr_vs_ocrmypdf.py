"""OCR (issue 3): sohoa ocr vs raw Tesseract vs OCRmyPDF on the same synthetic pages, one run.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/ocr_vs_ocrmypdf.py --types dossier_receipt \
        citizen_id_card birth_certificate decision land_use_certificate business_registration \
        --rotate-every 3 --steps --write-results

(≈26 min on the 2-core machine under other load; all 12 types with ``--types`` left out take
about twice that, mostly in ``ocrmypdf --clean``. ``--steps-only`` measures only the table of
what each step of ours gains.)

The corpus is the project's own (``sohoa.synth.render_document``): every document type at every
severity (clean, light, medium, heavy), 200 dpi, each page stored as the scanner stores it
(JPEG at the severity's quality). On top of the upright pages, every other page of each severity
is added once more turned by 90, 180 or 270 degrees (in turn), as a sheet fed sideways or upside
down; its truth is the upright page's. All pages go into ONE input PDF (img2pdf: the JPEGs
embedded as they are), which every tool reads:

- ``tesseract IMAGE stdout -l vie`` on each page's JPEG, two at a time (the machine's cores);
- ``ocrmypdf -l vie -j 2 --sidecar`` and ``ocrmypdf -l vie --deskew --rotate-pages --clean -j 2``
  (default output: PDF/A, like ours);
- ``sohoa ocr --jobs 2 --sidecar``.

Scores (all text NFC; whitespace runs collapsed):

- **CER, order-independent** (bag of characters): the truth and the output as multisets of their
  non-space characters; errors = max(characters missing, characters extra), which is what an edit
  distance would count if every line were matched with its best counterpart whatever the order
  (a lower bound of the edit distance under any reading order). Summed over the pages of a group
  and divided by the truth's non-space characters.
- **WER, order-independent** (bag of words): 1 - |truth words ∩ output words| / |truth words|,
  as multisets.
- **CER, order-sensitive**: Levenshtein distance between the page's truth lines joined in reading
  order and the output's lines joined in the order given, divided by the truth's length.
- each tool's own text (``--sidecar`` / stdout) and ``pdftotext`` (default mode) on its PDF;
- rotated copies vs the same pages upright (order-independent CER);
- CPU: user+sys seconds of the tool's whole process tree (``wait4``); wall time of the full mix;
- throughput vs the Tesseract CPU bound on clean pages: the bound is the sum of raw Tesseract's
  CPU seconds on the clean upright pages ÷ cores; each pipeline is also run on a PDF of only the
  clean upright pages, and bound ÷ its wall time is its share of the bound (CPU-based too:
  Tesseract CPU ÷ the pipeline's CPU, which other load on the machine does not disturb);
- output size ÷ input size; peak RSS (``VmHWM``, sampled from /proc) of every process of the
  tool's tree except its root: the per-worker peak.

Nothing here is run by the test suite. Needs ``ocrmypdf`` (pip) and ``unpaper`` (apt).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import img2pdf
from PIL import Image
from rapidfuzz.distance import Levenshtein

from sohoa.synth.degrade import SEVERITIES, encode_jpeg
from sohoa.synth.document import DOC_TYPES, render_document
from sohoa.vntext import nfc

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## OCR (issue 3)"
CORES = os.cpu_count() or 1
VENV_BIN = Path(sys.executable).parent
ROTATIONS = (90, 180, 270)
# The scanned image is turned clockwise by this (PIL turns counter-clockwise).
_TURN = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
         270: Image.Transpose.ROTATE_90}


@dataclass(frozen=True)
class BenchPage:
    name: str
    doc_type: str
    severity: str
    rotation: int  # how far the scanned sheet is turned clockwise from upright (0 = upright)
    lines: tuple[str, ...]
    jpeg: bytes


# --- corpus -------------------------------------------------------------------------------


def make_corpus(seed: int, per_type: int, rotate_every: int,
                doc_types: tuple[str, ...] = DOC_TYPES) -> list[BenchPage]:
    pages: list[BenchPage] = []
    turned: list[BenchPage] = []
    for severity in SEVERITIES:
        count = 0
        for doc_type in doc_types:
            for n in range(per_type):
                doc = render_document(doc_type, seed * 1000 + n, severity=severity, dpi=200)
                for i, image in enumerate(doc.pages):
                    name = f"{doc_type}-{severity}-{n}-p{i + 1}"
                    lines = tuple(nfc(x) for x in doc.truth.page_lines[i])
                    pages.append(BenchPage(name, doc_type, severity, 0, lines,
                                           encode_jpeg(image, severity, 200)))
                    if count % rotate_every == 0:
                        rotation = ROTATIONS[(count // rotate_every) % len(ROTATIONS)]
                        jpeg = encode_jpeg(image.transpose(_TURN[rotation]), severity, 200)
                        turned.append(BenchPage(f"{name}-r{rotation}", doc_type, severity,
                                                rotation, lines, jpeg))
                    count += 1
    return pages + turned


def write_pdf(pages: list[BenchPage], path: Path) -> None:
    layout = img2pdf.get_fixed_dpi_layout_fun((200, 200))
    path.write_bytes(img2pdf.convert([p.jpeg for p in pages], layout_fun=layout))


# --- scoring ------------------------------------------------------------------------------


def _norm_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in nfc(text).splitlines() if line.strip()]


@dataclass
class Score:
    chars: int = 0  # truth non-space characters
    bag_errors: int = 0
    words: int = 0
    word_hits: int = 0
    seq_len: int = 0
    seq_errors: int = 0

    def add(self, truth_lines: tuple[str, ...], text: str) -> None:
        truth = [" ".join(x.split()) for x in truth_lines if x.strip()]
        got = _norm_lines(text)
        t_chars = Counter(ch for line in truth for ch in line if not ch.isspace())
        g_chars = Counter(ch for line in got for ch in line if not ch.isspace())
        self.chars += sum(t_chars.values())
        self.bag_errors += max(sum((t_chars - g_chars).values()),
                               sum((g_chars - t_chars).values()))
        t_words = Counter(w for line in truth for w in line.split())
        g_words = Counter(w for line in got for w in line.split())
        self.words += sum(t_words.values())
        self.word_hits += sum((t_words & g_words).values())
        joined_t, joined_g = " ".join(truth), " ".join(got)
        self.seq_len += len(joined_t)
        self.seq_errors += Levenshtein.distance(joined_t, joined_g)

    @property
    def cer_bag(self) -> float:
        return 100.0 * self.bag_errors / max(1, self.chars)

    @property
    def wer_bag(self) -> float:
        return 100.0 * (1 - self.word_hits / max(1, self.words))

    @property
    def cer_seq(self) -> float:
        return 100.0 * self.seq_errors / max(1, self.seq_len)


# --- running the tools --------------------------------------------------------------------


@dataclass
class Run:
    wall: float = 0.0
    cpu: float = 0.0
    worker_peak_kb: int = 0
    root_peak_kb: int = 0
    page_cpu: dict[str, float] = field(default_factory=dict)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            out.append(child)
            todo.append(child)
    return out


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_tree(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``cmd``; its wall time, the CPU of its whole process tree, and peak RSS per process."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peaks: dict[int, int] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in _descendants(proc.pid):
                peaks[pid] = max(peaks.get(pid, 0), _hwm_kb(pid))
            peaks[proc.pid] = max(peaks.get(proc.pid, 0), _hwm_kb(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    wall = time.monotonic() - started
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {stderr.decode()[-2000:]}")
    workers = [kb for pid, kb in peaks.items() if pid != proc.pid]
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime,
               worker_peak_kb=max(workers, default=0),
               root_peak_kb=peaks.get(proc.pid, 0))


def run_tesseract(pages: list[BenchPage], work: Path) -> tuple[Run, dict[str, str]]:
    """Raw ``tesseract -l vie`` on each JPEG, ``CORES`` at a time."""
    texts: dict[str, str] = {}
    run = Run()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    lock = threading.Lock()

    def one(page: BenchPage) -> None:
        path = work / f"{page.name}.jpg"
        path.write_bytes(page.jpeg)
        proc = subprocess.Popen(["tesseract", str(path), "stdout", "-l", "vie"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, _, usage = os.wait4(proc.pid, 0)
        with lock:
            texts[page.name] = out.decode("utf-8", "replace")
            run.page_cpu[page.name] = usage.ru_utime + usage.ru_stime
            run.worker_peak_kb = max(run.worker_peak_kb, usage.ru_maxrss)

    started = time.monotonic()
    with ThreadPoolExecutor(CORES) as pool:
        list(pool.map(one, pages))
    run.wall = time.monotonic() - started
    run.cpu = sum(run.page_cpu.values())
    return run, texts


def pdftotext_pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True).stdout.decode("utf-8", "replace")
    return out.split("\f")


def sidecar_pages(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\f")


@dataclass
class ToolResult:
    name: str
    command: str
    run: Run
    own: dict[str, str]  # page name -> the tool's own text
    extracted: dict[str, str]  # page name -> pdftotext of its PDF ("" when it writes none)
    output_bytes: int = 0
    clean_run: Run | None = None


def run_pdf_tool(name: str, argv: list[str], pages: list[BenchPage], input_pdf: Path,
                 work: Path, clean_pdf: Path | None) -> ToolResult:
    out_pdf, sidecar = work / f"{name}.pdf", work / f"{name}.txt"
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = [*argv, "--sidecar", str(sidecar), str(input_pdf), str(out_pdf)]
    if name == "sohoa":
        cmd = [*argv, "--sidecar", str(sidecar), str(input_pdf), "-o", str(out_pdf)]
    print(f"  {name}: {' '.join(cmd)}", flush=True)
    run = run_tree(cmd, env)
    own = dict(zip((p.name for p in pages), sidecar_pages(sidecar), strict=False))
    extracted = dict(zip((p.name for p in pages), pdftotext_pages(out_pdf), strict=False))
    result = ToolResult(name, " ".join(argv), run, own, extracted, out_pdf.stat().st_size)
    if clean_pdf is not None:
        clean_cmd = [c if c != str(input_pdf) else str(clean_pdf) for c in cmd]
        clean_cmd = [c if c != str(out_pdf) else str(work / f"{name}-clean.pdf")
                     for c in clean_cmd]
        clean_cmd = [c if c != str(sidecar) else str(work / f"{name}-clean.txt")
                     for c in clean_cmd]
        result.clean_run = run_tree(clean_cmd, env)
    return result


# --- what each step of ours gains (in-process, recognize_page with settings switched off) ---

STEPS: dict[str, dict[str, bool]] = {
    "Tesseract only (orientation kept, nothing else)": dict(preprocess=False, correct=False),
    "+ cleanup (ink lifting, background flattening)": dict(denoise=False, correct=False),
    "+ median denoise of photocopies": dict(correct=False),
    "+ Vietnamese correction (= default)": {},
    "default, but OSD on every page (no upright-first reading)": dict(upright_first=False),
    "default, but OSD on a half-size copy first": dict(upright_first=False,
                                                         fast_orientation=True),
}


def _step_worker(job: tuple[BenchPage, dict[str, bool]]) -> tuple[str, str, int, float]:
    from sohoa.ocr import OcrSettings, recognize_page
    from sohoa.pipeline.stages import page_lexicon

    page, flags = job
    started = time.process_time()
    ocr = recognize_page(page.jpeg, page_sha256=page.name, dpi=200,
                         settings=OcrSettings(**flags), lexicon=page_lexicon())
    return page.name, ocr.text, ocr.rotation, time.process_time() - started


def run_steps(pages: list[BenchPage]) -> str:
    from multiprocessing import get_context

    rows = [f"| step | {' | '.join(SEVERITIES)} | rotated | orientation right | CPU s/page |",
            "| --- |" + " --- |" * (len(SEVERITIES) + 3)]
    turned = [p for p in pages if p.rotation]
    with get_context("spawn").Pool(CORES) as pool:
        for label, flags in STEPS.items():
            print(f"  step: {label}", flush=True)
            done = pool.map(_step_worker, [(p, flags) for p in pages], chunksize=1)
            texts = {name: text for name, text, _, _ in done}
            right = sum(rot == (360 - p.rotation) % 360 or (p.rotation == 0 and rot == 0)
                        for p, (_, _, rot, _) in zip(pages, done, strict=True))
            cpu = sum(c for *_, c in done) / len(done)
            up = _scores(pages, texts, rotated=False)
            rot = _scores(turned, texts, rotated=True)["all"]
            cells = [f"{_pct(up[s].cer_bag)} ({_pct(up[s].cer_seq)})" for s in SEVERITIES]
            rows.append(f"| {label} | {' | '.join(cells)} | {_pct(rot.cer_bag)} | "
                        f"{right}/{len(pages)} | {cpu:.2f} |")
    return "\n".join(rows)


# --- report -------------------------------------------------------------------------------


def _scores(pages: list[BenchPage], texts: dict[str, str], *, rotated: bool | None
            ) -> dict[str, Score]:
    groups: dict[str, Score] = {s: Score() for s in (*SEVERITIES, "all")}
    for page in pages:
        if rotated is not None and (page.rotation != 0) != rotated:
            continue
        text = texts.get(page.name, "")
        groups[page.severity].add(page.lines, text)
        groups["all"].add(page.lines, text)
    return groups


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def report(pages: list[BenchPage], tools: list[ToolResult], input_bytes: int,
           clean_tess_cpu: float, args: argparse.Namespace, corpus_note: str) -> str:
    rows: list[str] = []
    cols = " | ".join(SEVERITIES)
    rows.append(corpus_note)
    rows.append("")
    rows.append(f"CER order-independent (bag of characters), upright pages: {cols} | "
                "(order-sensitive in brackets; WER bag of words after the slash)")
    rows.append("")
    rows.append(f"| pipeline | {' | '.join(SEVERITIES)} | all |")
    rows.append("| --- |" + " --- |" * (len(SEVERITIES) + 1))
    for tool in tools:
        upright = _scores(pages, tool.own, rotated=False)
        cells = [f"{_pct(s.cer_bag)} ({_pct(s.cer_seq)}) / {_pct(s.wer_bag)}"
                 for s in upright.values()]
        rows.append(f"| {tool.name} own text | {' | '.join(cells)} |")
        if tool.extracted:
            up_x = _scores(pages, tool.extracted, rotated=False)
            cells = [f"{_pct(s.cer_bag)} ({_pct(s.cer_seq)}) / {_pct(s.wer_bag)}"
                     for s in up_x.values()]
            rows.append(f"| {tool.name} pdftotext | {' | '.join(cells)} |")
    rows.append("")
    rows.append("Rotated copies (90/180/270) vs the same pages upright, order-independent CER "
                "(own text):")
    rows.append("")
    rows.append(f"| pipeline | {' | '.join(SEVERITIES)} | all |")
    rows.append("| --- |" + " --- |" * (len(SEVERITIES) + 1))
    turned_names = {p.name.rsplit("-r", 1)[0] for p in pages if p.rotation}
    twins = [p for p in pages if p.rotation or p.name in turned_names]
    for tool in tools:
        rot = _scores(twins, tool.own, rotated=True)
        up = _scores(twins, tool.own, rotated=False)
        cells = [f"{_pct(rot[k].cer_bag)} vs {_pct(up[k].cer_bag)}" for k in rot]
        rows.append(f"| {tool.name} | {' | '.join(cells)} |")
    rows.append("")
    n = len(pages)
    ours = next(t for t in tools if t.name == "sohoa")
    heavy = next((t for t in tools if t.name == "ocrmypdf-full"), None)
    bound_wall = clean_tess_cpu / CORES
    rows.append(f"Speed, size, memory ({n} pages in the mix, {CORES} cores; Tesseract CPU bound "
                f"on the clean upright pages: {clean_tess_cpu:.1f} CPU s ÷ {CORES} = "
                f"{bound_wall:.1f} s):")
    rows.append("")
    rows.append("| pipeline | wall, full mix | CPU s/page | clean pages: wall / share of bound "
                "(CPU-based share) | output ÷ input | peak RSS per worker (root) |")
    rows.append("| --- | --- | --- | --- | --- | --- |")
    for tool in tools:
        clean = tool.clean_run
        if clean is not None:
            clean_cell = (f"{clean.wall:.1f} s / {100 * bound_wall / clean.wall:.0f}% "
                          f"({100 * clean_tess_cpu / clean.cpu:.0f}%)")
        elif tool.name == "tesseract":
            clean_cell = f"{bound_wall:.1f} s (the bound)"
        else:
            clean_cell = "—"
        size = f"{tool.output_bytes / input_bytes:.2f}×" if tool.output_bytes else "—"
        rows.append(f"| {tool.name} | {tool.run.wall:.1f} s | {tool.run.cpu / n:.2f} | "
                    f"{clean_cell} | {size} | {tool.run.worker_peak_kb / 1024:.0f} MB "
                    f"({tool.run.root_peak_kb / 1024:.0f} MB) |")
    if heavy is not None:
        rows.append("")
        rows.append(f"Ratios: sohoa is {heavy.run.wall / ours.run.wall:.1f}× faster (wall) and "
                    f"{heavy.run.cpu / ours.run.cpu:.1f}× cheaper (CPU) than "
                    f"`ocrmypdf --deskew --rotate-pages --clean -j 2` on the full mix; "
                    f"output {ours.output_bytes / input_bytes:.2f}× vs "
                    f"{heavy.output_bytes / input_bytes:.2f}× the input.")
    plain = next((t for t in tools if t.name == "ocrmypdf"), None)
    if plain is not None:
        rows.append(f"vs `ocrmypdf -l vie -j 2`: {plain.run.wall / ours.run.wall:.1f}× (wall), "
                    f"{plain.run.cpu / ours.run.cpu:.1f}× (CPU).")
    return "\n".join(rows)


def write_results(body: str, command: str) -> None:
    """Replace (or add) this bench's section of RESULTS.md; other sections are kept as they are."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    section = f"{HEADING}\n\n```\n{command}\n```\n\n{body}\n"
    start = text.find(HEADING)
    if start >= 0:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + ("" if end < 0 else text[end + 1:])
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--per-type", type=int, default=1)
    parser.add_argument("--rotate-every", type=int, default=2,
                        help="add a turned copy of every N-th page of each severity")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["tesseract", "ocrmypdf", "ocrmypdf-full", "sohoa"])
    parser.add_argument("--types", nargs="*", default=list(DOC_TYPES), choices=DOC_TYPES)
    parser.add_argument("--keep", type=Path, help="keep the work folder here")
    parser.add_argument("--json", type=Path, help="also write per-page texts here")
    parser.add_argument("--steps", action="store_true",
                        help="also measure each step of ours in-process (CER by severity)")
    parser.add_argument("--steps-only", action="store_true")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    command = "OMP_THREAD_LIMIT=1 .venv/bin/python " + " ".join(
        [Path(sys.argv[0]).as_posix(), *sys.argv[1:]])
    for tool in ("tesseract", "pdftotext", "unpaper"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (apt-get install tesseract-ocr poppler-utils "
                     "unpaper)")
    started = time.monotonic()
    pages = make_corpus(args.seed, args.per_type, args.rotate_every, tuple(args.types))
    upright = [p for p in pages if not p.rotation]
    corpus_note = (f"Corpus: seed {args.seed}, {args.per_type} document(s) per type × "
                   f"{len(args.types)} types × {len(SEVERITIES)} severities at 200 dpi = "
                   f"{len(upright)} upright pages + {len(pages) - len(upright)} turned copies "
                   f"(90/180/270) = {len(pages)} pages, "
                   f"{sum(len(p.jpeg) for p in pages) / 1e6:.1f} MB of JPEG.")
    print(corpus_note, f"(generated in {time.monotonic() - started:.0f} s)", flush=True)
    steps = ""
    if args.steps or args.steps_only:
        steps = ("What each step of ours gains (in-process `recognize_page`, same pages; CER "
                 "order-independent, order-sensitive in brackets; rotated = the turned copies; "
                 "CPU is process time per page in the worker):\n\n" + run_steps(pages))
        print(steps, flush=True)
        if args.steps_only:
            return
    work = Path(tempfile.mkdtemp(prefix="ocrbench-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    input_pdf, clean_pdf = work / "input.pdf", work / "clean.pdf"
    write_pdf(pages, input_pdf)
    write_pdf([p for p in upright if p.severity == "clean"], clean_pdf)
    input_bytes = input_pdf.stat().st_size
    tools: list[ToolResult] = []
    clean_tess_cpu = 0.0
    if "tesseract" not in args.skip:
        print("  tesseract -l vie (per page)", flush=True)
        (work / "tess").mkdir(exist_ok=True)
        run, texts = run_tesseract(pages, work / "tess")
        tools.append(ToolResult("tesseract", "tesseract IMAGE stdout -l vie", run, texts, {}))
        clean_tess_cpu = sum(run.page_cpu[p.name] for p in upright if p.severity == "clean")
    ocrmypdf = str(VENV_BIN / "ocrmypdf")
    peers = {
        "ocrmypdf": [ocrmypdf, "-l", "vie", "-j", str(CORES)],
        "ocrmypdf-full": [ocrmypdf, "-l", "vie", "--deskew", "--rotate-pages", "--clean",
                          "-j", str(CORES)],
        "sohoa": [str(VENV_BIN / "sohoa"), "ocr", "--jobs", str(CORES)],
    }
    for name, argv in peers.items():
        if name in args.skip:
            continue
        clean = clean_pdf if name in ("sohoa", "ocrmypdf") else None
        tools.append(run_pdf_tool(name, argv, pages, input_pdf, work, clean))
    body = report(pages, tools, input_bytes, clean_tess_cpu, args, corpus_note)
    if steps:
        body += "\n\n" + steps
    body += f"\n\nWhole bench: {(time.monotonic() - started) / 60:.1f} min."
    print()
    print(body)
    if args.json:
        args.json.write_text(json.dumps(
            {t.name: {"own": t.own, "pdftotext": t.extracted} for t in tools}
            | {"truth": {p.name: list(p.lines) for p in pages}},
            ensure_ascii=False, indent=1), encoding="utf-8")
    if args.write_results:
        write_results(body, command)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
