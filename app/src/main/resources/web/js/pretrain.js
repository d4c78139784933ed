// Pretraining run page: polls the job and draws the loss and throughput of every finished epoch.
(function () {
  const root = document.getElementById('pretrain-run');
  if (!root) return;
  const jobId = root.dataset.job;
  const finished = ['done', 'failed', 'cancelled', 'interrupted'];
  let wasFinished = finished.indexOf(root.dataset.state) >= 0;

  function plot(id, series, colors) {
    const c = document.getElementById(id);
    const ctx = c.getContext('2d');
    const W = c.width, H = c.height, L = 44, B = 26, T = 8, R = 8, w = W - L - R, h = H - T - B;
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, H);
    const n = Math.max(2, series.reduce((m, s) => Math.max(m, s.length), 0));
    let max = 0;
    series.forEach(s => s.forEach(v => { if (v != null) max = Math.max(max, v); }));
    max = max * 1.1 || 1;
    ctx.strokeStyle = '#e3e6ee'; ctx.fillStyle = '#6b7385'; ctx.font = '11px system-ui, sans-serif';
    for (let i = 0; i <= 4; i++) {
      const y = T + h - h * i / 4;
      ctx.beginPath(); ctx.moveTo(L, y); ctx.lineTo(L + w, y); ctx.stroke();
      ctx.fillText((max * i / 4).toFixed(2), 4, y + 4);
    }
    const step = Math.max(1, Math.ceil(n / 20));
    for (let e = 1; e <= n; e += step) ctx.fillText(String(e), L + w * (e - 1) / (n - 1) - 3, H - 8);
    series.forEach(function (s, k) {
      ctx.strokeStyle = colors[k]; ctx.fillStyle = colors[k]; ctx.lineWidth = 2; ctx.beginPath();
      let started = false;
      s.forEach(function (v, i) {
        if (v == null) return;
        const x = L + w * i / (n - 1), y = T + h - h * v / max;
        if (!started) { ctx.moveTo(x, y); started = true; } else ctx.lineTo(x, y);
      });
      ctx.stroke();
      s.forEach(function (v, i) {
        if (v == null) return;
        ctx.beginPath(); ctx.arc(L + w * i / (n - 1), T + h - h * v / max, 3, 0, 7); ctx.fill();
      });
    });
    c.dataset.points = String(series.reduce((m, s) => m + s.filter(v => v != null).length, 0));
  }

  function update(j) {
    const job = j.job;
    const state = job.state.toLowerCase();
    document.getElementById('pt-state').textContent = state;
    document.getElementById('pt-queue').textContent = j.queuePosition > 0 && state === 'queued'
        ? j.queuePosition + ' training run(s) ahead in the queue' : '';
    if (job.message) document.getElementById('pt-message').textContent = job.message;
    document.getElementById('pt-bar').value = job.progress;
    let history = [];
    if (job.result) { try { history = JSON.parse(job.result).history || []; } catch (e) { history = []; } }
    plot('pt-loss', [history.map(e => e.loss), history.map(e => e.contrastiveLoss), history.map(e => e.supervisedLoss)],
        ['#c2185b', '#6a1b9a', '#1565c0']);
    plot('pt-speed', [history.map(e => e.recordingsPerSecond)], ['#2e7d32']);
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
