#include "admin_page.h"

#include "assets.h"
#include "page.h"

#include <apr_strings.h>
#include <json.h>
#include <string.h>

static const cc_admin_section_info sections[CC_ADMIN__SECTIONS] = {
    [CC_ADMIN_DASHBOARD] = {"", "Dashboard", "admin-dashboard.js", 0, 0},
    [CC_ADMIN_TESTS] = {"tests", "Tests", "admin-tests.js", 1, 1},
    [CC_ADMIN_TEMPLATES] = {"templates", "Templates", "admin-templates.js", 1, 1},
    [CC_ADMIN_TABLES] = {"tables", "Data tables", "admin-tables.js", 1, 0},
    [CC_ADMIN_SESSIONS] = {"sessions", "Sessions and results", "admin-sessions.js", 1, 0},
    [CC_ADMIN_USERS] = {"users", "Users", "admin-system.js", 0, 0},
    [CC_ADMIN_SETTINGS] = {"settings", "Settings", "admin-system.js", 0, 0},
    [CC_ADMIN_CONTENT] = {"content", "Content import and export", "admin-system.js", 0, 0},
};

/* Shorter navigation labels than the headings. */
static const char *const nav_labels[CC_ADMIN__SECTIONS] = {
    "Dashboard", "Tests", "Templates", "Tables", "Sessions", "Users", "Settings", "Content",
};

const cc_admin_section_info *cc_admin_section_info_of(cc_admin_section section)
{
    if ((int)section < 0 || section >= CC_ADMIN__SECTIONS)
        return NULL;
    return &sections[section];
}

const cc_admin_section_info *cc_admin_section_find(const char *slug, cc_admin_section *section)
{
    int i;

    if (slug == NULL)
        return NULL;
    for (i = 0; i < CC_ADMIN__SECTIONS; i++)
        if (!strcmp(sections[i].slug, slug)) {
            if (section)
                *section = (cc_admin_section)i;
            return &sections[i];
        }
    return NULL;
}

int cc_admin_valid_id(const char *id)
{
    apr_size_t i, len;

    if (id == NULL)
        return 0;
    len = strlen(id);
    if (len == 0 || len > 18 || id[0] == '0')
        return 0;
    for (i = 0; i < len; i++)
        if (id[i] < '0' || id[i] > '9')
            return 0;
    return 1;
}

static const char *asset_url(apr_pool_t *pool, const char *base, const char *name)
{
    const cc_asset *a = cc_asset_find(name);

    return cc_page_escape_html(
        pool, apr_pstrcat(pool, base, "/assets/", name, "?v=", a ? a->hash : "0", NULL));
}

static const char *script_tag(apr_pool_t *pool, const char *base, const char *nonce,
                              const char *name)
{
    return apr_pstrcat(pool, "<script defer nonce=\"", nonce, "\" src=\"",
                       asset_url(pool, base, name), "\"></script>\n", NULL);
}

static const char *head_html(apr_pool_t *pool, const char *base, const char *title,
                             const char *csrf_token, int uses_editor)
{
    return apr_pstrcat(
        pool,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"same-origin\">\n<link rel=\"icon\" href=\"data:,\">\n",
        csrf_token ? "<meta name=\"csrf-token\" content=\"" : "",
        csrf_token ? cc_page_escape_html(pool, csrf_token) : "", csrf_token ? "\">\n" : "",
        "<title>", cc_page_escape_html(pool, title), " · Concerto admin</title>\n",
        uses_editor ? "<link rel=\"stylesheet\" href=\"" : "",
        uses_editor ? asset_url(pool, base, "codemirror.css") : "", uses_editor ? "\">\n" : "",
        "<link rel=\"stylesheet\" href=\"", asset_url(pool, base, "admin.css"), "\">\n", NULL);
}

static const char *boot_script(apr_pool_t *pool, const cc_admin_shell *shell, const char *base)
{
    json_object *boot = json_object_new_object(), *visible = json_object_new_array();
    const char *text;
    int i;

    json_object_object_add(boot, "base", json_object_new_string(base));
    json_object_object_add(boot, "page", json_object_new_string(sections[shell->section].slug));
    json_object_object_add(boot, "id",
                           shell->item_id ? json_object_new_string(shell->item_id) : NULL);
    json_object_object_add(boot, "username",
                           json_object_new_string(shell->username ? shell->username : ""));
    for (i = 0; i < CC_ADMIN__SECTIONS; i++)
        if (shell->visible_sections & (1u << i))
            json_object_array_add(visible, json_object_new_string(sections[i].slug));
    json_object_object_add(boot, "sections", visible);
    text = cc_page_script_json(pool, json_object_to_json_string_ext(boot, JSON_C_TO_STRING_PLAIN));
    json_object_put(boot);
    return apr_pstrcat(pool, "<script type=\"application/json\" id=\"cc-boot\">", text,
                       "</script>\n", NULL);
}

static const char *nav_html(apr_pool_t *pool, const cc_admin_shell *shell, const char *base)
{
    const char *out = "<nav class=\"cca-nav\" aria-label=\"Sections\">\n<ul>\n";
    int i;

    for (i = 0; i < CC_ADMIN__SECTIONS; i++) {
        const char *href;
        if (!(shell->visible_sections & (1u << i)) && i != (int)shell->section)
            continue;
        href =
            cc_page_escape_html(pool, apr_pstrcat(pool, base, "/admin/", sections[i].slug, NULL));
        out = apr_pstrcat(pool, out, "<li><a href=\"", href, "\"",
                          i == (int)shell->section ? " aria-current=\"page\"" : "", ">",
                          nav_labels[i], "</a></li>\n", NULL);
    }
    return apr_pstrcat(pool, out, "</ul>\n</nav>\n", NULL);
}

const char *cc_admin_shell_html(apr_pool_t *pool, const cc_admin_shell *shell)
{
    const char *base = shell->base ? shell->base : "";
    const char *nonce = cc_page_escape_html(pool, shell->nonce ? shell->nonce : "");
    const cc_admin_section_info *info = cc_admin_section_info_of(shell->section);
    const char *title = info ? info->title : "Admin";

    if (info == NULL)
        return NULL;
    return apr_pstrcat(
        pool, head_html(pool, base, title, shell->csrf_token, info->uses_editor),
        boot_script(pool, shell, base),
        info->uses_editor ? script_tag(pool, base, nonce, "codemirror.js") : "",
        script_tag(pool, base, nonce, "admin.js"), script_tag(pool, base, nonce, info->script),
        "</head>\n<body class=\"cca\">\n<a class=\"cca-skip\" href=\"#cc-main\">Skip to the "
        "content</a>\n<header class=\"cca-header\">\n<a class=\"cca-brand\" href=\"",
        cc_page_escape_html(pool, apr_pstrcat(pool, base, "/admin/", NULL)), "\">Concerto</a>\n",
        nav_html(pool, shell, base), "<div class=\"cca-user\"><span class=\"cca-username\">",
        cc_page_escape_html(pool, shell->username ? shell->username : ""),
        "</span> <button type=\"button\" id=\"cc-logout\" class=\"cca-link\">Log "
        "out</button></div>\n</header>\n"
        "<div class=\"cca-status\" id=\"cc-status\" role=\"status\" aria-live=\"polite\"></div>\n"
        "<main id=\"cc-main\" class=\"cca-main\" tabindex=\"-1\">\n<h1 id=\"cc-title\">",
        cc_page_escape_html(pool, title),
        "</h1>\n<div id=\"cc-app\">\n<noscript><p class=\"cca-error\">These pages need "
        "JavaScript. Please turn it on in your browser's settings and reload.</p></noscript>\n"
        "<p class=\"cca-loading\">Loading…</p>\n</div>\n</main>\n</body>\n</html>\n",
        NULL);
}

const char *cc_admin_safe_next(apr_pool_t *pool, const char *base, const char *next)
{
    const char *home = apr_pstrcat(pool, base ? base : "", "/admin/", NULL);
    apr_size_t hlen = strlen(home);

    /* Only our own pages: no scheme, no "//host", no "..", no backslash
     * (browsers read it as a slash). */
    if (next == NULL || strncmp(next, home, hlen) != 0 || strstr(next, "..") ||
        strchr(next, '\\') || strstr(next, "//") || strpbrk(next, "\r\n\t "))
        return home;
    if (!strncmp(next + hlen, "login", 5))
        return home;
    return next;
}

const char *cc_admin_login_html(apr_pool_t *pool, const char *base, const char *nonce,
                                const char *next)
{
    const char *b = base ? base : "";
    const char *n = cc_page_escape_html(pool, nonce ? nonce : "");
    json_object *boot = json_object_new_object();
    const char *boot_text;

    json_object_object_add(boot, "base", json_object_new_string(b));
    json_object_object_add(boot, "page", json_object_new_string("login"));
    json_object_object_add(boot, "next", json_object_new_string(cc_admin_safe_next(pool, b, next)));
    boot_text =
        cc_page_script_json(pool, json_object_to_json_string_ext(boot, JSON_C_TO_STRING_PLAIN));
    json_object_put(boot);
    return apr_pstrcat(
        pool, head_html(pool, b, "Log in", NULL, 0),
        "<script type=\"application/json\" id=\"cc-boot\">", boot_text, "</script>\n",
        script_tag(pool, b, n, "admin.js"), script_tag(pool, b, n, "admin-login.js"),
        "</head>\n<body class=\"cca cca-login-page\">\n"
        "<main id=\"cc-main\" class=\"cca-login\" tabindex=\"-1\">\n"
        "<h1>Concerto administration</h1>\n"
        "<form id=\"cc-login\" class=\"cca-card\" method=\"post\" novalidate>\n"
        "<p class=\"cca-error\" id=\"cc-login-error\" role=\"alert\" hidden></p>\n"
        "<p class=\"cca-field\"><label for=\"cc-username\">User name</label>\n"
        "<input id=\"cc-username\" name=\"username\" autocomplete=\"username\" required "
        "autofocus></p>\n"
        "<p class=\"cca-field\"><label for=\"cc-password\">Password</label>\n"
        "<input id=\"cc-password\" name=\"password\" type=\"password\" "
        "autocomplete=\"current-password\" required></p>\n"
        "<p class=\"cca-field\" id=\"cc-totp-field\" hidden><label for=\"cc-totp\">Code from "
        "your authenticator app</label>\n"
        "<input id=\"cc-totp\" name=\"totp\" inputmode=\"numeric\" pattern=\"[0-9]{6}\" "
        "maxlength=\"6\" autocomplete=\"one-time-code\"></p>\n"
        "<p><button type=\"submit\" class=\"cca-primary\">Log in</button></p>\n"
        "<noscript><p class=\"cca-error\">Logging in needs JavaScript. Please turn it on in "
        "your browser's settings and reload.</p></noscript>\n"
        "</form>\n</main>\n</body>\n</html>\n",
        NULL);
}

const char *cc_admin_csp(apr_pool_t *pool, const char *nonce)
{
    /* The template preview is an <iframe sandbox srcdoc>: it inherits this
     * policy, so the template's inline styles need 'unsafe-inline' and its
     * scripts get the nonce; the sandbox keeps them away from this page.
     * frame-ancestors 'none': nobody may frame the admin pages. */
    return apr_pstrcat(pool, "default-src 'self'; script-src 'self' 'nonce-", nonce,
                       "'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                       "font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
                       "object-src 'none'; base-uri 'none'; form-action 'self'; "
                       "frame-ancestors 'none'",
                       NULL);
}
