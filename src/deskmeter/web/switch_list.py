"""The switch list's one query, for the page (``/switches``) and the API
(``/api/v1/switches``, and the export's check): whether this dashboard shows it, the range and
page asked for, and that page of switches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import request

from deskmeter.models import Switch
from deskmeter.reports.service import Reports
from deskmeter.reports.switch_filter import SwitchFilter, switch_page
from deskmeter.store.base import SortOrder
from deskmeter.web.context import times_hidden, web_context
from deskmeter.web.errors import WebError
from deskmeter.web.params import MAX_PAGE, parse_int, parse_range

SWITCH_LIST_OFF = "the switch list is off on this public dashboard ([portfolio] show_switches)"


def require_switch_list() -> None:
    """A 404 when this public dashboard keeps the switch list off (``[portfolio]
    show_switches``): the list gives every interval to the second, so on a portfolio it is
    opt-in, on the page as in the API and its export."""
    context = web_context()
    if context.portfolio and not context.settings.portfolio.show_switches:
        raise WebError(404, SWITCH_LIST_OFF)


@dataclass(frozen=True, slots=True)
class SwitchList:
    start: datetime | None
    end: datetime | None
    page: int
    per_page: int
    total: int
    items: list[Switch]

    @property
    def pages(self) -> int:
        """Pages in all (0 when there is nothing)."""
        return (self.total + self.per_page - 1) // self.per_page


@dataclass(frozen=True, slots=True)
class AskedPage:
    """The range and page the query asks for."""

    start: datetime | None
    end: datetime | None
    page: int


def asked_page(reports: Reports) -> AskedPage:
    """``start``, ``end`` and ``page`` from the query, after ``require_switch_list``."""
    require_switch_list()
    start, end = parse_range(
        request.args,
        reports.tz,
        default_start=None,
        default_end=None,
        max_days=None,
        today=reports.today(),
        day_start=reports.day_start,
        whole_days=times_hidden(),
    )
    page = parse_int(request.args, "page", 1, 1, MAX_PAGE)
    return AskedPage(start, end, page)


def read_switch_list(
    reports: Reports,
    *,
    per_page: int,
    chosen: SwitchFilter | None = None,
    order: SortOrder = "desc",
) -> SwitchList:
    """The page the query asks for (``start``, ``end``, ``page``) of the switches ``chosen``
    keeps, after ``require_switch_list``."""
    asked = asked_page(reports)
    found = switch_page(
        reports.store,
        asked.start,
        asked.end,
        host=reports.host,
        chosen=chosen or SwitchFilter(),
        page=asked.page,
        per_page=per_page,
        label=reports.label,
        order=order,
    )
    return SwitchList(asked.start, asked.end, asked.page, per_page, found.total, found.items)
