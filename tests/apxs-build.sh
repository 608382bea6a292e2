#!/bin/sh
# The apxs route for sysadmins: build the module with apxs (apxs/Makefile)
# and check that Apache accepts it in a configuration. Run from anywhere.
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory -C apxs clean >/dev/null
make --no-print-directory -C apxs
so=$(pwd)/apxs/.libs/mod_concerto.so
test -f "$so"
tmp=$(mktemp -d /tmp/concerto-apxs.XXXXXX)
trap 'rm -rf "$tmp"; make --no-print-directory -C apxs clean >/dev/null' EXIT
moddir=$(apxs -q LIBEXECDIR)
cat >"$tmp/httpd.conf" <<CONF
ServerRoot $tmp
ServerName 127.0.0.1
Listen 127.0.0.1:9
PidFile $tmp/httpd.pid
ErrorLog $tmp/error.log
LoadModule mpm_prefork_module $moddir/mod_mpm_prefork.so
LoadModule concerto_module $so
<Location /concerto>
    SetHandler concerto
    ConcertoDataDir $tmp
    ConcertoMaxBodySize 2M
</Location>
CONF
/usr/sbin/apache2 -t -f "$tmp/httpd.conf"
echo "apxs build: the module loads and its directives parse"
# make -C apxs install into a staging root: both files land below DESTDIR
# (apxs -i itself knows no DESTDIR), nothing outside it.
make --no-print-directory -C apxs install DESTDIR="$tmp/stage" >/dev/null
test -f "$tmp/stage$moddir/mod_concerto.so"
test -x "$tmp/stage/usr/local/bin/concertoctl"
echo "apxs install: DESTDIR=$tmp/stage holds $moddir/mod_concerto.so and /usr/local/bin/concertoctl"
