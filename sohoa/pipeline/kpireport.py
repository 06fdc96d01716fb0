"""The KPI report as people read it: a self-contained HTML page and a signed PDF/A, with the
monthly trends drawn by matplotlib (Agg backend: no display, no network, fonts bundled with
matplotlib — DejaVu Sans has the Vietnamese letters).
"""

from __future__ import annotations

import base64
import html
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sohoa.clock import VIETNAM as VN
from sohoa.errors import ConfigError
from sohoa.pdf import qrmark
from sohoa.pdf.textpdf import TextDocument
from sohoa.pipeline.kpi import KpiReport
from sohoa.pipeline.services import make_signer
from sohoa.pipeline.settings import Settings
from sohoa.vntext import shown_number, shown_percent

SHORT = {"ORIGINAL_RESULT_AVAILABLE": "Kết quả điện tử",
         "SO_HOA_GIAY_TO_GIAI_QUYET": "Số hóa hồ sơ",
         "REUSED_DIGITIZED_DATA": "Tái sử dụng dữ liệu số hóa",
         "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": "Kết nối kho dữ liệu công dân",
         "ELECTRONIC_CERTIFIED_COPY": "Chứng thực bản sao điện tử",
         "DOSSIER_SYNCED": "Đồng bộ Cổng DVCQG"}
EXPLAIN_SHOWN = 50
EXPLAIN_INLINE = 20_000  # up to this many dossiers, the HTML lists the ones behind each figure


_pct = shown_percent
_num = shown_number


def charts(report: KpiReport) -> dict[str, bytes]:
    """PNG charts: dossiers received per month, and the monthly ratios against the targets."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter

    months = [row["month"] for row in report.trend]
    labels = [f"{m[5:]}/{m[:4]}" for m in months]
    out: dict[str, bytes] = {}

    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=120)
    ax.bar(labels, [row["received"] for row in report.trend], color="#2f6f9f")
    ax.set_title("Số hồ sơ tiếp nhận theo tháng")
    ax.set_ylabel("hồ sơ")
    count_axis(ax.yaxis)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    fig.tight_layout()
    out["received"] = _png(fig)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=120)
    targets = {c.indicator.code: c.target for c in report.overall}
    colours = {"SO_HOA_GIAY_TO_GIAI_QUYET": "#2f6f9f", "REUSED_DIGITIZED_DATA": "#d0771e",
               "ORIGINAL_RESULT_AVAILABLE": "#3c8d40",
               "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": "#8e44ad", "DOSSIER_SYNCED": "#7f8c8d"}
    for code, colour in colours.items():
        values = [row.get(code) for row in report.trend]
        if all(v is None for v in values) or code not in targets:
            continue
        ax.plot(labels, [v * 100 if v is not None else float("nan") for v in values],
                marker="o", color=colour, label=SHORT[code])
        if targets[code] is not None:
            ax.axhline(targets[code], color=colour, linestyle="--", linewidth=0.8)
    ax.set_ylim(0, 105)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: shown_number(v, 1, trim=True) + "%"))
    ax.set_title("Tỷ lệ theo tháng (đường đứt nét: chỉ tiêu kế hoạch)")
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    if ax.get_legend_handles_labels()[0]:  # a period with no dossiers draws no line
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    out["ratios"] = _png(fig)
    plt.close(fig)
    return out


def count_axis(axis: Any) -> None:
    """An axis of whole dossiers: ticks on whole numbers only (matplotlib's default puts them
    at 0.5, 1.0 … for a month of 3 dossiers) and written as Vietnamese writes numbers."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    axis.set_major_formatter(FuncFormatter(lambda v, _: shown_number(v, 0)))


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="white")
    return buf.getvalue()


def _level_name(data: dict[str, Any], code: str | None) -> str:
    """A unit's level as people read it ("cấp tỉnh", not the units.toml code "tinh")."""
    names = {lv["level"]: lv["name"] for lv in data.get("levels") or []}
    return names.get(code, code) if code else "—"


def _scope_text(report: KpiReport) -> str:
    scope = report.scope
    if scope.get("unit"):
        return f"đơn vị {scope['unit']}"
    if scope.get("level"):
        return f"cấp {scope['level']}"
    return "toàn tỉnh"


def render_html(report: KpiReport, *, agency: str,
                members: dict[str, dict[str, Any]] | None = None) -> str:
    data = report.to_json()
    images = charts(report)
    e = html.escape
    period = data["period"]
    rows = []
    for ind in data["indicators"]:
        rows.append(
            f"<tr><td><a href='#explain-{e(ind['code'])}'>{e(ind['code'])}</a></td>"
            f"<td>{e(ind['name'])}</td><td class=n>{_num(ind['numerator'])}</td>"
            f"<td class=n>{_num(ind['denominator'])}</td><td class=n>{_pct(ind['ratio'])}</td>"
            f"<td class=n>{_num(ind['points'], 2)} / {_num(ind['max_points'])}</td>"
            f"<td class=n>{'—' if ind['target'] is None else _num(ind['target']) + '%'}</td>"
            "</tr>")
    unit_rows = []
    for u in data["units"]:
        ratios = {i["code"]: i for i in u["indicators"]}
        unit_rows.append(
            f"<tr><td>{e(u['unit'])}</td><td>{e(u['name'])}</td>"
            f"<td>{e(_level_name(data, u['level']))}</td>"
            f"<td class=n>{_num(u['received'])}</td><td class=n>{_num(u['staff'])}</td>"
            f"<td class=n>{_num(u['productivity'], 1)}"
            f" / {_num(u['productivity_target'])}</td>"
            + "".join(f"<td class=n>{_pct(ratios[c]['ratio'])}</td>"
                      for c in ("SO_HOA_GIAY_TO_GIAI_QUYET", "REUSED_DIGITIZED_DATA",
                                "ORIGINAL_RESULT_AVAILABLE") if c in ratios)
            + "</tr>")
    level_rows = [
        f"<tr><td>{e(lv['name'])}{' (cũ)' if lv['historic'] else ''}</td>"
        f"<td class=n>{lv['units']}</td><td class=n>{_num(lv['received'])}</td>"
        f"<td class=n>{_num(lv['productivity'], 1)} / {_num(lv['productivity_target'])}</td>"
        + "".join(f"<td class=n>{_pct(i['ratio'])} (chỉ tiêu "
                  f"{'—' if i['target'] is None else _num(i['target']) + '%'})</td>"
                  for i in lv["indicators"] if i["code"] in (
                      "SO_HOA_GIAY_TO_GIAI_QUYET", "REUSED_DIGITIZED_DATA"))
        + "</tr>" for lv in data["levels"]]
    explains = []
    for ind in data["indicators"]:
        listing = (members or {}).get(ind["code"])
        if listing is None:
            text = (f"sohoa report kpi --from {e(period['from'])} --to {e(period['to'])} "
                    f"--explain {e(ind['code'])}")
            body = f"<p>Danh sách hồ sơ: <code>{text}</code></p>"
        else:
            missing = [x["id"] for x in listing["items"] if not x["counted"]]
            shown = ", ".join(e(x) for x in missing[:EXPLAIN_SHOWN]) or "không có"
            more = (f" … và {len(missing) - EXPLAIN_SHOWN} mục khác (--explain "
                    f"{e(ind['code'])})" if len(missing) > EXPLAIN_SHOWN else "")
            body = f"<p>Chưa đạt: {shown}{more}</p>"
        explains.append(
            f"<details id='explain-{e(ind['code'])}'><summary>{e(ind['code'])}: "
            f"{_num(ind['numerator'])}/{_num(ind['denominator'])}</summary>{body}</details>")
    t = data["times"]
    images_html = "".join(
        f"<figure><img alt='{e(alt)}' src='data:image/png;base64,"
        f"{base64.b64encode(png).decode()}'></figure>"
        for alt, png in (("Số hồ sơ tiếp nhận theo tháng", images["received"]),
                         ("Tỷ lệ theo tháng", images["ratios"])))
    made = datetime.now(UTC).astimezone(VN).strftime("%d/%m/%Y %H:%M")
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Báo cáo chỉ số số hóa {_d(period['from'])} – {_d(period['to'])}</title>
<style>
body{{font-family:"DejaVu Sans","Liberation Sans",sans-serif;margin:1.5rem;color:#222;
max-width:70rem}}
table{{border-collapse:collapse;margin:.5rem 0 1.2rem;width:100%;font-size:.9rem}}
td,th{{border:1px solid #bbb;padding:.25rem .4rem;text-align:left}}
td.n{{text-align:right;white-space:nowrap}} th{{background:#eef3f7}}
img{{max-width:100%}} figure{{margin:0 0 1rem}} .note{{color:#555;font-size:.85rem}}
</style></head><body>
<p>{e(agency.upper())}</p>
<h1>Báo cáo chỉ số số hóa hồ sơ, kết quả giải quyết TTHC</h1>
<p>Kỳ báo cáo: {_d(period['from'])} – {_d(period['to'])} ({period['days']} ngày);
phạm vi: {e(_scope_text(report))}. Lập lúc {made}.</p>
<h2>1. Nhóm chỉ số số hóa hồ sơ (QĐ 766/QĐ-TTg)</h2>
<table><tr><th>Mã</th><th>Chỉ số</th><th>Tử số</th><th>Mẫu số</th><th>Tỷ lệ</th>
<th>Điểm</th><th>Chỉ tiêu KH 5755</th></tr>{''.join(rows)}</table>
<h2>2. Theo cấp</h2>
<table><tr><th>Cấp</th><th>Đơn vị</th><th>Hồ sơ tiếp nhận</th>
<th>Hồ sơ/người/năm (chỉ tiêu)</th><th>Số hóa</th><th>Tái sử dụng</th></tr>
{''.join(level_rows)}</table>
<h2>3. Theo đơn vị</h2>
<table><tr><th>Mã</th><th>Đơn vị</th><th>Cấp</th><th>Hồ sơ</th><th>Cán bộ</th>
<th>Hồ sơ/người/năm (chỉ tiêu)</th><th>Số hóa</th><th>Tái sử dụng</th>
<th>Kết quả điện tử</th></tr>{''.join(unit_rows)}</table>
<h2>4. Thời gian</h2>
<p>Thời gian chờ trung bình: {_num(t['waiting_minutes_mean'], 1)} phút
({_num(t['waiting_measured'])} lượt có dữ liệu; chỉ tiêu ≤
{_num(t['waiting_target_minutes'])} phút). Thời gian giải quyết trung bình:
{_num(t['processing_days_mean'], 2)} ngày; đúng hạn: {_pct(t['on_time_ratio'])}
({_num(t['on_time'])}/{_num(t['resolved'])} hồ sơ đã giải quyết).</p>
<h2>5. Xu hướng theo tháng</h2>{images_html}
<h2>6. Hồ sơ đứng sau từng chỉ số</h2>{''.join(explains)}
<p class=note>Điểm = điểm tối đa × min(1, tỷ lệ / ngưỡng); ngưỡng và chỉ tiêu trong kpi.toml.
Tử số, mẫu số theo cách Cổng Dịch vụ công quốc gia tính (xem sohoa/pipeline/kpi.py).</p>
</body></html>
"""


def _d(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def render_pdf(report: KpiReport, *, agency: str) -> bytes:
    """The report as a PDF/A-2b (unsigned; :func:`write` signs it)."""
    data = report.to_json()
    images = charts(report)
    period = data["period"]
    now = datetime.now(UTC)
    doc = TextDocument(size=10)
    doc.qr_code(qrmark.payload_text(qr_fields(report, agency=agency, at=now)))
    doc.header_columns([agency.upper()],
                       ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    doc.title("BÁO CÁO CHỈ SỐ SỐ HÓA HỒ SƠ, KẾT QUẢ GIẢI QUYẾT TTHC",
              sub=f"Kỳ báo cáo {_d(period['from'])} – {_d(period['to'])}; phạm vi: "
                  f"{_scope_text(report)}")
    doc.heading("1. Nhóm chỉ số số hóa hồ sơ (QĐ 766/QĐ-TTg)")
    doc.table(["Nội dung", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Chỉ tiêu"],
              [[SHORT.get(i["code"], i["code"]), i["name"], _num(i["numerator"]),
                _num(i["denominator"]), _pct(i["ratio"]),
                f"{_num(i['points'], 2)}/{_num(i['max_points'])}",
                "—" if i["target"] is None else _num(i["target"]) + "%"]
               for i in data["indicators"]],
              [30, 80, 14, 14, 14, 14, 14], size=7.5)
    doc.heading("2. Theo cấp")
    doc.table(["Cấp", "Đơn vị", "Hồ sơ", "Hồ sơ/người/năm (chỉ tiêu)",
               "Số hóa (chỉ tiêu)", "Tái sử dụng (chỉ tiêu)"],
              [[lv["name"], str(lv["units"]), _num(lv["received"]),
                f"{_num(lv['productivity'], 1)} ({_num(lv['productivity_target'])})",
                _with_target(lv, "SO_HOA_GIAY_TO_GIAI_QUYET"),
                _with_target(lv, "REUSED_DIGITIZED_DATA")]
               for lv in data["levels"]], [25, 12, 14, 30, 25, 25])
    doc.heading("3. Theo đơn vị")
    doc.table(["Mã", "Đơn vị", "Cấp", "Hồ sơ", "Cán bộ", "Hồ sơ/người/năm", "Số hóa",
               "Tái sử dụng"],
              [[u["unit"], u["name"], _level_name(data, u["level"]), _num(u["received"]),
                _num(u["staff"]), _num(u["productivity"], 1),
                _pct(_ratio(u, "SO_HOA_GIAY_TO_GIAI_QUYET")),
                _pct(_ratio(u, "REUSED_DIGITIZED_DATA"))] for u in data["units"]],
              [20, 60, 10, 14, 12, 20, 14, 16], size=7.5)
    t = data["times"]
    doc.heading("4. Thời gian")
    doc.paragraph(f"Thời gian chờ trung bình {_num(t['waiting_minutes_mean'], 1)} phút "
                  f"(chỉ tiêu ≤ {_num(t['waiting_target_minutes'])} phút); thời gian giải quyết "
                  f"trung bình {_num(t['processing_days_mean'], 2)} ngày; đúng hạn "
                  f"{_pct(t['on_time_ratio'])}.")
    doc.heading("5. Xu hướng theo tháng")
    doc.image(images["received"], width_mm=165)
    doc.image(images["ratios"], width_mm=165)
    doc.paragraph("Danh sách hồ sơ đứng sau mỗi chỉ số: sohoa report kpi --explain MÃ_CHỈ_SỐ.")
    return doc.pdf(title=f"Báo cáo chỉ số số hóa {_d(period['from'])} – {_d(period['to'])}",
                   author=agency, subject="Chỉ số QĐ 766/QĐ-TTg, chỉ tiêu KH 5755/KH-UBND",
                   keywords=["báo cáo", "chỉ số số hóa", period["from"], period["to"]],
                   created=now)


PAPER = "Báo cáo chỉ số số hóa hồ sơ, kết quả giải quyết TTHC"
QR_KIND = "kpi-report"
QR_FIGURES = {"digitized": "SO_HOA_GIAY_TO_GIAI_QUYET", "reused": "REUSED_DIGITIZED_DATA"}


def qr_fields(report: KpiReport, *, agency: str, at: datetime) -> dict[str, Any]:
    """What the report's QR code states: its period and scope (``ref``, ``unit``/``level``)
    and the figures ``sohoa verify`` recomputes from the catalog (dossiers received, and the
    digitization and reuse indicators as numerator/denominator)."""
    from sohoa.signing.settings import vietnam_time

    data = report.to_json()
    found = {i["code"]: i for i in data["indicators"]}
    fields: dict[str, Any] = {
        "system": qrmark.system_name(agency), "paper": PAPER, "kind": QR_KIND,
        "ref": f"{data['period']['from']}/{data['period']['to']}", "issued": vietnam_time(at),
        "unit": report.scope.get("unit"), "level": report.scope.get("level"),
        "received": sum(u["received"] for u in data["units"])}
    for key, code in QR_FIGURES.items():
        if code in found:
            fields[key] = f"{found[code]['numerator']}/{found[code]['denominator']}"
    return fields


def _with_target(scope: dict[str, Any], code: str) -> str:
    found = next((i for i in scope["indicators"] if i["code"] == code), None)
    if found is None:
        return "—"
    target = "—" if found["target"] is None else _num(found["target"]) + "%"
    return f"{_pct(found['ratio'])} ({target})"


def _ratio(unit: dict[str, Any], code: str) -> float | None:
    return next((i["ratio"] for i in unit["indicators"] if i["code"] == code), None)


def write(report: KpiReport, path: Path, settings: Settings, *,
          members: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Write ``report.html`` or a signed ``report.pdf`` (chosen by the suffix)."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        path.write_text(render_html(report, agency=settings.agency, members=members),
                        encoding="utf-8")
        return {"path": str(path), "format": "html"}
    if suffix == ".pdf":
        # The agency's own report, signed as an original: no "SAO Y" copy stamp.
        signer = make_signer(settings, original=True)  # a missing key fails before rendering
        signed, signature = signer.sign(render_pdf(report, agency=settings.agency))
        path.write_bytes(signed)
        return {"path": str(path), "format": "pdf", "signed_by": signature.signer,
                "signature_level": signature.level}
    raise ConfigError(f"-o {path}: chọn tệp .html hoặc .pdf")
