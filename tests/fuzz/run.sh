#!/bin/sh
# Builds one libFuzzer target and runs it for a bounded time.
#   sh tests/fuzz/run.sh [catapi|multipart|content] [SECONDS] [extra libFuzzer options]
# catapi (the default): the JSON request layer and the CAT engine;
# multipart: the upload parser and safe file names (core/multipart.c);
# content: content files (JSON, YAML, zlib) and template inserts (content/).
# Needs clang (Debian 12: clang-14 ships libFuzzer), libjson-c-dev and APR.
# Crashes are written to build/fuzz/crash-* (replay: build/fuzz/fuzz_TARGET FILE).
set -eu
cd "$(dirname "$0")/../.."
TARGET=catapi
case "${1:-}" in
catapi | multipart | content)
    TARGET=$1
    shift
    ;;
esac
SECONDS_TO_RUN=${1:-60}
[ $# -gt 0 ] && shift
CC=${CLANG:-clang}
OUT=build/fuzz
case $TARGET in
catapi)
    # CC_CATAPI_DETERMINISTIC: random choices without a seed in the request
    # use a fixed seed, so that a crash replays. CC_CATAPI_MAX_EXACT_ITEMS=12:
    # exact SEs (2^n patterns) over at most 12 items, or the fuzzer times out
    # on requests that are merely slow.
    CFLAGS="-DCC_CATAPI_DETERMINISTIC -DCC_CATAPI_MAX_EXACT_ITEMS=12 $(pkg-config --cflags json-c)"
    SOURCES="mod_concerto/catapi/request.c mod_concerto/cat/*.c"
    LIBS="$(pkg-config --libs json-c) -lm"
    CORPUS=$OUT/corpus
    OPTIONS="tests/fuzz/corpus -dict=tests/fuzz/catapi.dict -max_len=4096 -rss_limit_mb=2048"
    ;;
multipart)
    CFLAGS="$(apr-1-config --cppflags --includes)"
    SOURCES="mod_concerto/core/multipart.c"
    LIBS="$(apr-1-config --link-ld --libs)"
    CORPUS=$OUT/corpus_multipart
    OPTIONS="-max_len=2048"
    ;;
content)
    CFLAGS="$(apr-1-config --cppflags --includes) $(pkg-config --cflags json-c yaml-0.1 zlib libcrypto)"
    SOURCES="mod_concerto/content/format.c mod_concerto/content/inserts.c mod_concerto/core/template.c mod_concerto/content/ids.c mod_concerto/core/json_pool.c"
    LIBS="$(apr-1-config --link-ld --libs) $(pkg-config --libs json-c yaml-0.1 zlib libcrypto)"
    CORPUS=$OUT/corpus_content
    OPTIONS="-max_len=4096"
    ;;
esac
mkdir -p "$CORPUS"
# shellcheck disable=SC2086 # the lists above are meant to split
$CC -std=gnu11 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I mod_concerto $CFLAGS "tests/fuzz/fuzz_$TARGET.c" $SOURCES $LIBS -o "$OUT/fuzz_$TARGET"
# New inputs go to the corpus under build/; the seeds in tests/fuzz/corpus stay as they are.
# shellcheck disable=SC2086
exec "$OUT/fuzz_$TARGET" "$CORPUS" $OPTIONS -timeout=10 \
    -max_total_time="$SECONDS_TO_RUN" -print_final_stats=1 -artifact_prefix="$OUT/" "$@"
