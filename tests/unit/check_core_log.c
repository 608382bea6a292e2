/* core/log: the sink, its level filter, and nothing without a sink. */
#include "check_concerto.h"

#include "core/log.h"

#include <string.h>

typedef struct received {
    int calls;
    const char *file;
    int line;
    cc_log_level level;
    apr_status_t status;
    char message[4096];
    void *baton;
} received;

static received got;

static void record_sink(void *baton, const char *file, int line, cc_log_level level,
                        apr_status_t status, const char *message)
{
    got.calls++;
    got.baton = baton;
    got.file = file;
    got.line = line;
    got.level = level;
    got.status = status;
    strncpy(got.message, message, sizeof(got.message) - 1);
}

static void log_setup(void)
{
    memset(&got, 0, sizeof(got));
}

static void log_teardown(void)
{
    cc_log_set_sink(NULL, NULL, CC_LOG_WARNING);
}

START_TEST(no_sink_drops_everything)
{
    int i;

    cc_log_set_sink(NULL, NULL, CC_LOG_DEBUG);
    for (i = CC_LOG_EMERG; i <= CC_LOG_DEBUG; i++)
        ck_assert_int_eq(cc_log_is_enabled((cc_log_level)i), 0);
    cc_log(CC_LOG_MARK, CC_LOG_EMERG, APR_EGENERAL, "dropped %d", 1);

    /* A sink that was removed receives nothing either. */
    cc_log_set_sink(record_sink, NULL, CC_LOG_DEBUG);
    cc_log_set_sink(NULL, NULL, CC_LOG_DEBUG);
    cc_log(CC_LOG_MARK, CC_LOG_ERR, APR_SUCCESS, "dropped too");
    ck_assert_int_eq(got.calls, 0);
}
END_TEST

START_TEST(sink_receives_everything)
{
    int baton = 0;
    int line;

    cc_log_set_sink(record_sink, &baton, CC_LOG_DEBUG);
    line = __LINE__ + 1;
    cc_log(CC_LOG_MARK, CC_LOG_ERR, APR_ENOENT, "cannot open %s: %d", "x.db", 42);
    ck_assert_int_eq(got.calls, 1);
    ck_assert_ptr_eq(got.baton, &baton);
    ck_assert_int_eq(got.level, CC_LOG_ERR);
    ck_assert_int_eq(got.status, APR_ENOENT);
    ck_assert_str_eq(got.message, "cannot open x.db: 42");
    ck_assert_ptr_nonnull(strstr(got.file, "check_core_log.c"));
    ck_assert_int_eq(got.line, line);

    cc_log(CC_LOG_MARK, CC_LOG_DEBUG, APR_SUCCESS, "%s", "100% literal");
    ck_assert_int_eq(got.calls, 2);
    ck_assert_int_eq(got.level, CC_LOG_DEBUG);
    ck_assert_int_eq(got.status, APR_SUCCESS);
    ck_assert_str_eq(got.message, "100% literal");
}
END_TEST

START_TEST(max_level_filters)
{
    cc_log_set_sink(record_sink, NULL, CC_LOG_INFO);
    ck_assert_int_eq(cc_log_is_enabled(CC_LOG_DEBUG), 0);
    ck_assert_int_eq(cc_log_is_enabled(CC_LOG_INFO), 1);
    ck_assert_int_eq(cc_log_is_enabled(CC_LOG_EMERG), 1);

    cc_log(CC_LOG_MARK, CC_LOG_DEBUG, APR_SUCCESS, "too detailed");
    ck_assert_int_eq(got.calls, 0);
    cc_log(CC_LOG_MARK, CC_LOG_INFO, APR_SUCCESS, "info");
    ck_assert_int_eq(got.calls, 1);
    ck_assert_str_eq(got.message, "info");
    cc_log(CC_LOG_MARK, CC_LOG_CRIT, APR_SUCCESS, "crit");
    ck_assert_int_eq(got.calls, 2);
    ck_assert_int_eq(got.level, CC_LOG_CRIT);

    cc_log_set_sink(record_sink, NULL, CC_LOG_ERR);
    cc_log(CC_LOG_MARK, CC_LOG_WARNING, APR_SUCCESS, "warning");
    ck_assert_int_eq(got.calls, 2);
    cc_log(CC_LOG_MARK, CC_LOG_ERR, APR_SUCCESS, "error");
    ck_assert_int_eq(got.calls, 3);
    ck_assert_str_eq(got.message, "error");
}
END_TEST

START_TEST(long_message_is_cut_not_overflowed)
{
    char long_text[3000];

    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    cc_log_set_sink(record_sink, NULL, CC_LOG_DEBUG);
    cc_log(CC_LOG_MARK, CC_LOG_ERR, APR_SUCCESS, "%s", long_text);
    ck_assert_int_eq(got.calls, 1);
    ck_assert_uint_gt(strlen(got.message), 1000);
    ck_assert_uint_lt(strlen(got.message), sizeof(long_text) - 1);
    ck_assert_int_eq(got.message[0], 'x');
}
END_TEST

TCase *tcase_core_log(void)
{
    TCase *tc = cc_test_tcase("core/log");

    tcase_add_checked_fixture(tc, log_setup, log_teardown);
    tcase_add_test(tc, no_sink_drops_everything);
    tcase_add_test(tc, sink_receives_everything);
    tcase_add_test(tc, max_level_filters);
    tcase_add_test(tc, long_message_is_cut_not_overflowed);
    return tc;
}
