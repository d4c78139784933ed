// ECG viewer: leads on ECG paper (1 mm = 40 ms and 0.1 mV at 25 mm/s and 10 mm/mV),
// layouts 12x1, 6x2 and 3x4 + rhythm strip, synchronised zoom and pan, overlays,
// superimposed beats and median beats.
(function () {
  const root = document.getElementById('viewer');
  if (!root) return;
  const id = root.dataset.recording;
  const status = document.getElementById('viewer-status');
  const ui = {
    view: document.getElementById('view'), layout: document.getElementById('layout'),
    speed: document.getElementById('speed'), gain: document.getElementById('gain'),
    peaks: document.getElementById('show-peaks'), waves: document.getElementById('show-waves')
  };
  const PX_PER_MM_BASE = 4;
  const WAVE_COLOURS = { P: 'rgba(30,136,229,0.16)', QRS: 'rgba(229,57,53,0.14)', T: 'rgba(67,160,71,0.16)' };
  const BEAT_COLOURS = ['#1e88e5', '#e53935', '#43a047', '#8e24aa', '#fb8c00', '#00897b', '#6d4c41', '#3949ab', '#c0ca33', '#d81b60'];
  const state = { zoom: 1, offset: 0, leads: [], fs: 1, n: 0, data: null, analysis: null, why: null, whyLeads: new Set() };

  function lead(i) { return state.data.subarray(i * state.n, (i + 1) * state.n); }
  function pxPerMm() { return PX_PER_MM_BASE * state.zoom; }
  function pxPerSecond() { return pxPerMm() * parseFloat(ui.speed.value); }
  function pxPerMv() { return pxPerMm() * parseFloat(ui.gain.value); }

  function makeCanvas(widthPx, heightPx, name) {
    const c = document.createElement('canvas');
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(widthPx * dpr); c.height = Math.round(heightPx * dpr);
    c.style.width = widthPx + 'px'; c.style.height = heightPx + 'px';
    c.className = 'lead-canvas'; c.dataset.lead = name || '';
    const g = c.getContext('2d'); g.scale(dpr, dpr);
    return [c, g];
  }

  function drawGrid(g, w, h) {
    const mm = pxPerMm();
    g.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--paper') || '#fffafa';
    g.fillRect(0, 0, w, h);
    if (mm >= 2.5) {
      g.strokeStyle = '#f7c9d4'; g.lineWidth = 0.5; g.beginPath();
      for (let x = 0; x <= w; x += mm) { g.moveTo(x, 0); g.lineTo(x, h); }
      for (let y = 0; y <= h; y += mm) { g.moveTo(0, y); g.lineTo(w, y); }
      g.stroke();
    }
    g.strokeStyle = '#e88aa3'; g.lineWidth = 1; g.beginPath();
    for (let x = 0; x <= w; x += 5 * mm) { g.moveTo(x, 0); g.lineTo(x, h); }
    for (let y = 0; y <= h; y += 5 * mm) { g.moveTo(0, y); g.lineTo(w, y); }
    g.stroke();
  }

  // Draws lead li from time t0 (s) for `seconds` into a w x h box at (x0, 0).
  function drawTrace(g, li, t0, seconds, x0, w, h, withCalibration) {
    const fs = state.fs, x = lead(li), pps = pxPerSecond(), ppmv = pxPerMv(), mid = h / 2;
    let startX = x0;
    if (withCalibration) {
      // 1 mV calibration pulse, 200 ms wide
      const cw = 0.2 * pps;
      g.strokeStyle = '#333'; g.lineWidth = 1.2; g.beginPath();
      g.moveTo(x0 + 2, mid); g.lineTo(x0 + 2 + cw * 0.25, mid); g.lineTo(x0 + 2 + cw * 0.25, mid - ppmv);
      g.lineTo(x0 + 2 + cw * 1.25, mid - ppmv); g.lineTo(x0 + 2 + cw * 1.25, mid); g.lineTo(x0 + 2 + cw * 1.5, mid);
      g.stroke();
      startX = x0 + 2 + cw * 1.5 + 4;
    }
    const s0 = Math.max(0, Math.floor(t0 * fs)), s1 = Math.min(state.n, Math.ceil((t0 + seconds) * fs) + 1);
    if (state.analysis && ui.waves.checked) drawWaves(g, li, t0, s0, s1, startX, h);
    if (state.why && Why.paintBand(g, state.why, state.leads[li], t0, pps, startX, x0 + w, 0, h)) {
      state.whyLeads.add(state.leads[li]);
    }
    g.strokeStyle = '#111'; g.lineWidth = 1.1; g.beginPath();
    const step = Math.max(1, Math.floor((s1 - s0) / (w * 2)));
    let first = true;
    for (let s = s0; s < s1; s += step) {
      const px = startX + (s / fs - t0) * pps;
      if (px > x0 + w) break;
      const v = x[s];
      if (!isFinite(v)) { first = true; continue; }
      const py = mid - v * ppmv;
      if (first) { g.moveTo(px, py); first = false; } else { g.lineTo(px, py); }
    }
    g.stroke();
    if (state.analysis && ui.peaks.checked && state.analysis.rpeaks) {
      g.fillStyle = '#d81b60';
      for (const r of state.analysis.rpeaks) {
        if (r < s0 || r >= s1) continue;
        const px = startX + (r / fs - t0) * pps;
        g.beginPath(); g.moveTo(px - 4, 3); g.lineTo(px + 4, 3); g.lineTo(px, 10); g.fill();
      }
    }
  }

  function drawWaves(g, li, t0, s0, s1, startX, h) {
    const waves = state.analysis.waves || {};
    const perLead = waves[state.leads[li]] || waves.global;
    if (!perLead) return;
    const pps = pxPerSecond(), fs = state.fs;
    for (const kind of ['P', 'QRS', 'T']) {
      for (const w of (perLead[kind] || [])) {
        const on = w[0], off = w[2];
        if (on == null || off == null || off < s0 || on > s1) continue;
        g.fillStyle = WAVE_COLOURS[kind];
        g.fillRect(startX + (on / fs - t0) * pps, 0, (off - on) / fs * pps, h);
      }
    }
  }

  function label(g, text, x, y) {
    g.font = '600 12px system-ui, sans-serif'; g.fillStyle = '#222';
    g.fillText(text, x, y);
  }

  function timeAxis(g, t0, seconds, x0, h) {
    g.font = '10px system-ui, sans-serif'; g.fillStyle = '#555';
    const pps = pxPerSecond();
    const every = pps > 200 ? 0.2 : (pps > 60 ? 1 : 2);
    for (let t = Math.ceil(t0 / every) * every; t <= t0 + seconds; t += every) {
      g.fillText(t.toFixed(every < 1 ? 1 : 0) + ' s', x0 + (t - t0) * pps + 2, h - 3);
    }
  }

  function leadIndex(name) { return state.leads.indexOf(name); }

  function renderPaper() {
    root.innerHTML = '';
    const width = Math.max(600, root.clientWidth - 2);
    const layout = ui.layout.value;
    const visible = width / pxPerSecond();
    const duration = state.n / state.fs;
    state.offset = Math.max(0, Math.min(state.offset, Math.max(0, duration - visible)));
    const rowH = Math.round(pxPerMm() * (layout === '12x1' ? 22 : 25));
    const axisH = 14;
    const rows = [];
    if (layout === '12x1') {
      state.leads.forEach((name, i) => rows.push([[i, state.offset, visible, 0, width]]));
    } else if (layout === '6x2') {
      const half = width / 2;
      const left = state.leads.slice(0, Math.ceil(state.leads.length / 2));
      const right = state.leads.slice(Math.ceil(state.leads.length / 2));
      for (let r = 0; r < left.length; r++) {
        const row = [[leadIndex(left[r]), state.offset, half / pxPerSecond(), 0, half]];
        if (right[r]) row.push([leadIndex(right[r]), state.offset, half / pxPerSecond(), half, half]);
        rows.push(row);
      }
    } else {
      const quarter = width / 4, seg = quarter / pxPerSecond();
      const order = [['I', 'aVR', 'V1', 'V4'], ['II', 'aVL', 'V2', 'V5'], ['III', 'aVF', 'V3', 'V6']];
      for (const names of order) {
        const row = [];
        names.forEach((nm, c) => { const li = leadIndex(nm); if (li >= 0) row.push([li, state.offset + c * seg, seg, c * quarter, quarter]); });
        if (row.length) rows.push(row);
      }
      const rhythm = leadIndex('II') >= 0 ? leadIndex('II') : 0;
      rows.push([[rhythm, state.offset, visible, 0, width, 'rhythm']]);
    }
    rows.forEach((row, r) => {
      const last = r === rows.length - 1;
      const h = rowH + (last ? axisH : 0);
      const names = row.map(c => state.leads[c[0]]).join(' ');
      const [canvas, g] = makeCanvas(width, h, names);
      drawGrid(g, width, h);
      row.forEach(([li, t0, secs, x0, w], c) => {
        g.save(); g.beginPath(); g.rect(x0, 0, w, rowH); g.clip();
        drawTrace(g, li, t0, secs, x0, w, rowH, c === 0 && state.offset === 0 && layout !== '3x4');
        g.restore();
        label(g, state.leads[li] + (row[c][5] ? ' (rhythm)' : ''), x0 + 6, 16);
        if (x0 > 0) { g.strokeStyle = '#333'; g.beginPath(); g.moveTo(x0, rowH * 0.35); g.lineTo(x0, rowH * 0.65); g.stroke(); }
      });
      if (last) timeAxis(g, state.offset, visible, 0, h);
      const wrap = document.createElement('div'); wrap.className = 'lead-row';
      row.forEach(([li]) => { const s = document.createElement('span'); s.className = 'lead-label'; s.hidden = true; s.textContent = state.leads[li]; wrap.appendChild(s); });
      wrap.appendChild(canvas); root.appendChild(wrap);
    });
    status.textContent = `${state.leads.length} leads · ${state.fs} Hz · showing ${state.offset.toFixed(1)}–${(state.offset + Math.min(visible, duration)).toFixed(1)} s of ${duration.toFixed(1)} s · ${ui.speed.value} mm/s · ${ui.gain.value} mm/mV`;
  }

  // Beats of every lead superimposed around their R peaks, one colour per beat.
  function renderBeats(median) {
    root.innerHTML = '';
    const a = state.analysis;
    if (!a || !a.rpeaks || a.rpeaks.length === 0) {
      root.innerHTML = '<p class="muted" style="padding:1rem">No beats were detected in this recording, so there is nothing to superimpose.</p>';
      return;
    }
    const width = Math.max(600, root.clientWidth - 2), cols = 4, cw = Math.floor(width / cols);
    const before = Math.round(0.25 * state.fs), after = Math.round(0.45 * state.fs);
    const ppmv = pxPerMv(), rowH = Math.round(pxPerMm() * 30);
    const pps = cw / ((before + after) / state.fs);
    const grid = document.createElement('div');
    grid.style.display = 'grid'; grid.style.gridTemplateColumns = `repeat(${cols}, ${cw}px)`;
    state.leads.forEach((name, li) => {
      const [canvas, g] = makeCanvas(cw, rowH, name);
      drawGrid(g, cw, rowH);
      const x = lead(li), mid = rowH / 2;
      const beats = median ? (a.medianBeats && a.medianBeats[name] ? [a.medianBeats[name]] : []) : a.rpeaks.map(r => {
        if (r - before < 0 || r + after > state.n) return null;
        const seg = x.slice(r - before, r + after);
        let base = 0; for (let k = 0; k < Math.min(20, seg.length); k++) base += seg[k]; base /= Math.min(20, seg.length);
        return Array.from(seg, v => v - base);
      }).filter(Boolean);
      beats.forEach((seg, bi) => {
        g.strokeStyle = median ? '#111' : BEAT_COLOURS[bi % BEAT_COLOURS.length];
        g.globalAlpha = median ? 1 : 0.7; g.lineWidth = median ? 1.6 : 1; g.beginPath();
        const off = median && a.medianBefore != null ? a.medianBefore : before;
        for (let k = 0; k < seg.length; k++) {
          const px = (k - off + before) / state.fs * pps, py = mid - seg[k] * ppmv;
          if (k === 0) g.moveTo(px, py); else g.lineTo(px, py);
        }
        g.stroke();
      });
      g.globalAlpha = 1;
      label(g, name + (median ? ' median' : ` · ${beats.length} beats`), 6, 16);
      grid.appendChild(canvas);
    });
    root.appendChild(grid);
    status.textContent = median ? 'Median beat per lead' : `${a.rpeaks.length} beats superimposed around their R peaks (−250 ms to +450 ms)`;
  }

  function render() {
    if (!state.data) return;
    const v = ui.view.value;
    state.whyLeads = new Set();
    if (v === 'paper') renderPaper(); else renderBeats(v === 'median');
    root.dataset.whyLeads = Array.from(state.whyLeads).join(',');
  }

  // "Why?": a model's attribution for a class as a band behind every lead on the paper view (explain.js).
  const why = {
    toggle: document.getElementById('why-toggle'), model: document.getElementById('why-model'),
    cls: document.getElementById('why-class'), method: document.getElementById('why-method'),
    status: document.getElementById('why-status'), panel: document.getElementById('why-panel'),
    legend: document.getElementById('why-legend'), details: document.getElementById('why-details')
  };
  let whyModels = [];
  async function loadWhyModels() {
    const r = await fetch('/api/explanations/models');
    whyModels = r.ok ? await r.json() : [];
    why.model.innerHTML = '';
    whyModels.forEach(m => {
      const o = document.createElement('option');
      o.value = m.id; o.textContent = m.name + ' (' + m.classes.join(', ') + ')';
      why.model.appendChild(o);
    });
    if (!whyModels.length) { why.toggle.disabled = true; why.status.textContent = 'No trained model to explain with yet.'; }
    fillWhyClasses();
  }
  function fillWhyClasses() {
    const m = whyModels.find(x => String(x.id) === why.model.value);
    const keep = why.cls.value;
    why.cls.innerHTML = '<option value="predicted">the predicted one</option>';
    (m ? m.classes : []).forEach(c => { const o = document.createElement('option'); o.value = c; o.textContent = c; why.cls.appendChild(o); });
    why.cls.value = m && m.classes.indexOf(keep) >= 0 ? keep : 'predicted';
  }
  async function showWhy() {
    state.why = null;
    why.panel.hidden = true;
    if (!why.toggle.checked || !why.model.value) { render(); why.status.textContent = ''; return; }
    const started = performance.now();
    const q = { model: why.model.value, recording: id, class: why.cls.value, method: why.method.value };
    why.status.textContent = 'explaining…';
    render();
    try {
      const e = await Why.get(q, m => { why.status.textContent = m; });
      if (!why.toggle.checked || why.model.value !== q.model || why.cls.value !== q.class || why.method.value !== q.method) return;
      if (ui.view.value !== 'paper') { ui.view.value = 'paper'; }
      state.why = e;
      render();
      Why.legend(why.legend, e);
      Why.details(why.details, e);
      why.panel.hidden = false;
      const ms = performance.now() - started;
      root.dataset.whyMs = ms.toFixed(1);
      root.dataset.whyClass = e.class;
      why.status.textContent = e.class + ' · computed in ' + e.seconds_computed.toFixed(1) + ' s, shown in ' + ms.toFixed(0) + ' ms';
    } catch (err) {
      why.status.textContent = 'Cannot explain: ' + err.message;
    }
  }
  if (why.toggle) {
    why.model.addEventListener('change', () => { fillWhyClasses(); showWhy(); });
    [why.toggle, why.cls, why.method].forEach(el => el.addEventListener('change', showWhy));
    loadWhyModels();
  }

  async function load() {
    const res = await fetch(`/api/recordings/${id}/signal`);
    if (!res.ok) { status.textContent = 'Could not load the recording: ' + res.status; return; }
    state.leads = res.headers.get('X-Leads').split(',');
    state.fs = parseFloat(res.headers.get('X-Fs'));
    state.n = parseInt(res.headers.get('X-Samples'), 10);
    state.data = new Float32Array(await res.arrayBuffer());
    // a short recording fills the width at the chosen paper speed (the grid scales with it)
    const seconds = state.n / state.fs, width = Math.max(600, root.clientWidth - 2);
    if (seconds <= 12) state.zoom = Math.max(1, Math.min(3, width / (seconds * parseFloat(ui.speed.value) * PX_PER_MM_BASE + 40)));
    render();
    try {
      const ar = await fetch(`/api/recordings/${id}/analysis`);
      if (ar.ok) { state.analysis = await ar.json(); render(); fillMeasurements(state.analysis.measurements || {}); }
      else { fillMeasurements(null); }
    } catch (e) { fillMeasurements(null); }
  }

  function fillMeasurements(m) {
    document.querySelectorAll('#measurements tr[data-key]').forEach(tr => {
      const cell = tr.querySelector('.computed');
      const v = m ? m[tr.dataset.key] : undefined;
      cell.textContent = v == null ? '–' : (Math.abs(v - Math.round(v)) < 1e-9 ? v : v.toFixed(1));
    });
  }

  Object.values(ui).forEach(el => el && el.addEventListener('change', render));
  window.addEventListener('resize', render);
  let drag = null;
  root.addEventListener('mousedown', e => { drag = { x: e.clientX, off: state.offset }; root.classList.add('dragging'); });
  window.addEventListener('mouseup', () => { drag = null; root.classList.remove('dragging'); });
  window.addEventListener('mousemove', e => {
    if (!drag || ui.view.value !== 'paper') return;
    state.offset = Math.max(0, drag.off - (e.clientX - drag.x) / pxPerSecond());
    render();
  });
  root.addEventListener('wheel', e => {
    if (ui.view.value !== 'paper') return;
    if (e.ctrlKey) { e.preventDefault(); zoom(e.deltaY < 0 ? 1.25 : 0.8); }
    else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      e.preventDefault(); state.offset = Math.max(0, state.offset + (e.deltaX || e.deltaY) / pxPerSecond()); render();
    }
  }, { passive: false });
  function zoom(f) { state.zoom = Math.max(0.25, Math.min(8, state.zoom * f)); render(); }
  document.addEventListener('keydown', e => {
    const t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
    if (e.key === 'ArrowLeft' && root.dataset.prev > 0) window.location.href = '/analyse/' + root.dataset.prev;
    else if (e.key === 'ArrowRight' && root.dataset.next > 0) window.location.href = '/analyse/' + root.dataset.next;
    else if (e.key === '+' || e.key === '=') zoom(1.25);
    else if (e.key === '-') zoom(0.8);
    else if (e.key === '0') { state.zoom = 1; state.offset = 0; render(); }
    else if (e.key === '1' || e.key === '2' || e.key === '3') { ui.layout.value = ['12x1', '6x2', '3x4'][parseInt(e.key, 10) - 1]; render(); }
    else if (e.key === 'v') { const o = ['paper', 'beats', 'median']; ui.view.value = o[(o.indexOf(ui.view.value) + 1) % 3]; render(); }
  });
  load();
})();
