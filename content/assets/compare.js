/* Compare up to four providers of one sector side by side, from the published JSON only
   (data/sectors/<sector>.json for ranks, scores and complaint rates; data/providers/<id>/pledges.json for
   the pledges and their latest verdicts). The choice lives in the address (?sector=…&p=a,b,c,d), so a
   comparison has a permalink. Every value is inserted as text, never as markup. */
(function () {
  "use strict";
  var box = document.getElementById("pt-compare");
  if (!box) return;
  var data = box.getAttribute("data-data"), root = box.getAttribute("data-root");
  var max = parseInt(box.getAttribute("data-max"), 10);
  var boards = JSON.parse(box.getAttribute("data-boards")), words = JSON.parse(box.getAttribute("data-words"));
  var sector = document.getElementById("pt-compare-sector");
  var pickers = [];
  for (var i = 0; i < max; i++) pickers.push(document.getElementById("pt-compare-p" + i));
  var out = box.querySelector(".pt-compare-out"), status = box.querySelector("[role=status]");
  var rows = [], cache = {};
  box.hidden = false;
  var fallback = document.querySelector(".pt-compare-fallback");
  if (fallback) fallback.hidden = true;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }
  function json(url) {
    if (!cache[url]) cache[url] = fetch(url).then(function (r) { if (!r.ok) throw new Error(url); return r.json(); });
    return cache[url];
  }
  function num(value, digits) {
    return value === null || value === undefined ? "—" : Number(value).toLocaleString(document.documentElement.lang, { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }
  function providers() {
    var seen = {}, list = [];
    rows.forEach(function (r) { if (!seen[r.provider]) { seen[r.provider] = r.provider_name; list.push([r.provider, r.provider_name]); } });
    list.sort(function (a, b) { return a[1].localeCompare(b[1]); });
    return list;
  }
  function fillPickers(chosen) {
    var list = providers();
    pickers.forEach(function (select, index) {
      select.textContent = "";
      select.appendChild(el("option", "—")).value = "";
      list.forEach(function (p) { var o = el("option", p[1]); o.value = p[0]; select.appendChild(o); });
      select.value = chosen[index] || "";
    });
  }
  function chosen() {
    var ids = [];
    pickers.forEach(function (s) { if (s.value && ids.indexOf(s.value) < 0) ids.push(s.value); });
    return ids;
  }
  function remember(ids) {
    var query = "?sector=" + encodeURIComponent(sector.value) + (ids.length ? "&p=" + ids.map(encodeURIComponent).join(",") : "");
    history.replaceState(null, "", query);
  }
  function verdictCounts(pledges) {
    var counts = {};
    pledges.forEach(function (p) { counts[p.latest_verdict] = (counts[p.latest_verdict] || 0) + 1; });
    var parts = [(counts.kept || 0) + " " + words.verdict.kept];
    words.order.forEach(function (v) { if (v !== "kept" && counts[v]) parts.push(counts[v] + " " + words.verdict[v]); });
    return pledges.length ? parts.join(" · ") : words.no_pledges;
  }
  function render() {
    var ids = chosen();
    remember(ids);
    out.textContent = "";
    if (!ids.length) { status.textContent = words.pick; return; }
    Promise.all(ids.map(function (id) { return json(data + "providers/" + encodeURIComponent(id) + "/pledges.json").catch(function () { return []; }); })).then(function (pledgeLists) {
      var table = el("table"), head = el("thead"), tr = el("tr");
      table.id = "pt-compare-table";
      table.appendChild(el("caption", words.caption));
      tr.appendChild(el("td"));
      ids.forEach(function (id) {
        var th = el("th"), a = el("a", (rows.filter(function (r) { return r.provider === id; })[0] || {}).provider_name || id);
        th.scope = "col"; a.href = root + "providers/" + encodeURIComponent(id) + "/"; th.appendChild(a); tr.appendChild(th);
      });
      head.appendChild(tr); table.appendChild(head);
      var body = el("tbody");
      function line(label, cell) {
        var row = el("tr"), th = el("th", label);
        th.scope = "row"; row.appendChild(th);
        ids.forEach(function (id, index) { var td = el("td"); cell(td, id, index); row.appendChild(td); });
        body.appendChild(row);
      }
      var boardIds = [];
      rows.forEach(function (r) { if (ids.indexOf(r.provider) >= 0 && boardIds.indexOf(r.board) < 0) boardIds.push(r.board); });
      boardIds.forEach(function (board) {
        var title = boards[board] || board;
        function row(id) { return rows.filter(function (r) { return r.board === board && r.provider === id; })[0]; }
        line(words.rank + ": " + title, function (td, id) {
          var r = row(id);
          if (!r) { td.textContent = "—"; return; }
          td.textContent = r.rank === null ? words.not_ranked + " " + (r.not_ranked_reason || "") : r.rank_label + (r.tied ? " (" + words.tied + ")" : "");
        });
        line(words.score + ": " + title, function (td, id) { var r = row(id); td.textContent = r ? num(r.score, 1) : "—"; });
        line(words.complaint_rate + ": " + title, function (td, id) {
          var r = row(id);
          td.textContent = r && r.complaint_rate_vs_average !== null ? num(r.complaint_rate_vs_average, 2) + " " + words.times_avg : "—";
        });
      });
      line(words.pledges, function (td, id, index) {
        var pledges = pledgeLists[index];
        td.appendChild(el("p", verdictCounts(pledges)));
        var ul = el("ul");
        pledges.forEach(function (p) {
          var li = el("li"), a = el("a", p.title);
          a.href = root + "pledges/" + encodeURIComponent(p.id) + "/";
          li.appendChild(a); li.appendChild(document.createTextNode(": "));
          li.appendChild(el("span", words.verdict[p.latest_verdict] || p.latest_verdict, "pt-verdict pt-v-" + p.latest_verdict));
          ul.appendChild(li);
        });
        if (pledges.length) td.appendChild(ul);
      });
      table.appendChild(body);
      out.appendChild(table);
      status.textContent = words.showing.replace("{count}", ids.length);
    });
  }
  function loadSector(ids) {
    return json(data + "sectors/" + encodeURIComponent(sector.value) + ".json").then(function (data) {
      rows = data; fillPickers(ids); render();
    }).catch(function () { rows = []; fillPickers([]); status.textContent = words.failed; });
  }
  var params = new URLSearchParams(window.location.search);
  if (params.get("sector")) sector.value = params.get("sector");
  var initial = (params.get("p") || "").split(",").filter(Boolean).slice(0, max);
  sector.addEventListener("change", function () { loadSector([]); });
  pickers.forEach(function (s) { s.addEventListener("change", render); });
  loadSector(initial);
})();
