/* The administrators' HTML pages under /admin/: server-rendered shells (a
 * header with the navigation, a <main> with the page's heading) that the
 * admin scripts fill from the REST API. Pure string logic, unit tested; the
 * glue decides who may see what. */
#ifndef CC_ADMIN_PAGE_H
#define CC_ADMIN_PAGE_H

#include <apr_pools.h>

typedef enum {
    CC_ADMIN_DASHBOARD,
    CC_ADMIN_TESTS,
    CC_ADMIN_TEMPLATES,
    CC_ADMIN_TABLES,
    CC_ADMIN_SESSIONS,
    CC_ADMIN_USERS,
    CC_ADMIN_SETTINGS,
    CC_ADMIN_CONTENT,
    CC_ADMIN__SECTIONS
} cc_admin_section;

typedef struct cc_admin_section_info {
    const char *slug;   /* path below /admin/ ("" for the dashboard) */
    const char *title;  /* navigation text and heading */
    const char *script; /* the page's asset ("admin-tests.js") */
    int has_items;      /* 1: /admin/{slug}/{id} exists */
    int uses_editor;    /* 1: loads the code editor's assets */
} cc_admin_section_info;

const cc_admin_section_info *cc_admin_section_info_of(cc_admin_section section);

/* The section whose slug is this (NULL: not a section). */
const cc_admin_section_info *cc_admin_section_find(const char *slug, cc_admin_section *section);

/* 1 when id is a positive decimal number of at most 18 digits. */
int cc_admin_valid_id(const char *id);

typedef struct cc_admin_shell {
    const char *base;          /* URL prefix of the platform, "" at the root */
    const char *nonce;         /* CSP nonce of the scripts */
    const char *csrf_token;    /* for <meta name="csrf-token">, NULL: none */
    const char *username;      /* shown in the header */
    cc_admin_section section;  /* the page */
    const char *item_id;       /* /admin/{slug}/{id}, or NULL */
    unsigned visible_sections; /* bit (1u << section) for each one the user may open */
} cc_admin_shell;

/* The whole HTML5 document of an admin page. Its scripts read
 * {"base","page","id","username","sections":[...]} from #cc-boot. */
const char *cc_admin_shell_html(apr_pool_t *pool, const cc_admin_shell *shell);

/* The login page; next is where to go after logging in (a path below
 * base, checked: anything else becomes the dashboard). */
const char *cc_admin_login_html(apr_pool_t *pool, const char *base, const char *nonce,
                                const char *next);

/* A path that is safe to redirect to after login: one below
 * {base}/admin/, else {base}/admin/. */
const char *cc_admin_safe_next(apr_pool_t *pool, const char *base, const char *next);

/* The Content-Security-Policy of the admin pages: their own scripts (with
 * the nonce), inline styles for the template preview, no framing. */
const char *cc_admin_csp(apr_pool_t *pool, const char *nonce);

#endif
