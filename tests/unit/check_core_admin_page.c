/* core/admin_page: the admin pages' shells, their escaping, the login
 * page's redirect target and the policy. */
#include "check_concerto.h"

#include "core/admin_page.h"
#include "core/assets.h"

#include <apr_strings.h>

#include <string.h>

START_TEST(sections_and_ids)
{
    cc_admin_section s = CC_ADMIN__SECTIONS;

    ck_assert_ptr_nonnull(cc_admin_section_find("", &s));
    ck_assert_int_eq(s, CC_ADMIN_DASHBOARD);
    ck_assert_ptr_nonnull(cc_admin_section_find("tables", &s));
    ck_assert_int_eq(s, CC_ADMIN_TABLES);
    ck_assert_ptr_null(cc_admin_section_find("login", &s));
    ck_assert_ptr_null(cc_admin_section_find("Tests", &s));
    ck_assert_ptr_null(cc_admin_section_find(NULL, &s));
    ck_assert_ptr_null(cc_admin_section_info_of(CC_ADMIN__SECTIONS));
    ck_assert_int_eq(cc_admin_valid_id("42"), 1);
    ck_assert_int_eq(cc_admin_valid_id("0"), 0);
    ck_assert_int_eq(cc_admin_valid_id("042"), 0);
    ck_assert_int_eq(cc_admin_valid_id("4a"), 0);
    ck_assert_int_eq(cc_admin_valid_id(""), 0);
    ck_assert_int_eq(cc_admin_valid_id("1234567890123456789"), 0);
    ck_assert_int_eq(cc_admin_valid_id(NULL), 0);
}
END_TEST

START_TEST(every_page_asset_is_embedded)
{
    int i;

    ck_assert_ptr_nonnull(cc_asset_find("admin.js"));
    ck_assert_ptr_nonnull(cc_asset_find("admin.css"));
    ck_assert_ptr_nonnull(cc_asset_find("admin-login.js"));
    ck_assert_ptr_nonnull(cc_asset_find("codemirror.js"));
    ck_assert_ptr_nonnull(cc_asset_find("codemirror.css"));
    for (i = 0; i < CC_ADMIN__SECTIONS; i++)
        ck_assert_msg(cc_asset_find(cc_admin_section_info_of((cc_admin_section)i)->script),
                      "no asset %s", cc_admin_section_info_of((cc_admin_section)i)->script);
}
END_TEST

START_TEST(shell_escapes_and_navigates)
{
    cc_admin_shell shell = {"/p",
                            "n0nce",
                            "tok\"en<",
                            "<b>ann</b>",
                            CC_ADMIN_TESTS,
                            "7",
                            (1u << CC_ADMIN_DASHBOARD) | (1u << CC_ADMIN_TESTS)};
    const char *html = cc_admin_shell_html(cc_test_pool, &shell);
    const char *boot = strstr(html, "<script type=\"application/json\" id=\"cc-boot\">");

    ck_assert_ptr_nonnull(strstr(html, "<!DOCTYPE html>"));
    ck_assert_ptr_nonnull(strstr(html, "<meta name=\"csrf-token\" content=\"tok&quot;en&lt;\">"));
    ck_assert_ptr_nonnull(strstr(html, "<title>Tests · Concerto admin</title>"));
    ck_assert_ptr_nonnull(strstr(html, "<h1 id=\"cc-title\">Tests</h1>"));
    ck_assert_ptr_nonnull(strstr(html, "&lt;b&gt;ann&lt;/b&gt;"));
    ck_assert_ptr_null(strstr(html, "<b>ann"));
    /* Only the sections the user may open, the current one marked. */
    ck_assert_ptr_nonnull(
        strstr(html, "<a href=\"/p/admin/tests\" aria-current=\"page\">Tests</a>"));
    ck_assert_ptr_nonnull(strstr(html, "<a href=\"/p/admin/\">Dashboard</a>"));
    ck_assert_ptr_null(strstr(html, "/p/admin/users"));
    /* Scripts under the base with the nonce; the editor on editing pages. */
    ck_assert_ptr_nonnull(
        strstr(html, "<script defer nonce=\"n0nce\" src=\"/p/assets/admin.js?v="));
    ck_assert_ptr_nonnull(strstr(html, "src=\"/p/assets/admin-tests.js?v="));
    ck_assert_ptr_nonnull(strstr(html, "src=\"/p/assets/codemirror.js?v="));
    ck_assert_ptr_nonnull(strstr(html, "href=\"/p/assets/admin.css?v="));
    ck_assert_ptr_nonnull(boot);
    ck_assert_ptr_nonnull(strstr(boot, "\"page\":\"tests\""));
    ck_assert_ptr_nonnull(strstr(boot, "\"id\":\"7\""));
    ck_assert_ptr_nonnull(strstr(boot, "\"username\":\"\\u003cb\\u003eann\\u003c\\/b\\u003e\""));
    ck_assert_ptr_nonnull(strstr(boot, "\"sections\":[\"\",\"tests\"]"));
    ck_assert_ptr_nonnull(strstr(html, "<main id=\"cc-main\""));
    ck_assert_ptr_nonnull(strstr(html, "<noscript>"));
}
END_TEST

START_TEST(dashboard_has_no_editor)
{
    cc_admin_shell shell = {"", "n", NULL, "ann", CC_ADMIN_DASHBOARD, NULL, 1u};
    const char *html = cc_admin_shell_html(cc_test_pool, &shell);

    ck_assert_ptr_null(strstr(html, "codemirror"));
    ck_assert_ptr_null(strstr(html, "csrf-token"));
    ck_assert_ptr_nonnull(strstr(html, "\"id\":null"));
    ck_assert_ptr_nonnull(strstr(html, "src=\"/assets/admin-dashboard.js?v="));
    shell.section = CC_ADMIN__SECTIONS;
    ck_assert_ptr_null(cc_admin_shell_html(cc_test_pool, &shell));
}
END_TEST

START_TEST(login_page_and_next)
{
    const char *html = cc_admin_login_html(cc_test_pool, "/p", "n", "/p/admin/tests/3?x=1");

    ck_assert_ptr_nonnull(strstr(html, "<label for=\"cc-username\">User name</label>"));
    ck_assert_ptr_nonnull(strstr(html, "autocomplete=\"current-password\""));
    ck_assert_ptr_nonnull(strstr(html, "id=\"cc-totp-field\" hidden"));
    ck_assert_ptr_nonnull(strstr(html, "role=\"alert\""));
    ck_assert_ptr_nonnull(strstr(html, "\"next\":\"\\/p\\/admin\\/tests\\/3?x=1\""));
    ck_assert_ptr_nonnull(strstr(html, "src=\"/p/assets/admin-login.js?v="));
    /* Never off the site, never back to the login page. */
    ck_assert_str_eq(cc_admin_safe_next(cc_test_pool, "/p", "https://evil.example/"), "/p/admin/");
    ck_assert_str_eq(cc_admin_safe_next(cc_test_pool, "/p", "/p/admin//evil.example"), "/p/admin/");
    ck_assert_str_eq(cc_admin_safe_next(cc_test_pool, "/p", "/p/admin/../test/x"), "/p/admin/");
    ck_assert_str_eq(cc_admin_safe_next(cc_test_pool, "/p", "/p/admin/\\evil"), "/p/admin/");
    ck_assert_str_eq(cc_admin_safe_next(cc_test_pool, "/p", "/p/admin/login?next=x"), "/p/admin/");
    ck_assert_str_eq(cc_admin_safe_next(cc_test_pool, "/p", "/other/admin/"), "/p/admin/");
    ck_assert_str_eq(cc_admin_safe_next(cc_test_pool, "", NULL), "/admin/");
    ck_assert_str_eq(cc_admin_safe_next(cc_test_pool, "", "/admin/tables/2"), "/admin/tables/2");
}
END_TEST

START_TEST(csp_allows_own_scripts_only)
{
    const char *csp = cc_admin_csp(cc_test_pool, "abc");

    ck_assert_ptr_nonnull(strstr(csp, "script-src 'self' 'nonce-abc';"));
    ck_assert_ptr_nonnull(strstr(csp, "frame-ancestors 'none'"));
    ck_assert_ptr_nonnull(strstr(csp, "object-src 'none'"));
    ck_assert_ptr_null(strstr(csp, "unsafe-eval"));
    ck_assert_ptr_null(strstr(strstr(csp, "script-src"), "unsafe-inline'; style"));
}
END_TEST

TCase *tcase_core_admin_page(void)
{
    TCase *tc = cc_test_tcase("core/admin_page");

    tcase_add_test(tc, sections_and_ids);
    tcase_add_test(tc, every_page_asset_is_embedded);
    tcase_add_test(tc, shell_escapes_and_navigates);
    tcase_add_test(tc, dashboard_has_no_editor);
    tcase_add_test(tc, login_page_and_next);
    tcase_add_test(tc, csp_allows_own_scripts_only);
    return tc;
}
