"""Managers' page: the KPI report (QĐ 766 indicators, plan targets, units, monthly charts)
from ``sohoa report kpi``'s code."""

from __future__ import annotations

import base64
from datetime import date
from typing import TYPE_CHECKING, Any

from fastapi.responses import Response

from sohoa.api.web.html import day_arg, day_field, esc, field, notice, table
from sohoa.clock import vietnam_today
from sohoa.vntext import shown_number, shown_percent

if TYPE_CHECKING:
    from sohoa.api.web.routes import Desk

CHART_TITLES = {"received": "Số hồ sơ tiếp nhận theo tháng",
                "ratios": "Tỷ lệ theo tháng so với chỉ tiêu"}


def install(view: Any, write: Any) -> None:

    @view("/web/report", "Báo cáo chỉ số số hóa")
    def report(desk: Desk) -> Response:
        today = vietnam_today()
        start = day_arg(desk.arg("from"), "Từ ngày") or date(today.year, 1, 1)
        end = day_arg(desk.arg("to"), "Đến ngày") or today
        unit = desk.arg("unit") or None
        form = (f'<form method="get" action="/web/report" class="card filters">'
                f'{day_field("Từ ngày", "from", start)}'
                f'{day_field("Đến ngày", "to", end)}'
                f'{field("Đơn vị (để trống: toàn tỉnh)", "unit", unit or "")}'
                '<button type="submit">Xem báo cáo</button></form>')
        # Imported on first use: `sohoa serve` starts without loading the KPI and chart machinery.
        from sohoa.pipeline.kpi import Period
        from sohoa.pipeline.reportdesk import kpi_report

        data, charts = kpi_report(desk.reader.archive, desk.settings, desk.caller,
                                  Period(start, end), unit=unit)
        indicators = table(["Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Chỉ tiêu", "Điểm"], [
            (esc(i["name"]) + f'<br><small>{esc(i["code"])}</small>', str(i["numerator"]),
             str(i["denominator"]), shown_percent(i["ratio"]),
             "—" if i["target"] is None else shown_number(i["target"], 2, trim=True) + "%",
             "—" if i["points"] is None else
             f'{shown_number(i["points"], 2)} / {shown_number(i["max_points"], 2, trim=True)}')
            for i in data["indicators"]])
        units = table(["Đơn vị", "Tên", "Hồ sơ tiếp nhận", "Cán bộ", "Hồ sơ/người/năm"], [
            (esc(u["unit"]), esc(u["name"]), str(u["received"]), str(u["staff"] or "—"),
             shown_number(u["productivity"], 2, trim=True))
            for u in data["units"]])
        images = "".join(
            f'<figure><img class="chart" alt="{esc(CHART_TITLES.get(name, name))}" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode()}">'
            f"<figcaption>{esc(CHART_TITLES.get(name, name))}</figcaption></figure>"
            for name, png in charts.items())
        received = sum(u["received"] for u in data["units"])
        body = form + (f'<section class="card"><h2>Chỉ số</h2>{indicators}</section>'
                       f'<section class="card"><h2>Biểu đồ</h2><div class="pages">{images}'
                       "</div></section>"
                       f'<section class="card"><h2>Đơn vị</h2>{units}</section>'
                       if received else notice("Không có hồ sơ nào trong khoảng thời gian "
                                               "này.") + f'<div class="pages">{images}</div>')
        return desk.page("Báo cáo chỉ số số hóa", body, here="/web/report")
