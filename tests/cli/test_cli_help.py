"""`sohoa … -h` reads in Vietnamese, for every command of the tree: click's frame (usage line,
headings, its help option, the [default: …] tags, the metavars) and the commands' own texts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from sohoa.cli.main import cli
from sohoa.cli.synthyear import WithYear, synth_year

DESK = (["ingest"], ["watch"], ["scan"], ["ocr"], ["synth"], ["synth", "year"],
        ["search"], ["reuse"], ["show"], ["get"], ["verify"])
# click's English, which must not reach the clerk
CLICK_ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Show the version",
                 "[default:", "[required]")
# words no Vietnamese sentence needs, but every English one has
ENGLISH = re.compile(r"\b(the|and|of|to|with|from|this|each|files?|default|when|for|into|"
                     r"then|one|page|folder|write|print|only)\b", re.IGNORECASE)
# more of them, for the whole tree: short words that English prose cannot do without
MORE_ENGLISH = re.compile(r"\b(is|are|or|not|by|on|at|as|its?|be|if|all|that|which|"
                          r"was|has|have|who|why|what|where|how|per|e\.g|env|list|show)\b",
                          re.IGNORECASE)


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


def _tree(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _tree(sub, (*path, name))
        return
    if isinstance(command, WithYear):  # `synth year` is reached through `synth`, not a group
        yield (*path, "year")


EVERY_COMMAND = list(_tree(cli))
# click's names for a value's type, shown where a command gives no metavar of its own
CLICK_METAVARS = re.compile(r"\b(TEXT|INTEGER|FLOAT|PATH|FILE|DIRECTORY|RANGE|BOOLEAN|"
                            r"COMMAND|ARGS)\b")


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        command = (synth_year if isinstance(command, WithYear)
                   else command.commands[name])  # type: ignore[attr-defined]
    return command


def test_the_walk_reaches_every_command() -> None:
    """The tree, not a hand list: every group's sub-commands, and `synth year`."""
    assert len(EVERY_COMMAND) > 80
    for path in (("disposal", "approve"), ("retention", "plan"), ("dev-pki", "serve"),
                 ("synth", "year"), ("sync", "reconcile"), ("types", "train")):
        assert path in EVERY_COMMAND, path


@pytest.mark.parametrize("path", EVERY_COMMAND, ids=lambda p: " ".join(p) or "sohoa")
def test_every_command_help_is_vietnamese(path: tuple[str, ...]) -> None:
    text = _help(*path)
    assert text.startswith(f"Cách dùng: {' '.join(('sohoa', *path))} [TÙY_CHỌN]"), text
    for english in CLICK_ENGLISH:
        assert english not in text, (english, text)
    assert not CLICK_METAVARS.findall(text), (CLICK_METAVARS.findall(text), text)
    # the prose: after the usage line (it names the command), without option names, choices,
    # `code` and quoted literals (as above), nor the sub-command names that start a group's rows
    prose = re.sub(r"`[^`]*`|--?[\w-]+(=[\w=-]+)?|\[[^\]]*\||'[^']*'", " ",
                   text.split("\n\n", 1)[1])
    command = _command(path)
    for name in getattr(command, "commands", ()):
        prose = re.sub(rf"(?m)^ +{re.escape(name)}\b", " ", prose)
    assert not ENGLISH.findall(prose), (ENGLISH.findall(prose), text)
    assert not MORE_ENGLISH.findall(prose), (MORE_ENGLISH.findall(prose), text)
    assert unicodedata.is_normalized("NFC", text)
    assert command.help and command.help.strip(), path
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert param.help and param.help.strip(), (path, param.opts)
