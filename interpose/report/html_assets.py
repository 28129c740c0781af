"""The HTML page's inline style and script: filters and sorting that run in the page, with nothing fetched.

The script reads what it needs from `data-*` attributes the renderer writes on each row (`level` as a
number, `source`, `distribution` as space-separated names, `limitation`) and on each cell (`data-sort`).
Filters hide rows with the `hidden` attribute, and a limitation's fold when none of its rows is left;
sorting orders the rows of the whole page by a column and each fold by its first row in that order.
"""

from __future__ import annotations

CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:20px;margin:0 0 4px}p.summary{color:#57606a;margin:0 0 16px}p.problems{font-size:16px;margin:8px 0}
table{border-collapse:collapse;width:100%;margin:4px 0 12px}
th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" \\25B2"}
th[aria-sort=descending]::after{content:" \\25BC"}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.code{font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:anywhere;min-width:12em}
td.time{font-size:12px}td.what{font-size:12px;min-width:18em;max-width:32em}
details.group .in-fold{display:none}
td.what code{display:block;background:#f6f8fa;padding:2px 4px;margin:2px 0;overflow-wrap:anywhere}
.lv-SEVERE{color:#cf222e;font-weight:600}.lv-WARNING{color:#9a6700}.lv-INFO{color:#0969da}
details.group{border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:4px 8px}
details.group>summary{cursor:pointer;padding:4px 0}summary .hint{color:#57606a}
#controls{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin:12px 0;position:sticky;top:0;
background:#fff;padding:6px 0;border-bottom:1px solid #d0d7de}
#controls fieldset{border:0;margin:0;padding:0}#controls legend{float:left;margin-right:6px;color:#57606a}
#controls button{border:1px solid #d0d7de;background:#f6f8fa;border-radius:12px;padding:1px 9px;margin:1px;
cursor:pointer}
#controls button[aria-pressed=true]{background:#0969da;color:#fff;border-color:#0969da}
svg text{font:12px ui-monospace,monospace;fill:#1b1f24}
"""

SCRIPT = """
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.row"));
  var groups = document.getElementById("groups");
  if (!groups) return;  // no rows: no controls
  var state = {level: 0, source: "", distribution: "*", limitation: ""};
  function matches(row) {
    var d = row.dataset;
    if (Number(d.level) < state.level) return false;
    if (state.source && d.source !== state.source && !(d.source === "both" && state.source !== "both")) return false;
    if (state.distribution !== "*") {
      var names = d.distribution ? d.distribution.split(" ") : [];
      if (state.distribution === "" ? names.length > 0 : names.indexOf(state.distribution) < 0) return false;
    }
    var wanted = state.limitation.trim();
    if (wanted) {
      var prefix = wanted.replace(/\\.+$/, "") + ".";
      if (d.limitation !== wanted && d.limitation.indexOf(prefix) !== 0) return false;
    }
    return true;
  }
  function apply() {
    var shown = 0;
    rows.forEach(function (row) { var ok = matches(row); row.hidden = !ok; if (ok) shown++; });
    document.querySelectorAll(".group").forEach(function (group) {
      group.hidden = !group.querySelector("tr.row:not([hidden])");
    });
    document.getElementById("shown").textContent = shown + " of " + rows.length + " rows shown";
  }
  document.querySelectorAll("#controls button").forEach(function (button) {
    button.addEventListener("click", function () {
      var filter = button.dataset.filter;
      state[filter] = filter === "level" ? Number(button.dataset.value) : button.dataset.value;
      document.querySelectorAll('#controls button[data-filter="' + filter + '"]').forEach(function (other) {
        other.setAttribute("aria-pressed", String(other === button));
      });
      apply();
    });
  });
  document.getElementById("limitation-filter").addEventListener("input", function (event) {
    state.limitation = event.target.value;
    apply();
  });
  function value(row, column) {
    var cell = row.cells[column];
    return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent;
  }
  var sorted = {column: -1, descending: false};
  document.querySelectorAll("th[data-column]").forEach(function (header) {
    header.addEventListener("click", function () {
      var column = Number(header.dataset.column), numeric = header.dataset.type === "number";
      sorted.descending = sorted.column === column ? !sorted.descending : numeric && column > 0;
      sorted.column = column;
      var order = rows.slice().sort(function (a, b) {
        var x = value(a, column), y = value(b, column);
        var by = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
        by = sorted.descending ? -by : by;
        return by || Number(a.cells[0].dataset.sort) - Number(b.cells[0].dataset.sort);
      });
      var placed = [];
      order.forEach(function (row) {
        var group = row.closest(".group");
        if (placed.indexOf(group) < 0) { placed.push(group); groups.appendChild(group); }
        row.parentNode.appendChild(row);
      });
      document.querySelectorAll("th[data-column]").forEach(function (other) {
        if (Number(other.dataset.column) === column) {
          other.setAttribute("aria-sort", sorted.descending ? "descending" : "ascending");
        } else {
          other.removeAttribute("aria-sort");
        }
      });
    });
  });
  apply();
})();
"""
