/* core/router: routes, 404/405 with Allow, HEAD, and cc_path_below. */
#include "check_concerto.h"

#include "core/router.h"

#include <apr_strings.h>
#include <string.h>

/* A concrete path for a pattern: each '*' segment becomes "x1", "x2"... */
static const char *concrete_path(const char *pattern)
{
    const char *p;
    char *out = "";
    int n = 0;

    for (p = pattern; *p; p++) {
        if (*p == '*')
            out = apr_psprintf(cc_test_pool, "%sx%d", out, ++n);
        else
            out = apr_psprintf(cc_test_pool, "%s%c", out, *p);
    }
    return out;
}

/* Every route of CC_ROUTES answers its method (and HEAD for GET), with the
 * '*' segments as params, and refuses another method with 405. */
START_TEST(every_route)
{
    int routes = 0;

/* A path may have several routes, one per method (GET and POST
 * /api/admin/clients): another method finds another route or is refused
 * with an Allow that names this one's. */
#define CHECK_ROUTE(id, label, method, pattern)                                                    \
    {                                                                                              \
        cc_route_match m;                                                                          \
        const char *path = concrete_path(pattern);                                                 \
        const char *other = strcmp(method, "PATCH") ? "PATCH" : "DELETE";                          \
        cc_route_result found;                                                                     \
        int i;                                                                                     \
        ck_assert_msg(cc_route(cc_test_pool, method, path, &m) == CC_ROUTE_FOUND, "%s %s", method, \
                      path);                                                                       \
        ck_assert_int_eq(m.endpoint, id);                                                          \
        ck_assert_ptr_null(m.allow);                                                               \
        for (i = 0; i < m.nparams; i++)                                                            \
            ck_assert_str_eq(m.params[i], apr_psprintf(cc_test_pool, "x%d", i + 1));               \
        ck_assert_str_eq(cc_endpoint_label(id), label);                                            \
        if (!strcmp(method, "GET")) {                                                              \
            ck_assert_int_eq(cc_route(cc_test_pool, "HEAD", path, &m), CC_ROUTE_FOUND);            \
            ck_assert_int_eq(m.endpoint, id);                                                      \
        }                                                                                          \
        found = cc_route(cc_test_pool, other, path, &m);                                           \
        if (found == CC_ROUTE_FOUND) {                                                             \
            ck_assert_int_ne(m.endpoint, id);                                                      \
        } else {                                                                                   \
            ck_assert_int_eq(found, CC_ROUTE_BAD_METHOD);                                          \
            ck_assert_ptr_nonnull(m.allow);                                                        \
            ck_assert_msg(strstr(m.allow, method) != NULL, "Allow '%s' lacks %s", m.allow,         \
                          method);                                                                 \
        }                                                                                          \
        found =                                                                                    \
            cc_route(cc_test_pool, method, apr_pstrcat(cc_test_pool, path, "/more", NULL), &m);    \
        ck_assert_msg(found != CC_ROUTE_FOUND || m.endpoint != id, "%s matches %s/more", pattern,  \
                      path);                                                                       \
        routes++;                                                                                  \
    }
    CC_ROUTES(CHECK_ROUTE)
#undef CHECK_ROUTE
    ck_assert_int_ge(routes, 4);
}
END_TEST

START_TEST(known_routes)
{
    cc_route_match m;

    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/api/check/health", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_HEALTH);
    ck_assert_int_eq(m.nparams, 0);
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/api/check/session_count", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_SESSION_COUNT);
    ck_assert_int_eq(cc_route(cc_test_pool, "HEAD", "/api/check/prometheus", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_PROMETHEUS);
    ck_assert_int_eq(cc_route(cc_test_pool, "POST", "/api/admin/login", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_ADMIN_LOGIN);
    ck_assert_str_eq(cc_endpoint_label(CC_EP_HEALTH), "check_health");
    ck_assert_str_eq(cc_endpoint_label(CC_EP_ADMIN_LOGIN), "admin_login");
}
END_TEST

/* The participant's pages and the assets: one '*' each, and the POST
 * routes below /test/ are not taken for pages. */
START_TEST(page_routes)
{
    cc_route_match m;

    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/test/demo-cat", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_TEST_PAGE);
    ck_assert_str_eq(m.params[0], "demo-cat");
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/test/session/abc123", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_SESSION_PAGE);
    ck_assert_str_eq(m.params[0], "abc123");
    ck_assert_int_eq(cc_route(cc_test_pool, "HEAD", "/assets/runner.js", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_ASSET);
    ck_assert_str_eq(m.params[0], "runner.js");
    ck_assert_int_eq(cc_route(cc_test_pool, "POST", "/test/demo-cat", &m), CC_ROUTE_BAD_METHOD);
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/test/demo-cat/start_session", &m),
                     CC_ROUTE_BAD_METHOD);
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/assets/a/b.js", &m), CC_ROUTE_NOT_FOUND);
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/test/", &m), CC_ROUTE_NOT_FOUND);
}
END_TEST

/* The admin pages: the login page before the generic section route. */
START_TEST(admin_page_routes)
{
    cc_route_match m;

    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/admin/login", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_ADMIN_PAGE_LOGIN);
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/admin", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_ADMIN_PAGE_ROOT);
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/admin/", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_ADMIN_PAGE_HOME);
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/admin/tables", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_ADMIN_PAGE_LIST);
    ck_assert_str_eq(m.params[0], "tables");
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/admin/tests/12", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_ADMIN_PAGE_ITEM);
    ck_assert_str_eq(m.params[1], "12");
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/admin/tests/12/x", &m), CC_ROUTE_NOT_FOUND);
    ck_assert_int_eq(cc_route(cc_test_pool, "POST", "/admin/tests", &m), CC_ROUTE_BAD_METHOD);
}
END_TEST

START_TEST(not_found)
{
    static const char *const paths[] = {"/",
                                        "",
                                        "/api",
                                        "/api/check",
                                        "/api/check/",
                                        "/api/check/health/",
                                        "/api/check/healthz",
                                        "/api/check/healt",
                                        "/API/check/health",
                                        "//api/check/health",
                                        "/api/check/health?x=1",
                                        "/nope"};
    apr_size_t i;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        cc_route_match m;
        ck_assert_msg(cc_route(cc_test_pool, "GET", paths[i], &m) == CC_ROUTE_NOT_FOUND,
                      "'%s' routed", paths[i]);
        ck_assert_int_eq(m.endpoint, CC_EP_NOT_FOUND);
        ck_assert_ptr_null(m.allow);
    }
    ck_assert_str_eq(cc_endpoint_label(CC_EP_NOT_FOUND), "unmatched");
}
END_TEST

START_TEST(bad_method_allow)
{
    cc_route_match m;

    ck_assert_int_eq(cc_route(cc_test_pool, "POST", "/api/check/health", &m), CC_ROUTE_BAD_METHOD);
    ck_assert_str_eq(m.allow, "GET, HEAD");
    ck_assert_int_eq(m.endpoint, CC_EP_NOT_FOUND);
    ck_assert_int_eq(cc_route(cc_test_pool, "DELETE", "/api/check/prometheus", &m),
                     CC_ROUTE_BAD_METHOD);
    ck_assert_str_eq(m.allow, "GET, HEAD");

    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/test/session/x/submit", &m),
                     CC_ROUTE_BAD_METHOD);
    ck_assert_str_eq(m.allow, "POST");
    /* HEAD goes with GET only. */
    ck_assert_int_eq(cc_route(cc_test_pool, "HEAD", "/test/session/x/submit", &m),
                     CC_ROUTE_BAD_METHOD);
    ck_assert_str_eq(m.allow, "POST");
    /* Below /api/admin/ a GET the specific routes do not take goes to the REST
     * API's generic list (which answers 404 for a kind it does not know). */
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/api/admin/login", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_REST_LIST);
    ck_assert_int_eq(cc_route(cc_test_pool, "PUT", "/api/admin/tests/1/nodes/2/ports/3", &m),
                     CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_REST_PORT_UPDATE);
    /* A path with a route per method names them all, once each. */
    ck_assert_int_eq(cc_route(cc_test_pool, "PUT", "/api/admin/clients", &m), CC_ROUTE_BAD_METHOD);
    ck_assert_str_eq(m.allow, "GET, HEAD, POST, DELETE");
    /* The REST API's generic routes take what the specific ones leave;
     * its handler answers 405 for a path that has specific routes. */
    ck_assert_int_eq(cc_route(cc_test_pool, "GET", "/api/admin/me/totp", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_REST_GET);
    ck_assert_int_eq(cc_route(cc_test_pool, "DELETE", "/api/admin/clients/7", &m), CC_ROUTE_FOUND);
    ck_assert_int_eq(m.endpoint, CC_EP_ADMIN_CLIENT_DELETE);
    ck_assert_str_eq(m.params[0], "7");
    /* Methods are case-sensitive (RFC 9110). */
    ck_assert_int_eq(cc_route(cc_test_pool, "get", "/api/check/health", &m), CC_ROUTE_BAD_METHOD);
}
END_TEST

START_TEST(path_below)
{
    ck_assert_str_eq(cc_path_below("/concerto/api/check/health", "/concerto"), "/api/check/health");
    ck_assert_str_eq(cc_path_below("/concerto/", "/concerto"), "/");
    ck_assert_str_eq(cc_path_below("/concerto", "/concerto"), "/");
    ck_assert_ptr_null(cc_path_below("/concertox/api", "/concerto"));
    ck_assert_ptr_null(cc_path_below("/other/api", "/concerto"));
    ck_assert_ptr_null(cc_path_below("/conc", "/concerto"));
    ck_assert_ptr_null(cc_path_below("/", "/concerto"));
    ck_assert_str_eq(cc_path_below("/api/x", ""), "/api/x");
    ck_assert_str_eq(cc_path_below("/api/x", NULL), "/api/x");
    ck_assert_str_eq(cc_path_below("/a/b/c", "/a/b"), "/c");
}
END_TEST

TCase *tcase_core_router(void)
{
    TCase *tc = cc_test_tcase("core/router");

    tcase_add_test(tc, every_route);
    tcase_add_test(tc, known_routes);
    tcase_add_test(tc, page_routes);
    tcase_add_test(tc, admin_page_routes);
    tcase_add_test(tc, not_found);
    tcase_add_test(tc, bad_method_allow);
    tcase_add_test(tc, path_below);
    return tc;
}
