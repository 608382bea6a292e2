/* content/apply: writing a plan's objects in one transaction. */
#include "check_concerto.h"

#include "content/files.h"
#include "content/import.h"
#include "core/json_pool.h"

#include <string.h>

#define FIXTURE "tests/fixtures/content/greeting.concerto.yml"
#define NOW 1800000000L

static apr_status_t import_doc(cc_db *db, json_object *doc, cc_content_plan **plan,
                               const char **errmsg)
{
    cc_content_import_options opts;
    apr_array_header_t *imported = NULL;
    apr_status_t rv;

    memset(&opts, 0, sizeof(opts));
    opts.now = NOW;
    opts.username = "tester";
    rv = cc_content_plan_make(db, cc_test_pool, doc, &opts, plan, errmsg);
    if (rv == APR_SUCCESS)
        rv = cc_content_apply(db, cc_test_pool, *plan, &opts, &imported, errmsg);
    return rv;
}

static json_object *fixture(void)
{
    json_object *doc = NULL;
    const char *errmsg = NULL;
    ck_assert_msg(cc_content_read_path(cc_test_pool, FIXTURE, 0, &doc, &errmsg) == APR_SUCCESS,
                  "%s", errmsg);
    return doc;
}

START_TEST(imports_the_fixture_with_references_resolved)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_content_plan *plan = NULL;
    const char *errmsg = NULL;

    ck_assert_msg(import_doc(db, fixture(), &plan, &errmsg) == APR_SUCCESS, "%s", errmsg);
    /* Concerto's {{x}} is raw: ours {{{x}}}; its {{{x}}} shows braces. */
    ck_assert_str_eq(cc_test_value(db, cc_test_pool,
                                   "SELECT html FROM view_template WHERE name = 'greeting-page'"),
                     "<h1>{{{title}}}</h1>\n<p class=\"braces\">{{{{note}}}}</p>\n"
                     "{{template:greeting-footer}}\n");
    ck_assert_int_eq(
        cc_test_count(db, cc_test_pool, "greeting_log", "person = 'Ada' AND visits = 3"), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_wizard_param", NULL), 4);
    /* The wizard test points at the wizard and at its base template. */
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "test t JOIN test_wizard w ON w.id = t.source_wizard_id "
                                   "JOIN view_template b ON b.id = t.base_template_id",
                                   "t.name = 'greeting-hello' AND w.name = 'greeting' AND "
                                   "b.name = 'greeting-footer' AND t.type = 1"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "test_variable v JOIN test_variable p ON p.id = "
                                   "v.parent_variable_id JOIN test s ON s.id = p.test_id",
                                   "s.name = 'greeting-source'"),
                     3);
    /* The flow: the node runs greeting-source, its port is that test's
     * variable, the branch port leads to the finish node. */
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "test_node_port p JOIN test_variable v ON v.id = p.variable_id "
                                   "JOIN test s ON s.id = v.test_id",
                                   "s.name = 'greeting-source' AND p.name = 'title' AND "
                                   "p.is_string = 0 AND p.value = 'paste0(''Hi '', ''there'')'"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "test_node_connection c JOIN test_node_port p ON p.id = "
                                   "c.source_port_id JOIN test_node d ON d.id = "
                                   "c.destination_node_id",
                                   "p.name = 'out' AND d.type = 2"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test", "revision > 0"), 3);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test", "updated_by = 'tester'"), 3);
}
END_TEST

START_TEST(copies_get_new_names_and_wizard_values_follow)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_content_plan *plan = NULL;
    const char *errmsg = NULL;

    ck_assert_int_eq(import_doc(db, fixture(), &plan, &errmsg), APR_SUCCESS);
    ck_assert_msg(import_doc(db, fixture(), &plan, &errmsg) == APR_SUCCESS, "%s", errmsg);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test",
                                   "name = 'greeting-source_2' AND "
                                   "slug = 'greeting-source-2'"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "greeting_log_2", NULL), 2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "test_wizard_param p JOIN test_wizard w ON w.id = p.wizard_id",
                                   "w.name = 'greeting_2' AND ((p.type = 5 AND p.value = "
                                   "'greeting-page_2') OR (p.type = 6 AND p.value = "
                                   "'greeting_log_2'))"),
                     2);
    /* The wizard test's value for the page parameter follows the copy too. */
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "test_variable v JOIN test t ON t.id = v.test_id",
                                   "t.name = 'greeting-hello_2' AND v.name = 'page' AND "
                                   "v.value = 'greeting-page_2'"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "test_variable v JOIN test t ON t.id = v.test_id",
                                   "t.name = 'greeting-hello' AND v.name = 'page' AND "
                                   "v.value = 'greeting-page'"),
                     1);
}
END_TEST

/* A failure half-way leaves nothing behind, not even a created table. */
START_TEST(all_or_nothing)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_content_plan *plan = NULL;
    const char *errmsg = NULL;
    json_object *doc = fixture(), *collection = NULL, *test, *vars;
    size_t i;

    json_object_object_get_ex(doc, "collection", &collection);
    for (i = 0; i < json_object_array_length(collection); i++) {
        json_object *name = NULL;
        test = json_object_array_get_idx(collection, i);
        if (json_object_object_get_ex(test, "name", &name) &&
            !strcmp(json_object_get_string(name), "greeting-flow")) {
            json_object_object_get_ex(test, "variables", &vars);
            /* The same variable twice (another id): the unique key refuses the second. */
            json_object *twin = NULL;
            json_object_deep_copy(json_object_array_get_idx(vars, 0), &twin, NULL);
            json_object_object_add(twin, "id", json_object_new_int(999));
            json_object_array_add(vars, twin);
        }
    }
    ck_assert_int_eq(import_doc(db, doc, &plan, &errmsg), APR_EGENERAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "greeting-flow"));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test", NULL), 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "data_table", NULL), 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "view_template", NULL), 0);
}
END_TEST

TCase *tcase_content_apply(void)
{
    TCase *tc = cc_test_tcase("content/apply");
    tcase_add_test(tc, imports_the_fixture_with_references_resolved);
    tcase_add_test(tc, copies_get_new_names_and_wizard_values_follow);
    tcase_add_test(tc, all_or_nothing);
    return tc;
}
