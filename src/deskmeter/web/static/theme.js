// Deskmeter: apply the remembered colour theme before the page paints (no inline script).
"use strict";
(function () {
  try {
    var theme = window.localStorage.getItem("deskmeter-theme");
    if (theme === "dark" || theme === "light") {
      document.documentElement.setAttribute("data-theme", theme);
    }
  } catch (e) {
    // storage disabled: follow the system (prefers-color-scheme)
  }
})();
