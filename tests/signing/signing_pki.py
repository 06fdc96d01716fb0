"""A real PKI on 127.0.0.1 for the B-T/B-LT/B-LTA tests: root and intermediate CA, a TSA, an
OCSP responder and CRLs, an agency certificate with a Vietnamese subject and a revoked one.

certomancer describes the PKI and answers OCSP/TSA/CRL requests (its aiohttp animator); the
keys are made here with cryptography (P-256, fast), the dates are relative to now.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from aiohttp import web
from aiohttp.typedefs import Middleware
from certomancer.integrations.aiohttp_animator import build_animator_app
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ARCH = "dongnai"
KEYS = ("root", "interm", "tsa", "ocsp", "agency", "revoked")
PASSWORD = b"matkhau"  # of the agency and revoked PKCS#12 files


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _config(prefix: str, now: datetime) -> dict:
    start, end = _iso(now - timedelta(days=30)), _iso(now + timedelta(days=365))
    validity = {"valid-from": start, "valid-to": end}
    signer_extensions = [
        {"id": "key_usage", "critical": True,
         "smart-value": {"schema": "key-usage",
                         "params": ["digital_signature", "non_repudiation"]}},
        {"id": "crl_distribution_points",
         "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["interm"]}}},
        {"id": "authority_information_access",
         "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": ["interm"]}}},
    ]
    ca_usage = {"id": "key_usage", "critical": True,
                "smart-value": {"schema": "key-usage",
                                "params": ["digital_signature", "key_cert_sign", "crl_sign"]}}
    return {
        "external-url-prefix": prefix,
        "keysets": {ARCH: {"keys": {k: {"path": f"{k}.key.pem"} for k in KEYS}}},
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": "VN", "organization-name": "Ban Cơ yếu thử"},
                "entities": {
                    "root": {"common-name": "CA gốc thử nghiệm"},
                    "interm": {"common-name": "CA trung gian thử nghiệm"},
                    "tsa": {"common-name": "Máy chủ dấu thời gian thử nghiệm"},
                    "ocsp": {"common-name": "OCSP thử nghiệm"},
                    "agency": {"organization-name": "UBND tỉnh Đồng Nai",
                               "common-name": "UBND tỉnh Đồng Nai"},
                    "revoked": {"organization-name": "UBND huyện Nhơn Trạch",
                                "common-name": "UBND huyện Nhơn Trạch"},
                },
                "certs": {
                    "root": {
                        "subject": "root", "issuer": "root", "validity": validity,
                        "extensions": [
                            {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
                            ca_usage,
                        ],
                    },
                    "interm": {
                        "issuer": "root", "validity": validity,
                        "extensions": [
                            {"id": "basic_constraints", "critical": True,
                             "value": {"ca": True, "path-len-constraint": 0}},
                            ca_usage,
                            {"id": "crl_distribution_points",
                             "smart-value": {"schema": "crl-dist-url",
                                             "params": {"crl-repo-names": ["root"]}}},
                        ],
                    },
                    "ocsp": {
                        "issuer": "interm", "validity": validity,
                        "extensions": [
                            {"id": "key_usage", "critical": True,
                             "smart-value": {"schema": "key-usage",
                                             "params": ["digital_signature"]}},
                            {"id": "extended_key_usage", "critical": True,
                             "value": ["ocsp_signing"]},
                            {"id": "ocsp_no_check"},
                        ],
                    },
                    "tsa": {
                        "issuer": "root", "validity": validity,
                        "extensions": [
                            {"id": "key_usage", "critical": True,
                             "smart-value": {"schema": "key-usage",
                                             "params": ["digital_signature"]}},
                            {"id": "extended_key_usage", "critical": True,
                             "value": ["time_stamping"]},
                            {"id": "crl_distribution_points",
                             "smart-value": {"schema": "crl-dist-url",
                                             "params": {"crl-repo-names": ["root"]}}},
                        ],
                    },
                    "agency": {"issuer": "interm", "validity": validity,
                               "extensions": signer_extensions},
                    "revoked": {
                        "template": "agency", "subject": "revoked", "subject-key": "revoked",
                        "revocation": {"revoked-since": _iso(now - timedelta(days=1)),
                                       "reason": "key_compromise"},
                    },
                },
                "services": {
                    "ocsp": {"interm": {"for-issuer": "interm", "responder-cert": "ocsp",
                                        "signing-key": "ocsp"}},
                    "crl-repo": {
                        "root": {"for-issuer": "root", "signing-key": "root",
                                 "simulated-update-schedule": "P30D"},
                        "interm": {"for-issuer": "interm", "signing-key": "interm",
                                   "simulated-update-schedule": "P7D"},
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


@dataclass
class LocalPki:
    directory: Path
    prefix: str
    root_pem: Path
    agency_p12: Path
    revoked_p12: Path

    @property
    def tsa_url(self) -> str:
        return f"{self.prefix}/{ARCH}/tsa/tsa"


class PkiServer:
    """certomancer's animator on a free loopback port, in a background thread.

    ``middlewares`` are aiohttp middlewares put around every request (the signing benchmark
    counts and times the TSA, OCSP and CRL requests with one).
    """

    def __init__(self, directory: Path, middlewares: Sequence[Middleware] = ()) -> None:
        self.directory = directory
        self._middlewares = tuple(middlewares)
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> LocalPki:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        prefix = f"http://127.0.0.1:{port}"
        for label in KEYS:
            key = ec.generate_private_key(ec.SECP256R1())
            (self.directory / f"{label}.key.pem").write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        config = CertomancerConfig(
            yaml.safe_load(yaml.safe_dump(_config(prefix, datetime.now(UTC)))),
            key_search_dir=str(self.directory),
        )
        arch = config.get_pki_arch(ArchLabel(ARCH))
        root_pem = self.directory / "root.pem"
        root_pem.write_bytes(_pem(arch.get_cert(CertLabel("root")).dump()))
        paths = {}
        for label in ("agency", "revoked"):
            path = self.directory / f"{label}.p12"
            path.write_bytes(arch.package_pkcs12(CertLabel(label), password=PASSWORD))
            paths[label] = path

        app = build_animator_app({arch.arch_label: arch}, with_web_ui=False)
        app.middlewares.extend(self._middlewares)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(app, port), self._loop).result(timeout=10)
        return LocalPki(self.directory, prefix, root_pem, paths["agency"], paths["revoked"])

    async def _serve(self, app: web.Application, port: int) -> None:
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", der)
