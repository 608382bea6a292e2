#!/usr/bin/env python3
"""Counts the SQL statements PostgreSQL receives for each runner request
(not a test): a private cluster with log_statement = all, `concertoctl
setup --starter conf/starter`, one Apache child, and one participant who
starts demo-cat and submits --submits pages on one connection. Each
request's statements are the log lines written while it ran.

    python3 tests/bench/submit_statements.py [--build build] [--submits 5] [--show]

Prints, per request, the number of statements (and them with --show), then
the median per submit. Needs root, as runner_bench.py."""

import argparse
import json
import os
import re
import statistics
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

import harness  # noqa: E402
from harness import Apache, Paths, Postgres, concertoctl, make_data_dir, make_tmpdir  # noqa: E402

STARTER = os.path.join(REPO, "conf", "starter")
START = "/api/runner/test/demo-cat/session/start"
SUBMIT = "/api/runner/test/session/%s/submit"
JSON = {"Content-Type": "application/json"}
# "LOG:  statement: ..." (simple protocol) or "LOG:  execute <name>: ..."
STATEMENT = re.compile(r"LOG:\s+(statement|execute [^:]*):\s*(.*)")


class OneChild(Apache):
    def __init__(self, name, body, **kw):
        self.MPM_SIZING = {"prefork": "<IfModule mpm_prefork_module>\n    StartServers 1\n"
                                      "    MinSpareServers 1\n    MaxSpareServers 1\n"
                                      "    MaxRequestWorkers 1\n</IfModule>\n"}
        super().__init__(name, body, mpm="prefork", **kw)


def statements(pg, offset):
    time.sleep(0.2)  # the backends' log lines of this request
    with open(pg.logfile, errors="replace") as f:
        f.seek(offset)
        text = f.read()
        end = f.tell()
    found = []
    for line in text.splitlines():
        m = STATEMENT.search(line)
        if m:
            found.append(m.group(2))
    return found, end


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--submits", type=int, default=5)
    ap.add_argument("--show", action="store_true", help="print the statements")
    args = ap.parse_args()
    Paths.set_build(args.build)
    harness.install_signal_handlers()
    tmp = make_tmpdir("concerto-count-")
    pg = apache = None
    try:
        pg = Postgres().start()
        datadir = make_data_dir(tmp)
        code, so, se = concertoctl(["-d", datadir, "--db", "pgsql", "--db-params", pg.conninfo(),
                                    "setup", "--owner", "www-data", "--starter", STARTER],
                                   env={"CONCERTO_PASSWORD": "Count-Secret-42"})
        if code != 0:
            raise AssertionError("setup exited %d: %s%s" % (code, so, se))
        pg.psql("ALTER SYSTEM SET log_statement = 'all'", user="postgres", db="postgres")
        pg.psql("SELECT pg_reload_conf()", user="postgres", db="postgres")
        body = ("<Location />\n    SetHandler concerto\n    ConcertoDataDir %s\n"
                '    ConcertoDatabase pgsql "%s"\n</Location>\n' % (datadir, pg.conninfo()))
        apache = OneChild("count", body, loglevel="warn")
        apache.start()
        # a first session warms the child (connection, caches); not counted
        counts = {"start": [], "submit": []}
        offset = os.path.getsize(pg.logfile)
        for session in range(2):
            st, _h, b = apache.request("POST", START, b"{}", headers=JSON)
            assert st == 200, (st, b[:300])
            found, offset = statements(pg, offset)
            if session:
                counts["start"].append(len(found))
                print("start: %d statements" % len(found))
                if args.show:
                    print("    " + "\n    ".join(found))
            r = json.loads(b)
            for n in range(args.submits):
                if r.get("code") != 0:
                    break
                values = {"buttonPressed": "next"}
                for item in r["data"]["templateParams"]["items"]:
                    values["r%s" % item["id"]] = "1"
                req = json.dumps({"values": values, "token": r["token"],
                                  "submitId": "c%d-%d" % (session, n)}).encode()
                st, _h, b = apache.request("POST", SUBMIT % r["hash"], req, headers=JSON)
                assert st == 200, (st, b[:300])
                found, offset = statements(pg, offset)
                r = json.loads(b)
                if session:
                    counts["submit"].append(len(found))
                    print("submit %d: %d statements" % (n + 1, len(found)))
                    if args.show:
                        print("    " + "\n    ".join(found))
        print("median statements per submit: %s" % statistics.median(counts["submit"]))
    finally:
        if apache:
            apache.destroy()
        if pg:
            pg.destroy()
        harness.remove_tree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
