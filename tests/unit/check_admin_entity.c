/* admin/entity.c: list queries, JSON checks, and generic CRUD (on the
 * template kind, the plainest one). */
#include "admin_fixture.h"

#include "admin/templates.h"

START_TEST(list_query_defaults_and_limits)
{
    cc_list_query lq;
    cc_admin_error err = {0, NULL, NULL};

    ck_assert_int_eq(cc_list_query_parse(cc_test_pool, NULL, &lq, &err), APR_SUCCESS);
    ck_assert_int_eq(lq.page, 1);
    ck_assert_int_eq(lq.per_page, 50);
    ck_assert_ptr_null(lq.sort);
    ck_assert_int_eq(cc_list_query_parse(cc_test_pool,
                                         "page=3&per_page=500&sort=name&order=desc"
                                         "&q=a%20b&filter.x=1",
                                         &lq, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(lq.page, 3);
    ck_assert_int_eq(lq.per_page, 500);
    ck_assert_str_eq(lq.sort, "name");
    ck_assert_int_eq(lq.desc, 1);
    ck_assert_str_eq(lq.q, "a b");
    ck_assert_str_eq(apr_table_get(lq.args, "filter.x"), "1");
    ck_assert_int_ne(cc_list_query_parse(cc_test_pool, "per_page=501", &lq, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 400);
    ck_assert_str_eq(err.field, "per_page");
    ck_assert_int_ne(cc_list_query_parse(cc_test_pool, "page=0", &lq, &err), APR_SUCCESS);
    ck_assert_int_ne(cc_list_query_parse(cc_test_pool, "order=sideways", &lq, &err), APR_SUCCESS);
    ck_assert_int_ne(cc_list_query_parse(cc_test_pool, "q=%zz", &lq, &err), APR_SUCCESS);
}
END_TEST

START_TEST(parse_object_refuses_non_objects)
{
    json_object *o = NULL;
    cc_admin_error err = {0, NULL, NULL};

    ck_assert_int_ne(cc_admin_parse_object(cc_test_pool, "{\"a\":", 5, &o, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 400);
    ck_assert_int_ne(cc_admin_parse_object(cc_test_pool, "[1]", 3, &o, &err), APR_SUCCESS);
    ck_assert_int_ne(cc_admin_parse_object(cc_test_pool, "{} x", 4, &o, &err), APR_SUCCESS);
    ck_assert_int_ne(cc_admin_parse_object(cc_test_pool, "", 0, &o, &err), APR_SUCCESS);
    ck_assert_int_eq(cc_admin_parse_object(cc_test_pool, " {\"a\":1}\n", 9, &o, &err), APR_SUCCESS);
}
END_TEST

START_TEST(field_values_are_checked)
{
    static const cc_field num = {"n", CC_FIELD_INT, CC_FIELD_WRITE, 0, 2};
    static const cc_field text = {"t", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_REQUIRED, 0, 3};
    static const cc_field flag = {"b", CC_FIELD_BOOL, CC_FIELD_WRITE, 0, 0};
    cc_admin_error err = {0, NULL, NULL};
    const char *out = NULL;
    json_object *o =
        admin_fixture_json(cc_test_pool, "{\"a\":2,\"b\":3,\"c\":\"x\",\"d\":true,"
                                         "\"e\":\"\u00e9\u00e9\u00e9\",\"f\":\"abcd\"}");
    json_object *v = NULL;

    json_object_object_get_ex(o, "a", &v);
    ck_assert_int_eq(cc_admin_field_value(cc_test_pool, &num, v, &out, &err), APR_SUCCESS);
    ck_assert_str_eq(out, "2");
    json_object_object_get_ex(o, "b", &v);
    ck_assert_int_ne(cc_admin_field_value(cc_test_pool, &num, v, &out, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_str_eq(err.field, "n");
    json_object_object_get_ex(o, "c", &v);
    ck_assert_int_ne(cc_admin_field_value(cc_test_pool, &num, v, &out, &err), APR_SUCCESS);
    json_object_object_get_ex(o, "d", &v);
    ck_assert_int_eq(cc_admin_field_value(cc_test_pool, &flag, v, &out, &err), APR_SUCCESS);
    ck_assert_str_eq(out, "1");
    /* Three characters in six bytes fit a limit of three characters. */
    json_object_object_get_ex(o, "e", &v);
    ck_assert_int_eq(cc_admin_field_value(cc_test_pool, &text, v, &out, &err), APR_SUCCESS);
    json_object_object_get_ex(o, "f", &v);
    ck_assert_int_ne(cc_admin_field_value(cc_test_pool, &text, v, &out, &err), APR_SUCCESS);
    ck_assert_str_eq(err.field, "t");
    ck_assert_int_ne(cc_admin_field_value(cc_test_pool, &text, NULL, &out, &err), APR_SUCCESS);
}
END_TEST

START_TEST(crud_with_revision_and_access)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    json_object *got = NULL, *list = NULL, *items = NULL;
    cc_list_query lq;
    long id = 0, pub = 0;

    ck_assert_int_eq(cc_entity_create(db, cc_test_pool, &cc_kind_template, 0,
                                      admin_fixture_json(cc_test_pool, "{\"name\":\"page\","
                                                                       "\"html\":\"<p>hi</p>\"}"),
                                      &admin_fixture_alice, 1000, &id, &err),
                     APR_SUCCESS);
    ck_assert_int_gt(id, 0);
    ck_assert_int_eq(
        cc_entity_get(db, cc_test_pool, &cc_kind_template, 0, id, &admin_fixture_alice, &got, &err),
        APR_SUCCESS);
    ck_assert_str_eq(admin_fixture_str(got, "html"), "<p>hi</p>");
    ck_assert_int_eq(admin_fixture_int(got, "owner_id"), 1);
    ck_assert_int_eq(admin_fixture_int(got, "revision"), 0);
    ck_assert_str_eq(admin_fixture_str(got, "updated_by"), "alice");
    /* The same name again: 409 naming the field. */
    ck_assert_int_ne(cc_entity_create(db, cc_test_pool, &cc_kind_template, 0,
                                      admin_fixture_json(cc_test_pool, "{\"name\":\"PAGE\"}"),
                                      &admin_fixture_alice, 1000, &pub, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 409);
    ck_assert_str_eq(err.field, "name");
    /* A bad value: 422 naming it. */
    ck_assert_int_ne(cc_entity_create(db, cc_test_pool, &cc_kind_template, 0,
                                      admin_fixture_json(cc_test_pool, "{\"name\":\"x\","
                                                                       "\"accessibility\":7}"),
                                      &admin_fixture_alice, 1000, &pub, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_str_eq(err.field, "accessibility");
    ck_assert_int_eq(cc_entity_create(db, cc_test_pool, &cc_kind_template, 0,
                                      admin_fixture_json(cc_test_pool, "{\"name\":\"shared\","
                                                                       "\"accessibility\":2}"),
                                      &admin_fixture_alice, 1000, &pub, &err),
                     APR_SUCCESS);
    /* Update: without a revision 422, stale 409, right one bumps it. */
    ck_assert_int_ne(cc_entity_update(db, cc_test_pool, &cc_kind_template, 0, id,
                                      admin_fixture_json(cc_test_pool, "{\"css\":\"p{}\"}"),
                                      &admin_fixture_alice, 1001, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_str_eq(err.field, "revision");
    ck_assert_int_eq(cc_entity_update(db, cc_test_pool, &cc_kind_template, 0, id,
                                      admin_fixture_json(cc_test_pool, "{\"css\":\"p{}\","
                                                                       "\"revision\":0}"),
                                      &admin_fixture_alice, 1001, &err),
                     APR_SUCCESS);
    ck_assert_int_ne(cc_entity_update(db, cc_test_pool, &cc_kind_template, 0, id,
                                      admin_fixture_json(cc_test_pool, "{\"css\":\"q{}\","
                                                                       "\"revision\":0}"),
                                      &admin_fixture_alice, 1002, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 409);
    ck_assert_ptr_nonnull(strstr(err.message, "alice"));
    ck_assert_str_eq(cc_test_value(db, cc_test_pool,
                                   "SELECT revision FROM view_template WHERE "
                                   "name = 'page'"),
                     "1");
    /* Bob sees only the public one; a private one is 403 to him. */
    ck_assert_int_eq(cc_list_query_parse(cc_test_pool, "sort=name", &lq, &err), APR_SUCCESS);
    ck_assert_int_eq(cc_entity_list(db, cc_test_pool, &cc_kind_template, 0, &lq, &admin_fixture_bob,
                                    &list, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(list, "total"), 1);
    json_object_object_get_ex(list, "items", &items);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(items, 0), "name"), "shared");
    ck_assert_int_ne(
        cc_entity_get(db, cc_test_pool, &cc_kind_template, 0, id, &admin_fixture_bob, &got, &err),
        APR_SUCCESS);
    ck_assert_int_eq(err.status, 403);
    ck_assert_int_eq(cc_entity_list(db, cc_test_pool, &cc_kind_template, 0, &lq,
                                    &admin_fixture_alice, &list, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(list, "total"), 2);
    /* Sorting only on whitelisted columns. */
    ck_assert_int_eq(cc_list_query_parse(cc_test_pool, "sort=html", &lq, &err), APR_SUCCESS);
    ck_assert_int_ne(cc_entity_list(db, cc_test_pool, &cc_kind_template, 0, &lq,
                                    &admin_fixture_alice, &list, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_str_eq(err.field, "sort");
    /* Delete: then 404. */
    ck_assert_int_eq(
        cc_entity_delete(db, cc_test_pool, &cc_kind_template, 0, id, &admin_fixture_alice, &err),
        APR_SUCCESS);
    ck_assert_int_ne(
        cc_entity_get(db, cc_test_pool, &cc_kind_template, 0, id, &admin_fixture_alice, &got, &err),
        APR_SUCCESS);
    ck_assert_int_eq(err.status, 404);
}
END_TEST

START_TEST(paging_cuts_the_list)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    json_object *list = NULL, *items = NULL;
    cc_list_query lq;
    long id = 0;
    int i;

    for (i = 0; i < 7; i++)
        ck_assert_int_eq(
            cc_entity_create(db, cc_test_pool, &cc_kind_template, 0,
                             admin_fixture_json(
                                 cc_test_pool, apr_psprintf(cc_test_pool, "{\"name\":\"t%d\"}", i)),
                             &admin_fixture_alice, 1000, &id, &err),
            APR_SUCCESS);
    ck_assert_int_eq(
        cc_list_query_parse(cc_test_pool, "page=3&per_page=3&sort=name&order=desc&q=T", &lq, &err),
        APR_SUCCESS);
    ck_assert_int_eq(cc_entity_list(db, cc_test_pool, &cc_kind_template, 0, &lq,
                                    &admin_fixture_alice, &list, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(list, "total"), 7);
    ck_assert_int_eq(admin_fixture_int(list, "page"), 3);
    json_object_object_get_ex(list, "items", &items);
    ck_assert_int_eq((int)json_object_array_length(items), 1);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(items, 0), "name"), "t0");
    /* Lists leave out long text. */
    ck_assert(!json_object_object_get_ex(json_object_array_get_idx(items, 0), "html", NULL));
}
END_TEST

START_TEST(ids_and_times)
{
    ck_assert_int_eq(cc_admin_parse_id("42"), 42);
    ck_assert_int_eq(cc_admin_parse_id("0"), 0);
    ck_assert_int_eq(cc_admin_parse_id("4x"), 0);
    ck_assert_int_eq(cc_admin_parse_id("-1"), 0);
    ck_assert_int_eq(cc_admin_parse_id(NULL), 0);
    ck_assert_str_eq(cc_admin_time_text(cc_test_pool, 0), "1970-01-01 00:00:00 UTC");
}
END_TEST

START_TEST(fresh_statements_on_sqlite)
{
    cc_db *db = admin_fixture_db(cc_test_pool);

    ck_assert_ptr_nonnull(cc_test_value(db, cc_test_pool, "SELECT COUNT(*) FROM test"));
    ck_assert_uint_gt(apr_hash_count(db->statements), 0);
    cc_admin_fresh_statements(db);
    ck_assert_uint_eq(apr_hash_count(db->statements), 0);
}
END_TEST

TCase *tcase_admin_entity(void)
{
    TCase *tc = cc_test_tcase("admin/entity");

    tcase_add_test(tc, list_query_defaults_and_limits);
    tcase_add_test(tc, parse_object_refuses_non_objects);
    tcase_add_test(tc, field_values_are_checked);
    tcase_add_test(tc, crud_with_revision_and_access);
    tcase_add_test(tc, paging_cuts_the_list);
    tcase_add_test(tc, ids_and_times);
    tcase_add_test(tc, fresh_statements_on_sqlite);
    return tc;
}
