"""The ``sohoa`` command: one group, commands listed by who uses them."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from sohoa import __version__
from sohoa.cli import helptext
from sohoa.cli.state import State
from sohoa.errors import EXIT_INTERNAL, EXIT_USAGE, MACHINE_ERRNOS, SohoaError
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
@click.version_option(__version__, prog_name="sohoa")
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
        from click.utils import PacifyFlushWrapper

        if exc.code == 1 and isinstance(sys.stdout, PacifyFlushWrapper):
            # click's own answer to a closed pipe (it wraps stdout so the exit's flush stays
            # quiet) is exit 1, which in sohoa says "a bug": the reader just stopped reading.
            sys.exit(0)
        raise
    except BrokenPipeError:
        # The reader stopped reading (`sohoa dossier list | head -1`): what it asked for was
        # given, nothing failed. Python would flush stdout again at exit and fail on the
        # closed pipe, so stdout is pointed at nothing first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except OSError as exc:
        if exc.errno not in MACHINE_ERRNOS:
            _internal_error()
        # The machine, not sohoa: a full disk, a read-only or vanished share, no permission.
        where = f" ({exc.filename})" if exc.filename else ""
        click.echo(f"lỗi của máy, không phải của dữ liệu: {exc.strerror}{where}. Khắc "
                   "phục (chỗ trống trên đĩa, quyền ghi, ổ đĩa) rồi chạy lại đúng lệnh này.",
                   err=True)
        sys.exit(EXIT_USAGE)
    except Exception:
        _internal_error()
    sys.exit(code if isinstance(code, int) else 0)



def _internal_error() -> NoReturn:
    import traceback

    traceback.print_exc()
    # "internal error" kept in the line: it is what a technician searches for.
    click.echo("lỗi bên trong chương trình (internal error): đây là lỗi của sohoa; hãy gửi "
               "đoạn thông báo ở trên cho bộ phận kỹ thuật", err=True)
    sys.exit(EXIT_INTERNAL)
