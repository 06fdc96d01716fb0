"""Desk staff: feed scans in, see what was recognized and what needs a look."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from sohoa.cli import paths
from sohoa.cli.options import acting_user, unit_callback
from sohoa.cli.output import PageProgress, counts_text, describe_event, emit_json, err, out
from sohoa.cli.state import State, pass_state
from sohoa.cli.synthyear import WithYear
from sohoa.errors import EXIT_OK, EXIT_QUARANTINED
from sohoa.vntext import shown_number


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="TỆP_HOẶC_THƯ_MỤC...")
@click.option("--unit", default=None, metavar="MÃ", callback=unit_callback,
              help="Mã đơn vị tiếp nhận (mặc định: `unit` trong sohoa.toml).")
@click.option("--duplex", is_flag=True,
              help="Bản quét xen kẽ mặt trước, mặt sau (ghi vào nguồn gốc của từng trang).")
@click.option("--json", "as_json", is_flag=True, help="Mỗi giấy tờ một dòng JSON.")
@click.option("--no-wait", is_flag=True,
              help="Khi có hàng đợi (broker): xếp việc cho `sohoa worker` rồi trả về ngay "
                   "(theo dõi bằng `sohoa status`).")
@pass_state
def ingest(state: State, paths: tuple[Path, ...], unit: str | None, duplex: bool,
           as_json: bool, no_wait: bool) -> None:
    """Nhận hồ sơ đã quét (tệp PDF, TIFF, JPEG/PNG hoặc thư mục) vào kho.

    Khi cấu hình có hàng đợi (broker = "redis://…"), các trang được nhận dạng bởi các tiến
    trình `sohoa worker` trên bất kỳ máy nào; lệnh này hiện tiến độ cho đến khi xong.

    Mã thoát: 0 xong hết, 3 có trang hoặc tệp bị cách ly, 1 lỗi của chương trình sohoa."""
    from sohoa.pipeline.ingest import run_ingest

    progress = PageProgress("đang nhận dạng")

    def show(event: dict) -> None:
        if as_json:
            emit_json(event)
        else:
            line, problem = describe_event(event)
            progress.print(line, error=problem)

    try:
        summary = run_ingest(list(paths), state.settings, unit=unit, duplex=duplex, emit=show,
                             progress=progress, wait=not no_wait, by=acting_user())
    finally:
        progress.stop()
    if no_wait and state.settings.broker:
        queued = {"job_id": summary.job_id, "files": summary.files, "pages": summary.pages,
                  "quarantined": summary.quarantined, "queued": True}
        if as_json:
            emit_json(queued)
        else:
            out.print(f"công việc {summary.job_id}: {summary.pages} trang của {summary.files} "
                      f"tệp đã xếp hàng, {summary.quarantined} bị cách ly; theo dõi bằng "
                      "`sohoa status`")
        raise SystemExit(EXIT_QUARANTINED if summary.quarantined else EXIT_OK)
    line = counts_text(summary, summary.seconds)
    err.print(line) if as_json else out.print(line)
    if summary.search_problem:  # stored all the same: the index catches up (exit unchanged)
        err.print(f"[yellow]lưu ý:[/] {escape(summary.search_problem)}", soft_wrap=True)
    if not (summary.files or summary.known_files or summary.quarantined):
        # A clerk who pointed at the wrong (or an empty) folder must not read "0 tệp … đã
        # lưu" as all went well. Nothing failed either, so the exit stays 0.
        named = ", ".join(str(p) for p in paths)
        err.print(f"lưu ý: không có tệp nào để nhận trong {named}; kiểm tra lại đường dẫn "
                  "tới thư mục bản quét", soft_wrap=True)
    from sohoa.pipeline.outcomes import PROGRAM_ERRORS_LINE, ingest_exit_code

    if summary.program_errors:  # a bug: the clerk must not think the papers were bad
        err.print(PROGRAM_ERRORS_LINE.format(n=summary.program_errors))
    raise SystemExit(ingest_exit_code(summary))


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="TỆP...")
@click.option("-o", "--output", required=True, type=paths.OUTPUT_FILE,
              callback=paths.output_file, metavar="TỆP_PDF",
              help="Tệp PDF tìm kiếm được sẽ ghi ra.")
@click.option("--sidecar", type=paths.OUTPUT_FILE, metavar="TỆP_TXT",
              callback=paths.output_file,
              help="Ghi thêm văn bản nhận dạng được vào tệp này.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có (-o, --sidecar).")
@click.option("--jobs", type=int, default=None, metavar="SỐ",
              help="Số tiến trình nhận dạng (mặc định: mỗi lõi CPU một tiến trình).")
@click.option("--json", "as_json", is_flag=True, help="In bản tóm tắt dạng JSON.")
@pass_state
def ocr(state: State, inputs: tuple[Path, ...], output: Path, sidecar: Path | None,
        force: bool, jobs: int | None, as_json: bool) -> None:
    """Tạo một tệp PDF/A tìm kiếm được từ ảnh hoặc PDF (không ký số, không lưu vào kho).

    Mã thoát: 0 xong hết, 3 có tệp hay trang bị bỏ qua (các trang còn lại vẫn được ghi), 2 không
    có trang nào dùng được (hoặc lỗi cấu hình, lỗi của máy), 1 lỗi của chương trình sohoa."""
    from sohoa.pipeline.ocrjob import run_ocr

    # as `get` and `sign`: refused before minutes of OCR, not found replaced afterwards
    for written in (output, sidecar):
        if written is not None:
            paths.refuse_overwrite(written, force)
    progress = PageProgress("đang nhận dạng")
    try:
        result = run_ocr(list(inputs), output, state.settings, sidecar=sidecar, jobs=jobs,
                         progress=progress)
    finally:
        progress.stop()
    if as_json:
        emit_json(result)
    else:
        for q in result["quarantined"]:
            err.print(f"[red]bỏ qua[/] {q['source']}: {q['error']}")
        out.print(f"đã ghi {output}: {result['pages']} trang, độ tin cậy trung bình "
                  f"{shown_number(result['confidence'], 2)}, "
                  f"{shown_number(result['seconds'], 1)} giây")
    raise SystemExit(EXIT_QUARANTINED if result["quarantined"] else EXIT_OK)


@click.command(cls=WithYear)
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False), metavar="THƯ_MỤC",
                callback=paths.output_folder)
@click.option("--seed", type=int, default=1, show_default=True, metavar="SỐ",
              help="Hạt giống ngẫu nhiên: cùng số thì cùng một lô.")
@click.option("--dossiers", type=int, default=3, show_default=True, metavar="SỐ",
              help="Số hồ sơ trong lô.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "tiff-g4", "tiff-jpeg", "jpeg"]),
              default="pdf", show_default=True, help="Định dạng tệp như máy quét ghi ra.")
@click.option("--duplex", is_flag=True, help="Thêm mặt sau trắng, như máy quét hai mặt.")
@click.option("--severity", type=click.Choice(["clean", "light", "medium", "heavy", "mixed"]),
              default="light", show_default=True,
              help="Mức độ xấu của bản quét: clean (sạch) … heavy (nặng), mixed (lẫn lộn).")
@click.option("--dpi", type=int, default=200, show_default=True, metavar="DPI",
              help="Độ phân giải (điểm/inch).")
def synth(out_dir: Path, seed: int, dossiers: int, fmt: str, duplex: bool, severity: str,
          dpi: int) -> None:
    """Tạo một lô bản quét giả lập gồm các hồ sơ tiếng Việt (kèm truth.json); `sohoa synth
    year` thì tạo các sự kiện hồ sơ của một năm (xem `sohoa synth year --help`)."""
    from sohoa.synth import write_batch

    truth = write_batch(out_dir, seed, dossiers=dossiers, fmt=fmt, duplex=duplex,
                        severity=severity, dpi=dpi)
    docs = sum(len(d["documents"]) for d in truth["dossiers"])
    out.print(f"đã tạo {len(truth['files'])} tệp, {len(truth['pages'])} trang, "
              f"{len(truth['dossiers'])} hồ sơ, {docs} giấy tờ trong {out_dir}")


COMMANDS = [ingest, ocr, synth]
