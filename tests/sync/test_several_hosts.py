"""Several workstations sync into one remote: each owns its documents, sweeps only its own.

Every host has its own local SQLite store, writer and sync engine; the remote is one
``MongoSink`` database on mongomock (in-process, so the engines run in threads here; the
torture test runs them as processes that are SIGKILLed, ``test_torture.py``). mongomock is
not thread-safe, so calls into it are serialized by a lock, as the torture's remote server
does: the engines still interleave batch by batch.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import mongomock
import pytest

from deskmeter.config import PortfolioSettings, Settings, WebSettings
from deskmeter.models import State, Switch, Task, TaskHistoryEntry
from deskmeter.store.mongo import MongoStore
from deskmeter.store.overlap import credited_pieces
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.totals import cut_totals
from deskmeter.sync.changes import DocChange, RemoteUnavailableError
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.sink import MongoSink
from deskmeter.sync.source import SQLiteSource
from deskmeter.sync.status import report
from deskmeter.web import create_app
from tests.support.waiting import wait_for
from tests.sync.conftest import REMOTE_URI
from tests.sync.support import FAST, T0, as_bson, local_documents, remote_documents, running

HOSTS = ("desk", "laptop", "studio")


def host_switch(host: str, i: int, delta: float = 60.0) -> Switch:
    """Switch ``i`` of ``host``: its own ids, times that overlap the other hosts'."""
    return Switch(
        id=f"{HOSTS.index(host) + 1:02x}{i:022x}",
        date=T0 + timedelta(seconds=i * 61),
        delta=delta,
        workspace_index=i % 3,
        workspace=f"ws{i % 3}",
        task_id="t1",
        task=f"work/{host}",
        host=host,
    )


def seed_host(store: SQLiteStore, host: str, switches: int) -> None:
    store.add_switches(host_switch(host, i) for i in range(switches))
    store.put_state(State(0, "ws0", T0, T0 + timedelta(hours=1), f"iv-{host}", "t1", "a", host))


def seed_tasks(store: SQLiteStore, host: str) -> None:
    store.upsert_tasks([Task("t1", f"work/{host}", updated=T0, host=host)])
    store.add_task_history([TaskHistoryEntry("t1", "old", T0, host=host)])


class Locked:
    """A host's sink on the shared mongomock remote, one call at a time (see the module)."""

    def __init__(self, sink: MongoSink, lock: threading.Lock) -> None:
        self.sink, self.lock = sink, lock

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.sink, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                return attr(*args, **kwargs)

        return call


class Fleet:
    """Hosts with their stores and sinks on one remote."""

    def __init__(self, tmp: Path) -> None:
        self.client = mongomock.MongoClient(tz_aware=True)
        self.lock = threading.Lock()
        self.stores: dict[str, SQLiteStore] = {}
        self.sinks: dict[str, MongoSink] = {}
        self.tmp = tmp

    def add(self, host: str) -> SQLiteStore:
        self.stores[host] = SQLiteStore(self.tmp / f"{host}.db")
        sink = MongoSink(REMOTE_URI, client=self.client)
        sink.host = host  # (set, not passed: the regression test runs on the old code too)
        self.sinks[host] = sink
        return self.stores[host]

    def engine(self, host: str) -> SyncEngine:
        store = self.stores[host]
        sink: Any = Locked(self.sinks[host], self.lock)
        return SyncEngine(SQLiteSource(store, poll_seconds=0.01), sink, store, FAST)

    def remote(self) -> dict[str, dict[Any, dict[str, Any]]]:
        with self.lock:
            return remote_documents(next(iter(self.sinks.values())))

    def union(self) -> dict[str, dict[Any, dict[str, Any]]]:
        merged: dict[str, dict[Any, dict[str, Any]]] = {}
        for store in self.stores.values():
            for collection, docs in local_documents(store).items():
                overlap = merged.setdefault(collection, {}).keys() & docs.keys()
                assert not overlap, f"{collection}: two hosts share ids {sorted(overlap)[:3]}"
                merged[collection].update(docs)
        return merged

    def close(self) -> None:
        for store in self.stores.values():
            store.close()


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    made = Fleet(tmp_path)
    yield made
    made.close()


def test_a_resync_of_one_host_leaves_the_other_hosts_documents_intact(fleet: Fleet) -> None:
    """Regression: the full copy's sweep removed every remote document the resyncing host
    did not have, i.e. every other host's history (and each host's state overwrote the
    other's, one ``current`` document for all)."""
    desk, laptop = fleet.add("desk"), fleet.add("laptop")
    seed_host(desk, "desk", 150)
    seed_host(laptop, "laptop", 120)
    fleet.engine("laptop").run(until_caught_up=True)
    fleet.engine("desk").run(until_caught_up=True)
    assert fleet.remote() == fleet.union()
    laptop_before = {
        c: {k: v for k, v in docs.items() if v.get("host") == "laptop"}
        for c, docs in fleet.remote().items()
    }
    assert len(laptop_before["switch"]) == 120 and len(laptop_before["state"]) == 1

    # The desk deletes two switches while its sync is down, and its change log is pruned
    # past the checkpoint: only a full resync (with its sweep) can carry the deletions.
    desk.delete_switches([host_switch("desk", 3).id, host_switch("desk", 7).id])
    desk.changelog.prune(desk.changelog.last_seq())
    engine = fleet.engine("desk")
    engine.run(until_caught_up=True)
    assert engine.copies == 1, "the desk resynced"
    remote = fleet.remote()
    assert host_switch("desk", 3).id not in remote["switch"], "the desk's sweep ran"
    for collection, docs in laptop_before.items():
        kept = {k: v for k, v in remote[collection].items() if v.get("host") == "laptop"}
        assert kept == docs, f"the laptop's {collection} changed in the desk's resync"
    assert remote == fleet.union()


def test_three_hosts_syncing_at_once_give_the_union_of_their_stores(fleet: Fleet) -> None:
    rng = random.Random(14)
    for host in HOSTS:
        store = fleet.add(host)
        seed_host(store, host, 250)
        seed_tasks(store, host)
    engines = {host: fleet.engine(host) for host in HOSTS}
    stop = threading.Event()

    def write(host: str) -> None:  # each host's tracker goes on writing while all sync
        store, n = fleet.stores[host], 250
        while not stop.is_set() and n < 600:
            store.add_switches(host_switch(host, i) for i in range(n, n + rng.randint(1, 20)))
            n += 20
            store.put_state(
                State(1, "ws1", T0, T0 + timedelta(hours=2, seconds=n), "iv", host=host)
            )
            if n % 100 == 0:
                store.delete_switches([host_switch(host, n - 90).id])
            stop.wait(0.005)

    writers = [threading.Thread(target=write, args=(h,)) for h in HOSTS]
    with running(engines["desk"]), running(engines["laptop"]), running(engines["studio"]):
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(60)
        for host in HOSTS:
            store, engine = fleet.stores[host], engines[host]

            def caught_up(store: SQLiteStore = store, engine: SyncEngine = engine) -> bool:
                saved = engine.checkpoint
                return bool(saved and not saved.copying) and (
                    saved.position == store.changelog.last_seq()  # type: ignore[union-attr]
                )

            wait_for(caught_up, timeout=60)
    stop.set()
    remote, union = fleet.remote(), fleet.union()
    for collection in union:
        assert remote[collection].keys() == union[collection].keys(), collection
        assert remote[collection] == union[collection], collection
    assert {d["host"] for d in remote["state"].values()} == set(HOSTS)
    assert len(remote["task"]) == 3, "one t1 per host: three tasks"

    # the remote's per-host record: last sync and last switch, for the hosts list
    portfolio = MongoStore(REMOTE_URI, client=fleet.client, database="deskmeter")
    syncs = portfolio.last_syncs()
    assert set(syncs) == set(HOSTS)
    hosts = {h.name: h for h in portfolio.hosts()}
    for host in HOSTS:
        own = fleet.stores[host].switches(host=host)
        assert hosts[host].last_switch == max(s.end for s in own)
        record = fleet.client["deskmeter"]["host"].find_one({"_id": host})
        assert (
            record is not None
            and record["last_switch"] == as_bson({"x": max(s.end for s in own)})["x"]
        )
        assert hosts[host].state is not None and hosts[host].state.host == host  # type: ignore[union-attr]


def test_another_hosts_document_with_the_same_id_is_refused_not_replaced(fleet: Fleet) -> None:
    desk, _ = fleet.add("desk"), fleet.add("laptop")
    seed_host(desk, "desk", 5)
    fleet.engine("desk").run(until_caught_up=True)
    taken = host_switch("desk", 2)
    doc = {**fleet.remote()["switch"][taken.id]}
    clash = {**doc, "host": "laptop", "delta": 1.0}
    with pytest.raises(RemoteUnavailableError, match="of another host"):
        fleet.sinks["laptop"].apply([DocChange("switch", taken.id, clash)])
    fleet.sinks["laptop"].apply([DocChange("switch", taken.id, None)])  # nor deleted
    assert fleet.remote()["switch"][taken.id] == doc


def test_each_hosts_sync_status_shows_its_own_checkpoint_and_lag(fleet: Fleet) -> None:
    desk, laptop = fleet.add("desk"), fleet.add("laptop")
    seed_host(desk, "desk", 20)
    seed_host(laptop, "laptop", 20)
    fleet.engine("desk").run(until_caught_up=True)
    fleet.engine("laptop").run(until_caught_up=True)
    laptop.add_switches(host_switch("laptop", i) for i in range(20, 25))  # the laptop lags
    desk_info = report(desk, SQLiteSource(desk), host="desk")
    laptop_info = report(laptop, SQLiteSource(laptop), host="laptop")
    assert (desk_info["host"], desk_info["pending"], desk_info["lag_seconds"]) == ("desk", 0, 0.0)
    assert laptop_info["host"] == "laptop" and laptop_info["pending"] == 5
    assert laptop_info["lag_seconds"] is not None and laptop_info["lag_seconds"] >= 0


def test_a_checkpoint_saved_under_another_host_name_means_a_full_copy(fleet: Fleet) -> None:
    desk = fleet.add("desk")
    seed_host(desk, "desk", 10)
    fleet.engine("desk").run(until_caught_up=True)
    renamed = fleet.add("desk-renamed")
    renamed.close()
    fleet.stores["desk-renamed"] = desk  # the same store, its host setting changed
    engine = fleet.engine("desk-renamed")
    engine.run(until_caught_up=True)
    assert engine.copies == 1, "a new name owns other documents: copy and sweep anew"
    saved = engine.checkpoints.load()
    assert saved is not None and saved.host == "desk-renamed"
    # the old name's documents are not the new name's to sweep: they stay
    assert len([d for d in fleet.remote()["switch"].values() if d["host"] == "desk"]) == 10
    del fleet.stores["desk-renamed"]


def test_the_remote_dashboard_shows_each_synced_host_and_all_counted_once(
    fleet: Fleet, tmp_path: Path
) -> None:
    """Issue 14's "done when": three workstations' stores sync into one remote, and the
    remote (portfolio) dashboard shows each host with its own time and the combined totals
    with every moment counted once."""
    for n, host in enumerate(HOSTS):
        store = fleet.add(host)
        # same minutes on every host (their switches overlap), of different lengths
        store.add_switches(host_switch(host, i, delta=30.0 + 25 * n) for i in range(90))
        seed_tasks(store, host)
    for host in HOSTS:
        fleet.engine(host).run(until_caught_up=True)
    remote = MongoStore(REMOTE_URI, client=fleet.client, database="deskmeter")
    settings = Settings(
        store=REMOTE_URI,
        timezone="Europe/Madrid",
        task_file=tmp_path / "tasks.txt",
        host="remote",
        web=WebSettings(mode="portfolio"),
        portfolio=PortfolioSettings(path_depth=0, show_hosts=True),  # hidden by default
    )
    client = create_app(settings, store=remote, clock=lambda: T0 + timedelta(days=3)).test_client()
    listed = client.get("/api/v1/hosts").get_json()["hosts"]
    assert [h["name"] for h in listed] == sorted(HOSTS)
    assert all(h["last_sync"] is not None for h in listed)

    day = T0.astimezone(ZoneInfo("Europe/Madrid")).date().isoformat()

    def totals(query: str) -> dict[str, float]:
        response = client.get(f"/api/v1/totals?start={day}&end={day}&by=all{query}")
        assert response.status_code == 200, response.get_json()
        return {t["key"]: t["seconds"] for t in response.get_json()["totals"]}

    everything: list[Switch] = []
    for host in HOSTS:
        own = fleet.stores[host].switches(host=host)
        everything += own
        assert totals(f"&host={host}") == {f"work/{host}": round(sum(s.delta for s in own), 3)}
    start, end = T0 - timedelta(days=1), T0 + timedelta(days=2)
    expected = {
        t.key: t.seconds
        for t in cut_totals(credited_pieces(everything), start, end, ZoneInfo("UTC"), "task", None)
    }
    combined = totals("")
    assert combined == expected
    assert sum(combined.values()) < sum(s.delta for s in everything), "the overlap counted once"
    page = client.get(f"/day/{day}").get_data(as_text=True)
    assert all(f'<option value="{host}"' in page for host in HOSTS), "a selector per host"
