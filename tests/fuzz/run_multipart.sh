#!/bin/sh
# Builds the libFuzzer target over the multipart parser and safe file
# names (core/multipart.c) and runs it for a bounded time.
#   sh tests/fuzz/run_multipart.sh [SECONDS] [extra libFuzzer options]
# Crashes are written to build/fuzz/crash-* (replay: build/fuzz/fuzz_multipart FILE).
set -eu
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-60}
[ $# -gt 0 ] && shift
CC=${CLANG:-clang}
OUT=build/fuzz
mkdir -p "$OUT/corpus_multipart"
$CC -std=gnu11 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I mod_concerto $(apr-1-config --cppflags --includes) \
    tests/fuzz/fuzz_multipart.c mod_concerto/core/multipart.c \
    $(apr-1-config --link-ld --libs) -o "$OUT/fuzz_multipart"
exec "$OUT/fuzz_multipart" "$OUT/corpus_multipart" -max_len=2048 -timeout=10 \
    -max_total_time="$SECONDS_TO_RUN" -print_final_stats=1 -artifact_prefix="$OUT/" "$@"
