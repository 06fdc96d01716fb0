"""F8: a file or folder the user names for sohoa to write that cannot be written (a missing
folder, a file where a folder should be, a folder where a file should be) is refused before
any work, in Vietnamese, naming the path, with exit 2 — not a traceback with exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sohoa.cli.main import cli

# Every command writing a file or folder the user names, with the rest of a valid command line.
COMMANDS = [
    ["get", "812f1558dff91ebb", "-o", "{out}"],
    ["sign", "{pdf}", "-o", "{out}"],
    ["ocr", "{pdf}", "-o", "{out}"],
    ["ocr", "{pdf}", "-o", "{ok}", "--sidecar", "{out}"],
    ["report", "kpi", "--from", "2025-01-01", "--to", "2025-12-31", "-o", "{out}"],
    ["certify", "register", "-o", "{out}"],
    ["disposal", "record", "1", "-o", "{out}"],
    ["types", "train", "-o", "{out}"],
    ["export", "--dossier", "X", "-o", "{out}"],
    ["review", "show", "abc", "-o", "{out}"],
    ["scan", "--out", "{out}"],
    ["synth", "{out}"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_an_unwritable_output_is_refused_before_any_work(tmp_path: Path,
                                                         args: list[str]) -> None:
    pdf = tmp_path / "in.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    runner = CliRunner()
    missing = tmp_path / "no-such-dir"
    for bad, says, named in ((missing / "x.pdf", "không có thư mục", missing),
                             (blocker / "sub" / "x.pdf", "là một tệp, không phải thư mục",
                              blocker)):
        line = [a.format(out=bad, pdf=pdf, ok=tmp_path / "ok.pdf") for a in args]
        if named == missing and line[0] in ("scan", "synth", "export", "review"):
            continue  # a folder sohoa makes, parents and all
        ran = runner.invoke(cli, ["--home", str(tmp_path / "home"), *line])
        assert ran.exit_code == 2, (line, ran.output, ran.exception)
        assert says in ran.stderr and str(named) in ran.stderr, ran.stderr
        assert ran.stderr.startswith("lỗi: ") and "Traceback" not in ran.output
        assert not (tmp_path / "home").exists()  # refused before the archive was touched


def test_a_folder_given_for_a_file_and_standard_output(tmp_path: Path) -> None:
    runner = CliRunner()
    ran = runner.invoke(cli, ["--home", str(tmp_path), "get", "abc", "-o", str(tmp_path)])
    assert ran.exit_code == 2 and str(tmp_path) in ran.stderr, ran.stderr
    # `-o -` is standard output, not a file named "-" in a folder to check
    from sohoa.cli.paths import check_output_file

    assert str(check_output_file(Path("-"), stdout_ok=True)) == "-"


def test_sign_onto_its_own_input_is_refused_up_front_without_suggesting_force(
        tmp_path: Path) -> None:
    """L2: `sign x.pdf -o x.pdf` was told to add --force, which then failed: it is refused at
    once for what it is, --force or not, and the file is left as it was."""
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    runner = CliRunner()
    for extra in ([], ["--force"]):
        ran = runner.invoke(cli, ["--home", str(tmp_path / "home"), "sign", str(pdf), "-o",
                                  str(tmp_path / "." / "x.pdf"), *extra])
        assert ran.exit_code == 2, (ran.output, ran.exception)
        assert "chính là tệp cần ký" in ran.stderr and "--force" not in ran.stderr, ran.stderr
        assert "x-da-ky.pdf" in ran.stderr
    assert pdf.read_bytes() == b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize("where, says", [
    ("/proc/sohoa-khong-co.pdf", "thư mục đó không cho tạo tệp mới"),  # ENOENT, folder there
    ("/sys/sohoa-khong-co.pdf", "không có quyền ghi"),  # EACCES, even for root
    ("{tmp}/" + "x" * 300 + ".pdf", "tên tệp quá dài"),
])
def test_the_systems_refusal_to_make_a_file_is_said_in_vietnamese(tmp_path: Path, where: str,
                                                                  says: str) -> None:
    """L3: the OS's English reason ("No such file or directory") was put in the line, with a
    rename hint that cannot help a read-only share: the reason is Vietnamese, and so is the
    advice."""
    from sohoa.cli.paths import create_output_file
    from sohoa.errors import ConfigError

    with pytest.raises(ConfigError) as refused:
        create_output_file(Path(where.format(tmp=tmp_path)))
    said = str(refused.value)
    assert f"({says})" in said and "No such" not in said and "denied" not in said, said


FILE_COMMANDS = [a for a in COMMANDS if a[0] not in ("scan", "synth", "export", "review")
                 and "-o" in a and a[a.index("-o") + 1] == "{out}"]


@pytest.mark.parametrize("args", FILE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_trailing_slash_names_a_folder_not_a_file(tmp_path: Path, args: list[str]) -> None:
    """tester10 F25: `get ID -o newdir/` (a folder not made yet) wrote a file named newdir."""
    pdf = tmp_path / "in.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    folder = f"{tmp_path / 'newdir'}/"
    line = [a.format(out=folder, pdf=pdf, ok=tmp_path / "ok.pdf") for a in args]
    ran = CliRunner().invoke(cli, ["--home", str(tmp_path / "home"), *line])
    assert ran.exit_code == 2, (line, ran.output, ran.exception)
    assert f"không có thư mục {folder}" in ran.stderr and "mkdir -p" in ran.stderr, ran.stderr
    assert not (tmp_path / "newdir").exists() and not (tmp_path / "home").exists()


# tester10 F33: these replaced an existing file silently while get/sign/certify register refused.
OVERWRITING = [
    ["disposal", "record", "1", "-o", "{out}"],
    ["report", "kpi", "--from", "2025-01-01", "--to", "2025-12-31", "-o", "{out}"],
    ["ocr", "{pdf}", "-o", "{out}"],
    ["ocr", "{pdf}", "-o", "{ok}", "--sidecar", "{out}"],
]


@pytest.mark.parametrize("args", OVERWRITING, ids=lambda a: " ".join(a[:2] + a[-2:-1]))
def test_an_existing_file_is_not_replaced_without_force(tmp_path: Path, args: list[str]) -> None:
    pdf = tmp_path / "in.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    kept = tmp_path / "notes.txt"
    kept.write_text("important notes")
    line = [a.format(out=kept, pdf=pdf, ok=tmp_path / "ok.pdf") for a in args]
    runner = CliRunner()
    ran = runner.invoke(cli, ["--home", str(tmp_path / "home"), *line])
    assert ran.exit_code == 2, (line, ran.output, ran.exception)
    assert f"{kept} đã có; chọn tên khác hoặc thêm --force để ghi đè" in ran.stderr, ran.stderr
    assert kept.read_text() == "important notes"
    assert not (tmp_path / "home").exists()  # refused before the archive was touched
    # --force lets the command go on (to fail here for want of a home or an input, not on it)
    forced = runner.invoke(cli, ["--home", str(tmp_path / "home"), *line, "--force"])
    assert "đã có; chọn tên khác" not in forced.stderr, forced.stderr
