"""Integration tests of the admin REST API (issue 7, rest) on the context
of run.py: create/read/update/delete of each kind, paging totals, a bad
field (422 naming it), malformed JSON (400), a stale revision (409), the
access rule between two users, a user without the role (403), and
/api/data with an API client's bearer token. Each database gets its own
data dir and an Apache serving the platform below /rest.

Imported by run.py, which runs them in the order they are registered."""

import csv
import os
import io
import json

import harness
from harness import admin_error, check, check_status, test

PASSWORD = "Rest-Test-Secret-9"
BASE = "/rest"
API = BASE + "/api/admin"
JSON_CT = {"Content-Type": "application/json"}


def rest_site(ctx):
    """(apache, datadir): this database's site below /rest (harness.admin_site)."""
    return harness.admin_site(ctx, "rest", BASE, PASSWORD)


class Client:
    """A logged-in user: JSON requests with the cookie and CSRF token."""

    def __init__(self, a, username):
        self.a = a
        resp = check_status(a.request("POST", API + "/login",
                                      json.dumps({"username": username, "password": PASSWORD}),
                                      JSON_CT), 200)
        cookie = [c for c in (resp[1].get_all("Set-Cookie") or []) if c.startswith("concerto_admin=")]
        check(cookie, "no session cookie for %s" % username)
        self.headers = {"Cookie": cookie[0].split(";")[0],
                        "X-CSRF-Token": json.loads(resp[2])["csrf_token"]}

    def call(self, method, path, body=None, raw=None, headers=None):
        h = dict(self.headers)
        if body is not None or raw is not None:
            h.update(JSON_CT)
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        return self.a.request(method, API + path, data, h)

    def ok(self, method, path, body=None, status=200, **kw):
        resp = check_status(self.call(method, path, body, **kw), status)
        return json.loads(resp[2]) if resp[2] else None


def field_error(resp, status, field):
    msg = admin_error(resp, status)
    doc = json.loads(resp[2])
    check(doc.get("field") == field, "expected field %r in %r" % (field, doc))
    return msg


@test("rest_tests_crud")
def t_tests_crud(ctx):
    a, _ = rest_site(ctx)
    admin = Client(a, "admin")
    flow = admin.ok("POST", "/tests", {"name": "Rest Flow", "type": 2, "description": "d"}, 201)
    check(flow["slug"] == "rest-flow" and flow["revision"] == 0 and flow["type"] == 2, "%r" % flow)
    check([v["name"] for v in flow["variables"]] == ["out"], "variables %r" % flow["variables"])
    tid = flow["id"]
    nodes = admin.ok("GET", "/tests/%d/nodes" % tid)
    check(sorted(n["type"] for n in nodes["items"]) == [1, 2], "begin/finish %r" % nodes)
    # Update with the revision read; then the same revision again is stale.
    flow = admin.ok("PUT", "/tests/%d" % tid, {"description": "e", "revision": 0})
    check(flow["revision"] == 1 and flow["description"] == "e" and flow["updated_by"] == "admin",
          "%r" % flow)
    msg = field_error(admin.call("PUT", "/tests/%d" % tid, {"description": "f", "revision": 0}), 409,
                      "revision")
    check("admin" in msg and "since you loaded it" in msg, msg)
    field_error(admin.call("PUT", "/tests/%d" % tid, {"type": 9, "revision": 1}), 422, "type")
    field_error(admin.call("POST", "/tests", {"description": "no name"}), 422, "name")
    field_error(admin.call("POST", "/tests", {"name": "rest flow"}), 409, "name")
    admin_error(admin.call("POST", "/tests", raw='{"name": "x",'), 400)
    admin_error(admin.call("POST", "/tests", raw='[1, 2]'), 400)
    admin_error(admin.call("GET", "/tests/999999"), 404)
    admin_error(admin.call("GET", "/tests/abc"), 404)
    admin_error(admin.call("GET", "/nosuchkind"), 404)
    resp = admin.call("GET", "/me/totp")  # auth's path, another method: 405 naming its methods
    admin_error(resp, 405)
    check(resp[1].get("Allow") == "POST, DELETE", "Allow %r" % resp[1].get("Allow"))
    # Children: a code test with a parameter, run in a node of the flow.
    inner = admin.ok("POST", "/tests", {"name": "Rest Inner", "code": "x <- 1"}, 201)
    var = admin.ok("POST", "/tests/%d/variables" % inner["id"],
                   {"name": "item", "type": 0, "value": "1"}, 201)
    check(var["name"] == "item" and var["test_id"] == inner["id"], "%r" % var)
    field_error(admin.call("POST", "/tests/%d/variables" % inner["id"], {"name": "v", "type": 5}),
                422, "type")
    var = admin.ok("PUT", "/tests/%d/variables/%d" % (inner["id"], var["id"]), {"value": "2"})
    check(var["value"] == "2", "%r" % var)
    node = admin.ok("POST", "/tests/%d/nodes" % tid,
                    {"source_test_id": inner["id"], "title": "inner", "pos_x": 10, "pos_y": 20}, 201)
    check(sorted(p["name"] for p in node["ports"]) == ["item", "out"], "ports %r" % node["ports"])
    item = [p for p in node["ports"] if p["name"] == "item"][0]
    port = admin.ok("PUT", "/tests/%d/nodes/%d/ports/%d" % (tid, node["id"], item["id"]),
                    {"value": "3", "default_value": False})
    check(port["value"] == "3" and port["default_value"] is False, "%r" % port)
    begin = [n for n in nodes["items"] if n["type"] == 1][0]
    conn = admin.ok("POST", "/tests/%d/connections" % tid,
                    {"source_node_id": begin["id"], "destination_node_id": node["id"]}, 201)
    field_error(admin.call("POST", "/tests/%d/connections" % tid,
                           {"source_node_id": 999999, "destination_node_id": node["id"]}),
                422, "source_node_id")
    conns = admin.ok("GET", "/tests/%d/connections" % tid)
    check(conns["total"] == 1 and conns["items"][0]["id"] == conn["id"], "%r" % conns)
    flow = admin.ok("GET", "/tests/%d" % tid)
    check(flow["revision"] >= 4, "child writes bump the test: revision %r" % flow["revision"])
    msg = admin_error(admin.call("DELETE", "/tests/%d" % inner["id"]), 409)
    check("Rest Flow" in msg, msg)
    check_status(admin.call("DELETE", "/tests/%d/nodes/%d" % (tid, node["id"])), 204)
    check(admin.ok("GET", "/tests/%d/connections" % tid)["total"] == 0, "connection left behind")
    check_status(admin.call("DELETE", "/tests/%d" % inner["id"]), 204)
    check_status(admin.call("DELETE", "/tests/%d" % tid), 204)
    admin_error(admin.call("GET", "/tests/%d" % tid), 404)


@test("rest_paging")
def t_paging(ctx):
    a, _ = rest_site(ctx)
    admin = Client(a, "admin")
    ids = [admin.ok("POST", "/templates", {"name": "page%02d" % i, "html": "<p>%d</p>" % i}, 201)["id"]
           for i in range(7)]
    doc = admin.ok("GET", "/templates?q=page&sort=name&order=desc&per_page=3&page=2")
    check(doc["total"] == 7 and doc["page"] == 2 and doc["per_page"] == 3, "%r" % doc)
    check([t["name"] for t in doc["items"]] == ["page03", "page02", "page01"], "%r" % doc["items"])
    check("html" not in doc["items"][0], "lists leave long text out")
    field_error(admin.call("GET", "/templates?sort=html"), 422, "sort")
    field_error(admin.call("GET", "/templates?per_page=501"), 400, "per_page")
    tpl = admin.ok("PUT", "/templates/%d" % ids[0], {"css": "p{}", "revision": 0})
    check(tpl["revision"] == 1 and tpl["css"] == "p{}", "%r" % tpl)
    for i in ids:
        check_status(admin.call("DELETE", "/templates/%d" % i), 204)
    check(admin.ok("GET", "/templates?q=page")["total"] == 0, "templates left")


@test("rest_access_rule")
def t_access(ctx):
    a, _ = rest_site(ctx)
    admin, tester, plain = Client(a, "admin"), Client(a, "tester"), Client(a, "plain")
    private = admin.ok("POST", "/tests", {"name": "Admin Private"}, 201)
    public = admin.ok("POST", "/tests", {"name": "Admin Public", "accessibility": 2}, 201)
    listed = tester.ok("GET", "/tests?per_page=500")
    names = [t["name"] for t in listed["items"]]
    check("Admin Public" in names and "Admin Private" not in names, "tester sees %r" % names)
    check(listed["total"] == len(listed["items"]), "total counts what the caller sees: %r" % listed)
    admin_error(tester.call("GET", "/tests/%d" % private["id"]), 403)
    tester.ok("GET", "/tests/%d" % public["id"])
    admin_error(tester.call("GET", "/tests/%d/variables" % private["id"]), 403)
    admin_error(tester.call("GET", "/templates"), 403)  # ROLE_TEST only
    admin_error(plain.call("GET", "/tests"), 403)
    admin_error(a.request("GET", API + "/tests"), 401)
    own = tester.ok("POST", "/tests", {"name": "Tester Own"}, 201)
    check(own["owner_id"] != private["owner_id"], "owner %r" % own)
    for t in (private, public, own):
        check_status(admin.call("DELETE", "/tests/%d" % t["id"]), 204)


@test("rest_tables")
def t_tables(ctx):
    a, _ = rest_site(ctx)
    admin = Client(a, "admin")
    table = admin.ok("POST", "/tables", {"name": "restItems", "columns": [
        {"name": "word", "type": "string", "length": 32},
        {"name": "score", "type": "integer"}]}, 201)
    tid = table["id"]
    check([c["name"] for c in table["columns"]] == ["id", "word", "score"] and table["row_count"] == 0,
          "%r" % table)
    field_error(admin.call("POST", "/tables", {"name": "bad name"}), 422, "name")
    field_error(admin.call("POST", "/tables", {"name": "restitems"}), 409, "name")
    row = admin.ok("POST", "/tables/%d/rows" % tid, {"word": "b", "score": 2}, 201)
    field_error(admin.call("POST", "/tables/%d/rows" % tid, {"score": "many"}), 422, "score")
    data = "word,score\na,3\nc,1\nd,5\n"
    doc = admin.ok("POST", "/tables/%d/csv?mode=append" % tid, raw=data,
                   headers={"Content-Type": "text/csv"})
    check(doc["imported"] == 3, "%r" % doc)
    page = admin.ok("GET", "/tables/%d/rows?sort=score&order=desc&per_page=2&page=1" % tid)
    check(page["total"] == 4 and [r["word"] for r in page["items"]] == ["d", "a"], "%r" % page)
    page = admin.ok("GET", "/tables/%d/rows?filter.word=C" % tid)
    check(page["total"] == 1 and page["items"][0]["word"] == "c", "%r" % page)
    field_error(admin.call("GET", "/tables/%d/rows?sort=nope" % tid), 422, "sort")
    row = admin.ok("PUT", "/tables/%d/rows/%d" % (tid, row["id"]), {"score": 9})
    check(row["score"] == "9", "%r" % row)
    check_status(admin.call("DELETE", "/tables/%d/rows/%d" % (tid, row["id"])), 204)
    admin.ok("POST", "/tables/%d/columns" % tid, {"name": "note", "type": "text"}, 201)
    admin.ok("PUT", "/tables/%d/columns/note" % tid, {"name": "memo"})
    resp = check_status(admin.call("GET", "/tables/%d/csv" % tid), 200)
    check(resp[1].get("Content-Type", "").startswith("text/csv"), "CSV content type")
    check("restItems.csv" in resp[1].get("Content-Disposition", ""), "download name")
    rows = list(csv.DictReader(io.StringIO(resp[2].decode())))
    check([r["word"] for r in rows] == ["a", "c", "d"] and set(rows[0]) == {"id", "word", "score", "memo"},
          "%r" % rows)
    check_status(admin.call("DELETE", "/tables/%d/columns/memo" % tid), 204)
    msg = admin_error(admin.call("POST", "/tables/%d/csv?mode=replace" % tid, raw="word,score\nz,x\n",
                                 headers={"Content-Type": "text/csv"}), 422)
    check("line 2" in msg, msg)
    check(admin.ok("GET", "/tables/%d" % tid)["row_count"] == 3, "a refused import changed rows")
    table = admin.ok("GET", "/tables/%d" % tid)
    table = admin.ok("PUT", "/tables/%d" % tid, {"description": "words", "revision": table["revision"]})
    check(table["description"] == "words", "%r" % table)
    field_error(admin.call("PUT", "/tables/%d" % tid, {"description": "x", "revision": 0}), 409,
                "revision")
    ctx._rest_table = tid


@test("rest_data_api_bearer")
def t_data_api(ctx):
    a, _ = rest_site(ctx)
    admin = Client(a, "admin")
    tid = getattr(ctx, "_rest_table", None)
    check(tid, "rest_tables did not leave its table")
    bearer = admin.ok("POST", "/clients", {"name": "rest data"}, 201)["token"]
    auth = {"Authorization": "Bearer " + bearer}
    data = BASE + "/api/data/"
    rows = json.loads(check_status(a.request("GET", data + "restItems?score>=3", headers=auth), 200)[2])
    check(sorted(r["word"] for r in rows) == ["a", "d"], "%r" % rows)
    rows = json.loads(check_status(a.request("GET", data + "%d?word!=a&format=json" % tid,
                                             headers=auth), 200)[2])
    check(sorted(r["word"] for r in rows) == ["c", "d"], "%r" % rows)
    admin_error(a.request("GET", data + "restItems?nope=1", headers=auth), 400)
    row = json.loads(check_status(a.request("POST", data + "restItems", json.dumps({"word": "n", "score": 4}),
                                            dict(JSON_CT, **auth)), 201)[2])
    admin_error(a.request("POST", data + "restItems", json.dumps({"nope": 1}), dict(JSON_CT, **auth)), 400)
    row = json.loads(check_status(a.request("PUT", data + "restItems/%d" % row["id"],
                                            json.dumps({"score": 6}), dict(JSON_CT, **auth)), 200)[2])
    check(row["score"] == "6", "%r" % row)
    check_status(a.request("DELETE", data + "restItems/%d" % row["id"], headers=auth), 204)
    check_status(a.request("GET", data + "restItems/%d" % row["id"], headers=auth), 404)
    check_status(a.request("GET", data + "restItems"), 401)
    check_status(admin.call("DELETE", "/tables/%d" % tid), 204)


@test("rest_sessions")
def t_sessions(ctx):
    """Sessions as the runner leaves them (a response table named in the
    test's settings, rows keyed "i<session id>", log entries): the list,
    one session with responses and log, responses.csv, session counts and
    the dashboard; tester sees none of admin's private test."""
    a, datadir = rest_site(ctx)
    admin, tester = Client(a, "admin"), Client(a, "tester")
    admin.ok("POST", "/tables", {"name": "restResponses", "columns": [
        {"name": "item_id", "type": "bigint"}, {"name": "response", "type": "string"},
        {"name": "session_id", "type": "string"}, {"name": "theta", "type": "float"},
        {"name": "sem", "type": "float"}]}, 201)
    test_ = admin.ok("POST", "/tests", {"name": "Rest CAT", "type": 3,
                                        "settings": json.dumps({"responseBank": {"table": "restResponses"}})},
                     201)
    other = admin.ok("POST", "/tests", {"name": "Rest Other"}, 201)
    now = int(__import__("time").time())
    for h, t, status, err in (("a" * 40, test_["id"], 2, None), ("b" * 40, test_["id"], 3, "R said no"),
                              ("c" * 40, other["id"], 0, None)):
        ctx.sql(datadir, "rest", "INSERT INTO test_session (hash, test_id, status, error, created, updated) "
                "VALUES ('%s', %d, %d, %s, %d, %d)" % (h, t, status, "'%s'" % err if err else "NULL",
                                                        now, now))
    sid = int(ctx.sql(datadir, "rest", "SELECT id FROM test_session WHERE hash = '%s'" % ("a" * 40)).strip())
    ctx.sql(datadir, "rest", "INSERT INTO test_session_log (session_id, test_id, type, message, created) "
            "VALUES (%d, %d, 2, 'started', %d)" % (sid, test_["id"], now))
    ctx.sql(datadir, "rest", "INSERT INTO test_session_count (session_count, created) VALUES (4, %d)" % now)
    for item, theta in ((1, 0.5), (2, 0.75)):
        check_status(admin.call("POST", "/tables/%d/rows" % admin.ok("GET", "/tables?q=restResponses")
                                ["items"][0]["id"],
                                {"item_id": item, "response": "1", "session_id": "i%d" % sid,
                                 "theta": theta, "sem": 0.4}), 201)
    listed = admin.ok("GET", "/sessions?test_id=%d&sort=id" % test_["id"])
    check(listed["total"] == 2 and listed["items"][0]["test_name"] == "Rest CAT"
          and listed["items"][0]["hash"] == "a" * 40, "%r" % listed)
    check(admin.ok("GET", "/sessions?status=3")["total"] >= 1, "status filter")
    field_error(admin.call("GET", "/sessions?sort=hash"), 422, "sort")
    one = admin.ok("GET", "/sessions/%d" % sid)
    check([r["theta"] for r in one["responses"]] == ["0.5", "0.75"] and one["responses"][0]["sem"] == "0.4",
          "responses %r" % one["responses"])
    check(one["log"] and one["log"][0]["message"] == "started", "log %r" % one["log"])
    resp = check_status(admin.call("GET", "/tests/%d/responses.csv" % test_["id"]), 200)
    rows = list(csv.DictReader(io.StringIO(resp[2].decode())))
    check(len(rows) == 2 and rows[1]["theta"] == "0.75" and rows[0]["session_id"] == "i%d" % sid,
          "csv %r" % rows)
    counts = admin.ok("GET", "/session_counts?since=%d" % (now - 10))
    check(counts["items"] and counts["items"][-1]["count"] == 4, "%r" % counts)
    dash = admin.ok("GET", "/dashboard")
    check(dash["sessions_today"] >= 3 and dash["active_sessions"] >= 1
          and any(e["error"] == "R said no" and e["test_name"] == "Rest CAT" for e in dash["recent_errors"]),
          "%r" % dash)
    # tester: admin's tests are private.
    check(tester.ok("GET", "/sessions")["total"] == 0, "tester sees sessions")
    admin_error(tester.call("GET", "/sessions/%d" % sid), 403)
    admin_error(tester.call("GET", "/tests/%d/responses.csv" % test_["id"]), 403)
    check(not any(e["test_name"] == "Rest CAT" for e in tester.ok("GET", "/dashboard")["recent_errors"]),
          "dashboard shows another user's private test")
    admin_error(admin.call("GET", "/sessions/999999"), 404)
    # Deleting a session: super admins only.
    failed = int(ctx.sql(datadir, "rest", "SELECT id FROM test_session WHERE hash = '%s'" % ("b" * 40)).strip())
    admin_error(tester.call("DELETE", "/sessions/%d" % failed), 403)
    check_status(admin.call("DELETE", "/sessions/%d" % failed), 204)
    admin_error(admin.call("GET", "/sessions/%d" % failed), 404)


@test("rest_users_wizards_settings_tasks")
def t_users_etc(ctx):
    a, _ = rest_site(ctx)
    admin, tester = Client(a, "admin"), Client(a, "tester")
    # Users (super admin only): password written, never read back.
    admin_error(tester.call("GET", "/users"), 403)
    user = admin.ok("POST", "/users", {"username": "rest_new", "password": "Secret-Pass-1",
                                       "email": "n@example.org", "roles": ["ROLE_TEMPLATE"]}, 201)
    check(user["roles"] == ["ROLE_TEMPLATE"] and user["revision"] == 0, "%r" % user)
    check("password" not in user and "password_hash" not in user, "secret returned: %r" % user)
    field_error(admin.call("POST", "/users", {"username": "x", "password": "short"}), 422, "password")
    field_error(admin.call("POST", "/users", {"username": "y", "password": "Secret-Pass-1",
                                              "roles": ["ROLE_KING"]}), 422, "roles")
    field_error(admin.call("POST", "/users", {"username": "REST_NEW", "password": "Secret-Pass-1"}),
                409, "username")
    user = admin.ok("PUT", "/users/%d" % user["id"], {"roles": ["ROLE_TEST", "ROLE_TABLE"],
                                                      "password": "Other-Pass-22", "revision": 0})
    check(sorted(user["roles"]) == ["ROLE_TABLE", "ROLE_TEST"] and user["revision"] == 1, "%r" % user)
    field_error(admin.call("PUT", "/users/%d" % user["id"], {"email": "z@example.org", "revision": 0}),
                409, "revision")
    resp = a.request("POST", API + "/login", json.dumps({"username": "rest_new",
                                                         "password": "Other-Pass-22"}), JSON_CT)
    check_status(resp, 200)
    listed = admin.ok("GET", "/users?q=rest_new")
    check(listed["total"] == 1 and listed["items"][0]["roles"], "%r" % listed)
    me = admin.ok("GET", "/me")
    admin_error(admin.call("DELETE", "/users/%d" % me["id"]), 409)
    check_status(admin.call("DELETE", "/users/%d" % user["id"]), 204)
    # Wizards: steps and params below the wizard, each write bumps it.
    t = admin.ok("POST", "/tests", {"name": "Rest Wizard Source"}, 201)
    var = admin.ok("POST", "/tests/%d/variables" % t["id"], {"name": "n", "type": 0}, 201)
    wiz = admin.ok("POST", "/wizards", {"name": "rest wizard", "test_id": t["id"]}, 201)
    check(wiz["steps"] == [] and wiz["params"] == [] and wiz["revision"] == 0, "%r" % wiz)
    field_error(admin.call("POST", "/wizards", {"name": "w2", "test_id": 999999}), 422, "test_id")
    step = admin.ok("POST", "/wizards/%d/steps" % wiz["id"], {"title": "First", "order_num": 1}, 201)
    param = admin.ok("POST", "/wizards/%d/params" % wiz["id"],
                     {"step_id": step["id"], "variable_id": var["id"], "label": "N", "value": "3"}, 201)
    field_error(admin.call("POST", "/wizards/%d/params" % wiz["id"],
                           {"step_id": step["id"], "variable_id": 999999}), 422, "variable_id")
    wiz = admin.ok("GET", "/wizards/%d" % wiz["id"])
    check(wiz["revision"] == 2 and wiz["steps"][0]["title"] == "First"
          and wiz["params"][0]["id"] == param["id"], "%r" % wiz)
    wiz = admin.ok("PUT", "/wizards/%d" % wiz["id"], {"description": "d", "revision": 2})
    check(wiz["revision"] == 3, "%r" % wiz)
    check_status(admin.call("DELETE", "/wizards/%d/params/%d" % (wiz["id"], param["id"])), 204)
    check(admin.ok("GET", "/wizards")["total"] >= 1, "wizard list")
    admin_error(tester.call("GET", "/wizards"), 403)
    check_status(admin.call("DELETE", "/wizards/%d" % wiz["id"]), 204)
    check_status(admin.call("DELETE", "/tests/%d" % t["id"]), 204)
    # Settings.
    s = admin.ok("PUT", "/settings/rest_note", {"value": "hello"})
    check(s == {"key": "rest_note", "value": "hello", "exposed": False}, "%r" % s)
    check(any(i["key"] == "rest_note" and i["value"] == "hello" for i in admin.ok("GET", "/settings")["items"]),
          "settings list")
    field_error(admin.call("PUT", "/settings/rest_note", {"nothing": 1}), 422, "value")
    admin_error(tester.call("GET", "/settings"), 403)
    # Tasks: pending until cancelled; a second cancel is refused.
    task = admin.ok("POST", "/tasks", {"type": 4, "description": "install x", "info": {"name": "x"}}, 201)
    check(task["status"] == 0 and task["info"] == '{"name":"x"}', "%r" % task)
    field_error(admin.call("POST", "/tasks", {"type": 42}), 422, "type")
    task = admin.ok("POST", "/tasks/%d/cancel" % task["id"])
    check(task["status"] == 4, "%r" % task)
    admin_error(admin.call("POST", "/tasks/%d/cancel" % task["id"]), 409)
    check(admin.ok("GET", "/tasks?status=4")["total"] >= 1, "task list")
    check(admin.ok("GET", "/tasks/%d" % task["id"])["description"] == "install x", "task get")


@test("rest_files")
def t_files(ctx):
    a, datadir = rest_site(ctx)
    admin, tester = Client(a, "admin"), Client(a, "tester")
    body = (b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo one.png\"\r\n"
            b"Content-Type: image/png\r\n\r\nPNGDATA\r\n--XYZ--\r\n")
    doc = admin.ok("POST", "/files?path=img", raw=body, status=201,
                   headers={"Content-Type": "multipart/form-data; boundary=XYZ"})
    check(doc["saved"] == [{"name": "logo_one.png", "size": 7}], "%r" % doc)
    with open(os.path.join(datadir, "files", "img", "logo_one.png"), "rb") as f:
        check(f.read() == b"PNGDATA", "stored bytes")
    listing = admin.ok("GET", "/files?path=img")
    check([(i["name"], i["type"], i["size"]) for i in listing["items"]] == [("logo_one.png", "file", 7)],
          "%r" % listing)
    check(any(i["name"] == "img" and i["type"] == "dir" for i in admin.ok("GET", "/files")["items"]),
          "top listing")
    field_error(admin.call("GET", "/files?path=../.."), 422, "path")
    field_error(admin.call("DELETE", "/files?path=img/../../concerto.db"), 422, "path")
    admin_error(admin.call("DELETE", "/files?path=img"), 409)
    admin_error(tester.call("GET", "/files"), 403)
    check_status(admin.call("DELETE", "/files?path=img/logo_one.png"), 204)
    check_status(admin.call("DELETE", "/files?path=img"), 204)
    admin_error(admin.call("GET", "/files?path=img"), 404)
