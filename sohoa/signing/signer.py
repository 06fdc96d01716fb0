"""PAdES signing of one PDF as an incremental update, with the agency's visible stamp.

Everything that does not depend on the document is prepared once in ``DocumentSigner``: the
parsed key (``KeySource``), the stamp font subset, the stamp style and size, the trust roots,
the TSA client with the TSA's pre-signing answer, the TLS context for the TSA and OCSP/CRL
servers and, after the first signature, the size of the signature placeholder (without
``bytes_reserved`` pyHanko makes a throw-away dry-run signature on every call). The signer's
revocation status is checked afresh for every B-T/B-LT/B-LTA signature.

The update is appended in place (``sign_file`` never holds the document in memory; ``sign``
holds one copy besides the caller's). Figures: bench/sign_bench.py, bench/RESULTS.md.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import io
import logging
import os
import shutil
import ssl
import threading
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sohoa.errors import BadInputError, SigningError
from sohoa.records import SignatureSummary
from sohoa.vntext import nfc

from .keys import KeySource
from .placement import PageInk, Rect, displayed_size, place_stamp, to_displayed, to_page_space
from .settings import MM, SigningSettings, stamp_time, vietnam_time
from .stamptext import render_template, stamp_characters
from .trust import load_certificates

if TYPE_CHECKING:
    import aiohttp
    from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from .stamp import StampFont, TurnedTextStampStyle

DIGEST = "sha256"
# Hex characters added to pyHanko's first estimate of the CMS size: later signatures of the same
# signer differ only in a few attribute bytes, timestamp tokens by a few dozen.
_RESERVE_SLACK = 4096
_HASH_CHUNK = 1 << 22
# How long a signature waits for each OCSP/CRL fetch and for the TSA. The readiness check waits
# exactly as long: a shorter wait there would refuse a home whose slow CRL or busy TSA signs fine
# (a server that is not running refuses at once either way).
FETCH_TIMEOUT_S = 10.0
TSA_TIMEOUT_S = 20.0


class _AppendStream(io.RawIOBase):
    """A PDF's bytes, read in place, with an incremental update appended after them.

    Reads and seeks cover the original and the update as one file; writes are accepted only in
    the update (an incremental update never changes the original bytes).
    """

    def __init__(self, original: bytes) -> None:
        super().__init__()
        self._base = memoryview(original)
        self._size = len(original)
        self._tail = bytearray()
        self._pos = 0

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        end = self._size + len(self._tail)
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: end}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        pos, size = self._pos, self._size
        done = 0
        if pos < size:
            done = min(len(target), size - pos)
            target[:done] = self._base[pos:pos + done]
        rest = len(target) - done
        if rest:
            start = pos + done - size
            piece = self._tail[start:start + rest]
            target[done:done + len(piece)] = piece
            done += len(piece)
        self._pos += done
        return done

    def read(self, size: int = -1) -> bytes:
        end = self._size + len(self._tail)
        stop = end if size is None or size < 0 else min(end, self._pos + size)
        pos = self._pos
        if stop <= pos:
            return b""
        self._pos = stop
        if stop <= self._size:
            return bytes(self._base[pos:stop])
        if pos >= self._size:
            return bytes(self._tail[pos - self._size:stop - self._size])
        return bytes(self._base[pos:]) + bytes(self._tail[:stop - self._size])

    def write(self, data: Any) -> int:
        offset = self._pos - self._size
        if offset < 0:
            raise io.UnsupportedOperation("an incremental update cannot change the original")
        view = memoryview(data).cast("B")
        if offset == len(self._tail):
            self._tail += view
        else:
            if offset > len(self._tail):
                self._tail += bytes(offset - len(self._tail))
            self._tail[offset:offset + len(view)] = view
        self._pos += len(view)
        return len(view)

    def joined(self) -> bytes:
        return b"".join((self._base, self._tail))


class DocumentSigner:
    """Signs PDFs for one agency with one key and one settings set; cheap to call repeatedly.

    ``extra_trust_roots`` are the roots (PEM/DER files or bytes) that B-T/B-LT/B-LTA signing
    validates the signer and the TSA against before signing; the self-signed certificates that
    come with the key are always included.
    """

    def __init__(
        self,
        key: KeySource,
        settings: SigningSettings,
        agency: str,
        *,
        extra_trust_roots: Sequence[Path | bytes] = (),
    ) -> None:
        self.key = key
        self.settings = settings
        self.agency = agency = nfc(agency).strip()
        self._fixed = {"agency": agency, "signer": key.signer_name}
        # Checked now, so a bad configuration stops its caller before any work: the template,
        # the font file and the seal picture. What takes fontTools and pyHanko to make (the font
        # subset, the stamp's style and size, the timestamper, the trust roots) is made by
        # ``prepare``, at the latest on the first signature: an ingest whose files are all known
        # signs nothing and never imports them (issue 19: re-ingest in under 3 s).
        self._characters = stamp_characters(settings.stamp_template, self._fixed)
        self._font_path = settings.resolve_font()
        if settings.seal_image:
            from .stamp import load_seal

            self._seal = load_seal(settings.seal_image)
        else:
            self._seal = None
        self._seal_size = settings.seal_size_mm * MM if self._seal is not None else 0.0
        self._roots = [
            *load_certificates(extra_trust_roots),
            *(c for c in key.asn1_chain() if c.self_signed != "no"),
        ]
        self._prepared: _Prepared | None = None
        # The TLS context for the TSA and the OCSP/CRL servers, made on the first B-T/B-LT/B-LTA
        # signature: loading the CA bundle costs 30-50 ms, and pyHanko's default HTTP sessions
        # load it again for every session (three per B-LTA signature).
        self._tls: ssl.SSLContext | None = None
        self._bytes_reserved: int | None = None
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Make what every signature shares (see ``__init__``); a font that lacks a letter of
        the stamp is a ConfigError here. Called by the first signature if not before."""
        self._ready()

    def _ready(self) -> _Prepared:
        with self._lock:
            if self._prepared is None:
                self._prepared = self._prepare()
            return self._prepared

    def _prepare(self) -> _Prepared:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        from .stamp import StampFont, default_box_size, stamp_style

        settings = self.settings
        font = StampFont(self._font_path, self._characters)
        sample = self._stamp_text(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC))
        return _Prepared(
            font=font,
            style=stamp_style(font, settings.font_size),
            box_size=default_box_size(font, sample, settings.font_size, seal=self._seal_size),
            # One timestamper for the signer's life: it keeps the TSA's answer to pyHanko's
            # pre-signing probe, which would otherwise cost a second TSA request per signature.
            timestamper=(
                HTTPTimeStamper(settings.tsa_url, timeout=TSA_TIMEOUT_S,
                                session=_current_http())
                if settings.tsa_url and settings.level != "B-B"
                else None
            ),
        )

    def check_ready(self) -> None:
        """Whether this signer can sign now, checked as a signature would be: the key is usable
        today and, above B-B, the signer's certificate validates with its revocation status
        fetched (OCSP/CRL) and the TSA answers, with the same waits a signature allows
        (FETCH_TIMEOUT_S, TSA_TIMEOUT_S). Raises the same SigningError a first signature would,
        so that a job that would only fail at its first signature (``sohoa dev-pki serve`` not
        running, a TSA down) is refused before any page is recognized."""
        self.prepare()
        self.key.check_usable_at(datetime.now(UTC))
        if self.settings.level == "B-B":
            return
        asyncio.run(self._check_ready())

    async def _check_ready(self) -> None:
        import aiohttp
        from pyhanko.sign.general import SigningError as PyHankoSigningError
        from pyhanko.sign.timestamps import HTTPTimeStamper
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError
        from pyhanko_certvalidator import CertificateValidator
        from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

        # the session as a signature's (_sign): each request carries its own timeout
        http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=self._tls_context()))
        context = self._validation_context(http)
        try:
            chain = self.key.asn1_chain()  # the certificates alone: no token session needed
            validator = CertificateValidator(chain[0], intermediate_certs=list(chain[1:]),
                                             validation_context=context)
            try:
                await validator.async_validate_usage({"non_repudiation"})
            except (PathBuildingError, PathValidationError) as exc:
                raise self._explain(exc) from exc
            if self.settings.tsa_url:
                # the TSA's answer and its own certificate, validated as pyHanko's pre-signing
                # check does (a fresh timestamper on this check's session)
                stamper = HTTPTimeStamper(self.settings.tsa_url, timeout=TSA_TIMEOUT_S,
                                          session=http)
                try:
                    async for _path in stamper.validation_paths(context):
                        pass
                except (PathBuildingError, PathValidationError, PyHankoSigningError,
                        TimestampRequestError, aiohttp.ClientError, OSError,
                        ValueError) as exc:  # OSError: a timeout too
                    raise self._explain(exc, tsa=True) from exc
        finally:
            await context.aclose()
            await http.close()

    def _validation_context(self, http: Any) -> Any:
        """What a B-T/B-LT/B-LTA signature validates the signer (and the TSA) with: the trust
        roots, revocation checked hard (a status that cannot be fetched is a refusal)."""
        from pyhanko_certvalidator import ValidationContext
        from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

        return ValidationContext(
            trust_roots=self._roots,
            allow_fetching=True,
            revocation_mode="hard-fail",
            other_certs=list(self.key.asn1_chain()),
            fetcher_backend=AIOHttpFetcherBackend(session=http,
                                                  per_request_timeout=FETCH_TIMEOUT_S),
        )

    @property
    def level(self) -> str:
        return self.settings.level

    def _stamp_text(self, moment: datetime) -> str:
        local = vietnam_time(moment)
        day = datetime.fromisoformat(local)
        values = {**self._fixed, "time": stamp_time(moment), "date": day.strftime("%d/%m/%Y")}
        return render_template(self.settings.stamp_template, values)

    def sign(
        self,
        pdf: bytes,
        *,
        signed_at: datetime | None = None,
        field_name: str | None = None,
        ink: PageInk | None = None,
        avoid: Sequence[Rect] = (),
    ) -> tuple[bytes, SignatureSummary]:
        """Add this agency's signature (and stamp) to ``pdf``; return the new file and a summary.

        The original bytes are kept unchanged at the start of the output (incremental update),
        so earlier signatures stay valid. The stamp goes on blank paper near the configured
        corner of page 1 as displayed: ``ink`` is what page 1 shows (``PageInk.from_image`` of
        its scan; without it page 1 is rendered) and ``avoid`` more boxes to keep clear of
        (displayed points from the bottom left, e.g. the words of the OCR text layer).
        """
        if ink is None and self.settings.stamp_box is None:
            ink = PageInk.render(pdf)
        # No copy of ``pdf`` while signing: pyHanko reads the original bytes in place and its
        # update goes to a small tail; the two are joined once at the end (copying 17 MB into a
        # growable buffer and growing it cost ~10 ms per signature of a 30-page scan).
        buffer = _AppendStream(pdf)
        summary = self._sign_stream(buffer, signed_at, field_name, ink, avoid)
        return buffer.joined(), summary

    def sign_file(
        self,
        source: Path,
        target: Path,
        *,
        signed_at: datetime | None = None,
        field_name: str | None = None,
        ink: PageInk | None = None,
        avoid: Sequence[Rect] = (),
        header_at: int = 0,
    ) -> SignatureSummary:
        """Sign the PDF at ``source`` into a new file ``target`` without reading it into memory.

        Memory use does not grow with the file (a 150 MB scan costs what a 1 MB one does). The
        target is written under a temporary name beside it and renamed when complete, so it is
        either the whole signed file or absent; ``source`` is left as it is. ``header_at``: where
        the PDF's "%PDF-" header is in ``source``; the bytes before it (whitespace that a mail
        gateway or a transfer put there) are no part of the PDF and are not copied.
        """
        source, target = Path(source), Path(target)
        if target.exists() and target.resolve() == source.resolve():
            raise SigningError(
                f"Ký số ghi ra một tệp mới; hãy chọn đường dẫn tệp kết quả khác tệp gốc {source}."
            )
        partial = target.with_name(f".{target.name}.{os.getpid()}.signing")
        try:
            try:
                if header_at:
                    with open(source, "rb") as whole, open(partial, "wb") as copy:
                        whole.seek(header_at)
                        shutil.copyfileobj(whole, copy, _HASH_CHUNK)
                else:
                    shutil.copyfile(source, partial)  # in the kernel where it can (sendfile)
            except FileNotFoundError as exc:
                raise BadInputError(f"Không có tệp {source} để ký.") from exc
            if ink is None and self.settings.stamp_box is None:
                ink = PageInk.render(partial)
            with open(partial, "r+b") as stream:
                summary = self._sign_stream(stream, signed_at, field_name, ink, avoid)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return summary

    def _sign_stream(
        self,
        stream: BinaryIO,
        signed_at: datetime | None,
        field_name: str | None,
        ink: PageInk | None,
        avoid: Sequence[Rect],
    ) -> SignatureSummary:
        """Append the signed incremental update to ``stream`` (readable, writable, seekable)."""
        moment = (signed_at or datetime.now(UTC)).replace(microsecond=0)
        if moment.tzinfo is None:
            raise SigningError("Thời điểm ký phải kèm múi giờ.")
        self.key.check_usable_at(moment)
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.misc import PdfError

        ready = self._ready()
        try:
            writer = IncrementalPdfFileWriter(stream, strict=False)
        except (PdfError, ValueError, KeyError) as exc:
            raise BadInputError(f"Không đọc được tệp PDF để ký ({exc}).") from exc
        if writer.prev.encrypted:
            raise BadInputError("Tệp PDF có mật khẩu (bị mã hóa); sohoa chỉ ký tệp PDF không "
                                "mã hóa: đề nghị người gửi bản không khóa.")
        name = field_name or _next_field_name(writer)
        page_box, rotation = _page_geometry(writer)
        box = self.settings.stamp_box
        if box is None:
            shown = displayed_size(page_box, rotation)
            taken = [to_displayed(r, page_box, rotation) for r in _signature_rects(writer)]
            spot = place_stamp(
                shown, ready.box_size, self.settings.stamp_corner, ink, [*taken, *avoid]
            )
            box = to_page_space(spot, page_box, rotation)
        # The update is written in place, after the original bytes: no copy of the document
        # through pyHanko's 4 kB chunks. The coroutine returns nothing: on Python 3.11
        # asyncio.run() builds the repr of the finished task, result included, twice (to
        # restore the SIGINT handler), and the repr of a 17 MB bytes result costs ~0.25 s.
        certify = self.settings.certify and not _signed_before(writer)
        asyncio.run(self._sign(writer, name, box, rotation, certify, moment, ready))
        return SignatureSummary(
            level=self.settings.level,
            signer=self.key.signer_name,
            signed_at=moment,
            certificate_sha256=self.key.certificate_sha256(),
            kind=self.settings.kind,
        )

    def _tls_context(self) -> ssl.SSLContext:
        with self._lock:
            if self._tls is None:
                import certifi

                self._tls = ssl.create_default_context(cafile=certifi.where())
            return self._tls

    def _pdf_signer(
        self, name: str, box: tuple[float, float, float, float], rotation: int, certify: bool,
        ready: _Prepared,
    ) -> signers.PdfSigner:
        from pyhanko.sign import fields, signers
        from pyhanko.sign.fields import MDPPerm

        from .stamp import with_seal

        level = self.settings.level
        context = None
        # A B-B signature carries no timestamp even when a TSA is configured (for other signers
        # or for renewal): with one, pyHanko would make it a B-T signature.
        if level != "B-B":
            # Validate the signer (and the TSA) before signing: a revoked or expired certificate
            # is refused here rather than discovered by whoever verifies the file.
            context = self._validation_context(_current_http())
        meta = signers.PdfSignatureMetadata(
            # The first signature locks the document at DocMDP level 2 (fill forms and sign):
            # the later signatures of a workflow, DSS updates and document timestamps stay
            # allowed (ISO 32000-2 12.8.2.2, ETSI EN 319 142-1 5.4); a later signature is an
            # approval signature (a document has at most one certification signature).
            certify=certify,
            docmdp_permissions=MDPPerm.FILL_FORMS,
            field_name=name,
            md_algorithm=DIGEST,
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=self.settings.reason or None,
            location=self.settings.location or None,
            embed_validation_info=level in ("B-LT", "B-LTA"),
            use_pades_lta=level == "B-LTA",
            validation_context=context,
            signer_key_usage={"non_repudiation"},
        )
        spec = fields.SigFieldSpec(
            sig_field_name=name,
            on_page=0,
            box=tuple(round(v) for v in box),  # type: ignore[arg-type]
        )
        style = dataclasses.replace(ready.style, rotation=rotation)
        if self._seal is not None:
            style = with_seal(style, self._seal, self._seal_size)
        return signers.PdfSigner(
            meta,
            signer=self.key.pyhanko_signer,
            timestamper=ready.timestamper,
            stamp_style=style,
            new_field_spec=spec,
        )

    async def _sign(
        self,
        writer: IncrementalPdfFileWriter,
        name: str,
        box: tuple[float, float, float, float],
        rotation: int,
        certify: bool,
        moment: datetime,
        ready: _Prepared,
    ) -> None:
        import aiohttp
        from pyhanko.sign.general import SigningError as PyHankoSigningError
        from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError
        from pyhanko_certvalidator.errors import PathValidationError

        # One HTTP session per signature (sessions belong to an event loop) for the TSA and the
        # OCSP/CRL fetches, over the signer's TLS context; B-B goes nowhere.
        http = None
        if self.settings.level != "B-B":
            http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=self._tls_context()))
            _HTTP.set(http)  # this task's context: seen by the tasks pyHanko starts from here
        pdf_signer = self._pdf_signer(name, box, rotation, certify, ready)
        context = pdf_signer.signature_meta.validation_context
        try:
            session = pdf_signer.init_signing_session(writer)
            session.system_time = moment
            presign = await session.perform_presign_validation(writer)
            reserved = self._bytes_reserved
            if reserved is None:
                estimate = await session.estimate_signature_container_size(presign, tight=False)
                with self._lock:
                    self._bytes_reserved = reserved = estimate + _RESERVE_SLACK
            tbs = session.prepare_tbs_document(
                validation_info=presign,
                bytes_reserved=reserved,
                appearance_text_params={"sohoa_stamp": self._stamp_text(moment)},
            )
            # Large chunks: a stream without a buffer interface is hashed chunk by chunk.
            digest, output = tbs.digest_tbs_document(in_place=True, chunk_size=_HASH_CHUNK)
            post = await tbs.perform_signature(
                document_digest=digest.document_digest,
                pdf_cms_signed_attrs=PdfCMSSignedAttributes(
                    signing_time=moment,
                    adobe_revinfo_attr=None if presign is None else presign.adobe_revinfo_attr,
                ),
            )
            await post.post_signature_processing(output)
        except (PathValidationError, PyHankoSigningError) as exc:
            raise self._explain(exc) from exc
        except TimestampRequestError as exc:  # the TSA down between the check and the signature
            raise self._explain(exc, tsa=True) from exc
        finally:
            if context is not None:
                await context.aclose()
            if http is not None:
                await http.close()

    def _explain(self, exc: BaseException, *, tsa: bool = False) -> SigningError:
        """The Vietnamese refusal for a failure of pyHanko's: what is wrong and what to do.
        pyHanko's own English sentence is no part of it (a clerk cannot act on "no revocation
        information could be found"): it goes to the debug log and the error's ``detail``."""
        from pyhanko_certvalidator.errors import PathError, PathValidationError, RevokedError

        from .identity import is_test_certificate

        causes = []
        cause: BaseException | None = exc
        while cause is not None:
            causes.append(cause)
            cause = cause.__cause__ or cause.__context__
        # the class names too: the clerk's line no longer shows the last one
        detail = "; ".join(f"{type(c).__name__}: {c}" if str(c) else type(c).__name__
                           for c in causes)
        _log.debug("ký số không thành công: %s", detail)
        who = self.key.signer_name
        # The test identity's OCSP, CRL and TSA are `sohoa dev-pki serve`: when it is not
        # running, that is the one thing to do, and the clerk is told so first.
        dev = is_test_certificate(self.key.certificate)
        # a chain that cannot be built (PathError) or validated: whose chain is the question
        unchecked = any(isinstance(c, (PathError, PathValidationError)) for c in causes)
        revoked = any(isinstance(c, RevokedError) for c in causes)
        if tsa and unchecked:
            # ``tsa``: the failure came from the TSA's part, so the chain is the TSA's own
            why = ("chứng thư đó đã bị thu hồi" if revoked
                   else "không lấy được tình trạng thu hồi (OCSP/CRL) của chứng thư đó"
                   if "revocation" in detail
                   else "chuỗi chứng thư của máy chủ đó không dẫn tới chứng thư gốc tin cậy")
            hint = ("Đây là khóa ký thử nghiệm (sohoa init): hãy chạy `sohoa dev-pki serve` rồi "
                    "ký lại; nếu lệnh đó đang chạy, hãy " if dev and "revocation" in detail
                    else "Hãy ")
            error = SigningError(
                f"Không xác thực được chứng thư của máy chủ cấp dấu thời gian (TSA) "
                f"{self.settings.tsa_url} ({why}), nên chưa ký được cho {who}; chứng thư số "
                f"ký của {who} không có lỗi ở bước này. {hint}kiểm tra signing.tsa_url và "
                "chứng thư gốc tin cậy của TSA (signing.trust_roots) trong sohoa.toml."
            )
        elif revoked:
            error = SigningError(
                f"Chứng thư số ký của {who} đã bị thu hồi; sohoa không ký bằng chứng thư này. "
                "Hãy đề nghị tổ chức chứng thực cấp chứng thư mới rồi khai báo chứng thư đó "
                "trong sohoa.toml (signing.pkcs12, hoặc token qua signing.pkcs11_module)."
            )
        elif tsa:
            hint = ("Đây là khóa ký thử nghiệm (sohoa init): hãy chạy `sohoa dev-pki serve` rồi "
                    "ký lại; nếu lệnh đó đang chạy, hãy " if dev else "Hãy ")
            error = SigningError(
                f"Máy chủ cấp dấu thời gian (TSA) {self.settings.tsa_url} không trả lời được "
                f"yêu cầu dấu thời gian, nên chưa ký được cho {who}. {hint}kiểm tra "
                "signing.tsa_url trong sohoa.toml và đường mạng tới máy chủ đó."
            )
        elif unchecked:
            hint = (
                "Đây là khóa ký thử nghiệm (sohoa init): hãy chạy `sohoa dev-pki serve` "
                "(CRL, OCSP và TSA của nó) rồi ký lại; nếu lệnh đó đang chạy, hãy "
                if dev else "Hãy "
            )
            why = ("không lấy được tình trạng thu hồi (OCSP/CRL) của chứng thư"
                   if "revocation" in detail else "chuỗi chứng thư không kiểm tra được")
            error = SigningError(
                f"Không xác thực được chứng thư số ký của {who} ({why}). {hint}kiểm tra "
                "chuỗi chứng thư, chứng thư gốc tin cậy (signing.trust_roots) và xem máy chủ "
                "OCSP/CRL của tổ chức chứng thực cùng máy chủ cấp dấu thời gian (TSA) có truy "
                "cập được không."
            )
        else:
            error = SigningError("Ký số không thành công. Hãy kiểm tra khóa ký và cấu hình ký "
                                 "số (signing.*) trong sohoa.toml.")
        error.detail = detail  # type: ignore[attr-defined]
        return error


@dataclasses.dataclass(frozen=True)
class _Prepared:
    """What every signature of a ``DocumentSigner`` shares, made once (``prepare``)."""

    font: StampFont
    style: TurnedTextStampStyle
    box_size: tuple[float, float]
    timestamper: Any


_HTTP: ContextVar[aiohttp.ClientSession] = ContextVar("sohoa_signing_http")
_log = logging.getLogger(__name__)


def _current_http() -> Any:
    """The HTTP session of the signature being made, for pyHanko's timestamper and fetchers."""
    return _current_http_class()()


@functools.cache
def _current_http_class() -> type:
    """aiohttp sessions belong to one event loop and every signature runs its own; this stand-in
    lets objects that live as long as the signer reach the current one. Closing is the signer's
    job, not theirs. Made on first use: it subclasses pyHanko's ``LazySession``."""
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession

    class CurrentHttp(LazySession):
        def get_session(self) -> aiohttp.ClientSession:
            return _HTTP.get()

        async def close(self) -> None:
            return None

    return CurrentHttp


def _signed_before(writer: IncrementalPdfFileWriter) -> bool:
    """Whether the document already carries a signature (or is certified)."""
    from pyhanko.sign import fields

    perms = writer.prev.root.get("/Perms")
    if perms is not None and "/DocMDP" in perms.get_object():
        return True
    return any(True for _ in fields.enumerate_sig_fields(writer.prev, filled_status=True))


def _next_field_name(writer: IncrementalPdfFileWriter) -> str:
    from pyhanko.sign import fields

    taken = {name for name, _, _ in fields.enumerate_sig_fields(writer.prev, filled_status=None)}
    n = len(taken) + 1
    while f"Signature{n}" in taken:
        n += 1
    return f"Signature{n}"


def _page_geometry(writer: IncrementalPdfFileWriter) -> tuple[Rect, int]:
    """Page 1's visible box (unrotated user space) and its ``/Rotate`` (0, 90, 180 or 270)."""
    first = _first_page(writer.prev.root["/Pages"])
    box = _inherited(first, "/CropBox") or _inherited(first, "/MediaBox")
    rotate = _inherited(first, "/Rotate")
    try:
        rotation = int(rotate) % 360 if rotate is not None else 0
    except (TypeError, ValueError):
        rotation = 0
    if rotation % 90:
        rotation = 0  # not a valid /Rotate; viewers ignore it
    if box is None:
        return (0.0, 0.0, 595.0, 842.0), rotation
    x1, y1, x2, y2 = (float(v) for v in box)
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)), rotation


def _first_page(node: DictionaryObject) -> DictionaryObject:
    while node.get("/Type") == "/Pages":
        kids = node["/Kids"]
        if not kids:
            raise BadInputError("Tệp PDF không có trang nào để đặt dấu chữ ký.")
        node = kids[0].get_object()
    return node


def _inherited(page: DictionaryObject, key: str) -> ArrayObject | None:
    node: DictionaryObject | None = page
    while node is not None:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def _signature_rects(writer: IncrementalPdfFileWriter) -> list[tuple[float, float, float, float]]:
    from pyhanko.pdf_utils.generic import NameObject

    first = _first_page(writer.prev.root["/Pages"])
    rects = []
    for annot in first.get("/Annots", ()) or ():
        annot = annot.get_object()
        is_sig = annot.get("/FT") == NameObject("/Sig") or (
            "/Parent" in annot and annot["/Parent"].get_object().get("/FT") == "/Sig"
        )
        if is_sig and "/Rect" in annot:
            x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
            rects.append((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))
    return rects
