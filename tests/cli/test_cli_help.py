"""`sohoa … -h` of the desk's and the officers' commands reads in Vietnamese: click's frame
(usage line, headings, its help option, the [default: …] tags) and the commands' own texts."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from sohoa.cli.main import cli

DESK = (["ingest"], ["watch"], ["scan"], ["ocr"], ["synth"], ["synth", "year"],
        ["search"], ["reuse"], ["show"], ["get"], ["verify"])
# click's English, which must not reach the clerk
CLICK_ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Show the version",
                 "[default:", "[required]")
# words no Vietnamese sentence needs, but every English one has
ENGLISH = re.compile(r"\b(the|and|of|to|with|from|this|each|files?|default|when|for|into|"
                     r"then|one|page|folder|write|print|only)\b", re.IGNORECASE)


def _help(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="sohoa", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", DESK, ids=" ".join)
def test_desk_command_help_is_vietnamese(command: list[str]) -> None:
    text = _help(*command)
    assert text.startswith(f"Cách dùng: sohoa {' '.join(command)} [TÙY_CHỌN]"), text
    assert "Tùy chọn:" in text and "Hiện hướng dẫn này rồi thoát." in text, text
    for english in CLICK_ENGLISH:
        assert english not in text, (english, text)
    # the prose, without option names, metavars, choices and `commands`
    prose = re.sub(r"`[^`]*`|--?[\w-]+(=[\w=-]+)?|\[[^\]]*\||'[^']*'", " ", text)
    assert not ENGLISH.findall(prose), (ENGLISH.findall(prose), text)


def test_watch_help_names_its_exit_codes() -> None:
    text = " ".join(_help("watch").split())
    assert "1 có tệp gặp lỗi của chương trình sohoa" in text
    assert "2 lỗi của máy" in text and "tệp đang xử lý để nguyên chỗ cũ" in text


def test_verify_help_says_an_unknown_file_or_id_is_exit_5() -> None:
    """What `sohoa verify nosuchthing` does (exit 5, tests/archivist/test_officer_rough_edges.py)
    is what its help says; it named exit 5 only for another system's QR code."""
    text = " ".join(_help("verify").split())
    assert "5 khi không có tệp đó, cũng không có mã giấy tờ đó trong kho" in text, text


def test_the_group_help_frames_the_commands_in_vietnamese() -> None:
    text = _help()
    assert text.startswith("Cách dùng: sohoa [TÙY_CHỌN] LỆNH [THAM_SỐ]..."), text
    assert "Bộ phận một cửa (desk staff):" in text and "Rà soát (reviewers):" in text, text
    assert "Hiện phiên bản rồi thoát." in text
    for english in CLICK_ENGLISH:
        assert english not in text, (english, text)
    desk = text.split("Bộ phận một cửa (desk staff):")[1].split("\n\n")[0]
    assert desk.count("\n") >= 4 and not ENGLISH.findall(desk), desk
    officers = text.split("Cán bộ tra cứu, dùng lại (officers):")[1].split("\n\n")[0]
    for name in ("search", "reuse", "show", "get", "verify"):
        [row] = [r for r in officers.splitlines() if r.split()[:1] == [name]]
        assert not ENGLISH.findall(row), row
