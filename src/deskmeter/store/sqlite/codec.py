"""How the SQLite backend packs a switch into its compact row and back.

Times are integer microseconds since the Unix epoch (exact: a ``datetime`` has microsecond
resolution), durations integer milliseconds (``Switch`` keeps them to the millisecond), an
ObjectId's 24 hex digits 12 bytes, and names small integers from the ``label`` table.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from deskmeter import limits
from deskmeter.hosts import character_problem
from deskmeter.ids import HEX_ID, is_hex_id
from deskmeter.models import Switch, SwitchValues, checked_switch
from deskmeter.store.instants import EPOCH, FLOAT_EXACT_US, MICROSECOND, from_us, to_us

_HEX = HEX_ID

Key = str | bytes


#: The limits (deskmeter.limits) in the units of a switch row: microseconds, milliseconds.
_FIRST_US = to_us(limits.FIRST_INSTANT)
_LAST_US = to_us(limits.LAST_INSTANT)
_MAX_DELTA_MS = round(limits.MAX_DELTA * 1000)
#: A binary key is a hex id's bytes: its text is twice as long.
_MAX_ID_BYTES = limits.MAX_ID // 2


def encode_id(doc_id: str) -> Key:
    """An ObjectId's hex text as its 12 bytes (same order among themselves), else the text."""
    return bytes.fromhex(doc_id) if is_hex_id(doc_id) else doc_id


def decode_id(value: Key) -> str:
    return value.hex() if isinstance(value, bytes) else str(value)


class Labels:
    """The ``label`` table (workspace, task and host names) with a cache shared by threads.

    A label's number never changes once committed, so the cache is valid in every
    connection and process. Numbers found or made inside a write transaction are cached only
    after it commits (``remember``), so a rolled-back number is never reused.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}
        self._texts: dict[int, str] = {}

    def text(self, label_id: int) -> str:
        return self._texts[label_id]

    def texts(self) -> dict[Any, Any]:
        """A copy of the number → name cache, None → None (to decode many rows at once)."""
        found: dict[Any, Any] = dict(self._texts)
        found[None] = None
        return found

    def load(self, db: sqlite3.Connection, wanted: Iterable[int | None]) -> None:
        """Make sure every label number in ``wanted`` is cached (one query for the missing)."""
        missing = {i for i in wanted if i is not None and i not in self._texts}
        if not missing:
            return
        rows: list[tuple[int, str]] = []
        ordered = sorted(missing)
        for first in range(0, len(ordered), 500):
            chunk = ordered[first : first + 500]
            marks = ", ".join("?" * len(chunk))
            rows += db.execute(
                f"SELECT id, text FROM label WHERE id IN ({marks})", chunk
            ).fetchall()
        self._cache(rows)

    def numbers(
        self, db: sqlite3.Connection, texts: Iterable[str], pending: Mapping[str, int] | None = None
    ) -> dict[str, int]:
        """The numbers of ``texts``, adding the new ones; call inside a write transaction.
        ``pending``: numbers made earlier in that transaction (not cached until it commits),
        so that each batch of a bulk write does not look them up again."""
        found: dict[str, int] = {}
        for text in texts:
            if text in found:
                continue
            number = self._ids.get(text)
            if number is None and pending:
                number = pending.get(text)
            if number is None:
                db.execute("INSERT OR IGNORE INTO label (text) VALUES (?)", (text,))
                number = int(
                    db.execute("SELECT id FROM label WHERE text = ?", (text,)).fetchone()[0]
                )
            found[text] = number
        return found

    def remember(self, found: dict[str, int]) -> None:
        """Cache numbers once their transaction committed."""
        self._cache([(number, text) for text, number in found.items()])

    def _cache(self, rows: Iterable[tuple[int, str]]) -> None:
        with self._lock:
            for number, text in rows:
                self._ids[text] = number
                self._texts[number] = text


#: The columns of a switch row, in the order ``switch_rows`` gives them.
SWITCH_COLUMNS = "start, id, delta, workspace_index, workspace, task, task_id, host, away"
#: One ``?`` per column of ``SWITCH_COLUMNS``.
SWITCH_MARKS = ", ".join("?" * len(SWITCH_COLUMNS.split(", ")))
#: The columns of a row that are ``label`` numbers (``row[LABEL_COLUMNS]``).
LABEL_COLUMNS = slice(4, 8)

Row = tuple[int, Key, int, int, int, int | None, int | None, int, int]


def switch_texts(switches: Iterable[Switch]) -> set[str]:
    """The names in ``switches`` that go into the ``label`` table."""
    texts: set[str | None] = {t for s in switches for t in (s.workspace, s.host, s.task, s.task_id)}
    texts.discard(None)
    return texts  # type: ignore[return-value]


def switch_rows(switches: Iterable[Switch], numbers: dict[str, int]) -> list[Row]:
    """The rows of ``switches`` (one comprehension: bulk imports go through here)."""
    hex_id, from_hex, epoch, micro = _HEX.fullmatch, bytes.fromhex, EPOCH, MICROSECOND
    number = numbers.get  # .get(None) is None: no task
    return [
        (
            (s.date - epoch) // micro,
            from_hex(s.id) if hex_id(s.id) else s.id,
            round(s.delta * 1000),
            s.workspace_index,
            numbers[s.workspace],
            number(s.task),  # type: ignore[arg-type]
            number(s.task_id),  # type: ignore[arg-type]
            numbers[s.host],
            1 if s.away else 0,
        )
        for s in switches
    ]


def values_texts(values: Iterable[SwitchValues]) -> set[str]:
    """The names in switch values that go into the ``label`` table."""
    values = values if isinstance(values, list) else list(values)
    texts: set[str | None] = set()
    for column in range(4, 8):
        texts.update(map(itemgetter(column), values))
    texts.discard(None)
    return texts  # type: ignore[return-value]


def values_rows(values: Iterable[SwitchValues], numbers: dict[str, int]) -> list[Row]:
    """The rows of switch values already checked (``models.SwitchValues``: the row's own
    order, with texts where the row has label numbers); as ``switch_rows``, with no
    ``Switch`` or ``datetime`` to take apart."""
    hex_id, from_hex = _HEX.fullmatch, bytes.fromhex
    number = numbers.get  # .get(None) is None: no task
    return [
        (
            start,
            from_hex(key) if hex_id(key) else key,
            delta,
            index,
            numbers[workspace],
            number(task),  # type: ignore[arg-type]
            number(task_id),  # type: ignore[arg-type]
            numbers[host],
            1 if away else 0,
        )
        for start, key, delta, index, workspace, task, task_id, host, away in values
    ]


def row_switch(row: Sequence[Any], labels: Labels) -> Switch:
    """The switch of a row read with ``SWITCH_COLUMNS`` (labels loaded beforehand), checked
    against the limits one by one (``LimitError``, a ``ValueError``, when it is outside)."""
    return _decode([row], labels, Switch)[0]


def rows_switches(rows: Iterable[Sequence[Any]], labels: Labels) -> list[Switch]:
    """The switches of rows read with ``SWITCH_COLUMNS`` (one comprehension: pages of the
    dashboard and sync's first copy go through here).

    The limits are checked in bulk, not per switch: each distinct label once, the numbers
    of each row by a few comparisons. A row outside them raises ``LimitError`` (or the
    ``TypeError``/``KeyError`` of a column of the wrong type): the caller then decodes row by
    row with ``row_switch`` and skips (and reports) the bad ones.
    """
    rows = rows if isinstance(rows, list) else list(rows)
    text: dict[Any, Any] = labels.texts()
    _check_labels(rows, text)
    first, last, longest, top = _FIRST_US, _LAST_US, _MAX_DELTA_MS, limits.MAX_WORKSPACE_INDEX
    for start, key, delta, index, *_, away in rows:
        if not (
            type(start) is int
            and type(delta) is int
            and first <= start < last
            and 0 <= delta <= longest
            and start + delta * 1000 <= last
            and type(index) is int
            and -1 <= index <= top
            and type(away) is int
            and 0 <= away <= 1
            and 0 < len(key) <= (limits.MAX_ID if type(key) is str else _MAX_ID_BYTES)
            and (type(key) is bytes or "\x00" not in key)
        ):
            raise limits.LimitError("a switch row outside the limits")
    return _decode(rows, labels, checked_switch)


def _check_labels(rows: list[Sequence[Any]], text: dict[Any, Any]) -> None:
    """Every label the rows use, checked once: text of at most ``MAX_TEXT`` characters with
    no NUL (workspace and host required), a host without invisible characters."""
    required = {r[4] for r in rows} | {r[7] for r in rows}
    optional = {r[5] for r in rows} | {r[6] for r in rows}
    optional.discard(None)
    for number in required | optional:
        value = text[number]
        if type(value) is not str or len(value) > limits.MAX_TEXT or "\x00" in value:
            raise limits.LimitError(f"label {number} is not a text the limits allow")
    for number in {r[7] for r in rows}:
        if text[number] and character_problem(text[number]) is not None:
            raise limits.LimitError(f"label {number} is not a host name")


def _decode(
    rows: Iterable[Sequence[Any]], labels: Labels, build: Callable[..., Switch]
) -> list[Switch]:
    text: dict[Any, Any] = labels.texts()
    fast = FLOAT_EXACT_US
    return [
        build(
            key.hex() if type(key) is bytes else key,
            datetime.fromtimestamp(start / 1_000_000, UTC) if 0 <= start < fast else from_us(start),
            delta / 1000,
            index,
            text[workspace],
            text[task_id],
            text[task],
            text[host],
            away == 1,
        )
        for start, key, delta, index, workspace, task, task_id, host, away in rows
    ]
