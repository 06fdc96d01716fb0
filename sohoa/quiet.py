"""Third-party warnings that must not reach a desk clerk's terminal, silenced one by one.

Each entry names the warning's category, its message and the module it is attributed to, so a
new warning (or this one from anywhere else) still shows. Called by every entry point (the
``sohoa`` command, the HTTP app) before the libraries are imported; worker processes are forked
from those and inherit the filters.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from contextvars import ContextVar

# (category's module, category's name, message regex, module regex the warning is attributed to)
KNOWN: tuple[tuple[str, str, str, str], ...] = (
    # pyHanko imports cryptography's DSA key class to recognise DSA signers; cryptography 48+
    # deprecates DSA on import. sohoa never signs or accepts DSA: nothing to act on.
    ("cryptography.utils", "CryptographyDeprecationWarning", r"DSA is deprecated",
     r"pyhanko(\.|$)"),
)


# Libraries that log what sohoa already says in words: pyHanko logs a failed timestamp check
# (and its traceback) that `result add` then reports as "chữ ký số … không hợp lệ". With no
# logging set up (the `sohoa` command), Python prints such records on stderr; a NullHandler
# on their loggers stops that, and a process that sets up logging (a worker's log file) still
# receives them through the root logger.
LIBRARY_LOGGERS = ("pyhanko", "pyhanko_certvalidator")

_MUTED: ContextVar[bool] = ContextVar("sohoa_library_logs_muted", default=False)


class _MuteFilter(logging.Filter):
    """Drops a library's record made in a context that muted them (``library_logs_muted``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _MUTED.get()


_MUTE = _MuteFilter()


@contextlib.contextmanager
def library_logs_muted() -> Iterator[None]:
    """pyHanko's records (a damaged file's parse errors and tracebacks) dropped while the body
    runs, where sohoa says in words what they say: in this thread or asyncio task only.
    ``logging.disable`` did it for the whole process, muting every other thread of a server
    meanwhile, and two overlapping calls could leave logging off for good."""
    _install_mute()
    token = _MUTED.set(True)
    try:
        yield
    finally:
        _MUTED.reset(token)


def _install_mute() -> None:
    """The filter on every pyHanko logger made so far (a logger's filters see only its own
    records, not its children's): the modules a verification imports have made theirs by the
    time it runs, and one made later gets it at the next call."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.split(".")[0] in LIBRARY_LOGGERS \
                and _MUTE not in logger.filters:
            logger.addFilter(_MUTE)


def silence_known_warnings() -> None:
    import importlib

    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())

    for module_name, category_name, message, module in KNOWN:
        try:
            category = getattr(importlib.import_module(module_name), category_name)
        except (ImportError, AttributeError):
            continue
        warnings.filterwarnings("ignore", message=message, category=category, module=module)
