// Prediction run page: waits for the job, then shows each recording's probabilities beside its ECG
// and draws the ROC curves of the evaluation.
(function () {
  const root = document.getElementById('predict-run');
  if (!root) return;
  const jobId = root.dataset.job;
  const finished = ['done', 'failed', 'cancelled', 'interrupted'];
  if (finished.indexOf(root.dataset.state) < 0) {
    // Server-Sent Events move the progress bar (app.js); reload once the job has ended.
    document.body.addEventListener('job-changed', function (e) {
      if (String(e.detail.id) === jobId && finished.indexOf(e.detail.state) >= 0) window.location.reload();
    });
    // A job may end before the event stream is open: ask now and then as well.
    setInterval(function () {
      fetch('/api/jobs/' + jobId).then(r => r.json()).then(j => {
        if (finished.indexOf(j.job.state.toLowerCase()) >= 0) window.location.reload();
      }).catch(function () {});
    }, 1500);
    return;
  }
  const COLORS = ['#c2185b', '#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037', '#9e9d24', '#455a64', '#d84315'];
  let data = null;
  let index = 0;

  fetch('/api/predictions/' + jobId).then(r => r.json()).then(function (d) {
    data = d;
    if (!data.predictions || data.predictions.length === 0) return;
    const m = /r=(\d+)/.exec(window.location.hash);
    index = m ? Math.min(+m[1], data.predictions.length - 1) : 0;
    show(index);
    if (data.evaluation) drawRoc(data.evaluation);
  });

  function show(i) {
    index = Math.max(0, Math.min(data.predictions.length - 1, i));
    const p = data.predictions[index];
    history.replaceState(null, '', '#r=' + index);
    document.getElementById('pred-name').textContent = p.name;
    document.getElementById('pred-pos').textContent = (index + 1) + ' / ' + data.predictions.length;
    document.getElementById('pred-open').href = '/analyse/' + p.id;
    document.querySelectorAll('#predictions-table tr.current').forEach(tr => tr.classList.remove('current'));
    const row = document.querySelector('#predictions-table tr[data-index="' + index + '"]');
    if (row) row.classList.add('current');
    const bars = document.getElementById('pred-bars');
    bars.innerHTML = '';
    const verdict = document.getElementById('pred-verdict');
    if (p.error) {
      verdict.innerHTML = '';
      verdict.textContent = 'Not predicted: ' + p.error;
      verdict.className = 'err';
    } else {
      data.classes.forEach(function (c, k) {
        const line = document.createElement('div');
        line.className = 'bar-row' + (p.predicted && p.predicted.split('|').indexOf(c) >= 0 ? ' predicted' : '');
        const name = document.createElement('span');
        name.textContent = c;
        const track = document.createElement('span');
        track.className = 'track';
        const bar = document.createElement('span');
        bar.className = 'bar';
        bar.style.width = (100 * p.p[k]).toFixed(1) + '%';
        bar.style.background = COLORS[k % COLORS.length];
        track.appendChild(bar);
        const val = document.createElement('span');
        val.textContent = (100 * p.p[k]).toFixed(1) + ' %';
        line.append(name, track, val);
        bars.appendChild(line);
      });
      verdict.className = '';
      verdict.textContent = 'Predicted: ' + p.predicted + (p.label ? ' · label: ' + p.label : '');
    }
    drawStrip(p);
    showWhy();
  }

  const cache = {};
  function signalOf(p) {
    return cache[p.id] ? Promise.resolve(cache[p.id]) : fetch('/api/recordings/' + p.id + '/signal').then(function (r) {
      if (!r.ok) throw new Error('signal ' + r.status);
      return r.arrayBuffer().then(function (buf) {
        const s = { leads: r.headers.get('X-Leads').split(','), fs: +r.headers.get('X-Fs'), n: +r.headers.get('X-Samples'),
          x: new Float32Array(buf) };
        cache[p.id] = s;
        return s;
      });
    });
  }
  function drawStrip(p) {
    const canvas = document.getElementById('pred-strip');
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fffafa';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (p.error) return;
    signalOf(p).then(function (s) {
      if (data.predictions[index].id !== p.id) return;
      paint(canvas, ctx, s);
    }).catch(function (e) {
      document.getElementById('pred-strip-caption').textContent = 'The ECG cannot be shown: ' + e.message;
    });
  }

  // 3 × 4 leads of 2.5 s each and a 10 s lead II rhythm strip, 25 mm/s and 10 mm/mV: where each lead goes.
  function boxes(s, W, H) {
    const rows = 4, rowH = H / rows, pxPerS = W / 10;
    const layout = [['I', 'aVR', 'V1', 'V4'], ['II', 'aVL', 'V2', 'V5'], ['III', 'aVF', 'V3', 'V6']];
    const out = [];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 4; c++) {
        out.push({ lead: layout[r][c], t0: c * 2.5, seconds: 2.5, x0: c * W / 4, w: W / 4, top: r * rowH, h: rowH, pxPerS });
      }
    }
    out.push({ lead: 'II', t0: 0, seconds: 10, x0: 0, w: W, top: 3 * rowH, h: rowH, pxPerS });
    return out;
  }

  function paint(canvas, ctx, s) {
    const W = canvas.width, H = canvas.height;
    const pxPerS = W / 10, pxPerMv = pxPerS / 2.5;
    const mm = pxPerS / 25;
    for (let x = 0, i = 0; x <= W; x += mm, i++) {
      ctx.strokeStyle = i % 5 === 0 ? '#e88aa3' : '#f7c9d4';
      ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, H); ctx.stroke();
    }
    for (let y = 0, i = 0; y <= H; y += mm, i++) {
      ctx.strokeStyle = i % 5 === 0 ? '#e88aa3' : '#f7c9d4';
      ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(W, y); ctx.stroke();
    }
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 1.1;
    ctx.fillStyle = '#111';
    ctx.font = '12px system-ui, sans-serif';
    for (const b of boxes(s, W, H)) {
      const l = s.leads.indexOf(b.lead);
      if (l < 0) continue;
      const base = l * s.n, from = Math.round(b.t0 * s.fs), count = Math.round(b.seconds * s.fs), yMid = b.top + b.h / 2;
      ctx.beginPath();
      for (let t = 0; t < count && from + t < s.n; t++) {
        const x = b.x0 + t / s.fs * pxPerS;
        const y = yMid - s.x[base + from + t] * pxPerMv;
        if (t === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
      ctx.stroke();
      ctx.fillText(b.lead, b.x0 + 4, b.top + 14);
    }
    document.getElementById('pred-strip-caption').textContent = 'First 10 s of ' + (s.n / s.fs).toFixed(1) + ' s at '
        + s.fs + ' Hz · 25 mm/s · 10 mm/mV';
  }

  // "Why?": the attribution of the chosen class and method, as a band behind every lead (explain.js).
  const why = {
    toggle: document.getElementById('why-toggle'), cls: document.getElementById('why-class'),
    method: document.getElementById('why-method'), status: document.getElementById('why-status'),
    overlay: document.getElementById('why-overlay'), legend: document.getElementById('why-legend'),
    details: document.getElementById('why-details')
  };
  function hideWhy() {
    why.overlay.hidden = true;
    why.legend.hidden = true;
    why.details.hidden = true;
  }
  async function showWhy() {
    if (!why.toggle || !why.toggle.checked || !data) { if (why.overlay) hideWhy(); return; }
    const p = data.predictions[index];
    if (p.error) { hideWhy(); why.status.textContent = 'Nothing to explain: this recording was not predicted.'; return; }
    const started = performance.now();
    hideWhy();
    const q = { model: data.modelId, recording: p.id, class: why.cls.value, method: why.method.value };
    why.status.textContent = 'explaining…';
    try {
      const [e, s] = await Promise.all([Why.get(q, m => { why.status.textContent = m; }), signalOf(p)]);
      if (data.predictions[index].id !== p.id || why.cls.value !== q.class || why.method.value !== q.method
          || !why.toggle.checked) return;
      drawWhy(e, s);
      const ms = performance.now() - started;
      why.overlay.dataset.ms = ms.toFixed(1);
      why.status.textContent = e.class + ' · ' + Why.METHODS[e.method] + ' · computed in ' + e.seconds_computed.toFixed(1)
          + ' s, shown in ' + ms.toFixed(0) + ' ms';
    } catch (err) {
      hideWhy();
      why.status.textContent = 'Cannot explain: ' + err.message;
    }
  }
  function drawWhy(e, s) {
    const c = why.overlay, g = c.getContext('2d');
    g.clearRect(0, 0, c.width, c.height);
    const drawn = [], placed = [];
    for (const b of boxes(s, c.width, c.height)) {
      if (s.leads.indexOf(b.lead) < 0) continue;
      if (Why.paintBand(g, e, b.lead, b.t0, b.pxPerS, b.x0, b.x0 + b.w, b.top, b.h)) {
        if (drawn.indexOf(b.lead) < 0) drawn.push(b.lead);
        placed.push({ lead: b.lead, x: Math.round(b.x0), y: Math.round(b.top), w: Math.round(b.w), h: Math.round(b.h) });
      }
    }
    c.dataset.leads = drawn.join(',');
    c.dataset.boxes = JSON.stringify(placed);
    c.dataset.cls = e.class;
    c.dataset.method = e.method;
    c.hidden = false;
    Why.legend(why.legend, e);
    Why.details(why.details, e);
  }
  if (why.toggle) {
    [why.toggle, why.cls, why.method].forEach(el => el.addEventListener('change', showWhy));
  }

  function drawRoc(ev) {
    const canvas = document.getElementById('roc');
    if (!canvas) return;
    const ctx = canvas.getContext('2d');
    const W = canvas.width, H = canvas.height, L = 48, B = 40, T = 10, R = 10;
    const w = W - L - R, h = H - T - B;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, W, H);
    ctx.strokeStyle = '#e3e6ee';
    ctx.fillStyle = '#6b7385';
    ctx.font = '11px system-ui, sans-serif';
    for (let i = 0; i <= 10; i++) {
      const x = L + w * i / 10, y = T + h - h * i / 10;
      ctx.beginPath(); ctx.moveTo(x, T); ctx.lineTo(x, T + h); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(L, y); ctx.lineTo(L + w, y); ctx.stroke();
      if (i % 2 === 0) {
        ctx.fillText((i / 10).toFixed(1), x - 8, T + h + 14);
        ctx.fillText((i / 10).toFixed(1), L - 26, y + 4);
      }
    }
    ctx.fillText('1 − specificity (false positive rate)', L + w / 2 - 90, H - 6);
    ctx.save(); ctx.translate(12, T + h / 2 + 60); ctx.rotate(-Math.PI / 2);
    ctx.fillText('sensitivity (true positive rate)', 0, 0); ctx.restore();
    ctx.setLineDash([4, 4]); ctx.strokeStyle = '#999';
    ctx.beginPath(); ctx.moveTo(L, T + h); ctx.lineTo(L + w, T); ctx.stroke();
    ctx.setLineDash([]);
    const legend = document.getElementById('roc-legend');
    legend.innerHTML = '';
    ev.perClass.filter(c => c.fpr).forEach(function (c, k) {
      const color = COLORS[data.classes.indexOf(c['class']) % COLORS.length];
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (let i = 0; i < c.fpr.length; i++) {
        const x = L + w * c.fpr[i], y = T + h - h * c.tpr[i];
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
      ctx.stroke();
      const item = document.createElement('span');
      item.className = 'legend-item';
      item.innerHTML = '<span class="swatch"></span>';
      item.firstChild.style.background = color;
      item.append(c['class'] + ' AUC ' + (c.auc == null ? '– (needs positives and negatives)' : c.auc.toFixed(3)));
      legend.appendChild(item);
    });
  }

  document.getElementById('pred-prev').addEventListener('click', () => show(index - 1));
  document.getElementById('pred-next').addEventListener('click', () => show(index + 1));
  document.querySelectorAll('#predictions-table a.pick').forEach(function (a) {
    a.addEventListener('click', function (e) {
      e.preventDefault();
      show(+a.closest('tr').dataset.index);
      document.getElementById('recording-panel').scrollIntoView({ behavior: 'smooth' });
    });
  });
  document.addEventListener('keydown', function (e) {
    const t = e.target;
    if (!data || (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA'))) return;
    if (e.key === 'ArrowLeft') { e.preventDefault(); show(index - 1); }
    if (e.key === 'ArrowRight') { e.preventDefault(); show(index + 1); }
  });
})();
