#!/usr/bin/env python3
"""Integration tests of mod_concerto against a private Apache, on SQLite,
on a private PostgreSQL cluster and on a private MariaDB server.

    python3 tests/integration/run.py --build build [--db sqlite|pgsql|mysql|odbc|all]

--db all is sqlite, pgsql and mysql, or the databases named (space-separated)
in CONCERTO_TEST_DBS, e.g. CONCERTO_TEST_DBS="sqlite pgsql" for a quick run.
odbc is the PostgreSQL cluster through apr_dbd's odbc driver and psqlODBC.

Prints PASS/FAIL per test and, as the last line, "N passed, N failed".
Exit 1 when anything failed. Set CONCERTO_KEEP_TMP=1 to keep the temp dirs.
"""

import argparse
import base64
import concurrent.futures
import csv
import functools
import hashlib
import hmac
import json
import os
import re
import struct
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import (  # noqa: E402
    Apache,
    admin_error,
    Paths,
    MariaDB,
    OdbcPostgres,
    Postgres,
    check,
    check_status,
    concertoctl,
    log,
    make_data_dir,
    make_tmpdir,
    remove_tree,
    test,
)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADMIN = "admin"
PASSWORD = "Integration-Secret-42"  # CONCERTO_PASSWORD for the main database
HEALTH = "/api/check/health"
COUNT = "/api/check/session_count"
PROM = "/api/check/prometheus"
LOGIN = "/api/admin/login"
JSON_CT = {"Content-Type": "application/json"}
FORM_CT = {"Content-Type": "application/x-www-form-urlencoded"}


# ---------------------------------------------------------------------------
# Per-database context


def fixture(fn):
    """Runs fn once per context; later calls return the same result or raise
    the same error, so one broken fixture fails its dependants quickly."""

    @functools.wraps(fn)
    def wrapper(self):
        key = fn.__name__
        if key not in self._fixtures:
            try:
                self._fixtures[key] = (True, fn(self))
            except Exception as e:  # noqa: BLE001
                self._fixtures[key] = (False, e)
                raise
        ok, value = self._fixtures[key]
        if not ok:
            raise AssertionError("fixture %s failed earlier: %s"
                                 % (key, str(value).strip().splitlines()[0] if str(value).strip()
                                    else type(value).__name__))
        return value

    return wrapper


class Ctx:
    def __init__(self, db):
        self.db = db
        self._fixtures = {}
        self.server = None  # the Postgres or MariaDB instance, when not sqlite
        self.tmp = None
        self.apaches = []
        self.main_health_200 = 0  # health requests to the main instance that got 200

    # -- databases

    @property
    def pgsql(self):
        return self.db == "pgsql"

    @property
    def served(self):
        """A database server (PostgreSQL, MariaDB) rather than an SQLite file."""
        return self.db != "sqlite"

    @property
    def driver(self):
        return "sqlite3" if self.db == "sqlite" else self.db

    def db_name(self, role):
        return "concerto" if role == "main" else "concerto_" + role

    def db_args(self, datadir, role):
        """concertoctl options for a data dir (and, on pgsql, a database)."""
        args = ["-d", datadir]
        if self.served:
            args += ["--db", self.driver, "--db-params", self.server.conninfo(self.db_name(role))]
        return args

    def db_conf(self, datadir, role):
        """Apache directives pointing at the same database."""
        lines = ["ConcertoDataDir %s" % datadir]
        if self.served:
            lines.append('ConcertoDatabase %s "%s"' % (self.driver,
                                                       self.server.conninfo(self.db_name(role))))
        else:
            lines.append("ConcertoDatabase sqlite3")
        return "\n    ".join(lines)

    def sql(self, datadir, role, statement):
        if self.served:
            return self.server.sql(statement, db=self.db_name(role))
        return harness.sqlite(os.path.join(datadir, "concerto.db"), statement)

    # -- fixtures

    @fixture
    def prepare(self):
        for f in (Paths.module(), Paths.concertoctl_bin()):
            check(os.path.exists(f), "%s does not exist (run make all)" % f)
        self.tmp = make_tmpdir("concerto-it-%s-" % self.db)
        harness.register_cleanup("tmp " + self.tmp, lambda: remove_tree(self.tmp))
        self.datadir = make_data_dir(self.tmp, "data")
        self.empty_dir = make_data_dir(self.tmp, "empty")
        self.fresh_dir = make_data_dir(self.tmp, "fresh")
        self.status_dir = make_data_dir(self.tmp, "status")
        if not self.served:
            # An existing but empty SQLite file: schema version 0.
            self.emptyfile_dir = make_data_dir(self.tmp, "emptyfile")
            open(os.path.join(self.emptyfile_dir, "concerto.db"), "w").close()
            harness.chown_www(self.emptyfile_dir)
        if self.served:
            self.server = {"pgsql": Postgres, "mysql": MariaDB, "odbc": OdbcPostgres}[self.db]()
            harness.register_cleanup("%s destroy" % self.db, self.server.destroy)
            self.server.start()
            for role in ("empty", "fresh", "status"):
                self.server.create_database(self.db_name(role))
        return True

    @fixture
    def setup(self):
        self.prepare()
        code, out, err = concertoctl(self.db_args(self.datadir, "main") + ["setup", "--owner", "www-data"],
                                     env={"CONCERTO_PASSWORD": PASSWORD})
        check(code == 0, "concertoctl setup exited %d\nstdout: %s\nstderr: %s" % (code, out, err))
        return out + err

    def main_body(self):
        body = """
<Location />
    SetHandler concerto
    {main}
    ConcertoMaxBodySize 4K
</Location>
<Location /empty>
    SetHandler concerto
    {empty}
</Location>
<Location /fresh>
    SetHandler concerto
    {fresh}
</Location>
""".format(main=self.db_conf(self.datadir, "main"), empty=self.db_conf(self.empty_dir, "empty"),
           fresh=self.db_conf(self.fresh_dir, "fresh"))
        if not self.served:
            body += """
<Location /emptyfile>
    SetHandler concerto
    ConcertoDataDir {d}
    ConcertoDatabase sqlite3
</Location>
""".format(d=self.emptyfile_dir)
        if self.db in ("pgsql", "mysql"):  # DB_* give ODBC a DSN name only
            body += """
<Location /envdb>
    SetHandler concerto
    ConcertoDataDir {datadir}
    ConcertoDatabase {driver}
</Location>
""".format(datadir=self.datadir, driver=self.driver)
        return body

    @fixture
    def main_apache(self):
        self.setup()
        env = self.server.env() if self.served else {}
        a = Apache("%s-main" % self.db, self.main_body(), env=env)
        self.apaches.append(a)
        harness.register_cleanup("apache destroy " + a.name, a.destroy)
        a.start()
        return a

    def main(self):
        return self.main_apache()

    def health(self, a, method="GET"):
        resp = a.request(method, HEALTH)
        if a is self._fixtures.get("main_apache", (False, None))[1] and resp[0] == 200:
            self.main_health_200 += 1
        return resp

    def new_apache(self, name, body, **kw):
        a = Apache("%s-%s" % (self.db, name), body, **kw)
        self.apaches.append(a)
        harness.register_cleanup("apache destroy " + a.name, a.destroy)
        return a


# ---------------------------------------------------------------------------
# Helpers


def json_body(resp):
    status, headers, body = resp
    ct = headers.get("Content-Type", "")
    check(ct.startswith("application/json"), "content type %r, expected application/json; body %r"
          % (ct, body[:300]))
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError as e:
        raise AssertionError("body is not JSON (%s): %r" % (e, body[:300])) from e


def json_error(resp, status):
    """Checks {"error":{"status":N,"message":"..."}} and returns the message."""
    check_status(resp, status)
    doc = json_body(resp)
    err = doc.get("error") if isinstance(doc, dict) else None
    check(isinstance(err, dict), "no error object in %r" % doc)
    check(err.get("status") == status, "error.status %r, expected %d" % (err.get("status"), status))
    msg = err.get("message")
    check(isinstance(msg, str) and msg.strip(), "no error.message in %r" % doc)
    return msg


def readable(msg):
    """A message for a person: some words, no C-level leftovers."""
    check(len(msg) >= 8 and " " in msg.strip(), "message too terse: %r" % msg)
    for junk in ("(null)", "json_tokener", "%s", "errno"):
        check(junk not in msg, "message contains %r: %r" % (junk, msg))


def login(a, path_prefix, username, password, form=False):
    if form:
        body = urllib.parse.urlencode({"username": username, "password": password})
        return a.request("POST", path_prefix + LOGIN, body, FORM_CT)
    return a.request("POST", path_prefix + LOGIN, json.dumps({"username": username, "password": password}),
                     JSON_CT)


# Prometheus text format 0.0.4

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+(-?\d+))?$")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)')
_NUMBER = re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?Inf|NaN)$")


def parse_prometheus(text):
    """Returns (types, helps, samples[(name, labels, value)]); raises on any
    line that is not valid exposition format."""
    types, helps, samples = {}, {}, []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] == "TYPE":
                check(len(parts) == 4, "line %d: TYPE without a type: %r" % (n, line))
                check(parts[3] in ("counter", "gauge", "histogram", "summary", "untyped"),
                      "line %d: unknown type %r" % (n, parts[3]))
                check(parts[2] not in types, "line %d: second TYPE for %s" % (n, parts[2]))
                types[parts[2]] = parts[3]
            elif len(parts) >= 3 and parts[1] == "HELP":
                helps[parts[2]] = parts[3] if len(parts) > 3 else ""
            continue
        m = _SAMPLE.match(line)
        check(m, "line %d is not a sample: %r" % (n, line))
        name, labeltext, value = m.group(1), m.group(2), m.group(3)
        labels = {}
        if labeltext:
            pos = 0
            while pos < len(labeltext):
                lm = _LABEL.match(labeltext, pos)
                check(lm, "line %d: bad labels %r" % (n, labeltext))
                labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
        check(_NUMBER.match(value), "line %d: value %r is not a plain number" % (n, value))
        samples.append((name, labels, value))
    return types, helps, samples


def sample(samples, name, **labels):
    found = [v for n, lab, v in samples if n == name and all(lab.get(k) == x for k, x in labels.items())]
    check(found, "no sample %s%s" % (name, labels or ""))
    return found[0]


def check_histogram(samples, base):
    groups = {}
    for n, lab, v in samples:
        if n == base + "_bucket":
            key = tuple(sorted((k, x) for k, x in lab.items() if k != "le"))
            check("le" in lab, "bucket without le: %r" % lab)
            groups.setdefault(key, []).append((lab["le"], float(v)))
    check(groups, "no %s_bucket samples" % base)
    for key, buckets in groups.items():
        labels = dict(key)
        les = [float(le) for le, _ in buckets]
        check(les == sorted(les), "%s%s: buckets not in increasing le order: %r" % (base, labels, buckets))
        counts = [c for _, c in buckets]
        check(all(a <= b for a, b in zip(counts, counts[1:])),
              "%s%s: buckets not cumulative: %r" % (base, labels, buckets))
        check(buckets[-1][0] == "+Inf", "%s%s: last bucket is le=%r, not +Inf" % (base, labels, buckets[-1][0]))
        cnt = float(sample(samples, base + "_count", **labels))
        check(buckets[-1][1] == cnt, "%s%s: +Inf bucket %s != _count %s" % (base, labels, buckets[-1][1], cnt))
        sample(samples, base + "_sum", **labels)
    return groups


# ---------------------------------------------------------------------------
# Tests, in the order they run. Each gets the per-database context.


@test("prepare")
def t_prepare(ctx):
    ctx.prepare()


@test("concertoctl_setup")
def t_setup(ctx):
    out = ctx.setup()
    check(PASSWORD not in out and "with password:" not in out,
          "setup printed a password although CONCERTO_PASSWORD was set: %r" % out)
    for sub in ("files", "sessions", "logs"):
        p = os.path.join(ctx.datadir, sub)
        check(os.path.isdir(p), "setup did not create %s" % p)
        if harness.IS_ROOT:
            import pwd
            owner = pwd.getpwuid(os.stat(p).st_uid).pw_name
            check(owner == "www-data", "%s is owned by %s, expected www-data (--owner)" % (p, owner))
    if not ctx.served:
        check(os.path.exists(os.path.join(ctx.datadir, "concerto.db")), "no concerto.db in the data dir")


@test("configtest_good")
def t_configtest_good(ctx):
    ctx.setup()
    a = ctx.new_apache("configtest-good", ctx.main_body())
    code, out = a.configtest()
    check(code == 0 and "Syntax OK" in out, "apache2 -t exited %d: %s" % (code, out.strip()))


BAD_DIRECTIVES = [
    ("ConcertoMaxBodySize", "lots"),
    ("ConcertoMonitoring", "maybe"),
    ("ConcertoSessionIdleTime", "-5"),
    ("ConcertoSessionMaxIdle", "5"),
    ("ConcertoDatabase", "nosuchdriver"),
    ("ConcertoBaseURL", "relative/path"),
    ("ConcertoR", "maybe"),
    ("ConcertoRTimeout", "0"),
    ("ConcertoRMemoryLimit", "10"),
    ("ConcertoLoginMaxFailures", "-1"),
    ("ConcertoLoginMaxFailures", "3x"),
    ("ConcertoLoginLockout", "0"),
]


def _make_configtest_bad(directive, value):
    def t(ctx):
        ctx.prepare()
        body = "<Location />\n    SetHandler concerto\n    ConcertoDataDir %s\n    %s %s\n</Location>\n" % (
            ctx.datadir, directive, value)
        a = ctx.new_apache("configtest-bad", body)
        code, out = a.configtest()
        check(code != 0, "apache2 -t accepted `%s %s`: %s" % (directive, value, out.strip()))
        check(directive in out, "apache2 -t output does not name %s: %s" % (directive, out.strip()))
        check("Syntax error" in out, "no 'Syntax error on line N' in: %s" % out.strip())
        a.destroy()

    return t


for _d, _v in BAD_DIRECTIVES:
    test("configtest_rejects_%s_%s" % (_d, re.sub(r"\W", "_", _v).strip("_")))(_make_configtest_bad(_d, _v))


@test("start_main")
def t_start(ctx):
    a = ctx.main()
    check(a.started, "not started")


@test("health_get")
def t_health_get(ctx):
    a = ctx.main()
    status, headers, body = check_status(ctx.health(a), 200)
    check(body == b"healthy\n", "body %r, expected 'healthy\\n'" % body)
    ct = headers.get("Content-Type", "")
    check(ct.startswith("text/plain"), "content type %r" % ct)


@test("health_head")
def t_health_head(ctx):
    a = ctx.main()
    status, headers, body = check_status(ctx.health(a, "HEAD"), 200)
    check(body == b"", "HEAD returned a body: %r" % body)


@test("session_count_zero")
def t_count_zero(ctx):
    a = ctx.main()
    status, headers, body = check_status(a.get(COUNT), 200)
    check(re.fullmatch(rb"\d+", body), "body %r is not a plain integer" % body)
    check(body == b"0", "session_count %r on a fresh database, expected 0" % body)
    check(headers.get("Content-Type", "").startswith("text/plain"), "content type %r" % headers.get("Content-Type"))


@test("session_count_counts_running")
def t_count_running(ctx):
    a = ctx.main()
    now = int(time.time())
    ctx.sql(ctx.datadir, "main", "INSERT INTO test (name, slug, created, updated) VALUES ('t','t',0,0)")
    tid = "(SELECT id FROM test WHERE slug='t')"
    rows = [("run1", 0, now), ("run2", 0, now), ("done", 2, now), ("stale", 0, now - 3600)]
    for h, st, upd in rows:
        ctx.sql(ctx.datadir, "main",
                "INSERT INTO test_session (hash, test_id, status, created, updated) VALUES ('%s', %s, %d, %d, %d)"
                % (h, tid, st, upd, upd))
    status, headers, body = check_status(a.get(COUNT), 200)
    check(body == b"2", "session_count %r, expected 2 (2 running, 1 finalized, 1 stale)" % body)


@test("prometheus")
def t_prometheus(ctx):
    a = ctx.main()
    for _ in range(3):
        check_status(ctx.health(a), 200)
    made = ctx.main_health_200
    # Requests are counted in the logging phase, just after the answer went
    # out: give the last one a moment to land.
    deadline = time.monotonic() + 3
    while True:
        status, headers, body = check_status(a.get(PROM), 200)
        counted = re.search(rb'^concerto_http_requests_total\{endpoint="check_health",code="200"\} (\S+)$',
                            body, re.M)
        if (counted and float(counted.group(1)) >= made) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    ct = headers.get("Content-Type", "")
    check(ct.startswith("text/plain"), "content type %r" % ct)
    check("version=0.0.4" in ct, "content type %r lacks version=0.0.4" % ct)
    text = body.decode("utf-8")
    code, out, err = harness.run(["/usr/bin/promtool", "check", "metrics"], input=text)
    # Exit 3 is "lint problems". The gauge's name session_count is fixed by
    # the interface (Concerto's own monitoring reads it), so promtool's naming
    # lint about its "_count" suffix is the one problem tolerated.
    problems = [ln for ln in (out + err).splitlines() if ln.strip()]
    tolerated = [ln for ln in problems if ln.startswith("session_count ") and '"_count" suffix' in ln]
    check(code == 0 or (code == 3 and problems and len(tolerated) == len(problems)),
          "promtool check metrics exited %d: %s%s\n--- body ---\n%s" % (code, out, err, text))
    types, helps, samples = parse_prometheus(text)
    for g in ("session_count", "health"):
        check(types.get(g) == "gauge", "%s has TYPE %r, expected gauge" % (g, types.get(g)))
    sc = sample(samples, "session_count")
    check(re.fullmatch(r"\d+", sc), "session_count value %r is not a plain integer" % sc)
    check(sample(samples, "health") in ("1", "1.0"), "health %r, expected 1" % sample(samples, "health"))
    check(types.get("concerto_http_requests_total") == "counter",
          "concerto_http_requests_total TYPE %r" % types.get("concerto_http_requests_total"))
    hc = float(sample(samples, "concerto_http_requests_total", endpoint="check_health", code="200"))
    check(hc >= made, "concerto_http_requests_total{check_health,200} = %s, but %d were made" % (hc, made))
    check(types.get("concerto_http_request_duration_seconds") == "histogram",
          "duration TYPE %r" % types.get("concerto_http_request_duration_seconds"))
    groups = check_histogram(samples, "concerto_http_request_duration_seconds")
    check(any(dict(k).get("endpoint") == "check_health" for k in groups), "no histogram for check_health")
    for name in ("concerto_db_errors_total", "concerto_schema_version", "concerto_schema_expected_version",
                 "concerto_start_time_seconds"):
        sample(samples, name)
    check(sample(samples, "concerto_schema_version") == sample(samples, "concerto_schema_expected_version"),
          "schema version differs from the expected one on a set-up database")
    check(float(sample(samples, "concerto_start_time_seconds")) > 1.6e9, "start time implausible")
    bi = [lab for n, lab, v in samples if n == "concerto_build_info"]
    check(bi and bi[0].get("version"), "concerto_build_info without a version label")
    # session_count equals the endpoint
    s2, h2, b2 = check_status(a.get(COUNT), 200)
    check(b2.decode() == sc, "prometheus session_count %s differs from the endpoint's %r" % (sc, b2))


@test("not_found_api_json")
def t_404_api(ctx):
    a = ctx.main()
    msg = json_error(a.get("/api/no/such/thing"), 404)
    readable(msg)


@test("not_found_html")
def t_404_html(ctx):
    a = ctx.main()
    status, headers, body = check_status(a.get("/no-such-page"), 404)
    ct = headers.get("Content-Type", "")
    check(ct.startswith("text/html"), "content type %r outside /api/, expected text/html" % ct)


@test("method_not_allowed")
def t_405(ctx):
    a = ctx.main()
    resp = a.request("POST", HEALTH, b"", JSON_CT)
    json_error(resp, 405)
    allow = resp[1].get("Allow", "")
    check("GET" in allow, "Allow header %r lacks GET" % allow)


@test("login_right_json")
def t_login_json(ctx):
    a = ctx.main()
    resp = check_status(login(a, "", ADMIN, PASSWORD), 200)
    doc = json_body(resp)
    check(doc.get("username") == ADMIN, "login answer %r, expected username admin" % doc)


@test("login_right_form")
def t_login_form(ctx):
    a = ctx.main()
    resp = check_status(login(a, "", ADMIN, PASSWORD, form=True), 200)
    check(json_body(resp).get("username") == ADMIN, "login answer %r" % resp[2])


@test("login_body_too_large")
def t_login_413(ctx):
    a = ctx.main()
    body = json.dumps({"username": ADMIN, "password": "x" * 8192})
    admin_error(a.request("POST", LOGIN, body, JSON_CT), 413)


@test("login_body_too_large_chunked")
def t_login_413_chunked(ctx):
    import http.client

    a = ctx.main()
    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=harness.T_HTTP)
    try:
        chunks = [b'{"username":"admin","password":"'] + [b"y" * 1024] * 8 + [b'"}']
        conn.request("POST", LOGIN, body=iter(chunks), headers=JSON_CT, encode_chunked=True)
        r = conn.getresponse()
        data = r.read()
        check(r.status == 413, "chunked body over ConcertoMaxBodySize: status %d, expected 413; body %r"
              % (r.status, data[:200]))
    finally:
        conn.close()


@test("login_malformed_json")
def t_login_bad_json(ctx):
    a = ctx.main()
    msg = admin_error(a.request("POST", LOGIN, '{"username":', JSON_CT), 400)
    readable(msg)


@test("login_missing_password")
def t_login_missing(ctx):
    a = ctx.main()
    msg = admin_error(a.request("POST", LOGIN, json.dumps({"username": ADMIN}), JSON_CT), 400)
    readable(msg)


@test("login_wrong_password")
def t_login_wrong(ctx):
    a = ctx.main()
    admin_error(login(a, "", ADMIN, PASSWORD + "-wrong"), 401)


@test("login_lockout")
def t_login_lockout(ctx):
    """Concerto's lockout: ConcertoLoginMaxFailures wrong passwords in a
    row lock the account for ConcertoLoginLockout seconds (429 with
    Retry-After, even for the right password), then it opens again; a right
    password ends a streak; an unknown user is never reported locked."""
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, "lockout")
    if ctx.served:
        ctx.server.create_database(ctx.db_name("lockout"))
    code, out, err = concertoctl(ctx.db_args(datadir, "lockout") + ["setup", "--owner", "www-data"],
                                 env={"CONCERTO_PASSWORD": PASSWORD})
    check(code == 0, "setup exited %d: %s%s" % (code, out, err))
    harness.chown_www(datadir)
    body = ("<Location />\n    SetHandler concerto\n    %s\n    ConcertoLoginMaxFailures 3\n"
            "    ConcertoLoginLockout 3\n</Location>\n" % ctx.db_conf(datadir, "lockout"))
    a = ctx.new_apache("lockout", body, loglevel="warn")
    with a:
        wrong = PASSWORD + "-wrong"
        admin_error(login(a, "", ADMIN, wrong), 401)
        admin_error(login(a, "", ADMIN, wrong), 401)
        check_status(login(a, "", ADMIN, PASSWORD), 200)  # ends the streak
        for _ in range(3):
            admin_error(login(a, "", ADMIN, wrong), 401)
        resp = login(a, "", ADMIN, PASSWORD)
        msg = admin_error(resp, 429)
        check("locked" in msg and resp[1].get("Retry-After", "").isdigit(),
              "locked answer: %r %r" % (msg, resp[1]))
        for _ in range(4):
            admin_error(login(a, "", "nobody", wrong), 401)
        time.sleep(3.2)
        check_status(login(a, "", ADMIN, PASSWORD), 200)
    a.audit()


@test("login_unsupported_type")
def t_login_415(ctx):
    a = ctx.main()
    body = "<login><username>admin</username></login>"
    admin_error(a.request("POST", LOGIN, body, {"Content-Type": "text/xml"}), 415)


@test("health_data_dir_not_writable")
def t_health_datadir(ctx):
    if not harness.IS_ROOT:
        raise AssertionError("needs root (chown of the data dir)")
    a = ctx.main()
    d = ctx.datadir
    st = os.stat(d)
    with a.expect_log(r"\[concerto:error\]") as start:
        try:
            os.chown(d, 0, 0)
            os.chmod(d, 0o555)
            status, headers, body = check_status(a.get(HEALTH), 500, "health with a read-only data dir")
            check(body == b"unhealthy\n", "body %r, expected 'unhealthy\\n'" % body)
            line = a.wait_for_log(r"\[concerto:error\].*(?i:data.?dir|data directory|%s)" % re.escape(d),
                                  start=start)
            check(line, "no [concerto:error] line naming the data directory:\n" + a.log_tail(start))
        finally:
            os.chown(d, st.st_uid, st.st_gid)
            os.chmod(d, st.st_mode & 0o7777)
    for _ in range(4):
        check_status(ctx.health(a), 200, "health after restoring the data dir")


@test("schema_behind_then_setup")
def t_schema_behind(ctx):
    a = ctx.main()
    with a.expect_log(r"\[concerto:error\]") as start:
        resp = a.get("/empty" + COUNT)
        msg = json_error(resp, 503)
        check("concertoctl" in msg and "setup" in msg, "503 message does not say to run concertoctl setup: %r" % msg)
        status, headers, body = check_status(a.get("/empty" + HEALTH), 500, "health on an empty database")
        line = a.wait_for_log(r"concertoctl setup", start=start)
        check(line, "the error log does not say to run concertoctl setup:\n" + a.log_tail(start))
        if not ctx.served:
            # An empty concerto.db file, as opposed to none at all.
            msg = json_error(a.get("/emptyfile" + COUNT), 503)
            check("concertoctl" in msg and "setup" in msg,
                  "503 message (empty SQLite file) does not say to run concertoctl setup: %r" % msg)
            check_status(a.get("/emptyfile" + HEALTH), 500, "health on an empty SQLite file")
    code, out, err = concertoctl(ctx.db_args(ctx.empty_dir, "empty") + ["setup", "--owner", "www-data"],
                                 env={"CONCERTO_PASSWORD": PASSWORD})
    check(code == 0, "concertoctl setup on the empty database exited %d: %s%s" % (code, out, err))
    # Several requests, so that every child sees the new schema.
    for i in range(8):
        check_status(a.get("/empty" + HEALTH), 200, "health #%d after setup (no restart)" % i)
        status, headers, body = check_status(a.get("/empty" + COUNT), 200, "session_count after setup")
        check(body == b"0", "session_count %r after setup" % body)


@test("concertoctl_setup_idempotent")
def t_setup_twice(ctx):
    a = ctx.main()
    users = ctx.sql(ctx.datadir, "main", "SELECT COUNT(*) FROM concerto_user").strip()
    code, out, err = concertoctl(ctx.db_args(ctx.datadir, "main") + ["setup", "--owner", "www-data"])
    check(code == 0, "second setup exited %d: %s%s" % (code, out, err))
    check("password" not in (out + err).lower(), "second setup printed a password: %r" % (out + err))
    check("created" not in out.lower(), "second setup says it created something: %r" % out)
    users2 = ctx.sql(ctx.datadir, "main", "SELECT COUNT(*) FROM concerto_user").strip()
    check(users == users2 == "1", "users before/after the second setup: %s/%s, expected 1/1" % (users, users2))
    check_status(login(a, "", ADMIN, PASSWORD), 200, "login with the first password after a second setup")


@test("concertoctl_setup_after_failed_migration")
def t_setup_failed_migration(ctx):
    """A migration that fails half-way leaves nothing of itself behind, also
    where DDL commits by itself (MariaDB: the runner drops what it made),
    so setup succeeds once the obstacle is gone."""
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, "halfway")
    if ctx.served:
        ctx.server.create_database(ctx.db_name("halfway"))
    # A table in the way of 0001's second CREATE TABLE (role).
    ctx.sql(datadir, "halfway", "CREATE TABLE role (x INTEGER)")
    args = ctx.db_args(datadir, "halfway") + ["setup", "--owner", "www-data"]
    code, out, err = concertoctl(args, env={"CONCERTO_PASSWORD": PASSWORD})
    check(code != 0 and "0001_initial" in err, "setup with a table in the way exited %d: %s%s"
          % (code, out, err))
    left = ctx.sql(datadir, "halfway", "SELECT COUNT(*) FROM concerto_schema").strip()
    check(left == "0", "concerto_schema has %s rows after the failed migration" % left)
    try:
        ctx.sql(datadir, "halfway", "SELECT COUNT(*) FROM concerto_user")
        check(False, "concerto_user (made before the failure) is still there")
    except AssertionError as e:
        check("still there" not in str(e), str(e))
    ctx.sql(datadir, "halfway", "DROP TABLE role")
    code, out, err = concertoctl(args, env={"CONCERTO_PASSWORD": PASSWORD})
    check(code == 0, "setup once the table is gone exited %d: %s%s" % (code, out, err))


@test("concertoctl_setup_generates_password")
def t_setup_generated(ctx):
    a = ctx.main()
    code, out, err = concertoctl(ctx.db_args(ctx.fresh_dir, "fresh") + ["setup", "--owner", "www-data"])
    check(code == 0, "setup exited %d: %s%s" % (code, out, err))
    lines = [m for m in re.finditer(r'^concertoctl: created user "admin" with password: (\S+)$', out, re.M)]
    check(len(lines) == 1, "expected exactly one 'created user \"admin\" with password:' line on stdout, got "
          "%d:\nstdout: %s\nstderr: %s" % (len(lines), out, err))
    pw = lines[0].group(1)
    check((out + err).count(pw) == 1, "the generated password appears more than once in the output")
    check_status(login(a, "/fresh", ADMIN, pw), 200, "login with the generated password")
    code, out2, err2 = concertoctl(ctx.db_args(ctx.fresh_dir, "fresh") + ["setup", "--owner", "www-data"])
    check(code == 0 and "password" not in (out2 + err2).lower(),
          "setup again exited %d / printed %r" % (code, out2 + err2))


@test("concertoctl_status")
def t_status(ctx):
    ctx.setup()
    code, out, err = concertoctl(ctx.db_args(ctx.datadir, "main") + ["status"])
    check(code == 0, "status on a current database exited %d, expected 0: %s%s" % (code, out, err))
    check("schema version" in out, "status output lacks 'schema version': %r" % out)
    code, out, err = concertoctl(ctx.db_args(ctx.status_dir, "status") + ["status"])
    check(code == 3, "status on an empty database exited %d, expected 3: %s%s" % (code, out, err))
    if ctx.pgsql:
        bad = ["-d", ctx.status_dir, "--db", "pgsql", "--db-params",
               "host=127.0.0.1 port=%d dbname=x user=x password=x connect_timeout=5" % harness.free_port()]
    elif ctx.db == "mysql":
        bad = ["-d", ctx.status_dir, "--db", ctx.driver, "--db-params",
               "host=127.0.0.1,port=%d,dbname=x,user=x,pass=x" % harness.free_port()]
    elif ctx.served:
        bad = ["-d", ctx.status_dir, "--db", ctx.driver, "--db-params",
               "connect='Driver=%s;Server=127.0.0.1;Port=%d;Database=x;Uid=x;Pwd=x'"
               % (ctx.server.odbc_driver, harness.free_port())]
    else:
        bad = ["-d", "/nonexistent/concerto/data"]
    code, out, err = concertoctl(bad + ["status"])
    check(code == 1, "status on an unreachable database exited %d, expected 1: %s%s" % (code, out, err))
    if ctx.db == "odbc":
        # apr_dbd_odbc writes its own "[date] [dbd_odbc] ..." lines to stderr
        # when a connection fails, before concertoctl's message.
        err = err[err.find("\nconcertoctl: ") + 1:] if "[dbd_odbc]" in err else err
    check(err.startswith("concertoctl: "), "error message not on stderr as 'concertoctl: ...': %r" % err)


@test("concertoctl_bad_usage")
def t_usage(ctx):
    ctx.prepare()
    for args in ([], ["no-such-command"], ["--no-such-option", "status"], ["-d"], ["passwd"]):
        code, out, err = concertoctl(["-d", ctx.status_dir] + args if args != ["-d"] else args)
        check(code == 2, "concertoctl %s exited %d, expected 2 (usage): %s%s" % (" ".join(args), code, out, err))
        check(err.strip(), "concertoctl %s: no usage message on stderr" % " ".join(args))
    code, out, err = concertoctl(["version"])
    check(code == 0 and out.strip(), "concertoctl version exited %d: %r" % (code, out))


@test("debug_line_per_request")
def t_debug(ctx):
    a = ctx.main()
    start = a.log_size()
    for _ in range(3):
        check_status(ctx.health(a), 200)
    time.sleep(0.5)
    lines = [ln for ln in a.error_log_lines(start)
             if "[concerto:debug]" in ln and ("check_health" in ln or HEALTH in ln)]
    check(len(lines) >= 3, "%d [concerto:debug] lines naming the route for 3 requests:\n%s"
          % (len(lines), a.log_tail(start)))


@test("concertoctl_setup_starter")
def t_setup_starter(ctx):
    """`concertoctl setup --starter conf/starter` (what make run does): the
    demo-cat item bank, the questionnaire, templates and tests; loading
    again adds nothing and keeps what is there."""
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, "starter")
    if ctx.served:
        ctx.server.create_database(ctx.db_name("starter"))
    args = ctx.db_args(datadir, "starter")
    starter = os.path.join(REPO, "conf", "starter")
    code, out, err = concertoctl(args + ["setup", "--starter", starter],
                                 env={"CONCERTO_PASSWORD": PASSWORD})
    check(code == 0 and "6 tables (178 rows), 9 templates, 7 tests added" in out,
          "setup --starter exited %d: %s%s" % (code, out, err))
    n = ctx.sql(datadir, "starter", "SELECT COUNT(*) FROM demo_cat_items").strip()
    check(n == "169", "demo_cat_items has %s rows, expected 169" % n)
    got = ctx.sql(datadir, "starter", "SELECT type FROM test WHERE slug = 'demo-cat'").strip()
    check(got == "3", "demo-cat has type %r, expected 3 (native assessment)" % got)
    # The R flow r-cat with its nodes, ports and connections (same rows on every database).
    got = ctx.sql(datadir, "starter",
                  "SELECT COUNT(*) FROM test_node_port p JOIN test_node n ON n.id = p.node_id "
                  "JOIN test f ON f.id = n.flow_test_id WHERE f.slug = 'r-cat' AND f.type = 2 "
                  "AND p.pointer = 1").strip()
    check(got == "22", "r-cat has %r pointer ports, expected 22" % got)
    got = ctx.sql(datadir, "starter",
                  "SELECT DISTINCT return_function FROM test_node_connection "
                  "WHERE default_return_function = 0").strip()
    check(got == "length(itemIds)", "r-cat's data connections: %r" % got)
    code, out, err = concertoctl(args + ["setup", "--starter", starter])
    check(code == 0 and "0 tables (0 rows), 0 templates, 0 tests added; 22 already there" in out,
          "second setup --starter exited %d: %s%s" % (code, out, err))
    code, out, err = concertoctl(args + ["setup", "--starter", os.path.join(ctx.tmp, "nowhere")])
    check(code == 1 and "tests.json" in err, "a missing starter directory: %d %s" % (code, err))


@test("concertoctl_table_import_export")
def t_table_csv(ctx):
    """Data tables through concertoctl: a CSV with every quoting case into
    an assessmentItems table and out again byte for byte; a bad line names
    itself and changes nothing; camelCase columns survive on PostgreSQL."""
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, "tables")
    if ctx.served:
        ctx.server.create_database(ctx.db_name("tables"))
    args = ctx.db_args(datadir, "tables")
    code, out, err = concertoctl(args + ["setup"], env={"CONCERTO_PASSWORD": PASSWORD})
    check(code == 0, "setup for the table test exited %d: %s%s" % (code, out, err))
    csv = ("id,fixedIndex,trait,question,responseOptions,p1,p2,p3,p4,skippable,instructions,itemSet\n"
           '1,,num,"What is 2+2, roughly?","{""type"":""options""}",1.2,-0.5,0,1,0,,A\n'
           '2,3,"x,y","two\nlines",[],1,2,0.25,1,1,"say ""hi""",\n'
           '7,,,"",{},0.1,1e+20,,,,"",B\n')
    src, dst = os.path.join(ctx.tmp, "items.csv"), os.path.join(ctx.tmp, "items-out.csv")
    with open(src, "w", newline="") as f:
        f.write(csv)
    code, out, err = concertoctl(args + ["table", "import", "assessmentItems", src, "--create", "items"])
    check(code == 0 and 'imported 3 rows into "assessmentItems"' in out,
          "table import exited %d: %s%s" % (code, out, err))
    got = ctx.sql(datadir, "tables", 'SELECT "fixedIndex" FROM "assessmentItems" WHERE id = 2').strip()
    check(got == "3", 'SELECT "fixedIndex" ... WHERE id = 2 gave %r, expected 3' % got)
    code, out, err = concertoctl(args + ["table", "export", "assessmentItems", dst])
    check(code == 0, "table export exited %d: %s%s" % (code, out, err))
    with open(dst, "rb") as f:
        exported = f.read()
    check(exported == csv.encode(), "export differs from the import:\n%r\n%r" % (exported, csv))
    code, out, err = concertoctl(args + ["table", "export", "assessmentItems", "-"])
    check(code == 0 and out == csv, "export to stdout exited %d: %r" % (code, out))
    # A bad value on line 3: a message naming it, and nothing imported.
    bad = os.path.join(ctx.tmp, "bad.csv")
    with open(bad, "w") as f:
        f.write("question,responseOptions,p2\nq1,{},0.5\nq2,{},abc\n")
    code, out, err = concertoctl(args + ["table", "import", "assessmentItems", bad])
    check(code == 1 and 'line 3, column p2: "abc" is not a number' in err and "nothing" in err,
          "bad import exited %d: %s%s" % (code, out, err))
    n = ctx.sql(datadir, "tables", 'SELECT COUNT(*) FROM "assessmentItems"').strip()
    check(n == "3", "%s rows after a failed import, expected 3" % n)
    # Automatic ids continue after the imported ones (PostgreSQL's sequence).
    with open(bad, "w") as f:
        f.write("question,responseOptions\nnew,{}\n")
    code, out, err = concertoctl(args + ["table", "import", "assessmentItems", bad])
    check(code == 0, "second import exited %d: %s%s" % (code, out, err))
    code, out, err = concertoctl(args + ["table", "export", "assessmentItems"])
    # (ids after 7; PostgreSQL may skip the ones the failed import took)
    last = re.search(r"\n(\d+),,,new,\{\},,,,,,,\n$", out) if code == 0 else None
    check(last and int(last.group(1)) > 7, "export after adding a row: %r" % out)
    code, out, err = concertoctl(args + ["table", "list"])
    check(code == 0 and re.search(r"^assessmentItems\t12 columns\t4 rows$", out, re.M),
          "table list: %r" % out)
    code, out, err = concertoctl(args + ["table", "import", "assessmentItems"])
    check(code == 2, "table import without a file exited %d, expected 2" % code)


@test("server_params_from_environment", only={"pgsql", "mysql"})
def t_env_params(ctx):
    a = ctx.main()
    status, headers, body = check_status(a.get("/envdb" + HEALTH), 200,
                                         "ConcertoDatabase %s without params, DB_* in the environment"
                                         % ctx.driver)
    check_status(a.get("/envdb" + COUNT), 200)


@test("main_error_log_audit")
def t_audit_main(ctx):
    a = ctx.main()
    a.stop()
    a.audit()


@test("htaccess")
def t_htaccess(ctx):
    ctx.setup()
    body = """
{db}
<Directory "{htdocs}">
    AllowOverride FileInfo
</Directory>
"""
    a = ctx.new_apache("htaccess", "")
    a.body = body.format(db=ctx.db_conf(ctx.datadir, "main"), htdocs=a.htdocs)
    a.write_conf()
    files = {
        "on": "SetHandler concerto\nConcertoBaseURL /on\n",
        # No ConcertoBaseURL: with a Concerto directive in it, the prefix
        # comes from the .htaccess file's own directory.
        "auto": "SetHandler concerto\nConcertoSessionIdleTime 600\n",
        "off": "SetHandler concerto\nConcertoBaseURL /off\nConcertoMonitoring Off\n",
        "bad": "SetHandler concerto\nConcertoDataDir /tmp\n",
        # SetHandler alone: the module gets no configuration of this
        # directory; the routes are found in the URI.
        "alone": "SetHandler concerto\n",
    }
    for sub, text in files.items():
        os.makedirs(os.path.join(a.htdocs, sub), mode=0o755)
        with open(os.path.join(a.htdocs, sub, ".htaccess"), "w") as f:
            f.write(text)
        os.chmod(os.path.join(a.htdocs, sub, ".htaccess"), 0o644)
    with a:
        check_status(a.get("/on" + HEALTH), 200, ".htaccess with SetHandler concerto")
        check_status(a.get("/alone" + HEALTH), 200, ".htaccess with SetHandler concerto alone")
        json_error(a.get("/alone/api/nothing"), 404)
        check_status(a.get("/auto" + HEALTH), 200, ".htaccess without ConcertoBaseURL")
        check_status(a.get("/auto" + COUNT), 200, ".htaccess without ConcertoBaseURL")
        json_error(a.get("/auto/api/nothing"), 404)
        resp = a.get("/off" + HEALTH)
        msg = json_error(resp, 403)
        check("disabled" in msg.lower(), "403 message %r does not say the API is disabled" % msg)
        json_error(a.get("/off" + COUNT), 403)
        with a.expect_log(r"not allowed here") as start:
            check_status(a.get("/bad" + HEALTH), 500, ".htaccess with ConcertoDataDir")
            line = a.wait_for_log(r"ConcertoDataDir not allowed here", start=start)
            check(line, "the log does not say ConcertoDataDir is not allowed here:\n" + a.log_tail(start))
    a.audit()


def post_json_answer(apache, path, body, headers):
    """POSTs body (text) and returns (status, parsed JSON answer)."""
    status, _, raw = apache.request("POST", path, body=body, headers=headers)
    try:
        return status, json.loads(raw)
    except ValueError:
        raise AssertionError("%s answered %d with no JSON: %r" % (path, status, raw[:200]))


def runner_post(apache, path, body):
    return post_json_answer(apache, path, json.dumps(body), JSON_CT)


def starter_site(ctx, role):
    """A fresh database with the starter content (setup --starter, as make
    run does) and the Apache directives of a site serving it at /."""
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, role)
    if ctx.served:
        ctx.server.create_database(ctx.db_name(role))
    args = ctx.db_args(datadir, role)
    code, out, err = concertoctl(args + ["setup", "--owner", "www-data", "--starter",
                                         os.path.join(REPO, "conf", "starter")],
                                 env={"CONCERTO_PASSWORD": PASSWORD})
    check(code == 0, "setup --starter exited %d: %s%s" % (code, out, err))
    return datadir, "<Location />\n    SetHandler concerto\n    %s\n</Location>\n" % ctx.db_conf(datadir, role)


@test("runner_json_api_two_servers")
def t_runner_api(ctx):
    """The runner's JSON API on demo-cat: a session started on one Apache is
    finished through another sharing the database, every answer lands in
    the response table with theta and SEM, a repeated submit changes
    nothing, and bad requests get readable refusals."""
    datadir, body = starter_site(ctx, "runner")
    one = ctx.new_apache("runner-a", body, loglevel="warn")
    two = ctx.new_apache("runner-b", body, loglevel="warn")
    with one, two:
        status, r = runner_post(one, "/api/runner/test/demo-cat/session/start", {})
        check(status == 200 and r["code"] == 0, "start: %d %r" % (status, r))
        hash_, token = r["hash"], r["token"]
        items = r["data"]["templateParams"]["items"]
        check(len(items) == 1 and "options" in items[0]["responseOptions"]
              and "scoreMap" not in json.dumps(items), "start page items: %r" % items)
        html = r["data"]["templateHtml"]
        check('name="r%d"' % items[0]["id"] in html and "{{" not in html
              and ".cc" in r["data"]["templateCss"], "first page HTML: %r" % html[:300])
        # No answer: the same page again with the test's alert, nothing stored.
        status, again = runner_post(two, "/api/runner/test/session/%s/submit" % hash_,
                                    {"values": {"buttonPressed": "next"}, "token": token})
        check(status == 200 and again["code"] == 0
              and again["data"]["templateParams"]["items"] == items
              and "Please choose an answer" in again["data"]["templateHtml"],
              "missing answer: %d %r" % (status, again))
        token = again["token"]
        n = 0
        while r["code"] == 0:
            check(n < 25, "demo-cat did not finish within 25 items")
            server = two if n % 2 else one
            item = r["data"]["templateParams"]["items"][0]["id"]
            req = {"values": {"r%d" % item: "1", "buttonPressed": "next"}, "token": token,
                   "submitId": "submit-%d" % n}
            status, nxt = runner_post(server, "/api/runner/test/session/%s/submit" % hash_, req)
            check(status == 200, "submit %d: %d %r" % (n, status, nxt))
            if n == 3:  # the same submit again, on the other server: the same answer
                status, again = runner_post(one if n % 2 else two,
                                            "/api/runner/test/session/%s/submit" % hash_, req)
                check(status == 200 and again == nxt, "repeated submit: %d %r" % (status, again))
            r, token = nxt, nxt["token"]
            n += 1
        params = r["data"]["templateParams"]
        check(r["code"] == 1 and params["stopReason"] in ("minAccuracy", "maxItems")
              and len(params["thetaHistory"]) == n, "final answer: %r" % params)
        html = r["data"]["templateHtml"]
        check("cc-results" in html and html.count("<circle") == n and 'role="img"' in html,
              "results page: %r" % html[:300])
        rows = ctx.sql(datadir, "runner", "SELECT COUNT(*) FROM demo_cat_responses").strip()
        check(rows == str(n), "%s response rows for %d answers" % (rows, n))
        sem = ctx.sql(datadir, "runner",
                      "SELECT COUNT(*) FROM demo_cat_responses WHERE sem > 0 AND sem < 10").strip()
        check(sem == str(n), "rows with a SEM: %s of %d" % (sem, n))
        status, e = runner_post(one, "/api/runner/test/session/%s/submit" % hash_,
                                {"values": {}, "token": token})
        check(status == 409 and e["code"] == 14 and "ended" in e["error"]["message"],
              "submit after the end: %d %r" % (status, e))
        status, e = runner_post(one, "/api/runner/test/session/%s/submit" % hash_,
                                {"values": {}, "token": "forged"})
        check(status == 403 and e["code"] == 14, "forged token: %d %r" % (status, e))
        status, e = runner_post(one, "/api/runner/test/nosuch/session/start", {})
        check(status == 404 and e["code"] == 13, "unknown test: %d %r" % (status, e))
        # A new session: a value that is not an option, and values that are not an object.
        status, r = runner_post(two, "/api/runner/test/demo-cat/session/start", {})
        item = r["data"]["templateParams"]["items"][0]["id"]
        path = "/api/runner/test/session/%s/submit" % r["hash"]
        status, e = runner_post(one, path, {"values": {"r%d" % item: "9"}, "token": r["token"]})
        check(status == 400 and "not one of the answers" in e["error"]["message"],
              "bad option: %d %r" % (status, e))
        status, e = runner_post(one, path, {"values": [1, 2], "token": r["token"]})
        check(status == 400 and "values" in e["error"]["message"], "values as an array: %d %r" % (status, e))
    one.audit()
    two.audit()


@test("runner_racing_submits")
def t_runner_race(ctx):
    """Eight answers to the same page of one session at once, half on each of
    two Apache servers sharing the database: the session advances exactly
    once, one response row is stored, and every request gets an answer
    (200, or 409 asking for a retry). Then eight copies of one submit (same
    submitId) at once: all get the same answer, and the session advances
    once more."""
    datadir, body = starter_site(ctx, "race")
    one = ctx.new_apache("race-a", body, loglevel="warn")
    two = ctx.new_apache("race-b", body, loglevel="warn")
    with one, two:
        status, r = runner_post(one, "/api/runner/test/demo-cat/session/start", {})
        check(status == 200, "start: %d %r" % (status, r))
        hash_, token = r["hash"], r["token"]
        path = "/api/runner/test/session/%s/submit" % hash_

        def answer(k, item, submit_id):
            req = {"values": {"r%d" % item: str(1 + k % 4), "buttonPressed": "next"},
                   "token": token, "submitId": submit_id}
            return runner_post(two if k % 2 else one, path, req)

        for round_, same_id in ((1, False), (2, True)):
            item = r["data"]["templateParams"]["items"][0]["id"]
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                results = list(pool.map(
                    lambda k: answer(k, item, "same" if same_id else "racer-%d" % k), range(8)))
            statuses = sorted(st for st, _ in results)
            check(set(statuses) <= {200, 409} and 200 in statuses,
                  "round %d statuses: %r" % (round_, statuses))
            version = ctx.sql(datadir, "race",
                              "SELECT version FROM test_session WHERE hash = '%s'" % hash_).strip()
            check(version == str(round_), "round %d: session version %s" % (round_, version))
            rows = ctx.sql(datadir, "race", "SELECT COUNT(*) FROM demo_cat_responses").strip()
            check(rows == str(round_), "round %d: %s response rows" % (round_, rows))
            advanced = [a for st, a in results
                        if st == 200 and a["data"]["templateParams"]["answered"] == round_]
            check(advanced, "round %d: no answer shows the next page" % round_)
            if same_id:
                check(all(st == 200 and a == advanced[0] for st, a in results),
                      "the same submit got different answers: %r" % [st for st, _ in results])
            r, token = advanced[0], advanced[0]["token"]
    one.audit()
    two.audit()


def signed_token(secret_hex, session_hash, issued, lifetime, purpose="runner"):
    """A runner token made here from the stored secret, in the format
    core/token.h documents, so that its times can be chosen."""
    def b64(raw):
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    key = hmac.new(bytes.fromhex(secret_hex), b"concerto token v1", hashlib.sha256).digest()
    payload = (struct.pack(">BBqI", 1, 0, issued, lifetime)
               + bytes([len(session_hash)]) + session_hash.encode()
               + bytes([len(purpose)]) + purpose.encode())
    text = b64(payload)
    return text + "." + b64(hmac.new(key, text.encode(), hashlib.sha256).digest())


@test("runner_token_expiry_over_http")
def t_runner_token_expiry(ctx):
    """Tokens over HTTP: one made with the stored secret and a current time
    is accepted (so the format is right), the same made three hours ago
    with a two-hour lifetime is refused with 403 and code 14, and so is a
    good token of another session; an unknown session hash answers code 14
    too, on the JSON API and on the participant's resume."""
    datadir, body = starter_site(ctx, "expiry")
    a = ctx.new_apache("runner-expiry", body, loglevel="warn")
    with a:
        secret = ctx.sql(datadir, "expiry",
                         "SELECT svalue FROM administration_setting WHERE skey = 'secret'").strip()
        check(len(secret) >= 32, "no signing secret in the database: %r" % secret)
        status, r = runner_post(a, "/api/runner/test/demo-cat/session/start", {})
        status2, other = runner_post(a, "/api/runner/test/demo-cat/session/start", {})
        check(status == 200 and status2 == 200, "start: %d %d" % (status, status2))
        hash_ = r["hash"]
        path = "/api/runner/test/session/%s/submit" % hash_
        now = int(time.time())
        status, e = form_post(a, "/test/session/%s/resume" % hash_,
                              {"token": signed_token(secret, hash_, now - 3 * 3600, 7200)})
        check(status == 403 and e["code"] == 14 and "expired" in e["error"]["message"],
              "an expired token: %d %r" % (status, e))
        status, e = form_post(a, "/test/session/%s/resume" % hash_, {"token": other["token"]})
        check(status == 403 and e["code"] == 14, "another session's token: %d %r" % (status, e))
        status, ok = form_post(a, "/test/session/%s/resume" % hash_,
                               {"token": signed_token(secret, hash_, now - 60, 7200)})
        check(status == 200 and ok["code"] == 16, "a current token made here: %d %r" % (status, ok))
        item = r["data"]["templateParams"]["items"][0]["id"]
        status, e = runner_post(a, path, {"values": {"r%d" % item: "1"},
                                          "token": signed_token(secret, hash_, now - 7300, 7200)})
        check(status == 403 and e["code"] == 14, "submit with an expired token: %d %r" % (status, e))
        unknown = "0" * 40
        status, e = form_post(a, "/test/session/%s/resume" % unknown,
                              {"token": signed_token(secret, unknown, now, 7200)})
        check(status in (404, 410) and e["code"] == 14, "an unknown session: %d %r" % (status, e))
        rows = ctx.sql(datadir, "expiry", "SELECT COUNT(*) FROM demo_cat_responses").strip()
        check(rows == "0", "%s response rows after refused submits" % rows)
    a.audit()


def _answer_demo_cat(apache, r, submit_id):
    """Submits one answer (the first option) to the page r shows."""
    item = r["data"]["templateParams"]["items"][0]["id"]
    req = {"values": {"r%d" % item: "1", "buttonPressed": "next"}, "token": r["token"],
           "submitId": submit_id}
    return runner_post(apache, "/api/runner/test/session/%s/submit" % r["hash"], req)


def _participant(apache, k, submits):
    """Starts a demo-cat session and answers up to submits pages: the
    statuses seen and the number of answers stored."""
    statuses, stored = [], 0
    status, r = runner_post(apache, "/api/runner/test/demo-cat/session/start", {})
    statuses.append(status)
    for n in range(submits):
        if status != 200 or r.get("code") == 1:
            break
        status, r = _answer_demo_cat(apache, r, "p%d-%d" % (k, n))
        statuses.append(status)
        stored += status == 200
    return statuses, stored


def _lock_holder(lock_inode):
    """The pid holding the fcntl lock on lock_inode (from /proc/locks), or None."""
    with open("/proc/locks") as f:
        for line in f:
            fields = line.split()
            if "->" in fields or len(fields) < 6 or fields[1] != "POSIX":
                continue
            if fields[5].rsplit(":", 1)[-1] == str(lock_inode):
                return int(fields[4])
    return None


@test("runner_sqlite_write_lock", only={"sqlite"})
def t_runner_sqlite_write_lock(ctx):
    """SQLite writers queue on the concerto-sqlite mutex (fcntl on a lock
    file): 8 participants answering at once all get 200 and
    every answer is stored; a child SIGKILLed while it holds the lock (seen
    in /proc/locks, stopped first so that it cannot let go) does not leave
    it held: the kernel drops it and the next participants get through."""
    import glob
    import signal
    import threading

    datadir, body = starter_site(ctx, "wlock")
    # Not in ctx.apaches: the child killed on purpose is no crash.
    a = harness.Apache("%s-wlock" % ctx.db, body, loglevel="warn")
    harness.register_cleanup("apache destroy " + a.name, a.destroy)
    with a:
        # APR unlinks an fcntl lock file once open: find it among the parent's files.
        fds = [fd for fd in glob.glob("/proc/%d/fd/*" % a.pid)
               if "concerto-sqlite" in os.readlink(fd)]
        check(len(fds) == 1, "the parent holds one concerto-sqlite lock file open: %r" % fds)
        inode = os.stat(fds[0]).st_ino
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda k: _participant(a, k, 6), range(8)))
        statuses = [st for sts, _ in results for st in sts]
        check(set(statuses) == {200}, "statuses under concurrent submits: %r" % sorted(statuses))
        stored = sum(n for _, n in results)
        rows = ctx.sql(datadir, "wlock", "SELECT COUNT(*) FROM demo_cat_responses").strip()
        check(rows == str(stored), "%s response rows for %d answers" % (rows, stored))
        check(_lock_holder(inode) is None, "the lock is held with nothing running")

        # Keep writers busy, catch a child holding the lock, and kill it there.
        stop = threading.Event()

        def keep_writing(k):
            while not stop.is_set():
                try:
                    _participant(a, 100 + k, 25)
                except Exception:  # noqa: BLE001 - the killed child's connection
                    pass

        victim = None
        with a.expect_log(r"exit signal|AH00052"):
            threads = [threading.Thread(target=keep_writing, args=(k,)) for k in range(6)]
            for t in threads:
                t.start()
            try:
                deadline = time.monotonic() + 20
                while victim is None and time.monotonic() < deadline:
                    pid = _lock_holder(inode)
                    if pid is None or pid == a.pid:
                        continue
                    os.kill(pid, signal.SIGSTOP)
                    if _lock_holder(inode) == pid:
                        os.kill(pid, signal.SIGKILL)
                        victim = pid
                    else:
                        os.kill(pid, signal.SIGCONT)
            finally:
                stop.set()
                for t in threads:
                    t.join(60)
            check(victim is not None, "never saw a child holding the lock in /proc/locks")
            harness.wait_gone(victim, 5)
            holder = _lock_holder(inode)
            check(holder != victim, "the killed child %d still holds the lock" % victim)
            began = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                results = list(pool.map(lambda k: _participant(a, 200 + k, 3), range(8)))
            elapsed = time.monotonic() - began
        statuses = [st for sts, _ in results for st in sts]
        check(set(statuses) == {200}, "statuses after the kill: %r" % sorted(statuses))
        check(elapsed < 10, "participants after the kill took %.1f s" % elapsed)
    a.audit()


def form_post(apache, path, fields):
    return post_json_answer(apache, path, urllib.parse.urlencode(fields), FORM_CT)


@test("runner_concerto_form_endpoints")
def t_runner_form(ctx):
    """Concerto's participant endpoints, form-encoded with values[...]: start,
    submit, resume (16), keepalive (10), log, kill (4), and 403 without a
    token."""
    datadir, body = starter_site(ctx, "form")
    a = ctx.new_apache("runner-form", body, loglevel="warn")
    with a:
        status, r = form_post(a, "/test/number-attitude/start_session", {})
        check(status == 200 and r["code"] == 0, "start_session: %d %r" % (status, r))
        hash_, token = r["hash"], r["token"]
        ids = [item["id"] for item in r["data"]["templateParams"]["items"]]
        check(len(ids) == 3, "a page of 3 questionnaire items, got %r" % ids)
        fields = {"token": token, "values[buttonPressed]": "next", "values[submitId]": "p1"}
        for item in ids:
            fields["values[r%d]" % item] = "2"
        status, r = form_post(a, "/test/session/%s/submit" % hash_, fields)
        check(status == 200 and r["code"] == 0 and r["data"]["templateParams"]["page"] == 2,
              "submit: %d %r" % (status, r))
        token = r["token"]
        status, r = form_post(a, "/test/session/%s/resume" % hash_, {"token": token})
        check(status == 200 and r["code"] == 16 and r["data"]["templateParams"]["page"] == 2,
              "resume: %d %r" % (status, r))
        status, r = form_post(a, "/test/session/%s/keepalive" % hash_, {"token": token})
        check(status == 200 and r["code"] == 10 and r["token"], "keepalive: %d %r" % (status, r))
        status, r = form_post(a, "/test/session/%s/log" % hash_,
                              {"token": token, "error": "ReferenceError: x"})
        check(status == 200, "log: %d %r" % (status, r))
        n = ctx.sql(datadir, "form", "SELECT COUNT(*) FROM test_session_log WHERE type = 0").strip()
        check(n == "1", "%s JS log entries, expected 1" % n)
        status, r = form_post(a, "/test/session/%s/kill" % hash_, {"token": token})
        check(status == 200 and r["code"] == 4, "kill: %d %r" % (status, r))
        status, r = form_post(a, "/test/session/%s/submit" % hash_, {"token": token})
        check(status == 409 and r["code"] == 14, "submit after kill: %d %r" % (status, r))
        status, r = form_post(a, "/test/session/%s/resume" % hash_, {})
        check(status == 403 and r["code"] == 14, "resume without a token: %d %r" % (status, r))
    a.audit()


def answer_page(apache, r, value, button="next"):
    """Submits value to every item of the page r shows (JSON API)."""
    values = {"r%d" % item["id"]: value for item in r["data"]["templateParams"]["items"]}
    values["buttonPressed"] = button
    status, nxt = runner_post(apache, "/api/runner/test/session/%s/submit" % r["hash"],
                              {"values": values, "token": r["token"]})
    check(status == 200, "submit %r: %d %r" % (values, status, nxt))
    return nxt


@test("runner_back_button_updates_responses")
def t_runner_back(ctx):
    """A linear test with a Back button: the page answered again updates its
    rows of the response table (one row per item and session), it adds none."""
    datadir, body = starter_site(ctx, "back")
    a = ctx.new_apache("runner-back", body, loglevel="warn")
    with a:
        status, r = runner_post(a, "/api/runner/test/number-attitude/session/start", {})
        check(status == 200, "start: %d %r" % (status, r))
        r = answer_page(a, r, "2")
        r = answer_page(a, r, "1")
        r = answer_page(a, r, "", "back")
        check(r["data"]["templateParams"]["page"] == 2, "back to page 2: %r" % r["data"])
        r = answer_page(a, r, "3")
        rows = ctx.sql(datadir, "back", "SELECT COUNT(*), COUNT(DISTINCT item_id) "
                       "FROM number_attitude_responses").strip()
        check(rows.replace(" ", "") in ("6|6", "6,6"), "rows, distinct items: %r" % rows)
        changed = ctx.sql(datadir, "back", "SELECT COUNT(*) FROM number_attitude_responses "
                          "WHERE response = '3' AND score IS NOT NULL").strip()
        check(changed == "3", "%s rows hold the new answer, expected 3" % changed)
    a.audit()


def first_item(apache):
    status, r = runner_post(apache, "/api/runner/test/demo-cat/session/start", {})
    check(status == 200 and r["code"] == 0, "start: %d %r" % (status, r))
    # Let the child finish the request (release its connection) before the
    # server is stopped: a prefork child killed between sending the answer
    # and releasing the connection trips apr_reslist's assertion
    # (store/dbpool.c destroys the reslist first; reported, not fixed here).
    time.sleep(0.3)
    return r["data"]["templateParams"]["items"][0]["id"]


@test("runner_exposure_control")
def t_runner_exposure(ctx):
    """Exposure control: demo-cat made deterministic (no randomesque, no
    content balancing) gives one first item; once 20 earlier sessions all
    had it (exposureMinSessions 20, exposureLimit 0.5), a new session gets
    another. The counts are read fresh by a new server; one that has
    counted within 30 s may still use its counts."""
    datadir, body = starter_site(ctx, "exposure")
    settings = json.loads(ctx.sql(datadir, "exposure",
                                  "SELECT settings FROM test WHERE slug = 'demo-cat'").strip())
    settings.update({"nextItemRandomesque": 1, "contentBalancing": [], "exposureMaxItems": 10,
                     "exposureMinSessions": 20, "exposureLimit": 0.5})
    ctx.sql(datadir, "exposure", "UPDATE test SET settings = '%s' WHERE slug = 'demo-cat'"
            % json.dumps(settings).replace("'", "''"))
    one = ctx.new_apache("exposure-a", body, loglevel="warn")
    with one:
        first = first_item(one)
        check(first_item(one) == first, "without exposure the first item is always %d" % first)
    rows = ",".join("(%d, '1', 3, 'i%d', 0, 0.3, '0')" % (first, 9000 + k) for k in range(19))
    ctx.sql(datadir, "exposure", 'INSERT INTO demo_cat_responses (item_id, response, "timeTaken", '
            "session_id, theta, sem, skipped) VALUES " + rows)
    two = ctx.new_apache("exposure-b", body, loglevel="warn")
    with two:
        check(first_item(two) == first, "19 sessions are fewer than exposureMinSessions (20)")
    ctx.sql(datadir, "exposure", 'INSERT INTO demo_cat_responses (item_id, response, "timeTaken", '
            "session_id, theta, sem, skipped) VALUES (%d, '1', 3, 'i9999', 0, 0.3, '0')" % first)
    three = ctx.new_apache("exposure-c", body, loglevel="warn")
    with three:
        other = first_item(three)
        check(other != first, "item %d, given in 20 of 20 sessions, was picked first again" % first)
    one.audit()
    two.audit()
    three.audit()


def upload(apache, hash_, fields):
    body, headers = harness.multipart(fields)
    return post_json_answer(apache, "/test/session/%s/upload" % hash_, body, headers)


@test("runner_upload")
def t_runner_upload(ctx):
    """POST /test/session/{hash}/upload: refused until the test grants
    sessionFilesAccess; then the file lands under the data directory with a
    safe name, never outside it; bad tokens, bodies and sizes are refused."""
    datadir, body = starter_site(ctx, "upload")
    body = body.replace("</Location>", "    ConcertoMaxBodySize 64K\n</Location>")
    a = ctx.new_apache("runner-upload", body, loglevel="warn")
    payload = bytes(range(256)) * 8
    with a:
        status, r = runner_post(a, "/api/runner/test/number-attitude/session/start", {})
        hash_, token = r["hash"], r["token"]
        status, e = upload(a, hash_, {"token": token, "file": ("a.bin", payload)})
        check(status == 403 and e["result"] == -1 and "does not accept files" in e["error"],
              "upload without the grant: %d %r" % (status, e))
        settings = json.loads(ctx.sql(datadir, "upload", "SELECT settings FROM test WHERE slug = "
                                      "'number-attitude'").strip())
        settings["sessionFilesAccess"] = True
        ctx.sql(datadir, "upload", "UPDATE test SET settings = '%s' WHERE slug = 'number-attitude'"
                % json.dumps(settings).replace("'", "''"))
        status, r = upload(a, hash_, {"token": token, "file": ("../../../evil name;.bin", payload)})
        check(status == 200 and r["result"] == 0 and r["name"] == "evil_name_.bin" and r["token"],
              "upload: %d %r" % (status, r))
        where = os.path.join(datadir, "files", "sessions", hash_, "evil_name_.bin")
        check(os.path.realpath(r["file_path"]) == os.path.realpath(where),
              "stored at %r, expected %r" % (r["file_path"], where))
        with open(where, "rb") as f:
            check(f.read() == payload, "the stored bytes differ from the ones sent")
        status, r = upload(a, hash_, {"token": r["token"], "name": "answer.txt",
                                      "file": ("ignored.txt", b"hello")})
        check(status == 200 and r["name"] == "answer.txt", "upload with a name: %d %r" % (status, r))
        status, e = upload(a, hash_, {"token": "forged", "file": ("x", b"x")})
        check(status == 403 and e["result"] == -1, "forged token: %d %r" % (status, e))
        status, e = upload(a, hash_, {"token": token})
        check(status == 400 and "file" in e["error"], "no file: %d %r" % (status, e))
        big, headers = harness.multipart({"token": token, "file": ("big.bin", b"x" * 70000)})
        status, _, raw = a.request("POST", "/test/session/%s/upload" % hash_, body=big,
                                   headers=headers)
        check(status == 413 and b"65536" in raw, "a file over ConcertoMaxBodySize: %d %r"
              % (status, raw[:200]))
        status, e = post_json_answer(a, "/test/session/%s/upload" % hash_, "token=" + token,
                                     FORM_CT)
        check(status == 415 and e["result"] == -1, "not multipart: %d %r" % (status, e))
        bad, headers = harness.multipart({"token": token, "file": ("x", b"x")})
        status, e = post_json_answer(a, "/test/session/%s/upload" % hash_, bad[:-10], headers)
        check(status == 400 and "ends inside" in e["error"], "cut body: %d %r" % (status, e))
        files = sorted(os.listdir(os.path.join(datadir, "files", "sessions", hash_)))
        check(files == ["answer.txt", "evil_name_.bin"], "files in the session directory: %r" % files)
    a.audit()


@test("runner_idle_session_expires")
def t_runner_idle(ctx):
    """A session idle for longer than ConcertoSessionMaxIdle (set in
    .htaccess-safe form in the Location) is lost when next used: 410, code
    14, a sentence for the participant, STOPPED, one system log entry; and
    it no longer counts in session_count."""
    datadir, body = starter_site(ctx, "idle")
    body = body.replace("</Location>", "    ConcertoSessionMaxIdle 600\n</Location>")
    a = ctx.new_apache("runner-idle", body, loglevel="warn")
    with a:
        status, r = form_post(a, "/test/demo-cat/start_session", {})
        hash_, token = r["hash"], r["token"]
        status, r = form_post(a, "/test/session/%s/keepalive" % hash_, {"token": token})
        check(status == 200 and r["code"] == 10, "keepalive: %d %r" % (status, r))
        check_status(a.get(COUNT), 200)
        # 601 s without use, as the database sees it
        ctx.sql(datadir, "idle", "UPDATE test_session SET updated = updated - 601 WHERE hash = '%s'"
                % hash_)
        status, e = form_post(a, "/test/session/%s/submit" % hash_, {"token": token})
        check(status == 410 and e["code"] == 14 and "10 minutes" in e["error"]["message"]
              and "start the test again" in e["error"]["message"], "idle submit: %d %r" % (status, e))
        state = ctx.sql(datadir, "idle", "SELECT status FROM test_session WHERE hash = '%s'"
                        % hash_).strip()
        check(state == "1", "status after expiry: %r, expected 1 (STOPPED)" % state)
        logs = ctx.sql(datadir, "idle", "SELECT COUNT(*) FROM test_session_log WHERE type = 2 "
                       "AND message LIKE '%idle for 6__ s%'").strip()
        check(logs == "1", "%s system log entries about the expiry" % logs)
        status, e = form_post(a, "/test/session/%s/resume" % hash_, {"token": token})
        check(status == 409 and e["code"] == 14, "resume after expiry: %d %r" % (status, e))
        _, _, count = check_status(a.get(COUNT), 200)
        check(count.strip() == b"0", "session_count after expiry: %r" % count)
@test("runner_sees_item_edits")
def t_runner_item_edits(ctx):
    """Each child keeps the tests it built: repeated starts build
    number-attitude once per child, an item edited through the store
    (concertoctl table import --replace) is on the next start of every
    child (threaded event children here), and so is an edit made with SQL
    by hand once the table's revision is bumped as store/revision.h says."""
    datadir, body = starter_site(ctx, "cache")
    a = ctx.new_apache("runner-cache", body, mpm="event")
    children = 2  # ServerLimit of the harness's event sizing

    def first_questions(n):
        seen = set()
        for _ in range(n):
            status, r = form_post(a, "/test/number-attitude/start_session", {})
            check(status == 200 and r["code"] == 0, "start_session: %d %r" % (status, r))
            item = r["data"]["templateParams"]["items"][0]
            seen.add((item["id"], item["question"]))
        return seen

    def builds(start):
        return [l for l in a.error_log_lines(start) if "built test number-attitude" in l]

    with a:
        start = a.log_size()
        before = first_questions(12)
        check(len(before) == 1, "the first item differs between starts: %r" % before)
        item_id, question = before.pop()
        time.sleep(0.3)
        n = len(builds(start))
        check(1 <= n <= children, "%d builds for 12 starts on %d children:\n%s"
              % (n, children, a.log_tail(start)))
        # An edit through the store.
        args = ctx.db_args(datadir, "cache")
        path = os.path.join(ctx.tmp, "attitude.csv")
        code, out, err = concertoctl(args + ["table", "export", "number_attitude_items", path])
        check(code == 0, "export: %d %s%s" % (code, out, err))
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        col, edited = rows[0].index("question"), "Edited: " + question
        for row in rows[1:]:
            if row[0] == str(item_id):
                row[col] = edited
        with open(path, "w", newline="") as f:
            csv.writer(f).writerows(rows)
        code, out, err = concertoctl(args + ["table", "import", "number_attitude_items", path,
                                             "--replace"])
        check(code == 0, "import --replace: %d %s%s" % (code, out, err))
        start = a.log_size()
        after = first_questions(12)
        check(after == {(item_id, edited)}, "after the import: %r, expected %r"
              % (after, {(item_id, edited)}))
        time.sleep(0.3)
        n = len(builds(start))
        check(1 <= n <= children, "%d builds after the edit on %d children" % (n, children))
        # By hand: the SQL, then the bump.
        quoted = '"number_attitude_items"'
        ctx.sql(datadir, "cache", "UPDATE %s SET question = 'By hand' WHERE id = %d" % (quoted, item_id))
        ctx.sql(datadir, "cache",
                "UPDATE data_table SET revision = revision + 1 WHERE name = 'number_attitude_items'")
        after = first_questions(6)
        check(after == {(item_id, "By hand")}, "after the bump: %r" % after)
    a.audit()


@test("mount_under_platform")
def t_platform(ctx):
    ctx.setup()
    body = """
<Location /platform>
    SetHandler concerto
    {db}
</Location>
""".format(db=ctx.db_conf(ctx.datadir, "main"))
    a = ctx.new_apache("platform", body, loglevel="warn")
    os.makedirs(os.path.join(a.htdocs, "api", "check"), mode=0o755)
    with open(os.path.join(a.htdocs, "api", "check", "health"), "w") as f:
        f.write("static-file\n")
    os.chmod(os.path.join(a.htdocs, "api", "check", "health"), 0o644)
    with a:
        status, headers, body = check_status(a.get("/platform" + HEALTH), 200, "/platform/api/check/health")
        check(body == b"healthy\n", "body %r" % body)
        check_status(a.get("/platform" + COUNT), 200)

        def health_count():
            status, headers, body = check_status(a.get("/platform" + PROM), 200)
            types, helps, samples = parse_prometheus(body.decode())
            return sum(float(v) for n, lab, v in samples
                       if n == "concerto_http_requests_total" and lab.get("endpoint") == "check_health")

        # Counted in the logging phase, just after the answer: wait for the
        # one health request above to be counted before comparing.
        deadline = time.monotonic() + 3
        before = health_count()
        while before < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
            before = health_count()
        status, headers, body = check_status(a.get(HEALTH), 200, "/api/check/health outside the mount")
        check(body == b"static-file\n", "/api/check/health outside <Location /platform> was not served by "
              "Apache's default handler: %r" % body)
        time.sleep(0.5)
        after = health_count()
        check(after == before, "a request outside <Location /platform> was counted by concerto (%s -> %s)"
              % (before, after))
        check_status(a.get("/platform/platform" + HEALTH), 404, "doubled prefix")
        time.sleep(0.3)
        dbg = [ln for ln in a.error_log_lines() if "[concerto:debug]" in ln]
        check(not dbg, "LogLevel warn, yet concerto debug lines:\n" + "\n".join(dbg[:5]))
    a.audit()


def _make_mpm_test(mpm):
    def t(ctx):
        ctx.setup()
        body = "<Location />\n    SetHandler concerto\n    %s\n</Location>\n" % ctx.db_conf(ctx.datadir, "main")
        a = ctx.new_apache(mpm, body, mpm=mpm)
        with a:
            for i in range(12):
                status, headers, b = check_status(a.get(HEALTH), 200, "health #%d under %s" % (i, mpm))
                check(b == b"healthy\n", "body %r" % b)
            check_status(a.get(COUNT), 200)
            status, headers, b = check_status(a.get(PROM), 200)
            parse_prometheus(b.decode())
            json_error(a.get("/api/nope"), 404)
        a.audit()

    return t


for _mpm in ("event", "worker"):
    test("mpm_%s" % _mpm)(_make_mpm_test(_mpm))


def _maps_have_libr(pid):
    try:
        with open("/proc/%d/maps" % pid) as f:
            return "libR.so" in f.read()
    except OSError:
        return None


def _make_rhost_test(mpm, enabled):
    """ConcertoR On: every child starts R (log line, libR mapped, its temp
    dir), health answers and no child dies. Off: libR is mapped (the module
    links it) but never initialised: no log line, no temp dir."""
    def t(ctx):
        ctx.setup()
        datadir = ctx.datadir
        rdir = os.path.join(datadir, "tmp", "r")
        harness.remove_tree(rdir)
        os.makedirs(rdir, exist_ok=True)
        os.makedirs(os.path.join(rdir, "pid-999999999", "RtmpStale"))  # a crashed child's
        harness.chown_www(os.path.join(datadir, "tmp"))
        # R is per process, so its temp dir follows the server-level data
        # dir; the database goes with it (children check it at start).
        body = ("ConcertoR %s\nConcertoRLibrary %s\n%s\n<Location />\n    SetHandler concerto\n"
                "    ConcertoRTimeout 5\n</Location>\n" % (
                    "On" if enabled else "Off", rtests.r_library(),
                    ctx.db_conf(datadir, "main").replace("\n    ", "\n")))
        a = ctx.new_apache("r-%s-%s" % (mpm, "on" if enabled else "off"), body, mpm=mpm)
        with a:
            deadline = time.monotonic() + 10
            children = harness.children_of(a.pid)
            while not children and time.monotonic() < deadline:
                time.sleep(0.1)
                children = harness.children_of(a.pid)
            check(children, "no children under %s" % mpm)
            for pid in children:
                if enabled:
                    line = a.wait_for_log(r"R ready in process %d after" % pid, timeout=60)
                    check(line, "child %d did not start R:\n%s" % (pid, a.log_tail()))
                    check(os.path.isdir(os.path.join(rdir, "pid-%d" % pid)), "no temp dir for %d" % pid)
                check(_maps_have_libr(pid) is not False, "libR.so not mapped in child %d" % pid)
            for i in range(10):
                status, headers, b = check_status(a.get(HEALTH), 200, "health #%d" % i)
            if enabled:
                check(not os.path.exists(os.path.join(rdir, "pid-999999999")), "stale temp dir kept")
            else:
                time.sleep(0.5)
                check(not [ln for ln in a.error_log_lines() if "R ready" in ln], "R started with Off")
                check(not os.listdir(rdir) == [], "stale dir removed though R is Off")
            alive = [p for p in children if harness.pid_alive(p)]
            check(alive == children, "children gone: %s" % sorted(set(children) - set(alive)))
        check(not a.child_deaths(), "children died:\n" + "\n".join(a.child_deaths()))
        if enabled:
            left = [d for d in os.listdir(rdir) if d.startswith("pid-")]
            check(not left, "temp dirs left after stop: %s" % left)
        a.audit()

    return t


for _mpm in ("prefork", "event"):
    test("rhost_on_%s" % _mpm)(_make_rhost_test(_mpm, True))
test("rhost_off_prefork")(_make_rhost_test("prefork", False))


# R tests through the runner (tests/integration/rtests.py).
import rtests  # noqa: E402
import rstarter  # noqa: E402,F401  (the R starter content)
# concertoctl sessions clear|log, schedule tick (tests/integration/tasks.py).
import tasks  # noqa: E402,F401
# concertoctl content, setup's CONCERTO_CONTENT_URL (tests/integration/content.py).
import content  # noqa: E402,F401

# Admin logins: cookie, CSRF, expiry (tests/integration/admin_auth.py).
import admin_auth  # noqa: E402,F401
# The admin REST API (tests/integration/admin_api.py).
import admin_api  # noqa: E402,F401
# The admin pages' shells, roles and assets (tests/integration/admin_pages.py).
import admin_pages  # noqa: E402,F401


@test("no_child_died")
def t_no_child_died(ctx):
    ctx.prepare()
    for a in ctx.apaches:
        a.stop()
    dead = []
    for a in ctx.apaches:
        dead += ["%s: %s" % (a.name, ln) for ln in a.child_deaths()]
    check(not dead, "children died:\n" + "\n".join(dead))


# ---------------------------------------------------------------------------


def run_suite(db, runner):
    ctx = Ctx(db)
    log("=== %s ===" % db)
    try:
        for name, fn, only in harness.registered_tests():
            if only and db not in only:
                continue
            runner.run("%s/%s" % (db, name), fn, ctx)
    finally:
        for a in ctx.apaches:
            a.stop()
        harness.cleanup_all()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build", help="build directory (default: build)")
    ap.add_argument("--db", default="all", choices=["sqlite", "pgsql", "mysql", "odbc", "all"])
    ap.add_argument("-k", dest="pattern", help="run only tests whose name matches this regex "
                    "(plus the fixtures they use)")
    args = ap.parse_args()
    Paths.set_build(args.build)
    harness.install_signal_handlers()
    if args.pattern:
        rx = re.compile(args.pattern)
        harness._registry[:] = [t for t in harness._registry if rx.search(t[0])]
    runner = harness.Runner()
    dbs = [args.db]
    if args.db == "all":
        dbs = os.environ.get("CONCERTO_TEST_DBS", "sqlite pgsql mysql").split()
        unknown = [d for d in dbs if d not in ("sqlite", "pgsql", "mysql", "odbc")]
        if unknown or not dbs:
            ap.error("CONCERTO_TEST_DBS names %r; known: sqlite pgsql mysql odbc"
                     % (unknown or dbs))
    code = 1
    try:
        for db in dbs:
            run_suite(db, runner)
        code = runner.summary()
    except (KeyboardInterrupt, harness.Interrupted) as e:
        harness.cleanup_all()
        log("interrupted (%s)" % (e or "SIGINT"))
        runner.fail("interrupted", "the run was interrupted")
        runner.summary()
        code = 130
    finally:
        harness.cleanup_all()
    sys.exit(code)


if __name__ == "__main__":
    main()
