/* Tests: the list (/admin/tests) and one test (/admin/tests/{id}): its
 * properties, R code in the code editor, variables, and for a flow test its
 * graph of nodes and connections drawn as SVG and edited through forms. */
(function () {
  'use strict';
  const CC = window.CC;
  const el = CC.el;
  const TYPES = [[0, 'Code (R)'], [1, 'Wizard'], [2, 'Flow'], [3, 'Adaptive (built in)']];
  const VAR_TYPES = [[0, 'Parameter (input)'], [1, 'Return value'], [2, 'Branch']];
  const PORT_TYPES = ['input', 'return', 'branch'];

  function typeName(t) { const f = TYPES.filter((x) => x[0] === Number(t))[0]; return f ? f[1] : String(t); }

  function listPage(app) {
    const name = el('input', { required: true, maxlength: 64, autocomplete: 'off' });
    const type = CC.select([[0, 'Code (R)'], [2, 'Flow']], 0);
    const create = el('form', { class: 'cca-card', 'aria-labelledby': 'cc-new-test' }, [
      el('h2', { id: 'cc-new-test' }, 'New test'),
      el('div', { class: 'cca-form-grid' }, [CC.field('Name', name, 'Letters, digits, - and _; also its address: /test/NAME'), CC.field('Type', type)]),
      el('button', { type: 'submit', class: 'cca-primary' }, 'Create the test')
    ]);
    create.addEventListener('submit', (e) => {
      e.preventDefault();
      CC.busy(create.querySelector('button'), async () => {
        if (!name.value.trim()) throw new Error('Please give the test a name.');
        const t = await CC.api('POST', '/tests', { name: name.value.trim(), type: Number(type.value) });
        window.location.assign(CC.adminUrl('tests/' + t.id));
      });
    });
    app.appendChild(create);
    app.appendChild(el('h2', {}, 'All tests'));
    CC.listView(app, {
      kind: 'tests', sort: 'name',
      columns: [
        { key: 'name', label: 'Name', render: (t) => el('a', { href: CC.adminUrl('tests/' + t.id) }, t.name) },
        { key: 'type', label: 'Type', render: (t) => typeName(t.type) },
        { key: 'slug', label: 'Participants open', sortable: false, render: (t) => el('a', { href: CC.url('/test/' + encodeURIComponent(t.slug || t.name)) }, '/test/' + (t.slug || t.name)) },
        { key: 'updated', label: 'Changed', render: (t) => CC.fmtTime(t.updated) + (t.updated_by ? ' by ' + t.updated_by : '') }
      ],
      empty: 'No tests yet: create one above.'
    });
  }

  /* The test being edited; children's writes bump its revision, so it is
   * read again after each of them. */
  async function loadTest(id) { return CC.api('GET', '/tests/' + id); }

  async function itemPage(app, boot) {
    const id = boot.id;
    let test = await loadTest(id);
    const refresh = async () => { test = await loadTest(id); return test; };
    CC.setTitle('Test: ' + test.name);
    app.appendChild(el('p', { class: 'cca-toolbar' }, [
      el('a', { class: 'cca-button', href: CC.adminUrl('tests') }, '← All tests'),
      el('a', { class: 'cca-button', href: CC.url('/test/' + encodeURIComponent(test.slug || test.name)), target: '_blank', rel: 'noopener' }, 'Run as a participant'),
      el('a', { class: 'cca-button', href: CC.adminUrl('sessions?test_id=' + id) }, 'Sessions and results'),
      CC.downloadLink('Responses as CSV', '/tests/' + id + '/responses.csv')
    ]));
    const tabs = [{ label: 'Properties', render: (p) => propertiesTab(p, () => test, (t) => { test = t; }) }];
    if (Number(test.type) === 0) tabs.push({ label: 'R code', render: (p) => codeTab(p, () => test, (t) => { test = t; }), shown: () => codeTab.editor && codeTab.editor.refresh() });
    if (Number(test.type) === 2) tabs.push({ label: 'Flow', render: (p) => flowTab(p, id, refresh) });
    tabs.push({ label: 'Variables', render: (p) => variablesTab(p, id, () => test, refresh) });
    CC.tabs(app, tabs);
  }

  /* PUT with the revision read; a 409 tells who changed it meanwhile. */
  async function saveTest(test, fields) {
    const body = Object.assign({ revision: test.revision }, fields);
    const saved = await CC.api('PUT', '/tests/' + test.id, body);
    return saved && saved.id ? saved : loadTest(test.id);
  }

  function propertiesTab(panel, get, set) {
    const t = get();
    const name = el('input', { value: t.name, required: true, maxlength: 64 });
    const slug = el('input', { value: t.slug || '', maxlength: 64 });
    const description = el('textarea', { rows: 3 }, t.description || '');
    const visibility = CC.select([[0, 'Regular (can be started at its address)'], [2, 'Subtest (runs only inside other tests)']], t.visibility);
    const template = CC.select([['', '(none)']], t.base_template_id || '');
    const access = CC.select(CC.ACCESS, t.accessibility || 0);
    const groups = el('input', { value: t.object_groups || '' });
    const archived = CC.checkbox('Archived', Number(t.archived) === 1);
    let settings = {};
    try { settings = t.settings ? JSON.parse(t.settings) : {}; } catch (e) { settings = {}; }
    const bank = settings.responseBank && settings.responseBank.table ? settings.responseBank.table : '';
    const responses = CC.select([['', '(none)']], bank);
    const settingsText = el('textarea', { rows: 6 }, t.settings ? JSON.stringify(settings, null, 2) : '');
    CC.api('GET', '/templates?per_page=500&sort=name').then((list) => {
      (list.items || []).forEach((tp) => template.appendChild(el('option', { value: String(tp.id) }, tp.name)));
      template.value = t.base_template_id ? String(t.base_template_id) : '';
    }).catch(() => {});
    CC.api('GET', '/tables?per_page=500&sort=name').then((list) => {
      (list.items || []).forEach((tb) => responses.appendChild(el('option', { value: tb.name }, tb.name)));
      responses.value = bank;
    }).catch(() => {});
    /* The settings JSON with the chosen response table (its column map kept). */
    function settingsValue() {
      let s = {};
      if (settingsText.value.trim()) {
        try { s = JSON.parse(settingsText.value); } catch (e) {
          settingsText.focus();
          throw new Error('The settings are not valid JSON: ' + e.message);
        }
      }
      if (responses.value) s.responseBank = Object.assign({}, s.responseBank || {}, { table: responses.value });
      else if (s.responseBank) delete s.responseBank.table;
      return Object.keys(s).length ? JSON.stringify(s) : null;
    }
    const save = el('button', { type: 'submit', class: 'cca-primary' }, 'Save');
    const form = el('form', { class: 'cca-card' }, [
      el('div', { class: 'cca-form-grid' }, [CC.field('Name', name), CC.field('Address (slug)', slug, 'Participants open /test/SLUG'),
        CC.field('Visibility', visibility), CC.field('Base template', template, 'Wraps every page of the test'),
        CC.field('Who else may edit', access), CC.field('Groups', groups, 'Comma-separated'),
        CC.field('Response table', responses, 'Where the answers go; the results pages read it')]),
      CC.field('Description', description),
      el('details', {}, [el('summary', {}, 'Advanced settings (JSON)'), CC.field('Settings', settingsText, 'Item bank, response bank and the other test settings, as JSON')]),
      archived.node, save,
      el('p', { class: 'cca-muted' }, 'Revision ' + t.revision + (t.updated ? ', changed ' + CC.fmtTime(t.updated) + (t.updated_by ? ' by ' + t.updated_by : '') : ''))
    ]);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      CC.busy(save, async () => {
        const saved = await saveTest(get(), {
          name: name.value.trim(), slug: slug.value.trim(), description: description.value, visibility: Number(visibility.value),
          base_template_id: template.value ? Number(template.value) : null, accessibility: Number(access.value),
          object_groups: groups.value, archived: archived.input.checked ? 1 : 0, settings: settingsValue()
        });
        set(saved);
        form.lastChild.textContent = 'Revision ' + saved.revision + ', saved just now.';
        CC.setTitle('Test: ' + saved.name);
        CC.toast('Saved.');
      });
    });
    panel.appendChild(form);
  }

  function codeTab(panel, get, set) {
    const area = el('textarea', { id: CC.newId('code'), 'aria-label': 'R code', rows: 20 }, get().code || '');
    const save = el('button', { type: 'submit', class: 'cca-primary' }, 'Save the code');
    const form = el('form', { class: 'cca-card' }, [
      el('label', { for: area.id, class: 'cca-label' }, 'R code'),
      el('p', { class: 'cca-hint' }, 'Runs when a participant starts the test; concerto.template.show() shows a page. Tab leaves the editor; Ctrl+S saves.'),
      area, el('p', {}, save)
    ]);
    panel.appendChild(form);
    const editor = CC.editor(area, 'r');
    codeTab.editor = editor;
    const submit = () => CC.busy(save, async () => {
      set(await saveTest(get(), { code: editor.getValue() }));
      CC.toast('Code saved.');
    });
    form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });
    form.addEventListener('keydown', (e) => { if ((e.ctrlKey || e.metaKey) && e.key === 's') { e.preventDefault(); submit(); } });
  }

  function variablesTab(panel, id, get, refresh) {
    const list = el('div', {});
    const name = el('input', { required: true, maxlength: 64 });
    const type = CC.select(VAR_TYPES, 0);
    const value = el('input', {});
    const description = el('input', {});
    const url = CC.checkbox('Can be set through the URL', false);
    const add = el('form', { class: 'cca-card' }, [el('h3', {}, 'Add a variable'),
      el('div', { class: 'cca-form-grid' }, [CC.field('Name', name), CC.field('Kind', type), CC.field('Default value', value), CC.field('Description', description)]),
      url.node, el('button', { type: 'submit', class: 'cca-primary' }, 'Add the variable')]);
    add.addEventListener('submit', (e) => {
      e.preventDefault();
      CC.busy(add.querySelector('button[type=submit]'), async () => {
        await CC.api('POST', '/tests/' + id + '/variables', { name: name.value.trim(), type: Number(type.value), value: value.value, description: description.value, passable_through_url: url.input.checked ? 1 : 0 });
        name.value = value.value = description.value = '';
        await render();
        CC.toast('Variable added.');
      });
    });
    async function render() {
      const t = await refresh();
      const vars = t.variables || [];
      CC.clear(list).appendChild(CC.table({
        caption: 'Parameters come in, return values go out, branches choose the next node of a flow.',
        columns: [
          { key: 'name', label: 'Name' },
          { key: 'type', label: 'Kind', render: (v) => (VAR_TYPES[Number(v.type)] || [0, v.type])[1] },
          { key: 'value', label: 'Default value', render: (v) => {
            const input = el('input', { value: v.value || '', 'aria-label': 'Default value of ' + v.name });
            input.addEventListener('change', () => CC.busy(null, async () => {
              await CC.api('PUT', '/tests/' + id + '/variables/' + v.id, { value: input.value });
              await refresh();
              CC.toast('Saved ' + v.name + '.');
            }));
            return input;
          } },
          { key: 'passable_through_url', label: 'URL', render: (v) => (Number(v.passable_through_url) ? 'yes' : 'no') },
          { key: 'description', label: 'Description' },
          { key: 'id', label: 'Actions', render: (v) => CC.button('Delete', (e) => CC.busy(e.target, async () => {
            if (!window.confirm('Delete the variable ' + v.name + '?')) return;
            await CC.api('DELETE', '/tests/' + id + '/variables/' + v.id);
            await render();
            CC.toast('Deleted ' + v.name + '.');
          }), 'cca-danger', { 'aria-label': 'Delete ' + v.name }) }
        ],
        rows: vars, empty: 'No variables.'
      }));
    }
    CC.append(panel, [list, add]);
    render().catch(CC.fail);
  }

  /* ---- flow graph ---- */
  const NODE_W = 190, PORT_H = 18, HEAD_H = 28;

  function nodeHeight(n) {
    const ports = n.ports || [];
    const left = ports.filter((p) => Number(p.type) === 0).length;
    const right = ports.filter((p) => Number(p.type) !== 0).length;
    return HEAD_H + Math.max(1, left, right) * PORT_H + 8;
  }
  /* Where a port sits: inputs on the left edge, returns and branches on the right. */
  function portPoint(n, portId) {
    const ports = n.ports || [];
    const x = Number(n.pos_x) || 0, y = Number(n.pos_y) || 0;
    if (portId === null || portId === undefined) return { x: x, y: y + HEAD_H / 2 };
    const p = ports.filter((q) => String(q.id) === String(portId))[0];
    if (!p) return { x: x, y: y + HEAD_H / 2 };
    const left = Number(p.type) === 0;
    const side = ports.filter((q) => (Number(q.type) === 0) === left);
    return { x: left ? x : x + NODE_W, y: y + HEAD_H + side.indexOf(p) * PORT_H + PORT_H / 2 };
  }
  function nodeLabel(n) { return n.title || (Number(n.type) === 1 ? 'begin' : Number(n.type) === 2 ? 'finish' : 'node ' + n.id); }

  function drawFlow(nodes, connections, selected, onSelect) {
    /* The box around the nodes (Concerto puts begin near 15000,15000). */
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    if (!nodes.length) { minX = minY = 0; maxX = 400; maxY = 200; }
    nodes.forEach((n) => {
      minX = Math.min(minX, Number(n.pos_x) || 0); minY = Math.min(minY, Number(n.pos_y) || 0);
      maxX = Math.max(maxX, (Number(n.pos_x) || 0) + NODE_W); maxY = Math.max(maxY, (Number(n.pos_y) || 0) + nodeHeight(n));
    });
    const svg = CC.svg('svg', { class: 'cca-flow', viewBox: (minX - 20) + ' ' + (minY - 20) + ' ' + (maxX - minX + 40) + ' ' + (maxY - minY + 40), role: 'group', 'aria-label': 'Flow: ' + nodes.length + ' nodes, ' + connections.length + ' connections' });
    svg.appendChild(CC.svg('defs', {}, CC.svg('marker', { id: 'cc-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, CC.svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#1c4fbf' }))));
    const byId = {};
    nodes.forEach((n) => { byId[n.id] = n; });
    connections.forEach((c) => {
      const s = byId[c.source_node_id], d = byId[c.destination_node_id];
      if (!s || !d) return;
      const a = portPoint(s, c.source_port_id), b = portPoint(d, c.destination_port_id);
      const dx = Math.max(40, Math.abs(b.x - a.x) / 2);
      const path = CC.svg('path', { class: 'cca-edge', d: 'M' + a.x + ',' + a.y + ' C' + (a.x + dx) + ',' + a.y + ' ' + (b.x - dx) + ',' + b.y + ' ' + b.x + ',' + b.y, 'marker-end': 'url(#cc-arrow)' });
      path.appendChild(CC.svg('title', {}, nodeLabel(s) + ' → ' + nodeLabel(d)));
      svg.appendChild(path);
    });
    nodes.forEach((n) => {
      const x = Number(n.pos_x) || 0, y = Number(n.pos_y) || 0;
      const g = CC.svg('g', { class: 'cca-node' + (String(selected) === String(n.id) ? ' cca-selected' : ''), tabindex: 0, role: 'button', 'aria-label': 'Node ' + nodeLabel(n) + ', ' + (n.ports || []).length + ' ports; Enter to edit', 'data-node-id': n.id });
      g.appendChild(CC.svg('rect', { x: x, y: y, width: NODE_W, height: nodeHeight(n), rx: 6 }));
      g.appendChild(CC.svg('text', { x: x + 8, y: y + 19, 'font-weight': 600 }, nodeLabel(n).slice(0, 24)));
      g.appendChild(CC.svg('line', { x1: x, x2: x + NODE_W, y1: y + HEAD_H - 2, y2: y + HEAD_H - 2, stroke: '#c9ced6' }));
      (n.ports || []).forEach((p) => {
        const pt = portPoint(n, p.id), left = Number(p.type) === 0;
        g.appendChild(CC.svg('circle', { cx: pt.x, cy: pt.y, r: 4, fill: left ? '#fff' : '#1c4fbf', stroke: '#1c4fbf' }));
        g.appendChild(CC.svg('text', { class: 'cca-port', x: left ? pt.x + 8 : pt.x - 8, y: pt.y + 4, 'text-anchor': left ? 'start' : 'end' }, String(p.name).slice(0, 20)));
      });
      g.addEventListener('click', () => onSelect(n.id));
      g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(n.id); } });
      svg.appendChild(g);
    });
    return svg;
  }

  function flowTab(panel, id, refresh) {
    const graph = el('div', { class: 'cca-card' });
    const editorBox = el('div', {});
    const forms = el('div', { class: 'cca-split' });
    let nodes = [], connections = [], selected = null, tests = [];
    CC.append(panel, [el('p', { class: 'cca-hint' }, 'Execution starts at begin and follows the connections from a node\'s branch to the next node; return values go to input ports. Select a node (click, or Tab to it and press Enter) to edit its ports.'), graph, editorBox, forms]);

    async function load() {
      const [n, c] = await Promise.all([CC.api('GET', '/tests/' + id + '/nodes'), CC.api('GET', '/tests/' + id + '/connections')]);
      nodes = n.items || n; connections = c.items || c;
      draw();
    }
    function draw() {
      CC.clear(graph).appendChild(drawFlow(nodes, connections, selected, (nid) => { selected = nid; draw(); nodeEditor(); const g = graph.querySelector('[data-node-id="' + nid + '"]'); if (g) g.focus(); }));
      graph.appendChild(connectionList());
      renderForms();
    }
    function nodeOptions() { return nodes.map((n) => [n.id, nodeLabel(n) + ' (#' + n.id + ')']); }
    function connectionList() {
      const byId = {};
      nodes.forEach((n) => { byId[n.id] = n; });
      const portName = (n, pid) => { if (!n || !pid) return ''; const p = (n.ports || []).filter((q) => String(q.id) === String(pid))[0]; return p ? '.' + p.name : ''; };
      return el('details', {}, [el('summary', {}, 'Connections as a list (' + connections.length + ')'), CC.table({
        columns: [
          { key: 'source_node_id', label: 'From', render: (c) => nodeLabel(byId[c.source_node_id] || { id: c.source_node_id }) + portName(byId[c.source_node_id], c.source_port_id) },
          { key: 'destination_node_id', label: 'To', render: (c) => nodeLabel(byId[c.destination_node_id] || { id: c.destination_node_id }) + portName(byId[c.destination_node_id], c.destination_port_id) },
          { key: 'id', label: 'Actions', render: (c) => CC.button('Delete', (e) => CC.busy(e.target, async () => {
            await CC.api('DELETE', '/tests/' + id + '/connections/' + c.id);
            await refresh(); await load(); CC.toast('Connection deleted.');
          }), 'cca-danger', { 'aria-label': 'Delete the connection ' + c.id }) }
        ], rows: connections, empty: 'No connections yet.'
      })]);
    }
    function renderForms() {
      CC.clear(forms);
      const source = CC.select(tests.map((t) => [t.id, t.name]), null);
      const title = el('input', {});
      // A new node goes right of the rightmost one, level with the first.
      const right = nodes.reduce((m, n) => Math.max(m, (Number(n.pos_x) || 0) + NODE_W + 60), 0);
      const px = el('input', { type: 'number', value: nodes.length ? right : 0, step: 10 });
      const py = el('input', { type: 'number', value: nodes.length ? Number(nodes[0].pos_y) || 0 : 0, step: 10 });
      const add = el('form', { class: 'cca-card' }, [el('h3', {}, 'Add a node'), CC.field('Test it runs', source), CC.field('Title', title),
        el('div', { class: 'cca-form-grid' }, [CC.field('Position x', px), CC.field('Position y', py)]),
        el('button', { type: 'submit', class: 'cca-primary' }, 'Add the node')]);
      add.addEventListener('submit', (e) => {
        e.preventDefault();
        CC.busy(add.querySelector('button'), async () => {
          if (!source.value) throw new Error('Choose the test the node runs.');
          const n = await CC.api('POST', '/tests/' + id + '/nodes', { source_test_id: Number(source.value), title: title.value, pos_x: Number(px.value), pos_y: Number(py.value), type: 0 });
          selected = n && n.id ? n.id : null;
          await refresh(); await load(); nodeEditor(); CC.toast('Node added.');
        });
      });
      const from = CC.select(nodeOptions(), null), fromPort = el('select', {});
      const to = CC.select(nodeOptions(), null), toPort = el('select', {});
      const fillPorts = (nodeSel, portSel, wantInputs) => {
        const n = nodes.filter((q) => String(q.id) === nodeSel.value)[0];
        CC.clear(portSel);
        const ports = ((n && n.ports) || []).filter((p) => (Number(p.type) === 0) === wantInputs);
        if (wantInputs) portSel.appendChild(el('option', { value: '' }, '(the node itself: run it next)'));
        else if (!ports.length) portSel.appendChild(el('option', { value: '' }, '(the node has no ports)'));
        ports.forEach((p) => portSel.appendChild(el('option', { value: String(p.id) }, p.name + ' (' + PORT_TYPES[Number(p.type)] + ')')));
      };
      from.addEventListener('change', () => fillPorts(from, fromPort, false));
      to.addEventListener('change', () => fillPorts(to, toPort, true));
      fillPorts(from, fromPort, false);
      fillPorts(to, toPort, true);
      const connect = el('form', { class: 'cca-card' }, [el('h3', {}, 'Connect'),
        el('div', { class: 'cca-form-grid' }, [CC.field('From node', from), CC.field('From port', fromPort, 'A branch (next node) or a return value'), CC.field('To node', to), CC.field('To port', toPort)]),
        el('button', { type: 'submit', class: 'cca-primary' }, 'Connect')]);
      connect.addEventListener('submit', (e) => {
        e.preventDefault();
        CC.busy(connect.querySelector('button'), async () => {
          if (!from.value || !to.value) throw new Error('Choose both nodes.');
          await CC.api('POST', '/tests/' + id + '/connections', { source_node_id: Number(from.value), source_port_id: fromPort.value ? Number(fromPort.value) : null, destination_node_id: Number(to.value), destination_port_id: toPort.value ? Number(toPort.value) : null });
          await refresh(); await load(); CC.toast('Connected.');
        });
      });
      CC.append(forms, [add, connect]);
    }
    function nodeEditor() {
      CC.clear(editorBox);
      const n = nodes.filter((q) => String(q.id) === String(selected))[0];
      if (!n) return;
      const title = el('input', { value: n.title || '' });
      const px = el('input', { type: 'number', value: Number(n.pos_x) || 0, step: 10 });
      const py = el('input', { type: 'number', value: Number(n.pos_y) || 0, step: 10 });
      const props = el('form', { class: 'cca-toolbar' }, [CC.field('Title', title), CC.field('x', px), CC.field('y', py),
        el('p', {}, el('button', { type: 'submit' }, 'Save the node')),
        el('p', {}, CC.button('Delete the node', (e) => CC.busy(e.target, async () => {
          if (!window.confirm('Delete the node ' + nodeLabel(n) + ' and its connections?')) return;
          await CC.api('DELETE', '/tests/' + id + '/nodes/' + n.id);
          selected = null; await refresh(); await load(); nodeEditor(); CC.toast('Node deleted.');
        }), 'cca-danger'))]);
      props.addEventListener('submit', (e) => {
        e.preventDefault();
        CC.busy(props.querySelector('button'), async () => {
          await CC.api('PUT', '/tests/' + id + '/nodes/' + n.id, { title: title.value, pos_x: Number(px.value), pos_y: Number(py.value) });
          await refresh(); await load(); nodeEditor(); CC.toast('Node saved.');
        });
      });
      const ports = CC.table({
        columns: [
          { key: 'name', label: 'Port' },
          { key: 'type', label: 'Kind', render: (p) => PORT_TYPES[Number(p.type)] || p.type },
          { key: 'value', label: 'Value', render: (p) => {
            if (Number(p.type) !== 0) return '';
            const input = el('input', { value: p.value === null || p.value === undefined ? '' : p.value, 'aria-label': 'Value of ' + p.name });
            const str = el('input', { type: 'checkbox', 'aria-label': p.name + ' is text, not R code' });
            str.checked = Number(p.is_string) === 1;
            const save = () => CC.busy(null, async () => {
              await CC.api('PUT', '/tests/' + id + '/nodes/' + n.id + '/ports/' + p.id, { value: input.value, is_string: str.checked ? 1 : 0, default_value: 0 });
              await refresh(); CC.toast('Port ' + p.name + ' saved.');
            });
            input.addEventListener('change', save);
            str.addEventListener('change', save);
            return el('span', {}, [input, ' ', el('label', {}, [str, ' text'])]);
          } },
          { key: 'exposed', label: 'Exposed', render: (p) => (Number(p.exposed) ? 'yes' : 'no') }
        ], rows: n.ports || [], empty: 'This node has no ports.'
      });
      CC.append(editorBox, el('section', { class: 'cca-card', 'aria-label': 'Node ' + nodeLabel(n) }, [el('h3', {}, 'Node: ' + nodeLabel(n)), props, ports]));
    }
    CC.api('GET', '/tests?per_page=500&sort=name').then((l) => { tests = l.items || []; renderForms(); }).catch(CC.fail);
    load().catch((e) => { CC.clear(graph).appendChild(el('p', { class: 'cca-error' }, e.message)); });
  }

  CC.pages.tests = function (app, boot) { return boot.id ? itemPage(app, boot) : listPage(app); };
}());
