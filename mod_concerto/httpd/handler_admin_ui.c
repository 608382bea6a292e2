/* The administrators' pages: GET /admin/login, /admin/ (dashboard),
 * /admin/{section} and /admin/{section}/{id}. Each is a shell built by
 * core/admin_page.c; who may open which section is decided here with the
 * auth part's cc_admin_require (a page without login redirects to
 * /admin/login). */
#include "glue.h"

#include "core/access.h"
#include "core/admin_page.h"
#include "core/random.h"

#include "util_script.h"

#include <apr_strings.h>

/* The role a section needs (0: any logged-in user). */
static unsigned section_roles(cc_admin_section section)
{
    switch (section) {
    case CC_ADMIN_TESTS:
    case CC_ADMIN_SESSIONS:
        return CC_ROLE_TEST;
    case CC_ADMIN_TEMPLATES:
        return CC_ROLE_TEMPLATE;
    case CC_ADMIN_TABLES:
        return CC_ROLE_TABLE;
    case CC_ADMIN_USERS:
    case CC_ADMIN_SETTINGS:
    case CC_ADMIN_CONTENT:
        return CC_ROLE_SUPER_ADMIN;
    case CC_ADMIN_DASHBOARD:
    case CC_ADMIN__SECTIONS:
        break;
    }
    return 0;
}

static int send_page(cc_request *req, const char *html, const char *nonce)
{
    request_rec *r = req->r;

    apr_table_setn(r->headers_out, "Content-Security-Policy", cc_admin_csp(r->pool, nonce));
    apr_table_setn(r->headers_out, "Referrer-Policy", "same-origin");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    /* Pages carry the CSRF token and the user's name: never cached. */
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    return cc_send_text(r, HTTP_OK, "text/html; charset=utf-8", html);
}

static const char *page_nonce(cc_request *req)
{
    const char *nonce = NULL;

    if (cc_random_hex(req->r->pool, 16, &nonce) != APR_SUCCESS)
        return NULL;
    return nonce;
}

int cc_handle_admin_page_login(cc_request *req)
{
    request_rec *r = req->r;
    const char *nonce = page_nonce(req), *next = NULL;
    apr_table_t *args = NULL;

    if (nonce == NULL)
        return cc_send_error(req, HTTP_INTERNAL_SERVER_ERROR,
                             "the page could not be prepared (no random source)");
    if (r->args) {
        ap_args_to_table(r, &args);
        next = args ? apr_table_get(args, "next") : NULL;
    }
    return send_page(req, cc_admin_login_html(r->pool, cc_request_base_url(req), nonce, next),
                     nonce);
}

int cc_handle_admin_page_root(cc_request *req)
{
    request_rec *r = req->r;

    apr_table_setn(r->headers_out, "Location",
                   apr_pstrcat(r->pool, cc_request_base_url(req), "/admin/", NULL));
    return cc_send_text(r, HTTP_SEE_OTHER, "text/plain; charset=utf-8", "See /admin/\n");
}

int cc_handle_admin_page(cc_request *req)
{
    request_rec *r = req->r;
    const char *slug = req->route.nparams > 0 ? req->route.params[0] : "";
    const char *id = req->route.nparams > 1 ? req->route.params[1] : NULL;
    const cc_admin_section_info *info;
    const cc_principal *who = NULL;
    cc_admin_shell shell;
    cc_admin_section section = CC_ADMIN_DASHBOARD;
    int rc, i;

    info = cc_admin_section_find(slug, &section);
    if (info == NULL || (req->route.nparams > 0 && *slug == '\0'))
        return cc_send_error(req, HTTP_NOT_FOUND,
                             apr_psprintf(r->pool, "there is no admin page at %s", r->uri));
    if (id != NULL && (!info->has_items || !cc_admin_valid_id(id)))
        return cc_send_error(
            req, HTTP_NOT_FOUND,
            apr_psprintf(r->pool, "there is no admin page at %s (an id is a number)", r->uri));
    rc = cc_admin_require(req, section_roles(section), &who);
    if (rc != OK)
        return rc;
    memset(&shell, 0, sizeof(shell));
    shell.base = cc_request_base_url(req);
    shell.nonce = page_nonce(req);
    if (shell.nonce == NULL)
        return cc_send_error(req, HTTP_INTERNAL_SERVER_ERROR,
                             "the page could not be prepared (no random source)");
    shell.csrf_token = cc_admin_csrf_token(req);
    shell.username = who->username;
    shell.section = section;
    shell.item_id = id;
    for (i = 0; i < CC_ADMIN__SECTIONS; i++) {
        unsigned roles = section_roles((cc_admin_section)i);
        if (roles == 0 || cc_principal_has_role(who, roles))
            shell.visible_sections |= 1u << i;
    }
    return send_page(req, cc_admin_shell_html(r->pool, &shell), shell.nonce);
}
