/* content/plan: the action for each object of a file. */
#include "check_concerto.h"

#include "content/export.h"
#include "content/files.h"
#include "content/import.h"

#include <string.h>

#define FIXTURE "tests/fixtures/content/greeting.concerto.yml"
#define NOW 1800000000L

static json_object *fixture(void)
{
    json_object *doc = NULL;
    const char *errmsg = NULL;
    ck_assert_msg(cc_content_read_path(cc_test_pool, FIXTURE, 0, &doc, &errmsg) == APR_SUCCESS,
                  "%s", errmsg);
    return doc;
}

static const cc_content_instruction *find(const cc_content_plan *plan, const char *name)
{
    int i;
    for (i = 0; i < plan->instructions->nelts; i++) {
        const cc_content_instruction *ins =
            APR_ARRAY_IDX(plan->instructions, i, cc_content_instruction *);
        if (!strcmp(ins->name, name))
            return ins;
    }
    ck_abort_msg("no instruction for %s", name);
    return NULL;
}

static int problem_mentions(const cc_content_plan *plan, const char *name, const char *text)
{
    int i;
    for (i = 0; i < plan->problems->nelts; i++) {
        const cc_content_problem *p = &APR_ARRAY_IDX(plan->problems, i, cc_content_problem);
        if (!strcmp(p->name, name) && strstr(p->message, text))
            return 1;
    }
    return 0;
}

START_TEST(new_objects_are_created_and_problems_named)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_content_plan *plan = NULL;
    const char *errmsg = NULL;

    ck_assert_msg(cc_content_plan_make(db, cc_test_pool, fixture(), NULL, &plan, &errmsg) ==
                      APR_SUCCESS,
                  "%s", errmsg);
    ck_assert_int_eq(plan->instructions->nelts, 7);
    ck_assert_int_eq(find(plan, "greeting-flow")->action, CC_ACTION_CREATE);
    ck_assert_int_eq(plan->problems->nelts, 3);
    ck_assert(problem_mentions(plan, "gold-star", "Sticker"));
    ck_assert(problem_mentions(plan, "greeting", "type 42"));
    ck_assert(problem_mentions(plan, "greeting_log", "hologram"));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test", NULL), 0);
}
END_TEST

START_TEST(unchanged_ignored_changed_copied_or_converted)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_content_import_options opts;
    cc_content_plan *plan = NULL;
    json_object *doc = NULL;
    const char *errmsg = NULL;
    int i;

    memset(&opts, 0, sizeof(opts));
    ck_assert_int_eq(cc_content_export(db, cc_test_pool, NULL, &doc, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_content_plan_make(db, cc_test_pool, doc, &opts, &plan, &errmsg),
                     APR_SUCCESS);
    for (i = 0; i < plan->instructions->nelts; i++)
        ck_assert_int_eq(APR_ARRAY_IDX(plan->instructions, i, cc_content_instruction *)->action,
                         CC_ACTION_IGNORE);

    cc_test_exec(db, "UPDATE view_template SET html = 'edited' WHERE name = 'cc-start'");
    ck_assert_int_eq(cc_content_plan_make(db, cc_test_pool, doc, &opts, &plan, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(find(plan, "cc-start")->action, CC_ACTION_CREATE);
    ck_assert_str_eq(find(plan, "cc-start")->new_name, "cc-start_2");
    ck_assert_int_eq(find(plan, "cc-item")->action, CC_ACTION_IGNORE);

    opts.convert = 1;
    ck_assert_int_eq(cc_content_plan_make(db, cc_test_pool, doc, &opts, &plan, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(find(plan, "cc-start")->action, CC_ACTION_CONVERT);

    opts.actions = apr_table_make(cc_test_pool, 2);
    apr_table_set(opts.actions, "ViewTemplate.cc-start", "ignore");
    apr_table_set(opts.actions, "Test.r-cat", "create");
    apr_table_set(opts.actions, "Test.demo-cat", "explode");
    ck_assert_int_eq(cc_content_plan_make(db, cc_test_pool, doc, &opts, &plan, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(find(plan, "cc-start")->action, CC_ACTION_IGNORE);
    ck_assert_int_eq(find(plan, "r-cat")->action, CC_ACTION_CREATE);
    ck_assert_str_eq(find(plan, "r-cat")->new_name, "r-cat_2");
    ck_assert(problem_mentions(plan, "demo-cat", "explode"));
}
END_TEST

START_TEST(old_or_shapeless_files_are_refused)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_content_plan *plan = NULL;
    const char *errmsg = NULL;
    json_object *old = json_tokener_parse("{\"version\":\"5.0.beta.7\",\"collection\":[]}");
    json_object *newer = json_tokener_parse("{\"version\":\"5.0.beta.9.1\",\"collection\":[]}");
    json_object *none = json_tokener_parse("[{\"class_name\":\"Test\"}]");

    ck_assert_int_eq(cc_content_plan_make(db, cc_test_pool, old, NULL, &plan, &errmsg), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "5.0.beta.8.1"));
    ck_assert_int_eq(cc_content_plan_make(db, cc_test_pool, newer, NULL, &plan, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_content_plan_make(db, cc_test_pool, none, NULL, &plan, &errmsg),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "collection"));
    json_object_put(old);
    json_object_put(newer);
    json_object_put(none);
}
END_TEST

TCase *tcase_content_plan(void)
{
    TCase *tc = cc_test_tcase("content/plan");
    tcase_add_test(tc, new_objects_are_created_and_problems_named);
    tcase_add_test(tc, unchanged_ignored_changed_copied_or_converted);
    tcase_add_test(tc, old_or_shapeless_files_are_refused);
    return tc;
}
