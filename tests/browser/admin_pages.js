/* The admin pages in headless Chromium (Debian's /usr/bin/chromium, driven
 * by playwright-core): log in, build a small code test with a template and
 * an item table, take it as a participant, read its responses and chart,
 * and open every page without a console error. A screenshot of each page
 * goes to OUT_DIR/admin-*.png.
 *
 *   node tests/browser/admin_pages.js BASE_URL OUT_DIR PASSWORD
 *
 * Prints "PASS name" / "FAIL name: reason" per check and, last,
 * "RESULT {json}" with what run.py verifies in the database. */
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { makeChecks } = require('./checks');

const [baseUrl, outDir, password] = process.argv.slice(2);
if (!baseUrl || !outDir || !password) {
  console.error('usage: node admin_pages.js BASE_URL OUT_DIR PASSWORD');
  process.exit(2);
}

const STEP_MS = 15000;
const results = { passed: 0, failed: 0, test_id: null, session_hash: null, session_id: null, answers: [] };
const checks = makeChecks(results);
const { expect } = checks;
let consoleErrors = [];
let allowFailedLoads = false; // while a check expects 4xx answers
/* Each check starts with no console errors recorded. */
function check(name, fn) {
  return checks.check(name, async () => { consoleErrors = []; allowFailedLoads = false; await fn(); });
}

const QUIZ_CODE = [
  '# ui_quiz: two questions from ui_items; a made-up running estimate.',
  'items <- concerto.table.query("SELECT * FROM ui_items ORDER BY id")',
  'theta <- 0',
  'for (i in seq_len(nrow(items))) {',
  '  r <- concerto.template.show("ui_page", params = list(question = items$question[i]))',
  '  theta <- theta + if (identical(r$answer, items$answer[i])) 0.5 else -0.5',
  '  concerto.table.query(',
  '    "INSERT INTO ui_responses (session_id, item_id, response, theta, sem)',
  '     VALUES ({{s}}, {{i}}, \'{{r}}\', {{t}}, {{e}})",',
  '    params = list(s = as.numeric(concerto.session.get()$id), i = items$id[i],',
  '                  r = r$answer, t = theta, e = 1 / sqrt(i + 1)))',
  '}',
  'concerto.template.show("ui_page", finalize = TRUE, params = list(question = "Thank you"))'
].join('\n');

const PAGE_HTML = '<h1 class="ui-q">{{question}}</h1>\n<p><label for="ui-answer">Your answer</label>\n' +
  '<input id="ui-answer" name="answer"></p>\n<button type="button" name="next" value="next">Next</button>';

/* The RFC 6238 code (SHA-1, 30 s, 6 digits) of a base32 secret at a step. */
function totpCode(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(outDir, 'admin-' + name + '.png'), fullPage: true });
}

/* Waits until the page script replaced "Loading…" and no list is loading. */
async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('#cc-app .cca-loading'), null, { timeout: STEP_MS });
  await page.waitForLoadState('networkidle', { timeout: STEP_MS }).catch(() => {});
}

async function setEditor(page, index, text) {
  await page.evaluate(([i, t]) => { document.querySelectorAll('.CodeMirror')[i].CodeMirror.setValue(t); }, [index, text]);
}

async function api(page, method, p, body) {
  return page.evaluate(async ([m, u, b]) => {
    const token = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
    const r = await fetch(u, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token }, body: b ? JSON.stringify(b) : undefined });
    const text = await r.text();
    return { status: r.status, text: text, type: r.headers.get('Content-Type') };
  }, [method, baseUrl + '/api/admin' + p, body]);
}

async function main() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => consoleErrors.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (allowFailedLoads && /Failed to load resource/.test(m.text())) return;
    consoleErrors.push(m.text());
  });
  page.on('dialog', (d) => d.accept());
  const noErrors = (where) => {
    const e = consoleErrors;
    consoleErrors = [];
    expect(e.length === 0, where + ': console errors: ' + e.join(' | ').slice(0, 400));
  };

  try {
    await check('admin_login_redirect', async () => {
      const resp = await page.goto(baseUrl + '/admin/tests');
      expect(new URL(page.url()).pathname === '/admin/login', 'not sent to the login page: ' + page.url());
      expect(resp.status() === 200, 'status ' + resp.status());
      expect(/frame-ancestors 'none'/.test(resp.headers()['content-security-policy'] || ''), 'no admin CSP');
      const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
      expect(focused === 'cc-username', 'focus is on ' + focused + ', not the user name');
      await shot(page, 'login');
    });

    await check('admin_login_wrong_password', async () => {
      allowFailedLoads = true;
      await page.fill('#cc-username', 'admin');
      await page.fill('#cc-password', 'not-the-password');
      await page.click('#cc-login button[type=submit]');
      await page.waitForSelector('#cc-login-error:not([hidden])', { timeout: STEP_MS });
      const text = await page.textContent('#cc-login-error');
      expect(/wrong user name or password/i.test(text), 'error shown: ' + text);
      allowFailedLoads = false;
      noErrors('login page');
    });

    const loggedIn = await check('admin_login', async () => {
      await page.fill('#cc-password', password);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/admin\/tests$/, { timeout: STEP_MS });
      await settled(page);
      noErrors('after login');
    });
    if (!loggedIn) throw new Error('cannot log in');

    await check('admin_dashboard', async () => {
      await page.goto(baseUrl + '/admin/');
      await settled(page);
      await page.waitForSelector('.cca-figure', { timeout: STEP_MS });
      // run.py recorded the session count once: one point on the chart.
      await page.waitForSelector('svg.cca-chart circle.cca-dot', { state: 'attached', timeout: STEP_MS });
      const h1 = await page.textContent('h1');
      expect(h1 === 'Dashboard', 'heading ' + h1);
      const current = await page.getAttribute('nav a[aria-current=page]', 'href');
      expect(current === '/admin/', 'current nav link ' + current);
      // Keyboard: the skip link comes first and lands on <main>.
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => document.activeElement.className);
      expect(first === 'cca-skip', 'first Tab stop is ' + first);
      await shot(page, 'dashboard');
      noErrors('dashboard');
    });

    let tableId = null;
    await check('admin_tables_build_items', async () => {
      for (const [name, desc] of [['ui_responses', 'Answers of ui_quiz'], ['ui_items', 'Two questions']]) {
        await page.goto(baseUrl + '/admin/tables');
        await settled(page);
        await page.getByLabel('Name', { exact: true }).first().fill(name);
        await page.getByLabel('Description').first().fill(desc);
        await page.click('text=Create the table');
        await page.waitForURL(/\/admin\/tables\/\d+$/, { timeout: STEP_MS });
        await settled(page);
        const cols = name === 'ui_items' ? [['question', 'string'], ['answer', 'string']]
          : [['session_id', 'bigint'], ['item_id', 'integer'], ['response', 'string'], ['theta', 'float'], ['sem', 'float']];
        await page.click('role=tab[name="Columns"]');
        for (const [col, type] of cols) {
          await page.locator('form:has(h3:text("Add a column"))').getByLabel('Name').fill(col);
          await page.locator('form:has(h3:text("Add a column"))').getByLabel('Type').selectOption(type);
          await page.click('text=Add the column');
          await page.waitForSelector('td:text-is("' + col + '")', { timeout: STEP_MS });
        }
        if (name === 'ui_items') tableId = /\/(\d+)$/.exec(page.url())[1];
      }
      await page.click('role=tab[name="Rows"]');
      for (const [q, a] of [['What is 2 + 3?', '5'], ['Capital of France?', 'Paris']]) {
        const form = page.locator('form:has(h3:text("Add a row"))');
        await form.getByLabel('question').fill(q);
        await form.getByLabel('answer').fill(a);
        await page.click('text=Add the row');
        await page.waitForSelector('td:text-is("' + q + '")', { timeout: STEP_MS });
      }
      noErrors('tables');
    });

    await check('admin_table_sort_filter_edit', async () => {
      await page.click('th button:has-text("question")');
      await page.waitForSelector('th[aria-sort=ascending] button:has-text("question")', { timeout: STEP_MS });
      const firstCell = await page.locator('[role=tabpanel]:not([hidden]) table.cca-table tbody tr').first().locator('td').nth(1).textContent();
      expect(firstCell === 'Capital of France?', 'sorted by question, first row is ' + firstCell);
      await page.getByLabel('Filter answer').fill('5');
      await page.click('button:text-is("Filter")');
      await page.waitForFunction(() => document.querySelectorAll('[role=tabpanel]:not([hidden]) table.cca-table tbody tr').length === 1, null, { timeout: STEP_MS });
      await page.click('button[aria-label^="Edit row"]');
      await page.locator('form:has(h3:text("Edit row"))').getByLabel('question').fill('What is 2 + 3 ?');
      await page.click('text=Save the row');
      await page.waitForSelector('td:text-is("What is 2 + 3 ?")', { timeout: STEP_MS });
      await page.click('button:text-is("Clear")');
      await page.waitForFunction(() => document.querySelectorAll('[role=tabpanel]:not([hidden]) table.cca-table tbody tr').length === 2, null, { timeout: STEP_MS });
      // CSV import (append) through the file field.
      await page.click('role=tab[name="CSV import"]');
      await page.setInputFiles('input[type=file]', { name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from('question,answer\n"<b>Colour</b> of the sky, by day?",blue\n') });
      await page.click('button:text-is("Import")');
      await page.waitForSelector('text=CSV imported.', { timeout: STEP_MS });
      await page.click('role=tab[name="Rows"]');
      await page.waitForSelector('td:text-is("<b>Colour</b> of the sky, by day?")', { timeout: STEP_MS });
      expect(await page.locator('td b').count() === 0, 'markup from the table became HTML');
      await shot(page, 'table');
      // Deleted again (the quiz asks two questions).
      await page.locator('tr:has(td:text-is("<b>Colour</b> of the sky, by day?")) button:text-is("Delete")').click();
      await page.waitForSelector('td:text-is("<b>Colour</b> of the sky, by day?")', { state: 'detached', timeout: STEP_MS });
      const csv = await page.evaluate(async (u) => (await fetch(u)).text(), baseUrl + '/api/admin/tables/' + tableId + '/csv');
      expect(/question/.test(csv) && /Paris/.test(csv) && /2 \+ 3 \?/.test(csv), 'CSV export: ' + csv.slice(0, 200));
      noErrors('table page');
    });

    await check('admin_template_with_preview', async () => {
      await page.goto(baseUrl + '/admin/templates');
      await settled(page);
      await page.getByLabel('Name', { exact: true }).first().fill('ui_page');
      await page.click('text=Create the template');
      await page.waitForURL(/\/admin\/templates\/\d+$/, { timeout: STEP_MS });
      await settled(page);
      await page.waitForSelector('.CodeMirror', { timeout: STEP_MS });
      await setEditor(page, 0, PAGE_HTML);
      await page.click('role=tab[name="CSS"]');
      await setEditor(page, 1, '.ui-q { color: #1c4fbf; }');
      const frame = page.frameLocator('iframe.cca-preview');
      await frame.locator('label:text("Your answer")').waitFor({ timeout: STEP_MS });
      const sandbox = await page.getAttribute('iframe.cca-preview', 'sandbox');
      expect(sandbox === 'allow-scripts', 'preview sandbox: ' + sandbox);
      await page.click('button:text-is("Save")');
      await page.waitForSelector('text=saved just now', { timeout: STEP_MS });
      await shot(page, 'template');
      noErrors('template page');
    });

    await check('admin_test_code', async () => {
      await page.goto(baseUrl + '/admin/tests');
      await settled(page);
      await page.getByLabel('Name', { exact: true }).first().fill('ui_quiz');
      await page.click('text=Create the test');
      await page.waitForURL(/\/admin\/tests\/\d+$/, { timeout: STEP_MS });
      results.test_id = Number(/\/(\d+)$/.exec(page.url())[1]);
      await settled(page);
      await page.getByLabel('Response table').selectOption('ui_responses');
      await page.click('button:text-is("Save")');
      await page.waitForSelector('text=saved just now', { timeout: STEP_MS });
      await page.click('role=tab[name="R code"]');
      await page.waitForSelector('.CodeMirror', { timeout: STEP_MS });
      await setEditor(page, 0, QUIZ_CODE);
      await page.click('text=Save the code');
      await page.waitForSelector('text=Code saved.', { timeout: STEP_MS });
      const highlighted = await page.locator('.CodeMirror .cm-string').count();
      expect(highlighted > 0, 'the R code is not highlighted');
      await shot(page, 'test-code');
      const run = await page.getAttribute('a:text("Run as a participant")', 'href');
      expect(/^\/test\/[a-z0-9_-]+$/.test(run), 'participant link ' + run);
      results.participant_path = run;
      await page.click('role=tab[name="Variables"]');
      await page.waitForSelector('table.cca-table', { timeout: STEP_MS });
      noErrors('test page');
    });

    await check('participant_takes_ui_quiz', async () => {
      const p = await context.newPage();
      p.on('pageerror', (e) => consoleErrors.push('participant page: ' + e.message));
      await p.goto(baseUrl + results.participant_path);
      for (const answer of ['5', 'Rome']) {
        await p.waitForSelector('#cc-main #ui-answer', { timeout: STEP_MS });
        const before = await p.textContent('#cc-main h1');
        await p.fill('#cc-main #ui-answer', answer);
        await p.click('#cc-main button[name=next]');
        await p.waitForFunction((b) => { const h = document.querySelector('#cc-main h1'); return h && h.textContent !== b; }, before, { timeout: STEP_MS });
        results.answers.push(answer);
      }
      await p.waitForSelector('#cc-main h1:text("Thank you")', { timeout: STEP_MS });
      const m = /\/test\/session\/([^/]+)$/.exec(new URL(p.url()).pathname);
      results.session_hash = m ? decodeURIComponent(m[1]) : null;
      await p.close();
      noErrors('participant');
    });

    await check('admin_session_results', async () => {
      await page.goto(baseUrl + '/admin/sessions?test_id=' + results.test_id);
      await settled(page);
      await page.waitForSelector('table.cca-table a[href*="/admin/sessions/"]', { timeout: STEP_MS });
      const exportHref = await page.getAttribute('a:text("All responses of this test as CSV")', 'href');
      expect(exportHref === '/api/admin/tests/' + results.test_id + '/responses.csv', 'export link ' + exportHref);
      await shot(page, 'sessions');
      await page.click('table.cca-table a[href*="/admin/sessions/"]');
      await page.waitForURL(/\/admin\/sessions\/\d+$/, { timeout: STEP_MS });
      const sid = /(\d+)$/.exec(page.url())[1];
      const answer = await api(page, 'GET', '/sessions/' + sid);
      expect(answer.status === 200, 'GET /api/admin/sessions/' + sid + ' answered ' + answer.status + ': ' + answer.text.slice(0, 300));
      const got = JSON.parse(answer.text);
      expect((got.responses || []).length === 2, 'GET /api/admin/sessions/' + sid + ' has ' + (got.responses || []).length +
        ' responses; ui_responses holds the 2 the R code wrote with session_id ' + sid + ' (the plain id, as the starter R tests write it)');
      await settled(page);
      await page.waitForSelector('svg.cca-chart polyline.cca-line', { state: 'attached', timeout: STEP_MS });
      const dots = await page.locator('svg.cca-chart circle.cca-dot').count();
      expect(dots === 2, dots + ' points on the theta chart, 2 expected');
      const band = await page.locator('svg.cca-chart polygon.cca-band').count();
      expect(band === 1, 'no ± SE band');
      const text = await page.textContent('#cc-app');
      expect(/Final estimate: theta 0\.000/.test(text), 'final estimate shown: ' + (/Final estimate[^.]*\.[^.]*/.exec(text) || [''])[0]);
      const rows = await page.locator('h2:text("Responses") + .cca-table-wrap tbody tr').count();
      expect(rows === 2, rows + ' response rows, 2 expected');
      await shot(page, 'session');
      const csv = await page.evaluate(async (u) => (await fetch(u)).text(), baseUrl + exportHref);
      expect(/Rome/.test(csv) && csv.trim().split('\n').length >= 3, 'responses CSV: ' + csv.slice(0, 200));
      noErrors('session page');
    });

    await check('admin_session_delete', async () => {
      await page.goto(baseUrl + '/admin/sessions?test_id=' + results.test_id);
      await settled(page);
      await page.click('table.cca-table a[href*="/admin/sessions/"]');
      await page.waitForURL(/\/admin\/sessions\/\d+$/, { timeout: STEP_MS });
      results.session_id = Number(/(\d+)$/.exec(page.url())[1]);
      await settled(page);
      await page.click('button:text-is("Delete this session")');
      await page.waitForURL(/\/admin\/sessions\?test_id=\d+$/, { timeout: STEP_MS });
      await page.waitForSelector('td:text-is("No sessions match.")', { timeout: STEP_MS });
      noErrors('session deleted');
    });

    await check('admin_flow_test_graph', async () => {
      await page.goto(baseUrl + '/admin/tests');
      await settled(page);
      await page.getByLabel('Name', { exact: true }).first().fill('ui_flow');
      await page.getByLabel('Type').first().selectOption('2');
      await page.click('text=Create the test');
      await page.waitForURL(/\/admin\/tests\/\d+$/, { timeout: STEP_MS });
      await settled(page);
      await page.click('role=tab[name="Flow"]');
      await page.waitForSelector('svg.cca-flow g.cca-node', { timeout: STEP_MS });
      const before = await page.locator('svg.cca-flow g.cca-node').count();
      expect(before >= 2, before + ' nodes in a new flow (begin and finish expected)');
      const add = page.locator('form:has(h3:text("Add a node"))');
      await add.getByLabel('Test it runs').selectOption({ label: 'ui_quiz' });
      await add.getByLabel('Title').fill('quiz');
      await page.click('text=Add the node');
      await page.waitForFunction((n) => document.querySelectorAll('svg.cca-flow g.cca-node').length === n + 1, before, { timeout: STEP_MS });
      const connect = page.locator('form:has(h3:text("Connect"))');
      const from = await connect.getByLabel('From node').locator('option').allTextContents();
      await connect.getByLabel('From node').selectOption({ label: from.filter((t) => /^begin/.test(t))[0] });
      await connect.getByLabel('To node').selectOption({ label: from.filter((t) => /^quiz/.test(t))[0] });
      await page.click('form:has(h3:text("Connect")) button[type=submit]');
      await page.waitForSelector('svg.cca-flow path.cca-edge', { state: 'attached', timeout: STEP_MS });
      // Keyboard: a node is a button that opens its editor.
      await page.focus('svg.cca-flow g.cca-node:has(text:text("quiz"))');
      await page.keyboard.press('Enter');
      await page.waitForSelector('h3:text("Node: quiz")', { timeout: STEP_MS });
      await shot(page, 'flow');
      noErrors('flow page');
    });

    await check('admin_users_settings_content', async () => {
      await page.goto(baseUrl + '/admin/users');
      await settled(page);
      const form = page.locator('form:has(h2:text("New user"))');
      await form.getByLabel('User name').fill('ui_author');
      await form.getByLabel('Password', { exact: true }).fill('Author-Secret-42');
      await page.click('text=Create the user');
      await page.waitForSelector('td:text-is("ui_author")', { timeout: STEP_MS });
      await shot(page, 'users');
      noErrors('users page');
      await page.goto(baseUrl + '/admin/settings');
      await settled(page);
      await page.waitForSelector('table.cca-table', { timeout: STEP_MS });
      await shot(page, 'settings');
      noErrors('settings page');
      await page.goto(baseUrl + '/admin/content');
      await settled(page);
      const href = await page.getAttribute('a:text("Download the export")', 'href');
      expect(/\/api\/admin\/content\/export\?format=concerto/.test(href), 'export link ' + href);
      // Export everything through the page's link, as an author moving
      // content would, then import the file through the page: what is
      // unchanged is planned as "ignore" (same hash), and the import runs.
      await page.getByLabel('Format').selectOption('yml');
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: STEP_MS }),
        page.click('a:text("Download the export")')]);
      const exported = path.join(outDir, 'admin-export.yml');
      await download.saveAs(exported);
      const text = fs.readFileSync(exported, 'utf8');
      for (const name of ['ui_quiz', 'ui_page', 'ui_items', 'ui_responses']) {
        expect(new RegExp('name: "?' + name + '"?\\s*$', 'm').test(text), 'the export has an object ' + name);
      }
      await page.setInputFiles('input[type=file]', exported);
      await page.click('button:text("Check the file")');
      await page.waitForSelector('h3:text("What the import would do")', { timeout: STEP_MS });
      const action = await page.inputValue('select[aria-label="Action for ui_quiz"]');
      expect(action === 'ignore', 'an unchanged test is planned as ignore, not ' + action);
      await shot(page, 'content');
      await page.click('button:text("Import now")');
      await page.waitForSelector('p.cca-ok, .cca-toast.cca-bad', { timeout: STEP_MS });
      const bad = await page.$('.cca-toast.cca-bad');
      expect(!bad, 'import failed: ' + (bad ? await bad.textContent() : ''));
      expect(/Imported \d+ objects/.test(await page.textContent('p.cca-ok')), 'import answer');
      noErrors('content page');
    });

    await check('admin_login_lockout_message', async () => {
      const other = await browser.newContext();
      const p = await other.newPage();
      await p.goto(baseUrl + '/admin/login');
      let text = '';
      for (let i = 0; i < 4 && !/locked/i.test(text); i++) {
        await p.fill('#cc-username', 'ui_author');
        await p.fill('#cc-password', 'wrong-' + i);
        await p.click('#cc-login button[type=submit]');
        await p.waitForFunction((prev) => { const e = document.getElementById('cc-login-error'); return !e.hidden && e.getAttribute('data-n') !== prev; }, String(i - 1), { timeout: STEP_MS });
        text = await p.textContent('#cc-login-error');
      }
      expect(/locked/i.test(text) && /try again in \d+ second/.test(text), 'after wrong passwords: ' + text);
      await p.screenshot({ path: path.join(outDir, 'admin-login-locked.png'), fullPage: true });
      await other.close();
    });

    await check('admin_every_list_page_loads', async () => {
      for (const section of ['', 'tests', 'templates', 'tables', 'sessions', 'users', 'settings', 'content']) {
        const resp = await page.goto(baseUrl + '/admin/' + section);
        expect(resp.status() === 200, '/admin/' + section + ': status ' + resp.status());
        await settled(page);
        const err = await page.locator('#cc-app .cca-error').count();
        expect(err === 0, '/admin/' + section + ' shows an error: ' + (err ? await page.locator('#cc-app .cca-error').first().textContent() : ''));
        noErrors('/admin/' + section);
      }
    });

    await check('admin_totp_login', async () => {
      await page.goto(baseUrl + '/admin/');
      await settled(page);
      await page.click('text=Set up two-factor login');
      const secret = (await page.textContent('#cc-totp-secret', { timeout: STEP_MS })).trim();
      const step = Math.floor(Date.now() / 30000);
      await page.getByLabel('Code', { exact: true }).fill(totpCode(secret, step));
      await page.click('text=Turn it on');
      await page.waitForSelector('text=Two-factor login is on.', { timeout: STEP_MS });
      await page.click('#cc-logout');
      await page.waitForURL(/\/admin\/login$/, { timeout: STEP_MS });
      allowFailedLoads = true; // the first answer is 401 asking for the code
      await page.fill('#cc-username', 'admin');
      await page.fill('#cc-password', password);
      await page.click('#cc-login button[type=submit]');
      await page.waitForSelector('#cc-totp-field:not([hidden])', { timeout: STEP_MS });
      const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
      expect(focused === 'cc-totp', 'focus on ' + focused + ', not the code field');
      await shot(page, 'login-totp');
      // A code is good once: the next step's (accepted as clock drift).
      await page.fill('#cc-totp', totpCode(secret, step + 1));
      await page.click('#cc-login button[type=submit]');
      await page.waitForURL(/\/admin\/$/, { timeout: STEP_MS });
      allowFailedLoads = false;
      await settled(page);
      noErrors('login with a code');
    });

    await check('admin_logout', async () => {
      await page.click('#cc-logout');
      await page.waitForURL(/\/admin\/login$/, { timeout: STEP_MS });
      const resp = await page.goto(baseUrl + '/admin/tables');
      expect(new URL(page.url()).pathname === '/admin/login' && resp.status() === 200, 'still logged in: ' + page.url());
    });
  } finally {
    await browser.close();
  }
  console.log('RESULT ' + JSON.stringify(results));
}

main().catch((e) => {
  console.log('FAIL admin_pages_run: ' + String(e && e.message ? e.message : e).split('\n')[0]);
  console.log('RESULT ' + JSON.stringify(results));
  process.exit(1);
});
