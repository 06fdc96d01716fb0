"""What sohoa says while it runs reaches clerks, reviewers, archivists and operators in
Vietnamese: every string literal given to an error of the SohoaError hierarchy (``str(err)`` is
what the CLI prints after "lỗi:", what the web page and the job board show), to the CLI's
output (``out.print``, ``err.print``, ``click.echo``, a progress label, a table), to a review
or quarantine reason, to an access-log purpose, and to ``log.warning``/``log.error`` outside the
worker's and web server's modules. Found by parsing sohoa/ with ``ast``, not by a hand list, so
a new English message fails here the day it is written. Checked from the words English prose
cannot do without (the idea of tests/cli/test_cli_help.py), and from the letters only
Vietnamese has (sohoa/api/web/messages.py's)."""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SOHOA = Path(__file__).resolve().parent.parent / "sohoa"

# Words no Vietnamese sentence needs but English prose cannot do without (the idea of
# tests/cli/test_cli_help.py and sohoa/api/web/messages.py). Not in it: words that are also
# Vietnamese without diacritics ("to", "in", "do", "an", "no", "con", "ban", "cho", "tin").
ENGLISH = re.compile(
    r"\b(the|and|of|with|from|this|these|those|each|files?|default|when|for|into|then|one|"
    r"page|folder|write|print|only|is|are|or|not|by|on|at|as|its?|be|if|all|that|which|was|"
    r"were|has|have|had|who|why|what|where|how|per|e\.g|list|show|cannot|could|can|may|must|"
    r"should|will|would|failed|missing|invalid|unknown|found|please|check|run|needs?|does|did|"
    r"use|give|set|there|than|but|after|before|already|none|expected|got|no longer|"
    r"document|dossier|owner|signature|signed|certificate|key|found|nothing|"
    r"error|again|first|least|more|less|out|yet|some|any|other|same|like|here|try|appears?|"
    r"twice|too|large|because|while|without|between|instead|also|your|you|we|our|they|their|"
    r"them|make|need|still|keep|stored|kept|read|written|done|wrong|please|sure|about)\b",
    re.IGNORECASE)

# Letters only Vietnamese uses (sohoa/api/web/messages.py's idea): a sentence without one is
# not Vietnamese.
VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯà-ỹÀ-Ỹ]")

# What is not prose, and so may be English: `code`, 'quoted' and «quoted» literals, "quoted"
# names, option names, {placeholders} of an f-string, `sohoa <command>` lines, config keys
# (a.b, a_b), paths and file names, UPPER_CASE names, %-formats, rich markup ([red]) and
# parameters (owner=).
NOT_PROSE = re.compile(
    r"`[^`]*`|(?<!\w)'[^'\n]*'(?!\w)|«[^»]*»|“[^”]*”|\"[^\"\n]*\"|\{[^}]*\}|--?[A-Za-z][\w-]*(=[\w=-]+)?"
    r"|\bsohoa(?: [a-z][a-z-]*)+|\b[\w-]+(?:[._/][\w*-]+)+\b|\b[A-Z][A-Z0-9_/-]+\b|%\w"
    r"|\[/?[a-z ]*\]|\b[\w.]+=|\b[\w-]+/|\b(?:make|apt-get) [a-z][\w-]*")


# Calls whose text is shown to a person: by the callee's name (a Name or an attribute), and
# which arguments are text (None: all of them; reason(key, why): the why; Quarantined(source,
# reason, …): the reason; log_access(caller, action, purpose, …): the purpose).
OUTPUT_CALLS: dict[str, tuple[int, ...] | None] = {
    "echo": None, "secho": None, "confirm": None, "prompt": None, "PageProgress": None,
    "progress_bar": None, "reason": (1,), "failure_reason": (1,), "Quarantined": (1,),
    "log_access": (2,),  # the purpose, read back in a citizen's access history
    "Table": None, "add_column": None, "add_row": None}  # rich tables: headings and cells
# `log.warning(…)` and worse: with no logging set up (the `sohoa` command sets none), Python
# prints them on stderr, the clerk's terminal ("sync: …" during `sohoa ingest`).
LOG_CALLS = {"warning", "error", "critical", "exception"}
LOGGERS = {"log", "logger", "logging"}
# Modules whose log lines go only to an operator's log file, never to a clerk's terminal.
LOG_FILES_ONLY = {
    "sohoa/pipeline/queue/actors.py": "runs in `sohoa worker`, which logs to its own stream "
                                      "(workers.py basicConfig) for the operator",
    "sohoa/pipeline/queue/workers.py": "the `sohoa worker` supervisor: the operator's log",
    "sohoa/api/web/routes.py": "the web server's log (uvicorn's); the page shows message_for",
    "sohoa/pipeline/operatordesk.py": "its log line is the web server's (a retry from the page)",
}
# dict literals whose value under these keys is shown as is (the ingest events' "warning" and
# "error", a job's "reason")
SHOWN_KEYS = {"warning", "error", "reason", "message"}
# `<console>.print(...)`: the CLI's rich consoles and the progress bar's line for people
PRINTERS = {"out", "err", "progress", "bar", "console"}


# English that stays, each with why: (file, the message's text) → why.
EXEMPT: dict[tuple[str, str], str] = {
    ("sohoa/cli/main.py", "lỗi bên trong chương trình (internal error): đây là lỗi của sohoa; "
                          "hãy gửi đoạn thông báo ở trên cho bộ phận kỹ thuật"):
        "'internal error' is kept beside the Vietnamese: the words a technician searches for",
}


@dataclass(frozen=True)
class Message:
    where: str  # "sohoa/cli/review.py:42"
    text: str   # the literal's constant parts, "{}" for each interpolated value

    def english(self) -> list[str]:
        prose = NOT_PROSE.sub(" ", self.text)
        words = ENGLISH.findall(prose)
        if words or VIETNAMESE.search(prose):
            return words
        # no Vietnamese letter at all: two words of prose are English ("event refused")
        words = re.findall(r"\b[A-Za-z]{3,}\b", prose)
        return words if len(words) >= 2 else []


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """SohoaError and every class, anywhere in sohoa/, that derives from it (by name)."""
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    b.id if isinstance(b, ast.Name) else b.attr
                    for b in node.bases if isinstance(b, ast.Name | ast.Attribute))
    errors = {"SohoaError"}
    while True:
        more = {name for name, parents in bases.items() if parents & errors} - errors
        if not more:
            return errors
        errors |= more


def _constants(tree: ast.Module) -> dict[str, str]:
    """A module's top-level ``NAME = "text"``: messages are often built from them."""
    found: dict[str, str] = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            texts = list(_texts(node.value, found))
            if len(texts) == 1:
                found[node.targets[0].id] = texts[0]
    return found


def _wordings(tree: ast.Module) -> dict[str, list[ast.expr]]:
    """What a module's own functions return: ``raise XError(_unknown_field(…))`` shows it."""
    return {node.name: [r.value for r in ast.walk(node)
                        if isinstance(r, ast.Return) and r.value is not None]
            for node in tree.body if isinstance(node, ast.FunctionDef)}


def _texts(node: ast.AST, constants: dict[str, str]) -> Iterator[str]:
    """The literal text an argument holds: a string, an f-string's constant parts, both
    sides of `+` and of `a if c else b`, the template of `"…".format(…)` and `"…" % …`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield "".join(v.value if isinstance(v, ast.Constant)
                      else constants.get(v.value.id, "{}")
                      if isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name)
                      else "{}" for v in node.values)
    elif isinstance(node, ast.Name) and node.id in constants:
        yield constants[node.id]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        # a side that is not text ("…: " + "; ".join(problems)) is a value: "{}"
        lefts, rights = list(_texts(node.left, constants)), list(_texts(node.right, constants))
        if lefts or rights:
            for left in lefts or ["{}"]:
                for right in rights or ["{}"]:
                    yield left + right
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        yield from _texts(node.left, constants)
    elif isinstance(node, ast.IfExp):
        yield from _texts(node.body, constants)
        yield from _texts(node.orelse, constants)
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
          and node.func.attr == "format"):
        yield from _texts(node.func.value, constants)


def _callee(call: ast.Call) -> tuple[str, str]:
    """(the name called, the name of the object it is called on, or "")."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id, ""
    if isinstance(func, ast.Attribute):
        owner = func.value
        while isinstance(owner, ast.Attribute):
            owner = owner.value if owner.attr != "console" else ast.Name("console")
        return func.attr, owner.id if isinstance(owner, ast.Name) else ""
    return "", ""


def messages() -> Iterator[Message]:
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path))
             for path in sorted(SOHOA.rglob("*.py"))}
    errors = _error_classes(trees)
    for path, tree in trees.items():
        where = path.relative_to(SOHOA.parent).as_posix()
        constants = _constants(tree)
        wordings = _wordings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value in SHOWN_KEYS:
                        for text in _texts(value, constants):
                            yield Message(f"{where}:{node.lineno}", text)
            if not isinstance(node, ast.Call):
                continue
            name, owner = _callee(node)
            if name in OUTPUT_CALLS and OUTPUT_CALLS[name] is not None:
                args = [a for i, a in enumerate(node.args) if i in OUTPUT_CALLS[name]]
            elif (name in errors or name in OUTPUT_CALLS
                  or (name == "print" and (owner in PRINTERS or owner == ""))):
                args = list(node.args)
            elif name in LOG_CALLS and owner in LOGGERS and where not in LOG_FILES_ONLY:
                args = node.args[:1]  # the format; its %s are values
            else:
                continue
            args += [k.value for k in node.keywords
                     if k.arg in ("message", "reason", "label", "text", "why")]
            for arg in list(args):
                if (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name)
                        and arg.func.id in wordings):
                    args += wordings.pop(arg.func.id)  # once: a wording may call itself
            for arg in args:
                for text in _texts(arg, constants):
                    yield Message(f"{where}:{node.lineno}", text)


ALL = list(messages())


def test_the_walk_finds_the_messages() -> None:
    """The walk reaches every kind of place (not a hand list of files)."""
    places = {m.where.split(":")[0] for m in ALL}
    assert len(ALL) > 500, len(ALL)
    for path in ("sohoa/cli/main.py", "sohoa/pipeline/review.py", "sohoa/archive/catalog.py",
                 "sohoa/signing/signer.py", "sohoa/api/web/officer.py"):
        assert path in places, path


def test_every_message_is_vietnamese() -> None:
    english = [f"{m.where}: {m.text!r} {sorted(set(w.lower() for w in m.english()))}"
               for m in ALL if m.english() and (m.where.split(":")[0], m.text) not in EXEMPT]
    assert not english, "\n".join(english)


def test_every_exemption_is_still_there() -> None:
    """An exemption whose message was translated or reworded goes from the list."""
    found = {(m.where.split(":")[0], m.text) for m in ALL}
    assert not set(EXEMPT) - found, set(EXEMPT) - found


def test_every_message_is_nfc() -> None:
    bad = [m.where for m in ALL if not unicodedata.is_normalized("NFC", m.text)]
    assert not bad, bad


@pytest.mark.parametrize("text", [
    "the signing certificate has been revoked",
    "Check the paper; if it really prints this, use --force",
    "document {} not found",
    "sync %s: event %s refused: %s",  # no function word, but no Vietnamese letter either
])
def test_english_is_caught(text: str) -> None:
    assert Message("x", text).english(), text


@pytest.mark.parametrize("text", [
    "không tìm thấy tài liệu {}: kiểm tra lại mã (sohoa show {})",
    "tệp `sohoa.toml` thiếu khóa signing.trust_roots; chạy `sohoa init` rồi thử lại",
    "chứng thư số của «Lê Văn Tâm» đã bị thu hồi (OCSP: revoked)",
    "thiếu hồ sơ màu CMYK {} (gói libgs-common): chạy lại make install",
])
def test_vietnamese_passes(text: str) -> None:
    assert not Message("x", text).english(), text
