#include "sessions.h"

#include "core/files.h"
#include "core/json_pool.h"
#include "store/datatable.h"
#include "store/sessions.h"
#include "tables.h"
#include "tests.h"

#include <apr_strings.h>
#include <string.h>

#define RESPONSES_MAX 100000

/* "1, 5, 9": the ids of the tests actor may see (numbers we print, so
 * the list is safe in SQL); NULL when there is none. */
static apr_status_t visible_tests(cc_db *db, apr_pool_t *pool, const cc_admin_actor *actor,
                                  const char **ids, cc_admin_error *err)
{
    cc_rows *rows = NULL;
    int i;

    *ids = NULL;
    if (cc_db_select(db, pool, &rows,
                     "SELECT id, owner_id, accessibility, object_groups FROM test ORDER BY id", 0,
                     NULL) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading the tests");
    for (i = 0; i < rows->nrows; i++) {
        const char *const *v = rows->values[i];
        if (!cc_admin_actor_allows(actor, cc_admin_number(v[1]), (int)cc_admin_number(v[2]), v[3]))
            continue;
        *ids = apr_psprintf(pool, "%s%s%ld", *ids ? *ids : "", *ids ? ", " : "",
                            cc_admin_number(v[0]));
    }
    return APR_SUCCESS;
}

static const cc_field session_fields[] = {
    {"hash", CC_FIELD_TEXT, 0, 0, 0},
    {"test_id", CC_FIELD_INT, CC_FIELD_SORT, 0, 0},
    {"test_name", CC_FIELD_TEXT, 0, 0, 0},
    {"status", CC_FIELD_INT, CC_FIELD_SORT, 0, 0},
    {"created", CC_FIELD_INT, CC_FIELD_SORT, 0, 0},
    {"updated", CC_FIELD_INT, CC_FIELD_SORT, 0, 0},
    {"client_ip", CC_FIELD_TEXT, 0, 0, 0},
    {"error", CC_FIELD_TEXT, 0, 0, 0},
};
static const cc_kind session_kind = {"session", "test_session", NULL, session_fields, 8, 0, NULL};

#define SESSION_COLUMNS                                                                            \
    "s.id AS id, s.hash AS hash, s.test_id AS test_id, t.name AS test_name, s.status AS status, "  \
    "s.created AS created, s.updated AS updated, s.client_ip AS client_ip, s.error AS error"

apr_status_t cc_admin_sessions_list(cc_db *db, apr_pool_t *pool, const cc_list_query *lq,
                                    const cc_admin_actor *actor, json_object **out,
                                    cc_admin_error *err)
{
    static const char *const sortable[] = {"id", "created", "updated", "status", "test_id", NULL};
    const char *ids = NULL, *where, *order = "id", *count = NULL, *v, *args[2];
    cc_rows *rows = NULL;
    json_object *items;
    int i, nargs = 0;

    if (visible_tests(db, pool, actor, &ids, err) != APR_SUCCESS)
        return APR_EGENERAL;
    where = apr_pstrcat(pool, " WHERE s.test_id IN (", ids ? ids : "0", ")", NULL);
    if ((v = apr_table_get(lq->args, "test_id")) && *v) {
        if (!cc_admin_parse_id(v))
            return cc_admin_fail(err, 400, "test_id", "test_id must be a test's id");
        where = apr_pstrcat(pool, where, " AND s.test_id = %s", NULL);
        args[nargs++] = v;
    }
    if ((v = apr_table_get(lq->args, "status")) && *v) {
        if (strlen(v) != 1 || *v < '0' || *v > '4')
            return cc_admin_fail(err, 400, "status",
                                 "status must be 0 (running), 1 (stopped), 2 (finished), 3 "
                                 "(error) or 4 (rejected)");
        where = apr_pstrcat(pool, where, " AND s.status = %s", NULL);
        args[nargs++] = v;
    }
    if (lq->sort) {
        for (i = 0; sortable[i] && strcmp(sortable[i], lq->sort) != 0; i++)
            ;
        if (sortable[i] == NULL)
            return cc_admin_fail(
                err, 422, "sort",
                apr_psprintf(pool, "sessions cannot be sorted by \"%s\"", lq->sort));
        order = sortable[i];
    }
    if (cc_db_select_value(db, pool, &count,
                           apr_pstrcat(pool, "SELECT COUNT(*) FROM test_session s", where, NULL),
                           nargs, args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "counting sessions");
    if (cc_db_select(
            db, pool, &rows,
            apr_psprintf(pool,
                         "SELECT " SESSION_COLUMNS " FROM test_session s JOIN test t ON "
                         "t.id = s.test_id%s ORDER BY s.%s %s, s.id %s LIMIT %d OFFSET %ld",
                         where, order, lq->desc ? "DESC" : "ASC", lq->desc ? "DESC" : "ASC",
                         lq->per_page, (long)(lq->page - 1) * lq->per_page),
            nargs, args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "listing sessions");
    items = json_object_new_array();
    for (i = 0; i < rows->nrows; i++)
        json_object_array_add(items, cc_admin_row_json(&session_kind, rows, i));
    *out = cc_json_owned(pool, cc_list_answer(lq, items, cc_admin_number(count)));
    return APR_SUCCESS;
}

/* The response table of a test (settings.responseBank.table) and the
 * column holding the session ("session_id" unless mapped); *dt NULL when
 * the test has none. */
static apr_status_t response_table(cc_db *db, apr_pool_t *pool, long test_id, cc_datatable **dt,
                                   const char **session_column, cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, test_id)};
    const char *settings = NULL, *name, *errmsg = NULL;
    json_object *root, *bank = NULL, *v = NULL, *cols = NULL;

    *dt = NULL;
    *session_column = "session_id";
    if (cc_db_select_value(db, pool, &settings, "SELECT settings FROM test WHERE id = %s", 1,
                           args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading the test's settings");
    root = settings ? cc_json_owned(pool, json_tokener_parse(settings)) : NULL;
    if (root == NULL || !json_object_object_get_ex(root, "responseBank", &bank) ||
        !json_object_object_get_ex(bank, "table", &v) || !json_object_is_type(v, json_type_string))
        return APR_SUCCESS;
    name = json_object_get_string(v);
    if (json_object_object_get_ex(bank, "columns", &cols) &&
        json_object_object_get_ex(cols, "session_id", &v) &&
        json_object_is_type(v, json_type_string) && *json_object_get_string(v))
        *session_column = json_object_get_string(v);
    if (cc_datatable_describe(db, pool, name, dt, &errmsg) != APR_SUCCESS)
        *dt = NULL; /* a response table that is gone: no responses */
    return APR_SUCCESS;
}

/* How a response row names session id: the native runner writes "i<id>"
 * into its text column, R code usually the plain id, into a column of any
 * type. A number column can only hold the plain id (PostgreSQL refuses
 * "i4" for a bigint). NULL-terminated. */
static const char *const *session_keys(apr_pool_t *pool, const cc_datatable *dt,
                                       const char *session_column, long id)
{
    const char **keys = apr_pcalloc(pool, 3 * sizeof(*keys));
    int c, numeric = 0;

    for (c = 0; c < dt->ncols; c++) {
        if (strcmp(dt->cols[c].name, session_column) != 0)
            continue;
        switch (dt->cols[c].type) {
        case CC_DT_BIGINT:
        case CC_DT_INTEGER:
        case CC_DT_SMALLINT:
        case CC_DT_DECIMAL:
        case CC_DT_FLOAT:
            numeric = 1;
            break;
        default:
            break;
        }
    }
    if (numeric) {
        keys[0] = apr_ltoa(pool, id);
    } else {
        keys[0] = apr_psprintf(pool, "i%ld", id);
        keys[1] = apr_ltoa(pool, id);
    }
    return keys;
}

apr_status_t cc_admin_session_get(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                  json_object **out, cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, id)};
    const char *session_column = NULL, *errmsg = NULL;
    cc_rows *rows = NULL, *log = NULL, *responses = NULL;
    cc_datatable *dt = NULL;
    json_object *list;
    long test_id;
    int i;

    if (cc_db_select(db, pool, &rows,
                     "SELECT " SESSION_COLUMNS ", t.owner_id, t.accessibility, t.object_groups "
                     "FROM test_session s JOIN test t ON t.id = s.test_id WHERE s.id = %s",
                     1, args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading a session");
    if (rows->nrows == 0)
        return cc_admin_fail(err, 404, NULL,
                             apr_psprintf(pool, "there is no session with id %ld", id));
    if (!cc_admin_actor_allows(actor, cc_admin_number(rows->values[0][9]),
                               (int)cc_admin_number(rows->values[0][10]), rows->values[0][11]))
        return cc_admin_fail(err, 403, NULL,
                             "you may not see this session: its test is not shared with you");
    rows->ncols = 9; /* without the access columns */
    *out = cc_json_owned(pool, cc_admin_row_json(&session_kind, rows, 0));
    test_id = cc_admin_number(rows->values[0][2]);
    if (response_table(db, pool, test_id, &dt, &session_column, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (dt) {
        const char *names[] = {session_column}, *ops[] = {"="}, *values[1];
        const char *const *key;
        for (key = session_keys(pool, dt, session_column, id); *key; key++) {
            values[0] = *key;
            if (cc_datatable_select(db, pool, dt, 1, names, ops, values, RESPONSES_MAX, &responses,
                                    &errmsg) != APR_SUCCESS)
                return cc_admin_fail(err, 500, NULL, errmsg);
            if (responses->nrows > 0)
                break;
        }
    }
    json_object_object_add(*out, "responses",
                           responses ? cc_admin_table_rows_json(responses)
                                     : json_object_new_array());
    if (cc_db_select(db, pool, &log,
                     "SELECT id, type, message, created FROM test_session_log WHERE session_id = "
                     "%s ORDER BY id",
                     1, args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading the session's log");
    list = json_object_new_array();
    for (i = 0; i < log->nrows; i++) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "id", json_object_new_int64(cc_admin_number(log->values[i][0])));
        json_object_object_add(e, "type",
                               json_object_new_int((int)cc_admin_number(log->values[i][1])));
        json_object_object_add(
            e, "message", log->values[i][2] ? json_object_new_string(log->values[i][2]) : NULL);
        json_object_object_add(e, "created",
                               json_object_new_int64(cc_admin_number(log->values[i][3])));
        json_object_array_add(list, e);
    }
    json_object_object_add(*out, "log", list);
    return APR_SUCCESS;
}

apr_status_t cc_admin_test_session_delete(cc_db *db, apr_pool_t *pool, long id,
                                          const char *data_dir, const cc_admin_actor *actor,
                                          cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, id)};
    const char *hash = NULL, *p;

    if (actor == NULL || !actor->super_admin)
        return cc_admin_fail(err, 403, NULL, "only a super admin may delete sessions");
    if (cc_db_select_value(db, pool, &hash, "SELECT hash FROM test_session WHERE id = %s", 1,
                           args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading the session");
    if (hash == NULL)
        return cc_admin_fail(err, 404, NULL,
                             apr_psprintf(pool, "there is no session with id %ld", id));
    if (cc_db_query(db, pool, NULL, "DELETE FROM test_session WHERE id = %s", 1, args) !=
        APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "deleting the session");
    /* The hash is ours (hex), but a path is only ever made of checked text. */
    for (p = hash; *p && strchr("0123456789abcdefABCDEF", *p); p++)
        ;
    if (data_dir && *data_dir && *hash && *p == '\0')
        cc_remove_tree(pool, apr_pstrcat(pool, data_dir, "/files/sessions/", hash, NULL));
    return APR_SUCCESS;
}

apr_status_t cc_admin_test_responses_csv(cc_db *db, apr_pool_t *pool, long test_id,
                                         const cc_admin_actor *actor, const char **csv,
                                         const char **filename, cc_admin_error *err)
{
    const char *name = NULL, *session_column = NULL, *errmsg = NULL, *args[1];
    cc_datatable *dt = NULL;
    cc_rows *sessions = NULL, *rows = NULL;
    apr_hash_t *mine;
    apr_array_header_t *lines = apr_array_make(pool, 64, sizeof(const char *));
    int i, c, sc = -1;

    if (cc_db_select_value(db, pool, &name, "SELECT slug FROM test WHERE id = %s", 1,
                           (args[0] = apr_ltoa(pool, test_id), args)) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading the test");
    /* The access rule of the test (404 or 403 as for the test itself). */
    if (cc_entity_check(db, pool, &cc_kind_test, 0, test_id, actor, NULL, err) != APR_SUCCESS)
        return APR_EGENERAL;
    *filename = apr_pstrcat(pool, name ? name : "test", "-responses.csv", NULL);
    if (response_table(db, pool, test_id, &dt, &session_column, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (dt == NULL) {
        *csv = "id\n";
        return APR_SUCCESS;
    }
    if (cc_db_select(db, pool, &sessions, "SELECT id FROM test_session WHERE test_id = %s", 1,
                     args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading the test's sessions");
    mine = apr_hash_make(pool);
    for (i = 0; i < sessions->nrows; i++) {
        const char *const *key =
            session_keys(pool, dt, session_column, cc_admin_number(sessions->values[i][0]));
        for (; *key; key++)
            apr_hash_set(mine, *key, APR_HASH_KEY_STRING, "");
    }
    if (cc_datatable_select(db, pool, dt, 0, NULL, NULL, NULL, RESPONSES_MAX, &rows, &errmsg) !=
        APR_SUCCESS)
        return cc_admin_fail(err, 500, NULL, errmsg);
    for (c = 0; c < rows->ncols; c++)
        if (!strcmp(rows->names[c], session_column))
            sc = c;
    {
        const char *header = NULL;
        for (c = 0; c < rows->ncols; c++)
            header = apr_pstrcat(pool, header ? header : "", c ? "," : "",
                                 cc_csv_field(pool, rows->names[c]), NULL);
        APR_ARRAY_PUSH(lines, const char *) = header;
    }
    for (i = 0; i < rows->nrows; i++) {
        const char *line = NULL;
        if (sc < 0 || rows->values[i][sc] == NULL ||
            apr_hash_get(mine, rows->values[i][sc], APR_HASH_KEY_STRING) == NULL)
            continue;
        for (c = 0; c < rows->ncols; c++)
            line = apr_pstrcat(pool, line ? line : "", c ? "," : "",
                               cc_csv_field(pool, rows->values[i][c]), NULL);
        APR_ARRAY_PUSH(lines, const char *) = line;
    }
    APR_ARRAY_PUSH(lines, const char *) = "";
    *csv = apr_array_pstrcat(pool, lines, '\n');
    return APR_SUCCESS;
}

apr_status_t cc_admin_session_counts(cc_db *db, apr_pool_t *pool, long since, json_object **out,
                                     cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, since)};
    cc_rows *rows = NULL;
    json_object *items = json_object_new_array();
    int i;

    *out = cc_json_owned(pool, json_object_new_object());
    json_object_object_add(*out, "items", items);
    if (cc_db_select(db, pool, &rows,
                     "SELECT created, session_count FROM test_session_count WHERE created >= %s "
                     "ORDER BY created, id",
                     1, args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading the session counts");
    for (i = 0; i < rows->nrows; i++) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "created",
                               json_object_new_int64(cc_admin_number(rows->values[i][0])));
        json_object_object_add(e, "count",
                               json_object_new_int64(cc_admin_number(rows->values[i][1])));
        json_object_array_add(items, e);
    }
    return APR_SUCCESS;
}

apr_status_t cc_admin_dashboard(cc_db *db, apr_pool_t *pool, long now, int idle_seconds,
                                const cc_admin_actor *actor, json_object **out, cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, now - now % 86400)};
    const char *today = NULL;
    cc_rows *rows = NULL;
    json_object *errors = json_object_new_array();
    long active = 0;
    int i, n = 0;

    *out = cc_json_owned(pool, json_object_new_object());
    json_object_object_add(*out, "recent_errors", errors);
    if (cc_sessions_count_active(db, pool, now, idle_seconds, &active) != APR_SUCCESS ||
        cc_db_select_value(db, pool, &today,
                           "SELECT COUNT(*) FROM test_session WHERE created >= %s", 1,
                           args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "counting sessions");
    json_object_object_add(*out, "active_sessions", json_object_new_int64(active));
    json_object_object_add(*out, "sessions_today", json_object_new_int64(cc_admin_number(today)));
    /* The last failed sessions: read a few more than shown, as some may
     * belong to tests the caller may not see. */
    if (cc_db_select(db, pool, &rows,
                     "SELECT s.id, t.name, s.error, s.updated, t.owner_id, t.accessibility, "
                     "t.object_groups FROM test_session s JOIN test t ON t.id = s.test_id WHERE "
                     "s.status = 3 ORDER BY s.updated DESC, s.id DESC LIMIT 200",
                     0, NULL) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading failed sessions");
    for (i = 0; i < rows->nrows && n < 10; i++) {
        const char *const *v = rows->values[i];
        json_object *e;
        if (!cc_admin_actor_allows(actor, cc_admin_number(v[4]), (int)cc_admin_number(v[5]), v[6]))
            continue;
        e = json_object_new_object();
        json_object_object_add(e, "session_id", json_object_new_int64(cc_admin_number(v[0])));
        json_object_object_add(e, "test_name", json_object_new_string(v[1] ? v[1] : ""));
        json_object_object_add(e, "error", v[2] ? json_object_new_string(v[2]) : NULL);
        json_object_object_add(e, "updated", json_object_new_int64(cc_admin_number(v[3])));
        json_object_array_add(errors, e);
        n++;
    }
    return APR_SUCCESS;
}
