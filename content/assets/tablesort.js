/* Table sorting for the Service Pledge Tracker. Written for this site (MIT, same licence as the project);
   no dependency, no request. Progressive enhancement: without JavaScript the tables are plain and readable.
   Every <table data-sortable> gets a button in each column header; aria-sort tells the state. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    if (cell.hasAttribute("data-sort-value")) return cell.getAttribute("data-sort-value");
    return (cell.textContent || "").trim();
  }

  function asNumber(text) {
    if (text === "" || text === null) return null;
    var cleaned = String(text).replace(/[^0-9.,\-]/g, "");
    if (cleaned === "" || cleaned === "-") return null;
    if (cleaned.indexOf(",") > -1 && cleaned.indexOf(".") > -1) cleaned = cleaned.replace(/\./g, "").replace(",", ".");
    else cleaned = cleaned.replace(",", ".");
    var value = parseFloat(cleaned);
    return isNaN(value) ? null : value;
  }

  function sortTable(table, header, index) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = header.getAttribute("data-sort") === "number";
    var keyed = rows.map(function (row, position) {
      var raw = cellValue(row, index);
      return { row: row, position: position, empty: raw === "", key: numeric ? asNumber(raw) : raw.toLowerCase() };
    });
    keyed.sort(function (a, b) {
      var aEmpty = a.empty || a.key === null, bEmpty = b.empty || b.key === null;
      if (aEmpty !== bEmpty) return aEmpty ? 1 : -1; /* blanks always last */
      if (!aEmpty && a.key !== b.key) {
        var order = numeric ? a.key - b.key : a.key.localeCompare(b.key, document.documentElement.lang || undefined, { numeric: true });
        if (order !== 0) return ascending ? order : -order;
      }
      return a.position - b.position; /* stable */
    });
    keyed.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function setup(table) {
    if (table.getAttribute("data-sortable-ready") || !table.tHead || !table.tHead.rows.length) return;
    table.setAttribute("data-sortable-ready", "1");
    var label = document.documentElement.lang === "nl" ? "Sorteer op deze kolom" : "Sort by this column";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pt-sort";
      button.title = label;
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      header.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () { sortTable(table, header, index); });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), setup);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
