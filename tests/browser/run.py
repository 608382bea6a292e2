#!/usr/bin/env python3
"""Browser test: demo-cat taken in headless Chromium through the runner page.

    python3 tests/browser/run.py --build build

Starts a private Apache on SQLite with the starter content (the integration
harness), runs take_test.js (playwright-core driving /usr/bin/chromium),
then checks through the database that the response table has one row per
item the browser answered, each with theta and SEM. Screenshots go to
BUILD/test-output/browser/. Last line: "N passed, M failed".
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

import harness  # noqa: E402
from harness import Apache, Paths, check, concertoctl, log  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
NODE_TIMEOUT = 150  # seconds for the whole browser run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    args = ap.parse_args()
    Paths.set_build(args.build)
    harness.install_signal_handlers()
    out_dir = os.path.join(Paths.build, "test-output", "browser")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    runner = harness.Runner()

    problems = []
    for f in (Paths.module(), Paths.concertoctl_bin()):
        if not os.path.exists(f):
            problems.append("%s does not exist (run make all)" % f)
    if not os.path.exists(CHROMIUM):
        problems.append("%s is missing (make deps installs Debian's chromium)" % CHROMIUM)
    if not os.path.isdir(os.path.join(HERE, "node_modules", "playwright-core")):
        problems.append("tests/browser/node_modules is missing (make deps runs npm ci there)")
    if shutil.which("node") is None:
        problems.append("node is missing (make deps installs nodejs)")
    if problems:
        for p in problems:
            runner.fail("browser_setup", p)
        return runner.summary()

    tmp = harness.make_tmpdir("concerto-browser-")
    harness.register_cleanup("tmp " + tmp, lambda: harness.remove_tree(tmp))
    datadir = harness.make_data_dir(tmp, "data")
    code, out, err = concertoctl(["-d", datadir, "setup", "--owner", "www-data", "--starter",
                                  os.path.join(REPO, "conf", "starter")],
                                 env={"CONCERTO_PASSWORD": "Browser-Secret-42"})
    if code != 0:
        runner.fail("browser_setup", "setup --starter exited %d: %s%s" % (code, out, err))
        return runner.summary()
    body = ("<Location />\n    SetHandler concerto\n    ConcertoDataDir %s\n"
            "    ConcertoDatabase sqlite3\n</Location>\n" % datadir)
    apache = Apache("browser", body, loglevel="warn")
    harness.register_cleanup("apache destroy browser", apache.destroy)
    apache.start()
    try:
        result = run_browser(apache, out_dir, runner)
        if result is not None:
            runner.run("responses_in_database", check_database, datadir, result)
        runner.run("screenshots_kept", check_screenshots, out_dir)
        runner.run("error_log_clean", apache.audit)
    finally:
        apache.stop()
    log("screenshots: %s" % out_dir)
    return runner.summary()


def run_browser(apache, out_dir, runner):
    """Runs take_test.js, counts its PASS/FAIL lines; returns its RESULT."""
    cmd = ["node", os.path.join(HERE, "take_test.js"), apache.url, out_dir]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=NODE_TIMEOUT,
                           stdin=subprocess.DEVNULL, env=harness.base_env())
    except subprocess.TimeoutExpired:
        runner.fail("browser_run", "take_test.js did not finish within %ds" % NODE_TIMEOUT)
        return None
    result = None
    for line in p.stdout.splitlines():
        print(line, flush=True)
        if line.startswith("PASS "):
            runner.passed += 1
        elif line.startswith("FAIL "):
            runner.failed += 1
            runner.failures.append(line[5:].split(":")[0])
        elif line.startswith("RESULT "):
            result = json.loads(line[7:])
    if p.returncode != 0 or result is None:
        runner.fail("browser_run", "take_test.js exited %d\n%s" % (p.returncode, p.stderr[-3000:]))
        return None
    return result


def check_database(datadir, result):
    """One response row per item answered in the browser, with theta and SEM."""
    answered = result["answered"]
    check(result["hash"] and len(answered) >= 8,
          "the browser answered %d items (demo-cat gives at least 8)" % len(answered))
    rows = harness.sqlite(os.path.join(datadir, "concerto.db"),
                          "SELECT item_id, theta, sem FROM demo_cat_responses ORDER BY id")
    items, bad = [], []
    for line in rows.strip().splitlines():
        item, theta, sem = line.split("|")
        items.append(int(item))
        if theta == "" or sem == "" or not 0 < float(sem) < 10:
            bad.append(line)
    check(sorted(items) == sorted(answered),
          "response rows for items %s; the browser answered %s" % (items, answered))
    check(not bad, "rows without a theta or a SEM: %s" % bad)


def check_screenshots(out_dir):
    for name in ("start.png", "item.png", "item-zoom200.png", "results.png"):
        f = os.path.join(out_dir, name)
        check(os.path.exists(f) and os.path.getsize(f) > 1000, "no screenshot %s" % f)


if __name__ == "__main__":
    sys.exit(main())
