#include "tasks/schedule.h"

#include <apr_strings.h>
#include <stdlib.h>

const char *cc_task_type_name(int type)
{
    static const char *const names[] = {"git pull",  "git enable",        "git update",
                                        "git reset", "R package install", "content import"};

    if (type < 0 || type >= (int)(sizeof(names) / sizeof(names[0])))
        return "unknown";
    return names[type];
}

static const cc_task_runner *runner_for(const cc_task_runner *runners, int nrunners, int type)
{
    int i;

    for (i = 0; i < nrunners; i++)
        if (runners[i].type == type)
            return &runners[i];
    return NULL;
}

/* pending -> ongoing, only if still pending: *claimed 0 when another run
 * took it first. */
static apr_status_t claim_task(cc_db *db, apr_pool_t *pool, long id, long now, int *claimed)
{
    const char *args[] = {apr_itoa(pool, CC_TASK_ONGOING), apr_ltoa(pool, now), apr_ltoa(pool, id),
                          apr_itoa(pool, CC_TASK_PENDING), NULL};
    int affected = 0;
    apr_status_t rv = cc_db_query(db, pool, &affected,
                                  "UPDATE scheduled_task SET status = %s, updated = %s "
                                  "WHERE id = %s AND status = %s",
                                  4, args);

    *claimed = (rv == APR_SUCCESS && affected == 1);
    return rv;
}

static apr_status_t finish_task(cc_db *db, apr_pool_t *pool, long id, int status,
                                const char *old_output, const char *added, long now)
{
    const char *output =
        old_output && *old_output ? apr_pstrcat(pool, old_output, "\n", added, NULL) : added;
    const char *args[] = {apr_itoa(pool, status), output, apr_ltoa(pool, now), apr_ltoa(pool, id),
                          NULL};

    return cc_db_query(db, pool, NULL,
                       "UPDATE scheduled_task SET status = %s, output = %s, updated = %s "
                       "WHERE id = %s",
                       4, args);
}

static apr_status_t run_one(cc_db *db, apr_pool_t *pool, const cc_task_runner *runners,
                            int nrunners, const char *const *row, long now, cc_tick_result *result)
{
    cc_scheduled_task task;
    const cc_task_runner *runner;
    const char *output = NULL, *line;
    int claimed = 0;
    apr_status_t rv, run_rv;

    task.id = strtol(row[0], NULL, 10);
    task.type = (int)strtol(row[1], NULL, 10);
    task.description = row[2];
    task.info = row[3];
    rv = claim_task(db, pool, task.id, now, &claimed);
    if (rv != APR_SUCCESS || !claimed)
        return rv;
    runner = runner_for(runners, nrunners, task.type);
    if (runner == NULL) {
        line = apr_psprintf(pool,
                            "mod_concerto: task type %d (%s) is not supported by this "
                            "server; nothing was done",
                            task.type, cc_task_type_name(task.type));
        result->failed++;
        return finish_task(db, pool, task.id, CC_TASK_FAILED, row[4], line, now);
    }
    run_rv = runner->run(runner->baton, db, pool, &task, &output);
    line = output ? output : (run_rv == APR_SUCCESS ? "done" : "failed");
    if (run_rv == APR_SUCCESS)
        result->completed++;
    else
        result->failed++;
    return finish_task(db, pool, task.id,
                       run_rv == APR_SUCCESS ? CC_TASK_COMPLETED : CC_TASK_FAILED, row[4], line,
                       now);
}

apr_status_t cc_schedule_tick(cc_db *db, apr_pool_t *pool, const cc_task_runner *runners,
                              int nrunners, long now, cc_tick_result *result)
{
    const char *args[] = {apr_itoa(pool, CC_TASK_PENDING), NULL};
    cc_rows *rows = NULL;
    apr_status_t rv;
    int i;

    result->completed = 0;
    result->failed = 0;
    rv = cc_db_select(db, pool, &rows,
                      "SELECT id, type, description, info, output FROM scheduled_task "
                      "WHERE status = %s ORDER BY id",
                      1, args);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < rows->nrows && rv == APR_SUCCESS; i++)
        rv = run_one(db, pool, runners, nrunners, rows->values[i], now, result);
    return rv;
}
