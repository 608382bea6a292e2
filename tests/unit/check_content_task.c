/* content/task: Concerto's scheduled content import task. */
#include "check_concerto.h"

#include "content/task.h"

#include <string.h>

#define FIXTURE "tests/fixtures/content/greeting.concerto.yml"

START_TEST(imports_the_file_named_in_info)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_scheduled_task task = {1, CC_TASK_CONTENT_IMPORT, "import",
                              "{\"file\":\"" FIXTURE "\",\"instructions\":"
                              "{\"ViewTemplate.greeting-footer\":\"create\"}}"};
    const char *output = NULL;

    ck_assert_int_eq(cc_content_task_run(NULL, db, cc_test_pool, &task, &output), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(output, "create Test \"greeting-flow\": new"));
    ck_assert_ptr_nonnull(strstr(output, "problem Sticker \"gold-star\""));
    ck_assert_ptr_nonnull(strstr(output, "7 objects written"));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test", "updated_by = 'scheduled task'"), 3);
    /* Again with convert: the same objects are overwritten, not copied. */
    task.info = "{\"file\":\"file://" FIXTURE "\",\"convert\":true}";
    ck_assert_int_eq(cc_content_task_run(NULL, db, cc_test_pool, &task, &output), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(output, "convert Test \"greeting-flow\""));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test", NULL), 3);
}
END_TEST

START_TEST(says_what_is_wrong)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_scheduled_task task = {1, CC_TASK_CONTENT_IMPORT, "import", NULL};
    const char *output = NULL;

    ck_assert_int_ne(cc_content_task_run(NULL, db, cc_test_pool, &task, &output), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(output, "\"file\""));
    task.info = "{\"file\":\"/nonexistent/c.yml\"}";
    ck_assert_int_ne(cc_content_task_run(NULL, db, cc_test_pool, &task, &output), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(output, "/nonexistent/c.yml"));
}
END_TEST

TCase *tcase_content_task(void)
{
    TCase *tc = cc_test_tcase("content/task");
    tcase_add_test(tc, imports_the_file_named_in_info);
    tcase_add_test(tc, says_what_is_wrong);
    return tc;
}
