/* Takes demo-cat through the runner page in headless Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core; nothing is downloaded).
 *
 *   node tests/browser/take_test.js BASE_URL OUT_DIR
 *
 * Prints "PASS name" / "FAIL name: reason" per check and, as its last line,
 * "RESULT {json}" with what the caller verifies in the database (run.py). */
'use strict';

const path = require('path');
const { chromium } = require('playwright-core');
const { makeChecks } = require('./checks');

const [baseUrl, outDir] = process.argv.slice(2);
if (!baseUrl || !outDir) {
  console.error('usage: node take_test.js BASE_URL OUT_DIR');
  process.exit(2);
}

const STEP_MS = 15000; // any single wait
const MAX_ITEMS = 25; // demo-cat's itemNumLimit
const results = { passed: 0, failed: 0, hash: null, answered: [], submitRequests: 0 };

const { fail, check, expect } = makeChecks(results);

/* The item id on the page shown (from its radio names r{id}), or null. */
async function currentItem(page) {
  return page.evaluate(() => {
    const radio = document.querySelector('#cc-main input[type=radio][name^=r]');
    return radio ? Number(radio.name.slice(1)) : null;
  });
}

/* Waits for an item page other than previous, or the results page. */
async function nextPage(page, previous) {
  await page.waitForFunction((prev) => {
    const main = document.getElementById('cc-main');
    if (!main || main.getAttribute('aria-busy') === 'true') return false;
    if (main.querySelector('.cc-results')) return true;
    const radio = main.querySelector('input[type=radio][name^=r]');
    return radio && Number(radio.name.slice(1)) !== prev;
  }, previous, { timeout: STEP_MS });
}

async function focusedIsPageFocus(page) {
  return page.evaluate(() => document.activeElement && document.activeElement.hasAttribute('data-cc-focus'));
}

/* Answers the item shown: by mouse (click an option's label) or by
 * keyboard (Tab into the radio group, arrows to choose, Tab to Next,
 * Enter). Which option: varies with n, so answers are mixed. */
async function answer(page, n, byKeyboard) {
  const options = page.locator('#cc-main .cc-option');
  const count = await options.count();
  expect(count >= 2, 'an item page with ' + count + ' options');
  const choice = (n * 7 + 3) % count;
  if (!byKeyboard) {
    await options.nth(choice).click();
    await page.locator('#cc-main button[name=next]').click();
    return;
  }
  // Focus starts on the progress text (data-cc-focus); Tab reaches the radio group.
  await page.keyboard.press('Tab');
  const focusedRadio = await page.evaluate(() => document.activeElement && document.activeElement.type === 'radio');
  expect(focusedRadio, 'Tab from the progress text did not reach the options');
  await page.keyboard.press('Space');
  for (let k = 0; k < choice; k++) await page.keyboard.press('ArrowDown');
  const checked = await page.evaluate(() => !!document.querySelector('#cc-main input[type=radio]:checked'));
  expect(checked, 'keyboard left no option chosen');
  for (let k = 0; k < 4; k++) {
    await page.keyboard.press('Tab');
    const onNext = await page.evaluate(() => document.activeElement && document.activeElement.name === 'next');
    if (onNext) break;
  }
  const onNext = await page.evaluate(() => document.activeElement && document.activeElement.name === 'next');
  expect(onNext, 'Tab did not reach the Next button');
  await page.keyboard.press('Enter');
}

async function main() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors = [];
  const submits = []; // submitId of every submit the browser sent
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('request', (req) => {
    if (req.method() === 'POST' && /\/submit$/.test(req.url())) {
      submits.push(new URLSearchParams(req.postData() || '').get('submitId'));
    }
  });

  try {
    await check('unknown_test_404', async () => {
      const resp = await page.goto(baseUrl + '/test/no-such-test');
      expect(resp.status() === 404, 'status ' + resp.status());
      const text = await page.textContent('body');
      expect(/no test at this address/i.test(text), 'page says: ' + text.trim().slice(0, 120));
    });

    const started = await check('start_page', async () => {
      const resp = await page.goto(baseUrl + '/test/demo-cat');
      expect(resp.status() === 200, 'status ' + resp.status());
      expect(/no-store/.test(resp.headers()['cache-control'] || ''), 'Cache-Control ' + resp.headers()['cache-control']);
      expect(/script-src 'self' 'nonce-/.test(resp.headers()['content-security-policy'] || ''), 'no CSP with a nonce');
      await page.waitForSelector('#cc-main .cc-start h1', { timeout: STEP_MS });
      expect(await focusedIsPageFocus(page), 'focus is not on the heading');
      const title = await page.textContent('#cc-main h1');
      expect(title.trim().length > 0, 'empty heading');
      expect(await page.locator('#cc-main button[name=next]').isVisible(), 'no Start button');
      await page.screenshot({ path: path.join(outDir, 'start.png'), fullPage: true });
    });
    if (!started) throw new Error('no start page');

    await check('start_session', async () => {
      await page.locator('#cc-main button[name=next]').click();
      await nextPage(page, null);
      const url = new URL(page.url());
      const m = /\/test\/session\/([^/]+)$/.exec(url.pathname);
      expect(m, 'the address did not become /test/session/{hash}: ' + url.pathname);
      results.hash = decodeURIComponent(m[1]);
      const stored = await page.evaluate((h) => localStorage.getItem('concerto.session.' + h), results.hash);
      expect(stored && JSON.parse(stored).token, 'no token kept in localStorage');
      expect(await focusedIsPageFocus(page), 'focus is not on the progress text');
      const timer = await page.textContent('#cc-timer');
      expect(/Time left: \d+:\d\d/.test(timer), 'no time left shown: ' + timer);
    });

    let n = 0;
    let item = await currentItem(page);
    while (item !== null && n < MAX_ITEMS + 1) {
      if (n === 1) {
        await page.screenshot({ path: path.join(outDir, 'item.png'), fullPage: true });
      }
      if (n === 2) {
        await check('reload_resumes_same_item', async () => {
          await page.reload();
          await page.waitForSelector('#cc-main input[type=radio]', { timeout: STEP_MS });
          const again = await currentItem(page);
          expect(again === item, 'item ' + again + ' after the reload, ' + item + ' before');
          expect(await focusedIsPageFocus(page), 'focus is not on the progress text after resuming');
        });
      }
      if (n === 3) {
        await check('zoom_200_no_horizontal_scroll', async () => {
          // 200 % zoom of a 1280x900 window is a 640x450 CSS viewport.
          await page.setViewportSize({ width: 640, height: 450 });
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          await page.screenshot({ path: path.join(outDir, 'item-zoom200.png'), fullPage: true });
          await page.setViewportSize({ width: 1280, height: 900 });
          expect(overflow <= 0, 'the page scrolls sideways by ' + overflow + 'px');
        });
      }
      const failFirst = n === 4;
      let aborted = 0;
      if (failFirst) {
        await page.route('**/submit', (route) => {
          if (aborted === 0) {
            aborted++;
            return route.abort('connectionreset');
          }
          return route.continue();
        });
      }
      const before = submits.length;
      const progressBefore = await page.evaluate(() => {
        const bar = document.querySelector('#cc-main progress');
        return bar ? Number(bar.getAttribute('value')) : null;
      });
      try {
        await answer(page, n, n % 2 === 1);
        results.answered.push(item);
        await nextPage(page, item);
      } catch (e) {
        fail('answer_item_' + (n + 1), e.message.split('\n')[0]);
        break;
      }
      if (failFirst) {
        await page.unroute('**/submit');
        await check('failed_submit_retried_once', async () => {
          const sent = submits.slice(before);
          expect(aborted === 1, 'the first attempt was not aborted');
          expect(sent.length === 2 && sent[0] && sent[0] === sent[1],
            'expected two attempts with one submitId, got ' + JSON.stringify(sent));
          const progressAfter = await page.evaluate(() => {
            const bar = document.querySelector('#cc-main progress');
            return bar ? Number(bar.getAttribute('value')) : null;
          });
          expect(progressAfter === null || progressAfter === progressBefore + 1,
            'progress went from ' + progressBefore + ' to ' + progressAfter);
        });
      }
      n++;
      item = await currentItem(page);
    }
    results.submitRequests = submits.length;

    await check('results_page', async () => {
      await page.waitForSelector('#cc-main .cc-results', { timeout: STEP_MS });
      expect(await focusedIsPageFocus(page), 'focus is not on the results heading');
      const scores = await page.$$eval('#cc-main .cc-score', (els) =>
        els.map((e) => [e.querySelector('dt').textContent.trim(), e.querySelector('dd').textContent.trim()]));
      const byName = Object.fromEntries(scores);
      const theta = byName['Ability estimate (theta)'];
      const sem = byName['Standard error (SEM)'];
      expect(/^[-−]?\d+\.\d\d$/.test(theta || ''), 'theta ' + theta);
      expect(/^\d+\.\d\d$/.test(sem || ''), 'SEM ' + sem);
      expect(/^\d+\s+of\s+\d+$/.test((byName.Score || '').replace(/\s+/g, ' ')), 'score ' + byName.Score);
      expect(Number(byName['Questions answered']) === results.answered.length,
        'questions answered ' + byName['Questions answered'] + ', the browser answered ' + results.answered.length);
      expect(await page.locator('#cc-main svg[role=img]').count() === 1, 'no <svg role="img"> plot');
      const stored = await page.evaluate((h) => localStorage.getItem('concerto.session.' + h), results.hash);
      expect(stored === null, 'the token is still stored after the end');
      results.theta = theta;
      results.sem = sem;
      await page.screenshot({ path: path.join(outDir, 'results.png'), fullPage: true });
    });

    await check('finished_session_page_says_ended', async () => {
      expect(results.hash, 'no session was started');
      await page.goto(baseUrl + '/test/session/' + encodeURIComponent(results.hash));
      await page.waitForSelector('#cc-main .ccr-message h1', { timeout: STEP_MS });
      const text = await page.textContent('#cc-main');
      expect(/ended or can.t be found/.test(text), 'says: ' + text.trim().slice(0, 160));
    });

    await check('no_script_errors', async () => {
      expect(pageErrors.length === 0, pageErrors.join('; '));
    });
  } catch (e) {
    fail('browser_run', String(e && e.message ? e.message : e).split('\n')[0]);
  } finally {
    await browser.close();
  }
  console.log('RESULT ' + JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
