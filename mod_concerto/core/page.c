#include "page.h"

#include "assets.h"

#include <apr_strings.h>
#include <string.h>

const char *cc_page_script_json(apr_pool_t *pool, const char *json)
{
    apr_size_t len = strlen(json), extra = 0, i;
    char *out, *p;

    for (i = 0; i < len; i++)
        if (json[i] == '<' || json[i] == '>' || json[i] == '&')
            extra += 5;
    out = p = apr_palloc(pool, len + extra + 1);
    for (i = 0; i < len; i++) {
        switch (json[i]) {
        case '<':
            memcpy(p, "\\u003c", 6);
            p += 6;
            break;
        case '>':
            memcpy(p, "\\u003e", 6);
            p += 6;
            break;
        case '&':
            memcpy(p, "\\u0026", 6);
            p += 6;
            break;
        default:
            *p++ = json[i];
        }
    }
    *p = '\0';
    return out;
}

const char *cc_page_escape_html(apr_pool_t *pool, const char *text)
{
    apr_size_t len = strlen(text), i;
    /* The longest replacement, "&quot;", is 6 bytes. */
    char *out = apr_palloc(pool, len * 6 + 1), *p = out;

    for (i = 0; i < len; i++) {
        const char *rep = NULL;
        switch (text[i]) {
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '&':
            rep = "&amp;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            *p++ = text[i];
            continue;
        }
        memcpy(p, rep, strlen(rep));
        p += strlen(rep);
    }
    *p = '\0';
    return out;
}

/* {base}/assets/NAME?v=HASH: the hash changes with the content, so the
 * asset may be cached for good. */
static const char *asset_url(apr_pool_t *pool, const char *base, const char *name)
{
    const cc_asset *a = cc_asset_find(name);

    return apr_pstrcat(pool, base, "/assets/", name, "?v=", a ? a->hash : "0", NULL);
}

const char *cc_page_shell_html(apr_pool_t *pool, const cc_page_shell *page)
{
    const char *base = page->base ? page->base : "";
    const char *nonce = cc_page_escape_html(pool, page->nonce ? page->nonce : "");

    return apr_pstrcat(
        pool,
        "<!DOCTYPE html>\n"
        "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"same-origin\">\n<link rel=\"icon\" href=\"data:,\">\n"
        "<title>",
        cc_page_escape_html(pool, page->title ? page->title : "Test"),
        "</title>\n<link rel=\"stylesheet\" href=\"",
        cc_page_escape_html(pool, asset_url(pool, base, "runner.css")),
        "\">\n<script type=\"application/json\" id=\"cc-boot\">",
        cc_page_script_json(pool, page->boot_json ? page->boot_json : "{}"),
        "</script>\n<script defer nonce=\"", nonce, "\" src=\"",
        cc_page_escape_html(pool, asset_url(pool, base, "runner.js")),
        "\"></script>\n</head>\n<body class=\"ccr\">\n"
        "<div class=\"ccr-status\" id=\"cc-status\" role=\"status\" aria-live=\"polite\"></div>\n"
        "<main id=\"cc-main\" class=\"ccr-main\" tabindex=\"-1\" aria-live=\"off\">\n"
        "<noscript><p class=\"ccr-message\">This test needs JavaScript. Please turn it on "
        "in your browser's settings and reload the page.</p></noscript>\n"
        "</main>\n</body>\n</html>\n",
        NULL);
}

const char *cc_page_csp(apr_pool_t *pool, const char *nonce)
{
    /* Scripts: only the runner's own file and what the runner itself runs
     * with the nonce (the test's templateJs/templateHead, author content);
     * markup that sneaks into a page cannot run. Styles allow inline
     * because author templates use style attributes and <style>. */
    return apr_pstrcat(pool, "default-src 'self'; script-src 'self' 'nonce-", nonce,
                       "'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                       "font-src 'self' data:; connect-src 'self'; object-src 'none'; "
                       "base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
                       NULL);
}
