// Deskmeter panel indicator: the shell-free logic (no GNOME Shell, no GObject).
//
// Shared by both builds. This file is an ES module (GNOME Shell 45+ loads it as is); pack.sh
// turns it into a legacy GJS module for GNOME Shell 42-44 by dropping the `export` keywords
// (`export const` becomes `var`, which legacy imports expose). So: top-level `export function`
// and `export const` only, and no imports here.
//
// The unit tests (tests/test_logic.js) run it with plain `gjs -m`.

export const TRACKER_BUS_NAME = 'dev.deskmeter.Tracker';
export const TRACKER_OBJECT_PATH = '/dev/deskmeter/Tracker';
export const TRACKER_IFACE_NAME = 'dev.deskmeter.Tracker1';

// The same text as the Python service documents (deskmeter.dbus); a test keeps them in step.
export const TRACKER_IFACE_XML = `<node>
  <interface name="dev.deskmeter.Tracker1">
    <property name="Tracking" type="b" access="read"/>
    <property name="CurrentTask" type="s" access="read"/>
    <property name="CurrentTaskId" type="s" access="read"/>
    <property name="CurrentWorkspace" type="s" access="read"/>
    <property name="CurrentWorkspaceIndex" type="i" access="read"/>
    <property name="Since" type="x" access="read"/>
    <property name="RecentTasks" type="as" access="read"/>
    <property name="DashboardUrl" type="s" access="read"/>
    <property name="WorkspaceSource" type="s" access="read"/>
    <property name="Away" type="b" access="read"/>
    <property name="PendingAway" type="(xx)" access="read"/>
    <signal name="StateChanged">
      <arg name="task" type="s"/>
      <arg name="workspace" type="s"/>
      <arg name="workspace_index" type="i"/>
      <arg name="since" type="x"/>
    </signal>
    <method name="SetTask">
      <arg name="path" type="s" direction="in"/>
    </method>
    <method name="ReportWorkspace">
      <arg name="index" type="i" direction="in"/>
      <arg name="name" type="s" direction="in"/>
      <arg name="accepted" type="b" direction="out"/>
    </method>
    <method name="ResolveAway">
      <arg name="path" type="s" direction="in"/>
      <arg name="edit" type="s" direction="out"/>
    </method>
    <method name="ReportWorkspaceLost">
      <arg name="reason" type="s" direction="in"/>
      <arg name="accepted" type="b" direction="out"/>
    </method>
  </interface>
</node>
`;

export const DEFAULT_DASHBOARD_URL = 'http://127.0.0.1:8765/';
export const NOT_RUNNING_TEXT = 'Deskmeter not running';
export const NO_TASK_TEXT = '(no task)';
export const IDLE_TEXT = 'idle';
export const ELLIPSIS = '\u2026';
export const SEPARATOR = ' \u00b7 ';
// How many characters of task path the panel shows; the menu shows more.
export const LABEL_MAX_CHARS = 32;
export const MENU_MAX_CHARS = 60;
export const RECENT_MENU_SIZE = 8;

// Shorten a task path to at most `max` characters, keeping its last segments:
// "work/clients/acme/website/redesign" -> ".../website/redesign" (with a real ellipsis).
// A single over-long last segment keeps its end: "...ly-long-segment".
export function shortenTask(path, max = LABEL_MAX_CHARS) {
    const text = String(path ?? '');
    if (max < 2)
        throw new RangeError(`max must be at least 2, not ${max}`);
    if (text.length <= max)
        return text;
    const segments = text.split('/');
    let kept = segments[segments.length - 1];
    if (kept.length + 2 > max) // even the last segment with ".../" does not fit
        return ELLIPSIS + kept.slice(kept.length - (max - 1));
    for (let i = segments.length - 2; i >= 0; i--) {
        const longer = `${segments[i]}/${kept}`;
        if (longer.length + 2 > max)
            break;
        kept = longer;
    }
    return `${ELLIPSIS}/${kept}`;
}

// Time on a task, minute resolution: "0m", "7m", "1h 05m", "27h 00m". Negative (clock skew)
// counts as 0.
export function formatElapsed(seconds) {
    const total = Math.max(0, Math.floor(Number(seconds) || 0));
    const minutes = Math.floor(total / 60);
    const hours = Math.floor(minutes / 60);
    if (hours === 0)
        return `${minutes}m`;
    return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
}

// Seconds until the elapsed time shown next changes (the next whole minute since `since`),
// at least 1; the indicator wakes then and not before.
export function secondsUntilNextMinute(nowSeconds, sinceSeconds) {
    const elapsed = Math.max(0, Math.floor(nowSeconds - sinceSeconds));
    return 60 - (elapsed % 60) || 60;
}

const PROPERTY_DEFAULTS = {
    Tracking: false,
    CurrentTask: '',
    CurrentTaskId: '',
    CurrentWorkspace: '',
    CurrentWorkspaceIndex: -1,
    Since: 0,
    RecentTasks: [],
    DashboardUrl: '',
    WorkspaceSource: '',
};

// The tracker's properties as plain values, each of the right type (a missing or mistyped
// property takes its default), from an object of already unpacked values.
export function normalizeProperties(raw) {
    const props = {};
    for (const [name, fallback] of Object.entries(PROPERTY_DEFAULTS)) {
        const value = raw ? raw[name] : undefined;
        if (Array.isArray(fallback))
            props[name] = Array.isArray(value) ? value.map(String) : [];
        else if (typeof value === typeof fallback)
            props[name] = value;
        else if (typeof fallback === 'number' && typeof value === 'bigint')
            props[name] = Number(value);
        else
            props[name] = fallback;
    }
    return props;
}

// Everything the indicator shows, from whether the tracker owns its bus name (`running`), its
// properties, and the time now (Unix seconds).
export function viewOf(running, rawProps, nowSeconds) {
    const props = normalizeProperties(running ? rawProps : null);
    const dashboardUrl = props.DashboardUrl || DEFAULT_DASHBOARD_URL;
    if (!running) {
        return {
            state: 'not-running',
            label: NOT_RUNNING_TEXT,
            header: 'The tracker is not running: start `deskmeter track`',
            task: '',
            recent: [],
            dashboardUrl,
            tickIn: 0,
        };
    }
    const task = props.CurrentTask;
    const shown = task ? shortenTask(task) : NO_TASK_TEXT;
    const recent = props.RecentTasks.slice(0, RECENT_MENU_SIZE).map(path => ({
        path,
        label: shortenTask(path, MENU_MAX_CHARS),
        current: path === task,
    }));
    if (!props.Tracking || props.Since <= 0) {
        return {
            state: 'idle',
            label: `${shown}${SEPARATOR}${IDLE_TEXT}`,
            header: `${task || NO_TASK_TEXT}: not counting (no workspace reported)`,
            task,
            recent,
            dashboardUrl,
            tickIn: 0,
        };
    }
    const elapsed = formatElapsed(nowSeconds - props.Since);
    const where = props.CurrentWorkspace ? ` on ${props.CurrentWorkspace}` : '';
    return {
        state: 'tracking',
        label: `${shown}${SEPARATOR}${elapsed}`,
        header: `${task || NO_TASK_TEXT}${where} for ${elapsed}`,
        task,
        recent,
        dashboardUrl,
        tickIn: secondsUntilNextMinute(nowSeconds, props.Since),
    };
}

// Whether two views need the menu rebuilt (the recent list or its current mark changed).
export function recentChanged(before, after) {
    if (!before || before.recent.length !== after.recent.length)
        return true;
    return before.recent.some((item, i) =>
        item.path !== after.recent[i].path || item.current !== after.recent[i].current);
}
