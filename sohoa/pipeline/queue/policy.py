"""When a queued message gives up: dramatiq middleware, not try/except in the actors.

Two ways a message can fail to finish, one answer for both: it is handed to the ``give_up``
actor, which puts what it held in quarantine with the reason (or marks the job failed), so the
job still ends instead of waiting on dramatiq's dead letters forever.

- It raises. dramatiq's ``Retries`` retries it with backoff; on its last attempt Retries sends
  it to ``give_up`` (the actors' ``on_retry_exhausted`` option). This middleware keeps the
  reason of every failed attempt on the message, where ``give_up`` reads it.
- It kills its worker (a crash in a library, the OOM killer): it never raises, so no retry
  counts it and Redis would hand it to the next worker forever. So each taking of a counted
  message is counted on the job board (retries and redeliveries keep the message id); one taken
  more often than its attempts allow (``queue.max_retries`` + 1) is sent to ``give_up`` and
  skipped (acknowledged) when a worker takes it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dramatiq import Broker, Middleware
from dramatiq.middleware import SkipMessage, TimeLimitExceeded

from sohoa.errors import EXIT_USAGE, SigningError, SohoaError, StorageError, WorkflowError
from sohoa.pipeline.jobboard import JobBoard
from sohoa.pipeline.stages import is_program_error
from sohoa.vntext import clipped

GIVE_UP = "sohoa.give_up"
# message option: why its last attempt failed (read by give_up)
REASON = "sohoa_reason"
# message option: its last attempt failed on the machine, not on what the message holds: the
# cause ("storage": the catalog locked or unreachable, a full disk, a store gone, StorageError;
# "signing": no usable signing key on this worker, SigningError; "config": any other
# environment error, exit 2, such as a stamp font without Vietnamese letters, ConfigError),
# else False
MACHINE = "sohoa_machine"
# message option: the type of the exception its last attempt failed on when that is an error
# in sohoa's own code (stages.is_program_error), else False: give_up words the reason so
MESSAGE_BUG = "sohoa_bug"
# what the clerk is told stopped the job, per cause
MACHINE_CAUSES = {"storage": "kho lưu trữ không dùng được",
                  "signing": "khóa ký số trên máy xử lý không dùng được",
                  "config": "cấu hình hoặc môi trường của máy xử lý có lỗi"}


def machine_cause(exc: BaseException) -> str | bool:
    """What on the machine an attempt failed on, or False when it may be the message's
    contents. Every environment error (exit 2) is the machine's, the rule
    ``jobstate.mark_stopped`` follows: a worker's configuration problem must never put
    citizens' pages in quarantine as bad input. A WorkflowError (also exit 2) is about the
    records, not the machine: a page whose analysis is gone from the stage cache, a file that
    changed while read; its pages are set aside with the reason and the job goes on."""
    if isinstance(exc, SigningError):
        return "signing"
    if isinstance(exc, StorageError):
        return "storage"
    if (isinstance(exc, SohoaError) and exc.exit_code == EXIT_USAGE
            and not isinstance(exc, WorkflowError)):
        return "config"
    return False


# how long a reason kept on a message may be (it travels with the message through Redis, and the
# quarantine list and the job's reason show it on one line)
REASON_CHARS = 300


def describe(exc: BaseException) -> str:
    """One line that says why an attempt failed, for the quarantine reason: cut, if it must be,
    at a word with "…" (sohoa's own reasons say what to do first, the library's words last)."""
    if isinstance(exc, TimeLimitExceeded):
        return "xử lý quá thời hạn cho phép (queue.time_limit_s)"
    text = str(exc).strip() or type(exc).__name__
    return clipped(text.splitlines()[0], REASON_CHARS)


def stopped_reason(stopped: int, what: str) -> str:
    return (f"tiến trình xử lý đã dừng {stopped} lần khi đang làm {_WHAT.get(what, what)} này mà "
            "không trả lời (bị lỗi, hết bộ nhớ hoặc bị tắt); để riêng ra để phần còn lại của "
            "lô được làm xong. Kiểm tra nhật ký và bộ nhớ của các máy xử lý trước khi quét lại")


_WHAT = {"page": "trang", "dossier": "hồ sơ", "job": "lô"}


class GiveUpPolicy(Middleware):
    """``counted``: actor name → what its message holds ("page", "dossier"): the messages
    whose takings are counted. Their first argument is the job id."""

    def __init__(self, board: JobBoard, counted: Mapping[str, str]) -> None:
        self.board = board
        self.counted = dict(counted)

    def after_process_message(self, broker: Broker, message: Any, *, result: Any = None,
                              exception: BaseException | None = None) -> None:
        # Runs before Retries' own hook (dramatiq calls after-hooks in reverse order, and this
        # middleware is added last), so the reason is on the message Retries hands to give_up.
        if exception is not None:
            message.options[REASON] = describe(exception)
            message.options[MACHINE] = machine_cause(exception)
            message.options[MESSAGE_BUG] = (type(exception).__name__
                                            if is_program_error(exception) else False)

    def before_process_message(self, broker: Broker, message: Any) -> None:
        what = self.counted.get(message.actor_name)
        if what is None:
            return
        taken = self.board.attempt(message.args[0], message.message_id)
        retries = int(message.options.get("retries", 0))
        actor = broker.get_actor(message.actor_name)
        allowed = int(message.options.get("max_retries", actor.options.get("max_retries", 0)))
        if taken <= allowed + 1:
            return
        data = message.asdict()
        data["options"] = {**data["options"],
                           REASON: stopped_reason(taken - 1 - retries, what)}
        broker.get_actor(GIVE_UP).send(data, {"retries": retries, "max_retries": allowed})
        raise SkipMessage(f"taken {taken} times: sent to {GIVE_UP}")
