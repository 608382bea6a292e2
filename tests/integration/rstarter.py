"""Integration test of the R starter content (conf/starter: the flow r-cat
and the code test r-questionnaire) through the runner, as `make run`
serves it: the database made by `concertoctl setup --starter`, two Apache
servers with ConcertoR On sharing it, the pages answered alternately on
one and the other. On SQLite and PostgreSQL.

Imported by run.py after rtests (whose helpers it uses)."""

import json
import os
import re

import harness
from harness import check, concertoctl, make_data_dir, test
from rtests import PASSWORD, answer, r_errors, r_library, start, submit

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RADIO = re.compile(r'name="r(\d+)"')


def starter_site(ctx, role):
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, role)
    if ctx.served:
        ctx.server.create_database(ctx.db_name(role))
    code, out, err = concertoctl(ctx.db_args(datadir, role) +
                                 ["setup", "--owner", "www-data", "--starter",
                                  os.path.join(REPO, "conf", "starter")],
                                 env={"CONCERTO_PASSWORD": PASSWORD})
    check(code == 0, "setup --starter exited %d: %s%s" % (code, out, err))
    harness.chown_www(datadir)
    body = ("ConcertoR On\nConcertoRLibrary %s\n%s\n<Location />\n    SetHandler concerto\n"
            "    ConcertoRTimeout 20\n</Location>\n"
            % (r_library(), ctx.db_conf(datadir, role).replace("\n    ", "\n")))
    return datadir, body


def ids_on(page):
    return sorted({int(x) for x in RADIO.findall(page["data"]["templateHtml"])})


def score_map(text):
    options = json.loads(text)
    return {m["value"]: m["score"] for m in options["scoreMap"]}


@test("rtest_starter_content")
def t_rtest_starter(ctx):
    """r-cat and r-questionnaire as a participant takes them: every answer
    on the other server; r-cat's items unique, one response row each, the
    stopping rule kept and the results page showing the last row's theta;
    r-questionnaire's Back, its missing-answer message and its score."""
    datadir, body = starter_site(ctx, "rstarter")
    role = "rstarter"
    bank = {}
    for line in ctx.sql(datadir, role, 'SELECT id, "responseOptions" FROM demo_cat_items').splitlines():
        k, text = line.split("|", 1)
        bank[int(k)] = score_map(text)
    one = ctx.new_apache("rstarter-a", body, loglevel="warn")
    two = ctx.new_apache("rstarter-b", body, loglevel="warn")
    with one, two:
        servers = [one, two]
        # --- r-cat: right, right, wrong, ... (2 of 3 right).
        r = start(one, "r-cat")
        check("Start the test" in r["data"]["templateHtml"], "r-cat's start page: %r" % r["data"])
        status, r = submit(two, r, {"buttonPressed": "next"}, "start")
        first = ids_on(r)
        check(len(first) == 1, "r-cat's first page: %r" % r["data"]["templateHtml"][:300])
        status, r = submit(one, r, {"buttonPressed": "next"}, "empty")
        check(status == 200 and r["code"] == 0 and ids_on(r) == first
              and "Please choose an answer" in r["data"]["templateHtml"],
              "r-cat without an answer: %d %r" % (status, r.get("data", r)))
        asked, scores = [], []
        while r.get("code") == 0 and len(asked) <= 20:
            (item,) = ids_on(r)
            smap = bank[item]
            want = 1 if len(asked) % 3 != 2 else 0
            value = next(v for v, s in sorted(smap.items()) if s == want)
            asked.append(item)
            scores.append(want)
            status, r = submit(servers[len(asked) % 2], r,
                               {"r%d" % item: value, "buttonPressed": "next"}, "a%d" % len(asked))
            check(status == 200, "r-cat answer %d: %d %r" % (len(asked), status, r))
        html = r["data"]["templateHtml"]
        check(r["code"] == 1 and "Your result" in html and "<svg" in html,
              "r-cat did not end with its results page: %r" % html[:500])
        check(len(set(asked)) == len(asked), "an item was asked twice: %r" % asked)
        hash_ = r["hash"]
        rows = ctx.sql(datadir, role,
                       "SELECT item_id, score, theta, sem FROM r_cat_responses WHERE session_id = "
                       "(SELECT id FROM test_session WHERE hash = '%s') ORDER BY id" % hash_)
        rows = [line.split("|") for line in rows.splitlines()]
        check([int(x[0]) for x in rows] == asked and [float(x[1]) for x in rows] == scores,
              "r_cat_responses %r, asked %r" % (rows, asked))
        n, sem = len(rows), float(rows[-1][3])
        check(n == 20 or (n >= 8 and sem <= 0.35), "stopped after %d items at SEM %.3f" % (n, sem))
        check(n < 9 or float(rows[-2][3]) > 0.35, "went on after the rule was met: %r" % rows)
        check("<dd>%.2f</dd>" % float(rows[-1][2]) in html.replace("\u2212", "-"),
              "the results page does not show theta %s" % rows[-1][2])
        status = ctx.sql(datadir, role, "SELECT status FROM test_session WHERE hash = '%s'" % hash_)
        check(status.strip() == "2", "r-cat session status %r, expected 2 (finalized)" % status)
        # --- r-questionnaire.
        chosen = {1: "4", 2: "3", 3: "0", 4: "2", 5: "1", 6: "3", 7: "4", 8: "2", 9: "1"}
        q = start(two, "r-questionnaire")
        check("9 statements" in q["data"]["templateHtml"], "start page: %r" % q["data"])
        steps = [({}, "next", [1, 2, 3]), ("page", "next", [4, 5, 6]), ("page", "back", [1, 2, 3]),
                 ({}, "next", [4, 5, 6]), ({}, "next", [7, 8, 9]), ({7: "4"}, "next", [7, 8, 9]),
                 ("page", "next", None)]
        for k, (values, button, expect) in enumerate(steps):
            if values == "page":
                values = {i: chosen[i] for i in ids_on(q)}
            status, q = submit(servers[k % 2], q, dict({"r%d" % i: v for i, v in values.items()},
                                                       buttonPressed=button), "q%d" % k)
            check(status == 200, "r-questionnaire step %d: %d %r" % (k, status, q))
            if expect:
                check(q["code"] == 0 and ids_on(q) == expect,
                      "r-questionnaire step %d shows %r, expected %r" % (k, ids_on(q), expect))
            if k == 2:
                check('value="3" checked' in q["data"]["templateHtml"], "Back lost the answers")
            if k == 5:
                check("Please answer every statement" in q["data"]["templateHtml"],
                      "no message for a missing answer")
        qbank = {}
        for line in ctx.sql(datadir, role,
                            'SELECT id, "responseOptions" FROM number_attitude_items').splitlines():
            k, text = line.split("|", 1)
            qbank[int(k)] = score_map(text)
        total = sum(qbank[i][v] for i, v in chosen.items())
        html = q["data"]["templateHtml"]
        check(q["code"] == 1 and '%d <span class="cc-score-of">of 36' % total in html,
              "r-questionnaire's feedback page (score %d): %r" % (total, html[:600]))
        got = ctx.sql(datadir, role, "SELECT COUNT(*), SUM(score) FROM r_questionnaire_responses")
        check(got.strip().split("|") in (["9", str(total)], ["9", "%d.0" % total]),
              "r_questionnaire_responses: %r" % got)
        check(sum(r_errors(a)["error"] for a in servers) == 0, "R errors counted")
        status, e = answer(one, "/test/cat-item/start_session", form=True)
        check(status == 404, "the node test cat-item started by its address: %d %r" % (status, e))
    one.audit()
    two.audit()

