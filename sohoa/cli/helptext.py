"""The frame of ``sohoa … -h`` in Vietnamese: click's own words around the commands' help
("Usage:", "Options", "Show this message and exit.", "[default: …]").

click says them through gettext with no Vietnamese catalogue (see usage.py for its errors);
here a help formatter rewrites them as it writes, and every command of the ``sohoa`` group is
given a context that uses it. The commands' own help texts are written in Vietnamese where a
clerk reads them.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence

import click

HEADINGS = {"Options": "Tùy chọn", "Commands": "Lệnh", "Arguments": "Tham số"}
# click's words in a help row, and the same in Vietnamese (whole phrases, then bracketed tags)
_ROW_TEXT = (
    ("Show this message and exit.", "Hiện hướng dẫn này rồi thoát."),
    ("Show the version and exit.", "Hiện phiên bản rồi thoát."),
)
_TAGS = ((re.compile(r"\[default: "), "[mặc định: "), (re.compile(r"\[required\]"), "[bắt buộc]"),
         (re.compile(r"\[env var: "), "[biến môi trường: "),
         (re.compile(r"\[default\]"), "[mặc định]"))
_USAGE_ARGS = (("[OPTIONS]", "[TÙY_CHỌN]"), ("[COMMAND] [ARGS]...", "[LỆNH] [THAM_SỐ]..."),
               ("COMMAND [ARGS]...", "LỆNH [THAM_SỐ]..."))


def _row(text: str) -> str:
    for english, vietnamese in _ROW_TEXT:
        text = text.replace(english, vietnamese)
    for pattern, vietnamese in _TAGS:
        text = pattern.sub(vietnamese, text)
    return text


class VietnameseHelpFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """click's usage line, wrapped between words only: click breaks a word longer than
        the line (a status choice "{queued|received|processing|…}" came out "processin" /
        "g"), and nobody can type that back."""
        for english, vietnamese in _USAGE_ARGS:
            args = args.replace(english, vietnamese)
        prefix = "Cách dùng: " if prefix is None else prefix
        usage_prefix = f"{prefix:>{self.current_indent}}{prog} "
        if not args:
            self.write(usage_prefix.rstrip(" ") + "\n")
            return
        width = max(self.width - self.current_indent, len(usage_prefix) + 20)
        lines = textwrap.wrap(args, width, initial_indent=usage_prefix,
                              subsequent_indent=" " * len(usage_prefix),
                              break_long_words=False, break_on_hyphens=False)
        self.write("\n".join(lines) + "\n")

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        super().write_dl([(first, _row(second)) for first, second in rows], col_max,
                         col_spacing)


class VietnameseContext(click.Context):
    formatter_class = VietnameseHelpFormatter


def localize(commands: Iterable[click.Command]) -> None:
    """Give these commands, and the sub-commands of groups among them, the Vietnamese help."""
    for command in commands:
        command.context_class = VietnameseContext
        if isinstance(command, click.Group):
            localize(command.commands.values())
