/* store/templates: view templates by name from the database. */
#include "check_concerto.h"

#include "store/templates.h"

#include <string.h>

static void add_template(cc_db *db, const char *name, const char *html, const char *css)
{
    const char *args[] = {name, html, css};
    int affected = 0;

    ck_assert_int_eq(cc_db_query(db, cc_test_pool, &affected,
                                 "INSERT INTO view_template (name, html, css, accessibility, "
                                 "archived, starter_content, created, updated) "
                                 "VALUES (%s, %s, %s, 0, 0, 0, 1, 1)",
                                 3, args),
                     APR_SUCCESS);
    ck_assert_int_eq(affected, 1);
}

START_TEST(lookup_and_preload)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_template_store *store = cc_template_store_make(db, cc_test_pool);
    const char *names[] = {"page", "part", "absent"};
    const cc_template *tpl = NULL;
    const char *errmsg = NULL;

    add_template(db, "page", "<p>{{x}}</p>", "p{}");
    add_template(db, "part", "<i>part</i>", NULL);
    ck_assert_int_eq(cc_template_store_preload(store, names, 3, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_template_store_lookup(store, cc_test_pool, "page", &tpl, &errmsg),
                     APR_SUCCESS);
    ck_assert_str_eq(tpl->html, "<p>{{x}}</p>");
    ck_assert_str_eq(tpl->css, "p{}");
    ck_assert_int_eq(cc_template_store_lookup(store, cc_test_pool, "part", &tpl, &errmsg),
                     APR_SUCCESS);
    ck_assert_ptr_null(tpl->css);
    /* Missing, whether preloaded or asked for later; names are exact. */
    ck_assert_int_eq(cc_template_store_lookup(store, cc_test_pool, "absent", &tpl, &errmsg),
                     APR_NOTFOUND);
    ck_assert_ptr_null(tpl);
    ck_assert_int_eq(cc_template_store_lookup(store, cc_test_pool, "PAGE", &tpl, &errmsg),
                     APR_NOTFOUND);
    /* A template added after the store read it stays unseen in this store
     * (one request), and is found by a new one. */
    add_template(db, "absent", "now here", NULL);
    ck_assert_int_eq(cc_template_store_lookup(store, cc_test_pool, "absent", &tpl, &errmsg),
                     APR_NOTFOUND);
    store = cc_template_store_make(db, cc_test_pool);
    ck_assert_int_eq(cc_template_store_lookup(store, cc_test_pool, "absent", &tpl, &errmsg),
                     APR_SUCCESS);
    ck_assert_str_eq(tpl->html, "now here");
}
END_TEST

TCase *tcase_store_templates(void)
{
    TCase *tc = cc_test_tcase("store/templates");

    tcase_add_test(tc, lookup_and_preload);
    return tc;
}
