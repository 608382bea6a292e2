/* admin/templates.c: the template kind, and that an edit is what the
 * runner's template version sees. */
#include "admin_fixture.h"

#include "admin/templates.h"
#include "store/templates.h"

static const char *version(cc_db *db)
{
    const char *names[] = {"page"};
    const char *v = NULL;
    const char *sql = apr_pstrcat(cc_test_pool, "SELECT v.n, v.last_id, v.revisions FROM ",
                                  cc_template_version_sql(cc_test_pool, 1), " v", NULL);
    cc_rows *rows = NULL;

    ck_assert_int_eq(cc_db_select(db, cc_test_pool, &rows, sql, 1, names), APR_SUCCESS);
    v = apr_pstrcat(cc_test_pool, rows->values[0][0] ? rows->values[0][0] : "-", "/",
                    rows->values[0][1] ? rows->values[0][1] : "-", "/",
                    rows->values[0][2] ? rows->values[0][2] : "-", NULL);
    return v;
}

START_TEST(edits_change_the_template_version)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    const char *before;
    long id = 0;

    ck_assert_int_eq(cc_entity_create(db, cc_test_pool, &cc_kind_template, 0,
                                      admin_fixture_json(cc_test_pool, "{\"name\":\"page\","
                                                                       "\"html\":\"a\"}"),
                                      &admin_fixture_alice, 1000, &id, &err),
                     APR_SUCCESS);
    before = version(db);
    ck_assert_int_eq(cc_entity_update(db, cc_test_pool, &cc_kind_template, 0, id,
                                      admin_fixture_json(cc_test_pool, "{\"html\":\"b\","
                                                                       "\"revision\":0}"),
                                      &admin_fixture_alice, 1001, &err),
                     APR_SUCCESS);
    ck_assert_str_ne(before, version(db));
    ck_assert_int_ne(cc_entity_create(db, cc_test_pool, &cc_kind_template, 0,
                                      admin_fixture_json(cc_test_pool, "{\"html\":\"b\"}"),
                                      &admin_fixture_alice, 1000, &id, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_str_eq(err.field, "name");
}
END_TEST

TCase *tcase_admin_templates(void)
{
    TCase *tc = cc_test_tcase("admin/templates");

    tcase_add_test(tc, edits_change_the_template_version);
    return tc;
}
