// Issue 23: the year heat map opens on the days with data; keys t, ?, and the help overlay.
"use strict";

(function () {
  // A heat map wider than its box opens scrolled to the last day with time (or today).
  function heatmapToLatest() {
    var map = document.getElementById("heatmap");
    var box = map && map.closest(".scroll");
    if (!box || box.scrollWidth <= box.clientWidth) {
      return;
    }
    var cells = map.querySelectorAll("rect[data-seconds]");
    var last = null;
    for (var i = 0; i < cells.length; i++) {
      if (parseFloat(cells[i].getAttribute("data-seconds")) > 0) {
        last = cells[i];
      }
    }
    if (!last) {
      return;
    }
    var boxRect = box.getBoundingClientRect();
    var cellRect = last.getBoundingClientRect();
    box.scrollLeft = Math.max(0, cellRect.right - boxRect.left + box.scrollLeft - box.clientWidth + 24);
  }

  // A select marked data-autosubmit (the host picker) shows its choice at once.
  function autosubmitSelects() {
    var selects = document.querySelectorAll("select[data-autosubmit]");
    for (var i = 0; i < selects.length; i++) {
      selects[i].addEventListener("change", function (event) {
        if (event.target.form) {
          event.target.form.submit();
        }
      });
    }
  }

  // Drag across the day's timeline: the correction form takes that stretch (local time).
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  function localText(svg, ms) {
    // the wall clock of the view's start plus the minutes elapsed; across a change of the
    // clocks inside the view, an ISO time with its offset instead (the server reads both)
    var startMs = Date.parse(svg.getAttribute("data-start"));
    var endMs = Date.parse(svg.getAttribute("data-end"));
    var wallStart = Date.parse(svg.getAttribute("data-local-start") + ":00Z");
    var wallEnd = Date.parse(svg.getAttribute("data-local-end") + ":00Z");
    if (wallEnd - wallStart !== endMs - startMs) {
      return new Date(ms).toISOString().slice(0, 16) + "Z";
    }
    var wall = new Date(wallStart + (ms - startMs));
    return wall.getUTCFullYear() + "-" + pad(wall.getUTCMonth() + 1) + "-" + pad(wall.getUTCDate()) +
      " " + pad(wall.getUTCHours()) + ":" + pad(wall.getUTCMinutes());
  }
  function timelineSelect() {
    var svg = document.getElementById("timeline");
    var start = document.getElementById("edit-start");
    var end = document.getElementById("edit-end");
    if (!svg || !start || !end || !svg.getAttribute("data-start")) {
      return;
    }
    var left = parseFloat(svg.getAttribute("data-plot-left"));
    var right = parseFloat(svg.getAttribute("data-plot-right"));
    var width = parseFloat(svg.getAttribute("data-width"));
    var t0 = Date.parse(svg.getAttribute("data-start"));
    var t1 = Date.parse(svg.getAttribute("data-end"));
    function timeAt(clientX) {
      var box = svg.getBoundingClientRect();
      var x = (clientX - box.left) * width / box.width;
      var f = Math.min(1, Math.max(0, (x - left) / (right - left)));
      return Math.round((t0 + f * (t1 - t0)) / 60000) * 60000;
    }
    var from = null;
    svg.addEventListener("mousedown", function (event) {
      from = timeAt(event.clientX);
      event.preventDefault();
    });
    window.addEventListener("mouseup", function (event) {
      if (from === null) {
        return;
      }
      var to = timeAt(event.clientX);
      var lo = Math.min(from, to);
      var hi = Math.max(from, to);
      from = null;
      if (hi - lo < 60000) {
        return;
      }
      start.value = localText(svg, lo);
      end.value = localText(svg, hi);
      var form = document.getElementById("edit-form");
      form.classList.add("prefilled");
      form.scrollIntoView({ block: "nearest" });
      var what = form.querySelector("select[name=op]");
      if (what) {
        what.focus();
      }
    });
    svg.classList.add("selectable");
  }

  // Keys: t today, ← → the period (app.js), ? this help.
  function typing(target) {
    var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    return tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable);
  }
  function keys() {
    var help = document.getElementById("key-help");
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
        return;
      }
      if (event.key === "Escape" && help && !help.hidden) {
        help.hidden = true;
        return;
      }
      if (event.key === "?" && help) {
        help.hidden = !help.hidden;
        if (!help.hidden) {
          help.querySelector("button").focus();
        }
        event.preventDefault();
        return;
      }
      if (event.key === "t" && !event.shiftKey) {
        var today = document.querySelector("[data-today-link]");
        if (today) {
          event.preventDefault();
          window.location.assign(today.getAttribute("href"));
        }
      }
    });
    if (help) {
      help.querySelector("button").addEventListener("click", function () {
        help.hidden = true;
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    heatmapToLatest();
    autosubmitSelects();
    timelineSelect();
    keys();
  });
})();
