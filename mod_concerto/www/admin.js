/* The administrators' pages: helpers every page script uses (window.CC).
 * The server writes a shell (header, navigation, <main>, #cc-boot JSON);
 * the page script registered as CC.pages[page] fills #cc-app from the REST
 * API (/api/admin/...). DOM is built with createElement and textContent
 * only, so nothing from the database is ever parsed as markup. */
(function () {
  'use strict';

  const bootNode = document.getElementById('cc-boot');
  const boot = bootNode ? JSON.parse(bootNode.textContent) : { base: '', page: '' };
  const CC = { boot: boot, pages: {} };
  window.CC = CC;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  let idCounter = 0;

  CC.url = function (path) { return boot.base + path; };
  CC.adminUrl = function (path) { return boot.base + '/admin/' + (path || ''); };
  CC.newId = function (prefix) { idCounter += 1; return (prefix || 'cc') + '-' + idCounter; };

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  /* An answer of the API that is not a success: status, message, field. */
  class ApiError extends Error {
    constructor(status, message, body) {
      super(message);
      this.status = status;
      this.body = body || {};
      this.field = this.body.field || null;
    }
  }
  CC.ApiError = ApiError;

  /* fetch on /api/admin + path. body: an object (sent as JSON), a string,
   * Blob or ArrayBuffer with opts.type, or FormData. Resolves to the parsed JSON (or text for
   * other types, null for 204); rejects with ApiError. A 401 on a page
   * sends the browser to the login page. */
  CC.api = async function (method, path, body, opts) {
    opts = opts || {};
    const headers = { Accept: 'application/json' };
    const init = { method: method, headers: headers, credentials: 'same-origin' };
    if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken();
    if (body instanceof FormData) {
      init.body = body;
    } else if (typeof body === 'string' || body instanceof Blob || body instanceof ArrayBuffer) {
      init.body = body;
      headers['Content-Type'] = opts.type || 'text/plain';
    } else if (body !== undefined && body !== null) {
      init.body = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    let res;
    try {
      res = await fetch(boot.base + (opts.raw ? '' : '/api/admin') + path, init);
    } catch (e) {
      throw new ApiError(0, 'The server could not be reached. Check the connection and try again.');
    }
    const type = res.headers.get('Content-Type') || '';
    let data = null;
    if (res.status !== 204) data = type.indexOf('json') >= 0 ? await res.json().catch(() => null) : await res.text();
    if (res.ok) return data;
    const message = data && typeof data === 'object' && data.error ? data.error
      : 'The server answered ' + res.status + ' ' + res.statusText + '.';
    if (res.status === 401 && boot.page !== 'login' && !opts.noRedirect) {
      window.location.assign(CC.adminUrl('login?next=' + encodeURIComponent(window.location.pathname + window.location.search)));
    }
    throw new ApiError(res.status, message, data && typeof data === 'object' ? data : {});
  };

  /* Query string from an object, skipping empty values. */
  CC.query = function (params) {
    const parts = [];
    Object.keys(params).forEach((k) => {
      const v = params[k];
      if (v !== undefined && v !== null && v !== '') parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
    });
    return parts.length ? '?' + parts.join('&') : '';
  };

  function append(node, children) {
    (Array.isArray(children) ? children : [children]).forEach((c) => {
      if (c === null || c === undefined || c === false) return;
      if (Array.isArray(c)) append(node, c);
      else node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return node;
  }
  CC.append = append;

  function setAttrs(node, attrs) {
    Object.keys(attrs || {}).forEach((k) => {
      const v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') node.textContent = v;
      else if (k.slice(0, 2) === 'on' && typeof v === 'function') node.addEventListener(k.slice(2), v);
      else if (k === 'value' && 'value' in node && node.namespaceURI !== SVG_NS) node.value = v;
      else if (k === 'checked') node.checked = !!v;
      else node.setAttribute(k === 'className' ? 'class' : k, v === true ? '' : String(v));
    });
  }

  /* el('p', {class: 'x', onclick: fn}, ['text', child]) */
  CC.el = function (tag, attrs, children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    return append(node, children === undefined ? [] : children);
  };
  CC.svg = function (tag, attrs, children) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    return append(node, children === undefined ? [] : children);
  };
  CC.clear = function (node) { while (node.firstChild) node.removeChild(node.firstChild); return node; };

  /* A short message in the corner (and read out by screen readers). */
  CC.toast = function (message, bad) {
    const box = document.getElementById('cc-status');
    if (!box) return;
    CC.clear(box);
    box.appendChild(CC.el('div', { class: 'cca-toast' + (bad ? ' cca-bad' : '') }, message));
    clearTimeout(CC.toast.timer);
    CC.toast.timer = setTimeout(() => CC.clear(box), bad ? 9000 : 4000);
  };
  CC.fail = function (e) { CC.toast(e && e.message ? e.message : String(e), true); };

  /* A labelled field: <p class="cca-field"><label for>…</label>input hint</p> */
  CC.field = function (label, input, hint) {
    if (!input.id) input.id = CC.newId('f');
    const parts = [CC.el('label', { for: input.id }, label), input];
    if (hint) {
      const hid = CC.newId('h');
      input.setAttribute('aria-describedby', hid);
      parts.push(CC.el('span', { class: 'cca-hint', id: hid }, hint));
    }
    return CC.el('p', { class: 'cca-field' }, parts);
  };
  CC.checkbox = function (label, checked, attrs) {
    const box = CC.el('input', Object.assign({ type: 'checkbox', id: CC.newId('c') }, attrs || {}));
    box.checked = !!checked;
    return { input: box, node: CC.el('p', { class: 'cca-field cca-field-inline' }, [box, CC.el('label', { for: box.id }, label)]) };
  };
  CC.select = function (options, value, attrs) {
    const s = CC.el('select', attrs || {}, options.map((o) => CC.el('option', { value: String(o[0]) }, o[1])));
    if (value !== undefined && value !== null) s.value = String(value);
    return s;
  };
  CC.button = function (label, onclick, cls, attrs) {
    return CC.el('button', Object.assign({ type: 'button', class: cls || '', onclick: onclick }, attrs || {}), label);
  };

  /* Runs an async action with the button disabled; errors become toasts. */
  CC.busy = async function (button, fn) {
    if (button) button.disabled = true;
    try { return await fn(); } catch (e) { CC.fail(e); return undefined; } finally { if (button) button.disabled = false; }
  };

  CC.fmtTime = function (t) {
    if (t === null || t === undefined || t === '') return '';
    const n = Number(t);
    const d = isNaN(n) ? new Date(t) : new Date(n * 1000);
    if (isNaN(d.getTime())) return String(t);
    const pad = (x) => String(x).padStart(2, '0');
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  };
  CC.fmtNum = function (x, digits) {
    if (x === null || x === undefined || x === '') return '';
    const n = Number(x);
    return isNaN(n) ? String(x) : n.toFixed(digits === undefined ? 3 : digits);
  };
  CC.SESSION_STATUS = ['running', 'stopped', 'finished', 'error', 'rejected'];
  CC.ACCESS = [[0, 'Private (owner only)'], [1, 'Group (shares a group)'], [2, 'Public (every user)']];

  /* An accessible data table. columns: [{key, label, num, render(row),
   * sortable}]; sort/order/onSort make the sortable headers buttons. */
  CC.table = function (spec) {
    const head = CC.el('tr', {}, spec.columns.map((c) => {
      const attrs = { scope: 'col', class: c.num ? 'cca-num' : '' };
      if (spec.onSort && c.sortable !== false && c.key) {
        const active = spec.sort === c.key;
        attrs['aria-sort'] = active ? (spec.order === 'desc' ? 'descending' : 'ascending') : 'none';
        const label = c.label + (active ? (spec.order === 'desc' ? ' ▼' : ' ▲') : '');
        return CC.el('th', attrs, CC.button(label, () => spec.onSort(c.key, active && spec.order !== 'desc' ? 'desc' : 'asc')));
      }
      return CC.el('th', attrs, c.label);
    }));
    const body = CC.el('tbody', {}, spec.rows.length ? spec.rows.map((row) => CC.el('tr', {}, spec.columns.map((c) => {
      const v = c.render ? c.render(row) : row[c.key];
      return CC.el('td', { class: c.num ? 'cca-num' : '' }, v === null || v === undefined ? '' : (typeof v === 'object' ? v : String(v)));
    }))) : CC.el('tr', {}, CC.el('td', { colspan: spec.columns.length, class: 'cca-muted' }, spec.empty || 'Nothing here yet.')));
    const table = CC.el('table', { class: 'cca-table' }, [spec.caption ? CC.el('caption', { class: 'cca-muted' }, spec.caption) : null, CC.el('thead', {}, head), body]);
    return CC.el('div', { class: 'cca-table-wrap' }, table);
  };

  CC.pager = function (page, perPage, total, go) {
    const pages = Math.max(1, Math.ceil(total / perPage));
    return CC.el('nav', { class: 'cca-pager', 'aria-label': 'Pages' }, [
      CC.button('Previous', () => go(page - 1), '', { disabled: page <= 1 }),
      CC.el('span', {}, 'Page ' + page + ' of ' + pages + ' (' + total + ' in all)'),
      CC.button('Next', () => go(page + 1), '', { disabled: page >= pages })
    ]);
  };

  /* A list of an API kind with search, sortable columns and pages.
   * spec: {kind, columns, sort, extraQuery(), toolbar: [nodes], search
   * (false: no search box)} */
  CC.listView = function (root, spec) {
    const state = { page: 1, perPage: spec.perPage || 50, sort: spec.sort || 'id', order: spec.order || 'asc', q: '' };
    const search = CC.el('input', { type: 'search', placeholder: 'Name contains…' });
    const out = CC.el('div', { 'aria-live': 'polite' });
    const form = CC.el('form', { class: 'cca-toolbar', role: 'search', onsubmit: (e) => { e.preventDefault(); state.q = search.value; state.page = 1; load(); } },
      [CC.field('Search', search), CC.el('p', {}, CC.el('button', { type: 'submit' }, 'Search'))].concat(spec.toolbar || []));
    append(root, [spec.search === false ? null : form, out]);
    async function load() {
      const q = Object.assign({ page: state.page, per_page: state.perPage, sort: state.sort, order: state.order, q: state.q },
        spec.extraQuery ? spec.extraQuery() : {});
      try {
        const data = await CC.api('GET', '/' + spec.kind + CC.query(q));
        CC.clear(out);
        append(out, [
          CC.table({ columns: spec.columns, rows: data.items || [], sort: state.sort, order: state.order, empty: spec.empty,
            onSort: (key, order) => { state.sort = key; state.order = order; load(); } }),
          CC.pager(data.page || state.page, data.per_page || state.perPage, data.total || 0, (p) => { state.page = p; load(); })
        ]);
      } catch (e) {
        CC.clear(out);
        out.appendChild(CC.el('p', { class: 'cca-error' }, e.message));
      }
    }
    load();
    return { reload: load };
  };

  /* A code editor over a textarea: CodeMirror 5 when it was bundled,
   * else the textarea itself. mode: 'r', 'htmlmixed', 'css', 'javascript'. */
  CC.editor = function (textarea, mode) {
    const wrap = CC.el('div', { class: 'cca-editor' });
    textarea.parentNode.insertBefore(wrap, textarea);
    wrap.appendChild(textarea);
    if (window.CodeMirror && window.CodeMirror.fromTextArea) {
      const cm = window.CodeMirror.fromTextArea(textarea, {
        mode: mode, lineNumbers: true, matchBrackets: true, indentUnit: 2, tabSize: 2,
        viewportMargin: Infinity, screenReaderLabel: textarea.getAttribute('aria-label') || textarea.id,
        extraKeys: { Tab: false, 'Shift-Tab': false } // Tab leaves the editor (keyboard users)
      });
      const label = document.querySelector('label[for="' + textarea.id + '"]');
      const input = cm.getInputField();
      if (label) { input.id = textarea.id + '-cm'; label.setAttribute('for', input.id); }
      return { getValue: () => cm.getValue(), setValue: (v) => cm.setValue(v || ''), onChange: (fn) => cm.on('change', fn), refresh: () => cm.refresh(), cm: cm };
    }
    return { getValue: () => textarea.value, setValue: (v) => { textarea.value = v || ''; }, onChange: (fn) => textarea.addEventListener('input', fn), refresh: () => {} };
  };

  /* Tabs: [{label, render(panel)}]; arrow keys move between them. */
  CC.tabs = function (root, tabs) {
    const list = CC.el('div', { class: 'cca-tabs', role: 'tablist' });
    const panels = [];
    const buttons = tabs.map((t, i) => {
      const id = CC.newId('tab');
      const b = CC.el('button', { type: 'button', role: 'tab', id: id, 'aria-selected': i === 0 ? 'true' : 'false', tabindex: i === 0 ? '0' : '-1' }, t.label);
      const panel = CC.el('section', { role: 'tabpanel', 'aria-labelledby': id });
      panel.hidden = i !== 0;
      panels.push(panel);
      return b;
    });
    const rendered = [];
    function select(i) {
      buttons.forEach((b, j) => { b.setAttribute('aria-selected', i === j ? 'true' : 'false'); b.tabIndex = i === j ? 0 : -1; panels[j].hidden = i !== j; });
      if (!rendered[i]) { rendered[i] = true; tabs[i].render(panels[i]); }
      if (tabs[i].shown) tabs[i].shown();
    }
    buttons.forEach((b, i) => {
      b.addEventListener('click', () => select(i));
      b.addEventListener('keydown', (e) => {
        const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
        if (!d) return;
        const j = (i + d + buttons.length) % buttons.length;
        buttons[j].focus();
        select(j);
      });
    });
    append(list, buttons);
    append(root, [list].concat(panels));
    select(0);
    return { select: select };
  };

  /* A line chart as inline SVG. spec: {points: [{x, y, lo, hi}], title,
   * xLabel, yLabel, xFormat(x), yFormat(y)}; lo/hi draw a band. */
  CC.lineChart = function (spec) {
    const W = 720, H = 260, L = 56, R = 16, T = 16, B = 44;
    const pts = spec.points;
    const svg = CC.svg('svg', { class: 'cca-chart', viewBox: '0 0 ' + W + ' ' + (pts.length ? H : 60), role: 'img', 'aria-label': spec.title });
    svg.appendChild(CC.svg('title', {}, spec.title));
    if (!pts.length) {
      svg.appendChild(CC.svg('text', { x: W / 2, y: 34, 'text-anchor': 'middle' }, 'No data yet'));
      return svg;
    }
    const xs = pts.map((p) => p.x);
    const ys = [];
    pts.forEach((p) => { ys.push(p.y); if (p.lo !== undefined) ys.push(p.lo, p.hi); });
    let x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    let y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (spec.yZero) y0 = Math.min(0, y0);
    if (x0 === x1) { x0 -= 1; x1 += 1; }
    if (y0 === y1) { y0 -= 1; y1 += 1; }
    const pad = (y1 - y0) * 0.08;
    y0 -= spec.yZero && y0 === 0 ? 0 : pad;
    y1 += pad;
    const sx = (x) => L + (x - x0) / (x1 - x0) * (W - L - R);
    const sy = (y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
    const yf = spec.yFormat || ((y) => (Math.abs(y1 - y0) < 10 ? y.toFixed(1) : String(Math.round(y))));
    const xf = spec.xFormat || ((x) => String(Math.round(x * 10) / 10));
    for (let i = 0; i <= 4; i++) {
      const y = y0 + (y1 - y0) * i / 4;
      svg.appendChild(CC.svg('line', { class: 'cca-grid', x1: L, x2: W - R, y1: sy(y), y2: sy(y) }));
      svg.appendChild(CC.svg('text', { x: L - 6, y: sy(y) + 4, 'text-anchor': 'end' }, yf(y)));
    }
    // Whole-number x values (response numbers) get whole-number ticks.
    const whole = xs.every((x) => Number.isInteger(x));
    const ticks = Math.min(6, pts.length);
    const seen = {};
    for (let i = 0; i < ticks; i++) {
      let x = ticks === 1 ? xs[0] : x0 + (x1 - x0) * i / (ticks - 1);
      if (whole) x = Math.round(x);
      if (seen[x]) continue;
      seen[x] = true;
      svg.appendChild(CC.svg('text', { x: sx(x), y: H - B + 18, 'text-anchor': 'middle' }, xf(x)));
    }
    svg.appendChild(CC.svg('line', { class: 'cca-axis', x1: L, x2: L, y1: T, y2: H - B }));
    svg.appendChild(CC.svg('line', { class: 'cca-axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
    if (spec.xLabel) svg.appendChild(CC.svg('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, spec.xLabel));
    if (spec.yLabel) svg.appendChild(CC.svg('text', { x: 12, y: (T + H - B) / 2, 'text-anchor': 'middle', transform: 'rotate(-90 12 ' + (T + H - B) / 2 + ')' }, spec.yLabel));
    if (pts[0].lo !== undefined) {
      const upper = pts.map((p) => sx(p.x) + ',' + sy(p.hi));
      const lower = pts.slice().reverse().map((p) => sx(p.x) + ',' + sy(p.lo));
      svg.appendChild(CC.svg('polygon', { class: 'cca-band', points: upper.concat(lower).join(' ') }));
    }
    svg.appendChild(CC.svg('polyline', { class: 'cca-line', points: pts.map((p) => sx(p.x) + ',' + sy(p.y)).join(' ') }));
    pts.forEach((p) => {
      svg.appendChild(CC.svg('circle', { class: 'cca-dot', cx: sx(p.x), cy: sy(p.y), r: 3.5 },
        CC.svg('title', {}, xf(p.x) + ': ' + yf(p.y) + (p.lo !== undefined ? ' (' + yf(p.lo) + ' to ' + yf(p.hi) + ')' : ''))));
    });
    return svg;
  };

  /* A link that downloads an API resource with the session cookie. */
  CC.downloadLink = function (label, path, cls) {
    return CC.el('a', { class: 'cca-button ' + (cls || ''), href: boot.base + '/api/admin' + path, download: '' }, label);
  };

  CC.setTitle = function (text) {
    const h = document.getElementById('cc-title');
    if (h) h.textContent = text;
    document.title = text + ' · Concerto admin';
  };

  async function logout() {
    try { await CC.api('POST', '/logout', null, { noRedirect: true }); } catch (e) { /* gone anyway */ }
    window.location.assign(CC.adminUrl('login'));
  }

  function start() {
    const out = document.getElementById('cc-logout');
    if (out) out.addEventListener('click', logout);
    const app = document.getElementById('cc-app');
    const page = CC.pages[boot.page];
    if (!app || !page) return;
    CC.clear(app);
    Promise.resolve().then(() => page(app, boot)).catch((e) => {
      CC.clear(app);
      app.appendChild(CC.el('p', { class: 'cca-error', role: 'alert' }, e && e.message ? e.message : String(e)));
    });
  }
  document.addEventListener('DOMContentLoaded', start);
}());
