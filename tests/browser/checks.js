/* The PASS/FAIL lines of the browser scripts (run.py counts them); each
 * script keeps its own results object, which gets the counts. */
'use strict';

function makeChecks(results) {
  function pass(name) {
    results.passed++;
    console.log('PASS ' + name);
  }
  function fail(name, reason) {
    results.failed++;
    console.log('FAIL ' + name + ': ' + reason);
  }
  /* Runs fn; an exception is a failure with its first line as the reason. */
  async function check(name, fn) {
    try {
      await fn();
      pass(name);
      return true;
    } catch (e) {
      fail(name, String(e && e.message ? e.message : e).split('\n')[0]);
      return false;
    }
  }
  function expect(cond, message) {
    if (!cond) throw new Error(message);
  }
  return { pass, fail, check, expect };
}

module.exports = { makeChecks };
