#!/bin/sh
# Every test: the Check unit tests, the integration tests on SQLite,
# PostgreSQL and MariaDB (CONCERTO_TEST_DBS="sqlite pgsql" for fewer), the
# browser test, the R package, the sanitizer build, lint, the apxs build,
# the starter content's checks, and fuzzing. Keeps going after a failing stage, shows all output, and
# prints as the last line "N passed, M failed" over all stages.
# Exit 1 when anything failed; a stage that crashed (no summary line, or a
# non-zero exit with no failure counted) counts as one failure.
#
# Usage: sh tests/run-all.sh BUILD_DIR        (make check)
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
BUILD=$1
cd "$(dirname "$0")/.." || exit 1

# Upper bounds per stage, in seconds (the integration runners bound every
# single step too; this is the backstop).
UNIT_TIMEOUT=${UNIT_TIMEOUT:-900}
INTEGRATION_TIMEOUT=${INTEGRATION_TIMEOUT:-1800}

tmp=$(mktemp -d /tmp/concerto-run-all.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

total_passed=0
total_failed=0
report=""

# run_stage NAME TIMEOUT COMMAND...: runs the command with its output shown
# and kept in $tmp/out; its exit status in $tmp/rc.
run_stage() {
    name=$1
    limit=$2
    shift 2
    echo "=== $name: $* ==="
    rm -f "$tmp/rc"
    # --foreground: the stage stays in this process group, so that Ctrl-C
    # reaches it and it can stop what it started (Apache, PostgreSQL).
    { timeout --foreground --kill-after=30 "$limit" "$@" </dev/null 2>&1; echo $? >"$tmp/rc"; } |
        tee "$tmp/out"
    rc=$(cat "$tmp/rc" 2>/dev/null || echo 1)
    [ "$rc" = 124 ] && echo "run-all: $name timed out after ${limit}s"
}

# add NAME PASSED FAILED RC: counts a stage.
add() {
    name=$1 p=$2 f=$3 rc=$4
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        echo "run-all: $name exited $rc with no failure reported; counted as 1 failure"
        f=1
    fi
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    report="$report
  $name: $p passed, $f failed (exit $rc)"
}

# 1. Check unit tests: "NN%: Checks: N, Failures: F, Errors: E"
if [ -x "$BUILD/check_concerto" ]; then
    run_stage unit "$UNIT_TIMEOUT" "$BUILD/check_concerto"
    line=$(sed -n 's/^[0-9]*%: Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*$/\1 \2 \3/p' "$tmp/out" | tail -n 1)
    if [ -n "$line" ]; then
        # shellcheck disable=SC2086 # split the numbers
        set -- $line
        add unit $(($1 - $2 - $3)) $(($2 + $3)) "$rc"
    else
        echo "run-all: unit tests printed no 'Checks: N, Failures: F, Errors: E' line (crashed?)"
        add unit 0 1 "$rc"
    fi
else
    echo "=== unit ==="
    echo "run-all: $BUILD/check_concerto does not exist (make $BUILD/check_concerto)"
    add unit 0 1 1
fi

# 2. to 4. Integration tests, one stage per database: last line "N passed,
# M failed". CONCERTO_TEST_DBS (e.g. "sqlite pgsql") narrows them for a
# quick run.
for db in ${CONCERTO_TEST_DBS:-sqlite pgsql mysql}; do
    run_stage "integration-$db" "$INTEGRATION_TIMEOUT" python3 tests/integration/run.py --build "$BUILD" --db "$db"
    line=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$tmp/out" | tail -n 1)
    if [ -n "$line" ]; then
        # shellcheck disable=SC2086 # split the numbers
        set -- $line
        add "integration-$db" "$1" "$2" "$rc"
    else
        echo "run-all: integration-$db printed no 'N passed, M failed' line (crashed?)"
        add "integration-$db" 0 1 "$rc"
    fi
done

# Browser test: demo-cat in headless Chromium; last line "N passed, M failed".
BROWSER_TIMEOUT=${BROWSER_TIMEOUT:-300}
run_stage browser "$BROWSER_TIMEOUT" python3 tests/browser/run.py --build "$BUILD"
line=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$tmp/out" | tail -n 1)
if [ -n "$line" ]; then
    # shellcheck disable=SC2086 # split the numbers
    set -- $line
    add browser "$1" "$2" "$rc"
else
    echo "run-all: browser printed no 'N passed, M failed' line (crashed?)"
    add browser 0 1 "$rc"
fi

# The R package (r/): R CMD check, its tests and catR's golden numbers;
# last line "N passed, M failed".
R_TIMEOUT=${R_TIMEOUT:-600}
run_stage r "$R_TIMEOUT" make --no-print-directory BUILD="$BUILD" check-r
line=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$tmp/out" | tail -n 1)
if [ -n "$line" ]; then
    # shellcheck disable=SC2086 # split the numbers
    set -- $line
    add r "$1" "$2" "$rc"
else
    echo "run-all: r printed no 'N passed, M failed' line (crashed?)"
    add r 0 1 "$rc"
fi

# 4. to 7. Whole-build checks, one test each: the sanitizer build of the
# unit tests, the lint tools, the apxs build for existing Apaches, and a
# bounded fuzzing run over the CAT requests and the upload parser.
single_stage() {
    name=$1
    shift
    run_stage "$name" "$UNIT_TIMEOUT" "$@"
    if [ "$rc" = 0 ]; then add "$name" 1 0 0; else add "$name" 0 1 "$rc"; fi
}
single_stage asan make --no-print-directory check-asan
single_stage lint make --no-print-directory lint
single_stage apxs sh tests/apxs-build.sh
single_stage starter python3 conf/starter/check.py
# libFuzzer prints a line per new input: keep them in a file, show the end.
# 20 s on the CAT requests, 10 s on uploads, 10 s on content files.
single_stage fuzz sh -c 'mkdir -p "$0" && sh tests/fuzz/run.sh catapi 20 >"$0/fuzz.log" 2>&1 &&
    sh tests/fuzz/run.sh multipart 10 >>"$0/fuzz.log" 2>&1 &&
    sh tests/fuzz/run.sh content 10 >>"$0/fuzz.log" 2>&1; rc=$?;
    tail -n 8 "$0/fuzz.log"; [ $rc = 0 ] || echo "fuzz: see $0/fuzz.log"; exit $rc' "$BUILD"

echo "=== summary ===$report"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ] || exit 1
exit 0
