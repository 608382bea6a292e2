/* Takes the R starter tests through the runner page in headless Chromium
 * (Debian's /usr/bin/chromium, driven by playwright-core):
 *   - r-cat, a flow of R nodes, to its results page;
 *   - r-questionnaire, one code test with several pages, with a Back that
 *     must keep the answers given, to its feedback page.
 *
 *   node tests/browser/take_r_tests.js BASE_URL OUT_DIR
 *
 * Prints "PASS name" / "FAIL name: reason" per check and, as its last line,
 * "RESULT {json}" with what run.py verifies in the database. */
'use strict';

const path = require('path');
const { chromium } = require('playwright-core');
const { makeChecks } = require('./checks');

const [baseUrl, outDir] = process.argv.slice(2);
if (!baseUrl || !outDir) {
  console.error('usage: node take_r_tests.js BASE_URL OUT_DIR');
  process.exit(2);
}

const STEP_MS = 20000;
const MAX_PAGES = 40;
const results = { passed: 0, failed: 0, cat: null, questionnaire: null };

const { check, expect } = makeChecks(results);

/* A fingerprint of the page shown, once the runner is idle. */
async function settled(page) {
  await page.waitForFunction(() => {
    const main = document.getElementById('cc-main');
    return main && main.getAttribute('aria-busy') !== 'true' && main.innerText.trim().length > 0;
  }, null, { timeout: STEP_MS });
  return page.evaluate(() => document.getElementById('cc-main').innerHTML.length + ':' +
    document.getElementById('cc-main').innerText.slice(0, 200));
}

async function waitChange(page, before) {
  await page.waitForFunction((prev) => {
    const main = document.getElementById('cc-main');
    if (!main || main.getAttribute('aria-busy') === 'true') return false;
    const now = main.innerHTML.length + ':' + main.innerText.slice(0, 200);
    return now !== prev;
  }, before, { timeout: STEP_MS });
}

/* The radio groups on the page: [{name, values, checked}]. */
async function radioGroups(page) {
  return page.evaluate(() => {
    const groups = {};
    for (const r of document.querySelectorAll('#cc-main input[type=radio]')) {
      const g = groups[r.name] || (groups[r.name] = { name: r.name, values: [], checked: null });
      g.values.push(r.value);
      if (r.checked) g.checked = r.value;
    }
    return Object.values(groups);
  });
}

async function choose(page, name, value) {
  await page.check(`#cc-main input[type=radio][name="${name}"][value="${value}"]`);
}

async function pressPrimary(page) {
  const before = await settled(page);
  await page.click('#cc-main .cc-button-primary');
  await waitChange(page, before);
}

async function takeCat(browser) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const out = { hash: null, answered: 0 };
  await check('r-cat: the start page', async () => {
    await page.goto(baseUrl + '/test/r-cat', { waitUntil: 'load' });
    await settled(page);
    expect(await page.locator('#cc-main .cc-start').count() === 1, 'no start page');
    await page.screenshot({ path: path.join(outDir, 'r-cat-start.png'), fullPage: true });
  });
  await check('r-cat: items until the results page', async () => {
    await pressPrimary(page);
    for (let n = 0; n < MAX_PAGES; n++) {
      if (await page.locator('#cc-main .cc-results').count()) break;
      const groups = await radioGroups(page);
      expect(groups.length === 1, 'an item page has one question, got ' + groups.length);
      if (n === 0) await page.screenshot({ path: path.join(outDir, 'r-cat-item.png'), fullPage: true });
      await choose(page, groups[0].name, groups[0].values[n % groups[0].values.length]);
      await pressPrimary(page);
      out.answered++;
    }
    expect(await page.locator('#cc-main .cc-results').count() === 1, 'no results page');
    await page.screenshot({ path: path.join(outDir, 'r-cat-results.png'), fullPage: true });
    const text = await page.innerText('#cc-main');
    expect(/\d/.test(text), 'the results page shows no numbers');
  });
  await check('r-cat: no script errors', async () => expect(!errors.length, errors.join('; ')));
  out.hash = await page.evaluate(() => {
    const m = location.pathname.match(/\/test\/session\/([0-9a-f]+)/);
    return m ? m[1] : null;
  });
  await page.close();
  return out;
}

async function takeQuestionnaire(browser) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const out = { hash: null, answers: {} };
  await check('r-questionnaire: start, page 1', async () => {
    await page.goto(baseUrl + '/test/r-questionnaire', { waitUntil: 'load' });
    await settled(page);
    await pressPrimary(page);
    expect((await radioGroups(page)).length > 0, 'no statements on page 1');
  });
  await check('r-questionnaire: a missing answer is asked for again', async () => {
    await pressPrimary(page);
    expect(await page.locator('#cc-main').innerText().then((t) => /answer every statement/.test(t)),
      'no message about the missing answers');
  });
  const answerPage = async () => {
    for (const g of await radioGroups(page)) {
      const value = g.values[(Object.keys(out.answers).length + 1) % g.values.length];
      await choose(page, g.name, value);
      out.answers[g.name] = value;
    }
  };
  await check('r-questionnaire: Back keeps the answers', async () => {
    await answerPage();
    const first = await radioGroups(page);
    await pressPrimary(page);
    await page.screenshot({ path: path.join(outDir, 'r-questionnaire-page2.png'), fullPage: true });
    const before = await settled(page);
    await page.click('#cc-main button[value=back]');
    await waitChange(page, before);
    const again = await radioGroups(page);
    expect(JSON.stringify(again.map((g) => g.name)) === JSON.stringify(first.map((g) => g.name)),
      'Back did not show page 1');
    for (const g of again) expect(g.checked === out.answers[g.name], 'answer of ' + g.name + ' lost');
    await pressPrimary(page);
  });
  await check('r-questionnaire: to the feedback page', async () => {
    for (let n = 0; n < MAX_PAGES; n++) {
      const groups = await radioGroups(page);
      if (!groups.length) break;
      await answerPage();
      await pressPrimary(page);
    }
    const text = await page.innerText('#cc-main');
    expect(/\d+/.test(text) && (await radioGroups(page)).length === 0, 'no feedback with a score');
    await page.screenshot({ path: path.join(outDir, 'r-questionnaire-feedback.png'), fullPage: true });
  });
  await check('r-questionnaire: no script errors', async () => expect(!errors.length, errors.join('; ')));
  out.hash = await page.evaluate(() => {
    const m = location.pathname.match(/\/test\/session\/([0-9a-f]+)/);
    return m ? m[1] : null;
  });
  await page.close();
  return out;
}

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    results.cat = await takeCat(browser);
    results.questionnaire = await takeQuestionnaire(browser);
  } finally {
    await browser.close();
  }
  console.log('RESULT ' + JSON.stringify(results));
  process.exit(results.failed ? 1 : 0);
})().catch((e) => {
  console.log('FAIL r_browser_run: ' + e);
  console.log('RESULT ' + JSON.stringify(results));
  process.exit(1);
});
