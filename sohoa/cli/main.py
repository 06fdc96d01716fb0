"""The ``sohoa`` command: one group, commands listed by who uses them."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from sohoa import __version__
from sohoa.cli import helptext
from sohoa.cli.state import State
from sohoa.errors import EXIT_INTERNAL, EXIT_USAGE, MACHINE_ERRNOS, SohoaError, os_said
from sohoa.quiet import silence_known_warnings

silence_known_warnings()

# Who uses which command, as `sohoa -h` lists them (the role's English name in brackets: the
# README's and the docs' word for it).
SECTIONS = {
    "Bộ phận một cửa (desk staff)": ["ingest", "watch", "scan", "ocr", "certify", "synth"],
    "Cán bộ tra cứu, dùng lại (officers)": ["search", "reuse", "show", "get", "verify",
                                            "dossier", "procedures", "result"],
    "Lãnh đạo (managers)": ["report"],
    "Lưu trữ (archivists)": ["retention", "hold", "disposal", "fixity", "export", "signatures",
                             "audit", "sign", "index"],
    "Vận hành (operators)": ["init", "status", "jobs", "quarantine", "worker", "sync",
                             "dev-pki"],
    "Tích hợp hệ thống (integrators)": ["serve", "tokens"],
    "Rà soát (reviewers)": ["review", "types"],
}


class SectionedGroup(click.Group):
    """Lists commands under the role that uses them, as the README does."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        listed: set[str] = set()
        for section, names in SECTIONS.items():
            rows = []
            for name in names:
                cmd = self.get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(limit=200)))
                    listed.add(name)
            if rows:
                with formatter.section(section):
                    formatter.write_dl(rows)
        rest = [(n, c.get_short_help_str(limit=200)) for n in self.list_commands(ctx)
                if n not in listed and (c := self.get_command(ctx, n)) and not c.hidden]
        if rest:
            with formatter.section("Khác"):
                formatter.write_dl(rest)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SohoaError as exc:
            click.echo(error_line(exc), err=True)
            sys.exit(exc.exit_code)


def error_line(exc: SohoaError) -> str:
    """What the clerk reads for an expected failure: "lỗi: " and the message, said once when
    the message already opens with its kind of error ("lỗi của máy, …", "lỗi TLS: …")."""
    text = str(exc)
    return text if text.casefold().startswith("lỗi") else f"lỗi: {text}"


@click.group(cls=SectionedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(path_type=Path), envvar="SOHOA_HOME", metavar="THƯ_MỤC",
              help="Thư mục kho (mặc định: biến môi trường SOHOA_HOME, không có thì "
                   "~/.local/share/sohoa).")
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), envvar="SOHOA_CONFIG",
              metavar="TỆP",
              help="Tệp cấu hình (mặc định THƯ_MỤC/sohoa.toml; biến môi trường SOHOA_CONFIG).")
@click.version_option(__version__, prog_name="sohoa", message="%(prog)s, phiên bản %(version)s")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, config: Path | None) -> None:
    """sohoa ("số hóa"): nhận hồ sơ giấy đã quét; trả về bản điện tử đã ký số, tra cứu được
    và dùng lại được.

    Mỗi lệnh có hướng dẫn riêng: sohoa LỆNH -h."""
    ctx.obj = State(home, config)


def _register() -> None:
    from sohoa.cli import (
        audit,
        certify,
        desk,
        disposal,
        dossier,
        export,
        fixity,
        holds,
        index,
        integrator,
        officer,
        operator,
        retention,
        review,
        scanning,
        signatures,
        sync,
        synthyear,
    )

    for module in (desk, scanning, officer, dossier, certify, signatures, audit, index,
                   retention, holds, disposal, fixity, export, operator, integrator, review, sync):
        for command in module.COMMANDS:
            cli.add_command(command)
    helptext.localize([cli, synthyear.synth_year])  # `synth year` is run apart from the group


_register()


def main() -> None:
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("đã hủy", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        from sohoa.cli import usage

        usage.show(exc)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo("đã ngắt: chạy lại đúng lệnh này để làm tiếp", err=True)
        sys.exit(130)
    except SystemExit as exc:
        # click's own answer to a closed pipe (it wraps stdout so the exit's flush stays quiet)
        # is exit 1, which in sohoa says "a bug". The wrapper is known by its class's name:
        # importing it from click.utils is deprecated (click 8.2), and that warning reached the
        # terminal of every refused command run with -W default (review9b, B note).
        if exc.code == 1 and type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
            _pipe_closed()
        raise
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python would flush the closed pipe at exit
        _pipe_closed()
    except OSError as exc:
        if exc.errno not in MACHINE_ERRNOS:
            _internal_error()
        # The machine, not sohoa: a full disk, a read-only or vanished share, no permission.
        where = f" ({exc.filename})" if exc.filename else ""
        click.echo(f"lỗi của máy, không phải của dữ liệu: {os_said(exc)}{where}. Khắc "
                   "phục (chỗ trống trên đĩa, quyền ghi, ổ đĩa) rồi chạy lại đúng lệnh này.",
                   err=True)
        sys.exit(EXIT_USAGE)
    except Exception:
        _internal_error()
    sys.exit(code if isinstance(code, int) else 0)



# Commands that only show what is there: a reader that stops reading them
# (`sohoa dossier list | head -1`) got what it asked for.
_SHOW_LEAVES = frozenset({"search", "reuse", "show", "jobs", "status"})
_SHOW_ALONE = frozenset({"quarantine", "review", "procedures"})  # a group run bare lists
_SHOW_PAIRS = frozenset({
    "audit show", "dossier list", "dossier show", "types list", "retention plan",
    "retention show", "hold list", "disposal list", "disposal show", "tokens list",
    "sync status", "review show", "review stats", "procedures list", "procedures show"})


def _typed_command(argv: list[str]) -> list[str]:
    """The command words typed (``["dossier", "list"]``), global options and values skipped."""
    words: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--home", "--config"):
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
        if len(words) == 2:
            break
    return words


def _pipe_closed() -> NoReturn:
    """The output's reader went away. For a command that only shows, nothing failed: exit 0.
    Any other (an ingest printing its progress into `| head`) was stopped part-way: exit 2,
    and the same command again finishes the work."""
    words = _typed_command(sys.argv[1:])
    if words and (words[0] in _SHOW_LEAVES or " ".join(words) in _SHOW_PAIRS
                  or (len(words) == 1 and words[0] in _SHOW_ALONE)):
        sys.exit(0)
    with contextlib.suppress(OSError):
        click.echo("dừng: nơi nhận đầu ra (ống dẫn) đã đóng giữa chừng; chạy lại đúng lệnh "
                   "này để làm tiếp", err=True)
    sys.exit(EXIT_USAGE)


def _internal_error() -> NoReturn:
    import traceback

    traceback.print_exc()
    # "internal error" kept in the line: it is what a technician searches for.
    click.echo("lỗi bên trong chương trình (internal error): đây là lỗi của sohoa; hãy gửi "
               "đoạn thông báo ở trên cho bộ phận kỹ thuật", err=True)
    sys.exit(EXIT_INTERNAL)
