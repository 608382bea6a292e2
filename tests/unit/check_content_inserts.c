/* content/inserts: template inserts between Concerto's syntax and ours. */
#include "check_concerto.h"

#include "content/inserts.h"

START_TEST(concerto_inserts_become_raw)
{
    ck_assert_str_eq(cc_inserts_from_concerto(cc_test_pool,
                                              "<b>{{ name }}</b>{{template:x,css=false}}"
                                              "{{trans:k}}{{{raw}}}{{ bad insert}}",
                                              NULL),
                     "<b>{{{ name }}}</b>{{template:x,css=false}}{{trans:k}}{{{{raw}}}}"
                     "{{ bad insert}}");
    ck_assert_ptr_null(cc_inserts_from_concerto(cc_test_pool, NULL, NULL));
}
END_TEST

START_TEST(ours_go_out_and_come_back)
{
    const char *ours = "{{title}} {{{html}}} {{template:t}} {{{{braced}}}} {{x}}";
    apr_array_header_t *escaped = NULL;
    const char *theirs = cc_inserts_to_concerto(cc_test_pool, ours, &escaped);

    ck_assert_str_eq(theirs, "{{title}} {{html}} {{template:t}} {{{braced}}} {{x}}");
    ck_assert_int_eq(escaped->nelts, 2);
    ck_assert_int_eq(APR_ARRAY_IDX(escaped, 0, int), 0);
    ck_assert_int_eq(APR_ARRAY_IDX(escaped, 1, int), 3);
    ck_assert_str_eq(cc_inserts_from_concerto(cc_test_pool, theirs, escaped), ours);
}
END_TEST

START_TEST(finds_embedded_templates)
{
    apr_array_header_t *names = apr_array_make(cc_test_pool, 2, sizeof(const char *));

    cc_inserts_embedded_templates(
        cc_test_pool,
        "a {{template:head}} {{ template: foot , css=false }} {{template :x}} "
        "{{trans:template}} {{template}} {{template:}}",
        names);
    cc_inserts_embedded_templates(cc_test_pool, NULL, names);
    ck_assert_int_eq(names->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(names, 0, const char *), "head");
    ck_assert_str_eq(APR_ARRAY_IDX(names, 1, const char *), "foot");
}
END_TEST

TCase *tcase_content_inserts(void)
{
    TCase *tc = cc_test_tcase("content/inserts");
    tcase_add_test(tc, concerto_inserts_become_raw);
    tcase_add_test(tc, ours_go_out_and_come_back);
    tcase_add_test(tc, finds_embedded_templates);
    return tc;
}
