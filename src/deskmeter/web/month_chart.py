"""The month page's trend chart, drawn from the month's cells as they are.

``build_chart(reports.month_trend(report))`` ranks every day's areas again and adds the
seconds up part by part; the cells already hold each day's milliseconds per area and the
report the month's, so here a bar is a few look-ups: the month's biggest areas (at most
``MAX_SERIES``, by the month's totals), each day's share of each, the rest as "other". The
chart is the one ``build_chart`` draws from the month's trend (``draw_chart``'s geometry).
"""

from __future__ import annotations

from deskmeter.reports.shapes import MonthReport, ranked_ms
from deskmeter.web.charts import MAX_SERIES, Bar, Chart, draw_chart
from deskmeter.web.colors import TaskColours


def month_chart(report: MonthReport, colours: TaskColours, *, limit: int = MAX_SERIES) -> Chart:
    """Stacked bars, one per day of the month, of its ``limit`` biggest areas and "other"."""
    ranked = ranked_ms(report.area_ms)
    shown = ranked if len(ranked) <= limit + 1 else ranked[:limit]
    rest = sum(ms for _, ms in ranked[len(shown) :])
    cells = [cell for week in report.weeks for cell in week.days if cell.in_month]
    wide = len(cells) > 7
    bars = []
    for cell in cells:
        area_ms = cell.area_ms
        parts = [area_ms.get(key, 0) for key, _ in shown]
        stacked = [ms / 1000 for ms in parts]
        stacked.append((sum(area_ms.values()) - sum(parts)) / 1000)
        top = cell.top[0] if cell.top else None
        bars.append(
            Bar(
                f"{cell.day.day}" if wide else cell.day.strftime("%a %-d"),
                cell.seconds,
                stacked,
                top.key if top else "",
                top.seconds if top else 0.0,
                len(area_ms),
            )
        )
    keys = [(key, ms / 1000) for key, ms in shown]
    return draw_chart(bars, keys, rest / 1000, colours)
