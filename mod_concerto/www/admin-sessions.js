/* Sessions and results: the sessions of a test (filter by test and status,
 * CSV export of the test's responses), and one session: every response
 * with theta and SEM, a theta ± SE chart and the session's log. */
(function () {
  'use strict';
  const CC = window.CC;
  const el = CC.el;

  function statusBadge(s) {
    const name = CC.SESSION_STATUS[Number(s)] || String(s);
    return el('span', { class: 'cca-badge' + (Number(s) === 3 ? ' cca-bad' : Number(s) === 2 ? ' cca-good' : '') }, name);
  }

  async function listPage(app) {
    const params = new URLSearchParams(window.location.search);
    const test = CC.select([['', 'All tests']], params.get('test_id') || '', { name: 'test_id' });
    const status = CC.select([['', 'Any status']].concat(CC.SESSION_STATUS.map((s, i) => [i, s])), params.get('status') || '', { name: 'status' });
    const exportBox = el('p', {});
    const list = el('div', {});
    const apply = () => {
      const q = CC.query({ test_id: test.value, status: status.value });
      window.history.replaceState(null, '', window.location.pathname + q);
      CC.clear(exportBox);
      if (test.value) exportBox.appendChild(CC.downloadLink('All responses of this test as CSV', '/tests/' + test.value + '/responses.csv', 'cca-primary'));
      CC.clear(list);
      CC.listView(list, {
        kind: 'sessions', sort: 'id', order: 'desc', search: false,
        extraQuery: () => ({ test_id: test.value, status: status.value }),
        columns: [
          { key: 'id', label: 'Session', num: true, render: (s) => el('a', { href: CC.adminUrl('sessions/' + s.id) }, 'Session ' + s.id) },
          { key: 'test_name', label: 'Test' },
          { key: 'status', label: 'Status', render: (s) => statusBadge(s.status) },
          { key: 'created', label: 'Started', render: (s) => CC.fmtTime(s.created) },
          { key: 'updated', label: 'Last activity', render: (s) => CC.fmtTime(s.updated) },
          { key: 'error', label: 'Error', sortable: false, render: (s) => (s.error ? el('span', { class: 'cca-error' }, String(s.error).slice(0, 120)) : '') }
        ],
        empty: 'No sessions match.'
      });
    };
    test.addEventListener('change', apply);
    status.addEventListener('change', apply);
    CC.append(app, [el('div', { class: 'cca-toolbar' }, [CC.field('Test', test), CC.field('Status', status)]), exportBox, list]);
    try {
      const tests = await CC.api('GET', '/tests?per_page=500&sort=name');
      (tests.items || []).forEach((t) => test.appendChild(el('option', { value: String(t.id) }, t.name)));
      test.value = params.get('test_id') || '';
    } catch (e) { CC.fail(e); }
    apply();
  }

  async function itemPage(app, boot) {
    const s = await CC.api('GET', '/sessions/' + boot.id);
    CC.setTitle('Session ' + s.id + (s.test_name ? ' of ' + s.test_name : ''));
    const responses = s.responses || [];
    CC.append(app, [
      el('p', { class: 'cca-toolbar' }, [el('a', { class: 'cca-button', href: CC.adminUrl('sessions' + (s.test_id ? '?test_id=' + s.test_id : '')) }, '← Sessions'),
        s.test_id ? CC.downloadLink('All responses of this test as CSV', '/tests/' + s.test_id + '/responses.csv') : null,
        // Super administrators (who see the Users section) may delete a session.
        (boot.sections || []).indexOf('users') >= 0 ? CC.button('Delete this session', (e) => CC.busy(e.target, async () => {
          if (!window.confirm('Delete session ' + s.id + ' with its log and uploaded files? Rows in the response table stay.')) return;
          await CC.api('DELETE', '/sessions/' + s.id);
          window.location.assign(CC.adminUrl('sessions' + (s.test_id ? '?test_id=' + s.test_id : '')));
        }), 'cca-danger') : null]),
      el('section', { class: 'cca-card', 'aria-label': 'Session' }, el('dl', { class: 'cca-props' }, [
        el('dt', {}, 'Test'), el('dd', {}, s.test_name || String(s.test_id)),
        el('dt', {}, 'Status'), el('dd', {}, statusBadge(s.status)),
        el('dt', {}, 'Started'), el('dd', {}, CC.fmtTime(s.created)),
        el('dt', {}, 'Last activity'), el('dd', {}, CC.fmtTime(s.updated)),
        el('dt', {}, 'Responses'), el('dd', {}, String(responses.length)),
        s.error ? el('dt', {}, 'Error') : null, s.error ? el('dd', { class: 'cca-error' }, s.error) : null
      ]))
    ]);

    const withTheta = responses.filter((r) => r.theta !== undefined && r.theta !== null && r.theta !== '');
    app.appendChild(el('h2', {}, 'Ability estimate'));
    if (withTheta.length) {
      const points = withTheta.map((r, i) => {
        const th = Number(r.theta), se = Number(r.sem);
        return isNaN(se) ? { x: i + 1, y: th } : { x: i + 1, y: th, lo: th - se, hi: th + se };
      });
      const last = withTheta[withTheta.length - 1];
      app.appendChild(el('div', { class: 'cca-card' }, [
        CC.lineChart({ points: points, title: 'Theta after each response, with ± one standard error', xLabel: 'Response', yLabel: 'Theta', yFormat: (y) => y.toFixed(1), xFormat: (x) => String(Math.round(x)) }),
        el('p', {}, 'Final estimate: theta ' + CC.fmtNum(last.theta) + (last.sem !== undefined && last.sem !== null ? ', standard error ' + CC.fmtNum(last.sem) : '') + ' after ' + withTheta.length + ' responses.')
      ]));
    } else {
      app.appendChild(el('p', { class: 'cca-muted' }, 'This session has no responses with an ability estimate.'));
    }

    app.appendChild(el('h2', {}, 'Responses'));
    const keys = [];
    responses.forEach((r) => Object.keys(r).forEach((k) => { if (keys.indexOf(k) < 0) keys.push(k); }));
    const order = ['id', 'item_id', 'response', 'score', 'correct', 'theta', 'sem'];
    keys.sort((a, b) => { const ia = order.indexOf(a), ib = order.indexOf(b); return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib); });
    app.appendChild(CC.table({
      columns: keys.map((k) => ({ key: k, label: k === 'sem' ? 'SEM' : k, num: k === 'theta' || k === 'sem' || /(^|_)id$/.test(k),
        render: (r) => (k === 'theta' || k === 'sem' ? CC.fmtNum(r[k]) : k === 'created' || k === 'updated' ? CC.fmtTime(r[k]) : r[k]) })),
      rows: responses, empty: 'No responses.'
    }));

    app.appendChild(el('h2', {}, 'Log'));
    const log = s.log || [];
    app.appendChild(log.length ? el('ol', { class: 'cca-log' }, log.map((l) => el('li', {}, [CC.fmtTime(l.created) + ' ', el('span', { class: 'cca-badge' }, String(l.type)), ' ' + (l.message || '')])))
      : el('p', { class: 'cca-muted' }, 'Nothing was logged.'));
  }

  CC.pages.sessions = function (app, boot) { return boot.id ? itemPage(app, boot) : listPage(app); };
}());
