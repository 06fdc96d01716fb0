"""Desk digitization signed with the officer's key on a PKCS#11 token (TT 01/2023 Điều 8.1): a
real SoftHSM2 token made in a temporary directory (SOFTHSM2_CONF) holds the officer's key and
certificate, `[[signing.officers]]` names it with a PIN file, and `sohoa ingest` signs a scanned
paper with it. pyHanko validates the stored PDF against the officer's root; the stamp and the
catalog name the officer as the certificate does. Also: what the configuration refuses (a PIN
written in sohoa.toml, a PIN file others can read) and a wrong PIN, each a Vietnamese reason
with exit 2."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import testtools
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pipeline_helpers import PURPOSE, json_lines
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from sohoa.errors import ConfigError, SigningError
from sohoa.pipeline.settings import load_settings
from sohoa.signing import DevIdentity, create_dev_identity
from sohoa.synth.document import render_document

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
OFFICER = "Nguyễn Thị Lan"
TOKEN = "Nguyen Thi Lan"
KEY = "ky-so"
PIN = "246810"

# The certificate goes onto the token beside the key, as a CA's USB token carries it
# (softhsm2-util imports keys only); run in its own process so that this test process never
# loads the token library with another SOFTHSM2_CONF.
_PUT_CERTIFICATE = textwrap.dedent("""
    import sys
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    module, token, pin, label, path = sys.argv[1:]
    cert = x509.load_pem_x509_certificate(open(path, "rb").read())
    with pkcs11.lib(module).get_token(token_label=token).open(rw=True, user_pin=pin) as s:
        s.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: b"\\x01",
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER)})
""")


_SET_PIN = textwrap.dedent("""
    import sys
    import pkcs11
    module, token, old, new = sys.argv[1:]
    with pkcs11.lib(module).get_token(token_label=token).open(rw=True, user_pin=old) as s:
        s.set_pin(old, new)
""")


def _make_token(base: Path, officer: DevIdentity) -> dict[str, str]:
    """A fresh SoftHSM2 token labelled TOKEN holding the officer's key and certificate under
    KEY; returns the environment that finds it."""
    (base / "tokens").mkdir(parents=True)
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n")
    env = {"SOFTHSM2_CONF": str(conf)}
    run_env = {**testtools.sohoa_env(None, env)}
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN,
                    "--so-pin", "13579135"], check=True, env=run_env, capture_output=True)
    key, cert, _ = pkcs12.load_key_and_certificates(officer.pkcs12.read_bytes(),
                                                    officer.password())
    assert key is not None and cert is not None
    key_pem, cert_pem = base / "key.pem", base / "cert.pem"
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    subprocess.run(["softhsm2-util", "--import", str(key_pem), "--token", TOKEN, "--label", KEY,
                    "--id", "01", "--pin", PIN], check=True, env=run_env, capture_output=True)
    key_pem.unlink()
    subprocess.run([sys.executable, "-c", _PUT_CERTIFICATE, MODULE, TOKEN, PIN, KEY,
                    str(cert_pem)], check=True, env=run_env, capture_output=True)
    return env


def _desk_home(tmp_path: Path, officer: DevIdentity, officers: str) -> Path:
    home = tmp_path / "home"
    assert testtools.run_sohoa(home, "init", "--unit", "H19.22").returncode == 0
    config = home / "sohoa.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('workflow = "agency-copy"', 'workflow = "desk"\nofficer = "lan"')
    text = text.replace('trust_roots = ["{home}/keys/dev-root.pem"]',
                        f'trust_roots = ["{{home}}/keys/dev-root.pem", "{officer.root_cert}"]')
    config.write_text(text + officers, encoding="utf-8")
    return home


def _officers(pin_file: Path, **extra: str) -> str:
    lines = ["", "[[signing.officers]]", 'user = "lan"', f'token = "{TOKEN}"', f'key = "{KEY}"',
             f'pin_file = "{pin_file}"', f'module = "{MODULE}"',
             *(f'{k} = "{v}"' for k, v in extra.items())]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def officer(tmp_path_factory: pytest.TempPathFactory) -> DevIdentity:
    return create_dev_identity(tmp_path_factory.mktemp("officer"), "UBND tỉnh Đồng Nai",
                               person=OFFICER)


def test_desk_scan_is_signed_with_the_officers_token(tmp_path: Path,
                                                     officer: DevIdentity) -> None:
    env = _make_token(tmp_path / "hsm", officer)
    pin_file = tmp_path / "lan.pin"
    pin_file.write_text(PIN + "\n")
    pin_file.chmod(0o600)
    home = _desk_home(tmp_path, officer, _officers(pin_file))
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "decision.jpg").write_bytes(render_document("decision", 9, dpi=200).page_jpeg(0))

    done = testtools.run_sohoa(home, "ingest", str(scans), "--json", env={**PURPOSE, **env})
    assert done.returncode == 0, done.stdout + done.stderr
    [stored] = [e for e in json_lines(done.stdout) if e.get("created")]
    assert stored["signature"]["kind"] == "officer"
    assert stored["signature"]["signer"].startswith(OFFICER)  # the certificate's name
    token_cert = officer_certificate(officer)
    assert stored["signature"]["certificate_sha256"] == hashlib.sha256(token_cert).hexdigest()

    shown = json_lines(testtools.run_sohoa(home, "show", stored["document_id"], "--json",
                                           env=PURPOSE).stdout)[0]
    assert shown["signature"]["kind"] == "officer"
    assert shown["signature"]["signer"].startswith(OFFICER)
    pdf = tmp_path / "stored.pdf"
    got = testtools.run_sohoa(home, "get", stored["document_id"], "-o", str(pdf), env=PURPOSE)
    assert got.returncode == 0, got.stderr

    # pyHanko on its own, trusting the officer's root only.
    reader = PdfFileReader(io.BytesIO(pdf.read_bytes()))
    [signature] = reader.embedded_signatures
    root = officer.root_cert.read_bytes()
    status = validate_pdf_signature(signature, ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(pem.unarmor(root)[2])]))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.signing_cert.dump() == token_cert
    assert status.signing_cert.subject.native["common_name"].startswith(OFFICER)

    # The stamp at the top left names the officer as the certificate does.
    words = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", "0", "-y", "0", "-W",
                            "300", "-H", "110", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert OFFICER in words and "Thời gian số hóa" in words, words

    # A wrong PIN stops the job with the reason before anything is stored (exit 2).
    pin_file.write_text("000000\n")
    (scans / "again.jpg").write_bytes(render_document("decision", 10, dpi=200).page_jpeg(0))
    wrong = testtools.run_sohoa(home, "ingest", str(scans / "again.jpg"), "--json",
                                env={**PURPOSE, **env})
    assert wrong.returncode == 2, wrong.stdout + wrong.stderr
    assert "từ chối mã PIN" in wrong.stderr and "Traceback" not in wrong.stderr, wrong.stderr

    # review11b S7: a refused login is never tried again by a status poll while nothing
    # changed — a real token locks after a few wrong PINs. Proof: the token's PIN becomes the
    # file's, so a poll that logged in would now succeed; it still reports the kept refusal
    # (the ingest's own), without "ready".
    def signing() -> dict:  # type: ignore[type-arg]
        done = testtools.run_sohoa(home, "status", "--json", env=env)
        assert done.returncode == 0, done.stderr
        return json_lines(done.stdout)[0]["signing"]  # type: ignore[no-any-return]

    subprocess.run([sys.executable, "-c", _SET_PIN, MODULE, TOKEN, PIN, "000000"], check=True,
                   env=testtools.sohoa_env(None, env), capture_output=True)
    kept = signing()
    assert kept.get("login_refused") and kept["cached"] and kept["signer"] is None, kept
    assert "từ chối mã PIN" in kept["problem"] and "không tự thử lại" in kept["problem"]
    # an agency-signed job's ready check (export, certify, disposal: desk=False) says nothing
    # of the officer's PIN: the refusal stays kept (review12 M1)
    agency = subprocess.run([sys.executable, "-c",
        "import sys; from pathlib import Path\n"
        "from sohoa.pipeline.settings import load_settings\n"
        "from sohoa.pipeline.services import make_signer\n"
        "from sohoa.pipeline.signerstatus import check_signer_ready\n"
        "s = load_settings(home=Path(sys.argv[1]))\n"
        "check_signer_ready(s, make_signer(s), desk=False)\n", str(home)],
        env=testtools.sohoa_env(None, env), capture_output=True, text=True)
    assert agency.returncode == 0, agency.stderr
    again = signing()
    assert again.get("login_refused") and again["cached"], again
    # Another wrong PIN written to the file: the next poll tries it once, the one after not.
    pin_file.write_text("111111\n")
    tried = signing()
    assert tried.get("login_refused") and not tried["cached"], tried
    assert signing()["cached"]
    # The clerk corrects the file: the next poll tries, and logs in.
    pin_file.write_text("000000\n")
    fixed = signing()
    assert fixed["signer"].startswith(OFFICER) and not fixed.get("login_refused"), fixed


def officer_certificate(officer: DevIdentity) -> bytes:
    _, cert, _ = pkcs12.load_key_and_certificates(officer.pkcs12.read_bytes(),
                                                  officer.password())
    assert cert is not None
    return cert.public_bytes(serialization.Encoding.DER)


def test_the_pin_never_sits_in_the_config_or_in_a_file_others_read(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    config = home / "sohoa.toml"
    pin_file = tmp_path / "lan.pin"
    pin_file.write_text(PIN)
    pin_file.chmod(0o644)

    config.write_text(f'[[signing.officers]]\nuser = "lan"\ntoken = "{TOKEN}"\nkey = "{KEY}"\n'
                      f'pin = "{PIN}"\nmodule = "{MODULE}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="không ghi mã PIN trong tệp cấu hình"):
        load_settings(home=home, environ={})

    config.write_text(f'[[signing.officers]]\nuser = "lan"\ntoken = "{TOKEN}"\nkey = "{KEY}"\n'
                      f'pin_file = "{pin_file}"\nmodule = "{MODULE}"\n', encoding="utf-8")
    settings = load_settings(home=home, environ={})
    [entry] = settings.officers
    with pytest.raises(SigningError, match="chmod 600"):
        entry.pin()
    pin_file.chmod(0o600)
    assert entry.pin() == PIN

    config.write_text(f'[[signing.officers]]\nuser = "lan"\ntoken = "{TOKEN}"\nkey = "{KEY}"\n'
                      f'pin_env = "SOHOA_PIN_LAN"\nmodule = "{MODULE}"\n', encoding="utf-8")
    [entry] = load_settings(home=home, environ={}).officers
    assert entry.pin({"SOHOA_PIN_LAN": PIN}) == PIN
    with pytest.raises(SigningError, match="SOHOA_PIN_LAN"):
        entry.pin({})
