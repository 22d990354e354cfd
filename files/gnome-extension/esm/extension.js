// Deskmeter panel indicator: entry point for GNOME Shell 45 and later (ES modules).
//
// Thin on purpose: everything lives in lib/ (shared with the legacy build for 42-44).

import Clutter from 'gi://Clutter';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Meta from 'gi://Meta';
import St from 'gi://St';

import * as Main from 'resource:///org/gnome/shell/ui/main.js';
import * as PanelMenu from 'resource:///org/gnome/shell/ui/panelMenu.js';
import * as PopupMenu from 'resource:///org/gnome/shell/ui/popupMenu.js';
import {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';

import {DeskmeterIndicator} from './lib/indicator.js';

export default class DeskmeterExtension extends Extension {
    enable() {
        this._indicator = new DeskmeterIndicator(
            {Clutter, Gio, GLib, Meta, St, Main, PanelMenu, PopupMenu}, this.uuid);
    }

    disable() {
        if (this._indicator)
            this._indicator.destroy();
        this._indicator = null;
    }
}
