// Deskmeter panel indicator: the part that touches GNOME Shell, shared by both builds.
//
// It imports nothing from the shell itself: each entry point (legacy/extension.js for 42-44,
// esm/extension.js for 45+) passes the modules in (`shell` = {Clutter, Gio, GLib, Meta, St,
// Main, PanelMenu, PopupMenu}), because the two formats import them differently.
//
// Never blocks the shell: the proxy is created asynchronously, every call is asynchronous,
// updates arrive as PropertiesChanged signals, and the only timer fires when the minute shown
// changes.

import {
    NOT_RUNNING_TEXT, TRACKER_BUS_NAME, TRACKER_IFACE_NAME, TRACKER_OBJECT_PATH, recentChanged,
    viewOf,
} from './logic.js';
// Written by pack.sh from src/deskmeter/dbus/dev.deskmeter.Tracker1.xml (not in the sources).
import {TRACKER_IFACE_XML} from './iface.js';

const PROPERTY_NAMES = [
    'Tracking', 'CurrentTask', 'CurrentTaskId', 'CurrentWorkspace', 'CurrentWorkspaceIndex',
    'Since', 'RecentTasks', 'DashboardUrl', 'WorkspaceSource', 'PendingAway',
];
// How many recent tasks the away section offers.
const AWAY_CHOICES = 3;
const CALL_TIMEOUT_MS = 5000;

export class DeskmeterIndicator {
    constructor(shell, uuid) {
        const {Clutter, Gio, PanelMenu, PopupMenu, St, Main} = shell;
        this._shell = shell;
        this._uuid = uuid;
        this._proxy = null;
        this._proxySignals = [];
        this._tickId = 0;
        this._view = null;
        this._cancellable = new Gio.Cancellable();

        this.button = new PanelMenu.Button(0.0, 'Deskmeter', false);
        this.label = new St.Label({
            text: NOT_RUNNING_TEXT,
            y_align: Clutter.ActorAlign.CENTER,
            style_class: 'deskmeter-label',
        });
        this.button.add_child(this.label);

        this._header = new PopupMenu.PopupMenuItem('', {reactive: false});
        this.button.menu.addMenuItem(this._header);
        this.button.menu.addMenuItem(new PopupMenu.PopupSeparatorMenuItem('Switch task'));
        this._recentSection = new PopupMenu.PopupMenuSection();
        this.button.menu.addMenuItem(this._recentSection);
        // After an away stretch: keep it as away, or give it to a task (one click, no dialog).
        this._awaySection = new PopupMenu.PopupMenuSection();
        this._awayKey = '';
        this.button.menu.addMenuItem(this._awaySection);
        this.button.menu.addMenuItem(new PopupMenu.PopupSeparatorMenuItem());
        const dashboard = new PopupMenu.PopupMenuItem('Open dashboard');
        dashboard.connect('activate', () => this._openDashboard());
        this.button.menu.addMenuItem(dashboard);

        Main.panel.addToStatusArea(uuid, this.button);
        this._render();

        const workspaceManager = global.workspace_manager;
        this._workspaceSignal = workspaceManager.connect('active-workspace-changed',
            () => this._reportWorkspace());

        const info = Gio.DBusNodeInfo.new_for_xml(TRACKER_IFACE_XML)
            .lookup_interface(TRACKER_IFACE_NAME);
        Gio.DBusProxy.new(
            Gio.DBus.session,
            Gio.DBusProxyFlags.DO_NOT_AUTO_START,
            info,
            TRACKER_BUS_NAME,
            TRACKER_OBJECT_PATH,
            TRACKER_IFACE_NAME,
            this._cancellable,
            (_source, result) => this._onProxyReady(result));
    }

    destroy() {
        // Tell the tracker before going: a disabled extension (e.g. the screen locked) is not
        // counted as work. Fire and forget, so no cancellable.
        if (this._proxy && this._proxy.g_name_owner)
            this._call('ReportWorkspaceLost', '(s)', ['the GNOME Shell extension was disabled'], null);
        this._cancellable.cancel();
        this._stopTick();
        global.workspace_manager.disconnect(this._workspaceSignal);
        for (const id of this._proxySignals)
            this._proxy.disconnect(id);
        this._proxySignals = [];
        this._proxy = null;
        this.button.destroy();
        this.button = null;
        this.label = null;
    }

    // -- D-Bus ------------------------------------------------------------------------------

    _onProxyReady(result) {
        const {Gio} = this._shell;
        let proxy;
        try {
            proxy = Gio.DBusProxy.new_finish(result);
        } catch (e) {
            if (!e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
                console.warn(`Deskmeter: cannot create the tracker proxy: ${e.message}`);
            return;
        }
        this._proxy = proxy;
        // The tracker comes and goes: the proxy follows its bus name (g-name-owner is null
        // while nobody owns it) and reloads the properties when it comes back.
        this._proxySignals.push(
            proxy.connect('g-properties-changed', () => this._render()),
            proxy.connect('notify::g-name-owner', () => {
                this._render();
                this._reportWorkspace();
            }));
        this._render();
        this._reportWorkspace();
    }

    _properties() {
        const props = {};
        for (const name of PROPERTY_NAMES) {
            const value = this._proxy.get_cached_property(name);
            if (value !== null)
                props[name] = value.deepUnpack();
        }
        return props;
    }

    _call(method, signature, args, cancellable) {
        const {Gio, GLib} = this._shell;
        const proxy = this._proxy;
        proxy.call(method, new GLib.Variant(signature, args), Gio.DBusCallFlags.NO_AUTO_START,
            CALL_TIMEOUT_MS, cancellable, (_proxy, result) => {
                try {
                    proxy.call_finish(result);
                } catch (e) {
                    if (!e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
                        console.warn(`Deskmeter: ${method} failed: ${e.message}`);
                }
            });
    }

    _reportWorkspace() {
        if (!this._proxy || !this._proxy.g_name_owner)
            return;
        const {Meta} = this._shell;
        const index = global.workspace_manager.get_active_workspace_index();
        const name = Meta.prefs_get_workspace_name(index) ?? '';
        this._call('ReportWorkspace', '(is)', [index, name], this._cancellable);
    }

    setTask(path) {
        if (this._proxy && this._proxy.g_name_owner)
            this._call('SetTask', '(s)', [path], this._cancellable);
    }

    // -- view -------------------------------------------------------------------------------

    _render() {
        if (!this.label)
            return;
        const {GLib} = this._shell;
        const running = Boolean(this._proxy && this._proxy.g_name_owner);
        const now = GLib.get_real_time() / 1e6;
        const view = viewOf(running, running ? this._properties() : null, now);
        this.label.text = view.label;
        this._header.label.text = view.header;
        if (recentChanged(this._view, view))
            this._rebuildRecent(view);
        this._rebuildAway(running ? this._properties() : null);
        this._view = view;
        this._stopTick();
        if (view.tickIn > 0) {
            this._tickId = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, view.tickIn, () => {
                this._tickId = 0;
                this._render();
                return GLib.SOURCE_REMOVE;
            });
        }
    }

    _rebuildRecent(view) {
        const {PopupMenu} = this._shell;
        this._recentSection.removeAll();
        for (const item of view.recent) {
            const menuItem = new PopupMenu.PopupMenuItem(item.label);
            if (item.current)
                menuItem.setOrnament(PopupMenu.Ornament.DOT);
            menuItem.connect('activate', () => this.setTask(item.path));
            this._recentSection.addMenuItem(menuItem);
        }
    }

    _rebuildAway(props) {
        const pending = props && props.PendingAway ? props.PendingAway : [0, 0];
        const seconds = Number(pending[1] ?? 0);
        const recent = props && props.RecentTasks ? props.RecentTasks.slice(0, AWAY_CHOICES) : [];
        const key = seconds > 0 ? `${pending[0]}:${seconds}:${recent.join('|')}` : '';
        if (key === this._awayKey)
            return;
        this._awayKey = key;
        this._awaySection.removeAll();
        if (!key)
            return;
        const {PopupMenu} = this._shell;
        const minutes = Math.max(1, Math.round(seconds / 60));
        this._awaySection.addMenuItem(new PopupMenu.PopupSeparatorMenuItem(`Away ${minutes} min`));
        const keep = new PopupMenu.PopupMenuItem('Keep as away');
        keep.connect('activate', () => this.resolveAway(''));
        this._awaySection.addMenuItem(keep);
        for (const path of recent) {
            const item = new PopupMenu.PopupMenuItem(`Assign to ${path}`);
            item.connect('activate', () => this.resolveAway(path));
            this._awaySection.addMenuItem(item);
        }
    }

    resolveAway(path) {
        if (this._proxy && this._proxy.g_name_owner)
            this._call('ResolveAway', '(s)', [path], this._cancellable);
    }

    _stopTick() {
        if (this._tickId) {
            this._shell.GLib.source_remove(this._tickId);
            this._tickId = 0;
        }
    }

    _openDashboard() {
        const {Gio} = this._shell;
        const url = this._view ? this._view.dashboardUrl : null;
        if (!url)
            return;
        try {
            Gio.AppInfo.launch_default_for_uri(url, global.create_app_launch_context(0, -1));
        } catch (e) {
            console.warn(`Deskmeter: cannot open ${url}: ${e.message}`);
        }
    }
}
