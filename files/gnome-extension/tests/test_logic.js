// Unit tests of the shell-free logic. Run: gjs -m files/gnome-extension/tests/test_logic.js
import {assertEqual, assertThrows, assertTrue, run, test} from './harness.js';
import {
    ELLIPSIS, LABEL_MAX_CHARS, NOT_RUNNING_TEXT, RECENT_MENU_SIZE,
    formatElapsed, normalizeProperties, recentChanged, secondsUntilNextMinute, shortenTask,
    viewOf,
} from '../lib/logic.js';

const NOW = 1_800_000_000;

function tracking(overrides = {}) {
    return {
        Tracking: true,
        CurrentTask: 'work/deskmeter/sync',
        CurrentTaskId: 'work/deskmeter/sync',
        CurrentWorkspace: 'Code',
        CurrentWorkspaceIndex: 0,
        Since: NOW - 65 * 60,
        RecentTasks: ['work/deskmeter/sync', 'personal/books'],
        DashboardUrl: 'http://127.0.0.1:9000/',
        WorkspaceSource: 'gnome',
        ...overrides,
    };
}

test('a short task path is shown whole', () => {
    assertEqual(shortenTask('work/deskmeter/sync'), 'work/deskmeter/sync');
    assertEqual(shortenTask(''), '');
});

test('a long task path keeps its last segments behind an ellipsis', () => {
    const long = 'work/clients/acme-corporation/website/redesign-2026';
    const short = shortenTask(long, 32);
    assertEqual(short, `${ELLIPSIS}/website/redesign-2026`);
    assertTrue(short.length <= 32, `too long: ${short.length}`);
});

test('shortening never exceeds the limit for any cut', () => {
    const path = 'a/bb/ccc/dddd/eeeee/ffffff/ggggggg';
    for (let max = 2; max <= path.length + 2; max++) {
        const short = shortenTask(path, max);
        assertTrue(short.length <= max, `max ${max}: ${short} is ${short.length} long`);
        assertTrue(path.endsWith(short.replace(ELLIPSIS, '')), `max ${max}: ${short} is not a tail`);
    }
});

test('one over-long last segment keeps its end', () => {
    assertEqual(shortenTask('work/an-extremely-long-single-task-name', 12), `${ELLIPSIS}e-task-name`);
});

test('a limit below 2 is refused', () => {
    assertThrows(() => shortenTask('abc', 1), RangeError);
});

test('elapsed time is shown in minutes, then hours and minutes', () => {
    assertEqual(formatElapsed(0), '0m');
    assertEqual(formatElapsed(59), '0m');
    assertEqual(formatElapsed(60), '1m');
    assertEqual(formatElapsed(59 * 60 + 59), '59m');
    assertEqual(formatElapsed(3600), '1h 00m');
    assertEqual(formatElapsed(3600 + 5 * 60), '1h 05m');
    assertEqual(formatElapsed(27 * 3600), '27h 00m');
});

test('negative or garbage elapsed time counts as zero', () => {
    assertEqual(formatElapsed(-30), '0m');
    assertEqual(formatElapsed(NaN), '0m');
    assertEqual(formatElapsed(undefined), '0m');
});

test('the next tick is when the shown minute changes', () => {
    assertEqual(secondsUntilNextMinute(NOW, NOW), 60);
    assertEqual(secondsUntilNextMinute(NOW + 1, NOW), 59);
    assertEqual(secondsUntilNextMinute(NOW + 59.5, NOW), 1);
    assertEqual(secondsUntilNextMinute(NOW + 120, NOW), 60);
});

test('properties of the wrong type fall back to their defaults', () => {
    const props = normalizeProperties({Tracking: 'yes', Since: 12n, RecentTasks: 'x', CurrentTask: 3});
    assertEqual(props.Tracking, false);
    assertEqual(props.Since, 12);
    assertEqual(props.RecentTasks, []);
    assertEqual(props.CurrentTask, '');
    assertEqual(normalizeProperties(null).CurrentWorkspaceIndex, -1);
});

test('no tracker on the bus shows "not running" and an empty menu', () => {
    const view = viewOf(false, tracking(), NOW);
    assertEqual(view.state, 'not-running');
    assertEqual(view.label, NOT_RUNNING_TEXT);
    assertEqual(view.recent, []);
    assertEqual(view.tickIn, 0);
    assertEqual(view.dashboardUrl, 'http://127.0.0.1:8765/');
});

test('a tracking tracker shows the task and the time on it', () => {
    const view = viewOf(true, tracking(), NOW);
    assertEqual(view.state, 'tracking');
    assertEqual(view.label, 'work/deskmeter/sync \u00b7 1h 05m');
    assertEqual(view.header, 'work/deskmeter/sync on Code for 1h 05m');
    assertEqual(view.tickIn, 60);
    assertEqual(view.dashboardUrl, 'http://127.0.0.1:9000/');
});

test('the label shortens a long task', () => {
    const task = 'work/clients/acme-corporation/website/redesign-2026';
    const view = viewOf(true, tracking({CurrentTask: task}), NOW);
    assertTrue(view.label.startsWith(`${ELLIPSIS}/`), view.label);
    assertTrue(view.label.split(' \u00b7 ')[0].length <= LABEL_MAX_CHARS, view.label);
    assertEqual(view.header.split(' on ')[0], task);
});

test('a running tracker without a workspace is idle', () => {
    const view = viewOf(true, tracking({Tracking: false, Since: 0}), NOW);
    assertEqual(view.state, 'idle');
    assertEqual(view.label, 'work/deskmeter/sync \u00b7 idle');
    assertEqual(view.tickIn, 0);
});

test('no current task is shown as such', () => {
    assertEqual(viewOf(true, tracking({CurrentTask: ''}), NOW).label, '(no task) \u00b7 1h 05m');
});

test('the recent tasks menu marks the current task and is capped', () => {
    const many = Array.from({length: 20}, (_, i) => `t/${i}`);
    const view = viewOf(true, tracking({CurrentTask: 't/3', RecentTasks: many}), NOW);
    assertEqual(view.recent.length, RECENT_MENU_SIZE);
    assertEqual(view.recent.filter(item => item.current).map(item => item.path), ['t/3']);
});

test('the menu is rebuilt only when the recent list or its mark changes', () => {
    const a = viewOf(true, tracking(), NOW);
    const later = viewOf(true, tracking(), NOW + 600);
    const other = viewOf(true, tracking({CurrentTask: 'personal/books'}), NOW);
    assertTrue(recentChanged(null, a));
    assertTrue(!recentChanged(a, later));
    assertTrue(recentChanged(a, other));
});

run();
