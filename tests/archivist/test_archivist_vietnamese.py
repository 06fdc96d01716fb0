"""What an archivist (and the operator beside them) reads is Vietnamese: every archivist
command's text output on a small archive — retention, holds, a disposal list from proposal to
its destruction record, fixity, an export and its verification (a good bag and a broken one),
signature renewal, type training, tokens, sync, status — carries none of the English framing
words it used to ("not", "error", "found", "valid", "may", "due", …). Commands run in-process
(click's runner) so the whole tour costs seconds; click's own usage errors, which only the real
entry point rewrites, are checked through it."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from archivist_helpers import opened, signer_for, store
from click.testing import CliRunner

from sohoa.archive.policy import AccessDeniedError, Caller, check_role
from sohoa.cli.main import cli
from sohoa.cli.usage import translate
from sohoa.clock import vietnam_today
from sohoa.pipeline.settings import Settings
from sohoa.vntext import nfc

# English words that framed the old lines; none belongs in a Vietnamese sentence
ENGLISH = re.compile(
    r"\b(not|no|none|nothing|error|errors|found|valid|invalid|may|due|failed|skipped|"
    r"document|documents|dossier|dossiers|hold|holds|placed|released|removed|approved|"
    r"proposed|executed|cancelled|would|match|mismatch|mismatches|renewed|checked|"
    r"wrote|saved|signed|revoked|problem|file|files|bytes|page|pages|list|"
    r"reviewed|generated|accuracy|examples|units|active|later|permanent|permanently|"
    r"years|from|on|by|with|and|of|the|is|are|was|for|run|see|give)\b", re.IGNORECASE)
# what a line may carry in English on purpose: commands to copy, option names, tool names
COPIED = re.compile(r"sohoa(?: [a-z][a-z-]*)+|--[a-z][a-z-]*|'Authorization: Bearer <token>'"
                    r"|Payload-Oxum|BagIt|B-LTA|SOHOA_USER|\S*/\S*")


SHOW = bool(__import__("os").environ.get("SOHOA_SHOW_TOUR"))


def english_in(text: str) -> list[str]:
    return ENGLISH.findall(COPIED.sub(" ", text))


class Tour:
    def __init__(self, settings: Settings) -> None:
        self.home = settings.home
        self.said: list[tuple[str, str]] = []

    def run(self, *args: str, code: int = 0, user: str = "Lê Thu Hà") -> str:
        result = CliRunner().invoke(cli, ["--home", str(self.home), *args],
                                    env={"SOHOA_USER": user})
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == code, (args, result.exit_code, result.output)
        text = result.stdout + result.stderr
        assert text.strip(), args  # every command says something
        assert nfc(text) == text, args
        self.said.append((" ".join(args), text))
        return text


def test_each_archivist_command_speaks_vietnamese(settings: Settings, tmp_path: Path) -> None:
    with opened(settings) as archive:
        signer = signer_for(settings)
        first = store(archive, signer, "a")
        store(archive, signer, "b", dossier="HS-075-2015-0002", owner_id="075203009999",
              issue_date=date(2024, 1, 1))  # kept until 2034: left for the export
    tour = Tour(settings)
    today = vietnam_today().isoformat()

    assert "giấy tờ đang chờ rà soát" in tour.run("status")
    assert "đến hạn hủy" in tour.run("retention", "plan", "--as-of", today)
    tour.run("retention", "set", "--dossier", "HS-075-2015-0002", "--years", "50",
             "--reason", "hồ sơ khiếu nại")
    assert "giữ 50 năm" in tour.run("retention", "overrides")
    # shorter than its papers' type: refused, in Vietnamese (tester13 F10)
    tour.run("retention", "set", "--dossier", "HS-075-2015-0002", "--years", "1",
             "--reason", "thử rút ngắn", code=2)
    tour.run("retention", "event", "--dossier", "HS-075-2015-0002", "--closed", "2016-01-01")
    tour.run("retention", "set", "--dossier", "HS-075-2015-0002", "--clear", "--reason", "xong")
    tour.run("retention", "overrides")
    tour.run("retention", "set", "--dossier", "HS-KHÔNG-CÓ", "--years", "5", "--reason", "x",
             code=5)

    assert "đã phong tỏa" in tour.run("hold", "add", "--document", first, "--reason",
                                      "yêu cầu của tòa án số 12")
    tour.run("hold", "list")
    tour.run("hold", "remove", "1", "--reason", "tòa đã xử xong")
    tour.run("hold", "list")
    tour.run("hold", "list", "--all")
    tour.run("hold", "remove", "7", "--reason", "x", code=5)

    tour.run("disposal", "list")
    tour.run("disposal", "propose", "--as-of", "2000-01-01", "--note", "hết giá trị")
    tour.run("disposal", "propose", "--as-of", today, "--note", "hết giá trị sử dụng")
    assert "[chờ hủy]" in tour.run("disposal", "show", "1")
    tour.run("disposal", "execute", "1", code=2)  # not approved yet: refused, in Vietnamese
    tour.run("disposal", "approve", "1", "--decision", "Quyết định số 12/QĐ-UBND",
             "--by", "Trần Văn Bình", code=2)  # the proposer's account: refused (tester13 F12)
    tour.run("disposal", "approve", "1", "--decision", "Quyết định số 12/QĐ-UBND",
             "--by", "Trần Văn Bình", user="Trần Văn Bình")
    tour.run("disposal", "execute", "1", "--dry-run")
    tour.run("disposal", "execute", "1")
    tour.run("disposal", "list")
    tour.run("disposal", "record", "1", "-o", str(tmp_path / "bb.pdf"))
    tour.run("disposal", "show", "9", code=5)

    assert "tất cả đều khớp" in tour.run("fixity", "check", "--all")
    tour.run("fixity", "runs")

    bag = tmp_path / "goi"
    tour.run("export", "-o", str(tmp_path / "rong"), code=2)  # nothing chosen
    tour.run("export", "--dossier", "HS-075-2015-0002", "-o", str(bag))
    assert "gói BagIt hợp lệ" in tour.run("export", "verify", str(bag))
    pdf = sorted((bag / "data").rglob("*.pdf"))[0]
    pdf.write_bytes(pdf.read_bytes() + b"%")
    assert "KHÔNG HỢP LỆ" in tour.run("export", "verify", str(bag), code=4)

    tour.run("signatures", "renew", "--dry-run", code=tour_renew_code(settings))
    tour.run("types", "train", "--synthetic", "2", "-o", str(tmp_path / "types.npz"))
    tour.run("tokens", "add", "Phạm Minh", "--role", "officer", "--unit", "H19.22")
    tour.run("tokens", "list")
    tour.run("tokens", "revoke", "khong-co", code=5)
    tour.run("sync", "status")
    assert "vào chỉ mục tìm kiếm" in tour.run("index", "rebuild")

    if SHOW:
        for args, text in tour.said:
            print(f"$ sohoa {args}\n{text}")
    spoken = {args: english_in(text) for args, text in tour.said}
    assert not {args: words for args, words in spoken.items() if words}, spoken


def tour_renew_code(settings: Settings) -> int:
    # a home without a timestamp authority is told how to set one (exit 2); with one, the dry
    # run lists what is due (exit 0)
    return 0 if settings.tsa_url else 2


def test_check_role_refuses_in_vietnamese() -> None:
    caller = Caller(user="Ngô Hà", role="desk", unit="H19.22")
    with pytest.raises(AccessDeniedError) as refused:
        check_role(caller, ("archivist", "admin"), "làm công việc của lưu trữ viên")
    said = str(refused.value)
    assert said == ("Ngô Hà (cán bộ một cửa) không được làm công việc của lưu trữ viên; việc "
                    "này dành cho lưu trữ viên hoặc quản trị")
    assert not english_in(said)


def test_click_usage_errors_are_said_in_vietnamese(settings: Settings) -> None:
    assert translate("Missing option '--reason'.") == "thiếu tùy chọn '--reason' (bắt buộc)"
    assert translate("No such option: --documnt Did you mean --document?") == (
        "không có tùy chọn --documnt (có phải --document?)")
    assert translate("Invalid value for 'LIST_ID': 'x' is not a valid integer.") == (
        "giá trị không hợp lệ cho 'LIST_ID': 'x' không phải số nguyên")
    assert translate("hãy cho một trong --document") == "hãy cho một trong --document"
    # the real entry point: exit 2, the usage line and the reason in Vietnamese
    done = subprocess.run([sys.executable, "-m", "sohoa", "--home", str(settings.home),
                           "hold", "add", "--document", "x"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, done.stderr
    assert "lỗi cách dùng: thiếu tùy chọn '--reason' (bắt buộc)" in done.stderr
    assert "Cách dùng:" in done.stderr and "Error" not in done.stderr
