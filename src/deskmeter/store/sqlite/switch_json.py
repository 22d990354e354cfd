"""A page of the switch list as JSON text, written by SQLite (the day of switches API).

The records are ``deskmeter.records.switch_json``'s, key for key (``SwitchRecord``): id
(an ObjectId's hex), start and end in ISO 8601 with ``+00:00`` (microseconds when not
zero), delta in seconds, the names from ``label``. Building a ``Switch`` and then a dict per
row, and encoding it in Python, was most of the request; here one statement writes the page.

The same limits as ``codec.rows_switches`` are checked, in SQL, on every row of the page
(a host name's characters in Python, once per page): a row outside them answers None and
the caller reads the page switch by switch, which skips (and reports) that row.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from deskmeter import limits
from deskmeter.hosts import character_problem
from deskmeter.store.base import SortOrder
from deskmeter.store.instants import to_us

_FIRST_US = to_us(limits.FIRST_INSTANT)
_LAST_US = to_us(limits.LAST_INSTANT)
_MAX_DELTA_MS = round(limits.MAX_DELTA * 1000)


def _iso(us: str) -> str:
    """``datetime.isoformat()`` of the UTC instant ``us`` (µs, ≥ 0) in SQL (``datetime()``
    is cheaper than ``strftime``; the microseconds' six digits are those of 10⁶ + them)."""
    return (
        f"replace(datetime(({us}) / 1000000, 'unixepoch'), ' ', 'T') || "
        f"CASE WHEN ({us}) % 1000000 = 0 THEN '+00:00' "
        f"ELSE '.' || substr(({us}) % 1000000 + 1000000, 2) || '+00:00' END"
    )


#: The checks of ``codec.rows_switches`` on the numbers and the id of the row ``s``.
_ROW_OK = " AND ".join(
    [
        "typeof(s.start) = 'integer'",
        "typeof(s.delta) = 'integer'",
        f"s.start >= {_FIRST_US} AND s.start < {_LAST_US}",
        f"s.delta BETWEEN 0 AND {_MAX_DELTA_MS}",
        f"s.start + s.delta * 1000 <= {_LAST_US}",
        "typeof(s.workspace_index) = 'integer'",
        f"s.workspace_index BETWEEN -1 AND {limits.MAX_WORKSPACE_INDEX}",
        "typeof(s.away) = 'integer' AND s.away IN (0, 1)",
        f"((typeof(s.id) = 'blob' AND length(s.id) BETWEEN 1 AND {limits.MAX_ID // 2}) OR "
        f"(typeof(s.id) = 'text' AND length(s.id) BETWEEN 1 AND {limits.MAX_ID} "
        "AND instr(CAST(s.id AS BLOB), x'00') = 0))",
    ]
)
#: ``codec._check_labels``: a label text the limits allow (text, not too long, no NUL).
_LABEL_OK = (
    f"typeof(l.text) = 'text' AND length(l.text) <= {limits.MAX_TEXT} "
    "AND instr(CAST(l.text AS BLOB), x'00') = 0"
)

_RECORD = (
    "json_object('id', CASE WHEN typeof(s.id) = 'blob' THEN lower(hex(s.id)) ELSE s.id END, "
    f"'date', {_iso('s.start')}, 'delta', s.delta / 1000.0, "
    "'workspace_index', s.workspace_index, 'workspace', s.w, 'task_id', s.i, "
    "'task', s.t, 'host', s.h, "
    "'away', CASE WHEN s.away = 1 THEN json('true') ELSE json('false') END, "
    f"'end', {_iso('s.start + s.delta * 1000')})"
)

#: (JSON array of the page, its rows, its rows outside the limits, its labels outside them
#: (a missing one too), its host names joined): the page read once in order with its names.
_PAGE = (
    "WITH page AS MATERIALIZED (SELECT s.start, s.id, s.delta, s.workspace_index, s.away, "
    "s.workspace, s.task, s.task_id, s.host, w.text AS w, t.text AS t, i.text AS i, "
    "h.text AS h FROM switch AS s LEFT JOIN label AS w ON w.id = s.workspace "
    "LEFT JOIN label AS t ON t.id = s.task LEFT JOIN label AS i ON i.id = s.task_id "
    "LEFT JOIN label AS h ON h.id = s.host{where} "
    "ORDER BY s.start {direction}, s.id {direction} LIMIT ? OFFSET ?), "
    "used (id) AS (SELECT workspace FROM page UNION SELECT host FROM page "
    "UNION SELECT task FROM page WHERE task IS NOT NULL "
    "UNION SELECT task_id FROM page WHERE task_id IS NOT NULL) "
    f"SELECT (SELECT json_group_array({_RECORD}) FROM page AS s), (SELECT COUNT(*) FROM page), "
    f"(SELECT SUM(CASE WHEN {_ROW_OK} THEN 0 ELSE 1 END) FROM page AS s), "
    "(SELECT COUNT(*) FROM used LEFT JOIN label AS l ON l.id = used.id "
    f"WHERE CASE WHEN {_LABEL_OK} THEN 0 ELSE 1 END), "
    "(SELECT group_concat(text, '') FROM label WHERE id IN (SELECT host FROM page))"
)


def page_json(
    db: sqlite3.Connection,
    where: str,
    params: list[Any],
    *,
    limit: int,
    offset: int,
    order: SortOrder,
) -> tuple[str, int] | None:
    """The records of ``SELECT … FROM switch AS s{where} ORDER BY start, id`` (``order``),
    ``limit`` from ``offset``, as a JSON array, and how many; None when a row is outside the
    limits."""
    direction = "DESC" if order == "desc" else "ASC"
    sql = _PAGE.format(where=where, direction=direction)
    try:
        text, rows, bad_rows, bad_labels, hosts = db.execute(
            sql, [*params, limit, offset]
        ).fetchone()
    except sqlite3.OperationalError:  # a label stored as a BLOB ("JSON cannot hold BLOB
        return None  # values"): the switch-by-switch path skips its rows (or fails alike)
    if bad_rows or bad_labels or (hosts and character_problem(str(hosts)) is not None):
        return None
    return str(text), int(rows)
