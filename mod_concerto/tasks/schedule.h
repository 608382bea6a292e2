/* concertoctl schedule tick: runs the pending rows of scheduled_task, as
 * Concerto's concerto:schedule:tick. Each task goes pending -> ongoing ->
 * completed or failed, with what it printed in `output`. A task is claimed
 * with a conditional UPDATE on its status, so two runs never take the same
 * one. Types without a runner here (git and R package installs; content
 * import has one, content/task.h) fail with a line that says so instead of
 * staying pending forever. */
#ifndef CC_TASKS_SCHEDULE_H
#define CC_TASKS_SCHEDULE_H

#include "store/db.h"

/* Task types and statuses, as in Concerto 5. */
enum {
    CC_TASK_GIT_PULL = 0,
    CC_TASK_GIT_ENABLE,
    CC_TASK_GIT_UPDATE,
    CC_TASK_GIT_RESET,
    CC_TASK_R_PACKAGE_INSTALL,
    CC_TASK_CONTENT_IMPORT
};
enum { CC_TASK_PENDING = 0, CC_TASK_ONGOING, CC_TASK_COMPLETED, CC_TASK_FAILED, CC_TASK_CANCELED };

typedef struct cc_scheduled_task {
    long id;
    int type;
    const char *description;
    const char *info; /* JSON text or NULL */
} cc_scheduled_task;

/* Runs one task. Returns APR_SUCCESS when it completed; *output (pool
 * text, may be NULL) is appended to the task's output either way. */
typedef apr_status_t cc_task_run_fn(void *baton, cc_db *db, apr_pool_t *pool,
                                    const cc_scheduled_task *task, const char **output);

typedef struct cc_task_runner {
    int type;
    cc_task_run_fn *run;
    void *baton;
} cc_task_runner;

typedef struct cc_tick_result {
    int completed;
    int failed;
} cc_tick_result;

/* Concerto's name of a task type ("git pull", ...); "unknown" otherwise. */
const char *cc_task_type_name(int type);

/* Runs every pending task in id order with the runner of its type among
 * the nrunners given; a type without one fails. Tasks another run claimed
 * first are left to it. */
apr_status_t cc_schedule_tick(cc_db *db, apr_pool_t *pool, const cc_task_runner *runners,
                              int nrunners, long now, cc_tick_result *result);

#endif
