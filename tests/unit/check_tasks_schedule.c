/* tasks/schedule: pending -> ongoing -> completed/failed with output;
 * types without a runner fail with a clear line; done tasks stay done. */
#include "check_concerto.h"

#include "tasks/schedule.h"

#include <apr_strings.h>
#include <string.h>

#define NOW 1800000000L

static void add_task(cc_db *db, int type, int status, const char *output)
{
    const char *args[] = {apr_itoa(cc_test_pool, type), apr_itoa(cc_test_pool, status), output,
                          NULL};
    apr_status_t rv = cc_db_query(db, cc_test_pool, NULL,
                                  "INSERT INTO scheduled_task (type, status, output, info, "
                                  "created, updated) VALUES (%s, %s, %s, '{\"x\":1}', 0, 0)",
                                  3, args);

    ck_assert_msg(rv == APR_SUCCESS, "%s", db->last_error);
}

static const char *column(cc_db *db, long id, const char *name)
{
    const char *value = NULL;
    const char *args[] = {apr_ltoa(cc_test_pool, id), NULL};

    ck_assert_int_eq(
        cc_db_select_value(
            db, cc_test_pool, &value,
            apr_psprintf(cc_test_pool, "SELECT %s FROM scheduled_task WHERE id = %%s", name), 1,
            args),
        APR_SUCCESS);
    return value;
}

/* A runner that sees its task as ongoing, then succeeds or fails by the
 * description it was given. */
static apr_status_t fake_import(void *baton, cc_db *db, apr_pool_t *pool,
                                const cc_scheduled_task *task, const char **output)
{
    int *calls = baton;

    (*calls)++;
    ck_assert_str_eq(column(db, task->id, "status"), "1");
    ck_assert_str_eq(task->info, "{\"x\":1}");
    *output = apr_psprintf(pool, "imported for task %ld", task->id);
    return task->id == 2 ? APR_EGENERAL : APR_SUCCESS;
}

START_TEST(runs_pending_tasks_once)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    int calls = 0;
    cc_task_runner runners[] = {{CC_TASK_CONTENT_IMPORT, fake_import, &calls}};
    cc_tick_result result;

    add_task(db, CC_TASK_CONTENT_IMPORT, CC_TASK_PENDING, "queued"); /* 1: completes */
    add_task(db, CC_TASK_CONTENT_IMPORT, CC_TASK_PENDING, NULL);     /* 2: its runner fails */
    add_task(db, CC_TASK_GIT_PULL, CC_TASK_PENDING, NULL);           /* 3: no runner */
    add_task(db, 42, CC_TASK_PENDING, NULL);                         /* 4: unknown type */
    add_task(db, CC_TASK_CONTENT_IMPORT, CC_TASK_CANCELED, NULL);    /* 5: left alone */

    ck_assert_int_eq(cc_schedule_tick(db, cc_test_pool, runners, 1, NOW, &result), APR_SUCCESS);
    ck_assert_int_eq(result.completed, 1);
    ck_assert_int_eq(result.failed, 3);
    ck_assert_int_eq(calls, 2);
    ck_assert_str_eq(column(db, 1, "status"), "2");
    ck_assert_str_eq(column(db, 1, "output"), "queued\nimported for task 1");
    ck_assert_str_eq(column(db, 1, "updated"), "1800000000");
    ck_assert_str_eq(column(db, 2, "status"), "3");
    ck_assert_str_eq(column(db, 2, "output"), "imported for task 2");
    ck_assert_str_eq(column(db, 3, "status"), "3");
    ck_assert_ptr_nonnull(
        strstr(column(db, 3, "output"), "task type 0 (git pull) is not supported"));
    ck_assert_ptr_nonnull(strstr(column(db, 4, "output"), "task type 42 (unknown)"));
    ck_assert_str_eq(column(db, 5, "status"), "4");

    /* A second tick finds nothing pending and changes nothing. */
    ck_assert_int_eq(cc_schedule_tick(db, cc_test_pool, runners, 1, NOW + 60, &result),
                     APR_SUCCESS);
    ck_assert_int_eq(result.completed + result.failed, 0);
    ck_assert_int_eq(calls, 2);
    ck_assert_str_eq(column(db, 1, "updated"), "1800000000");
}
END_TEST

START_TEST(ongoing_task_is_not_taken_again)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    int calls = 0;
    cc_task_runner runners[] = {{CC_TASK_CONTENT_IMPORT, fake_import, &calls}};
    cc_tick_result result;

    /* Another server claimed it between our SELECT and UPDATE, in effect. */
    add_task(db, CC_TASK_CONTENT_IMPORT, CC_TASK_ONGOING, NULL);
    ck_assert_int_eq(cc_schedule_tick(db, cc_test_pool, runners, 1, NOW, &result), APR_SUCCESS);
    ck_assert_int_eq(calls, 0);
    ck_assert_str_eq(column(db, 1, "status"), "1");
}
END_TEST

START_TEST(type_names_are_concertos)
{
    ck_assert_str_eq(cc_task_type_name(CC_TASK_GIT_PULL), "git pull");
    ck_assert_str_eq(cc_task_type_name(CC_TASK_R_PACKAGE_INSTALL), "R package install");
    ck_assert_str_eq(cc_task_type_name(CC_TASK_CONTENT_IMPORT), "content import");
    ck_assert_str_eq(cc_task_type_name(6), "unknown");
    ck_assert_str_eq(cc_task_type_name(-1), "unknown");
}
END_TEST

TCase *tcase_tasks_schedule(void)
{
    TCase *tc = cc_test_tcase("tasks/schedule");

    tcase_add_test(tc, runs_pending_tasks_once);
    tcase_add_test(tc, ongoing_task_is_not_taken_again);
    tcase_add_test(tc, type_names_are_concertos);
    return tc;
}
