"""Integration tests of the admin pages (issue 7, ui) on the context of
run.py: the login redirect and its ?next=, the page shells of every section
with their policy headers, CSRF meta and navigation, the roles that open a
section (403 without), 404 for unknown sections and ids, and the embedded
scripts and editor they load. The platform is served below /ui so that
every link must carry the base. What the scripts do is the browser test's
(tests/browser/admin_pages.js).

Imported by run.py, which runs them in the order they are registered."""

import json
import re
import urllib.parse

import harness
from harness import check, check_status, test

PASSWORD = "Ui-Test-Secret-7"
BASE = "/ui"
SECTIONS = ["", "tests", "templates", "tables", "sessions", "users", "settings", "content"]


def ui_site(ctx):
    """(apache, datadir): this database's site below /ui (harness.admin_site)."""
    return harness.admin_site(ctx, "ui", BASE, PASSWORD)


def login(a, username):
    """The Cookie header and CSRF token of a new session of username."""
    resp = check_status(a.request("POST", BASE + "/api/admin/login",
                                  json.dumps({"username": username, "password": PASSWORD}),
                                  {"Content-Type": "application/json"}), 200)
    cookie = [c for c in (resp[1].get_all("Set-Cookie") or []) if c.startswith("concerto_admin=")]
    check(cookie, "no session cookie for %s" % username)
    return {"Cookie": cookie[0].split(";")[0]}, json.loads(resp[2])["csrf_token"]


def page(a, path, headers=None, status=200):
    resp = check_status(a.request("GET", BASE + path, headers=headers or {}), status, path + ": ")
    return resp[1], resp[2].decode("utf-8")


def boot(html):
    m = re.search(r'<script type="application/json" id="cc-boot">(.*?)</script>', html, re.S)
    check(m, "no boot block")
    return json.loads(m.group(1))


@test("admin_pages_login_redirect")
def t_login_redirect(ctx):
    a, _ = ui_site(ctx)
    for path in ("/admin/tests/3", "/admin/"):
        headers, _ = page(a, path, status=303)
        loc = headers.get("Location", "")
        check(loc.startswith(BASE + "/admin/login?next=")
              and urllib.parse.unquote(loc.split("next=", 1)[1]) == BASE + path,
              "%s: Location %r" % (path, loc))
    headers, _ = page(a, "/admin", status=303)
    check(headers.get("Location") == BASE + "/admin/", "/admin: Location %r" % headers.get("Location"))
    headers, html = page(a, "/admin/login?next=" + BASE + "/admin/tables/2")
    csp = headers.get("Content-Security-Policy", "")
    nonce = re.search(r"'nonce-([0-9a-f]+)'", csp)
    check(nonce and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, "CSP %r" % csp)
    check('nonce="%s"' % nonce.group(1) in html, "the scripts do not carry the CSP's nonce")
    check(headers.get("Cache-Control") == "no-store", "Cache-Control %r" % headers.get("Cache-Control"))
    check('<label for="cc-username">' in html and '<label for="cc-password">' in html, "labels")
    check(boot(html)["next"] == BASE + "/admin/tables/2", "next %r" % boot(html))
    # Off-site or odd targets become the dashboard.
    for evil in ("https://evil.example/", "//evil.example/admin/", BASE + "/admin/../test/x",
                 BASE + "/admin/login"):
        _, html = page(a, "/admin/login?next=" + evil)
        check(boot(html)["next"] == BASE + "/admin/", "next=%s became %r" % (evil, boot(html)["next"]))


@test("admin_pages_every_section")
def t_every_section(ctx):
    a, _ = ui_site(ctx)
    cookie, token = login(a, "admin")
    for section in SECTIONS:
        headers, html = page(a, "/admin/" + section, cookie)
        check(headers.get("Content-Type", "").startswith("text/html"), "%s: type" % section)
        check("frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), "%s: CSP" % section)
        check(headers.get("Cache-Control") == "no-store", "%s: Cache-Control" % section)
        check('<meta name="csrf-token" content="%s">' % token in html, "%s: no CSRF meta" % section)
        b = boot(html)
        check(b["page"] == section and b["base"] == BASE and b["username"] == "admin"
              and b["sections"] == SECTIONS, "%s: boot %r" % (section, b))
        check('href="%s/admin/%s" aria-current="page"' % (BASE, section) in html, "%s: nav" % section)
        # Every script and stylesheet the shell names is served, typed and cacheable.
        for url in re.findall(r'(?:src|href)="(%s/assets/[^"]+)"' % BASE, html):
            status, h, body = a.request("GET", url.replace("&amp;", "&"))
            check(status == 200 and len(body) > 100, "%s: %s answered %d" % (section, url, status))
            ext = url.split("?")[0].rsplit(".", 1)[1]
            check(h.get("Content-Type", "").startswith({"js": "text/javascript", "css": "text/css"}[ext]),
                  "%s: %s type %r" % (section, url, h.get("Content-Type")))
            check("immutable" in h.get("Cache-Control", ""), "%s: %s not cacheable" % (section, url))
    for path in ("/admin/tests/5", "/admin/templates/1", "/admin/tables/1", "/admin/sessions/9"):
        _, html = page(a, path, cookie)
        check(boot(html)["id"] == path.rsplit("/", 1)[1], "%s: id %r" % (path, boot(html)["id"]))
    # The code editor comes with the editing pages only (CodeMirror when
    # libjs-codemirror was there at build time, a stub otherwise).
    _, html = page(a, "/admin/tests/5", cookie)
    m = re.search(r'src="(%s/assets/codemirror\.js\?v=[0-9a-f]+)"' % BASE, html)
    check(m, "no editor on a test's page")
    body = a.request("GET", m.group(1))[2]
    check(b"CodeMirror" in body, "codemirror.js names no CodeMirror")
    _, html = page(a, "/admin/", cookie)
    check("codemirror" not in html, "the dashboard loads the editor")


@test("admin_pages_roles_and_unknown")
def t_roles(ctx):
    a, _ = ui_site(ctx)
    tester, _ = login(a, "tester")
    _, html = page(a, "/admin/tests", tester)
    check(boot(html)["sections"] == ["", "tests", "sessions"], "tester sees %r" % boot(html)["sections"])
    check("/admin/users" not in html, "the tester's navigation links users")
    for path in ("/admin/users", "/admin/tables", "/admin/templates/1", "/admin/content"):
        page(a, path, tester, status=403)
    plain, _ = login(a, "plain")
    _, html = page(a, "/admin/", plain)
    check(boot(html)["sections"] == [""], "plain sees %r" % boot(html)["sections"])
    page(a, "/admin/tests", plain, status=403)
    admin, _ = login(a, "admin")
    for path in ("/admin/nope", "/admin/tests/abc", "/admin/tests/0", "/admin/tests/012",
                 "/admin/users/3", "/admin/tests/1/more", "/admin/login/x"):
        _, body = page(a, path, admin, status=404)
        check("admin" in body or "page" in body, "%s: 404 without a message: %r" % (path, body[:200]))
    # Pages are GET only.
    status, headers, _ = a.request("POST", BASE + "/admin/tests", b"", admin)
    check(status == 405 and "GET" in headers.get("Allow", ""), "POST a page: %d" % status)
