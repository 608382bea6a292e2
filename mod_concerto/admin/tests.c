#include "tests.h"

#include "core/json_pool.h"
#include "store/revision.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

#define W CC_FIELD_WRITE
#define R CC_FIELD_REQUIRED
#define S CC_FIELD_SORT
#define Q CC_FIELD_SEARCH
#define F CC_FIELD_FILTER
#define N CC_FIELD_NOLIST

static const cc_field test_fields[] = {
    {"name", CC_FIELD_TEXT, W | R | S | Q, 0, 64},
    {"slug", CC_FIELD_TEXT, W | S | Q, 0, 64},
    {"description", CC_FIELD_TEXT, W | Q, 0, 0},
    /* 3: the platform's native adaptive assessment (migration 0003). */
    {"type", CC_FIELD_INT, W | S | F, 0, 3},
    {"visibility", CC_FIELD_INT, W | S | F, 0, 2},
    {"code", CC_FIELD_TEXT, W | N, 0, 0},
    {"protected", CC_FIELD_BOOL, W | F, 0, 0},
    {"base_template_id", CC_FIELD_INT, W, 0, 0},
    {"source_wizard_id", CC_FIELD_INT, W, 0, 0},
    {"settings", CC_FIELD_TEXT, W | N, 0, 0},
    {"config_override", CC_FIELD_TEXT, W | N, 0, 0},
};
const cc_kind cc_kind_test = {
    "test", "test", NULL, test_fields, 11, CC_KIND_ACCESS | CC_KIND_REVISION | CC_KIND_AUDIT,
    "name"};

static const cc_field variable_fields[] = {
    {"name", CC_FIELD_TEXT, W | R | S | Q, 0, 64},    {"type", CC_FIELD_INT, W | R | S | F, 0, 2},
    {"description", CC_FIELD_TEXT, W, 0, 0},          {"value", CC_FIELD_TEXT, W, 0, 0},
    {"passable_through_url", CC_FIELD_BOOL, W, 0, 0},
};
const cc_kind cc_kind_test_variable = {
    "variable", "test_variable", "test_id", variable_fields, 5, 0, NULL};

static const cc_field node_fields[] = {
    {"title", CC_FIELD_TEXT, W | S | Q, 0, 255},
    {"type", CC_FIELD_INT, W | S | F, 0, 2},
    {"pos_x", CC_FIELD_INT, W, 0, 0},
    {"pos_y", CC_FIELD_INT, W, 0, 0},
    {"source_test_id", CC_FIELD_INT, W | S | F, 0, 0},
};
const cc_kind cc_kind_test_node = {"node", "test_node", "flow_test_id", node_fields, 5, 0, NULL};

static const cc_field port_fields[] = {
    {"name", CC_FIELD_TEXT, W | R | S, 0, 64},
    {"type", CC_FIELD_INT, W | R | S | F, 0, 2},
    {"value", CC_FIELD_TEXT, W, 0, 0},
    {"is_string", CC_FIELD_BOOL, W, 0, 0},
    {"default_value", CC_FIELD_BOOL, W, 0, 0},
    {"dynamic", CC_FIELD_BOOL, W, 0, 0},
    {"exposed", CC_FIELD_BOOL, W, 0, 0},
    {"pointer", CC_FIELD_BOOL, W, 0, 0},
    {"pointer_variable", CC_FIELD_TEXT, W, 0, 64},
    {"variable_id", CC_FIELD_INT, S, 0, 0},
};
const cc_kind cc_kind_test_port = {"port", "test_node_port", "node_id", port_fields, 10, 0, NULL};

static const cc_field connection_fields[] = {
    {"source_node_id", CC_FIELD_INT, W | R | S, 0, 0},
    {"source_port_id", CC_FIELD_INT, W, 0, 0},
    {"destination_node_id", CC_FIELD_INT, W | R | S, 0, 0},
    {"destination_port_id", CC_FIELD_INT, W, 0, 0},
    {"return_function", CC_FIELD_TEXT, W, 0, 0},
    {"default_return_function", CC_FIELD_BOOL, W, 0, 0},
};
const cc_kind cc_kind_test_connection = {
    "connection", "test_node_connection", "flow_test_id", connection_fields, 6, 0, NULL};

#undef W
#undef R
#undef S
#undef Q
#undef F
#undef N

const char *cc_admin_slugify(apr_pool_t *pool, const char *name)
{
    char *out = apr_palloc(pool, 65);
    apr_size_t n = 0;
    int dash = 0;

    for (; name && *name && n < 64; name++) {
        unsigned char c = (unsigned char)*name;
        if (apr_isalnum(c) && c < 128) {
            if (dash && n > 0 && n < 63)
                out[n++] = '-';
            dash = 0;
            out[n++] = (char)apr_tolower(c);
        } else
            dash = 1;
    }
    out[n] = '\0';
    return n ? out : "test";
}

static apr_status_t fail_db(cc_admin_error *err, cc_db *db, apr_pool_t *pool, const char *doing)
{
    return cc_admin_db_fail(err, db, pool, doing);
}

/* A slug not used by another test: base, base-2, base-3... */
static apr_status_t free_slug(cc_db *db, apr_pool_t *pool, const char *base, long self,
                              const char **out, cc_admin_error *err)
{
    int k;

    for (k = 1; k < 1000; k++) {
        const char *candidate = k == 1 ? base : apr_psprintf(pool, "%.*s-%d", 58, base, k);
        const char *args[] = {candidate, apr_ltoa(pool, self)};
        const char *found = NULL;
        if (cc_db_select_value(db, pool, &found, "SELECT id FROM test WHERE slug = %s AND id <> %s",
                               2, args) != APR_SUCCESS)
            return fail_db(err, db, pool, "checking a slug");
        if (found == NULL) {
            *out = candidate;
            return APR_SUCCESS;
        }
    }
    return cc_admin_fail(err, 409, "slug", "no free slug was found for this name");
}

static apr_status_t check_slug(cc_db *db, apr_pool_t *pool, json_object *in, long self,
                               cc_admin_error *err)
{
    json_object *v = NULL;
    const char *slug, *found = NULL;
    const char *args[2];
    const char *p;

    if (!json_object_object_get_ex(in, "slug", &v) || !json_object_is_type(v, json_type_string))
        return APR_SUCCESS;
    slug = json_object_get_string(v);
    for (p = slug; *p; p++)
        if (!apr_isalnum(*p) && *p != '-' && *p != '_')
            return cc_admin_fail(err, 422, "slug",
                                 "slug may only hold letters, digits, '-' and '_' (it is part of "
                                 "the test's address)");
    args[0] = slug;
    args[1] = apr_ltoa(pool, self);
    if (*slug &&
        cc_db_select_value(db, pool, &found, "SELECT id FROM test WHERE slug = %s AND id <> %s", 2,
                           args) != APR_SUCCESS)
        return fail_db(err, db, pool, "checking a slug");
    if (found)
        return cc_admin_fail(err, 409, "slug",
                             apr_psprintf(pool, "the slug \"%s\" is used by another test", slug));
    return APR_SUCCESS;
}

static apr_status_t variables_of(cc_db *db, apr_pool_t *pool, long test_id, cc_rows **rows,
                                 cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, test_id)};

    if (cc_db_select(db, pool, rows,
                     "SELECT id, name, type, value FROM test_variable WHERE test_id = %s "
                     "ORDER BY id",
                     1, args) != APR_SUCCESS)
        return fail_db(err, db, pool, "reading a test's variables");
    return APR_SUCCESS;
}

/* Ports of a new node (spec 2.6): one per variable of the source test;
 * begin nodes show the flow's parameters as returns, finish nodes its
 * returns as inputs; only branches are exposed. */
static apr_status_t make_ports(cc_db *db, apr_pool_t *pool, long node_id, long source_test_id,
                               int node_type, cc_admin_error *err)
{
    cc_rows *vars = NULL;
    int i;

    if (variables_of(db, pool, source_test_id, &vars, err) != APR_SUCCESS)
        return APR_EGENERAL;
    for (i = 0; i < vars->nrows; i++) {
        int vtype = (int)cc_admin_number(vars->values[i][2]), ptype = vtype;
        const char *args[7];
        if (node_type == CC_NODE_BEGIN) {
            if (vtype != CC_VAR_PARAM)
                continue;
            ptype = CC_VAR_RETURN;
        } else if (node_type == CC_NODE_FINISH) {
            if (vtype != CC_VAR_RETURN)
                continue;
            ptype = CC_VAR_PARAM;
        }
        args[0] = apr_ltoa(pool, node_id);
        args[1] = vars->values[i][0];
        args[2] = vars->values[i][1];
        args[3] = apr_itoa(pool, ptype);
        args[4] = vars->values[i][3];
        args[5] = ptype == CC_VAR_BRANCH ? "1" : "0";
        args[6] = vars->values[i][1];
        if (cc_db_query(db, pool, NULL,
                        "INSERT INTO test_node_port (node_id, variable_id, name, type, value, "
                        "is_string, default_value, dynamic, exposed, pointer, pointer_variable) "
                        "VALUES (%s, %s, %s, %s, %s, 1, 1, 0, %s, 0, %s)",
                        7, args) != APR_SUCCESS)
            return fail_db(err, db, pool, "adding a node's ports");
    }
    return APR_SUCCESS;
}

static apr_status_t insert_node(cc_db *db, apr_pool_t *pool, long flow_id, long source_id, int type,
                                const char *title, int x, int y, long *id, cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, flow_id), apr_ltoa(pool, source_id), title,
                          apr_itoa(pool, type),    apr_itoa(pool, x),         apr_itoa(pool, y)};

    if (cc_db_query(db, pool, NULL,
                    "INSERT INTO test_node (flow_test_id, source_test_id, title, type, pos_x, "
                    "pos_y) VALUES (%s, %s, %s, %s, %s, %s)",
                    6, args) != APR_SUCCESS ||
        cc_admin_last_id(db, pool, id) != APR_SUCCESS)
        return fail_db(err, db, pool, "adding a node");
    return make_ports(db, pool, *id, source_id, type, err);
}

typedef struct test_create_args {
    json_object *in;
    const cc_admin_actor *actor;
    long now;
    long *id;
} test_create_args;

static apr_status_t test_create_txn(cc_db *db, apr_pool_t *pool, void *baton, cc_admin_error *err)
{
    test_create_args *a = baton;
    json_object *v = NULL, *in = a->in;
    const char *args[2];
    long node_id;
    int type = 0;

    if (check_slug(db, pool, in, 0, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (!json_object_object_get_ex(in, "slug", &v) || !json_object_is_type(v, json_type_string) ||
        !*json_object_get_string(v)) {
        /* Concerto makes the slug from the name; a copy of the object
         * keeps the caller's untouched. */
        json_object *name = NULL;
        const char *slug = NULL;
        json_object_object_get_ex(in, "name", &name);
        if (free_slug(db, pool,
                      cc_admin_slugify(pool, name && json_object_is_type(name, json_type_string)
                                                 ? json_object_get_string(name)
                                                 : NULL),
                      0, &slug, err) != APR_SUCCESS)
            return APR_EGENERAL;
        json_object_object_add(in, "slug", json_object_new_string(slug));
    }
    if (cc_entity_create(db, pool, &cc_kind_test, 0, in, a->actor, a->now, a->id, err) !=
        APR_SUCCESS)
        return APR_EGENERAL;
    args[0] = apr_ltoa(pool, *a->id);
    if (cc_db_query(db, pool, NULL,
                    "INSERT INTO test_variable (test_id, name, type, passable_through_url) "
                    "VALUES (%s, 'out', 2, 0)",
                    1, args) != APR_SUCCESS)
        return fail_db(err, db, pool, "adding the test's out variable");
    if (json_object_object_get_ex(in, "type", &v))
        type = json_object_get_int(v);
    if (type == CC_TEST_TYPE_FLOW && (insert_node(db, pool, *a->id, *a->id, CC_NODE_BEGIN, "",
                                                  15000, 15000, &node_id, err) != APR_SUCCESS ||
                                      insert_node(db, pool, *a->id, *a->id, CC_NODE_FINISH, "",
                                                  15500, 15100, &node_id, err) != APR_SUCCESS))
        return APR_EGENERAL;
    return APR_SUCCESS;
}

apr_status_t cc_admin_test_create(cc_db *db, apr_pool_t *pool, json_object *in,
                                  const cc_admin_actor *actor, long now, long *id,
                                  cc_admin_error *err)
{
    test_create_args a = {in, actor, now, id};

    return cc_admin_in_transaction(db, pool, test_create_txn, &a, err);
}

static json_object *rows_json(const cc_kind *kind, const cc_rows *rows)
{
    json_object *list = json_object_new_array();
    int i;

    for (i = 0; i < rows->nrows; i++)
        json_object_array_add(list, cc_admin_row_json(kind, rows, i));
    return list;
}

apr_status_t cc_admin_test_get(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                               json_object **out, cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, id)};
    cc_rows *rows = NULL;

    if (cc_entity_get(db, pool, &cc_kind_test, 0, id, actor, out, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (cc_db_select(db, pool, &rows,
                     "SELECT id, test_id, name, type, description, value, passable_through_url "
                     "FROM test_variable WHERE test_id = %s ORDER BY id",
                     1, args) != APR_SUCCESS)
        return fail_db(err, db, pool, "reading a test's variables");
    json_object_object_add(*out, "variables", rows_json(&cc_kind_test_variable, rows));
    return APR_SUCCESS;
}

/* ---- children ---- */

/* The ports of the nodes of flow test_id (node_id 0) or of one node, as
 * JSON lists keyed by node id. */
static apr_status_t ports_by_node(cc_db *db, apr_pool_t *pool, long test_id, long node_id,
                                  apr_hash_t **out, cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, test_id), apr_ltoa(pool, node_id)};
    cc_rows *rows = NULL;
    int i;

    if (cc_db_select(db, pool, &rows,
                     node_id ? "SELECT p.id, p.node_id, p.name, p.type, p.value, p.is_string, "
                               "p.default_value, p.dynamic, p.exposed, p.pointer, "
                               "p.pointer_variable, p.variable_id FROM test_node_port p JOIN "
                               "test_node n ON n.id = p.node_id WHERE n.flow_test_id = %s AND "
                               "p.node_id = %s ORDER BY p.id"
                             : "SELECT p.id, p.node_id, p.name, p.type, p.value, p.is_string, "
                               "p.default_value, p.dynamic, p.exposed, p.pointer, "
                               "p.pointer_variable, p.variable_id FROM test_node_port p JOIN "
                               "test_node n ON n.id = p.node_id WHERE n.flow_test_id = %s "
                               "ORDER BY p.id",
                     node_id ? 2 : 1, args) != APR_SUCCESS)
        return fail_db(err, db, pool, "reading a flow's ports");
    *out = apr_hash_make(pool);
    for (i = 0; i < rows->nrows; i++) {
        const char *key = rows->values[i][1];
        json_object *list = apr_hash_get(*out, key, APR_HASH_KEY_STRING);
        if (list == NULL) {
            list = cc_json_owned(pool, json_object_new_array());
            apr_hash_set(*out, key, APR_HASH_KEY_STRING, list);
        }
        json_object_array_add(list, cc_admin_row_json(&cc_kind_test_port, rows, i));
    }
    return APR_SUCCESS;
}

static void attach_ports(json_object *node, apr_hash_t *ports)
{
    json_object *id = NULL, *list;
    const char *key;

    json_object_object_get_ex(node, "id", &id);
    key = json_object_get_string(id);
    list = apr_hash_get(ports, key, APR_HASH_KEY_STRING);
    json_object_object_add(node, "ports", list ? json_object_get(list) : json_object_new_array());
}

static apr_status_t check_test(cc_db *db, apr_pool_t *pool, long test_id,
                               const cc_admin_actor *actor, cc_admin_error *err)
{
    return cc_entity_check(db, pool, &cc_kind_test, 0, test_id, actor, NULL, err);
}

apr_status_t cc_admin_test_child_list(cc_db *db, apr_pool_t *pool, const cc_kind *kind,
                                      long test_id, const cc_list_query *lq,
                                      const cc_admin_actor *actor, json_object **out,
                                      cc_admin_error *err)
{
    json_object *items = NULL;
    apr_hash_t *ports = NULL;
    size_t i;

    if (check_test(db, pool, test_id, actor, err) != APR_SUCCESS ||
        cc_entity_list(db, pool, kind, test_id, lq, actor, out, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (kind != &cc_kind_test_node)
        return APR_SUCCESS;
    if (ports_by_node(db, pool, test_id, 0, &ports, err) != APR_SUCCESS)
        return APR_EGENERAL;
    json_object_object_get_ex(*out, "items", &items);
    for (i = 0; i < json_object_array_length(items); i++)
        attach_ports(json_object_array_get_idx(items, i), ports);
    return APR_SUCCESS;
}

apr_status_t cc_admin_test_child_get(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long test_id,
                                     long id, const cc_admin_actor *actor, json_object **out,
                                     cc_admin_error *err)
{
    apr_hash_t *ports = NULL;

    if (check_test(db, pool, test_id, actor, err) != APR_SUCCESS ||
        cc_entity_get(db, pool, kind, test_id, id, actor, out, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (kind != &cc_kind_test_node)
        return APR_SUCCESS;
    if (ports_by_node(db, pool, test_id, id, &ports, err) != APR_SUCCESS)
        return APR_EGENERAL;
    attach_ports(*out, ports);
    return APR_SUCCESS;
}

/* After any change below a test: its revision, updated and updated_by. */
static apr_status_t touch_test(cc_db *db, apr_pool_t *pool, long test_id,
                               const cc_admin_actor *actor, long now, cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, now), actor && actor->username ? actor->username : NULL,
                          apr_ltoa(pool, test_id)};

    if (cc_db_query(db, pool, NULL, "UPDATE test SET updated = %s, updated_by = %s WHERE id = %s",
                    3, args) != APR_SUCCESS ||
        cc_revision_bump_test(db, pool, test_id) != APR_SUCCESS)
        return fail_db(err, db, pool, "bumping the test's revision");
    return APR_SUCCESS;
}

/* 422 unless id names a row of table under test_id (nodes and ports of
 * this flow, variables of this test). */
static apr_status_t check_member(cc_db *db, apr_pool_t *pool, const char *sql, long test_id,
                                 json_object *in, const char *field, const char *missing, int nargs,
                                 cc_admin_error *err)
{
    json_object *v = NULL;
    const char *found = NULL, *args[2];

    if (!json_object_object_get_ex(in, field, &v) || json_object_is_type(v, json_type_null))
        return APR_SUCCESS;
    if (!json_object_is_type(v, json_type_int))
        return cc_admin_fail(err, 422, field, apr_psprintf(pool, "%s must be an id", field));
    args[0] = apr_ltoa(pool, (long)json_object_get_int64(v));
    args[1] = apr_ltoa(pool, test_id);
    if (cc_db_select_value(db, pool, &found, sql, nargs, args) != APR_SUCCESS)
        return fail_db(err, db, pool, "checking an id");
    if (found == NULL)
        return cc_admin_fail(err, 422, field,
                             apr_pstrcat(pool, field, " ", args[0], ": ", missing, NULL));
    return APR_SUCCESS;
}

#define NOT_HERE "it does not belong to this test"
#define NODE_OF_FLOW "SELECT id FROM test_node WHERE id = %s AND flow_test_id = %s"
#define PORT_OF_FLOW                                                                               \
    "SELECT p.id FROM test_node_port p JOIN test_node n ON n.id = p.node_id WHERE p.id = %s AND "  \
    "n.flow_test_id = %s"

static apr_status_t check_connection(cc_db *db, apr_pool_t *pool, long test_id, json_object *in,
                                     cc_admin_error *err)
{
    if (check_member(db, pool, NODE_OF_FLOW, test_id, in, "source_node_id", NOT_HERE, 2, err) ||
        check_member(db, pool, NODE_OF_FLOW, test_id, in, "destination_node_id", NOT_HERE, 2,
                     err) ||
        check_member(db, pool, PORT_OF_FLOW, test_id, in, "source_port_id", NOT_HERE, 2, err) ||
        check_member(db, pool, PORT_OF_FLOW, test_id, in, "destination_port_id", NOT_HERE, 2, err))
        return APR_EGENERAL;
    return APR_SUCCESS;
}

static apr_status_t check_variable_unique(cc_db *db, apr_pool_t *pool, long test_id, long self,
                                          json_object *in, cc_admin_error *err)
{
    json_object *name = NULL, *type = NULL;
    const char *found = NULL, *args[4];

    if (!json_object_object_get_ex(in, "name", &name) ||
        !json_object_object_get_ex(in, "type", &type))
        return APR_SUCCESS;
    args[0] = apr_ltoa(pool, test_id);
    args[1] = json_object_get_string(name);
    args[2] = apr_itoa(pool, json_object_get_int(type));
    args[3] = apr_ltoa(pool, self);
    if (cc_db_select_value(db, pool, &found,
                           "SELECT id FROM test_variable WHERE test_id = %s AND name = %s AND "
                           "type = %s AND id <> %s",
                           4, args) != APR_SUCCESS)
        return fail_db(err, db, pool, "checking a variable's name");
    if (found)
        return cc_admin_fail(err, 409, "name",
                             apr_psprintf(pool,
                                          "this test has a variable \"%s\" of this type "
                                          "already",
                                          args[1]));
    return APR_SUCCESS;
}

typedef struct child_args {
    const cc_kind *kind;
    long test_id, id;
    json_object *in;
    const cc_admin_actor *actor;
    long now;
    long *new_id;
    int op; /* 0 create, 1 update, 2 delete */
} child_args;

static apr_status_t node_create(cc_db *db, apr_pool_t *pool, child_args *a, cc_admin_error *err)
{
    json_object *v = NULL;
    const char *title = NULL;
    long source = a->test_id;
    int type = 0, x = 0, y = 0;

    /* Any test may run in a node. */
    if (check_member(db, pool, "SELECT id FROM test WHERE id = %s", a->test_id, a->in,
                     "source_test_id", "there is no such test", 1, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (json_object_object_get_ex(a->in, "type", &v)) {
        const cc_field f = {"type", CC_FIELD_INT, 0, 0, 2};
        const char *text = NULL;
        if (cc_admin_field_value(pool, &f, v, &text, err) != APR_SUCCESS)
            return APR_EGENERAL;
        type = text ? (int)cc_admin_number(text) : 0;
    }
    if (json_object_object_get_ex(a->in, "source_test_id", &v) &&
        json_object_is_type(v, json_type_int))
        source = (long)json_object_get_int64(v);
    else if (type == CC_NODE_REGULAR)
        return cc_admin_fail(err, 422, "source_test_id",
                             "a node needs source_test_id, the test it runs");
    if (json_object_object_get_ex(a->in, "title", &v) && json_object_is_type(v, json_type_string))
        title = json_object_get_string(v);
    if (json_object_object_get_ex(a->in, "pos_x", &v))
        x = json_object_get_int(v);
    if (json_object_object_get_ex(a->in, "pos_y", &v))
        y = json_object_get_int(v);
    return insert_node(db, pool, a->test_id, source, type, title, x, y, a->new_id, err);
}

/* Rows that point at what is deleted without a cascade: connections. */
static apr_status_t unlink_connections(cc_db *db, apr_pool_t *pool, const char *sql, long id,
                                       cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, id), apr_ltoa(pool, id)};

    if (cc_db_query(db, pool, NULL, sql, 2, args) != APR_SUCCESS)
        return fail_db(err, db, pool, "removing the connections of what is deleted");
    return APR_SUCCESS;
}

static apr_status_t child_txn(cc_db *db, apr_pool_t *pool, void *baton, cc_admin_error *err)
{
    child_args *a = baton;

    if (check_test(db, pool, a->test_id, a->actor, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (a->op == 2) {
        if (cc_entity_check(db, pool, a->kind, a->test_id, a->id, a->actor, NULL, err))
            return APR_EGENERAL;
        if (a->kind == &cc_kind_test_node &&
            unlink_connections(db, pool,
                               "DELETE FROM test_node_connection WHERE source_node_id = %s OR "
                               "destination_node_id = %s",
                               a->id, err) != APR_SUCCESS)
            return APR_EGENERAL;
        if (a->kind == &cc_kind_test_variable &&
            unlink_connections(db, pool,
                               "DELETE FROM test_node_connection WHERE source_port_id IN (SELECT "
                               "id FROM test_node_port WHERE variable_id = %s) OR "
                               "destination_port_id IN (SELECT id FROM test_node_port WHERE "
                               "variable_id = %s)",
                               a->id, err) != APR_SUCCESS)
            return APR_EGENERAL;
        if (cc_entity_delete(db, pool, a->kind, a->test_id, a->id, a->actor, err) != APR_SUCCESS)
            return APR_EGENERAL;
    } else {
        if (a->kind == &cc_kind_test_connection &&
            check_connection(db, pool, a->test_id, a->in, err) != APR_SUCCESS)
            return APR_EGENERAL;
        if (a->kind == &cc_kind_test_variable &&
            check_variable_unique(db, pool, a->test_id, a->op ? a->id : 0, a->in, err) !=
                APR_SUCCESS)
            return APR_EGENERAL;
        if (a->op == 0 && a->kind == &cc_kind_test_node) {
            if (node_create(db, pool, a, err) != APR_SUCCESS)
                return APR_EGENERAL;
        } else if (a->op == 0) {
            if (cc_entity_create(db, pool, a->kind, a->test_id, a->in, a->actor, a->now, a->new_id,
                                 err) != APR_SUCCESS)
                return APR_EGENERAL;
        } else if (cc_entity_update(db, pool, a->kind, a->test_id, a->id, a->in, a->actor, a->now,
                                    err) != APR_SUCCESS)
            return APR_EGENERAL;
    }
    return touch_test(db, pool, a->test_id, a->actor, a->now, err);
}

apr_status_t cc_admin_test_child_create(cc_db *db, apr_pool_t *pool, const cc_kind *kind,
                                        long test_id, json_object *in, const cc_admin_actor *actor,
                                        long now, long *id, cc_admin_error *err)
{
    child_args a = {kind, test_id, 0, in, actor, now, id, 0};

    return cc_admin_in_transaction(db, pool, child_txn, &a, err);
}

apr_status_t cc_admin_test_child_update(cc_db *db, apr_pool_t *pool, const cc_kind *kind,
                                        long test_id, long id, json_object *in,
                                        const cc_admin_actor *actor, long now, cc_admin_error *err)
{
    child_args a = {kind, test_id, id, in, actor, now, NULL, 1};

    return cc_admin_in_transaction(db, pool, child_txn, &a, err);
}

apr_status_t cc_admin_test_child_delete(cc_db *db, apr_pool_t *pool, const cc_kind *kind,
                                        long test_id, long id, const cc_admin_actor *actor,
                                        long now, cc_admin_error *err)
{
    child_args a = {kind, test_id, id, NULL, actor, now, NULL, 2};

    return cc_admin_in_transaction(db, pool, child_txn, &a, err);
}

typedef struct port_args {
    long test_id, node_id, port_id;
    json_object *in;
    const cc_admin_actor *actor;
    long now;
} port_args;

static apr_status_t port_txn(cc_db *db, apr_pool_t *pool, void *baton, cc_admin_error *err)
{
    port_args *a = baton;

    if (check_test(db, pool, a->test_id, a->actor, err) != APR_SUCCESS ||
        cc_entity_check(db, pool, &cc_kind_test_node, a->test_id, a->node_id, a->actor, NULL,
                        err) != APR_SUCCESS ||
        cc_entity_update(db, pool, &cc_kind_test_port, a->node_id, a->port_id, a->in, a->actor,
                         a->now, err) != APR_SUCCESS)
        return APR_EGENERAL;
    return touch_test(db, pool, a->test_id, a->actor, a->now, err);
}

apr_status_t cc_admin_test_port_update(cc_db *db, apr_pool_t *pool, long test_id, long node_id,
                                       long port_id, json_object *in, const cc_admin_actor *actor,
                                       long now, cc_admin_error *err)
{
    port_args a = {test_id, node_id, port_id, in, actor, now};

    return cc_admin_in_transaction(db, pool, port_txn, &a, err);
}

typedef struct test_write_args {
    long id;
    json_object *in;
    const cc_admin_actor *actor;
    long now;
} test_write_args;

static apr_status_t test_update_txn(cc_db *db, apr_pool_t *pool, void *baton, cc_admin_error *err)
{
    test_write_args *a = baton;
    json_object *v = NULL;

    if (cc_entity_check(db, pool, &cc_kind_test, 0, a->id, a->actor, NULL, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (check_slug(db, pool, a->in, a->id, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (json_object_object_get_ex(a->in, "slug", &v) && json_object_is_type(v, json_type_string) &&
        !*json_object_get_string(v))
        return cc_admin_fail(err, 422, "slug", "slug must not be empty");
    return cc_entity_update(db, pool, &cc_kind_test, 0, a->id, a->in, a->actor, a->now, err);
}

apr_status_t cc_admin_test_update(cc_db *db, apr_pool_t *pool, long id, json_object *in,
                                  const cc_admin_actor *actor, long now, cc_admin_error *err)
{
    test_write_args a = {id, in, actor, now};

    return cc_admin_in_transaction(db, pool, test_update_txn, &a, err);
}

static apr_status_t test_delete_txn(cc_db *db, apr_pool_t *pool, void *baton, cc_admin_error *err)
{
    test_write_args *a = baton;
    const char *args[] = {apr_ltoa(pool, a->id), apr_ltoa(pool, a->id)};
    cc_rows *users = NULL;

    if (cc_entity_check(db, pool, &cc_kind_test, 0, a->id, a->actor, NULL, err) != APR_SUCCESS)
        return APR_EGENERAL;
    /* A node of another flow runs this test: deleting it would break that
     * flow (Concerto refuses too). */
    if (cc_db_select(db, pool, &users,
                     "SELECT DISTINCT t.name FROM test_node n JOIN test t ON t.id = n.flow_test_id "
                     "WHERE n.source_test_id = %s AND n.flow_test_id <> %s ORDER BY t.name",
                     2, args) != APR_SUCCESS)
        return fail_db(err, db, pool, "looking for flows that use the test");
    if (users->nrows > 0)
        return cc_admin_fail(err, 409, NULL,
                             apr_psprintf(pool,
                                          "this test is used by a node of flow test \"%s\"%s; "
                                          "remove that node first",
                                          users->values[0][0],
                                          users->nrows > 1 ? " and others" : ""));
    if (cc_db_query(db, pool, NULL, "DELETE FROM test_node_connection WHERE flow_test_id = %s", 1,
                    args) != APR_SUCCESS ||
        cc_db_query(db, pool, NULL, "DELETE FROM test_node WHERE flow_test_id = %s", 1, args) !=
            APR_SUCCESS)
        return fail_db(err, db, pool, "deleting the test's flow");
    return cc_entity_delete(db, pool, &cc_kind_test, 0, a->id, a->actor, err);
}

apr_status_t cc_admin_test_delete(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                  cc_admin_error *err)
{
    test_write_args a = {id, NULL, actor, 0};

    return cc_admin_in_transaction(db, pool, test_delete_txn, &a, err);
}
