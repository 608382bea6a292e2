/* monitor/health: the data directory and database checks. */
#include "check_concerto.h"

#include "monitor/health.h"
#include "store/migrate.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int dir_is_empty(const char *path)
{
    apr_dir_t *dir;
    apr_finfo_t entry;
    int entries = 0;

    ck_assert_int_eq(apr_dir_open(&dir, path, cc_test_pool), APR_SUCCESS);
    while (apr_dir_read(&entry, APR_FINFO_NAME, dir) == APR_SUCCESS)
        if (strcmp(entry.name, ".") && strcmp(entry.name, ".."))
            entries++;
    apr_dir_close(dir);
    return entries == 0;
}

static const char *make_file(const char *dir, const char *name)
{
    const char *path = apr_pstrcat(cc_test_pool, dir, "/", name, NULL);
    apr_file_t *f;

    ck_assert_int_eq(apr_file_open(&f, path, APR_FOPEN_CREATE | APR_FOPEN_WRITE,
                                   APR_FPROT_OS_DEFAULT, cc_test_pool),
                     APR_SUCCESS);
    apr_file_close(f);
    return path;
}

START_TEST(writable_dir_ok)
{
    const char *dir = cc_test_tmpdir(cc_test_pool);
    const char *reason = NULL;

    ck_assert_int_eq(cc_health_data_dir(cc_test_pool, dir, &reason), APR_SUCCESS);
    ck_assert_ptr_null(reason);
    /* The probe file is gone again. */
    ck_assert(dir_is_empty(dir));
}
END_TEST

START_TEST(missing_dir_reason)
{
    const char *dir = apr_pstrcat(cc_test_pool, cc_test_tmpdir(cc_test_pool), "/gone", NULL);
    const char *reason = NULL;

    ck_assert_int_ne(cc_health_data_dir(cc_test_pool, dir, &reason), APR_SUCCESS);
    ck_assert_ptr_nonnull(reason);
    ck_assert_msg(strstr(reason, dir) != NULL && strstr(reason, "does not exist") != NULL, "%s",
                  reason);
}
END_TEST

START_TEST(file_is_not_a_dir)
{
    const char *file = make_file(cc_test_tmpdir(cc_test_pool), "plain");
    const char *reason = NULL;

    ck_assert_int_ne(cc_health_data_dir(cc_test_pool, file, &reason), APR_SUCCESS);
    ck_assert_ptr_nonnull(reason);
    ck_assert_msg(strstr(reason, "not a directory") != NULL, "%s", reason);
    /* Below a regular file nothing can exist, even for root. */
    reason = NULL;
    ck_assert_int_ne(
        cc_health_data_dir(cc_test_pool, apr_pstrcat(cc_test_pool, file, "/sub", NULL), &reason),
        APR_SUCCESS);
    ck_assert_ptr_nonnull(reason);
}
END_TEST

/* A read-only directory. root may write anywhere, so as root the check runs
 * in a child process that gives up root for "nobody" first. */
START_TEST(read_only_dir_reason)
{
    const char *dir = cc_test_tmpdir(cc_test_pool);
    const char *reason = NULL;
    apr_status_t rv;

    ck_assert_int_eq(chmod(dir, 0555), 0);
    if (geteuid() != 0) {
        rv = cc_health_data_dir(cc_test_pool, dir, &reason);
        chmod(dir, 0700);
        ck_assert_int_ne(rv, APR_SUCCESS);
        ck_assert_msg(reason && strstr(reason, "not writable") != NULL, "%s",
                      reason ? reason : "(none)");
    } else {
        int pipefd[2], status = 0;
        char buf[512] = "";
        ssize_t got;
        pid_t pid;

        ck_assert_int_eq(pipe(pipefd), 0);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            close(pipefd[0]);
            if (setgid(65534) != 0 || setuid(65534) != 0)
                _exit(2);
            rv = cc_health_data_dir(cc_test_pool, dir, &reason);
            if (reason)
                (void)!write(pipefd[1], reason, strlen(reason));
            _exit(rv == APR_SUCCESS ? 0 : 1);
        }
        close(pipefd[1]);
        got = read(pipefd[0], buf, sizeof(buf) - 1);
        close(pipefd[0]);
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        chmod(dir, 0700);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
                      "child status %d (2: could not drop root)", status);
        buf[got > 0 ? got : 0] = '\0';
        ck_assert_msg(strstr(buf, "not writable by the server") != NULL, "'%s'", buf);
        ck_assert_msg(strstr(buf, "ermission denied") != NULL, "'%s'", buf);
    }
    ck_assert(dir_is_empty(dir));
}
END_TEST

START_TEST(database_current_ok)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *reason = NULL;
    int version = -1;

    ck_assert_int_eq(cc_health_database(db, cc_test_pool, &version, &reason), APR_SUCCESS);
    ck_assert_int_eq(version, cc_schema_latest());
    ck_assert_ptr_null(reason);
}
END_TEST

START_TEST(database_empty_needs_setup)
{
    cc_db *db = cc_test_db(cc_test_pool);
    const char *reason = NULL;
    int version = -1;

    ck_assert_int_ne(cc_health_database(db, cc_test_pool, &version, &reason), APR_SUCCESS);
    ck_assert_int_eq(version, 0);
    ck_assert_ptr_nonnull(reason);
    ck_assert_msg(strstr(reason, "concertoctl setup") != NULL, "%s", reason);
}
END_TEST

START_TEST(database_newer_than_build)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *reason = NULL;
    int version = -1;
    const char *args[] = {apr_itoa(cc_test_pool, cc_schema_latest() + 1), NULL};

    ck_assert_int_eq(cc_db_query(db, cc_test_pool, NULL,
                                 "INSERT INTO concerto_schema (version, name, applied) "
                                 "VALUES (%s, 'future', 0)",
                                 1, args),
                     APR_SUCCESS);
    ck_assert_int_ne(cc_health_database(db, cc_test_pool, &version, &reason), APR_SUCCESS);
    ck_assert_int_eq(version, cc_schema_latest() + 1);
    ck_assert_ptr_nonnull(reason);
    ck_assert_msg(strstr(reason, "newer") != NULL, "%s", reason);
}
END_TEST

TCase *tcase_monitor_health(void)
{
    TCase *tc = cc_test_tcase("monitor/health");

    tcase_add_test(tc, writable_dir_ok);
    tcase_add_test(tc, missing_dir_reason);
    tcase_add_test(tc, file_is_not_a_dir);
    tcase_add_test(tc, read_only_dir_reason);
    tcase_add_test(tc, database_current_ok);
    tcase_add_test(tc, database_empty_needs_setup);
    tcase_add_test(tc, database_newer_than_build);
    return tc;
}
