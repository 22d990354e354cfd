// Deskmeter dashboard: the few things that need a script (no inline scripts: strict CSP).
"use strict";

(function () {
  function formatDuration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) {
      return seconds + "s";
    }
    var minutes = Math.floor((seconds + 30) / 60);
    var hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    var mm = (minutes < 10 ? "0" : "") + minutes;
    return hours ? hours + "h " + mm + "m" : minutes + "m";
  }

  // The header's running time: keep it ticking while the page stays open.
  function tick() {
    var nodes = document.querySelectorAll("[data-since]");
    for (var i = 0; i < nodes.length; i++) {
      var since = Date.parse(nodes[i].getAttribute("data-since"));
      if (!isNaN(since)) {
        nodes[i].textContent = formatDuration((Date.now() - since) / 1000);
      }
    }
  }

  // Date and month pickers go to their page as soon as a value is chosen.
  function autosubmit() {
    var inputs = document.querySelectorAll("input[data-autosubmit]");
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].addEventListener("change", function (event) {
        if (event.target.value && event.target.form) {
          event.target.form.submit();
        }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    autosubmit();
    if (document.querySelector("[data-since]")) {
      window.setInterval(tick, 15000);
    }
  });
})();
