// The funding line on a call's decisions page: moving it updates the summary and the rows at once,
// before anything is recorded. Without this script, the "Move the line" button reloads the page.
(function () {
  "use strict";
  var form = document.getElementById("funding-line-form");
  var summary = document.getElementById("line-summary");
  if (!form || !summary) { return; }
  var input = form.querySelector("input[name=line]");
  var envelope = parseFloat(form.dataset.envelope);
  var cumulatives = form.dataset.cumulatives ? form.dataset.cumulatives.split(" ").map(parseFloat) : [];
  var language = document.documentElement.lang || "fr";
  var money = new Intl.NumberFormat(language, { style: "currency", currency: "EUR" });
  var batchLine = document.querySelector("#batch-form input[name=line]");

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, name) { return values[name]; });
  }

  function update() {
    var line = Math.max(0, Math.min(parseInt(input.value, 10) || 0, cumulatives.length));
    var used = line > 0 ? cumulatives[line - 1] : 0;
    var exceeds = used > envelope + 0.001;
    var values = {
      count: line,
      used: money.format(used),
      envelope: money.format(envelope),
      remaining: money.format(envelope - used),
      excess: money.format(used - envelope)
    };
    summary.textContent = fill(exceeds ? summary.dataset.templateExceeds : summary.dataset.templateFits, values);
    summary.classList.toggle("text-danger", exceeds);
    document.querySelectorAll(".decision-row").forEach(function (row) {
      var rank = parseInt(row.dataset.rank, 10);
      row.classList.toggle("above-line", rank > 0 && rank <= line);
      row.classList.toggle("line-after", rank === line);
    });
    document.querySelectorAll(".funding-line-marker").forEach(function (marker) { marker.hidden = true; });
    if (batchLine) { batchLine.value = line; }
  }

  input.addEventListener("input", update);
})();
