"""Third-party warnings that must not reach a desk clerk's terminal, silenced one by one.

Each entry names the warning's category, its message and the module it is attributed to, so a
new warning (or this one from anywhere else) still shows. Called by every entry point (the
``sohoa`` command, the HTTP app) before the libraries are imported; worker processes are forked
from those and inherit the filters.
"""

from __future__ import annotations

import logging
import warnings

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
