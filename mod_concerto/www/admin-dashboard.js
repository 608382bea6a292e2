/* The dashboard: active sessions now, sessions over time (session_counts)
 * as an SVG chart, and recent errors. */
(function () {
  'use strict';
  const CC = window.CC;
  const el = CC.el;
  const RANGES = [[1, 'Last 24 hours'], [7, 'Last 7 days'], [30, 'Last 30 days']];

  function figure(value, label) {
    return el('div', { class: 'cca-card' }, [el('div', { class: 'cca-figure' }, String(value)), el('div', { class: 'cca-figure-label' }, label)]);
  }

  /* The user's own TOTP second factor: set up (secret, then a code to
   * confirm) or turned off (with a code). */
  async function totp(box) {
    const me = await CC.api('GET', '/me').catch(CC.fail);
    if (!me) return;
    CC.clear(box);
    const code = el('input', { inputmode: 'numeric', maxlength: 6, autocomplete: 'one-time-code' });
    if (me.totp_enabled) {
      const off = el('form', { class: 'cca-toolbar' }, [el('p', {}, 'Two-factor login is on.'), CC.field('Current code', code), el('p', {}, el('button', { type: 'submit', class: 'cca-danger' }, 'Turn it off'))]);
      off.addEventListener('submit', (e) => { e.preventDefault(); CC.busy(off.querySelector('button'), async () => { await CC.api('DELETE', '/me/totp', { code: code.value }); CC.toast('Two-factor login is off.'); totp(box); }); });
      box.appendChild(off);
      return;
    }
    const start = CC.button('Set up two-factor login', (e) => CC.busy(e.target, async () => {
      const t = await CC.api('POST', '/me/totp');
      const confirm = el('form', {}, [el('p', {}, 'Add this key to your authenticator app, then enter the code it shows.'),
        el('p', {}, ['Key: ', el('code', { id: 'cc-totp-secret' }, t.secret)]), el('p', { class: 'cca-hint' }, t.otpauth_uri),
        CC.field('Code', code), el('button', { type: 'submit', class: 'cca-primary' }, 'Turn it on')]);
      confirm.addEventListener('submit', (ev) => { ev.preventDefault(); CC.busy(confirm.querySelector('button'), async () => { await CC.api('POST', '/me/totp/confirm', { code: code.value }); CC.toast('Two-factor login is on.'); totp(box); }); });
      CC.clear(box).appendChild(confirm);
    }));
    CC.append(box, [el('p', {}, 'Two-factor login is off.'), start]);
  }

  CC.pages[''] = async function (app) {
    const figures = el('div', { class: 'cca-cards' }, el('p', { class: 'cca-loading' }, 'Loading…'));
    const range = CC.select(RANGES, 1, { id: 'cc-range' });
    const chartBox = el('div', {});
    const errors = el('div', {});
    const account = el('div', { class: 'cca-card' });
    CC.append(app, [
      el('h2', {}, 'Now'), figures,
      el('h2', {}, 'Sessions over time'),
      el('div', { class: 'cca-toolbar' }, CC.field('Period', range)),
      el('div', { class: 'cca-card' }, chartBox),
      el('h2', {}, 'Recent errors'), errors,
      el('h2', {}, 'Your account: two-factor login'), account
    ]);
    totp(account);
    async function loadChart() {
      const days = Number(range.value);
      const since = Math.floor(Date.now() / 1000) - days * 86400;
      try {
        const data = await CC.api('GET', '/session_counts' + CC.query({ since: since }));
        const points = (data.items || []).map((i) => ({ x: Number(i.created), y: Number(i.count) })).sort((a, b) => a.x - b.x);
        CC.clear(chartBox).appendChild(CC.lineChart({
          points: points, yZero: true, title: 'Active sessions, ' + range.options[range.selectedIndex].text.toLowerCase(),
          xLabel: 'Time', yLabel: 'Active sessions', yFormat: (y) => String(Math.round(y)),
          xFormat: (x) => { const d = new Date(x * 1000); return days > 1 ? (d.getMonth() + 1) + '/' + d.getDate() : String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0'); }
        }));
        chartBox.appendChild(el('p', { class: 'cca-muted' }, points.length
          ? points.length + ' measurements; highest ' + Math.max.apply(null, points.map((p) => p.y)) + ' active sessions.'
          : 'No measurements in this period yet: the session count is taken by the scheduled task every few minutes.'));
      } catch (e) {
        CC.clear(chartBox).appendChild(el('p', { class: 'cca-error' }, e.message));
      }
    }
    range.addEventListener('change', loadChart);
    loadChart();
    try {
      const d = await CC.api('GET', '/dashboard');
      CC.clear(figures);
      CC.append(figures, [figure(d.active_sessions, 'active sessions now'), figure(d.sessions_today, 'sessions started today')]);
      const rows = d.recent_errors || [];
      CC.clear(errors).appendChild(CC.table({
        columns: [
          { key: 'updated', label: 'When', render: (r) => CC.fmtTime(r.updated) },
          { key: 'test_name', label: 'Test' },
          { key: 'session_id', label: 'Session', render: (r) => el('a', { href: CC.adminUrl('sessions/' + r.session_id) }, 'Session ' + r.session_id) },
          { key: 'error', label: 'Error', render: (r) => el('span', { class: 'cca-error' }, String(r.error || '').slice(0, 300)) }
        ],
        rows: rows, empty: 'No errors recently.'
      }));
    } catch (e) {
      CC.clear(figures).appendChild(el('p', { class: 'cca-error' }, e.message));
    }
  };
}());
