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

  document.addEventListener("DOMContentLoaded", function () {
    heatmapToLatest();
    autosubmitSelects();
  });
})();
