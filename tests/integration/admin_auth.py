"""Integration tests of the admin logins (issue 7, accounts) on the context
of run.py: the session cookie and its attributes, GET /api/admin/me, the
CSRF token and Origin check on state-changing requests, logout, and the
idle and absolute ends of a session. Each database gets its own data dir
and an Apache that serves the platform below /site.

Imported by run.py, which runs them in the order they are registered."""

import hashlib
import json
import re
import time
import urllib.parse

import harness
from harness import admin_error, check, check_status, concertoctl, make_data_dir, test

ADMIN = "admin"
PASSWORD = "Auth-Test-Secret-7"
BASE = "/site"
JSON_CT = {"Content-Type": "application/json"}
FORM_CT = {"Content-Type": "application/x-www-form-urlencoded"}
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def auth_site(ctx):
    """(apache, datadir) of this database's auth site, made once."""
    site = getattr(ctx, "_auth_site", None)
    if site:
        return site
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, "auth")
    if ctx.served:
        ctx.server.create_database(ctx.db_name("auth"))
    code, out, err = concertoctl(ctx.db_args(datadir, "auth") + ["setup", "--owner", "www-data"],
                                 env={"CONCERTO_PASSWORD": PASSWORD})
    check(code == 0, "setup exited %d: %s%s" % (code, out, err))
    harness.chown_www(datadir)
    # /tls claims to have come over TLS (HTTPS=on, as mod_ssl sets it).
    body = """
LoadModule env_module {mods}/mod_env.so
<Location {base}>
    SetHandler concerto
    {db}
</Location>
<Location /tls>
    SetHandler concerto
    SetEnv HTTPS on
    {db}
</Location>
""".format(mods=harness.APACHE_MODULES, base=BASE, db=ctx.db_conf(datadir, "auth"))
    a = ctx.new_apache("auth", body)
    a.start()
    ctx._auth_site = (a, datadir)
    return ctx._auth_site


def sql(ctx, statement):
    _, datadir = auth_site(ctx)
    return ctx.sql(datadir, "auth", statement)


def cookies_of(resp):
    return resp[1].get_all("Set-Cookie") or []


def log_in(a, base=BASE, password=PASSWORD, headers=None):
    """(token, csrf, response) of a right login."""
    h = dict(JSON_CT)
    h.update(headers or {})
    resp = check_status(a.request("POST", base + "/api/admin/login",
                                  json.dumps({"username": ADMIN, "password": password}), h), 200)
    doc = json.loads(resp[2])
    cookies = [c for c in cookies_of(resp) if c.startswith("concerto_admin=")]
    check(len(cookies) == 1, "login set %r, expected one concerto_admin cookie" % cookies_of(resp))
    token = cookies[0].split(";")[0].split("=", 1)[1]
    return token, doc.get("csrf_token"), resp


def with_cookie(token, extra=None):
    h = {"Cookie": "other=1; concerto_admin=%s" % token}
    h.update(extra or {})
    return h


def me(a, token, base=BASE):
    return a.request("GET", base + "/api/admin/me", headers=with_cookie(token) if token else None)


@test("auth_login_sets_cookie")
def t_login_cookie(ctx):
    a, _ = auth_site(ctx)
    token, csrf, resp = log_in(a)
    doc = json.loads(resp[2])
    check(doc.get("username") == ADMIN, "login answer %r" % doc)
    check("ROLE_SUPER_ADMIN" in (doc.get("roles") or []), "roles %r lack ROLE_SUPER_ADMIN" % doc)
    check(HEX64.match(csrf or ""), "csrf_token %r is not 64 hex digits" % csrf)
    check(HEX64.match(token), "cookie value %r is not 64 hex digits" % token)
    cookie = [c for c in cookies_of(resp) if c.startswith("concerto_admin=")][0]
    attrs = [p.strip() for p in cookie.split(";")[1:]]
    for want in ("Path=%s/" % BASE, "HttpOnly", "SameSite=Strict"):
        check(want in attrs, "cookie %r lacks %s" % (cookie, want))
    check("Secure" not in attrs, "cookie %r is Secure on plain HTTP" % cookie)
    # The database has the token's SHA-256 only.
    stored = sql(ctx, "SELECT token_hash FROM admin_session")
    check(hashlib.sha256(token.encode()).hexdigest() in stored, "token hash not stored: %r" % stored)
    check(token not in stored, "the token itself is in the database")


@test("auth_login_cookie_secure_over_tls")
def t_login_tls(ctx):
    a, _ = auth_site(ctx)
    token, _, resp = log_in(a, base="/tls")
    cookie = [c for c in cookies_of(resp) if c.startswith("concerto_admin=")][0]
    attrs = [p.strip() for p in cookie.split(";")[1:]]
    check("Secure" in attrs and "Path=/tls/" in attrs, "cookie over TLS: %r" % cookie)


@test("auth_login_cross_site_refused")
def t_login_cross_site(ctx):
    a, _ = auth_site(ctx)
    body = json.dumps({"username": ADMIN, "password": PASSWORD})
    resp = a.request("POST", BASE + "/api/admin/login", body,
                     dict(JSON_CT, Origin="https://evil.example"))
    msg = admin_error(resp, 403)
    check("another web site" in msg, "message %r" % msg)
    check(not [c for c in cookies_of(resp) if "concerto_admin=" in c], "a cookie was set anyway")
    # Same site (Origin of the Host the request went to): fine.
    log_in(a, headers={"Origin": "http://127.0.0.1:%d" % a.port})


@test("auth_me")
def t_me(ctx):
    a, _ = auth_site(ctx)
    resp = me(a, None)
    msg = admin_error(resp, 401)
    check("log in" in msg, "message %r" % msg)
    check(resp[1].get("WWW-Authenticate", "").startswith("Bearer"), "no WWW-Authenticate on 401")
    msg = admin_error(me(a, "f" * 64), 401)
    check("expired" in msg, "an unknown cookie: %r" % msg)
    token, csrf, _ = log_in(a)
    doc = json.loads(check_status(me(a, token), 200)[2])
    for key in ("id", "username", "email", "roles", "groups", "csrf_token", "totp_enabled"):
        check(key in doc, "/me lacks %r: %r" % (key, doc))
    check(doc["username"] == ADMIN and doc["csrf_token"] == csrf and doc["totp_enabled"] is False,
          "/me answered %r" % doc)
    check(isinstance(doc["id"], int) and "ROLE_SUPER_ADMIN" in doc["roles"], "/me answered %r" % doc)
    # The cookie of another path does not count.
    check_status(a.request("GET", BASE + "/api/admin/me",
                           headers={"Cookie": "concerto_admin_x=%s" % token}), 401)


@test("auth_csrf_and_logout")
def t_csrf_logout(ctx):
    a, _ = auth_site(ctx)
    token, csrf, _ = log_in(a)
    logout = BASE + "/api/admin/logout"
    msg = admin_error(a.request("POST", logout, "", with_cookie(token)), 403)
    check("X-CSRF-Token" in msg, "no CSRF token: %r" % msg)
    admin_error(a.request("POST", logout, "", with_cookie(token, {"X-CSRF-Token": "0" * 64})), 403)
    admin_error(a.request("POST", logout, "", with_cookie(token, {"X-CSRF-Token": csrf[:-1]})), 403)
    admin_error(a.request("POST", logout, "", with_cookie(token, {
        "X-CSRF-Token": csrf, "Origin": "http://evil.example:%d" % a.port})), 403)
    check_status(me(a, token), 200, "the session after refused logouts")
    resp = check_status(a.request("POST", logout, "", with_cookie(token, {"X-CSRF-Token": csrf})), 204)
    cleared = [c for c in cookies_of(resp) if c.startswith("concerto_admin=;")]
    check(cleared and "Max-Age=0" in cleared[0], "logout did not clear the cookie: %r" % cookies_of(resp))
    admin_error(me(a, token), 401)
    stored = sql(ctx, "SELECT token_hash FROM admin_session")
    check(hashlib.sha256(token.encode()).hexdigest() not in stored, "the session row is still there")
    # A form posts the token as the field _csrf.
    token, csrf, _ = log_in(a)
    check_status(a.request("POST", logout, urllib.parse.urlencode({"_csrf": "x" * 64}),
                           with_cookie(token, FORM_CT)), 403)
    check_status(a.request("POST", logout, urllib.parse.urlencode({"_csrf": csrf}),
                           with_cookie(token, FORM_CT)), 204)
    admin_error(me(a, token), 401)
    # Logging out without a session still clears the cookie.
    check_status(a.request("POST", logout, ""), 204)


@test("auth_session_expiry")
def t_expiry(ctx):
    a, _ = auth_site(ctx)
    now = int(time.time())
    token, _, _ = log_in(a)
    h = hashlib.sha256(token.encode()).hexdigest()
    check_status(me(a, token), 200)
    sql(ctx, "UPDATE admin_session SET expires = %d WHERE token_hash = '%s'" % (now - 1, h))
    msg = admin_error(me(a, token), 401)
    check("expired" in msg, "expired session: %r" % msg)
    check(h not in sql(ctx, "SELECT token_hash FROM admin_session"), "the expired row was kept")
    # Idle for longer than ConcertoAdminSessionIdle (3600 s by default).
    token, _, _ = log_in(a)
    h = hashlib.sha256(token.encode()).hexdigest()
    sql(ctx, "UPDATE admin_session SET last_seen = %d WHERE token_hash = '%s'" % (now - 3700, h))
    admin_error(me(a, token), 401)
    # Used within the limit: alive, and the idle clock restarts.
    token, _, _ = log_in(a)
    h = hashlib.sha256(token.encode()).hexdigest()
    sql(ctx, "UPDATE admin_session SET last_seen = %d WHERE token_hash = '%s'" % (now - 3000, h))
    check_status(me(a, token), 200)
    seen = int(sql(ctx, "SELECT last_seen FROM admin_session WHERE token_hash = '%s'" % h).strip())
    check(seen >= now, "last_seen %d was not moved to now (%d)" % (seen, now))


def admin_roles(ctx, roles):
    """Gives the admin exactly these roles (user_role rows)."""
    sql(ctx, "DELETE FROM user_role WHERE user_id = (SELECT id FROM concerto_user WHERE username = '%s')"
        % ADMIN)
    for role in roles:
        sql(ctx, "INSERT INTO user_role (user_id, role_id) SELECT u.id, r.id FROM concerto_user u, role r "
            "WHERE u.username = '%s' AND r.role = '%s'" % (ADMIN, role))


CLIENTS = BASE + "/api/admin/clients"


@test("auth_roles_from_user_role")
def t_roles(ctx):
    """The roles are read from user_role on every request; the clients
    endpoints need ROLE_SUPER_ADMIN."""
    a, _ = auth_site(ctx)
    token, csrf, _ = log_in(a)
    try:
        check_status(a.request("GET", CLIENTS, headers=with_cookie(token)), 200)
        admin_roles(ctx, ["ROLE_TEST", "ROLE_TABLE"])
        msg = admin_error(a.request("GET", CLIENTS, headers=with_cookie(token)), 403)
        check("role" in msg, "message %r" % msg)
        doc = json.loads(check_status(me(a, token), 200)[2])
        check(sorted(doc["roles"]) == ["ROLE_TABLE", "ROLE_TEST"], "/me roles %r" % doc["roles"])
        admin_error(a.request("POST", CLIENTS, json.dumps({"name": "x"}),
                              with_cookie(token, dict(JSON_CT, **{"X-CSRF-Token": csrf}))), 403)
        admin_roles(ctx, [])
        doc = json.loads(check_status(me(a, token), 200)[2])
        check(doc["roles"] == [], "/me roles %r, expected none" % doc["roles"])
    finally:
        admin_roles(ctx, ["ROLE_SUPER_ADMIN"])
    check_status(a.request("GET", CLIENTS, headers=with_cookie(token)), 200)


@test("auth_api_clients")
def t_api_clients(ctx):
    a, _ = auth_site(ctx)
    token, csrf, _ = log_in(a)
    cookie_json = with_cookie(token, dict(JSON_CT, **{"X-CSRF-Token": csrf}))
    admin_error(a.request("GET", CLIENTS), 401)
    admin_error(a.request("POST", CLIENTS, json.dumps({"name": "nightly"}), with_cookie(token, JSON_CT)),
                403)  # a cookie session needs its CSRF token
    for bad in ({}, {"name": "  "}, {"name": "n" * 65}):
        resp = a.request("POST", CLIENTS, json.dumps(bad), cookie_json)
        admin_error(resp, 422)
        check(json.loads(resp[2]).get("field") == "name", "422 without field name: %r" % resp[2])
    resp = check_status(a.request("POST", CLIENTS, json.dumps({"name": " nightly export "}), cookie_json), 201)
    doc = json.loads(resp[2])
    check(doc.get("name") == "nightly export" and isinstance(doc.get("id"), int)
          and HEX64.match(doc.get("token") or ""), "created %r" % doc)
    client_id, bearer = doc["id"], doc["token"]
    check(resp[1].get("Location", "").endswith("/api/admin/clients/%d" % client_id),
          "Location %r" % resp[1].get("Location"))
    stored = sql(ctx, "SELECT token_hash FROM api_client WHERE id = %d" % client_id)
    check(hashlib.sha256(bearer.encode()).hexdigest() in stored and bearer not in stored,
          "the database should hold the token's hash only: %r" % stored)
    listed = json.loads(check_status(a.request("GET", CLIENTS, headers=with_cookie(token)), 200)[2])
    mine = [c for c in listed["items"] if c["id"] == client_id]
    check(mine and mine[0]["name"] == "nightly export" and mine[0]["username"] == ADMIN
          and "token" not in mine[0], "list %r" % listed)
    check(listed["total"] == len(listed["items"]), "total %r" % listed)
    # The bearer acts as the admin, without cookie or CSRF token.
    auth = {"Authorization": "Bearer " + bearer}
    doc = json.loads(check_status(a.request("GET", BASE + "/api/admin/me", headers=auth), 200)[2])
    check(doc["username"] == ADMIN and doc["csrf_token"] is None, "/me by bearer %r" % doc)
    resp = check_status(a.request("POST", CLIENTS, json.dumps({"name": "second"}), dict(JSON_CT, **auth)), 201)
    second = json.loads(resp[2])["id"]
    used = sql(ctx, "SELECT last_used FROM api_client WHERE id = %d" % client_id).strip()
    check(used.isdigit() and int(used) >= int(time.time()) - 60, "last_used %r" % used)
    msg = admin_error(a.request("GET", CLIENTS, headers={"Authorization": "Bearer " + "0" * 64}), 401)
    check("token" in msg, "wrong bearer: %r" % msg)
    admin_error(a.request("GET", CLIENTS, headers={"Authorization": "Basic YWRtaW46eA=="}), 401)
    # With the creator's roles: no super admin, no clients.
    try:
        admin_roles(ctx, ["ROLE_TEST"])
        admin_error(a.request("GET", CLIENTS, headers=auth), 403)
    finally:
        admin_roles(ctx, ["ROLE_SUPER_ADMIN"])
    # Delete: by number; the token stops working at once.
    admin_error(a.request("DELETE", "%s/%d" % (CLIENTS, client_id), headers=with_cookie(token)), 403)
    check_status(a.request("DELETE", "%s/%d" % (CLIENTS, client_id), headers=cookie_json), 204)
    admin_error(a.request("GET", BASE + "/api/admin/me", headers=auth), 401)
    admin_error(a.request("DELETE", "%s/%d" % (CLIENTS, client_id), headers=cookie_json), 404)
    admin_error(a.request("DELETE", CLIENTS + "/abc", headers=cookie_json), 404)
    check_status(a.request("DELETE", "%s/%d" % (CLIENTS, second), headers=cookie_json), 204)
