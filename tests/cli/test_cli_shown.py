"""What a new user tripped on (tester9): days typed as sohoa shows them, and lines and tables
that keep whole in a log, a pipe and an 80-column terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sohoa.cli.main import cli
from sohoa.cli.options import moment_text, parse_day


@pytest.mark.parametrize("typed", ["31/12/2030", "2030-12-31", " 31/12/2030 "])
def test_a_day_is_read_as_shown_and_as_iso(typed: str) -> None:
    """sohoa prints 31/12/2030; typing it back into --valid-on was refused ("dùng YYYY-MM-DD")."""
    assert parse_day(typed, "--valid-on") == date(2030, 12, 31)
    assert parse_day("1/2/2030", "--to") == date(2030, 2, 1)


@pytest.mark.parametrize("typed", ["2030-02-30", "30/02/2030", "31/04/2030"])
def test_an_impossible_day_is_named_so(typed: str) -> None:
    """2030-02-30 is in the asked form: "dùng YYYY-MM-DD" told the clerk nothing."""
    with pytest.raises(click.BadParameter) as caught:
        parse_day(typed, "--valid-on")
    assert "ngày không tồn tại" in caught.value.message and "dùng" not in caught.value.message


def test_no_day_at_all_names_both_forms() -> None:
    with pytest.raises(click.BadParameter) as caught:
        parse_day("mai", "--as-of")
    assert "DD/MM/YYYY hoặc YYYY-MM-DD" in caught.value.message


def test_an_instant_is_read_as_shown() -> None:
    """`dossier show` prints "tiếp nhận 07/12/2026 08:15": --received/--at take it back."""
    assert moment_text("07/12/2026 08:15", "--received") == "2026-12-07T08:15:00"
    assert moment_text("7/12/2026", "--at") == "2026-12-07"
    assert moment_text("2026-12-07T08:15+07:00") == "2026-12-07T08:15+07:00"
    with pytest.raises(click.BadParameter, match="ngày không tồn tại"):
        moment_text("30/02/2026 08:00", "--at")
    with pytest.raises(click.BadParameter, match="giờ không tồn tại"):
        moment_text("07/12/2026 25:00", "--at")


def test_the_options_accept_the_shown_form_end_to_end() -> None:
    """Through click, as the tester typed it: the day is accepted (the command then fails on
    the missing archive, not on the day), an impossible one says so."""
    runner = CliRunner()
    bad = runner.invoke(cli, ["reuse", "040180954551", "--valid-on", "30/02/2030"],
                        prog_name="sohoa")
    assert bad.exit_code == 2 and "ngày không tồn tại" in bad.output, bad.output
    for command in (["reuse", "--valid-on"], ["search", "--from"], ["retention", "plan", "x"],
                    ["dossier", "list", "x"], ["dossier", "open", "x"], ["report", "kpi", "x"],
                    ["disposal", "propose", "x"], ["signatures", "renew", "x"]):
        helped = runner.invoke(cli, [*command[:-1], "--help"], prog_name="sohoa")
        # click wraps help text at hyphens too: compare without the white space
        text = "".join(helped.output.split())
        assert "DD/MM/YYYYhoặcYYYY-MM-DD" in text, (command, helped.output)


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    return subprocess.run([sys.executable, *args], env=env, text=True, capture_output=True,
                          timeout=60, check=False, input=stdin)


def test_into_a_file_lines_are_not_hard_wrapped() -> None:
    """The ingest summary in the demo's log came out "… 0 cần" / "rà soát, 1 bị cách ly":
    rich wrapped at 80 columns what was written to a file."""
    line = "1 tệp, 20 trang, 2 hồ sơ, đã lưu 9 giấy tờ, 0 cần rà soát, 1 bị cách ly " * 3
    line = line.strip()
    code = ("from sohoa.cli.output import err, out\n"
            f"out.print({line!r})\nerr.print({line!r})\n")
    done = _run("-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout == line + "\n", done.stdout
    assert done.stderr.count("\n") == 1, done.stderr


def test_the_usage_line_never_splits_a_word() -> None:
    """`sohoa dossier status -h` into a pipe printed "{queued|received|processin" / "g|…}"."""
    done = _run("-m", "sohoa", "dossier", "status", "-h")
    assert done.returncode == 0, done.stderr
    # the statuses moved from a {…|…} choice in the usage line into the help's words (the
    # command takes Vietnamese names too): each is still printed whole, never cut at a wrap
    for status in ("queued", "received", "processing", "supplement", "resolved", "returned",
                   "rejected"):
        assert status in done.stdout, done.stdout


def _rendered(table: object, width: int) -> str:
    from rich.console import Console

    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(table)
    return console.export_text()


@pytest.mark.parametrize("width", [80, 100])
def test_the_reuse_table_never_cuts_a_date(width: int) -> None:
    """In 80 columns `sohoa reuse` read "23/0…" / "19/0…" while the issuing body took 12
    lines; at 100 "19/02/20…" — the column an officer reads to decide reuse."""
    from sohoa.cli.officer import reuse_table

    text = _rendered(reuse_table([
        {"document_id": "812f1558dff91ebb", "doc_type": "citizen_id_card",
         "document_number": "040180954551", "issue_date": "2023-04-21",
         "issuing_body": "CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI",
         "valid_until": "2040-02-19", "needs_review": True},
        {"document_id": "2a3951f4f40954ae", "doc_type": "birth_certificate",
         "issue_date": "2020-12-31", "issuing_body": "UBND xã Tân Phong", "valid_until": None}]),
        width)
    for whole in ("812f1558dff91ebb", "21/04/2023", "19/02/2040", "31/12/2020", "vĩnh viễn"):
        assert whole in text, (whole, text)
    assert "…" not in text, text
    # The type by its Vietnamese name, which may wrap at a space (tester10 F13/F27).
    assert "citizen_id_card" not in text and "birth_certificate" not in text, text
    assert " ".join(text.split()).count("Giấy khai") == 1 and "cước" in text, text


def test_the_tokens_table_never_cuts_a_moment() -> None:
    """`sohoa tokens list` in 80 columns cut "tạo lúc" to "07/12/20…"."""
    from sohoa.cli.integrator import tokens_table

    text = _rendered(tokens_table([
        {"id": "a1b2c3d4", "user": "Nguyễn Thị Lan", "role": "officer", "unit": "H19.22",
         "created_at": "2026-12-06T18:43:35+00:00", "last_used_at": "2026-12-06T19:01:00+00:00",
         "revoked_at": "2026-12-06T19:02:00+00:00"}]), 80)
    for whole in ("a1b2c3d4", "07/12/2026", "01:43", "02:01", "02:02"):
        assert whole in text, (whole, text)
    assert text.count("07/12/2026") == 3, text


def test_numbers_are_written_with_a_decimal_comma() -> None:
    from sohoa.vntext import shown_number, shown_percent

    assert shown_number(17.94, 1) == "17,9" and shown_number(0.956, 2) == "0,96"
    assert shown_number(1234567.5, 1) == "1 234 567,5" and shown_number(None) == "—"
    assert shown_number(6.0, 2, trim=True) == "6" and shown_number(2.5, 2, trim=True) == "2,5"
    assert shown_percent(0.726) == "72,6%" and shown_percent(None) == "—"


def test_the_ingest_line_and_the_field_list_read_as_vietnamese_writes() -> None:
    """"độ tin cậy=0.96" beside `show`'s "độ tin cậy 0,93"; "Ngày sinh: 1980-02-19" under
    "ngày cấp: 21/04/2023"."""
    from sohoa.cli.output import describe_event
    from sohoa.clock import shown_field as _field_value

    line, problem = describe_event({
        "document_id": "812f1558dff91ebb", "dossier_code": "H19.22-261207-0001",
        "doc_type": "citizen_id_card", "owner_id": "040180954551", "needs_review": False,
        "fields": {"full_name": "Nguyễn Văn A"}, "pages": [0], "confidence": 0.956})
    assert not problem and "độ tin cậy 0,96" in line and "0.96" not in line, line
    assert _field_value("1980-02-19") == "19/02/1980"
    assert _field_value("040180954551") == "040180954551" and _field_value(None) == "—"


def test_dossier_dates_and_the_kpi_report_for_people(tmp_path) -> None:
    """Typed as shown, shown DD/MM/YYYY (`dossier list` printed ISO, `report kpi` its period in
    ISO and "72.6%"), and `report kpi -o` says where it wrote, not the table again."""
    import json

    env = {**{k: v for k, v in os.environ.items() if k != "COLUMNS"},
           "SOHOA_HOME": str(tmp_path / "home"), "SOHOA_USER": "lan"}

    def sohoa(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sohoa", *args], env=env, text=True,
                              capture_output=True, timeout=120, check=False)

    procedure = json.loads(sohoa("procedures", "--json").stdout.splitlines()[0])["code"]
    opened = sohoa("dossier", "open", "H19.22.31-260302-0001", "--procedure", procedure,
                   "--owner", "075203001234", "--unit", "H19.22.31",
                   "--received", "02/03/2026 08:15", "--appointment", "05/03/2026", "--json")
    assert opened.returncode == 0, opened.stderr
    state = json.loads(opened.stdout)
    assert state["received_at"] == "2026-03-02T01:15:00+00:00"  # --json keeps ISO
    assert state["appointment_date"] == "2026-03-05"
    listed = sohoa("dossier", "list", "--from", "01/03/2026", "--to", "31/03/2026")
    assert "H19.22.31-260302-0001 02/03/2026 " in listed.stdout, listed.stdout
    kpi = sohoa("report", "kpi", "--from", "01/03/2026", "--to", "31/03/2026")
    assert kpi.returncode == 0, kpi.stderr
    assert "Chỉ số số hóa 01/03/2026 – 31/03/2026" in kpi.stdout, kpi.stdout
    assert "= 0,0%, điểm 0,00/4" in kpi.stdout and "2026-03" not in kpi.stdout, kpi.stdout
    assert "2,35 hồ sơ/người/năm" in kpi.stdout, kpi.stdout  # was 2.35
    # each indicator by its Vietnamese name, the code in brackets (was the code alone)
    assert ("  Tỷ lệ hồ sơ TTHC thực hiện số hóa hồ sơ [SO_HOA_GIAY_TO_GIAI_QUYET]: "
            in kpi.stdout), kpi.stdout
    page = tmp_path / "kpi.html"
    written = sohoa("report", "kpi", "--from", "2026-03-01", "--to", "2026-03-31", "-o",
                    str(page))
    assert written.returncode == 0, written.stderr
    assert written.stdout == (f"đã ghi {page}: chỉ số số hóa 01/03/2026 – 31/03/2026\n"), \
        written.stdout
    html = page.read_text(encoding="utf-8")
    assert "<title>Báo cáo chỉ số số hóa 01/03/2026 – 31/03/2026</title>" in html
    # tester12 F19: a unit's level by its name, not the units.toml code "xa"/"tinh"
    assert "<td>H19.22.31</td>" in html and "<td>xa</td>" not in html, html
    assert re.search(r"<td>H19\.22\.31</td><td>[^<]*</td>\s*<td>Cấp", html), html


def test_jobs_say_counts_as_ingest_does_and_one_period(tmp_path) -> None:
    """`sohoa jobs` read "xong (tệp 1, trang 20, trang trắng 10, hồ sơ 2, đã lưu 9)" — backwards
    from ingest's "1 tệp, 20 trang" — and "…có truy cập được không.. Khắc phục"."""
    from sohoa.errors import ConfigError
    from sohoa.pipeline.home import init_home
    from sohoa.pipeline.jobstate import stopped_reason
    from sohoa.pipeline.services import open_archive
    from sohoa.pipeline.settings import load_settings

    home = tmp_path / "home"
    init_home(home, unit="UBND phường Tân Phong")
    settings = load_settings(home=home, environ={})
    with open_archive(settings) as archive:
        done = archive.start_job(["/scans/lo-1"], "H19.22")
        archive.finish_job(done, {"files": 1, "pages": 20, "blank_pages": 10, "dossiers": 2,
                                  "stored": 9, "duplicates": 0, "needs_review": 0,
                                  "quarantined": 0})
        stopped = archive.start_job(["/scans/lo-2"], "H19.22", in_process=True)
        reason = stopped_reason(ConfigError("không ghi được vào kho; kiểm tra xem có truy cập "
                                            "được không."))
        assert ".. " not in reason and "không. Khắc phục" in reason, reason
        archive.fail_job(stopped, reason)
        old = archive.start_job(["/scans/lo-3"], "H19.22", in_process=True)
        archive.fail_job(old, "lô dừng: có truy cập được không.. Khắc phục rồi chạy lại")
    shown = CliRunner().invoke(cli, ["--home", str(home), "jobs"], prog_name="sohoa",
                               env={"SOHOA_HOME": None, "COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert ("(1 tệp, 20 trang (10 trang trắng), 2 hồ sơ: 9 đã lưu, 0 đã lưu trước đây, "
            "0 cần rà soát, 0 bị cách ly)") in shown.output, shown.output
    assert ".." not in shown.output, shown.output


def test_audit_show_says_each_event_in_words_on_viet_nams_clock(tmp_path: Path) -> None:
    """`sohoa audit show`: "tạo kho" at DD/MM/YYYY HH:MM:SS, not "home.init" at a UTC ISO
    instant with microseconds; --json keeps the code and the instant."""
    import json
    import re

    from testtools import run_sohoa

    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    text = run_sohoa(home, "audit", "show").stdout
    assert "tạo kho" in text and "home.init" not in text, text
    assert re.search(r"\b\d\d/\d\d/20\d\d \d\d:\d\d:\d\d\b", text), text
    [event] = [json.loads(line) for line in run_sohoa(home, "audit", "show", "--json")
               .stdout.splitlines() if line.startswith("{")]
    assert event["action"] == "home.init" and event["at"].endswith("Z")


def test_show_says_an_unknown_validity_and_a_permanent_one_as_the_tables_do() -> None:
    """tester11 F2/F17: "hiệu lực đến: 01/01/1" (the catalog's sentinel) and "—" where reuse and
    dossier show say "vĩnh viễn"; the ingest line's double space when no name was read."""
    from sohoa.cli.officer import UNKNOWN_VALIDITY, _shown_value
    from sohoa.cli.output import describe_event

    assert _shown_value({"valid_until": None, "validity_unknown": True},
                        "valid_until") == UNKNOWN_VALIDITY
    assert "chưa rõ" in UNKNOWN_VALIDITY
    assert _shown_value({"valid_until": None, "validity_unknown": False},
                        "valid_until") == "vĩnh viễn"
    assert _shown_value({"valid_until": "2030-12-31"}, "valid_until") == "31/12/2030"
    line, _ = describe_event({
        "document_id": "812f1558dff91ebb", "dossier_code": "H19.22-261207-0001",
        "doc_type": "other", "owner_id": None, "needs_review": True,
        "fields": {}, "pages": [0], "confidence": 0.5})
    assert "chủ sở hữu=? số trang=1" in line, line
    # A number read but not confirmed is said as a proposal, never as the owner.
    line, _ = describe_event({
        "document_id": "812f1558dff91ebb", "dossier_code": "H19.22-261207-0001",
        "doc_type": "other", "owner_id": None, "proposed_owner_id": "038096887985",
        "needs_review": True, "fields": {}, "pages": [0], "confidence": 0.5})
    assert "chủ sở hữu=? (đề xuất 038096887985) số trang=1" in line, line
    assert _shown_value({"owner_id": None, "proposed_owner_id": "038096887985"},
                        "owner_id").startswith("chưa xác định (đề xuất 038096887985")


def test_show_says_the_fields_a_type_correction_set_aside() -> None:
    from sohoa.cli.officer import set_aside_lines

    lines = set_aside_lines({"extra": {"set_aside": {
        "doc_type": "citizen_id_card", "fields": {"date_of_birth": "1984-05-24"}}}})
    assert len(lines) == 1 and "24/05/1984" in lines[0] and "Căn cước" in lines[0], lines
    assert set_aside_lines({"extra": {}}) == []


def test_an_already_stored_line_names_the_file_it_was_found_in() -> None:
    """tester12 F5: "đã lưu trước đây 2ba87e47… (UNASSIGNED-…)" eight times for 26 files
    dropped, and no way to tell which file was the one already stored."""
    from sohoa.cli.output import describe_event
    from sohoa.pipeline.outcomes import duplicate_json

    line, problem = describe_event(duplicate_json(
        "2ba87e4750034e8f", "UNASSIGNED-ef6ad57f26dc", "citizen_id_card", False,
        [{"source": "/tmp/in/p_ps2pdf_blur.pdf", "index": 0}]))
    assert not problem and line.endswith("— tệp /tmp/in/p_ps2pdf_blur.pdf"), line
    # tester18 F7: the placeholder is said in Vietnamese, never as the English identifier
    assert "(chưa có mã hồ sơ (nhóm ef6ad57f26dc))" in line and "UNASSIGNED" not in line, line
    line, _ = describe_event(duplicate_json(
        "7cac1759f6a3e80a", "H19.22-261207-0101", "application_form", False,
        [{"source": "batch [1].pdf", "index": 1}, {"source": "batch [1].pdf", "index": 2}]))
    assert "tệp batch [1].pdf trang 2, 3" in line, line  # pages as a clerk counts them
    line, problem = describe_event(duplicate_json(
        "7cac1759f6a3e80a", "H19.22-261207-0101", "application_form", True,
        [{"source": "scan.jpg", "index": 0}]))
    assert problem and "— tệp scan.jpg:" in line, line


def test_a_dossier_move_from_a_group_of_no_known_dossier_is_said_in_vietnamese() -> None:
    """tester19 F8 (a): `review set DOC "Mã hồ sơ" CODE` printed "(UNASSIGNED-… → CODE)"."""
    from sohoa.cli.review import _value

    assert _value("dossier", "UNASSIGNED-eeb0bd563fc8") == "chưa có mã hồ sơ (nhóm eeb0bd563fc8)"
    assert _value("dossier", "000.00.22.H19-261207-0312") == "000.00.22.H19-261207-0312"
