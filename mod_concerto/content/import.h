/* Import (spec 5.3) in two steps: a plan, one instruction per top object
 * of the file, then applying it in one transaction.
 *
 * Plan. For each DataTable, Test, TestWizard and ViewTemplate:
 *   - no object of that class has its name: create;
 *   - one has, and its hash (content/ids.h, computed on the stored object)
 *     equals the file's `hash`: ignore (the stored one is used);
 *   - one has, with other content: create under a free name (NAME_2,
 *     NAME_3...), or convert (overwrite it) with options.convert.
 * An override ("CLASS.NAME" -> create|convert|ignore) replaces the action;
 * convert or ignore with nothing to convert or use is refused (a problem).
 * Anything that cannot be imported or run here is a problem naming the
 * object: an unknown class, a test type, a wizard parameter type or a
 * column type we do not have, a reference to an object the file lacks.
 *
 * Apply. References through the file's ids are resolved with id maps
 * (Test.sourceWizard, baseTemplate, node.sourceTest, port.variable,
 * connection ends, wizard test/variables/steps); wizard parameter values
 * naming a template, table or test that was renamed are rewritten. Tests
 * and wizards converted lose their nodes, connections and steps, which the
 * file's replace; their variables are updated in place by (name, type), so
 * ports of other flows running them stay attached. Templates' inserts are
 * converted to our syntax (content/inserts.h). Revisions of everything
 * written are bumped (store/revision.h). All in one transaction: on an
 * error nothing stays. */
#ifndef CC_CONTENT_IMPORT_H
#define CC_CONTENT_IMPORT_H

#include "store/db.h"

#include <apr_tables.h>
#include <json.h>

typedef enum { CC_ACTION_CREATE, CC_ACTION_CONVERT, CC_ACTION_IGNORE } cc_content_action;

typedef struct cc_content_instruction {
    const char *class_name, *name;
    const char *file_id; /* the id in the file */
    cc_content_action action;
    const char *reason;      /* why this action, for a person */
    const char *existing_id; /* the stored object of that name, or NULL */
    const char *new_name;    /* create under another name, or NULL */
    json_object *obj;
} cc_content_instruction;

typedef struct cc_content_problem {
    const char *class_name, *name, *message;
} cc_content_problem;

typedef struct cc_content_plan {
    apr_array_header_t *instructions; /* cc_content_instruction * */
    apr_array_header_t *problems;     /* cc_content_problem */
} cc_content_plan;

typedef struct cc_content_import_options {
    int convert;          /* a name taken (other content): convert instead of create */
    apr_table_t *actions; /* "CLASS.NAME" -> "create", "convert" or "ignore"; may be NULL */
    const char *username; /* updated_by; NULL: "import" */
    long now;             /* Unix seconds */
} cc_content_import_options;

const char *cc_content_action_name(cc_content_action action);

/* APR_EINVAL with *errmsg when doc is no content document (no collection,
 * version older than 5.0.beta.8.1). */
apr_status_t cc_content_plan_make(cc_db *db, apr_pool_t *pool, json_object *doc,
                                  const cc_content_import_options *opts, cc_content_plan **plan,
                                  const char **errmsg);

/* Apply the plan; *imported lists "CLASS NAME" (const char *) of every
 * object created or converted. Problems found while applying are added to
 * the plan's. */
apr_status_t cc_content_apply(cc_db *db, apr_pool_t *pool, cc_content_plan *plan,
                              const cc_content_import_options *opts, apr_array_header_t **imported,
                              const char **errmsg);

/* {"instructions":[{name,class_name,action,reason,existing_id}],
 *  "problems":[{name,class_name,message}]} (contract section 4). */
json_object *cc_content_plan_json(apr_pool_t *pool, const cc_content_plan *plan);
json_object *cc_content_problems_json(apr_pool_t *pool, const cc_content_plan *plan);

#endif
