"""Crash points for testing crash safety with a real process kill.

Production code calls :func:`point` at the places where a crash is most dangerous. Nothing
happens unless the environment variable names that point, in which case the process kills itself
with SIGKILL: no ``finally`` blocks, no atexit, exactly like a power cut or ``kill -9``.
"""

from __future__ import annotations

import os
import signal

ENV = "SOHOA_ARCHIVE_KILL_AT"


def point(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
