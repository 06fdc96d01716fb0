"""Reading trust roots and other certificates given as files or bytes (PEM or DER)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from sohoa.errors import ConfigError


def load_certificates(sources: Iterable[Path | bytes | str]) -> list[asn1_x509.Certificate]:
    """Every certificate in ``sources``: paths or raw bytes, PEM (one or many) or DER."""
    certs: list[asn1_x509.Certificate] = []
    for source in sources:
        if isinstance(source, bytes):
            data, label = source, "the given certificate"
        else:
            path = Path(source)
            label = str(path)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ConfigError(f"Cannot read the certificate file {path}: {exc}") from exc
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
                f"{label} is not a certificate in PEM or DER form; give the CA's root "
                "certificate file (.pem, .crt or .cer)."
            ) from exc
    return certs
