#!/usr/bin/env python3
"""Load benchmark of the runner's JSON API (not a test): simulated
participants take demo-cat on a private Apache, on SQLite and on a private
PostgreSQL cluster, next to a trivial handler of the same Apache.

    make all
    python3 tests/bench/runner_bench.py [--db sqlite|pgsql|all] [--workers 16]
                                        [--seconds 20] [--health-seconds 10]
                                        [--answers model|random] [--build build]

Per database it sets up a fresh data directory (and for PostgreSQL a cluster
of its own, initdb on a free port) with `concertoctl setup --starter
conf/starter`, starts Apache (prefork, sized to the workers, keep-alive) on a
free 127.0.0.1 port with build/mod_concerto.so, and then, with the same N
worker processes each holding one keep-alive connection:

1. GET /api/check/health for --health-seconds: requests/s, p50/p99;
2. participants for --seconds: POST .../demo-cat/session/start, then
   .../session/{hash}/submit until code 1 (finished), then a new session:
   finished sessions/s, submits/s, p50/p99 of submit (and start) latency.

Afterwards: the ratio submits/s / health req/s, the resident memory of each
Apache child (/proc/PID/status), the database bytes per finished session,
the CPU shared out between the load generator, Apache and PostgreSQL, and
any non-200 answers, connection errors and error-log lines at warn or above.

Standard library only; reuses tests/integration/harness.py. Needs root (the
Apache children run as www-data, PostgreSQL as postgres). Exit status 0 when
every request succeeded and the error logs are clean, 1 otherwise, 2 on a
usage error. Everything it starts is stopped at the end, also on Ctrl-C.
"""

import argparse
import csv
import json
import math
import multiprocessing
import os
import random
import re
import signal
import statistics
import sys
import time
import http.client

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

import harness  # noqa: E402
from harness import Apache, Paths, Postgres, concertoctl, log, make_data_dir, make_tmpdir  # noqa: E402

SLUG = "demo-cat"
HEALTH = "/api/check/health"
START = "/api/runner/test/%s/session/start"
SUBMIT = "/api/runner/test/session/%s/submit"
RADIO = re.compile(r'name="r(\d+)" value="([^"]*)"')
STARTER = os.path.join(REPO, "conf", "starter")
ITEMS_CSV = os.path.join(STARTER, "demo-cat-items.csv")
D = 1.702  # demo-cat's scaling constant (conf/starter/tests.json)
T_REQ = 30  # one request, seconds
T_JOIN = 60  # workers gone after the end of a phase, seconds
MAX_SUBMITS = 60  # a session still running after this many submits is abandoned (demo-cat stops at 25)


# ---------------------------------------------------------------------------
# The item bank, for answers a person of a given ability would plausibly give


def load_bank():
    """{item id: (a, b, c, d, correct value)} from the starter CSV."""
    bank = {}
    with open(ITEMS_CSV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            opts = json.loads(row["responseOptions"])
            right = [s["value"] for s in opts.get("scoreMap", []) if float(s.get("score", 0)) > 0]
            bank[int(row["id"])] = (float(row["p1"]), float(row["p2"]), float(row["p3"]),
                                    float(row["p4"] or 1), right[0] if right else None)
    return bank


def choose_answer(rng, item, bank, theta, mode):
    """An option value for item (the page's client copy)."""
    values = [str(o["value"]) for o in item["responseOptions"]["options"]]
    if mode == "random":
        return rng.choice(values)
    a, b, c, d, right = bank.get(int(item["id"]), (1.0, 0.0, 0.25, 1.0, None))
    if right is None or right not in values:
        return rng.choice(values)
    p = c + (d - c) / (1.0 + math.exp(-D * a * (theta - b)))
    if rng.random() < p:
        return right
    wrong = [v for v in values if v != right]
    return rng.choice(wrong) if wrong else right


def page_values(r, rng, bank, theta, mode):
    """The answers to the page in answer r: a native page lists its items
    in templateParams; a page of an R test has them only in its HTML."""
    data = r.get("data") or {}
    values = {"buttonPressed": "next"}
    items = (data.get("templateParams") or {}).get("items")
    if isinstance(items, list):
        for item in items:
            values["r%s" % item["id"]] = choose_answer(rng, item, bank, theta, mode)
        return values
    options = {}
    for item_id, value in RADIO.findall(data.get("templateHtml") or ""):
        options.setdefault(int(item_id), []).append(value)
    for item_id, vals in options.items():
        item = {"id": item_id, "responseOptions": {"options": [{"value": v} for v in vals]}}
        values["r%d" % item_id] = choose_answer(rng, item, bank, theta, mode)
    return values


# ---------------------------------------------------------------------------
# Workers (one process each, one keep-alive connection each)


class Conn:
    def __init__(self, port):
        self.port = port
        self.c = None

    def request(self, method, path, body=None):
        """(status, body bytes); reconnects once when a kept-alive connection
        was closed by the server before this request."""
        headers = {"Connection": "keep-alive"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            if self.c is None:
                self.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=T_REQ)
            fresh = self.c.sock is None
            try:
                self.c.request(method, path, body=body, headers=headers)
                r = self.c.getresponse()
                data = r.read()
                if r.will_close:
                    self.close()
                return r.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 1 or fresh:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.c is not None:
            self.c.close()
            self.c = None


def _worker(kind, wid, port, t0, t1, answers, bank, seed, out):
    """kind: "health", or the slug of the test participants take."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    rng = random.Random(seed)
    res = {"lat": [], "start_lat": [], "status": {}, "errors": {}, "finished": 0, "submits": 0,
           "starts": 0, "items": [], "abandoned": 0, "samples": []}
    conn = Conn(port)

    def note_status(st, body):
        res["status"][st] = res["status"].get(st, 0) + 1
        if st != 200 and len(res["samples"]) < 3:
            res["samples"].append("%d %s" % (st, body[:200].decode("utf-8", "replace")))

    def note_error(e):
        k = type(e).__name__
        res["errors"][k] = res["errors"].get(k, 0) + 1
        if len(res["samples"]) < 3:
            res["samples"].append("%s: %s" % (k, e))
        conn.close()

    while time.monotonic() < t0:
        time.sleep(min(0.01, max(0.0, t0 - time.monotonic())))
    try:
        if kind == "health":
            while True:
                a = time.perf_counter()
                if time.monotonic() >= t1:
                    break
                try:
                    st, body = conn.request("GET", HEALTH)
                except (OSError, http.client.HTTPException) as e:
                    note_error(e)
                    continue
                b = time.perf_counter()
                if time.monotonic() > t1:
                    break  # answered after the end: not counted
                note_status(st, body)
                if st == 200:
                    res["lat"].append(b - a)
            return
        n_sess = 0
        while time.monotonic() < t1:
            theta = rng.gauss(0.0, 1.0)
            a = time.perf_counter()
            try:
                st, body = conn.request("POST", START % kind, b"{}")
            except (OSError, http.client.HTTPException) as e:
                note_error(e)
                continue
            b = time.perf_counter()
            if time.monotonic() > t1:
                break
            note_status(st, body)
            if st != 200:
                continue
            res["starts"] += 1
            res["start_lat"].append(b - a)
            r = json.loads(body)
            hash_, token, n = r["hash"], r["token"], 0
            n_sess += 1
            while r.get("code") == 0:
                if n >= MAX_SUBMITS:
                    res["abandoned"] += 1
                    break
                values = page_values(r, rng, bank, theta, answers)
                req = json.dumps({"values": values, "token": token,
                                  "submitId": "w%d-s%d-%d" % (wid, n_sess, n)}).encode()
                a = time.perf_counter()
                try:
                    st, body = conn.request("POST", SUBMIT % hash_, req)
                except (OSError, http.client.HTTPException) as e:
                    note_error(e)
                    break
                b = time.perf_counter()
                if time.monotonic() > t1:
                    break
                note_status(st, body)
                if st != 200:
                    break
                res["submits"] += 1
                res["lat"].append(b - a)
                r = json.loads(body)
                token = r.get("token", token)
                n += 1
            else:
                if r.get("code") == 1 and time.monotonic() <= t1:
                    res["finished"] += 1
                    res["items"].append(n)
    finally:
        conn.close()
        out.put((wid, res))


def run_phase(kind, port, workers, seconds, answers, bank, seed):
    """Runs workers for seconds; returns the merged results and the wall time."""
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    t0 = time.monotonic() + 0.5
    t1 = t0 + seconds
    procs = [ctx.Process(target=_worker, args=(kind, i, port, t0, t1, answers, bank, seed * 1000 + i, q),
                         daemon=True) for i in range(workers)]
    for p in procs:
        p.start()
    results = {}
    interrupted = False
    try:
        deadline = t1 + T_JOIN
        while len(results) < workers and time.monotonic() < deadline:
            try:
                wid, res = q.get(timeout=max(0.1, min(1.0, deadline - time.monotonic())))
                results[wid] = res
            except Exception:  # noqa: BLE001 - queue.Empty; check the workers are alive
                if not any(p.is_alive() for p in procs) and q.empty():
                    break
    except BaseException:
        interrupted = True  # Ctrl-C or SIGTERM: stop the workers now
        raise
    finally:
        for p in procs:
            if not interrupted:
                p.join(timeout=max(0.1, min(5, t1 + T_JOIN - time.monotonic())))
        for p in procs:
            if p.is_alive():
                p.terminate()
                p.join(5)
            if p.is_alive():
                p.kill()
                p.join(5)
    merged = {"lat": [], "start_lat": [], "status": {}, "errors": {}, "finished": 0, "submits": 0,
              "starts": 0, "items": [], "abandoned": 0, "samples": [], "workers_lost": workers - len(results)}
    for res in results.values():
        for k in ("lat", "start_lat", "items", "samples"):
            merged[k] += res[k]
        for k in ("finished", "submits", "starts", "abandoned"):
            merged[k] += res[k]
        for k in ("status", "errors"):
            for s, n in res[k].items():
                merged[k][s] = merged[k].get(s, 0) + n
    return merged, t1 - t0


# ---------------------------------------------------------------------------
# Measurements of the server


def pct(values, p):
    """Nearest-rank percentile, in ms."""
    if not values:
        return float("nan")
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(math.ceil(p / 100.0 * len(v))) - 1))
    return v[k] * 1000.0


def proc_status(pid):
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                out[k] = v.strip()
    except OSError:
        pass
    return out


def kib(s):
    try:
        return int(s.split()[0])
    except (AttributeError, IndexError, ValueError):
        return 0


def cpu_ticks(pids):
    """utime+stime+cutime+cstime of pids, in seconds."""
    hz = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])
        except (OSError, IndexError, ValueError):
            pass
    return total / hz


def tree(pid):
    return [pid] + harness.children_of(pid) if pid else []


def postmaster_pid(pg):
    try:
        with open(os.path.join(pg.data, "postmaster.pid")) as f:
            return int(f.readline().strip())
    except (OSError, ValueError, AttributeError):
        return None


def apache_pid(apache):
    try:
        with open(apache.pidfile) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


class CpuMeter:
    """CPU seconds used by the load generator (this process's children),
    Apache (parent, children, reaped children) and PostgreSQL."""

    def __init__(self, apache, pg):
        self.apache, self.pg = apache, pg

    def sample(self):
        ru = os.times()
        return (ru.children_user + ru.children_system,
                cpu_ticks(tree(apache_pid(self.apache))),
                cpu_ticks(tree(postmaster_pid(self.pg))) if self.pg else 0.0,
                time.monotonic())

    @staticmethod
    def share(a, b):
        wall = b[3] - a[3]
        return tuple((b[i] - a[i]) / wall * 100.0 for i in range(3))


def db_size(ctx):
    if ctx["pg"]:
        return int(ctx["pg"].psql("SELECT pg_database_size(current_database())").strip())
    total = 0
    for suffix in ("", "-wal"):
        p = os.path.join(ctx["datadir"], "concerto.db" + suffix)
        if os.path.exists(p):
            total += os.path.getsize(p)
    return total


def sql(ctx, statement):
    if ctx["pg"]:
        return ctx["pg"].psql(statement)
    return harness.sqlite(os.path.join(ctx["datadir"], "concerto.db"), statement)


def log_problems(apache):
    """Lines at warn or above (minus Apache's start/stop notices) and child deaths."""
    lines = apache.error_log_lines()
    bad = [ln for ln in lines if harness.AUDIT_LEVELS.search(ln)
           and not any(rx.search(ln) for rx in harness.AUDIT_IGNORE)]
    deaths = [ln for ln in lines if harness.CHILD_DEATH.search(ln)]
    return bad, deaths


# ---------------------------------------------------------------------------
# One database


def prefork_sizing(workers):
    # Every child started at once and kept (one per kept-alive connection,
    # plus room for the bench's own checks). MinSpareServers stays low: at
    # MaxRequestWorkers prefork logs AH00161 whenever fewer are idle.
    n = workers + 4
    return ("<IfModule mpm_prefork_module>\n"
            "    ServerLimit %d\n    StartServers %d\n    MinSpareServers 1\n"
            "    MaxSpareServers %d\n    MaxRequestWorkers %d\n    MaxConnectionsPerChild 0\n"
            "</IfModule>\n" % (max(n, 256), n, n, n))


class BenchApache(Apache):
    def __init__(self, name, body, workers, **kw):
        self.MPM_SIZING = {"prefork": prefork_sizing(workers)}  # before Apache.__init__ writes the conf
        super().__init__(name, body, mpm="prefork", **kw)


EXTRA = """KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30
Timeout 60
"""


def bench_db(db, args, bank, tmp):
    out = {"db": db}
    datadir = make_data_dir(tmp, "data-" + db)
    pg = None
    apache = None
    try:
        ctl = ["-d", datadir]
        env = {}
        if db == "pgsql":
            pg = Postgres()
            harness.register_cleanup("postgres destroy", pg.destroy)
            log("[%s] starting a private PostgreSQL cluster (initdb)" % db)
            pg.start()
            ctl += ["--db", "pgsql", "--db-params", pg.conninfo()]
            out["pg_version"] = pg.psql("SHOW server_version").strip()
        log("[%s] concertoctl setup --owner www-data --starter conf/starter" % db)
        code, so, se = concertoctl(ctl + ["setup", "--owner", "www-data", "--starter", STARTER],
                                   env={"CONCERTO_PASSWORD": "Bench-Secret-42"})
        if code != 0:
            raise AssertionError("concertoctl setup exited %d:\n%s%s" % (code, so, se))
        dbconf = ('ConcertoDatabase pgsql "%s"' % pg.conninfo()) if pg else "ConcertoDatabase sqlite3"
        body = EXTRA + "<Location />\n    SetHandler concerto\n    ConcertoDataDir %s\n    %s\n</Location>\n" % (
            datadir, dbconf)
        apache = BenchApache("bench-" + db, body, args.workers, loglevel="warn")
        harness.register_cleanup("apache destroy " + apache.name, apache.destroy)
        apache.start()
        out["port"] = apache.port
        log("[%s] Apache (prefork, %d children) on %s" % (db, args.workers + 4, apache.url))
        st, _h, b = apache.get(HEALTH)
        if st != 200:
            raise AssertionError("health answered %d %r\n%s" % (st, b[:200], apache.log_tail()))
        ctx = {"pg": pg, "datadir": datadir}
        meter = CpuMeter(apache, pg)

        log("[%s] health: %d workers for %ss" % (db, args.workers, args.health_seconds))
        c0 = meter.sample()
        out["health"], out["health_wall"] = run_phase("health", apache.port, args.workers,
                                                      args.health_seconds, args.answers, bank, args.seed)
        out["health_cpu"] = CpuMeter.share(c0, meter.sample())

        if not pg:  # start from an empty WAL: the growth is then the runner's alone
            harness.sqlite(os.path.join(datadir, "concerto.db"), "PRAGMA wal_checkpoint(TRUNCATE);")
            out["db_file_before"] = os.path.getsize(os.path.join(datadir, "concerto.db"))
        size0 = db_size(ctx)
        log("[%s] runner: %d participants for %ss (answers: %s)" % (db, args.workers, args.seconds, args.answers))
        c0 = meter.sample()
        out["runner"], out["runner_wall"] = run_phase(SLUG, apache.port, args.workers,
                                                      args.seconds, args.answers, bank, args.seed)
        out["runner_cpu"] = CpuMeter.share(c0, meter.sample())
        time.sleep(0.3)
        size1 = db_size(ctx)

        # Resident memory of each child, after the run.
        ppid = apache_pid(apache)
        out["parent_rss"] = kib(proc_status(ppid).get("VmRSS")) if ppid else 0
        kids = []
        for pid in sorted(harness.children_of(ppid) if ppid else []):
            s = proc_status(pid)
            kids.append((pid, kib(s.get("VmRSS")), kib(s.get("RssAnon")), kib(s.get("VmHWM"))))
        out["children"] = kids

        rows = sql(ctx, "SELECT status, COUNT(*) FROM test_session GROUP BY status ORDER BY status").strip()
        out["sessions_by_status"] = rows.replace("\n", ", ").replace("|", ": ")
        out["db_finished"] = int(sql(ctx, "SELECT COUNT(*) FROM test_session WHERE status <> 0").strip() or 0)
        out["db_responses"] = int(sql(ctx, "SELECT COUNT(*) FROM demo_cat_responses").strip() or 0)
        out["db_growth"] = size1 - size0
        out["db_size"] = size1
        if not pg:
            # The same after a checkpoint: the database file alone.
            db_file = os.path.join(datadir, "concerto.db")
            harness.sqlite(db_file, "PRAGMA wal_checkpoint(TRUNCATE);")
            out["db_file_after_ckpt"] = os.path.getsize(db_file)
        out["log_bad"], out["log_deaths"] = log_problems(apache)
        apache.stop()
        out["log_bad"], out["log_deaths"] = log_problems(apache)  # incl. lines written at shutdown
        return out
    finally:
        if apache is not None:
            apache.destroy()
        if pg is not None:
            pg.destroy()


# ---------------------------------------------------------------------------
# Report


def fmt_ms(x):
    return "n/a" if x != x else ("%.2f" % x if x < 10 else "%.1f" % x)


def report(results, args):
    print()
    print("Settings: %d workers (processes, one keep-alive HTTP/1.1 connection each), "
          "health %ss then runner %ss per database, answers %s, seed %d"
          % (args.workers, args.health_seconds, args.seconds, args.answers, args.seed))
    print("Apache %s, prefork: StartServers=MaxSpareServers=MaxRequestWorkers=%d, MinSpareServers 1, "
          "MaxConnectionsPerChild 0, KeepAlive On (MaxKeepAliveRequests 0), LogLevel warn; "
          "%d CPUs; load generator on the same machine"
          % (apache_version(), args.workers + 4, os.cpu_count()))
    for r in results:
        if r.get("pg_version"):
            print("PostgreSQL %s (private cluster, default settings, 127.0.0.1 TCP)" % r["pg_version"])
    print()
    hdr = ("database", "sessions/s", "submits/s", "submit p50", "submit p99", "start p50",
           "health req/s", "health p50", "health p99", "ratio")
    rows = []
    for r in results:
        ru, he = r["runner"], r["health"]
        sub_s = ru["submits"] / r["runner_wall"]
        h_s = len(he["lat"]) / r["health_wall"]
        rows.append((r["db"], "%.1f" % (ru["finished"] / r["runner_wall"]), "%.0f" % sub_s,
                     fmt_ms(pct(ru["lat"], 50)) + " ms", fmt_ms(pct(ru["lat"], 99)) + " ms",
                     fmt_ms(pct(ru["start_lat"], 50)) + " ms",
                     "%.0f" % h_s, fmt_ms(pct(he["lat"], 50)) + " ms", fmt_ms(pct(he["lat"], 99)) + " ms",
                     "%.2f" % (sub_s / h_s if h_s else float("nan"))))
    table(hdr, rows)
    print("ratio = runner submits/s / health req/s, same Apache, same workers, same run")
    print()
    hdr = ("database", "finished", "submits", "items/session", "Apache child RSS (KiB) min/median/max",
           "RssAnon median", "children", "DB bytes/finished session", "SQLite checkpointed")
    rows = []
    for r in results:
        ru = r["runner"]
        rss = [k[1] for k in r["children"]]
        anon = [k[2] for k in r["children"]]
        fin = ru["finished"]
        per = ("%.0f" % (r["db_growth"] / r["db_finished"])) if r["db_finished"] else "n/a"
        rows.append((r["db"], str(fin), str(ru["submits"]),
                     "%.1f" % statistics.mean(ru["items"]) if ru["items"] else "n/a",
                     "%d / %d / %d" % (min(rss), statistics.median(rss), max(rss)) if rss else "n/a",
                     "%d" % statistics.median(anon) if anon else "n/a", str(len(rss)), per,
                     ("%.0f" % ((r["db_file_after_ckpt"] - r["db_file_before"]) / r["db_finished"]))
                     if "db_file_after_ckpt" in r and r["db_finished"] else "-"))
    table(hdr, rows)
    print("DB bytes/finished session = growth during the runner phase (SQLite: concerto.db + "
          "concerto.db-wal, WAL emptied before; PostgreSQL: pg_database_size) / sessions ended in the "
          "database; SQLite checkpointed = growth of concerto.db alone after PRAGMA "
          "wal_checkpoint(TRUNCATE) (the WAL holds page copies until a checkpoint)")
    print()
    for r in results:
        ru, he = r["runner"], r["health"]
        print("[%s] sessions in the database by status: %s; response rows %d; DB size %s -> +%s bytes%s"
              % (r["db"], r["sessions_by_status"], r["db_responses"], r["db_size"] - r["db_growth"],
                 r["db_growth"],
                 ("; after a checkpoint concerto.db alone grew by %d bytes, %.0f per finished session"
                  % (r["db_file_after_ckpt"] - r["db_file_before"],
                     (r["db_file_after_ckpt"] - r["db_file_before"]) / max(1, r["db_finished"])))
                 if "db_file_after_ckpt" in r else ""))
        print("[%s] CPU (%% of one core; %d cores): health phase: load generator %.0f%%, Apache %.0f%%, "
              "PostgreSQL %.0f%%; runner phase: load generator %.0f%%, Apache %.0f%%, PostgreSQL %.0f%%"
              % ((r["db"], os.cpu_count()) + r["health_cpu"] + r["runner_cpu"]))
        print("[%s] Apache parent RSS %d KiB; children (pid: VmRSS/RssAnon/VmHWM KiB): %s"
              % (r["db"], r["parent_rss"], ", ".join("%d: %d/%d/%d" % k for k in r["children"])))
        print("[%s] submit latency p90 %s ms, max %s ms; sessions abandoned at %d submits: %d"
              % (r["db"], fmt_ms(pct(ru["lat"], 90)), fmt_ms(pct(ru["lat"], 100)), MAX_SUBMITS,
                 ru["abandoned"]))
    print()
    problems = 0
    for r in results:
        for phase in ("health", "runner"):
            p = r[phase]
            non200 = {s: n for s, n in p["status"].items() if s != 200}
            if non200 or p["errors"] or p["workers_lost"]:
                problems += 1
                print("PROBLEM [%s] %s phase: non-200 answers %s, connection errors %s, workers lost %d"
                      % (r["db"], phase, non200 or "none", p["errors"] or "none", p["workers_lost"]))
                for s in p["samples"][:5]:
                    print("    e.g. " + s)
        if r["log_bad"] or r["log_deaths"]:
            problems += 1
            print("PROBLEM [%s] error log: %d line(s) at warn or above, %d child death(s); first lines:"
                  % (r["db"], len(r["log_bad"]), len(r["log_deaths"])))
            seen = []
            for ln in r["log_bad"] + r["log_deaths"]:
                if ln not in seen:
                    seen.append(ln)
            for ln in seen[:12]:
                print("    " + ln)
    if not problems:
        print("No errors: every request answered 200, no connection errors, error logs clean "
              "(nothing at warn or above, no child deaths).")
    return problems


def table(hdr, rows):
    w = [max(len(str(x)) for x in col) for col in zip(hdr, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(n) for c, n in zip(cells, w)) + " |"  # noqa: E731
    print(line(hdr))
    print("|" + "|".join("-" * (n + 2) for n in w) + "|")
    for r in rows:
        print(line(r))


def apache_version():
    code, out, _err = harness.run([harness.APACHE_BIN, "-v"], env=harness.base_env())
    for ln in out.splitlines():
        if "version" in ln:
            return ln.split(":", 1)[1].strip().split()[0].replace("Apache/", "")
    return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=("sqlite", "pgsql", "all"), default="all")
    ap.add_argument("--workers", type=int, default=16, help="concurrent participants (default 16)")
    ap.add_argument("--seconds", type=float, default=20, help="runner phase per database (default 20)")
    ap.add_argument("--health-seconds", type=float, default=10,
                    help="health phase per database (default 10)")
    ap.add_argument("--answers", choices=("model", "random"), default="model",
                    help="model: each participant has an ability drawn from N(0,1) and answers "
                         "with the item's 3PL probability of being right; random: a random option")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    args = ap.parse_args()
    if not (1 <= args.workers <= 200) or args.seconds <= 0 or args.health_seconds <= 0 \
            or args.seconds > 3600 or args.health_seconds > 3600:
        ap.error("--workers 1..200, --seconds and --health-seconds 0..3600")
    Paths.set_build(args.build)
    for f in (Paths.module(), Paths.concertoctl_bin()):
        if not os.path.exists(f):
            print("%s does not exist: run `make all` first" % f, file=sys.stderr)
            return 2
    if not harness.IS_ROOT:
        print("run as root (Apache's children run as www-data, PostgreSQL as postgres)", file=sys.stderr)
        return 2
    harness.install_signal_handlers()
    bank = load_bank() if args.answers == "model" else {}
    tmp = make_tmpdir("concerto-bench-")
    harness.register_cleanup("tmp " + tmp, lambda: harness.remove_tree(tmp))
    results = []
    try:
        for db in (("sqlite", "pgsql") if args.db == "all" else (args.db,)):
            results.append(bench_db(db, args, bank, tmp))
        problems = report(results, args)
    except KeyboardInterrupt:
        log("interrupted; stopping everything")
        return 130
    except harness.Interrupted as e:
        log("interrupted (%s); stopping everything" % e)
        return 130
    finally:
        harness.cleanup_all()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
