/* Import, second step: write the plan's objects in one transaction. */
#include "import.h"

#include "content/inserts.h"
#include "content/members.h"
#include "core/json_pool.h"
#include "store/datatable.h"
#include "store/revision.h"

#include <apr_hash.h>
#include <apr_strings.h>
#include <ctype.h>
#include <string.h>

typedef struct importer {
    cc_db *db;
    apr_pool_t *pool;
    cc_content_plan *plan;
    const char **errmsg;
    apr_hash_t *ids;         /* "Class:fileid" -> database id */
    apr_hash_t *renamed;     /* "Class:old name" -> new name */
    apr_hash_t *param_types; /* file id of a wizard's variable -> its parameter type (long *) */
    apr_array_header_t *imported;
    const char *now, *user;
} importer;

static void problem(importer *im, const cc_content_instruction *ins, const char *message)
{
    cc_content_problem *p = &APR_ARRAY_PUSH(im->plan->problems, cc_content_problem);
    p->class_name = ins->class_name;
    p->name = ins->name;
    p->message = message;
}

static apr_status_t failed(importer *im, const cc_content_instruction *ins, const char *what)
{
    *im->errmsg = apr_psprintf(im->pool, "import of %s \"%s\": %s: %s", ins->class_name, ins->name,
                               what, im->db->last_error ? im->db->last_error : "database error");
    return APR_EGENERAL;
}

static void map_set(importer *im, const char *cls, const char *file_id, const char *id)
{
    if (file_id && id)
        apr_hash_set(im->ids, apr_pstrcat(im->pool, cls, ":", file_id, NULL), APR_HASH_KEY_STRING,
                     apr_pstrdup(im->pool, id));
}

static const char *map_get(importer *im, const char *cls, json_object *obj, const char *key)
{
    const char *file_id = cc_member_text(im->pool, obj, key);
    return file_id ? apr_hash_get(im->ids, apr_pstrcat(im->pool, cls, ":", file_id, NULL),
                                  APR_HASH_KEY_STRING)
                   : NULL;
}

static apr_status_t run(importer *im, const cc_content_instruction *ins, const char *what,
                        const char *sql, int n, const char *const *args)
{
    apr_status_t rv = cc_db_query(im->db, im->pool, NULL, sql, n, args);
    return rv == APR_SUCCESS ? rv : failed(im, ins, what);
}

static apr_status_t value(importer *im, const cc_content_instruction *ins, const char **out,
                          const char *sql, int n, const char *const *args)
{
    apr_status_t rv = cc_db_select_value(im->db, im->pool, out, sql, n, args);
    return rv == APR_SUCCESS ? rv : failed(im, ins, "look-up");
}

static const char *flag(importer *im, json_object *obj, const char *key)
{
    (void)im;
    return cc_member_flag(obj, key) ? "1" : "0";
}

static const char *number(importer *im, json_object *obj, const char *key, long fallback)
{
    return apr_ltoa(im->pool, cc_member_long(obj, key, fallback));
}

static const char *final_name(const cc_content_instruction *ins)
{
    return ins->new_name ? ins->new_name : ins->name;
}

static void note_imported(importer *im, const cc_content_instruction *ins)
{
    APR_ARRAY_PUSH(im->imported, const char *) =
        apr_pstrcat(im->pool, ins->class_name, " ", final_name(ins), NULL);
}

/* Members common to top objects, as UPDATE ... SET after the object's own. */
static apr_status_t set_top_members(importer *im, const cc_content_instruction *ins,
                                    const char *table, const char *id)
{
    json_object *o = ins->obj;
    const char *args[] = {cc_member_text(im->pool, o, "description"),
                          number(im, o, "accessibility", 0),
                          cc_member_text(im->pool, o, "groups"),
                          flag(im, o, "archived"),
                          flag(im, o, "starterContent"),
                          cc_member_text(im->pool, o, "tags"),
                          im->now,
                          im->user,
                          id,
                          NULL};
    return run(im, ins, "update",
               apr_pstrcat(im->pool, "UPDATE ", table,
                           " SET description = %s, accessibility = %s, object_groups = %s, "
                           "archived = %s, starter_content = %s, tags = %s, updated = %s, "
                           "updated_by = %s WHERE id = %s",
                           NULL),
               9, args);
}

/* ---- data tables ---- */

static apr_status_t table_columns(importer *im, const cc_content_instruction *ins,
                                  cc_dt_column **cols, int *ncols)
{
    json_object *list = cc_member_array(ins->obj, "columns");
    int i, n = list ? (int)json_object_array_length(list) : 0;

    *cols = apr_pcalloc(im->pool, sizeof(cc_dt_column) * (size_t)(n ? n : 1));
    *ncols = 0;
    for (i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(list, (size_t)i);
        const char *name = cc_member_text(im->pool, c, "name");
        const char *type = cc_member_text(im->pool, c, "type");
        const char *length = cc_member_text(im->pool, c, "length"), *why = NULL;
        cc_dt_column *col = &(*cols)[*ncols];
        if (name == NULL || !strcmp(name, "id"))
            continue;
        if (type && length && *length && !strchr(type, '('))
            type = apr_psprintf(im->pool, "%s(%s)", type, length);
        if (type == NULL || cc_dt_type_parse(im->pool, type, col, &why) != APR_SUCCESS)
            col->type = CC_DT_TEXT; /* reported by the plan */
        col->name = name;
        col->nullable =
            c && json_object_object_get_ex(c, "nullable", NULL) ? cc_member_flag(c, "nullable") : 1;
        (*ncols)++;
    }
    return APR_SUCCESS;
}

static int same_columns(apr_pool_t *pool, const cc_datatable *dt, const cc_dt_column *cols,
                        int ncols)
{
    int i;
    if (dt->ncols != ncols + 1)
        return 0;
    for (i = 0; i < ncols; i++)
        if (strcmp(dt->cols[i + 1].name, cols[i].name) != 0 ||
            strcmp(cc_dt_type_format(pool, &dt->cols[i + 1]), cc_dt_type_format(pool, &cols[i])) !=
                0)
            return 0;
    return 1;
}

static apr_status_t table_rows(importer *im, const cc_content_instruction *ins, const char *name,
                               json_object *rows)
{
    cc_datatable *dt = NULL;
    apr_status_t rv;
    size_t i;

    rv = cc_datatable_describe(im->db, im->pool, name, &dt, im->errmsg);
    for (i = 0; rv == APR_SUCCESS && i < json_object_array_length(rows); i++) {
        json_object *row = json_object_array_get_idx(rows, i);
        int n = 0,
            count = json_object_is_type(row, json_type_object) ? json_object_object_length(row) : 0;
        const char **names = apr_palloc(im->pool, sizeof(char *) * (size_t)(count + 1));
        const char **values = apr_palloc(im->pool, sizeof(char *) * (size_t)(count + 1));
        if (count == 0)
            continue;
        {
            json_object_object_foreach(row, key, member)
            {
                (void)member;
                names[n] = key;
                values[n++] = cc_member_text(im->pool, row, key);
            }
        }
        rv = cc_datatable_insert_keep_revision(im->db, im->pool, dt, n, names, values, NULL,
                                               im->errmsg);
        if (rv != APR_SUCCESS)
            *im->errmsg = apr_psprintf(im->pool, "import of DataTable \"%s\", row %lu: %s",
                                       ins->name, (unsigned long)i + 1, *im->errmsg);
    }
    if (rv == APR_SUCCESS && cc_revision_bump_table(im->db, im->pool, name) != APR_SUCCESS)
        rv = failed(im, ins, "revision");
    return rv;
}

static apr_status_t import_table(importer *im, const cc_content_instruction *ins)
{
    const char *name = final_name(ins), *id = NULL;
    json_object *rows = cc_member_array(ins->obj, "data");
    cc_dt_column *cols;
    int ncols;
    apr_status_t rv;

    if (ins->action == CC_ACTION_IGNORE) {
        map_set(im, "DataTable", ins->file_id, ins->existing_id);
        return APR_SUCCESS;
    }
    table_columns(im, ins, &cols, &ncols);
    if (ins->action == CC_ACTION_CREATE) {
        rv = cc_datatable_create(im->db, im->pool, name,
                                 cc_member_text(im->pool, ins->obj, "description"), cols, ncols,
                                 im->user, im->errmsg);
        if (rv != APR_SUCCESS) {
            *im->errmsg =
                apr_psprintf(im->pool, "import of DataTable \"%s\": %s", ins->name, *im->errmsg);
            return rv;
        }
        if (rows && (rv = table_rows(im, ins, name, rows)) != APR_SUCCESS)
            return rv;
    } else {
        cc_datatable *dt = NULL;
        rv = cc_datatable_describe(im->db, im->pool, name, &dt, im->errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        if (!same_columns(im->pool, dt, cols, ncols)) {
            problem(im, ins,
                    rows ? "the stored table has other columns than the file's: its columns "
                           "and rows are kept (the file's rows are not imported)"
                         : "the stored table has other columns than the file's: its columns "
                           "are kept");
        } else if (rows) {
            rv = cc_db_exec(im->db,
                            apr_psprintf(im->pool, "DELETE FROM %s",
                                         im->db->dialect == CC_DIALECT_MYSQL
                                             ? apr_pstrcat(im->pool, "`", name, "`", NULL)
                                             : apr_pstrcat(im->pool, "\"", name, "\"", NULL)));
            if (rv != APR_SUCCESS)
                return failed(im, ins, "replace rows");
            if ((rv = table_rows(im, ins, name, rows)) != APR_SUCCESS)
                return rv;
        }
    }
    {
        const char *args[] = {name, NULL};
        if ((rv = value(im, ins, &id, "SELECT id FROM data_table WHERE name = %s", 1, args)) !=
            APR_SUCCESS)
            return rv;
    }
    if ((rv = set_top_members(im, ins, "data_table", id)) != APR_SUCCESS)
        return rv;
    map_set(im, "DataTable", ins->file_id, id);
    note_imported(im, ins);
    return APR_SUCCESS;
}

/* ---- view templates ---- */

static const char *template_part(importer *im, json_object *obj, const char *part)
{
    json_object *escaped = NULL, *list = NULL;
    apr_array_header_t *ordinals = apr_array_make(im->pool, 0, sizeof(int));
    size_t i;

    if (json_object_object_get_ex(obj, "escapedInserts", &escaped) &&
        json_object_object_get_ex(escaped, part, &list) &&
        json_object_is_type(list, json_type_array))
        for (i = 0; i < json_object_array_length(list); i++)
            APR_ARRAY_PUSH(ordinals, int) = json_object_get_int(json_object_array_get_idx(list, i));
    return cc_inserts_from_concerto(im->pool, cc_member_text(im->pool, obj, part), ordinals);
}

static apr_status_t import_template(importer *im, const cc_content_instruction *ins)
{
    const char *name = final_name(ins), *id = ins->existing_id;
    apr_status_t rv;

    if (ins->action == CC_ACTION_IGNORE) {
        map_set(im, "ViewTemplate", ins->file_id, id);
        return APR_SUCCESS;
    }
    {
        const char *args[] = {template_part(im, ins->obj, "head"),
                              template_part(im, ins->obj, "html"),
                              template_part(im, ins->obj, "css"),
                              template_part(im, ins->obj, "js"),
                              name,
                              im->now,
                              im->now,
                              ins->action == CC_ACTION_CONVERT ? id : NULL,
                              NULL};
        if (ins->action == CC_ACTION_CREATE)
            rv = run(im, ins, "insert",
                     "INSERT INTO view_template (head, html, css, js, name, created, updated) "
                     "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                     7, args);
        else
            rv = run(im, ins, "update",
                     "UPDATE view_template SET head = %s, html = %s, css = %s, js = %s, "
                     "name = %s, updated = %s WHERE id = %s",
                     7,
                     (const char *const[]){args[0], args[1], args[2], args[3], args[4], args[5],
                                           args[7], NULL});
    }
    if (rv != APR_SUCCESS)
        return rv;
    {
        const char *args[] = {name, NULL};
        if ((rv = value(im, ins, &id, "SELECT id FROM view_template WHERE name = %s", 1, args)) !=
            APR_SUCCESS)
            return rv;
    }
    if ((rv = set_top_members(im, ins, "view_template", id)) != APR_SUCCESS)
        return rv;
    if (cc_revision_bump_template(im->db, im->pool, name) != APR_SUCCESS)
        return failed(im, ins, "revision");
    map_set(im, "ViewTemplate", ins->file_id, id);
    note_imported(im, ins);
    return APR_SUCCESS;
}

/* A parameter value naming an object that this import renamed. */
static const char *renamed_value(importer *im, long type, const char *text)
{
    const char *cls = type == 5   ? "ViewTemplate"
                      : type == 6 ? "DataTable"
                      : type == 8 ? "Test"
                                  : NULL;
    const char *to;

    if (text == NULL)
        return NULL;
    if (cls) {
        to = apr_hash_get(im->renamed, apr_pstrcat(im->pool, cls, ":", text, NULL),
                          APR_HASH_KEY_STRING);
        return to ? to : text;
    }
    if (type == 7 || type == 12) {
        json_object *parsed = cc_json_owned(im->pool, json_tokener_parse(text)), *table = NULL;
        if (parsed && json_object_object_get_ex(parsed, "table", &table) &&
            json_object_is_type(table, json_type_string)) {
            to = apr_hash_get(
                im->renamed,
                apr_pstrcat(im->pool, "DataTable:", json_object_get_string(table), NULL),
                APR_HASH_KEY_STRING);
            if (to) {
                json_object_object_add(parsed, "table", json_object_new_string(to));
                return apr_pstrdup(
                    im->pool, json_object_to_json_string_ext(
                                  parsed, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
            }
        }
    }
    return text;
}

/* ---- tests, first pass: the row and its variables ---- */

static const char *slug_of(apr_pool_t *pool, const char *text)
{
    char *slug = apr_pstrdup(pool, text), *p, *q;
    for (p = q = slug; *p; p++) {
        if (isalnum((unsigned char)*p))
            *q++ = (char)tolower((unsigned char)*p);
        else if (q > slug && q[-1] != '-')
            *q++ = '-';
    }
    while (q > slug && q[-1] == '-')
        q--;
    *q = '\0';
    return *slug ? slug : "test";
}

static apr_status_t unique_slug(importer *im, const cc_content_instruction *ins, const char *want,
                                const char **out)
{
    const char *base = slug_of(im->pool, want), *taken = NULL;
    int n;
    apr_status_t rv;

    for (n = 1; n < 10000; n++) {
        *out = n == 1 ? base : apr_psprintf(im->pool, "%.*s-%d", 56, base, n);
        {
            const char *args[] = {*out, NULL};
            rv = value(im, ins, &taken, "SELECT id FROM test WHERE slug = %s", 1, args);
        }
        if (rv != APR_SUCCESS || taken == NULL)
            return rv;
    }
    return failed(im, ins, "no free slug");
}

static const char *reference(importer *im, const cc_content_instruction *ins, json_object *obj,
                             const char *key, const char *cls, const char *name_key,
                             const char *table)
{
    const char *id = map_get(im, cls, obj, key), *name, *renamed;

    name = name_key ? cc_member_text(im->pool, obj, name_key) : NULL;
    if (id || (cc_member_text(im->pool, obj, key) == NULL && name == NULL))
        return id;
    /* Not in the file: the object of that name, under its new name when
     * this import made a copy of it. */
    renamed = name ? apr_hash_get(im->renamed, apr_pstrcat(im->pool, cls, ":", name, NULL),
                                  APR_HASH_KEY_STRING)
                   : NULL;
    if (renamed)
        name = renamed;
    if (name) {
        const char *args[] = {name, NULL};
        if (cc_db_select_value(
                im->db, im->pool, &id,
                apr_pstrcat(im->pool, "SELECT id FROM ", table, " WHERE name = %s", NULL), 1,
                args) == APR_SUCCESS &&
            id)
            return id;
    }
    problem(im, ins,
            apr_psprintf(im->pool,
                         "%s refers to a %s (%s) that is neither in the file nor stored; "
                         "the reference is left empty",
                         key, cls, name ? name : "no name given"));
    return NULL;
}

static apr_status_t map_stored_variables(importer *im, const cc_content_instruction *ins,
                                         const char *test_id, int delete_others)
{
    json_object *vars = cc_member_array(ins->obj, "variables");
    apr_hash_t *kept = apr_hash_make(im->pool);
    cc_rows *stored;
    const char *args[] = {test_id, NULL};
    apr_status_t rv;
    size_t i;
    int k;

    rv = cc_db_select(im->db, im->pool, &stored,
                      "SELECT id, name, type FROM test_variable WHERE test_id = %s", 1, args);
    if (rv != APR_SUCCESS)
        return failed(im, ins, "variables");
    for (i = 0; vars && i < json_object_array_length(vars); i++) {
        json_object *v = json_object_array_get_idx(vars, i);
        const char *name = cc_member_text(im->pool, v, "name"), *type = number(im, v, "type", 0);
        for (k = 0; name && k < stored->nrows; k++)
            if (!strcmp(stored->values[k][1], name) && !strcmp(stored->values[k][2], type)) {
                map_set(im, "TestVariable", cc_member_text(im->pool, v, "id"),
                        stored->values[k][0]);
                apr_hash_set(kept, stored->values[k][0], APR_HASH_KEY_STRING, "");
            }
    }
    for (k = 0; delete_others && k < stored->nrows; k++)
        if (!apr_hash_get(kept, stored->values[k][0], APR_HASH_KEY_STRING)) {
            const char *del[] = {stored->values[k][0], NULL};
            if ((rv = run(im, ins, "variables", "DELETE FROM test_variable WHERE id = %s", 1,
                          del)) != APR_SUCCESS)
                return rv;
        }
    return APR_SUCCESS;
}

static apr_status_t import_test_row(importer *im, const cc_content_instruction *ins)
{
    json_object *o = ins->obj, *settings = NULL, *vars = cc_member_array(o, "variables");
    const char *name = final_name(ins), *id = ins->existing_id, *slug = NULL;
    const char *settings_text = NULL;
    apr_status_t rv;
    size_t i;

    if (ins->action == CC_ACTION_IGNORE) {
        map_set(im, "Test", ins->file_id, id);
        return map_stored_variables(im, ins, id, 0);
    }
    if (json_object_object_get_ex(o, "settings", &settings) && settings)
        settings_text =
            json_object_is_type(settings, json_type_string)
                ? json_object_get_string(settings)
                : json_object_to_json_string_ext(settings, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE);
    if (ins->action == CC_ACTION_CREATE) {
        const char *want = cc_member_text(im->pool, o, "slug");
        rv = unique_slug(im, ins, want && *want && !ins->new_name ? want : name, &slug);
        if (rv != APR_SUCCESS)
            return rv;
        {
            const char *args[] = {name, slug, im->now, im->now, NULL};
            rv = run(im, ins, "insert",
                     "INSERT INTO test (name, slug, created, updated) VALUES (%s, %s, %s, %s)", 4,
                     args);
        }
        if (rv != APR_SUCCESS)
            return rv;
        {
            const char *args[] = {name, NULL};
            if ((rv = value(im, ins, &id, "SELECT id FROM test WHERE name = %s", 1, args)) !=
                APR_SUCCESS)
                return rv;
        }
    } else {
        /* Converted: its graph is replaced by the file's. */
        const char *args[] = {id, NULL};
        if ((rv = run(im, ins, "convert",
                      "DELETE FROM test_node_connection WHERE flow_test_id = %s", 1, args)) !=
                APR_SUCCESS ||
            (rv = run(im, ins, "convert", "DELETE FROM test_node WHERE flow_test_id = %s", 1,
                      args)) != APR_SUCCESS)
            return rv;
    }
    {
        const char *args[] = {number(im, o, "type", 0),
                              number(im, o, "visibility", 0),
                              cc_member_text(im->pool, o, "code"),
                              cc_member_text(im->pool, o, "configOverride"),
                              flag(im, o, "protected"),
                              reference(im, ins, o, "baseTemplate", "ViewTemplate",
                                        "baseTemplateName", "view_template"),
                              settings_text,
                              id,
                              NULL};
        rv = run(im, ins, "update",
                 "UPDATE test SET type = %s, visibility = %s, code = %s, config_override = %s, "
                 "protected = %s, base_template_id = %s, settings = %s WHERE id = %s",
                 8, args);
    }
    if (rv != APR_SUCCESS || (rv = set_top_members(im, ins, "test", id)) != APR_SUCCESS)
        return rv;
    map_set(im, "Test", ins->file_id, id);
    if ((rv = map_stored_variables(im, ins, id, 1)) != APR_SUCCESS)
        return rv;
    for (i = 0; vars && i < json_object_array_length(vars); i++) {
        json_object *v = json_object_array_get_idx(vars, i);
        const char *vid = map_get(im, "TestVariable", v, "id");
        const char *parent = cc_member_text(im->pool, v, "parentVariable");
        long *param_type =
            parent ? apr_hash_get(im->param_types, parent, APR_HASH_KEY_STRING) : NULL;
        const char *args[] = {
            cc_member_text(im->pool, v, "description"),
            param_type ? renamed_value(im, *param_type, cc_member_text(im->pool, v, "value"))
                       : cc_member_text(im->pool, v, "value"),
            flag(im, v, "passableThroughUrl"),
            vid ? vid : id,
            cc_member_text(im->pool, v, "name"),
            number(im, v, "type", 0),
            NULL};
        if (args[4] == NULL) {
            problem(im, ins, "a variable without a name was left out");
            continue;
        }
        if (vid)
            rv = run(im, ins, "variable",
                     "UPDATE test_variable SET description = %s, value = %s, "
                     "passable_through_url = %s WHERE id = %s",
                     4, args);
        else {
            const char *find[] = {id, args[4], args[5], NULL};
            rv = run(im, ins, "variable",
                     "INSERT INTO test_variable (description, value, passable_through_url, "
                     "test_id, name, type) VALUES (%s, %s, %s, %s, %s, %s)",
                     6, args);
            if (rv == APR_SUCCESS)
                rv = value(im, ins, &vid,
                           "SELECT id FROM test_variable WHERE test_id = %s AND name = %s AND "
                           "type = %s",
                           3, find);
            map_set(im, "TestVariable", cc_member_text(im->pool, v, "id"), vid);
        }
        if (rv != APR_SUCCESS)
            return rv;
    }
    note_imported(im, ins);
    return APR_SUCCESS;
}

/* ---- wizards ---- */

static apr_status_t import_wizard(importer *im, const cc_content_instruction *ins)
{
    json_object *o = ins->obj, *steps = cc_member_array(o, "steps");
    const char *name = final_name(ins), *id = ins->existing_id;
    const char *test_id = reference(im, ins, o, "test", "Test", "testName", "test");
    apr_status_t rv;
    size_t i, k;

    if (ins->action == CC_ACTION_IGNORE) {
        map_set(im, "TestWizard", ins->file_id, id);
        return APR_SUCCESS;
    }
    if (test_id == NULL) {
        problem(im, ins, "the wizard's test is missing; the wizard is not imported");
        return APR_SUCCESS;
    }
    if (ins->action == CC_ACTION_CREATE) {
        const char *args[] = {name, test_id, im->now, im->now, NULL};
        rv =
            run(im, ins, "insert",
                "INSERT INTO test_wizard (name, test_id, created, updated) VALUES (%s, %s, %s, %s)",
                4, args);
        if (rv == APR_SUCCESS) {
            const char *find[] = {name, NULL};
            rv = value(im, ins, &id, "SELECT id FROM test_wizard WHERE name = %s", 1, find);
        }
    } else {
        const char *args[] = {test_id, id, NULL};
        rv = run(im, ins, "update", "UPDATE test_wizard SET test_id = %s WHERE id = %s", 2, args);
        if (rv == APR_SUCCESS)
            rv = run(im, ins, "convert", "DELETE FROM test_wizard_step WHERE wizard_id = %s", 1,
                     args + 1);
    }
    if (rv != APR_SUCCESS || (rv = set_top_members(im, ins, "test_wizard", id)) != APR_SUCCESS)
        return rv;
    for (i = 0; steps && i < json_object_array_length(steps); i++) {
        json_object *s = json_object_array_get_idx(steps, i),
                    *params = cc_member_array(s, "params");
        const char *step_id = NULL;
        {
            const char *args[] = {
                id,
                cc_member_text(im->pool, s, "title") ? cc_member_text(im->pool, s, "title") : "",
                cc_member_text(im->pool, s, "description"),
                number(im, s, "orderNum", 0),
                number(im, s, "colsNum", 0),
                NULL};
            rv = run(im, ins, "step",
                     "INSERT INTO test_wizard_step (wizard_id, title, description, order_num, "
                     "cols_num) VALUES (%s, %s, %s, %s, %s)",
                     5, args);
            if (rv == APR_SUCCESS)
                rv = value(im, ins, &step_id,
                           "SELECT MAX(id) FROM test_wizard_step WHERE wizard_id = %s", 1, args);
        }
        if (rv != APR_SUCCESS)
            return rv;
        map_set(im, "TestWizardStep", cc_member_text(im->pool, s, "id"), step_id);
        for (k = 0; params && k < json_object_array_length(params); k++) {
            json_object *p = json_object_array_get_idx(params, k), *definition = NULL;
            const char *variable_id = map_get(im, "TestVariable", p, "testVariable");
            const char *pname = cc_member_text(im->pool, p, "name"), *def = NULL;
            long type = cc_member_long(p, "type", 0);
            if (variable_id == NULL && pname) {
                const char *args[] = {test_id, pname, NULL};
                if ((rv = value(im, ins, &variable_id,
                                "SELECT MIN(id) FROM test_variable WHERE test_id = %s AND "
                                "name = %s",
                                2, args)) != APR_SUCCESS)
                    return rv;
            }
            if (variable_id == NULL) {
                problem(im, ins,
                        apr_psprintf(im->pool,
                                     "parameter \"%s\" names no variable of the wizard's test; "
                                     "it is left out",
                                     pname ? pname : "?"));
                continue;
            }
            if (json_object_object_get_ex(p, "definition", &definition) && definition)
                def =
                    json_object_is_type(definition, json_type_string)
                        ? json_object_get_string(definition)
                        : json_object_to_json_string_ext(
                              definition, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
            {
                const char *args[] = {id,
                                      step_id,
                                      variable_id,
                                      cc_member_text(im->pool, p, "label"),
                                      cc_member_text(im->pool, p, "description"),
                                      cc_member_text(im->pool, p, "hideCondition"),
                                      apr_ltoa(im->pool, type),
                                      flag(im, p, "passableThroughUrl"),
                                      number(im, p, "order", 0),
                                      renamed_value(im, type, cc_member_text(im->pool, p, "value")),
                                      def,
                                      NULL};
                rv = run(im, ins, "parameter",
                         "INSERT INTO test_wizard_param (wizard_id, step_id, variable_id, label, "
                         "description, hide_condition, type, passable_through_url, order_index, "
                         "value, definition) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                         11, args);
            }
            if (rv != APR_SUCCESS)
                return rv;
        }
    }
    {
        const char *args[] = {id, NULL};
        rv = run(im, ins, "revision",
                 "UPDATE test_wizard SET revision = revision + 1 WHERE id = %s", 1, args);
    }
    if (rv != APR_SUCCESS)
        return rv;
    map_set(im, "TestWizard", ins->file_id, id);
    note_imported(im, ins);
    return APR_SUCCESS;
}

/* ---- tests, second pass: wizard, parent variables, nodes, connections ---- */

static apr_status_t import_test_graph(importer *im, const cc_content_instruction *ins)
{
    json_object *o = ins->obj, *vars = cc_member_array(o, "variables");
    json_object *nodes = cc_member_array(o, "nodes"),
                *conns = cc_member_array(o, "nodesConnections");
    const char *id = map_get(im, "Test", o, "id");
    apr_status_t rv;
    size_t i, k;

    if (ins->action == CC_ACTION_IGNORE || id == NULL)
        return APR_SUCCESS;
    {
        const char *args[] = {
            reference(im, ins, o, "sourceWizard", "TestWizard", "sourceWizardName", "test_wizard"),
            id, NULL};
        if ((rv = run(im, ins, "update", "UPDATE test SET source_wizard_id = %s WHERE id = %s", 2,
                      args)) != APR_SUCCESS)
            return rv;
    }
    for (i = 0; vars && i < json_object_array_length(vars); i++) {
        json_object *v = json_object_array_get_idx(vars, i);
        const char *args[] = {map_get(im, "TestVariable", v, "parentVariable"),
                              map_get(im, "TestVariable", v, "id"), NULL};
        if (args[1] && (rv = run(im, ins, "variable",
                                 "UPDATE test_variable SET parent_variable_id = %s WHERE id = %s",
                                 2, args)) != APR_SUCCESS)
            return rv;
    }
    for (i = 0; nodes && i < json_object_array_length(nodes); i++) {
        json_object *n = json_object_array_get_idx(nodes, i), *ports = cc_member_array(n, "ports");
        const char *source = reference(im, ins, n, "sourceTest", "Test", "sourceTestName", "test");
        const char *node_id = NULL;
        if (source == NULL) {
            problem(im, ins,
                    apr_psprintf(im->pool, "node \"%s\" runs no test we have; it is left out",
                                 cc_member_text(im->pool, n, "title")
                                     ? cc_member_text(im->pool, n, "title")
                                     : "?"));
            continue;
        }
        {
            const char *args[] = {id,
                                  source,
                                  cc_member_text(im->pool, n, "title"),
                                  number(im, n, "type", 0),
                                  number(im, n, "posX", 0),
                                  number(im, n, "posY", 0),
                                  NULL};
            rv = run(im, ins, "node",
                     "INSERT INTO test_node (flow_test_id, source_test_id, title, type, pos_x, "
                     "pos_y) VALUES (%s, %s, %s, %s, %s, %s)",
                     6, args);
            if (rv == APR_SUCCESS)
                rv = value(im, ins, &node_id,
                           "SELECT MAX(id) FROM test_node WHERE flow_test_id = %s", 1, args);
        }
        if (rv != APR_SUCCESS)
            return rv;
        map_set(im, "TestNode", cc_member_text(im->pool, n, "id"), node_id);
        for (k = 0; ports && k < json_object_array_length(ports); k++) {
            json_object *p = json_object_array_get_idx(ports, k);
            const char *port_id = NULL, *pname = cc_member_text(im->pool, p, "name");
            const char *variable = map_get(im, "TestVariable", p, "variable");
            const char *args[] = {node_id,
                                  variable,
                                  pname,
                                  number(im, p, "type", 0),
                                  cc_member_text(im->pool, p, "value"),
                                  flag(im, p, "string"),
                                  flag(im, p, "defaultValue"),
                                  flag(im, p, "dynamic"),
                                  flag(im, p, "exposed"),
                                  flag(im, p, "pointer"),
                                  cc_member_text(im->pool, p, "pointerVariable"),
                                  NULL};
            if (pname == NULL)
                continue;
            if (variable == NULL && cc_member_text(im->pool, p, "variable"))
                problem(im, ins,
                        apr_psprintf(im->pool,
                                     "port \"%s\" refers to a variable that is not in the file; "
                                     "it is kept without one",
                                     pname));
            rv = run(im, ins, "port",
                     "INSERT INTO test_node_port (node_id, variable_id, name, type, value, "
                     "is_string, default_value, dynamic, exposed, pointer, pointer_variable) "
                     "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                     11, args);
            if (rv == APR_SUCCESS) {
                const char *find[] = {node_id, args[3], pname, NULL};
                rv = value(im, ins, &port_id,
                           "SELECT id FROM test_node_port WHERE node_id = %s AND type = %s AND "
                           "name = %s",
                           3, find);
            }
            if (rv != APR_SUCCESS)
                return rv;
            map_set(im, "TestNodePort", cc_member_text(im->pool, p, "id"), port_id);
        }
    }
    for (i = 0; conns && i < json_object_array_length(conns); i++) {
        json_object *c = json_object_array_get_idx(conns, i);
        const char *args[] = {id,
                              map_get(im, "TestNode", c, "sourceNode"),
                              map_get(im, "TestNodePort", c, "sourcePort"),
                              map_get(im, "TestNode", c, "destinationNode"),
                              map_get(im, "TestNodePort", c, "destinationPort"),
                              cc_member_text(im->pool, c, "returnFunction"),
                              flag(im, c, "defaultReturnFunction"),
                              NULL};
        if (args[1] == NULL || args[3] == NULL) {
            problem(im, ins, "a connection between nodes that are not in the file is left out");
            continue;
        }
        if ((rv = run(im, ins, "connection",
                      "INSERT INTO test_node_connection (flow_test_id, source_node_id, "
                      "source_port_id, destination_node_id, destination_port_id, return_function, "
                      "default_return_function) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                      7, args)) != APR_SUCCESS)
            return rv;
    }
    if (cc_revision_bump_test(im->db, im->pool, apr_atoi64(id)) != APR_SUCCESS)
        return failed(im, ins, "revision");
    return APR_SUCCESS;
}

/* Known before anything is written: the new names (a wizard test's values
 * are rewritten before its wizard is imported) and which variables wizard
 * parameters of which type stand for. */
static void note_renames_and_params(importer *im)
{
    int i;
    size_t k, j;

    im->param_types = apr_hash_make(im->pool);
    for (i = 0; i < im->plan->instructions->nelts; i++) {
        const cc_content_instruction *ins =
            APR_ARRAY_IDX(im->plan->instructions, i, cc_content_instruction *);
        json_object *steps = cc_member_array(ins->obj, "steps");
        if (ins->new_name && ins->action == CC_ACTION_CREATE)
            apr_hash_set(im->renamed, apr_pstrcat(im->pool, ins->class_name, ":", ins->name, NULL),
                         APR_HASH_KEY_STRING, ins->new_name);
        if (strcmp(ins->class_name, "TestWizard") != 0)
            continue;
        for (k = 0; steps && k < json_object_array_length(steps); k++) {
            json_object *params = cc_member_array(json_object_array_get_idx(steps, k), "params");
            for (j = 0; params && j < json_object_array_length(params); j++) {
                json_object *p = json_object_array_get_idx(params, j);
                const char *variable = cc_member_text(im->pool, p, "testVariable");
                long *type = apr_palloc(im->pool, sizeof(*type));
                *type = cc_member_long(p, "type", 0);
                if (variable)
                    apr_hash_set(im->param_types, variable, APR_HASH_KEY_STRING, type);
            }
        }
    }
}

typedef apr_status_t step_fn(importer *im, const cc_content_instruction *ins);

static apr_status_t each(importer *im, const char *cls, step_fn *fn)
{
    int i;
    for (i = 0; i < im->plan->instructions->nelts; i++) {
        const cc_content_instruction *ins =
            APR_ARRAY_IDX(im->plan->instructions, i, cc_content_instruction *);
        apr_status_t rv;
        if (strcmp(ins->class_name, cls) != 0)
            continue;
        rv = fn(im, ins);
        if (rv != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}

apr_status_t cc_content_apply(cc_db *db, apr_pool_t *pool, cc_content_plan *plan,
                              const cc_content_import_options *opts, apr_array_header_t **imported,
                              const char **errmsg)
{
    importer im;
    apr_dbd_transaction_t *txn = NULL;
    apr_status_t rv, end;

    memset(&im, 0, sizeof(im));
    im.db = db;
    im.pool = pool;
    im.plan = plan;
    im.errmsg = errmsg;
    im.ids = apr_hash_make(pool);
    im.renamed = apr_hash_make(pool);
    im.imported = apr_array_make(pool, 16, sizeof(const char *));
    im.now = apr_ltoa(pool, opts ? opts->now : 0);
    im.user = opts && opts->username ? opts->username : "import";
    *imported = im.imported;
    note_renames_and_params(&im);
    rv = cc_db_begin(db, pool, &txn);
    if (rv != APR_SUCCESS) {
        *errmsg = apr_psprintf(pool, "import: cannot start a transaction: %s", db->last_error);
        return rv;
    }
    /* Tests before wizards (a wizard needs its test's variables), wizards
     * before the tests' graphs and sourceWizard; so two passes over tests. */
    if ((rv = each(&im, "DataTable", import_table)) == APR_SUCCESS &&
        (rv = each(&im, "ViewTemplate", import_template)) == APR_SUCCESS &&
        (rv = each(&im, "Test", import_test_row)) == APR_SUCCESS &&
        (rv = each(&im, "TestWizard", import_wizard)) == APR_SUCCESS)
        rv = each(&im, "Test", import_test_graph);
    end = cc_db_end(db, pool, txn, rv != APR_SUCCESS);
    if (rv == APR_SUCCESS && end != APR_SUCCESS) {
        *errmsg = apr_psprintf(pool, "import: cannot commit: %s", db->last_error);
        rv = end;
    }
    if (rv != APR_SUCCESS)
        apr_array_clear(im.imported);
    return rv;
}
