#!/usr/bin/env python3
"""Validate the starter content in conf/starter (Python 3 standard library).

    python3 conf/starter/check.py        exit 0 when all is well, 1 otherwise

Checks:
- the CSV files are what make_items.py generates (so every numeracy answer
  was recomputed and compared with the written one just now);
- both item banks: RFC 4180 CSV in UTF-8 with the exact columns, unique ids,
  responseOptions JSON in Concerto's format, plain-text question/labels;
- demo-cat: >= 120 items, exactly one option scores 1 (the rest 0), 3PL
  parameter ranges, a wide spread of difficulty, the correct option spread
  over the four positions, enough items in each content-balancing trait;
- questionnaire: 8-12 items, 5 categories scored 0..4 (reverse-keyed items
  scored 4..0), GRM alpha and strictly increasing thresholds;
- tests.json: the tables, the two tests and their assessment settings
  (values in Concerto's enumerations, content balancing against the bank's
  traits, column maps against the tables, templates that exist);
- templates: well-formed HTML, no external resources, Concerto's form
  conventions (radios named r{itemId} with labels, buttons next/back), every
  insert documented in README.md and every documented insert used, and the
  sample pages of preview.py render with no insert left unfilled.
"""

import csv
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep conf/starter free of __pycache__
sys.path.insert(0, HERE)

import make_items  # noqa: E402
import preview  # noqa: E402

ERRORS = []


def err(where, msg):
    ERRORS.append("%s: %s" % (where, msg))


def read_text(name):
    path = os.path.join(HERE, name)
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        err(name, "starts with a byte order mark")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        err(name, "not UTF-8: %s" % e)
        return data.decode("utf-8", "replace")


# ------------------------------------------------------------------ CSV

def read_csv(name, columns):
    text = read_text(name)
    if re.search(r"(?<!\r)\n", text):
        err(name, "a line ends in LF without CR (RFC 4180 wants CRLF)")
    if not text.endswith("\r\n"):
        err(name, "the last record does not end with CRLF")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    if not rows or rows[0] != columns:
        err(name, "header is %r, expected %r" % (rows[0] if rows else None, columns))
        return []
    out = []
    for n, r in enumerate(rows[1:], start=2):
        if len(r) != len(columns):
            err("%s line %d" % (name, n), "%d fields, expected %d" % (len(r), len(columns)))
            continue
        d = dict(zip(columns, r))
        d["_line"] = n
        out.append(d)
    return out


def num(where, row, col, lo=None, hi=None):
    try:
        v = float(row[col])
    except ValueError:
        err(where, "%s is %r, not a number" % (col, row[col]))
        return None
    if not math.isfinite(v):
        err(where, "%s is not finite" % col)
        return None
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        err(where, "%s = %g is outside [%g, %g]" % (col, v, lo, hi))
    return v


PLAIN = re.compile(r"[<>&]")


def plain(where, what, s):
    if not s.strip():
        err(where, "%s is empty" % what)
    if PLAIN.search(s):
        err(where, "%s contains <, > or &; the starter text is plain text" % what)
    if s != s.strip() or "  " in s:
        err(where, "%s has stray spaces" % what)


RO_KEYS = {"type", "optionsRandomOrder", "optionsColumnsNum", "options", "scoreMap", "defaultScore"}


def response_options(where, text, n_options):
    """The parsed responseOptions, or None; checks Concerto's layout."""
    try:
        ro = json.loads(text)
    except ValueError as e:
        err(where, "responseOptions is not JSON: %s" % e)
        return None
    if not isinstance(ro, dict) or set(ro) != RO_KEYS:
        err(where, "responseOptions keys %r, expected %r"
            % (sorted(ro) if isinstance(ro, dict) else ro, sorted(RO_KEYS)))
        return None
    if ro["type"] != "options":
        err(where, 'responseOptions.type is %r, expected "options"' % ro["type"])
    for k in ("optionsRandomOrder", "optionsColumnsNum"):
        if ro[k] != "0":
            err(where, 'responseOptions.%s is %r, expected "0"' % (k, ro[k]))
    if ro["defaultScore"] != 0 or isinstance(ro["defaultScore"], bool):
        err(where, "responseOptions.defaultScore is %r, expected 0" % ro["defaultScore"])
    opts, smap = ro["options"], ro["scoreMap"]
    if not isinstance(opts, list) or len(opts) != n_options:
        err(where, "expected %d options" % n_options)
        return None
    values, labels = [], []
    for k, o in enumerate(opts, start=1):
        if not isinstance(o, dict) or set(o) != {"label", "value", "fixedIndex"}:
            err(where, "option %d must have exactly label, value, fixedIndex" % k)
            return None
        if not all(isinstance(o[f], str) for f in o):
            err(where, "option %d: label, value and fixedIndex must be strings" % k)
            return None
        if o["fixedIndex"] != str(k):
            err(where, "option %d has fixedIndex %r" % (k, o["fixedIndex"]))
        if not re.fullmatch(r"[0-9]+", o["value"]):
            err(where, "option %d value %r is not a small whole number" % (k, o["value"]))
        plain(where, "option %d label" % k, o["label"])
        values.append(o["value"])
        labels.append(o["label"].strip().casefold())
    if len(set(values)) != len(values):
        err(where, "option values repeat: %r" % values)
    if len(set(labels)) != len(labels):
        err(where, "option labels repeat")
    if not isinstance(smap, list) or len(smap) != len(opts):
        err(where, "scoreMap needs one entry per option")
        return None
    for s in smap:
        if not isinstance(s, dict) or set(s) != {"value", "score", "trait"}:
            err(where, "scoreMap entries must have exactly value, score, trait")
            return None
        if s["trait"] != "":
            err(where, "scoreMap trait %r: the starter items have no option traits" % s["trait"])
        if not isinstance(s["score"], int) or isinstance(s["score"], bool):
            err(where, "scoreMap score %r is not an integer" % (s["score"],))
            return None
    if [s["value"] for s in smap] != values:
        err(where, "scoreMap values %r do not match the options %r"
            % ([s["value"] for s in smap], values))
        return None
    return ro


DICHOTOMOUS_COLUMNS = ["id", "fixedIndex", "trait", "question", "responseOptions",
                       "p1", "p2", "p3", "p4", "skippable", "instructions", "itemSet"]
GRM_COLUMNS = DICHOTOMOUS_COLUMNS[:9] + ["p5"] + DICHOTOMOUS_COLUMNS[9:]


def common_row(where, r, ids):
    if not re.fullmatch(r"[1-9][0-9]{0,17}", r["id"]):
        err(where, "id %r is not a positive integer" % r["id"])
    elif r["id"] in ids:
        err(where, "id %s repeats" % r["id"])
    ids.add(r["id"])
    if r["skippable"] not in ("0", "1"):
        err(where, "skippable is %r, expected 0 or 1" % r["skippable"])
    if r["fixedIndex"] != "":
        err(where, "fixedIndex must be empty (CAT would force the item's position; "
                   "linear order is the id order)")
    if r["itemSet"] != "":
        err(where, "itemSet is expected empty")
    plain(where, "question", r["question"])
    plain(where, "instructions", r["instructions"])


def check_demo_cat(name):
    rows = read_csv(name, DICHOTOMOUS_COLUMNS)
    ids, traits, positions, bs = set(), {}, [0, 0, 0, 0], []
    questions = set()
    for r in rows:
        where = "%s line %d (id %s)" % (name, r["_line"], r["id"])
        common_row(where, r, ids)
        if r["trait"] not in ("numeracy", "vocabulary"):
            err(where, "trait %r is not numeracy or vocabulary" % r["trait"])
        traits[r["trait"]] = traits.get(r["trait"], 0) + 1
        if r["question"] in questions:
            err(where, "the same question appears twice")
        questions.add(r["question"])
        num(where, r, "p1", 0.6, 2.0)
        b = num(where, r, "p2", -3.0, 3.0)
        num(where, r, "p3", 0.1, 0.25)
        d = num(where, r, "p4")
        if d is not None and d != 1.0:
            err(where, "p4 = %g, expected 1" % d)
        if b is not None:
            bs.append(b)
        ro = response_options(where, r["responseOptions"], 4)
        if ro is None:
            continue
        scores = [s["score"] for s in ro["scoreMap"]]
        if sorted(scores) != [0, 0, 0, 1]:
            err(where, "scores %r: exactly one option must score 1, the others 0" % scores)
        else:
            positions[scores.index(1)] += 1
    n = len(rows)
    if n < 120:
        err(name, "%d items; at least 120 are wanted" % n)
    for t in ("numeracy", "vocabulary"):
        if traits.get(t, 0) < 30:
            err(name, "only %d %s items; content balancing needs at least 30" % (traits.get(t, 0), t))
    if sum(1 for b in bs if b <= -1) < 25 or sum(1 for b in bs if b >= 1) < 25:
        err(name, "difficulty spread too narrow: want >= 25 items with b <= -1 and >= 25 with b >= 1")
    for k, c in enumerate(positions, start=1):
        if n and not 0.18 <= c / n <= 0.32:
            err(name, "the correct option is in position %d for %.0f%% of the items "
                      "(should be about 25%%)" % (k, 100.0 * c / n))
    return rows, traits


LIKERT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


def check_questionnaire(name):
    rows = read_csv(name, GRM_COLUMNS)
    ids, reversed_n, traits = set(), 0, set()
    for r in rows:
        where = "%s line %d (id %s)" % (name, r["_line"], r["id"])
        common_row(where, r, ids)
        traits.add(r["trait"])
        alpha = num(where, r, "p1", 0.5, 4.0)
        th = [num(where, r, "p%d" % k, -4.0, 4.0) for k in range(2, 6)]
        if alpha is not None and None not in th and not all(a < b for a, b in zip(th, th[1:])):
            err(where, "GRM thresholds p2..p5 %r are not strictly increasing" % th)
        ro = response_options(where, r["responseOptions"], 5)
        if ro is None:
            continue
        if [o["value"] for o in ro["options"]] != ["0", "1", "2", "3", "4"]:
            err(where, "option values must be 0..4")
        if [o["label"] for o in ro["options"]] != LIKERT:
            err(where, "options must be the 5 agreement labels, disagree first")
        scores = [s["score"] for s in ro["scoreMap"]]
        if scores == [4, 3, 2, 1, 0]:
            reversed_n += 1
        elif scores != [0, 1, 2, 3, 4]:
            err(where, "scores %r: expected 0..4, or 4..0 for a reverse-keyed item" % scores)
    if not 8 <= len(rows) <= 12:
        err(name, "%d items; 8 to 12 are wanted" % len(rows))
    if not 1 <= reversed_n <= len(rows) // 2:
        err(name, "%d reverse-keyed items; want at least 1 and at most half" % reversed_n)
    if len(traits) != 1 or "" in traits:
        err(name, "all items should measure one named trait, found %r" % sorted(traits))
    return rows, {t: len(rows) for t in traits}


# ------------------------------------------------------------ tests.json

TABLE_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_]{0,63}")
COLUMN_TYPES = re.compile(r"(boolean|bigint|date|datetime|decimal(\(\d+,\d+\))?|float|integer|"
                          r"json|smallint|string(\(\d+\))?|text)")
CRITERIA = {"MFI", "bOpt", "thOpt", "MLWI", "MPWI", "MEI", "MEPV", "progressive",
            "proportional", "KL", "KLP", "GDI", "GDIP", "random"}
MODELS = {"dichotomous", "GRM", "MGRM", "PCM", "GPCM", "RSM", "NRM"}
REQUIRED = {
    "itemBankType": str, "itemBankTable": dict, "itemSet": str, "order": str,
    "itemsPerPage": int, "canGoBack": bool, "canSkipItems": bool,
    "exposureMaxItems": int, "exposureMinSessions": int, "exposureLimit": (int, float),
    "itemNumLimit": int, "itemTimeLimit": (int, float), "minAccuracy": (int, float),
    "minAccuracyMinItems": int, "itemTimeFullRequired": bool, "testTimeLimitType": str,
    "testTimeLimit": (int, float), "model": str, "nextItemCriterion": str,
    "nextItemRandomesque": int, "scoringMethod": str, "d": (int, float),
    "startingTheta": (int, float), "contentBalancing": list, "responseRequired": bool,
    "responseBank": dict, "calculateTheta": bool, "calculateSem": bool,
    "sessionResuming": bool, "itemTemplate": str, "title": str, "logo": str,
    "instructions": str, "backButtonLabel": str, "nextButtonLabel": str,
    "showPageInfo": bool, "responseRequiredAlert": str, "footer": str,
    "startTemplate": str, "startButtonLabel": str, "resultsTemplate": str,
    "resultsTitle": str, "resultsIntro": str,
}


def check_tests(banks, template_names):
    where = "tests.json"
    try:
        spec = json.loads(read_text("tests.json"))
    except ValueError as e:
        err(where, "not JSON: %s" % e)
        return None
    if spec.get("format") != "mod_concerto-starter/1":
        err(where, 'format must be "mod_concerto-starter/1"')
    tables = {}
    for t in spec.get("tables", []):
        w = "%s table %s" % (where, t.get("name"))
        if not TABLE_NAME.fullmatch(str(t.get("name"))):
            err(w, "name does not match [a-zA-Z][a-zA-Z0-9_]{0,63}")
        if t.get("name") in tables:
            err(w, "defined twice")
        if t.get("kind") not in ("assessmentItems", "assessmentResponses", "data"):
            err(w, "kind must be assessmentItems, assessmentResponses or data")
        cols = [c.get("name") for c in t.get("columns", [])]
        if not cols or cols[0] != "id" or len(set(cols)) != len(cols):
            err(w, "columns must start with id and not repeat")
        for c in t.get("columns", []):
            if not COLUMN_TYPES.fullmatch(str(c.get("type"))) or not isinstance(c.get("nullable"), bool):
                err(w, "column %s: bad type or nullable" % c.get("name"))
        if t.get("csv"):
            if t["csv"] not in banks:
                err(w, "csv %s is not one of the checked banks" % t["csv"])
            elif banks[t["csv"]]["columns"] != cols:
                err(w, "columns differ from the header of %s" % t["csv"])
        elif t.get("kind") == "assessmentItems":
            err(w, "an item table needs its csv")
        tables[t.get("name")] = dict(t, colnames=cols)
    tpl_file = spec.get("templates")
    if tpl_file != "templates/templates.json":
        err(where, 'templates must be "templates/templates.json"')
    slugs = set()
    tests = {}
    rtests = {}
    for t in spec.get("tests", []):
        w = "%s test %s" % (where, t.get("slug"))
        slug = str(t.get("slug"))
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", slug) or slug in slugs:
            err(w, "slug must be unique lower-case letters, digits and -")
        slugs.add(slug)
        for k in ("name", "description"):
            if not isinstance(t.get(k), str) or not t[k].strip():
                err(w, "%s missing" % k)
        if t.get("type") in ("code", "flow"):
            rtests[t.get("name")] = t
            check_rtest(w, t, rtests, tables, template_names)
            continue
        if t.get("type") != "assessment":
            err(w, 'type must be "assessment", "code" or "flow"')
        s = t.get("settings", {})
        for k, typ in REQUIRED.items():
            if k not in s:
                err(w, "setting %s missing" % k)
            elif not isinstance(s[k], typ) or (typ is int and isinstance(s[k], bool)):
                err(w, "setting %s has the wrong type (%r)" % (k, s[k]))
        if any(k not in s or not isinstance(s[k], REQUIRED[k]) for k in REQUIRED):
            continue
        tests[slug] = s
        if s["itemBankType"] != "table":
            err(w, 'itemBankType must be "table"')
        if s["order"] not in ("manual", "random", "cat"):
            err(w, "order %r" % s["order"])
        if s["model"] not in MODELS:
            err(w, "model %r" % s["model"])
        if s["scoringMethod"] not in ("BM", "ML", "WL", "EAP"):
            err(w, "scoringMethod %r" % s["scoringMethod"])
        if s["nextItemCriterion"] not in CRITERIA:
            err(w, "nextItemCriterion %r" % s["nextItemCriterion"])
        if s["testTimeLimitType"] not in ("startedAgo", "timeSpent"):
            err(w, "testTimeLimitType %r" % s["testTimeLimitType"])
        for k in ("itemsPerPage", "nextItemRandomesque"):
            if s[k] < 1:
                err(w, "%s must be at least 1" % k)
        for k in ("exposureMaxItems", "exposureMinSessions", "itemNumLimit", "itemTimeLimit",
                  "minAccuracy", "minAccuracyMinItems", "testTimeLimit"):
            if s[k] < 0:
                err(w, "%s must not be negative" % k)
        if not 0 < s["exposureLimit"] <= 1 or s["d"] <= 0:
            err(w, "exposureLimit must be in (0, 1] and d positive")
        for k in ("itemTemplate", "startTemplate", "resultsTemplate"):
            if s[k] not in template_names:
                err(w, "%s %r is not in templates/templates.json" % (k, s[k]))
        items = tables.get(s["itemBankTable"].get("table"))
        resp = tables.get(s["responseBank"].get("table"))
        if not items or items.get("kind") != "assessmentItems":
            err(w, "itemBankTable.table is not an assessmentItems table")
            continue
        if not resp or resp.get("kind") != "assessmentResponses":
            err(w, "responseBank.table is not an assessmentResponses table")
        for cmap, tab, logical in ((s["itemBankTable"], items,
                                    ["id", "question", "responseOptions", "trait", "fixedIndex",
                                     "p1", "skippable", "instructions", "itemSet"]),
                                   (s["responseBank"], resp or {"colnames": []},
                                    ["id", "item_id", "response", "score", "timeTaken", "session_id",
                                     "theta", "sem", "trait", "skipped", "createdTime", "updateTime"])):
            m = cmap.get("columns", {})
            if set(m) != set(logical):
                err(w, "column map of %s: logical names %r, expected %r"
                    % (cmap.get("table"), sorted(m), sorted(logical)))
            for k, v in m.items():
                if v not in tab["colnames"]:
                    err(w, "column map of %s: %s -> %r is not a column" % (cmap.get("table"), k, v))
        bank = banks.get(items.get("csv"))
        if not bank:
            continue
        cb = s["contentBalancing"]
        if cb:
            names = [c.get("name") for c in cb]
            props = [c.get("proportion") for c in cb]
            if set(names) != set(bank["traits"]) or len(set(names)) != len(names):
                err(w, "contentBalancing names %r must be the bank's traits %r"
                    % (names, sorted(bank["traits"])))
            if any(not isinstance(p, (int, float)) or p <= 0 for p in props) or \
                    abs(sum(props) - 1) > 1e-9:
                err(w, "contentBalancing proportions must be positive and sum to 1")
        if s["model"] == "dichotomous" and bank["columns"] != DICHOTOMOUS_COLUMNS:
            err(w, "a dichotomous bank needs p1..p4")
        if s["model"] == "GRM" and bank["columns"] != GRM_COLUMNS:
            err(w, "this GRM bank (5 categories) needs p1..p5")
        if s["order"] == "cat" and s["itemNumLimit"] > len(bank["rows"]):
            err(w, "itemNumLimit is larger than the bank")
    check_r_starter(rtests)
    # What the issue asks of the two starter tests.
    cat = tests.get("demo-cat")
    if not cat:
        err(where, "no test with slug demo-cat")
    else:
        want = {"order": "cat", "model": "dichotomous", "nextItemCriterion": "MFI",
                "nextItemRandomesque": 3, "minAccuracy": 0.35, "minAccuracyMinItems": 8,
                "itemNumLimit": 25, "itemsPerPage": 1, "canGoBack": False}
        for k, v in want.items():
            if cat.get(k) != v:
                err(where + " test demo-cat", "%s is %r, expected %r" % (k, cat.get(k), v))
        if cat.get("scoringMethod") not in ("EAP", "BM"):
            err(where + " test demo-cat", "scoringMethod must be EAP or BM")
        if len(cat.get("contentBalancing", [])) < 2:
            err(where + " test demo-cat", "content balancing over both traits expected")
    linear = [s for k, s in tests.items() if s.get("model") == "GRM"]
    if len(linear) != 1:
        err(where, "expected one GRM questionnaire")
    else:
        q = linear[0]
        for k, v in {"order": "manual", "itemsPerPage": 3, "canGoBack": True}.items():
            if q.get(k) != v:
                err(where + " questionnaire", "%s is %r, expected %r" % (k, q.get(k), v))
    return spec


# ------------------------------------------------------ R tests (issue 5)

VARIABLE_NAME = re.compile(r"\.?[a-zA-Z][a-zA-Z0-9_]*(?<!_)")
VAR_TYPES = ("input", "return", "branch")


def variables(t):
    """[(name, type)] of a test's variables, with the branch out every test gets."""
    out = [(v.get("name"), v.get("type")) for v in t.get("variables", [])]
    if ("out", "branch") not in out:
        out.append(("out", "branch"))
    return out


def check_code(w, t, tables, template_names):
    """The R file: it parses (when Rscript is here), and the templates and
    tables it names by a literal exist."""
    name = t.get("code")
    if not isinstance(name, str) or not re.fullmatch(r"code/[a-z0-9-]+\.R", name):
        err(w, 'code must name an R file code/NAME.R')
        return
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        err(w, "%s does not exist" % name)
        return
    code = read_text(name)
    if "\r" in code or not code.endswith("\n"):
        err(name, "LF line ends, ending with one")
    for tpl in re.findall(r'concerto\.template\.(?:show|get)\(\s*"([^"]+)"', code):
        if tpl not in template_names:
            err(name, "template %r is not in templates/templates.json" % tpl)
    for table in re.findall(r"(?i)\b(?:INSERT\s+INTO|UPDATE|FROM)\s+([a-z_][a-z0-9_]*)", code):
        if table not in tables:
            err(name, "table %r is not in tests.json" % table)
    if not re.search(r"concerto\.template\.show\(", code) and t.get("type") == "code" \
            and t.get("visibility") != "subtest":
        err(name, "a runnable code test should show a page")
    rscript = shutil.which("Rscript")
    if rscript:
        r = subprocess.run([rscript, "--vanilla", "-e", "invisible(parse(file = '%s'))" % path],
                           capture_output=True, text=True)
        if r.returncode != 0:
            lines = [x.strip() for x in r.stderr.splitlines() if x.strip()]
            err(name, "R cannot parse it: %s" % " ".join(lines[:2]))


def check_rtest(w, t, rtests, tables, template_names):
    if t.get("visibility", "regular") not in ("regular", "subtest"):
        err(w, "visibility must be regular or subtest")
    seen = set()
    for v in t.get("variables", []):
        key = (v.get("name"), v.get("type"))
        if not VARIABLE_NAME.fullmatch(str(v.get("name"))) or v.get("type") not in VAR_TYPES:
            err(w, "variable %r: bad name or type" % (v.get("name"),))
        if key in seen:
            err(w, "variable %s (%s) twice" % key)
        seen.add(key)
        if v.get("value") is not None and not isinstance(v["value"], str):
            err(w, "variable %s: a value is text" % v.get("name"))
    own = variables(t)
    if t["type"] == "code":
        check_code(w, t, tables, template_names)
        branches = [n for n, ty in own if ty == "branch"]
        if len(branches) > 1 and (".branch", "return") not in own:
            err(w, "a code test with branches other than out returns .branch")
        return
    if "code" in t:
        err(w, "a flow test has no code")
    nodes = {}
    for n in t.get("nodes", []):
        key, ty = n.get("key"), n.get("type")
        nw = "%s node %s" % (w, key)
        if not isinstance(key, str) or key in nodes:
            err(nw, "a node needs a key of its own")
            continue
        if ty == "regular":
            src = rtests.get(n.get("test"))
            if not src or src is t:
                err(nw, "test %r is not a code or flow test listed before" % n.get("test"))
                continue
            ports = set(variables(src))
        elif ty == "begin":
            ports = {(name, "return") for name, vt in own if vt == "input"}
        elif ty == "finish":
            ports = {(name, "input") for name, vt in own if vt == "return"}
        else:
            err(nw, "type must be regular, begin or finish")
            continue
        for p in n.get("ports", []):
            pk = (p.get("name"), p.get("type"))
            if pk not in ports and not p.get("dynamic"):
                err(nw, "port %s (%s) matches no variable and is not dynamic" % pk)
            ports.add(pk)
            if p.get("pointer") and not VARIABLE_NAME.fullmatch(
                    str(p.get("pointerVariable", p.get("name")))):
                err(nw, "port %s: bad pointerVariable" % p.get("name"))
        nodes[key] = (ty, ports)
    kinds = [ty for ty, _ in nodes.values()]
    if kinds.count("begin") != 1 or kinds.count("finish") != 1:
        err(w, "a flow needs one begin node and one finish node")
        return
    edges = {}
    for k, c in enumerate(t.get("connections", []), start=1):
        cw = "%s connection %d" % (w, k)
        src, dst = nodes.get(c.get("from")), nodes.get(c.get("to"))
        fp, tp = c.get("fromPort"), c.get("toPort")
        if not src or not dst:
            err(cw, "from and to must be node keys")
            continue
        if tp is None:
            ok = (fp is None and src[0] == "begin") or (fp, "branch") in src[1]
            edges.setdefault(c["from"], set()).add(c["to"])
        else:
            ok = fp is not None and (fp, "return") in src[1] and (tp, "input") in dst[1]
        if not ok:
            err(cw, "execution edges go from a branch port (or no port of the begin node) to "
                    "no port, data edges from a return port to an input port")
        if "returnFunction" in c and (tp is None or not isinstance(c["returnFunction"], str)):
            err(cw, "only a data edge has a returnFunction (R code, text)")
    # Every node is reached from the begin node, and the finish node too.
    begin = next(k for k, (ty, _) in nodes.items() if ty == "begin")
    reached, todo = {begin}, [begin]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    for k in nodes:
        if k not in reached:
            err(w, "node %s cannot be reached from the begin node" % k)


def check_r_starter(rtests):
    """What issue 5 asks: the adaptive test as a flow of R code nodes, a
    questionnaire in one code test."""
    cat = rtests.get("r-cat")
    if not cat or cat.get("type") != "flow":
        err("tests.json", "no flow test r-cat")
    else:
        code = "".join(read_text(rtests[n["test"]]["code"]) for n in cat.get("nodes", [])
                       if n.get("type") == "regular" and n.get("test") in rtests
                       and rtests[n["test"]].get("type") == "code"
                       and os.path.exists(os.path.join(HERE, rtests[n["test"]]["code"])))
        for fn in ("nextItem(", "thetaEst(", "semTheta(", "concerto.table.query(",
                   "finalize = TRUE", ".branch <-"):
            if fn not in code:
                err("tests.json test r-cat", "its nodes' code never uses %s" % fn)
    q = rtests.get("r-questionnaire")
    if not q or q.get("type") != "code":
        err("tests.json", "no code test r-questionnaire")
    elif os.path.exists(os.path.join(HERE, str(q.get("code")))):
        code = read_text(q["code"])
        if code.count("concerto.template.show(") < 3 or "finalize = TRUE" not in code:
            err(q["code"], "expected several pages and a final one (finalize = TRUE)")


# ------------------------------------------------------------- templates

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Tree(HTMLParser):
    """Checks nesting, collects ids, labels, inputs and buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems = [], []
        self.ids, self.label_for, self.inputs, self.buttons = [], [], [], []
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label":
            self.label_for.append(a.get("for"))
        if tag in ("input", "select", "textarea"):
            self.inputs.append(a)
        if tag == "button":
            self.buttons.append(a)
        for k, v in attrs:
            if k in ("src", "href", "action", "formaction", "xlink:href") and v and \
                    re.match(r"(?i)\s*([a-z][a-z0-9+.-]*:|//)", v) and not v.startswith("#"):
                self.problems.append("external reference %s=%r" % (k, v))
            if k.startswith("on"):
                self.problems.append("inline event handler %s" % k)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag in VOID or tag in ("circle", "line", "polygon", "polyline", "path", "rect"):
            self.handle_starttag(tag, attrs)
            if tag not in VOID:
                self.stack.pop()
        else:
            self.problems.append("<%s/> is not a void element" % tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append("</%s> closes a void element" % tag)
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> does not close <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
        else:
            self.stack.pop()

    def finish(self):
        self.close()
        if self.stack:
            self.problems.append("unclosed: %s" % " ".join("<%s>" % t for t in self.stack))
        return self


def parse(text):
    t = Tree()
    t.feed(text)
    return t.finish()


def readme_inserts():
    """{(name, raw)} listed in README.md's section "Template inserts"."""
    text = read_text("README.md")
    m = re.search(r"^## Template inserts\n(.*?)(?=^## )", text, re.S | re.M)
    if not m:
        err("README.md", 'no section "## Template inserts"')
        return set(), text
    return set(preview.inserts(m.group(1))), text


def check_templates(spec):
    try:
        tpl = preview.load_templates()
    except (OSError, ValueError, KeyError) as e:
        err("templates/templates.json", str(e))
        return set()
    documented, readme = readme_inserts()
    used = set()
    css_files = set()
    for name, t in tpl.items():
        w = "templates/%s" % t["html"]
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,63}", name):
            err(w, "template name %r" % name)
        if t.get("kind") not in ("page", "part"):
            err(w, "kind must be page or part")
        if ("`%s`" % name) not in readme:
            err("README.md", "template %s is not described" % name)
        html_text = t["html_text"]
        if t.get("css"):
            css_files.add(t["css"])
        # Every insert stands alone: no {{ }} inside an insert, none broken.
        stripped = preview.INSERT.sub("", html_text)
        if "{{" in stripped or "}}" in stripped:
            err(w, "a {{ or }} that is not a well-formed insert")
        for ins in preview.inserts(html_text):
            used.add(ins)
            if ins not in documented:
                err(w, "insert %s is not documented in README.md"
                    % ("{{{%s}}}" % ins[0] if ins[1] else "{{%s}}" % ins[0]))
        tree = parse(preview.INSERT.sub(lambda m: "{{%s}}" % (m.group(1) or m.group(2)), html_text))
        for p in tree.problems:
            err(w, p)
        if "script" in tree.tags or "link" in tree.tags or "style" in tree.tags:
            err(w, "no <script>, <link> or <style> in template HTML (CSS goes in the css file)")
        for b in tree.buttons:
            if b.get("type") != "button" or b.get("name") not in ("next", "back") or \
                    b.get("value") != b.get("name"):
                err(w, 'buttons must be type="button" with name and value next or back')
        for i in tree.inputs:
            if i.get("type") == "radio":
                if i.get("name") != "r{{itemId}}":
                    err(w, "a radio must be named r{{itemId}} (Concerto's r{itemId})")
                if i.get("id") not in tree.label_for:
                    err(w, "a radio without a <label for=...>")
    for ins in documented - used:
        err("README.md", "documents %s, which no template uses"
            % ("{{{%s}}}" % ins[0] if ins[1] else "{{%s}}" % ins[0]))
    for c in css_files:
        css = read_text(os.path.join("templates", c))
        body = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
        if body.count("{") != body.count("}"):
            err("templates/" + c, "braces do not balance")
        if re.search(r"(?i)@import|url\s*\(|@font-face|https?:", body):
            err("templates/" + c, "no @import, url(), @font-face or external addresses")
        for prelude in re.findall(r"([^{}]+)\{", body):
            prelude = prelude.strip()
            if prelude.startswith("@"):
                continue
            for sel in prelude.split(","):
                if not re.match(r"\.cc(?![\w-])|\.cc-[\w-]+", sel.strip()):
                    err("templates/" + c, "selector %r is not under .cc (do not style the "
                                          "runner page)" % sel.strip())
    # Render the sample pages as the runner would.
    missing = set()
    try:
        rendered = preview.pages(missing)
    except Exception as e:  # a broken bank or template must not stop the report
        err("preview.py", "rendering the sample pages failed: %r" % e)
        rendered = {}
    for name, page in rendered.items():
        w = "rendered %s" % name
        if "{{" in page:
            err(w, "an insert was left in the page")
        tree = parse(page)
        for p in tree.problems:
            err(w, p)
        dup = {i for i in tree.ids if tree.ids.count(i) > 1}
        if dup:
            err(w, "duplicate ids: %s" % ", ".join(sorted(dup)))
        radios = [i for i in tree.inputs if i.get("type") == "radio"]
        for r in radios:
            if not re.fullmatch(r"r[1-9][0-9]*", r.get("name", "")):
                err(w, "radio named %r" % r.get("name"))
            if r.get("id") not in tree.label_for:
                err(w, "radio %s has no label" % r.get("id"))
        if name in ("item.html", "questionnaire.html") and not radios:
            err(w, "no radio buttons")
    if missing:
        err("preview.py", "inserts the sample pages leave unfilled: %s" % ", ".join(sorted(missing)))
    return set(tpl)


def main():
    generated = make_items.generate()   # exits with a message on a wrong answer
    for name, text in generated.items():
        if read_text(name) != text:
            err(name, "differs from what make_items.py generates; run python3 %s"
                % os.path.join("conf", "starter", "make_items.py"))
    banks = {}
    rows, traits = check_demo_cat("demo-cat-items.csv")
    banks["demo-cat-items.csv"] = {"rows": rows, "traits": traits, "columns": DICHOTOMOUS_COLUMNS}
    rows, traits = check_questionnaire("questionnaire-items.csv")
    banks["questionnaire-items.csv"] = {"rows": rows, "traits": traits, "columns": GRM_COLUMNS}
    names = check_templates(None)
    check_tests(banks, names)
    if ERRORS:
        for e in ERRORS:
            print("check.py: " + e, file=sys.stderr)
        print("check.py: %d problem(s) in conf/starter" % len(ERRORS), file=sys.stderr)
        return 1
    print("conf/starter: %d demo-cat items (%s), %d questionnaire items, tests.json and "
          "%d templates OK" % (len(banks["demo-cat-items.csv"]["rows"]),
                               ", ".join("%s %d" % kv for kv in sorted(banks["demo-cat-items.csv"]["traits"].items())),
                               len(banks["questionnaire-items.csv"]["rows"]), len(names)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
