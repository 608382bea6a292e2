#include "tasks.h"

#include "tasks/schedule.h"

#include <apr_strings.h>

static const cc_field task_fields[] = {
    {"type", CC_FIELD_INT, CC_FIELD_WRITE | CC_FIELD_REQUIRED | CC_FIELD_SORT | CC_FIELD_FILTER,
     CC_TASK_GIT_PULL, CC_TASK_CONTENT_IMPORT},
    {"status", CC_FIELD_INT, CC_FIELD_SORT | CC_FIELD_FILTER, 0, 0},
    {"description", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_SEARCH, 0, 0},
    {"output", CC_FIELD_TEXT, CC_FIELD_NOLIST, 0, 0},
    {"info", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_NOLIST, 0, 0},
};

const cc_kind cc_kind_task = {"task", "scheduled_task", NULL, task_fields,
                              5,      CC_KIND_CREATED,  NULL};

apr_status_t cc_admin_task_create(cc_db *db, apr_pool_t *pool, json_object *in, long now, long *id,
                                  cc_admin_error *err)
{
    json_object *info = NULL;

    /* info may come as an object: it is stored as its JSON text. */
    if (json_object_object_get_ex(in, "info", &info) &&
        (json_object_is_type(info, json_type_object) || json_object_is_type(info, json_type_array)))
        json_object_object_add(
            in, "info",
            json_object_new_string(json_object_to_json_string_ext(info, JSON_C_TO_STRING_PLAIN)));
    return cc_entity_create(db, pool, &cc_kind_task, 0, in, NULL, now, id, err);
}

apr_status_t cc_admin_task_cancel(cc_db *db, apr_pool_t *pool, long id, long now,
                                  cc_admin_error *err)
{
    const char *args[] = {apr_itoa(pool, CC_TASK_CANCELED), apr_ltoa(pool, now), apr_ltoa(pool, id),
                          apr_itoa(pool, CC_TASK_PENDING)};
    int affected = 0;

    if (cc_entity_check(db, pool, &cc_kind_task, 0, id, NULL, NULL, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (cc_db_query(db, pool, &affected,
                    "UPDATE scheduled_task SET status = %s, updated = %s WHERE id = %s AND "
                    "status = %s",
                    4, args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "cancelling the task");
    if (affected == 0)
        return cc_admin_fail(err, 409, NULL,
                             "this task has started or ended already and cannot be cancelled");
    return APR_SUCCESS;
}
