/* Provider finder: type a provider or brand name, jump to its page. Loads one small index
   (data/finder.json: name, brands, url) on first use and filters it in memory on each keystroke;
   nothing is requested from any other host. Without JavaScript the form stays hidden and the
   "all providers A–Z" link beside it does the job. */
(function () {
  "use strict";
  var box = document.querySelector("[data-pt-finder]");
  if (!box) return;
  var form = box.querySelector("form");
  var input = box.querySelector("input");
  var list = box.querySelector("ul");
  var status = box.querySelector("[role=status]");
  var root = box.getAttribute("data-root");
  var rows = null, loading = null, MAX = 8;
  form.hidden = false;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function load() {
    if (!loading) {
      loading = fetch(box.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (data) {
        rows = data.map(function (row) {
          var keys = [row.name].concat(row.brands || []);
          return { name: row.name, url: row.url, keys: keys, folded: keys.map(fold) };
        });
      });
    }
    return loading;
  }
  // Rank: a key that starts with the query, then a word in a key that does, then any substring.
  function search(query) {
    var q = fold(query.trim()), hits = [];
    if (!q) return hits;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i], best = 9, via = null;
      for (var k = 0; k < row.folded.length; k++) {
        var key = row.folded[k], at = key.indexOf(q);
        if (at < 0) continue;
        var rank = at === 0 ? 0 : (/[\s\-–(&.]/.test(key.charAt(at - 1)) ? 1 : 2);
        if (k > 0) rank += 0.5;  // the name before a brand of the same rank
        if (rank < best) { best = rank; via = k > 0 ? row.keys[k] : null; }
      }
      if (best < 9) hits.push({ rank: best, row: row, via: via });
    }
    hits.sort(function (a, b) { return a.rank - b.rank || (a.row.name < b.row.name ? -1 : 1); });
    return hits;
  }
  function show() {
    var hits = search(input.value);
    list.textContent = "";
    hits.slice(0, MAX).forEach(function (hit) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = root + hit.row.url;
      a.textContent = hit.row.name;  // textContent: names are data, never markup
      li.appendChild(a);
      if (hit.via) {
        var via = document.createElement("small");
        via.textContent = " (" + hit.via + ")";
        li.appendChild(via);
      }
      list.appendChild(li);
    });
    status.textContent = input.value.trim() ? box.getAttribute(hits.length ? "data-found" : "data-none").replace("{count}", hits.length) : "";
    list.hidden = !hits.length;
  }
  input.addEventListener("focus", load);
  input.addEventListener("input", function () { load().then(show); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load().then(function () {
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { var a = list.querySelector("a"); if (a) { event.preventDefault(); a.focus(); } }
    if (event.key === "Escape") { input.value = ""; show(); }
  });
  list.addEventListener("keydown", function (event) {
    var current = document.activeElement.parentNode;
    if (event.key === "ArrowDown" && current.nextSibling) { event.preventDefault(); current.nextSibling.firstChild.focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (current.previousSibling ? current.previousSibling.firstChild : input).focus(); }
  });
})();
