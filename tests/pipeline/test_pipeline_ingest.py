"""The spine end to end on a generated batch: real Tesseract, real PDFs, a real signature."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pikepdf
from pipeline_helpers import json_lines, run_sohoa
from testtools import verapdf

from sohoa.doctypes import load_registry
from sohoa.vntext import nfc


def _truth_documents(truth: dict[str, Any]) -> list[dict[str, Any]]:
    return [doc for dossier in truth["dossiers"] for doc in dossier["documents"]]


def test_every_document_is_stored_with_its_dossier_type_and_owner(
        batch: tuple[Path, dict[str, Any]],
        ingested: tuple[Path, list[dict[str, Any]]]) -> None:
    _, truth = batch
    _, events = ingested
    stored = [e for e in events if e.get("created")]
    assert not [e for e in events if "error" in e]
    expected = _truth_documents(truth)
    assert len(stored) == len(expected)
    by_pages = {tuple((p["source"].rsplit("/", 1)[-1], p["index"]) for p in e["pages"]): e
                for e in stored}
    for doc in expected:
        key = tuple((f, i) for f, i in doc["pages"])
        got = by_pages.get(key)
        assert got is not None, f"document on pages {key} was not assembled as one document"
        dossier = next(d for d in truth["dossiers"] if doc in d["documents"])
        assert got["dossier_code"] == dossier["code"]
        assert got["doc_type"] == doc["doc_type"]
        assert got["owner_id"] == doc["owner_id"]
        assert got["signature"]["level"] == "B-B"
        assert len(got["sha256"]) == 64
        for page in got["pages"]:
            assert page["rotation"] in (0, 90, 180, 270)
            assert page["side"] == "front"  # the generator's backs are all blank


def test_upside_down_sheets_are_turned_upright(batch: tuple[Path, dict[str, Any]],
                                               ingested: tuple[Path, list[dict[str, Any]]]
                                               ) -> None:
    _, truth = batch
    _, events = ingested
    rotation = {(p["source"].rsplit("/", 1)[-1], p["index"]): p["rotation"]
                for e in events if e.get("created") for p in e["pages"]}
    turned = [p for p in truth["pages"] if not p["blank"] and p["rotation"]]
    assert turned, "the generator should have put some sheets upside down"
    for page in turned:
        assert rotation[(page["file"], page["index"])] == page["rotation"]


def test_blank_backs_are_left_out_but_counted(batch: tuple[Path, dict[str, Any]],
                                              ingested: tuple[Path, list[dict[str, Any]]]
                                              ) -> None:
    _, truth = batch
    _, events = ingested
    blanks = {(p["file"], p["index"]) for p in truth["pages"] if p["blank"]}
    used = {(p["source"].rsplit("/", 1)[-1], p["index"])
            for e in events if e.get("created") for p in e["pages"]}
    counted = {(p["source"].rsplit("/", 1)[-1], p["index"])
               for e in events if e.get("created") for p in e["blank_pages"]}
    assert blanks and not blanks & used
    assert blanks == counted


def test_the_same_batch_twice_stores_nothing_twice(batch: tuple[Path, dict[str, Any]],
                                                   ingested: tuple[Path, list[dict[str, Any]]]
                                                   ) -> None:
    home, events = ingested
    first = {e["document_id"] for e in events if e.get("created")}
    again = run_sohoa(home, "ingest", str(batch[0]), "--json")
    assert again.returncode == 0, again.stderr
    second = json_lines(again.stdout)
    assert all(e.get("duplicate") for e in second)
    assert {e["document_id"] for e in second} == first
    status = json_lines(run_sohoa(home, "status", "--json").stdout)[0]
    assert status["documents"] == len(first)


def test_officer_commands_on_the_stored_batch(batch: tuple[Path, dict[str, Any]],
                                              ingested: tuple[Path, list[dict[str, Any]]],
                                              tmp_path: Path) -> None:
    home, events = ingested
    stored = [e for e in events if e.get("created")]
    # a paper that proves something, still valid: forms and receipts are never offered
    # (tester12 F4), an expired paper neither
    today = date.today().isoformat()
    showed: dict[str, dict[str, Any]] = {}  # each `sohoa show` once (a process each)

    def show(document_id: str) -> dict[str, Any]:
        if document_id not in showed:
            done = run_sohoa(home, "show", document_id, "--json")
            showed[document_id] = json_lines(done.stdout)[0]
        return showed[document_id]

    def still_valid(e: dict[str, Any]) -> bool:
        return (show(e["document_id"]).get("valid_until") or "9999") >= today

    person = next(e for e in stored if e["owner_id"] and len(e["owner_id"]) == 12
                  and not e["needs_review"] and load_registry().proves(e["doc_type"])
                  and still_valid(e))

    reuse = json_lines(run_sohoa(home, "reuse", person["owner_id"], "--json").stdout)
    assert person["document_id"] in {r["document_id"] for r in reuse}
    # A paper waiting for review (its owner may be only proposed) is not offered for reuse.
    pending = next((e for e in stored if e["owner_id"] and e["needs_review"]), None)
    if pending is not None:  # the batch's OCR decides which papers wait for review
        listed = json_lines(run_sohoa(home, "reuse", pending["owner_id"], "--json").stdout)
        assert pending["document_id"] not in {r["document_id"] for r in listed}

    name = person["fields"].get("full_name")
    assert name, "the applicant's name should have been read"
    from sohoa.vntext import fold

    hits = json_lines(run_sohoa(home, "search", fold(name), "--json").stdout)
    assert any(h["owner_id"] == person["owner_id"] for h in hits)

    shown = show(person["document_id"])
    assert shown["document_id"] == person["document_id"]
    assert nfc(str(shown)) == str(shown)

    pdf = tmp_path / "doc.pdf"
    assert run_sohoa(home, "get", person["document_id"], "-o", str(pdf)).returncode == 0
    assert run_sohoa(home, "verify", str(pdf)).returncode == 0
    assert run_sohoa(home, "verify", person["document_id"]).returncode == 0
    pdfsig = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in pdfsig.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert nfc(text) == text and len(text.split()) > 20
    verdict = verapdf(pdf)  # the signed archival file is still PDF/A-2b
    assert verdict.startswith("PASS"), verdict

    tampered = bytearray(pdf.read_bytes())
    middle = len(tampered) // 3
    tampered[middle] ^= 0x01
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(tampered))
    assert run_sohoa(home, "verify", str(bad)).returncode == 4

    assert run_sohoa(home, "show", "0000000000000000").returncode == 5
    assert run_sohoa(home, "audit", "verify").returncode == 0


# Bad files beside good ones: kept in this file, the one user of the session's ingested home
# (a whole duplex OCR ingest), so that two pytest-xdist workers never make it twice.

def _bomb_png(path: Path) -> None:
    """A tiny PNG that declares 60000×60000 pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1000)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
                     + chunk(b"IEND", b""))


def test_bad_files_are_quarantined_and_the_rest_stored(
        tmp_path: Path, ingested: tuple[Path, list[dict[str, Any]]],
        batch: tuple[Path, dict[str, Any]]) -> None:
    home, first = ingested
    folder = tmp_path / "mixed"
    folder.mkdir()
    good = next(batch[0].glob("*.pdf"))
    shutil.copy(good, folder / "a-good.pdf")
    data = good.read_bytes()
    (folder / "b-truncated.pdf").write_bytes(data[: len(data) // 2])
    (folder / "c-not-a-pdf.pdf").write_bytes(b"hello, this is a text file\n")
    (folder / "d-empty.jpg").write_bytes(b"")
    _bomb_png(folder / "e-bomb.png")
    with pikepdf.open(good) as pdf:
        pdf.save(folder / "f-encrypted.pdf",
                 encryption=pikepdf.Encryption(user="secret", owner="secret"))

    result = run_sohoa(home, "ingest", str(folder), "--json")
    assert result.returncode == 3, result.stderr
    events = json_lines(result.stdout)
    errors = {Path(e["source"]).name: e["error"] for e in events if "error" in e}
    assert set(errors) >= {"b-truncated.pdf", "c-not-a-pdf.pdf", "d-empty.jpg", "e-bomb.png",
                           "f-encrypted.pdf"}
    assert "mật khẩu" in errors["f-encrypted.pdf"]
    for reason in errors.values():
        assert "\n" not in reason and "Traceback" not in reason
    # the good file's documents are all there (already stored by the session ingest)
    stored = {e["document_id"] for e in events if "document_id" in e}
    assert stored == {e["document_id"] for e in first if e.get("created")}
    listed = json_lines(run_sohoa(home, "quarantine", "--json").stdout)
    assert {Path(r["source"]).name for r in listed} >= set(errors)
