"""An electronic certified copy signed with the certifying official's key on a PKCS#11 token
(a real SoftHSM2 token, as ``test_pipeline_officer_token`` makes it): `[[signing.officers]]`
lists the official by login, `sohoa certify copy --by LOGIN` signs with the token, and the
statement, the register and the catalog name the official as the certificate does."""

from __future__ import annotations

import hashlib
from pathlib import Path

import testtools
from pipeline_helpers import PURPOSE, json_lines
from test_pipeline_officer_token import (
    KEY,
    MODULE,
    OFFICER,
    PIN,
    TOKEN,
    _make_token,
    officer_certificate,
)

from sohoa.signing import create_dev_identity
from sohoa.synth.document import render_document


def test_a_certified_copy_is_signed_with_the_officials_token(tmp_path: Path) -> None:
    officer = create_dev_identity(tmp_path / "officer", "UBND phường Tân Phong", person=OFFICER)
    env = {**PURPOSE, **_make_token(tmp_path / "hsm", officer)}
    pin_file = tmp_path / "lan.pin"
    pin_file.write_text(PIN + "\n")
    pin_file.chmod(0o600)
    home = tmp_path / "home"
    assert testtools.run_sohoa(home, "init", "--unit", "H19.22.31").returncode == 0
    config = home / "sohoa.toml"
    text = config.read_text(encoding="utf-8").replace(
        'trust_roots = ["{home}/keys/dev-root.pem"]',
        f'trust_roots = ["{{home}}/keys/dev-root.pem", "{officer.root_cert}"]')
    config.write_text(text + f'\n[[signing.officers]]\nuser = "lan"\ntoken = "{TOKEN}"\n'
                      f'key = "{KEY}"\npin_file = "{pin_file}"\nmodule = "{MODULE}"\n',
                      encoding="utf-8")
    scan = tmp_path / "khai-sinh.jpg"
    scan.write_bytes(render_document("birth_certificate", 5, dpi=150).page_jpeg(0))

    done = testtools.run_sohoa(home, "certify", "copy", str(scan), "--owner", "075203001234",
                               "--unit", "H19.22.31", "--by", "lan", "--title",
                               "Chủ tịch UBND phường", "--original-compared",
                               "--type", "birth_certificate", "--json", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    [made] = json_lines(done.stdout)
    assert made["signature"]["kind"] == "officer"
    assert made["signature"]["signer"].startswith(OFFICER)
    assert made["certification"]["official"] == made["signature"]["signer"]

    assert made["signature"]["certificate_sha256"] == hashlib.sha256(
        officer_certificate(officer)).hexdigest()
    assert testtools.run_sohoa(home, "verify", made["document_id"], env=env).returncode == 0
