#!/usr/bin/env python3
"""Browser test: the starter tests taken in headless Chromium through the
runner page: demo-cat (native), r-cat (a flow of R nodes) and
r-questionnaire (an R code test with several pages); then the admin pages
(admin_pages.js: log in, build a code test with a template and an item
table, take it, read its results, open every page).

    python3 tests/browser/run.py --build build [--db pgsql]   (after make all r-install)

Starts a private Apache on SQLite (or, with --db pgsql, a private
PostgreSQL cluster) with the starter content and ConcertoR On (the
integration harness), runs take_test.js and take_r_tests.js
and admin_pages.js (playwright-core driving /usr/bin/chromium), then checks
through the database that the response tables have one row per item the
browser answered. Screenshots go to BUILD/test-output/browser/. Last line:
"N passed, M failed".
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
ADMIN_PASSWORD = "Browser-Secret-42"
NODE_TIMEOUT = 150  # seconds for the whole browser run
ADMIN_TIMEOUT = 240  # admin_pages.js: about 40 s alone, more under a loaded machine


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--db", choices=("sqlite", "pgsql"), default="sqlite",
                    help="the database (pgsql: a private PostgreSQL cluster)")
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
    db = Database(args.db, datadir)
    code, out, err = concertoctl(db.ctl_args + ["setup", "--owner", "www-data", "--starter",
                                  os.path.join(REPO, "conf", "starter")],
                                 env={"CONCERTO_PASSWORD": ADMIN_PASSWORD})
    if code != 0:
        runner.fail("browser_setup", "setup --starter exited %d: %s%s" % (code, out, err))
        return runner.summary()
    r_lib = os.path.join(Paths.build, "r", "lib")
    if not os.path.isdir(os.path.join(r_lib, "concerto")):
        runner.fail("browser_setup", "the R package is not in %s (make r-install)" % r_lib)
        return runner.summary()
    # R is per process: its directives, the data dir and the database at server level.
    body = ("ConcertoR On\nConcertoRLibrary %s\nConcertoDataDir %s\n%s\n"
            "<Location />\n    SetHandler concerto\n</Location>\n" % (r_lib, datadir, db.directive))
    apache = Apache("browser", body, loglevel="warn")
    harness.register_cleanup("apache destroy browser", apache.destroy)
    apache.start()
    try:
        result = run_browser(apache, out_dir, runner, "take_test.js")
        if result is not None:
            runner.run("responses_in_database", check_database, db.query, result)
        result = run_browser(apache, out_dir, runner, "take_r_tests.js")
        if result is not None:
            runner.run("r_responses_in_database", check_r_database, db.query, result)
        # One point for the dashboard's chart: the sessions just taken.
        code, out, err = concertoctl(db.ctl_args + ["sessions", "log"])
        if code != 0 or "recorded" not in out:
            runner.fail("admin_session_count", "sessions log exited %d: %s%s" % (code, out, err))
        result = run_browser(apache, out_dir, runner, "admin_pages.js", ADMIN_PASSWORD,
                             timeout=ADMIN_TIMEOUT)
        if result is not None:
            runner.run("admin_built_test_in_database", check_admin_database, db.query, result)
        runner.run("screenshots_kept", check_screenshots, out_dir)
        runner.run("error_log_clean", apache.audit)
    finally:
        apache.stop()
    log("screenshots: %s" % out_dir)
    return runner.summary()


class Database:
    """SQLite in the data dir, or a database of a private PostgreSQL cluster:
    the concertoctl options, the Apache directive and a query function
    (rows as lines, columns separated by |)."""

    def __init__(self, kind, datadir):
        self.ctl_args = ["-d", datadir]
        if kind == "sqlite":
            self.directive = "ConcertoDatabase sqlite3"
            self.query = lambda sql: harness.sqlite(os.path.join(datadir, "concerto.db"), sql)
            return
        server = harness.Postgres()
        harness.register_cleanup("pgsql destroy", server.destroy)
        server.start()
        server.create_database("browser")
        conninfo = server.conninfo("browser")
        self.ctl_args += ["--db", "pgsql", "--db-params", conninfo]
        self.directive = 'ConcertoDatabase pgsql "%s"' % conninfo
        self.query = lambda sql: server.sql(sql, db="browser")


def run_browser(apache, out_dir, runner, script, *extra, timeout=NODE_TIMEOUT):
    """Runs script (take_test.js, ...), counts its PASS/FAIL lines; returns its RESULT."""
    cmd = ["node", os.path.join(HERE, script), apache.url, out_dir] + list(extra)
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL, env=harness.base_env())
    except subprocess.TimeoutExpired:
        runner.fail("browser_run", "%s did not finish within %ds" % (script, timeout))
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
        runner.fail("browser_run", "%s exited %d\n%s" % (script, p.returncode, p.stderr[-3000:]))
        return None
    return result


def check_database(query, result):
    """One response row per item answered in the browser, with theta and SEM."""
    answered = result["answered"]
    check(result["hash"] and len(answered) >= 8,
          "the browser answered %d items (demo-cat gives at least 8)" % len(answered))
    rows = query("SELECT item_id, theta, sem FROM demo_cat_responses ORDER BY id")
    items, bad = [], []
    for line in rows.strip().splitlines():
        item, theta, sem = line.split("|")
        items.append(int(item))
        if theta == "" or sem == "" or not 0 < float(sem) < 10:
            bad.append(line)
    check(sorted(items) == sorted(answered),
          "response rows for items %s; the browser answered %s" % (items, answered))
    check(not bad, "rows without a theta or a SEM: %s" % bad)


def check_r_database(query, result):
    """r-cat: one row per item answered, with theta and SEM; r-questionnaire:
    one row per statement, with the value chosen last (after a Back)."""
    cat, quest = result["cat"], result["questionnaire"]

    def session_id(hash_):
        return query("SELECT id FROM test_session WHERE hash = '%s'" % hash_).strip()

    check(cat and cat["hash"] and cat["answered"] >= 8, "r-cat: answered %r" % cat)
    rows = query("SELECT theta, sem FROM r_cat_responses WHERE session_id = %s"
                          % session_id(cat["hash"])).strip().splitlines()
    check(len(rows) == cat["answered"], "r-cat: %d response rows for %d items answered"
          % (len(rows), cat["answered"]))
    check(all(r.split("|")[0] != "" and 0 < float(r.split("|")[1]) < 10 for r in rows),
          "r-cat: rows without theta or SEM: %s" % rows)
    status = query("SELECT status FROM test_session WHERE hash = '%s'" % cat["hash"]).strip()
    check(status == "2", "r-cat: the session is FINALIZED (2), not %r" % status)
    check(quest and quest["hash"], "r-questionnaire: no session %r" % quest)
    rows = query("SELECT item_id, response FROM r_questionnaire_responses WHERE "
                          "session_id = %s ORDER BY item_id" % session_id(quest["hash"])).strip().splitlines()
    stored = {"r" + r.split("|")[0]: r.split("|")[1] for r in rows}
    check(stored == quest["answers"], "r-questionnaire: stored %r, the browser chose %r"
          % (stored, quest["answers"]))


def check_admin_database(query, result):
    """The test built in the admin pages exists as a code test with its
    template and tables, and the participant's answers are in its response
    table under the session the browser took."""
    test_id = result.get("test_id")
    check(test_id and result.get("session_hash") and result.get("session_id"),
          "no test or session: %r" % result)
    row = query("SELECT type, settings FROM test WHERE id = %d" % test_id).strip()
    check(row.startswith("0|") and '"ui_responses"' in row, "ui_quiz: type and settings %r" % row)
    check(query("SELECT count(*) FROM view_template WHERE name = 'ui_page' AND "
                         "html LIKE '%{{question}}%'").strip() == "1", "no template ui_page")
    # The session was deleted in the admin pages; its responses stay.
    check(query("SELECT count(*) FROM test_session WHERE hash = '%s'"
                % result["session_hash"]).strip() == "0", "the session was not deleted")
    rows = query("SELECT response FROM ui_responses WHERE session_id = %d ORDER BY id"
                 % result["session_id"]).strip().splitlines()
    check(rows == result["answers"], "ui_responses holds %r; the browser answered %r"
          % (rows, result["answers"]))


def check_screenshots(out_dir):
    for name in ("start.png", "item.png", "item-zoom200.png", "results.png", "r-cat-start.png",
                 "r-cat-item.png", "r-cat-results.png", "r-questionnaire-page2.png",
                 "r-questionnaire-feedback.png", "admin-login.png", "admin-dashboard.png",
                 "admin-table.png", "admin-template.png", "admin-test-code.png",
                 "admin-sessions.png", "admin-session.png", "admin-flow.png", "admin-users.png",
                 "admin-settings.png", "admin-content.png"):
        f = os.path.join(out_dir, name)
        check(os.path.exists(f) and os.path.getsize(f) > 1000, "no screenshot %s" % f)


if __name__ == "__main__":
    sys.exit(main())
