/* docs/api.md against the router and the REST dispatcher: every route of
 * core/router.h is reached by a documented line, every documented line
 * reaches a route, and every documented /api/admin/ line of the REST API
 * reaches a handler that knows it (not "nothing here", not 405). */
#include "admin_fixture.h"

#include "admin/rest.h"
#include "core/router.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <ctype.h>

#ifndef SOURCE_DIR
#define SOURCE_DIR "."
#endif

typedef struct doc_line {
    const char *method;
    const char *path; /* with {placeholders} */
} doc_line;

/* "| GET | /api/... |" lines of the reference. */
static apr_array_header_t *doc_lines(apr_pool_t *pool)
{
    const char *file = SOURCE_DIR "/docs/api.md";
    apr_array_header_t *lines = apr_array_make(pool, 128, sizeof(doc_line));
    apr_file_t *f = NULL;
    char buf[4096];

    ck_assert_msg(apr_file_open(&f, file, APR_FOPEN_READ, 0, pool) == APR_SUCCESS, "cannot open %s",
                  file);
    while (apr_file_gets(buf, sizeof(buf), f) == APR_SUCCESS) {
        char method[16], path[512];
        if (sscanf(buf, "| %15[A-Z] | %511[^ |] |", method, path) != 2 || path[0] != '/')
            continue;
        {
            doc_line *d = apr_array_push(lines);
            d->method = apr_pstrdup(pool, method);
            d->path = apr_pstrdup(pool, path);
        }
    }
    apr_file_close(f);
    return lines;
}

/* {x} -> 1 */
static const char *concrete(apr_pool_t *pool, const char *path)
{
    char *out = apr_palloc(pool, strlen(path) + 1), *o = out;

    while (*path) {
        if (*path == '{') {
            while (*path && *path != '}')
                path++;
            if (*path)
                path++;
            *o++ = '1';
        } else
            *o++ = *path++;
    }
    *o = '\0';
    return out;
}

static int is_rest_endpoint(cc_endpoint e)
{
    return !strncmp(cc_endpoint_label(e), "rest_", 5);
}

START_TEST(every_route_is_documented_and_every_line_routes)
{
    apr_array_header_t *lines = doc_lines(cc_test_pool);
    int covered[CC_EP__COUNT];
    int i;

    memset(covered, 0, sizeof(covered));
    ck_assert_int_gt(lines->nelts, 40);
    for (i = 0; i < lines->nelts; i++) {
        const doc_line *d = &APR_ARRAY_IDX(lines, i, doc_line);
        cc_route_match m;
        const char *path = concrete(cc_test_pool, d->path);
        ck_assert_msg(cc_route(cc_test_pool, d->method, path, &m) == CC_ROUTE_FOUND,
                      "docs/api.md: %s %s reaches no route of core/router.h", d->method, d->path);
        covered[m.endpoint] = 1;
    }
#define CHECK_COVERED(id, label, method, pattern)                                                  \
    ck_assert_msg(covered[id], "core/router.h: %s %s (%s) is not in docs/api.md", method, pattern, \
                  label);
    CC_ROUTES(CHECK_COVERED)
#undef CHECK_COVERED
}
END_TEST

START_TEST(every_rest_line_has_a_handler)
{
    apr_array_header_t *lines = doc_lines(cc_test_pool);
    cc_db *db = admin_fixture_db(cc_test_pool);
    const char *data_dir = cc_test_tmpdir(cc_test_pool);
    cc_admin_actor super = {1, "alice", NULL, NULL, 1};
    int i, checked = 0;

    for (i = 0; i < lines->nelts; i++) {
        const doc_line *d = &APR_ARRAY_IDX(lines, i, doc_line);
        const char *path = concrete(cc_test_pool, d->path);
        cc_admin_error err = {0, NULL, NULL};
        cc_rest_answer answer;
        cc_rest_request req;
        cc_route_match m;
        if (cc_route(cc_test_pool, d->method, path, &m) != CC_ROUTE_FOUND ||
            !is_rest_endpoint(m.endpoint))
            continue;
        memset(&req, 0, sizeof(req));
        ck_assert(cc_rest_split(cc_test_pool, path + strlen("/api/admin/"), &req));
        ck_assert_msg(cc_rest_area(req.segs[0]) != CC_AREA_UNKNOWN, "%s %s: no such kind",
                      d->method, d->path);
        req.method = d->method;
        req.body = "{}";
        req.len = 2;
        req.actor = &super;
        req.now = 1000;
        req.data_dir = data_dir;
        if (cc_rest_handle(db, cc_test_pool, &req, &answer, &err) != APR_SUCCESS) {
            ck_assert_msg(err.status != 405, "%s %s: %s", d->method, d->path, err.message);
            ck_assert_msg(strncmp(err.message, "there is nothing at", 19) != 0, "%s %s: %s",
                          d->method, d->path, err.message);
        }
        checked++;
    }
    ck_assert_int_gt(checked, 60);
}
END_TEST

TCase *tcase_admin_api_doc(void)
{
    TCase *tc = cc_test_tcase("admin/api_doc");

    tcase_add_test(tc, every_route_is_documented_and_every_line_routes);
    tcase_add_test(tc, every_rest_line_has_a_handler);
    return tc;
}
