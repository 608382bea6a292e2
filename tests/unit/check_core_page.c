/* core/page and core/assets: the runner's shell page, its escaping and
 * policy, and the embedded assets. */
#include "check_concerto.h"

#include "core/assets.h"
#include "core/page.h"

#include <apr_strings.h>

#include <string.h>

START_TEST(script_json_cannot_close_the_script)
{
    const char *out = cc_page_script_json(cc_test_pool, "{\"t\":\"</script><!-- a & b >\"}");

    ck_assert_str_eq(out, "{\"t\":\"\\u003c/script\\u003e\\u003c!-- a \\u0026 b \\u003e\"}");
    ck_assert_ptr_null(strchr(out, '<'));
    ck_assert_str_eq(cc_page_script_json(cc_test_pool, ""), "");
}
END_TEST

START_TEST(escape_html)
{
    ck_assert_str_eq(cc_page_escape_html(cc_test_pool, "<a href=\"x\">'&'</a>"),
                     "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    ck_assert_str_eq(cc_page_escape_html(cc_test_pool, "plain ×"), "plain ×");
}
END_TEST

START_TEST(shell_page)
{
    cc_page_shell page = {"/platform", "Quiz </title> & more", "{\"slug\":\"</script>\"}",
                          "abc123"};
    const char *html = cc_page_shell_html(cc_test_pool, &page);
    const char *boot = strstr(html, "<script type=\"application/json\" id=\"cc-boot\">");
    const cc_asset *js = cc_asset_find("runner.js");

    ck_assert_ptr_nonnull(js);
    ck_assert_ptr_nonnull(strstr(html, "<!DOCTYPE html>"));
    ck_assert_ptr_nonnull(strstr(html, "<html lang=\"en\">"));
    ck_assert_ptr_nonnull(strstr(html, "name=\"viewport\""));
    ck_assert_ptr_nonnull(strstr(html, "<title>Quiz &lt;/title&gt; &amp; more</title>"));
    ck_assert_ptr_nonnull(strstr(html, "<main id=\"cc-main\""));
    ck_assert_ptr_nonnull(strstr(html, "<noscript>"));
    ck_assert_ptr_nonnull(strstr(html, "nonce=\"abc123\""));
    /* Assets under the base, versioned by their content hash. */
    ck_assert_ptr_nonnull(
        strstr(html, apr_pstrcat(cc_test_pool, "src=\"/platform/assets/runner.js?v=", js->hash,
                                 "\"", NULL)));
    ck_assert_ptr_nonnull(strstr(html, "href=\"/platform/assets/runner.css?v="));
    /* The boot block ends at its own </script>, not at one in the data. */
    ck_assert_ptr_nonnull(boot);
    ck_assert_ptr_nonnull(strstr(boot, "{\"slug\":\"\\u003c/script\\u003e\"}</script>"));
}
END_TEST

START_TEST(csp_carries_the_nonce)
{
    const char *csp = cc_page_csp(cc_test_pool, "n0nce");

    ck_assert_ptr_nonnull(strstr(csp, "script-src 'self' 'nonce-n0nce';"));
    ck_assert_ptr_nonnull(strstr(csp, "object-src 'none'"));
    ck_assert_ptr_null(strstr(csp, "unsafe-eval"));
}
END_TEST

START_TEST(embedded_assets)
{
    const cc_asset *js = cc_asset_find("runner.js");
    const cc_asset *css = cc_asset_find("runner.css");

    ck_assert_ptr_nonnull(js);
    ck_assert_ptr_nonnull(css);
    ck_assert_str_eq(js->content_type, "text/javascript; charset=utf-8");
    ck_assert_str_eq(css->content_type, "text/css; charset=utf-8");
    ck_assert_uint_eq(strlen(js->hash), 16);
    ck_assert_str_ne(js->hash, css->hash);
    ck_assert_uint_gt(js->size, 1000);
    ck_assert_uint_eq(strlen((const char *)js->data), js->size);
    ck_assert_ptr_nonnull(strstr((const char *)js->data, "'use strict'"));
    ck_assert_ptr_null(cc_asset_find("nope.js"));
    ck_assert_ptr_null(cc_asset_find(NULL));
}
END_TEST

TCase *tcase_core_page(void)
{
    TCase *tc = cc_test_tcase("core/page");

    tcase_add_test(tc, script_json_cannot_close_the_script);
    tcase_add_test(tc, escape_html);
    tcase_add_test(tc, shell_page);
    tcase_add_test(tc, csp_carries_the_nonce);
    tcase_add_test(tc, embedded_assets);
    return tc;
}
