"""Integration test harness for mod_concerto: private Apache instances, a
private PostgreSQL cluster, HTTP and concertoctl helpers, a tiny test runner
and an audit of Apache's error log.

Standard library only. Meant to run as root on Debian 12 (Apache children
then run as www-data); most of it also works as an ordinary user.

Everything started here (Apache instances, the PostgreSQL cluster) is stopped
in finally blocks and again at exit, even when a test fails or the run is
interrupted (SIGINT, SIGTERM, SIGHUP).
"""

import atexit
import contextlib
import glob
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import traceback
import urllib.error
import urllib.request

APACHE_BIN = "/usr/sbin/apache2"
APACHE_MODULES = "/usr/lib/apache2/modules"
WWW_USER = "www-data"
WWW_GROUP = "www-data"
IS_ROOT = os.geteuid() == 0

# Timeouts, in seconds. Every wait in this file is bounded by one of these.
T_CMD = 120  # any external command
T_HTTP = 30  # one HTTP request
T_START = 20  # Apache accepting connections after -k start
T_STOP = 20  # Apache gone after SIGTERM
T_TEST = 300  # one test function

# Lines at these levels in an error log fail the audit unless expected.
AUDIT_LEVELS = re.compile(r":(warn|error|crit|alert|emerg)\]")
# Always tolerated: the ServerName notice and startup/shutdown notices.
AUDIT_IGNORE = [re.compile(r"AH00558"), re.compile(r"AH00163"), re.compile(r"AH00094")]
# A child that died.
CHILD_DEATH = re.compile(r"exit signal|Segmentation fault|AH00052|dumped core", re.I)

KEEP_TMP = os.environ.get("CONCERTO_KEEP_TMP") == "1"


def log(msg):
    print(msg, flush=True)


# ---------------------------------------------------------------------------
# Processes and cleanup


_cleanups = []  # (label, callable), run in reverse order


def register_cleanup(label, fn):
    """fn is run once, at the latest at exit."""
    entry = [label, fn]
    _cleanups.append(entry)
    return entry


def unregister_cleanup(entry):
    with contextlib.suppress(ValueError):
        _cleanups.remove(entry)


def cleanup_all():
    while _cleanups:
        label, fn = _cleanups.pop()
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - cleanup must go on
            log("cleanup %s: %s: %s" % (label, type(e).__name__, e))


atexit.register(cleanup_all)


class Interrupted(BaseException):
    pass


def _on_signal(signum, _frame):
    # Turn SIGTERM/SIGHUP into an exception so that finally blocks run.
    raise Interrupted("signal %d" % signum)


def install_signal_handlers():
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _on_signal)


def run(cmd, env=None, input=None, timeout=T_CMD, cwd=None, check=False):
    """Runs cmd (a list); returns (code, stdout, stderr) as text."""
    try:
        p = subprocess.run(
            cmd,
            env=env,
            input=input,
            cwd=cwd,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as e:
        raise AssertionError("command timed out after %ss: %s" % (timeout, " ".join(cmd))) from e
    if check and p.returncode != 0:
        raise AssertionError(
            "command failed (exit %d): %s\nstdout: %s\nstderr: %s"
            % (p.returncode, " ".join(cmd), p.stdout, p.stderr)
        )
    return p.returncode, p.stdout, p.stderr


def pid_alive(pid):
    """True while pid exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return False


def children_of(pid):
    out = []
    for d in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(d.split("/")[2]))
        except (OSError, IndexError, ValueError):
            pass
    return out


def wait_gone(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return not pid_alive(pid)


def free_port():
    """A TCP port on 127.0.0.1 that is free right now."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def port_accepts(port, timeout=0.5):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def make_tmpdir(prefix):
    """A fresh directory under /tmp that everyone can traverse."""
    d = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(d, 0o755)
    return d


def remove_tree(path):
    if KEEP_TMP:
        log("kept %s (CONCERTO_KEEP_TMP=1)" % path)
        return
    # A test may have left a directory read-only.
    for root, dirs, _files in os.walk(path):
        for d in dirs:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(root, d), 0o755)
    shutil.rmtree(path, ignore_errors=True)


def chown_www(path, recursive=True):
    if not IS_ROOT:
        return
    pw = pwd.getpwnam(WWW_USER)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    if recursive:
        for root, dirs, files in os.walk(path):
            for n in dirs + files:
                os.lchown(os.path.join(root, n), pw.pw_uid, pw.pw_gid)


def make_data_dir(parent, name="data"):
    """An empty data directory owned by the Apache user."""
    d = os.path.join(parent, name)
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    chown_www(d)
    return d


def base_env(extra=None):
    """The caller's environment without CONCERTO_* and DB_* variables, so
    that a developer's shell cannot change what a test sees."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CONCERTO_") and not k.startswith("DB_") and not k.startswith("PG")
    }
    env.setdefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
    env.setdefault("LANG", "C.UTF-8")
    if extra:
        env.update({k: str(v) for k, v in extra.items()})
    return env


# ---------------------------------------------------------------------------
# HTTP


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def http(method, url, body=None, headers=None, timeout=T_HTTP):
    """One request; returns (status, headers, body bytes). 4xx/5xx (and 3xx,
    redirects are not followed) are returned, not raised."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _opener.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        try:
            data = e.read()
        except Exception:  # noqa: BLE001 - the server may close early
            data = b""
        return e.code, e.headers, data


# ---------------------------------------------------------------------------
# concertoctl


class Paths:
    """Where the build outputs are; set by the runner."""

    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    build = os.path.join(repo, "build")

    @classmethod
    def set_build(cls, build):
        cls.build = os.path.abspath(build if os.path.isabs(build) else os.path.join(os.getcwd(), build))

    @classmethod
    def module(cls):
        return os.path.join(cls.build, "mod_concerto.so")

    @classmethod
    def concertoctl_bin(cls):
        return os.path.join(cls.build, "concertoctl")


def concertoctl(args, env=None, timeout=T_CMD):
    """Runs build/concertoctl ARGS; returns (code, stdout, stderr). env holds
    extra variables on top of a clean environment (no CONCERTO_*, DB_*)."""
    return run([Paths.concertoctl_bin()] + list(args), env=base_env(env), timeout=timeout)


# ---------------------------------------------------------------------------
# Apache


class Apache:
    """A private httpd with a generated configuration in a fresh temp dir."""

    MPM_SIZING = {
        "prefork": (
            "<IfModule mpm_prefork_module>\n"
            "    StartServers 2\n    MinSpareServers 2\n    MaxSpareServers 4\n"
            "    MaxRequestWorkers 8\n</IfModule>\n"
        ),
        "event": (
            "<IfModule mpm_event_module>\n"
            "    StartServers 1\n    ServerLimit 2\n    ThreadsPerChild 4\n"
            "    MinSpareThreads 4\n    MaxSpareThreads 8\n    MaxRequestWorkers 8\n</IfModule>\n"
        ),
        "worker": (
            "<IfModule mpm_worker_module>\n"
            "    StartServers 1\n    ServerLimit 2\n    ThreadsPerChild 4\n"
            "    MinSpareThreads 4\n    MaxSpareThreads 8\n    MaxRequestWorkers 8\n</IfModule>\n"
        ),
    }

    instances = []  # every Apache ever created in this process, for the final checks

    def __init__(self, name, body="", mpm="prefork", loglevel="warn concerto:debug", env=None,
                 module=None, load_concerto=True):
        if mpm not in self.MPM_SIZING:
            raise ValueError("unknown MPM %r" % mpm)
        self.name = name
        self.body = body
        self.mpm = mpm
        self.loglevel = loglevel
        self.env = dict(env or {})
        self.module = module or Paths.module()
        self.load_concerto = load_concerto
        self.root = make_tmpdir("concerto-httpd-%s-" % re.sub(r"[^A-Za-z0-9_]", "_", name))
        for sub in ("logs", "run", "htdocs"):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)
            os.chmod(os.path.join(self.root, sub), 0o755)
        self.conf = os.path.join(self.root, "httpd.conf")
        self.pidfile = os.path.join(self.root, "httpd.pid")
        self.error_log = os.path.join(self.root, "logs", "error.log")
        self.port = free_port()
        self.pid = None
        self.started = False
        self._cleanup = None
        # (compiled regex, first byte, last byte or None) of expected lines
        self.expected = []
        self.write_conf()
        Apache.instances.append(self)

    # -- configuration

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def htdocs(self):
        return os.path.join(self.root, "htdocs")

    def conf_text(self):
        m = APACHE_MODULES
        lines = [
            "# generated by tests/integration/harness.py",
            'ServerRoot "%s"' % self.root,
            "ServerName 127.0.0.1",
            "Listen 127.0.0.1:%d" % self.port,
            'PidFile "%s"' % self.pidfile,
            'DefaultRuntimeDir "%s"' % os.path.join(self.root, "run"),
            'ErrorLog "%s"' % self.error_log,
            "LogLevel %s" % self.loglevel,
            "LoadModule mpm_%s_module %s/mod_mpm_%s.so" % (self.mpm, m, self.mpm),
            "LoadModule authz_core_module %s/mod_authz_core.so" % m,
        ]
        if self.load_concerto:
            lines.append("LoadModule concerto_module %s" % self.module)
        if IS_ROOT:
            lines += ["User %s" % WWW_USER, "Group %s" % WWW_GROUP]
        lines.append(self.MPM_SIZING[self.mpm].rstrip("\n"))
        lines += [
            "<IfModule mime_module>\n    TypesConfig /dev/null\n</IfModule>",
            'DocumentRoot "%s"' % self.htdocs,
            "<Directory />\n    AllowOverride None\n</Directory>",
            "",
            self.body,
            "",
        ]
        return "\n".join(lines)

    def write_conf(self):
        with open(self.conf, "w") as f:
            f.write(self.conf_text())

    def apache_env(self):
        return base_env(self.env)

    def configtest(self):
        """(exit code, combined output) of apache2 -t."""
        code, out, err = run([APACHE_BIN, "-t", "-f", self.conf], env=self.apache_env())
        return code, out + err

    # -- start and stop

    def start(self):
        last = None
        for attempt in range(3):
            try:
                self._start_once()
                return self
            except AssertionError as e:
                last = e
                if "Address already in use" not in str(e) or attempt == 2:
                    raise
                self.port = free_port()
                self.write_conf()
        raise last

    def _start_once(self):
        if self.started:
            return
        for f in (self.pidfile,):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f)
        offset = self.log_size()
        self._cleanup = register_cleanup("apache " + self.name, self.stop)
        code, out, err = run([APACHE_BIN, "-f", self.conf, "-k", "start"], env=self.apache_env())
        self.started = True
        if code != 0:
            self.stop()
            raise AssertionError(
                "apache2 -k start (%s) exited %d\n%s%s%s" % (self.name, code, out, err,
                                                             self.log_tail(offset))
            )
        deadline = time.monotonic() + T_START
        while time.monotonic() < deadline:
            pid = self._read_pid()
            if pid and not pid_alive(pid):
                break
            if port_accepts(self.port):
                # The parent listens before it writes its pid file.
                self.pid = pid or self._wait_pid(3)
                return
            time.sleep(0.05)
        self.stop()
        raise AssertionError(
            "apache (%s) did not accept connections on port %d within %ss\n%s"
            % (self.name, self.port, T_START, self.log_tail(offset))
        )

    def _wait_pid(self, seconds):
        deadline = time.monotonic() + seconds
        pid = self._read_pid()
        while pid is None and time.monotonic() < deadline:
            time.sleep(0.05)
            pid = self._read_pid()
        return pid

    def _read_pid(self):
        try:
            with open(self.pidfile) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        """SIGTERM to the parent, then wait until it is gone (bounded; SIGKILL
        to the parent and its children as the last resort)."""
        if not self.started:
            return
        if self._cleanup:
            unregister_cleanup(self._cleanup)
            self._cleanup = None
        pid = self.pid or self._read_pid()
        if pid is None:
            # -k start may still be writing the pid file.
            deadline = time.monotonic() + 3
            while pid is None and time.monotonic() < deadline:
                time.sleep(0.05)
                pid = self._read_pid()
        self.started = False
        self.pid = None
        if pid is None or not pid_alive(pid):
            return
        kids = children_of(pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not wait_gone(pid, T_STOP):
            log("apache (%s): pid %d still there %ss after SIGTERM; killing" % (self.name, pid, T_STOP))
            kids = set(kids) | set(children_of(pid))
            for p in [pid] + list(kids):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(p, signal.SIGKILL)
            wait_gone(pid, 5)
        for k in kids:
            wait_gone(k, 5)

    def graceful(self):
        run([APACHE_BIN, "-f", self.conf, "-k", "graceful"], env=self.apache_env(), check=True)
        time.sleep(1)

    def destroy(self):
        self.stop()
        remove_tree(self.root)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- requests

    def get(self, path, **kw):
        return http("GET", self.url + path, **kw)

    def request(self, method, path, body=None, headers=None, **kw):
        return http(method, self.url + path, body=body, headers=headers, **kw)

    # -- error log

    def log_size(self):
        try:
            return os.path.getsize(self.error_log)
        except OSError:
            return 0

    def error_log_lines(self, start=0):
        """Lines of the error log from byte offset start on."""
        return [line for _off, line in self._lines_with_offsets(start)]

    def _lines_with_offsets(self, start=0):
        out = []
        try:
            with open(self.error_log, "rb") as f:
                f.seek(start)
                off = start
                for raw in f:
                    out.append((off, raw.decode("utf-8", "replace").rstrip("\n")))
                    off += len(raw)
        except OSError:
            pass
        return out

    def log_tail(self, start=0, limit=60):
        lines = self.error_log_lines(start)[-limit:]
        return "--- %s (%s) ---\n%s\n---" % (self.error_log, self.name, "\n".join(lines))

    def wait_for_log(self, regex, start=0, timeout=3.0):
        """The first line from offset start that matches regex, waiting for
        it a little (lines are written at the end of a request)."""
        rx = re.compile(regex)
        deadline = time.monotonic() + timeout
        while True:
            for line in self.error_log_lines(start):
                if rx.search(line):
                    return line
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.1)

    def expect_always(self, *regexes):
        """Declares lines matching any regex as expected anywhere in this log."""
        for r in regexes:
            self.expected.append((re.compile(r), 0, None))

    @contextlib.contextmanager
    def expect_log(self, *regexes, grace=0.5):
        """Declares lines matching any regex as expected while the block runs
        (and for grace seconds after it, for lines written late)."""
        start = self.log_size()
        try:
            yield start
        finally:
            time.sleep(grace)
            end = self.log_size()
            for r in regexes:
                self.expected.append((re.compile(r), start, end))

    def unexpected_lines(self):
        """Lines at warn level or above that nothing declared expected."""
        bad = []
        for off, line in self._lines_with_offsets(0):
            if not AUDIT_LEVELS.search(line):
                continue
            if any(rx.search(line) for rx in AUDIT_IGNORE):
                continue
            if any(rx.search(line) and first <= off and (last is None or off < last)
                   for rx, first, last in self.expected):
                continue
            bad.append(line)
        return bad

    def audit(self):
        """Raises AssertionError listing unexpected warn+ lines."""
        bad = self.unexpected_lines()
        if bad:
            raise AssertionError(
                "%d unexpected line(s) at warn level or above in %s (%s):\n%s"
                % (len(bad), self.error_log, self.name, "\n".join(bad[:40]))
            )

    def child_deaths(self):
        return [line for line in self.error_log_lines() if CHILD_DEATH.search(line)]


# ---------------------------------------------------------------------------
# PostgreSQL


def pg_bindir():
    dirs = glob.glob("/usr/lib/postgresql/*/bin")

    def version(d):
        v = d.split("/")[-2]
        return tuple(int(x) if x.isdigit() else 0 for x in v.split("."))

    dirs = [d for d in dirs if os.path.exists(os.path.join(d, "initdb"))]
    if not dirs:
        raise AssertionError("no PostgreSQL server found under /usr/lib/postgresql/*/bin "
                             "(apt-get install postgresql)")
    return max(dirs, key=version)


class Postgres:
    """A private PostgreSQL cluster on 127.0.0.1:PORT, run as user postgres."""

    ROLE = "concerto"
    PASSWORD = "concerto-test"
    DB = "concerto"

    def __init__(self):
        self.bindir = pg_bindir()
        self.root = None
        self.port = None
        self.running = False
        self._cleanup = None

    def _as_postgres(self, cmd, timeout=T_CMD):
        full = (["runuser", "-u", "postgres", "--"] if IS_ROOT else []) + cmd
        return run(full, env=base_env(), cwd=self.root, timeout=timeout)

    def start(self):
        self.root = make_tmpdir("concerto-pg-")
        self.data = os.path.join(self.root, "data")
        self.sockdir = os.path.join(self.root, "sock")
        self.logfile = os.path.join(self.root, "server.log")
        os.makedirs(self.sockdir)
        if IS_ROOT:
            pw = pwd.getpwnam("postgres")
            for p in (self.root, self.sockdir):
                os.chown(p, pw.pw_uid, pw.pw_gid)
        code, out, err = self._as_postgres(
            [os.path.join(self.bindir, "initdb"), "-D", self.data, "-A", "trust", "-U", "postgres",
             "-E", "UTF8", "--locale=C.UTF-8"])
        if code != 0:
            raise AssertionError("initdb failed (%d):\n%s%s" % (code, out, err))
        last = ""
        for _attempt in range(3):
            self.port = free_port()
            self._cleanup = register_cleanup("postgres", self.stop)
            self.running = True
            code, out, err = self._as_postgres(
                [os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l", self.logfile, "-w",
                 "-t", "60", "-o",
                 "-p %d -k %s -c listen_addresses=127.0.0.1" % (self.port, self.sockdir), "start"],
                timeout=90)
            if code == 0:
                break
            last = "pg_ctl start failed (%d):\n%s%s\n%s" % (code, out, err, self._log_tail())
            self.stop()
        else:
            raise AssertionError(last)
        self.psql("CREATE ROLE %s LOGIN PASSWORD '%s'" % (self.ROLE, self.PASSWORD),
                  user="postgres", db="postgres")
        self.create_database(self.DB)
        return self

    def _log_tail(self):
        try:
            with open(self.logfile) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if not self.running:
            return
        self.running = False
        if self._cleanup:
            unregister_cleanup(self._cleanup)
            self._cleanup = None
        self._as_postgres([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "fast",
                           "-w", "-t", "30", "stop"], timeout=60)

    def destroy(self):
        self.stop()
        if self.root:
            remove_tree(self.root)

    def sql(self, sql, db=None):
        return self.psql(sql, db=db)

    def psql(self, sql, db=None, user=None):
        """Runs sql; returns stdout (unaligned, tuples only)."""
        code, out, err = run(
            ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
             "-p", str(self.port), "-U", user or self.ROLE, "-d", db or self.DB, "-c", sql],
            env=base_env({"PGCONNECT_TIMEOUT": "10", "PGPASSWORD": self.PASSWORD}))
        if code != 0:
            raise AssertionError("psql failed (%d): %s\n%s" % (code, sql, err))
        return out

    def create_database(self, name):
        """A fresh, empty database owned by the concerto role."""
        self.psql('CREATE DATABASE "%s" OWNER %s' % (name, self.ROLE), user="postgres",
                  db="postgres")
        return name

    def conninfo(self, db=None):
        return "host=127.0.0.1 port=%d dbname=%s user=%s password=%s" % (
            self.port, db or self.DB, self.ROLE, self.PASSWORD)

    def env(self, db=None):
        """DB_* variables that reach this cluster."""
        return {"DB_HOST": "127.0.0.1", "DB_PORT": str(self.port), "DB_NAME": db or self.DB,
                "DB_USER": self.ROLE, "DB_PASSWORD": self.PASSWORD}


class MariaDB:
    """A private MariaDB server on 127.0.0.1:PORT with its own socket, data
    directory and no option files (--no-defaults), run as user mysql."""

    ROLE = "concerto"
    PASSWORD = "concerto-test"
    DB = "concerto"
    USER = "mysql"

    def __init__(self):
        for tool in ("mariadbd", "mariadb-install-db", "mariadb"):
            if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
                raise AssertionError("%s not found (apt-get install mariadb-server "
                                     "mariadb-client)" % tool)
        self.root = None
        self.port = None
        self.proc = None
        self._cleanup = None

    def _server_args(self):
        return ["--no-defaults", "--datadir=" + self.data, "--user=" + self.USER,
                "--skip-name-resolve", "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_bin"]

    def start(self):
        self.root = make_tmpdir("concerto-mariadb-")
        self.data = os.path.join(self.root, "data")
        self.socket = os.path.join(self.root, "mysqld.sock")
        self.logfile = os.path.join(self.root, "server.log")
        if IS_ROOT:
            pw = pwd.getpwnam(self.USER)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        code, out, err = run(["mariadb-install-db", "--auth-root-authentication-method=normal",
                              "--skip-test-db"] + self._server_args(), env=base_env(),
                             cwd=self.root)
        if code != 0:
            raise AssertionError("mariadb-install-db failed (%d):\n%s%s" % (code, out, err))
        last = ""
        for _attempt in range(3):
            self.port = free_port()
            self._cleanup = register_cleanup("mariadb", self.stop)
            self.proc = subprocess.Popen(
                ["/usr/sbin/mariadbd"] + self._server_args() +
                ["--port=%d" % self.port, "--bind-address=127.0.0.1", "--socket=" + self.socket,
                 "--pid-file=" + os.path.join(self.root, "mariadbd.pid"),
                 "--log-error=" + self.logfile, "--skip-log-bin", "--innodb-buffer-pool-size=64M",
                 "--innodb-log-file-size=16M", "--max-connections=500"],
                env=base_env(), cwd=self.root, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            deadline = time.time() + 60
            while time.time() < deadline and self.proc.poll() is None:
                if port_accepts(self.port) and self._root_sql("SELECT 1", check=False)[0] == 0:
                    break
                time.sleep(0.2)
            if self.proc.poll() is None and port_accepts(self.port):
                break
            last = "mariadbd did not start:\n%s" % self._log_tail()
            self.stop()
        else:
            raise AssertionError(last)
        self._root_sql("CREATE USER '%s'@'127.0.0.1' IDENTIFIED BY '%s'; "
                       "CREATE USER '%s'@'localhost' IDENTIFIED BY '%s'; "
                       "GRANT ALL ON `concerto%%`.* TO '%s'@'127.0.0.1'; "
                       "GRANT ALL ON `concerto%%`.* TO '%s'@'localhost'"
                       % (self.ROLE, self.PASSWORD, self.ROLE, self.PASSWORD, self.ROLE, self.ROLE))
        self.create_database(self.DB)
        return self

    def _root_sql(self, sql, check=True):
        code, out, err = run(["mariadb", "--no-defaults", "-S", self.socket, "-u", "root",
                              "--batch", "--raw", "--skip-column-names", "-e", sql],
                             env=base_env())
        if check and code != 0:
            raise AssertionError("mariadb (root) failed (%d): %s\n%s" % (code, sql, err))
        return code, out, err

    def _log_tail(self):
        try:
            with open(self.logfile) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if self._cleanup:
            unregister_cleanup(self._cleanup)
            self._cleanup = None
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    def destroy(self):
        self.stop()
        if self.root:
            remove_tree(self.root)

    def sql(self, sql, db=None):
        """Runs sql as the concerto user, with standard SQL's quoting (as
        the module's connections have it); returns stdout like psql -A -t:
        columns joined by '|', NULL as an empty string."""
        code, out, err = run(["mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", str(self.port),
                              "-u", self.ROLE, "--password=" + self.PASSWORD,
                              "--default-character-set=utf8mb4", "--batch", "--raw",
                              "--skip-column-names", "-D", db or self.DB, "-e",
                              "SET sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT,NO_BACKSLASH_ESCAPES'; " + sql],
                             env=base_env())
        if code != 0:
            raise AssertionError("mariadb failed (%d): %s\n%s" % (code, sql, err))
        lines = out.split("\n")
        return "\n".join("|".join("" if f == "NULL" else f for f in line.split("\t"))
                         for line in lines)

    def create_database(self, name):
        """A fresh, empty database the concerto user may use; latin1 and
        case-insensitive by default, as on many an old site, so that the
        module has to ask for utf8mb4 and a binary collation itself."""
        self._root_sql("CREATE DATABASE `%s` CHARACTER SET latin1 COLLATE latin1_swedish_ci"
                       % name)
        return name

    def conninfo(self, db=None):
        return "host=127.0.0.1,port=%d,dbname=%s,user=%s,pass=%s" % (
            self.port, db or self.DB, self.ROLE, self.PASSWORD)

    def env(self, db=None):
        """DB_* variables that reach this server."""
        return {"DB_HOST": "127.0.0.1", "DB_PORT": str(self.port), "DB_NAME": db or self.DB,
                "DB_USER": self.ROLE, "DB_PASSWORD": self.PASSWORD}


ODBC_PG_DRIVERS = ["/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so", "/usr/lib/odbc/psqlodbcw.so"]


class OdbcPostgres(Postgres):
    """The private PostgreSQL cluster reached through apr_dbd's odbc driver
    and the PostgreSQL ODBC driver (odbc-postgresql): a DSN-less connection
    string naming the driver's file, so no odbc.ini is involved."""

    def __init__(self):
        super().__init__()
        found = [d for d in ODBC_PG_DRIVERS if os.path.exists(d)]
        if not found:
            raise AssertionError("the PostgreSQL ODBC driver is missing (apt-get install "
                                 "odbc-postgresql unixodbc libaprutil1-dbd-odbc)")
        self.odbc_driver = found[0]

    def conninfo(self, db=None):
        return "connect='Driver=%s;Server=127.0.0.1;Port=%d;Database=%s;Uid=%s;Pwd=%s'" % (
            self.odbc_driver, self.port, db or self.DB, self.ROLE, self.PASSWORD)


def sqlite(db_file, sql):
    """Runs sql on an SQLite file as the Apache user (so that journal and WAL
    files stay writable by the children); returns stdout."""
    cmd = ["sqlite3", "-batch", "-cmd", ".timeout 5000", db_file, sql]
    if IS_ROOT:
        cmd = ["runuser", "-u", WWW_USER, "--"] + cmd
    code, out, err = run(cmd, env=base_env())
    if code != 0:
        raise AssertionError("sqlite3 failed (%d): %s\n%s" % (code, sql, err))
    return out


# ---------------------------------------------------------------------------
# Test runner


class TestTimeout(Exception):
    pass


def _on_alarm(_signum, _frame):
    raise TestTimeout("test took longer than %ss" % T_TEST)


_registry = []


def test(name=None, only=None):
    """Registers a test function. only: a collection of variants (e.g. {"pgsql"})
    the test applies to; None for all."""

    def deco(fn):
        _registry.append((name or fn.__name__, fn, set(only) if only else None))
        return fn

    return deco


def registered_tests():
    return list(_registry)


class Runner:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def run(self, name, fn, *args):
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(T_TEST)
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 - a failing test is reported, not raised
            signal.alarm(0)
            self.failed += 1
            reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            self.failures.append(name)
            log("FAIL %s: %s" % (name, reason))
            log("    " + traceback.format_exc().rstrip().replace("\n", "\n    "))
        else:
            signal.alarm(0)
            self.passed += 1
            log("PASS %s" % name)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)

    def fail(self, name, reason):
        self.failed += 1
        self.failures.append(name)
        log("FAIL %s: %s" % (name, reason))

    def summary(self):
        if self.failures:
            log("failed: " + ", ".join(self.failures))
        log("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


# ---------------------------------------------------------------------------
# Small assertion helpers with readable messages


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def check_status(resp, expected, what=""):
    status, headers, body = resp
    if isinstance(expected, int):
        expected = (expected,)
    if status not in expected:
        raise AssertionError(
            "%sstatus %d, expected %s; content-type %r; body %r"
            % (what + ": " if what else "", status, "/".join(map(str, expected)),
               headers.get("Content-Type") if headers else None, body[:300])
        )
    return resp


def admin_error(resp, status):
    """Checks an admin API error, {"error":"a sentence"}, and returns it."""
    check_status(resp, status)
    _, headers, body = resp
    ct = headers.get("Content-Type", "")
    check(ct.startswith("application/json"), "content type %r, expected JSON; body %r" % (ct, body[:300]))
    doc = json.loads(body.decode("utf-8"))
    msg = doc.get("error") if isinstance(doc, dict) else None
    check(isinstance(msg, str) and len(msg.strip()) >= 8 and " " in msg,
          "no readable {\"error\": \"...\"} in %r" % doc)
    return msg



def admin_site(ctx, name, base, password):
    """(apache, datadir) of an Apache serving the platform below base on
    ctx's database, set up with three users sharing password: admin (super
    admin), tester (ROLE_TEST) and plain (no role). Made once per name."""
    sites = ctx.__dict__.setdefault("_admin_sites", {})
    if name in sites:
        return sites[name]
    ctx.prepare()
    datadir = make_data_dir(ctx.tmp, name)
    if ctx.served:
        ctx.server.create_database(ctx.db_name(name))
    code, out, err = concertoctl(ctx.db_args(datadir, name) + ["setup", "--owner", "www-data"],
                                 env={"CONCERTO_PASSWORD": password})
    check(code == 0, "setup exited %d: %s%s" % (code, out, err))
    for user, role in (("tester", "ROLE_TEST"), ("plain", None)):
        ctx.sql(datadir, name, "INSERT INTO concerto_user (username, password_hash, created, updated) "
                "SELECT '%s', password_hash, 0, 0 FROM concerto_user WHERE username = 'admin'" % user)
        if role:
            ctx.sql(datadir, name, "INSERT INTO user_role (user_id, role_id) SELECT u.id, r.id "
                    "FROM concerto_user u, role r WHERE u.username = '%s' AND r.role = '%s'"
                    % (user, role))
    chown_www(datadir)
    body = """
<Location {base}>
    SetHandler concerto
    {db}
</Location>
""".format(base=base, db=ctx.db_conf(datadir, name))
    a = ctx.new_apache(name, body)
    a.start()
    sites[name] = (a, datadir)
    return sites[name]

def multipart(fields, boundary="cc-test-boundary-42"):
    """A multipart/form-data body: fields maps a name to text or to
    (filename, bytes)."""
    out = b""
    for name, value in fields.items():
        out += b"--" + boundary.encode() + b"\r\n"
        if isinstance(value, tuple):
            out += ('Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n" % (name, value[0])).encode()
            out += value[1] + b"\r\n"
        else:
            out += ('Content-Disposition: form-data; name="%s"\r\n\r\n' % name).encode()
            out += value.encode() + b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return out, {"Content-Type": "multipart/form-data; boundary=" + boundary}
