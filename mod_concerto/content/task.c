/* The scheduled content import task. */
#include "task.h"

#include "content/files.h"
#include "content/import.h"
#include "content/members.h"
#include "core/json_pool.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <string.h>

static void add_instructions(apr_pool_t *pool, json_object *given, apr_table_t *actions)
{
    size_t i;

    if (json_object_is_type(given, json_type_object)) {
        json_object_object_foreach(given, key, value)
        {
            if (json_object_is_type(value, json_type_string))
                apr_table_set(actions, key, json_object_get_string(value));
        }
        return;
    }
    for (i = 0; json_object_is_type(given, json_type_array) && i < json_object_array_length(given);
         i++) {
        json_object *ins = json_object_array_get_idx(given, i);
        const char *cls = cc_member_text(pool, ins, "class_name");
        const char *name = cc_member_text(pool, ins, "name");
        const char *action = cc_member_text(pool, ins, "action");
        if (cls && name && action)
            apr_table_set(actions, apr_pstrcat(pool, cls, ".", name, NULL), action);
    }
}

apr_status_t cc_content_task_run(void *baton, cc_db *db, apr_pool_t *pool,
                                 const cc_scheduled_task *task, const char **output)
{
    json_object *info = task->info ? cc_json_owned(pool, json_tokener_parse(task->info)) : NULL;
    json_object *doc = NULL, *given = NULL;
    cc_content_import_options opts;
    cc_content_plan *plan = NULL;
    apr_array_header_t *imported = NULL, *lines;
    const char *file, *errmsg = NULL;
    apr_status_t rv;
    int i;

    (void)baton;
    file = cc_member_text(pool, info, "file");
    if (file == NULL || *file == '\0') {
        *output = "content import: the task's info names no \"file\" to import "
                  "({\"file\": PATH})";
        return APR_EINVAL;
    }
    memset(&opts, 0, sizeof(opts));
    opts.convert = cc_member_flag(info, "convert");
    opts.actions = apr_table_make(pool, 4);
    opts.username = "scheduled task";
    opts.now = (long)apr_time_sec(apr_time_now());
    if (json_object_object_get_ex(info, "instructions", &given))
        add_instructions(pool, given, opts.actions);
    rv = cc_content_read_path(pool, file, cc_member_flag(info, "sc"), &doc, &errmsg);
    if (rv == APR_SUCCESS)
        rv = cc_content_plan_make(db, pool, doc, &opts, &plan, &errmsg);
    if (rv == APR_SUCCESS)
        rv = cc_content_apply(db, pool, plan, &opts, &imported, &errmsg);
    if (rv != APR_SUCCESS) {
        *output = apr_pstrcat(pool, "content import: ", errmsg ? errmsg : "failed", NULL);
        return rv;
    }
    lines = apr_array_make(pool, plan->instructions->nelts + plan->problems->nelts + 1,
                           sizeof(const char *));
    for (i = 0; i < plan->instructions->nelts; i++) {
        const cc_content_instruction *ins =
            APR_ARRAY_IDX(plan->instructions, i, cc_content_instruction *);
        APR_ARRAY_PUSH(lines, const char *) =
            apr_psprintf(pool, "%s %s \"%s\": %s", cc_content_action_name(ins->action),
                         ins->class_name, ins->name, ins->reason);
    }
    for (i = 0; i < plan->problems->nelts; i++) {
        const cc_content_problem *p = &APR_ARRAY_IDX(plan->problems, i, cc_content_problem);
        APR_ARRAY_PUSH(lines, const char *) =
            apr_psprintf(pool, "problem %s \"%s\": %s", p->class_name, p->name, p->message);
    }
    APR_ARRAY_PUSH(lines, const char *) =
        apr_psprintf(pool, "content import: %d object%s written from %s, %d problem%s",
                     imported->nelts, imported->nelts == 1 ? "" : "s", file, plan->problems->nelts,
                     plan->problems->nelts == 1 ? "" : "s");
    *output = apr_array_pstrcat(pool, lines, '\n');
    return APR_SUCCESS;
}
