"""Integration tests of Concerto content import and export (concertoctl
content, setup with CONCERTO_CONTENT_URL, /api/admin/content/*) on the
context of run.py (SQLite or PostgreSQL). Each works on its own databases.

Imported by run.py, which runs them in the order they are registered."""

import filecmp
import os

from harness import check, concertoctl, make_data_dir, test

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STARTER = os.path.join(ROOT, "conf", "starter")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "content", "greeting.concerto.yml")


def content_db(ctx, name, starter=False, env=None):
    """A fresh data dir and database, set up (with the starter content)."""
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, name)
    if ctx.served:
        ctx.server.create_database(ctx.db_name(name))
    args = ctx.db_args(datadir, name) + ["setup", "--owner", "www-data"] + (
        ["--starter", STARTER] if starter else [])
    code, out, err = concertoctl(args, env=env)
    check(code == 0, "setup exited %d: %s%s" % (code, out, err))
    return datadir, out


def ctl(ctx, datadir, name, args, expect=0):
    code, out, err = concertoctl(ctx.db_args(datadir, name) + args)
    check(code == expect, "concertoctl %s exited %d (wanted %d): %s%s"
          % (" ".join(args), code, expect, out, err))
    return out + err


def summary(out):
    return [ln for ln in out.splitlines() if ln.startswith("concertoctl: imported")][-1]


@test("content_cli_round_trip")
def t_content_cli_round_trip(ctx):
    """Starter content plus the fixture's wizard, wizard test and flow, in
    every format: export, import into an empty database, export again gives
    the same bytes; importing the export again changes nothing."""
    src, _ = content_db(ctx, "content_src", starter=True)
    out = ctl(ctx, src, "content_src", ["content", "import", FIXTURE])
    check("imported 7 objects" in out and "3 problems" in out, "fixture import: %r" % out)
    for word in ("Sticker", "type 42", "hologram"):
        check(word in out, "problem %r not reported: %r" % (word, out))
    for fmt, sc in (("yml", False), ("json", False), ("concerto", False), ("yml", True)):
        tag = "%s%s" % (fmt, "_sc" if sc else "")
        first = os.path.join(ctx.tmp, "first_" + tag + ("" if sc else "." + fmt))
        second = os.path.join(ctx.tmp, "second_" + tag + ("" if sc else "." + fmt))
        extra = ["--sc"] if sc else ["--format", fmt]
        out = ctl(ctx, src, "content_src", ["content", "export", first, "--data"] + extra)
        check("exported 29 objects" in out, "export %s: %r" % (tag, out))
        role = "content_dst_" + tag
        dst, _ = content_db(ctx, role)
        out = ctl(ctx, dst, role, ["content", "import", first] + (["--sc"] if sc else []))
        check(summary(out).startswith("concertoctl: imported 29 objects"), "import %s: %r"
              % (tag, out))
        ctl(ctx, dst, role, ["content", "export", second, "--data"] + extra)
        if sc:
            cmp = filecmp.dircmp(first, second)
            check(not cmp.diff_files and not cmp.left_only and not cmp.right_only,
                  "sc round trip differs: %s %s %s" % (cmp.diff_files, cmp.left_only,
                                                       cmp.right_only))
            check(os.path.exists(os.path.join(first, "src", "template", "cc-start",
                                              "cc-start.html")), "no externalized template")
        else:
            with open(first, "rb") as a, open(second, "rb") as b:
                check(a.read() == b.read(), "%s round trip: %s and %s differ" % (tag, first, second))
        # Unchanged: everything is ignored.
        out = ctl(ctx, dst, role, ["content", "import", first] + (["--sc"] if sc else []))
        check(summary(out).startswith("concertoctl: imported 0 objects"), "re-import %s: %r"
              % (tag, out))
    # The rows came along (PostgreSQL quotes the camelCase columns).
    rows = ctx.sql(dst, role, 'SELECT COUNT(*) FROM demo_cat_items WHERE "fixedIndex" IS NULL')
    check("169" in str(rows), "demo_cat_items rows: %r" % rows)


@test("content_cli_convert_and_copies")
def t_content_cli_convert_and_copies(ctx):
    role = "content_conv"
    db, _ = content_db(ctx, role)
    ctl(ctx, db, role, ["content", "import", FIXTURE])
    # The fixture's hashes are not ours: a second import makes copies...
    out = ctl(ctx, db, role, ["content", "import", FIXTURE, "--dry-run"])
    check('greeting-page_2' in out and "dry run" in out, "dry run: %r" % out)
    count = ctx.sql(db, role, "SELECT COUNT(*) FROM view_template")
    check("2" in str(count), "dry run wrote: %r" % count)
    out = ctl(ctx, db, role, ["content", "import", FIXTURE,
                              "--action", "ViewTemplate.greeting-footer=ignore"])
    check("imported 6 objects" in out, "copies: %r" % out)
    # ...or, with --convert, overwrites them in place.
    ctx.sql(db, role, "UPDATE view_template SET html = 'edited' WHERE name = 'greeting-page'")
    ctl(ctx, db, role, ["content", "import", FIXTURE, "--convert"])
    html = ctx.sql(db, role, "SELECT html FROM view_template WHERE name = 'greeting-page'")
    check("{{{title}}}" in str(html), "convert did not overwrite: %r" % html)
    ctl(ctx, db, role, ["content", "import", "/nonexistent.yml"], expect=1)
    ctl(ctx, db, role, ["content", "export"], expect=2)
    ctl(ctx, db, role, ["content", "export", os.path.join(ctx.tmp, "x.yml"), "--test", "nope"],
        expect=1)


@test("content_scheduled_task")
def t_content_scheduled_task(ctx):
    """Concerto's content import task (type 5) run by schedule tick."""
    import json
    role = "content_task"
    db, _ = content_db(ctx, role)
    info = json.dumps({"file": FIXTURE}).replace("'", "''")
    ctx.sql(db, role, "INSERT INTO scheduled_task (type, status, description, info, created, "
            "updated) VALUES (5, 0, 'import', '%s', 0, 0)" % info)
    out = ctl(ctx, db, role, ["schedule", "tick"])
    check("1 tasks completed, 0 failed" in out, "tick: %r" % out)
    row = str(ctx.sql(db, role, "SELECT status, output FROM scheduled_task"))
    check("2" in row and "7 objects written" in row, "task row: %r" % row)
    count = ctx.sql(db, role, "SELECT COUNT(*) FROM test_wizard WHERE name = 'greeting'")
    check("1" in str(count), "wizard not imported: %r" % count)


@test("content_setup_url")
def t_content_setup_url(ctx):
    _, out = content_db(ctx, "content_url", env={"CONCERTO_CONTENT_URL": "file://" + FIXTURE})
    check("imported 7 objects" in out, "setup did not import the URL: %r" % out)
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, "content_url_http")
    if ctx.served:
        ctx.server.create_database(ctx.db_name("content_url_http"))
    code, out, err = concertoctl(ctx.db_args(datadir, "content_url_http") + ["setup"],
                                 env={"CONCERTO_CONTENT_URL": "https://example.org/c.yml"})
    check(code == 1 and "not supported yet" in err, "http URL: %d %r %r" % (code, out, err))


ADMIN = "admin"
PASSWORD = "Content-Test-Secret-7"
BASE = "/site"


def content_site(ctx):
    """(apache, datadir) of a site on a database set up with the starter
    content, made once per database."""
    site = getattr(ctx, "_content_site", None)
    if site:
        return site
    import harness
    datadir, _ = content_db(ctx, "content_http", starter=True,
                            env={"CONCERTO_PASSWORD": PASSWORD})
    harness.chown_www(datadir)
    body = """
<Location {base}>
    SetHandler concerto
    ConcertoMaxBodySize 8M
    {db}
</Location>
""".format(base=BASE, db=ctx.db_conf(datadir, "content_http"))
    a = ctx.new_apache("content", body)
    a.start()
    ctx._content_site = (a, datadir)
    return ctx._content_site


def log_in(a):
    import json
    resp = a.request("POST", BASE + "/api/admin/login",
                     json.dumps({"username": ADMIN, "password": PASSWORD}),
                     {"Content-Type": "application/json"})
    check(resp[0] == 200, "login: %r" % (resp[:1],))
    cookie = [c for c in resp[1].get_all("Set-Cookie") if c.startswith("concerto_admin=")][0]
    return {"Cookie": cookie.split(";")[0], "X-CSRF-Token": json.loads(resp[2])["csrf_token"]}


@test("content_http_export_import")
def t_content_http_export_import(ctx):
    import json
    from harness import admin_error, multipart
    a, datadir = content_site(ctx)
    # Only a logged-in super admin.
    admin_error(a.request("GET", BASE + "/api/admin/content/export"), 401)
    auth = log_in(a)
    no_csrf = {"Cookie": auth["Cookie"], "Content-Type": "application/x-yaml"}
    admin_error(a.request("POST", BASE + "/api/admin/content/import", b"x: 1", no_csrf), 403)

    resp = a.request("GET", BASE + "/api/admin/content/export?test=r-cat&data=1", headers=auth)
    check(resp[0] == 200, "export: %r" % (resp[:2],))
    check("attachment" in resp[1].get("Content-Disposition", ""), "not an attachment")
    check(b"name: cat-item" in resp[2] and b"name: demo-cat\n" not in resp[2],
          "r-cat export lacks its node tests or has more")
    code, out, err = concertoctl(ctx.db_args(datadir, "content_http") +
                                 ["content", "export", os.path.join(ctx.tmp, "cli_r_cat.yml"),
                                  "--test", "r-cat", "--data"])
    check(code == 0, "CLI export: %s%s" % (out, err))
    with open(os.path.join(ctx.tmp, "cli_r_cat.yml"), "rb") as f:
        check(f.read() == resp[2], "HTTP and CLI exports of r-cat differ")
    resp = a.request("GET", BASE + "/api/admin/content/export?format=concerto", headers=auth)
    check(resp[0] == 200 and resp[2][:1] == b"\x78", "compressed export: %r" % (resp[:2],))
    admin_error(a.request("GET", BASE + "/api/admin/content/export?test=nope", headers=auth), 404)
    admin_error(a.request("GET", BASE + "/api/admin/content/export?format=xml", headers=auth), 400)

    # Import: a dry run first, then for real with one override.
    with open(FIXTURE, "rb") as f:
        fixture = f.read()
    h = dict(auth, **{"Content-Type": "application/x-yaml"})
    resp = a.request("POST", BASE + "/api/admin/content/import?dry_run=1", fixture, h)
    check(resp[0] == 200, "dry run: %r" % (resp[:3],))
    plan = json.loads(resp[2])
    check(len(plan["instructions"]) == 7 and all(i["action"] == "create"
                                                 for i in plan["instructions"]),
          "dry run instructions: %r" % plan["instructions"])
    check({p["name"] for p in plan["problems"]} == {"gold-star", "greeting", "greeting_log"},
          "dry run problems: %r" % plan["problems"])
    count = ctx.sql(datadir, "content_http", "SELECT COUNT(*) FROM view_template "
                    "WHERE name LIKE 'greeting%'")
    check("0" in str(count), "dry run wrote: %r" % count)
    body, ct = multipart({"file": ("greeting.concerto.yml", fixture),
                          "instructions": json.dumps({"ViewTemplate.greeting-footer": "create"})})
    resp = a.request("POST", BASE + "/api/admin/content/import", body, dict(auth, **ct))
    check(resp[0] == 200, "import: %r" % (resp[:3],))
    done = json.loads(resp[2])
    check(len(done["imported"]) == 7 and "Test greeting-flow" in done["imported"],
          "imported: %r" % done)
    # Again, everything known: copies, or with an override the stored one.
    resp = a.request("POST", BASE + "/api/admin/content/import?dry_run=1&"
                     "action.Test.greeting-flow=convert", fixture, h)
    plan = {i["name"]: i for i in json.loads(resp[2])["instructions"]}
    check(plan["greeting-flow"]["action"] == "convert" and plan["greeting"]["action"] == "create"
          and plan["greeting"]["existing_id"], "second plan: %r" % plan)
    # An API client (a script deploying content) uses its bearer token, no CSRF token.
    resp = a.request("POST", BASE + "/api/admin/clients", json.dumps({"name": "deploy"}),
                     dict(auth, **{"Content-Type": "application/json"}))
    check(resp[0] == 201, "client: %r" % (resp[:3],))
    bearer = {"Authorization": "Bearer " + json.loads(resp[2])["token"]}
    resp = a.request("GET", BASE + "/api/admin/content/export?template=greeting-page&format=json",
                     headers=bearer)
    check(resp[0] == 200 and json.loads(resp[2])["collection"][0]["name"] == "greeting-footer",
          "bearer export: %r" % (resp[:3],))
    resp = a.request("POST", BASE + "/api/admin/content/import?dry_run=1", resp[2],
                     dict(bearer, **{"Content-Type": "application/json"}))
    check(resp[0] == 200 and all(i["action"] == "ignore"
                                 for i in json.loads(resp[2])["instructions"]),
          "bearer dry run of an unchanged export: %r" % (resp[:3],))
    admin_error(a.request("POST", BASE + "/api/admin/content/import", b"{not json",
                          dict(auth, **{"Content-Type": "application/json"})), 400)
    admin_error(a.request("POST", BASE + "/api/admin/content/import",
                          b'{"version":"4.0","collection":[]}',
                          dict(auth, **{"Content-Type": "application/json"})), 400)
