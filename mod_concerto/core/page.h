/* The runner's HTML shell: the page a participant opens at /test/{slug} or
 * /test/session/{hash}. runner.js fills its <main> from the JSON answers of
 * the session endpoints. Pure string logic, unit tested. */
#ifndef CC_PAGE_H
#define CC_PAGE_H

#include <apr_pools.h>

typedef struct cc_page_shell {
    const char *base;      /* URL prefix of the platform, "" at the root */
    const char *title;     /* text of <title> */
    const char *boot_json; /* a JSON object for runner.js (serialized) */
    const char *nonce;     /* CSP nonce of the runner's scripts and styles */
} cc_page_shell;

/* JSON made safe inside <script type="application/json">: every <, > and
 * & becomes a \u escape, so "</script>" or "<!--" can never appear. */
const char *cc_page_script_json(apr_pool_t *pool, const char *json);

/* Text made safe in HTML content and attribute values. */
const char *cc_page_escape_html(apr_pool_t *pool, const char *text);

/* The whole HTML5 document. */
const char *cc_page_shell_html(apr_pool_t *pool, const cc_page_shell *page);

/* The Content-Security-Policy header value that goes with a shell page. */
const char *cc_page_csp(apr_pool_t *pool, const char *nonce);

#endif
