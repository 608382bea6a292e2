/* libFuzzer target: multipart/form-data bodies and file names
 * (core/multipart.c). Built and run by `tests/fuzz/run.sh multipart`.
 *
 * The first byte picks the boundary's length (1..16, from "fuzzboundary..."),
 * the rest is the body. Beyond the sanitizers it checks the contract: on
 * success every part has a name and lies inside the body; on failure there
 * is a message; a safe name never holds '/', '\\' or a leading '.'. */
#include "core/multipart.h"

#include <apr_strings.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char boundaries[] = "fuzzboundary0123";
    static int ready;
    apr_pool_t *pool;
    apr_array_header_t *parts = NULL;
    const char *errmsg = NULL, *boundary;
    char *body, *name;
    int k;

    if (!ready) {
        apr_initialize();
        ready = 1;
    }
    if (size < 1)
        return 0;
    apr_pool_create(&pool, NULL);
    boundary = apr_pstrndup(pool, boundaries, 1 + data[0] % 16);
    body = apr_pmemdup(pool, data + 1, size - 1); /* exact size: ASan sees overreads */
    if (cc_multipart_parse(pool, boundary, body, size - 1, &parts, &errmsg) == APR_SUCCESS) {
        for (k = 0; k < parts->nelts; k++) {
            const cc_multipart_part *p = &APR_ARRAY_IDX(parts, k, cc_multipart_part);
            if (p->name == NULL || p->len > size || (p->data == NULL && p->len))
                abort();
            if (p->filename) {
                const char *safe = cc_safe_file_name(pool, p->filename);
                if (!*safe || strchr(safe, '/') || strchr(safe, '\\') || safe[0] == '.' ||
                    strlen(safe) > CC_SAFE_NAME_MAX)
                    abort();
            }
        }
    } else if (errmsg == NULL || !*errmsg) {
        abort();
    }
    name = apr_pstrndup(pool, (const char *)data, size);
    if (strchr(cc_safe_file_name(pool, name), '/'))
        abort();
    apr_pool_destroy(pool);
    return 0;
}
