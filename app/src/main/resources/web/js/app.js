// Page-wide keyboard shortcuts and live job updates.
(function () {
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
  if (window.EventSource) {
    const es = new EventSource('/events/jobs');
    let lastStates = {};
    es.addEventListener('job', function (ev) {
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
    });
  }
})();
