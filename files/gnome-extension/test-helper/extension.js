// TESTS ONLY, never packed into the user builds (see pack.sh): GNOME Shell 43 has no
// --unsafe-mode flag, and without unsafe mode org.gnome.Shell.Eval and the Screenshot service
// refuse to answer, so the integration test enables this helper next to the real extension.

/* exported init */

class UnsafeModeHelper {
    enable() {
        global.context.unsafe_mode = true;
    }

    disable() {
        global.context.unsafe_mode = false;
    }
}

function init() {
    return new UnsafeModeHelper();
}
