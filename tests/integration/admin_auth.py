"""Integration tests of the admin logins (issue 7, accounts) on the context
of run.py: the session cookie and its attributes, GET /api/admin/me, the
CSRF token and Origin check on state-changing requests, logout, and the
idle and absolute ends of a session. Each database gets its own data dir
and an Apache that serves the platform below /site.

Imported by run.py, which runs them in the order they are registered."""

import base64
import hashlib
import hmac
import json
import struct
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


def log_in(a, base=BASE, password=PASSWORD, headers=None, totp=None):
    """(token, csrf, response) of a right login."""
    h = dict(JSON_CT)
    h.update(headers or {})
    body = {"username": ADMIN, "password": password}
    if totp:
        body["totp"] = totp
    resp = check_status(a.request("POST", base + "/api/admin/login", json.dumps(body), h), 200)
    doc = json.loads(resp[2])
    cookies = [c for c in cookies_of(resp) if c.startswith("concerto_admin=")]
    check(len(cookies) == 1, "login set %r, expected one concerto_admin cookie" % cookies_of(resp))
    token = cookies[0].split(";")[0].split("=", 1)[1]
    return token, doc.get("csrf_token"), resp


def with_cookie(token, extra=None):
    h = {"Cookie": "other=1; concerto_admin=%s" % token}
    h.update(extra or {})
    return h


def me(a, token, base=BASE, extra=None):
    return a.request("GET", base + "/api/admin/me", headers=with_cookie(token, extra) if token else extra)


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
    # Same site (Origin of the Host the request went to): fine; also behind
    # a proxy that names the public host in X-Forwarded-Host.
    log_in(a, headers={"Origin": "http://127.0.0.1:%d" % a.port})
    log_in(a, headers={"Origin": "https://concerto.example", "X-Forwarded-Host": "concerto.example"})
    admin_error(a.request("POST", BASE + "/api/admin/login", body, dict(
        JSON_CT, Origin="https://evil.example", **{"X-Forwarded-Host": "concerto.example"})), 403)
    admin_error(a.request("POST", BASE + "/api/admin/login", body, dict(JSON_CT, Origin="null")), 403)


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
    # Basic authentication in front of the site leaves the cookie in charge.
    check_status(me(a, token, extra={"Authorization": "Basic YWRtaW46eA=="}), 200)
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


def totp_code(secret_b32, step):
    """RFC 6238 with SHA-1, 6 digits, for a time step."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


TOTP = BASE + "/api/admin/me/totp"


@test("auth_totp")
def t_totp(ctx):
    """Enable (pending secret), confirm with a code, log in with a code (a
    wrong one counts towards the lockout, a used one is refused), disable."""
    a, _ = auth_site(ctx)
    token, csrf, _ = log_in(a)
    cj = with_cookie(token, dict(JSON_CT, **{"X-CSRF-Token": csrf}))
    login_url = BASE + "/api/admin/login"
    try:
        admin_error(a.request("POST", TOTP, "", with_cookie(token)), 403)  # no CSRF token
        doc = json.loads(check_status(a.request("POST", TOTP, "", cj), 200)[2])
        secret, uri = doc.get("secret", ""), doc.get("otpauth_uri", "")
        check(re.fullmatch(r"[A-Z2-7]{32}", secret), "secret %r is not 32 base32 characters" % secret)
        check(uri.startswith("otpauth://totp/Concerto:%s?" % ADMIN) and "secret=" + secret in uri
              and "period=30" in uri and "digits=6" in uri, "otpauth_uri %r" % uri)
        check(json.loads(me(a, token)[2])["totp_enabled"] is False, "on before confirmation")
        log_in(a)  # a pending secret does not ask for codes yet
        # Three increasing steps are needed below: start early in a step.
        if time.time() % 30 > 24:
            time.sleep(30 - time.time() % 30 + 0.2)
        step = int(time.time()) // 30
        resp = a.request("POST", TOTP + "/confirm", json.dumps({"code": "000000" if totp_code(
            secret, step) != "000000" else "111111"}), cj)
        admin_error(resp, 422)
        check(json.loads(resp[2]).get("field") == "code", "422 without field code: %r" % resp[2])
        doc = json.loads(check_status(a.request("POST", TOTP + "/confirm",
                                                json.dumps({"code": totp_code(secret, step - 1)}), cj), 200)[2])
        check(doc.get("totp_enabled") is True, "confirm answered %r" % doc)
        check(json.loads(me(a, token)[2])["totp_enabled"] is True, "/me after confirmation")
        admin_error(a.request("POST", TOTP, "", cj), 409)
        # Login: the password alone is not enough now.
        body = {"username": ADMIN, "password": PASSWORD}
        resp = a.request("POST", login_url, json.dumps(body), JSON_CT)
        admin_error(resp, 401)
        check(json.loads(resp[2]).get("totp_required") is True, "no totp_required: %r" % resp[2])
        check(not cookies_of(resp), "a cookie without the second step")
        resp = a.request("POST", login_url, json.dumps(dict(body, password="wrong")), JSON_CT)
        check("totp_required" not in json.loads(resp[2]), "a wrong password revealed TOTP: %r" % resp[2])
        sql(ctx, "UPDATE concerto_user SET failed_auth_streak = 0")
        wrong = "000000" if totp_code(secret, step) != "000000" else "111111"
        resp = a.request("POST", login_url, json.dumps(dict(body, totp=wrong)), JSON_CT)
        admin_error(resp, 401)
        check(json.loads(resp[2]).get("totp_required") is True, "wrong code: %r" % resp[2])
        streak = sql(ctx, "SELECT failed_auth_streak FROM concerto_user WHERE username = '%s'" % ADMIN)
        check(streak.strip() == "1", "a wrong code did not count as a failure: streak %r" % streak)
        token2, _, _ = log_in(a, totp=totp_code(secret, step))
        streak = sql(ctx, "SELECT failed_auth_streak FROM concerto_user WHERE username = '%s'" % ADMIN)
        check(streak.strip() == "0", "a passed second step kept the streak %r" % streak)
        check_status(me(a, token2), 200)
        resp = a.request("POST", login_url, json.dumps(dict(body, totp=totp_code(secret, step))), JSON_CT)
        msg = admin_error(resp, 401)
        check("used" in msg, "a reused code: %r" % msg)
        # Off, with a fresh code.
        admin_error(a.request("DELETE", TOTP, json.dumps({"code": totp_code(secret, step)}), cj), 422)
        doc = json.loads(check_status(a.request("DELETE", TOTP, json.dumps({"code": totp_code(secret, step + 1)}),
                                                cj), 200)[2])
        check(doc.get("totp_enabled") is False, "disable answered %r" % doc)
        admin_error(a.request("DELETE", TOTP, json.dumps({"code": "123456"}), cj), 409)
        log_in(a)
    finally:
        sql(ctx, "UPDATE concerto_user SET totp_enabled = 0, totp_secret = NULL, totp_last_step = NULL, "
            "failed_auth_streak = 0")


def ctl(ctx, args, password=None):
    _, datadir = auth_site(ctx)
    env = {"CONCERTO_PASSWORD": password} if password else None
    code, out, err = concertoctl(ctx.db_args(datadir, "auth") + args, env=env)
    harness.chown_www(datadir)  # SQLite files the root-run command may have made
    return code, out, err


def login_as(a, username, password, **extra):
    body = dict({"username": username, "password": password}, **extra)
    return a.request("POST", BASE + "/api/admin/login", json.dumps(body), JSON_CT)


@test("auth_cli_user")
def t_cli_user(ctx):
    """concertoctl user add / passwd / list, and the roles they give used
    through the HTTP API."""
    a, _ = auth_site(ctx)
    code, out, err = ctl(ctx, ["user", "add", "editor", "--role", "ROLE_TEST", "--role", "table",
                               "--email", "ed@example.org"], password="Editor-Pw-1")
    check(code == 0 and "created user \"editor\"" in out and "Editor-Pw-1" not in out + err,
          "user add exited %d: %s%s" % (code, out, err))
    resp = check_status(login_as(a, "editor", "Editor-Pw-1"), 200)
    doc = json.loads(resp[2])
    check(sorted(doc["roles"]) == ["ROLE_TABLE", "ROLE_TEST"], "editor's roles %r" % doc["roles"])
    token = [c for c in cookies_of(resp) if c.startswith("concerto_admin=")][0].split(";")[0].split("=", 1)[1]
    doc = json.loads(check_status(me(a, token), 200)[2])
    check(doc["username"] == "editor" and doc["email"] == "ed@example.org", "/me %r" % doc)
    msg = admin_error(a.request("GET", CLIENTS, headers=with_cookie(token)), 403)
    check("role" in msg, "editor on clients: %r" % msg)
    # A generated password is printed once and works.
    code, out, err = ctl(ctx, ["user", "add", "viewer"])
    m = re.search(r'created user "viewer" with password: (\S+)', out)
    check(code == 0 and m, "user add without CONCERTO_PASSWORD: %d %s%s" % (code, out, err))
    doc = json.loads(check_status(login_as(a, "viewer", m.group(1)), 200)[2])
    check(doc["roles"] == [], "viewer's roles %r, expected none" % doc["roles"])
    # Refusals.
    code, out, err = ctl(ctx, ["user", "add", "editor"], password="x")
    check(code == 1 and "already" in err, "a second editor: %d %s" % (code, err))
    code, out, err = ctl(ctx, ["user", "add", "someone", "--role", "ROLE_BOSS"], password="x")
    check(code == 2 and "ROLE_BOSS" in err, "an unknown role: %d %s" % (code, err))
    code, out, err = ctl(ctx, ["user", "add", "x y"], password="x")
    check(code == 2, "a name with a blank: %d %s" % (code, err))
    code, out, err = ctl(ctx, ["user"])
    check(code == 2 and "user add" in err, "user without a subcommand: %d %s" % (code, err))
    # list: name, roles, locked, totp.
    sql(ctx, "UPDATE concerto_user SET locked_until = %d, totp_enabled = 1 WHERE username = 'viewer'"
        % (int(time.time()) + 600))
    code, out, err = ctl(ctx, ["user", "list"])
    check(code == 0, "user list exited %d: %s" % (code, err))
    rows = {ln.split()[0]: ln.split() for ln in out.splitlines()[1:] if ln.strip()}
    check(out.split()[:4] == ["NAME", "ROLES", "LOCKED", "TOTP"], "header %r" % out.splitlines()[0])
    check(rows.get("admin", [None, None])[1] == "ROLE_SUPER_ADMIN" and rows["admin"][-1] == "off",
          "admin row %r" % rows.get("admin"))
    check(rows.get("editor", [None, None])[1] == "ROLE_TEST,ROLE_TABLE" and rows["editor"][2] == "no",
          "editor row %r" % rows.get("editor"))
    check(rows.get("viewer") and rows["viewer"][1] == "-" and rows["viewer"][-2] == "UTC"
          and rows["viewer"][-1] == "on", "viewer row %r" % rows.get("viewer"))
    sql(ctx, "UPDATE concerto_user SET locked_until = NULL, totp_enabled = 0 WHERE username = 'viewer'")
    # passwd: the new password works, the old one does not, and logins end.
    code, out, err = ctl(ctx, ["user", "passwd", "editor"], password="Editor-Pw-2")
    check(code == 0, "user passwd exited %d: %s" % (code, err))
    admin_error(me(a, token), 401)
    admin_error(login_as(a, "editor", "Editor-Pw-1"), 401)
    check_status(login_as(a, "editor", "Editor-Pw-2"), 200)
    code, out, err = ctl(ctx, ["passwd", "editor"])
    m = re.search(r'new password for "editor": (\S+)', out)
    check(code == 0 and m, "passwd (alias) exited %d: %s%s" % (code, out, err))
    check_status(login_as(a, "editor", m.group(1)), 200)
    code, out, err = ctl(ctx, ["user", "passwd", "nobody"], password="x")
    check(code == 1 and "nobody" in err, "passwd of an unknown user: %d %s" % (code, err))
