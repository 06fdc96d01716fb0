"""click's own usage errors (a missing option, a value that is not a date, a mistyped command)
said in Vietnamese: they reach the clerk at the desk as often as sohoa's own errors do.

click words them through gettext with no Vietnamese catalogue; rather than ship a compiled .mo
for a few sentences, the English click produces is rewritten here, pattern by pattern. A
message no pattern knows is shown as click wrote it, after the Vietnamese framing (our own
click.UsageError messages are Vietnamese already and pass through unchanged).
"""

from __future__ import annotations

import re

import click

# (click's sentence as a pattern, the Vietnamese), tried in order on the whole message; the
# captured names, values and choices are kept as typed.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r) for p, r in (
        (r"^Missing option (.+?)\.?$", r"thiếu tùy chọn \1 (bắt buộc)"),
        (r"^Missing argument (.+?)\.?$", r"thiếu tham số \1 (bắt buộc)"),
        (r"^Missing parameter:? (.+?)\.?$", r"thiếu tham số \1 (bắt buộc)"),
        (r"^Missing command\.$", "thiếu tên lệnh con"),
        (r"^No such option:? (.+?)\.?$", r"không có tùy chọn \1"),
        (r"^No such command (.+?)\.$", r"không có lệnh \1"),
        (r"^Option (.+?) requires an argument\.$", r"tùy chọn \1 cần một giá trị đi kèm"),
        (r"^Option (.+?) requires (\d+) arguments\.$", r"tùy chọn \1 cần \2 giá trị đi kèm"),
        (r"^Option (.+?) does not take a value\.$", r"tùy chọn \1 không nhận giá trị"),
        (r"^Got unexpected extra arguments? \((.*)\)$", r"thừa tham số không cần: \1"),
        (r"^Invalid value for (.+?): (.*)$", r"giá trị không hợp lệ cho \1: \2"),
        (r"^Invalid value: (.*)$", r"giá trị không hợp lệ: \1"),
        (r"^(.+?) is not a valid integer(?: range)?\.$", r"\1 không phải số nguyên"),
        (r"^(.+?) is not a valid float(?: range)?\.$", r"\1 không phải số"),
        (r"^(.+?) is not a valid boolean\.$", r"\1 không phải có/không (true/false)"),
        (r"^(.+?) is not in the range (.+?)\.$", r"\1 nằm ngoài khoảng cho phép \2"),
        (r"^(.+?) is not one of (.+?)\.$", r"\1 không thuộc các lựa chọn \2"),
        (r"^(.+?) is not (.+?)\.$", r"\1 không phải \2"),
        (r"^(.+?) does not match the formats? (.+?)\.$", r"\1 không đúng dạng \2"),
        (r"^(?:File|Directory|Path) (.+?) does not exist\.$", r"không có \1"),
        (r"^(?:File|Directory|Path) (.+?) is a directory\.$", r"\1 là thư mục, cần một tệp"),
        (r"^(?:File|Directory|Path) (.+?) is a file\.$", r"\1 là tệp, cần một thư mục"),
        (r"^(?:File|Directory|Path) (.+?) is not readable\.$", r"không đọc được \1"),
        (r"^(?:File|Directory|Path) (.+?) is not writable\.$", r"không ghi được vào \1"),
        (r"^Could not open file (.+?): (.*)$", r"không mở được tệp \1: \2"),
    ))
# click's suggestions after a mistyped option or command
_SUGGESTIONS = (
    (re.compile(r"\s*Did you mean (.+?)\?$"), r" (có phải \1?)"),
    (re.compile(r"\s*\(Did you mean one of: (.+?)\?\)$"), r" (có phải một trong: \1?)"),
    (re.compile(r"\s*\(Possible options: (.+?)\)$"), r" (các tùy chọn gần giống: \1)"),
)


def translate(message: str) -> str:
    """click's English message in Vietnamese (as far as a pattern knows it)."""
    text = message.strip()
    tail = ""
    for pattern, said in _SUGGESTIONS:
        found = pattern.search(text)
        if found:
            tail = found.expand(said)
            text = text[:found.start()]
            break
    # a BadParameter's own message sits inside "Invalid value for …: …"; translate it too
    invalid = re.match(r"^(Invalid value(?: for .+?)?): (.*)$", text, re.S)
    if invalid:
        head = _translate_one(invalid.group(1) + ": x")[:-len(": x")]
        return f"{head}: {_translate_one(invalid.group(2))}{tail}"
    return _translate_one(text) + tail


def _translate_one(text: str) -> str:
    for pattern, said in _PATTERNS:
        found = pattern.match(text)
        if found:
            return found.expand(said)
    return text


def show(exc: click.ClickException) -> None:
    """Write a usage error for a person: click's usage line, the reason in Vietnamese and
    where to read the command's help."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        exc.show()  # a group named alone: its help is the answer, not an error
        return
    ctx = getattr(exc, "ctx", None)
    lines = []
    if ctx is not None:
        lines.append(ctx.get_usage().replace("Usage:", "Cách dùng:", 1)
                     .replace("[OPTIONS]", "[TÙY_CHỌN]").replace("COMMAND [ARGS]...",
                                                                 "LỆNH [THAM_SỐ]..."))
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(f"xem hướng dẫn: {ctx.command_path} -h")
    kind = "lỗi cách dùng" if isinstance(exc, click.UsageError) else "lỗi"
    lines.append(f"{kind}: {translate(exc.format_message())}")
    click.echo("\n".join(lines), err=True)
