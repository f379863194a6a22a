/* The planning board's interactions (templates/admin/bookings/booking/planning.html). The board
   works without this file: every empty cell is a link to its explanation page, every move has
   its "Move…" form. With it:
   - an empty cell (click, or Enter once reached with the arrow keys) opens its explanation in a
     panel ("Book here", "Why is this not free?"): the same page as a fragment (fragment=1);
     an answer that is not the fragment (an error, a redirect to the sign-in page) opens the
     cell's own page instead;
   - a booking block is dragged to another start and/or resource, snapping to the grid's cells;
     the drop posts the board's move form (CSRF token included) and the board reloads with the
     outcome (moved, or why not: the board is then unchanged).
   No inline handler, no library: CSP-friendly. */
(function () {
  "use strict";

  var grid = document.querySelector(".planning-grid[data-cells]");
  if (!grid) return;
  var panel = document.getElementById("planning-panel");
  var moveForm = document.getElementById("planning-move-form");
  var opener = null;

  /* The panel */

  function closePanel() {
    panel.hidden = true;
    panel.innerHTML = "";
    if (opener) opener.focus();
    opener = null;
  }

  function openPanel(cell) {
    opener = cell;
    panel.hidden = false;
    panel.setAttribute("aria-busy", "true");
    var track = cell.closest(".planning-row");
    track.insertAdjacentElement("afterend", panel);
    fetch(cell.href + "&fragment=1", { credentials: "same-origin" })
      .then(function (response) {
        // An expired session is redirected to the sign-in page, an error is not the panel:
        // the cell's own page shows either as a page (and signs in back to it).
        if (!response.ok || response.redirected) throw new Error("not the panel");
        return response.text();
      })
      .then(function (html) {
        panel.innerHTML = html;
        panel.removeAttribute("aria-busy");
        panel.focus();
      })
      .catch(function () { window.location.href = cell.href; });
  }

  grid.addEventListener("click", function (event) {
    var cell = event.target.closest(".planning-cell");
    if (!cell || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    openPanel(cell);
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close]") && panel.contains(event.target)) closePanel();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) closePanel();
  });

  /* The cells: one tab stop per row, the arrow keys move between cells (and rows). */

  var rows = Array.prototype.slice.call(grid.querySelectorAll(".planning-row[data-resource-pk]"));
  function cellsOf(row) {
    return Array.prototype.slice.call(row.querySelectorAll(".planning-cell"));
  }
  rows.forEach(function (row) {
    cellsOf(row).forEach(function (cell, index) {
      cell.tabIndex = index === 0 ? 0 : -1;
    });
  });
  grid.addEventListener("keydown", function (event) {
    var cell = event.target.closest(".planning-cell");
    if (!cell) return;
    var row = cell.closest(".planning-row");
    var cells = cellsOf(row);
    var index = cells.indexOf(cell);
    var rowIndex = rows.indexOf(row);
    var target = null;
    if (event.key === "ArrowRight") target = cells[index + 1];
    else if (event.key === "ArrowLeft") target = cells[index - 1];
    else if (event.key === "Home") target = cells[0];
    else if (event.key === "End") target = cells[cells.length - 1];
    else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var other = rows[rowIndex + (event.key === "ArrowDown" ? 1 : -1)];
      if (other) {
        var next = cellsOf(other);
        target = next[Math.min(index, next.length - 1)];
      }
    }
    if (!target) return;
    event.preventDefault();
    cell.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  });

  /* Drag and drop */

  var dragged = null;
  var grab = 0;
  var shown = null;

  function cellAt(row, clientX) {
    // The cell where the block's left edge would land: the nearest start of the grid.
    var track = row.querySelector(".planning-track");
    var box = track.getBoundingClientRect();
    var percent = ((clientX - grab - box.left) / box.width) * 100;
    var best = null;
    var distance = Infinity;
    cellsOf(row).forEach(function (cell) {
      var gap = Math.abs(parseFloat(cell.style.left) - percent);
      if (gap < distance) { distance = gap; best = cell; }
    });
    return best;
  }

  function mark(cell) {
    if (shown === cell) return;
    if (shown) shown.classList.remove("planning-drop");
    shown = cell;
    if (cell) cell.classList.add("planning-drop");
  }

  grid.querySelectorAll(".planning-block[data-move-url]").forEach(function (block) {
    block.draggable = true;
    block.addEventListener("dragstart", function (event) {
      dragged = block;
      grab = event.clientX - block.getBoundingClientRect().left;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", block.dataset.booking);
      window.setTimeout(function () { grid.classList.add("planning-dragging"); }, 0);
    });
    block.addEventListener("dragend", function () {
      grid.classList.remove("planning-dragging");
      mark(null);
      dragged = null;
    });
  });

  grid.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var row = event.target.closest(".planning-row[data-resource-pk]");
    var cell = row && cellAt(row, event.clientX);
    if (!cell) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    mark(cell);
  });

  grid.addEventListener("drop", function (event) {
    if (!dragged) return;
    var row = event.target.closest(".planning-row[data-resource-pk]");
    var cell = row && cellAt(row, event.clientX);
    if (!cell) return;
    event.preventDefault();
    var block = dragged;
    var resource = row.dataset.resourcePk;
    var sameRow = block.closest(".planning-row") === row;
    if (sameRow && Date.parse(cell.dataset.start) === Date.parse(block.dataset.start)) return;
    moveForm.action = block.dataset.moveUrl;
    moveForm.elements.resource.value = resource;
    moveForm.elements.start.value = cell.dataset.start;
    grid.classList.add("planning-moving");
    moveForm.submit();
  });
})();
