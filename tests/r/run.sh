#!/bin/sh
# The R package's stage of make check: R CMD build and R CMD check of r/
# (no ERROR or WARNING), the package's own tests (r/tests/*.R), the engine's
# tests on SQLite (tests/r/engine.R), the R starter content (tests/r/starter.R,
# needs BUILD/concertoctl) and the
# comparison with catR's golden numbers (tests/r/golden.R). The package is
# installed into BUILD/r/lib, not into R's site library.
# Last line: "N passed, M failed" (golden.R's checks + one per other step).
#
# Usage: sh tests/r/run.sh BUILD_DIR     (after make r-sources)
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
OUT=$BUILD/r
passed=0
failed=0
step() { # step NAME COMMAND...: one test, passed when the command succeeds
    name=$1
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $name"; fi
}

rm -rf "$OUT" && mkdir -p "$OUT/lib" || exit 1

check_package() {
    (cd "$OUT" && R CMD build "$ROOT/r" >build.log 2>&1) || { cat "$OUT/build.log"; return 1; }
    (cd "$OUT" && _R_CHECK_FORCE_SUGGESTS_=false R CMD check --no-manual concerto_*.tar.gz \
        >check.log 2>&1)
    rc=$?
    grep -E '^Status:|WARNING|ERROR' "$OUT/check.log"
    [ $rc = 0 ] && ! grep -qE '^Status:.*(WARNING|ERROR)' "$OUT/check.log"
}
step "R CMD check" check_package
step "R CMD INSTALL" sh -c "R CMD INSTALL -l '$OUT/lib' r >'$OUT/install.log' 2>&1 || { cat '$OUT/install.log'; exit 1; }"

for t in r/tests/*.R; do
    step "$t" env R_LIBS="$OUT/lib" Rscript "$t"
done
# The engine (code and flow tests, replay) on SQLite with the module's schema.
step "tests/r/engine.R" env R_LIBS="$OUT/lib" Rscript tests/r/engine.R
# The R starter content (conf/starter: r-cat, r-questionnaire) as make run loads it.
step "tests/r/starter.R" env R_LIBS="$OUT/lib" Rscript tests/r/starter.R "$BUILD/concertoctl"

if python3 tests/r/golden_to_r.py ../shared/golden/catr "$OUT/golden_data.R"; then
    R_LIBS="$OUT/lib" Rscript tests/r/golden.R "$OUT/golden_data.R" | tee "$OUT/golden.log"
    line=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$OUT/golden.log")
    if [ -n "$line" ]; then
        # shellcheck disable=SC2086 # split the numbers
        set -- $line
        passed=$((passed + $1))
        failed=$((failed + $2))
    else
        echo "FAIL tests/r/golden.R printed no summary (crashed?)"
        failed=$((failed + 1))
    fi
else
    echo "FAIL golden data (../shared/golden/catr) could not be read"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
