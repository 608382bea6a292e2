/* store/datatable_page.c: pages of rows, one row, deleting rows, columns. */
#include "check_concerto.h"

#include "store/datatable.h"

#include <apr_strings.h>

static cc_datatable *table(cc_db *db)
{
    static const cc_dt_column cols[] = {{"name", CC_DT_STRING, 32, 0, 1, NULL},
                                        {"n", CC_DT_INTEGER, 0, 0, 1, NULL}};
    const char *names[] = {"name", "n"};
    const char *errmsg = NULL;
    cc_datatable *dt = NULL;
    int i;

    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "t", NULL, cols, 2, NULL, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "t", &dt, &errmsg), APR_SUCCESS);
    for (i = 0; i < 5; i++) {
        const char *values[] = {apr_psprintf(cc_test_pool, "Row%d", i),
                                apr_itoa(cc_test_pool, (i * 3) % 5)};
        ck_assert_int_eq(cc_datatable_insert(db, cc_test_pool, dt, 2, names, values, NULL, &errmsg),
                         APR_SUCCESS);
    }
    return dt;
}

START_TEST(page_sorts_filters_and_counts)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_datatable *dt = table(db);
    const char *errmsg = NULL, *fname[] = {"NAME"}, *fvalue[] = {"row"};
    const char *badname[] = {"nope"};
    cc_rows *rows = NULL;
    apr_int64_t total = 0;

    ck_assert_int_eq(cc_datatable_page(db, cc_test_pool, dt, "n", 1, 0, NULL, NULL, 0, 2, &rows,
                                       &total, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq((int)total, 5);
    ck_assert_int_eq(rows->nrows, 2);
    ck_assert_str_eq(rows->values[0][2], "4");
    ck_assert_str_eq(rows->values[1][2], "3");
    ck_assert_int_eq(cc_datatable_page(db, cc_test_pool, dt, NULL, 0, 1, fname, fvalue, 4, 10,
                                       &rows, &total, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq((int)total, 5);
    ck_assert_int_eq(rows->nrows, 1);
    ck_assert_str_eq(rows->values[0][1], "Row4");
    fvalue[0] = "w3";
    ck_assert_int_eq(cc_datatable_page(db, cc_test_pool, dt, NULL, 0, 1, fname, fvalue, 0, 10,
                                       &rows, &total, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq((int)total, 1);
    ck_assert_int_eq(cc_datatable_page(db, cc_test_pool, dt, "x\"; DROP TABLE t; --", 0, 0, NULL,
                                       NULL, 0, 10, &rows, &total, &errmsg),
                     APR_EINVAL);
    ck_assert_int_eq(cc_datatable_page(db, cc_test_pool, dt, NULL, 0, 1, badname, fvalue, 0, 10,
                                       &rows, &total, &errmsg),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "nope"));
}
END_TEST

START_TEST(rows_and_columns_change_the_revision)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_datatable *dt = table(db);
    const char *errmsg = NULL, *before;
    cc_dt_column extra = {"extra", CC_DT_TEXT, 0, 0, 1, NULL};
    cc_rows *rows = NULL;

    ck_assert_int_eq(cc_datatable_row(db, cc_test_pool, dt, 2, &rows, &errmsg), APR_SUCCESS);
    ck_assert_str_eq(rows->values[0][1], "Row1");
    before = cc_test_value(db, cc_test_pool, "SELECT revision FROM data_table");
    ck_assert_int_eq(cc_datatable_delete_row(db, cc_test_pool, dt, 2, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_delete_row(db, cc_test_pool, dt, 2, &errmsg), APR_NOTFOUND);
    ck_assert_int_eq(cc_datatable_row(db, cc_test_pool, dt, 2, &rows, &errmsg), APR_NOTFOUND);
    ck_assert_str_ne(before, cc_test_value(db, cc_test_pool, "SELECT revision FROM data_table"));
    ck_assert_int_eq(cc_datatable_add_column(db, cc_test_pool, dt, &extra, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "t", &dt, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(dt->ncols, 4);
    ck_assert_int_eq(cc_datatable_add_column(db, cc_test_pool, dt, &extra, &errmsg), APR_EEXIST);
    ck_assert_int_eq(cc_datatable_rename_column(db, cc_test_pool, dt, "extra", "more", &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "t", &dt, &errmsg), APR_SUCCESS);
    ck_assert_str_eq(dt->cols[3].name, "more");
    ck_assert_int_eq(cc_datatable_rename_column(db, cc_test_pool, dt, "more", "name", &errmsg),
                     APR_EEXIST);
    ck_assert_int_eq(cc_datatable_drop_column(db, cc_test_pool, dt, "id", &errmsg), APR_EINVAL);
    ck_assert_int_eq(cc_datatable_drop_column(db, cc_test_pool, dt, "more", &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "t", &dt, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(dt->ncols, 3);
}
END_TEST

TCase *tcase_store_datatable_page(void)
{
    TCase *tc = cc_test_tcase("store/datatable_page");

    tcase_add_test(tc, page_sorts_filters_and_counts);
    tcase_add_test(tc, rows_and_columns_change_the_revision);
    return tc;
}
