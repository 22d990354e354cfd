"""The tables of the kept day totals (``store/sqlite/totals.py``) and the SQL that recomputes
them: created with the store, read by ``DayTotals``, filled by ``day_refresh.py``."""

from __future__ import annotations

from deskmeter.store.day_grid import AWAY, TASK, WORKSPACE

TABLES = (
    """
    CREATE TABLE IF NOT EXISTS day_total (
        host INTEGER NOT NULL,      -- label.id of the host; 0: all hosts, each moment once
                                    -- (kept while two hosts or more have switches)
        grp INTEGER NOT NULL,       -- 0 task, 1 workspace, 2 away
        day INTEGER NOT NULL,       -- local day, date.toordinal(), in day_total_state's zone
        label INTEGER NOT NULL,     -- task label.id (0: no task) or workspace label.id; 0 away
        ws_index INTEGER NOT NULL,  -- the workspace index (group 1), else 0
        us INTEGER NOT NULL,        -- microseconds
        PRIMARY KEY (host, grp, day, label, ws_index)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE IF NOT EXISTS day_host (
        host INTEGER NOT NULL,      -- label.id of the host
        day INTEGER NOT NULL,       -- local day, date.toordinal()
        switches INTEGER NOT NULL,  -- switches that touch the day
        PRIMARY KEY (host, day)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE IF NOT EXISTS month_total (
        host INTEGER NOT NULL,      -- as day_total
        grp INTEGER NOT NULL,
        month INTEGER NOT NULL,     -- the month's first day, date.toordinal()
        label INTEGER NOT NULL,
        ws_index INTEGER NOT NULL,
        us INTEGER NOT NULL,        -- the month's day_total rows added up
        PRIMARY KEY (host, grp, month, label, ws_index)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE IF NOT EXISTS day_total_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        zone TEXT NOT NULL,         -- 'Europe/Madrid|0': zone name | start of day, microseconds
        switches INTEGER NOT NULL,  -- how many switches the rows reflect
        schema INTEGER NOT NULL     -- PRAGMA user_version * 1000 + LAYOUT when built
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS switch_change (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        n INTEGER NOT NULL,         -- bumped by the triggers below on every change of a switch
        seen INTEGER NOT NULL       -- n when the kept rows were last brought up to date
    )
    """,
    "INSERT OR IGNORE INTO switch_change (id, n, seen) VALUES (1, 0, 0)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON switch "
        "BEGIN UPDATE switch_change SET n = n + 1 WHERE id = 1; END"
        for name, event in (
            ("switch_counted_insert", "INSERT"),
            ("switch_counted_update", "UPDATE"),
            ("switch_counted_delete", "DELETE"),
        )
    ),
)
#: The insert trigger, which the bulk write path lifts for its own statement (in its
#: transaction: no other connection ever sees the table without it).
INSERT_TRIGGER = TABLES[-3]

#: The layout of these tables: a file whose rows were built with another is rebuilt on open.
#: 3: no rows of the combined scope while one host has switches (its own rows answer).
LAYOUT = 3
#: ``host`` of the combined scope (label numbers start at 1).
ALL_HOSTS = 0
IDS_PER_QUERY = 500
ROW_COLUMNS = "start, id, delta, workspace_index, workspace, task, host, away"

#: The days a refresh recomputes: their UTC bounds (µs); ``mixed``: two switches overlap.
DAYS_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS refresh_day (day INTEGER PRIMARY KEY, lo INTEGER NOT NULL, "
    "hi INTEGER NOT NULL, mixed INTEGER NOT NULL)"
)
GROUPS = f" AND grp IN ({TASK}, {WORKSPACE}, {AWAY})"
#: One scope's and group's ``month_total`` rows of one month: its days added up
#: (parameters: month, host, grp, first day, last day).
MONTH_SUMS = (
    "INSERT INTO month_total (host, grp, month, label, ws_index, us) "
    "SELECT host, grp, ?, label, ws_index, SUM(us) FROM day_total "
    "WHERE host = ? AND grp = ? AND day BETWEEN ? AND ? GROUP BY label, ws_index"
)
#: The switches' pieces of each day of ``refresh_day``, added up per host, day, task,
#: workspace and away flag, with how many switches touch the day (overlapping it, or of zero
#: length inside it: their piece is 0). One pass over the switches (by start) per refresh;
#: each piece is added into its row of a table keyed by those columns (an upsert: measured
#: 30% faster than a GROUP BY, which sorts every piece), so the groups below that are
#: prefixes of the key (tasks, ``day_host``) read it in order.
PIECES = (
    "CREATE TEMP TABLE IF NOT EXISTS refresh_piece (host INTEGER NOT NULL, day INTEGER NOT NULL, "
    "task INTEGER NOT NULL, workspace INTEGER NOT NULL, ws_index INTEGER NOT NULL, "
    "away INTEGER NOT NULL, n INTEGER NOT NULL, us INTEGER NOT NULL, "
    "PRIMARY KEY (host, day, task, workspace, ws_index, away)) WITHOUT ROWID",
    "DELETE FROM temp.refresh_piece",
    "INSERT INTO temp.refresh_piece SELECT s.host, d.day, IFNULL(s.task, 0), s.workspace, "
    "s.workspace_index, s.away, 1, MIN(s.start + s.delta * 1000, d.hi) - MAX(s.start, d.lo) "
    "FROM temp.refresh_day AS d CROSS JOIN switch AS s ON s.start >= d.lo - :lookback "
    "AND s.start < d.hi AND (s.start + s.delta * 1000 > d.lo OR s.start >= d.lo) "
    "WHERE true ON CONFLICT DO UPDATE SET n = n + 1, us = us + excluded.us",
)
#: Each host's sums per day: tasks, workspaces (not away), away; and ``day_host``.
HOST_SUMS = (
    *PIECES,
    "INSERT INTO day_total (host, grp, day, label, ws_index, us) "
    f"SELECT host, {TASK}, day, task, 0, SUM(us) FROM temp.refresh_piece WHERE away = 0 "
    "GROUP BY host, day, task HAVING SUM(us) > 0",
    "INSERT INTO day_total (host, grp, day, label, ws_index, us) "
    f"SELECT host, {WORKSPACE}, day, workspace, ws_index, SUM(us) FROM temp.refresh_piece "
    "WHERE away = 0 GROUP BY host, day, workspace, ws_index HAVING SUM(us) > 0",
    "INSERT INTO day_total (host, grp, day, label, ws_index, us) "
    f"SELECT host, {AWAY}, day, 0, 0, SUM(us) FROM temp.refresh_piece WHERE away = 1 "
    "GROUP BY host, day HAVING SUM(us) > 0",
    "INSERT INTO day_host (host, day, switches) SELECT host, day, SUM(n) "
    "FROM temp.refresh_piece GROUP BY host, day",
)
#: The combined scope of the days without overlaps: the host rows added up (``{hosts}``: the
#: host numbers, so that the primary key (host, grp, day, …) finds the rows).
COMBINED_SUMS = (
    f"INSERT INTO day_total (host, grp, day, label, ws_index, us) SELECT {ALL_HOSTS}, grp, "
    "day, label, ws_index, SUM(us) FROM day_total WHERE host IN ({hosts}) "
    f"AND grp IN ({TASK}, {WORKSPACE}, {AWAY}) "
    "AND day IN (SELECT day FROM temp.refresh_day WHERE mixed = 0) "
    "GROUP BY grp, day, label, ws_index"
)
#: The days of a run on which two switches of positive length overlap: each switch with the
#: latest end of those before it (by start, a window function); a start before that end
#: begins an overlap, up to the earlier of the two ends.
OVERLAPS = (
    "SELECT start, MIN(start + delta * 1000, before) FROM (SELECT start, delta, "
    "MAX(start + delta * 1000) OVER (ORDER BY start ROWS BETWEEN UNBOUNDED PRECEDING "
    "AND 1 PRECEDING) AS before FROM switch WHERE start >= ? AND start < ? "
    "AND delta > 0) WHERE start < before"
)
