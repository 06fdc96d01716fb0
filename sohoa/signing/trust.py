"""Reading trust roots and other certificates given as files or bytes (PEM or DER)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from sohoa.errors import ConfigError, os_said


def load_certificates(sources: Iterable[Path | bytes | str]) -> list[asn1_x509.Certificate]:
    """Every certificate in ``sources``: paths or raw bytes, PEM (one or many) or DER."""
    certs: list[asn1_x509.Certificate] = []
    for source in sources:
        if isinstance(source, bytes):
            data, label = source, "chứng thư được cung cấp"
        else:
            path = Path(source)
            label = str(path)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ConfigError(f"Không đọc được tệp chứng thư {path} ({os_said(exc)}).") from exc
        try:
            if pem.detect(data):
                certs.extend(
                    asn1_x509.Certificate.load(der)
                    for kind, _, der in pem.unarmor(data, multiple=True)
                    if kind == "CERTIFICATE"
                )
            else:
                cert = asn1_x509.Certificate.load(data)
                cert.native  # noqa: B018  # parse now, so a bad file fails here with its name
                certs.append(cert)
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                f"{label} không phải chứng thư dạng PEM hoặc DER; hãy cung cấp tệp chứng thư "
                "gốc của tổ chức chứng thực (.pem, .crt hoặc .cer)."
            ) from exc
    return certs
