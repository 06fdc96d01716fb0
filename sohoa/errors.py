"""The error hierarchy. Every message says what happened and what the user can do about it.

Exit codes are part of the CLI contract:
  0  everything asked for was done
  1  an unexpected internal error (a bug: please report the traceback)
  2  usage, configuration or environment error (fix the command line or sohoa.toml, or the
     machine: a catalog locked or read-only, a full disk, a server that does not answer)
  3  some inputs were quarantined; everything else was stored
  4  verification failed (a signature, a checksum or the audit chain)
  5  nothing found (a lookup by id that matched nothing)
"""

from __future__ import annotations

import errno

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_QUARANTINED = 3
EXIT_VERIFY_FAILED = 4
EXIT_NOT_FOUND = 5


class SohoaError(Exception):
    """Base of every expected failure. ``str(err)`` is shown to the user as is."""

    exit_code = EXIT_INTERNAL


class ConfigError(SohoaError):
    """The configuration or the command line is wrong."""

    exit_code = EXIT_USAGE


class BadInputError(SohoaError):
    """An input file or page cannot be used; it goes to quarantine with this message as reason."""

    exit_code = EXIT_QUARANTINED


class NotFoundError(SohoaError):
    """A document, owner or file asked for by id does not exist."""

    exit_code = EXIT_NOT_FOUND


class DestroyedError(NotFoundError):
    """A document asked for by id was destroyed under an executed disposal decision: still
    "not found" (exit 5), but said as what happened, when and under which list, whose signed
    destruction record ``sohoa disposal record LIST`` gives. ``details`` is what --json shows."""

    def __init__(self, message: str, details: dict[str, object]) -> None:
        super().__init__(message)
        self.details = details


class VerificationError(SohoaError):
    """A signature, checksum or audit chain did not verify."""

    exit_code = EXIT_VERIFY_FAILED


class SigningError(SohoaError):
    """A document could not be signed (key, certificate or token problem)."""

    exit_code = EXIT_USAGE


class TokenLoginRefused(SigningError):
    """A PKCS#11 token refused the login: a wrong PIN, or a token already locked. A real token
    locks after a few wrong PINs, so nothing tries the same PIN again on its own."""


class StorageError(SohoaError):
    """The archive (catalog, blobs or index) could not be read or written.

    A problem of the machine, not of the input and not a bug: nothing half-done is kept, the
    job stops with the reason, and the same command finishes once the cause is gone."""

    exit_code = EXIT_USAGE


class StorageBusyError(StorageError):
    """The catalog stayed locked by another process past the wait: waiting longer (or running
    the same command again) helps; the page or document being written is not at fault."""


class WorkerDiedError(SohoaError):
    """A process the job depends on was killed from outside (the kernel's out-of-memory killer,
    an operator's ``kill -9``): the machine's doing, not the input's and not a bug. Nothing
    half-done is kept; the same command finishes the job once the machine has room again."""

    exit_code = EXIT_USAGE


class WorkflowError(SohoaError):
    """The records are not in a state that allows this action (a disposal list not yet
    approved, a record on legal hold); the message says what has to happen first."""

    exit_code = EXIT_USAGE


# errno values that say the machine is in the way, not the input and not sohoa: a full disk, a
# read-only or vanished share, no permission, no memory or file handles left. An OSError with one
# of them stops the job (exit 2, "run the same command again"), in `sohoa ingest` and in the hot
# folder alike; any other OSError that escapes a command is a bug (exit 1).
SHARE_GONE_ERRNOS = frozenset({errno.ENOTCONN, errno.ESTALE, errno.EHOSTDOWN, errno.EHOSTUNREACH,
                               errno.ENETDOWN, errno.ENETUNREACH, errno.ETIMEDOUT,
                               errno.ECONNRESET, errno.ECONNABORTED})
MACHINE_ERRNOS = SHARE_GONE_ERRNOS | frozenset({
    errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EACCES, errno.EPERM,
    errno.ENAMETOOLONG, errno.ENOMEM, errno.EMFILE, errno.ENFILE})
