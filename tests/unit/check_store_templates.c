/* store/templates: view templates by name from the database. */
#include "check_concerto.h"

#include "store/revision.h"
#include "store/templates.h"

#include <apr_strings.h>

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

START_TEST(store_on_a_base)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_template_store *base = cc_template_store_make(db, cc_test_pool), *store;
    const char *names[] = {"page", "absent"};
    const cc_template *tpl = NULL;
    const char *errmsg = NULL;

    add_template(db, "page", "<p>base</p>", NULL);
    ck_assert_int_eq(cc_template_store_preload(base, names, 2, &errmsg), APR_SUCCESS);
    cc_test_exec(db, "UPDATE view_template SET html = 'newer' WHERE name = 'page'");
    add_template(db, "absent", "<p>now</p>", NULL);
    add_template(db, "other", "<p>other</p>", NULL);
    /* What the base read (found or missing) is used as it is; the rest is
     * read from the database. */
    store = cc_template_store_make_on(db, cc_test_pool, base);
    ck_assert_int_eq(cc_template_store_lookup(store, cc_test_pool, "page", &tpl, &errmsg),
                     APR_SUCCESS);
    ck_assert_str_eq(tpl->html, "<p>base</p>");
    ck_assert_int_eq(cc_template_store_lookup(store, cc_test_pool, "absent", &tpl, &errmsg),
                     APR_NOTFOUND);
    ck_assert_int_eq(cc_template_store_lookup(store, cc_test_pool, "other", &tpl, &errmsg),
                     APR_SUCCESS);
    ck_assert_str_eq(tpl->html, "<p>other</p>");
    /* A preload reads nothing the base knows (no database to read from). */
    store = cc_template_store_make_on(NULL, cc_test_pool, base);
    ck_assert_int_eq(cc_template_store_preload(store, names, 2, &errmsg), APR_SUCCESS);
}
END_TEST

static const char *template_version(cc_db *db, const char *a, const char *b)
{
    const char *args[] = {a, b};
    cc_rows *rows = NULL;

    ck_assert_int_eq(
        cc_db_select(db, cc_test_pool, &rows,
                     apr_pstrcat(cc_test_pool, "SELECT v.n, v.last_id, v.revisions FROM ",
                                 cc_template_version_sql(cc_test_pool, 2), " v", NULL),
                     2, args),
        APR_SUCCESS);
    ck_assert_int_eq(rows->nrows, 1);
    return apr_psprintf(cc_test_pool, "%s:%s:%s", rows->values[0][0],
                        rows->values[0][1] ? rows->values[0][1] : "-", rows->values[0][2]);
}

START_TEST(version_follows_adds_deletes_and_bumps)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *v0, *v1, *v2, *v3, *v4;

    v0 = template_version(db, "page", "part");
    ck_assert_str_eq(v0, "0:-:0");
    add_template(db, "page", "<p>1</p>", NULL);
    v1 = template_version(db, "page", "part");
    ck_assert_str_ne(v1, v0);
    /* Another template's changes do not count. */
    add_template(db, "unrelated", "x", NULL);
    ck_assert_int_eq(cc_revision_bump_template(db, cc_test_pool, "unrelated"), APR_SUCCESS);
    ck_assert_str_eq(template_version(db, "page", "part"), v1);
    ck_assert_int_eq(cc_revision_bump_template(db, cc_test_pool, "page"), APR_SUCCESS);
    v2 = template_version(db, "page", "part");
    ck_assert_str_ne(v2, v1);
    /* Deleted and made again: same count and revisions, a new id. */
    cc_test_exec(db, "DELETE FROM view_template WHERE name = 'page'");
    v3 = template_version(db, "page", "part");
    ck_assert_str_eq(v3, v0);
    add_template(db, "page", "<p>2</p>", NULL);
    cc_test_exec(db, "UPDATE view_template SET revision = 1 WHERE name = 'page'");
    v4 = template_version(db, "page", "part");
    ck_assert_str_ne(v4, v2);
    ck_assert_str_ne(v4, v1);
}
END_TEST

TCase *tcase_store_templates(void)
{
    TCase *tc = cc_test_tcase("store/templates");

    tcase_add_test(tc, lookup_and_preload);
    tcase_add_test(tc, store_on_a_base);
    tcase_add_test(tc, version_follows_adds_deletes_and_bumps);
    return tc;
}
