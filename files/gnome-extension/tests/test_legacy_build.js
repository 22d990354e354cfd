// The legacy build (GNOME Shell 42-44) after pack.sh's rewrite: its lib/ modules load as
// legacy GJS modules and behave like the ES module sources.
// Run (after pack.sh): gjs files/gnome-extension/tests/test_legacy_build.js BUILD_DIR/legacy

const {GLib} = imports.gi;
const System = imports.system;

const dir = ARGV[0];
if (!dir) {
    printerr('usage: gjs test_legacy_build.js BUILD_DIR/legacy');
    System.exit(2);
}
imports.searchPath.unshift(dir);

let failed = 0;
let count = 0;
function check(name, ok, detail = '') {
    count++;
    print(`${ok ? 'ok' : 'not ok'} ${count} - ${name}${ok ? '' : ` # ${detail}`}`);
    if (!ok)
        failed++;
}

const logic = imports.lib.logic;
check('the constants are exported', logic.TRACKER_BUS_NAME === 'dev.deskmeter.Tracker');
const iface = imports.lib.iface;
check('the embedded interface XML parses and names the interface and its members', (() => {
    const info = imports.gi.Gio.DBusNodeInfo.new_for_xml(iface.TRACKER_IFACE_XML)
        .lookup_interface(logic.TRACKER_IFACE_NAME);
    return info !== null && info.lookup_method('SetTask') !== null &&
        info.lookup_method('ReportWorkspace') !== null && info.lookup_signal('StateChanged') !== null &&
        info.lookup_property('CurrentTask') !== null;
})());
const short = logic.shortenTask('work/clients/acme-corporation/website/redesign-2026', 32);
check('shortenTask works', short === '\u2026/website/redesign-2026', short);
check('formatElapsed works', logic.formatElapsed(3900) === '1h 05m', logic.formatElapsed(3900));
const view = logic.viewOf(true, {Tracking: true, CurrentTask: 'a/b', Since: 1000}, 1000 + 61);
check('viewOf works', view.label === 'a/b \u00b7 1m', view.label);
check('not running', logic.viewOf(false, null, 0).label === logic.NOT_RUNNING_TEXT);

// The shell-facing modules cannot run outside GNOME Shell, but they must parse as scripts.
for (const file of ['extension.js', 'lib/indicator.js']) {
    const [, bytes] = GLib.file_get_contents(`${dir}/${file}`);
    const source = new TextDecoder().decode(bytes);
    let error = '';
    try {
        new Function(source);
    } catch (e) {
        error = String(e);
    }
    check(`${file} is valid legacy (non-module) JavaScript`, error === '', error);
}
check('indicator.js exports its class the legacy way',
    /^var DeskmeterIndicator = class DeskmeterIndicator/m.test(
        new TextDecoder().decode(GLib.file_get_contents(`${dir}/lib/indicator.js`)[1])));

print(`1..${count}`);
System.exit(failed ? 1 : 0);
