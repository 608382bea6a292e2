/* Data tables: the list, and one table's rows (sort by a column, filter per
 * column, pages, edit, add, delete), its columns (add, remove) and CSV
 * import and export. */
(function () {
  'use strict';
  const CC = window.CC;
  const el = CC.el;
  const COLUMN_TYPES = ['string', 'text', 'integer', 'bigint', 'smallint', 'float', 'decimal', 'boolean', 'date', 'datetime', 'json'];

  function listPage(app) {
    const name = el('input', { required: true, maxlength: 64 });
    const description = el('input', {});
    const create = el('form', { class: 'cca-card' }, [el('h2', {}, 'New data table'),
      el('div', { class: 'cca-form-grid' }, [CC.field('Name', name, 'Letters, digits and _'), CC.field('Description', description)]),
      el('button', { type: 'submit', class: 'cca-primary' }, 'Create the table')]);
    create.addEventListener('submit', (e) => {
      e.preventDefault();
      CC.busy(create.querySelector('button'), async () => {
        if (!name.value.trim()) throw new Error('Please give the table a name.');
        const t = await CC.api('POST', '/tables', { name: name.value.trim(), description: description.value, columns: [] });
        window.location.assign(CC.adminUrl('tables/' + t.id));
      });
    });
    app.appendChild(create);
    app.appendChild(el('h2', {}, 'All data tables'));
    CC.listView(app, {
      kind: 'tables', sort: 'name',
      columns: [
        { key: 'name', label: 'Name', render: (t) => el('a', { href: CC.adminUrl('tables/' + t.id) }, t.name) },
        { key: 'row_count', label: 'Rows', num: true, sortable: false },
        { key: 'description', label: 'Description', sortable: false },
        { key: 'updated', label: 'Changed', render: (t) => CC.fmtTime(t.updated) }
      ],
      empty: 'No data tables yet.'
    });
  }

  async function itemPage(app, boot) {
    const id = boot.id;
    let table = await CC.api('GET', '/tables/' + id);
    CC.setTitle('Data table: ' + table.name);
    const state = { page: 1, perPage: 25, sort: 'id', order: 'asc', filters: {} };
    const rowsBox = el('div', { 'aria-live': 'polite' });
    const columnsBox = el('div', {});
    const csvBox = el('div', {});
    app.appendChild(el('p', { class: 'cca-toolbar' }, [el('a', { class: 'cca-button', href: CC.adminUrl('tables') }, '← All data tables'),
      CC.downloadLink('Export as CSV', '/tables/' + id + '/csv')]));
    CC.tabs(app, [
      { label: 'Rows', render: (p) => { p.appendChild(rowsBox); loadRows(); } },
      { label: 'Columns', render: (p) => { p.appendChild(columnsBox); renderColumns(); } },
      { label: 'CSV import', render: (p) => { p.appendChild(csvBox); renderCsv(); } }
    ]);

    const cols = () => (table.columns || []).filter((c) => c.name !== 'id');
    async function reloadTable() { table = await CC.api('GET', '/tables/' + id); }

    async function loadRows() {
      const q = { page: state.page, per_page: state.perPage, sort: state.sort, order: state.order };
      Object.keys(state.filters).forEach((k) => { q['filter.' + k] = state.filters[k]; });
      let data;
      try { data = await CC.api('GET', '/tables/' + id + '/rows' + CC.query(q)); } catch (e) {
        CC.clear(rowsBox).appendChild(el('p', { class: 'cca-error' }, e.message)); return;
      }
      CC.clear(rowsBox);
      const filterInputs = {};
      const filterForm = el('form', { class: 'cca-toolbar', role: 'search', 'aria-label': 'Filter rows' },
        cols().map((c) => { const i = el('input', { value: state.filters[c.name] || '', size: 10 }); filterInputs[c.name] = i; return CC.field('Filter ' + c.name, i); })
          .concat([el('p', {}, el('button', { type: 'submit' }, 'Filter')), el('p', {}, CC.button('Clear', () => { state.filters = {}; state.page = 1; loadRows(); }))]));
      filterForm.addEventListener('submit', (e) => {
        e.preventDefault();
        state.filters = {};
        Object.keys(filterInputs).forEach((k) => { if (filterInputs[k].value) state.filters[k] = filterInputs[k].value; });
        state.page = 1;
        loadRows();
      });
      const columns = [{ key: 'id', label: 'id', num: true }].concat(cols().map((c) => ({ key: c.name, label: c.name + ' (' + c.type + ')', num: /int|float|decimal/.test(c.type) })));
      columns.push({ key: '', label: 'Actions', sortable: false, render: (row) => el('span', {}, [
        CC.button('Edit', () => editRow(row), '', { 'aria-label': 'Edit row ' + row.id }), ' ',
        CC.button('Delete', (e) => CC.busy(e.target, async () => {
          if (!window.confirm('Delete row ' + row.id + '?')) return;
          await CC.api('DELETE', '/tables/' + id + '/rows/' + row.id);
          CC.toast('Row ' + row.id + ' deleted.'); loadRows();
        }), 'cca-danger', { 'aria-label': 'Delete row ' + row.id })]) });
      CC.append(rowsBox, [filterForm,
        CC.table({ columns: columns, rows: data.items || [], sort: state.sort, order: state.order, empty: 'No rows' + (Object.keys(state.filters).length ? ' match the filter.' : ' yet.'),
          onSort: (k, o) => { state.sort = k; state.order = o; loadRows(); } }),
        CC.pager(data.page || state.page, data.per_page || state.perPage, data.total || 0, (p) => { state.page = p; loadRows(); }),
        rowForm(null)]);
    }

    /* The form that adds a row (row null) or edits one. */
    function rowForm(row) {
      const inputs = {};
      const form = el('form', { class: 'cca-card' }, [el('h3', {}, row ? 'Edit row ' + row.id : 'Add a row'),
        el('div', { class: 'cca-form-grid' }, cols().map((c) => {
          const v = row ? row[c.name] : '';
          const i = c.type === 'text' || c.type === 'json' ? el('textarea', { rows: 2 }, v === null || v === undefined ? '' : String(v)) : el('input', { value: v === null || v === undefined ? '' : String(v) });
          inputs[c.name] = i;
          return CC.field(c.name, i, c.type + (c.nullable ? ', may be empty' : ''));
        })),
        el('button', { type: 'submit', class: 'cca-primary' }, row ? 'Save the row' : 'Add the row'),
        row ? CC.button('Cancel', () => loadRows()) : null]);
      if (!cols().length) return el('p', { class: 'cca-muted' }, 'Add columns (tab Columns) before rows.');
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        CC.busy(form.querySelector('button[type=submit]'), async () => {
          const body = {};
          cols().forEach((c) => { const v = inputs[c.name].value; body[c.name] = v === '' && c.nullable && c.type !== 'string' && c.type !== 'text' ? null : v; });
          if (row) await CC.api('PUT', '/tables/' + id + '/rows/' + row.id, body);
          else await CC.api('POST', '/tables/' + id + '/rows', body);
          CC.toast(row ? 'Row ' + row.id + ' saved.' : 'Row added.');
          loadRows();
        });
      });
      return form;
    }
    function editRow(row) {
      const f = rowForm(row);
      const old = rowsBox.querySelector('form.cca-card');
      if (old) rowsBox.replaceChild(f, old); else rowsBox.appendChild(f);
      const first = f.querySelector('input, textarea');
      if (first) first.focus();
    }

    function renderColumns() {
      CC.clear(columnsBox);
      const name = el('input', { required: true, maxlength: 64 });
      const type = CC.select(COLUMN_TYPES.map((t) => [t, t]), 'string');
      const length = el('input', { type: 'number', min: 1, placeholder: '1024' });
      const nullable = CC.checkbox('May be empty (NULL)', true);
      const add = el('form', { class: 'cca-card' }, [el('h3', {}, 'Add a column'),
        el('div', { class: 'cca-form-grid' }, [CC.field('Name', name), CC.field('Type', type), CC.field('Length', length, 'For string: characters')]),
        nullable.node, el('button', { type: 'submit', class: 'cca-primary' }, 'Add the column')]);
      add.addEventListener('submit', (e) => {
        e.preventDefault();
        CC.busy(add.querySelector('button'), async () => {
          const body = { name: name.value.trim(), type: type.value, nullable: nullable.input.checked };
          if (length.value) body.length = Number(length.value);
          await CC.api('POST', '/tables/' + id + '/columns', body);
          await reloadTable(); renderColumns(); loadRows(); CC.toast('Column ' + body.name + ' added.');
        });
      });
      CC.append(columnsBox, [CC.table({
        columns: [{ key: 'name', label: 'Name' }, { key: 'type', label: 'Type' }, { key: 'length', label: 'Length', num: true },
          { key: 'nullable', label: 'May be empty', render: (c) => (c.nullable ? 'yes' : 'no') },
          { key: '', label: 'Actions', render: (c) => (c.name === 'id' ? '' : CC.button('Remove', (e) => CC.busy(e.target, async () => {
            if (!window.confirm('Remove the column ' + c.name + ' and its values?')) return;
            await CC.api('DELETE', '/tables/' + id + '/columns/' + encodeURIComponent(c.name));
            await reloadTable(); renderColumns(); loadRows(); CC.toast('Column ' + c.name + ' removed.');
          }), 'cca-danger', { 'aria-label': 'Remove the column ' + c.name })) }],
        rows: table.columns || []
      }), add]);
    }

    function renderCsv() {
      const file = el('input', { type: 'file', accept: '.csv,text/csv' });
      const mode = CC.select([['append', 'Append the rows'], ['replace', 'Replace all rows']], 'append');
      const result = el('p', { role: 'status' });
      const form = el('form', { class: 'cca-card' }, [el('h3', {}, 'Import rows from a CSV file'),
        el('p', { class: 'cca-hint' }, 'The first line names the columns; they must exist in the table.'),
        CC.field('CSV file', file), CC.field('Mode', mode), el('button', { type: 'submit', class: 'cca-primary' }, 'Import'), result]);
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        CC.busy(form.querySelector('button'), async () => {
          if (!file.files.length) throw new Error('Choose a CSV file first.');
          const text = await file.files[0].text();
          const answer = await CC.api('POST', '/tables/' + id + '/csv?mode=' + mode.value, text, { type: 'text/csv' });
          result.textContent = 'Imported' + (answer && answer.rows !== undefined ? ' ' + answer.rows + ' rows' : '') + '.';
          CC.toast('CSV imported.');
          await reloadTable();
          loadRows();
        });
      });
      csvBox.appendChild(form);
    }
  }

  CC.pages.tables = function (app, boot) { return boot.id ? itemPage(app, boot) : listPage(app); };
}());
