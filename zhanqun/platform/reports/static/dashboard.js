/* Draws the dashboard's charts from the JSON the page carries (Chart.js, vendored). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var palette = ["#b71c1c", "#0550ae", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7d8c", "#57606a"];

  var pub = document.getElementById("chart-publications");
  if (pub) {
    var datasets = Object.keys(data.publications).map(function (slug, i) {
      return {type: "bar", label: data.names[slug] || slug, data: data.publications[slug],
              backgroundColor: palette[i % palette.length], stack: "sites"};
    });
    if (data.portal) {
      datasets.push({type: "line", label: data.labels.target, data: data.dates.map(function () { return data.target; }),
                     borderColor: "#57606a", borderDash: [6, 4], pointRadius: 0, borderWidth: 1});
    }
    new Chart(pub, {data: {labels: data.dates, datasets: datasets},
                    options: {responsive: true, interaction: {mode: "index", intersect: false},
                              scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}}}});
  }

  var findings = document.getElementById("chart-findings");
  if (findings) {
    new Chart(findings, {type: "line", data: {labels: data.findingDates, datasets: [
      {label: data.labels.open, data: data.findings.open, borderColor: "#0550ae", backgroundColor: "#0550ae"},
      {label: data.labels.veto, data: data.findings.veto, borderColor: "#b71c1c", backgroundColor: "#b71c1c"}
    ]}, options: {responsive: true, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}});
  }
})();
