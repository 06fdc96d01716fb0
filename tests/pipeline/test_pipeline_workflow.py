"""Which signature, chosen per workflow: with signing.workflow = "desk" a paper digitized at the
one-stop desk is signed with the officer's personal key (TT 01/2023 Điều 8.1), the stamp shows
the officer's name from the certificate and the time of copying at the top left of page 1, and
the catalog records that it is the officer's signature."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from pipeline_helpers import json_lines, run_sohoa

from sohoa.signing import create_dev_identity
from sohoa.synth.document import render_document

OFFICER = "Nguyễn Thị Lan"


def _words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    done = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True)
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', done.stdout)
    assert page
    return [(m.group(5), float(m.group(1)), float(m.group(2)), float(m.group(3)),
             float(m.group(4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        done.stdout)]


def test_desk_workflow_signs_with_the_officers_personal_key(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0
    officer = create_dev_identity(tmp_path / "officer", "UBND tỉnh Đồng Nai", person=OFFICER)
    keys = home / "keys" / "officers"
    keys.mkdir(parents=True)
    shutil.copy(officer.pkcs12, keys / "lan.p12")
    shutil.copy(officer.password_file, keys / "lan.pass")
    config = home / "sohoa.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('workflow = "agency-copy"', 'workflow = "desk"\nofficer = "lan"')
    text = text.replace('trust_roots = ["{home}/keys/dev-root.pem"]',
                        f'trust_roots = ["{{home}}/keys/dev-root.pem", "{officer.root_cert}"]')
    config.write_text(text, encoding="utf-8")

    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "decision.jpg").write_bytes(render_document("decision", 9, dpi=200).page_jpeg(0))
    done = run_sohoa(home, "ingest", str(scans), "--json")
    assert done.returncode == 0, done.stderr
    [stored] = [e for e in json_lines(done.stdout) if e.get("created")]
    assert stored["signature"]["kind"] == "officer"
    assert stored["signature"]["signer"].startswith(OFFICER)
    document = stored["document_id"]

    shown = json_lines(run_sohoa(home, "show", document, "--json").stdout)[0]
    assert shown["signature"]["kind"] == "officer", shown["signature"]
    assert run_sohoa(home, "verify", document).returncode == 0

    pdf = tmp_path / "stored.pdf"
    assert run_sohoa(home, "get", document, "-o", str(pdf)).returncode == 0
    words = _words(pdf)
    top = [w for w in words if w[2] < 90]  # the top 30 mm
    name = [w for w in top if OFFICER in w[0]]
    when = [w for w in top if "Thời gian số hóa" in w[0]]
    assert name and when, top
    assert all(w[1] < 40 and w[3] < 595 / 2 for w in name + when), name + when  # top left
    assert not any("SAO" in w[0] for w in top)
