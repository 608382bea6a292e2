/* store/starter: loading conf/starter into a database. */
#include "check_concerto.h"

#include "store/starter.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <string.h>

#define NOW 1800000000L

static void write_file(const char *dir, const char *name, const char *text)
{
    apr_file_t *f = NULL;
    const char *path = apr_pstrcat(cc_test_pool, dir, "/", name, NULL);

    ck_assert_int_eq(apr_file_open(&f, path,
                                   APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                                   APR_FPROT_OS_DEFAULT, cc_test_pool),
                     APR_SUCCESS);
    ck_assert_int_eq(apr_file_puts(text, f), APR_SUCCESS);
    apr_file_close(f);
}

START_TEST(loads_conf_starter_once)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_starter_report r;
    const char *errmsg = NULL;

    ck_assert_msg(cc_starter_load(db, cc_test_pool, "conf/starter", NOW, &r, &errmsg) ==
                      APR_SUCCESS,
                  "%s", errmsg);
    ck_assert_int_eq(r.tables_created, 6);
    ck_assert_int_eq((int)r.rows_imported, 178);
    ck_assert_int_eq(r.templates_created, 9);
    ck_assert_int_eq(r.tests_created, 7);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "demo_cat_items", NULL), 169);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test",
                                   "slug = 'demo-cat' AND type = 3 AND settings LIKE '%%cat%%'"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "view_template",
                                   "name = 'cc-item-page' AND css LIKE '%%.cc%%'"),
                     1);
    /* The R tests: code read from conf/starter/code, the flow wired. */
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test",
                                   "slug = 'cat-item' AND type = 0 AND visibility = 2 AND "
                                   "code LIKE '%%nextItem(%%' AND code LIKE '%%.branch <-%%'"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test",
                                   "slug = 'r-questionnaire' AND type = 0 AND visibility = 0 AND "
                                   "code LIKE '%%finalize = TRUE%%'"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "r_cat_responses", NULL), 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "test_node n JOIN test f ON f.id = n.flow_test_id",
                                   "f.slug = 'r-cat' AND f.type = 2"),
                     5);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "test_node_connection c JOIN test f ON f.id = c.flow_test_id",
                                   "f.slug = 'r-cat'"),
                     8);
    /* The loop: cat-item's branch continue leads back to its own node. */
    ck_assert_int_eq(
        cc_test_count(db, cc_test_pool,
                      "test_node_connection c JOIN test_node_port p ON p.id = c.source_port_id "
                      "JOIN test_node n ON n.id = c.source_node_id JOIN test s ON s.id = "
                      "n.source_test_id",
                      "s.name = 'cat-item' AND p.name = 'continue' AND p.type = 2 AND "
                      "c.destination_node_id = n.id AND c.destination_port_id IS NULL"),
        1);
    /* An author's edit survives a second load. */
    cc_test_exec(db, "UPDATE view_template SET html = 'edited' WHERE name = 'cc-start'");
    ck_assert_int_eq(cc_starter_load(db, cc_test_pool, "conf/starter", NOW, &r, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(r.tables_created + r.templates_created + r.tests_created, 0);
    ck_assert_int_eq(r.tables_kept + r.templates_kept + r.tests_kept, 22);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "view_template", "html = 'edited'"), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "demo_cat_items", NULL), 169);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_node", NULL), 5);
}
END_TEST

START_TEST(bad_directories_explained)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *dir = cc_test_tmpdir(cc_test_pool), *errmsg = NULL;
    cc_starter_report r;

    ck_assert_int_ne(cc_starter_load(db, cc_test_pool, dir, NOW, &r, &errmsg), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(errmsg, "tests.json"));
    write_file(dir, "tests.json", "{\"format\":\"other/2\"}");
    ck_assert_int_eq(cc_starter_load(db, cc_test_pool, dir, NOW, &r, &errmsg), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "format"));
    write_file(dir, "tests.json",
               "{\"format\":\"mod_concerto-starter/1\",\"tables\":[],"
               "\"tests\":[]}");
    ck_assert_int_eq(apr_dir_make(apr_pstrcat(cc_test_pool, dir, "/templates", NULL),
                                  APR_FPROT_OS_DEFAULT, cc_test_pool),
                     APR_SUCCESS);
    write_file(dir, "templates/templates.json",
               "{\"templates\":[{\"name\":\"t\",\"html\":\"../../etc/passwd\"}]}");
    ck_assert_int_eq(cc_starter_load(db, cc_test_pool, dir, NOW, &r, &errmsg), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "inside the directory"));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "view_template", NULL), 0);
}
END_TEST

TCase *tcase_store_starter(void)
{
    TCase *tc = cc_test_tcase("store/starter");

    tcase_add_test(tc, loads_conf_starter_once);
    tcase_add_test(tc, bad_directories_explained);
    return tc;
}
