// "Why?": where a model looked, as a colour band behind each lead on the predict page and in the viewer.
// Red spoke for the class, blue against it; one colour scale for all leads of a recording.
window.Why = (function () {
  const FINISHED = ['done', 'failed', 'cancelled', 'interrupted'];
  const METHODS = { ig: 'Integrated Gradients', gradcam: 'Grad-CAM', occlusion: 'Occlusion' };
  const kept = {};

  function token() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : '';
  }

  function sleep(ms) { return new Promise(r => setTimeout(r, ms)); }

  // The explanation for {model, recording, class, method}: kept in the page, kept on the server, or
  // computed by a job that is followed until it ends.
  async function get(q, onStatus) {
    const key = [q.model, q.recording, q.class, q.method].join('|');
    if (kept[key]) return kept[key];
    for (let round = 0; round < 3; round++) {
      const r = await fetch('/api/explanations', { method: 'POST', body: new URLSearchParams(q), headers: { 'X-CSRF-Token': token() } });
      if (r.status === 200) { kept[key] = prepare(await r.json()); return kept[key]; }
      if (r.status !== 202) throw new Error(await r.text());
      const job = (await r.json()).job;
      for (;;) {
        await sleep(300);
        const j = await (await fetch('/api/jobs/' + job)).json();
        const state = String(j.job.state).toLowerCase();
        if (onStatus) onStatus((j.job.message || state) + (j.queuePosition > 0 ? ' · ' + j.queuePosition + ' job(s) ahead' : ''));
        if (state === 'done') break;
        if (FINISHED.indexOf(state) >= 0) throw new Error(j.job.message || 'the explanation ' + state);
      }
    }
    throw new Error('the explanation was computed but cannot be found');
  }

  // Light smoothing (40 ms) so that the band shows regions, not sample-to-sample noise.
  function prepare(e) {
    const rate = e.model_rate_hz, half = Math.max(0, Math.round(0.02 * rate));
    e.smoothed = e.values.map(row => {
      const out = new Float32Array(row.length);
      let sum = 0, n = 0;
      for (let i = -half; i < row.length; i++) {
        const add = i + half, drop = i - half - 1;
        if (add < row.length) { sum += row[add]; n++; }
        if (drop >= 0) { sum -= row[drop]; n--; }
        if (i >= 0) out[i] = sum / n;
      }
      return out;
    });
    // the 98th percentile of the magnitudes, so that a few large values (QRS complexes) do not leave
    // every other part of the tracing uncoloured; larger values are drawn at full strength
    const all = [];
    e.smoothed.forEach((row, l) => { for (let i = 0; i < Math.min(row.length, e.valid_samples); i++) all.push(Math.abs(row[i])); });
    all.sort((a, b) => a - b);
    e.scale = all.length ? all[Math.min(all.length - 1, Math.floor(0.98 * all.length))] : 0;
    e.leadIndex = {};
    e.leads.forEach((name, i) => { e.leadIndex[name] = i; });
    return e;
  }

  // The value at t seconds of a lead, from −1 to 1 on the recording's scale; null where the model saw
  // nothing (a lead it does not take, or time after its window).
  function valueAt(e, lead, t) {
    const li = e.leadIndex[lead];
    if (li === undefined || e.scale <= 0) return null;
    const u = Math.floor(t * e.model_rate_hz);
    if (u < 0 || u >= e.valid_samples) return null;
    return e.smoothed[li][u] / e.scale;
  }

  function colour(v) {
    const a = Math.min(1, Math.abs(v)) * 0.8;
    return v >= 0 ? `rgba(214,39,40,${a.toFixed(3)})` : `rgba(31,119,180,${a.toFixed(3)})`;
  }

  // Paints the band of one lead behind its trace: x = xStart + (t − t0) · pps, over [xStart, xEnd).
  function paintBand(g, e, lead, t0, pps, xStart, xEnd, yTop, h) {
    if (e.leadIndex[lead] === undefined) return false;
    for (let x = xStart; x < xEnd; x += 2) {
      const v = valueAt(e, lead, t0 + (x - xStart) / pps);
      if (v === null || Math.abs(v) < 0.04) continue;
      g.fillStyle = colour(v);
      g.fillRect(x, yTop, 2, h);
    }
    return true;
  }

  function legend(el, e) {
    const signed = e.signed;
    el.innerHTML = '';
    const bar = document.createElement('span');
    bar.className = 'why-scale' + (signed ? '' : ' unsigned');
    const lo = document.createElement('span');
    lo.textContent = signed ? '≤ ' + (-e.scale).toPrecision(2) + ' against' : '0';
    const hi = document.createElement('span');
    hi.textContent = '≥ ' + e.scale.toPrecision(2) + ' for ' + e.class;
    const what = document.createElement('span');
    what.className = 'muted';
    what.textContent = ' ' + METHODS[e.method] + ': ' + e.explained;
    el.append(lo, bar, hi, what);
    el.hidden = false;
  }

  // The leads by importance (not for Grad-CAM, which cannot tell leads apart) and the windows that
  // spoke most for the class, with the wave they fall in.
  function details(el, e) {
    el.innerHTML = '';
    const head = document.createElement('p');
    head.innerHTML = '<strong></strong> ';
    head.firstChild.textContent = e.class + ' ' + (100 * e.probability).toFixed(1) + ' %';
    head.append(METHODS[e.method]);
    el.appendChild(head);
    if (e.leads_by_importance) {
      const max = Math.max(1e-12, ...Object.values(e.lead_importance).map(Math.abs));
      const list = document.createElement('ol');
      list.className = 'why-leads-list';
      e.leads_by_importance.forEach(name => {
        const v = e.lead_importance[name];
        const li = document.createElement('li');
        li.dataset.lead = name;
        const bar = document.createElement('span');
        bar.className = 'why-bar ' + (v >= 0 ? 'for' : 'against');
        bar.style.width = (100 * Math.abs(v) / max).toFixed(0) + '%';
        const label = document.createElement('span');
        label.textContent = name + ' ' + v.toPrecision(2);
        li.append(label, bar);
        list.appendChild(li);
      });
      el.appendChild(list);
    } else {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = 'Grad-CAM has no lead importance: the model\'s first convolution mixes the leads.';
      el.appendChild(p);
    }
    if (e.top_windows && e.top_windows.length) {
      const p = document.createElement('p');
      p.className = 'small-text';
      p.textContent = 'Spoke most for ' + e.class + ': ' + e.top_windows.map(w =>
        w.start_s.toFixed(1) + '–' + w.end_s.toFixed(1) + ' s (' + w.wave + ')').join(', ');
      el.appendChild(p);
    }
    el.hidden = false;
  }

  return { get, paintBand, legend, details, valueAt, METHODS };
})();
