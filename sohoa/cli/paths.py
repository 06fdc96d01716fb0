"""Paths a user types for sohoa to write to (``-o TỆP``, ``--out THƯ_MỤC``), checked before any
work is done: a mistyped folder is the user's slip, said in Vietnamese with exit 2, not a
traceback after minutes of OCR or signing (and not an access-log line for a read that
delivered nothing).

Used as click callbacks: ``callback=paths.output_file`` / ``paths.output_folder``. A
SohoaError raised there reaches the group's handler like any command's ("lỗi: …", exit 2).
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path
from typing import BinaryIO

import click

from sohoa.errors import ConfigError

_log = logging.getLogger(__name__)


def _option(param: click.Parameter | None) -> str:
    if param is None:
        return "-o"
    opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
    return opts[0] if opts else (param.human_readable_name or "-o")


def _writable_folder(folder: Path, path: Path, option: str) -> None:
    """``folder`` (an existing directory) must let sohoa create ``path`` in it."""
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"không có quyền ghi vào thư mục {folder} (để ghi {path}); chọn thư "
                          f"mục khác cho {option} hoặc nhờ quản trị cấp quyền ghi")


def _no_file_on_the_way(folder: Path, path: Path, option: str) -> None:
    """A missing ``folder`` whose nearest existing part is a file, not a folder: say which."""
    ancestor = folder.absolute()
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ConfigError(f"{ancestor} là một tệp, không phải thư mục, nên không ghi được "
                          f"{path}; chọn chỗ khác cho {option}")


# The type of an option naming a file to write: the text as typed, so that its callback sees a
# trailing slash (pathlib drops it: "newdir/" became a file named newdir, tester10 F25).
OUTPUT_FILE = click.Path(dir_okay=False)


def check_output_file(path: Path | str, option: str = "-o", *,
                      stdout_ok: bool = False) -> Path:
    """The file ``path`` can be written: its folder exists and is writable, and it is not a
    folder itself. ``-`` (standard output) passes when ``stdout_ok``."""
    text = os.fspath(path)
    if stdout_ok and text == "-":
        return Path(text)
    path = Path(text)
    if text.endswith(("/", os.sep)) and not path.is_dir():
        # The slash says "a folder": writing a file of that name is not what was asked.
        raise ConfigError(f"không có thư mục {text}; {option} cần tên tệp: tạo thư mục đó "
                          f"trước (mkdir -p {path}) rồi ghi vào {path / 'ket-qua.pdf'}, hoặc "
                          f"bỏ dấu / để ghi tệp {path}")
    try:
        return _check_output_file(path, option)
    except OSError as exc:  # the name itself: too long for the file system, …
        raise _cannot_create(path, exc, option) from None


# What the clerk is told for the OS's refusals to make a file: the reason in Vietnamese and the
# one thing that helps (a new name helps a name too long, not a full disk or a read-only share).
_REASONS = {
    errno.ENAMETOOLONG: ("tên tệp quá dài", "chọn tên khác cho {option}"),
    errno.EROFS: ("ổ đĩa hoặc thư mục đó chỉ cho đọc", "chọn chỗ khác cho {option}"),
    errno.ENOSPC: ("ổ đĩa đã hết chỗ trống",
                   "giải phóng chỗ trống hoặc chọn ổ khác cho {option}"),
    errno.EDQUOT: ("đã hết hạn mức dung lượng của tài khoản trên ổ đó",
                   "giải phóng chỗ trống hoặc chọn ổ khác cho {option}"),
    errno.EACCES: ("không có quyền ghi",
                   "chọn chỗ khác cho {option} hoặc nhờ quản trị cấp quyền ghi"),
    errno.EPERM: ("hệ thống không cho phép ghi tệp này",
                  "chọn chỗ khác cho {option} hoặc nhờ quản trị cấp quyền ghi"),
    errno.ENOENT: ("thư mục đó không cho tạo tệp mới", "chọn chỗ khác cho {option}"),
    errno.EIO: ("lỗi đọc ghi của ổ đĩa", "kiểm tra ổ đĩa hoặc chọn chỗ khác cho {option}"),
}


def _cannot_create(path: Path, exc: OSError, option: str) -> ConfigError:
    """The refusal for an OSError making ``path``; the OS's English text goes to the debug log."""
    _log.debug("không tạo được tệp %s: %s", path, exc)
    why, advice = _REASONS.get(exc.errno or 0, (
        f"hệ thống báo lỗi {errno.errorcode.get(exc.errno or 0, exc.errno)}",
        "chọn chỗ khác cho {option}"))
    return ConfigError(f"không tạo được tệp {path} ({why}); {advice.format(option=option)}")


def _check_output_file(path: Path, option: str) -> Path:
    if path.is_dir():
        raise ConfigError(f"{path} là một thư mục; {option} cần tên tệp, ví dụ "
                          f"{path / ('ket-qua' + (path.suffix or '.pdf'))}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        _no_file_on_the_way(parent, path, option)
        raise ConfigError(f"không có thư mục {parent} để ghi {path.name}; tạo thư mục đó trước "
                          f"(mkdir -p {parent}) hoặc chọn chỗ khác cho {option}")
    if not parent.is_dir():
        raise ConfigError(f"{parent} là một tệp, không phải thư mục, nên không ghi được {path}; "
                          f"chọn chỗ khác cho {option}")
    if path.exists() and not os.access(path, os.W_OK):
        raise ConfigError(f"không có quyền ghi đè {path}; chọn tên khác cho {option}")
    _writable_folder(parent, path, option)
    return path


def refuse_overwrite(path: Path, force: bool, option: str = "--force") -> None:
    """A file sohoa writes does not silently replace one already there (a signed copy, a
    document fetched earlier): the user names another file or says ``--force``. Checked in
    the command, before any work, since the flag may not be parsed when ``-o``'s callback
    runs."""
    if str(path) != "-" and path.exists() and not force:
        raise ConfigError(f"{path} đã có; chọn tên khác hoặc thêm {option} để ghi đè")


def create_output_file(path: Path, option: str = "-o") -> BinaryIO:
    """Make the new file ``path`` now, for writing (it must not exist): what the checks above
    cannot foresee (a name too long for the file system, a file made meanwhile) is said
    before any work, with exit 2."""
    try:
        return path.open("xb")
    except FileExistsError:
        raise ConfigError(f"{path} đã có; chọn tên khác hoặc thêm --force để ghi đè") from None
    except OSError as exc:
        raise _cannot_create(path, exc, option) from None


def check_output_folder(path: Path, option: str = "-o") -> Path:
    """The folder ``path`` exists or can be made: the nearest part of it that exists is a
    writable folder, not a file."""
    if path.exists():
        if not path.is_dir():
            raise ConfigError(f"{path} là một tệp; {option} cần một thư mục")
        _writable_folder(path, path, option)
        return path
    _no_file_on_the_way(path, path, option)
    ancestor = path.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    _writable_folder(ancestor, path, option)
    return path


def output_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """click callback for an option naming a file to write."""
    if value is None:
        return None
    return check_output_file(value, _option(param))


def output_file_or_stdout(ctx: click.Context, param: click.Parameter,
                          value: Path | None) -> Path | None:
    """click callback for an option naming a file to write, or ``-`` for standard output."""
    if value is None:
        return None
    return check_output_file(value, _option(param), stdout_ok=True)


def output_folder(ctx: click.Context, param: click.Parameter,
                  value: Path | None) -> Path | None:
    """click callback for an option or argument naming a folder to write into."""
    if value is None:
        return None
    return check_output_folder(value, _option(param))
