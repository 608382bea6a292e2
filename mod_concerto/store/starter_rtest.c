#include "starter_rtest.h"

#include "starter.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <stdlib.h>
#include <string.h>

enum { VAR_INPUT = 0, VAR_RETURN = 1, VAR_BRANCH = 2 };
enum { NODE_REGULAR = 0, NODE_BEGIN = 1, NODE_FINISH = 2 };

static const char *const var_types[] = {"input", "return", "branch", NULL};
static const char *const node_types[] = {"regular", "begin", "finish", NULL};

/* One port before it is written (test_node_port's columns). */
typedef struct port {
    const char *name, *variable_id, *value, *pointer_variable;
    int type, is_string, default_value, dynamic, exposed, pointer;
} port;

static int index_of(const char *const *names, const char *s)
{
    int k;

    for (k = 0; s && names[k]; k++)
        if (!strcmp(names[k], s))
            return k;
    return -1;
}

/* Strings, numbers and booleans as text; NULL when missing or null. */
static const char *member_text(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) || v == NULL ||
        json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array))
        return NULL;
    return json_object_get_string(v);
}

/* -1 when missing, else 0 or 1. */
static int member_flag(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
        return -1;
    return json_object_get_boolean(v) ? 1 : 0;
}

static json_object *member_array(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_array))
        return NULL;
    return v;
}

static apr_status_t db_failed(cc_db *db, const char **errmsg, apr_status_t rv)
{
    *errmsg = db->last_error ? db->last_error : "the database refused the statement";
    return rv == APR_SUCCESS ? APR_EGENERAL : rv;
}

/* The id from a query that must find exactly one row. */
static apr_status_t select_id(cc_db *db, apr_pool_t *pool, const char **id, const char *sql,
                              int nargs, const char *const *args, const char **errmsg)
{
    apr_status_t rv = cc_db_select_value(db, pool, id, sql, nargs, args);

    if (rv != APR_SUCCESS)
        return db_failed(db, errmsg, rv);
    if (*id == NULL) {
        *errmsg = "a row just written cannot be read back";
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

/* The test's variables as listed, plus the branch `out` every new test gets. */
static apr_status_t insert_variables(cc_db *db, apr_pool_t *pool, const char *where,
                                     const char *test_id, json_object *vars, const char **errmsg)
{
    int k, n = vars ? (int)json_object_array_length(vars) : 0, has_out = 0;
    apr_status_t rv;

    for (k = 0; k <= n; k++) {
        json_object *v = k < n ? json_object_array_get_idx(vars, (size_t)k) : NULL;
        const char *name = v ? cc_starter_member_string(v, "name") : "out";
        int type = v ? index_of(var_types, cc_starter_member_string(v, "type")) : VAR_BRANCH;
        if (k == n && has_out)
            break;
        if (name == NULL || type < 0) {
            *errmsg = apr_psprintf(pool,
                                   "%s: variable %d needs a name and a type "
                                   "(input, return or branch)",
                                   where, k + 1);
            return APR_EINVAL;
        }
        has_out |= type == VAR_BRANCH && !strcmp(name, "out");
        {
            const char *args[] = {test_id,
                                  name,
                                  apr_itoa(pool, type),
                                  v ? cc_starter_member_string(v, "description") : NULL,
                                  v ? member_text(v, "value") : NULL,
                                  NULL};
            rv = cc_db_query(db, pool, NULL,
                             "INSERT INTO test_variable (test_id, name, type, description, value) "
                             "VALUES (%s, %s, %s, %s, %s)",
                             5, args);
        }
        if (rv != APR_SUCCESS) {
            *errmsg = apr_psprintf(pool, "%s: variable %s: %s", where, name,
                                   db->last_error ? db->last_error : "refused");
            return rv;
        }
    }
    return APR_SUCCESS;
}

/* The ports a new node gets (spec 2.6): one per variable of the source test;
 * a begin node shows the flow's inputs as returns, a finish node the flow's
 * returns as inputs. */
static apr_status_t default_ports(cc_db *db, apr_pool_t *pool, int node_type, const char *source_id,
                                  apr_array_header_t *ports, const char **errmsg)
{
    const char *args[] = {source_id, NULL};
    cc_rows *rows = NULL;
    apr_status_t rv = cc_db_select(db, pool, &rows,
                                   "SELECT id, name, type, value FROM test_variable "
                                   "WHERE test_id = %s ORDER BY id",
                                   1, args);
    int r;

    if (rv != APR_SUCCESS)
        return db_failed(db, errmsg, rv);
    for (r = 0; r < rows->nrows; r++) {
        const char **row = rows->values[r];
        int type = (int)strtol(row[2], NULL, 10);
        port *p;
        if (node_type == NODE_BEGIN) {
            if (type != VAR_INPUT)
                continue;
            type = VAR_RETURN;
        } else if (node_type == NODE_FINISH) {
            if (type != VAR_RETURN)
                continue;
            type = VAR_INPUT;
        }
        p = apr_array_push(ports);
        memset(p, 0, sizeof(*p));
        p->name = row[1];
        p->variable_id = row[0];
        p->value = row[3];
        p->pointer_variable = row[1];
        p->type = type;
        p->is_string = 1;
        p->default_value = 1;
        p->exposed = type == VAR_BRANCH;
    }
    return APR_SUCCESS;
}

/* Applies the node's "ports" list: changes to the default ports, and the
 * dynamic ports (no variable behind them). */
static apr_status_t apply_ports(apr_pool_t *pool, const char *where, json_object *list,
                                apr_array_header_t *ports, const char **errmsg)
{
    int k, j, n = list ? (int)json_object_array_length(list) : 0;

    for (k = 0; k < n; k++) {
        json_object *spec = json_object_array_get_idx(list, (size_t)k);
        const char *name = cc_starter_member_string(spec, "name"), *value;
        int type = index_of(var_types, cc_starter_member_string(spec, "type")), flag;
        port *p = NULL;
        if (name == NULL || type < 0) {
            *errmsg = apr_psprintf(pool, "%s: port %d needs a name and a type", where, k + 1);
            return APR_EINVAL;
        }
        for (j = 0; j < ports->nelts && p == NULL; j++) {
            port *q = &APR_ARRAY_IDX(ports, j, port);
            if (q->type == type && !strcmp(q->name, name))
                p = q;
        }
        if (p == NULL) {
            if (member_flag(spec, "dynamic") != 1) {
                *errmsg = apr_psprintf(pool,
                                       "%s: port %s (%s) matches no variable of the node's test; "
                                       "a port without one must say \"dynamic\": true",
                                       where, name, var_types[type]);
                return APR_EINVAL;
            }
            p = apr_array_push(ports);
            memset(p, 0, sizeof(*p));
            p->name = name;
            p->type = type;
            p->pointer_variable = name;
            p->is_string = 1;
            p->default_value = 1;
            p->dynamic = 1;
            p->exposed = 1;
        }
        value = member_text(spec, "value");
        if (value || json_object_object_get_ex(spec, "value", NULL)) {
            p->value = value;
            p->default_value = 0;
        }
        if ((flag = member_flag(spec, "string")) >= 0)
            p->is_string = flag;
        if ((flag = member_flag(spec, "exposed")) >= 0)
            p->exposed = flag;
        if ((flag = member_flag(spec, "pointer")) >= 0)
            p->pointer = flag;
        if (cc_starter_member_string(spec, "pointerVariable"))
            p->pointer_variable = cc_starter_member_string(spec, "pointerVariable");
    }
    return APR_SUCCESS;
}

static const char *port_key(apr_pool_t *pool, const char *node, int type, const char *name)
{
    return apr_psprintf(pool, "%s\n%d\n%s", node, type, name);
}

/* One node and its ports; remembers their ids in ids (node key -> id,
 * port_key -> id). */
static apr_status_t insert_node(cc_db *db, apr_pool_t *pool, const char *where, const char *flow_id,
                                json_object *spec, int index, apr_hash_t *ids, const char **errmsg)
{
    const char *key = cc_starter_member_string(spec, "key");
    const char *test = cc_starter_member_string(spec, "test"), *title;
    const char *source_id = flow_id, *node_id, *x, *y;
    int type = index_of(node_types, cc_starter_member_string(spec, "type"));
    apr_array_header_t *ports = apr_array_make(pool, 8, sizeof(port));
    apr_status_t rv;
    int k;

    if (key == NULL || type < 0 || (type == NODE_REGULAR) != (test != NULL)) {
        *errmsg = apr_psprintf(pool,
                               "%s: node %d needs a key, a type (regular, begin or finish) "
                               "and, when regular (only then), the name of its test",
                               where, index + 1);
        return APR_EINVAL;
    }
    where = apr_psprintf(pool, "%s node %s", where, key);
    if (apr_hash_get(ids, key, APR_HASH_KEY_STRING)) {
        *errmsg = apr_psprintf(pool, "%s: the key is used twice", where);
        return APR_EINVAL;
    }
    if (test) {
        const char *args[] = {test, NULL};
        rv = cc_db_select_value(db, pool, &source_id, "SELECT id FROM test WHERE name = %s", 1,
                                args);
        if (rv != APR_SUCCESS)
            return db_failed(db, errmsg, rv);
        if (source_id == NULL) {
            *errmsg = apr_psprintf(pool, "%s: there is no test %s (list it before the flow)", where,
                                   test);
            return APR_EINVAL;
        }
    }
    title = cc_starter_member_string(spec, "title");
    x = member_text(spec, "posX");
    y = member_text(spec, "posY");
    {
        /* Concerto's begin and finish positions; regular nodes in a row. */
        const char *args[] = {flow_id,
                              source_id,
                              title ? title : (test ? test : node_types[type]),
                              apr_itoa(pool, type),
                              x ? x
                                : apr_itoa(pool, type == NODE_FINISH ? 15500 : 15000 + 250 * index),
                              y ? y : apr_itoa(pool, type == NODE_FINISH ? 15100 : 15000),
                              NULL};
        rv = cc_db_query(db, pool, NULL,
                         "INSERT INTO test_node (flow_test_id, source_test_id, title, type, pos_x, "
                         "pos_y) VALUES (%s, %s, %s, %s, %s, %s)",
                         6, args);
    }
    if (rv != APR_SUCCESS)
        return db_failed(db, errmsg, rv);
    {
        const char *args[] = {flow_id, NULL};
        rv = select_id(db, pool, &node_id, "SELECT MAX(id) FROM test_node WHERE flow_test_id = %s",
                       1, args, errmsg);
    }
    if (rv != APR_SUCCESS)
        return rv;
    apr_hash_set(ids, key, APR_HASH_KEY_STRING, node_id);
    if ((rv = default_ports(db, pool, type, source_id, ports, errmsg)) != APR_SUCCESS ||
        (rv = apply_ports(pool, where, member_array(spec, "ports"), ports, errmsg)) != APR_SUCCESS)
        return rv;
    for (k = 0; k < ports->nelts; k++) {
        port *p = &APR_ARRAY_IDX(ports, k, port);
        const char *type_text = apr_itoa(pool, p->type), *port_id;
        const char *args[] = {node_id,
                              p->variable_id,
                              p->name,
                              type_text,
                              p->value,
                              apr_itoa(pool, p->is_string),
                              apr_itoa(pool, p->default_value),
                              apr_itoa(pool, p->dynamic),
                              apr_itoa(pool, p->exposed),
                              apr_itoa(pool, p->pointer),
                              p->pointer_variable,
                              NULL};
        const char *find[] = {node_id, type_text, p->name, NULL};
        rv = cc_db_query(db, pool, NULL,
                         "INSERT INTO test_node_port (node_id, variable_id, name, type, value, "
                         "is_string, default_value, dynamic, exposed, pointer, pointer_variable) "
                         "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                         11, args);
        if (rv != APR_SUCCESS)
            return db_failed(db, errmsg, rv);
        rv = select_id(db, pool, &port_id,
                       "SELECT id FROM test_node_port WHERE node_id = %s AND type = %s "
                       "AND name = %s",
                       3, find, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        apr_hash_set(ids, port_key(pool, key, p->type, p->name), APR_HASH_KEY_STRING, port_id);
    }
    return APR_SUCCESS;
}

/* An execution edge (from a branch port, or port-less from the begin
 * node, to no port) or a data edge (from a return port to an input port). */
static apr_status_t insert_connection(cc_db *db, apr_pool_t *pool, const char *where,
                                      const char *flow_id, json_object *spec, int index,
                                      apr_hash_t *ids, const char **errmsg)
{
    const char *from = cc_starter_member_string(spec, "from");
    const char *to = cc_starter_member_string(spec, "to");
    const char *from_port = cc_starter_member_string(spec, "fromPort");
    const char *to_port = cc_starter_member_string(spec, "toPort");
    const char *function = cc_starter_member_string(spec, "returnFunction");
    const char *from_id = from ? apr_hash_get(ids, from, APR_HASH_KEY_STRING) : NULL;
    const char *to_id = to ? apr_hash_get(ids, to, APR_HASH_KEY_STRING) : NULL;
    const char *source_port = NULL, *destination_port = NULL;
    apr_status_t rv;

    where = apr_psprintf(pool, "%s connection %d (%s -> %s)", where, index + 1, from ? from : "?",
                         to ? to : "?");
    if (from_id == NULL || to_id == NULL) {
        *errmsg = apr_psprintf(pool, "%s: from and to must be keys of nodes listed above", where);
        return APR_EINVAL;
    }
    if (from_port)
        source_port =
            apr_hash_get(ids, port_key(pool, from, to_port ? VAR_RETURN : VAR_BRANCH, from_port),
                         APR_HASH_KEY_STRING);
    if (to_port)
        destination_port =
            apr_hash_get(ids, port_key(pool, to, VAR_INPUT, to_port), APR_HASH_KEY_STRING);
    if ((from_port && !source_port) || (to_port && (!destination_port || !from_port))) {
        *errmsg =
            apr_psprintf(pool,
                         "%s: an execution edge goes from a branch port (or from no port of "
                         "the begin node) to no port; a data edge from a return port to "
                         "an input port; %s%s%s%s do not fit",
                         where, from_port ? "fromPort " : "no fromPort", from_port ? from_port : "",
                         to_port ? ", toPort " : ", no toPort", to_port ? to_port : "");
        return APR_EINVAL;
    }
    {
        const char *args[] = {flow_id,
                              from_id,
                              source_port,
                              to_id,
                              destination_port,
                              function ? function : from_port,
                              function ? "0" : "1",
                              NULL};
        rv = cc_db_query(db, pool, NULL,
                         "INSERT INTO test_node_connection (flow_test_id, source_node_id, "
                         "source_port_id, destination_node_id, destination_port_id, "
                         "return_function, default_return_function) "
                         "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                         7, args);
    }
    return rv == APR_SUCCESS ? APR_SUCCESS : db_failed(db, errmsg, rv);
}

static apr_status_t insert_flow(cc_db *db, apr_pool_t *pool, const char *where, const char *flow_id,
                                json_object *test, const char **errmsg)
{
    json_object *nodes = member_array(test, "nodes"), *edges = member_array(test, "connections");
    apr_hash_t *ids = apr_hash_make(pool);
    int k, n = nodes ? (int)json_object_array_length(nodes) : 0, begins = 0, finishes = 0;
    apr_status_t rv;

    for (k = 0; k < n; k++) {
        const char *type =
            cc_starter_member_string(json_object_array_get_idx(nodes, (size_t)k), "type");
        begins += type && !strcmp(type, "begin");
        finishes += type && !strcmp(type, "finish");
    }
    if (begins != 1 || finishes != 1) {
        *errmsg = apr_psprintf(pool, "%s: a flow needs one begin node and one finish node", where);
        return APR_EINVAL;
    }
    for (k = 0; k < n; k++) {
        rv = insert_node(db, pool, where, flow_id, json_object_array_get_idx(nodes, (size_t)k), k,
                         ids, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
    }
    for (k = 0; edges && k < (int)json_object_array_length(edges); k++) {
        rv = insert_connection(db, pool, where, flow_id,
                               json_object_array_get_idx(edges, (size_t)k), k, ids, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}

static apr_status_t insert_test(cc_db *db, apr_pool_t *pool, const char *dir, json_object *test,
                                int flow, long now, const char **errmsg)
{
    const char *slug = cc_starter_member_string(test, "slug");
    const char *name = cc_starter_member_string(test, "name");
    const char *visibility = cc_starter_member_string(test, "visibility");
    const char *where = apr_psprintf(pool, "tests.json: test %s", name), *code = NULL, *test_id;
    const char *now_text = apr_ltoa(pool, now);
    apr_status_t rv;

    if (visibility && strcmp(visibility, "regular") != 0 && strcmp(visibility, "subtest") != 0) {
        *errmsg = apr_psprintf(pool, "%s: visibility is regular or subtest", where);
        return APR_EINVAL;
    }
    if (!flow) {
        rv = cc_starter_read_text(pool, dir, cc_starter_member_string(test, "code"), &code, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        if (code == NULL) {
            *errmsg = apr_psprintf(pool, "%s: a code test names its R file in \"code\"", where);
            return APR_EINVAL;
        }
    }
    {
        const char *args[] = {name,
                              slug,
                              cc_starter_member_string(test, "description"),
                              flow ? "2" : "0",
                              visibility && !strcmp(visibility, "subtest") ? "2" : "0",
                              code,
                              now_text,
                              now_text,
                              NULL};
        rv = cc_db_query(db, pool, NULL,
                         "INSERT INTO test (name, slug, description, type, visibility, code, "
                         "accessibility, starter_content, created, updated, updated_by) "
                         "VALUES (%s, %s, %s, %s, %s, %s, 2, 1, %s, %s, 'starter')",
                         8, args);
    }
    if (rv != APR_SUCCESS)
        return db_failed(db, errmsg, rv);
    {
        const char *args[] = {name, NULL};
        rv = select_id(db, pool, &test_id, "SELECT id FROM test WHERE name = %s", 1, args, errmsg);
    }
    if (rv == APR_SUCCESS)
        rv = insert_variables(db, pool, where, test_id, member_array(test, "variables"), errmsg);
    if (rv == APR_SUCCESS && flow)
        rv = insert_flow(db, pool, where, test_id, test, errmsg);
    return rv;
}

apr_status_t cc_starter_rtest_load(cc_db *db, apr_pool_t *pool, const char *dir, json_object *test,
                                   long now, int *created, const char **errmsg)
{
    const char *slug = cc_starter_member_string(test, "slug");
    const char *name = cc_starter_member_string(test, "name");
    const char *type = cc_starter_member_string(test, "type"), *found = NULL;
    apr_dbd_transaction_t *txn = NULL;
    apr_status_t rv;

    *created = 0;
    if (slug == NULL || name == NULL) {
        *errmsg = "tests.json: a test needs a slug and a name";
        return APR_EINVAL;
    }
    {
        const char *args[] = {slug, name, NULL};
        rv = cc_db_select_value(db, pool, &found,
                                "SELECT id FROM test WHERE slug = %s OR name = %s", 2, args);
    }
    if (rv != APR_SUCCESS)
        return db_failed(db, errmsg, rv);
    if (found)
        return APR_SUCCESS;
    rv = cc_db_begin(db, pool, &txn);
    if (rv != APR_SUCCESS)
        return db_failed(db, errmsg, rv);
    /* A half-written test would be "kept" by the next load: all or nothing. */
    rv = insert_test(db, pool, dir, test, type && !strcmp(type, "flow"), now, errmsg);
    if (cc_db_end(db, pool, txn, rv != APR_SUCCESS) != APR_SUCCESS && rv == APR_SUCCESS)
        rv = db_failed(db, errmsg, APR_EGENERAL);
    *created = rv == APR_SUCCESS;
    return rv;
}
