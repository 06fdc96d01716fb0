"""Recognition of one page: cleanup → orientation → upright → deskew → Tesseract → reading order.

One Tesseract engine (``tesserocr.PyTessBaseAPI``) for ``vie`` and one for OSD are kept per
process and reused page after page: loading the ``vie`` model costs more than recognizing a
clean page. Page-level parallelism belongs to the caller (one process per core), which is why
``OMP_THREAD_LIMIT=1`` is set before tesserocr is imported: OpenMP threads inside Tesseract only
fight the other workers for the same cores. Threads of one process share the engines and take
turns on them.

Orientation: Tesseract's OSD (optionally first on a half-size copy, see
``OcrSettings.fast_orientation``); when it is unsure (sparse pages, photocopied cards), the
candidate turns are read at half resolution and the one that yields the most confident text
wins (see :func:`sohoa.ocr.orient.rotation_candidates`).

Correction: the words of each line go through :mod:`sohoa.ocr.correct` (Vietnamese syllable
rules and the administrative lexicon); a word's text may change, its box never does.

Time limit: tesserocr's ``Recognize(timeout=ms)`` passes a deadline to Tesseract's progress
monitor (``ETEXT_DESC``), which cancels recognition cooperatively between words. A page that
hits it is returned without text and with ``timed_out=True``; the batch goes on. Layout analysis
before recognition is not covered by that deadline; it is fast on page images of sane size.
The trial reads that settle an uncertain orientation have the same limit each.
"""

from __future__ import annotations

import glob
import io
import math
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from statistics import median

# Before tesserocr loads: Tesseract's OpenMP threads would fight the other page workers.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2
import numpy as np
import tesserocr
from PIL import Image, UnidentifiedImageError
from rapidfuzz.distance import Levenshtein

from sohoa.errors import BadInputError, ConfigError
from sohoa.idcodes import citizen_id_problems
from sohoa.ocr.cards import Card, find_cards, merge_readings, print_around
from sohoa.ocr.correct import (
    Lexicon,
    correct_tokens,
    is_syllable,
    name_after_caption,
    reread_names,
    shape_misread,
)
from sohoa.ocr.drawn import drawn_spelling
from sohoa.ocr.fields.digits import DIGIT_LOOKALIKES
from sohoa.ocr.fields.personal_ids import names_identity_papers
from sohoa.ocr.glyphmatch import glyph_choice
from sohoa.ocr.idreread import Reader, reread_ids
from sohoa.ocr.layout import Box, reading_order
from sohoa.ocr.levels import percentile
from sohoa.ocr.mrz import best_reading, find_mrz, looks_like_mrz_line
from sohoa.ocr.orient import (
    SURE_OSD_CONFIDENCE,
    deskew,
    detect_rotation,
    estimate_skew,
    lines_run_down,
    quarter_turn,
    rotation_candidates,
    unskew_box,
    upside_down,
)
from sohoa.ocr.orient import upright_image as _upright
from sohoa.ocr.photos import Photo, beside_photos, find_photos
from sohoa.ocr.preprocess import prepare
from sohoa.ocr.samename import agree
from sohoa.ocr.standard import (
    archive_copy,
    instruction_run,
    is_subject_abbreviation,
    subject_shaped,
)
from sohoa.ocr.titles import (
    Titles,
    completed_titles,
    deputy_titles,
    doubtful_name,
    is_debris,
    is_title_line,
    load_titles,
    lost_delegations,
    mark_twins,
    marked_names,
    name_place,
    name_reading,
    opens_name_line,
    reread_signer_line,
    retitle_line,
    speck_before_delegation,
)
from sohoa.records import InkMark, OcrPage, Word
from sohoa.vntext import nfc

# Pages larger than this are refused before decoding (A3 at 600 dpi is ~70 Mpx).
MAX_PIXELS = 120_000_000


@dataclass(frozen=True)
class OcrSettings:
    lang: str = "vie"
    tessdata: str | None = None  # default: TESSDATA_PREFIX, else /usr/share/tesseract-ocr/*/
    timeout_s: float = 60.0  # per page; past it the page is kept without text, never raises
    preprocess: bool = True
    # A 3x3 median on photocopies after cleanup (only with preprocess; see preprocess.prepare).
    denoise: bool = True
    detect_orientation: bool = True
    # OSD first on a half-size copy, the full page only when that answer is unsure. Off: OSD
    # costs ≈0.22 CPU s at half size vs ≈0.27 on the full page (its cost hardly follows the
    # pixels) and is unsure twice as often, so on the synthetic corpus the fallbacks made it
    # dearer overall (1.53 vs 1.35 CPU s per page). See :func:`_orientation`.
    fast_orientation: bool = False
    # Read the page as scanned first and ask OSD only when that reading is not convincingly
    # upright Vietnamese (see recognize_page).
    upright_first: bool = True
    # Vietnamese post-correction of the words' text (sohoa.ocr.correct); boxes never change.
    correct: bool = True
    # Identity cards photocopied on the page are read each as a page of its own
    # (sohoa.ocr.cards).
    cards: bool = True


def find_tessdata(settings: OcrSettings) -> str:
    """The tessdata directory to use, checked to hold the language the settings ask for."""
    candidates: list[str] = []
    if settings.tessdata:
        candidates.append(settings.tessdata)
    else:
        prefix = os.environ.get("TESSDATA_PREFIX")
        if prefix:
            candidates += [prefix, os.path.join(prefix, "tessdata")]
        candidates += sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
        candidates += ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    languages = settings.lang.split("+")
    for path in candidates:
        if all(os.path.isfile(os.path.join(path, f"{lang}.traineddata")) for lang in languages):
            return path
    where = settings.tessdata or "TESSDATA_PREFIX hoặc /usr/share/tesseract-ocr/*/tessdata"
    raise ConfigError(
        f"không tìm thấy dữ liệu ngôn ngữ '{settings.lang}' của Tesseract trong {where}. "
        "Hãy cài (Debian: apt-get install tesseract-ocr-vie tesseract-ocr-osd) hoặc đặt "
        "tessdata / TESSDATA_PREFIX là thư mục chứa các tệp .traineddata"
    )


def engine_versions(settings: OcrSettings) -> dict[str, str]:
    """What the readings depend on, for `sohoa status` and bug reports: the Tesseract and
    Leptonica that tesserocr's wheel carries (pinned by the lock) and the language data files
    (from the OS: their Debian package version when dpkg knows it, and their SHA-256)."""
    import hashlib
    import subprocess

    from sohoa.ocr.drawn import faces
    from sohoa.ocr.standard import italic_face_path

    banner = tesserocr.tesseract_version().split()
    shown = {
        "tesserocr": getattr(tesserocr, "__version__", "?"),
        "tesseract": banner[1] if len(banner) > 1 else "?",
        "leptonica": next((w.split("-", 1)[1] for w in banner if w.startswith("leptonica-")), "?"),
        # The faces the marks of a name and a signing instruction's printed width are measured
        # in (ocr/drawn.py, ocr/standard.py): the readings of a machine without them differ
        # (review15a N9), so a bug report says which were found.
        "faces": "+".join(os.path.basename(f) for f in faces()) or "(none)",
        "italic face": os.path.basename(italic_face_path() or "") or "(none)",
    }
    try:
        tessdata = find_tessdata(settings)
    except ConfigError:
        shown["tessdata"] = "(not found)"
        return shown
    shown["tessdata"] = tessdata
    for lang in [*settings.lang.split("+"), "osd"]:
        path = os.path.join(tessdata, f"{lang}.traineddata")
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        try:
            owner = subprocess.run(["dpkg-query", "-S", os.path.realpath(path)],
                                   capture_output=True, text=True,
                                   timeout=10).stdout.split(":", 1)[0].strip()
            version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", owner],
                                     capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            owner = version = ""
        package = f"{owner} {version}" if owner and version else "not from a Debian package"
        shown[f"{lang}.traineddata"] = f"sha256 {digest[:16]}… ({package})"
    return shown


_RESTRICTED = {"mrz": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", "digits": "0123456789/.-"}


class _Engines:
    """The process's Tesseract instances, created on first use and when the settings change."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[str, str] | None = None
        self.text: tesserocr.PyTessBaseAPI | None = None
        self.osd: tesserocr.PyTessBaseAPI | None = None
        # English single-line readers restricted to a few characters (_RESTRICTED), made on
        # first use (most pages need none): the MRZ of a chip card, which the Vietnamese model
        # reads badly ("TDVNM0813…" at confidence 4) and English well, and the digits of a
        # personal number read again (sohoa.ocr.idreread). False: no eng.traineddata.
        self.restricted: dict[str, tesserocr.PyTessBaseAPI | bool] = {}

    def ensure(self, settings: OcrSettings) -> None:
        tessdata = find_tessdata(settings)
        key = (tessdata, settings.lang)
        if key == self.key and self.text is not None:
            return
        self.close()
        try:
            self.text = tesserocr.PyTessBaseAPI(
                path=tessdata, lang=settings.lang, psm=tesserocr.PSM.AUTO
            )
        except RuntimeError as err:
            raise ConfigError(
                f"Tesseract không nạp được dữ liệu ngôn ngữ '{settings.lang}' từ {tessdata}: "
                f"{err}. Hãy cài lại dữ liệu ngôn ngữ ("
                + " ".join(f"tesseract-ocr-{part}" for part in settings.lang.split("+")) + ")"
            ) from err
        self.key = key
        if os.path.isfile(os.path.join(tessdata, "osd.traineddata")):
            self.osd = tesserocr.PyTessBaseAPI(
                path=tessdata, lang="osd", psm=tesserocr.PSM.OSD_ONLY
            )

    def restricted_engine(self, kind: str) -> tesserocr.PyTessBaseAPI | None:
        """The single-line reader of ``kind`` (a key of _RESTRICTED), None without
        eng.traineddata; the caller holds the lock and has called ensure()."""
        if kind not in self.restricted:
            path = self.key[0] if self.key else None
            self.restricted[kind] = False
            if path and os.path.isfile(os.path.join(path, "eng.traineddata")):
                api = tesserocr.PyTessBaseAPI(path=path, lang="eng",
                                              psm=tesserocr.PSM.SINGLE_LINE)
                api.SetVariable("tessedit_char_whitelist", _RESTRICTED[kind])
                self.restricted[kind] = api
        return self.restricted[kind] or None

    def rival_engine(self) -> tesserocr.PyTessBaseAPI | None:
        """A single-line reader in the page's own language that keeps, for every symbol, the
        model's other choices with their confidences (``lstm_choice_mode`` 2): the digit the
        page's model nearly read instead (sohoa.ocr.idreread). The caller holds the lock and
        has called ensure()."""
        if "rivals" not in self.restricted:
            self.restricted["rivals"] = False
            if self.key is not None:
                api = tesserocr.PyTessBaseAPI(path=self.key[0], lang=self.key[1],
                                              psm=tesserocr.PSM.SINGLE_LINE)
                api.SetVariable("lstm_choice_mode", "2")
                self.restricted["rivals"] = api
        return self.restricted["rivals"] or None

    def model_digits_engine(self) -> tesserocr.PyTessBaseAPI | None:
        """A single-line reader in the page's own language that may read digits only: a
        number's crop read by the page's model without its letters (sohoa.ocr.idreread's
        "votes"). The caller holds the lock and has called ensure()."""
        if "model digits" not in self.restricted:
            self.restricted["model digits"] = False
            if self.key is not None:
                api = tesserocr.PyTessBaseAPI(path=self.key[0], lang=self.key[1],
                                              psm=tesserocr.PSM.SINGLE_LINE)
                api.SetVariable("tessedit_char_whitelist", "0123456789")
                self.restricted["model digits"] = api
        return self.restricted["model digits"] or None

    def close(self) -> None:
        for api in (self.text, self.osd, *self.restricted.values()):
            if api is not None and api is not False:
                api.End()
        self.text = self.osd = None
        self.restricted = {}
        self.key = None


_ENGINES = _Engines()


def open_image(data: bytes) -> Image.Image:
    """Decode a page image (JPEG, PNG, TIFF including CCITT G4); the first frame of a TIFF."""
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise BadInputError(
                f"ảnh trang có {width}x{height} điểm ảnh, quá lớn đối với một trang quét: "
                "quét lại ở độ phân giải 300 dpi trở xuống"
            )
        image.load()
    except Image.DecompressionBombError as err:
        raise BadInputError(
            f"ảnh trang quá lớn ({err}): quét lại ở độ phân giải 300 dpi trở xuống"
        ) from err
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise BadInputError(
            f"không đọc được ảnh trang ({err}): quét lại trang, hoặc lưu ảnh dạng JPEG/PNG/TIFF"
        ) from err
    return image


def upright_image(image: Image.Image, rotation: int) -> Image.Image:
    """Turn ``image`` clockwise by ``rotation`` (0/90/180/270) so that it stands upright."""
    return _upright(image, rotation)


def _words(api: tesserocr.PyTessBaseAPI) -> Iterator[Box]:
    iterator = api.GetIterator()
    if iterator is None:
        return
    level = tesserocr.RIL.WORD
    line_key = 0
    for item in tesserocr.iterate_level(iterator, level):
        # Count lines before any word is skipped, so that skipping never merges two lines.
        if item.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
            line_key += 1
        try:
            text = item.GetUTF8Text(level)
        except RuntimeError:  # tesserocr's way of saying "no text here" (empty pages)
            continue
        box = item.BoundingBox(level)
        if box is None or not text or not text.strip():
            continue
        left, top, right, bottom = box
        yield _trimmed(Box(
            # A fraction slash is never what a Vietnamese paper prints ("V⁄v" for "V/v").
            text=nfc(text.strip().replace("\u2044", "/").replace("\u2215", "/")),
            left=left,
            top=top,
            width=right - left,
            height=bottom - top,
            confidence=float(item.Confidence(level)),
            line_key=line_key,
        ))


_BARCODE_CHARS = frozenset("IlJ1|!i[]()")
# The abbreviations of administrative papers (Nghị định 30/2020/NĐ-CP): "V/v" (về việc) before
# a letter's subject, "KT." (ký thay), "TM." (thay mặt), "TL." (thừa lệnh), "TUQ." (thừa ủy
# quyền) before a signer's title, "VT" (văn thư) in the recipients' "Lưu: VT.". Two letters and
# no syllable, so the noise rule dropped them when read unsure (a "V/v" at 44, a "KT." beside a
# seal's rim).
_ADMIN_ABBREVIATION = re.compile(r"[Vv]/[Vv]|(?:KT|TM|TL|TUQ|VT)\.?")


def _standard_words(read: Sequence[Box], kept: list[Box]) -> list[Box]:
    """``kept`` (the words of ``read`` the noise rule kept) with the administrative paper's
    standard abbreviations written as the standard prints them (:mod:`sohoa.ocr.standard`),
    taken back from the noise where the noise rule dropped them.

    A row's first word shaped as the subject's "V/v" before a lower-case syllable ("W/" at
    52, "V/w" at 39, "V/v" at 11, "V/0": an italic "V/v xác nhận …") is "V/v"; the word after
    the recipients' "Lưu:" (on the reading's line) shaped as "VT" ("VL", "VE", "VY" at 0,
    "VT..") is "VT." at the list's end (no word within two letters' height after it), and a "Lưu:"
    dropped before it ("“IưuU:" at 2) is "Lưu:" again. What the standard wrote is as sure as
    the word that placed it (the subject's next word; "Lưu:" and "VT" the surer of the two)."""
    kept_ids = {id(b) for b in kept}
    written: dict[int, Box] = {}
    lines: dict[int, list[Box]] = {}
    for box in read:
        lines.setdefault(box.line_key, []).append(box)
    for box in read:
        if not subject_shaped(box.text) or (box.text == "V/v" and id(box) in kept_ids):
            continue
        # The subject's first word: the next word kept on its row (Tesseract may put the
        # "V/v" in a line of its own), and nothing kept before it on the row.
        row = [k for k in kept if k is not box and _same_row(k, box)]
        after = [k for k in row if k.left >= box.right - box.height / 4
                 and k.left - box.right <= 2 * box.height]
        before = [k for k in row if k.right <= box.left + box.height / 4
                  and box.left - k.right <= 4 * box.height]
        following = min(after, key=lambda k: k.left) if after else None
        if following is not None and not before and is_subject_abbreviation(
                box.text, box.width, box.height, following.text):
            written[id(box)] = replace(box, text="V/v", confidence=max(
                box.confidence, following.confidence))
    for words in lines.values():
        words = sorted(words, key=lambda b: b.left)
        for k in range(1, len(words)):
            label, word = words[k - 1], words[k]
            last = k == len(words) - 1 or words[k + 1].left - word.right > 2 * word.height
            text = archive_copy(label.text, word.text, last)
            if text is None:
                continue
            sure = max(label.confidence, word.confidence)
            written[id(word)] = replace(word, text=text, confidence=sure)
            if id(label) not in kept_ids:
                written[id(label)] = replace(label, text="Lưu:", confidence=sure)
    if not written:
        return kept
    return [written.get(id(b), b) for b in read if id(b) in kept_ids or id(b) in written]


def _same_row(a: Box, b: Box) -> bool:
    """Whether two words overlap by half the shorter one's height."""
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= 0.5 * min(a.height, b.height)


def _is_noise(box: Box) -> bool:
    """Marks Tesseract reads into pictures, seals, signatures, fingerprints and barcodes: low
    confidence with (almost) no letters or digits, or a run of bar-like letters ("IJJIIlll…").
    Real punctuation ("-" in the motto) comes with high confidence, and short real words are
    Vietnamese syllables or hold digits."""
    text = box.text
    alnum = sum(ch.isalnum() for ch in text)
    if names_identity_papers(text):
        return False  # read right at no confidence: a caption of the owner's number
    if box.confidence < 5 or (len(text) >= 6 and set(text) <= _BARCODE_CHARS):
        return True
    if box.confidence >= 20 and _ADMIN_ABBREVIATION.fullmatch(text):
        return False
    if alnum == 0:
        return box.confidence < 60
    if alnum <= 2 and box.confidence < 60:
        letters = "".join(ch for ch in text if ch.isalpha())
        has_digit = any(ch.isdigit() for ch in text)
        return box.confidence < 20 or not (has_digit or is_syllable(letters))
    return False


def _likeliest_rotation(
    api: tesserocr.PyTessBaseAPI,
    gray: np.ndarray,
    candidates: tuple[int, ...],
    dpi: int,
    timeout_ms: int,
) -> int:
    """The candidate rotation under which Tesseract reads the most text, confidently, laid
    across the page.

    Read at half resolution with a short time limit: it only has to tell upright text from
    upside-down text, which it does by a wide margin, at about a quarter of a page's cost.
    Upright and turned by 90° it is not told that way: Tesseract reads the lines of a page
    turned a quarter as vertical text, as confidently as upright (a photocopied ID card read
    at 90° scored 411 against 387 upright, and came out as columns of words in reverse order).
    So a long word counts only when it is laid across (:func:`_laid_across`).
    """
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    best, best_score = candidates[0], -1.0
    for rotation in candidates:
        turned = np.ascontiguousarray(np.rot90(small, k=-(rotation // 90)))
        height, width = turned.shape
        api.SetImageBytes(turned.tobytes(), width, height, 1, width)
        api.SetSourceResolution(max(1, dpi // 2))
        score = 0.0
        if api.Recognize(timeout=timeout_ms):
            score = sum(
                box.confidence / 100 * sum(ch.isalnum() for ch in box.text)
                for box in _words(api)
                if box.confidence >= 30 and _laid_across(box)
            )
        api.Clear()
        if score > best_score:
            best, best_score = rotation, score
    return best


def _read_score(boxes: Sequence[Box]) -> float:
    """How much text a reading holds, confidently, laid across the page: its letters and
    digits weighted by confidence (:func:`_likeliest_rotation`'s measure, on a whole reading)."""
    return sum(box.confidence / 100 * sum(ch.isalnum() for ch in box.text)
               for box in boxes if box.confidence >= 30 and _laid_across(box))


def _laid_across(box: Box) -> bool:
    """Whether a word reads across the page as given, or is too short to tell.

    A word of five letters or more read across is wider than tall; read down a page turned by
    90° it is a column of letters, taller than wide. Shorter words with their tone marks can be
    square either way ("trú" 24×31 px on a card at 200 dpi). Measured on the foreign
    generator's cards and letters, seeds 7 and 23, upright and turned: 100% of such words
    across upright, 0% turned (three letters or more: 78% on an upright card, 14% turned)."""
    return sum(ch.isalnum() for ch in box.text) < 5 or box.width > box.height


def _orientation(gray: np.ndarray, dpi: int, timeout_ms: int, fast: bool) -> int:
    """Clockwise turn that makes the page upright (the caller holds the engines' lock).

    ``fast`` asks OSD on a half-size copy first and takes a sure answer, asking again on the
    full page otherwise (measured not to pay: see ``OcrSettings.fast_orientation``).
    """
    assert _ENGINES.osd is not None and _ENGINES.text is not None
    answer: tuple[int, float] | None = None
    if fast and dpi >= 150:
        small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        answer = detect_rotation(_ENGINES.osd, small)
        if answer[1] < SURE_OSD_CONFIDENCE:
            answer = None
    if answer is None:
        answer = detect_rotation(_ENGINES.osd, gray)
    candidates = rotation_candidates(*answer)
    if len(candidates) == 1:
        return candidates[0]
    return _likeliest_rotation(_ENGINES.text, gray, candidates, dpi, timeout_ms)


Region = tuple[int, int, int, int]  # left, top, right, bottom


def _read(upright_gray: np.ndarray, dpi: int, timeout_ms: int, settings: OcrSettings,
          regions: Sequence[Region] = (), beside: Sequence[Region] = (),
          alternatives: Callable[[], list[np.ndarray]] | None = None,
          marks: Sequence[InkMark] = (), zone_number: str | None = None,
          turn: Callable[[int], int] | None = None,
          ) -> tuple[float, int, int, list[Box], bool, list[tuple[str, str]], list[str]] | int:
    """Deskew and recognize an upright page: (skew, width, height, word boxes, finished).

    ``regions`` (around seals and signatures) are read once more as blocks of text, and so is
    the text ``beside`` an identity card's photo. A line of those regions that stays lost or
    unsure is also read in the ``alternatives`` (other copies of the upright page, made when
    first asked for: :attr:`sohoa.ocr.preprocess.Prepared.alternatives`). ``marks``: the
    seals and signatures found on the upright page (a name word under one is re-read however
    sure the engine is of it). ``zone_number``: the personal number the machine-readable zone
    of the card's other side gives, verified (:func:`_number_the_zone_gives`).

    ``turn`` (the page as scanned, orientation not known): asked for the page's turn (with the
    engines' lock held) when the page's lines look upside down
    (:func:`sohoa.ocr.orient.upside_down`: ``turn(180)``, the lines' own answer, which the
    caller checks by the turned page's reading before it asks OSD), else when its first reading
    does not read upright (``turn(0)``: OSD); a turn other than 0 is returned at once, before
    the page is read (≈0.7 CPU s saved on an upside-down page) or before any line is read
    again (the rereads of a page read sideways or upside down are thrown away with it:
    ≈0.2-0.3 CPU s)."""
    skew = estimate_skew(upright_gray)
    level = np.ascontiguousarray(deskew(upright_gray, skew))
    height, width = level.shape
    # The engines are not thread-safe; threads of one process take turns (one process per core
    # is the way to use every core).
    with _ENGINES.lock:
        _ENGINES.ensure(settings)
        api = _ENGINES.text
        assert api is not None
        if turn is not None and upside_down(level):
            # Lines that look upside down: the turn is asked before the page is read.
            rotation = turn(180)
            if rotation != 0:
                return rotation
        api.SetImageBytes(level.tobytes(), width, height, 1, width)
        api.SetSourceResolution(int(dpi))
        finished = api.Recognize(timeout=timeout_ms)
        boxes: list[Box] = []
        renamed: list[tuple[str, str]] = []
        doubted: list[str] = []  # signer's names whose marks nothing confirmed
        if finished:
            read = list(_words(api))
            boxes = _standard_words(read, [box for box in read if not _is_noise(box)])
            if turn is not None and not _reads_upright(_cleared(boxes, marks)):
                rotation = turn(0)
                if rotation != 0:
                    api.Clear()
                    return rotation
                # OSD's trial readings (when it is unsure) use this engine: the page again.
                api.SetImageBytes(level.tobytes(), width, height, 1, width)
                api.SetSourceResolution(int(dpi))
            unsure_numbers: list[Box] = []
            boxes += _reread_lost_lines(api, read, boxes, width, height, timeout_ms,
                                        unsure_numbers)
            boxes = _reread_unread_lines(api, boxes, level, regions, timeout_ms)
            boxes += _reread_regions(api, boxes, regions, width, height, timeout_ms)
            made: list[np.ndarray] = []

            def others() -> list[np.ndarray]:
                if not made and alternatives is not None:
                    made.extend(np.ascontiguousarray(deskew(a, skew)) for a in alternatives())
                return made

            if regions:
                boxes = _reread_block_lines(api, boxes, regions, level, timeout_ms,
                                            others if alternatives is not None else None, dpi)
            boxes = _reread_block_lines(api, boxes, _garbled_lines(boxes, width, height, read,
                                                                   regions),
                                        level, timeout_ms, None, dpi)
            if settings.correct:  # the names' rules are the correction's
                boxes = _reread_name_lines(api, boxes, level, timeout_ms, others, dpi, renamed,
                                           marks, doubted)
            boxes = _reread_beside_photos(api, boxes, beside, timeout_ms)
            boxes = _reread_mrz(level, dpi, read, boxes, timeout_ms)
            boxes = _number_the_zone_gives(boxes, unsure_numbers, zone_number)
        api.Clear()
    return skew, width, height, _cleared(boxes, marks), finished, renamed, doubted


def _cleared(boxes: list[Box], marks: Sequence[InkMark]) -> list[Box]:
    """A page's words without specks and a seal's lettering, delegations split off."""
    return _delegations(_without_rim_lettering(_without_seal_lettering(_without_specks(boxes),
                                                                       marks), marks))


# A line of Tesseract's whose words all came out as noise, this many words or more and this
# many times wider than tall, is read again on its own.
_LOST_LINE_WORDS = 3
_LOST_LINE_ASPECT = 6.0
_REREAD_MIN_CONFIDENCE = 75.0


def _reread_lost_lines(api: tesserocr.PyTessBaseAPI, read: list[Box], kept: list[Box],
                       width: int, height: int, timeout_ms: int,
                       numbers: list[Box] | None = None) -> list[Box]:
    """Words of lines, or of stretches of lines, that page segmentation garbled, read again as
    single lines.

    On a photocopied card the motto under the national name ("Độc lập - Tự do - Hạnh phúc")
    can come out as "TT h5 VÔ nh iŸ" at confidence 0-14, all dropped as noise, while the same
    strip read as one line gives the motto at 90+. And where the two header columns' lines
    sit at different heights, Tesseract can join the left one ("CÔNG AN PHƯỜNG XUÂN AN") to
    the right one's line and read it as "5 1 NA" (one "letter" 330 px wide) beside "Long
    Khánh, ngày …", read well. So each run of noise in a line is tried: a whole line of
    which nothing was kept (three words or more), or a stretch of noise as wide as a few
    words beside words kept. A seal or a photo also reads as such a run: its second reading
    is kept only when it is confident and most of its words are Vietnamese syllables or
    numbers. A long number read again unsure is put in ``numbers``: only a machine-readable
    zone that verifies can vouch for it (:func:`_number_the_zone_gives`).
    """
    kept_ids = {id(b) for b in kept}
    lines: dict[int, list[Box]] = {}
    for box in read:
        lines.setdefault(box.line_key, []).append(box)
    found: list[Box] = []
    for key, words in lines.items():
        words = sorted(words, key=lambda b: b.left)
        whole = not any(id(b) in kept_ids for b in words)
        runs: list[list[Box]] = [[]]
        for box in words:
            if id(box) in kept_ids:
                runs.append([])
            else:
                runs[-1].append(box)
        for number, run in enumerate(r for r in runs if r):
            if whole and len(run) < _LOST_LINE_WORDS:
                continue
            top = int(median(b.top for b in run))
            bottom = int(median(b.bottom for b in run))
            if not whole and not any(b.width >= 3 * (bottom - top) for b in run) and len(
                    run) < _LOST_LINE_WORDS:
                continue
            pad = max(2, (bottom - top) // 6)
            top, bottom = max(0, top - pad), min(height, bottom + pad)
            left = max(0, min(b.left for b in run) - pad)
            right = min(width, max(b.right for b in run) + pad)
            if bottom - top < 8 or right - left < _LOST_LINE_ASPECT * (bottom - top):
                continue
            again = _read_rectangle(api, tesserocr.PSM.SINGLE_LINE, (left, top, right, bottom),
                                    timeout_ms)
            if not again:
                continue
            confidence = sum(b.confidence for b in again) / len(again)
            letters = [re.sub(r"[^\w]", "", b.text) for b in again]
            valid = sum(1 for w in letters if w and (w.isdigit() or is_syllable(w)))
            if confidence >= _REREAD_MIN_CONFIDENCE and valid >= 0.75 * sum(
                    1 for w in letters if w):
                # A stretch beside kept words is a line of its own (another column's).
                line = key if whole else 5_000_000 + key * 100 + number
                found.extend(Box(b.text, b.left, b.top, b.width, b.height, b.confidence, line)
                             for b in again)
            elif numbers is not None:
                numbers.extend(Box(b.text, b.left, b.top, b.width, b.height, b.confidence, key)
                               for b in again if len(re.sub(r"\D", "", b.text)) >= 9)
    return found


# What a number's reading may carry on its ends: punctuation, a bracket for a lost "0".
_AROUND_NUMBER = ".,:;()[]{}"


def zone_number(text: str) -> str | None:
    """The 12-digit personal number of the machine-readable zone in ``text`` when the zone's
    check digits all verify, else None."""
    mrz = find_mrz(text)
    # Every check digit: the first line's own covers only the number's last 9 digits.
    # And a number that could be printed: a check digit is one in ten ("…9646183934126…"
    # for "…9040183934126…" verified, tester17 s1702 t17-16, province 646).
    if mrz is None or not mrz.checks_ok or citizen_id_problems(
            mrz.id_number, mrz.birth_date, {"M": False, "F": True}.get(mrz.sex)):
        return None
    return mrz.id_number


def _number_the_zone_gives(kept: list[Box], unsure: Sequence[Box],
                           given: str | None = None) -> list[Box]:
    """``kept`` with the card's printed personal number written as its machine-readable zone
    gives it, when the zone's check digits all verify (the composite one covers the whole
    number: :func:`sohoa.ocr.mrz.find_mrz`).

    The card prints the number twice, large beside "Số / No.:" and in the zone. The large one,
    bold at 9 pt on a grey JPEG copy, came out "07B066210613" or not at all (read again alone,
    right, at confidence 20, and dropped: tester17 t17-11), while the zone's reader, limited to
    its characters and checked by its digits, read it right. A word of the page's (or such an
    unsure reading of a lost line) within three edits of the zone's number ("07BO6G6210613"),
    10-14 digits and look-alikes, and no plausible number itself, is that number; nothing is
    added where no such word was read.
    The zone may be on the card's other side, read apart (``given``: :func:`_read_cards`).
    """
    zone = [b for b in kept if looks_like_mrz_line(b.text)]
    number = given or zone_number("\n".join(b.text for b in sorted(zone, key=lambda b: b.top)))
    if number is None:
        return kept

    def near(box: Box) -> bool:
        token = box.text.strip(_AROUND_NUMBER)
        # A reading that is itself a plausible number is left to the readings' vote
        # (idreread): two plausible numbers, one of them misread.
        return (10 <= len(token) <= 14 and token != number and all(
            c.isdigit() or c in DIGIT_LOOKALIKES for c in token)
            and sum(c.isdigit() for c in token) >= 9
            and Levenshtein.distance(token, number) <= 3
            and bool(citizen_id_problems(token)))

    zone_ids = {id(b) for b in zone}
    if any(number in b.text for b in kept if id(b) not in zone_ids):
        return kept
    out = [replace(b, text=b.text.replace(b.text.strip(_AROUND_NUMBER), number),
                   confidence=90.0)
           if id(b) not in zone_ids and near(b) else b for b in kept]
    if out != kept:
        return out
    lost = [b for b in unsure if near(b) or b.text.strip(_AROUND_NUMBER) == number]
    if lost:
        best = max(lost, key=lambda b: b.confidence)
        out.append(replace(best, text=number, confidence=90.0))
    return out


def _reread_unread_lines(api: tesserocr.PyTessBaseAPI, kept: list[Box], level: np.ndarray,
                         regions: Sequence[Region], timeout_ms: int) -> list[Box]:
    """``kept`` with the lines of print that Tesseract's layout left out, or ran into one
    line with another, read alone.

    On a grey scan the left header's "Số: 485/GM" and the motto "Độc lập - Tự do - Hạnh
    phúc" beside it came out as nothing at all, not even noise, though printed as clearly as
    the lines above them (issue 18). The page's lines of print are found in the image (rows
    of dark ink a line tall, cut where the ink breaks: :func:`_print_lines`); one under which
    no word was read, outside the seals' and signatures' regions (read again on their own), is
    read as one line, and its words are kept when confident and Vietnamese and over no word
    already read.

    The seals' and signatures' regions are left out of the image the lines are looked for in:
    their rings and loops fill every row beside the small print of the recipients' list
    ("Nơi nhận: - Như trên; - Lưu: VT."), whose lines then never came out as lines of their
    own and were lost on faded copies. And a word twice the usual height or more took two such
    lines in one box ("trên;" over "- Lưu: VT."): it reads neither line, and goes when every
    line under it was read, again or by the page (:func:`_gone_tall_words`)."""
    if sum(1 for b in kept if any(c.isalpha() for c in b.text)) < 10:
        return kept
    usual = _usual_height(kept)
    height, width = level.shape
    page = level
    if regions:
        page = level.copy()
        for left, top, right, bottom in regions:
            page[max(0, top):max(0, bottom), max(0, left):max(0, right)] = 255
    tall = [b for b in kept if b.height >= _MERGED_LINES_HEIGHT * usual]
    reading = [b for b in kept if b.height < _MERGED_LINES_HEIGHT * usual]
    found: list[Box] = []
    spans: dict[int, list[bool]] = {id(b): [] for b in tall}
    read_by_page: set[int] = set()
    strips = _print_lines(page, (0, 0, width, height), usual, tight=True)
    strips += [s for s in _print_lines(page, (0, 0, width, height), usual, tight=True,
                                       sparse=True)
               if not any(_same_line(s, t) for t in strips)]
    for number, strip in enumerate(strips):
        if any(_within(b, strip) for b in reading):
            # A line the page read: the tall word over it ("ban" over "- Như trên;" and "-
            # Lưu: VT.") took nothing of it.
            for b in tall:
                if _spans(b, strip):
                    read_by_page.add(id(b))
            continue
        if any(_intersects(strip, region) for region in regions):
            continue
        under = [b for b in tall if _spans(b, strip)]
        if any(_within(b, strip) for b in tall) and not under:
            continue
        # As one line, or (when the engine finds no line in it: "Số: 485/GM" under the foot
        # of the line above) as a block.
        again = (_read_rectangle(api, tesserocr.PSM.SINGLE_LINE, strip, timeout_ms)
                 or _read_rectangle(api, tesserocr.PSM.SINGLE_BLOCK, strip, timeout_ms))
        good = _line_read_well(again, usual, reading)
        for b in under:
            spans[id(b)].append(good)
        if good:
            found.extend(Box(b.text, b.left, b.top, b.width, b.height, b.confidence,
                             6_000_000 + number) for b in again)
    gone = _gone_tall_words(spans, read_by_page)
    stays = [b for b in tall if id(b) not in gone]
    # A tall word that stays keeps its place: the readings over it go.
    found = [b for b in found if not any(_overlaps(b, k) for k in stays)]
    return [b for b in kept if id(b) not in gone] + found


def _line_read_well(again: Sequence[Box], usual: int, reading: Sequence[Box]) -> bool:
    """Whether a line of print read alone is kept: its words as tall as print (the median
    height of those with letters: "- Lưu:" is a line, its dash 3 px tall no word of it),
    confident, Vietnamese, and over no word the page read."""
    if not again:
        return False
    lettered = [b for b in again if any(c.isalpha() for c in b.text)] or list(again)
    return (median(b.height for b in lettered) >= 0.6 * usual
            and sum(b.confidence for b in again) / len(again) >= _REREAD_MIN_CONFIDENCE
            and _valid_share(again, abbreviations=True) >= 0.75
            and not any(_overlaps(b, k) for b in again for k in reading))


def _gone_tall_words(spans: dict[int, list[bool]], read_by_page: set[int]) -> set[int]:
    """The tall words (by ``id``) that were two lines in one box: two lines or more lay under
    one and every one was read, again alone (``spans``: whether each such reading was kept)
    or by the page's own words (``read_by_page``) — at least one of them again. Seed 173's
    Noto heavy copy read "ban" 68 px tall over "- Như trên;", read, and "- Lưu: VT.", read
    again well: "ban" stayed, and the reading under it went."""
    return {key for key, read in spans.items()
            if read and all(read) and len(read) + (key in read_by_page) >= 2}


# A word this many times the page's usual height or more may be two lines in one box.
_MERGED_LINES_HEIGHT = 1.8


def _spans(box: Box, strip: Region) -> bool:
    """Whether a strip's middle row lies inside a word's box and they share columns."""
    middle = (strip[1] + strip[3]) / 2
    return (box.top <= middle <= box.bottom and box.left < strip[2]
            and strip[0] < box.right)


_DELEGATION = re.compile(r"(KT|TM|TL|TUQ)[.,:;](\w*)")


def _delegations(boxes: list[Box]) -> list[Box]:
    """The signer's delegation as the standard writes it (Nghị định 30/2020: "KT. CHỦ TỊCH",
    "TM. ỦY BAN NHÂN DÂN"): its full stop read as a comma or a colon ("KT, CHỦ TỊCH"), or the
    space after it lost ("KT.CHỦ TỊCH"), is put back; the title after a glued stop becomes a
    word of its own. Only a line's first word followed by a title in capitals (Vietnamese
    syllables) is such a delegation: "CÔNG TY TNHH TM, DV" or "TL: 1/500" are print as read."""
    lines: dict[int, list[Box]] = {}
    for b in boxes:
        lines.setdefault(b.line_key, []).append(b)
    ordered = [sorted(words, key=lambda b: b.left) for words in lines.values()]
    first = {id(words[0]): words for words in ordered}
    out: list[Box] = []
    for b in boxes:
        match = _DELEGATION.fullmatch(b.text)
        words = first.get(id(b))
        if match is None or words is None:
            out.append(b)
            continue
        head, rest = match.group(1) + ".", match.group(2)
        title = rest if rest else (words[1].text if len(words) > 1 else "")
        if not (title.isalpha() and title.isupper() and is_syllable(title.lower())):
            out.append(b)
            continue
        if not rest:
            out.append(Box(head, b.left, b.top, b.width, b.height, b.confidence, b.line_key))
            continue
        out += _split_box(b, [(head, 0), (rest, len(head))])
    return out


def _usual_height(words: Sequence[Box]) -> int:
    """The page's usual letter height: the median height of the words holding a letter (0
    when none does)."""
    heights = sorted(b.height for b in words if any(c.isalpha() for c in b.text))
    return heights[len(heights) // 2] if heights else 0


def _intersects(a: Region, b: Region) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _read_rectangle(api: tesserocr.PyTessBaseAPI, mode: int, box: tuple[int, int, int, int],
                    timeout_ms: int, *, syllables: bool = False) -> list[Box]:
    """The words (noise dropped) of one rectangle of the page read again in ``mode``; the
    page's own segmentation mode is restored whatever happens. ``syllables``: see
    :func:`_line_words`."""
    left, top, right, bottom = box
    api.SetPageSegMode(mode)
    api.SetRectangle(left, top, right - left, bottom - top)
    try:
        return _line_words(api, syllables) if api.Recognize(timeout=timeout_ms) else []
    finally:
        api.SetPageSegMode(tesserocr.PSM.AUTO)


def _line_words(api: tesserocr.PyTessBaseAPI, syllables: bool) -> list[Box]:
    """The words of the last recognition, noise dropped. ``syllables``: a word of one line
    that the noise rule would drop is kept when its letters are a Vietnamese syllable of two
    letters or more, as tall as the line's other words: the engine gives a printed "Võ" or
    "TRƯỞNG" under a seal's rim or beside a pen stroke confidence 5 (issue 18), and a
    signer's surname or title is not noise."""
    words = list(_words(api))
    if syllables:
        words = [_trimmed(b, _STRAY_IN_SIGNER) for b in words]
    kept = _standard_words(words, [b for b in words if not _is_noise(b)])
    if not syllables or not kept:
        return kept
    tall = median(b.height for b in kept)
    return [b for b in words if not _is_noise(b) or _unsure_syllable(b, tall)]


# What a seal's rim, a pen's end or a speck beside a word is read as, glued to it: "__-KT.",
# "„~KT†.", "`Thiếu". Vietnamese print never has these at a word's edge.
_STRAY = "_~`^†‡„|"
# In a signer's line (a title, a rank and a name) neither quotes nor dashes either: "“Trần",
# "Nhẫn”", "-KT.".
_STRAY_IN_SIGNER = _STRAY + "*#\"'“”‘’-–—"


def _trimmed(box: Box, strays: str = _STRAY) -> Box:
    """A word without the ``strays`` glued to its ends (or before its final full stop: "KT†."),
    its box narrowed in proportion; a word of strays only is left as read (the noise rule
    judges it)."""
    chars = re.escape(strays)
    # Dashes run on from a stray ("__-KT.") go with it.
    run = chars + re.escape("-–—")
    match = re.fullmatch(rf"((?:[{chars}][{run}]*)?)(.*?)((?:[{run}]*[{chars}])?)", box.text)
    if match is None or not match.group(2) or not match.group(2)[0].isalnum() or (
            len(match.group(2)) == len(box.text)) or max(
            len(match.group(1)), len(match.group(3))) > 3:  # a rule of blanks: "Số:____"
        return box
    lead, core = len(match.group(1)), match.group(2)
    per = box.width / len(box.text)
    core = re.sub(rf"[{chars}]+(?=[.,:;]$)", "", core)
    return Box(core, box.left + round(lead * per), box.top, max(1, round(len(core) * per)),
               box.height, box.confidence, box.line_key)


def _unsure_syllable(box: Box, tall: float) -> bool:
    """A word read unsure that is a Vietnamese syllable of two letters or more (a full stop
    or comma after it), as tall as the line's words."""
    match = re.fullmatch(r"(\w{2,})[.,;:]?", box.text)
    return (match is not None and match.group(1).isalpha()
            and is_syllable(match.group(1).lower()) and 0.75 * tall <= box.height <= 1.4 * tall)


# A line read again inside a seal/signature region is kept when its words are this confident on
# average and most of them are Vietnamese syllables or numbers.
_REGION_MIN_CONFIDENCE = 55.0
_REGION_MIN_VALID = 0.6


def _valid_share(words: Sequence[Box], *, abbreviations: bool = False) -> float:
    """The share of the words that are Vietnamese syllables or numbers; hyphenated words
    ("Hồ-THỊ", a hyphen read in a space) count by their parts. ``abbreviations``: the
    administrative abbreviations count too (a letter's recipients end with "Lưu: VT.")."""
    valid = total = 0
    for b in words:
        if abbreviations and _ADMIN_ABBREVIATION.fullmatch(b.text.rstrip(".,;:")):
            valid, total = valid + 1, total + 1
            continue
        for part in re.split(r"[-–]", b.text):
            letters = re.sub(r"[^\w]", "", part)
            if letters:
                total += 1
                valid += letters.isdigit() or is_syllable(letters.lower())
    return valid / total if total else 0.0


def _reread_regions(api: tesserocr.PyTessBaseAPI, kept: list[Box], regions: Sequence[Region],
                    width: int, height: int, timeout_ms: int) -> list[Box]:
    """Words in the signer's block that the page layout left out, read as one block of text.

    Tesseract's page segmentation takes a seal with a signature over a name for a picture and
    reads nothing in it, even once the inks are lifted: the signer's title and name were lost
    on whole pages (issue 18). Each region around a seal or signature is read again on its
    own (PSM 6); a line of that reading is taken when it is confident and Vietnamese, and only
    its words that overlap no word already read are added.
    """
    found: list[Box] = []
    usual = _usual_height(kept)
    for index, (left, top, right, bottom) in enumerate(regions):
        left, top = max(0, left), max(0, top)
        right, bottom = min(width, right), min(height, bottom)
        if right - left < 16 or bottom - top < 16:
            continue
        again = _read_rectangle(api, tesserocr.PSM.SINGLE_BLOCK, (left, top, right, bottom),
                                timeout_ms)
        lines: dict[int, list[Box]] = {}
        for box in again:
            lines.setdefault(box.line_key, []).append(box)
        for key, words in lines.items():
            # The line's own confidence first: most lines of a seal's region fail it, and the
            # overlaps are then not looked for among all the page's words.
            confidence = sum(b.confidence for b in words) / len(words)
            if confidence < _REGION_MIN_CONFIDENCE or _valid_share(words) < _REGION_MIN_VALID:
                continue
            # A word that overlaps a line's word meets the line's extent.
            x0, y0 = min(b.left for b in words), min(b.top for b in words)
            x1, y1 = max(b.right for b in words), max(b.bottom for b in words)
            near = [k for k in (*kept, *found)
                    if k.left < x1 and k.right > x0 and k.top < y1 and k.bottom > y0]
            new = [b for b in words if not any(_overlaps(b, k) for k in near)]
            if not new:
                continue
            # The words added must hold up on their own too (a line half read before and
            # half made of a signature's loops is not).
            if (sum(b.confidence for b in new) / len(new) < _REGION_MIN_CONFIDENCE
                    or _valid_share(new) < _REGION_MIN_VALID):
                continue
            # The seal's rim letters are small; the print of the page is not.
            if usual and median(b.height for b in words) < 0.6 * usual:
                continue
            line_key = 1_000_000 + index * 1000 + key
            found.extend(Box(b.text, b.left, b.top, b.width, b.height, b.confidence, line_key)
                         for b in new)
    return found


def _reread_beside_photos(api: tesserocr.PyTessBaseAPI, kept: list[Box],
                          regions: Sequence[Region], timeout_ms: int) -> list[Box]:
    """``kept`` with the words beside a card's photo that the page layout lost, from a reading
    of that text as one block (PSM 6).

    A name whose tone mark touches the caption above it ("TUYỂN" under "khai sinh") is one
    tall blob that the page layout drops whole or in part ("LÝ MỸ Q"); read as a block it comes
    back, its box taking in the caption's word. So a word of the block counts as already read
    only when a word read before covers half of *its* box (not half of the smaller one); its
    box is cut to its line's height from the bottom; and a fragment it covers that it begins
    with ("Q" of "QUYỀN") goes."""
    found: list[Box] = []
    dropped: set[int] = set()
    for index, region in enumerate(regions):
        block = _read_rectangle(api, tesserocr.PSM.SINGLE_BLOCK, region, timeout_ms)
        heights: dict[int, list[int]] = {}
        for box in block:
            heights.setdefault(box.line_key, []).append(box.height)
        for box in block:
            if box.confidence < _REGION_MIN_CONFIDENCE:
                continue
            letters = re.sub(r"[^\w]", "", box.text)
            if not letters or not (letters.isdigit() or is_syllable(letters.lower())):
                continue
            tall = int(median(heights[box.line_key]))
            if box.height > 1.5 * tall:
                box = Box(box.text, box.left, box.bottom - tall, box.width, tall,
                          box.confidence, box.line_key)
            if any(_covered(box, other) for other in (*kept, *found)):
                continue
            for n, other in enumerate(kept):
                if _covered(other, box) and box.text.startswith(other.text) \
                        and len(other.text) < len(box.text):
                    dropped.add(n)
            found.append(Box(box.text, box.left, box.top, box.width, box.height,
                             box.confidence, 2_000_000 + index * 1000 + box.line_key))
    return [b for n, b in enumerate(kept) if n not in dropped] + found


def _reread_mrz(level: np.ndarray, dpi: int, read: list[Box], kept: list[Box],
                timeout_ms: int) -> list[Box]:
    """``kept`` with the lines of a machine-readable zone read again by the MRZ reader (English,
    MRZ characters only) and written as the zone's check digits confirm them.

    The Vietnamese model reads the zone's monospaced capitals badly (a 0 as 6, "IDVNM" as
    "TDVNM" at confidence 4, then dropped as noise). Each line is read again alone; of the two
    readings of each line, the choice whose check digits all verify is written, as the printed
    30 characters. When none verifies, the MRZ reader's line is taken where it is as long as a
    zone line and the Vietnamese one is not."""
    lines: dict[int, list[Box]] = {}
    for box in read:
        lines.setdefault(box.line_key, []).append(box)
    zone = sorted((words for words in lines.values()
                   if looks_like_mrz_line("".join(b.text for b in words))),
                  key=lambda words: min(b.top for b in words))
    if not zone:
        return kept
    engine = _ENGINES.restricted_engine("mrz")
    if engine is None:
        return kept
    height, width = level.shape
    readings: list[tuple[str, str]] = []
    spans: list[tuple[int, int, int, int, int]] = []
    for words in zone[:3]:
        top, bottom = min(b.top for b in words), max(b.bottom for b in words)
        left, right = min(b.left for b in words), max(b.right for b in words)
        pad = max(2, (bottom - top) // 4)
        crop = np.ascontiguousarray(level[max(0, top - pad):min(height, bottom + pad),
                                          max(0, left - pad):min(width, right + pad)])
        engine.SetImageBytes(crop.tobytes(), crop.shape[1], crop.shape[0], 1, crop.shape[1])
        engine.SetSourceResolution(int(dpi))
        again = engine.GetUTF8Text().strip() if engine.Recognize(timeout=timeout_ms) else ""
        engine.Clear()
        readings.append(("".join(b.text for b in words), "".join(again.split())))
        spans.append((words[0].line_key, left, top, right - left, bottom - top))
    verified = best_reading(readings) if len(readings) == 3 else None
    texts = list(verified) if verified else [
        again if len(again) in (29, 30, 31) and len(own) not in (30,) else own
        for own, again in readings]
    keys = {key for key, *_ in spans}
    out = [b for b in kept if b.line_key not in keys]
    for text, (key, left, top, w, h) in zip(texts, spans, strict=True):
        if text:
            out.append(Box(text, left, top, w, h, 95.0 if verified else 60.0, key))
    return out


def _crop_reader(upright: np.ndarray, skew: float, dpi: int, timeout_ms: int,
                 settings: OcrSettings) -> Reader:
    """Reads a rectangle of the deskewed page again, alone, enlarged twice and three times,
    digits and date separators only (for sohoa.ocr.idreread); the page is deskewed again
    only when a number needs it."""
    level: list[np.ndarray] = []

    def read(box: tuple[int, int, int, int], kind: str) -> list[str]:
        # Numbers and dates are both read as digits and separators; "rest" is the rest of a
        # line where a number was printed and not read (:func:`_number_place`).
        if not level:
            level.append(np.ascontiguousarray(deskew(upright, skew)))
        page = level[0]
        left, top, right, bottom = box
        pad = max(3, (bottom - top) // 3)
        crop = page[max(0, top - pad):bottom + pad, max(0, left - pad):right + pad]
        if kind.startswith("glyphs "):  # "glyphs A/B": which reading the number's glyphs say
            # (its word's own columns: the padding would take in the caption's last letter)
            found = glyph_choice(page[max(0, top - pad):bottom + pad, left:right],
                                 kind.split(" ", 1)[1].split("/"))
            return [found] if found else []
        crops = [crop]
        if kind == "rest":
            crops = _number_place(crop, bottom - top)
        out: list[str] = []
        with _ENGINES.lock:
            _ENGINES.ensure(settings)
            if kind == "rivals":
                rivals = _ENGINES.rival_engine()
                return _rival_readings(rivals, crop, dpi, timeout_ms) if rivals else out
            if kind in ("votes", "digits"):
                return _vote_readings(crop, dpi, timeout_ms, digits_only=kind == "digits")
            engine = _ENGINES.restricted_engine("digits")
            if engine is None:
                return out
            for crop, scale in ((c, s) for c in crops for s in (2, 3)):
                big = np.ascontiguousarray(cv2.resize(crop, None, fx=scale, fy=scale,
                                                      interpolation=cv2.INTER_CUBIC))
                engine.SetImageBytes(big.tobytes(), big.shape[1], big.shape[0], 1, big.shape[1])
                engine.SetSourceResolution(int(dpi * scale))
                if engine.Recognize(timeout=timeout_ms):
                    out.append("".join(engine.GetUTF8Text().split()))
                engine.Clear()
        return out

    return read


def _vote_readings(crop: np.ndarray, dpi: int, timeout_ms: int, *,
                   digits_only: bool = False) -> list[str]:
    """A number's crop read by every reader there is for it, for sohoa.ocr.idreread's vote by
    glyph position: the digits reader and the page's model restricted to digits, each at the
    page's size and enlarged twice and three times, on the crop as scanned and with its
    contrast stretched (a faint copy's grey strokes made black). Readers and sizes fail on
    different glyphs of a cracked or faint number (issue 18, seed 41 page 4100036: the page
    read "03810434774", the stretched crop at the page's size "038304234773"). With
    ``digits_only`` the digits reader alone (sohoa.ocr.idreread's kind "digits"). The caller
    holds the engines' lock."""
    low, high = np.percentile(crop, (2, 98))
    stretched = crop if high - low < 8 else np.clip(
        (crop.astype(np.float32) - low) * (255.0 / (high - low)), 0, 255).astype(np.uint8)
    readers = [api for api in (_ENGINES.restricted_engine("digits"),
                               None if digits_only else _ENGINES.model_digits_engine())
               if api is not None]
    out: list[str] = []
    for base in (crop, stretched):
        for scale in (1, 2, 3):
            image = np.ascontiguousarray(base if scale == 1 else cv2.resize(
                base, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))
            for api in readers:
                api.SetImageBytes(image.tobytes(), image.shape[1], image.shape[0], 1,
                                  image.shape[1])
                api.SetSourceResolution(int(dpi * scale))
                if api.Recognize(timeout=timeout_ms):
                    out.append("".join(api.GetUTF8Text().split()))
                api.Clear()
    return out


# A digit the model nearly read instead of the one it chose: its choice's confidence (0–100,
# Tesseract's per-symbol alternatives) at least this. Right digits of heavy copies have rivals
# of 0–40 mostly; the misread 7 of issue 18's page 3700040 ("…745171" read "…745121") had 64.
_RIVAL_CONFIDENCE = 50.0


def _rival_readings(api: tesserocr.PyTessBaseAPI, crop: np.ndarray, dpi: int,
                    timeout_ms: int) -> list[str]:
    """A number's crop read once more by the page's own model at the page's own size, one
    line: its digits as read, then that reading with one digit replaced by a rival the model
    weighed at :data:`_RIVAL_CONFIDENCE` or more (one reading per rival). The model's own
    doubt about each digit — not a second look at the same pixels by a weaker reader."""
    crop = np.ascontiguousarray(crop)
    api.SetImageBytes(crop.tobytes(), crop.shape[1], crop.shape[0], 1, crop.shape[1])
    api.SetSourceResolution(int(dpi))
    digits: list[tuple[str, list[str]]] = []
    symbols = api.GetIterator() if api.Recognize(timeout=timeout_ms) else None
    for symbol in tesserocr.iterate_level(symbols, tesserocr.RIL.SYMBOL) if symbols else ():
        try:  # a crop where nothing was read gives one empty symbol, which raises
            chosen = symbol.GetUTF8Text(tesserocr.RIL.SYMBOL)
            others = [choice.GetUTF8Text() for choice in symbol.GetChoiceIterator()
                      if choice.Confidence() >= _RIVAL_CONFIDENCE]
        except RuntimeError:
            continue
        if chosen.isdigit() and len(chosen) == 1:
            digits.append((chosen, [c for c in dict.fromkeys(others)
                                    if c.isdigit() and len(c) == 1 and c != chosen]))
    api.Clear()
    best = "".join(chosen for chosen, _ in digits)
    if not best:
        return []
    out = [best]
    for at, (_, rivals) in enumerate(digits):
        out += [best[:at] + rival + best[at + 1:] for rival in rivals]
    return out


def _number_place(crop: np.ndarray, height: int) -> list[np.ndarray]:
    """Where a lost number stands in the rest of its line, in two binarizations: the crop's
    contrast stretched (a faint copy), and thresholded locally (a shadow, uneven toner). The
    number is the run from the first to the last column that holds a glyph-tall stroke: the
    dots of a leader, a speck and the blank margin are cut off, they make a single-line
    reading of the whole width lose or invent digits. Empty when nothing tall is there."""
    low, high = np.percentile(crop, (2, 98))
    if high - low < 8:
        return []
    stretched = np.clip((crop.astype(np.float32) - low) * (255.0 / (high - low)), 0, 255
                        ).astype(np.uint8)
    local = cv2.adaptiveThreshold(stretched, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                  cv2.THRESH_BINARY, 31, 10)
    tall = np.flatnonzero((local < 128).sum(axis=0) >= max(3, int(0.45 * height)))
    if tall.size == 0:
        return []
    pad = max(3, height // 3)
    first, last = max(0, int(tall[0]) - pad), int(tall[-1]) + pad + 1
    return [np.ascontiguousarray(stretched[:, first:last]),
            np.ascontiguousarray(local[:, first:last])]


def _covered(new: Box, old: Box) -> bool:
    """Whether ``old`` covers half of ``new``'s box or more."""
    dx = min(new.right, old.right) - max(new.left, old.left)
    dy = min(new.bottom, old.bottom) - max(new.top, old.top)
    return dx > 0 and dy > 0 and dx * dy >= 0.5 * new.width * new.height


# A strip's words as read are left alone when all are this confident and Vietnamese.
_LINE_SURE_CONFIDENCE = 80.0


def _reread_block_lines(api: tesserocr.PyTessBaseAPI, boxes: list[Box],
                        regions: Sequence[Region], level: np.ndarray,
                        timeout_ms: int,
                        alternatives: Callable[[], list[np.ndarray]] | None = None,
                        dpi: int = 300) -> list[Box]:
    """``boxes`` with each line of print in the signer's block that was lost or garbled read
    again alone as one line (PSM 7), the better reading kept.

    A block reading can still lose the name a signature ran over, or keep a few unsure
    fragments of it ("Hổ A»" for "Hồ Hữu Lẫm") that then hide it from the region's re-read,
    while the same strip, its strokes taken out, read as one line gives the name whole. The
    lines are found in the image (rows of dark ink about a line tall, cut where they break
    for more than a few letters' width); a line is read again when its ink is not all under
    words or its words are unsure or not Vietnamese, and its words are replaced when the new
    reading is confident, Vietnamese, and surer than them.

    Once a line of a region needs reading again, the region's lines are also read in the
    ``alternatives`` (the page's other copies, deskewed alike: the pen taken apart by shape),
    and the surest Vietnamese reading of them is the new one: taking a pen out of a grey scan
    can take the bold name it crosses with it, and which copy reads a line best is known only
    by reading it. A line is as long as any copy shows it, and one found only in another copy
    is read too.
    """
    usual = _usual_height(boxes)
    if not usual:
        return boxes
    height, width = level.shape
    out = list(boxes)
    for index, (left, top, right, bottom) in enumerate(regions):
        left, top = max(0, left), max(0, top)
        right, bottom = min(width, right), min(height, bottom)
        if right - left < 16 or bottom - top < 16:
            continue
        region = (left, top, right, bottom)
        strips = _print_lines(level, region, usual)
        others: list[np.ndarray] = []
        if alternatives is not None and any(
                _needs_reading(level, s, [b for b in out if _within(b, s)], usual)
                for s in strips):
            others = alternatives()
        for other in others:
            for found in _print_lines(other, region, usual):
                same = [i for i, t in enumerate(strips) if _same_line(found, t)]
                if not same:
                    strips.append(found)
                elif len(same) == 1:  # the line as long as any copy shows it
                    t = strips[same[0]]
                    strips[same[0]] = (min(t[0], found[0]), t[1], max(t[2], found[2]), t[3])
        for number, strip in enumerate(strips):
            inside = [b for b in out if _within(b, strip)]
            if not any(_needs_reading(copy, strip, inside, usual) for copy in (level, *others)):
                continue
            readings = [_read_rectangle(api, tesserocr.PSM.SINGLE_LINE, strip, timeout_ms,
                                        syllables=True)]
            readings += [_read_strip(api, other, strip, dpi, timeout_ms) for other in others]
            readings = [_unhyphenated(r) for r in readings]
            titled = _title_readings(readings, inside, usual)
            readings = [r for r in readings if r and median(b.height for b in r) >= 0.6 * usual
                        and _sure_enough(r)]
            if others:  # the engine holds the last strip read: the page back
                api.SetImageBytes(level.tobytes(), width, height, 1, width)
                api.SetSourceResolution(int(dpi))
            if titled:
                # A title where the page read none: its words, however unsure, replace the
                # line's (the title's rules then write them, and record it).
                again = max(titled, key=lambda r: (_read_well(r), _mean_confidence(r)))
                line_key = 4_000_000 + index * 1000 + number
                out = [b for b in out if not any(b is w for w in inside)]
                out += [Box(b.text, b.left, b.top, b.width, b.height, b.confidence, line_key)
                        for b in again]
                continue
            if not readings:
                continue
            again = max(readings, key=_read_well)
            confidence = _mean_confidence(again)
            if inside:
                # Kept only when no less Vietnamese than the words it replaces, and surer
                # than them or covering more of the line.
                before = _mean_confidence(inside)
                if _valid_share(again) < _valid_share(inside) or (
                        confidence <= before and len(again) <= len(inside)):
                    continue
            line_key = 4_000_000 + index * 1000 + number
            out = [b for b in out if not any(b is w for w in inside)]
            out += [Box(b.text, b.left, b.top, b.width, b.height, b.confidence, line_key)
                    for b in again + _dropped_sure(inside, again)]
    return out


def _title_readings(readings: Sequence[Sequence[Box]], inside: Sequence[Box], usual: int
                    ) -> list[list[Box]]:
    """The readings of a line of the signer's block that are a title of the vocabulary
    (near-missed, its words run together: "TRUỞNGCÔNGAN", read at confidence 29 on a speckled
    copy, seed 337 p49), each glued word cut into the title's words, when what the page read
    there is no title ("ty CÔNG AN :"); none when it is one. A title's words are known
    beforehand, so a reading that is one is taken however unsure the engine was of it,
    where the rule for lines read again (``_sure_enough``) would drop it."""
    titles = load_titles()
    read = [b.text for b in inside]
    if read and (retitle_line(read, titles, [b.confidence for b in inside]) is not None
                 or is_title_line(" ".join(read), titles)):
        return []
    out: list[list[Box]] = []
    for reading in readings:
        words = [b for b in reading if any(ch.isalpha() for ch in b.text)]
        if not words or median(b.height for b in words) < 0.6 * usual:
            continue
        written = retitle_line([b.text for b in words], titles, [0.0] * len(words))
        if written is None:
            continue
        boxes: list[Box] = []
        for box, text in zip(words, written, strict=True):
            parts = text.split()
            if len(parts) < 2:
                boxes += [box] if text else []
                continue
            # Cut where the title's words part, in proportion to their letters: the
            # letters stay as read (the title's rules write and record them).
            letters = [ch for ch in box.text if ch.isalpha()]
            total = sum(len(p) for p in parts)
            cuts, at = [0], 0
            for part in parts[:-1]:
                at += len(part)
                cuts.append(round(at * len(letters) / total))
            cuts.append(len(letters))
            pieces = ["".join(letters[a:z]) for a, z in pairwise(cuts)]
            if not all(pieces):
                boxes.append(box)
                continue
            starts = [sum(len(q) for q in pieces[:n]) for n in range(len(pieces))]
            boxes += _split_box(Box("".join(letters), box.left, box.top, box.width,
                                    box.height, box.confidence, box.line_key),
                                list(zip(pieces, starts, strict=True)))
        out.append(boxes)
    return out


# A word of the line as first read is kept beside its new reading when it was read this sure.
_KEPT_SURE_CONFIDENCE = 90.0


def _dropped_sure(inside: Sequence[Box], again: Sequence[Box]) -> list[Box]:
    """The words of ``inside`` that the new reading ``again`` of their line dropped although
    they were read sure Vietnamese syllables in capitals, with no word of the new reading over
    them: seed 313 p16, "“TRƯỜNG PHÒNG" (50, 96) read again "TRƯỞNG PHÒNG" (79, 0) — the new
    reading kept the first word's marks and lost the second, and the title with it.

    Capitals only, as titles are printed: a name line cut short is left short, for the name's
    own reading again (``_reread_name_lines``) sees a line that lost a word and reads the name
    whole (seed 317 p37: "Nguyễn Hải an" read again "Nguyễn"; "Hải" kept beside it made
    "Nguyễn Hải" look whole, and "Lan" was not read again)."""
    return [b for b in inside
            if b.confidence >= _KEPT_SURE_CONFIDENCE and len(b.text) >= 2 and b.text.isalpha()
            and b.text.isupper() and _valid_share([b]) == 1.0
            and not any(min(a.right, b.right) > max(a.left, b.left) for a in again)]


# Lines after the signer's title or instruction in which a name kept as read is checked for
# plausibility (titles.doubtful_name): the name is printed within them, past the seal's debris.
_DOUBT_WINDOW = 7
# Where the signer's name is looked for under the title or the signing instruction: the
# signature's space (Nghị định 30/2020 leaves about 20-30 mm) and the name's line below it.
_NAME_BELOW_MM = 42.0
# Half the widest name line looked for, in mm, either side of the block's centre.
_NAME_HALF_WIDTH_MM = 42.0
# At most this many lines of print of the name's place (from the bottom) are read again.
_NAME_LINES = 2
# The name's line is also read cut this many letter heights below its top (the pen's stroke
# along the name's top out of the crop; the marks over capitals go with it, and the names'
# rules give them back), and twice enlarged.
_NAME_CUTS = (0.0, 0.35, 0.6)


def _reread_name_lines(api: tesserocr.PyTessBaseAPI, boxes: list[Box], level: np.ndarray,
                       timeout_ms: int, others: Callable[[], list[np.ndarray]], dpi: int,
                       renamed: list[tuple[str, str]], marks: Sequence[InkMark] = (),
                       doubted: list[str] | None = None) -> list[Box]:
    """``boxes`` with the signer's name read once more where the block puts it, when nothing
    read there is a name: under the pen on a grey copy the page's reading (and the block's
    line by line) gives fragments ("“Nà,", "Bồu/", "Thượng tá" / "Trưởng") or nothing.

    The name's place is the block's column under its last title or signing instruction (below
    the page's top third), down past the signature's space. Its lines of print (rows dense
    with ink: a pen crosses a row a few times, a line of print many; the rows where only the
    letters' bodies are, as the pen's stroke along the name's top joins it into one tall run)
    are each read alone (PSM 7) in the page, in its other copies (the pen taken apart by
    shape and by level) and cut to the letters' band, and a reading is kept only when the
    name's rules take it (:func:`sohoa.ocr.titles.name_reading`: a rank and a name, or a
    common surname then names of ``names.txt``, at most one word re-read): a line that is no
    name stays as read, however confident, and nothing is made up where no reading is a
    name. The words it replaces (the line's fragments) and the debris between the title and
    the name (lines of a few letters: the pen's and the seal's strokes read as marks) go; the
    name is written as the rules write it, and each line so read is added to ``renamed`` (the
    page's words it replaced, the name written: the page records it and its document goes to
    review, whether or not the rules changed a letter of the fresh reading)."""
    usual = _usual_height(boxes)
    height, width = level.shape
    if not usual:
        return boxes
    titles = load_titles()
    lines = reading_order(boxes, width)
    out = list(boxes)
    mm = dpi / 25.4
    for k, line in enumerate(lines):
        words = _block_part(line.words, usual)
        top = min(b.top for b in words)
        if top < height * _SIGNER_BELOW or not _anchors_name([b.text for b in words], titles):
            continue
        left, right = min(b.left for b in words), max(b.right for b in words)
        bottom = max(b.bottom for b in words)
        centre = (left + right) / 2
        half = max((right - left) / 2, _NAME_HALF_WIDTH_MM * mm)
        area = (max(0, round(centre - half)), bottom + 1, min(width, round(centre + half)),
                min(height, bottom + round(_NAME_BELOW_MM * mm)))
        if area[3] - area[1] < 2 * usual:
            continue
        below = {n: part for n in range(k + 1, len(lines))
                 if _within_area(part := _block_part(lines[n].words, usual), area)}
        if any(_anchors_name([b.text for b in part], titles) for part in below.values()):
            continue  # the instruction under the title: the name is looked for under it
        named = [part for part in below.values() if name_reading(
            [b.text for b in part], titles, [b.confidence for b in part]) is not None]
        if named:
            # A name is there: the page's own reading goes on as before, its marks checked
            # where another spelling is a name too.
            out = _reread_name_marks(api, level, named[-1], out, timeout_ms, dpi, renamed,
                                     others, doubted)
            continue
        found = _read_name_place(api, level, area, usual, timeout_ms, others, dpi, titles, out,
                                 marks)
        if found is None:
            continue
        strip, reading, written = found
        # The fragments of the name's line, and the debris between the title and the name,
        # give way to the name.
        gone = [b for b in out if _within(b, strip)]
        # What the page read on the name's line, as the clerk would compare it with the paper
        # (the debris above is marks, not words to compare).
        read_as = " ".join(b.text for b in sorted(gone, key=lambda b: b.left))
        for part in below.values():
            if max(b.bottom for b in part) <= strip[1] + usual and is_debris(
                    " ".join(b.text for b in part)):
                gone += part
        out = [b for b in out if not any(b is g for g in gone)]
        key = 5_000_000 + k
        # Specks glued to the name's words ("=—=Đỗ") are the pen's: a name is letters.
        written = [re.sub(r"^\W+|\W+$", "", text) for text in written]
        out += [Box(text, b.left, b.top, b.width, b.height, b.confidence, key)
                for b, text in zip(reading, written, strict=True) if text]
        # Recorded as the page read the line ("" for nothing) and as written: the fresh
        # reading may itself be a listed name, which the rules leave as it is, yet it replaced
        # what the page read there, so a person compares it with the paper every time
        # (review11b M1).
        written_as = " ".join(t for t in written if t)
        renamed.append((read_as, written_as))
        # Its marks are not drawn again: read in the copy that kept them, they were seen; the
        # copy the drawing fits best can be one the seal's treatment took the mark from
        # ("Trần Kiều Mỹ" drawn "My", "Dũng" drawn "Dung", seed 313 p40/p44), and the line
        # goes to a person already.
    return out


# How many times each word of a name is read again, enlarged (1, 2, 3 times), when another
# spelling of its letters is a listed name too; a spelling must win this many readings of them
# (and more than the page's own spelling) to replace it.
_MARK_SCALES = (1, 2, 3)
_MARK_VOTES = 2


def _reread_name_marks(api: tesserocr.PyTessBaseAPI, level: np.ndarray, line: Sequence[Box],
                       boxes: list[Box], timeout_ms: int, dpi: int,
                       renamed: list[tuple[str, str]],
                       others: Callable[[], list[np.ndarray]] | None = None,
                       doubted: list[str] | None = None) -> list[Box]:
    """``boxes`` with the signer's name words whose marks the names cannot settle ("Hiến" or
    "Hiển", "Quyên" or "Quyển": both names) looked at again. First the spellings are drawn in
    the print's face and compared with the word where they differ
    (:func:`sohoa.ocr.drawn.drawn_spelling`), in the page's copy and in ``others`` (the pen
    taken apart otherwise: the copy the face fits best is compared, as taking the pen out by
    shape can take a mark with it); when that cannot tell, the word is read again
    alone, enlarged: a spelling the word's own crop gives more often than the page's reading
    (``_MARK_VOTES`` of ``_MARK_SCALES``) replaces it. A line so changed is added to
    ``renamed`` (read and written: a person compares it with the paper). A line left as read
    with a word whose marks neither the drawing nor ``_MARK_VOTES`` readings of its crop
    confirmed (a sans-serif face the drawing does not fit, readings that give nothing: "Hồ
    Thành Tường" printed "Thanh", tester17 F7) is added to ``doubted``, the names kept as read
    for a person to compare with the paper. The engine is given the page back."""
    height, width = level.shape
    words = sorted(line, key=lambda b: b.left)
    cores = [re.sub(r"^\W+|\W+$", "", b.text) for b in words]
    start = 2 if len(cores) > 2 and not cores[1][:1].isupper() else 0  # after a rank
    changed: dict[int, str] = {}
    unconfirmed = False
    try:
        for n in range(start, len(words)):
            twins = mark_twins(cores[n], surname=n == start)
            if not twins and len(marked := marked_names(cores[n], surname=n == start)) > 1:
                # A word that is no name as read, its letters several names': the names' rules
                # would take the likeliest confusion, the drawing the print's marks.
                twins = marked
            if not twins or not cores[n][:1].isupper():
                continue
            box = words[n]
            pad = max(2, box.height // 3)
            region = (max(0, box.left - pad), max(0, box.top - pad),
                      min(width, box.right + pad), min(height, box.bottom + pad))
            # The spellings drawn in the print's face and compared with the word where they
            # differ: when that tells, the readings (which tend to give one mark whatever was
            # printed) are not asked.
            copies = [level, *(others() if others is not None else [])]
            drawn = drawn_spelling([c[region[1]:region[3], region[0]:region[2]]
                                    for c in copies if c.shape == level.shape],
                                   [cores[n], *twins])
            if drawn is not None:
                if drawn != cores[n]:
                    changed[n] = drawn
                continue
            votes: dict[str, int] = {}
            for scale in _MARK_SCALES:
                reading = _read_strip(api, level, region, dpi, timeout_ms, scale)
                text = "".join(re.sub(r"^\W+|\W+$", "", b.text) for b in reading)
                votes[text] = votes.get(text, 0) + 1
            best = max(twins, key=lambda t: votes.get(t, 0))
            if votes.get(best, 0) >= _MARK_VOTES and votes[best] > votes.get(cores[n], 0):
                changed[n] = best
            elif votes.get(cores[n], 0) < _MARK_VOTES:
                unconfirmed = True
    finally:
        api.SetImageBytes(level.tobytes(), width, height, 1, width)
        api.SetSourceResolution(int(dpi))
    if not changed:
        if unconfirmed and doubted is not None:
            doubted.append(" ".join(b.text for b in words))
        return boxes
    written = [b.text.replace(cores[n], changed[n]) if n in changed else b.text
               for n, b in enumerate(words)]
    if _printed_elsewhere(" ".join(cores[start:]), boxes, words) and not _printed_elsewhere(
            " ".join(changed.get(n, cores[n]) for n in range(start, len(words))), boxes, words):
        # The same person's name printed elsewhere on the page ("Họ và tên: Phạm Mỹ Lan" above
        # an applicant's signature) as the line was read: two readings agree, the marks stay.
        # Both come from one recognizer, which can err the same way twice: the drawing's
        # spelling is recorded beside the one kept, and a person compares them (review15a S5).
        renamed.append((" ".join(written), " ".join(b.text for b in words)))
        return boxes
    renamed.append((" ".join(b.text for b in words), " ".join(written)))
    new = {id(b): Box(text, b.left, b.top, b.width, b.height, b.confidence, b.line_key)
           for b, text in zip(words, written, strict=True)}
    return [new.get(id(b), b) for b in boxes]


def _printed_elsewhere(name: str, boxes: Sequence[Box], line: Sequence[Box]) -> bool:
    """Whether ``name`` (two words or more) is read, with the same marks, on the page outside
    ``line``: case aside, as whole words."""
    if len(name.split()) < 2:
        return False
    inside = {id(b) for b in line}
    rest = sorted((b for b in boxes if id(b) not in inside),
                  key=lambda b: (b.line_key, b.top, b.left))
    text = nfc(" ".join(re.sub(r"^\W+|\W+$", "", b.text) for b in rest)).lower()
    return re.search(rf"(?<!\w){re.escape(nfc(name).lower())}(?!\w)", text) is not None


def _block_part(words: Sequence[Box], usual: int) -> list[Box]:
    """The right part of a line, from its last gap wider than three letters' heights on: the
    layout joins the recipients' item on the left ("- Như trên;") to the signer's title or
    instruction beside it."""
    words = sorted(words, key=lambda b: b.left)
    start = 0
    for n in range(1, len(words)):
        if words[n].left - words[n - 1].right > 3 * usual:
            start = n
    return words[start:]


def _spans_words(reading: Sequence[Box], written: Sequence[str], strip: Region,
                 boxes: Sequence[Box], usual: int) -> bool:
    """Whether a name read in ``strip`` reaches as far as the words already read there (a
    letter's height of slack): "Đặng Thế" read where the page read "Đặng Thế Căm" lost a
    word."""
    kept = [b for b, text in zip(reading, written, strict=True) if text]
    there = [b for b in boxes if _within(b, strip) and sum(ch.isalpha() for ch in b.text) >= 2]
    if not kept:
        return False
    if not there:
        return True
    return (min(b.left for b in kept) <= min(b.left for b in there) + usual
            and max(b.right for b in kept) >= max(b.right for b in there) - usual)


def _anchors_name(tokens: Sequence[str], titles: Titles) -> bool:
    """Whether the signer's name may follow a line so read: a title (near-missed), or the
    signing instruction."""
    return opens_name_line(" ".join(tokens), titles) or retitle_line(tokens, titles) is not None


def _within_area(words: Sequence[Box], area: Region) -> bool:
    """Whether a line's words lie in ``area`` (their middles)."""
    return all(_within(b, area) for b in words)


def _name_strips(image: np.ndarray, area: Region, usual: int) -> list[Region]:
    """Lines of print in the name's place: as :func:`_print_lines` finds them, and the runs of
    rows where letters' bodies lie (a row crossed by many strokes: twice and three times the
    letter height in dark pixels), widened by the marks above and the tails below. A pen's
    stroke along a name's top makes one tall run of the two, which the first way drops."""
    strips = _print_lines(image, area, usual) + _print_lines(image, area, usual, sparse=True)
    left, top, right, bottom = area
    ink = _dark(image[top:bottom, left:right])
    for factor in (2, 3):
        rows = ink.sum(axis=1) >= factor * usual
        edges = np.flatnonzero(np.diff(np.concatenate(([0], rows.astype(int), [0]))))
        for start, stop in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
            if not 0.4 * usual <= stop - start <= 1.5 * usual:
                continue
            columns = np.flatnonzero(ink[start:stop].sum(axis=0) > 0)
            if len(columns) < 3 * usual:
                continue
            pad = max(2, usual // 4)
            strips.append((left + max(0, int(columns[0]) - pad),
                           top + max(0, start - round(0.6 * usual)),
                           left + min(right - left, int(columns[-1]) + 1 + pad),
                           top + min(bottom - top, stop + round(0.35 * usual))))
    unique: list[Region] = []
    for strip in strips:
        if not any(_same_line(strip, u) and abs(strip[1] - u[1]) < usual // 3
                   and abs(strip[3] - u[3]) < usual // 3 for u in unique):
            unique.append(strip)
    # The name is the block's lowest line: read from the bottom up.
    return sorted(unique, key=lambda s: -s[3])[:4 * _NAME_LINES]


def _read_name_place(api: tesserocr.PyTessBaseAPI, level: np.ndarray, area: Region,
                     usual: int, timeout_ms: int, others: Callable[[], list[np.ndarray]],
                     dpi: int, titles: Titles, boxes: Sequence[Box],
                     marks: Sequence[InkMark] = ()
                     ) -> tuple[Region, list[Box], list[str]] | None:
    """The first line of print in ``area`` (from the bottom) that some reading gives as a
    name — reaching as far left and right as the words read there (``boxes``: a reading that
    lost a word the page read is no better) —, that reading and the name as written (one text
    per word, '' for a speck); None when none does. The engine is given the page back."""
    height, width = level.shape
    copies = [level, *others()]
    strips: list[Region] = []
    for copy in copies:
        for strip in _name_strips(copy, area, usual):
            if not any(_same_line(strip, s) and strip[1] == s[1] and strip[3] == s[3]
                       for s in strips):
                strips.append(strip)
    # The name is the block's lowest line: the two lowest lines of print, each as at most
    # two copies show it, are read.
    groups: list[list[Region]] = []
    for strip in sorted(strips, key=lambda s: -s[3]):
        group = next((g for g in groups if _same_line(strip, g[0])), None)
        if group is None:
            groups.append([strip])
        elif len(group) < 2:
            group.append(strip)
    def read(copy: np.ndarray, band: Region, scale: float,
             mode: int = tesserocr.PSM.SINGLE_LINE, *, apart: bool = False) -> list[Box]:
        """The band read as one line (``apart``: nothing when its words were read run
        together and cut apart by their capitals)."""
        raw = _read_strip(api, copy, band, dpi, timeout_ms, scale, mode)
        reading = _unhyphenated(raw)
        return [] if apart and len(reading) != len(raw) else reading

    def named(reading: list[Box], strip: Region) -> list[str] | None:
        """The name a reading of ``strip`` is written as; None when it is no name."""
        if not reading:
            return None
        written = name_reading([b.text for b in reading], titles,
                               [b.confidence for b in reading],
                               crossed=[any(_crossed(b, m) for m in marks) for b in reading])
        if written is None or not _spans_words(reading, written, strip, boxes, usual):
            return None
        return written

    def name_of(copy: np.ndarray, band: Region, scale: float, strip: Region,
                mode: int = tesserocr.PSM.SINGLE_LINE, *, apart: bool = False
                ) -> tuple[list[Box], list[str]] | None:
        reading = read(copy, band, scale, mode, apart=apart)
        written = named(reading, strip)
        return None if written is None else (reading, written)

    try:
        unpenned: dict[Region, np.ndarray] = {}
        settled: list[Region] = []
        for strip in [s for g in groups[:_NAME_LINES] for s in g]:
            unpenned[strip] = _without_pen(level, strip, usual)
            variants = [(c, 0.0, 1) for c in copies] + [
                (level, cut, scale) for cut in _NAME_CUTS for scale in (1, 2)
                if cut or scale > 1]
            if unpenned[strip] is not level:
                variants += [(unpenned[strip], cut, scale) for cut in (0.0, 0.35)
                             for scale in (1, 2)]
            # The page's reading of the line, each copy's and the page's enlarged: when all
            # give the same words and the rules take none, the pen garbles nothing there and
            # the print reads as printed; its cuts and other enlargements are not read for it
            # (≈0.1-0.3 CPU s a page whose signer's name the rules do not take: a rare
            # surname, as on tester18's pages), nor at another size.
            alike = {tuple(b.text for b in sorted((b for b in boxes if _within(b, strip)),
                                                    key=lambda b: b.left))}
            for n, (copy, cut, scale) in enumerate(variants):
                if n == len(copies) + 1 and len(alike) == 1 and all(alike):
                    settled.append(strip)
                    break
                band = (strip[0], strip[1] + round(cut * usual), strip[2], strip[3])
                reading = read(copy, band, scale)
                if n <= len(copies):
                    alike.add(tuple(b.text for b in reading))
                written = named(reading, strip)
                if written is not None:
                    # The first reading the names' rules take: the others cost as much
                    # again, on the pages that need this at all.
                    return strip, reading, written
        lines = [next(s for s in g if s not in settled) for g in groups[:_NAME_LINES]
                 if any(s not in settled for s in g)]
        return _read_name_resized(name_of, lines, copies, unpenned, usual, width)
    finally:
        api.SetImageBytes(level.tobytes(), width, height, 1, width)
        api.SetSourceResolution(int(dpi))


# Where no reading of the name's place at the page's size or twice it is a name, its lines are
# read once more with their letters' x-height (about half a line's height) brought to this many
# pixels, as one line and as a raw line (PSM 7 and 13), each a letter wider either side.
_NAME_XHEIGHT = 30


def _read_name_resized(name_of: Callable[..., tuple[list[Box], list[str]] | None],
                       strips: Sequence[Region], copies: Sequence[np.ndarray],
                       unpenned: dict[Region, np.ndarray], usual: int, width: int
                       ) -> tuple[Region, list[Box], list[str]] | None:
    """The first of the lines ``strips`` (one per line of print, from the bottom) that a
    reading at another size gives as a name (``name_of``: the names' rules and the words'
    reach, as for the page's size), with that reading and the name as written; None when
    none does. Tesseract's Vietnamese model reads some lines at 1x and 2x as nothing or as a
    non-name and the same line at an x-height of about 30 px as the name (seed 337 p50, a
    speckled 200 dpi page: "Vũ Riễu Dũng" at 1x, "Vũ Kiêu Dũng" — "Vũ Kiều Dũng" — so). Only
    a name is kept, read with its words apart: a line read run together and cut into names
    by its capitals can be another listed name ("NguyễnHàKiếm" for "Nguyễn Hải Kiểm", seed
    313 p47). The line is recorded as renamed by the caller, so a person compares it with
    the paper. Only a page whose name every other reading missed pays for it; a line every
    copy read alike is not read again (the print reads as printed there)."""
    scale = _NAME_XHEIGHT / max(1.0, usual / 2)
    pad = max(2, usual // 2)
    for strip in strips:
        band = (max(0, strip[0] - pad), strip[1], min(width, strip[2] + pad), strip[3])
        pen_free = unpenned.get(strip)
        extra = [pen_free] if pen_free is not None and all(
            pen_free is not c for c in copies) else []
        for copy in [*copies, *extra]:
            for mode in (tesserocr.PSM.SINGLE_LINE, tesserocr.PSM.RAW_LINE):
                found = name_of(copy, band, scale, band, mode, apart=True)
                if found is not None:
                    return strip, *found
    return None


# A pen's stroke is a long smooth curve: pieces of it as long as this many letter heights lie
# straight within its width, at any slant short of upright; print has no such piece (a
# letter's bar is shorter, its stems are upright).
_PEN_RUN = 1.3
_PEN_SLANTS = tuple(range(-60, 61, 15))


def _without_pen(image: np.ndarray, strip: Region, usual: int) -> np.ndarray:
    """A copy of ``image`` whose ink in ``strip`` that lies on a long straight-ish run at a
    slant short of upright (a pen's stroke through the name, on a grey copy as dark as the
    print) is paper. The letters it crossed keep a gap there, which reads better than the
    stroke through them."""
    left, top, right, bottom = strip
    crop = image[top:bottom, left:right]
    ink = _dark(crop).astype(np.uint8)
    length = max(7, round(_PEN_RUN * usual))
    pen = np.zeros_like(ink)
    for slant in _PEN_SLANTS:
        kernel = np.zeros((length, length), np.uint8)
        dx = math.cos(math.radians(slant)) * (length - 1) / 2
        dy = math.sin(math.radians(slant)) * (length - 1) / 2
        c = (length - 1) / 2
        cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1, 1)
        pen |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    if not pen.any():
        return image
    pen = cv2.dilate(pen, np.ones((3, 3), np.uint8))
    out = image.copy()
    paper = float(np.percentile(crop, 90))
    out[top:bottom, left:right][pen.astype(bool)] = round(paper)
    return out


# A line read this unsure on average is read again as the lines of print its region holds
# (``_garbled_lines``).
_GARBLED_CONFIDENCE = 40.0


def _garbled_lines(boxes: Sequence[Box], width: int, height: int, read: Sequence[Box] = (),
                   regions_read: Sequence[Region] = ()) -> list[Region]:
    """Regions around lines Tesseract's layout read as one where they are two (a header's two
    columns set close, one line a little lower than the other: "11111. n7 nan..." at a
    confidence of 25 for "CÔNG AN PHƯỜNG HIỆP THÀNH" and the date beside it): a line of two
    words or more whose mean confidence is under 40. Read again line by line of print
    (:func:`_reread_block_lines`), the better reading kept.

    The page's own reading (``read``, its noise included) is also judged column by column:
    the parts of a line more than three letters' heights apart are columns, and one column
    read that unsure is garbled however well the other was read ("CÔNG AN XÃ BẢO QUANG" at 80
    beside "on Khi nrg) 2 iriinr6 non 2005" for the date, "sò bhêi nhu ch cờ hài" for "CÔNG AN
    XÃ LONG AN" beside the date at 96; issue 18, seed 247). Columns inside the seals' and
    signatures' regions (``regions_read``) are left to those regions' own readings."""
    usual = _usual_height(boxes)
    lines: dict[int, list[Box]] = {}
    for b in boxes:
        lines.setdefault(b.line_key, []).append(b)
    parts = list(lines.values())
    spans: dict[int, tuple[int, int]] = {}
    by_line: dict[int, list[Box]] = {}
    for b in read:
        by_line.setdefault(b.line_key, []).append(b)
    for words in by_line.values():
        words = sorted(words, key=lambda b: b.left)
        gap = 3 * median(b.height for b in words)
        columns = [[words[0]]]
        for a, b in pairwise(words):
            if b.left - a.right > gap:
                columns.append([])
            columns[-1].append(b)
        if len(columns) < 2:
            continue  # one column: judged by its kept words above
        for c in columns:
            left, right = min(b.left for b in c), max(b.right for b in c)
            if not any(_intersects((left, min(b.top for b in c), right,
                                    max(b.bottom for b in c)), r) for r in regions_read):
                parts.append(c)
                # A column's own width: its noise covers its ink, and the other column's
                # lines, set a little higher or lower, must not come into its rows.
                spans[id(c)] = (max(0, left - 2 * usual), min(width, right + 2 * usual))
    regions: list[Region] = []
    for words in parts:
        if len(words) < 2 or sum(b.confidence for b in words) / len(words) >= _GARBLED_CONFIDENCE:
            continue
        # The whole width: what the layout ran together may start left or end right of the
        # words it kept ("CÔNG AN" of the line above).
        left, right = spans.get(id(words), (0, width))
        region = (left, max(0, min(b.top for b in words) - usual), right,
                  min(height, max(b.top + b.height for b in words) + usual))
        if region not in regions:
            regions.append(region)
    return regions


_SURE_SYLLABLE = 20.0
# A line of the signer's block every word of which is a Vietnamese syllable is kept at this
# mean confidence: a name a pen crosses comes at 40-50 ("Tế Ngọc Bốn" at 46 for Lê Ngọc Bổn,
# "Dương Mỹ" at 49), and a line of no word keeps no name at all.
_BLOCK_ALL_VALID_CONFIDENCE = 35.0


def _sure_enough(words: Sequence[Box]) -> bool:
    """Whether a line read again in the signer's block may replace what was read there:
    confident and mostly Vietnamese, or less confident and Vietnamese throughout (two words
    or more)."""
    confidence, valid = _mean_confidence(words), _valid_share(words)
    return (confidence >= _REGION_MIN_CONFIDENCE and valid >= _REGION_MIN_VALID) or (
        confidence >= _BLOCK_ALL_VALID_CONFIDENCE and valid >= 1.0 and len(words) >= 2)


def _read_well(words: Sequence[Box]) -> float:
    """How much of a line a reading gives as Vietnamese: the letters of its syllables (and
    digits of its numbers), each counted by the engine's confidence. A reading that drops
    words is worse than one that reads them, however sure of the rest."""
    total = 0.0
    for b in words:
        for part in re.split(r"[-–]", b.text):
            letters = re.sub(r"[^\w]", "", part)
            if letters and (letters.isdigit() or is_syllable(letters.lower())):
                total += len(letters) * max(b.confidence, _SURE_SYLLABLE) / 100.0
    return total


def _unhyphenated(words: Sequence[Box]) -> list[Box]:
    """Words of a signer's line with syllables run together split apart: a hyphen between
    them ("TRƯỞNG-CÔNG", "Hồ-Thị", "Lê-Hái-Mỹ": in a name or a title the "hyphen" is a pen
    stroke or a seal's rim read in the space; a pen's stroke along a name's middle is read as
    one between each pair of its words, seed 337 p35), or the space lost before a capital
    ("MỹThể": no Vietnamese syllable has a capital inside it). Split only when every piece is
    a syllable ("GXN-CA", "McDonald" stay). Names and titles are written as separate
    syllables."""
    out: list[Box] = []
    for b in words:
        pieces = _syllable_pieces(b.text)
        out += [b] if pieces is None else _split_box(b, pieces)
    return out


def _syllable_pieces(text: str) -> list[tuple[str, int]] | None:
    """``text`` cut at its hyphens and before each capital that follows a small letter, as
    (piece, its first character's place); None when that leaves one piece or a piece that is
    no Vietnamese syllable."""
    pieces: list[tuple[str, int]] = []
    for match in re.finditer(r"[^-]+", text):
        part, at = match.group(0), match.start()
        cuts = [0] + [i for i in range(1, len(part))
                      if part[i].isupper() and part[i - 1].islower()] + [len(part)]
        pieces += [(part[a:z], at + a) for a, z in pairwise(cuts)]
    if len(pieces) < 2 or not all(p.isalpha() and is_syllable(p.lower()) for p, _ in pieces):
        return None
    return pieces


def _split_box(box: Box, pieces: Sequence[tuple[str, int]]) -> list[Box]:
    """``box`` as one word per piece (its text, the place of its first character in the
    word read), each over its characters' share of the width (in proportion to the
    characters read): a hyphen between two stays a gap, so that the text layer has a space
    there; two run together have half a letter's gap between them."""
    per = box.width / len(box.text)
    out: list[Box] = []
    for n, (text, at) in enumerate(pieces):
        start = at + (0.5 if n and at == pieces[n - 1][1] + len(pieces[n - 1][0]) else 0)
        end = at + len(text)
        left = box.left + round(per * start)
        right = box.left + round(per * end)
        out.append(Box(text, left, box.top, max(1, right - left), box.height,
                       box.confidence, box.line_key))
    return out


def _needs_reading(level: np.ndarray, strip: Region, inside: Sequence[Box], usual: int
                   ) -> bool:
    """Whether a line of the signer's block is read again: nothing read in it, words unsure
    or not Vietnamese, or ink outside its words."""
    return (not inside or _unsure(inside)
            or not _strip_covered(level, strip, inside, usual))


def _mean_confidence(words: Sequence[Box]) -> float:
    """The words' mean confidence, of those the noise rule keeps (a syllable kept by
    :func:`_line_words` says nothing of how sure the line is)."""
    tall = median(b.height for b in words) if words else 0.0
    sure = [b.confidence for b in words
            if b.confidence >= _SURE_SYLLABLE or not _unsure_syllable(b, tall)] or [0.0]
    return sum(sure) / len(sure)


def _same_line(a: Region, b: Region) -> bool:
    """Whether two strips are the same line of print (they overlap, by half the lower one's
    height or more)."""
    dy = min(a[3], b[3]) - max(a[1], b[1])
    dx = min(a[2], b[2]) - max(a[0], b[0])
    return dx > 0 and dy >= 0.5 * min(a[3] - a[1], b[3] - b[1])


def _read_strip(api: tesserocr.PyTessBaseAPI, image: np.ndarray, strip: Region, dpi: int,
                timeout_ms: int, scale: float = 1, mode: int = tesserocr.PSM.SINGLE_LINE
                ) -> list[Box]:
    """The words of ``strip`` of another copy of the page read as one line (resized
    ``scale`` times; ``mode``: PSM 7, or 13 for a raw line), in the page's pixels. The engine
    is left holding the strip: the caller gives it the page back."""
    left, top, right, bottom = strip
    crop = np.ascontiguousarray(image[top:bottom, left:right])
    if scale != 1:
        crop = np.ascontiguousarray(cv2.resize(
            crop, None, fx=scale, fy=scale,
            interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA))
    api.SetImageBytes(crop.tobytes(), crop.shape[1], crop.shape[0], 1, crop.shape[1])
    api.SetSourceResolution(int(dpi * scale))
    words = _read_rectangle(api, mode, (0, 0, crop.shape[1], crop.shape[0]), timeout_ms,
                            syllables=True)
    return [Box(b.text, left + int(b.left / scale), top + int(b.top / scale),
                max(1, int(b.width / scale)), max(1, int(b.height / scale)), b.confidence,
                b.line_key)
            for b in words]


def _within(box: Box, strip: Region) -> bool:
    """Whether a word's middle lies in a strip."""
    x, y = box.left + box.width / 2, box.top + box.height / 2
    return strip[0] <= x <= strip[2] and strip[1] <= y <= strip[3]


def _unsure(words: Sequence[Box]) -> bool:
    return (min(b.confidence for b in words) < _LINE_SURE_CONFIDENCE
            or _valid_share(words) < 1.0)


def _dark(sub: np.ndarray) -> np.ndarray:
    """Print's ink in a part of the page: darker than half-way between the darkest ink and the
    paper (a grey seal's ring and rim, which an Otsu threshold counts as ink, are lighter)."""
    # A whole page's levels from every fourth pixel each way (the percentiles of 9 million
    # pixels are a tenth of a second; of half a million, the same levels).
    sample = sub[::4, ::4] if sub.size > 2_000_000 else sub
    darkest, paper = percentile(sample, 2), percentile(sample, 90)
    return sub < (darkest + paper) / 2


def _strip_covered(level: np.ndarray, strip: Region, words: Sequence[Box], usual: int) -> bool:
    """Whether the strip's ink lies under its words (less than a letter or two outside: a
    lost "Đỗ" before a name read whole)."""
    left, top, right, bottom = strip
    ink = _dark(level[top:bottom, left:right]).any(axis=0)
    for b in words:
        ink[max(0, b.left - left):max(0, b.right - left)] = False
    return int(ink.sum()) < usual


def _print_lines(level: np.ndarray, region: Region, usual: int, *, tight: bool = False,
                 sparse: bool = False) -> list[Region]:
    """Lines of print in ``region``: runs of rows about a line tall where many letters' strokes
    cross (a pen's loop or a ring crosses a row a few times), cut where the ink breaks for
    more than three letters' width; each cut to its ink's extent. ``tight``: a line reaches
    no further up or down than its neighbours' letters, and its extent is its letters' bodies'
    (a whole page, where lines of two columns sit close: the foot of the line above must not
    widen the line or come into its reading). ``sparse``: a row of a line holds half as many
    dark pixels as a letter is tall or more, not as many (a short line of small print, "- Lưu:
    VT.", has fewer in its x-height rows and comes out as no line; lines set close together
    then run into one, so both ways are needed)."""
    left, top, right, bottom = region
    sub = level[top:bottom, left:right]
    ink = _dark(sub)
    rows = ink.sum(axis=1) >= max(3, usual // 2 if sparse else usual)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], rows.astype(int), [0]))))
    strips: list[Region] = []
    pad = max(2, usual // 4)
    runs = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
    for k, (start, stop) in enumerate(runs):
        if not 0.6 * usual <= stop - start <= 2.5 * usual:
            continue
        # The dense rows are the letters' bodies: capitals and their tone marks reach well
        # above them (Ẫ, Ổ), descenders less below.
        a = max(0, int(start) - round(0.6 * usual))
        b = min(sub.shape[0], int(stop) + round(0.35 * usual))
        if tight:
            a = max(a, runs[k - 1][1] if k else 0)
            b = min(b, runs[k + 1][0] if k + 1 < len(runs) else b)
        columns = np.flatnonzero(ink[start:stop].any(axis=0) if tight else
                                 ink[a:b].any(axis=0))
        if len(columns) < 2 * usual:
            continue
        breaks = np.flatnonzero(np.diff(columns) > 3 * usual)
        for first, last in zip(np.concatenate(([0], breaks + 1)),
                               np.concatenate((breaks, [len(columns) - 1])), strict=True):
            x0, x1 = int(columns[first]), int(columns[last]) + 1
            if x1 - x0 < 2 * usual:
                continue
            strips.append((left + max(0, x0 - pad), top + a,
                           left + min(sub.shape[1], x1 + pad), top + b))
    return strips


def _overlaps(a: Box, b: Box) -> bool:
    """Whether two word boxes cover the same print (half of the smaller one or more)."""
    dx = min(a.right, b.right) - max(a.left, b.left)
    dy = min(a.bottom, b.bottom) - max(a.top, b.top)
    if dx <= 0 or dy <= 0:
        return False
    return dx * dy >= 0.5 * min(a.width * a.height, b.width * b.height)


def _mark_regions(marks: Sequence[InkMark], dpi: int) -> list[Region]:
    """Where the signer's block around each mark may be: the mark, widened by most of its
    width on either side (the title and name are centred beside or under a seal) and by a
    line above and below; overlapping regions are merged."""
    regions: list[list[int]] = []
    line = round(9 / 25.4 * dpi)
    for mark in marks:
        side = max(round(0.6 * mark.width), line * 2)
        box = [mark.left - side, mark.top - line, mark.left + mark.width + side,
               mark.top + mark.height + line]
        for other in regions:
            if (box[0] < other[2] and other[0] < box[2] and box[1] < other[3]
                    and other[1] < box[3]):
                other[:] = [min(box[0], other[0]), min(box[1], other[1]),
                            max(box[2], other[2]), max(box[3], other[3])]
                break
        else:
            regions.append(box)
    return [(a, b, c, d) for a, b, c, d in regions]


def _turn_mark(mark: InkMark, rotation: int, width: int, height: int) -> InkMark:
    """``mark`` (on a scan of ``width`` × ``height``) on the scan turned clockwise."""
    x, y, w, h = mark.left, mark.top, mark.width, mark.height
    if rotation == 90:
        return InkMark(mark.kind, height - (y + h), x, h, w)
    if rotation == 180:
        return InkMark(mark.kind, width - (x + w), height - (y + h), w, h)
    if rotation == 270:
        return InkMark(mark.kind, y, width - (x + w), h, w)
    return mark


def _turned(copies: Callable[[], list[np.ndarray]] | None, rotation: int
            ) -> Callable[[], list[np.ndarray]] | None:
    """The page's other copies (made when asked for) turned clockwise by ``rotation``."""
    if copies is None or not rotation:
        return copies
    made = copies
    return lambda: [np.rot90(a, k=-(rotation // 90)) for a in made()]


def _photo_regions(photos: Sequence[InkMark], rotation: int, width: int, height: int
                   ) -> list[Region]:
    """The text beside each photo (sohoa.ocr.photos.beside_photos) on the page turned by
    ``rotation``."""
    turned = [_turn_mark(p, rotation, width, height) for p in photos]
    size = (height, width) if rotation in (90, 270) else (width, height)
    return beside_photos([Photo(p.left, p.top, p.width, p.height) for p in turned], *size)


def _without_specks(boxes: list[Box]) -> list[Box]:
    """Drop "letters" a third of the page's usual letter height: specks of a card's guilloche
    or a seal that Tesseract read as "5 £ 3" (4 px tall where text is 20). A real letter,
    digit or symbol is never that small on one page; dashes and dots are kept."""
    heights = sorted(b.height for b in boxes if any(c.isalnum() for c in b.text))
    if len(heights) < 10:
        return boxes
    floor = 0.35 * heights[len(heights) // 2]
    return [b for b in boxes if b.height >= floor or set(b.text) <= _LOW_MARKS]


_LOW_MARKS = frozenset("-–—.,:;·…_~")  # marks that are short by nature


# A seal's own lettering (its rim and the agency's name in its middle) is set well under the
# page's print: 0.36-0.43 of the usual word height on the foreign generator's grey scans
# (seeds 173, 179, 197), where the page's own words crossing a seal are 0.78 or more.
_SEAL_LETTERING_HEIGHT = 0.6


def _without_seal_lettering(boxes: list[Box], marks: Sequence[InkMark]) -> list[Box]:
    """Drop the words a seal's own lettering was read as: inside a seal, small (under
    ``_SEAL_LETTERING_HEIGHT`` of the page's usual word height) and in capitals or digits.

    On a grey scan the seal's ink cannot be lifted by its colour, and Tesseract reads the
    agency's name in its middle as the page's words ("CON TRAN" for "CÔNG AN TRẢNG DÀI",
    "UBND QUAN") at confidence 90 or more; they are no part of the page's text. A seal is
    lettered in capitals: a lowercase word as short (x-height only: "ra") is print, and so is
    the signer's title, instruction and name crossing the seal, which are the print's size."""
    seals = [m for m in marks if m.kind == "seal"]
    if not seals:
        return boxes
    usual = _usual_height(boxes)
    if not usual:
        return boxes

    def lettering(box: Box) -> bool:
        x, y = box.left + box.width / 2, box.top + box.height / 2
        return (box.height < _SEAL_LETTERING_HEIGHT * usual
                and any(ch.isalnum() for ch in box.text)
                and not any(ch.islower() for ch in box.text)
                and any(m.left <= x <= m.left + m.width and m.top <= y <= m.top + m.height
                        for m in seals)
                and not _in_title_row(box, boxes, usual))

    return [b for b in boxes if not lettering(b)]


def _in_title_row(box: Box, boxes: Sequence[Box], usual: int) -> bool:
    """Whether ``box`` is part of a signer's title read as one line with words of the print's
    size: its line's words, in order, are a title of the vocabulary (``titles.retitle_line``,
    the check the title's line gets later) that takes letters from ``box``.

    A word of the title that the seal's ring crosses can come back from a line's reading
    with a box cut to a sliver of the word ("/.PHÓ" 104×10 px beside "CHẺ TỊCH" 30 px tall,
    seed 317; "CHỦ" 65×19 beside "PHÓ" and "TỊCH" 44-51 px, seed 313): by its size alone it
    was the seal's lettering, and the deputy's title lost its first word. The vocabulary is a
    check of what was read, never a source of letters: a seal's own lettering, on a row of
    its own, has no print-sized word beside it."""
    row = sorted((b for b in boxes if b.line_key == box.line_key and _same_row(b, box)),
                 key=lambda b: b.left)
    if not any(b is not box and b.height >= _SEAL_LETTERING_HEIGHT * usual for b in row):
        return False
    written = retitle_line([b.text for b in row], load_titles(), [b.confidence for b in row])
    return written is not None and any(
        b is box and text for b, text in zip(row, written, strict=True))


# A seal's rim lettering runs between its two rings, on a circle 0.8-0.9 of the outer ring's
# radius: a word whose middle lies in this band of the seal's radius is on the rim.
_RIM_BAND = (0.6, 1.05)
# ... and all of the word's box within this share of the radius (a rim word's box, turned
# with the circle, pokes a little past the ring; measured 0.86-0.88 on seed 173).
_RIM_OUTER = 1.15
_RIM_UNSURE = 60.0


def _without_rim_lettering(boxes: list[Box], marks: Sequence[InkMark]) -> list[Box]:
    """Drop the words a seal's rim lettering was read as, told by the seal's geometry: the
    rim's letters stand on a circle, turned with it, so a word read from them lies in the
    band between the seal's rings, alone on its row as far as the seal reaches, and unsure
    (at 16-28 on the foreign generator's grey scans: "THÀẠ" 21×95 px standing along the
    rim's left side, "sư" on its upper left), its box within the outer ring. The page's print
    crossing the seal (the signer's title, the instruction, the name) runs on past the band,
    so its row holds other words, or its box reaches past the ring; a capitalised syllable as
    tall as print (a name's word) is kept whatever its place."""
    seals = [m for m in marks if m.kind == "seal"]
    if not seals:
        return boxes
    usual = _usual_height(boxes)
    if not usual:
        return boxes

    def band(box: Box, seal: InkMark) -> bool:
        radius = min(seal.width, seal.height) / 2
        x, y = seal.left + seal.width / 2, seal.top + seal.height / 2
        middle = math.hypot(box.left + box.width / 2 - x, box.top + box.height / 2 - y)
        # Inside the outer ring, corners and all: a title read as one word across the seal
        # ("CHỦ TỊCH" 238 px wide on a 281 px seal, at 29) reaches past it.
        corners = max(math.hypot(cx - x, cy - y) for cx in (box.left, box.right)
                      for cy in (box.top, box.bottom))
        return (_RIM_BAND[0] * radius <= middle <= _RIM_BAND[1] * radius
                and corners <= _RIM_OUTER * radius)

    def printed_name(box: Box) -> bool:
        letters = re.sub(r"[^\w]", "", box.text)
        return (letters.isalpha() and (letters.istitle() or letters.isupper())
                and is_syllable(letters.lower()) and box.height >= 0.75 * usual)

    rim: set[int] = set()
    for seal in seals:
        reach = (seal.left - seal.width / 4, seal.left + seal.width * 5 / 4)
        on = [b for b in boxes if band(b, seal)]
        for box in on:
            if box.confidence >= _RIM_UNSURE or printed_name(box) or not any(
                    ch.isalnum() for ch in box.text):
                continue
            row = [b for b in boxes if b is not box and _same_row(b, box)
                   and reach[0] <= b.left + b.width / 2 <= reach[1]]
            if all(band(b, seal) and b.confidence < _RIM_UNSURE for b in row):
                rim.add(id(box))
    return [b for b in boxes if id(b) not in rim]


# An upright reading: enough words, read with confidence, most of them Vietnamese syllables
# or confident Latin words (the English half of a bilingual caption).
_UPRIGHT_MIN_WORDS = 25
_UPRIGHT_MIN_CONFIDENCE = 75.0
_UPRIGHT_MIN_SYLLABLES = 0.75
_UPRIGHT_LATIN_CONFIDENCE = 85.0


def _reads_upright(boxes: Sequence[Box]) -> bool:
    """Whether a reading of the page as scanned is upright text. Tesseract reads a page turned
    by 90° too, as vertical text, with confidence: its words are then columns of letters.

    An ID card's captions are bilingual ("Quốc tịch / Nationality"): on every card of the
    foreign generator (seeds 7 and 23) only 70-74% of the words are syllables, and the card
    failed this test, went through OSD (unsure on a card) and the trial readings, and could
    come out turned by 90°. An English word of three letters or more read at 85 or more
    counts too: upright cards then have 87-94% such words, upside-down pages at most 38%."""
    words = [(re.sub(r"[^\w]", "", b.text), b) for b in boxes]
    letters = [(w, b) for w, b in words if w.isalpha()]
    if len(letters) < _UPRIGHT_MIN_WORDS:
        return False
    confidence = sum(b.confidence for b in boxes) / len(boxes)
    syllables = sum(1 for w, b in letters if is_syllable(w) or (
        w.isascii() and len(w) >= 3 and b.confidence >= _UPRIGHT_LATIN_CONFIDENCE)) / len(letters)
    long = [b for w, b in letters if len(w) >= 5]
    across = sum(1 for b in long if _laid_across(b)) / len(long) if long else 0.0
    return (confidence >= _UPRIGHT_MIN_CONFIDENCE and syllables >= _UPRIGHT_MIN_SYLLABLES
            and across >= 0.9)


# The signer's block is looked for below the page's header: the top third holds the agency,
# the motto and the document's name, never the signer.
_SIGNER_BELOW = 1 / 3


def _signer_line(boxes: Sequence[Box], texts: Sequence[str], height: int, titles: Titles,
                 *, name_line: bool = False, marks: Sequence[InkMark] = ()
                 ) -> tuple[list[Box], list[str]] | None:
    """The line's boxes and texts when it is a title or a rank and a name of the signer's
    block, written as the closed vocabulary has them (sohoa.ocr.titles); None when it is
    neither or in the page's header (the top third: the agency, the motto, the document's
    name). ``name_line``: the line is where the signer's name is printed (under the title or the
    signing instruction, past a few lines of debris at most). The boxes stay where the words
    were read: a token that held only specks is dropped, one whose letters went to the word of
    the token before it (a word read in two pieces) widens that token's box, and boxes that run
    into the next word's (a stroke of the signature read with "Đại") end before it
    (:func:`_apart`)."""
    if min(b.top for b in boxes) < height * _SIGNER_BELOW:
        return None
    rewritten = reread_signer_line(texts, titles, [b.confidence for b in boxes],
                                   name_line=name_line,
                                   crossed=[any(_crossed(b, m) for m in marks) for b in boxes])
    if rewritten is None:
        return None
    kept_boxes: list[Box] = []
    kept_texts: list[str] = []
    for box, old, new in zip(boxes, texts, rewritten, strict=True):
        if new:
            kept_boxes.append(box)
            kept_texts.append(nfc(new))
        elif kept_boxes and any(ch.isalpha() for ch in old):
            last = kept_boxes[-1]
            top = min(last.top, box.top)
            bottom = max(last.top + last.height, box.top + box.height)
            kept_boxes[-1] = Box(last.text, last.left, top, max(last.right, box.right) - last.left,
                                 bottom - top, last.confidence, last.line_key)
    return _apart(kept_boxes), kept_texts


def _signer_titles(words: list[Word], lines: list[str], titles: Titles, height: int,
                   marks: Sequence[InkMark] = ()
                   ) -> tuple[list[Word], list[str], list[tuple[str, str]]]:
    """``words`` and ``lines`` with the signer's titles the block itself tells (below the page's
    top third): the right part of a title left by the seal completed (``completed_titles``),
    then the "KT." of a head's title over its deputy's (``lost_delegations``), and lines of
    specks under the title dropped; and each line so written (as read, as written)."""
    out_words, out_lines = list(words), list(lines)
    changed: list[tuple[str, str]] = []

    def below_header(line_no: int) -> bool:
        tops = [w.top for w in out_words if w.line == line_no]
        return bool(tops) and min(tops) >= height * _SIGNER_BELOW

    def part(line_no: int) -> list[Word]:
        """The line's right part, from its last gap wider than three letters' heights on:
        the layout joins the recipients' item on the left ("Nơi nhận:") to the title beside
        it (as :func:`_block_part`)."""
        line = sorted((w for w in out_words if w.line == line_no), key=lambda w: w.left)
        if not line:
            return []
        tall = sorted(w.height for w in line)[len(line) // 2]
        start = 0
        for n in range(1, len(line)):
            if line[n].left - (line[n - 1].left + line[n - 1].width) > 3 * tall:
                start = n
        return line[start:]

    def block(line_no: int) -> str:
        return " ".join(w.text for w in part(line_no))

    def write(line_no: int, title: str) -> None:
        """The line's right part written as ``title`` (its left part kept as read)."""
        nonlocal out_words
        words_there = part(line_no)
        since = min(w.left for w in words_there)
        kept = [w.text for w in sorted(out_words, key=lambda w: w.left)
                if w.line == line_no and w.left < since]
        out_words = _rewrite_line(out_words, line_no, title.split(), since)
        changed.append((" ".join(w.text for w in words_there), title))
        out_lines[line_no] = " ".join([*kept, title])

    def sealed(line_no: int) -> bool:
        """Whether a seal (or a pen's strokes) lies at the line's left: over its first word or
        reaching it."""
        line = part(line_no)
        if not line:
            return False
        first = min(line, key=lambda w: w.left)
        top = min(w.top for w in line)
        bottom = max(w.top + w.height for w in line)
        return any(m.top <= bottom and m.top + m.height >= top
                   and m.left <= first.left <= m.left + m.width + first.height for m in marks)

    def off_centre(line_no: int) -> bool:
        """Whether the line's words lie right of the block's axis by more than a letter's
        height: the signer's block is centred (its title, the instruction and the name on one
        axis, Nghị định 30/2020, Phụ lục I), so a title so far right lost its left part
        (under the pen or the seal: "PHÒNG" of "TRƯỞNG PHÒNG"). The axis is the middle of the
        widest of the next two lines with letters (the instruction, the name)."""
        line = part(line_no)
        below = [part(k) for k in range(line_no + 1, min(len(out_lines), line_no + 5))
                 if sum(ch.isalpha() for ch in block(k)) >= 4][:2]
        if not line or not below:
            return False
        widest = max(below, key=lambda ws: max(w.left + w.width for w in ws)
                     - min(w.left for w in ws))
        axis = (min(w.left for w in widest) + max(w.left + w.width for w in widest)) / 2
        middle = (min(w.left for w in line) + max(w.left + w.width for w in line)) / 2
        return middle - axis > max(w.height for w in line)

    header = [line for k, line in enumerate(out_lines) if not below_header(k)]
    # A title's left may be lost under the seal, or where the block's axis says so.
    at_seal = {k for k in range(len(out_lines)) if sealed(k) or off_centre(k)}
    blocks = [block(k) for k in range(len(out_lines))]
    for line_no, line in enumerate(blocks):
        delegated = speck_before_delegation(line, titles)
        if delegated is not None and below_header(line_no):
            write(line_no, delegated)
            blocks[line_no] = delegated
    for line_no, title in completed_titles(blocks, titles, header, at_seal).items():
        if below_header(line_no):
            write(line_no, title)
            blocks[line_no] = title
    for line_no, title in deputy_titles(blocks, titles).items():
        if below_header(line_no):
            write(line_no, title)
            blocks[line_no] = title
    for line_no, delegated in lost_delegations(blocks, titles).items():
        if below_header(line_no):
            write(line_no, delegated)
            blocks[line_no] = delegated
    # Below the signer's title, a line of nothing but specks ("\\", ":", "`") is the seal's
    # ring or the pen read as marks: no text, and a speck between two words of the block
    # splits its lines in the text layer ("PHÓ" / ": CHỦ TỊCH").
    first = next((k for k, line in enumerate(out_lines)
                  if below_header(k) and is_title_line(line, titles)), None)
    if first is not None:
        specks = {k for k in range(first + 1, len(out_lines))
                  if out_lines[k] and not any(ch.isalnum() for ch in out_lines[k])}
        out_words = [w for w in out_words if w.line not in specks]
        out_lines = ["" if k in specks else line for k, line in enumerate(out_lines)]
    return out_words, out_lines, changed


def _written_instructions(words: list[Word], lines: list[str], height: int
                          ) -> tuple[list[Word], list[str]]:
    """``words`` and ``lines`` with a signing instruction read garbled under the seal's rim
    ("(Âý, ghirõ", "ý, ghi rõ") written as the form prints it (:func:`instruction_run`),
    below the page's header only, where the run opens its column. The instruction's words
    share the run's box, each as wide as its letters.

    Where two lines are readings of one instruction laid over each other (the page's and a
    region's read again: "ý, ghi rõ họ tê" over "(Ký, ghi rõ họ tên và đóng dấu)"), the
    nearer to it is kept and the other's run goes: writing both would print it twice."""
    found: list[tuple[float, list[int], str, Region]] = []
    for line_no in range(len(lines)):
        at = [k for k, w in enumerate(words) if w.line == line_no]
        if not at or min(words[k].top for k in at) < height * _SIGNER_BELOW:
            continue
        match = instruction_run([words[k].text for k in at],
                                [(words[k].left, words[k].left + words[k].width) for k in at])
        if match is None:
            continue
        start, end, instruction, distance = match
        run = [words[k] for k in at[start:end]]
        # The instruction opens its column: a word just before the run is a part of it read
        # as something else ("1. qhữTð-họ tên, đóng dấu)" is no "(Ký tên, đóng dấu)").
        before = words[at[start - 1]] if start else None
        if before is not None and run[0].left - (before.left + before.width) < 1.5 * max(
                before.height, run[0].height):
            continue
        area = (min(w.left for w in run), min(w.top for w in run),
                max(w.left + w.width for w in run), max(w.top + w.height for w in run))
        found.append((distance, at[start:end], instruction, area))
    kept: list[Region] = []
    gone: set[int] = set()
    written: dict[int, list[Word]] = {}
    for distance, indices, instruction, area in sorted(found, key=lambda item: item[0]):
        if any(_intersects(area, a) and min(area[3], a[3]) - max(area[1], a[1])
               >= 0.5 * min(area[3] - area[1], a[3] - a[1]) for a in kept):
            gone.update(indices)
            continue
        kept.append(area)
        if distance == 0:
            continue
        run = [words[k] for k in indices]
        left, top, right, bottom = area
        tokens = instruction.split()
        share = (right - left) / (sum(len(t) for t in tokens) + len(tokens) - 1)
        confidence = sum(w.confidence for w in run) / len(run)
        placed: list[Word] = []
        x = float(left)
        for token in tokens:
            placed.append(replace(run[0], text=token, left=round(x), top=top,
                                  width=max(1, round(len(token) * share)), height=bottom - top,
                                  confidence=confidence))
            x += (len(token) + 1) * share
        written[indices[0]] = placed
        gone.update(indices[1:])
    if not gone and not written:
        return words, lines
    out_words: list[Word] = []
    for k, word in enumerate(words):
        if k in written:
            out_words.extend(written[k])
        elif k not in gone:
            out_words.append(word)
    changed = {words[k].line for k in (*gone, *written)}
    out_lines = [" ".join(w.text for w in out_words if w.line == n) if n in changed else line
                 for n, line in enumerate(lines)]
    return out_words, out_lines


def _rewrite_line(words: list[Word], line_no: int, tokens: Sequence[str], since: int = 0
                  ) -> list[Word]:
    """``words`` with line ``line_no``'s words (those from ``since`` on, in pixels) written as
    ``tokens`` (at least as many): the last words read take the last tokens; the tokens before
    them, lost where they were printed (under the seal, left of what was read), get boxes
    before the first word read."""
    at = [k for k, w in enumerate(words) if w.line == line_no and w.left >= since]
    if not at or len(tokens) < len(at):
        return words
    out = list(words)
    extra = len(tokens) - len(at)
    for k, text in zip(at, tokens[extra:], strict=True):
        out[k] = replace(out[k], text=text)
    first = out[at[0]]
    gap = round(first.height * 0.4)
    right = first.left - gap
    lost: list[Word] = []
    for text in reversed(tokens[:extra]):
        width = max(1, round(first.height * 0.7 * len(text)))
        left = max(0, right - width)
        lost.insert(0, replace(first, text=text, left=left, width=max(1, right - left)))
        right = left - gap
    return out[:at[0]] + lost + out[at[0]:]


def _crossed(box: Box, mark: InkMark) -> bool:
    """Whether a seal's or a signature's box overlaps a word's (the page's skew, a degree or
    two, aside)."""
    return (box.left < mark.left + mark.width and mark.left < box.right
            and box.top < mark.top + mark.height and mark.top < box.top + box.height)


# Gap kept between two words of a signer's line, as a share of the taller's height: pdftotext
# starts a new word at a gap over a tenth of the font size (poppler's minWordBreakSpace), and
# reads boxes that overlap out of order ("úy … Đại").
_WORD_GAP = 0.2


def _apart(boxes: list[Box]) -> list[Box]:
    """``boxes`` (one line, left to right) with each one that runs into the next word's, or
    touches it, ending a gap before it; a box that would keep less than a third of its width
    is left as it is."""
    out = list(boxes)
    for k in range(len(out) - 1):
        box, nxt = out[k], out[k + 1]
        gap = math.ceil(_WORD_GAP * max(box.height, nxt.height))
        width = nxt.left - gap - box.left
        if box.right > nxt.left - gap and width >= box.width / 3:
            out[k] = Box(box.text, box.left, box.top, width, box.height, box.confidence,
                         box.line_key)
    return out


def _same_names(words: list[Word], as_read: Sequence[str], lines: list[str],
                lexicon: Lexicon | None) -> tuple[list[Word], list[str], list[tuple[str, str]]]:
    """``words`` and ``lines`` with a name printed twice on the page written alike where its
    readings differ by marks (``samename.agree``); and the words so written. A word the
    correction wrote counts with no confidence: the recognizer was sure of another reading."""
    at: list[list[int]] = [[] for _ in lines]
    for k, word in enumerate(words):
        at[word.line].append(k)
    tokens = [[words[k].text for k in ks] for ks in at]
    sure = [[words[k].confidence if nfc(words[k].text) == as_read[k] else 0.0 for k in ks]
            for ks in at]
    agreed, written = agree(tokens, sure, lexicon)
    if not written:
        return words, lines, []
    out, out_lines = list(words), list(lines)
    for line_no, ks in enumerate(at):
        if agreed[line_no] != tokens[line_no]:
            for k, text in zip(ks, agreed[line_no], strict=True):
                out[k] = replace(out[k], text=text)
            out_lines[line_no] = " ".join(agreed[line_no])
    return out, out_lines, written


def recognize_page(
    image: bytes | Image.Image,
    *,
    page_sha256: str,
    dpi: int,
    settings: OcrSettings = OcrSettings(),
    lexicon: Lexicon | None,
) -> OcrPage:
    """Recognize one scanned page; word boxes are in the upright (not deskewed) image's pixels.

    ``lexicon`` (``load_lexicon(registry)``) corrects the words when ``settings.correct``;
    the caller builds it from the document-type registry it uses."""
    if settings.correct and lexicon is None:
        raise ValueError("word correction needs the lexicon: load_lexicon(registry)")
    if isinstance(image, bytes | bytearray):
        image = open_image(bytes(image))
    if settings.cards:
        gray = np.asarray(image.convert("L"))
        cards = find_cards(gray, int(dpi))
        if cards:
            apart = _read_cards(image, gray, cards, page_sha256=page_sha256, dpi=dpi,
                                settings=replace(settings, cards=False), lexicon=lexicon)
            if apart is not None:
                return apart
    return _recognize_whole(image, page_sha256=page_sha256, dpi=dpi, settings=settings,
                            lexicon=lexicon)


def _read_cards(image: Image.Image, gray: np.ndarray, cards: Sequence[Card], *,
                page_sha256: str, dpi: int,
                settings: OcrSettings, lexicon: Lexicon | None) -> OcrPage | None:
    """The page read as its cards, each alone, and the rest of the page with the cards painted
    paper (:mod:`sohoa.ocr.cards`); None when the cards read turned otherwise than one another
    or by a quarter (the page is then read whole, as before). A copy scanned upside down
    (every card read turned by 180°) is a page turned by 180°: each card's box is moved to the
    upright page's pixels."""
    rotation: int | None = None
    parts: list[tuple[int, int, OcrPage]] = []
    crops = [_card_crop(image, card, dpi) for card in cards]
    for card, (crop, photos) in zip(cards, crops, strict=True):
        read = _recognize_whole(crop, page_sha256=page_sha256, dpi=dpi, settings=settings,
                                lexicon=lexicon, photos=photos)
        if read.rotation not in (0, 180) or rotation not in (None, read.rotation):
            return None
        rotation = read.rotation
        parts.append((*_upright_box(card, image.width, image.height, read.rotation), read))
    # The zone on one side vouches for the number printed on the other (the front's large
    # number, lost or misread: _number_the_zone_gives): a side that does not print the zone's
    # number is read again with it.
    zones = [n for _, _, read in parts if (n := zone_number(read.text))]
    # one zone and one side without it: the card's two sides. Two people's cards on one A4
    # (both spouses') do not let one's zone vouch for the other's front (review18 N7)
    given = zones[0] if len(zones) == 1 and len(parts) == 2 else None
    if given is not None:
        for k, ((crop, photos), (left, top, read)) in enumerate(zip(crops, parts,
                                                                     strict=True)):
            if given in read.text or zone_number(read.text):
                continue
            again = _recognize_whole(crop, page_sha256=page_sha256, dpi=dpi, settings=settings,
                                     lexicon=lexicon, zone_number=given, photos=photos)
            if given in again.text and again.rotation == rotation:
                parts[k] = (left, top, again)
    around = OcrPage(page_sha256=page_sha256, rotation=rotation or 0, skew=0.0,
                     width=image.width, height=image.height, dpi=int(dpi), words=(), text="",
                     confidence=0.0)
    if print_around(gray, int(dpi), cards):
        rest = image.copy()
        paper = 255 if rest.mode in ("L", "1") else (255,) * len(rest.getbands())
        for card in cards:
            rest.paste(paper, (card.left, card.top, card.left + card.width,
                               card.top + card.height))
        read = _recognize_whole(rest, page_sha256=page_sha256, dpi=dpi, settings=settings,
                                lexicon=lexicon)
        if read.words:
            if read.rotation != rotation:
                return None
            around = read
    return merge_readings(around, parts)


def _card_crop(image: Image.Image, card: Card, dpi: int) -> tuple[Image.Image, list[Photo]]:
    """The card cut out of the page, and its portrait photo found in the scan as it is: the
    card's own cleanup takes the pale fill for the paper and the portrait comes out too pale to
    be found, and then Tesseract's layout takes the name beside it into a picture (our seed
    307's colour card: "NGUYỄN THẾ BỔN" read "NGUYÊN THÉP ai sỉ")."""
    crop = image.crop((card.left, card.top, card.left + card.width, card.top + card.height))
    return crop, find_photos(np.asarray(crop.convert("L")), int(dpi))


def _upright_box(card: Card, width: int, height: int, rotation: int) -> tuple[int, int]:
    """The card's left and top on the page turned upright by ``rotation`` (0 or 180)."""
    if rotation == 180:
        return width - card.left - card.width, height - card.top - card.height
    return card.left, card.top


def _recognize_whole(
    image: Image.Image,
    *,
    page_sha256: str,
    dpi: int,
    settings: OcrSettings,
    lexicon: Lexicon | None,
    zone_number: str | None = None,
    photos: Sequence[Photo] = (),
) -> OcrPage:
    """:func:`recognize_page` on the whole image, cards or not (``zone_number``: see
    :func:`_read`; ``photos``: portraits found in the scan, see :func:`prepare`)."""
    # Cleanup does not depend on the orientation, so it runs first and OSD sees the clean copy
    # (on a grey photocopy OSD on the raw scan finds too little text).
    prepared = prepare(image, clean=settings.preprocess, denoise_copies=settings.denoise,
                       dpi=dpi, photos_found=photos)
    # 0 means "no limit" to Tesseract; a non-positive setting means the same here.
    timeout_ms = max(0, int(settings.timeout_s * 1000))
    scan_h, scan_w = prepared.gray.shape
    found = tuple(InkMark(m.kind, int(m.left), int(m.top), int(m.width), int(m.height))
                  for m in prepared.marks)
    # Photos are turned like marks (never recorded as marks): the text beside a card's photo
    # is read again as one block, as the signer's block is.
    photos = tuple(InkMark("photo", p.left, p.top, p.width, p.height) for p in prepared.photos)
    rotation = 0
    read: (tuple[float, int, int, list[Box], bool, list[tuple[str, str]], list[str]] | int
           | None) = None
    asked: list[int] = []  # OSD's answer, once asked
    # The turn the page's own lines gave (upside down, or running down the page), taken
    # without asking OSD (≈0.2 CPU s a turned page): the page turned so is read, and only when
    # that reading is not upright is OSD asked (the reading is kept for its answer's turn).
    guessed: list[int] = []

    def turn(lines: int = 0) -> int:
        """The page's turn (the caller holds the engines' lock): ``lines`` when the page's
        lines gave one and OSD has not been asked, else OSD's, asked once."""
        if not settings.detect_orientation:
            return 0
        if lines and not asked:
            guessed.append(lines)
            return lines
        if not asked:
            _ENGINES.ensure(settings)
            asked.append(_orientation(prepared.gray, dpi, timeout_ms, settings.fast_orientation)
                         if _ENGINES.osd is not None else 0)
        return asked[0]

    runs_down = (settings.detect_orientation and settings.upright_first
                 and lines_run_down(prepared.gray))
    if settings.detect_orientation and settings.upright_first and not runs_down:
        # Most scanned pages are upright: read the page as it is, and ask OSD only when that
        # reading does not look like Vietnamese text (a turned page reads as few, unsure,
        # invalid syllables). Saves OSD's ≈0.27 CPU s on every upright page; a turned page pays
        # its first reading of the whole page (the lines are not read again: ``turn``). A page
        # whose lines run down the page is turned by 90°: its lines tell which way.
        read = _read(prepared.gray, dpi, timeout_ms, settings, _mark_regions(found, dpi),
                     _photo_regions(photos, 0, scan_w, scan_h), prepared.alternatives, found,
                     zone_number, turn)
    if isinstance(read, int):
        rotation = read
        read = None
    elif read is not None and not asked and not _reads_upright(read[3]):
        with _ENGINES.lock:
            rotation = turn()
    if read is None and not guessed:
        with _ENGINES.lock:
            rotation = turn(quarter_turn(prepared.gray) if runs_down else 0)
    done: dict[int, tuple[float, int, int, list[Box], bool, list[tuple[str, str]],
                          list[str]]] = {}  # the page read turned, by turn

    def read_turned(by: int) -> tuple[float, int, int, list[Box], bool,
                                      list[tuple[str, str]], list[str]]:
        if by not in done:
            # np.rot90 turns counter-clockwise; the upright copy is the clean copy turned
            # clockwise.
            turned = [_turn_mark(m, by, scan_w, scan_h) for m in found]
            reading = _read(np.rot90(prepared.gray, k=-(by // 90)), dpi, timeout_ms,
                            settings, _mark_regions(turned, dpi),
                            _photo_regions(photos, by, scan_w, scan_h),
                            _turned(prepared.alternatives, by), turned, zone_number)
            assert not isinstance(reading, int)  # only a reading given ``turn`` stops early
            done[by] = reading
        return done[by]

    if guessed and read is None and not _reads_upright(read_turned(rotation)[3]):
        # The lines' turn does not read upright: OSD's answer, as for any turned page (an
        # answer of 0 is the page read as scanned, and only so).
        with _ENGINES.lock:
            rotation = turn()
        if rotation == 0:
            read = read_turned(0)
    if read is None or rotation != 0:
        readings = [(rotation, read_turned(rotation))]
        if rotation != 0 and not _reads_upright(readings[0][1][3]):
            # OSD's sure answers are wrong by half a turn on some cards (a quarter turn
            # one way read as the other): the opposite turn is read too (the page as
            # scanned below)
            flip = (rotation + 180) % 360
            if flip:
                readings.append((flip, read_turned(flip)))
        if rotation != 0:
            # and the page as scanned: the turn must read better, whole and at full size
            # (tester18 F1: an upright card on an A4 copy was stored turned a quarter, its
            # text layer letter soup). A page whose lines looked turned, or whose first
            # reading was not upright, was not read whole as scanned: it is read now only
            # when no turn reads upright.
            if (read is None and settings.upright_first
                    and not any(_reads_upright(r[1][3]) for r in readings)):
                read = read_turned(0)
            if read is not None:
                readings.append((0, read))
        rotation, read = max(readings, key=lambda r: _read_score(r[1][3]))
    assert not isinstance(read, int)  # only a reading given ``turn`` stops at the turn
    skew, width, height, boxes, finished, named, doubted = read
    lines = reading_order(boxes, width)
    unsure_ids: list[tuple[str, str]] = []
    if finished:
        upright = prepared.gray if rotation == 0 else np.rot90(prepared.gray, k=-(rotation // 90))
        lines, unsure_ids = reread_ids(lines, _crop_reader(upright, skew, dpi, timeout_ms,
                                                           settings))
    words: list[Word] = []
    as_read: list[str] = []  # each word as the recognizer read it, before any correction
    text_lines: list[str] = []
    renamed: list[tuple[str, str]] = []
    # The signer's name read once more where it is printed (``_reread_name_lines``).
    # Every one of them: the name written there replaced what the page read (review11b M1).
    retitled: list[tuple[str, str]] = [(a, b) for a, b in named if nfc(a) != nfc(b)]
    # A name whose marks neither the drawing nor the readings confirmed is the page's reading
    # kept, for a person to compare with the paper (tester17 F7).
    unsure_signer: list[str] = list(dict.fromkeys(doubted))
    after_title: int | None = None  # lines since the last title or signing instruction
    # Lines since the last that the signer's name may follow (a title, the signing
    # instruction), None when the name's place is past.
    since: int | None = None
    upright_marks = [_turn_mark(m, rotation, scan_w, scan_h) for m in found]
    previous_last: str | None = None  # the previous line's last word, as corrected
    # A face whose letters the model confuses by their shape shows it on the whole page.
    wide = bool(settings.correct and lexicon is not None and shape_misread(
        [[box.text for box in line.words] for line in lines], lexicon))
    for line_no, line in enumerate(lines):
        texts = [box.text for box in line.words]
        line_boxes = list(line.words)
        if settings.correct:
            assert lexicon is not None  # checked on entry
            caption = name_after_caption(text_lines[-1] if text_lines else None, texts)
            texts, rewritten = reread_names(
                correct_tokens(texts, lexicon, previous_last, caption_before=caption,
                               wide=wide),
                lexicon, texts, caption_before=caption)
            texts = [nfc(t) for t in texts]
            renamed += [(nfc(a), nfc(b)) for a, b in rewritten]
            signer = _signer_line(line_boxes, texts, height, load_titles(),
                                  name_line=since is not None, marks=upright_marks)
            changed = False
            if signer is not None:
                if signer[1] != texts:
                    retitled.append((" ".join(texts), " ".join(signer[1])))
                    changed = True
                line_boxes, texts = signer
            # A name kept as read that is no plausible name goes to a person, as a rewritten
            # one does (the text stays as read).
            changed = changed or " ".join(texts) in {b for _, b in retitled}
            # The name is looked for a few lines past the title or the instruction whatever
            # lies between (the seal's and the pen's debris is often more than name_place's).
            name_line = since is not None or (after_title is not None
                                              and after_title < _DOUBT_WINDOW)
            # Never in the page's header (the agency, the document's name: "THÔNG BÁO").
            header = bool(line_boxes) and min(b.top for b in line_boxes) < height * _SIGNER_BELOW
            doubtful = None if changed or header else doubtful_name(texts, load_titles(),
                                                          name_line=name_line)
            if doubtful is not None and doubtful not in unsure_signer:
                unsure_signer.append(doubtful)
            joined = " ".join(t for t in texts if t)
            since = name_place(since, joined, load_titles())
            after_title = 0 if since == 0 else None if after_title is None else after_title + 1
        for box, text in zip(line_boxes, texts, strict=True):
            as_read.append(nfc(box.text))
            left, top, w, h = unskew_box(
                (box.left, box.top, box.width, box.height), skew, (width, height)
            )
            words.append(
                Word(
                    text=text,
                    left=left,
                    top=top,
                    width=w,
                    height=h,
                    confidence=box.confidence,
                    block=line.block,
                    line=line_no,
                )
            )
        text_lines.append(" ".join(texts))
        previous_last = texts[-1] if texts else None
    if settings.correct:
        words, text_lines, agreed = _same_names(words, as_read, text_lines, lexicon)
        renamed += agreed
        # Any ink mark: on a grey scan a seal's ring is often taken for a pen's strokes.
        words, text_lines, completed = _signer_titles(words, text_lines, load_titles(),
                                                      height, upright_marks)
        retitled += completed
    words, text_lines = _written_instructions(words, text_lines, height)
    confidence = sum(w.confidence for w in words) / len(words) / 100.0 if words else 0.0
    return OcrPage(
        page_sha256=page_sha256,
        rotation=rotation,
        skew=skew,
        width=width,
        height=height,
        dpi=int(dpi),
        words=tuple(words),
        text=nfc("\n".join(text_lines)),
        confidence=round(max(0.0, min(1.0, confidence)), 4),
        timed_out=not finished,
        marks=tuple(upright_marks),
        renamed=tuple(renamed),
        retitled=tuple(retitled),
        unsure_ids=tuple(unsure_ids),
        unsure_signer=tuple(unsure_signer),
    )
