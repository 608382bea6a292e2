/* Templates: the list and one template's head, HTML, CSS and JavaScript in
 * code editors, with a live preview in a sandboxed iframe (its scripts run
 * in an opaque origin: they cannot reach this page, its cookie or token). */
(function () {
  'use strict';
  const CC = window.CC;
  const el = CC.el;

  function listPage(app) {
    const name = el('input', { required: true, maxlength: 64 });
    const create = el('form', { class: 'cca-card' }, [el('h2', {}, 'New template'), CC.field('Name', name),
      el('button', { type: 'submit', class: 'cca-primary' }, 'Create the template')]);
    create.addEventListener('submit', (e) => {
      e.preventDefault();
      CC.busy(create.querySelector('button'), async () => {
        if (!name.value.trim()) throw new Error('Please give the template a name.');
        const t = await CC.api('POST', '/templates', { name: name.value.trim(), html: '<p>{{text}}</p>' });
        window.location.assign(CC.adminUrl('templates/' + t.id));
      });
    });
    app.appendChild(create);
    app.appendChild(el('h2', {}, 'All templates'));
    CC.listView(app, {
      kind: 'templates', sort: 'name',
      columns: [
        { key: 'name', label: 'Name', render: (t) => el('a', { href: CC.adminUrl('templates/' + t.id) }, t.name) },
        { key: 'description', label: 'Description', sortable: false },
        { key: 'updated', label: 'Changed', render: (t) => CC.fmtTime(t.updated) + (t.updated_by ? ' by ' + t.updated_by : '') }
      ],
      empty: 'No templates yet.'
    });
  }

  /* The preview document: the template's parts in a page of its own. The
   * nonce lets its scripts run under the policy the frame inherits. */
  function previewDoc(parts, nonce) {
    const js = parts.js ? '<script nonce="' + nonce + '">' + parts.js.replace(/<\/script/gi, '<\\/script') + '</script>' : '';
    return '<!DOCTYPE html><html><head><meta charset="utf-8">' + (parts.head || '') +
      '<style>' + (parts.css || '').replace(/<\/style/gi, '<\\/style') + '</style></head><body>' + (parts.html || '') + js + '</body></html>';
  }

  async function itemPage(app, boot) {
    let tpl = await CC.api('GET', '/templates/' + boot.id);
    CC.setTitle('Template: ' + tpl.name);
    const nonce = (document.querySelector('script[nonce]') || {}).nonce || '';
    const name = el('input', { value: tpl.name, required: true, maxlength: 64 });
    const description = el('input', { value: tpl.description || '' });
    const access = CC.select(CC.ACCESS, tpl.accessibility || 0);
    const save = el('button', { type: 'submit', class: 'cca-primary' }, 'Save');
    const status = el('span', { class: 'cca-muted' }, 'Revision ' + tpl.revision);
    const editors = {};
    const parts = [['html', 'HTML', 'htmlmixed'], ['css', 'CSS', 'css'], ['js', 'JavaScript', 'javascript'], ['head', 'Head', 'htmlmixed']];
    const frame = el('iframe', { class: 'cca-preview', title: 'Preview of the template', sandbox: 'allow-scripts' });
    const edit = el('div', {});
    const form = el('form', {}, [
      el('p', { class: 'cca-toolbar' }, [el('a', { class: 'cca-button', href: CC.adminUrl('templates') }, '← All templates')]),
      el('div', { class: 'cca-card cca-form-grid' }, [CC.field('Name', name), CC.field('Description', description), CC.field('Who else may edit', access)]),
      el('div', { class: 'cca-split' }, [edit, el('section', { 'aria-labelledby': 'cc-preview-h' }, [el('h2', { id: 'cc-preview-h' }, 'Preview'),
        el('p', { class: 'cca-hint' }, 'Updates as you type. {{placeholders}} show as written; the runner fills them.'), frame])]),
      el('p', { class: 'cca-toolbar' }, [save, status])
    ]);
    app.appendChild(form);
    const tabs = parts.map((p) => ({ label: p[1], render: (panel) => {
      const area = el('textarea', { id: 'cc-tpl-' + p[0], rows: 16 }, tpl[p[0]] || '');
      CC.append(panel, [el('label', { for: area.id, class: 'cca-label' }, p[1]), area]);
      editors[p[0]] = CC.editor(area, p[2]);
      editors[p[0]].onChange(schedule);
    }, shown: () => editors[p[0]] && editors[p[0]].refresh() }));
    CC.tabs(edit, tabs);
    const value = (k) => (editors[k] ? editors[k].getValue() : (tpl[k] || ''));
    let timer = null;
    function update() { frame.srcdoc = previewDoc({ head: value('head'), html: value('html'), css: value('css'), js: value('js') }, nonce); }
    function schedule() { clearTimeout(timer); timer = setTimeout(update, 300); }
    update();
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      CC.busy(save, async () => {
        const saved = await CC.api('PUT', '/templates/' + tpl.id, {
          revision: tpl.revision, name: name.value.trim(), description: description.value, accessibility: Number(access.value),
          head: value('head'), html: value('html'), css: value('css'), js: value('js')
        });
        tpl = saved && saved.id ? saved : await CC.api('GET', '/templates/' + tpl.id);
        status.textContent = 'Revision ' + tpl.revision + ', saved just now.';
        CC.setTitle('Template: ' + tpl.name);
        CC.toast('Template saved.');
      });
    });
  }

  CC.pages.templates = function (app, boot) { return boot.id ? itemPage(app, boot) : listPage(app); };
}());
