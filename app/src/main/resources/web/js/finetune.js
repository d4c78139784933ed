// Training run page: polls the job for progress and the epochs finished so far, and draws the curves.
(function () {
  const root = document.getElementById('finetune-run');
  if (!root) return;
  const jobId = root.dataset.job;
  const finished = ['done', 'failed', 'cancelled', 'interrupted'];
  let wasFinished = finished.indexOf(root.dataset.state) >= 0;

  function plot(id, series, colors, yMax, marked) {
    const c = document.getElementById(id);
    const ctx = c.getContext('2d');
    const W = c.width, H = c.height, L = 44, B = 26, T = 8, R = 8, w = W - L - R, h = H - T - B;
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, H);
    const n = Math.max(2, series.reduce((m, s) => Math.max(m, s.length), 0));
    let max = yMax;
    if (!max) { max = 0; series.forEach(s => s.forEach(v => { if (v != null) max = Math.max(max, v); })); max = max * 1.1 || 1; }
    ctx.strokeStyle = '#e3e6ee'; ctx.fillStyle = '#6b7385'; ctx.font = '11px system-ui, sans-serif';
    for (let i = 0; i <= 4; i++) {
      const y = T + h - h * i / 4;
      ctx.beginPath(); ctx.moveTo(L, y); ctx.lineTo(L + w, y); ctx.stroke();
      ctx.fillText((max * i / 4).toFixed(2), 4, y + 4);
    }
    for (let e = 1; e <= n; e++) ctx.fillText(String(e), L + w * (e - 1) / (n - 1) - 3, H - 8);
    if (marked > 0) {
      // the epoch the run keeps
      const x = L + w * (marked - 1) / (n - 1);
      ctx.strokeStyle = '#37474f'; ctx.setLineDash([4, 3]); ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(x, T); ctx.lineTo(x, T + h); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = '#37474f'; ctx.fillText('kept', Math.min(x + 3, L + w - 24), T + 10);
    }
    series.forEach(function (s, k) {
      ctx.strokeStyle = colors[k]; ctx.fillStyle = colors[k]; ctx.lineWidth = 2; ctx.beginPath();
      s.forEach(function (v, i) {
        if (v == null) return;
        const x = L + w * i / (n - 1), y = T + h - h * v / max;
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
      s.forEach(function (v, i) {
        if (v == null) return;
        ctx.beginPath(); ctx.arc(L + w * i / (n - 1), T + h - h * v / max, 3, 0, 7); ctx.fill();
      });
    });
  }

  function update(j) {
    const job = j.job;
    const state = job.state.toLowerCase();
    document.getElementById('ft-state').textContent = state;
    document.getElementById('ft-queue').textContent = j.queuePosition > 0 && state === 'queued'
        ? j.queuePosition + ' training run(s) ahead in the queue' : '';
    if (job.message) document.getElementById('ft-message').textContent = job.message;
    const m = /epoch (\d+) of (\d+), batch (\d+) of (\d+)/.exec(job.message || '');
    if (m) {
      document.getElementById('ft-epoch').textContent = m[1] + ' of ' + m[2] + ' (batch ' + m[3] + ' of ' + m[4] + ')';
      document.getElementById('ft-epoch-bar').value = m[3] / m[4];
    }
    const bar = document.querySelector('#job-' + jobId + ' progress:not(#ft-epoch-bar)');
    if (bar) bar.value = job.progress;
    let history = [];
    if (job.result) { try { history = JSON.parse(job.result).history || []; } catch (e) { history = []; } }
    let result = {};
    if (job.result) { try { result = JSON.parse(job.result); } catch (e) { result = {}; } }
    const kept = result.bestEpoch || (history.length ? history[history.length - 1].keptSoFar : 0);
    plot('ft-loss', [history.map(e => e.trainLoss), history.map(e => e.validationLoss)], ['#c2185b', '#1565c0'], 0, kept);
    plot('ft-f1', [history.map(e => e.f1Macro), history.map(e => e.f1Weighted)], ['#2e7d32', '#ef6c00'], 1, kept);
    const select = (result.config && result.config.select) || 'auc';
    // the criterion that picks the kept epoch: raw per epoch, and smoothed once the run has ended
    const raw = history.map(e => select === 'loss' ? e.validationLoss : select === 'f1' ? e.f1Macro : e.macroAuc);
    const smoothed = history.map(e => e.criterion == null ? null : select === 'loss' ? -e.criterion : e.criterion);
    plot('ft-criterion', [raw, smoothed], ['#6a1b9a', '#00897b'], select === 'loss' ? 0 : 1, kept);
    const label = document.getElementById('ft-criterion-name');
    if (label) label.textContent = select === 'loss' ? 'validation loss' : select === 'f1' ? 'validation macro F1' : 'validation macro AUC';
    const smoothing = document.getElementById('ft-criterion-smoothing');
    if (smoothing) smoothing.textContent = select === 'loss' ? 'as the rule reads it (the loss is not smoothed)' : 'smoothed over neighbouring epochs';
    const keptText = document.getElementById('ft-kept');
    if (keptText && kept) keptText.textContent = 'epoch ' + kept + (result.selection ? ' (' + result.selection + ')' : ' so far');
    if (finished.indexOf(state) >= 0 && !wasFinished) { wasFinished = true; window.location.reload(); }
    return finished.indexOf(state) >= 0;
  }

  function poll() {
    fetch('/api/jobs/' + jobId).then(r => r.json()).then(function (j) {
      if (!update(j)) setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
