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

# What the machine said, in the words of the clerk who reads it: the OS's own sentence
# ("Read-only file system") is English. An errno not listed keeps the OS's sentence, after
# "lỗi của hệ điều hành".
_OS_SAID = {
    errno.ENOSPC: "hết chỗ trống trên đĩa",
    errno.EDQUOT: "hết hạn mức dung lượng đĩa của tài khoản",
    errno.EROFS: "ổ đĩa hoặc thư mục chỉ cho đọc, không cho ghi",
    errno.EIO: "lỗi đọc, ghi của ổ đĩa (ổ đĩa hoặc ổ mạng có thể đang hỏng)",
    errno.EACCES: "tài khoản chạy sohoa không có quyền đọc, ghi ở đây",
    errno.EPERM: "hệ điều hành không cho phép việc này (quyền hoặc thuộc tính của tệp)",
    errno.ENAMETOOLONG: "tên tệp hoặc đường dẫn quá dài",
    errno.ENOMEM: "máy hết bộ nhớ",
    errno.EMFILE: "chương trình đang mở quá nhiều tệp cùng lúc",
    errno.ENFILE: "máy đang mở quá nhiều tệp cùng lúc",
    errno.ENOENT: "không có tệp hoặc thư mục này (đã bị xóa, đổi tên hoặc chuyển đi)",
    errno.EEXIST: "đã có tệp trùng tên",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EISDIR: "đây là thư mục, không phải tệp",
    errno.ENOTEMPTY: "thư mục chưa trống",
    errno.EXDEV: "không chuyển tệp thẳng được sang ổ đĩa khác",
    errno.EBUSY: "tệp hoặc ổ đĩa đang bị chương trình khác dùng",
    errno.ETXTBSY: "tệp đang bị chương trình khác dùng",
    errno.ELOOP: "đường dẫn có liên kết tượng trưng (symlink) vòng quanh",
    errno.EFBIG: "tệp quá lớn",
    errno.ENOTCONN: "ổ mạng dùng chung đã mất kết nối",
    errno.ESTALE: "ổ mạng dùng chung đã mất kết nối (tệp trên máy chủ không còn như trước)",
    errno.EHOSTDOWN: "máy chủ chứa tệp không hoạt động",
    errno.EHOSTUNREACH: "không liên lạc được máy chủ chứa tệp",
    errno.ENETDOWN: "mạng của máy không hoạt động",
    errno.ENETUNREACH: "không liên lạc được qua mạng",
    errno.ETIMEDOUT: "hết thời gian chờ máy chủ trả lời",
    errno.ECONNRESET: "kết nối bị máy bên kia cắt ngang",
    errno.ECONNABORTED: "kết nối bị cắt ngang",
    errno.ECONNREFUSED: "máy bên kia từ chối kết nối (dịch vụ chưa chạy?)",
}


def os_said(exc: OSError) -> str:
    """Why an OSError happened, in Vietnamese (what every clerk-facing message says of one,
    not ``exc.strerror``); the path is the caller's to name."""
    said = _OS_SAID.get(exc.errno) if exc.errno is not None else None
    if said:
        return said
    return f"lỗi của hệ điều hành: {exc.strerror or exc}"


def said_of(exc: BaseException) -> str:
    """What went wrong, for a message a person reads: an OSError with an errno in Vietnamese
    (:func:`os_said`), anything else as the library put it (a tantivy or PIL message names
    what it could not parse)."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return os_said(exc)
    return str(exc)
