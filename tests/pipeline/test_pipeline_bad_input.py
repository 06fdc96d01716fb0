"""Bad files go to quarantine with a reason; the rest of the batch is stored."""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path
from typing import Any

import pikepdf
from pipeline_helpers import json_lines, run_sohoa


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


def test_usage_errors_have_their_own_exit_code(tmp_path: Path) -> None:
    result = run_sohoa(tmp_path, "ingest", str(tmp_path / "missing-folder"))
    assert result.returncode == 2
    assert "missing-folder" in result.stderr and "Traceback" not in result.stderr
