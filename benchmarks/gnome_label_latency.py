"""Latency from a task change to the new text in the GNOME Shell panel label, p50/p99.

A real headless GNOME Shell 43 runs the legacy build of the extension (as in the integration
test) and a real ``deskmeter track --source gnome`` runs on the same private session bus.
Inside the shell a ``notify::text`` handler on the label records the wall-clock time
(``GLib.get_real_time``, microseconds) of every text change, so the moment is the shell's own,
not that of this process's polling. Three paths are timed for each change:

``task set -> label``   from just before ``deskmeter task set PATH`` is started (a new Python
                        process: most of this is its start-up) to the label change
``file -> label``       from the task file's mtime (written by ``task set``) to the label change:
                        inotify -> tracker -> PropertiesChanged -> extension -> label
``SetTask -> label``    from just before a D-Bus ``SetTask`` call (what the menu does) to the
                        label change

    python -m benchmarks.gnome_label_latency [--changes 40] [--rootfs DIR]

``--rootfs`` runs a newer shell from a root file system made by scripts/build-gnome-rootfs.sh
(e.g. GNOME Shell 48: ``--rootfs $(scripts/build-gnome-rootfs.sh trixie)``) with the ES module
build, as the GNOME tests do; without it, the host's GNOME Shell 43 with the legacy build.

Prints a table and writes JSON to $DESKMETER_ARTIFACTS/benchmarks/gnome_label.json (43) or
gnome_label-<major>.json (a newer shell).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.gnome.shell import (
    EXTENSION_DIR,
    HELPER_UUID,
    UUID,
    GnomeShell,
    Tracker,
    missing_tools,
    pack_extension,
    rootfs_problem,
    wait_for,
)

from benchmarks.stats import percentile, write_json
from deskmeter.dbus import BUS_NAME, INTERFACE, OBJECT_PATH

HOOK = f"""
global._deskmeterBench = [];
const label = Main.panel.statusArea['{UUID}'].first_child;
label.connect('notify::text', () => global._deskmeterBench.push(
    [label.text, imports.gi.GLib.get_real_time()]));
1
"""


def label_time(shell: GnomeShell, text: str, timeout: float = 10.0) -> float:
    """Wall-clock seconds at which the label became ``text`` (recorded inside the shell)."""

    def seen() -> float:
        changes = shell.eval("global._deskmeterBench") or []
        for changed_to, micros in changes:
            if changed_to == text:
                return float(micros) / 1e6
        return 0.0

    return wait_for(seen, timeout=timeout, interval=0.01)


def summary(name: str, values_ms: list[float]) -> dict[str, Any]:
    return {
        "path": name,
        "n": len(values_ms),
        "p50_ms": round(percentile(values_ms, 50), 1),
        "p99_ms": round(percentile(values_ms, 99), 1),
        "mean_ms": round(statistics.fmean(values_ms), 1),
        "max_ms": round(max(values_ms), 1),
    }


def run(changes: int, rootfs: Path | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The shell's version and the three latency summaries."""
    root = Path(tempfile.mkdtemp(prefix="deskmeter-bench-gnome-"))
    built = pack_extension(root / "build")
    if rootfs is None:
        shell = GnomeShell(
            root / "shell",
            extensions={UUID: built["legacy"], HELPER_UUID: EXTENSION_DIR / "test-helper"},
        )
    else:
        shell = GnomeShell(root / "shell", extensions={UUID: built["esm"]}, rootfs=rootfs)
    tracker = Tracker(root / "tracker", "")
    cli_ms: list[float] = []
    file_ms: list[float] = []
    dbus_ms: list[float] = []
    try:
        shell.start()
        version = shell.version()
        tracker.bus_address = shell.bus_address
        tracker.task_file.parent.mkdir(parents=True)
        tracker.task_file.write_text("* bench/start\n")
        tracker.start()
        wait_for(lambda: (shell.label() or "").startswith("bench/start"), timeout=30)
        shell.eval(HOOK)
        assert shell.client is not None
        for i in range(changes):
            task = f"bench/cli-{i}"
            started = time.time()
            result = tracker.cli("task", "set", task)
            assert result.returncode == 0, result.stderr
            written = tracker.task_file.stat().st_mtime_ns / 1e9
            changed = label_time(shell, f"{task} \u00b7 0m")
            cli_ms.append((changed - started) * 1000)
            file_ms.append((changed - written) * 1000)

            task = f"bench/dbus-{i}"
            started = time.time()
            shell.client.call(BUS_NAME, OBJECT_PATH, INTERFACE, "SetTask", "s", [task])
            changed = label_time(shell, f"{task} \u00b7 0m")
            dbus_ms.append((changed - started) * 1000)
    finally:
        if tracker.proc is not None:
            tracker.stop()
        shell.stop()
    return version, [
        summary("task set -> label", cli_ms),
        summary("file -> label", file_ms),
        summary("SetTask -> label", dbus_ms),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--rootfs", type=Path, help="a root file system with a newer shell")
    args = parser.parse_args()
    missing = missing_tools(chroot=args.rootfs is not None)
    if missing:
        sys.exit(f"not installed: {', '.join(missing)} (see scripts/apt/gnome.txt)")
    if args.rootfs is not None and (problem := rootfs_problem(args.rootfs)):
        sys.exit(problem)
    version, results = run(args.changes, args.rootfs)
    print(f"{'path':20} {'n':>4} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'max ms':>8}")
    for r in results:
        print(
            f"{r['path']:20} {r['n']:>4} {r['p50_ms']:>8} {r['p99_ms']:>8} "
            f"{r['mean_ms']:>8} {r['max_ms']:>8}"
        )
    major = version.split(".")[0]
    build = "legacy" if args.rootfs is None else "esm"
    target = write_json(
        "gnome_label.json" if args.rootfs is None else f"gnome_label-{major}.json",
        {
            "gnome_shell": f"{version} (headless, {build} build)",
            "changes": args.changes,
            "results": results,
        },
    )
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
