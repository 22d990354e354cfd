"""The compact row codec is exact: microsecond starts, millisecond durations, ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from deskmeter.store.instants import EPOCH, from_us, to_us
from deskmeter.store.sqlite.codec import decode_id, encode_id

instants = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2400, 1, 1), timezones=st.just(UTC)
)


@given(instants)
def test_a_start_survives_microseconds_and_back(value: datetime) -> None:
    assert from_us(to_us(value)) == value


@given(st.integers(min_value=0, max_value=2**53))
def test_the_fast_path_agrees_with_exact_arithmetic(micros: int) -> None:
    assert from_us(micros) == EPOCH + timedelta(microseconds=micros)


@given(st.text(min_size=1, max_size=40) | st.binary(min_size=12, max_size=12).map(bytes.hex))
def test_an_id_survives_its_encoding(doc_id: str) -> None:
    key = encode_id(doc_id)
    assert decode_id(key) == doc_id
    assert isinstance(key, bytes) == (
        len(doc_id) == 24
        and doc_id == doc_id.lower()
        and all(c in "0123456789abcdef" for c in doc_id)
    )
