/* Concerto's scheduled "content import" task (type 5) for `concertoctl
 * schedule tick` (tasks/schedule.h). The task's info is JSON:
 *   {"file": PATH | "file://..." (a file or directory, as content import),
 *    "convert": true|false, "sc": true|false,
 *    "instructions": {"CLASS.NAME": "create"|"convert"|"ignore"} or the
 *                    dry run's list of {class_name, name, action}}
 * The output is one line per object (action, class, name, reason), one per
 * problem, and a summary. */
#ifndef CC_CONTENT_TASK_H
#define CC_CONTENT_TASK_H

#include "tasks/schedule.h"

/* A cc_task_run_fn; baton unused. now comes from the clock. */
apr_status_t cc_content_task_run(void *baton, cc_db *db, apr_pool_t *pool,
                                 const cc_scheduled_task *task, const char **output);

#endif
