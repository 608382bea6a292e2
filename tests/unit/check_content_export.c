/* content/export: the platform's objects as a Concerto document. */
#include "check_concerto.h"

#include "content/export.h"
#include "content/members.h"

#include <string.h>

#define NOW 1800000000L

static json_object *collection_of(json_object *doc)
{
    json_object *c = cc_member_array(doc, "collection");
    ck_assert_ptr_nonnull(c);
    return c;
}

static int has(json_object *c, const char *cls, const char *name)
{
    size_t i;
    for (i = 0; i < json_object_array_length(c); i++) {
        json_object *o = json_object_array_get_idx(c, i);
        if (!strcmp(cc_member_text(cc_test_pool, o, "class_name"), cls) &&
            !strcmp(cc_member_text(cc_test_pool, o, "name"), name))
            return 1;
    }
    return 0;
}

START_TEST(exports_everything_sorted_with_hashes)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    json_object *doc = NULL, *c, *first, *test = NULL;
    const char *errmsg = NULL;
    size_t i;

    ck_assert_msg(cc_content_export(db, cc_test_pool, NULL, &doc, &errmsg) == APR_SUCCESS, "%s",
                  errmsg);
    ck_assert_str_eq(cc_member_text(cc_test_pool, doc, "version"), CC_CONTENT_VERSION);
    c = collection_of(doc);
    ck_assert_int_eq((int)json_object_array_length(c), 22);
    first = json_object_array_get_idx(c, 0);
    ck_assert_str_eq(cc_member_text(cc_test_pool, first, "class_name"), "DataTable");
    ck_assert_str_eq(cc_member_text(cc_test_pool, first, "name"), "demo_cat_items");
    ck_assert_int_eq(cc_member_long(first, "id", 0), 1);
    ck_assert_ptr_null(cc_member_array(first, "data")); /* rows only when asked */
    for (i = 0; i < json_object_array_length(c); i++) {
        json_object *o = json_object_array_get_idx(c, i);
        ck_assert_int_eq((int)strlen(cc_member_text(cc_test_pool, o, "hash")), 40);
        if (!strcmp(cc_member_text(cc_test_pool, o, "name"), "r-cat"))
            test = o;
    }
    /* The flow: its nodes name the tests they run; connections ids in the file. */
    ck_assert_ptr_nonnull(test);
    ck_assert_int_eq((int)json_object_array_length(cc_member_array(test, "nodes")), 5);
    ck_assert_int_eq((int)json_object_array_length(cc_member_array(test, "nodesConnections")), 8);
    ck_assert_str_eq(cc_member_text(cc_test_pool,
                                    json_object_array_get_idx(cc_member_array(test, "nodes"), 1),
                                    "sourceTestName"),
                     "cat-setup");
}
END_TEST

START_TEST(a_selection_brings_what_it_uses)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_content_selection sel;
    json_object *doc = NULL, *c;
    const char *errmsg = NULL;

    memset(&sel, 0, sizeof(sel));
    sel.tests = apr_array_make(cc_test_pool, 1, sizeof(const char *));
    APR_ARRAY_PUSH(sel.tests, const char *) = "r-cat";
    sel.data = 1;
    ck_assert_msg(cc_content_export(db, cc_test_pool, &sel, &doc, &errmsg) == APR_SUCCESS, "%s",
                  errmsg);
    c = collection_of(doc);
    ck_assert(has(c, "Test", "r-cat") && has(c, "Test", "cat-item") &&
              has(c, "Test", "cat-setup") && has(c, "Test", "cat-results"));
    ck_assert(!has(c, "Test", "demo-cat"));

    /* The native test's settings name its tables and templates. */
    apr_array_clear(sel.tests);
    APR_ARRAY_PUSH(sel.tests, const char *) = "demo-cat";
    ck_assert_int_eq(cc_content_export(db, cc_test_pool, &sel, &doc, &errmsg), APR_SUCCESS);
    c = collection_of(doc);
    ck_assert(has(c, "DataTable", "demo_cat_items") && has(c, "ViewTemplate", "cc-item-page"));
    ck_assert_int_eq(
        (int)json_object_array_length(cc_member_array(json_object_array_get_idx(c, 0), "data")),
        169);

    APR_ARRAY_PUSH(sel.tests, const char *) = "no-such-test";
    ck_assert_int_eq(cc_content_export(db, cc_test_pool, &sel, &doc, &errmsg), APR_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(errmsg, "no-such-test"));
}
END_TEST

/* A code test names its templates and tables in its R code only: a
 * selection of it brings them (a word that is no object's name, nothing). */
START_TEST(a_selection_brings_what_its_r_code_names)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_content_selection sel;
    json_object *doc = NULL, *c;
    const char *errmsg = NULL;

    memset(&sel, 0, sizeof(sel));
    sel.tests = apr_array_make(cc_test_pool, 1, sizeof(const char *));
    APR_ARRAY_PUSH(sel.tests, const char *) = "r-questionnaire";
    ck_assert_msg(cc_content_export(db, cc_test_pool, &sel, &doc, &errmsg) == APR_SUCCESS, "%s",
                  errmsg);
    c = collection_of(doc);
    ck_assert(has(c, "Test", "r-questionnaire"));
    ck_assert(has(c, "ViewTemplate", "cc-start") && has(c, "ViewTemplate", "cc-item-page") &&
              has(c, "ViewTemplate", "cc-feedback"));
    ck_assert(has(c, "DataTable", "r_questionnaire_responses"));
    ck_assert(has(c, "DataTable", "number_attitude_items")); /* a variable's default */
    ck_assert(!has(c, "Test", "demo-cat") && !has(c, "DataTable", "demo_cat_items"));
}
END_TEST

START_TEST(template_inserts_in_concerto_syntax)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    json_object *obj = NULL, *escaped = NULL, *html = NULL;
    const char *errmsg = NULL;

    cc_test_exec(db, "INSERT INTO view_template (name, html, created, updated) VALUES "
                     "('t', '<b>{{name}}</b>{{{raw}}}', 0, 0)");
    ck_assert_int_eq(
        cc_content_export_object(db, cc_test_pool, "ViewTemplate",
                                 cc_test_value(db, cc_test_pool, "SELECT id FROM view_template"), 0,
                                 &obj, &errmsg),
        APR_SUCCESS);
    ck_assert_str_eq(cc_member_text(cc_test_pool, obj, "html"), "<b>{{name}}</b>{{raw}}");
    ck_assert(json_object_object_get_ex(obj, "escapedInserts", &escaped) &&
              json_object_object_get_ex(escaped, "html", &html));
    ck_assert_str_eq(json_object_to_json_string_ext(html, JSON_C_TO_STRING_PLAIN), "[0]");
    ck_assert_int_eq(cc_content_export_object(db, cc_test_pool, "Test", "999", 0, &obj, &errmsg),
                     APR_SUCCESS);
    ck_assert_ptr_null(obj);
}
END_TEST

TCase *tcase_content_export(void)
{
    TCase *tc = cc_test_tcase("content/export");
    tcase_add_test(tc, exports_everything_sorted_with_hashes);
    tcase_add_test(tc, a_selection_brings_what_it_uses);
    tcase_add_test(tc, a_selection_brings_what_its_r_code_names);
    tcase_add_test(tc, template_inserts_in_concerto_syntax);
    return tc;
}
