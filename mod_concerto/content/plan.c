/* Import, first step: what to do with each object of a file. */
#include "import.h"

#include "content/export.h"
#include "content/ids.h"
#include "content/members.h"
#include "core/json_pool.h"
#include "store/datatable.h"

#include <apr_hash.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

#define MIN_VERSION "5.0.beta.8.1"
#define NAME_MAX_LEN 64
#define HIGHEST_PARAM_TYPE 13

const char *cc_content_action_name(cc_content_action action)
{
    return action == CC_ACTION_CONVERT  ? "convert"
           : action == CC_ACTION_IGNORE ? "ignore"
                                        : "create";
}

/* Dotted versions: numbers compare as numbers, a word (beta) comes before
 * any number, a missing part before anything. */
static int version_compare(const char *a, const char *b)
{
    while (*a || *b) {
        char *ea, *eb;
        int na = *a >= '0' && *a <= '9', nb = *b >= '0' && *b <= '9';
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");
        if (!*a || !*b)
            return *a ? 1 : -1;
        if (na && nb) {
            long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
            if (x != y)
                return x < y ? -1 : 1;
        } else if (na != nb) {
            return na ? 1 : -1;
        } else {
            int c = strncmp(a, b, la < lb ? la : lb);
            if (c || la != lb)
                return c ? c : (la < lb ? -1 : 1);
        }
        a += la + (a[la] == '.');
        b += lb + (b[lb] == '.');
    }
    return 0;
}

static const char *class_table(const char *class_name)
{
    if (!strcmp(class_name, "Test"))
        return "test";
    if (!strcmp(class_name, "TestWizard"))
        return "test_wizard";
    if (!strcmp(class_name, "ViewTemplate"))
        return "view_template";
    if (!strcmp(class_name, "DataTable"))
        return "data_table";
    return NULL;
}

static void add_problem(apr_pool_t *pool, cc_content_plan *plan, const char *class_name,
                        const char *name, const char *message)
{
    cc_content_problem *p = &APR_ARRAY_PUSH(plan->problems, cc_content_problem);
    p->class_name = class_name ? class_name : "";
    p->name = name ? name : "";
    p->message = apr_pstrdup(pool, message);
}

static apr_status_t find_id(cc_db *db, apr_pool_t *pool, const char *table, const char *name,
                            const char **id, const char **errmsg)
{
    const char *args[] = {name, NULL};
    apr_status_t rv = cc_db_select_value(
        db, pool, id, apr_pstrcat(pool, "SELECT id FROM ", table, " WHERE name = %s", NULL), 1,
        args);
    if (rv != APR_SUCCESS)
        *errmsg = apr_psprintf(pool, "import: database error: %s", db->last_error);
    return rv;
}

/* NAME_2, NAME_3... free in the database and in this plan. */
static apr_status_t free_name(cc_db *db, apr_pool_t *pool, const char *table, const char *name,
                              apr_hash_t *taken, const char **out, const char **errmsg)
{
    int n;

    for (n = 2; n < 10000; n++) {
        const char *suffix = apr_psprintf(pool, "_%d", n), *id = NULL;
        size_t keep = strlen(name);
        apr_status_t rv;
        if (keep + strlen(suffix) > NAME_MAX_LEN)
            keep = NAME_MAX_LEN - strlen(suffix);
        *out = apr_pstrcat(pool, apr_pstrndup(pool, name, keep), suffix, NULL);
        if (apr_hash_get(taken, *out, APR_HASH_KEY_STRING))
            continue;
        rv = find_id(db, pool, table, *out, &id, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        if (id == NULL)
            return APR_SUCCESS;
    }
    *errmsg = apr_psprintf(pool, "import: no free name for \"%s\"", name);
    return APR_EGENERAL;
}

/* What we cannot run, said once per object (the object is still imported). */
static void check_runnable(apr_pool_t *pool, cc_content_plan *plan, const char *cls,
                           const char *name, json_object *obj)
{
    size_t i, k;

    if (!strcmp(cls, "Test")) {
        long type = cc_member_long(obj, "type", 0);
        if (type < 0 || type > 3)
            add_problem(pool, plan, cls, name,
                        apr_psprintf(pool,
                                     "test type %ld is none of code (0), wizard (1), flow (2) "
                                     "or assessment (3); it is imported but cannot run",
                                     type));
    } else if (!strcmp(cls, "TestWizard")) {
        json_object *steps = cc_member_array(obj, "steps");
        for (i = 0; steps && i < json_object_array_length(steps); i++) {
            json_object *params = cc_member_array(json_object_array_get_idx(steps, i), "params");
            for (k = 0; params && k < json_object_array_length(params); k++) {
                json_object *p = json_object_array_get_idx(params, k);
                long type = cc_member_long(p, "type", 0);
                if (type < 0 || type > HIGHEST_PARAM_TYPE)
                    add_problem(
                        pool, plan, cls, name,
                        apr_psprintf(
                            pool,
                            "parameter \"%s\" has type %ld, which this platform does not "
                            "know (0 to 13); it is imported but cannot be edited or used",
                            cc_member_text(pool, p, "name") ? cc_member_text(pool, p, "name") : "?",
                            type));
            }
        }
    } else if (!strcmp(cls, "DataTable")) {
        json_object *cols = cc_member_array(obj, "columns");
        for (i = 0; cols && i < json_object_array_length(cols); i++) {
            json_object *c = json_object_array_get_idx(cols, i);
            const char *type = cc_member_text(pool, c, "type"),
                       *cname = cc_member_text(pool, c, "name");
            cc_dt_column col;
            const char *why = NULL;
            if (cname && !strcmp(cname, "id"))
                continue;
            if (type == NULL || cc_dt_type_parse(pool, type, &col, &why) != APR_SUCCESS)
                add_problem(pool, plan, cls, name,
                            apr_psprintf(pool,
                                         "column \"%s\" has type \"%s\", which this platform "
                                         "does not have; it is created as text",
                                         cname ? cname : "?", type ? type : "(none)"));
        }
    }
}

apr_status_t cc_content_plan_make(cc_db *db, apr_pool_t *pool, json_object *doc,
                                  const cc_content_import_options *opts, cc_content_plan **out,
                                  const char **errmsg)
{
    cc_content_plan *plan = apr_pcalloc(pool, sizeof(*plan));
    apr_hash_t *taken = apr_hash_make(pool);
    json_object *collection;
    const char *version;
    apr_status_t rv;
    size_t i;

    *out = NULL;
    plan->instructions = apr_array_make(pool, 16, sizeof(cc_content_instruction *));
    plan->problems = apr_array_make(pool, 4, sizeof(cc_content_problem));
    if (!json_object_is_type(doc, json_type_object) ||
        (collection = cc_member_array(doc, "collection")) == NULL) {
        *errmsg = "not a Concerto content file: no \"collection\" list at the top";
        return APR_EINVAL;
    }
    version = cc_member_text(pool, doc, "version");
    if (version == NULL || version_compare(version, MIN_VERSION) < 0) {
        *errmsg = apr_psprintf(pool,
                               "the file's version is %s; Concerto content from %s on can be "
                               "imported",
                               version ? version : "missing", MIN_VERSION);
        return APR_EINVAL;
    }
    for (i = 0; i < json_object_array_length(collection); i++) {
        json_object *obj = json_object_array_get_idx(collection, i);
        const char *cls = cc_member_text(pool, obj, "class_name");
        const char *name = cc_member_text(pool, obj, "name");
        const char *table = cls ? class_table(cls) : NULL, *override, *hash;
        cc_content_instruction *ins;
        const char *why = NULL;

        if (table == NULL) {
            add_problem(pool, plan, cls, name,
                        apr_psprintf(pool,
                                     "class \"%s\" is not one this platform imports (DataTable, "
                                     "Test, TestWizard, ViewTemplate); not imported",
                                     cls ? cls : "(none)"));
            continue;
        }
        if (name == NULL || *name == '\0' || strlen(name) > NAME_MAX_LEN) {
            add_problem(pool, plan, cls, name,
                        "the object has no name (or one over 64 "
                        "characters); not imported");
            continue;
        }
        if (!strcmp(cls, "DataTable") && cc_datatable_check_name(pool, name, &why) != APR_SUCCESS) {
            add_problem(pool, plan, cls, name, apr_pstrcat(pool, why, "; not imported", NULL));
            continue;
        }
        ins = apr_pcalloc(pool, sizeof(*ins));
        ins->class_name = cls;
        ins->name = name;
        ins->file_id = cc_member_text(pool, obj, "id");
        ins->obj = obj;
        rv = find_id(db, pool, table, name, &ins->existing_id, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        hash = cc_member_text(pool, obj, "hash");
        if (ins->existing_id == NULL) {
            ins->action = CC_ACTION_CREATE;
            ins->reason = "new";
        } else {
            json_object *stored = NULL;
            json_object *has_data = NULL;
            int data = json_object_object_get_ex(obj, "data", &has_data);
            rv = cc_content_export_object(db, pool, cls, ins->existing_id, data, &stored, errmsg);
            if (rv != APR_SUCCESS)
                return rv;
            if (hash && stored && !strcmp(hash, cc_content_hash(pool, stored))) {
                ins->action = CC_ACTION_IGNORE;
                ins->reason = "unchanged: the stored object has the same hash";
            } else if (opts && opts->convert) {
                ins->action = CC_ACTION_CONVERT;
                ins->reason = "a stored object has this name and other content: it is overwritten";
            } else {
                ins->action = CC_ACTION_CREATE;
                ins->reason = "a stored object has this name and other content: a copy is created";
            }
        }
        override = opts && opts->actions
                       ? apr_table_get(opts->actions, apr_pstrcat(pool, cls, ".", name, NULL))
                       : NULL;
        if (override) {
            if (!strcmp(override, "create"))
                ins->action = CC_ACTION_CREATE;
            else if (!strcmp(override, "convert") && ins->existing_id)
                ins->action = CC_ACTION_CONVERT;
            else if (!strcmp(override, "ignore") && ins->existing_id)
                ins->action = CC_ACTION_IGNORE;
            else {
                add_problem(pool, plan, cls, name,
                            apr_psprintf(pool,
                                         "the action \"%s\" asked for is not possible (it is "
                                         "create, convert or ignore, and the last two need a "
                                         "stored object of that name); \"%s\" is used",
                                         override, cc_content_action_name(ins->action)));
                override = NULL;
            }
            if (override)
                ins->reason = "as asked";
        }
        if (ins->action == CC_ACTION_CREATE && ins->existing_id) {
            rv = free_name(db, pool, table, name,
                           apr_hash_get(taken, cls, APR_HASH_KEY_STRING)
                               ? apr_hash_get(taken, cls, APR_HASH_KEY_STRING)
                               : apr_hash_make(pool),
                           &ins->new_name, errmsg);
            if (rv != APR_SUCCESS)
                return rv;
            ins->reason = apr_psprintf(pool, "%s (as \"%s\")", ins->reason, ins->new_name);
        }
        {
            apr_hash_t *names = apr_hash_get(taken, cls, APR_HASH_KEY_STRING);
            if (names == NULL) {
                names = apr_hash_make(pool);
                apr_hash_set(taken, cls, APR_HASH_KEY_STRING, names);
            }
            if (apr_hash_get(names, ins->new_name ? ins->new_name : name, APR_HASH_KEY_STRING)) {
                add_problem(pool, plan, cls, name,
                            "the file holds two objects of this class with this name; the "
                            "second is not imported");
                continue;
            }
            apr_hash_set(names, ins->new_name ? ins->new_name : name, APR_HASH_KEY_STRING, "");
        }
        if (ins->action != CC_ACTION_IGNORE)
            check_runnable(pool, plan, cls, name, obj);
        APR_ARRAY_PUSH(plan->instructions, cc_content_instruction *) = ins;
    }
    *out = plan;
    return APR_SUCCESS;
}

json_object *cc_content_problems_json(apr_pool_t *pool, const cc_content_plan *plan)
{
    json_object *list = cc_json_owned(pool, json_object_new_array());
    int i;

    for (i = 0; i < plan->problems->nelts; i++) {
        const cc_content_problem *p = &APR_ARRAY_IDX(plan->problems, i, cc_content_problem);
        json_object *o = json_object_new_object();
        cc_put_text(o, "name", p->name);
        cc_put_text(o, "class_name", p->class_name);
        cc_put_text(o, "message", p->message);
        json_object_array_add(list, o);
    }
    return list;
}

json_object *cc_content_plan_json(apr_pool_t *pool, const cc_content_plan *plan)
{
    json_object *out = cc_json_owned(pool, json_object_new_object()), *list;
    int i;

    list = json_object_new_array();
    for (i = 0; i < plan->instructions->nelts; i++) {
        const cc_content_instruction *ins =
            APR_ARRAY_IDX(plan->instructions, i, cc_content_instruction *);
        json_object *o = json_object_new_object();
        cc_put_text(o, "name", ins->name);
        cc_put_text(o, "class_name", ins->class_name);
        cc_put_text(o, "action", cc_content_action_name(ins->action));
        cc_put_text(o, "reason", ins->reason);
        cc_put_number(o, "existing_id", ins->existing_id);
        cc_put_text(o, "new_name", ins->new_name);
        json_object_array_add(list, o);
    }
    json_object_object_add(out, "instructions", list);
    json_object_object_add(out, "problems", json_object_get(cc_content_problems_json(pool, plan)));
    return out;
}
