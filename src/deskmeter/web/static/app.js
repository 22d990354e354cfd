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

  // Left/right arrows step the period (the page's rel=prev / rel=next links).
  function arrows() {
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
        return;
      }
      var target = event.target;
      var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
      if (tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable)) {
        return;
      }
      var rel = event.key === "ArrowLeft" ? "prev" : event.key === "ArrowRight" ? "next" : "";
      if (!rel) {
        return;
      }
      var link = document.querySelector(".pager a[rel=" + rel + "]");
      if (link && link.href) {
        event.preventDefault();
        window.location.assign(link.href);
      }
    });
  }

  // Theme toggle: automatic (the system's) → dark → light, remembered in localStorage.
  var THEMES = ["auto", "dark", "light"];
  function currentTheme() {
    return document.documentElement.getAttribute("data-theme") || "auto";
  }
  function showTheme(button) {
    var theme = currentTheme();
    button.setAttribute("aria-label", "Colour theme: " + (theme === "auto" ? "automatic" : theme));
    button.setAttribute("title", "Theme: " + (theme === "auto" ? "automatic" : theme) + " (click to change)");
    button.textContent = theme === "dark" ? "☾" : theme === "light" ? "☀" : "◐";
  }
  function themeToggle() {
    var button = document.getElementById("theme-toggle");
    if (!button) {
      return;
    }
    showTheme(button);
    button.addEventListener("click", function () {
      var next = THEMES[(THEMES.indexOf(currentTheme()) + 1) % THEMES.length];
      if (next === "auto") {
        document.documentElement.removeAttribute("data-theme");
      } else {
        document.documentElement.setAttribute("data-theme", next);
      }
      try {
        if (next === "auto") {
          window.localStorage.removeItem("deskmeter-theme");
        } else {
          window.localStorage.setItem("deskmeter-theme", next);
        }
      } catch (e) {
        // storage disabled: the choice lasts for this page only
      }
      showTheme(button);
    });
  }

  // Today's numbers refresh while the page is open: fetch the page, swap the live part.
  function refresh() {
    var main = document.querySelector("main[data-refresh]");
    if (!main || !window.fetch || !window.DOMParser) {
      return;
    }
    var seconds = parseInt(main.getAttribute("data-refresh"), 10) || 60;
    window.setInterval(function () {
      if (document.visibilityState === "hidden") {
        return;
      }
      window.fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (!html) {
            return;
          }
          var fresh = new window.DOMParser().parseFromString(html, "text/html");
          var parts = document.querySelectorAll("[data-live]");
          for (var i = 0; i < parts.length; i++) {
            var replacement = fresh.getElementById(parts[i].id);
            if (replacement) {
              parts[i].innerHTML = replacement.innerHTML;
            }
          }
          main.setAttribute("data-refreshed", String(Date.now()));
        })
        .catch(function () {
          // offline for a moment: try again at the next interval
        });
    }, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    autosubmit();
    arrows();
    themeToggle();
    refresh();
    if (document.querySelector("[data-since]")) {
      window.setInterval(tick, 15000);
    }
  });
})();
