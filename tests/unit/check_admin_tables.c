/* admin/tables.c: data tables, their columns, rows and CSV. */
#include "admin_fixture.h"

#include "admin/tables.h"

static long make_table(cc_db *db)
{
    cc_admin_error err = {0, NULL, NULL};
    long id = 0;

    ck_assert_msg(cc_admin_table_create(
                      db, cc_test_pool,
                      admin_fixture_json(cc_test_pool,
                                         "{\"name\":\"items\",\"description\":\"d\",\"columns\":["
                                         "{\"name\":\"word\",\"type\":\"string\",\"length\":16},"
                                         "{\"name\":\"score\",\"type\":\"integer\"}]}"),
                      &admin_fixture_alice, 1000, &id, &err) == APR_SUCCESS,
                  "create: %s", err.message);
    return id;
}

static const char *table_revision(cc_db *db)
{
    return cc_test_value(db, cc_test_pool, "SELECT revision FROM data_table WHERE name = 'items'");
}

START_TEST(create_and_describe)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    long id = make_table(db), other = 0;
    json_object *got = NULL, *cols = NULL, *list = NULL;
    cc_list_query lq;

    ck_assert_int_eq(cc_admin_table_get(db, cc_test_pool, id, &admin_fixture_alice, &got, &err),
                     APR_SUCCESS);
    json_object_object_get_ex(got, "columns", &cols);
    ck_assert_int_eq((int)json_object_array_length(cols), 3);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(cols, 1), "type"), "string");
    ck_assert_int_eq(admin_fixture_int(json_object_array_get_idx(cols, 1), "length"), 16);
    ck_assert_int_eq(admin_fixture_int(got, "row_count"), 0);
    ck_assert_int_eq(admin_fixture_int(got, "owner_id"), 1);
    /* Taken name 409, bad name 422, bad column type 422 naming columns. */
    ck_assert_int_ne(cc_admin_table_create(db, cc_test_pool,
                                           admin_fixture_json(cc_test_pool, "{\"name\":\"ITEMS\"}"),
                                           &admin_fixture_alice, 1000, &other, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 409);
    ck_assert_int_ne(cc_admin_table_create(db, cc_test_pool,
                                           admin_fixture_json(cc_test_pool, "{\"name\":\"1x\"}"),
                                           &admin_fixture_alice, 1000, &other, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_str_eq(err.field, "name");
    ck_assert_int_ne(cc_admin_table_create(
                         db, cc_test_pool,
                         admin_fixture_json(cc_test_pool, "{\"name\":\"t2\",\"columns\":[{"
                                                          "\"name\":\"a\",\"type\":\"blob\"}]}"),
                         &admin_fixture_alice, 1000, &other, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_str_eq(err.field, "columns");
    /* Bob sees no private table; renames are refused. */
    ck_assert_int_eq(cc_list_query_parse(cc_test_pool, NULL, &lq, &err), APR_SUCCESS);
    ck_assert_int_eq(cc_admin_table_list(db, cc_test_pool, &lq, &admin_fixture_bob, &list, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(list, "total"), 0);
    ck_assert_int_ne(cc_admin_table_update(
                         db, cc_test_pool, id,
                         admin_fixture_json(cc_test_pool, "{\"name\":\"other\",\"revision\":0}"),
                         &admin_fixture_alice, 1001, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(err.field, "name");
    ck_assert_int_eq(
        cc_admin_table_update(db, cc_test_pool, id,
                              admin_fixture_json(cc_test_pool, "{\"name\":\"items\",\"revision\":0,"
                                                               "\"accessibility\":2}"),
                              &admin_fixture_alice, 1001, &err),
        APR_SUCCESS);
    ck_assert_int_eq(cc_admin_table_list(db, cc_test_pool, &lq, &admin_fixture_bob, &list, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(list, "total"), 1);
    ck_assert_int_eq(cc_admin_table_delete(db, cc_test_pool, id, &admin_fixture_alice, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "data_table", NULL), 0);
}
END_TEST

START_TEST(rows_columns_and_csv)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    long id = make_table(db), row = 0, n = 0;
    json_object *list = NULL, *items = NULL, *got = NULL;
    const char *csv = NULL, *filename = NULL;
    cc_list_query lq;

    ck_assert_int_eq(
        cc_admin_row_create(db, cc_test_pool, id,
                            admin_fixture_json(cc_test_pool, "{\"word\":\"b\",\"score\":2}"),
                            &admin_fixture_alice, &row, &err),
        APR_SUCCESS);
    ck_assert_str_eq(table_revision(db), "1");
    ck_assert_int_ne(cc_admin_row_create(db, cc_test_pool, id,
                                         admin_fixture_json(cc_test_pool, "{\"score\":\"many\"}"),
                                         &admin_fixture_alice, &row, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_str_eq(err.field, "score");
    ck_assert_int_eq(cc_admin_table_import(db, cc_test_pool, id, "word,score\na,3\nc,1\n", 19, 0,
                                           &admin_fixture_alice, &n, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(
        cc_list_query_parse(cc_test_pool, "sort=score&order=desc&per_page=2", &lq, &err),
        APR_SUCCESS);
    ck_assert_int_eq(
        cc_admin_rows_list(db, cc_test_pool, id, &lq, &admin_fixture_alice, &list, &err),
        APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(list, "total"), 3);
    json_object_object_get_ex(list, "items", &items);
    ck_assert_int_eq((int)json_object_array_length(items), 2);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(items, 0), "word"), "a");
    ck_assert_int_eq(cc_list_query_parse(cc_test_pool, "filter.word=C", &lq, &err), APR_SUCCESS);
    ck_assert_int_eq(
        cc_admin_rows_list(db, cc_test_pool, id, &lq, &admin_fixture_alice, &list, &err),
        APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(list, "total"), 1);
    ck_assert_int_eq(cc_list_query_parse(cc_test_pool, "sort=nope", &lq, &err), APR_SUCCESS);
    ck_assert_int_ne(
        cc_admin_rows_list(db, cc_test_pool, id, &lq, &admin_fixture_alice, &list, &err),
        APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_int_eq(cc_admin_row_update(db, cc_test_pool, id, row,
                                         admin_fixture_json(cc_test_pool, "{\"score\":9}"),
                                         &admin_fixture_alice, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_admin_row_get(db, cc_test_pool, id, row, &admin_fixture_alice, &got, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(admin_fixture_str(got, "score"), "9");
    ck_assert_int_eq(cc_admin_row_delete(db, cc_test_pool, id, row, &admin_fixture_alice, &err),
                     APR_SUCCESS);
    ck_assert_int_ne(cc_admin_row_get(db, cc_test_pool, id, row, &admin_fixture_alice, &got, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 404);
    /* Columns: add, rename, drop. */
    ck_assert_int_eq(cc_admin_column_create(
                         db, cc_test_pool, id,
                         admin_fixture_json(cc_test_pool, "{\"name\":\"note\",\"type\":\"text\"}"),
                         &admin_fixture_alice, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_admin_column_update(db, cc_test_pool, id, "note",
                                            admin_fixture_json(cc_test_pool, "{\"name\":\"memo\"}"),
                                            &admin_fixture_alice, &err),
                     APR_SUCCESS);
    ck_assert_int_ne(
        cc_admin_column_update(
            db, cc_test_pool, id, "memo",
            admin_fixture_json(cc_test_pool, "{\"name\":\"memo\",\"type\":\"integer\"}"),
            &admin_fixture_alice, &err),
        APR_SUCCESS);
    ck_assert_str_eq(err.field, "type");
    ck_assert_int_eq(
        cc_admin_table_csv(db, cc_test_pool, id, &admin_fixture_alice, &csv, &filename, &err),
        APR_SUCCESS);
    ck_assert_str_eq(filename, "items.csv");
    ck_assert_str_eq(csv, "id,word,score,memo\n2,a,3,\n3,c,1,\n");
    ck_assert_int_eq(
        cc_admin_column_delete(db, cc_test_pool, id, "memo", &admin_fixture_alice, &err),
        APR_SUCCESS);
    /* Replace: the CSV's rows only; a bad line rolls back and names it. */
    ck_assert_int_eq(cc_admin_table_import(db, cc_test_pool, id, "word,score\nz,7\n", 15, 1,
                                           &admin_fixture_alice, &n, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "items", NULL), 1);
    ck_assert_int_ne(cc_admin_table_import(db, cc_test_pool, id, "word,score\ny,x\n", 15, 1,
                                           &admin_fixture_alice, &n, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_ptr_nonnull(strstr(err.message, "line 2"));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "items", NULL), 1);
}
END_TEST

TCase *tcase_admin_tables(void)
{
    TCase *tc = cc_test_tcase("admin/tables");

    tcase_add_test(tc, create_and_describe);
    tcase_add_test(tc, rows_columns_and_csv);
    return tc;
}
