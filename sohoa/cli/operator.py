"""Operators: create a home, see the state of the archive and its quarantine."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any

import click
from rich.markup import escape

from sohoa.cli.output import counts_text, emit_json, out
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_moment
from sohoa.errors import EXIT_OK, EXIT_USAGE
from sohoa.vntext import nfc


@click.command()
@click.option("--unit", default="", metavar="MÃ",
              help="Mã đơn vị tiếp nhận, ghi vào sohoa.toml.")
@click.option("--agency", default="UBND tỉnh Đồng Nai", show_default=True, metavar="TÊN",
              help="Tên cơ quan, ghi vào sohoa.toml (và vào chứng thư của khóa ký số thử "
                   "nghiệm).")
@click.option("--no-dev-key", is_flag=True, help="Không tạo khóa ký số thử nghiệm.")
@click.option("--dev-pki", is_flag=True,
              help="Dựng quanh khóa thử nghiệm cả một hạ tầng khóa công khai (PKI) thử nghiệm "
                   "(CRL, OCSP, TSA do `sohoa dev-pki serve` phục vụ), để giấy tờ được ký ở mức "
                   "B-LTA.")
@click.option("--dev-pki-url", default="http://127.0.0.1:8739", show_default=True,
              metavar="URL",
              help="Địa chỉ `sohoa dev-pki serve` trả lời (ghi vào các chứng thư số).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def init(state: State, unit: str, agency: str, no_dev_key: bool, dev_pki: bool,
         dev_pki_url: str, as_json: bool) -> None:
    """Tạo thư mục kho (tệp cấu hình, nơi lưu trữ; một khóa ký số thử nghiệm, KHÔNG DÙNG CHO
    VẬN HÀNH THẬT)."""
    from sohoa.cli.options import acting_user
    from sohoa.pipeline.home import init_home
    from sohoa.pipeline.services import describe_backends

    result = init_home(state.settings.home, unit=unit, agency=agency, dev_key=not no_dev_key,
                       dev_pki_url=dev_pki_url if dev_pki else None, by=acting_user())
    if as_json:
        emit_json(result)
        return
    out.print(f"thư mục kho (home): {result['home']}")
    out.print(f"tệp cấu hình (config): {result['config']}"
              + ("" if result["config_written"] else " (giữ nguyên tệp đã có)"))
    for line in describe_backends(result):
        out.print(line)
    if result["dev_key_skipped"]:
        out.print(f"[yellow]khóa ký[/]: {result['dev_key_skipped']}", soft_wrap=True)
    if result["dev_signing_identity"]:
        out.print(f"[yellow]khóa ký thử nghiệm[/] {result['dev_signing_identity']}: chỉ để "
                  "dùng thử sohoa, KHÔNG DÙNG CHO VẬN HÀNH THẬT")
        if not result["embedded"]:
            out.print("[yellow]cụm máy[/]: mỗi máy xử lý (sohoa worker) cần khóa này trong "
                      "thư mục keys/ của thư mục kho của nó", soft_wrap=True)
        if result.get("dev_tsa_url"):
            out.print(f"signing.tsa_url = \"{result['dev_tsa_url']}\": giấy tờ được ký mức "
                      "B-LTA khi `sohoa dev-pki serve` đang chạy (CRL, OCSP và TSA của nó)",
                      soft_wrap=True)


@click.group("dev-pki")
def dev_pki() -> None:
    """CRL, dịch vụ OCSP và dịch vụ cấp dấu thời gian của CA thử nghiệm (KHÔNG DÙNG CHO VẬN
    HÀNH THẬT)."""


@dev_pki.command("serve")
@pass_state
def dev_pki_serve(state: State) -> None:
    """Trả lời các yêu cầu CRL, OCSP và dấu thời gian RFC 3161 cho khóa ký số thử nghiệm, cho
    đến khi bị dừng."""
    from sohoa.pipeline.home import serve_dev_pki

    url = serve_dev_pki(state.settings, started=lambda u: out.print(
        f"hạ tầng khóa thử nghiệm chạy tại {u}: CRL {u}/crl/root.crl, OCSP {u}/ocsp, "
        f"TSA {u}/tsa (Ctrl+C để dừng)", soft_wrap=True))
    out.print(f"đã dừng hạ tầng khóa thử nghiệm tại {url}")


@click.command()
@click.option("--check-signing", is_flag=True,
              help="Kiểm tra lại ký số ngay (mặc định dùng kết quả kiểm tra trong 5 phút "
                   "trước, để một vòng theo dõi không gửi yêu cầu tới máy chủ dấu thời gian "
                   "mỗi lần), kể cả đăng nhập token với mã PIN đã bị từ chối: chỉ chạy sau khi "
                   "đã sửa PIN, mỗi lần PIN sai đưa token gần hơn tới chỗ bị khóa.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def status(state: State, check_signing: bool, as_json: bool) -> None:
    """Các thành phần hạ tầng đang dùng và tình trạng từng thành phần; số giấy tờ, chủ sở hữu,
    hồ sơ, trang, số chờ rà soát và bị cách ly.

    Thành phần nào không trả lời thì ghi rõ lý do, các số liệu còn lại vẫn được in. Mã thoát:
    0 mọi thành phần trả lời, 2 có thành phần không trả lời."""
    from sohoa.pipeline.health import archive_status
    from sohoa.pipeline.services import backends, describe_backends, ocr_versions
    from sohoa.pipeline.signerstatus import config_problem, signing_readiness

    settings, signing_problem = state.settings_sparing_signing()
    found = archive_status(settings)
    down: dict[str, str] = found["down"]
    # needs_review counts documents recognition flagged; `sohoa review` also lists the ones
    # sampled for a check and those corrected in the previous round: say both.
    stats: dict[str, Any] = dict(found["stats"] or {})
    ocr = ocr_versions(settings)
    signing = (config_problem(settings, signing_problem) if signing_problem else
               signing_readiness(settings, **({"cache_s": 0} if check_signing else {})))
    queue = found["queue"]
    if as_json:
        emit_json({**stats, "review_waiting": found["review_waiting"],
                   "backends": backends(settings), "ocr": ocr, "signing": signing,
                   **({"queue": queue} if queue else {}), "unavailable": down})
        raise SystemExit(EXIT_USAGE if down else EXIT_OK)
    for line in describe_backends(backends(settings), down):
        out.print(line, soft_wrap=True)
    # "ocr:" kept after the Vietnamese: it is what a technician greps for
    out.print("nhận dạng chữ (ocr): " + ", ".join(f"{key} {value}" for key, value in ocr.items()),
              soft_wrap=True)
    out.print(_signing_line(signing), soft_wrap=True, markup=False)
    if found["stats"] is None:
        out.print("số liệu kho: không đọc được vì sổ mục lục (catalog) không trả lời")
    else:
        # One queue, one figure (tester12 F19: two review counts, neither said which was the
        # queue): what `sohoa review` lists, and how many of it recognition flagged.
        flagged = stats.pop("needs_review", None)
        waiting = found["review_waiting"]
        for key, value in stats.items():
            out.print(f"{STATUS_LABELS.get(key, key)}: {value}")
        if waiting is not None:
            out.print(f"{STATUS_LABELS['review_waiting']}: {waiting}"
                      f"{_review_parts(flagged, waiting)}")
    if queue:
        out.print(f"hàng đợi: {queue['workers']} tiến trình xử lý đang chạy")
        for name, counts in queue["queues"].items():
            out.print(f"  {name}: " + ", ".join(f"{v} {QUEUE_LABELS.get(k, k)}"
                                                for k, v in counts.items()))
        for job in queue["jobs"]:
            dossiers = job["dossiers"] if job["dossiers"] is not None else "?"
            said = JOB_STATUS_VI.get(job["status"], job["status"])
            out.print(f"  lô {job['job_id']} {said}: "
                      f"xong {job['pages_done']}/{job['pages']} trang, {job['pages_failed']} "
                      f"trang bị cách ly; đã lưu {job['dossiers_done']}/{dossiers} hồ sơ")
    if down:
        raise SystemExit(EXIT_USAGE)


def _signing_line(signing: dict[str, Any]) -> str:
    """"ký số: …": who signs, at which level, and whether it can sign now (the reason if not);
    "will be refused" only when that is known: not after a wait with no answer (ingest waits
    longer), not with a broker (the workers sign with their own keys)."""
    if signing.get("broker"):
        return ("ký số: ở các máy xử lý hàng đợi (sohoa worker), mỗi máy ký bằng khóa của nó; "
                "khóa ở máy này không dùng để ký nên không kiểm ở đây")
    who = (f"{signing['signer']}, mức {signing['level']}" if signing["signer"]
           else "cấu hình ký số sai" if signing.get("config_error") else "chưa có khóa")
    if signing["tsa"]:
        who += f", dịch vụ cấp dấu thời gian {signing['tsa']}"
    age = ""
    if signing.get("cached") and signing.get("checked_at"):
        checked = datetime.fromisoformat(signing["checked_at"]).timestamp()
        ago = max(0, int(time.time() - checked))
        age = (f" [kiểm tra {ago} giây trước; kiểm lại ngay: sohoa status --check-signing]")
    if signing["ready"]:
        return f"ký số: {who}: sẵn sàng{age}"
    why = str(signing["problem"]).rstrip(".")
    if signing["ready"] is None:
        wait = (" (lần nhận giấy tờ tới có thể phải chờ tới 30 giây, rồi bị từ chối nếu vẫn "
                "không trả lời)") if signing.get("no_answer") else ""
        return f"ký số: {who}: chưa rõ: {why}{wait}{age}"
    return (f"ký số: {who}: KHÔNG KÝ ĐƯỢC: {why} (nhận giấy tờ sẽ bị từ chối cho đến khi sửa "
            f"xong){age}")


def _review_parts(flagged: int | None, waiting: int) -> str:
    """What the review queue holds: papers recognition flagged, and papers drawn for a check
    or to be checked again after a correction."""
    if not waiting or flagged is None:
        return ""
    checks = waiting - flagged
    parts = [f"{flagged} cần kiểm tra (nhận dạng chưa chắc)" if flagged else "",
             f"{checks} chọn mẫu hoặc kiểm tra lại sau khi sửa" if checks > 0 else ""]
    return f" ({', '.join(p for p in parts if p)})"


# The Vietnamese a person reads for each count of `sohoa status` (--json keeps the keys).
STATUS_LABELS = {
    "documents": "giấy tờ đã lưu",
    "owners": "chủ sở hữu",
    "dossiers": "hồ sơ",
    "quarantined": "tệp bị cách ly",
    "pages": "trang",
    "needs_review": "giấy tờ cần kiểm tra (nhận dạng chưa chắc)",
    "search_pending": "giấy tờ chờ đưa vào chỉ mục tìm kiếm",
    "review_waiting": "giấy tờ đang chờ rà soát (sohoa review)",
}
QUEUE_LABELS = {
    "waiting": "đang chờ",
    "in_progress": "đang xử lý",
    "retrying": "chờ thử lại",
    "dead_lettered": "đã bỏ sau nhiều lần lỗi",
}


JOB_STATUSES = ("running", "finished", "failed", "interrupted")
JOB_STATUS_VI = {"running": "đang chạy", "finished": "xong", "failed": "đã dừng vì lỗi",
                 "interrupted": "bị gián đoạn"}
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?=\s|$)")


@click.command()
@click.option("--status", type=click.Choice(JOB_STATUSES), default=None,
              help="Chỉ các lượt nhận ở trạng thái này: running (đang chạy), finished (xong), "
                   "failed (đã dừng vì lỗi), interrupted (bị gián đoạn).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True,
              metavar="SỐ", help="Số lượt tối đa.")
@click.option("--json", "as_json", is_flag=True, help="Mỗi lượt một dòng JSON.")
@pass_state
def jobs(state: State, status: str | None, limit: int, as_json: bool) -> None:
    """Các lượt nhận hồ sơ gần đây, mới nhất trước: đang chạy, xong, đã dừng vì lỗi (lỗi của
    máy, kèm lý do) hoặc bị gián đoạn (tiến trình không còn: bị tắt, hoặc mất tín hiệu)."""
    from sohoa.pipeline.jobstate import recent_jobs

    rows = recent_jobs(state.settings, status=status, limit=limit)
    for job in rows:
        if as_json:
            emit_json(job)
            continue
        summary = job.get("summary") or {}
        counts = counts_text(summary) if any(summary.values()) else ""
        # reasons stored before the pipeline stripped the inner message's own period read
        # "…không.. Khắc phục"
        reason = _DOUBLE_STOP.sub(".", job.get("reason") or "")
        out.print(f"[bold]{job['job_id']}[/] {shown_moment(job['started_at'])} "
                  f"{JOB_STATUS_VI.get(job['status'], job['status'])}"
                  + (f" ({escape(counts)})" if counts else "")
                  + (f": {escape(reason)}" if reason else ""), soft_wrap=True)
    if not rows and not as_json:
        out.print("chưa có lô nào")


@click.group(invoke_without_command=True)
@click.option("--unit", metavar="MÃ",
              help="Chỉ những gì bị cách ly trong các lượt nhận của đơn vị này.")
@click.option("--user", envvar="SOHOA_USER", metavar="TÊN",
              help="Ai đang xem, để ghi nhật ký truy cập (mặc định: người dùng của hệ điều "
                   "hành; biến môi trường SOHOA_USER).")
@click.option("--json", "as_json", is_flag=True, help="Mỗi mục một dòng JSON.")
@click.pass_context
def quarantine(ctx: click.Context, unit: str | None, user: str | None, as_json: bool) -> None:
    """Các tệp và trang không dùng được (bị cách ly): mỗi thứ một lần, kèm lý do, thời điểm và
    nơi tệp đang nằm; sửa xong thì `quarantine retry ID --fixed`, không cần xử lý nữa thì
    `quarantine dismiss ID --reason …`."""
    if ctx.invoked_subcommand is not None:
        return
    from sohoa.pipeline.quarantine import listing

    state = ctx.find_object(State)
    assert state is not None
    from sohoa.pipeline.lookup import cli_caller

    # The names of citizens' papers: the read is logged under the person's name.
    rows = listing(state.settings, caller=cli_caller(state.settings, user), unit=unit)
    for row in rows:
        if as_json:
            emit_json(row)
            continue
        page = f" trang {row['page_index'] + 1}" if row.get("page_index") is not None else ""
        # shown as a person reads it (NFC, brackets not markup); --json keeps the real bytes
        where = escape(nfc(row["path"] or f"{row['source']} (tệp không còn ở đó)"))
        times = (f", {row['times']} lần từ {shown_moment(row['first_at'])}"
                 if row["times"] > 1 else "")
        unit_of = f", đơn vị {escape(row['unit'])}" if row.get("unit") and not unit else ""
        # the file there now is not the one quarantined (a fix put back, or a scanner's next
        # scan0001.pdf): said here, not only in --json's "changed"
        now = (" (tệp ở đó nay đã khác tệp bị cách ly: nếu là bản đã sửa, "
               f"sohoa quarantine retry {row['id']} --fixed)" if row.get("changed") else "")
        out.print(f"[bold]{row['id']}[/] {shown_moment(row['at'])}{times}"
                  f"{unit_of}: {where}{page}{escape(now)}: {escape(row['reason'])}",
                  soft_wrap=True)
    if not as_json:
        if rows:
            out.print("sau khi sửa tệp (đặt bản đã sửa vào đúng chỗ cũ): sohoa quarantine "
                      "retry ID --fixed; bỏ một mục: sohoa quarantine dismiss ID --reason …")
        else:
            out.print("không có tệp nào bị cách ly")


@quarantine.command("dismiss")
@click.argument("ids", nargs=-1, type=int, required=True, metavar="ID...")
@click.option("--reason", required=True, metavar="LÝ_DO",
              help="Vì sao không cần xử lý gì thêm (được ghi lại).")
@click.option("--by", "by", envvar="SOHOA_USER", metavar="TÊN",
              help="Ai thực hiện (biến môi trường SOHOA_USER; mặc định: người dùng của hệ điều "
                   "hành).")
@pass_state
def quarantine_dismiss(state: State, ids: tuple[int, ...], reason: str, by: str | None) -> None:
    """Gỡ các mục khỏi danh sách cách ly (mọi lần báo của cùng một tệp), kèm lý do."""
    from sohoa.cli.options import who
    from sohoa.pipeline.quarantine import dismiss

    done = dismiss(state.settings, list(ids), reason=reason, by=who(by))
    out.print(f"đã bỏ qua {done} mục")


@quarantine.command("retry")
@click.argument("ids", nargs=-1, type=int, required=True, metavar="ID...")
@click.option("--by", "by", envvar="SOHOA_USER", metavar="TÊN",
              help="Ai thực hiện (biến môi trường SOHOA_USER; mặc định: người dùng của hệ điều "
                   "hành).")
@click.option("--fixed", is_flag=True,
              help="Tệp đang ở chỗ cũ là bản đã sửa (hay đã quét lại) của đúng tệp bị cách ly: "
                   "nhận được trọn vẹn thì mục rời danh sách.")
@pass_state
def quarantine_retry(state: State, ids: tuple[int, ...], by: str | None, fixed: bool) -> None:
    """Nhận lại tệp của các mục này (từ nơi tệp đang nằm), ví dụ sau khi quét lại; mục nào mà
    đúng những byte đã bị cách ly nay đã được lưu thì rời danh sách. Một tệp khác ở cùng đường
    dẫn (bản đã sửa, bản quét lại, hay lần quét sau trùng tên) vẫn được nhận; mục đó chỉ rời
    danh sách khi có --fixed (bạn xác nhận đó là bản đã sửa của chính tệp ấy)."""
    from sohoa.cli.options import who
    from sohoa.cli.output import PageProgress, describe_event
    from sohoa.pipeline.quarantine import listing, retry
    from sohoa.pipeline.quarantinelist import CHANGED_CLI, changed_entries

    # said after the result (F11): first what became of the file, then how the entry leaves
    replaced = {} if fixed else changed_entries(listing(state.settings), list(ids))
    progress = PageProgress("đang nhận dạng")

    def show(event: dict) -> None:
        line, problem = describe_event(event)
        progress.print(line, error=problem)

    try:
        summary = retry(state.settings, list(ids), emit=show, progress=progress, by=who(by),
                        fixed=fixed)
    finally:
        progress.stop()
    gone = (f"{summary.disposed} đã bị tiêu hủy, không lưu lại, " if summary.disposed else "")
    out.print(f"{summary.stored} đã lưu, {summary.duplicates} đã lưu trước đây, {gone}"
              f"{summary.quarantined} lại bị cách ly")
    listed = {i for row in listing(state.settings) for i in row["ids"]}
    left = [i for i in ids if i in listed]
    if left:
        out.print("vẫn trong danh sách cách ly: " + ", ".join(map(str, left)))
        for entry, source in replaced.items():
            if entry in left:
                out.print(escape(f"{source}: {CHANGED_CLI.format(id=entry)}"), soft_wrap=True)
    else:
        out.print("đã gỡ khỏi danh sách cách ly: " + ", ".join(map(str, ids)))
    from sohoa.pipeline.outcomes import PROGRAM_ERRORS_LINE, ingest_exit_code

    if summary.program_errors:  # a bug: the clerk must not think the papers were bad
        out.print(PROGRAM_ERRORS_LINE.format(n=summary.program_errors))
    raise SystemExit(ingest_exit_code(summary))


@click.command()
@click.option("--processes", type=click.IntRange(min=1), default=1, show_default=True,
              metavar="SỐ",
              help="Số tiến trình xử lý (mỗi lõi CPU một tiến trình: nhận dạng chữ dùng hết "
                   "CPU).")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
              metavar="SỐ",
              help="Số luồng mỗi tiến trình (tăng lên chỉ có ích khi phải chờ kho lưu trữ ở "
                   "xa).")
@pass_state
def worker(state: State, processes: int, threads: int) -> None:
    """Chạy tiến trình xử lý hàng đợi: nhận dạng trang, ký số và lưu giấy tờ (cần có hàng đợi,
    broker).

    Chạy số tiến trình bằng số lõi CPU, trên bao nhiêu máy tùy nhu cầu; mỗi tiến trình lấy
    trang và hồ sơ từ hàng đợi ghi ở `broker` trong sohoa.toml (SOHOA_BROKER). Dừng bằng
    Ctrl-C hoặc SIGTERM: việc đang làm dở được làm xong, phần còn lại trả về hàng đợi. Tiến
    trình bị tắt ngang thì các tiến trình khác làm lại phần việc của nó sau
    queue.heartbeat_s giây."""
    from sohoa.errors import ConfigError
    from sohoa.pipeline.queue.workers import run_worker

    settings = state.settings
    if not settings.broker:
        raise ConfigError("chưa cấu hình hàng đợi (no broker configured): đặt broker = "
                          "\"redis://host:6379/0\" trong sohoa.toml (hoặc SOHOA_BROKER); không "
                          "có hàng đợi thì `sohoa ingest` tự xử lý ngay trong tiến trình")
    run_worker(settings, processes=processes, threads=threads)


COMMANDS = [dev_pki, init, status, jobs, quarantine, worker]
