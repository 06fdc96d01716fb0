"""An expected failure reads "lỗi: <message>", and "lỗi" only once when the message already
opens with its kind of error (the hot folder's "lỗi của máy, …" read "lỗi: lỗi của máy, …")."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import click
from click.testing import CliRunner

from sohoa.cli.main import SectionedGroup, error_line
from sohoa.errors import ConfigError, StorageError
from sohoa.scanners.watch import _machine_error


def test_the_machine_error_of_the_hot_folder_says_loi_once() -> None:
    exc = _machine_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/srv/kho"),
                         Path("hoso.pdf"))
    line = error_line(exc)
    assert line.startswith("lỗi của máy, không phải của tệp: ") and "lỗi: lỗi" not in line


def test_a_plain_message_gets_the_prefix_and_its_exit_code() -> None:
    @click.group(cls=SectionedGroup)
    def group() -> None: ...

    @group.command("full")
    def full() -> None:
        raise StorageError("Lỗi của máy: đĩa đầy")

    @group.command("bad")
    def bad() -> None:
        raise ConfigError("số trang không hợp lệ")

    runner = CliRunner()
    ran = runner.invoke(group, ["full"])
    assert ran.exit_code == 2 and ran.stderr == "Lỗi của máy: đĩa đầy\n", ran.stderr
    ran = runner.invoke(group, ["bad"])
    assert ran.exit_code == 2 and ran.stderr == "lỗi: số trang không hợp lệ\n", ran.stderr
