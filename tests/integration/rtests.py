"""Integration tests of R tests (test.type 0, code) through the runner
protocol, on the context of run.py (SQLite or PostgreSQL): each test makes
its own database, inserts its tests with SQL and starts Apache with
ConcertoR On and the R package from BUILD/r/lib (make r-install).

Imported by run.py, which runs them in the order they are registered."""

import concurrent.futures
import json
import os
import re
import threading
import time
import urllib.parse

import harness
from harness import Paths, check, check_status, concertoctl, make_data_dir, test

PASSWORD = "Integration-Secret-42"
JSON_CT = {"Content-Type": "application/json"}
FORM_CT = {"Content-Type": "application/x-www-form-urlencoded"}
R_ERROR_KINDS = ("error", "timeout")

# A code test of three pages: a greeting with a URL parameter, the answer
# written to a table (bound through the module's database) and read back.
HELLO_CODE = r"""
cat("starting for", name, "\n")
a <- concerto.template.show(html = "<p id=\"greet\">Hello {{name}}</p><input name=\"answer\"><button name=\"next\">Next</button>",
                            params = list(name = name))
concerto.table.query("INSERT INTO r_answers (session_hash, answer) VALUES ('{{h}}', '{{a}}')",
                     list(h = concerto.session.get()$hash, a = a$answer))
id <- concerto.table.lastInsertId()
b <- concerto.template.show(html = "<p id=\"second\">You said {{answer}}, row {{id}}</p><button name=\"next\">Next</button>",
                            params = list(answer = a$answer, id = id))
stored <- concerto.table.query("SELECT answer FROM r_answers WHERE session_hash = '{{h}}'",
                               list(h = concerto.session.get()$hash))
concerto.template.show(html = "<p id=\"done\">Stored: {{s}} ({{n}} row)</p>",
                       params = list(s = stored$answer[1], n = nrow(stored)), finalize = TRUE)
"""

# Fails after its first page.
FAILING_CODE = r"""
concerto.template.show(html = "<button name=\"next\">Go</button>")
print("before the failure")
stop("boom from the test")
"""

# Never ends after its first page.
LOOPING_CODE = r"""
concerto.template.show(html = "<button name=\"next\">Go</button>")
i <- 0
while (TRUE) i <- i + 1
"""

# Slow after its first page: two answers racing meet a claimed session.
SLOW_CODE = r"""
a <- concerto.template.show(html = "<input name=\"v\"><button name=\"next\">Go</button>")
Sys.sleep(1.5)
concerto.template.show(html = "<p id=\"after\">after {{v}}</p>", params = list(v = a$v), finalize = TRUE)
"""


# Uploads: refused on the first page, allowed on the second, which asks
# for them (Concerto's sessionFilesAccess).
UPLOAD_CODE = r"""
concerto.template.show(html = "<button name=\"next\">Next</button>")
concerto.template.show(html = "<input type=\"file\" name=\"f\">", sessionFilesAccess = TRUE)
"""


# A flow: begin -> ask (a code test that loops on its branch "again" until
# the flow's limit) -> finish, with a return function on the last answer.
ASK_CODE = r"""
n <- c.get('rounds', flowIndexOffset = -1)
if (is.null(n)) n <- 0
r <- concerto.template.show(html = "<p id=\"round\">round {{n}} of {{max}}</p><input name=\"v\">",
                            params = list(n = n + 1, max = limit))
rounds <- n + 1
c.set('rounds', rounds, flowIndexOffset = -1)
concerto.table.query("INSERT INTO r_answers (session_hash, answer) VALUES ('flow', '{{v}}')", list(v = r$v))
.branch <- if (rounds < as.numeric(limit)) 'again' else 'done'
answer <- r$v
"""


def q(text):
    return "'" + text.replace("'", "''") + "'"


def r_library():
    lib = os.path.join(Paths.build, "r", "lib")
    check(os.path.isdir(os.path.join(lib, "concerto")),
          "the R package is not installed in %s (make r-install)" % lib)
    return lib


def insert_code_test(ctx, datadir, role, slug, code, variables=(), visibility=0):
    now = int(time.time())
    ctx.sql(datadir, role,
            "INSERT INTO test (name, slug, type, visibility, code, created, updated) "
            "VALUES (%s, %s, 0, %d, %s, %d, %d)" % (q(slug), q(slug), visibility, q(code), now, now))
    for name, value in variables:
        ctx.sql(datadir, role,
                "INSERT INTO test_variable (test_id, name, type, value, passable_through_url) "
                "VALUES ((SELECT id FROM test WHERE slug = %s), %s, 0, %s, 1)"
                % (q(slug), q(name), q(value)))


def insert_flow(ctx, datadir, role):
    """The flow above as test "r-flow" (and its node test "r-ask", a subtest)."""
    def sql(statement):
        return ctx.sql(datadir, role, statement).strip()

    def last_id(table):
        return sql("SELECT MAX(id) FROM %s" % table)

    now = int(time.time())
    sql("INSERT INTO test (name, slug, type, visibility, code, created, updated) "
        "VALUES ('r-ask', 'r-ask', 0, 2, %s, %d, %d)" % (q(ASK_CODE), now, now))
    ask = last_id("test")
    for name, vtype, value in (("limit", 0, "2"), ("answer", 1, None), (".branch", 1, None),
                               ("again", 2, None), ("done", 2, None)):
        sql("INSERT INTO test_variable (test_id, name, type, value) VALUES (%s, %s, %d, %s)"
            % (ask, q(name), vtype, q(value) if value else "NULL"))
    sql("INSERT INTO test (name, slug, type, created, updated) VALUES ('r-flow', 'r-flow', 2, %d, %d)"
        % (now, now))
    flow = last_id("test")
    for name, vtype, value in (("max", 0, "3"), ("last", 1, None), ("out", 2, None)):
        sql("INSERT INTO test_variable (test_id, name, type, value) VALUES (%s, %s, %d, %s)"
            % (flow, q(name), vtype, q(value) if value else "NULL"))

    def node(ntype, source, title):
        sql("INSERT INTO test_node (flow_test_id, source_test_id, title, type) VALUES (%s, %s, %s, %d)"
            % (flow, source, q(title), ntype))
        return last_id("test_node")

    def port(node_id, name, ptype, default=1):
        sql("INSERT INTO test_node_port (node_id, name, type, is_string, default_value, pointer) "
            "VALUES (%s, %s, %d, 1, %d, 0)" % (node_id, q(name), ptype, default))
        return last_id("test_node_port")

    def connect(src, src_port, dst, dst_port, fun=None):
        sql("INSERT INTO test_node_connection (flow_test_id, source_node_id, source_port_id, "
            "destination_node_id, destination_port_id, return_function) VALUES (%s, %s, %s, %s, %s, %s)"
            % (flow, src, src_port or "NULL", dst, dst_port or "NULL", q(fun) if fun else "NULL"))

    b, f, a = node(1, flow, "begin"), node(2, flow, "finish"), node(0, ask, "ask")
    b_max = port(b, "max", 1)
    a_limit = port(a, "limit", 0, default=0)
    a_answer = port(a, "answer", 1)
    port(a, ".branch", 1)
    a_again, a_done = port(a, "again", 2), port(a, "done", 2)
    f_last = port(f, "last", 0, default=0)
    connect(b, None, a, None)
    connect(a, a_again, a, None)
    connect(a, a_done, f, None)
    connect(b, b_max, a, a_limit)
    connect(a, a_answer, f, f_last, "paste0('last=', answer)")


def r_site(ctx, role, timeout=10):
    """A database with the schema and the tests of this file, and the
    configuration of an Apache that runs them."""
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, role)
    if ctx.pgsql:
        ctx.pgc.create_database(ctx.db_name(role))
    code, out, err = concertoctl(ctx.db_args(datadir, role) + ["setup", "--owner", "www-data"],
                                 env={"CONCERTO_PASSWORD": PASSWORD})
    check(code == 0, "setup exited %d: %s%s" % (code, out, err))
    ctx.sql(datadir, role, "CREATE TABLE r_answers (id %s, session_hash VARCHAR(64), answer TEXT)"
            % ("SERIAL PRIMARY KEY" if ctx.pgsql else "INTEGER PRIMARY KEY AUTOINCREMENT"))
    insert_code_test(ctx, datadir, role, "r-hello", HELLO_CODE, [("name", "World")])
    insert_code_test(ctx, datadir, role, "r-failing", FAILING_CODE)
    insert_code_test(ctx, datadir, role, "r-looping", LOOPING_CODE)
    insert_code_test(ctx, datadir, role, "r-slow", SLOW_CODE)
    insert_code_test(ctx, datadir, role, "r-upload", UPLOAD_CODE)
    insert_code_test(ctx, datadir, role, "r-subtest", HELLO_CODE, [("name", "Sub")], visibility=2)
    insert_flow(ctx, datadir, role)
    harness.chown_www(datadir)
    # R is per process: its data dir (temp dirs) and the database at server level.
    body = ("ConcertoR On\nConcertoRLibrary %s\n%s\n<Location />\n    SetHandler concerto\n"
            "    ConcertoRTimeout %d\n</Location>\n"
            % (r_library(), ctx.db_conf(datadir, role).replace("\n    ", "\n"), timeout))
    return datadir, body


def answer(apache, method_path, body=None, form=False):
    """POSTs and returns (status, JSON answer)."""
    if form:
        data, headers = urllib.parse.urlencode(body or {}, doseq=True), FORM_CT
    else:
        data, headers = json.dumps(body or {}), JSON_CT
    status, _, raw = apache.request("POST", method_path, body=data, headers=headers)
    try:
        return status, json.loads(raw)
    except ValueError:
        raise AssertionError("%s answered %d with no JSON: %r" % (method_path, status, raw[:300]))


def start(apache, slug, query=""):
    status, r = answer(apache, "/test/%s/start_session%s" % (slug, query), form=True)
    check(status == 200 and r.get("code") == 0 and r.get("token"),
          "start %s: %d %r" % (slug, status, r))
    return r


def submit(apache, r, values, submit_id):
    return answer(apache, "/api/runner/test/session/%s/submit" % r["hash"],
                  {"values": values, "token": r["token"], "submitId": submit_id})


def session_row(ctx, datadir, role, hash_):
    """[status, version, "1" when no claim holds, error] of a session."""
    out = ctx.sql(datadir, role, "SELECT status, version, CASE WHEN busy_until IS NULL THEN 1 ELSE 0 "
                  "END, error FROM test_session WHERE hash = %s" % q(hash_)).strip()
    return out.split("|", 3)


def r_log(ctx, datadir, role, hash_):
    return ctx.sql(datadir, role, "SELECT message FROM test_session_log l JOIN test_session s ON "
                   "s.id = l.session_id WHERE s.hash = %s AND l.type = 1 ORDER BY l.id" % q(hash_))


def r_errors(apache):
    _, _, body = check_status(apache.get("/api/check/prometheus"), 200)
    found = {}
    for kind in R_ERROR_KINDS:
        m = re.search(r'^concerto_r_errors_total\{kind="%s"\} (\d+)' % kind, body.decode(), re.M)
        check(m, "no concerto_r_errors_total{kind=%r} in the metrics" % kind)
        found[kind] = int(m.group(1))
    return found


def children_alive(apache, children):
    gone = [p for p in children if not harness.pid_alive(p)]
    check(not gone, "children gone: %s\n%s" % (gone, apache.log_tail()))
    check(not apache.child_deaths(), "children died:\n" + "\n".join(apache.child_deaths()))


@test("rtest_code_two_servers")
def t_rtest_code(ctx):
    """A code test end to end: started on one Apache with a URL parameter,
    answered on another sharing the database, finished with its final
    page; its table write is made once (not again when the node is
    replayed), R's output is in the session log, a repeated submit gets
    the same page, resume gives the stored page (code 16), and a subtest
    cannot be started by its address."""
    datadir, body = r_site(ctx, "rcode")
    one = ctx.new_apache("rcode-a", body, loglevel="warn")
    two = ctx.new_apache("rcode-b", body, loglevel="warn")
    with one, two:
        r = start(one, "r-hello", "?name=Ann")
        html = r["data"]["templateHtml"]
        check('<p id="greet">Hello Ann</p>' in html, "first page: %r" % html)
        hash_ = r["hash"]
        check("starting for Ann" in r_log(ctx, datadir, "rcode", hash_),
              "R's output is not in the session log: %r" % r_log(ctx, datadir, "rcode", hash_))
        status, r2 = submit(two, r, {"answer": "42", "buttonPressed": "next"}, "s1")
        check(status == 200 and r2["code"] == 0, "submit 1: %d %r" % (status, r2))
        check(re.search(r'You said 42, row \d+', r2["data"]["templateHtml"]),
              "second page: %r" % r2["data"]["templateHtml"])
        check(r2["data"]["lastSubmitId"] == "s1", "lastSubmitId: %r" % r2["data"])
        # The same submit again, on the other server: the same page, nothing new.
        status, again = submit(one, r, {"answer": "43", "buttonPressed": "next"}, "s1")
        check(status == 200 and again["code"] == 0
              and again["data"] == r2["data"], "repeated submit: %d %r" % (status, again))
        # Resume: the stored page under code 16, with a fresh token.
        status, res = answer(one, "/test/session/%s/resume" % hash_, {"token": r2["token"]}, form=True)
        check(status == 200 and res["code"] == 16 and res["data"]["templateHtml"] == r2["data"]["templateHtml"]
              and res["token"], "resume: %d %r" % (status, res))
        status, r3 = submit(one, r2, {"buttonPressed": "next"}, "s2")
        check(status == 200 and r3["code"] == 1, "final submit: %d %r" % (status, r3))
        check('<p id="done">Stored: 42 (1 row)</p>' in r3["data"]["templateHtml"],
              "final page: %r" % r3["data"]["templateHtml"])
        rows = ctx.sql(datadir, "rcode", "SELECT COUNT(*) FROM r_answers").strip()
        check(rows == "1", "%s rows in r_answers, expected 1" % rows)
        status_ = session_row(ctx, datadir, "rcode", hash_)
        check(status_[0] == "2" and status_[2] == "1", "session after the end: %r" % status_)
        status, e = submit(two, r3, {"buttonPressed": "next"}, "s3")
        check(status == 409 and e["code"] == 14, "submit after the end: %d %r" % (status, e))
        # Defaults: without the URL parameter the variable's value.
        r = start(two, "r-hello")
        check("Hello World" in r["data"]["templateHtml"], "default name: %r" % r["data"]["templateHtml"])
        status, e = answer(one, "/test/r-subtest/start_session", form=True)
        check(status == 404 and e["code"] == 13, "subtest by its address: %d %r" % (status, e))
        # The participant's page of an R test starts the session itself.
        status, _, page = check_status(one.get("/test/r-hello"), 200)
        check(b"autostart" in page, "the start page does not ask to start at once: %r" % page[:300])
        check(sum(r_errors(a)["error"] for a in (one, two)) == 0, "R errors counted")
    one.audit()
    two.audit()


@test("rtest_flow_two_servers")
def t_rtest_flow(ctx):
    """A flow test end to end, each page on the other server: begin gives
    the node its limit (3), the node loops on its branch "again", counts
    rounds in the flow's frame, writes each answer once, and ends through
    the finish node; R's return values are logged."""
    datadir, body = r_site(ctx, "rflow")
    one = ctx.new_apache("rflow-a", body, loglevel="warn")
    two = ctx.new_apache("rflow-b", body, loglevel="warn")
    with one, two:
        r = start(one, "r-flow")
        for k in (1, 2, 3):
            check('<p id="round">round %d of 3</p>' % k in r["data"]["templateHtml"],
                  "round %d page: %r" % (k, r["data"]["templateHtml"]))
            status, nxt = submit(two if k % 2 else one, r, {"v": "x%d" % k, "buttonPressed": "next"},
                                 "f%d" % k)
            check(status == 200 and nxt["code"] == (0 if k < 3 else 1), "submit %d: %d %r" % (k, status, nxt))
            r = nxt
        rows = ctx.sql(datadir, "rflow", "SELECT answer FROM r_answers WHERE session_hash = 'flow' "
                       "ORDER BY id").split()
        check(rows == ["x1", "x2", "x3"], "writes of the flow: %r" % rows)
        log = r_log(ctx, datadir, "rflow", r["hash"])
        check("last=x3" in log, "the finish node's return value is not in the session log: %r" % log)
    one.audit()
    two.audit()


@test("rtest_error_and_timeout")
def t_rtest_errors(ctx):
    """An R error and an endless loop (ConcertoRTimeout 2): the session
    ends in ERROR with the message (and R's output) in its log, the
    participant gets code -1 with a message, the metrics count both, the
    child lives on and serves the next test."""
    datadir, body = r_site(ctx, "rerr", timeout=2)
    a = ctx.new_apache("rerr", body, loglevel="warn")
    with a:
        a.expect_always(r"R test \d+, session [0-9a-f]+: ")
        children = harness.children_of(a.pid)
        before = r_errors(a)
        r = start(a, "r-failing")
        status, e = submit(a, r, {"buttonPressed": "next"}, "x1")
        # The participant is told what happened; R's message is for the author.
        check(status == 200 and e["code"] == -1 and "R code failed" in e["data"]["message"]
              and r["hash"][:8] in e["data"]["message"]
              and "boom" not in e["data"]["message"] and e.get("token") is None,
              "error answer: %d %r" % (status, e))
        row = session_row(ctx, datadir, "rerr", r["hash"])
        check(row[0] == "3" and "boom from the test" in row[3], "session after the error: %r" % row)
        log = r_log(ctx, datadir, "rerr", r["hash"])
        check("boom from the test" in log and "before the failure" in log, "session log: %r" % log)
        status, again = submit(a, r, {"buttonPressed": "next"}, "x2")
        check(status == 409 and again["code"] == 14, "submit after the error: %d %r" % (status, again))
        r = start(a, "r-looping")
        t0 = time.monotonic()
        status, e = submit(a, r, {"buttonPressed": "next"}, "y1")
        took = time.monotonic() - t0
        check(status == 200 and e["code"] == -1 and "time limit of 2 s" in e["data"]["message"],
              "time-out answer: %d %r" % (status, e))
        check(1.5 < took < 8, "the loop was stopped after %.1f s" % took)
        row = session_row(ctx, datadir, "rerr", r["hash"])
        check(row[0] == "3" and "time limit" in row[3], "session after the time-out: %r" % row)
        after = r_errors(a)
        check(after["error"] == before["error"] + 1 and after["timeout"] == before["timeout"] + 1,
              "metrics before %r, after %r" % (before, after))
        r = start(a, "r-hello")
        check("Hello World" in r["data"]["templateHtml"], "a test after the failures: %r" % r)
        children_alive(a, children)
    a.audit()


@test("rtest_racing_submits")
def t_rtest_race(ctx):
    """Two different answers to one page at once, on two servers: the
    session advances once (one 200, one 409 "please retry"); then that
    losing answer, sent again, is refused as the session has ended. A
    native request is served while R is busy."""
    datadir, body = r_site(ctx, "rrace")
    one = ctx.new_apache("rrace-a", body, loglevel="warn")
    two = ctx.new_apache("rrace-b", body, loglevel="warn")
    with one, two:
        r = start(one, "r-slow")

        def go(k):
            return submit(one if k == 0 else two, r, {"v": "v%d" % k, "buttonPressed": "next"},
                          "racer-%d" % k)

        health_times = []

        def health_while_busy():
            time.sleep(0.3)
            for _ in range(5):
                t0 = time.monotonic()
                check_status(one.get("/api/check/health"), 200)
                health_times.append(time.monotonic() - t0)

        watcher = threading.Thread(target=health_while_busy)
        watcher.start()
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            results = list(pool.map(go, range(2)))
        watcher.join()
        statuses = sorted(st for st, _ in results)
        check(statuses == [200, 409], "statuses: %r" % [(st, a) for st, a in results])
        won = [a for st, a in results if st == 200][0]
        lost = [a for st, a in results if st == 409][0]
        check(won["code"] == 1 and re.search(r"after v[01]", won["data"]["templateHtml"]),
              "the winner's page: %r" % won)
        check("retry" in lost["error"]["message"], "the loser's message: %r" % lost)
        check(max(health_times) < 1.0, "health took %r while R was busy" % health_times)
        # create 0, start 1, claim 2, save 3: one step only.
        row = session_row(ctx, datadir, "rrace", r["hash"])
        check(row[0] == "2" and row[1] == "3", "session after the race: %r" % row)
    one.audit()
    two.audit()


@test("rtest_event_mpm")
def t_rtest_event(ctx):
    """Under the event MPM one R serves all threads of a process, behind a
    mutex: eight sessions of a code test taken at once all finish with
    their own answers, and health requests to the same Apache do not wait
    for R while a slow R step holds it."""
    datadir, body = r_site(ctx, "revent")
    a = ctx.new_apache("revent", body, mpm="event", loglevel="warn")
    with a:
        slow = start(a, "r-slow")

        def take(k):
            r = start(a, "r-hello", "?name=P%d" % k)
            st, p = submit(a, r, {"answer": "a%d" % k, "buttonPressed": "next"}, "e%d-1" % k)
            check(st == 200 and "You said a%d," % k in p["data"]["templateHtml"], "page 2 of %d: %r" % (k, p))
            r["token"] = p["token"]
            st, p = submit(a, r, {"buttonPressed": "next"}, "e%d-2" % k)
            check(st == 200 and p["code"] == 1 and "Stored: a%d (1 row)" % k in p["data"]["templateHtml"],
                  "last page of %d: %r" % (k, p))
            return k

        health_times = []

        def health_while_busy():
            time.sleep(0.3)
            for _ in range(5):
                t0 = time.monotonic()
                check_status(a.get("/api/check/health"), 200)
                health_times.append(time.monotonic() - t0)

        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            slow_step = pool.submit(submit, a, slow, {"v": "x", "buttonPressed": "next"}, "slow-1")
            watcher = pool.submit(health_while_busy)
            done = list(pool.map(take, range(8)))
            watcher.result()
            st, p = slow_step.result()
        check(done == list(range(8)), "sessions finished: %r" % done)
        check(st == 200 and "after x" in p["data"]["templateHtml"], "the slow step: %d %r" % (st, p))
        check(max(health_times) < 1.0, "health took %r while R was busy" % health_times)
    a.audit()


def send_file(apache, hash_, token, name, data):
    body, headers = harness.multipart({"token": token, "file": (name, data)})
    return apache.request("POST", "/test/session/%s/upload" % hash_, body=body, headers=headers)


@test("rtest_upload_grant")
def t_rtest_upload(ctx):
    """template.show(sessionFilesAccess = TRUE) lets that page upload: the
    first page's token is refused, the second's accepted, and the token
    the upload renews (and a resume's) keeps the grant."""
    datadir, body = r_site(ctx, "rupload")
    a = ctx.new_apache("rupload", body, loglevel="warn")
    with a:
        r = start(a, "r-upload")
        status, _, raw = send_file(a, r["hash"], r["token"], "a.txt", b"one")
        check(status == 403, "upload from the first page: %d %r" % (status, raw[:200]))
        status, p = submit(a, r, {"buttonPressed": "next"}, "u1")
        check(status == 200 and p["data"].get("sessionFilesAccess") is True, "page 2: %d %r" % (status, p))
        status, _, raw = send_file(a, r["hash"], p["token"], "a.txt", b"one")
        up = json.loads(raw)
        check(status == 200 and up["result"] == 0 and up["name"] == "a.txt", "upload: %d %r" % (status, up))
        status, _, raw = send_file(a, r["hash"], up["token"], "b.txt", b"two")
        check(status == 200, "upload with the renewed token: %d %r" % (status, raw[:200]))
        status, again = answer(a, "/test/session/%s/resume" % r["hash"], {"token": up["token"]}, form=True)
        check(status == 200 and again["code"] == 16, "resume: %d %r" % (status, again))
        status, _, raw = send_file(a, r["hash"], again["token"], "c.txt", b"3")
        check(status == 200, "upload with the resume's token: %d %r" % (status, raw[:200]))
        stored = os.path.join(datadir, "files", "sessions", r["hash"])
        check(sorted(os.listdir(stored)) == ["a.txt", "b.txt", "c.txt"], "stored: %r" % os.listdir(stored))
    a.audit()


@test("rtest_r_off")
def t_rtest_r_off(ctx):
    """ConcertoR Off: an R test answers 503 with the reason; a native
    request still works."""
    datadir, body = r_site(ctx, "roff")
    body = body.replace("ConcertoR On", "ConcertoR Off")
    a = ctx.new_apache("roff", body, loglevel="warn")
    with a, a.expect_log(r"503 this server does not run R tests \(ConcertoR Off\)"):
        status, e = answer(a, "/api/runner/test/r-hello/session/start")
        check(status == 503 and "ConcertoR Off" in e["error"]["message"],
              "R test with R off: %d %r" % (status, e))
        check_status(a.get("/api/check/health"), 200)
    a.audit()


@test("rtest_package_missing")
def t_rtest_package_missing(ctx):
    """ConcertoR On but the R package is not where ConcertoRLibrary points
    (nor in R's own library): each child says so at crit level, R tests
    answer 503 with the reason, native requests still work."""
    code, _, _ = harness.run(["Rscript", "-e", "quit(status = !requireNamespace('concerto', quietly = TRUE))"])
    check(code != 0, "the R package concerto is installed in R's own library, so it cannot be "
          "missing here (remove it, or install it with -l into a directory of its own)")
    datadir, body = r_site(ctx, "rnopkg")
    empty = make_data_dir(ctx.tmp, "empty-r-lib")
    body = body.replace("ConcertoRLibrary %s" % r_library(), "ConcertoRLibrary %s" % empty)
    a = ctx.new_apache("rnopkg", body, loglevel="warn")
    a.expect_always(r"\[concerto:crit\].*the R package concerto did not load")
    with a, a.expect_log(r"503 R tests cannot run on this server"):
        line = a.wait_for_log(r"the R package concerto did not load", timeout=30)
        check(line and "there is no package called" in line, "no crit line:\n%s" % a.log_tail())
        status, e = answer(a, "/api/runner/test/r-hello/session/start")
        check(status == 503 and "the R package concerto is not loaded" in e["error"]["message"],
              "R test without the package: %d %r" % (status, e))
        check_status(a.get("/api/check/health"), 200)
    a.audit()
