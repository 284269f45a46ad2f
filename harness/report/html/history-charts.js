/* Drillbit history: trend charts (uPlot). Reads the JSON data block; never touches markup from data. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('drillbit-data').textContent);
  var PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563', '#65a30d', '#9333ea'];
  var plots = [];

  function width(el) { return Math.max(320, el.clientWidth || 0); }

  function passRate(el) {
    var opts = {
      width: width(el), height: 220,
      scales: { pct: { range: [0, 100] } },
      series: [{ label: 'run start' }, { label: 'pass rate %', scale: 'pct', stroke: '#15803d', fill: 'rgba(21,128,61,0.10)', width: 2, points: { show: true, size: 7 } }],
      axes: [{}, { scale: 'pct', label: 'pass rate %', size: 60 }]
    };
    return new uPlot(opts, [data.t, data.passRatePercent], el);
  }

  function ttr(el) {
    var series = [{ label: 'run start' }].concat(data.scenarios.map(function (name, i) {
      return { label: name, scale: 'ms', stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: false, points: { show: true, size: 6 } };
    }));
    var opts = {
      width: width(el), height: 260,
      scales: { ms: { range: function (u, min, max) { return [0, Math.max(1, (max || 0) * 1.1)]; } } },
      series: series,
      axes: [{}, { scale: 'ms', label: 'time to restore (ms)', size: 70 }]
    };
    return new uPlot(opts, [data.t].concat(data.ttrMs), el);
  }

  [['chart-pass-rate', passRate], ['chart-ttr', ttr]].forEach(function (pair) {
    var el = document.getElementById(pair[0]);
    if (!el) return;
    plots.push({ el: el, plot: pair[1](el) });
    el.setAttribute('data-rendered', 'true');
  });

  window.addEventListener('resize', function () {
    plots.forEach(function (p) { p.plot.setSize({ width: width(p.el), height: p.plot.height }); });
  });
})();
