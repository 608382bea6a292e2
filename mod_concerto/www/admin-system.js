/* The super administrator's pages: users (and API clients), settings, and
 * content import and export (Concerto 5 files). */
(function () {
  'use strict';
  const CC = window.CC;
  const el = CC.el;
  const ROLES = [['ROLE_SUPER_ADMIN', 'Super administrator'], ['ROLE_TEST', 'Tests'], ['ROLE_TEMPLATE', 'Templates'],
    ['ROLE_TABLE', 'Data tables'], ['ROLE_WIZARD', 'Wizards'], ['ROLE_FILE', 'Files']];

  /* ---- users ---- */
  function userForm(user, done) {
    const username = el('input', { value: user ? user.username : '', required: true, maxlength: 64, autocomplete: 'off' });
    const email = el('input', { type: 'email', value: user ? user.email || '' : '' });
    const password = el('input', { type: 'password', autocomplete: 'new-password', minlength: 8 });
    const groups = el('input', { value: user ? user.object_groups || '' : '' });
    const roles = ROLES.map((r) => CC.checkbox(r[1], user ? (user.roles || []).indexOf(r[0]) >= 0 : r[0] === 'ROLE_TEST'));
    const form = el('form', { class: 'cca-card' }, [el('h2', {}, user ? 'Edit ' + user.username : 'New user'),
      el('div', { class: 'cca-form-grid' }, [CC.field('User name', username), CC.field('Email', email),
        CC.field(user ? 'New password' : 'Password', password, user ? 'Leave empty to keep the password' : 'At least 8 characters'),
        CC.field('Groups', groups, 'Comma-separated; objects shared with a group')]),
      el('fieldset', {}, [el('legend', {}, 'Roles')].concat(roles.map((r) => r.node))),
      el('button', { type: 'submit', class: 'cca-primary' }, user ? 'Save the user' : 'Create the user'),
      user ? CC.button('Cancel', () => done(false)) : null]);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      CC.busy(form.querySelector('button[type=submit]'), async () => {
        const body = { username: username.value.trim(), email: email.value.trim(), object_groups: groups.value,
          roles: ROLES.filter((r, i) => roles[i].input.checked).map((r) => r[0]) };
        if (password.value) body.password = password.value;
        if (!user && !password.value) throw new Error('A new user needs a password.');
        if (user) { body.revision = user.revision; await CC.api('PUT', '/users/' + user.id, body); } else await CC.api('POST', '/users', body);
        CC.toast(user ? 'User saved.' : 'User ' + body.username + ' created.');
        done(true);
      });
    });
    return form;
  }

  function usersPage(app) {
    const formBox = el('div', {});
    const listBox = el('div', {});
    const clientsBox = el('div', {});
    let list = null;
    const showNew = () => { CC.clear(formBox).appendChild(userForm(null, (changed) => { showNew(); if (changed) list.reload(); })); };
    CC.append(app, [formBox, el('h2', {}, 'All users'), listBox, el('h2', {}, 'API clients'), clientsBox]);
    showNew();
    list = CC.listView(listBox, {
      kind: 'users', sort: 'username',
      columns: [
        { key: 'username', label: 'User name' },
        { key: 'email', label: 'Email' },
        { key: 'roles', label: 'Roles', sortable: false, render: (u) => (u.roles || []).map((r) => r.replace('ROLE_', '').toLowerCase().replace('_', ' ')).join(', ') },
        { key: 'totp_enabled', label: 'Two-factor', sortable: false, render: (u) => (u.totp_enabled ? 'on' : 'off') },
        { key: 'locked_until', label: 'Locked', sortable: false, render: (u) => (u.locked_until && Number(u.locked_until) * 1000 > Date.now() ? 'until ' + CC.fmtTime(u.locked_until) : '') },
        { key: 'id', label: 'Actions', sortable: false, render: (u) => el('span', {}, [
          CC.button('Edit', async () => { const full = await CC.api('GET', '/users/' + u.id).catch(CC.fail); if (!full) return;
            CC.clear(formBox).appendChild(userForm(full, (changed) => { showNew(); if (changed) list.reload(); }));
            formBox.querySelector('input').focus(); }, '', { 'aria-label': 'Edit ' + u.username }), ' ',
          CC.button('Delete', (e) => CC.busy(e.target, async () => {
            if (!window.confirm('Delete the user ' + u.username + '?')) return;
            await CC.api('DELETE', '/users/' + u.id); CC.toast('Deleted ' + u.username + '.'); list.reload();
          }), 'cca-danger', { 'aria-label': 'Delete ' + u.username })]) }
      ]
    });
    clients(clientsBox);
  }

  async function clients(box) {
    const name = el('input', { required: true, maxlength: 64 });
    const shown = el('div', { role: 'status' });
    const listBox = el('div', {});
    const form = el('form', { class: 'cca-toolbar' }, [CC.field('New client name', name), el('p', {}, el('button', { type: 'submit' }, 'Create a token')), shown]);
    async function load() {
      try {
        const data = await CC.api('GET', '/clients');
        CC.clear(listBox).appendChild(CC.table({
          columns: [{ key: 'name', label: 'Name' }, { key: 'created', label: 'Created', render: (c) => CC.fmtTime(c.created) },
            { key: 'id', label: 'Actions', render: (c) => CC.button('Revoke', (e) => CC.busy(e.target, async () => {
              await CC.api('DELETE', '/clients/' + c.id); CC.toast('Revoked.'); load();
            }), 'cca-danger', { 'aria-label': 'Revoke ' + c.name }) }],
          rows: data.items || data || [], empty: 'No API clients. Scripts use a client\'s token as Authorization: Bearer TOKEN.'
        }));
      } catch (e) { CC.clear(listBox).appendChild(el('p', { class: 'cca-error' }, e.message)); }
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      CC.busy(form.querySelector('button'), async () => {
        const c = await CC.api('POST', '/clients', { name: name.value.trim() });
        CC.clear(shown).appendChild(el('p', { class: 'cca-card' }, ['Token of ' + c.name + ' (shown only now; copy it): ', el('code', {}, c.token)]));
        name.value = '';
        load();
      });
    });
    CC.append(box, [form, listBox]);
    load();
  }

  /* ---- settings ---- */
  async function settingsPage(app) {
    const data = await CC.api('GET', '/settings');
    const items = data.items || [];
    app.appendChild(el('p', { class: 'cca-hint' }, 'Each setting is saved when you leave its field. Exposed settings are visible to tests.'));
    app.appendChild(CC.table({
      columns: [
        { key: 'key', label: 'Setting' },
        { key: 'value', label: 'Value', render: (s) => {
          const input = el('input', { value: s.value === null || s.value === undefined ? '' : String(s.value), 'aria-label': s.key, size: 40 });
          input.addEventListener('change', () => CC.busy(null, async () => {
            await CC.api('PUT', '/settings/' + encodeURIComponent(s.key), { value: input.value });
            CC.toast('Saved ' + s.key + '.');
          }));
          return input;
        } },
        { key: 'exposed', label: 'Exposed', render: (s) => (Number(s.exposed) ? 'yes' : 'no') }
      ], rows: items, empty: 'No settings.'
    }));
  }

  /* ---- content ---- */
  function contentPage(app) {
    const file = el('input', { type: 'file', accept: '.json,.yml,.yaml,.concerto' });
    const plan = el('div', { 'aria-live': 'polite' });
    const form = el('form', { class: 'cca-card' }, [el('h2', {}, 'Import'),
      el('p', { class: 'cca-hint' }, 'A Concerto 5 export (.concerto, JSON or YAML). First you see what would be created, converted or ignored; nothing is written until you confirm.'),
      CC.field('File', file), el('button', { type: 'submit', class: 'cca-primary' }, 'Check the file'), plan]);
    function contentType(f) {
      return /\.ya?ml$/i.test(f.name) ? 'application/yaml' : /\.json$/i.test(f.name) ? 'application/json' : 'application/octet-stream';
    }
    function problems(list) {
      return list && list.length ? el('div', {}, [el('h3', {}, 'Problems'), el('ul', {}, list.map((p) => el('li', { class: 'cca-error' }, (p.class_name ? p.class_name + ' ' : '') + (p.name || '') + ': ' + p.message)))]) : null;
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      CC.busy(form.querySelector('button'), async () => {
        if (!file.files.length) throw new Error('Choose a file first.');
        const f = file.files[0];
        const body = await f.arrayBuffer();
        // The server tells the format by Content-Type, or zlib's first byte (.concerto).
        const answer = await CC.api('POST', '/content/import?dry_run=1', body, { type: contentType(f) });
        const choices = [];
        CC.clear(plan);
        CC.append(plan, [el('h3', {}, 'What the import would do'), CC.table({
          columns: [{ key: 'class_name', label: 'Kind' }, { key: 'name', label: 'Name' },
            { key: 'action', label: 'Action', render: (i) => { const s = CC.select([['create', 'create'], ['convert', 'convert (replace ours)'], ['ignore', 'ignore']], i.action, { 'aria-label': 'Action for ' + i.name }); choices.push([i, s]); return s; } },
            { key: 'reason', label: 'Why' }],
          rows: answer.instructions || [], empty: 'The file holds nothing to import.'
        }), problems(answer.problems)]);
        const go = CC.button('Import now', (ev) => CC.busy(ev.target, async () => {
          const params = choices.map((c) => 'action.' + encodeURIComponent(c[0].class_name) + '.' + encodeURIComponent(c[0].name) + '=' + c[1].value).join('&');
          const done = await CC.api('POST', '/content/import' + (params ? '?' + params : ''), body, { type: contentType(f) });
          CC.clear(plan);
          CC.append(plan, [el('p', { class: 'cca-ok' }, 'Imported ' + (done.imported || []).length + ' objects.'),
            el('ul', {}, (done.imported || []).map((i) => el('li', {}, typeof i === 'string' ? i : (i.class_name || '') + ' ' + (i.name || '')))), problems(done.problems)]);
          CC.toast('Import finished.');
        }), 'cca-primary');
        plan.appendChild(el('p', {}, go));
      });
    });

    const format = CC.select([['concerto', '.concerto (compressed)'], ['json', 'JSON'], ['yml', 'YAML']], 'concerto');
    const tests = el('input', { placeholder: 'all' });
    const templates = el('input', { placeholder: 'all' });
    const tables = el('input', { placeholder: 'all' });
    const data = CC.checkbox('Include the rows of data tables', false);
    const link = el('a', { class: 'cca-button cca-primary', download: '' }, 'Download the export');
    function updateLink() {
      const q = ['format=' + format.value];
      [['test', tests], ['template', templates], ['table', tables]].forEach((p) => p[1].value.split(',').map((s) => s.trim()).filter(Boolean).forEach((n) => q.push(p[0] + '=' + encodeURIComponent(n))));
      if (data.input.checked) q.push('data=1');
      link.href = CC.url('/api/admin/content/export?' + q.join('&'));
    }
    [format, tests, templates, tables, data.input].forEach((i) => i.addEventListener('input', updateLink));
    [format, data.input].forEach((i) => i.addEventListener('change', updateLink));
    updateLink();
    const exp = el('section', { class: 'cca-card', 'aria-labelledby': 'cc-export-h' }, [el('h2', { id: 'cc-export-h' }, 'Export'),
      el('p', { class: 'cca-hint' }, 'Names separated by commas; leave every box empty to export everything. Objects the chosen ones use come along.'),
      el('div', { class: 'cca-form-grid' }, [CC.field('Format', format), CC.field('Tests', tests), CC.field('Templates', templates), CC.field('Data tables', tables)]),
      data.node, link]);
    CC.append(app, [form, exp]);
  }

  CC.pages.users = usersPage;
  CC.pages.settings = settingsPage;
  CC.pages.content = contentPage;
}());
