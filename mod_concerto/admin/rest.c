#include "rest.h"

#include "core/json_pool.h"
#include "core/multipart.h"
#include "files.h"
#include "sessions.h"
#include "settings.h"
#include "tasks.h"
#include "users.h"
#include "wizards.h"
#include "tables.h"
#include "templates.h"
#include "tests.h"

#include <apr_strings.h>
#include <string.h>

typedef apr_status_t kind_handler(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                  cc_rest_answer *answer, cc_admin_error *err);

static apr_status_t handle_tests(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                 cc_rest_answer *answer, cc_admin_error *err);
static apr_status_t handle_templates(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                     cc_rest_answer *answer, cc_admin_error *err);
static apr_status_t handle_tables(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                  cc_rest_answer *answer, cc_admin_error *err);
static apr_status_t handle_sessions(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                    cc_rest_answer *answer, cc_admin_error *err);
static apr_status_t handle_session_counts(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                          cc_rest_answer *answer, cc_admin_error *err);
static apr_status_t handle_dashboard(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                     cc_rest_answer *answer, cc_admin_error *err);
static apr_status_t handle_users(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                 cc_rest_answer *answer, cc_admin_error *err);
static apr_status_t handle_wizards(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                   cc_rest_answer *answer, cc_admin_error *err);
static apr_status_t handle_settings(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                    cc_rest_answer *answer, cc_admin_error *err);
static apr_status_t handle_tasks(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                 cc_rest_answer *answer, cc_admin_error *err);
static apr_status_t handle_files(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                 cc_rest_answer *answer, cc_admin_error *err);

typedef struct kind_entry {
    const char *name;
    cc_admin_area area;
    kind_handler *handle;
} kind_entry;

static const kind_entry kinds[] = {
    {"tests", CC_AREA_TEST, handle_tests},
    {"templates", CC_AREA_TEMPLATE, handle_templates},
    {"tables", CC_AREA_TABLE, handle_tables},
    {"sessions", CC_AREA_TEST, handle_sessions},
    {"session_counts", CC_AREA_TEST, handle_session_counts},
    {"dashboard", CC_AREA_TEST, handle_dashboard},
    {"users", CC_AREA_SUPER_ADMIN, handle_users},
    {"wizards", CC_AREA_WIZARD, handle_wizards},
    {"settings", CC_AREA_SUPER_ADMIN, handle_settings},
    {"tasks", CC_AREA_SUPER_ADMIN, handle_tasks},
    {"files", CC_AREA_FILE, handle_files},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const kind_entry *find_kind(const char *name)
{
    apr_size_t i;

    for (i = 0; name && i < NKINDS; i++)
        if (!strcmp(kinds[i].name, name))
            return &kinds[i];
    return NULL;
}

cc_admin_area cc_rest_area(const char *kind)
{
    const kind_entry *k = find_kind(kind);

    return k ? k->area : CC_AREA_UNKNOWN;
}

int cc_rest_split(apr_pool_t *pool, const char *path, cc_rest_request *req)
{
    const char *p = path;

    req->nsegs = 0;
    while (p && *p) {
        const char *slash = strchr(p, '/');
        apr_size_t len = slash ? (apr_size_t)(slash - p) : strlen(p);
        if (len == 0 || req->nsegs == CC_REST_MAX_SEGMENTS)
            return 0;
        req->segs[req->nsegs++] = apr_pstrmemdup(pool, p, len);
        p = slash ? slash + 1 : NULL;
        if (slash && *p == '\0')
            return 0;
    }
    return req->nsegs > 0;
}

static int is(const cc_rest_request *req, const char *method)
{
    return !strcmp(req->method, method) || (!strcmp(method, "GET") && !strcmp(req->method, "HEAD"));
}

static apr_status_t not_allowed(apr_pool_t *pool, const cc_rest_request *req, cc_admin_error *err)
{
    return cc_admin_fail(err, 405, NULL,
                         apr_psprintf(pool, "%s is not allowed on this address", req->method));
}

static apr_status_t no_such(apr_pool_t *pool, const cc_rest_request *req, cc_admin_error *err)
{
    const char *path = "";
    int i;

    for (i = 0; i < req->nsegs; i++)
        path = apr_pstrcat(pool, path, "/", req->segs[i], NULL);
    return cc_admin_fail(err, 404, NULL,
                         apr_psprintf(pool, "there is nothing at /api/admin%s", path));
}

static apr_status_t seg_id(apr_pool_t *pool, const cc_rest_request *req, int i, long *id,
                           cc_admin_error *err)
{
    *id = cc_admin_parse_id(req->segs[i]);
    if (*id == 0)
        return cc_admin_fail(
            err, 404, NULL,
            apr_psprintf(pool, "\"%s\" is not an id (a positive whole number)", req->segs[i]));
    return APR_SUCCESS;
}

static apr_status_t body_object(apr_pool_t *pool, const cc_rest_request *req, json_object **in,
                                cc_admin_error *err)
{
    return cc_admin_parse_object(pool, req->body, req->len, in, err);
}

static apr_status_t list_query(apr_pool_t *pool, const cc_rest_request *req, cc_list_query *lq,
                               cc_admin_error *err)
{
    return cc_list_query_parse(pool, req->query, lq, err);
}

static void answer_json(cc_rest_answer *answer, int status, json_object *json)
{
    answer->status = status;
    answer->json = json;
}

static void answer_empty(cc_rest_answer *answer)
{
    answer->status = 204;
    answer->json = NULL;
    answer->text = "";
}

/* ---- the collection and the items of a kind ---- */

/* What a kind does for GET/POST on its collection and GET/PUT/DELETE on an
 * item; a NULL operation is the generic entity code on ops->kind. */
typedef struct kind_ops {
    const cc_kind *kind;
    apr_status_t (*list)(cc_db *db, apr_pool_t *pool, const cc_list_query *lq,
                         const cc_admin_actor *actor, json_object **out, cc_admin_error *err);
    apr_status_t (*create)(cc_db *db, apr_pool_t *pool, json_object *in,
                           const cc_admin_actor *actor, long now, long *id, cc_admin_error *err);
    apr_status_t (*get)(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                        json_object **out, cc_admin_error *err);
    apr_status_t (*update)(cc_db *db, apr_pool_t *pool, long id, json_object *in,
                           const cc_admin_actor *actor, long now, cc_admin_error *err);
    apr_status_t (*remove)(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                           cc_admin_error *err);
} kind_ops;

static apr_status_t ops_get(cc_db *db, apr_pool_t *pool, const kind_ops *ops, long id,
                            const cc_admin_actor *actor, json_object **out, cc_admin_error *err)
{
    return ops->get ? ops->get(db, pool, id, actor, out, err)
                    : cc_entity_get(db, pool, ops->kind, 0, id, actor, out, err);
}

static apr_status_t handle_collection(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                      const kind_ops *ops, cc_rest_answer *answer,
                                      cc_admin_error *err)
{
    json_object *in = NULL, *out = NULL;
    cc_list_query lq;
    long id = 0;

    if (is(req, "GET")) {
        if (list_query(pool, req, &lq, err) ||
            (ops->list ? ops->list(db, pool, &lq, req->actor, &out, err)
                       : cc_entity_list(db, pool, ops->kind, 0, &lq, req->actor, &out, err)))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    if (!is(req, "POST"))
        return not_allowed(pool, req, err);
    if (body_object(pool, req, &in, err) ||
        (ops->create
             ? ops->create(db, pool, in, req->actor, req->now, &id, err)
             : cc_entity_create(db, pool, ops->kind, 0, in, req->actor, req->now, &id, err)) ||
        ops_get(db, pool, ops, id, req->actor, &out, err))
        return APR_EGENERAL;
    answer_json(answer, 201, out);
    return APR_SUCCESS;
}

static apr_status_t handle_item(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                const kind_ops *ops, long id, cc_rest_answer *answer,
                                cc_admin_error *err)
{
    json_object *in = NULL, *out = NULL;

    if (is(req, "GET")) {
        if (ops_get(db, pool, ops, id, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    if (is(req, "PUT")) {
        if (body_object(pool, req, &in, err) ||
            (ops->update
                 ? ops->update(db, pool, id, in, req->actor, req->now, err)
                 : cc_entity_update(db, pool, ops->kind, 0, id, in, req->actor, req->now, err)) ||
            ops_get(db, pool, ops, id, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    if (is(req, "DELETE")) {
        if (ops->remove ? ops->remove(db, pool, id, req->actor, err)
                        : cc_entity_delete(db, pool, ops->kind, 0, id, req->actor, err))
            return APR_EGENERAL;
        answer_empty(answer);
        return APR_SUCCESS;
    }
    return not_allowed(pool, req, err);
}

/* /{kind} and /{kind}/{id}; a kind with parts below its items handles
 * those before coming here. */
static apr_status_t handle_crud(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                const kind_ops *ops, cc_rest_answer *answer, cc_admin_error *err)
{
    long id = 0;

    if (req->nsegs == 1)
        return handle_collection(db, pool, req, ops, answer, err);
    if (req->nsegs != 2)
        return no_such(pool, req, err);
    if (seg_id(pool, req, 1, &id, err))
        return APR_EGENERAL;
    return handle_item(db, pool, req, ops, id, answer, err);
}

static const kind_ops template_ops = {&cc_kind_template, NULL, NULL, NULL, NULL, NULL};

static apr_status_t handle_templates(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                     cc_rest_answer *answer, cc_admin_error *err)
{
    return handle_crud(db, pool, req, &template_ops, answer, err);
}

static const cc_kind *test_child_kind(const char *name)
{
    if (!strcmp(name, "variables"))
        return &cc_kind_test_variable;
    if (!strcmp(name, "nodes"))
        return &cc_kind_test_node;
    if (!strcmp(name, "connections"))
        return &cc_kind_test_connection;
    return NULL;
}

static apr_status_t handle_test_children(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                         long test_id, cc_rest_answer *answer, cc_admin_error *err)
{
    const cc_kind *kind = test_child_kind(req->segs[2]);
    json_object *in = NULL, *out = NULL;
    cc_list_query lq;
    long id = 0;

    if (kind == NULL)
        return no_such(pool, req, err);
    if (req->nsegs == 3) {
        if (is(req, "GET")) {
            if (list_query(pool, req, &lq, err) ||
                cc_admin_test_child_list(db, pool, kind, test_id, &lq, req->actor, &out, err))
                return APR_EGENERAL;
            answer_json(answer, 200, out);
            return APR_SUCCESS;
        }
        if (!is(req, "POST"))
            return not_allowed(pool, req, err);
        if (body_object(pool, req, &in, err) ||
            cc_admin_test_child_create(db, pool, kind, test_id, in, req->actor, req->now, &id,
                                       err) ||
            cc_admin_test_child_get(db, pool, kind, test_id, id, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 201, out);
        return APR_SUCCESS;
    }
    if (seg_id(pool, req, 3, &id, err))
        return APR_EGENERAL;
    if (req->nsegs == 6) {
        long port = 0;
        if (kind != &cc_kind_test_node || strcmp(req->segs[4], "ports") != 0)
            return no_such(pool, req, err);
        if (!is(req, "PUT"))
            return not_allowed(pool, req, err);
        if (seg_id(pool, req, 5, &port, err) || body_object(pool, req, &in, err) ||
            cc_admin_test_port_update(db, pool, test_id, id, port, in, req->actor, req->now, err) ||
            cc_entity_get(db, pool, &cc_kind_test_port, id, port, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    if (req->nsegs != 4)
        return no_such(pool, req, err);
    if (is(req, "GET")) {
        if (cc_admin_test_child_get(db, pool, kind, test_id, id, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    if (is(req, "PUT")) {
        if (body_object(pool, req, &in, err) ||
            cc_admin_test_child_update(db, pool, kind, test_id, id, in, req->actor, req->now,
                                       err) ||
            cc_admin_test_child_get(db, pool, kind, test_id, id, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    if (is(req, "DELETE")) {
        if (cc_admin_test_child_delete(db, pool, kind, test_id, id, req->actor, req->now, err))
            return APR_EGENERAL;
        answer_empty(answer);
        return APR_SUCCESS;
    }
    return not_allowed(pool, req, err);
}

static const kind_ops test_ops = {&cc_kind_test,        NULL,
                                  cc_admin_test_create, cc_admin_test_get,
                                  cc_admin_test_update, cc_admin_test_delete};

static apr_status_t handle_tests(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                 cc_rest_answer *answer, cc_admin_error *err)
{
    long id = 0;

    if (req->nsegs < 3)
        return handle_crud(db, pool, req, &test_ops, answer, err);
    if (seg_id(pool, req, 1, &id, err))
        return APR_EGENERAL;
    if (req->nsegs == 3 && !strcmp(req->segs[2], "responses.csv")) {
        if (!is(req, "GET"))
            return not_allowed(pool, req, err);
        if (cc_admin_test_responses_csv(db, pool, id, req->actor, &answer->text, &answer->filename,
                                        err))
            return APR_EGENERAL;
        answer->status = 200;
        answer->text_len = strlen(answer->text);
        answer->content_type = "text/csv; charset=utf-8";
        return APR_SUCCESS;
    }
    return handle_test_children(db, pool, req, id, answer, err);
}

apr_status_t cc_rest_csv_body(apr_pool_t *pool, const cc_rest_request *req, const char **csv,
                              apr_size_t *len, cc_admin_error *err)
{
    const char *boundary = NULL, *errmsg = NULL;
    apr_array_header_t *parts = NULL;
    const cc_multipart_part *file;

    if (req->content_type && !strncasecmp(req->content_type, "multipart/", 10)) {
        if (cc_multipart_boundary(pool, req->content_type, &boundary, &errmsg) != APR_SUCCESS ||
            cc_multipart_parse(pool, boundary, req->body, req->len, &parts, &errmsg) != APR_SUCCESS)
            return cc_admin_fail(err, 400, NULL, errmsg);
        file = cc_multipart_find(parts, "file");
        if (file == NULL)
            return cc_admin_fail(err, 422, "file", "send the CSV as the form field \"file\"");
        *csv = file->data;
        *len = file->len;
        return APR_SUCCESS;
    }
    if (req->body == NULL || req->len == 0)
        return cc_admin_fail(err, 422, "csv", "the CSV is empty: send at least its header line");
    *csv = req->body;
    *len = req->len;
    return APR_SUCCESS;
}

static apr_status_t handle_table_csv(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                     long id, cc_rest_answer *answer, cc_admin_error *err)
{
    cc_list_query lq;
    const char *csv = NULL, *mode;
    apr_size_t len = 0;
    long rows = 0;
    json_object *out;

    if (is(req, "GET")) {
        if (cc_admin_table_csv(db, pool, id, req->actor, &answer->text, &answer->filename, err))
            return APR_EGENERAL;
        answer->status = 200;
        answer->text_len = strlen(answer->text);
        answer->content_type = "text/csv; charset=utf-8";
        return APR_SUCCESS;
    }
    if (!is(req, "POST"))
        return not_allowed(pool, req, err);
    if (list_query(pool, req, &lq, err))
        return APR_EGENERAL;
    mode = apr_table_get(lq.args, "mode");
    if (mode && strcmp(mode, "append") != 0 && strcmp(mode, "replace") != 0)
        return cc_admin_fail(err, 400, "mode", "mode must be append or replace");
    if (cc_rest_csv_body(pool, req, &csv, &len, err) ||
        cc_admin_table_import(db, pool, id, csv, len, mode && !strcmp(mode, "replace"), req->actor,
                              &rows, err))
        return APR_EGENERAL;
    out = cc_json_owned(pool, json_object_new_object());
    json_object_object_add(out, "imported", json_object_new_int64(rows));
    answer_json(answer, 200, out);
    return APR_SUCCESS;
}

static apr_status_t handle_table_parts(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                       long id, cc_rest_answer *answer, cc_admin_error *err)
{
    const char *what = req->segs[2];
    json_object *in = NULL, *out = NULL;
    cc_list_query lq;
    long row = 0;

    if (!strcmp(what, "csv") && req->nsegs == 3)
        return handle_table_csv(db, pool, req, id, answer, err);
    if (!strcmp(what, "columns")) {
        if (req->nsegs == 3 && is(req, "POST")) {
            if (body_object(pool, req, &in, err) ||
                cc_admin_column_create(db, pool, id, in, req->actor, err) ||
                cc_admin_table_get(db, pool, id, req->actor, &out, err))
                return APR_EGENERAL;
            answer_json(answer, 201, out);
            return APR_SUCCESS;
        }
        if (req->nsegs == 3)
            return not_allowed(pool, req, err);
        if (req->nsegs != 4)
            return no_such(pool, req, err);
        if (is(req, "PUT")) {
            if (body_object(pool, req, &in, err) ||
                cc_admin_column_update(db, pool, id, req->segs[3], in, req->actor, err) ||
                cc_admin_table_get(db, pool, id, req->actor, &out, err))
                return APR_EGENERAL;
            answer_json(answer, 200, out);
            return APR_SUCCESS;
        }
        if (is(req, "DELETE")) {
            if (cc_admin_column_delete(db, pool, id, req->segs[3], req->actor, err))
                return APR_EGENERAL;
            answer_empty(answer);
            return APR_SUCCESS;
        }
        return not_allowed(pool, req, err);
    }
    if (strcmp(what, "rows") != 0)
        return no_such(pool, req, err);
    if (req->nsegs == 3) {
        if (is(req, "GET")) {
            if (list_query(pool, req, &lq, err) ||
                cc_admin_rows_list(db, pool, id, &lq, req->actor, &out, err))
                return APR_EGENERAL;
            answer_json(answer, 200, out);
            return APR_SUCCESS;
        }
        if (!is(req, "POST"))
            return not_allowed(pool, req, err);
        if (body_object(pool, req, &in, err) ||
            cc_admin_row_create(db, pool, id, in, req->actor, &row, err) ||
            cc_admin_row_get(db, pool, id, row, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 201, out);
        return APR_SUCCESS;
    }
    if (req->nsegs != 4)
        return no_such(pool, req, err);
    if (seg_id(pool, req, 3, &row, err))
        return APR_EGENERAL;
    if (is(req, "GET")) {
        if (cc_admin_row_get(db, pool, id, row, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    if (is(req, "PUT")) {
        if (body_object(pool, req, &in, err) ||
            cc_admin_row_update(db, pool, id, row, in, req->actor, err) ||
            cc_admin_row_get(db, pool, id, row, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    if (is(req, "DELETE")) {
        if (cc_admin_row_delete(db, pool, id, row, req->actor, err))
            return APR_EGENERAL;
        answer_empty(answer);
        return APR_SUCCESS;
    }
    return not_allowed(pool, req, err);
}

static const kind_ops table_ops = {&cc_kind_table,        cc_admin_table_list,
                                   cc_admin_table_create, cc_admin_table_get,
                                   cc_admin_table_update, cc_admin_table_delete};

static apr_status_t handle_tables(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                  cc_rest_answer *answer, cc_admin_error *err)
{
    long id = 0;

    if (req->nsegs < 3)
        return handle_crud(db, pool, req, &table_ops, answer, err);
    if (seg_id(pool, req, 1, &id, err))
        return APR_EGENERAL;
    return handle_table_parts(db, pool, req, id, answer, err);
}

/* ---- sessions, counts, dashboard (read only) ---- */

static apr_status_t handle_sessions(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                    cc_rest_answer *answer, cc_admin_error *err)
{
    json_object *out = NULL;
    cc_list_query lq;
    long id = 0;

    if (req->nsegs == 2 && is(req, "DELETE")) {
        if (seg_id(pool, req, 1, &id, err) ||
            cc_admin_test_session_delete(db, pool, id, req->data_dir, req->actor, err))
            return APR_EGENERAL;
        answer_empty(answer);
        return APR_SUCCESS;
    }
    if (!is(req, "GET"))
        return not_allowed(pool, req, err);
    if (req->nsegs == 1) {
        if (list_query(pool, req, &lq, err) ||
            cc_admin_sessions_list(db, pool, &lq, req->actor, &out, err))
            return APR_EGENERAL;
    } else if (req->nsegs == 2) {
        if (seg_id(pool, req, 1, &id, err) ||
            cc_admin_session_get(db, pool, id, req->actor, &out, err))
            return APR_EGENERAL;
    } else
        return no_such(pool, req, err);
    answer_json(answer, 200, out);
    return APR_SUCCESS;
}

static apr_status_t handle_session_counts(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                          cc_rest_answer *answer, cc_admin_error *err)
{
    json_object *out = NULL;
    cc_list_query lq;
    const char *since;
    long from = 0;

    if (req->nsegs != 1)
        return no_such(pool, req, err);
    if (!is(req, "GET"))
        return not_allowed(pool, req, err);
    if (list_query(pool, req, &lq, err))
        return APR_EGENERAL;
    since = apr_table_get(lq.args, "since");
    if (since && *since && !(from = cc_admin_parse_id(since)) && strcmp(since, "0") != 0)
        return cc_admin_fail(err, 400, "since", "since must be a time in Unix seconds");
    if (cc_admin_session_counts(db, pool, from, &out, err))
        return APR_EGENERAL;
    answer_json(answer, 200, out);
    return APR_SUCCESS;
}

static apr_status_t handle_dashboard(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                     cc_rest_answer *answer, cc_admin_error *err)
{
    json_object *out = NULL;

    if (req->nsegs != 1)
        return no_such(pool, req, err);
    if (!is(req, "GET"))
        return not_allowed(pool, req, err);
    if (cc_admin_dashboard(db, pool, req->now, req->idle_seconds, req->actor, &out, err))
        return APR_EGENERAL;
    answer_json(answer, 200, out);
    return APR_SUCCESS;
}

/* ---- users ---- */

/* Users are the super admin's: the access rule does not apply to them. */
static apr_status_t user_list(cc_db *db, apr_pool_t *pool, const cc_list_query *lq,
                              const cc_admin_actor *actor, json_object **out, cc_admin_error *err)
{
    (void)actor;
    return cc_admin_user_list(db, pool, lq, out, err);
}

static apr_status_t user_get(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                             json_object **out, cc_admin_error *err)
{
    (void)actor;
    return cc_admin_user_get(db, pool, id, out, err);
}

static const kind_ops user_ops = {
    NULL, user_list, cc_admin_user_create, user_get, cc_admin_user_update, cc_admin_user_delete};

static apr_status_t handle_users(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                 cc_rest_answer *answer, cc_admin_error *err)
{
    return handle_crud(db, pool, req, &user_ops, answer, err);
}

/* ---- wizards ---- */

static apr_status_t handle_wizard_children(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                           long wizard_id, cc_rest_answer *answer,
                                           cc_admin_error *err)
{
    const cc_kind *kind = !strcmp(req->segs[2], "steps")    ? &cc_kind_wizard_step
                          : !strcmp(req->segs[2], "params") ? &cc_kind_wizard_param
                                                            : NULL;
    json_object *in = NULL, *out = NULL;
    cc_list_query lq;
    long id = 0;

    if (kind == NULL || req->nsegs > 4)
        return no_such(pool, req, err);
    if (req->nsegs == 3) {
        if (is(req, "GET")) {
            if (list_query(pool, req, &lq, err) ||
                cc_entity_check(db, pool, &cc_kind_wizard, 0, wizard_id, req->actor, NULL, err) ||
                cc_entity_list(db, pool, kind, wizard_id, &lq, req->actor, &out, err))
                return APR_EGENERAL;
            answer_json(answer, 200, out);
            return APR_SUCCESS;
        }
        if (!is(req, "POST"))
            return not_allowed(pool, req, err);
        if (body_object(pool, req, &in, err) ||
            cc_admin_wizard_child(db, pool, kind, wizard_id, 0, &id, in, req->actor, req->now,
                                  err) ||
            cc_entity_get(db, pool, kind, wizard_id, id, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 201, out);
        return APR_SUCCESS;
    }
    if (seg_id(pool, req, 3, &id, err))
        return APR_EGENERAL;
    if (is(req, "GET")) {
        if (cc_entity_check(db, pool, &cc_kind_wizard, 0, wizard_id, req->actor, NULL, err) ||
            cc_entity_get(db, pool, kind, wizard_id, id, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    if (is(req, "PUT")) {
        if (body_object(pool, req, &in, err) ||
            cc_admin_wizard_child(db, pool, kind, wizard_id, 1, &id, in, req->actor, req->now,
                                  err) ||
            cc_entity_get(db, pool, kind, wizard_id, id, req->actor, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    if (is(req, "DELETE")) {
        if (cc_admin_wizard_child(db, pool, kind, wizard_id, 2, &id, NULL, req->actor, req->now,
                                  err))
            return APR_EGENERAL;
        answer_empty(answer);
        return APR_SUCCESS;
    }
    return not_allowed(pool, req, err);
}

static const kind_ops wizard_ops = {&cc_kind_wizard,     NULL, cc_admin_wizard_create,
                                    cc_admin_wizard_get, NULL, NULL};

static apr_status_t handle_wizards(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                   cc_rest_answer *answer, cc_admin_error *err)
{
    long id = 0;

    if (req->nsegs < 3)
        return handle_crud(db, pool, req, &wizard_ops, answer, err);
    if (seg_id(pool, req, 1, &id, err))
        return APR_EGENERAL;
    return handle_wizard_children(db, pool, req, id, answer, err);
}

/* ---- settings, tasks ---- */

static apr_status_t handle_settings(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                    cc_rest_answer *answer, cc_admin_error *err)
{
    json_object *in = NULL, *out = NULL;

    if (req->nsegs == 1 && is(req, "GET")) {
        if (cc_admin_settings_list(db, pool, &out, err))
            return APR_EGENERAL;
    } else if (req->nsegs == 2 && is(req, "PUT")) {
        if (body_object(pool, req, &in, err) ||
            cc_admin_setting_put(db, pool, req->segs[1], in, &out, err))
            return APR_EGENERAL;
    } else if (req->nsegs <= 2)
        return not_allowed(pool, req, err);
    else
        return no_such(pool, req, err);
    answer_json(answer, 200, out);
    return APR_SUCCESS;
}

/* Tasks are read whole (no access rule: super admin only) and made pending. */
static apr_status_t task_create(cc_db *db, apr_pool_t *pool, json_object *in,
                                const cc_admin_actor *actor, long now, long *id,
                                cc_admin_error *err)
{
    (void)actor;
    return cc_admin_task_create(db, pool, in, now, id, err);
}

static apr_status_t task_get(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                             json_object **out, cc_admin_error *err)
{
    (void)actor;
    return cc_entity_get(db, pool, &cc_kind_task, 0, id, NULL, out, err);
}

static const kind_ops task_ops = {&cc_kind_task, NULL, task_create, task_get, NULL, NULL};

static apr_status_t handle_tasks(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                 cc_rest_answer *answer, cc_admin_error *err)
{
    json_object *out = NULL;
    long id = 0;

    if (req->nsegs == 3 && !strcmp(req->segs[2], "cancel")) {
        if (!is(req, "POST"))
            return not_allowed(pool, req, err);
        if (seg_id(pool, req, 1, &id, err) || cc_admin_task_cancel(db, pool, id, req->now, err) ||
            task_get(db, pool, id, NULL, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    /* Only made (POST on the list) and read: no PUT or DELETE of a task. */
    if (req->nsegs <= 2 && !is(req, "GET") && !(req->nsegs == 1 && is(req, "POST")))
        return not_allowed(pool, req, err);
    return handle_crud(db, pool, req, &task_ops, answer, err);
}

/* ---- files ---- */

static apr_status_t handle_files(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                 cc_rest_answer *answer, cc_admin_error *err)
{
    json_object *out = NULL;
    cc_list_query lq;
    const char *path;

    (void)db;
    if (req->nsegs != 1)
        return no_such(pool, req, err);
    if (list_query(pool, req, &lq, err))
        return APR_EGENERAL;
    path = apr_table_get(lq.args, "path");
    if (is(req, "GET")) {
        if (cc_admin_files_list(pool, req->data_dir, path, &out, err))
            return APR_EGENERAL;
        answer_json(answer, 200, out);
        return APR_SUCCESS;
    }
    if (is(req, "POST")) {
        if (cc_admin_files_upload(pool, req->data_dir, path, req->content_type, req->body, req->len,
                                  &out, err))
            return APR_EGENERAL;
        answer_json(answer, 201, out);
        return APR_SUCCESS;
    }
    if (is(req, "DELETE")) {
        if (cc_admin_files_delete(pool, req->data_dir, path, err))
            return APR_EGENERAL;
        answer_empty(answer);
        return APR_SUCCESS;
    }
    return not_allowed(pool, req, err);
}

apr_status_t cc_rest_handle(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                            cc_rest_answer *answer, cc_admin_error *err)
{
    const kind_entry *k = req->nsegs > 0 ? find_kind(req->segs[0]) : NULL;

    memset(answer, 0, sizeof(*answer));
    if (k == NULL)
        return no_such(pool, req, err);
    return k->handle(db, pool, req, answer, err);
}
