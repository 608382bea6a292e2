"""Integration tests of the scheduled jobs (concertoctl sessions clear,
sessions log, schedule tick) on the context of run.py (SQLite or
PostgreSQL): each works on its own database, and two runs at once must
find the lock in the database taken.

Imported by run.py, which runs them in the order they are registered."""

import concurrent.futures
import os
import re
import time

import harness
from harness import check, concertoctl, make_data_dir, test

LOCKED = 75  # exit status when another run holds the job's lock
DAY = 86400


def tasks_db(ctx, name):
    """A fresh data dir and database, set up, with one test to hang sessions on."""
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, name)
    if ctx.served:
        ctx.server.create_database(ctx.db_name(name))
    code, out, err = concertoctl(ctx.db_args(datadir, name) + ["setup", "--owner", "www-data"])
    check(code == 0, "setup exited %d: %s%s" % (code, out, err))
    ctx.sql(datadir, name, "INSERT INTO test (name, slug, created, updated) VALUES ('t', 't', 0, 0)")
    return datadir


def add_session(ctx, datadir, role, hash_, status, updated):
    ctx.sql(datadir, role, "INSERT INTO test_session (hash, test_id, status, created, updated) "
            "VALUES ('%s', (SELECT id FROM test WHERE slug = 't'), %d, %d, %d)"
            % (hash_, status, updated, updated))


def add_files(datadir, hash_, mtime):
    d = os.path.join(datadir, "files", "sessions", hash_)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "upload.txt"), "w") as f:
        f.write("answer")
    os.utime(d, (mtime, mtime))
    return d


def one_line(out):
    lines = out.strip().splitlines()
    check(len(lines) == 1, "expected a one-line summary on stdout, got %r" % out)
    return lines[0]


@test("tasks_sessions_clear")
def t_sessions_clear(ctx):
    role = "tasks_clear"
    datadir = tasks_db(ctx, role)
    args = ctx.db_args(datadir, role)
    now = int(time.time())
    hashes = {"a1" * 20: (2, now - 8 * DAY),   # finished long ago: goes
              "a2" * 20: (0, now - 8 * DAY),   # abandoned while running: goes
              "b1" * 20: (2, now - 6 * DAY),   # finished, not old enough: stays
              "b2" * 20: (0, now - 60)}        # running now: stays
    for h, (status, updated) in hashes.items():
        add_session(ctx, datadir, role, h, status, updated)
        add_files(datadir, h, updated)
    ctx.sql(datadir, role, "INSERT INTO test_session_log (session_id, test_id, type, message, created) "
            "SELECT id, test_id, 2, 'log', 0 FROM test_session")
    orphan = add_files(datadir, "c1" * 20, now - 9 * DAY)

    code, out, err = concertoctl(args + ["sessions", "clear"])
    check(code == 0, "sessions clear exited %d: %s%s" % (code, out, err))
    check(one_line(out) == "sessions clear: removed 2 sessions and 3 session directories older than "
          "7 days", "summary %r" % out)
    left = sorted(ctx.sql(datadir, role, "SELECT hash FROM test_session").split())
    check(left == sorted(["b1" * 20, "b2" * 20]), "sessions left: %r" % left)
    logs = ctx.sql(datadir, role, "SELECT COUNT(*) FROM test_session_log").strip()
    check(logs == "2", "%s log entries left, expected the 2 of the kept sessions" % logs)
    present = sorted(os.listdir(os.path.join(datadir, "files", "sessions")))
    check(present == sorted(["b1" * 20, "b2" * 20]), "session directories left: %r" % present)
    check(not os.path.exists(orphan), "the old orphan directory is still there")

    code, out, err = concertoctl(args + ["sessions", "clear"])
    check(code == 0 and "removed 0 sessions and 0 session directories" in out,
          "second run: %d %r %r" % (code, out, err))
    # The age from Concerto's variable, and from the option over it.
    code, out, err = concertoctl(args + ["sessions", "clear"],
                                 env={"CONCERTO_SESSION_FILES_EXPIRATION": "5"})
    check(code == 0 and "removed 1 sessions" in out and "older than 5 days" in out,
          "with CONCERTO_SESSION_FILES_EXPIRATION=5: %d %r %r" % (code, out, err))
    code, out, err = concertoctl(args + ["sessions", "clear", "--older-than", "0"],
                                 env={"CONCERTO_SESSION_FILES_EXPIRATION": "5"})
    check(code == 0 and "removed 0 sessions" in out and "older than 0 days" in out,
          "--older-than 0 keeps a session running within its idle limit: %d %r %r" % (code, out, err))
    code, out, err = concertoctl(args + ["sessions", "clear"],
                                 env={"CONCERTO_SESSION_FILES_EXPIRATION": "-1"})
    check(code == 0 and "disabled" in out, "-1 disables: %d %r" % (code, out))
    left = ctx.sql(datadir, role, "SELECT COUNT(*) FROM test_session").strip()
    check(left == "1", "%s sessions left, expected the running one" % left)
    for bad in (["--older-than", "x"], ["--older-than", "-3"], ["--nope"]):
        code, out, err = concertoctl(args + ["sessions", "clear"] + bad)
        check(code == 2 and "concertoctl:" in err, "sessions clear %r: %d %r" % (bad, code, err))


@test("tasks_sessions_log_matches_session_count")
def t_sessions_log(ctx):
    """sessions log records the count /api/check/session_count gives, and a
    row only when it changed."""
    role = "tasks_log"
    datadir = tasks_db(ctx, role)
    args = ctx.db_args(datadir, role)
    body = "<Location />\n    SetHandler concerto\n    %s\n</Location>\n" % ctx.db_conf(datadir, role)
    a = ctx.new_apache("tasks-log", body, loglevel="warn")
    now = int(time.time())

    def endpoint():
        _, _, count = harness.check_status(a.get("/api/check/session_count"), 200)
        return int(count)

    def rows():
        return ctx.sql(datadir, role, "SELECT session_count FROM test_session_count ORDER BY id").split()

    with a:
        code, out, err = concertoctl(args + ["sessions", "log"])
        check(code == 0, "sessions log exited %d: %s%s" % (code, out, err))
        check(one_line(out) == "sessions log: 0 active sessions, recorded (was none)", "summary %r" % out)
        check(endpoint() == 0 and rows() == ["0"], "endpoint %d, rows %r" % (endpoint(), rows()))
        code, out, err = concertoctl(args + ["sessions", "log"])
        check(code == 0 and one_line(out) == "sessions log: 0 active sessions, unchanged, nothing recorded",
              "second run: %d %r" % (code, out))
        for i, (status, updated) in enumerate(((0, now), (0, now - 10), (0, now - 3600), (2, now))):
            add_session(ctx, datadir, role, "log%d" % i, status, updated)
        code, out, err = concertoctl(args + ["sessions", "log"])
        check(code == 0 and one_line(out) == "sessions log: 2 active sessions, recorded (was 0)",
              "after 2 running, 1 idle and 1 finished sessions: %d %r" % (code, out))
        check(endpoint() == 2, "the endpoint says %d, sessions log 2" % endpoint())
        code, out, err = concertoctl(args + ["sessions", "log", "--idle-limit", "7200"])
        check(code == 0 and one_line(out) == "sessions log: 3 active sessions, recorded (was 2)",
              "with --idle-limit 7200: %d %r" % (code, out))
        check(rows() == ["0", "2", "3"], "rows %r" % rows())
        code, out, err = concertoctl(args + ["sessions", "log", "--idle-limit", "0"])
        check(code == 2 and "concertoctl:" in err, "--idle-limit 0: %d %r" % (code, err))


@test("tasks_schedule_tick")
def t_schedule_tick(ctx):
    role = "tasks_tick"
    datadir = tasks_db(ctx, role)
    args = ctx.db_args(datadir, role)
    for type_, status in ((0, 0), (4, 0), (5, 2), (5, 4)):
        ctx.sql(datadir, role, "INSERT INTO scheduled_task (type, status, description, created, updated) "
                "VALUES (%d, %d, 'task', 0, 0)" % (type_, status))
    code, out, err = concertoctl(args + ["schedule", "tick"])
    check(code == 0, "schedule tick exited %d: %s%s" % (code, out, err))
    check(one_line(out) == "schedule tick: 0 tasks completed, 2 failed", "summary %r" % out)
    rows = ctx.sql(datadir, role, "SELECT id, status FROM scheduled_task ORDER BY id").split()
    check(rows == ["1|3", "2|3", "3|2", "4|4"], "statuses %r" % rows)
    output = ctx.sql(datadir, role, "SELECT output FROM scheduled_task WHERE id = 2").strip()
    check("task type 4 (R package install) is not supported" in output, "output %r" % output)
    code, out, err = concertoctl(args + ["schedule", "tick"])
    check(code == 0 and one_line(out) == "schedule tick: 0 tasks completed, 0 failed",
          "second tick: %d %r" % (code, out))


@test("tasks_lock_two_runs_at_once")
def t_two_runs(ctx):
    """Two servers start the same job in the same second: one works, the
    other exits 75 and says so; a lock held elsewhere is respected until it
    expires."""
    role = "tasks_lock"
    datadir = tasks_db(ctx, role)
    args = ctx.db_args(datadir, role)
    jobs = (["sessions", "clear"], ["sessions", "log"], ["schedule", "tick"])
    hold = {"CONCERTO_TEST_HOLD_LOCK_MS": "2500"}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for job in jobs:
            runs = [pool.submit(concertoctl, args + job, hold) for _ in range(2)]
            results = sorted(r.result() for r in runs)
            codes = [r[0] for r in results]
            check(codes == [0, LOCKED], "%s twice at once exited %r: %r" % (" ".join(job), codes, results))
            skipped = one_line(results[1][1])
            check(skipped.startswith(" ".join(job) + ": skipped, another run holds the lock"),
                  "the second run says %r" % skipped)
    # Released after each run: the next one gets it.
    for job in jobs:
        code, out, err = concertoctl(args + job)
        check(code == 0, "%s after the race: %d %r %r" % (" ".join(job), code, out, err))
    # Held by another server, not expired; then expired.
    future = int(time.time()) + 600
    ctx.sql(datadir, role, "UPDATE task_lock SET holder = 'web2:123:x', expires = %d "
            "WHERE name = 'schedule_tick'" % future)
    code, out, err = concertoctl(args + ["schedule", "tick"])
    check(code == LOCKED and "(web2:123:x)" in out, "lock held by web2: %d %r" % (code, out))
    ctx.sql(datadir, role, "UPDATE task_lock SET expires = %d WHERE name = 'schedule_tick'"
            % (int(time.time()) - 1))
    code, out, err = concertoctl(args + ["schedule", "tick"])
    check(code == 0, "expired lock: %d %r %r" % (code, out, err))
