/* Drillbit report: timeline charts (uPlot). Reads the JSON data block; never touches markup from data. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('drillbit-data').textContent);
  var MARKERS = {
    'deploy': { color: '#2563eb', dash: [], width: 1.5 },
    'deploy-rejected': { color: '#b91c1c', dash: [6, 3], width: 2 },
    'fault': { color: '#c026d3', dash: [], width: 1.5 },
    'revert': { color: '#c026d3', dash: [2, 3], width: 1.5 },
    'guard': { color: '#ea580c', dash: [], width: 2 },
    'rollback-start': { color: '#7c3aed', dash: [4, 3], width: 1.5 },
    'rollback': { color: '#7c3aed', dash: [], width: 2 },
    'restored': { color: '#15803d', dash: [], width: 2.5 },
    'abort': { color: '#4b5563', dash: [8, 4], width: 2 }
  };
  var charts = [];

  function markerPlugin(chart, numbered, wrapper) {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx, box = u.bbox, dpr = window.devicePixelRatio || 1;
          var drawn = 0, lastX = -Infinity, row = 0;
          ctx.save();
          chart.markers.forEach(function (m, i) {
            var style = MARKERS[m.kind] || MARKERS.deploy;
            var x = Math.round(u.valToPos(m.tMs / 1000, 'x', true));
            if (x < box.left - 1 || x > box.left + box.width + 1) return;
            ctx.strokeStyle = style.color;
            ctx.lineWidth = style.width * dpr;
            ctx.setLineDash(style.dash.map(function (d) { return d * dpr; }));
            ctx.beginPath();
            ctx.moveTo(x, box.top);
            ctx.lineTo(x, box.top + box.height);
            ctx.stroke();
            drawn++;
            if (!numbered) return;
            // Markers milliseconds apart (guard, rollback start, rollback) get their numbers stacked.
            row = x - lastX < 16 * dpr ? row + 1 : 0;
            lastX = x;
            ctx.setLineDash([]);
            ctx.fillStyle = style.color;
            ctx.font = (10 * dpr) + 'px sans-serif';
            ctx.fillText(String(i + 1), x + 3 * dpr, box.top + (11 + row * 11) * dpr);
          });
          ctx.restore();
          wrapper.setAttribute('data-markers-drawn', String(drawn));
        }]
      }
    };
  }

  function columns(chart, keys) {
    if (chart.t.length > 0) return [chart.t].concat(keys.map(function (k) { return chart[k]; }));
    // No per-second traffic (e.g. a run rebuilt from its journal): an empty span, markers only.
    return [[0, chart.endMs / 1000]].concat(keys.map(function () { return [null, null]; }));
  }

  function baseOptions(chart, width, numbered, wrapper) {
    return {
      width: width,
      height: 190,
      cursor: { sync: { key: 'drillbit-' + chart.id } },
      scales: { x: { time: false, range: [0, Math.max(1, chart.endMs / 1000)] } },
      plugins: [markerPlugin(chart, numbered, wrapper)]
    };
  }

  function secondsAxis() {
    return { label: 'seconds into the drill', values: function (u, vals) { return vals.map(function (v) { return v + 's'; }); } };
  }

  function trafficChart(chart, el, width) {
    var opts = baseOptions(chart, width, true, el);
    opts.title = 'Traffic';
    opts.series = [
      { label: 't (s)' },
      { label: 'requests/s', scale: 'rps', stroke: '#334155', width: 1.5 },
      { label: 'error rate %', scale: 'pct', stroke: '#e11d48', fill: 'rgba(225,29,72,0.12)', width: 1.5 }
    ];
    opts.scales.rps = { range: function (u, min, max) { return [0, Math.max(1, (max || 0) * 1.1)]; } };
    opts.scales.pct = { range: [0, 100] };
    opts.axes = [secondsAxis(), { scale: 'rps', label: 'requests/s', size: 60 }, { scale: 'pct', side: 1, label: 'errors %', size: 60, grid: { show: false } }];
    return new uPlot(opts, columns(chart, ['requestsPerSecond', 'errorPercent']), el);
  }

  function latencyChart(chart, el, width) {
    var opts = baseOptions(chart, width, false, el);
    opts.title = 'Latency';
    opts.series = [
      { label: 't (s)' },
      { label: 'p50 ms', scale: 'ms', stroke: '#0891b2', width: 1.5 },
      { label: 'p95 ms', scale: 'ms', stroke: '#d97706', width: 1.5 },
      { label: 'p99 ms', scale: 'ms', stroke: '#9333ea', width: 1.5 }
    ];
    opts.scales.ms = { range: function (u, min, max) { return [0, Math.max(1, (max || 0) * 1.1)]; } };
    // A right axis too, so both panels share one plot width and their markers line up.
    opts.axes = [secondsAxis(), { scale: 'ms', label: 'latency ms', size: 60 }, { scale: 'ms', side: 1, label: 'ms', size: 60, grid: { show: false } }];
    return new uPlot(opts, columns(chart, ['p50Ms', 'p95Ms', 'p99Ms']), el);
  }

  function widthOf(el) {
    return Math.max(320, el.clientWidth || 0);
  }

  data.charts.forEach(function (chart) {
    var box = document.getElementById('chart-' + chart.id);
    if (!box) return;
    var traffic = box.querySelector('.chart-traffic');
    var latency = box.querySelector('.chart-latency');
    var width = widthOf(box);
    charts.push({ box: box, plots: [trafficChart(chart, traffic, width), latencyChart(chart, latency, width)] });
    box.setAttribute('data-rendered', 'true');
  });

  var pending = 0;
  window.addEventListener('resize', function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      charts.forEach(function (c) {
        var width = widthOf(c.box);
        c.plots.forEach(function (p) { p.setSize({ width: width, height: 190 }); });
      });
    });
  });
})();
