/* Scheduled tasks (tasks/schedule.h) for super admins: list, one task, a
 * new pending one (run by concertoctl schedule tick), and cancelling a
 * task that has not started. */
#ifndef CC_ADMIN_TASKS_H
#define CC_ADMIN_TASKS_H

#include "entity.h"

extern const cc_kind cc_kind_task;

/* {type (0..5), description, info (JSON text or object)}: pending. */
apr_status_t cc_admin_task_create(cc_db *db, apr_pool_t *pool, json_object *in, long now, long *id,
                                  cc_admin_error *err);
/* Pending -> canceled; 409 for a task that started or ended. */
apr_status_t cc_admin_task_cancel(cc_db *db, apr_pool_t *pool, long id, long now,
                                  cc_admin_error *err);

#endif
