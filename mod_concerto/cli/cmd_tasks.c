/* concertoctl sessions clear|log and schedule tick: the jobs cron or a
 * systemd timer runs. Each takes its lock in the database first, so that
 * servers sharing one database can all schedule them: the one that gets
 * the lock works, the others exit CLI_LOCKED with nothing done. */
#include "cli.h"

#include "content/task.h"
#include "tasks/cleanup.h"
#include "tasks/lock.h"
#include "tasks/schedule.h"
#include "tasks/session_count.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <stdio.h>
#include <stdlib.h>

/* How long a claim lasts: longer than any run, short enough that a
 * crashed run does not stop the job for long. */
#define LOCK_TTL_SECONDS 1800L
#define DEFAULT_FILES_EXPIRATION_DAYS 7
#define DEFAULT_MAX_IDLE 3900
#define DEFAULT_IDLE_LIMIT 300

typedef int job_fn(cli_context *ctx, cc_db *db, void *baton);

static long now_seconds(void)
{
    return (long)apr_time_sec(apr_time_now());
}

/* For the tests that run two jobs at once: keep the lock this many
 * milliseconds before working (CONCERTO_TEST_HOLD_LOCK_MS; never set in
 * production). */
static void hold_for_tests(void)
{
    const char *ms = getenv("CONCERTO_TEST_HOLD_LOCK_MS");

    if (ms && *ms)
        apr_sleep((apr_interval_time_t)strtol(ms, NULL, 10) * 1000);
}

static int run_locked(cli_context *ctx, const char *command, const char *lock_name, job_fn *job,
                      void *baton)
{
    const char *holder = cc_task_lock_holder_name(ctx->pool), *other = NULL;
    cc_db *db = NULL;
    int claimed = 0, code;

    if (cli_connect(ctx, &db) != APR_SUCCESS)
        return CLI_FAILED;
    if (cc_task_lock_claim(db, ctx->pool, lock_name, holder, now_seconds(), LOCK_TTL_SECONDS,
                           &claimed, &other) != APR_SUCCESS) {
        cli_error("%s: cannot take the lock '%s': %s (is the schema current? run "
                  "'concertoctl setup')",
                  command, lock_name, db->last_error);
        cc_db_close(db);
        return CLI_FAILED;
    }
    if (!claimed) {
        printf("%s: skipped, another run holds the lock (%s)\n", command, other);
        cc_db_close(db);
        return CLI_LOCKED;
    }
    hold_for_tests();
    code = job(ctx, db, baton);
    if (cc_task_lock_release(db, ctx->pool, lock_name, holder) != APR_SUCCESS)
        cli_error("%s: cannot release the lock '%s' (it expires by itself): %s", command, lock_name,
                  db->last_error);
    cc_db_close(db);
    return code;
}

/* An integer option's value, or -2 (never valid here) with a message. */
static long parse_number(const char *option, const char *value, long minimum)
{
    char *end = NULL;
    long n = value ? strtol(value, &end, 10) : 0;

    if (value == NULL || *value == '\0' || *end != '\0' || n < minimum) {
        cli_error("%s needs a whole number of at least %ld", option, minimum);
        return -2;
    }
    return n;
}

typedef struct clear_args {
    long days;
    long max_idle;
} clear_args;

static int clear_job(cli_context *ctx, cc_db *db, void *baton)
{
    const clear_args *args = baton;
    cc_cleanup_result result;

    if (cc_sessions_clear(db, ctx->pool, ctx->data_dir, now_seconds(), args->days * 86400L,
                          (int)args->max_idle, &result) != APR_SUCCESS) {
        cli_error("sessions clear: %s", db->last_error);
        return CLI_FAILED;
    }
    printf("sessions clear: removed %d sessions and %d session directories older than %ld days\n",
           result.sessions, result.directories, args->days);
    return CLI_OK;
}

static int sessions_clear(cli_context *ctx, int argc, const char *const *argv)
{
    const char *env = getenv("CONCERTO_SESSION_FILES_EXPIRATION");
    clear_args args = {DEFAULT_FILES_EXPIRATION_DAYS, DEFAULT_MAX_IDLE};
    int i;

    if (env && *env &&
        (args.days = parse_number("CONCERTO_SESSION_FILES_EXPIRATION", env, -1)) == -2)
        return CLI_USAGE;
    for (i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--older-than") && i + 1 < argc) {
            if ((args.days = parse_number("--older-than", argv[++i], 0)) < 0)
                return CLI_USAGE;
        } else if (!strcmp(argv[i], "--max-idle") && i + 1 < argc) {
            if ((args.max_idle = parse_number("--max-idle", argv[++i], 0)) < 0)
                return CLI_USAGE;
        } else {
            cli_error("usage: sessions clear [--older-than DAYS] [--max-idle SECONDS]");
            return CLI_USAGE;
        }
    }
    if (args.days < 0) {
        /* Concerto's -1: keep everything. */
        printf("sessions clear: disabled (CONCERTO_SESSION_FILES_EXPIRATION=-1)\n");
        return CLI_OK;
    }
    return run_locked(ctx, "sessions clear", "sessions_clear", clear_job, &args);
}

static int log_job(cli_context *ctx, cc_db *db, void *baton)
{
    long idle = *(const long *)baton, count = 0, previous = -1;
    int recorded = 0;

    if (cc_session_count_record(db, ctx->pool, now_seconds(), (int)idle, &count, &previous,
                                &recorded) != APR_SUCCESS) {
        cli_error("sessions log: %s", db->last_error);
        return CLI_FAILED;
    }
    if (recorded)
        printf("sessions log: %ld active sessions, recorded (was %s)\n", count,
               previous < 0 ? "none" : apr_ltoa(ctx->pool, previous));
    else
        printf("sessions log: %ld active sessions, unchanged, nothing recorded\n", count);
    return CLI_OK;
}

static int sessions_log(cli_context *ctx, int argc, const char *const *argv)
{
    long idle = DEFAULT_IDLE_LIMIT;

    if (argc == 4 && !strcmp(argv[2], "--idle-limit")) {
        if ((idle = parse_number("--idle-limit", argv[3], 1)) < 0)
            return CLI_USAGE;
    } else if (argc != 2) {
        cli_error("usage: sessions log [--idle-limit SECONDS]");
        return CLI_USAGE;
    }
    return run_locked(ctx, "sessions log", "sessions_log", log_job, &idle);
}

int cli_cmd_sessions(cli_context *ctx, int argc, const char *const *argv)
{
    if (argc >= 2 && !strcmp(argv[1], "clear"))
        return sessions_clear(ctx, argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "log"))
        return sessions_log(ctx, argc, argv);
    cli_error("usage: sessions clear [--older-than DAYS] | sessions log [--idle-limit SECONDS]");
    return CLI_USAGE;
}

static int tick_job(cli_context *ctx, cc_db *db, void *baton)
{
    cc_tick_result result;

    /* Content import runs here; git and R package installs have no runner. */
    static const cc_task_runner runners[] = {{CC_TASK_CONTENT_IMPORT, cc_content_task_run, NULL}};

    (void)baton;
    if (cc_schedule_tick(db, ctx->pool, runners, 1, now_seconds(), &result) != APR_SUCCESS) {
        cli_error("schedule tick: %s", db->last_error);
        return CLI_FAILED;
    }
    printf("schedule tick: %d tasks completed, %d failed\n", result.completed, result.failed);
    return CLI_OK;
}

int cli_cmd_schedule(cli_context *ctx, int argc, const char *const *argv)
{
    if (argc != 2 || strcmp(argv[1], "tick") != 0) {
        cli_error("usage: schedule tick");
        return CLI_USAGE;
    }
    return run_locked(ctx, "schedule tick", "schedule_tick", tick_job, NULL);
}
