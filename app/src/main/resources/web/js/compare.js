// Compare page: the start form's evaluation choice and time estimate; a comparison's learning curve (uPlot).
(function () {
  const form = document.getElementById('compare-form');
  if (form) {
    const kfold = document.getElementById('cmp-kfold');
    const split = document.getElementById('cmp-split');
    const options = document.getElementById('cmp-kfold-options');
    const dataset = document.getElementById('cmp-dataset');
    const estimate = document.getElementById('cmp-estimate');
    function toggle() { options.hidden = !kfold.checked; }
    let timer = null;
    function refresh() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const params = new URLSearchParams();
        new FormData(form).forEach(function (v, k) { if (typeof v === 'string' && k !== '_csrf') params.append(k, v); });
        fetch('/compare/estimate?' + params.toString()).then(r => r.ok ? r.text() : '').then(function (t) {
          estimate.textContent = t;
        }).catch(function () { estimate.textContent = ''; });
      }, 250);
    }
    dataset.addEventListener('change', function () {
      // k-fold by default on small datasets, where one split ranks mostly noise
      const n = Number(dataset.selectedOptions[0].dataset.labelled || 0);
      (n < 2000 ? kfold : split).checked = true;
      toggle();
    });
    form.addEventListener('change', function () { toggle(); refresh(); });
    form.addEventListener('input', refresh);
    toggle();
    refresh();
  }

  // a running comparison: show the leaderboard once its job has finished
  document.addEventListener('htmx:afterSwap', function (e) {
    const p = document.getElementById('cv-progress');
    if (p && p.dataset.finished === 'true' && p.dataset.hasBoard === 'true' && !document.getElementById('cv-leaderboard')) {
      window.location.reload();
    }
  });

  const curve = document.getElementById('cv-curve');
  if (curve && window.uPlot) {
    const points = JSON.parse(curve.dataset.curve || '[]');
    const names = [];
    const xs = [];
    points.forEach(function (p) {
      if (names.indexOf(p.candidate) < 0) names.push(p.candidate);
      const x = Math.round(p.trainRecordings * 10) / 10;
      if (xs.indexOf(x) < 0) xs.push(x);
    });
    xs.sort((a, b) => a - b);
    const colours = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#5d4037', '#ad1457'];
    const data = [xs];
    const series = [{ label: 'training recordings' }];
    names.forEach(function (n, k) {
      const col = colours[k % colours.length];
      ['macroF1', 'low', 'high'].forEach(function (field) {
        data.push(xs.map(function (x) {
          const p = points.find(q => q.candidate === n && Math.round(q.trainRecordings * 10) / 10 === x);
          return p ? p[field] : null;
        }));
        series.push(field === 'macroF1'
          ? { label: n, stroke: col, width: 2, points: { show: true, size: 7 } }
          : { label: n + (field === 'low' ? ' (CI low)' : ' (CI high)'), stroke: col, width: 1, dash: [4, 4], points: { show: false } });
      });
    });
    const opts = {
      width: Math.max(320, curve.clientWidth || 560), height: 300, series: series,
      scales: { x: { time: false } },
      axes: [{ label: 'recordings trained on (per fold)' }, { label: 'macro F1' }],
      legend: { live: false }
    };
    new window.uPlot(opts, data, curve);
    curve.dataset.drawn = String(names.length);
  }
})();
