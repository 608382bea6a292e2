#!/bin/sh
# The Debian package tried as a new user would, in a throwaway Debian 12 root
# made by debootstrap from Debian's packages (the machine's apt mirror):
# install apache2 and the .deb, a2enmod concerto, concertoctl setup,
# apache2ctl configtest, start Apache on a free port, take demo-cat over
# HTTP, check that /etc/apache2/envvars reaches the module and that the
# cron jobs' commands run, then apt purge and list what is left.
#
# Usage (as root): sh tests/deb/chroot-install.sh PATH/libapache2-mod-concerto_*.deb
# MIRROR (default http://deb.debian.org/debian), SUITE (bookworm), KEEP=1
# (keep the root for a look), CHROOT_DIR (default a new dir under /var/tmp).
set -eu

DEB=${1:?usage: chroot-install.sh PATH/TO/libapache2-mod-concerto_VERSION_ARCH.deb}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=${SUITE:-bookworm}
HERE=$(cd "$(dirname "$0")" && pwd)
PASSWORD=chroot-check-password

say() { printf '%s\n' "check-deb: $*"; }
die() { printf '%s\n' "check-deb: FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

[ "$(id -u)" = 0 ] || die "run as root (debootstrap and chroot need it)"
command -v debootstrap >/dev/null || die "debootstrap missing: apt-get install debootstrap (make deps)"
[ -f "$DEB" ] || die "no package $DEB: run make deb first"
DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")

ROOT=${CHROOT_DIR:-$(mktemp -d /var/tmp/concerto-chroot.XXXXXX)}
mkdir -p "$ROOT"
# The root's / must be searchable by www-data (mktemp makes it 0700).
chmod 0755 "$ROOT"
in_root() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root "$@"; }
cleanup() {
    set +e
    [ -x "$ROOT/usr/sbin/apache2ctl" ] && in_root apache2ctl stop >/dev/null 2>&1
    sleep 1
    mountpoint -q "$ROOT/proc" && umount "$ROOT/proc"
    if [ "${KEEP:-}" = 1 ]; then
        say "kept the root in $ROOT (umount nothing needed; rm -rf --one-file-system it when done)"
    elif ! mountpoint -q "$ROOT/proc"; then
        rm -rf --one-file-system "$ROOT"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

start_all=$(now)

# 1. A minimal Debian with Apache (what `apt install apache2` gives).
t=$(now)
say "debootstrap $SUITE into $ROOT from $MIRROR (minbase + apache2)"
debootstrap --variant=minbase --include=apache2 "$SUITE" "$ROOT" "$MIRROR" \
    >"$ROOT.debootstrap.log" 2>&1 || { tail -20 "$ROOT.debootstrap.log"; die "debootstrap"; }
rm -f "$ROOT.debootstrap.log"
mount -t proc proc "$ROOT/proc"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# No service starts from maintainer scripts: this root has no init.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
say "root with apache2 ready in $(took "$t")"

# 2. The package, as a sysadmin installs a local .deb (its Depends from the
#    mirror; recommends left out to keep R's documentation and compilers away).
t=$(now)
cp "$DEB" "$ROOT/tmp/"
in_root apt-get update -q >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "/tmp/$(basename "$DEB")" libaprutil1-dbd-pgsql >"$ROOT/tmp/install.log" 2>&1 ||
    { tail -30 "$ROOT/tmp/install.log"; die "apt-get install of the .deb"; }
say "package and its dependencies installed in $(took "$t")"
[ "$(stat -c %U:%G:%a "$ROOT/var/lib/concerto")" = www-data:www-data:750 ] ||
    die "/var/lib/concerto is $(stat -c %U:%G:%a "$ROOT/var/lib/concerto"), not www-data:www-data:750"
[ ! -e "$ROOT/etc/apache2/mods-enabled/concerto.load" ] ||
    die "the module was enabled by the installation (it should wait for a2enmod)"

# 3. Enable, set up, configtest.
t=$(now)
in_root a2enmod concerto
in_root env CONCERTO_PASSWORD="$PASSWORD" concertoctl setup --owner www-data \
    --starter /usr/share/libapache2-mod-concerto/starter
in_root apache2ctl configtest
say "a2enmod, setup and configtest in $(took "$t")"

# 4. Apache on a free port of 127.0.0.1 (the root shares this machine's network).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -i "s/^Listen 80\$/Listen 127.0.0.1:$PORT/" "$ROOT/etc/apache2/ports.conf"
echo 'ServerName 127.0.0.1' >"$ROOT/etc/apache2/conf-enabled/servername.conf"
URL=http://127.0.0.1:$PORT/concerto
start_apache() {
    in_root apache2ctl start
    n=0
    until [ "$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' --max-time 1 \
        "$URL/api/check/health")" = 200 ]; do
        n=$((n + 1))
        [ $n -lt 100 ] || { tail -20 "$ROOT/var/log/apache2/error.log"; die "Apache did not answer on $PORT"; }
        sleep 0.2
    done
}
start_apache
t=$(now)
health=$(curl -s --noproxy '*' -w ' HTTP %{http_code}' "$URL/api/check/health")
case $health in *'HTTP 200') ;; *) tail -5 "$ROOT/var/log/apache2/error.log"; die "health check: $health" ;; esac
python3 "$HERE/take_demo_cat.py" "$URL" || die "demo-cat over HTTP"
curl -sf --noproxy '*' -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$URL/api/admin/login" >/dev/null ||
    die "admin login with the CONCERTO_PASSWORD given to setup"
say "demo-cat taken and admin login (CONCERTO_PASSWORD) in $(took "$t")"

# 5. Environment overrides in the packaged layout: a DB_* variable exported in
#    /etc/apache2/envvars reaches the module (ConcertoDatabase pgsql without
#    parameters takes DB_*; a DB_PORT that is no port is refused by name).
cp "$ROOT/etc/apache2/envvars" "$ROOT/tmp/envvars.orig"
echo 'export DB_PORT=not-a-port' >>"$ROOT/etc/apache2/envvars"
cat >"$ROOT/etc/apache2/conf-enabled/zz-envcheck.conf" <<CONF
<Location /envcheck>
    SetHandler concerto
    ConcertoDatabase pgsql
</Location>
CONF
in_root apache2ctl stop
sleep 1
start_apache
code=$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/envcheck/test/demo-cat")
grep -q "DB_PORT 'not-a-port' is not a port number" "$ROOT/var/log/apache2/error.log" ||
    { tail -5 "$ROOT/var/log/apache2/error.log"; die "DB_PORT from envvars did not reach the module (HTTP $code)"; }
say "DB_PORT exported in /etc/apache2/envvars reached the module (HTTP $code, logged by name)"
in_root apache2ctl stop
cp "$ROOT/tmp/envvars.orig" "$ROOT/etc/apache2/envvars"
rm "$ROOT/etc/apache2/conf-enabled/zz-envcheck.conf"

# 6. The cron jobs' commands, as cron runs them (www-data, envvars read).
#    A command this concertoctl does not know yet is reported, not run.
grep -v '^#' "$ROOT/etc/cron.d/libapache2-mod-concerto" | awk -F'\t' 'NF >= 3 { print $3 }' |
    while IFS= read -r job; do
        sub=$(printf '%s\n' "$job" | sed 's/.*concertoctl \([a-z]* [a-z]*\).*/\1/')
        if out=$(in_root runuser -u www-data -- sh -c "$job" 2>&1); then
            say "cron job ran: concertoctl $sub"
        elif printf '%s\n' "$out" | grep -q "unknown command"; then
            say "cron job NOT run: this concertoctl has no '$sub' yet ($(printf '%s\n' "$out" | head -1))"
        else
            printf '%s\n' "$out" >&2
            die "cron job failed: $job"
        fi
    done

# 7. Purge, and what is left.
t=$(now)
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q libapache2-mod-concerto >/dev/null
say "purged in $(took "$t"); left behind:"
left=$(cd "$ROOT" && find . -xdev \( -path ./proc -o -path ./tmp \) -prune -o -iname '*concerto*' -print)
if [ -n "$left" ]; then
    printf '%s\n' "$left" | sed 's/^/check-deb:   /'
    die "files named after concerto are left after purge"
fi
say "  nothing named *concerto* outside /tmp (the copied .deb); /var/lib/concerto is gone"
dangling=$(cd "$ROOT" && find etc/apache2 -xtype l)
[ -z "$dangling" ] || die "dangling links in /etc/apache2 after purge: $dangling"
say "  no dangling links in /etc/apache2; the dependencies (R, APR drivers) stay installed"
say "  until apt autoremove, as apt does for any package"
say "PASSED in $(took "$start_all") in all"
