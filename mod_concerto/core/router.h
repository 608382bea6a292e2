/* Maps a request path (below the platform's base URL) and method to an
 * endpoint. Pure string logic, so that every route is unit tested. */
#ifndef CC_ROUTER_H
#define CC_ROUTER_H

#include <apr_pools.h>

/* X(id, metrics label, method, path pattern). A '*' segment matches one
 * non-empty path segment. Later issues add their routes here. */
#define CC_ROUTES(X)                                                                               \
    X(CC_EP_HEALTH, "check_health", "GET", "/api/check/health")                                    \
    X(CC_EP_SESSION_COUNT, "check_session_count", "GET", "/api/check/session_count")               \
    X(CC_EP_PROMETHEUS, "check_prometheus", "GET", "/api/check/prometheus")                        \
    X(CC_EP_ADMIN_LOGIN, "admin_login", "POST", "/api/admin/login")                                \
    X(CC_EP_ADMIN_LOGOUT, "admin_logout", "POST", "/api/admin/logout")                             \
    X(CC_EP_ADMIN_ME, "admin_me", "GET", "/api/admin/me")                                          \
    X(CC_EP_ADMIN_TOTP_BEGIN, "admin_totp_begin", "POST", "/api/admin/me/totp")                    \
    X(CC_EP_ADMIN_TOTP_CONFIRM, "admin_totp_confirm", "POST", "/api/admin/me/totp/confirm")        \
    X(CC_EP_ADMIN_TOTP_DISABLE, "admin_totp_disable", "DELETE", "/api/admin/me/totp")              \
    X(CC_EP_ADMIN_CLIENTS, "admin_clients", "GET", "/api/admin/clients")                           \
    X(CC_EP_ADMIN_CLIENT_CREATE, "admin_client_create", "POST", "/api/admin/clients")              \
    X(CC_EP_ADMIN_CLIENT_DELETE, "admin_client_delete", "DELETE", "/api/admin/clients/*")          \
    X(CC_EP_ADMIN_CONTENT_IMPORT, "admin_content_import", "POST", "/api/admin/content/import")     \
    X(CC_EP_ADMIN_CONTENT_EXPORT, "admin_content_export", "GET", "/api/admin/content/export")      \
    /* rest (admin/rest.h): generic /api/admin/{kind}[/{id}[/{sub}[/{sid}]]] after the      */     \
    /* specific admin routes above; the ports of a node; /api/data (spec 4.5).              */     \
    X(CC_EP_REST_LIST, "rest_list", "GET", "/api/admin/*")                                         \
    X(CC_EP_REST_CREATE, "rest_create", "POST", "/api/admin/*")                                    \
    X(CC_EP_REST_DELETE_QUERY, "rest_delete_query", "DELETE", "/api/admin/*")                      \
    X(CC_EP_REST_GET, "rest_get", "GET", "/api/admin/*/*")                                         \
    X(CC_EP_REST_UPDATE, "rest_update", "PUT", "/api/admin/*/*")                                   \
    X(CC_EP_REST_DELETE, "rest_delete", "DELETE", "/api/admin/*/*")                                \
    X(CC_EP_REST_SUB_LIST, "rest_sub_list", "GET", "/api/admin/*/*/*")                             \
    X(CC_EP_REST_SUB_CREATE, "rest_sub_create", "POST", "/api/admin/*/*/*")                        \
    X(CC_EP_REST_SUB_GET, "rest_sub_get", "GET", "/api/admin/*/*/*/*")                             \
    X(CC_EP_REST_SUB_UPDATE, "rest_sub_update", "PUT", "/api/admin/*/*/*/*")                       \
    X(CC_EP_REST_SUB_DELETE, "rest_sub_delete", "DELETE", "/api/admin/*/*/*/*")                    \
    X(CC_EP_REST_PORT_UPDATE, "rest_port_update", "PUT", "/api/admin/tests/*/nodes/*/ports/*")     \
    X(CC_EP_DATA_LIST, "data_list", "GET", "/api/data/*")                                          \
    X(CC_EP_DATA_CREATE, "data_create", "POST", "/api/data/*")                                     \
    X(CC_EP_DATA_INSERT, "data_insert", "PUT", "/api/data/*")                                      \
    X(CC_EP_DATA_GET, "data_get", "GET", "/api/data/*/*")                                          \
    X(CC_EP_DATA_CHANGE, "data_change", "POST", "/api/data/*/*")                                   \
    X(CC_EP_DATA_UPDATE, "data_update", "PUT", "/api/data/*/*")                                    \
    X(CC_EP_DATA_DELETE, "data_delete", "DELETE", "/api/data/*/*")                                 \
    X(CC_EP_RUNNER_START, "runner_start", "POST", "/api/runner/test/*/session/start")              \
    X(CC_EP_RUNNER_SUBMIT, "runner_submit", "POST", "/api/runner/test/session/*/submit")           \
    X(CC_EP_TEST_START, "test_start_session", "POST", "/test/*/start_session")                     \
    X(CC_EP_TEST_SUBMIT, "test_submit", "POST", "/test/session/*/submit")                          \
    X(CC_EP_TEST_RESUME, "test_resume", "POST", "/test/session/*/resume")                          \
    X(CC_EP_TEST_KEEPALIVE, "test_keepalive", "POST", "/test/session/*/keepalive")                 \
    X(CC_EP_TEST_KILL, "test_kill", "POST", "/test/session/*/kill")                                \
    X(CC_EP_TEST_LOG, "test_log", "POST", "/test/session/*/log")                                   \
    X(CC_EP_TEST_UPLOAD, "test_upload", "POST", "/test/session/*/upload")                          \
    X(CC_EP_TEST_PAGE, "test_page", "GET", "/test/*")                                              \
    X(CC_EP_SESSION_PAGE, "session_page", "GET", "/test/session/*")                                \
    X(CC_EP_ADMIN_PAGE_LOGIN, "admin_page_login", "GET", "/admin/login")                           \
    X(CC_EP_ADMIN_PAGE_ROOT, "admin_page_root", "GET", "/admin")                                   \
    X(CC_EP_ADMIN_PAGE_HOME, "admin_page_home", "GET", "/admin/")                                  \
    X(CC_EP_ADMIN_PAGE_LIST, "admin_page_list", "GET", "/admin/*")                                 \
    X(CC_EP_ADMIN_PAGE_ITEM, "admin_page_item", "GET", "/admin/*/*")                               \
    X(CC_EP_ASSET, "asset", "GET", "/assets/*")

typedef enum {
#define CC_ROUTE_ENUM(id, label, method, pattern) id,
    CC_ROUTES(CC_ROUTE_ENUM)
#undef CC_ROUTE_ENUM
        CC_EP_NOT_FOUND, /* no route: counted under "unmatched" */
    CC_EP__COUNT
} cc_endpoint;

typedef enum { CC_ROUTE_FOUND, CC_ROUTE_NOT_FOUND, CC_ROUTE_BAD_METHOD } cc_route_result;

typedef struct cc_route_match {
    cc_endpoint endpoint;
    /* For CC_ROUTE_BAD_METHOD: the methods the path accepts, for Allow. */
    const char *allow;
    /* Values of the '*' segments, in order (up to 4). */
    const char *params[4];
    int nparams;
} cc_route_match;

/* GET routes also answer HEAD. */
cc_route_result cc_route(apr_pool_t *pool, const char *method, const char *path,
                         cc_route_match *match);

/* The metrics label of an endpoint ("unmatched" for CC_EP_NOT_FOUND). */
const char *cc_endpoint_label(cc_endpoint endpoint);

/* The path below base: "/x" for base "/b" and uri "/b/x"; NULL when uri is
 * not below base. base "" or NULL means the whole uri. */
const char *cc_path_below(const char *uri, const char *base);

#endif
