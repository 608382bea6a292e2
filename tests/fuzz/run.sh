#!/bin/sh
# Builds the libFuzzer target over the JSON request layer and the CAT
# engine, and runs it for a bounded time.
#   sh tests/fuzz/run.sh [SECONDS] [extra libFuzzer options]
# Needs clang (Debian 12: clang-14 ships libFuzzer) and libjson-c-dev.
# Crashes are written to build/fuzz/crash-* (replay: build/fuzz/fuzz_catapi FILE).
set -eu
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-60}
[ $# -gt 0 ] && shift
CC=${CLANG:-clang}
OUT=build/fuzz
mkdir -p "$OUT/corpus"
# CC_CATAPI_DETERMINISTIC: random choices without a seed in the request
# use a fixed seed, so that a crash replays. CC_CATAPI_MAX_EXACT_ITEMS=12:
# exact SEs (2^n patterns) over at most 12 items, or the fuzzer times out
# on requests that are merely slow.
$CC -std=gnu11 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DCC_CATAPI_DETERMINISTIC -DCC_CATAPI_MAX_EXACT_ITEMS=12 -I mod_concerto $(pkg-config --cflags json-c) \
    tests/fuzz/fuzz_catapi.c mod_concerto/catapi/request.c mod_concerto/cat/*.c \
    $(pkg-config --libs json-c) -lm -o "$OUT/fuzz_catapi"
# New inputs go to build/fuzz/corpus; the seeds in tests/fuzz/corpus stay as they are.
exec "$OUT/fuzz_catapi" "$OUT/corpus" tests/fuzz/corpus \
    -dict=tests/fuzz/catapi.dict -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -max_total_time="$SECONDS_TO_RUN" -print_final_stats=1 -artifact_prefix="$OUT/" "$@"
