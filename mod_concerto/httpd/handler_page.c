/* The participant's pages: GET /test/{slug} (the start page of a test) and
 * GET /test/session/{hash} (back into a session), an HTML shell that loads
 * runner.js; and GET /assets/{name}, the runner's files compiled into the
 * module. The shell and its policy are built in core/page.c. */
#include "glue.h"

#include "core/assets.h"
#include "core/page.h"
#include "core/random.h"
#include "runner/service.h"

#include <apr_strings.h>
#include <json.h>

/* The platform's URL prefix as the browser sees it: ConcertoBaseURL, else
 * the part of the URI before the routed path. */
const char *cc_request_base_url(cc_request *req)
{
    const char *uri = req->r->uri;
    apr_size_t ulen = strlen(uri), plen = strlen(req->path);
    const char *base = req->cfg->base_url;

    if (base != NULL) {
        apr_size_t blen = strlen(base);
        while (blen > 0 && base[blen - 1] == '/')
            blen--;
        return apr_pstrmemdup(req->r->pool, base, blen);
    }
    if (plen <= ulen && !strcmp(uri + ulen - plen, req->path))
        return apr_pstrmemdup(req->r->pool, uri, ulen - plen);
    return "";
}

static int send_shell(cc_request *req, const char *title, json_object *boot)
{
    request_rec *r = req->r;
    cc_page_shell page;
    const char *nonce = NULL;

    if (cc_random_hex(r->pool, 16, &nonce) != APR_SUCCESS) {
        json_object_put(boot);
        return cc_send_error(req, HTTP_INTERNAL_SERVER_ERROR,
                             "the page could not be prepared (no random source)");
    }
    json_object_object_add(boot, "nonce", json_object_new_string(nonce));
    page.base = cc_request_base_url(req);
    page.title = title;
    page.nonce = nonce;
    json_object_object_add(boot, "base", json_object_new_string(page.base));
    page.boot_json =
        apr_pstrdup(r->pool, json_object_to_json_string_ext(boot, JSON_C_TO_STRING_PLAIN));
    json_object_put(boot);
    apr_table_setn(r->headers_out, "Content-Security-Policy", cc_page_csp(r->pool, nonce));
    apr_table_setn(r->headers_out, "Referrer-Policy", "same-origin");
    return cc_send_text(r, HTTP_OK, "text/html; charset=utf-8", cc_page_shell_html(r->pool, &page));
}

/* A 404 page a participant understands, in the runner's style. */
static int send_not_found(cc_request *req, const char *slug)
{
    request_rec *r = req->r;
    const char *css = cc_page_escape_html(
        r->pool,
        apr_pstrcat(r->pool, cc_request_base_url(req), "/assets/runner.css?v=",
                    cc_asset_find("runner.css") ? cc_asset_find("runner.css")->hash : "0", NULL));

    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "GET %s: 404 no test with the slug '%s'", r->uri,
                  slug);
    return cc_send_text(
        r, HTTP_NOT_FOUND, "text/html; charset=utf-8",
        apr_pstrcat(
            r->pool,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>Test not found</title>\n<link rel=\"stylesheet\" href=\"",
            css,
            "\">\n</head>\n<body class=\"ccr\">\n<main class=\"ccr-main\">\n"
            "<div class=\"ccr-message\">\n<h1>This test can't be found</h1>\n"
            "<p>There is no test at this address. Please check the link you were given, "
            "or ask the person who sent it to you.</p>\n</div>\n</main>\n</body>\n</html>\n",
            NULL));
}

/* The intro answer's templateParams.title, or a neutral title. */
static const char *intro_title(apr_pool_t *pool, json_object *intro)
{
    json_object *data, *params, *title;

    if (json_object_object_get_ex(intro, "data", &data) &&
        json_object_object_get_ex(data, "templateParams", &params) &&
        json_object_object_get_ex(params, "title", &title) &&
        json_object_is_type(title, json_type_string))
        return apr_pstrdup(pool, json_object_get_string(title));
    return "Test";
}

int cc_handle_test_page(cc_request *req)
{
    request_rec *r = req->r;
    const char *slug = req->route.params[0];
    cc_db *db = NULL;
    cc_run_result res;
    json_object *boot, *intro;
    const char *title;
    int rc = cc_request_db(req, &db);

    if (rc != OK)
        return rc;
    cc_rhost_request_options(req);
    if (cc_run_intro(db, r->pool, slug, &res) != APR_SUCCESS) {
        req->db_broken = 1;
        return cc_send_error(req, HTTP_SERVICE_UNAVAILABLE,
                             "the test cannot be shown right now; please try again in a minute");
    }
    if (res.http_status == HTTP_NOT_FOUND)
        return send_not_found(req, slug);
    if (res.http_status != HTTP_OK || res.json == NULL)
        return cc_send_error(req,
                             res.http_status >= 400 ? res.http_status : HTTP_INTERNAL_SERVER_ERROR,
                             res.message ? res.message : "the test cannot be shown");
    intro = json_tokener_parse(res.json);
    if (intro == NULL)
        return cc_send_error(req, HTTP_INTERNAL_SERVER_ERROR, "the test's start page is malformed");
    title = intro_title(r->pool, intro);
    boot = json_object_new_object();
    json_object_object_add(boot, "slug", json_object_new_string(slug));
    json_object_object_add(boot, "intro", intro);
    return send_shell(req, title, boot);
}

int cc_handle_session_page(cc_request *req)
{
    json_object *boot = json_object_new_object();

    json_object_object_add(boot, "hash", json_object_new_string(req->route.params[0]));
    return send_shell(req, "Test", boot);
}

int cc_handle_asset(cc_request *req)
{
    request_rec *r = req->r;
    const cc_asset *asset = cc_asset_find(req->route.params[0]);
    const char *version = NULL;
    int rc;

    if (asset == NULL)
        return cc_send_error(
            req, HTTP_NOT_FOUND,
            apr_psprintf(r->pool, "there is no file %s here", req->route.params[0]));
    if (r->args && !strncmp(r->args, "v=", 2))
        version = r->args + 2;
    apr_table_setn(r->headers_out, "ETag", apr_psprintf(r->pool, "\"%s\"", asset->hash));
    /* The page links with ?v=HASH: that URL never changes content. Any
     * other URL is revalidated, so an upgrade is seen. */
    apr_table_setn(r->headers_out, "Cache-Control",
                   version && !strcmp(version, asset->hash) ? "public, max-age=31536000, immutable"
                                                            : "no-cache");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    ap_set_content_type(r, asset->content_type);
    rc = ap_meets_conditions(r);
    if (rc != OK) {
        r->status = rc;
        return OK;
    }
    ap_set_content_length(r, (apr_off_t)asset->size);
    if (!r->header_only)
        ap_rwrite(asset->data, (int)asset->size, r);
    return OK;
}
