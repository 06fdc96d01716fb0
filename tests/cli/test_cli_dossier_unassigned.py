"""tester10 F7: `dossier list` says what an UNASSIGNED-… entry is — pages ingested without a
dossier-code sheet — not "known from a scanned receipt", and how a dossier takes such a paper."""

from __future__ import annotations

import json
from pathlib import Path

from archivist_helpers import make_home, opened, store
from click.testing import CliRunner

from sohoa.cli.main import cli


def test_unassigned_pages_are_said_for_what_they_are(tmp_path: Path) -> None:
    settings = make_home(tmp_path / "home")
    with opened(settings) as archive:
        store(archive, None, "loose", dossier="UNASSIGNED-62696bdea292")
        store(archive, None, "receipt", dossier="H19.22-261207-0103")
    runner = CliRunner(env={"SOHOA_HOME": None, "COLUMNS": "250"})
    home = ["--home", str(settings.home)]
    text = runner.invoke(cli, [*home, "dossier", "list"]).output
    [loose] = [line for line in text.splitlines() if line.startswith("chưa có mã hồ sơ")]
    # tester18 F7: the placeholder is an identifier; a clerk reads Vietnamese, and the
    # command it gives is typed as shown
    assert loose.startswith("chưa có mã hồ sơ (nhóm 62696bdea292)") and "UNASSIGNED" not in text
    assert 'sohoa dossier show "nhóm 62696bdea292"' in loose
    assert "chưa gán hồ sơ: trang không có phiếu mã hồ sơ hoặc giấy tiếp nhận không đọc được mã" \
        in loose, text
    assert "sohoa dossier reuse MÃ_HỒ_SƠ MÃ_GIẤY_TỜ" in loose and "phiếu tiếp nhận" not in loose
    [known] = [line for line in text.splitlines() if line.startswith("H19.22-261207-0103")]
    assert "chỉ biết từ phiếu tiếp nhận đã quét" in known, text
    rows = {r["code"]: r for r in map(json.loads, runner.invoke(
        cli, [*home, "dossier", "list", "--json"]).output.splitlines())}
    assert rows["UNASSIGNED-62696bdea292"]["unassigned"] is True
    assert rows["H19.22-261207-0103"]["unassigned"] is False


def test_show_of_a_loose_placeholder_lists_its_papers(tmp_path: Path) -> None:
    """tester11 F6: `dossier show UNASSIGNED-…` listed none of its papers, so the MÃ_GIẤY_TỜ
    `dossier list` asks for could not be found; `dossier list` gave no count or date."""
    settings = make_home(tmp_path / "home")
    code = "UNASSIGNED-016a8db590b0"
    with opened(settings) as archive:
        first = store(archive, None, "loose-1", dossier=code)
        second = store(archive, None, "loose-2", dossier=code, doc_type="birth_certificate",
                       title="GIẤY KHAI SINH", owner_id="075203009999",
                       owner_name="Trần Văn Bình")
    runner = CliRunner(env={"SOHOA_HOME": None, "COLUMNS": "250", "SOHOA_USER": "thu"})
    home = ["--home", str(settings.home)]
    shown = runner.invoke(cli, [*home, "dossier", "show", code])
    assert shown.exit_code == 0, shown.output
    # given as a clerk reads it, and as `dossier list` says to type it
    for typed in ("nhóm 016a8db590b0", "nhom 016A8DB590B0"):
        again = runner.invoke(cli, [*home, "dossier", "show", typed])
        assert again.exit_code == 0 and again.output == shown.output, again.output
    assert "UNASSIGNED" not in shown.output
    assert "chưa gán hồ sơ" in shown.output and "sohoa dossier reuse" in shown.output
    for doc_id, owner in ((first, "075203001234"), (second, "075203009999 Trần Văn Bình")):
        [line] = [x for x in shown.output.splitlines() if doc_id in x]
        assert owner in line, shown.output
    assert "Giấy khai sinh" in shown.output or "giấy khai sinh" in shown.output.lower()
    data = json.loads(runner.invoke(cli, [*home, "dossier", "show", code, "--json"]).output)
    assert {p["document_id"] for p in data["papers"]} == {first, second}
    listed = runner.invoke(cli, [*home, "dossier", "list"]).output
    [loose] = [line for line in listed.splitlines()
               if line.startswith("chưa có mã hồ sơ (nhóm 016a8db590b0)")]
    # archivist_helpers.store archives a paper on its issue day (01/03/2012, 08:00 UTC)
    assert "2 giấy tờ, lưu gần nhất 01/03/2012 15:00" in loose, listed


def test_a_dossier_filed_under_the_tail_of_a_national_code_is_flagged(tmp_path: Path) -> None:
    """review17 N5: earlier versions filed a receipt printing "000.00.24.H54-241201-0001"
    under its tail "H54-241201-0001"; a later scan of the same receipt goes under the whole
    code. `dossier list` says the two may be one dossier, both ways; a code that only shares
    digits with another is not flagged."""
    settings = make_home(tmp_path / "home")
    with opened(settings) as archive:
        store(archive, None, "old", dossier="H54-241201-0001")
        store(archive, None, "new", dossier="000.00.24.H54-241201-0001")
        store(archive, None, "other", dossier="000.00.24.H54-241201-0011")
        # another body's dossier with the same date and sequence (review18 N2)
        store(archive, None, "body", dossier="000.00.25.H54-241201-0001")
        store(archive, None, "plain", dossier="H19.22-261207-0103")
    runner = CliRunner(env={"SOHOA_HOME": None, "COLUMNS": "250"})
    home = ["--home", str(settings.home)]
    rows = {r["code"]: r for r in map(json.loads, runner.invoke(
        cli, [*home, "dossier", "list", "--json"]).output.splitlines())}
    assert rows["H54-241201-0001"]["same_as"] == ["000.00.24.H54-241201-0001",
                                                  "000.00.25.H54-241201-0001"]
    assert rows["000.00.24.H54-241201-0001"]["same_as"] == ["H54-241201-0001"]
    assert rows["000.00.25.H54-241201-0001"]["same_as"] == ["H54-241201-0001"]
    assert "same_as" not in rows["000.00.24.H54-241201-0011"]
    assert "same_as" not in rows["H19.22-261207-0103"]
    text = runner.invoke(cli, [*home, "dossier", "list"]).output
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("H54-241201-0001"))
    assert "có thể là cùng một hồ sơ với 000.00.24.H54-241201-0001" in lines[at + 1], text


def test_a_placeholder_whose_papers_were_all_filed_is_not_listed(tmp_path: Path) -> None:
    """tester18 F7: once every paper of an UNASSIGNED-… placeholder was filed, `dossier list`
    still showed it as "0 giấy tờ; chưa gán hồ sơ …"."""
    from sqlalchemy import text

    settings = make_home(tmp_path / "home")
    with opened(settings) as archive:
        moved = store(archive, None, "loose", dossier="UNASSIGNED-0a0a0a0a0a0a")
        store(archive, None, "still", dossier="UNASSIGNED-0b0b0b0b0b0b")
        with archive.transaction(write=True) as conn:
            conn.execute(text("INSERT INTO dossiers (code, created_at) VALUES "
                              "('H19.22-261207-0104', '2026-12-07 00:00:00')"))
            conn.execute(text("UPDATE documents SET dossier_code = 'H19.22-261207-0104' "
                              "WHERE id = :d"), {"d": moved})
    runner = CliRunner(env={"SOHOA_HOME": None, "COLUMNS": "250"})
    listed = runner.invoke(cli, ["--home", str(settings.home), "dossier", "list"]).output
    assert "nhóm 0b0b0b0b0b0b" in listed and "nhóm 0a0a0a0a0a0a" not in listed
