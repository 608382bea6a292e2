#!/usr/bin/env python3
"""Benchmark of one page of an R flow beside the native adaptive test (not
a test): simulated participants take demo-cat (C engine, no R) and r-cat
(the same item bank as a flow of R nodes: restore the session's R state,
run the node, save the state) on one private Apache with ConcertoR On, in
the same run.

    make all r-install
    python3 tests/bench/r_bench.py [--db sqlite|pgsql|all] [--workers 8]
                                   [--solo-seconds 10] [--seconds 20] [--build build]

Per database: a fresh data directory (PostgreSQL: a private cluster) with
`concertoctl setup --starter conf/starter`, Apache prefork with ConcertoR On
and the package from BUILD/r/lib, then for demo-cat and for r-cat:

1. one participant at a time for --solo-seconds: the cost of one page
   (submit latency p50/p99, nothing else running);
2. --workers participants at once for --seconds: submits/s and p50/p99.

Afterwards the memory of each Apache child with R loaded (VmRSS, and PSS
from /proc/PID/smaps_rollup, which shares R's pages out fairly), the size of
the R state saved per page, and any non-200 answer or error-log line.

Reuses runner_bench.py (connections, answers, Apache sizing). Needs root
(children run as www-data). Exit status 0 when every request succeeded and
the error logs are clean, 1 otherwise.
"""

import argparse
import os
import statistics
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import runner_bench as rb  # noqa: E402
from runner_bench import harness, Postgres, concertoctl, log, make_data_dir, make_tmpdir  # noqa: E402

TESTS = ("demo-cat", "r-cat")


def run_phase(slug, port, workers, seconds, bank, seed):
    """runner_bench's participants (answers from the 3PL model) taking slug."""
    res, wall = rb.run_phase(slug, port, workers, seconds, "model", bank, seed)
    res["wall"] = wall
    return res


def pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def bench_db(db, args, bank, tmp):
    out = {"db": db, "phases": {}}
    datadir = make_data_dir(tmp, "data-" + db)
    pg = apache = None
    try:
        ctl = ["-d", datadir]
        if db == "pgsql":
            pg = Postgres()
            harness.register_cleanup("postgres destroy", pg.destroy)
            log("[%s] starting a private PostgreSQL cluster" % db)
            pg.start()
            ctl += ["--db", "pgsql", "--db-params", pg.conninfo()]
        code, so, se = concertoctl(ctl + ["setup", "--owner", "www-data", "--starter", rb.STARTER],
                                   env={"CONCERTO_PASSWORD": "Bench-Secret-42"})
        if code != 0:
            raise AssertionError("concertoctl setup exited %d:\n%s%s" % (code, so, se))
        dbconf = ('ConcertoDatabase pgsql "%s"' % pg.conninfo()) if pg else "ConcertoDatabase sqlite3"
        lib = os.path.join(os.path.abspath(args.build), "r", "lib")
        if not os.path.isdir(os.path.join(lib, "concerto")):
            raise AssertionError("the R package is not in %s: run make r-install" % lib)
        # R is per process: the R directives, data dir and database at server level.
        body = rb.EXTRA + ("ConcertoR On\nConcertoRLibrary %s\nConcertoDataDir %s\n%s\n"
                           "<Location />\n    SetHandler concerto\n</Location>\n"
                           % (lib, datadir, dbconf))
        apache = rb.BenchApache("rbench-" + db, body, args.workers, loglevel="warn")
        harness.register_cleanup("apache destroy " + apache.name, apache.destroy)
        apache.start()
        log("[%s] Apache (prefork, %d children, ConcertoR On) on %s" % (db, args.workers + 4, apache.url))
        for slug in TESTS:
            log("[%s] %s: 1 participant for %ss" % (db, slug, args.solo_seconds))
            out["phases"][(slug, "solo")] = run_phase(slug, apache.port, 1, args.solo_seconds, bank, args.seed)
            log("[%s] %s: %d participants for %ss" % (db, slug, args.workers, args.seconds))
            out["phases"][(slug, "load")] = run_phase(slug, apache.port, args.workers, args.seconds, bank,
                                                      args.seed + 1)
        kids = harness.children_of(rb.apache_pid(apache))
        out["children"] = [(pid, rb.kib(rb.proc_status(pid).get("VmRSS")), pss_kib(pid)) for pid in kids]
        state = rb.sql({"pg": pg, "datadir": datadir},
                       "SELECT AVG(LENGTH(s.state)), COUNT(*) FROM test_session s JOIN test t ON t.id = "
                       "s.test_id WHERE t.slug = 'r-cat' AND s.state IS NOT NULL").strip()
        avg, _, count = state.partition("|")
        out["state_avg"] = float(avg) if avg else float("nan")
        out["state_count"] = int(count or 0)
        apache.stop()
        out["log_bad"], out["log_deaths"] = rb.log_problems(apache)
        return out
    finally:
        if apache is not None:
            apache.destroy()
        if pg is not None:
            pg.destroy()


def report(results, args):
    print()
    print("Settings: %d CPUs, load generator on the same machine; prefork with %d children; "
          "solo %ss with 1 participant, load %ss with %d participants"
          % (os.cpu_count(), args.workers + 4, args.solo_seconds, args.seconds, args.workers))
    print()
    hdr = ("database", "test", "page p50 (solo)", "page p99 (solo)", "submits/s (load)",
           "p50 (load)", "p99 (load)", "finished")
    rows = []
    for r in results:
        for slug in TESTS:
            solo, load = r["phases"][(slug, "solo")], r["phases"][(slug, "load")]
            rows.append((r["db"], slug, rb.fmt_ms(rb.pct(solo["lat"], 50)) + " ms",
                         rb.fmt_ms(rb.pct(solo["lat"], 99)) + " ms",
                         "%.0f" % (load["submits"] / load["wall"]),
                         rb.fmt_ms(rb.pct(load["lat"], 50)) + " ms",
                         rb.fmt_ms(rb.pct(load["lat"], 99)) + " ms",
                         str(solo["finished"] + load["finished"])))
    rb.table(hdr, rows)
    print()
    for r in results:
        p = r["phases"]
        solo_ratio = rb.pct(p[("r-cat", "solo")]["lat"], 50) / rb.pct(p[("demo-cat", "solo")]["lat"], 50)
        load_ratio = (p[("r-cat", "load")]["submits"] / max(1, p[("demo-cat", "load")]["submits"]))
        rss = [c[1] for c in r["children"]]
        pss = [c[2] for c in r["children"]]
        print("[%s] r-cat / demo-cat: page p50 (solo) x%.1f; submits/s under load x%.2f"
              % (r["db"], solo_ratio, load_ratio))
        if rss:
            print("[%s] Apache children with R loaded (%d): VmRSS median %d KiB (max %d), "
                  "PSS median %d KiB (max %d)" % (r["db"], len(rss), statistics.median(rss), max(rss),
                                                  statistics.median(pss), max(pss)))
        print("[%s] R state saved per page (r-cat sessions still running): %.0f bytes of base64 "
              "(%d sessions)" % (r["db"], r["state_avg"], r["state_count"]))
    problems = 0
    for r in results:
        for (slug, mode), ph in r["phases"].items():
            bad = {s: n for s, n in ph["status"].items() if s != 200}
            if bad or ph["errors"] or ph["workers_lost"]:
                problems += 1
                print("[%s] %s %s: non-200 %r, errors %r, workers lost %d, e.g. %s"
                      % (r["db"], slug, mode, bad, ph["errors"], ph["workers_lost"], ph["samples"][:2]))
        if r["log_bad"] or r["log_deaths"]:
            problems += 1
            print("[%s] error log: %s" % (r["db"], (r["log_bad"] + r["log_deaths"])[:5]))
    print("no errors" if not problems else "%d problem(s)" % problems)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=("sqlite", "pgsql", "all"), default="sqlite")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--solo-seconds", type=float, default=10)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--build", default=os.path.join(rb.REPO, "build"))
    args = ap.parse_args()
    if not (1 <= args.workers <= 200) or not (0 < args.seconds <= 3600) \
            or not (0 < args.solo_seconds <= 3600):
        ap.error("--workers 1..200, --seconds and --solo-seconds 0..3600")
    harness.Paths.set_build(args.build)
    if not harness.IS_ROOT:
        print("run as root (Apache's children run as www-data, PostgreSQL as postgres)", file=sys.stderr)
        return 2
    harness.install_signal_handlers()
    bank = rb.load_bank()
    tmp = make_tmpdir("concerto-rbench-")
    harness.register_cleanup("tmp " + tmp, lambda: harness.remove_tree(tmp))
    results = []
    try:
        for db in (("sqlite", "pgsql") if args.db == "all" else (args.db,)):
            results.append(bench_db(db, args, bank, tmp))
        problems = report(results, args)
    except (KeyboardInterrupt, harness.Interrupted):
        log("interrupted; stopping everything")
        return 130
    finally:
        harness.cleanup_all()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
