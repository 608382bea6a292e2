/* Export of tests, wizards, view templates and data tables (spec 5.3). */
#include "export.h"

#include "content/ids.h"
#include "content/inserts.h"
#include "content/members.h"
#include "core/json_pool.h"
#include "store/datatable.h"

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

typedef struct exporter {
    cc_db *db;
    apr_pool_t *pool;
    const char **errmsg;
} exporter;

static apr_status_t query(exporter *x, cc_rows **out, const char *sql, const char *arg)
{
    const char *args[] = {arg, NULL};
    apr_status_t rv = cc_db_select(x->db, x->pool, out, sql, arg ? 1 : 0, args);

    if (rv != APR_SUCCESS)
        *x->errmsg = apr_psprintf(x->pool, "export: database error: %s",
                                  x->db->last_error ? x->db->last_error : "unknown");
    return rv;
}

static const char *cell(const cc_rows *r, int row, const char *name)
{
    int i;
    for (i = 0; i < r->ncols; i++)
        if (!strcmp(r->names[i], name))
            return r->values[row][i];
    return NULL;
}

static json_object *new_object(const char *class_name, const cc_rows *r, int row)
{
    json_object *obj = json_object_new_object();

    cc_put_text(obj, "class_name", class_name);
    cc_put_number(obj, "id", cell(r, row, "id"));
    return obj;
}

/* The members every top object has (spec 1.1), after class_name and id. */
static void put_top_members(json_object *obj, const cc_rows *r, int row)
{
    cc_put_text(obj, "name", cell(r, row, "name"));
    cc_put_text(obj, "description", cell(r, row, "description"));
    cc_put_number(obj, "accessibility", cell(r, row, "accessibility"));
    cc_put_flag(obj, "archived", cell(r, row, "archived"));
    cc_put_text(obj, "groups", cell(r, row, "object_groups"));
    cc_put_flag(obj, "starterContent", cell(r, row, "starter_content"));
    cc_put_text(obj, "tags", cell(r, row, "tags"));
}

static int by_type_and_name(const void *a, const void *b)
{
    json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
    long tx = cc_member_long(x, "type", 0), ty = cc_member_long(y, "type", 0);
    json_object *nx = NULL, *ny = NULL;

    if (tx != ty)
        return tx < ty ? -1 : 1;
    json_object_object_get_ex(x, "name", &nx);
    json_object_object_get_ex(y, "name", &ny);
    return strcmp(nx ? json_object_get_string(nx) : "", ny ? json_object_get_string(ny) : "");
}

static apr_status_t export_test(exporter *x, const char *id, json_object **out)
{
    cc_rows *r, *vars, *nodes, *ports, *conns;
    json_object *obj, *list, *settings = NULL;
    apr_hash_t *node_ports = apr_hash_make(x->pool);
    apr_status_t rv;
    int i;

    *out = NULL;
    rv = query(x, &r,
               "SELECT t.id, t.name, t.slug, t.description, t.type, t.visibility, t.code, "
               "t.config_override, t.protected, t.base_template_id, bt.name AS base_template_name, "
               "t.source_wizard_id, w.name AS source_wizard_name, t.accessibility, "
               "t.object_groups, t.archived, t.starter_content, t.tags, t.settings "
               "FROM test t LEFT JOIN view_template bt ON bt.id = t.base_template_id "
               "LEFT JOIN test_wizard w ON w.id = t.source_wizard_id WHERE t.id = %s",
               id);
    if (rv != APR_SUCCESS || r->nrows == 0)
        return rv;
    obj = new_object("Test", r, 0);
    put_top_members(obj, r, 0);
    cc_put_text(obj, "slug", cell(r, 0, "slug"));
    cc_put_number(obj, "type", cell(r, 0, "type"));
    cc_put_number(obj, "visibility", cell(r, 0, "visibility"));
    cc_put_flag(obj, "protected", cell(r, 0, "protected"));
    cc_put_text(obj, "code", cell(r, 0, "code"));
    cc_put_text(obj, "configOverride", cell(r, 0, "config_override"));
    if (cell(r, 0, "settings")) {
        settings = json_tokener_parse(cell(r, 0, "settings"));
        json_object_object_add(
            obj, "settings", settings ? settings : json_object_new_string(cell(r, 0, "settings")));
    }
    cc_put_number(obj, "baseTemplate", cell(r, 0, "base_template_id"));
    cc_put_text(obj, "baseTemplateName", cell(r, 0, "base_template_name"));
    cc_put_number(obj, "sourceWizard", cell(r, 0, "source_wizard_id"));
    cc_put_text(obj, "sourceWizardName", cell(r, 0, "source_wizard_name"));
    cc_json_owned(x->pool, obj);

    rv = query(x, &vars,
               "SELECT id, name, type, description, value, passable_through_url, "
               "parent_variable_id FROM test_variable WHERE test_id = %s ORDER BY id",
               id);
    if (rv != APR_SUCCESS)
        return rv;
    list = json_object_new_array();
    for (i = 0; i < vars->nrows; i++) {
        json_object *v = new_object("TestVariable", vars, i);
        cc_put_text(v, "name", cell(vars, i, "name"));
        cc_put_number(v, "type", cell(vars, i, "type"));
        cc_put_text(v, "description", cell(vars, i, "description"));
        cc_put_text(v, "value", cell(vars, i, "value"));
        cc_put_flag(v, "passableThroughUrl", cell(vars, i, "passable_through_url"));
        cc_put_number(v, "test", id);
        cc_put_number(v, "parentVariable", cell(vars, i, "parent_variable_id"));
        json_object_array_add(list, v);
    }
    json_object_array_sort(list, by_type_and_name);
    json_object_object_add(obj, "variables", list);

    rv = query(x, &ports,
               "SELECT p.id, p.node_id, p.variable_id, p.name, p.type, p.value, p.is_string, "
               "p.default_value, p.dynamic, p.exposed, p.pointer, p.pointer_variable "
               "FROM test_node_port p JOIN test_node n ON n.id = p.node_id "
               "WHERE n.flow_test_id = %s ORDER BY p.id",
               id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < ports->nrows; i++) {
        json_object *p = new_object("TestNodePort", ports, i), *group;
        const char *node = cell(ports, i, "node_id");
        cc_put_text(p, "name", cell(ports, i, "name"));
        cc_put_number(p, "type", cell(ports, i, "type"));
        cc_put_text(p, "value", cell(ports, i, "value"));
        cc_put_flag(p, "string", cell(ports, i, "is_string"));
        cc_put_flag(p, "defaultValue", cell(ports, i, "default_value"));
        cc_put_flag(p, "dynamic", cell(ports, i, "dynamic"));
        cc_put_flag(p, "exposed", cell(ports, i, "exposed"));
        cc_put_flag(p, "pointer", cell(ports, i, "pointer"));
        cc_put_text(p, "pointerVariable", cell(ports, i, "pointer_variable"));
        cc_put_number(p, "node", node);
        cc_put_number(p, "variable", cell(ports, i, "variable_id"));
        group = apr_hash_get(node_ports, node, APR_HASH_KEY_STRING);
        if (group == NULL) {
            group = cc_json_owned(x->pool, json_object_new_array());
            apr_hash_set(node_ports, node, APR_HASH_KEY_STRING, group);
        }
        json_object_array_add(group, p);
    }
    rv = query(x, &nodes,
               "SELECT n.id, n.title, n.type, n.pos_x, n.pos_y, n.source_test_id, "
               "s.name AS source_test_name FROM test_node n JOIN test s ON s.id = n.source_test_id "
               "WHERE n.flow_test_id = %s ORDER BY n.id",
               id);
    if (rv != APR_SUCCESS)
        return rv;
    list = json_object_new_array();
    for (i = 0; i < nodes->nrows; i++) {
        json_object *n = new_object("TestNode", nodes, i), *group;
        cc_put_text(n, "title", cell(nodes, i, "title"));
        cc_put_number(n, "type", cell(nodes, i, "type"));
        cc_put_number(n, "posX", cell(nodes, i, "pos_x"));
        cc_put_number(n, "posY", cell(nodes, i, "pos_y"));
        cc_put_number(n, "flowTest", id);
        cc_put_number(n, "sourceTest", cell(nodes, i, "source_test_id"));
        cc_put_text(n, "sourceTestName", cell(nodes, i, "source_test_name"));
        group = apr_hash_get(node_ports, cell(nodes, i, "id"), APR_HASH_KEY_STRING);
        if (group) {
            json_object_array_sort(group, by_type_and_name);
            json_object_get(group);
        }
        json_object_object_add(n, "ports", group ? group : json_object_new_array());
        json_object_array_add(list, n);
    }
    json_object_object_add(obj, "nodes", list);

    rv = query(x, &conns,
               "SELECT id, source_node_id, source_port_id, destination_node_id, "
               "destination_port_id, return_function, default_return_function "
               "FROM test_node_connection WHERE flow_test_id = %s ORDER BY id",
               id);
    if (rv != APR_SUCCESS)
        return rv;
    list = json_object_new_array();
    for (i = 0; i < conns->nrows; i++) {
        json_object *c = new_object("TestNodeConnection", conns, i);
        cc_put_number(c, "flowTest", id);
        cc_put_number(c, "sourceNode", cell(conns, i, "source_node_id"));
        cc_put_number(c, "sourcePort", cell(conns, i, "source_port_id"));
        cc_put_number(c, "destinationNode", cell(conns, i, "destination_node_id"));
        cc_put_number(c, "destinationPort", cell(conns, i, "destination_port_id"));
        cc_put_text(c, "returnFunction", cell(conns, i, "return_function"));
        cc_put_flag(c, "defaultReturnFunction", cell(conns, i, "default_return_function"));
        json_object_array_add(list, c);
    }
    json_object_object_add(obj, "nodesConnections", list);
    *out = obj;
    return APR_SUCCESS;
}

static apr_status_t export_wizard(exporter *x, const char *id, json_object **out)
{
    cc_rows *r, *steps, *params;
    json_object *obj, *list;
    apr_status_t rv;
    int i, k;

    *out = NULL;
    rv = query(x, &r,
               "SELECT w.id, w.name, w.description, w.test_id, t.name AS test_name, "
               "w.accessibility, w.object_groups, w.archived, w.starter_content, w.tags "
               "FROM test_wizard w JOIN test t ON t.id = w.test_id WHERE w.id = %s",
               id);
    if (rv != APR_SUCCESS || r->nrows == 0)
        return rv;
    obj = cc_json_owned(x->pool, new_object("TestWizard", r, 0));
    put_top_members(obj, r, 0);
    cc_put_number(obj, "test", cell(r, 0, "test_id"));
    cc_put_text(obj, "testName", cell(r, 0, "test_name"));
    if ((rv = query(x, &steps,
                    "SELECT id, title, description, order_num, cols_num FROM test_wizard_step "
                    "WHERE wizard_id = %s ORDER BY order_num, id",
                    id)) != APR_SUCCESS ||
        (rv = query(x, &params,
                    "SELECT p.id, p.step_id, p.variable_id, v.name AS variable_name, p.label, "
                    "p.description, p.hide_condition, p.type, p.passable_through_url, "
                    "p.order_index, p.value, p.definition FROM test_wizard_param p "
                    "LEFT JOIN test_variable v ON v.id = p.variable_id WHERE p.wizard_id = %s "
                    "ORDER BY p.order_index, p.id",
                    id)) != APR_SUCCESS)
        return rv;
    list = json_object_new_array();
    for (i = 0; i < steps->nrows; i++) {
        json_object *s = new_object("TestWizardStep", steps, i), *plist = json_object_new_array();
        cc_put_text(s, "title", cell(steps, i, "title"));
        cc_put_text(s, "description", cell(steps, i, "description"));
        cc_put_number(s, "orderNum", cell(steps, i, "order_num"));
        cc_put_number(s, "colsNum", cell(steps, i, "cols_num"));
        cc_put_number(s, "wizard", id);
        for (k = 0; k < params->nrows; k++) {
            json_object *p, *definition = NULL;
            const char *def = cell(params, k, "definition");
            if (strcmp(cell(params, k, "step_id"), cell(steps, i, "id")) != 0)
                continue;
            p = new_object("TestWizardParam", params, k);
            cc_put_text(p, "label", cell(params, k, "label"));
            cc_put_text(p, "description", cell(params, k, "description"));
            cc_put_text(p, "hideCondition", cell(params, k, "hide_condition"));
            cc_put_number(p, "type", cell(params, k, "type"));
            cc_put_flag(p, "passableThroughUrl", cell(params, k, "passable_through_url"));
            cc_put_text(p, "value", cell(params, k, "value"));
            cc_put_number(p, "testVariable", cell(params, k, "variable_id"));
            cc_put_text(p, "name", cell(params, k, "variable_name"));
            cc_put_number(p, "wizardStep", cell(steps, i, "id"));
            cc_put_number(p, "order", cell(params, k, "order_index"));
            cc_put_number(p, "wizard", id);
            if (def)
                definition = json_tokener_parse(def);
            json_object_object_add(p, "definition",
                                   definition ? definition
                                   : def      ? json_object_new_string(def)
                                              : NULL);
            json_object_array_add(plist, p);
        }
        json_object_object_add(s, "params", plist);
        json_object_array_add(list, s);
    }
    json_object_object_add(obj, "steps", list);
    *out = obj;
    return APR_SUCCESS;
}

static apr_status_t export_template(exporter *x, const char *id, json_object **out)
{
    static const char *const parts[] = {"head", "html", "css", "js", NULL};
    json_object *obj, *escaped_parts = NULL;
    cc_rows *r;
    apr_status_t rv;
    int i, k;

    *out = NULL;
    rv = query(x, &r,
               "SELECT id, name, description, head, html, css, js, accessibility, object_groups, "
               "archived, starter_content, tags FROM view_template WHERE id = %s",
               id);
    if (rv != APR_SUCCESS || r->nrows == 0)
        return rv;
    obj = cc_json_owned(x->pool, new_object("ViewTemplate", r, 0));
    put_top_members(obj, r, 0);
    for (i = 0; parts[i]; i++) {
        apr_array_header_t *escaped = NULL;
        cc_put_text(obj, parts[i], cc_inserts_to_concerto(x->pool, cell(r, 0, parts[i]), &escaped));
        if (escaped->nelts) {
            json_object *list = json_object_new_array();
            for (k = 0; k < escaped->nelts; k++)
                json_object_array_add(list, json_object_new_int(APR_ARRAY_IDX(escaped, k, int)));
            if (escaped_parts == NULL)
                escaped_parts = json_object_new_object();
            json_object_object_add(escaped_parts, parts[i], list);
        }
    }
    if (escaped_parts)
        json_object_object_add(obj, "escapedInserts", escaped_parts);
    *out = obj;
    return APR_SUCCESS;
}

static apr_status_t export_table(exporter *x, const char *id, int data, json_object **out)
{
    json_object *obj, *columns;
    cc_datatable *dt = NULL;
    cc_rows *r;
    apr_status_t rv;
    int i, k;

    *out = NULL;
    rv = query(x, &r,
               "SELECT id, name, description, accessibility, object_groups, archived, "
               "starter_content, tags FROM data_table WHERE id = %s",
               id);
    if (rv != APR_SUCCESS || r->nrows == 0)
        return rv;
    obj = cc_json_owned(x->pool, new_object("DataTable", r, 0));
    put_top_members(obj, r, 0);
    rv = cc_datatable_describe(x->db, x->pool, cell(r, 0, "name"), &dt, x->errmsg);
    if (rv != APR_SUCCESS)
        return rv;
    columns = json_object_new_array();
    for (i = 1; i < dt->ncols; i++) {
        const cc_dt_column *col = &dt->cols[i];
        json_object *c = json_object_new_object();
        cc_put_text(c, "name", col->name);
        cc_put_text(c, "type",
                    col->type == CC_DT_UNKNOWN && col->db_type ? col->db_type
                                                               : cc_dt_type_name(col->type));
        json_object_object_add(c, "nullable", json_object_new_boolean(col->nullable));
        cc_put_text(c, "length",
                    col->type == CC_DT_STRING ? apr_itoa(x->pool, col->length)
                    : col->type == CC_DT_DECIMAL
                        ? apr_psprintf(x->pool, "%d,%d", col->length, col->scale)
                        : NULL);
        json_object_array_add(columns, c);
    }
    json_object_object_add(obj, "columns", columns);
    if (data) {
        json_object *rows = json_object_new_array();
        apr_int64_t offset = 0;
        cc_rows *batch = NULL;
        do {
            rv = cc_datatable_rows(x->db, x->pool, dt, offset, 10000, &batch, x->errmsg);
            if (rv != APR_SUCCESS) {
                json_object_put(rows);
                return rv;
            }
            for (i = 0; i < batch->nrows; i++) {
                json_object *row = json_object_new_object();
                for (k = 0; k < batch->ncols; k++)
                    cc_put_text(row, batch->names[k], batch->values[i][k]);
                json_object_array_add(rows, row);
            }
            offset += batch->nrows;
        } while (batch->nrows == 10000);
        json_object_object_add(obj, "data", rows);
    }
    *out = obj;
    return APR_SUCCESS;
}

apr_status_t cc_content_export_object(cc_db *db, apr_pool_t *pool, const char *class_name,
                                      const char *id, int data, json_object **obj,
                                      const char **errmsg)
{
    exporter x = {db, pool, errmsg};

    if (!strcmp(class_name, "Test"))
        return export_test(&x, id, obj);
    if (!strcmp(class_name, "TestWizard"))
        return export_wizard(&x, id, obj);
    if (!strcmp(class_name, "ViewTemplate"))
        return export_template(&x, id, obj);
    if (!strcmp(class_name, "DataTable"))
        return export_table(&x, id, data, obj);
    *obj = NULL;
    *errmsg = apr_psprintf(pool, "unknown class %s", class_name);
    return APR_EINVAL;
}

/* ---- selection and dependencies ---- */

enum { K_TABLE, K_TEMPLATE, K_TEST, K_WIZARD, K_COUNT };
static const char *const kind_class[K_COUNT] = {"DataTable", "ViewTemplate", "Test", "TestWizard"};
static const char *const kind_table[K_COUNT] = {"data_table", "view_template", "test",
                                                "test_wizard"};

typedef struct wanted {
    apr_hash_t *names[K_COUNT]; /* name -> json_object * once exported, "" before */
    apr_array_header_t *queue;  /* pending (kind, name) */
} wanted;

typedef struct pending {
    int kind;
    const char *name;
} pending;

static void want(apr_pool_t *pool, wanted *w, int kind, const char *name)
{
    pending *p;
    if (name == NULL || *name == '\0' || apr_hash_get(w->names[kind], name, APR_HASH_KEY_STRING))
        return;
    apr_hash_set(w->names[kind], apr_pstrdup(pool, name), APR_HASH_KEY_STRING, "");
    p = &APR_ARRAY_PUSH(w->queue, pending);
    p->kind = kind;
    p->name = apr_pstrdup(pool, name);
}

/* Names referred to inside a wizard parameter's value (spec 5.3
 * "Dependencies") or inside our assessment settings. */
static void want_from_param(apr_pool_t *pool, wanted *w, long type, const char *value)
{
    json_object *parsed, *table = NULL;

    if (value == NULL || *value == '\0')
        return;
    if (type == 5)
        want(pool, w, K_TEMPLATE, value);
    else if (type == 6)
        want(pool, w, K_TABLE, value);
    else if (type == 8)
        want(pool, w, K_TEST, value);
    else if (type == 7 || type == 12) {
        parsed = cc_json_owned(pool, json_tokener_parse(value));
        if (parsed && json_object_object_get_ex(parsed, "table", &table) &&
            json_object_is_type(table, json_type_string))
            want(pool, w, K_TABLE, json_object_get_string(table));
    }
}

static void want_from_settings(apr_pool_t *pool, wanted *w, json_object *settings)
{
    if (!json_object_is_type(settings, json_type_object))
        return;
    {
        json_object_object_foreach(settings, key, value)
        {
            size_t n = strlen(key);
            json_object *table = NULL;
            if (n > 8 && !strcmp(key + n - 8, "Template") &&
                json_object_is_type(value, json_type_string))
                want(pool, w, K_TEMPLATE, json_object_get_string(value));
            else if (json_object_is_type(value, json_type_object) &&
                     json_object_object_get_ex(value, "table", &table) &&
                     json_object_is_type(table, json_type_string))
                want(pool, w, K_TABLE, json_object_get_string(table));
        }
    }
}

/* R code names the templates, tables and tests it uses as text
 * (concerto.template.show("page"), SQL naming a table), which no reference
 * records, so an export of the test alone would lack them. Each word of the
 * code (quotes and SQL inside strings included) and each whole quoted
 * string (a name with blanks) equal to an existing object's name brings
 * that object: a word that only happens to be a name brings one object too
 * many, never one too few. existing[kind]: the names in the database. */
static void want_name(apr_pool_t *pool, wanted *w, apr_hash_t *const *existing, const char *from,
                      const char *to)
{
    const char *word = apr_pstrmemdup(pool, from, (apr_size_t)(to - from));
    int kind;

    for (kind = 0; kind < K_COUNT; kind++)
        if (kind != K_WIZARD && apr_hash_get(existing[kind], word, APR_HASH_KEY_STRING))
            want(pool, w, kind, word);
}

static int name_char(char c)
{
    return apr_isalnum(c) || c == '_' || c == '-' || c == '.';
}

static void want_from_code(apr_pool_t *pool, wanted *w, apr_hash_t *const *existing,
                           const char *code)
{
    const char *p, *start;

    if (code == NULL || existing == NULL)
        return;
    for (p = code; *p;) {
        if (!name_char(*p)) {
            p++;
            continue;
        }
        for (start = p; name_char(*p); p++)
            ;
        want_name(pool, w, existing, start, p);
    }
    for (p = code; *p; p++) {
        if (*p == '#') { /* an R comment: its quotes are no strings */
            while (*p && *p != '\n')
                p++;
            if (!*p)
                break;
        } else if (*p == '"' || *p == '\'') {
            char quote = *p;
            for (start = ++p; *p && *p != quote; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p != quote)
                break; /* unbalanced: nothing more to trust */
            want_name(pool, w, existing, start, p);
        }
    }
}

static void want_dependencies(apr_pool_t *pool, wanted *w, apr_hash_t *const *existing, int kind,
                              json_object *obj)
{
    json_object *list, *vars, *settings = NULL;
    size_t i, k;

    if (kind == K_TEST) {
        want(pool, w, K_TEMPLATE, cc_member_text(pool, obj, "baseTemplateName"));
        want(pool, w, K_WIZARD, cc_member_text(pool, obj, "sourceWizardName"));
        list = cc_member_array(obj, "nodes");
        for (i = 0; list && i < json_object_array_length(list); i++)
            want(pool, w, K_TEST,
                 cc_member_text(pool, json_object_array_get_idx(list, i), "sourceTestName"));
        if (json_object_object_get_ex(obj, "settings", &settings))
            want_from_settings(pool, w, settings);
        want_from_code(pool, w, existing, cc_member_text(pool, obj, "code"));
        vars = cc_member_array(obj, "variables"); /* defaults may name a table */
        for (i = 0; vars && i < json_object_array_length(vars); i++)
            want_from_code(pool, w, existing,
                           cc_member_text(pool, json_object_array_get_idx(vars, i), "value"));
        for (i = 0; list && i < json_object_array_length(list); i++) {
            json_object *ports = cc_member_array(json_object_array_get_idx(list, i), "ports");
            for (k = 0; ports && k < json_object_array_length(ports); k++)
                want_from_code(pool, w, existing,
                               cc_member_text(pool, json_object_array_get_idx(ports, k), "value"));
        }
        /* A wizard test's values name objects as its wizard's params do. */
    } else if (kind == K_TEMPLATE) {
        /* Templates it embeds ({{template:NAME}}) would be missing elsewhere. */
        static const char *const parts[] = {"head", "html", "css", "js", NULL};
        apr_array_header_t *names = apr_array_make(pool, 2, sizeof(const char *));
        int n;
        for (n = 0; parts[n]; n++)
            cc_inserts_embedded_templates(pool, cc_member_text(pool, obj, parts[n]), names);
        for (n = 0; n < names->nelts; n++)
            want(pool, w, K_TEMPLATE, APR_ARRAY_IDX(names, n, const char *));
    } else if (kind == K_WIZARD) {
        want(pool, w, K_TEST, cc_member_text(pool, obj, "testName"));
        list = cc_member_array(obj, "steps");
        for (i = 0; list && i < json_object_array_length(list); i++) {
            json_object *params = cc_member_array(json_object_array_get_idx(list, i), "params");
            for (k = 0; params && k < json_object_array_length(params); k++) {
                json_object *p = json_object_array_get_idx(params, k);
                want_from_param(pool, w, cc_member_long(p, "type", 0),
                                cc_member_text(pool, p, "value"));
            }
        }
    }
}

static int by_name(const void *a, const void *b)
{
    json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b, *nx = NULL,
                *ny = NULL;
    json_object_object_get_ex(x, "name", &nx);
    json_object_object_get_ex(y, "name", &ny);
    return strcmp(nx ? json_object_get_string(nx) : "", ny ? json_object_get_string(ny) : "");
}

static int selection_empty(const cc_content_selection *sel)
{
    return sel == NULL ||
           ((!sel->tests || !sel->tests->nelts) && (!sel->templates || !sel->templates->nelts) &&
            (!sel->tables || !sel->tables->nelts) && (!sel->wizards || !sel->wizards->nelts));
}

apr_status_t cc_content_export(cc_db *db, apr_pool_t *pool, const cc_content_selection *sel,
                               json_object **doc, const char **errmsg)
{
    exporter x = {db, pool, errmsg};
    wanted w;
    apr_hash_t *existing_names[K_COUNT];
    apr_hash_t **existing = NULL; /* only for a selection: everything goes otherwise */
    json_object *lists[K_COUNT], *collection;
    apr_status_t rv;
    int kind, i;

    *doc = NULL;
    w.queue = apr_array_make(pool, 16, sizeof(pending));
    for (kind = 0; kind < K_COUNT; kind++) {
        w.names[kind] = apr_hash_make(pool);
        lists[kind] = cc_json_owned(pool, json_object_new_array());
    }
    if (selection_empty(sel)) {
        for (kind = 0; kind < K_COUNT; kind++) {
            cc_rows *r;
            rv =
                query(&x, &r, apr_pstrcat(pool, "SELECT name FROM ", kind_table[kind], NULL), NULL);
            if (rv != APR_SUCCESS)
                return rv;
            for (i = 0; i < r->nrows; i++)
                want(pool, &w, kind, r->values[i][0]);
        }
    } else {
        apr_array_header_t *given[K_COUNT] = {sel->tables, sel->templates, sel->tests,
                                              sel->wizards};
        for (kind = 0; kind < K_COUNT; kind++)
            for (i = 0; given[kind] && i < given[kind]->nelts; i++)
                want(pool, &w, kind, APR_ARRAY_IDX(given[kind], i, const char *));
        /* What R code may name (want_from_code). */
        existing = existing_names;
        for (kind = 0; kind < K_COUNT; kind++) {
            cc_rows *r;
            existing[kind] = apr_hash_make(pool);
            rv =
                query(&x, &r, apr_pstrcat(pool, "SELECT name FROM ", kind_table[kind], NULL), NULL);
            if (rv != APR_SUCCESS)
                return rv;
            for (i = 0; i < r->nrows; i++)
                if (r->values[i][0])
                    apr_hash_set(existing[kind], r->values[i][0], APR_HASH_KEY_STRING, "");
        }
    }
    for (i = 0; i < w.queue->nelts; i++) {
        pending p = APR_ARRAY_IDX(w.queue, i, pending);
        const char *id = NULL;
        json_object *obj = NULL;
        const char *args[] = {p.name, NULL};
        rv = cc_db_select_value(
            db, pool, &id,
            apr_pstrcat(pool, "SELECT id FROM ", kind_table[p.kind], " WHERE name = %s", NULL), 1,
            args);
        if (rv != APR_SUCCESS) {
            *errmsg = apr_psprintf(pool, "export: database error: %s", db->last_error);
            return rv;
        }
        if (id == NULL) {
            *errmsg = apr_psprintf(pool, "export: there is no %s named \"%s\"", kind_class[p.kind],
                                   p.name);
            return APR_NOTFOUND;
        }
        rv = cc_content_export_object(db, pool, kind_class[p.kind], id, sel ? sel->data : 0, &obj,
                                      errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        if (obj == NULL)
            continue;
        want_dependencies(pool, &w, existing, p.kind, obj);
        json_object_object_add(obj, "hash", json_object_new_string(cc_content_hash(pool, obj)));
        json_object_array_add(lists[p.kind], json_object_get(obj));
    }
    collection = json_object_new_array();
    for (kind = 0; kind < K_COUNT; kind++) {
        json_object_array_sort(lists[kind], by_name);
        for (i = 0; i < (int)json_object_array_length(lists[kind]); i++)
            json_object_array_add(
                collection, json_object_get(json_object_array_get_idx(lists[kind], (size_t)i)));
    }
    cc_content_normalize_ids(pool, collection);
    *doc = cc_json_owned(pool, json_object_new_object());
    json_object_object_add(*doc, "version", json_object_new_string(CC_CONTENT_VERSION));
    json_object_object_add(*doc, "collection", collection);
    return APR_SUCCESS;
}
