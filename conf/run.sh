#!/bin/sh
# `make run`: a private Apache on 127.0.0.1:PORT serving mod_concerto from
# build/, with its data (SQLite database, files, logs) in var/.
# Ctrl-C (or SIGTERM) stops Apache and exits 0. Running it again reuses var/.
#
# Usage (from the repository root, after `make deps all`): sh conf/run.sh PORT
set -eu

PORT=${1:-8080}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

APACHE=/usr/sbin/apache2
BUILD=${BUILD:-build}
MODULE=$ROOT/$BUILD/mod_concerto.so
CTL=$ROOT/$BUILD/concertoctl
DATADIR=$ROOT/var
CONF=$ROOT/var/run/httpd.conf
ERRLOG=$ROOT/var/logs/error.log
URL=http://127.0.0.1:$PORT

say() { printf '%s\n' "run: $*"; }
die() { printf '%s\n' "run: $*" >&2; exit 1; }

case $PORT in
    '' | *[!0-9]*) die "PORT must be a number, not '$PORT' (make run PORT=18080)" ;;
esac
if [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
    die "PORT must be between 1 and 65535, not $PORT"
fi
[ -x "$APACHE" ] || die "$APACHE not found: run 'make deps' (Debian package apache2)"
if [ ! -f "$MODULE" ] || [ ! -x "$CTL" ]; then
    die "$MODULE or $CTL missing: run 'make all' first"
fi
[ -d "$ROOT/$BUILD/r/lib/concerto" ] ||
    die "the R package is not in $BUILD/r/lib: run 'make r-install' (make run does)"
MODDIR=$(apxs -q LIBEXECDIR 2>/dev/null) || MODDIR=/usr/lib/apache2/modules
[ -f "$MODDIR/mod_mpm_prefork.so" ] || die "no $MODDIR/mod_mpm_prefork.so (apxs -q LIBEXECDIR)"

port_in_use() {
    if command -v ss >/dev/null 2>&1; then
        [ -n "$(ss -Hltn "sport = :$PORT" 2>/dev/null)" ]
    else
        curl -s --noproxy '*' -o /dev/null --max-time 1 "$URL/" 2>/dev/null
    fi
}
if port_in_use; then
    die "port $PORT is already in use by another program. Pick another port, e.g.: make run PORT=18080"
fi

# The data directory. Apache's children run as www-data and must be able to
# reach (every parent directory searchable) and write it.
mkdir -p var/run/htdocs var/logs
ASROOT=
if [ "$(id -u)" = 0 ]; then
    ASROOT=1
    chown www-data:www-data var
    if ! runuser -u www-data -- test -w "$DATADIR" 2>/dev/null ||
        ! runuser -u www-data -- test -x "$DATADIR" 2>/dev/null; then
        {
            echo "run: Apache's children run as user www-data, which cannot reach or write"
            echo "run:   $DATADIR"
            echo "run: Usually a parent directory is not searchable by other users (e.g. /root"
            echo "run: has mode 0700). The permissions along the path:"
            namei -m "$DATADIR" 2>/dev/null | sed 's/^/run:   /'
            echo "run: Either clone the repository somewhere www-data can reach (e.g. /srv or"
            echo "run: /opt), or allow searching the parent directories, e.g.: chmod o+x DIR"
        } >&2
        exit 1
    fi
    OWNER="--owner www-data"
else
    say "not root: Apache's children run as $(id -un); var/ stays owned by you"
    OWNER=
fi

# Schema, roles, the admin user (the password is printed once, by concertoctl,
# on the first run unless CONCERTO_PASSWORD is set), and the starter content
# (the demo tests, their tables and templates; kept as they are when already
# there).
say "$CTL -d var setup $OWNER --starter conf/starter"
# shellcheck disable=SC2086 # OWNER is two words or nothing
"$CTL" -d "$DATADIR" setup $OWNER --starter "$ROOT/conf/starter" ||
    die "concertoctl setup failed (see above)"
if [ -n "$ASROOT" ]; then
    # The configuration and the pid file: written by root, read by Apache's
    # parent (root); keep them out of www-data's hands. (var/logs is the data
    # directory's logs/ too, so it stays www-data's; the parent opens the
    # error and access logs as root before the children start.)
    chown -R root:root var/run
fi

# The configuration.
esc() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }
sed -e "s|@PORT@|$(esc "$PORT")|g" \
    -e "s|@ROOT@|$(esc "$ROOT")|g" \
    -e "s|@DATADIR@|$(esc "$DATADIR")|g" \
    -e "s|@MODULE@|$(esc "$MODULE")|g" \
    -e "s|@MODDIR@|$(esc "$MODDIR")|g" \
    -e "s|@RLIB@|$(esc "$ROOT/$BUILD/r/lib")|g" \
    conf/run.conf.in >"$CONF.tmp"
mv "$CONF.tmp" "$CONF"

DEFS=
[ -n "$ASROOT" ] && DEFS=-DCONCERTO_AS_ROOT
# shellcheck disable=SC2086
if ! out=$("$APACHE" -t -f "$CONF" $DEFS 2>&1); then
    printf '%s\n' "$out" >&2
    die "apache2 -t rejected $CONF (generated from conf/run.conf.in)"
fi

# Start Apache in the foreground of a background job, in a session of its
# own: on shutdown prefork signals its whole process group, which must not
# include this script or make. Ctrl-C reaches this script, which stops Apache.
size=0
[ -f "$ERRLOG" ] && size=$(wc -c <"$ERRLOG")
rm -f var/run/httpd.pid
# shellcheck disable=SC2086
setsid "$APACHE" -f "$CONF" $DEFS -DFOREGROUND </dev/null &
pid=$!

# Alive and not a zombie.
alive() {
    [ -r "/proc/$1/stat" ] || return 1
    ! sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^Z'
}

# shellcheck disable=SC2317 # called from the trap
stop() {
    trap '' INT TERM
    if alive "$pid"; then
        say "stopping Apache (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        n=0
        while alive "$pid" && [ "$n" -lt 200 ]; do
            sleep 0.1
            n=$((n + 1))
        done
        if alive "$pid"; then
            say "Apache did not stop within 20 s; killing it and its children"
            pkill -KILL -P "$pid" 2>/dev/null || true
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
    say "stopped"
    exit 0
}
trap stop INT TERM

log_since_start() { tail -c +"$((size + 1))" "$ERRLOG" 2>/dev/null | tail -n 30; }

n=0
until curl -s --noproxy '*' -o /dev/null --max-time 1 "$URL/api/check/health" 2>/dev/null; do
    if ! alive "$pid"; then
        wait "$pid" 2>/dev/null || true
        log_since_start >&2
        if log_since_start | grep -q "Address already in use"; then
            die "port $PORT is already in use by another program. Pick another port, e.g.: make run PORT=18080"
        fi
        die "Apache exited during start-up; see $ERRLOG"
    fi
    n=$((n + 1))
    if [ $n -ge 200 ]; then
        log_since_start >&2
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        die "Apache did not answer on port $PORT within 20 s; see $ERRLOG"
    fi
    sleep 0.1
done
# setsid runs Apache in place (same pid) when started like this; should it
# ever have forked, follow the pid Apache wrote.
if [ -f var/run/httpd.pid ] && [ "$(cat var/run/httpd.pid)" != "$pid" ]; then
    pid=$(cat var/run/httpd.pid)
fi

if [ -n "${CONCERTO_PASSWORD:-}" ]; then
    pwhint="the value of \$CONCERTO_PASSWORD (if it was set on the first run)"
else
    pwhint="the password concertoctl printed on the first run"
fi
cat <<EOF

mod_concerto is running (Apache pid $pid, data in var/, logs in var/logs/).

Take the demo tests in a browser:

  $URL/test/demo-cat          adaptive test (native C engine)
  $URL/test/number-attitude   questionnaire (native)
  $URL/test/r-cat             the adaptive test as an R flow (Concerto's way)
  $URL/test/r-questionnaire   the questionnaire as one R code test

  $URL/api/check/health
  $URL/api/check/session_count
  $URL/api/check/prometheus

Author tests, templates and data tables, and read the results, in the
admin pages:

  $URL/admin/

Log in as user admin with $pwhint;
set a new one with: $BUILD/concertoctl -d var passwd admin
Scripts use the REST API (docs/api.md), e.g.
  curl -s -c cookies -H 'Content-Type: application/json' \\
       -d '{"username":"admin","password":"PASSWORD"}' $URL/api/admin/login

Press Ctrl-C to stop.
EOF

# The jobs the package runs from cron: scheduled tasks (content imports)
# every minute, and every five minutes the count of active sessions that
# the admin dashboard charts. As Apache's user, so that SQLite's files stay
# writable for it; their complaints go to the error log.
periodic() {
    if [ -n "$ASROOT" ]; then
        runuser -u www-data -- "$CTL" -d "$DATADIR" "$@" >/dev/null 2>>"$ERRLOG" || true
    else
        "$CTL" -d "$DATADIR" "$@" >/dev/null 2>>"$ERRLOG" || true
    fi
}

# Wait for Apache to end, or for Ctrl-C / SIGTERM (which run stop(): a
# trapped signal interrupts `wait`).
seconds=0
while alive "$pid"; do
    [ $((seconds % 60)) -eq 0 ] && periodic schedule tick
    [ $((seconds % 300)) -eq 0 ] && periodic sessions log
    seconds=$((seconds + 1))
    sleep 1 &
    wait $! 2>/dev/null || true
done
rc=0
wait "$pid" 2>/dev/null || rc=$?
die "Apache exited by itself (status $rc); see $ERRLOG"
