// Page-wide keyboard shortcuts, live job updates and the request token of every form and htmx request.
(function () {
  // State-changing requests must carry the session's token (the server refuses them otherwise):
  // forms get it as a hidden field when they are submitted, htmx requests as a header.
  const tokenMeta = document.querySelector('meta[name="csrf-token"]');
  const token = tokenMeta ? tokenMeta.content : '';
  function addToken(form) {
    // getAttribute: a control named 'method' (the fine-tune form's radios) would shadow form.method
    if (!token || (form.getAttribute('method') || '').toLowerCase() !== 'post') return;
    let input = form.querySelector('input[name="_csrf"]');
    if (!input) {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = '_csrf';
      form.appendChild(input);
    }
    input.value = token;
  }
  document.addEventListener('submit', function (e) {
    const form = e.target;
    if (form.classList && form.classList.contains('confirm') && !window.confirm(form.dataset.confirm || 'Are you sure?')) {
      e.preventDefault();
      return;
    }
    addToken(form);
  }, true);
  document.addEventListener('htmx:configRequest', function (e) {
    if (token) e.detail.headers['X-CSRF-Token'] = token;
  });
  function tokenForms(root) { (root || document).querySelectorAll('form').forEach(addToken); }
  // a select that submits its form when changed (the compare page's dataset choice)
  document.addEventListener('change', function (e) {
    if (e.target.matches && e.target.matches('select[data-autosubmit]') && e.target.form) e.target.form.submit();
  });

  function typing(e) {
    const t = e.target;
    return t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
  }
  const pages = { h: '/', d: '/data', a: '/analyse', m: '/models', p: '/predict', f: '/finetune', j: '/jobs' };
  document.addEventListener('keydown', function (e) {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (pages[e.key]) { window.location.href = pages[e.key]; }
  });
  // Job progress arrives as Server-Sent Events; parts of the page listening to
  // "job-changed" (htmx triggers) refresh themselves.
  // Only pages that show jobs listen, and a page leaving (or going into the back/forward cache)
  // closes its stream: browsers allow six connections per server, so streams left open by
  // earlier pages would stall the next page loads.
  const listens = document.querySelector('[id^="job-"], [hx-trigger*="job-changed"], #recordings');
  let es = null;
  let lastStates = {};
  function onJob(ev) {
    const job = JSON.parse(ev.data);
    const el = document.getElementById('job-' + job.id);
    if (el) {
      const bar = el.querySelector('progress');
      if (bar) bar.value = job.progress;
      const msg = el.querySelector('.job-message');
      if (msg && job.message) msg.textContent = job.message;
    }
    if (lastStates[job.id] !== job.state) {
      lastStates[job.id] = job.state;
      document.body.dispatchEvent(new CustomEvent('job-changed', { detail: job }));
      if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') {
        const table = document.getElementById('recordings');
        if (table && !document.querySelector('form:focus-within')) {
          setTimeout(function () { window.location.reload(); }, 300);
        }
      }
    }
  }
  function listen() {
    if (!es && listens && window.EventSource) {
      es = new EventSource('/events/jobs');
      es.addEventListener('job', onJob);
    }
  }
  window.addEventListener('pagehide', function () { if (es) { es.close(); es = null; } });
  window.addEventListener('pageshow', function (e) { if (e.persisted) listen(); });
  listen();

  // The recordings table: a filter box, "only failed" and pages of 100 rows keep
  // datasets of thousands of recordings usable.
  function recordingsTable() {
    const table = document.getElementById('recordings');
    const filter = document.getElementById('recordings-filter');
    if (!table || !filter) return;
    const rows = Array.from(table.tBodies[0].rows).filter(r => r.dataset.name !== undefined);
    const onlyFailed = document.getElementById('only-failed');
    const shown = document.getElementById('recordings-shown');
    const prev = document.getElementById('page-prev');
    const next = document.getElementById('page-next');
    const size = 100;
    let page = 0;
    function apply() {
      const q = filter.value.trim().toLowerCase();
      const match = rows.filter(r => (!onlyFailed.checked || r.classList.contains('failed'))
        && (!q || r.textContent.toLowerCase().includes(q)));
      const pages = Math.max(1, Math.ceil(match.length / size));
      page = Math.max(0, Math.min(page, pages - 1));
      rows.forEach(r => { r.hidden = true; });
      match.slice(page * size, (page + 1) * size).forEach(r => { r.hidden = false; });
      const from = match.length === 0 ? 0 : page * size + 1;
      const to = Math.min(match.length, (page + 1) * size);
      shown.textContent = match.length === rows.length && pages === 1 ? `${rows.length} file(s)`
        : `${from}–${to} of ${match.length} matching (${rows.length} in all)`;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
      prev.parentElement.hidden = pages === 1;
    }
    document.addEventListener('keydown', e => {
      if (e.key === '/' && !typing(e) && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); filter.focus(); }
    });
    filter.addEventListener('input', () => { page = 0; apply(); });
    onlyFailed.addEventListener('change', () => { page = 0; apply(); });
    prev.addEventListener('click', () => { page--; apply(); });
    next.addEventListener('click', () => { page++; apply(); });
    apply();
  }
  function ready() { tokenForms(document); recordingsTable(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
  else ready();
  document.addEventListener('htmx:afterSwap', function (e) { tokenForms(e.target); });
})();
