// Deskmeter panel indicator: entry point for GNOME Shell 42, 43 and 44 (legacy imports).
//
// Thin on purpose: everything lives in lib/ (shared with the ES module build for 45+).
// pack.sh turns lib/*.js into legacy modules for this build.

/* exported init */

const {Clutter, Gio, GLib, Meta, St} = imports.gi;
const Main = imports.ui.main;
const PanelMenu = imports.ui.panelMenu;
const PopupMenu = imports.ui.popupMenu;
const ExtensionUtils = imports.misc.extensionUtils;

const Me = ExtensionUtils.getCurrentExtension();
const {DeskmeterIndicator} = Me.imports.lib.indicator;

class DeskmeterExtension {
    constructor(uuid) {
        this._uuid = uuid;
        this._indicator = null;
    }

    enable() {
        this._indicator = new DeskmeterIndicator(
            {Clutter, Gio, GLib, Meta, St, Main, PanelMenu, PopupMenu}, this._uuid);
    }

    disable() {
        if (this._indicator)
            this._indicator.destroy();
        this._indicator = null;
    }
}

function init(meta) {
    return new DeskmeterExtension(meta.uuid);
}
