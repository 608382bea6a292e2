#include "router.h"

#include <apr_strings.h>
#include <string.h>

typedef struct route_entry {
    cc_endpoint endpoint;
    const char *label;
    const char *method;
    const char *pattern;
} route_entry;

static const route_entry routes[] = {
#define CC_ROUTE_ROW(id, label, method, pattern) {id, label, method, pattern},
    CC_ROUTES(CC_ROUTE_ROW)
#undef CC_ROUTE_ROW
};
#define ROUTE_COUNT (sizeof(routes) / sizeof(routes[0]))

const char *cc_endpoint_label(cc_endpoint endpoint)
{
    apr_size_t i;

    for (i = 0; i < ROUTE_COUNT; i++)
        if (routes[i].endpoint == endpoint)
            return routes[i].label;
    return "unmatched";
}

/* Match path against pattern segment by segment; '*' takes one segment. */
static int pattern_match(apr_pool_t *pool, const char *pattern, const char *path,
                         cc_route_match *match)
{
    int nparams = 0;

    while (*pattern && *path) {
        if (*pattern == '*') {
            const char *end = strchr(path, '/');
            apr_size_t len = end ? (apr_size_t)(end - path) : strlen(path);
            if (len == 0 || nparams >= 4)
                return 0;
            match->params[nparams++] = apr_pstrmemdup(pool, path, len);
            pattern++;
            path += len;
            continue;
        }
        if (*pattern != *path)
            return 0;
        pattern++;
        path++;
    }
    if (*pattern || *path)
        return 0;
    match->nparams = nparams;
    return 1;
}

/* 1 when the comma-separated list names method. */
static int allow_has(const char *allow, const char *method)
{
    apr_size_t len = strlen(method);
    const char *p;

    for (p = strstr(allow, method); p; p = strstr(p + 1, method))
        if ((p == allow || p[-1] == ' ') && (p[len] == ',' || p[len] == '\0'))
            return 1;
    return 0;
}

static int method_accepts(const char *route_method, const char *method)
{
    return !strcmp(route_method, method) ||
           (!strcmp(route_method, "GET") && !strcmp(method, "HEAD"));
}

cc_route_result cc_route(apr_pool_t *pool, const char *method, const char *path,
                         cc_route_match *match)
{
    const char *allow = NULL;
    apr_size_t i;

    memset(match, 0, sizeof(*match));
    match->endpoint = CC_EP_NOT_FOUND;
    for (i = 0; i < ROUTE_COUNT; i++) {
        cc_route_match candidate;
        memset(&candidate, 0, sizeof(candidate));
        if (!pattern_match(pool, routes[i].pattern, path, &candidate))
            continue;
        if (method_accepts(routes[i].method, method)) {
            *match = candidate;
            match->endpoint = routes[i].endpoint;
            return CC_ROUTE_FOUND;
        }
        /* Each method once, though several routes of the path take it. */
        if (allow && allow_has(allow, routes[i].method))
            continue;
        allow = allow ? apr_pstrcat(pool, allow, ", ", routes[i].method, NULL) : routes[i].method;
        if (!strcmp(routes[i].method, "GET"))
            allow = apr_pstrcat(pool, allow, ", HEAD", NULL);
    }
    if (allow) {
        match->allow = allow;
        return CC_ROUTE_BAD_METHOD;
    }
    return CC_ROUTE_NOT_FOUND;
}

const char *cc_path_below(const char *uri, const char *base)
{
    apr_size_t len;

    if (base == NULL || *base == '\0')
        return uri;
    len = strlen(base);
    if (strncmp(uri, base, len) != 0)
        return NULL;
    if (uri[len] == '\0')
        return "/";
    if (uri[len] != '/')
        return NULL;
    return uri + len;
}
